//! What the staticlib needs to link into a C program: the panic handler and the
//! unwinding personality symbol that the prebuilt `core` refers to.

/// No code path of the library panics: indexing is checked, arithmetic cannot
/// overflow, and `tests/no_panic.rs` proves it by building with feature `panic-check`,
/// where this handler refers to a symbol that does not exist, so any panic path still
/// reachable from a public function fails the C link. Release builds also abort on panic.
#[cfg(not(feature = "std"))]
#[panic_handler]
fn on_panic(_: &core::panic::PanicInfo<'_>) -> ! {
    #[cfg(feature = "panic-check")]
    {
        extern "C" {
            fn mqtt_rs_panic_path_is_reachable() -> !;
        }
        // SAFETY: never linked; see above.
        unsafe { mqtt_rs_panic_path_is_reachable() }
    }
    // The one panic left is rustls running out of heap (it allocates infallibly): on a
    // POSIX host abort loudly rather than hang; on bare metal halt here.
    #[cfg(all(not(feature = "panic-check"), feature = "posix"))]
    // SAFETY: abort(3) never returns and is safe to call at any point.
    unsafe {
        libc::abort()
    }
    #[cfg(all(not(feature = "panic-check"), not(feature = "posix")))]
    loop {}
}

/// The prebuilt `core` was compiled with unwinding and refers to this symbol. With
/// `panic = "abort"` nothing may unwind through this library, so an unwinder that asks
/// (a C++ exception or a thread cancellation crossing a C callback) is told to stop:
/// `_URC_FATAL_PHASE1_ERROR`. The personality's own signature keeps LLVM from folding it
/// into an identical empty C function: under that other name LLVM no longer knows it as
/// Rust's personality and keeps an exception table for every function that names it
/// (x86_64 `.eh_frame` and `.gcc_except_table`).
#[cfg(not(feature = "std"))]
#[no_mangle]
pub extern "C" fn rust_eh_personality(
    _version: i32,
    _actions: i32,
    _class: u64,
    _exception: *mut core::ffi::c_void,
    _context: *mut core::ffi::c_void,
) -> i32 {
    3
}
