//! The C side of the TLS platform port: the hooks registered with
//! `mqtt_rs_tls_set_platform` (heap, wall clock, entropy) and their POSIX defaults, the
//! staticlib's global allocator over them, and its heap accounting. Transport sees only
//! the Rust-typed [`Platform`](crate::transport::tls::platform::Platform) that `hooks`
//! implements over them.

pub mod heap;
pub mod heap_stats;
pub(crate) mod hooks;
#[cfg(feature = "posix")]
mod posix;
