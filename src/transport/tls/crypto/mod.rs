//! The rustls crypto provider and clock, wired to the registered [`Platform`](super::platform::Platform).
//!
//! The provider is chosen at build time (see `build.rs`): ring where it builds (hosted
//! targets), the pure-Rust provider on bare metal; the `crypto-ring`,
//! `crypto-rustcrypto` and `crypto-psa` features override the choice.

use core::time::Duration;

use rustls::crypto::CryptoProvider;
#[cfg(not(mqtt_rs_crypto = "psa"))]
use rustls::crypto::{GetRandomFailed, SecureRandom};
use rustls::pki_types::UnixTime;
use rustls::time_provider::TimeProvider;

use super::platform;

pub mod device;
/// The PSA Crypto provider, over the PSA binding in `ffi::psa`.
#[cfg(mqtt_rs_crypto = "psa")]
mod psa;
#[cfg(mqtt_rs_crypto = "ring")]
mod ring;
#[cfg(mqtt_rs_crypto = "rustcrypto")]
mod rustcrypto;

// What the pure-Rust and PSA providers share: their primitives differ, the TLS around them
// does not. `backend` is the one of the two this build uses.
#[cfg(mqtt_rs_crypto = "psa")]
use psa as backend;
#[cfg(any(mqtt_rs_crypto = "rustcrypto", mqtt_rs_crypto = "psa"))]
mod der;
#[cfg(any(mqtt_rs_crypto = "rustcrypto", mqtt_rs_crypto = "psa"))]
mod record;
#[cfg(mqtt_rs_crypto = "rustcrypto")]
use rustcrypto as backend;
#[cfg(any(mqtt_rs_crypto = "rustcrypto", mqtt_rs_crypto = "psa"))]
mod suites;
#[cfg(any(mqtt_rs_crypto = "rustcrypto", mqtt_rs_crypto = "psa"))]
mod verify;

/// The provider this build uses: `"ring"`, `"rustcrypto"` or `"psa"`.
#[cfg(mqtt_rs_crypto = "ring")]
pub const NAME: &str = "ring";
/// The provider this build uses: `"ring"`, `"rustcrypto"` or `"psa"`.
#[cfg(mqtt_rs_crypto = "rustcrypto")]
pub const NAME: &str = "rustcrypto";
/// The provider this build uses: `"ring"`, `"rustcrypto"` or `"psa"`.
#[cfg(mqtt_rs_crypto = "psa")]
pub const NAME: &str = "psa";

/// PSA calls made so far by this process, per kind: key management (init, import,
/// generate, export, destroy), random, hash, MAC, AEAD, key agreement, verify, sign.
/// Test builds only (feature `psa-count`).
#[cfg(all(mqtt_rs_crypto = "psa", feature = "psa-count"))]
pub fn psa_call_counts() -> [u32; 8] {
    crate::ffi::psa::counts()
}

/// Handshake randoms from the platform's entropy source.
#[cfg(not(mqtt_rs_crypto = "psa"))]
#[derive(Debug)]
struct PlatformRandom;

#[cfg(not(mqtt_rs_crypto = "psa"))]
impl SecureRandom for PlatformRandom {
    fn fill(&self, buf: &mut [u8]) -> Result<(), GetRandomFailed> {
        platform::fill_entropy(buf).then_some(()).ok_or(GetRandomFailed)
    }
}

/// Certificate validity and ticket ages from the platform's wall clock.
#[derive(Debug)]
pub(super) struct PlatformClock;

impl TimeProvider for PlatformClock {
    fn current_time(&self) -> Option<UnixTime> {
        platform::unix_time().map(|secs| UnixTime::since_unix_epoch(Duration::from_secs(secs)))
    }
}

/// What the key-exchange groups of the pure-Rust and PSA providers answer when asked to
/// complete an exchange on a peer's share at once (`SupportedKxGroup::start_and_complete`):
/// only a TLS server asks that, and this library is a client, so rustls never does. Refusing
/// keeps rustls' default, linked through every group's vtable, out of the build.
#[cfg(any(mqtt_rs_crypto = "rustcrypto", mqtt_rs_crypto = "psa"))]
fn no_server_role() -> rustls::Error {
    rustls::Error::General("no key exchange in the server role".into())
}

/// The provider this build was configured with, drawing its randoms from the platform's
/// entropy source (PSA: from `psa_generate_random`).
pub(super) fn crypto_provider() -> CryptoProvider {
    #[cfg(mqtt_rs_crypto = "ring")]
    return ring::provider(&PlatformRandom);
    #[cfg(mqtt_rs_crypto = "rustcrypto")]
    return rustcrypto::provider(&PlatformRandom);
    #[cfg(mqtt_rs_crypto = "psa")]
    return psa::provider();
}
