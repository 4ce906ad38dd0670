//! The fixed header's remaining-length field (MQTT variable byte integer).

use super::DecodeError;

/// Largest remaining length MQTT can express (four 7-bit groups).
pub const MAX_REMAINING_LENGTH: u32 = 268_435_455;

/// Largest remaining length a received fixed header may carry: MQTT's limit, or on a
/// 16-bit target what a `usize` holds with the fixed header (at most 5 bytes) on top, so
/// that packet, payload and chunk lengths convert to `usize` without loss.
pub const MAX_RECEIVED_LENGTH: u32 = if usize::BITS < 32 { usize::MAX as u32 - 5 } else { MAX_REMAINING_LENGTH };

/// Outcome of reading a remaining length from the start of `buf`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VarInt {
    /// The value and how many bytes encoded it.
    Complete { value: u32, len: usize },
    /// `buf` ended before the last byte of the field.
    Incomplete,
}

/// Decodes a variable byte integer; rejects more than 4 bytes and non-minimal encodings.
///
/// Out of line with MQTT 5.0, whose property lengths and subscription identifiers add
/// callers (measured 92 B smaller on Cortex-M4); inlined in the 3.1.1-only build, where
/// out of line it measured 60 B larger.
#[cfg_attr(feature = "mqtt5", inline(never))]
pub fn decode(buf: &[u8]) -> Result<VarInt, DecodeError> {
    let mut value: u32 = 0;
    for (i, &byte) in buf.iter().enumerate().take(4) {
        value |= u32::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 == 0 {
            // A final group of zero after other groups means a longer encoding than needed.
            if i > 0 && byte == 0 {
                return Err(DecodeError::RemainingLength);
            }
            return Ok(VarInt::Complete { value, len: i + 1 });
        }
    }
    if buf.len() >= 4 {
        Err(DecodeError::RemainingLength)
    } else {
        Ok(VarInt::Incomplete)
    }
}

/// Number of bytes that encode `value`.
pub fn encoded_len(value: u32) -> usize {
    // Bare metal counts by shifting: inlined where a PUBLISH is sized, each copy is smaller
    // than a comparison with each limit (Cortex-M4: 18 B less for the 3.1.1 client's two),
    // which hosted targets keep (the shifts cost 8 to 16 instructions per publish there).
    #[cfg(target_os = "none")]
    return len_by_shifts(value);
    #[cfg(not(target_os = "none"))]
    match value {
        0..=127 => 1,
        128..=16_383 => 2,
        16_384..=2_097_151 => 3,
        _ => 4,
    }
}

/// [`encoded_len`] counted seven bits a byte; values above the limit (only a saturated
/// sum has them) count 4, as there. On hosted targets built for its test only.
#[cfg(any(test, target_os = "none"))]
fn len_by_shifts(value: u32) -> usize {
    let mut n = 1;
    let mut rest = value >> 7;
    while rest != 0 {
        n += 1;
        rest >>= 7;
    }
    n.min(4)
}

/// Writes `value` (≤ [`MAX_REMAINING_LENGTH`]) into `out`, returning the bytes used.
pub fn encode(mut value: u32, out: &mut [u8; 4]) -> usize {
    let mut n = 0;
    loop {
        let mut byte = (value & 0x7f) as u8;
        value >>= 7;
        if value > 0 {
            byte |= 0x80;
        }
        out[n] = byte;
        n += 1;
        if value == 0 || n == 4 {
            return n;
        }
    }
}

#[cfg(test)]
mod tests {
    /// The bare-metal count agrees with the limits at every boundary and beyond the last.
    #[test]
    fn len_by_shifts_matches_the_limits() {
        for (value, len) in
            [(0, 1), (127, 1), (128, 2), (16_383, 2), (16_384, 3), (2_097_151, 3), (2_097_152, 4), (268_435_455, 4), (268_435_456, 4), (u32::MAX, 4)]
        {
            assert_eq!(super::len_by_shifts(value), len, "{value}");
        }
    }
}
