//! Signature verification for certificate chains and handshake signatures (webpki's
//! algorithm trait) through `psa_verify_hash`: ECDSA P-256/P-384, RSA PKCS#1 v1.5 and PSS
//! with 2048-4096-bit keys. The public key is imported into PSA for one verification and
//! destroyed; the message is hashed by PSA. Ed25519 is not offered (Mbed TLS 2.28's PSA
//! has no EdDSA).

use rustls::crypto::WebPkiSupportedAlgorithms;
use rustls::pki_types::{alg_id, AlgorithmIdentifier, InvalidSignature, SignatureVerificationAlgorithm};
use rustls::SignatureScheme;

use super::der;
use super::ffi::{
    self, Algorithm, KeyAttributes, KeyType, ALG_SHA_256, ALG_SHA_384, ALG_SHA_512, KEY_TYPE_ECC_PUBLIC_KEY_SECP_R1, KEY_TYPE_RSA_PUBLIC_KEY,
    SUCCESS, USAGE_VERIFY_HASH,
};
use super::hash::{digest, MAX_DIGEST};
use super::key::Key;

/// Hashes `message` with `hash` (PSA) and checks `signature` (in PSA's format) with `key`
fn verify(key: &Key, alg: Algorithm, hash: Algorithm, message: &[u8], signature: &[u8]) -> Result<(), InvalidSignature> {
    let mut hashed = [0u8; MAX_DIGEST];
    let len = digest(hash, message, &mut hashed).ok_or(InvalidSignature)?;
    match ffi::verify_hash(key.id(), alg, &hashed[..len], signature) {
        SUCCESS => Ok(()),
        _ => Err(InvalidSignature),
    }
}

/// `public_key` in PSA, allowed to verify with `alg`.
fn import(key_type: KeyType, bits: u16, alg: Algorithm, public_key: &[u8]) -> Result<Key, InvalidSignature> {
    Key::import(&KeyAttributes::new(key_type, bits, USAGE_VERIFY_HASH, alg), public_key).ok_or(InvalidSignature)
}

/// ECDSA on a NIST curve of `bits` with `hash`; DER signatures, uncompressed SEC1 keys.
#[derive(Debug)]
struct Ecdsa {
    bits: u16,
    hash: Algorithm,
    key_id: AlgorithmIdentifier,
    signature_id: AlgorithmIdentifier,
}

impl SignatureVerificationAlgorithm for Ecdsa {
    fn verify_signature(&self, public_key: &[u8], message: &[u8], signature: &[u8]) -> Result<(), InvalidSignature> {
        let raw = der::ecdsa_der_to_raw(signature, usize::from(self.bits).div_ceil(8)).ok_or(InvalidSignature)?;
        let alg = ffi::alg_ecdsa(self.hash);
        let key = import(KEY_TYPE_ECC_PUBLIC_KEY_SECP_R1, self.bits, alg, public_key)?;
        verify(&key, alg, self.hash, message, &raw)
    }

    fn public_key_alg_id(&self) -> AlgorithmIdentifier {
        self.key_id
    }

    fn signature_alg_id(&self) -> AlgorithmIdentifier {
        self.signature_id
    }
}

/// RSA keys outside these sizes are refused (webpki's lower bound; the upper one).
const RSA_BITS: core::ops::RangeInclusive<u16> = 2048..=4096;

/// RSA with PKCS#1 v1.5 or PSS padding (`alg`) over `hash`; DER PKCS#1 `RSAPublicKey`
/// public keys, which is the form PSA imports.
#[derive(Debug)]
struct Rsa {
    pss: bool,
    hash: Algorithm,
    signature_id: AlgorithmIdentifier,
}

impl SignatureVerificationAlgorithm for Rsa {
    fn verify_signature(&self, public_key: &[u8], message: &[u8], signature: &[u8]) -> Result<(), InvalidSignature> {
        let alg = match self.pss {
            true => ffi::alg_rsa_pss(self.hash),
            false => ffi::alg_rsa_pkcs1v15_sign(self.hash),
        };
        let key = import(KEY_TYPE_RSA_PUBLIC_KEY, 0, alg, public_key)?;
        if !ffi::key_bits(key.id()).is_some_and(|bits| RSA_BITS.contains(&bits)) {
            return Err(InvalidSignature);
        }
        verify(&key, alg, self.hash, message, signature)
    }

    fn public_key_alg_id(&self) -> AlgorithmIdentifier {
        alg_id::RSA_ENCRYPTION
    }

    fn signature_alg_id(&self) -> AlgorithmIdentifier {
        self.signature_id
    }
}

static ECDSA_P256_SHA256: Ecdsa = Ecdsa { bits: 256, hash: ALG_SHA_256, key_id: alg_id::ECDSA_P256, signature_id: alg_id::ECDSA_SHA256 };
static ECDSA_P256_SHA384: Ecdsa = Ecdsa { bits: 256, hash: ALG_SHA_384, key_id: alg_id::ECDSA_P256, signature_id: alg_id::ECDSA_SHA384 };
static ECDSA_P384_SHA256: Ecdsa = Ecdsa { bits: 384, hash: ALG_SHA_256, key_id: alg_id::ECDSA_P384, signature_id: alg_id::ECDSA_SHA256 };
static ECDSA_P384_SHA384: Ecdsa = Ecdsa { bits: 384, hash: ALG_SHA_384, key_id: alg_id::ECDSA_P384, signature_id: alg_id::ECDSA_SHA384 };
static RSA_PKCS1_SHA256: Rsa = Rsa { pss: false, hash: ALG_SHA_256, signature_id: alg_id::RSA_PKCS1_SHA256 };
static RSA_PKCS1_SHA384: Rsa = Rsa { pss: false, hash: ALG_SHA_384, signature_id: alg_id::RSA_PKCS1_SHA384 };
static RSA_PKCS1_SHA512: Rsa = Rsa { pss: false, hash: ALG_SHA_512, signature_id: alg_id::RSA_PKCS1_SHA512 };
static RSA_PSS_SHA256: Rsa = Rsa { pss: true, hash: ALG_SHA_256, signature_id: alg_id::RSA_PSS_SHA256 };
static RSA_PSS_SHA384: Rsa = Rsa { pss: true, hash: ALG_SHA_384, signature_id: alg_id::RSA_PSS_SHA384 };
static RSA_PSS_SHA512: Rsa = Rsa { pss: true, hash: ALG_SHA_512, signature_id: alg_id::RSA_PSS_SHA512 };

/// Every algorithm for chains, and which ones each TLS signature scheme may use.
pub(super) static ALGORITHMS: WebPkiSupportedAlgorithms = WebPkiSupportedAlgorithms {
    all: &[
        &ECDSA_P256_SHA256,
        &ECDSA_P256_SHA384,
        &ECDSA_P384_SHA256,
        &ECDSA_P384_SHA384,
        &RSA_PKCS1_SHA256,
        &RSA_PKCS1_SHA384,
        &RSA_PKCS1_SHA512,
        &RSA_PSS_SHA256,
        &RSA_PSS_SHA384,
        &RSA_PSS_SHA512,
    ],
    mapping: &[
        // Preference order, as offered in the ClientHello. TLS 1.3 binds an ECDSA scheme to
        // its curve (the first entry); TLS 1.2 names only the hash.
        (SignatureScheme::ECDSA_NISTP256_SHA256, &[&ECDSA_P256_SHA256, &ECDSA_P384_SHA256]),
        (SignatureScheme::ECDSA_NISTP384_SHA384, &[&ECDSA_P384_SHA384, &ECDSA_P256_SHA384]),
        (SignatureScheme::RSA_PSS_SHA256, &[&RSA_PSS_SHA256]),
        (SignatureScheme::RSA_PSS_SHA384, &[&RSA_PSS_SHA384]),
        (SignatureScheme::RSA_PSS_SHA512, &[&RSA_PSS_SHA512]),
        (SignatureScheme::RSA_PKCS1_SHA256, &[&RSA_PKCS1_SHA256]),
        (SignatureScheme::RSA_PKCS1_SHA384, &[&RSA_PKCS1_SHA384]),
        (SignatureScheme::RSA_PKCS1_SHA512, &[&RSA_PKCS1_SHA512]),
    ],
};
