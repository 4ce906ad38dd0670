//! The hook to the topic alias table operations (feature `mqtt5`): empty until the first
//! table with memory is made, so that a client never given tables does not link them.

use super::alias::Ops;
use core::sync::atomic::{AtomicPtr, Ordering};

/// Null, or the table operations once a table was made.
static INSTALLED: AtomicPtr<Ops> = AtomicPtr::new(core::ptr::null_mut());

/// Sets the hook to `ops` (the same static every time).
pub(super) fn install(ops: &'static Ops) {
    // Through `black_box`: told that one static is the only value ever stored, the
    // optimiser would call its functions directly on every path and link them all.
    INSTALLED.store(core::hint::black_box((ops as *const Ops).cast_mut()), Ordering::Relaxed);
}

/// The table operations, once a table with memory may exist.
pub(super) fn installed() -> Option<&'static Ops> {
    // SAFETY: INSTALLED is null or was set from a `&'static Ops` by `install`; only read.
    unsafe { INSTALLED.load(Ordering::Relaxed).as_ref() }
}
