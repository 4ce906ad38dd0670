//! The cipher suites of the providers that bring their own primitives (pure-Rust, PSA):
//! TLS 1.3 `AES_128_GCM_SHA256`; TLS 1.2 `ECDHE_ECDSA_WITH_AES_128_GCM_SHA256` and
//! `ECDHE_RSA_WITH_AES_128_GCM_SHA256`, less what the diet features leave out
//! (no `tls12` feature, `tls-no-rsa`; `tls-no-p384` and `tls-no-sha384` narrow the schemes).

use crate::transport::tls::alloc::vec::Vec;

use rustls::crypto::hash::Hash;
use rustls::crypto::tls13::HkdfUsingHmac;
use rustls::crypto::CipherSuiteCommon;
use rustls::{CipherSuite, SupportedCipherSuite, Tls13CipherSuite};

use super::backend::aead::Aes128GcmKey;
use super::backend::hash;
use super::record::Aes128GcmAead;

/// AES-GCM's limit on records per key (RFC 8446 section 5.5; rustls' figure).
const GCM_CONFIDENTIALITY_LIMIT: u64 = 1 << 24;

/// What every suite here has in common but its name: AES-GCM under `hash`.
const fn common(suite: CipherSuite, hash: &'static dyn Hash) -> CipherSuiteCommon {
    CipherSuiteCommon { suite, hash_provider: hash, confidentiality_limit: GCM_CONFIDENTIALITY_LIMIT }
}

/// The record layer over the provider's AES-128-GCM keys.
static AES_128_GCM: Aes128GcmAead<Aes128GcmKey> = Aes128GcmAead::ALGORITHM;

static TLS13_AES_128_GCM_SHA256: Tls13CipherSuite = Tls13CipherSuite {
    common: common(CipherSuite::TLS13_AES_128_GCM_SHA256, &hash::SHA256),
    hkdf_provider: &HkdfUsingHmac(&hash::HMAC_SHA256),
    aead_alg: &AES_128_GCM,
    quic: None,
};

/// The suites, in preference order.
pub(super) fn cipher_suites() -> Vec<SupportedCipherSuite> {
    let mut suites = Vec::with_capacity(3);
    suites.push(SupportedCipherSuite::Tls13(&TLS13_AES_128_GCM_SHA256));
    #[cfg(feature = "tls12")]
    suites.extend_from_slice(tls12::SUITES);
    suites
}

/// TLS 1.2 (the default feature `tls12`).
#[cfg(feature = "tls12")]
mod tls12 {
    use rustls::crypto::tls12::PrfUsingHmac;
    use rustls::crypto::KeyExchangeAlgorithm;
    use rustls::{CipherSuite, SignatureScheme, SupportedCipherSuite, Tls12CipherSuite};

    use super::{common, hash, AES_128_GCM};

    static ECDHE_ECDSA_WITH_AES_128_GCM_SHA256: Tls12CipherSuite = Tls12CipherSuite {
        common: common(CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, &hash::SHA256),
        kx: KeyExchangeAlgorithm::ECDHE,
        sign: &[
            SignatureScheme::ECDSA_NISTP256_SHA256,
            #[cfg(not(any(feature = "tls-no-p384", feature = "tls-no-sha384")))]
            SignatureScheme::ECDSA_NISTP384_SHA384,
        ],
        aead_alg: &AES_128_GCM,
        prf_provider: &PrfUsingHmac(&hash::HMAC_SHA256),
    };

    #[cfg(not(feature = "tls-no-rsa"))]
    static ECDHE_RSA_WITH_AES_128_GCM_SHA256: Tls12CipherSuite = Tls12CipherSuite {
        common: common(CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, &hash::SHA256),
        kx: KeyExchangeAlgorithm::ECDHE,
        sign: &[
            SignatureScheme::RSA_PSS_SHA256,
            #[cfg(not(feature = "tls-no-sha384"))]
            SignatureScheme::RSA_PSS_SHA384,
            #[cfg(not(feature = "tls-no-sha384"))]
            SignatureScheme::RSA_PSS_SHA512,
            SignatureScheme::RSA_PKCS1_SHA256,
            #[cfg(not(feature = "tls-no-sha384"))]
            SignatureScheme::RSA_PKCS1_SHA384,
            #[cfg(not(feature = "tls-no-sha384"))]
            SignatureScheme::RSA_PKCS1_SHA512,
        ],
        aead_alg: &AES_128_GCM,
        prf_provider: &PrfUsingHmac(&hash::HMAC_SHA256),
    };

    /// The TLS 1.2 suites, in preference order.
    pub(super) static SUITES: &[SupportedCipherSuite] = &[
        SupportedCipherSuite::Tls12(&ECDHE_ECDSA_WITH_AES_128_GCM_SHA256),
        #[cfg(not(feature = "tls-no-rsa"))]
        SupportedCipherSuite::Tls12(&ECDHE_RSA_WITH_AES_128_GCM_SHA256),
    ];
}
