//! mqtt_rs: a secure MQTT client for C firmware.
//!
//! Layers, one folder each:
//! - [`codec`]: MQTT packets, encode and decode, strict validation, zero-copy.
//! - [`engine`]: the sans-IO session state machine (packet ids, in-flight window, keepalive).
//! - [`transport`]: drives the engine over the application's network callbacks.
//! - `ffi`: every C boundary: the `extern "C"` surface (argument checks, conversions,
//!   result codes), the TLS platform hooks and global allocator, the PSA Crypto binding,
//!   and the panic handler of the staticlib.
#![cfg_attr(not(feature = "std"), no_std)]
#![deny(unsafe_op_in_unsafe_fn)]
#![deny(clippy::undocumented_unsafe_blocks)]

pub mod codec;
pub mod engine;
pub mod ffi;
pub mod transport;
