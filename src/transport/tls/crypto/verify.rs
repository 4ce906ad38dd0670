//! Signature verification for certificate chains and handshake signatures (webpki's
//! algorithm trait), shared by the providers that bring their own primitives (pure-Rust,
//! PSA): which algorithms exist and which TLS signature scheme may use which. The
//! provider's [`SignatureCheck`] does the arithmetic.
//!
//! ECDSA P-256/P-384 and RSA PKCS#1 v1.5 and PSS (2048-4096-bit keys) over SHA-256/384/512,
//! less what the diet features leave out: `tls-no-rsa`, `tls-no-p384`, `tls-no-sha384` (SHA-384
//! and SHA-512). Ed25519 is not offered.

use rustls::crypto::WebPkiSupportedAlgorithms;
use rustls::pki_types::{alg_id, AlgorithmIdentifier, InvalidSignature, SignatureVerificationAlgorithm};
use rustls::SignatureScheme;

use super::backend::check::Checker;

/// The hash a signature is computed over.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Hash {
    Sha256,
    #[cfg(not(feature = "tls-no-sha384"))]
    Sha384,
    /// RSA only (ECDSA over SHA-512 is not offered).
    #[cfg(not(any(feature = "tls-no-sha384", feature = "tls-no-rsa")))]
    Sha512,
}

/// The curves certificates and servers sign with.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Curve {
    P256,
    #[cfg(not(feature = "tls-no-p384"))]
    P384,
}

/// RSA padding schemes. TLS and X.509 PSS use MGF1 with the signature's hash and a salt as
/// long as the hash.
#[cfg(not(feature = "tls-no-rsa"))]
#[derive(Clone, Copy, Debug)]
pub(crate) enum Padding {
    Pkcs1,
    Pss,
}

/// RSA keys outside these sizes are refused (webpki's lower bound; 4096 bits is the largest
/// a device is expected to meet).
#[cfg(not(feature = "tls-no-rsa"))]
pub(crate) const RSA_BITS: core::ops::RangeInclusive<usize> = 2048..=4096;

/// A provider's signature arithmetic.
pub(crate) trait SignatureCheck {
    /// Checks a DER-encoded ECDSA `signature` over `message` (hashed with `hash`) with an
    /// uncompressed SEC1 `public_key` on `curve`.
    fn ecdsa(curve: Curve, hash: Hash, public_key: &[u8], message: &[u8], signature: &[u8]) -> Result<(), InvalidSignature>;

    /// Checks an RSA `signature` over `message` (hashed with `hash`) with a DER PKCS#1
    /// `RSAPublicKey` whose modulus size is in [`RSA_BITS`].
    #[cfg(not(feature = "tls-no-rsa"))]
    fn rsa(padding: Padding, hash: Hash, public_key: &[u8], message: &[u8], signature: &[u8]) -> Result<(), InvalidSignature>;
}

/// ECDSA over `curve` with `hash`.
struct Ecdsa {
    curve: Curve,
    hash: Hash,
    key_id: AlgorithmIdentifier,
    signature_id: AlgorithmIdentifier,
}

// Plain strings: the derived forms would link the formatting of algorithm identifiers.
impl core::fmt::Debug for Ecdsa {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("ECDSA")
    }
}

#[cfg(not(feature = "tls-no-rsa"))]
impl core::fmt::Debug for Rsa {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("RSA")
    }
}

impl SignatureVerificationAlgorithm for Ecdsa {
    fn verify_signature(&self, public_key: &[u8], message: &[u8], signature: &[u8]) -> Result<(), InvalidSignature> {
        Checker::ecdsa(self.curve, self.hash, public_key, message, signature)
    }

    fn public_key_alg_id(&self) -> AlgorithmIdentifier {
        self.key_id
    }

    fn signature_alg_id(&self) -> AlgorithmIdentifier {
        self.signature_id
    }
}

/// RSA with `padding` over `hash`.
#[cfg(not(feature = "tls-no-rsa"))]
struct Rsa {
    padding: Padding,
    hash: Hash,
    signature_id: AlgorithmIdentifier,
}

#[cfg(not(feature = "tls-no-rsa"))]
impl SignatureVerificationAlgorithm for Rsa {
    fn verify_signature(&self, public_key: &[u8], message: &[u8], signature: &[u8]) -> Result<(), InvalidSignature> {
        Checker::rsa(self.padding, self.hash, public_key, message, signature)
    }

    fn public_key_alg_id(&self) -> AlgorithmIdentifier {
        alg_id::RSA_ENCRYPTION
    }

    fn signature_alg_id(&self) -> AlgorithmIdentifier {
        self.signature_id
    }
}

static ECDSA_P256_SHA256: Ecdsa = Ecdsa { curve: Curve::P256, hash: Hash::Sha256, key_id: alg_id::ECDSA_P256, signature_id: alg_id::ECDSA_SHA256 };
#[cfg(not(feature = "tls-no-sha384"))]
static ECDSA_P256_SHA384: Ecdsa = Ecdsa { curve: Curve::P256, hash: Hash::Sha384, key_id: alg_id::ECDSA_P256, signature_id: alg_id::ECDSA_SHA384 };
#[cfg(not(feature = "tls-no-p384"))]
static ECDSA_P384_SHA256: Ecdsa = Ecdsa { curve: Curve::P384, hash: Hash::Sha256, key_id: alg_id::ECDSA_P384, signature_id: alg_id::ECDSA_SHA256 };
#[cfg(not(any(feature = "tls-no-p384", feature = "tls-no-sha384")))]
static ECDSA_P384_SHA384: Ecdsa = Ecdsa { curve: Curve::P384, hash: Hash::Sha384, key_id: alg_id::ECDSA_P384, signature_id: alg_id::ECDSA_SHA384 };
#[cfg(not(feature = "tls-no-rsa"))]
static RSA_PKCS1_SHA256: Rsa = Rsa { padding: Padding::Pkcs1, hash: Hash::Sha256, signature_id: alg_id::RSA_PKCS1_SHA256 };
#[cfg(not(any(feature = "tls-no-rsa", feature = "tls-no-sha384")))]
static RSA_PKCS1_SHA384: Rsa = Rsa { padding: Padding::Pkcs1, hash: Hash::Sha384, signature_id: alg_id::RSA_PKCS1_SHA384 };
#[cfg(not(any(feature = "tls-no-rsa", feature = "tls-no-sha384")))]
static RSA_PKCS1_SHA512: Rsa = Rsa { padding: Padding::Pkcs1, hash: Hash::Sha512, signature_id: alg_id::RSA_PKCS1_SHA512 };
#[cfg(not(feature = "tls-no-rsa"))]
static RSA_PSS_SHA256: Rsa = Rsa { padding: Padding::Pss, hash: Hash::Sha256, signature_id: alg_id::RSA_PSS_SHA256 };
#[cfg(not(any(feature = "tls-no-rsa", feature = "tls-no-sha384")))]
static RSA_PSS_SHA384: Rsa = Rsa { padding: Padding::Pss, hash: Hash::Sha384, signature_id: alg_id::RSA_PSS_SHA384 };
#[cfg(not(any(feature = "tls-no-rsa", feature = "tls-no-sha384")))]
static RSA_PSS_SHA512: Rsa = Rsa { padding: Padding::Pss, hash: Hash::Sha512, signature_id: alg_id::RSA_PSS_SHA512 };

/// Every algorithm for chains, and which ones each TLS signature scheme may use.
pub(super) static ALGORITHMS: WebPkiSupportedAlgorithms = WebPkiSupportedAlgorithms {
    all: &[
        &ECDSA_P256_SHA256,
        #[cfg(not(feature = "tls-no-sha384"))]
        &ECDSA_P256_SHA384,
        #[cfg(not(feature = "tls-no-p384"))]
        &ECDSA_P384_SHA256,
        #[cfg(not(any(feature = "tls-no-p384", feature = "tls-no-sha384")))]
        &ECDSA_P384_SHA384,
        #[cfg(not(feature = "tls-no-rsa"))]
        &RSA_PKCS1_SHA256,
        #[cfg(not(any(feature = "tls-no-rsa", feature = "tls-no-sha384")))]
        &RSA_PKCS1_SHA384,
        #[cfg(not(any(feature = "tls-no-rsa", feature = "tls-no-sha384")))]
        &RSA_PKCS1_SHA512,
        #[cfg(not(feature = "tls-no-rsa"))]
        &RSA_PSS_SHA256,
        #[cfg(not(any(feature = "tls-no-rsa", feature = "tls-no-sha384")))]
        &RSA_PSS_SHA384,
        #[cfg(not(any(feature = "tls-no-rsa", feature = "tls-no-sha384")))]
        &RSA_PSS_SHA512,
    ],
    mapping: &[
        // Preference order, as offered in the ClientHello. TLS 1.3 binds an ECDSA scheme to
        // its curve (the first entry); TLS 1.2 names only the hash.
        (
            SignatureScheme::ECDSA_NISTP256_SHA256,
            &[
                &ECDSA_P256_SHA256,
                #[cfg(not(feature = "tls-no-p384"))]
                &ECDSA_P384_SHA256,
            ],
        ),
        #[cfg(not(any(feature = "tls-no-p384", feature = "tls-no-sha384")))]
        (SignatureScheme::ECDSA_NISTP384_SHA384, &[&ECDSA_P384_SHA384, &ECDSA_P256_SHA384]),
        #[cfg(not(feature = "tls-no-rsa"))]
        (SignatureScheme::RSA_PSS_SHA256, &[&RSA_PSS_SHA256]),
        #[cfg(not(any(feature = "tls-no-rsa", feature = "tls-no-sha384")))]
        (SignatureScheme::RSA_PSS_SHA384, &[&RSA_PSS_SHA384]),
        #[cfg(not(any(feature = "tls-no-rsa", feature = "tls-no-sha384")))]
        (SignatureScheme::RSA_PSS_SHA512, &[&RSA_PSS_SHA512]),
        #[cfg(not(feature = "tls-no-rsa"))]
        (SignatureScheme::RSA_PKCS1_SHA256, &[&RSA_PKCS1_SHA256]),
        #[cfg(not(any(feature = "tls-no-rsa", feature = "tls-no-sha384")))]
        (SignatureScheme::RSA_PKCS1_SHA384, &[&RSA_PKCS1_SHA384]),
        #[cfg(not(any(feature = "tls-no-rsa", feature = "tls-no-sha384")))]
        (SignatureScheme::RSA_PKCS1_SHA512, &[&RSA_PKCS1_SHA512]),
    ],
};
