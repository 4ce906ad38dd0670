//! The pure-Rust crypto provider, written for this library on RustCrypto crates; it builds
//! for every target, bare metal included, and carries only what a device needs:
//!
//! - suites: TLS 1.3 `AES_128_GCM_SHA256`; TLS 1.2 `ECDHE_{ECDSA,RSA}_WITH_AES_128_GCM_SHA256`
//!   (`crypto::suites`, records framed by `crypto::record`);
//! - key exchange: X25519, P-256 (P-384 offered last, for TLS 1.2 servers with P-384 keys);
//! - server signatures: ECDSA P-256/P-384, RSA PKCS#1 v1.5 and PSS (2048-4096 bits)
//!   (`crypto::verify`);
//! - client keys: ECDSA P-256.
//!
//! The diet features (`tls-no-rsa`, `tls-no-p384`, `tls-no-sha384`, and the default `tls12` turned off) leave parts
//! out. Secret keys come from the entropy hook (never `getrandom`).

use rustls::crypto::{CryptoProvider, SecureRandom};

use super::{suites, verify};

pub(super) mod aead;
pub(super) mod check;
pub(super) mod hash;
mod kx;
mod sign;

/// The provider, with `random` for handshake randoms.
pub(super) fn provider(random: &'static dyn SecureRandom) -> CryptoProvider {
    CryptoProvider {
        cipher_suites: suites::cipher_suites(),
        kx_groups: kx::GROUPS.to_vec(),
        signature_verification_algorithms: verify::ALGORITHMS,
        secure_random: random,
        key_provider: &sign::P256KeyProvider,
    }
}
