//! Hooks to optional MQTT 5.0 code (feature `mqtt5`): empty until the API that needs the
//! code first runs, so that a client that never calls it does not link it (the topic
//! alias tables, the PUBLISH encoder for properties).

use core::sync::atomic::{AtomicPtr, Ordering};

/// Null, or the operations installed.
pub(super) struct Hook<T: 'static>(AtomicPtr<T>);

impl<T: 'static> Hook<T> {
    /// An empty hook.
    pub(super) const fn new() -> Self {
        Hook(AtomicPtr::new(core::ptr::null_mut()))
    }

    /// Sets the hook to `ops` (the same static every time).
    pub(super) fn install(&self, ops: &'static T) {
        // Through `black_box`: told that one static is the only value ever stored, the
        // optimiser would call its functions directly on every path and link them all.
        self.0.store(core::hint::black_box((ops as *const T).cast_mut()), Ordering::Relaxed);
    }

    /// The operations, once installed.
    pub(super) fn installed(&self) -> Option<&'static T> {
        // SAFETY: the pointer is null or was set from a `&'static T` by `install`; only read.
        unsafe { self.0.load(Ordering::Relaxed).as_ref() }
    }
}
