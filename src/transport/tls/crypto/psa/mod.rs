//! The PSA Crypto provider: every primitive is a call into the platform's PSA Crypto API
//! (Mbed TLS, TF-M, or a vendor's hardware driver); nothing is computed in Rust.
//!
//! - suites: TLS 1.3 `AES_128_GCM_SHA256`; TLS 1.2 `ECDHE_{ECDSA,RSA}_WITH_AES_128_GCM_SHA256`
//!   (`crypto::suites`, records framed by `crypto::record`);
//! - key exchange: X25519 (when the PSA implementation has it: checked when the
//!   provider is built), P-256, P-384 (offered last, for TLS 1.2 servers with P-384 keys);
//! - server signatures: ECDSA P-256/P-384, RSA PKCS#1 v1.5 and PSS (2048-4096 bits)
//!   (`crypto::verify`);
//! - client keys: ECDSA P-256, imported into PSA;
//! - randomness: `psa_generate_random` (the entropy hook is not used: PSA seeds itself).
//!
//! The diet features (`tls-no-rsa`, `tls-no-p384`, `tls-no-sha384`, and the default `tls12` turned off) leave parts
//! out.
//!
//! The library calls `psa_crypto_init` whenever it builds a provider (the call is
//! idempotent, so an application that initialised PSA itself is unaffected). If PSA does
//! not initialise, the provider carries no cipher suite and building the TLS
//! configuration fails.

use crate::transport::tls::alloc::vec::Vec;

use rustls::crypto::{CryptoProvider, GetRandomFailed, SecureRandom, SupportedKxGroup};

use super::{suites, verify};
// The PSA Crypto C binding lives in the `ffi` layer, with every other C boundary.
use crate::ffi::psa as ffi;

pub(super) mod aead;
pub(super) mod check;
pub(super) mod hash;
mod key;
mod kx;
mod sha256;
mod sign;
pub(crate) use sha256::Sha256Operation;

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
    #[cfg(not(feature = "tls-no-p384"))]
    groups.push(&kx::P384);
    groups
}

/// The provider, after `psa_crypto_init`.
pub(super) fn provider() -> CryptoProvider {
    let ready = ffi::crypto_init() == ffi::SUCCESS;
    CryptoProvider {
        cipher_suites: match ready {
            true => suites::cipher_suites(),
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
