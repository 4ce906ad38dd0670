//! Topic name and topic filter rules (MQTT 3.1.1 section 4.7).

/// True when `name` may be used as a PUBLISH topic: non-empty and without wildcards.
pub fn is_valid_name(name: &str) -> bool {
    !name.is_empty() && !name.bytes().any(|b| b == b'+' || b == b'#')
}

/// True when `filter` is a well-formed subscription filter: non-empty, `+` fills a
/// whole level, `#` fills the last level.
///
/// Walks the bytes instead of `str::split`, whose iterator keeps a panic path in the
/// release library (tests/panic_check.sh). `/`, `+` and `#` are ASCII, so a byte scan
/// sees the same levels.
pub fn is_valid_filter(filter: &str) -> bool {
    let bytes = filter.as_bytes();
    if bytes.is_empty() {
        return false;
    }
    let mut level_start = true;
    for (i, &b) in bytes.iter().enumerate() {
        let ends_level = matches!(bytes.get(i + 1), None | Some(b'/'));
        let ok = match b {
            b'+' => level_start && ends_level,
            b'#' => level_start && i + 1 == bytes.len(),
            _ => true,
        };
        if !ok {
            return false;
        }
        level_start = b == b'/';
    }
    true
}
