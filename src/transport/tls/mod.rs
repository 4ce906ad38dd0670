//! TLS for the transport: rustls (TLS 1.2 and 1.3) over any [`ByteStream`], on the global
//! heap (in the staticlib: `ffi`'s allocator over the C platform hooks).
//!
//! - `crypto`: the crypto provider, chosen at build time ([`CRYPTO_PROVIDER`]): ring on
//!   hosted targets, the pure-Rust provider (RustCrypto crates) on bare metal.
//! - [`device`]: signature checks and SHA-256 for the application, by the same provider.
//! - [`platform`]: the wall clock and entropy source ([`platform::Platform`]); the C hooks
//!   and their POSIX defaults implement it in `ffi`.
//! - [`TlsConfigBuilder`] / [`TlsConfig`]: trust anchors, client identity, ALPN, versions,
//!   session resumption; built once, shared by every connection.
//! - [`TlsStream`]: one client session. It owns its record buffers and is handed the
//!   transport on every call, so it never holds a borrow of the network between calls;
//!   [`TlsIo`] pairs the two for code written against [`ByteStream`].
//! - [`TlsError`]: what went wrong, one class per cause the application can act on, plus
//!   a plain-English explanation through `error_detail` (`explain`).
//!
//! [`ByteStream`]: crate::transport::stream::ByteStream

// Declared here, not at the crate root: only the TLS build has a heap.
extern crate alloc;

mod buffer;
mod certs;
mod config;
mod crypto;
mod diet;
mod error;
mod explain;
mod identity;
mod io;
mod pem;
pub mod platform;
mod session_cache;
mod set_once;
mod stream;
mod text;
pub(crate) mod try_lock;
mod verifier;

pub use config::{TlsConfig, TlsConfigBuilder, TlsVersion};
pub use crypto::device;
#[cfg(all(mqtt_rs_crypto = "psa", feature = "psa-count"))]
pub use crypto::psa_call_counts;
pub use crypto::NAME as CRYPTO_PROVIDER;
pub(crate) use error::SetupFailure;
pub use error::TlsError;
pub use io::TlsIo;
pub use stream::TlsStream;
