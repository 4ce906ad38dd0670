//! Topic name and topic filter rules (MQTT 3.1.1 section 4.7).

use super::utf8::{ONES, WORD};

/// True when `name` may be used as a PUBLISH topic: non-empty and without wildcards.
///
/// Every PUBLISH sent or received runs this, so it looks at a word at a time: `b | 0x08`
/// is `+` (0x2b) for exactly two bytes, `+` and `#` (0x23), so a word holds a wildcard
/// when `word | 0x08..` XOR `0x2b..` has a zero byte.
pub fn is_valid_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    let mut i = 0;
    while let Some(Ok(word)) = bytes.get(i..i + WORD).map(<[u8; WORD]>::try_from) {
        let marked = (usize::from_ne_bytes(word) | (ONES * 0x08)) ^ (ONES * usize::from(b'+'));
        if marked.wrapping_sub(ONES) & !marked & (ONES << 7) != 0 {
            return false;
        }
        i += WORD;
    }
    !bytes.is_empty() && !bytes.get(i..).unwrap_or_default().iter().any(|&b| b | 0x08 == b'+')
}

/// True when `filter` is a well-formed subscription filter: non-empty, `+` fills a
/// whole level, `#` fills the last level.
///
/// One pass that keeps the byte before (a level separator before the first): a wildcard
/// must follow a separator, a `+` be followed by one or the end, a `#` by nothing.
pub fn is_valid_filter(filter: &str) -> bool {
    let mut before = b'/';
    for &b in filter.as_bytes() {
        if before == b'#' || (before == b'+' && b != b'/') || (b | 0x08 == b'+' && before != b'/') {
            return false;
        }
        before = b;
    }
    !filter.is_empty()
}
