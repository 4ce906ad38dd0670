//! Signature verification for certificate chains and handshake signatures (webpki's
//! algorithm trait): ECDSA P-256/P-384 (`p256`, `p384`), RSA PKCS#1 v1.5 and PSS with
//! 2048-4096-bit keys (`rsa`). Ed25519 is not offered.

use rsa::pkcs1::DecodeRsaPublicKey;
use rsa::traits::PublicKeyParts;
use rsa::RsaPublicKey;
use rustls::crypto::WebPkiSupportedAlgorithms;
use rustls::pki_types::{alg_id, AlgorithmIdentifier, InvalidSignature, SignatureVerificationAlgorithm};
use rustls::SignatureScheme;
use sha2::{Digest, Sha256, Sha384, Sha512};

/// The hash a signature is computed over.
#[derive(Clone, Copy, Debug)]
enum HashAlg {
    Sha256,
    Sha384,
    Sha512,
}

/// A digest of `message`, up to 64 bytes, and its length.
fn digest(hash: HashAlg, message: &[u8]) -> ([u8; 64], usize) {
    let mut out = [0u8; 64];
    let len = match hash {
        HashAlg::Sha256 => copy_digest(&mut out, &Sha256::digest(message)),
        HashAlg::Sha384 => copy_digest(&mut out, &Sha384::digest(message)),
        HashAlg::Sha512 => copy_digest(&mut out, &Sha512::digest(message)),
    };
    (out, len)
}

fn copy_digest(out: &mut [u8; 64], digest: &[u8]) -> usize {
    out[..digest.len()].copy_from_slice(digest);
    digest.len()
}

/// The curves certificates and servers sign with.
#[derive(Clone, Copy, Debug)]
enum Curve {
    P256,
    P384,
}

/// ECDSA over `curve` with `hash`; DER-encoded signatures, SEC1 public keys.
#[derive(Debug)]
struct Ecdsa {
    curve: Curve,
    hash: HashAlg,
    key_id: AlgorithmIdentifier,
    signature_id: AlgorithmIdentifier,
}

impl SignatureVerificationAlgorithm for Ecdsa {
    fn verify_signature(&self, public_key: &[u8], message: &[u8], signature: &[u8]) -> Result<(), InvalidSignature> {
        use ecdsa::signature::hazmat::PrehashVerifier;
        let (hashed, len) = digest(self.hash, message);
        let prehash = &hashed[..len];
        match self.curve {
            Curve::P256 => {
                let key = p256::ecdsa::VerifyingKey::from_sec1_bytes(public_key).map_err(|_| InvalidSignature)?;
                let sig = p256::ecdsa::DerSignature::from_bytes(signature).map_err(|_| InvalidSignature)?;
                key.verify_prehash(prehash, &sig).map_err(|_| InvalidSignature)
            }
            Curve::P384 => {
                let key = p384::ecdsa::VerifyingKey::from_sec1_bytes(public_key).map_err(|_| InvalidSignature)?;
                let sig = p384::ecdsa::DerSignature::from_bytes(signature).map_err(|_| InvalidSignature)?;
                key.verify_prehash(prehash, &sig).map_err(|_| InvalidSignature)
            }
        }
    }

    fn public_key_alg_id(&self) -> AlgorithmIdentifier {
        self.key_id
    }

    fn signature_alg_id(&self) -> AlgorithmIdentifier {
        self.signature_id
    }
}

/// RSA padding schemes.
#[derive(Clone, Copy, Debug)]
enum Padding {
    Pkcs1,
    Pss,
}

/// RSA keys below this size are refused (as webpki does).
const RSA_MIN_BITS: usize = 2048;

/// RSA with `padding` over `hash`; PKCS#1 `RSAPublicKey` public keys. Keys above 4096 bits
/// are refused by the `rsa` crate.
#[derive(Debug)]
struct Rsa {
    padding: Padding,
    hash: HashAlg,
    signature_id: AlgorithmIdentifier,
}

impl SignatureVerificationAlgorithm for Rsa {
    fn verify_signature(&self, public_key: &[u8], message: &[u8], signature: &[u8]) -> Result<(), InvalidSignature> {
        let key = RsaPublicKey::from_pkcs1_der(public_key).map_err(|_| InvalidSignature)?;
        if key.n().bits() < RSA_MIN_BITS {
            return Err(InvalidSignature);
        }
        let (hashed, len) = digest(self.hash, message);
        let prehash = &hashed[..len];
        let result = match (self.padding, self.hash) {
            (Padding::Pkcs1, HashAlg::Sha256) => key.verify(rsa::Pkcs1v15Sign::new::<Sha256>(), prehash, signature),
            (Padding::Pkcs1, HashAlg::Sha384) => key.verify(rsa::Pkcs1v15Sign::new::<Sha384>(), prehash, signature),
            (Padding::Pkcs1, HashAlg::Sha512) => key.verify(rsa::Pkcs1v15Sign::new::<Sha512>(), prehash, signature),
            // TLS and X.509 PSS use MGF1 with the same hash and a salt as long as the hash.
            (Padding::Pss, HashAlg::Sha256) => key.verify(rsa::Pss::new_with_salt::<Sha256>(len), prehash, signature),
            (Padding::Pss, HashAlg::Sha384) => key.verify(rsa::Pss::new_with_salt::<Sha384>(len), prehash, signature),
            (Padding::Pss, HashAlg::Sha512) => key.verify(rsa::Pss::new_with_salt::<Sha512>(len), prehash, signature),
        };
        result.map_err(|_| InvalidSignature)
    }

    fn public_key_alg_id(&self) -> AlgorithmIdentifier {
        alg_id::RSA_ENCRYPTION
    }

    fn signature_alg_id(&self) -> AlgorithmIdentifier {
        self.signature_id
    }
}

static ECDSA_P256_SHA256: Ecdsa = Ecdsa { curve: Curve::P256, hash: HashAlg::Sha256, key_id: alg_id::ECDSA_P256, signature_id: alg_id::ECDSA_SHA256 };
static ECDSA_P256_SHA384: Ecdsa = Ecdsa { curve: Curve::P256, hash: HashAlg::Sha384, key_id: alg_id::ECDSA_P256, signature_id: alg_id::ECDSA_SHA384 };
static ECDSA_P384_SHA256: Ecdsa = Ecdsa { curve: Curve::P384, hash: HashAlg::Sha256, key_id: alg_id::ECDSA_P384, signature_id: alg_id::ECDSA_SHA256 };
static ECDSA_P384_SHA384: Ecdsa = Ecdsa { curve: Curve::P384, hash: HashAlg::Sha384, key_id: alg_id::ECDSA_P384, signature_id: alg_id::ECDSA_SHA384 };
static RSA_PKCS1_SHA256: Rsa = Rsa { padding: Padding::Pkcs1, hash: HashAlg::Sha256, signature_id: alg_id::RSA_PKCS1_SHA256 };
static RSA_PKCS1_SHA384: Rsa = Rsa { padding: Padding::Pkcs1, hash: HashAlg::Sha384, signature_id: alg_id::RSA_PKCS1_SHA384 };
static RSA_PKCS1_SHA512: Rsa = Rsa { padding: Padding::Pkcs1, hash: HashAlg::Sha512, signature_id: alg_id::RSA_PKCS1_SHA512 };
static RSA_PSS_SHA256: Rsa = Rsa { padding: Padding::Pss, hash: HashAlg::Sha256, signature_id: alg_id::RSA_PSS_SHA256 };
static RSA_PSS_SHA384: Rsa = Rsa { padding: Padding::Pss, hash: HashAlg::Sha384, signature_id: alg_id::RSA_PSS_SHA384 };
static RSA_PSS_SHA512: Rsa = Rsa { padding: Padding::Pss, hash: HashAlg::Sha512, signature_id: alg_id::RSA_PSS_SHA512 };

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
