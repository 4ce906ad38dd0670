//! The signature arithmetic of the shared verification table (`crypto::verify`) through
//! `psa_verify_hash`: the public key is imported into PSA for one verification and
//! destroyed; the message is hashed by PSA. (Mbed TLS 2.28's PSA has no EdDSA.)

use rustls::pki_types::InvalidSignature;

use super::super::der;
use super::super::verify::{Curve, Hash, SignatureCheck};
#[cfg(not(feature = "tls-no-rsa"))]
use super::super::verify::{Padding, RSA_BITS};
#[cfg(not(feature = "tls-no-sha384"))]
use super::ffi::ALG_SHA_384;
#[cfg(not(any(feature = "tls-no-sha384", feature = "tls-no-rsa")))]
use super::ffi::ALG_SHA_512;
#[cfg(not(feature = "tls-no-rsa"))]
use super::ffi::KEY_TYPE_RSA_PUBLIC_KEY;
use super::ffi::{self, Algorithm, KeyAttributes, KeyType, ALG_SHA_256, KEY_TYPE_ECC_PUBLIC_KEY_SECP_R1, SUCCESS, USAGE_VERIFY_HASH};
use super::hash::{digest, MAX_DIGEST};
use super::key::Key;

/// The PSA signature checks.
#[derive(Debug)]
pub(crate) struct Checker;

/// PSA's name for `hash`.
fn psa_hash(hash: Hash) -> Algorithm {
    match hash {
        Hash::Sha256 => ALG_SHA_256,
        #[cfg(not(feature = "tls-no-sha384"))]
        Hash::Sha384 => ALG_SHA_384,
        #[cfg(not(any(feature = "tls-no-sha384", feature = "tls-no-rsa")))]
        Hash::Sha512 => ALG_SHA_512,
    }
}

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

impl SignatureCheck for Checker {
    fn ecdsa(curve: Curve, hash: Hash, public_key: &[u8], message: &[u8], signature: &[u8]) -> Result<(), InvalidSignature> {
        let bits: u16 = match curve {
            Curve::P256 => 256,
            #[cfg(not(feature = "tls-no-p384"))]
            Curve::P384 => 384,
        };
        // PSA takes `r || s`; TLS and X.509 carry DER.
        let raw = der::ecdsa_der_to_raw(signature, usize::from(bits).div_ceil(8)).ok_or(InvalidSignature)?;
        let hash = psa_hash(hash);
        let alg = ffi::alg_ecdsa(hash);
        let key = import(KEY_TYPE_ECC_PUBLIC_KEY_SECP_R1, bits, alg, public_key)?;
        verify(&key, alg, hash, message, &raw)
    }

    #[cfg(not(feature = "tls-no-rsa"))]
    fn rsa(padding: Padding, hash: Hash, public_key: &[u8], message: &[u8], signature: &[u8]) -> Result<(), InvalidSignature> {
        let hash = psa_hash(hash);
        let alg = match padding {
            Padding::Pss => ffi::alg_rsa_pss(hash),
            Padding::Pkcs1 => ffi::alg_rsa_pkcs1v15_sign(hash),
        };
        let key = import(KEY_TYPE_RSA_PUBLIC_KEY, 0, alg, public_key)?;
        if !ffi::key_bits(key.id()).is_some_and(|bits| RSA_BITS.contains(&usize::from(bits))) {
            return Err(InvalidSignature);
        }
        verify(&key, alg, hash, message, signature)
    }
}
