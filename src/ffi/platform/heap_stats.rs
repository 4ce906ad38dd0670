//! Heap accounting: current and peak bytes held through a [`CountingAlloc`].
//!
//! The staticlib's global allocator is a `CountingAlloc`, so these figures cover every
//! heap block of the library. A `std` test binary sees them only if it installs a
//! `CountingAlloc` as its own global allocator.

use core::alloc::{GlobalAlloc, Layout};
use core::sync::atomic::{AtomicUsize, Ordering};

use crate::ffi::tls::mqtt_rs_heap_stats;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

/// Reads the heap accounting, in bytes requested (allocator overhead excluded).
pub fn heap_stats() -> mqtt_rs_heap_stats {
    mqtt_rs_heap_stats { current: CURRENT.load(Ordering::Acquire), peak: PEAK.load(Ordering::Acquire) }
}

/// Restarts peak tracking from the current figure (e.g. just before a handshake).
pub fn reset_peak() {
    PEAK.store(CURRENT.load(Ordering::Acquire), Ordering::Release);
}

/// Wraps an allocator and counts the bytes it holds.
#[derive(Debug, Default)]
pub struct CountingAlloc<A>(A);

impl<A> CountingAlloc<A> {
    /// Counts the blocks of `inner`.
    pub const fn new(inner: A) -> Self {
        Self(inner)
    }
}

fn grow(bytes: usize) {
    let now = CURRENT.fetch_add(bytes, Ordering::AcqRel).saturating_add(bytes);
    PEAK.fetch_max(now, Ordering::AcqRel);
}

fn shrink(bytes: usize) {
    CURRENT.fetch_sub(bytes, Ordering::AcqRel);
}

// SAFETY: every call is forwarded unchanged to the wrapped allocator.
unsafe impl<A: GlobalAlloc> GlobalAlloc for CountingAlloc<A> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller upholds this function's `# Safety` contract.
        unsafe {
            let block = self.0.alloc(layout);
            if !block.is_null() {
                grow(layout.size());
            }
            block
        }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller upholds this function's `# Safety` contract.
        unsafe {
            let block = self.0.alloc_zeroed(layout);
            if !block.is_null() {
                grow(layout.size());
            }
            block
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller upholds this function's `# Safety` contract.
        unsafe {
            self.0.dealloc(ptr, layout);
            shrink(layout.size());
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller upholds this function's `# Safety` contract.
        unsafe {
            let block = self.0.realloc(ptr, layout, new_size);
            if !block.is_null() {
                grow(new_size);
                shrink(layout.size());
            }
            block
        }
    }
}
