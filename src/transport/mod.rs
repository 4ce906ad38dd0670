//! Drives the engine over the application's network (a [`network::Network`]), plain or
//! through TLS. Purely Rust-typed: the C callbacks and structs live in `ffi`.
pub mod blocking;
pub mod client;
pub mod drive;
pub mod network;
pub mod reconnect;
pub mod stream;
#[cfg(feature = "tls")]
pub mod tls;
pub mod wire;
