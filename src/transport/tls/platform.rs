//! What the TLS engine needs from the platform besides its heap: a wall clock and an
//! entropy source, as the Rust trait [`Platform`].
//!
//! Register one with [`set_platform`] at start-up, before the first TLS configuration is
//! built. The C hooks (`mqtt_rs_tls_set_platform`, with their POSIX defaults) are one such
//! platform, adapted in `ffi`; a Rust host implements the trait itself. Until one is
//! registered there is no clock (certificate checks fail) and no entropy (handshakes fail).

use super::set_once::SetOnce;

/// The wall clock and entropy source of the TLS engine.
pub trait Platform: Sync {
    /// Seconds since 1970-01-01 00:00:00 UTC; `None` while the time is not known
    /// (certificate validity cannot be checked then).
    fn unix_time(&self) -> Option<u64>;

    /// Fills `buf` with cryptographically secure random bytes; false on failure.
    fn fill_entropy(&self, buf: &mut [u8]) -> bool;
}

/// [`set_platform`] was called before: the first platform stays.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AlreadySet;

static PLATFORM: SetOnce<&'static dyn Platform> = SetOnce::new();

/// Registers the process's platform; only the first call takes effect.
pub fn set_platform(platform: &'static dyn Platform) -> Result<(), AlreadySet> {
    PLATFORM.set(platform).map_err(|_| AlreadySet)
}

/// Seconds since the Unix epoch from the platform; `None` when unknown or unregistered.
pub(super) fn unix_time() -> Option<u64> {
    PLATFORM.get().and_then(|platform| platform.unix_time())
}

/// Fills `buf` with secure random bytes from the platform; false on failure or when none
/// is registered. (Unused with the PSA provider, which draws from `psa_generate_random`.)
#[cfg_attr(mqtt_rs_crypto = "psa", allow(dead_code))]
pub(super) fn fill_entropy(buf: &mut [u8]) -> bool {
    PLATFORM.get().is_some_and(|platform| platform.fill_entropy(buf))
}
