//! The rustls crypto provider (ring) and clock, wired to the platform hooks.

use core::time::Duration;

use rustls::crypto::{ring, CryptoProvider, GetRandomFailed, SecureRandom};
use rustls::pki_types::UnixTime;
use rustls::time_provider::TimeProvider;

use super::platform;

/// Handshake randoms from the entropy hook.
#[derive(Debug)]
struct HookRandom;

impl SecureRandom for HookRandom {
    fn fill(&self, buf: &mut [u8]) -> Result<(), GetRandomFailed> {
        platform::fill_entropy(buf)
            .then_some(())
            .ok_or(GetRandomFailed)
    }
}

/// Certificate validity and ticket ages from the wall-clock hook.
#[derive(Debug)]
pub(super) struct HookClock;

impl TimeProvider for HookClock {
    fn current_time(&self) -> Option<UnixTime> {
        platform::unix_time().map(|secs| UnixTime::since_unix_epoch(Duration::from_secs(secs)))
    }
}

/// ring's provider, drawing its handshake randoms from the entropy hook.
///
/// ring generates keys from `getrandom`: the operating system on hosted targets, the
/// entropy hook on bare metal (registered below).
pub(super) fn crypto_provider() -> CryptoProvider {
    CryptoProvider {
        secure_random: &HookRandom,
        ..ring::default_provider()
    }
}

#[cfg(target_os = "none")]
getrandom::register_custom_getrandom!(entropy_for_ring);

/// `getrandom`'s custom backend on bare metal: the entropy hook.
#[cfg(target_os = "none")]
fn entropy_for_ring(buf: &mut [u8]) -> Result<(), getrandom::Error> {
    platform::fill_entropy(buf)
        .then_some(())
        .ok_or(getrandom::Error::UNSUPPORTED)
}
