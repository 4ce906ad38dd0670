//! ECDSA P-256 signatures given as `r || s` turned into the DER form the verifiers take.

/// Longest DER signature for P-256: SEQUENCE of two 33-byte INTEGERs.
pub(super) const MAX_P256_DER: usize = 2 + 2 * (2 + 33);

/// Writes `raw` (`r || s`, 32 bytes each) as a DER `ECDSA-Sig-Value` into `out` and
/// returns the written part.
pub(super) fn p256_raw_to_der<'o>(raw: &[u8], out: &'o mut [u8; MAX_P256_DER]) -> &'o [u8] {
    let (r, s) = raw.split_at(raw.len() / 2);
    let mut len = 2;
    for half in [r, s] {
        len += integer(half, out.get_mut(len..).unwrap_or_default());
    }
    out[..2].copy_from_slice(&[0x30, (len - 2) as u8]);
    out.get(..len).unwrap_or_default()
}

/// Writes the unsigned big-endian `value` as a DER INTEGER (leading zeros dropped, a
/// zero prepended when the top bit is set); returns the bytes written (0 if no room).
fn integer(value: &[u8], out: &mut [u8]) -> usize {
    let start = value.iter().position(|b| *b != 0).unwrap_or(value.len().saturating_sub(1));
    let digits = value.get(start..).unwrap_or_default();
    let pad = usize::from(digits.first().is_some_and(|b| b & 0x80 != 0));
    let len = digits.len() + pad;
    let Some((head, body)) = out.get_mut(..2 + len).map(|d| d.split_at_mut(2)) else { return 0 };
    head.copy_from_slice(&[0x02, len as u8]);
    let (zero, rest) = body.split_at_mut(pad);
    zero.fill(0);
    rest.copy_from_slice(digits);
    2 + len
}
