//! Topic name and topic filter rules (MQTT 3.1.1 section 4.7).

/// True when `name` may be used as a PUBLISH topic: non-empty and without wildcards.
pub fn is_valid_name(name: &str) -> bool {
    !name.is_empty() && !name.bytes().any(|b| b == b'+' || b == b'#')
}

/// True when `filter` is a well-formed subscription filter: non-empty, `+` fills a
/// whole level, `#` fills the last level.
pub fn is_valid_filter(filter: &str) -> bool {
    if filter.is_empty() {
        return false;
    }
    let mut levels = filter.split('/').peekable();
    while let Some(level) = levels.next() {
        let is_last = levels.peek().is_none();
        let ok = match level {
            "#" => is_last,
            "+" => true,
            _ => !level.bytes().any(|b| b == b'+' || b == b'#'),
        };
        if !ok {
            return false;
        }
    }
    true
}
