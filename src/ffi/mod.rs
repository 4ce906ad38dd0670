//! The `extern "C"` surface: argument checks, conversions and result codes only.
mod check;
pub mod client;
mod credentials;
pub mod crypto;
pub mod detail;
mod handle;
mod offline;
pub mod persist;
pub mod qos;
pub mod reconnect;
pub mod result;
mod sink;
pub mod tls;
pub mod types;
pub mod version;
// Last, so the header keeps its order of declarations (it once lived in `transport`).
pub mod net;
