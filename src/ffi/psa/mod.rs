//! The PSA Crypto binding of the PSA provider (`transport::tls::crypto::psa`): a C
//! boundary like the rest of `ffi`, but an import (the platform's PSA implementation),
//! not part of this library's C API. Each `psa_*` call is wrapped in a function over Rust
//! slices and references that checks the lengths the library reports.
//!
//! - `types`: the PSA types and constants, and the two C structs passed by pointer;
//! - `sys`: the `extern "C"` declarations.
//!
//! With feature `psa-count` every call is counted per kind (see [`counts`]): a test build
//! proves that the handshake ran through PSA.
// A diet build (`tls-no-rsa`, `tls-no-sha384`) verifies no RSA or SHA-384/512 signature:
// the declarations for those stay, unused, with the rest of the binding.
#![cfg_attr(any(feature = "tls-no-rsa", feature = "tls-no-sha384"), allow(dead_code))]

mod sys;
mod types;

pub(crate) use types::*;

/// What a PSA call was for, as counted with feature `psa-count`.
#[derive(Clone, Copy)]
enum Kind {
    /// `psa_crypto_init`, key import, generation, export, attributes, destruction.
    Key = 0,
    /// `psa_generate_random`.
    Random,
    /// `psa_hash_*`.
    Hash,
    /// `psa_mac_*` (HMAC, under HKDF and the TLS 1.2 PRF).
    Mac,
    /// `psa_aead_*`.
    Aead,
    /// `psa_raw_key_agreement`.
    KeyAgreement,
    /// `psa_verify_hash`.
    Verify,
    /// `psa_sign_hash`.
    Sign,
}

/// A zero counter, to initialise the array below.
#[cfg(feature = "psa-count")]
#[allow(clippy::declare_interior_mutable_const)]
const ZERO: core::sync::atomic::AtomicU32 = core::sync::atomic::AtomicU32::new(0);
/// Calls per [`Kind`].
#[cfg(feature = "psa-count")]
static COUNTS: [core::sync::atomic::AtomicU32; 8] = [ZERO; 8];

/// Counts one call of `kind` (a no-op without feature `psa-count`).
#[inline(always)]
fn count(kind: Kind) {
    #[cfg(feature = "psa-count")]
    COUNTS[kind as usize].fetch_add(1, core::sync::atomic::Ordering::Relaxed);
    #[cfg(not(feature = "psa-count"))]
    let _ = kind;
}

/// Calls made so far per [`Kind`], in declaration order.
#[cfg(feature = "psa-count")]
pub(crate) fn counts() -> [u32; 8] {
    core::array::from_fn(|i| COUNTS[i].load(core::sync::atomic::Ordering::Relaxed))
}

/// `psa_crypto_init` (idempotent).
pub(crate) fn crypto_init() -> Status {
    count(Kind::Key);
    // SAFETY: takes no arguments; PSA allows repeated calls.
    unsafe { sys::psa_crypto_init() }
}

/// `psa_generate_random` into `out`.
pub(crate) fn generate_random(out: &mut [u8]) -> Status {
    count(Kind::Random);
    // SAFETY: `out` is valid for `out.len()` writes.
    unsafe { sys::psa_generate_random(out.as_mut_ptr(), out.len()) }
}

/// `psa_import_key`.
pub(crate) fn import_key(attributes: &KeyAttributes, data: &[u8], key: &mut KeyId) -> Status {
    count(Kind::Key);
    // SAFETY: all pointers come from live references of the stated lengths.
    unsafe { sys::psa_import_key(attributes, data.as_ptr(), data.len(), key) }
}

/// `psa_generate_key`.
pub(crate) fn generate_key(attributes: &KeyAttributes, key: &mut KeyId) -> Status {
    count(Kind::Key);
    // SAFETY: both pointers come from live references.
    unsafe { sys::psa_generate_key(attributes, key) }
}

/// The size in bits of `key` (`psa_get_key_attributes`, then `psa_reset_key_attributes`).
pub(crate) fn key_bits(key: KeyId) -> Option<u16> {
    count(Kind::Key);
    let mut attributes = KeyAttributes::new(0, 0, 0, 0);
    // SAFETY: `attributes` is a live, initialised struct of the layout the library expects.
    let status = unsafe { sys::psa_get_key_attributes(key, &mut attributes) };
    let bits = attributes.bits();
    // SAFETY: as above; frees whatever the library attached to the attributes.
    unsafe { sys::psa_reset_key_attributes(&mut attributes) };
    (status == SUCCESS).then_some(bits)
}

/// `psa_export_public_key` into `out`; returns the length written.
pub(crate) fn export_public_key(key: KeyId, out: &mut [u8]) -> Result<usize, Status> {
    count(Kind::Key);
    let mut len = 0;
    // SAFETY: `out` is valid for `out.len()` writes; `len` is a live usize.
    let status = unsafe { sys::psa_export_public_key(key, out.as_mut_ptr(), out.len(), &mut len) };
    ok_len(status, len, out.len())
}

/// `psa_destroy_key`.
pub(crate) fn destroy_key(key: KeyId) -> Status {
    count(Kind::Key);
    // SAFETY: plain value argument; an unknown id is reported, not undefined.
    unsafe { sys::psa_destroy_key(key) }
}

/// `psa_hash_compute` of `input` into `out`; returns the length written.
pub(crate) fn hash_compute(alg: Algorithm, input: &[u8], out: &mut [u8]) -> Result<usize, Status> {
    count(Kind::Hash);
    let mut len = 0;
    // SAFETY: slices valid for their lengths; `len` is a live usize.
    let status = unsafe { sys::psa_hash_compute(alg, input.as_ptr(), input.len(), out.as_mut_ptr(), out.len(), &mut len) };
    ok_len(status, len, out.len())
}

/// `psa_hash_setup` on an inactive operation.
pub(crate) fn hash_setup(operation: &mut HashOperation, alg: Algorithm) -> Status {
    count(Kind::Hash);
    // SAFETY: `operation` is a live, zero-initialised operation with room to spare.
    unsafe { sys::psa_hash_setup(operation, alg) }
}

/// `psa_hash_update`.
pub(crate) fn hash_update(operation: &mut HashOperation, input: &[u8]) -> Status {
    count(Kind::Hash);
    // SAFETY: `operation` is live and exclusively borrowed; `input` valid for its length.
    unsafe { sys::psa_hash_update(operation, input.as_ptr(), input.len()) }
}

/// `psa_hash_finish` into `out`; returns the length written.
pub(crate) fn hash_finish(operation: &mut HashOperation, out: &mut [u8]) -> Result<usize, Status> {
    count(Kind::Hash);
    let mut len = 0;
    // SAFETY: `operation` is live and exclusively borrowed; `out` valid for its length.
    let status = unsafe { sys::psa_hash_finish(operation, out.as_mut_ptr(), out.len(), &mut len) };
    ok_len(status, len, out.len())
}

/// `psa_hash_clone` of `source` into the inactive `target`.
pub(crate) fn hash_clone(source: &HashOperation, target: &mut HashOperation) -> Status {
    count(Kind::Hash);
    // SAFETY: both operations are live; `target` is zero-initialised and distinct from `source`.
    unsafe { sys::psa_hash_clone(source, target) }
}

/// `psa_hash_abort` (harmless on an inactive operation).
pub(crate) fn hash_abort(operation: &mut HashOperation) -> Status {
    count(Kind::Hash);
    // SAFETY: `operation` is live and exclusively borrowed.
    unsafe { sys::psa_hash_abort(operation) }
}

/// `psa_mac_compute` of `input` into `out`; returns the length written.
pub(crate) fn mac_compute(key: KeyId, alg: Algorithm, input: &[u8], out: &mut [u8]) -> Result<usize, Status> {
    count(Kind::Mac);
    let mut len = 0;
    // SAFETY: slices valid for their lengths; `len` is a live usize.
    let status = unsafe { sys::psa_mac_compute(key, alg, input.as_ptr(), input.len(), out.as_mut_ptr(), out.len(), &mut len) };
    ok_len(status, len, out.len())
}

/// `psa_aead_encrypt` of `plain` into `out` (ciphertext then tag); returns the length written.
pub(crate) fn aead_encrypt(key: KeyId, alg: Algorithm, nonce: &[u8], aad: &[u8], plain: &[u8], out: &mut [u8]) -> Result<usize, Status> {
    count(Kind::Aead);
    let mut len = 0;
    // SAFETY: every slice is valid for its length and `out` does not overlap the inputs
    // (it is exclusively borrowed); `len` is a live usize.
    let status = unsafe {
        sys::psa_aead_encrypt(
            key,
            alg,
            nonce.as_ptr(),
            nonce.len(),
            aad.as_ptr(),
            aad.len(),
            plain.as_ptr(),
            plain.len(),
            out.as_mut_ptr(),
            out.len(),
            &mut len,
        )
    };
    ok_len(status, len, out.len())
}

/// `psa_aead_decrypt` of `sealed` (ciphertext then tag) into `out`; returns the length written.
pub(crate) fn aead_decrypt(key: KeyId, alg: Algorithm, nonce: &[u8], aad: &[u8], sealed: &[u8], out: &mut [u8]) -> Result<usize, Status> {
    count(Kind::Aead);
    let mut len = 0;
    // SAFETY: as in `aead_encrypt`.
    let status = unsafe {
        sys::psa_aead_decrypt(
            key,
            alg,
            nonce.as_ptr(),
            nonce.len(),
            aad.as_ptr(),
            aad.len(),
            sealed.as_ptr(),
            sealed.len(),
            out.as_mut_ptr(),
            out.len(),
            &mut len,
        )
    };
    ok_len(status, len, out.len())
}

/// `psa_raw_key_agreement` of `key` with `peer` into `out`; returns the length written.
pub(crate) fn raw_key_agreement(alg: Algorithm, key: KeyId, peer: &[u8], out: &mut [u8]) -> Result<usize, Status> {
    count(Kind::KeyAgreement);
    let mut len = 0;
    // SAFETY: slices valid for their lengths; `len` is a live usize.
    let status = unsafe { sys::psa_raw_key_agreement(alg, key, peer.as_ptr(), peer.len(), out.as_mut_ptr(), out.len(), &mut len) };
    ok_len(status, len, out.len())
}

/// `psa_sign_hash` of `hash` into `out`; returns the length written.
pub(crate) fn sign_hash(key: KeyId, alg: Algorithm, hash: &[u8], out: &mut [u8]) -> Result<usize, Status> {
    count(Kind::Sign);
    let mut len = 0;
    // SAFETY: slices valid for their lengths; `len` is a live usize.
    let status = unsafe { sys::psa_sign_hash(key, alg, hash.as_ptr(), hash.len(), out.as_mut_ptr(), out.len(), &mut len) };
    ok_len(status, len, out.len())
}

/// `psa_verify_hash`.
pub(crate) fn verify_hash(key: KeyId, alg: Algorithm, hash: &[u8], signature: &[u8]) -> Status {
    count(Kind::Verify);
    // SAFETY: slices valid for their lengths.
    unsafe { sys::psa_verify_hash(key, alg, hash.as_ptr(), hash.len(), signature.as_ptr(), signature.len()) }
}

/// The written length on success, never beyond the buffer even if the library claimed so.
fn ok_len(status: Status, len: usize, capacity: usize) -> Result<usize, Status> {
    match status {
        SUCCESS if len <= capacity => Ok(len),
        SUCCESS => Err(ERROR_NOT_SUPPORTED),
        error => Err(error),
    }
}
