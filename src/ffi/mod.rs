//! Every C boundary of the library, and only here: the `extern "C"` surface (argument
//! checks, conversions and result codes only), the TLS platform port over the C hooks,
//! the PSA Crypto binding, and the staticlib's runtime. Every `#[repr(C)]` type, raw
//! pointer and `extern "C"` item lives in this module (`tests/lint.sh` checks it).
#[cfg(feature = "mqtt5")]
pub mod alias;
#[cfg(feature = "mqtt5")]
pub mod auth;
mod check;
pub mod client;
mod credentials;
pub mod crypto;
pub mod detail;
#[cfg(feature = "mqtt5")]
pub mod disconnect_v5;
mod handle;
mod offline;
pub mod persist;
/// The TLS platform port: C hooks, global allocator, heap accounting, POSIX defaults.
///
/// cbindgen:ignore
#[cfg(feature = "tls")]
pub mod platform;
#[cfg(feature = "mqtt5")]
mod property_list;
/// The PSA Crypto binding of the PSA provider; its `psa_*` declarations are imports, not
/// part of our C API.
///
/// cbindgen:ignore
#[cfg(mqtt_rs_crypto = "psa")]
pub(crate) mod psa;
pub mod qos;
pub mod reconnect;
#[cfg(feature = "mqtt5")]
pub mod reconnect_v5;
pub mod result;
mod runtime;
mod sink;
pub mod tls;
pub mod types;
#[cfg(feature = "mqtt5")]
pub mod v5;
pub mod version;
// Last, so the header keeps its order of declarations (it once lived in `transport`).
pub mod net;
