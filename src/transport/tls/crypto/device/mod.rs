//! Signature checks and SHA-256 for the application (a firmware update's manifest and
//! image), done by the crypto provider this build uses, so a device needs no second
//! crypto library: ring on hosts, the RustCrypto crates on bare metal, PSA calls with the
//! PSA provider.
//!
//! Signatures go through the provider's own certificate-signature verifiers (the ones
//! webpki uses for the broker's chain): one code path per provider, and with PSA the key
//! import and the check are PSA calls. SHA-256 keeps its state in caller storage
//! ([`Sha256`]), per provider.

mod ecdsa_der;
mod sha256;

use rustls::pki_types::alg_id;
use rustls::pki_types::SignatureVerificationAlgorithm;

pub use sha256::Sha256;

/// A signature algorithm the application can ask for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignatureAlgorithm {
    /// ECDSA on P-256 over SHA-256 of the message; key: the uncompressed point (65 bytes,
    /// `04 || X || Y`); signature: DER (as `openssl dgst -sign` writes it) or `r || s`
    /// (64 bytes).
    EcdsaP256Sha256,
    /// Ed25519 over the message; key: 32 bytes; signature: 64 bytes. ring only.
    Ed25519,
}

/// Why a signature was not accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VerifyError {
    /// The signature does not verify with this key over this message.
    BadSignature,
    /// The public key does not have the algorithm's format.
    BadKey,
    /// This build's provider does not offer the algorithm.
    Unsupported,
}

impl SignatureAlgorithm {
    fn key_is_well_formed(self, key: &[u8]) -> bool {
        match self {
            SignatureAlgorithm::EcdsaP256Sha256 => key.len() == 65 && key.first() == Some(&0x04),
            SignatureAlgorithm::Ed25519 => key.len() == 32,
        }
    }

    fn matches(self, v: &dyn SignatureVerificationAlgorithm) -> bool {
        let (public_key, signature) = match self {
            SignatureAlgorithm::EcdsaP256Sha256 => (alg_id::ECDSA_P256, alg_id::ECDSA_SHA256),
            SignatureAlgorithm::Ed25519 => (alg_id::ED25519, alg_id::ED25519),
        };
        v.public_key_alg_id() == public_key && v.signature_alg_id() == signature
    }
}

/// Checks `signature` over `message` with `public_key`.
pub fn verify(alg: SignatureAlgorithm, public_key: &[u8], message: &[u8], signature: &[u8]) -> Result<(), VerifyError> {
    if !alg.key_is_well_formed(public_key) {
        return Err(VerifyError::BadKey);
    }
    let provider = super::crypto_provider();
    let verifier = provider.signature_verification_algorithms.all.iter().find(|v| alg.matches(**v)).ok_or(VerifyError::Unsupported)?;
    let mut der = [0u8; ecdsa_der::MAX_P256_DER];
    let signature = match (alg, signature.len()) {
        (SignatureAlgorithm::EcdsaP256Sha256, 64) => ecdsa_der::p256_raw_to_der(signature, &mut der),
        _ => signature,
    };
    verifier.verify_signature(public_key, message, signature).map_err(|_| VerifyError::BadSignature)
}
