//! ring's provider (hosted targets), with handshake randoms from the entropy hook.

use rustls::crypto::{ring, CryptoProvider, SecureRandom};

/// ring's default provider with `random` for handshake randoms.
///
/// ring generates keys from `getrandom`, that is from the operating system: this provider
/// is only built for hosted targets.
pub(super) fn provider(random: &'static dyn SecureRandom) -> CryptoProvider {
    CryptoProvider { secure_random: random, ..ring::default_provider() }
}
