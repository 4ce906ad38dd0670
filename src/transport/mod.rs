//! Drives the engine over the application's network (a [`network::Network`]), plain or
//! through TLS. Purely Rust-typed: the C callbacks and structs live in `ffi`.
pub mod blocking;
pub mod client;
pub mod drive;
pub mod network;
pub mod reconnect;
#[cfg(feature = "mqtt5")]
pub mod referral;
pub mod stream;
#[cfg(feature = "tls")]
pub mod tls;
#[cfg(feature = "mqtt5")]
pub mod v5;
pub mod wire;
