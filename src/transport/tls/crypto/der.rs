//! The little DER the providers that bring their own primitives (pure-Rust, PSA) read and
//! write: ECDSA signatures (TLS and X.509 carry `SEQUENCE { INTEGER r, INTEGER s }`, the
//! primitives take and give `r || s`) and the private scalar of a P-256 key in PKCS#8 or SEC1
//! form. A few lines of parsing here keep the `der`/`pkcs8` decoders out of the firmware.

use crate::transport::tls::alloc::vec::Vec;

const SEQUENCE: u8 = 0x30;
const INTEGER: u8 = 0x02;
const OCTET_STRING: u8 = 0x04;
const OID: u8 = 0x06;
/// `[0]` explicit, as SEC1's `parameters`.
const CONTEXT_0: u8 = 0xa0;

/// id-ecPublicKey (1.2.840.10045.2.1).
const OID_EC_PUBLIC_KEY: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
/// prime256v1 / secp256r1 (1.2.840.10045.3.1.7).
const OID_P256: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];

/// Splits one element of type `tag` off the front of `input`: (contents, rest).
fn element(input: &[u8], tag: u8) -> Option<(&[u8], &[u8])> {
    let (&found, input) = input.split_first()?;
    if found != tag {
        return None;
    }
    let (&first, mut input) = input.split_first()?;
    let len = if first < 0x80 {
        usize::from(first)
    } else {
        let octets = usize::from(first & 0x7f);
        if octets == 0 || octets > 2 || input.len() < octets {
            return None;
        }
        let (len_bytes, rest) = input.split_at(octets);
        input = rest;
        len_bytes.iter().fold(0usize, |acc, b| (acc << 8) | usize::from(*b))
    };
    (input.len() >= len).then(|| input.split_at(len))
}

/// Appends the DER length `len` (below 64 KiB).
fn push_len(out: &mut Vec<u8>, len: usize) {
    match len {
        0..=0x7f => out.push(len as u8),
        0x80..=0xff => out.extend_from_slice(&[0x81, len as u8]),
        _ => out.extend_from_slice(&[0x82, (len >> 8) as u8, len as u8]),
    }
}

/// A DER ECDSA signature as `r || s`, each left-padded to `scalar_len` bytes.
pub(super) fn ecdsa_der_to_raw(der: &[u8], scalar_len: usize) -> Option<Vec<u8>> {
    let (body, rest) = element(der, SEQUENCE)?;
    if !rest.is_empty() {
        return None;
    }
    let (r, body) = element(body, INTEGER)?;
    let (s, body) = element(body, INTEGER)?;
    if !body.is_empty() {
        return None;
    }
    let mut raw = crate::transport::tls::alloc::vec![0u8; 2 * scalar_len];
    for (int, half) in [r, s].into_iter().zip(raw.chunks_mut(scalar_len)) {
        // Positive integers only; a leading zero octet is padding for the sign bit.
        if int.first().map_or(true, |b| b & 0x80 != 0) {
            return None;
        }
        let digits = &int[int.iter().take_while(|b| **b == 0).count()..];
        if digits.len() > scalar_len {
            return None;
        }
        half[scalar_len - digits.len()..].copy_from_slice(digits);
    }
    Some(raw)
}

/// `r || s` (two halves of equal length) as a DER ECDSA signature.
pub(super) fn ecdsa_raw_to_der(raw: &[u8]) -> Vec<u8> {
    let mut ints = Vec::with_capacity(raw.len() + 8);
    for half in raw.chunks(raw.len() / 2 + raw.len() % 2) {
        let digits = &half[half.iter().take_while(|b| **b == 0).count()..];
        let pad = digits.first().map_or(true, |b| b & 0x80 != 0);
        ints.push(INTEGER);
        push_len(&mut ints, digits.len() + usize::from(pad));
        if pad {
            ints.push(0);
        }
        ints.extend_from_slice(digits);
    }
    let mut der = Vec::with_capacity(ints.len() + 4);
    der.push(SEQUENCE);
    push_len(&mut der, ints.len());
    der.extend_from_slice(&ints);
    der
}

/// The private scalar of a P-256 key in PKCS#8 `PrivateKeyInfo` (RFC 5208/5915).
pub(super) fn p256_scalar_from_pkcs8(der: &[u8]) -> Option<&[u8]> {
    let (info, _) = element(der, SEQUENCE)?;
    let (_version, info) = element(info, INTEGER)?;
    let (algorithm, info) = element(info, SEQUENCE)?;
    let (key_oid, params) = element(algorithm, OID)?;
    let (curve_oid, _) = element(params, OID)?;
    if key_oid != OID_EC_PUBLIC_KEY || curve_oid != OID_P256 {
        return None;
    }
    let (sec1, _) = element(info, OCTET_STRING)?;
    p256_scalar_from_sec1(sec1)
}

/// The private scalar of a P-256 key in SEC1 `ECPrivateKey` (RFC 5915); a key naming another
/// curve is refused, one naming none is taken as P-256 when its scalar has P-256's size.
pub(super) fn p256_scalar_from_sec1(der: &[u8]) -> Option<&[u8]> {
    let (key, _) = element(der, SEQUENCE)?;
    let (_version, key) = element(key, INTEGER)?;
    let (scalar, key) = element(key, OCTET_STRING)?;
    if let Some((params, _)) = element(key, CONTEXT_0) {
        let (curve_oid, _) = element(params, OID)?;
        if curve_oid != OID_P256 {
            return None;
        }
    }
    (scalar.len() == 32).then_some(scalar)
}

/// The modulus and public exponent (big-endian, positive) of a PKCS#1 `RSAPublicKey`
/// (RFC 8017 appendix A.1.1), the form webpki hands the signature check.
#[cfg(all(mqtt_rs_crypto = "rustcrypto", not(feature = "tls-no-rsa")))]
pub(super) fn rsa_public_key(der: &[u8]) -> Option<(&[u8], &[u8])> {
    let (key, rest) = element(der, SEQUENCE)?;
    let (modulus, key) = element(key, INTEGER)?;
    let (exponent, key) = element(key, INTEGER)?;
    let positive = |int: &[u8]| int.first().is_some_and(|b| b & 0x80 == 0);
    (rest.is_empty() && key.is_empty() && positive(modulus) && positive(exponent)).then_some((modulus, exponent))
}
