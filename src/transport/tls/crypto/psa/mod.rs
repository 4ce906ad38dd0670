//! The PSA Crypto provider: every primitive is a call into the platform's PSA Crypto API
//! (Mbed TLS, TF-M, or a vendor's hardware driver); nothing is computed in Rust.
//!
//! - suites: TLS 1.3 `AES_128_GCM_SHA256`; TLS 1.2 `ECDHE_{ECDSA,RSA}_WITH_AES_128_GCM_SHA256`;
//! - key exchange: X25519 (when the PSA implementation has it: checked when the
//!   provider is built), P-256, P-384 (offered last, for TLS 1.2 servers with P-384 keys);
//! - server signatures: ECDSA P-256/P-384, RSA PKCS#1 v1.5 and PSS (2048-4096 bits);
//! - client keys: ECDSA P-256, imported into PSA;
//! - randomness: `psa_generate_random` (the entropy hook is not used: PSA seeds itself).
//!
//! The library calls `psa_crypto_init` whenever it builds a provider (the call is
//! idempotent, so an application that initialised PSA itself is unaffected). If PSA does
//! not initialise, the provider carries no cipher suite and building the TLS
//! configuration fails.

use crate::transport::tls::alloc::vec;
use crate::transport::tls::alloc::vec::Vec;

use rustls::crypto::tls12::PrfUsingHmac;
use rustls::crypto::tls13::HkdfUsingHmac;
use rustls::crypto::{CipherSuiteCommon, CryptoProvider, GetRandomFailed, KeyExchangeAlgorithm, SecureRandom, SupportedKxGroup};
use rustls::{CipherSuite, SignatureScheme, SupportedCipherSuite, Tls12CipherSuite, Tls13CipherSuite};

mod aead;
mod der;
pub(crate) mod ffi;
mod hash;
mod key;
mod kx;
mod sha256;
mod sign;
mod verify;

/// AES-GCM's limit on records per key (RFC 8446 section 5.5; rustls' figure).
pub(crate) use sha256::Sha256Operation;

const GCM_CONFIDENTIALITY_LIMIT: u64 = 1 << 24;

static TLS13_AES_128_GCM_SHA256: Tls13CipherSuite = Tls13CipherSuite {
    common: CipherSuiteCommon {
        suite: CipherSuite::TLS13_AES_128_GCM_SHA256,
        hash_provider: &hash::SHA256,
        confidentiality_limit: GCM_CONFIDENTIALITY_LIMIT,
    },
    hkdf_provider: &HkdfUsingHmac(&hash::HMAC_SHA256),
    aead_alg: &aead::Aes128GcmAead,
    quic: None,
};

static TLS12_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256: Tls12CipherSuite = Tls12CipherSuite {
    common: CipherSuiteCommon {
        suite: CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        hash_provider: &hash::SHA256,
        confidentiality_limit: GCM_CONFIDENTIALITY_LIMIT,
    },
    kx: KeyExchangeAlgorithm::ECDHE,
    sign: &[SignatureScheme::ECDSA_NISTP256_SHA256, SignatureScheme::ECDSA_NISTP384_SHA384],
    aead_alg: &aead::Aes128GcmAead,
    prf_provider: &PrfUsingHmac(&hash::HMAC_SHA256),
};

static TLS12_ECDHE_RSA_WITH_AES_128_GCM_SHA256: Tls12CipherSuite = Tls12CipherSuite {
    common: CipherSuiteCommon {
        suite: CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        hash_provider: &hash::SHA256,
        confidentiality_limit: GCM_CONFIDENTIALITY_LIMIT,
    },
    kx: KeyExchangeAlgorithm::ECDHE,
    sign: &[
        SignatureScheme::RSA_PSS_SHA256,
        SignatureScheme::RSA_PSS_SHA384,
        SignatureScheme::RSA_PSS_SHA512,
        SignatureScheme::RSA_PKCS1_SHA256,
        SignatureScheme::RSA_PKCS1_SHA384,
        SignatureScheme::RSA_PKCS1_SHA512,
    ],
    aead_alg: &aead::Aes128GcmAead,
    prf_provider: &PrfUsingHmac(&hash::HMAC_SHA256),
};

/// Handshake randoms from `psa_generate_random`.
#[derive(Debug)]
struct PsaRandom;

impl SecureRandom for PsaRandom {
    fn fill(&self, buf: &mut [u8]) -> Result<(), GetRandomFailed> {
        match ffi::generate_random(buf) {
            ffi::SUCCESS => Ok(()),
            _ => Err(GetRandomFailed),
        }
    }
}

/// The key exchange groups this PSA implementation offers, in preference order.
fn kx_groups() -> Vec<&'static dyn SupportedKxGroup> {
    let mut groups: Vec<&'static dyn SupportedKxGroup> = Vec::with_capacity(3);
    if kx::X25519.available() {
        groups.push(&kx::X25519);
    }
    groups.push(&kx::P256);
    groups.push(&kx::P384);
    groups
}

/// The provider, after `psa_crypto_init`.
pub(super) fn provider() -> CryptoProvider {
    let ready = ffi::crypto_init() == ffi::SUCCESS;
    CryptoProvider {
        cipher_suites: match ready {
            true => vec![
                SupportedCipherSuite::Tls13(&TLS13_AES_128_GCM_SHA256),
                SupportedCipherSuite::Tls12(&TLS12_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256),
                SupportedCipherSuite::Tls12(&TLS12_ECDHE_RSA_WITH_AES_128_GCM_SHA256),
            ],
            false => Vec::new(),
        },
        kx_groups: match ready {
            true => kx_groups(),
            false => Vec::new(),
        },
        signature_verification_algorithms: verify::ALGORITHMS,
        secure_random: &PsaRandom,
        key_provider: &sign::P256KeyProvider,
    }
}
