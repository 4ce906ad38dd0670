//! The PSA Crypto types and constants the provider passes: identifiers and encodings from
//! the PSA Certified Crypto API specification (1.0/1.1), each checked against Mbed TLS
//! 2.28's `psa/crypto_values.h` and `psa/crypto_types.h`; the two implementation-defined
//! layouts follow Mbed TLS 2.28 (see [`KeyAttributes`] and [`HashOperation`]).

use core::ffi::c_void;

/// `psa_status_t`: 0 on success, negative error codes.
pub(crate) type Status = i32;
/// `psa_key_id_t` (`mbedtls_svc_key_id_t` without owner encoding).
pub(crate) type KeyId = u32;
/// `psa_algorithm_t`.
pub(crate) type Algorithm = u32;

/// `PSA_SUCCESS`.
pub(crate) const SUCCESS: Status = 0;
/// `PSA_ERROR_NOT_SUPPORTED`.
pub(crate) const ERROR_NOT_SUPPORTED: Status = -134;

/// `PSA_ALG_SHA_256`.
pub(crate) const ALG_SHA_256: Algorithm = 0x0200_0009;
/// `PSA_ALG_SHA_384`.
pub(crate) const ALG_SHA_384: Algorithm = 0x0200_000a;
/// `PSA_ALG_SHA_512`.
pub(crate) const ALG_SHA_512: Algorithm = 0x0200_000b;

/// `PSA_ALG_HMAC(hash)`.
pub(crate) const fn alg_hmac(hash: Algorithm) -> Algorithm {
    0x0380_0000 | (hash & 0xff)
}
/// `PSA_ALG_GCM`.
pub(crate) const ALG_GCM: Algorithm = 0x0550_0200;
/// `PSA_ALG_ECDH`.
pub(crate) const ALG_ECDH: Algorithm = 0x0902_0000;
/// `PSA_ALG_ECDSA(hash)` (randomized ECDSA).
pub(crate) const fn alg_ecdsa(hash: Algorithm) -> Algorithm {
    0x0600_0600 | (hash & 0xff)
}
/// `PSA_ALG_DETERMINISTIC_ECDSA(hash)` (RFC 6979).
pub(crate) const fn alg_deterministic_ecdsa(hash: Algorithm) -> Algorithm {
    0x0600_0700 | (hash & 0xff)
}
/// `PSA_ALG_RSA_PKCS1V15_SIGN(hash)`.
pub(crate) const fn alg_rsa_pkcs1v15_sign(hash: Algorithm) -> Algorithm {
    0x0600_0200 | (hash & 0xff)
}
/// `PSA_ALG_RSA_PSS(hash)`.
pub(crate) const fn alg_rsa_pss(hash: Algorithm) -> Algorithm {
    0x0600_0300 | (hash & 0xff)
}

/// `psa_key_type_t`.
pub(crate) type KeyType = u16;
/// `PSA_KEY_TYPE_HMAC`.
pub(crate) const KEY_TYPE_HMAC: KeyType = 0x1100;
/// `PSA_KEY_TYPE_AES`.
pub(crate) const KEY_TYPE_AES: KeyType = 0x2400;
/// `PSA_KEY_TYPE_RSA_PUBLIC_KEY` (imported as a DER PKCS#1 `RSAPublicKey`).
pub(crate) const KEY_TYPE_RSA_PUBLIC_KEY: KeyType = 0x4001;
/// `PSA_KEY_TYPE_ECC_KEY_PAIR(PSA_ECC_FAMILY_SECP_R1)`.
pub(crate) const KEY_TYPE_ECC_KEY_PAIR_SECP_R1: KeyType = 0x7112;
/// `PSA_KEY_TYPE_ECC_PUBLIC_KEY(PSA_ECC_FAMILY_SECP_R1)` (imported as an uncompressed point).
pub(crate) const KEY_TYPE_ECC_PUBLIC_KEY_SECP_R1: KeyType = 0x4112;
/// `PSA_KEY_TYPE_ECC_KEY_PAIR(PSA_ECC_FAMILY_MONTGOMERY)`.
pub(crate) const KEY_TYPE_ECC_KEY_PAIR_MONTGOMERY: KeyType = 0x7141;

/// `psa_key_usage_t`.
pub(crate) type KeyUsage = u32;
/// `PSA_KEY_USAGE_ENCRYPT`.
pub(crate) const USAGE_ENCRYPT: KeyUsage = 0x0000_0100;
/// `PSA_KEY_USAGE_DECRYPT`.
pub(crate) const USAGE_DECRYPT: KeyUsage = 0x0000_0200;
/// `PSA_KEY_USAGE_SIGN_MESSAGE` (MAC computation).
pub(crate) const USAGE_SIGN_MESSAGE: KeyUsage = 0x0000_0400;
/// `PSA_KEY_USAGE_SIGN_HASH`.
pub(crate) const USAGE_SIGN_HASH: KeyUsage = 0x0000_1000;
/// `PSA_KEY_USAGE_VERIFY_HASH`.
pub(crate) const USAGE_VERIFY_HASH: KeyUsage = 0x0000_2000;
/// `PSA_KEY_USAGE_DERIVE`.
pub(crate) const USAGE_DERIVE: KeyUsage = 0x0000_4000;

/// `psa_key_attributes_t` as Mbed TLS 2.28 lays it out (without `MBEDTLS_PSA_CRYPTO_SE_C`):
/// `PSA_KEY_ATTRIBUTES_INIT` is all zeros (a volatile key, no policy).
#[repr(C)]
pub(crate) struct KeyAttributes {
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
    pub(crate) fn new(key_type: KeyType, bits: u16, usage: KeyUsage, alg: Algorithm) -> Self {
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
    pub(crate) fn bits(&self) -> u16 {
        self.bits
    }
}

/// Bytes reserved for a `psa_hash_operation_t` (232 in Mbed TLS 2.28 on 64-bit hosts, less
/// on 32-bit targets; a client-side PSA such as TF-M's holds a handle only).
const HASH_OPERATION_BYTES: usize = 512;

/// `psa_hash_operation_t`, zeroed (`PSA_HASH_OPERATION_INIT`). Kept boxed by its users so
/// that it never moves while active.
#[repr(C, align(16))]
pub(crate) struct HashOperation([u8; HASH_OPERATION_BYTES]);

impl HashOperation {
    /// An inactive operation.
    pub(crate) const fn new() -> Self {
        Self([0; HASH_OPERATION_BYTES])
    }
}
