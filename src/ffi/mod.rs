//! The `extern "C"` surface: argument checks, conversions and result codes only.
pub mod client;
pub mod qos;
pub mod detail;
pub mod result;
pub mod tls;
pub mod types;
pub mod version;
