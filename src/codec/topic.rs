//! Topic name and topic filter rules (MQTT 3.1.1 section 4.7).

/// True when `name` may be used as a PUBLISH topic: non-empty and without wildcards.
pub fn is_valid_name(name: &str) -> bool {
    !name.is_empty() && !name.bytes().any(|b| b == b'+' || b == b'#')
}

/// True when `filter` is a well-formed subscription filter: non-empty, `+` fills a
/// whole level, `#` fills the last level.
pub fn is_valid_filter(filter: &str) -> bool {
    let bytes = filter.as_bytes();
    let level_start = |i: usize| i == 0 || bytes.get(i.wrapping_sub(1)) == Some(&b'/');
    !bytes.is_empty()
        && bytes.iter().enumerate().all(|(i, &b)| match b {
            b'+' => level_start(i) && matches!(bytes.get(i + 1), None | Some(b'/')),
            b'#' => level_start(i) && i + 1 == bytes.len(),
            _ => true,
        })
}
