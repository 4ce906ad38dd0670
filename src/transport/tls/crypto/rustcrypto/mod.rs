//! The pure-Rust crypto provider, written for this library on RustCrypto crates; it builds
//! for every target, bare metal included, and carries only what a device needs:
//!
//! - suites: TLS 1.3 `AES_128_GCM_SHA256`; TLS 1.2 `ECDHE_{ECDSA,RSA}_WITH_AES_128_GCM_SHA256`;
//! - key exchange: X25519, P-256 (P-384 offered last, for TLS 1.2 servers with P-384 keys);
//! - server signatures: ECDSA P-256/P-384, RSA PKCS#1 v1.5 and PSS (2048-4096 bits);
//! - client keys: ECDSA P-256.
//!
//! Secret keys come from the entropy hook (never `getrandom`).

use crate::transport::tls::alloc::vec;

use rustls::crypto::tls12::PrfUsingHmac;
use rustls::crypto::tls13::HkdfUsingHmac;
use rustls::crypto::{CipherSuiteCommon, CryptoProvider, KeyExchangeAlgorithm, SecureRandom};
use rustls::{CipherSuite, SignatureScheme, SupportedCipherSuite, Tls12CipherSuite, Tls13CipherSuite};

mod aead;
mod hash;
mod kx;
mod sign;
mod verify;

/// AES-GCM's limit on records per key (RFC 8446 section 5.5; rustls' figure).
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

/// The provider, with `random` for handshake randoms.
pub(super) fn provider(random: &'static dyn SecureRandom) -> CryptoProvider {
    CryptoProvider {
        cipher_suites: vec![
            SupportedCipherSuite::Tls13(&TLS13_AES_128_GCM_SHA256),
            SupportedCipherSuite::Tls12(&TLS12_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256),
            SupportedCipherSuite::Tls12(&TLS12_ECDHE_RSA_WITH_AES_128_GCM_SHA256),
        ],
        kx_groups: vec![&kx::X25519, &kx::P256, &kx::P384],
        signature_verification_algorithms: verify::ALGORITHMS,
        secure_random: random,
        key_provider: &sign::P256KeyProvider,
    }
}
