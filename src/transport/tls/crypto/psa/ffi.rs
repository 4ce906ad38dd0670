//! The PSA Crypto C functions this provider calls, declared by hand, and the constants it
//! passes them.
//!
//! Identifiers and encodings come from the PSA Certified Crypto API specification (1.0/1.1);
//! each value was checked against Mbed TLS 2.28's `psa/crypto_values.h` and
//! `psa/crypto_types.h`. Two types are implementation-defined by the specification and
//! follow Mbed TLS 2.28 here: the layout of `psa_key_attributes_t` (whose setters are inline
//! functions in the headers, so they cannot be called) and the size of
//! `psa_hash_operation_t` (reserved with room to spare).
//!
//! With feature `psa-count` every call is counted per kind (see [`counts`]): a test build
//! proves that the handshake ran through PSA.
// A diet build (`tls-no-rsa`, `tls-no-sha384`) verifies no RSA or SHA-384/512 signature:
// the declarations for those stay, unused, with the rest of the binding.
#![cfg_attr(any(feature = "tls-no-rsa", feature = "tls-no-sha384"), allow(dead_code))]

use core::ffi::c_void;

/// `psa_status_t`: 0 on success, negative error codes.
pub(super) type Status = i32;
/// `psa_key_id_t` (`mbedtls_svc_key_id_t` without owner encoding).
pub(super) type KeyId = u32;
/// `psa_algorithm_t`.
pub(super) type Algorithm = u32;

/// `PSA_SUCCESS`.
pub(super) const SUCCESS: Status = 0;
/// `PSA_ERROR_NOT_SUPPORTED`.
pub(super) const ERROR_NOT_SUPPORTED: Status = -134;

/// `PSA_ALG_SHA_256`.
pub(super) const ALG_SHA_256: Algorithm = 0x0200_0009;
/// `PSA_ALG_SHA_384`.
pub(super) const ALG_SHA_384: Algorithm = 0x0200_000a;
/// `PSA_ALG_SHA_512`.
pub(super) const ALG_SHA_512: Algorithm = 0x0200_000b;

/// `PSA_ALG_HMAC(hash)`.
pub(super) const fn alg_hmac(hash: Algorithm) -> Algorithm {
    0x0380_0000 | (hash & 0xff)
}
/// `PSA_ALG_GCM`.
pub(super) const ALG_GCM: Algorithm = 0x0550_0200;
/// `PSA_ALG_ECDH`.
pub(super) const ALG_ECDH: Algorithm = 0x0902_0000;
/// `PSA_ALG_ECDSA(hash)` (randomized ECDSA).
pub(super) const fn alg_ecdsa(hash: Algorithm) -> Algorithm {
    0x0600_0600 | (hash & 0xff)
}
/// `PSA_ALG_DETERMINISTIC_ECDSA(hash)` (RFC 6979).
pub(super) const fn alg_deterministic_ecdsa(hash: Algorithm) -> Algorithm {
    0x0600_0700 | (hash & 0xff)
}
/// `PSA_ALG_RSA_PKCS1V15_SIGN(hash)`.
pub(super) const fn alg_rsa_pkcs1v15_sign(hash: Algorithm) -> Algorithm {
    0x0600_0200 | (hash & 0xff)
}
/// `PSA_ALG_RSA_PSS(hash)`.
pub(super) const fn alg_rsa_pss(hash: Algorithm) -> Algorithm {
    0x0600_0300 | (hash & 0xff)
}

/// `psa_key_type_t`.
pub(super) type KeyType = u16;
/// `PSA_KEY_TYPE_HMAC`.
pub(super) const KEY_TYPE_HMAC: KeyType = 0x1100;
/// `PSA_KEY_TYPE_AES`.
pub(super) const KEY_TYPE_AES: KeyType = 0x2400;
/// `PSA_KEY_TYPE_RSA_PUBLIC_KEY` (imported as a DER PKCS#1 `RSAPublicKey`).
pub(super) const KEY_TYPE_RSA_PUBLIC_KEY: KeyType = 0x4001;
/// `PSA_KEY_TYPE_ECC_KEY_PAIR(PSA_ECC_FAMILY_SECP_R1)`.
pub(super) const KEY_TYPE_ECC_KEY_PAIR_SECP_R1: KeyType = 0x7112;
/// `PSA_KEY_TYPE_ECC_PUBLIC_KEY(PSA_ECC_FAMILY_SECP_R1)` (imported as an uncompressed point).
pub(super) const KEY_TYPE_ECC_PUBLIC_KEY_SECP_R1: KeyType = 0x4112;
/// `PSA_KEY_TYPE_ECC_KEY_PAIR(PSA_ECC_FAMILY_MONTGOMERY)`.
pub(super) const KEY_TYPE_ECC_KEY_PAIR_MONTGOMERY: KeyType = 0x7141;

/// `psa_key_usage_t`.
pub(super) type KeyUsage = u32;
/// `PSA_KEY_USAGE_ENCRYPT`.
pub(super) const USAGE_ENCRYPT: KeyUsage = 0x0000_0100;
/// `PSA_KEY_USAGE_DECRYPT`.
pub(super) const USAGE_DECRYPT: KeyUsage = 0x0000_0200;
/// `PSA_KEY_USAGE_SIGN_MESSAGE` (MAC computation).
pub(super) const USAGE_SIGN_MESSAGE: KeyUsage = 0x0000_0400;
/// `PSA_KEY_USAGE_SIGN_HASH`.
pub(super) const USAGE_SIGN_HASH: KeyUsage = 0x0000_1000;
/// `PSA_KEY_USAGE_VERIFY_HASH`.
pub(super) const USAGE_VERIFY_HASH: KeyUsage = 0x0000_2000;
/// `PSA_KEY_USAGE_DERIVE`.
pub(super) const USAGE_DERIVE: KeyUsage = 0x0000_4000;

/// `psa_key_attributes_t` as Mbed TLS 2.28 lays it out (without `MBEDTLS_PSA_CRYPTO_SE_C`):
/// `PSA_KEY_ATTRIBUTES_INIT` is all zeros (a volatile key, no policy).
#[repr(C)]
pub(super) struct KeyAttributes {
    key_type: KeyType,
    bits: u16,
    lifetime: u32,
    id: KeyId,
    usage: KeyUsage,
    alg: Algorithm,
    alg2: Algorithm,
    flags: u16,
    domain_parameters: *mut c_void,
    domain_parameters_size: usize,
}

impl KeyAttributes {
    /// A volatile key of `key_type` (`bits` 0: taken from the data), allowed `usage` with `alg`.
    pub(super) fn new(key_type: KeyType, bits: u16, usage: KeyUsage, alg: Algorithm) -> Self {
        Self {
            key_type,
            bits,
            lifetime: 0,
            id: 0,
            usage,
            alg,
            alg2: 0,
            flags: 0,
            domain_parameters: core::ptr::null_mut(),
            domain_parameters_size: 0,
        }
    }

    /// The key size in bits, as filled in by [`psa_get_key_attributes`].
    pub(super) fn bits(&self) -> u16 {
        self.bits
    }
}

/// Bytes reserved for a `psa_hash_operation_t` (232 in Mbed TLS 2.28 on 64-bit hosts, less
/// on 32-bit targets; a client-side PSA such as TF-M's holds a handle only).
const HASH_OPERATION_BYTES: usize = 512;

/// `psa_hash_operation_t`, zeroed (`PSA_HASH_OPERATION_INIT`). Kept boxed by its users so
/// that it never moves while active.
#[repr(C, align(16))]
pub(super) struct HashOperation([u8; HASH_OPERATION_BYTES]);

impl HashOperation {
    /// An inactive operation.
    pub(super) const fn new() -> Self {
        Self([0; HASH_OPERATION_BYTES])
    }
}

mod sys {
    use super::{Algorithm, HashOperation, KeyAttributes, KeyId, Status};

    extern "C" {
        pub fn psa_crypto_init() -> Status;
        pub fn psa_generate_random(output: *mut u8, output_size: usize) -> Status;
        pub fn psa_import_key(attributes: *const KeyAttributes, data: *const u8, data_length: usize, key: *mut KeyId) -> Status;
        pub fn psa_generate_key(attributes: *const KeyAttributes, key: *mut KeyId) -> Status;
        pub fn psa_get_key_attributes(key: KeyId, attributes: *mut KeyAttributes) -> Status;
        pub fn psa_reset_key_attributes(attributes: *mut KeyAttributes);
        pub fn psa_export_public_key(key: KeyId, data: *mut u8, data_size: usize, data_length: *mut usize) -> Status;
        pub fn psa_destroy_key(key: KeyId) -> Status;
        pub fn psa_hash_compute(
            alg: Algorithm,
            input: *const u8,
            input_length: usize,
            hash: *mut u8,
            hash_size: usize,
            hash_length: *mut usize,
        ) -> Status;
        pub fn psa_hash_setup(operation: *mut HashOperation, alg: Algorithm) -> Status;
        pub fn psa_hash_update(operation: *mut HashOperation, input: *const u8, input_length: usize) -> Status;
        pub fn psa_hash_finish(operation: *mut HashOperation, hash: *mut u8, hash_size: usize, hash_length: *mut usize) -> Status;
        pub fn psa_hash_clone(source: *const HashOperation, target: *mut HashOperation) -> Status;
        pub fn psa_hash_abort(operation: *mut HashOperation) -> Status;
        pub fn psa_mac_compute(
            key: KeyId,
            alg: Algorithm,
            input: *const u8,
            input_length: usize,
            mac: *mut u8,
            mac_size: usize,
            mac_length: *mut usize,
        ) -> Status;
        pub fn psa_aead_encrypt(
            key: KeyId,
            alg: Algorithm,
            nonce: *const u8,
            nonce_length: usize,
            additional_data: *const u8,
            additional_data_length: usize,
            plaintext: *const u8,
            plaintext_length: usize,
            ciphertext: *mut u8,
            ciphertext_size: usize,
            ciphertext_length: *mut usize,
        ) -> Status;
        pub fn psa_aead_decrypt(
            key: KeyId,
            alg: Algorithm,
            nonce: *const u8,
            nonce_length: usize,
            additional_data: *const u8,
            additional_data_length: usize,
            ciphertext: *const u8,
            ciphertext_length: usize,
            plaintext: *mut u8,
            plaintext_size: usize,
            plaintext_length: *mut usize,
        ) -> Status;
        pub fn psa_raw_key_agreement(
            alg: Algorithm,
            private_key: KeyId,
            peer_key: *const u8,
            peer_key_length: usize,
            output: *mut u8,
            output_size: usize,
            output_length: *mut usize,
        ) -> Status;
        pub fn psa_sign_hash(
            key: KeyId,
            alg: Algorithm,
            hash: *const u8,
            hash_length: usize,
            signature: *mut u8,
            signature_size: usize,
            signature_length: *mut usize,
        ) -> Status;
        pub fn psa_verify_hash(
            key: KeyId,
            alg: Algorithm,
            hash: *const u8,
            hash_length: usize,
            signature: *const u8,
            signature_length: usize,
        ) -> Status;
    }
}

/// What a PSA call was for, as counted with feature `psa-count`.
#[derive(Clone, Copy)]
pub(super) enum Kind {
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
pub(super) fn crypto_init() -> Status {
    count(Kind::Key);
    // SAFETY: takes no arguments; PSA allows repeated calls.
    unsafe { sys::psa_crypto_init() }
}

/// `psa_generate_random` into `out`.
pub(super) fn generate_random(out: &mut [u8]) -> Status {
    count(Kind::Random);
    // SAFETY: `out` is valid for `out.len()` writes.
    unsafe { sys::psa_generate_random(out.as_mut_ptr(), out.len()) }
}

/// `psa_import_key`.
pub(super) fn import_key(attributes: &KeyAttributes, data: &[u8], key: &mut KeyId) -> Status {
    count(Kind::Key);
    // SAFETY: all pointers come from live references of the stated lengths.
    unsafe { sys::psa_import_key(attributes, data.as_ptr(), data.len(), key) }
}

/// `psa_generate_key`.
pub(super) fn generate_key(attributes: &KeyAttributes, key: &mut KeyId) -> Status {
    count(Kind::Key);
    // SAFETY: both pointers come from live references.
    unsafe { sys::psa_generate_key(attributes, key) }
}

/// The size in bits of `key` (`psa_get_key_attributes`, then `psa_reset_key_attributes`).
pub(super) fn key_bits(key: KeyId) -> Option<u16> {
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
pub(super) fn export_public_key(key: KeyId, out: &mut [u8]) -> Result<usize, Status> {
    count(Kind::Key);
    let mut len = 0;
    // SAFETY: `out` is valid for `out.len()` writes; `len` is a live usize.
    let status = unsafe { sys::psa_export_public_key(key, out.as_mut_ptr(), out.len(), &mut len) };
    ok_len(status, len, out.len())
}

/// `psa_destroy_key`.
pub(super) fn destroy_key(key: KeyId) -> Status {
    count(Kind::Key);
    // SAFETY: plain value argument; an unknown id is reported, not undefined.
    unsafe { sys::psa_destroy_key(key) }
}

/// `psa_hash_compute` of `input` into `out`; returns the length written.
pub(super) fn hash_compute(alg: Algorithm, input: &[u8], out: &mut [u8]) -> Result<usize, Status> {
    count(Kind::Hash);
    let mut len = 0;
    // SAFETY: slices valid for their lengths; `len` is a live usize.
    let status = unsafe { sys::psa_hash_compute(alg, input.as_ptr(), input.len(), out.as_mut_ptr(), out.len(), &mut len) };
    ok_len(status, len, out.len())
}

/// `psa_hash_setup` on an inactive operation.
pub(super) fn hash_setup(operation: &mut HashOperation, alg: Algorithm) -> Status {
    count(Kind::Hash);
    // SAFETY: `operation` is a live, zero-initialised operation with room to spare.
    unsafe { sys::psa_hash_setup(operation, alg) }
}

/// `psa_hash_update`.
pub(super) fn hash_update(operation: &mut HashOperation, input: &[u8]) -> Status {
    count(Kind::Hash);
    // SAFETY: `operation` is live and exclusively borrowed; `input` valid for its length.
    unsafe { sys::psa_hash_update(operation, input.as_ptr(), input.len()) }
}

/// `psa_hash_finish` into `out`; returns the length written.
pub(super) fn hash_finish(operation: &mut HashOperation, out: &mut [u8]) -> Result<usize, Status> {
    count(Kind::Hash);
    let mut len = 0;
    // SAFETY: `operation` is live and exclusively borrowed; `out` valid for its length.
    let status = unsafe { sys::psa_hash_finish(operation, out.as_mut_ptr(), out.len(), &mut len) };
    ok_len(status, len, out.len())
}

/// `psa_hash_clone` of `source` into the inactive `target`.
pub(super) fn hash_clone(source: &HashOperation, target: &mut HashOperation) -> Status {
    count(Kind::Hash);
    // SAFETY: both operations are live; `target` is zero-initialised and distinct from `source`.
    unsafe { sys::psa_hash_clone(source, target) }
}

/// `psa_hash_abort` (harmless on an inactive operation).
pub(super) fn hash_abort(operation: &mut HashOperation) -> Status {
    count(Kind::Hash);
    // SAFETY: `operation` is live and exclusively borrowed.
    unsafe { sys::psa_hash_abort(operation) }
}

/// `psa_mac_compute` of `input` into `out`; returns the length written.
pub(super) fn mac_compute(key: KeyId, alg: Algorithm, input: &[u8], out: &mut [u8]) -> Result<usize, Status> {
    count(Kind::Mac);
    let mut len = 0;
    // SAFETY: slices valid for their lengths; `len` is a live usize.
    let status = unsafe { sys::psa_mac_compute(key, alg, input.as_ptr(), input.len(), out.as_mut_ptr(), out.len(), &mut len) };
    ok_len(status, len, out.len())
}

/// `psa_aead_encrypt` of `plain` into `out` (ciphertext then tag); returns the length written.
pub(super) fn aead_encrypt(key: KeyId, alg: Algorithm, nonce: &[u8], aad: &[u8], plain: &[u8], out: &mut [u8]) -> Result<usize, Status> {
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
pub(super) fn aead_decrypt(key: KeyId, alg: Algorithm, nonce: &[u8], aad: &[u8], sealed: &[u8], out: &mut [u8]) -> Result<usize, Status> {
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
pub(super) fn raw_key_agreement(alg: Algorithm, key: KeyId, peer: &[u8], out: &mut [u8]) -> Result<usize, Status> {
    count(Kind::KeyAgreement);
    let mut len = 0;
    // SAFETY: slices valid for their lengths; `len` is a live usize.
    let status = unsafe { sys::psa_raw_key_agreement(alg, key, peer.as_ptr(), peer.len(), out.as_mut_ptr(), out.len(), &mut len) };
    ok_len(status, len, out.len())
}

/// `psa_sign_hash` of `hash` into `out`; returns the length written.
pub(super) fn sign_hash(key: KeyId, alg: Algorithm, hash: &[u8], out: &mut [u8]) -> Result<usize, Status> {
    count(Kind::Sign);
    let mut len = 0;
    // SAFETY: slices valid for their lengths; `len` is a live usize.
    let status = unsafe { sys::psa_sign_hash(key, alg, hash.as_ptr(), hash.len(), out.as_mut_ptr(), out.len(), &mut len) };
    ok_len(status, len, out.len())
}

/// `psa_verify_hash`.
pub(super) fn verify_hash(key: KeyId, alg: Algorithm, hash: &[u8], signature: &[u8]) -> Status {
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
