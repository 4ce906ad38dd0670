//! The heap of the TLS build: a global allocator over the C alloc/free hooks.
//!
//! The staticlib installs `CountingAlloc<HookAlloc>` as its global allocator; the `std`
//! host build keeps the system allocator (tests may install either type themselves).

use core::alloc::{GlobalAlloc, Layout};
use core::mem::size_of;
use core::ptr::null_mut;
use core::sync::atomic::{AtomicUsize, Ordering};

use super::hooks::{self, AllocFn, FreeFn};

/// Alignment that an alloc hook (like `malloc`) must provide; larger ones are made here.
pub(super) const MALLOC_ALIGN: usize = 2 * size_of::<usize>();

/// Size of the slot below an over-aligned block that records the hook's block.
const SLOT: usize = size_of::<*mut u8>();

static LIVE_BLOCKS: AtomicUsize = AtomicUsize::new(0);

#[cfg(all(feature = "tls", not(feature = "std")))]
#[global_allocator]
static GLOBAL: super::heap_stats::CountingAlloc<HookAlloc> = super::heap_stats::CountingAlloc::new(HookAlloc);

/// Number of blocks [`HookAlloc`] handed out and not yet released.
pub(super) fn live_blocks() -> usize {
    LIVE_BLOCKS.load(Ordering::Acquire)
}

/// Allocator forwarding to the registered alloc/free hooks, or to the POSIX default.
/// Without either, every allocation fails.
#[derive(Clone, Copy, Debug, Default)]
pub struct HookAlloc;

// SAFETY: blocks come from the hook (or libc) with the layout's size and alignment, and go
// back to the allocator that made them: the hooks cannot change while blocks are live.
unsafe impl GlobalAlloc for HookAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller upholds this function's `# Safety` contract.
        unsafe {
            let block = match hooks::alloc_hooks() {
                Some((alloc, _)) => hook_alloc(alloc, layout),
                None => default_alloc(layout),
            };
            if !block.is_null() {
                LIVE_BLOCKS.fetch_add(1, Ordering::AcqRel);
            }
            block
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller upholds this function's `# Safety` contract.
        unsafe {
            match hooks::alloc_hooks() {
                Some((_, free)) => hook_free(free, ptr, layout),
                None => default_free(ptr),
            }
            LIVE_BLOCKS.fetch_sub(1, Ordering::AcqRel);
        }
    }
}

/// Allocates through a malloc-style hook; for alignments above [`MALLOC_ALIGN`] it asks for
/// `size + align + SLOT` bytes, aligns inside, and records the hook's pointer just below.
///
/// # Safety
/// `alloc` is malloc-like (see [`AllocFn`]).
unsafe fn hook_alloc(alloc: AllocFn, layout: Layout) -> *mut u8 {
    // SAFETY: the caller upholds this function's `# Safety` contract.
    unsafe {
        let align = layout.align();
        if align <= MALLOC_ALIGN {
            return alloc(layout.size()).cast();
        }
        let Some(total) = layout.size().checked_add(align + SLOT) else {
            return null_mut();
        };
        let raw: *mut u8 = alloc(total).cast();
        if raw.is_null() {
            return raw;
        }
        let pad = (raw as usize + SLOT).wrapping_neg() & (align - 1);
        let user = raw.add(SLOT + pad);
        user.cast::<*mut u8>().sub(1).write(raw);
        user
    }
}

/// Releases a block from [`hook_alloc`] made with the same layout.
///
/// # Safety
/// `ptr` came from [`hook_alloc`] with `layout` and the matching `alloc` of `free`.
unsafe fn hook_free(free: FreeFn, ptr: *mut u8, layout: Layout) {
    // SAFETY: the caller upholds this function's `# Safety` contract.
    unsafe {
        let raw = match layout.align() <= MALLOC_ALIGN {
            true => ptr,
            false => ptr.cast::<*mut u8>().sub(1).read(),
        };
        free(raw.cast());
    }
}

#[cfg(feature = "posix")]
use super::posix::{alloc as default_alloc, free as default_free};

#[cfg(not(feature = "posix"))]
unsafe fn default_alloc(_layout: Layout) -> *mut u8 {
    null_mut()
}

#[cfg(not(feature = "posix"))]
unsafe fn default_free(_ptr: *mut u8) {}

#[cfg(test)]
mod tests {
    use super::*;

    extern "C" fn test_malloc(size: usize) -> *mut core::ffi::c_void {
        extern "C" {
            fn malloc(size: usize) -> *mut core::ffi::c_void;
        }
        // SAFETY: plain libc malloc.
        unsafe { malloc(size) }
    }

    extern "C" fn test_free(ptr: *mut core::ffi::c_void) {
        extern "C" {
            fn free(ptr: *mut core::ffi::c_void);
        }
        // SAFETY: `ptr` came from `test_malloc`.
        unsafe { free(ptr) }
    }

    #[test]
    fn hook_blocks_honour_any_alignment() {
        for align in [1, 8, 16, 32, 64, 4096] {
            let layout = Layout::from_size_align(100, align).unwrap();
            // SAFETY: the block is written within its size and freed with the same layout.
            unsafe {
                let block = hook_alloc(test_malloc, layout);
                assert!(!block.is_null());
                assert_eq!(block as usize % align, 0);
                block.write_bytes(0xa5, 100);
                hook_free(test_free, block, layout);
            }
        }
    }
}
