//! Drives the engine over the application's byte callbacks, plain or through TLS.
pub mod blocking;
pub mod callbacks;
pub mod client;
pub mod stream;
pub mod wire;
#[cfg(feature = "tls")]
pub mod tls;
