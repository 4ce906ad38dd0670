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

#[cfg(all(not(feature = "std"), not(feature = "panic-check")))]
#[panic_handler]
fn on_panic(_: &core::panic::PanicInfo<'_>) -> ! {
    // Release builds abort on panic; no input is meant to reach here.
    loop {}
}

/// Build with `--features panic-check` to prove that no panic path survives in the
/// release library: this handler calls a function that exists nowhere, so linking a
/// program that uses the C API fails if the optimiser kept any path to a panic
/// (tests/panic_check.sh).
#[cfg(all(not(feature = "std"), feature = "panic-check"))]
#[panic_handler]
fn on_panic(_: &core::panic::PanicInfo<'_>) -> ! {
    extern "C" {
        fn mqtt_rs_panic_path_is_reachable() -> !;
    }
    // SAFETY: never called in a correct build; the link fails instead.
    unsafe { mqtt_rs_panic_path_is_reachable() }
}

/// The prebuilt `core` was compiled with unwinding and refers to this symbol; with
/// `panic = "abort"` it is never called.
#[cfg(not(feature = "std"))]
#[no_mangle]
pub extern "C" fn rust_eh_personality() {}
