//! Client authentication keys: ECDSA P-256, imported into PSA from the application's
//! PKCS#8 or SEC1 key (the raw private scalar is extracted here and handed to
//! `psa_import_key`); signing is `psa_sign_hash` with deterministic ECDSA (RFC 6979), so a
//! weak random source cannot leak the key through a repeated nonce. The PSA key lives as
//! long as the configuration that holds it.

use crate::transport::tls::alloc::boxed::Box;
use crate::transport::tls::alloc::sync::Arc;
use crate::transport::tls::alloc::vec::Vec;

use rustls::crypto::KeyProvider;
use rustls::pki_types::{alg_id, PrivateKeyDer, SubjectPublicKeyInfoDer};
use rustls::sign::{public_key_to_spki, Signer, SigningKey};
use rustls::{Error, SignatureAlgorithm, SignatureScheme};

use super::super::der;
use super::ffi::{self, KeyAttributes, ALG_SHA_256, KEY_TYPE_ECC_KEY_PAIR_SECP_R1, USAGE_SIGN_HASH};
use super::hash::{digest, MAX_DIGEST};
use super::key::Key;

/// The algorithm the client key is allowed and used for.
const ALG: ffi::Algorithm = ffi::alg_deterministic_ecdsa(ALG_SHA_256);

/// Loads client keys into PSA; only P-256 keys are supported.
#[derive(Debug)]
pub(super) struct P256KeyProvider;

impl KeyProvider for P256KeyProvider {
    fn load_private_key(&self, key_der: PrivateKeyDer<'static>) -> Result<Arc<dyn SigningKey>, Error> {
        let scalar = match &key_der {
            PrivateKeyDer::Pkcs8(der) => der::p256_scalar_from_pkcs8(der.secret_pkcs8_der()),
            PrivateKeyDer::Sec1(der) => der::p256_scalar_from_sec1(der.secret_sec1_der()),
            _ => None,
        };
        let unsupported = || Error::General("unsupported client key: this build signs with ECDSA P-256 keys only".into());
        let scalar = scalar.ok_or_else(unsupported)?;
        let attributes = KeyAttributes::new(KEY_TYPE_ECC_KEY_PAIR_SECP_R1, 256, USAGE_SIGN_HASH, ALG);
        let key = Key::import(&attributes, scalar).ok_or_else(unsupported)?;
        let mut point = [0u8; 65];
        let len = ffi::export_public_key(key.id(), &mut point).map_err(|_| unsupported())?;
        Ok(Arc::new(P256SigningKey(Arc::new(PsaKeyPair { key, public: point[..len].to_vec() }))))
    }
}

/// A P-256 key pair in PSA and its public point.
struct PsaKeyPair {
    key: Key,
    public: Vec<u8>,
}

/// A P-256 client key.
#[derive(Clone)]
struct P256SigningKey(Arc<PsaKeyPair>);

impl core::fmt::Debug for P256SigningKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        // A plain string: the derived form would link the formatting of the key id and of
        // the public point's bytes (rustls holds the key as a trait object).
        f.write_str("P256SigningKey")
    }
}

impl SigningKey for P256SigningKey {
    fn choose_scheme(&self, offered: &[SignatureScheme]) -> Option<Box<dyn Signer>> {
        offered.contains(&SignatureScheme::ECDSA_NISTP256_SHA256).then(|| Box::new(self.clone()) as Box<dyn Signer>)
    }

    fn public_key(&self) -> Option<SubjectPublicKeyInfoDer<'_>> {
        Some(public_key_to_spki(&alg_id::ECDSA_P256, &self.0.public))
    }

    fn algorithm(&self) -> SignatureAlgorithm {
        SignatureAlgorithm::ECDSA
    }
}

impl Signer for P256SigningKey {
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, Error> {
        let failed = || Error::General("ECDSA P-256 signing through PSA failed".into());
        let mut hashed = [0u8; MAX_DIGEST];
        let len = digest(ALG_SHA_256, message, &mut hashed).ok_or_else(failed)?;
        let mut raw = [0u8; 64];
        let written = ffi::sign_hash(self.0.key.id(), ALG, &hashed[..len], &mut raw).map_err(|_| failed())?;
        if written != raw.len() {
            return Err(failed());
        }
        Ok(der::ecdsa_raw_to_der(&raw))
    }

    fn scheme(&self) -> SignatureScheme {
        SignatureScheme::ECDSA_NISTP256_SHA256
    }
}
