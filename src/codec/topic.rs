//! Topic name and topic filter rules (MQTT 3.1.1 section 4.7).

use core::ffi::CStr;

/// Bytes checked at once by [`is_ascii_name`].
const WORD: usize = core::mem::size_of::<usize>();
/// 0x01 in every byte.
const ONES: usize = usize::MAX / 0xff;

/// True when `name` may be used as a PUBLISH topic: non-empty and without wildcards.
///
/// One byte at a time on every target: the non-blocking C publish finds a plain ASCII topic
/// of a word or more valid in a pass of its own ([`is_ascii_name`]), so this runs on the
/// blocking publish, a received PUBLISH and the will topic only, where a word at a time on
/// hosted targets was 207 B larger on x86_64 (for a few instructions a byte). One copy, of
/// the check of a name's bytes (out of line on bare metal), which the CONNECT encoder calls
/// too.
#[inline(always)]
pub fn is_valid_name(name: &str) -> bool {
    is_valid_name_bytes(name.as_bytes())
}

/// [`is_valid_name`] of the bytes of a name (the CONNECT encoder's will topic, held as
/// bytes in its array of length-prefixed fields). Never inlined on bare metal (Cortex-M4:
/// smaller); hosted targets leave it to the compiler (inlined).
#[cfg_attr(target_os = "none", inline(never))]
pub(crate) fn is_valid_name_bytes(name: &[u8]) -> bool {
    // `b | 0x08` is `+` (0x2b) for exactly two bytes, `+` and `#` (0x23).
    !name.is_empty() && !name.iter().any(|&b| b | 0x08 == b'+')
}

/// True when the C string `topic` is a topic name of plain ASCII at least a word long:
/// every byte at most 0x7f and none `+` or `#` (none is NUL: a C string ends at its first).
/// One pass for what the UTF-8 check and [`is_valid_name`] find in two
/// (`mqtt_rs_client_begin_publish` checks its topic with it first); false for anything it
/// does not decide (shorter names, other text), which those two then check. Inlined into
/// that one caller on hosted targets (a call per publish there).
#[cfg_attr(not(target_os = "none"), inline(always))]
pub fn is_ascii_name(topic: &CStr) -> bool {
    // The top bit of each byte that is 0x80 or above, or a wildcard: `b | 0x08` is `+`
    // for `+` and `#` only, so a wildcard is a zero byte of `marked` (`word | 0x08..` XOR
    // `0x2b..`), which the subtraction flags; `marked` has the word's own top bits, so its
    // zero test needs no `& !marked` beside the word. A slice of another length than a word
    // is all zero.
    let flags = |word: &[u8]| {
        let word = usize::from_ne_bytes(word.try_into().unwrap_or_default());
        let marked = (word | (ONES * 0x08)) ^ (ONES * usize::from(b'+'));
        word | marked.wrapping_sub(ONES)
    };
    let raw = topic.to_bytes();
    let Some(last) = raw.len().checked_sub(WORD) else { return false };
    // The whole words, then the last word, which overlaps them: no byte-wise tail, and no
    // early exit (a topic is a few words).
    let flagged = raw.chunks_exact(WORD).fold(flags(raw.get(last..).unwrap_or_default()), |all, word| all | flags(word));
    flagged & (ONES << 7) == 0
}

/// A PUBLISH topic name found valid (non-empty, no wildcard, at most 65,535 bytes), made
/// only here: the engine takes it without scanning the topic again, so a caller that
/// checked it its own way (the C publish call's one pass over plain ASCII) hands the
/// result over as a type instead of a flag the engine has to trust.
#[derive(Clone, Copy)]
pub(crate) struct Name<'a>(&'a str);

impl<'a> Name<'a> {
    /// `topic` as a name, or `None` when it is not a valid one.
    #[inline(always)]
    pub(crate) fn new(topic: &'a str) -> Option<Self> {
        (topic.len() <= usize::from(u16::MAX) && is_valid_name(topic)).then_some(Name(topic))
    }

    /// [`new`](Self::new) out of line, for the non-blocking C publish's fallback after
    /// [`ascii`](Self::ascii): with the name check inlined there (as it is elsewhere on
    /// hosted targets), every publish took 9 instructions more.
    #[inline(never)]
    pub(crate) fn new_apart(topic: &'a str) -> Option<Self> {
        Self::new(topic)
    }

    /// `topic` as a name when [`is_ascii_name`] finds it one, else `None` (it may still be
    /// one: [`new`](Self::new) decides, after the UTF-8 check).
    #[cfg_attr(not(target_os = "none"), inline(always))]
    pub(crate) fn ascii(topic: &'a CStr) -> Option<Self> {
        let raw = topic.to_bytes();
        if raw.len() > usize::from(u16::MAX) || !is_ascii_name(topic) {
            return None;
        }
        // SAFETY: plain ASCII (every byte at most 0x7f) is UTF-8.
        Some(Name(unsafe { core::str::from_utf8_unchecked(raw) }))
    }

    /// The topic.
    pub(crate) fn as_str(self) -> &'a str {
        self.0
    }

    /// The topic's length, which a name keeps within 16 bits.
    pub(crate) fn len(self) -> u16 {
        self.0.len() as u16
    }
}

/// True when `filter` is a well-formed subscription filter: non-empty, `+` fills a
/// whole level, `#` fills the last level.
///
/// One pass that keeps the byte before (a level separator before the first): a wildcard
/// must follow a separator, a `+` be followed by one or the end, a `#` by nothing. The
/// byte before is first asked whether it is a wildcard (`b | 0x08` is `+` for `+` and `#`
/// only, as in [`is_valid_name`]), one test for the two rules that follow a wildcard.
/// Always inlined (into the SUBSCRIBE and UNSUBSCRIBE encoders' sizing loops for filters
/// given as bytes; a C call's filters take the same rule in the scan of `ffi::check::Checked`): so written
/// and inlined, Cortex-M4 measured 24 B smaller (MQTT 5.0 2 B); out of line, 44 B larger.
#[inline(always)]
pub fn is_valid_filter(filter: &str) -> bool {
    let mut before = b'/';
    for &b in filter.as_bytes() {
        if !fits(before, b) {
            return false;
        }
        before = b;
    }
    !filter.is_empty()
}

/// The rule of [`is_valid_filter`] for a byte `b` after `before` (also the C calls' filter
/// scan's, in `ffi::check::Checked`).
#[inline(always)]
pub(crate) fn fits(before: u8, b: u8) -> bool {
    if before | 0x08 == b'+' {
        before == b'+' && b == b'/'
    } else {
        before == b'/' || b | 0x08 != b'+'
    }
}

/// A subscription filter's text as the SUBSCRIBE and UNSUBSCRIBE encoders take it (both
/// versions), which check it before they size the packet: bytes, which they check as
/// MQTT's UTF-8 first, or C strings (`ffi::check::Checked`), which the C calls checked as UTF-8 with their
/// other arguments (its result comes before the engine's refusals), so that a filter from
/// C is not checked twice. Sealed: text of no other type skips the check.
pub trait FilterText<'a>: Copy + sealed::Sealed {
    /// The filter's bytes when it is MQTT's UTF-8 (with no U+0000) and a well-formed
    /// filter ([`is_valid_filter`]), else `None`.
    fn valid(self) -> Option<&'a [u8]>;

    /// The filter's bytes, as they go into the packet.
    fn bytes(self) -> &'a [u8];
}

pub(crate) mod sealed {
    pub trait Sealed {}
}

impl sealed::Sealed for &[u8] {}

impl<'a> FilterText<'a> for &'a [u8] {
    #[inline(always)]
    fn valid(self) -> Option<&'a [u8]> {
        super::utf8::check(self).ok().filter(|f| is_valid_filter(f)).map(str::as_bytes)
    }

    #[inline(always)]
    fn bytes(self) -> &'a [u8] {
        self
    }
}
