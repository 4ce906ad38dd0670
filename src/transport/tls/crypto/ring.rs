//! ring's provider (hosted targets), with handshake randoms from the entropy hook and the
//! diet applied (`tls-no-rsa`, `tls-no-p384`, `tls-no-sha384`, the default `tls12` off).
//!
//! Without a diet feature it offers what ring's default provider offers: TLS 1.3 and 1.2
//! suites with AES-128/256-GCM and ChaCha20-Poly1305, X25519, P-256 and P-384, and ECDSA,
//! Ed25519 and RSA signatures.

use rustls::crypto::ring::{cipher_suite as suite, kx_group};
use rustls::crypto::{CryptoProvider, KeyProvider, SecureRandom, SupportedKxGroup, WebPkiSupportedAlgorithms};
use rustls::{SignatureScheme, SupportedCipherSuite};
use webpki::ring as alg;
#[cfg(feature = "tls-no-rsa")]
use {
    crate::transport::tls::alloc::sync::Arc,
    rustls::crypto::ring::sign::{any_ecdsa_type, any_eddsa_type},
    rustls::pki_types::PrivateKeyDer,
    rustls::sign::SigningKey,
    rustls::Error,
};

/// The cipher suites, in ring's order of preference.
static SUITES: &[SupportedCipherSuite] = &[
    #[cfg(not(feature = "tls-no-sha384"))]
    suite::TLS13_AES_256_GCM_SHA384,
    suite::TLS13_AES_128_GCM_SHA256,
    suite::TLS13_CHACHA20_POLY1305_SHA256,
    #[cfg(not(any(not(feature = "tls12"), feature = "tls-no-sha384")))]
    suite::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
    #[cfg(feature = "tls12")]
    suite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
    #[cfg(feature = "tls12")]
    suite::TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
    #[cfg(not(any(not(feature = "tls12"), feature = "tls-no-rsa", feature = "tls-no-sha384")))]
    suite::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
    #[cfg(not(any(not(feature = "tls12"), feature = "tls-no-rsa")))]
    suite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
    #[cfg(not(any(not(feature = "tls12"), feature = "tls-no-rsa")))]
    suite::TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
];

/// The key exchange groups, in preference order.
static GROUPS: &[&dyn SupportedKxGroup] = &[
    kx_group::X25519,
    kx_group::SECP256R1,
    #[cfg(not(feature = "tls-no-p384"))]
    kx_group::SECP384R1,
];

/// ring's signature algorithms (as in rustls' ring provider), less what the diet leaves out.
static ALGORITHMS: WebPkiSupportedAlgorithms = WebPkiSupportedAlgorithms {
    all: &[
        alg::ECDSA_P256_SHA256,
        #[cfg(not(feature = "tls-no-sha384"))]
        alg::ECDSA_P256_SHA384,
        #[cfg(not(feature = "tls-no-p384"))]
        alg::ECDSA_P384_SHA256,
        #[cfg(not(any(feature = "tls-no-p384", feature = "tls-no-sha384")))]
        alg::ECDSA_P384_SHA384,
        alg::ED25519,
        #[cfg(not(feature = "tls-no-rsa"))]
        alg::RSA_PSS_2048_8192_SHA256_LEGACY_KEY,
        #[cfg(not(any(feature = "tls-no-rsa", feature = "tls-no-sha384")))]
        alg::RSA_PSS_2048_8192_SHA384_LEGACY_KEY,
        #[cfg(not(any(feature = "tls-no-rsa", feature = "tls-no-sha384")))]
        alg::RSA_PSS_2048_8192_SHA512_LEGACY_KEY,
        #[cfg(not(feature = "tls-no-rsa"))]
        alg::RSA_PKCS1_2048_8192_SHA256,
        #[cfg(not(any(feature = "tls-no-rsa", feature = "tls-no-sha384")))]
        alg::RSA_PKCS1_2048_8192_SHA384,
        #[cfg(not(any(feature = "tls-no-rsa", feature = "tls-no-sha384")))]
        alg::RSA_PKCS1_2048_8192_SHA512,
        #[cfg(not(feature = "tls-no-rsa"))]
        alg::RSA_PKCS1_2048_8192_SHA256_ABSENT_PARAMS,
        #[cfg(not(any(feature = "tls-no-rsa", feature = "tls-no-sha384")))]
        alg::RSA_PKCS1_2048_8192_SHA384_ABSENT_PARAMS,
        #[cfg(not(any(feature = "tls-no-rsa", feature = "tls-no-sha384")))]
        alg::RSA_PKCS1_2048_8192_SHA512_ABSENT_PARAMS,
    ],
    mapping: &[
        // TLS 1.3 binds an ECDSA scheme to its curve (the first entry); TLS 1.2 names only the hash.
        #[cfg(not(any(feature = "tls-no-p384", feature = "tls-no-sha384")))]
        (SignatureScheme::ECDSA_NISTP384_SHA384, &[alg::ECDSA_P384_SHA384, alg::ECDSA_P256_SHA384]),
        (
            SignatureScheme::ECDSA_NISTP256_SHA256,
            &[
                alg::ECDSA_P256_SHA256,
                #[cfg(not(feature = "tls-no-p384"))]
                alg::ECDSA_P384_SHA256,
            ],
        ),
        (SignatureScheme::ED25519, &[alg::ED25519]),
        #[cfg(not(any(feature = "tls-no-rsa", feature = "tls-no-sha384")))]
        (SignatureScheme::RSA_PSS_SHA512, &[alg::RSA_PSS_2048_8192_SHA512_LEGACY_KEY]),
        #[cfg(not(any(feature = "tls-no-rsa", feature = "tls-no-sha384")))]
        (SignatureScheme::RSA_PSS_SHA384, &[alg::RSA_PSS_2048_8192_SHA384_LEGACY_KEY]),
        #[cfg(not(feature = "tls-no-rsa"))]
        (SignatureScheme::RSA_PSS_SHA256, &[alg::RSA_PSS_2048_8192_SHA256_LEGACY_KEY]),
        #[cfg(not(any(feature = "tls-no-rsa", feature = "tls-no-sha384")))]
        (SignatureScheme::RSA_PKCS1_SHA512, &[alg::RSA_PKCS1_2048_8192_SHA512]),
        #[cfg(not(any(feature = "tls-no-rsa", feature = "tls-no-sha384")))]
        (SignatureScheme::RSA_PKCS1_SHA384, &[alg::RSA_PKCS1_2048_8192_SHA384]),
        #[cfg(not(feature = "tls-no-rsa"))]
        (SignatureScheme::RSA_PKCS1_SHA256, &[alg::RSA_PKCS1_2048_8192_SHA256]),
    ],
};

/// With `tls-no-rsa`, client keys are ECDSA or Ed25519: ring's RSA signing stays out too.
#[cfg(feature = "tls-no-rsa")]
#[derive(Debug)]
struct NoRsaKeys;

#[cfg(feature = "tls-no-rsa")]
impl KeyProvider for NoRsaKeys {
    fn load_private_key(&self, key_der: PrivateKeyDer<'static>) -> Result<Arc<dyn SigningKey>, Error> {
        let key = match &key_der {
            PrivateKeyDer::Pkcs8(pkcs8) => any_ecdsa_type(&key_der).or_else(|_| any_eddsa_type(pkcs8)),
            _ => any_ecdsa_type(&key_der),
        };
        key.map_err(|_| Error::General("unsupported client key: this build (tls-no-rsa) signs with ECDSA and Ed25519 keys only".into()))
    }
}

/// ring's provider with `random` for handshake randoms.
///
/// ring generates keys from `getrandom`, that is from the operating system: this provider
/// is only built for hosted targets.
pub(super) fn provider(random: &'static dyn SecureRandom) -> CryptoProvider {
    CryptoProvider {
        cipher_suites: SUITES.to_vec(),
        kx_groups: GROUPS.to_vec(),
        signature_verification_algorithms: ALGORITHMS,
        secure_random: random,
        key_provider: key_provider(),
    }
}

/// The client key loader: ring's, or with `tls-no-rsa` one without RSA.
fn key_provider() -> &'static dyn KeyProvider {
    #[cfg(feature = "tls-no-rsa")]
    return &NoRsaKeys;
    #[cfg(not(feature = "tls-no-rsa"))]
    return rustls::crypto::ring::default_provider().key_provider;
}
