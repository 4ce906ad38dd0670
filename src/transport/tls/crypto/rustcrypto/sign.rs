//! Client authentication keys: ECDSA P-256 (`p256`), from PKCS#8 or SEC1 DER (read by
//! `crypto::der`).
//!
//! Signatures use RFC 6979 deterministic nonces, so signing needs no entropy (a weak or
//! failed entropy source cannot leak the key through a repeated nonce).

use crate::transport::tls::alloc::boxed::Box;
use crate::transport::tls::alloc::sync::Arc;
use crate::transport::tls::alloc::vec::Vec;

use p256::ecdsa::signature::Signer as _;
use p256::elliptic_curve::sec1::ToEncodedPoint;
use rustls::crypto::KeyProvider;
use rustls::pki_types::{alg_id, PrivateKeyDer, SubjectPublicKeyInfoDer};
use rustls::sign::{public_key_to_spki, Signer, SigningKey};
use rustls::{Error, SignatureAlgorithm, SignatureScheme};

use super::super::der;

/// Loads client keys; only P-256 keys are supported.
#[derive(Debug)]
pub(super) struct P256KeyProvider;

impl KeyProvider for P256KeyProvider {
    fn load_private_key(&self, key_der: PrivateKeyDer<'static>) -> Result<Arc<dyn SigningKey>, Error> {
        let scalar = match &key_der {
            PrivateKeyDer::Pkcs8(key) => der::p256_scalar_from_pkcs8(key.secret_pkcs8_der()),
            PrivateKeyDer::Sec1(key) => der::p256_scalar_from_sec1(key.secret_sec1_der()),
            _ => None,
        };
        let secret = scalar.and_then(|scalar| p256::SecretKey::from_slice(scalar).ok());
        let secret = secret.ok_or(Error::General("unsupported client key: this build signs with ECDSA P-256 keys only".into()))?;
        Ok(Arc::new(P256SigningKey(p256::ecdsa::SigningKey::from(secret))))
    }
}

/// A P-256 client key.
#[derive(Clone)]
struct P256SigningKey(p256::ecdsa::SigningKey);

impl core::fmt::Debug for P256SigningKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("P256SigningKey")
    }
}

impl SigningKey for P256SigningKey {
    fn choose_scheme(&self, offered: &[SignatureScheme]) -> Option<Box<dyn Signer>> {
        offered.contains(&SignatureScheme::ECDSA_NISTP256_SHA256).then(|| Box::new(self.clone()) as Box<dyn Signer>)
    }

    fn public_key(&self) -> Option<SubjectPublicKeyInfoDer<'_>> {
        let point = self.0.verifying_key().as_affine().to_encoded_point(false);
        Some(public_key_to_spki(&alg_id::ECDSA_P256, point.as_bytes()))
    }

    fn algorithm(&self) -> SignatureAlgorithm {
        SignatureAlgorithm::ECDSA
    }
}

impl Signer for P256SigningKey {
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, Error> {
        let signature: p256::ecdsa::Signature = self.0.try_sign(message).map_err(|_| Error::General("ECDSA P-256 signing failed".into()))?;
        Ok(der::ecdsa_raw_to_der(&signature.to_bytes()))
    }

    fn scheme(&self) -> SignatureScheme {
        SignatureScheme::ECDSA_NISTP256_SHA256
    }
}
