//! The `extern "C"` surface: argument checks, conversions and result codes only.
mod check;
pub mod client;
mod credentials;
pub mod crypto;
pub mod detail;
mod handle;
pub mod qos;
pub mod result;
mod sink;
pub mod tls;
pub mod types;
#[cfg(feature = "mqtt5")]
pub mod v5;
pub mod version;
// Last, so the header keeps its order of declarations (it once lived in `transport`).
pub mod net;
