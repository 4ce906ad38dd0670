//! The signature arithmetic of the shared verification table (`crypto::verify`): ECDSA
//! P-256/P-384 (`p256`, `p384`), RSA PKCS#1 v1.5 and PSS (`rsa`), digests from `sha2`.

use ecdsa::signature::hazmat::PrehashVerifier;
#[cfg(not(feature = "tls-no-rsa"))]
use rsa::{traits::PublicKeyParts, BigUint, RsaPublicKey};
use rustls::pki_types::InvalidSignature;
#[cfg(not(feature = "tls-no-sha384"))]
use sha2::Sha384;
#[cfg(not(any(feature = "tls-no-sha384", feature = "tls-no-rsa")))]
use sha2::Sha512;
use sha2::{Digest, Sha256};

use super::super::der;
use super::super::verify::{Curve, Hash, SignatureCheck};
#[cfg(not(feature = "tls-no-rsa"))]
use super::super::verify::{Padding, RSA_BITS};

/// The pure-Rust signature checks.
#[derive(Debug)]
pub(crate) struct Checker;

/// A digest of `message`, up to 64 bytes, and its length.
fn digest(hash: Hash, message: &[u8]) -> ([u8; 64], usize) {
    let mut out = [0u8; 64];
    let len = match hash {
        Hash::Sha256 => copy_digest(&mut out, &Sha256::digest(message)),
        #[cfg(not(feature = "tls-no-sha384"))]
        Hash::Sha384 => copy_digest(&mut out, &Sha384::digest(message)),
        #[cfg(not(any(feature = "tls-no-sha384", feature = "tls-no-rsa")))]
        Hash::Sha512 => copy_digest(&mut out, &Sha512::digest(message)),
    };
    (out, len)
}

fn copy_digest(out: &mut [u8; 64], digest: &[u8]) -> usize {
    out[..digest.len()].copy_from_slice(digest);
    digest.len()
}

impl SignatureCheck for Checker {
    fn ecdsa(curve: Curve, hash: Hash, public_key: &[u8], message: &[u8], signature: &[u8]) -> Result<(), InvalidSignature> {
        let (hashed, len) = digest(hash, message);
        let prehash = &hashed[..len];
        match curve {
            Curve::P256 => {
                let key = p256::ecdsa::VerifyingKey::from_sec1_bytes(public_key).map_err(|_| InvalidSignature)?;
                let raw = der::ecdsa_der_to_raw(signature, 32).ok_or(InvalidSignature)?;
                let sig = p256::ecdsa::Signature::from_slice(&raw).map_err(|_| InvalidSignature)?;
                key.verify_prehash(prehash, &sig).map_err(|_| InvalidSignature)
            }
            #[cfg(not(feature = "tls-no-p384"))]
            Curve::P384 => {
                let key = p384::ecdsa::VerifyingKey::from_sec1_bytes(public_key).map_err(|_| InvalidSignature)?;
                let raw = der::ecdsa_der_to_raw(signature, 48).ok_or(InvalidSignature)?;
                let sig = p384::ecdsa::Signature::from_slice(&raw).map_err(|_| InvalidSignature)?;
                key.verify_prehash(prehash, &sig).map_err(|_| InvalidSignature)
            }
        }
    }

    #[cfg(not(feature = "tls-no-rsa"))]
    fn rsa(padding: Padding, hash: Hash, public_key: &[u8], message: &[u8], signature: &[u8]) -> Result<(), InvalidSignature> {
        let (modulus, exponent) = der::rsa_public_key(public_key).ok_or(InvalidSignature)?;
        let key = RsaPublicKey::new(BigUint::from_bytes_be(modulus), BigUint::from_bytes_be(exponent)).map_err(|_| InvalidSignature)?;
        if !RSA_BITS.contains(&key.n().bits()) {
            return Err(InvalidSignature);
        }
        let (hashed, len) = digest(hash, message);
        let prehash = &hashed[..len];
        let result = match (padding, hash) {
            (Padding::Pkcs1, Hash::Sha256) => key.verify(rsa::Pkcs1v15Sign::new::<Sha256>(), prehash, signature),
            #[cfg(not(feature = "tls-no-sha384"))]
            (Padding::Pkcs1, Hash::Sha384) => key.verify(rsa::Pkcs1v15Sign::new::<Sha384>(), prehash, signature),
            #[cfg(not(feature = "tls-no-sha384"))]
            (Padding::Pkcs1, Hash::Sha512) => key.verify(rsa::Pkcs1v15Sign::new::<Sha512>(), prehash, signature),
            (Padding::Pss, Hash::Sha256) => key.verify(rsa::Pss::new_with_salt::<Sha256>(len), prehash, signature),
            #[cfg(not(feature = "tls-no-sha384"))]
            (Padding::Pss, Hash::Sha384) => key.verify(rsa::Pss::new_with_salt::<Sha384>(len), prehash, signature),
            #[cfg(not(feature = "tls-no-sha384"))]
            (Padding::Pss, Hash::Sha512) => key.verify(rsa::Pss::new_with_salt::<Sha512>(len), prehash, signature),
        };
        result.map_err(|_| InvalidSignature)
    }
}
