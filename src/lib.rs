//! mqtt_rs: a secure MQTT client for C firmware.
//!
//! Layers, one folder each:
//! - [`codec`]: MQTT packets, encode and decode, strict validation, zero-copy.
//! - [`engine`]: the sans-IO session state machine (packet ids, in-flight window, keepalive).
//! - [`transport`]: drives the engine over the application's network callbacks.
//! - `ffi`: the `extern "C"` surface (argument checks, conversions, result codes).
#![cfg_attr(not(feature = "std"), no_std)]

pub mod codec;
pub mod engine;
pub mod ffi;
pub mod transport;

#[cfg(not(feature = "std"))]
#[panic_handler]
fn on_panic(_: &core::panic::PanicInfo<'_>) -> ! {
    // Release builds abort on panic; no input is meant to reach here.
    loop {}
}

/// The prebuilt `core` was compiled with unwinding and refers to this symbol; with
/// `panic = "abort"` it is never called.
#[cfg(not(feature = "std"))]
#[no_mangle]
pub extern "C" fn rust_eh_personality() {}
