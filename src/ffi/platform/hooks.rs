//! The C platform hooks as registered, and the transport's [`Platform`] over them.
//!
//! A hook left NULL uses the default: the POSIX one with the `posix` feature, otherwise
//! none (no heap, no clock: certificate checks fail, no entropy: handshakes fail).

use core::ffi::c_void;
use core::ptr::null_mut;
use core::sync::atomic::{AtomicPtr, Ordering};

use crate::ffi::tls::mqtt_rs_tls_platform;
use crate::transport::tls::platform::{set_platform, Platform};

/// Allocates `size` bytes (never 0) like `malloc`; returns NULL when out of memory.
/// The block must be aligned to at least `2 * sizeof(void *)`; larger alignments are
/// handled by the library.
pub(super) type AllocFn = unsafe extern "C" fn(size: usize) -> *mut c_void;

/// Releases a block returned by the matching `AllocFn`, like `free`.
pub(super) type FreeFn = unsafe extern "C" fn(ptr: *mut c_void);

/// Returns the wall-clock time in seconds since 1970-01-01 00:00:00 UTC, or 0 when the
/// time is not known yet (certificate validity cannot be checked then).
type UnixTimeFn = unsafe extern "C" fn() -> u64;

/// Fills `len` bytes at `buf` with cryptographically secure random bytes; returns 0 on
/// success, anything else on failure.
type EntropyFn = unsafe extern "C" fn(buf: *mut u8, len: usize) -> i32;

/// Why [`register`] refused the hooks; nothing was changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum HookError {
    /// Exactly one of `alloc` and `free` was given.
    AllocPairIncomplete,
    /// Blocks from the current allocator are still live: it cannot be replaced now.
    AllocatorInUse,
}

static ALLOC: AtomicPtr<()> = AtomicPtr::new(null_mut());
static FREE: AtomicPtr<()> = AtomicPtr::new(null_mut());
static UNIX_TIME: AtomicPtr<()> = AtomicPtr::new(null_mut());
static ENTROPY: AtomicPtr<()> = AtomicPtr::new(null_mut());

/// Installs `hooks`, replacing all four previous ones (NULL members select the defaults),
/// and makes them the transport's platform.
///
/// The allocator can only be replaced while none of its blocks is live, so call this
/// before creating any TLS configuration or session.
pub(crate) fn register(hooks: &mqtt_rs_tls_platform) -> Result<(), HookError> {
    if hooks.alloc.is_some() != hooks.free.is_some() {
        return Err(HookError::AllocPairIncomplete);
    }
    let alloc = hooks.alloc.map_or(null_mut(), |f| f as *mut ());
    let free = hooks.free.map_or(null_mut(), |f| f as *mut ());
    let same_alloc = ALLOC.load(Ordering::Acquire) == alloc && FREE.load(Ordering::Acquire) == free;
    if !same_alloc && super::heap::live_blocks() != 0 {
        return Err(HookError::AllocatorInUse);
    }
    ALLOC.store(alloc, Ordering::Release);
    FREE.store(free, Ordering::Release);
    UNIX_TIME.store(hooks.unix_time.map_or(null_mut(), |f| f as *mut ()), Ordering::Release);
    ENTROPY.store(hooks.entropy.map_or(null_mut(), |f| f as *mut ()), Ordering::Release);
    install();
    Ok(())
}

/// Makes the C hooks (or their defaults) the transport's platform. Called by every C entry
/// that leads to TLS, so a program that never registers hooks gets the defaults. A Rust
/// host that registered its own platform first keeps it.
pub(crate) fn install() {
    // `AlreadySet` means the hooks (or a Rust host's platform) are in place already.
    let _ = set_platform(&C_HOOKS);
}

/// The registered allocator pair, if any.
pub(super) fn alloc_hooks() -> Option<(AllocFn, FreeFn)> {
    let alloc = ALLOC.load(Ordering::Acquire);
    let free = FREE.load(Ordering::Acquire);
    if alloc.is_null() || free.is_null() {
        return None;
    }
    // SAFETY: non-null values in these slots were stored from `AllocFn` / `FreeFn` above.
    unsafe { Some((core::mem::transmute::<*mut (), AllocFn>(alloc), core::mem::transmute::<*mut (), FreeFn>(free))) }
}

/// The clock and entropy hooks, each falling back to its default while NULL.
struct CHooks;

static C_HOOKS: CHooks = CHooks;

impl Platform for CHooks {
    fn unix_time(&self) -> Option<u64> {
        let hook = UNIX_TIME.load(Ordering::Acquire);
        let secs = if hook.is_null() {
            default_unix_time()
        } else {
            // SAFETY: a non-null value in this slot was stored from a `UnixTimeFn`.
            unsafe { core::mem::transmute::<*mut (), UnixTimeFn>(hook)() }
        };
        (secs != 0).then_some(secs)
    }

    fn fill_entropy(&self, buf: &mut [u8]) -> bool {
        let hook = ENTROPY.load(Ordering::Acquire);
        if hook.is_null() {
            return default_entropy(buf);
        }
        // SAFETY: a non-null value in this slot was stored from an `EntropyFn`; `buf` is
        // valid for `buf.len()` writable bytes.
        unsafe { core::mem::transmute::<*mut (), EntropyFn>(hook)(buf.as_mut_ptr(), buf.len()) == 0 }
    }
}

#[cfg(feature = "posix")]
use super::posix::{entropy as default_entropy, unix_time as default_unix_time};

#[cfg(not(feature = "posix"))]
fn default_unix_time() -> u64 {
    0
}

#[cfg(not(feature = "posix"))]
fn default_entropy(_buf: &mut [u8]) -> bool {
    false
}
