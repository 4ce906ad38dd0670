//! POSIX defaults for the platform hooks (feature `posix`): libc's heap, `clock_gettime`
//! and the `getrandom(2)` system call.

use core::alloc::Layout;
use core::ffi::c_void;

use super::heap::MALLOC_ALIGN;

/// `malloc`, or `posix_memalign` for alignments beyond what `malloc` guarantees.
///
/// # Safety
/// As [`GlobalAlloc::alloc`](core::alloc::GlobalAlloc::alloc).
pub(super) unsafe fn alloc(layout: Layout) -> *mut u8 {
    // SAFETY: the caller upholds this function's `# Safety` contract.
    unsafe {
        if layout.align() <= MALLOC_ALIGN {
            return libc::malloc(layout.size()).cast();
        }
        let mut block: *mut c_void = core::ptr::null_mut();
        match libc::posix_memalign(&mut block, layout.align(), layout.size()) {
            0 => block.cast(),
            _ => core::ptr::null_mut(),
        }
    }
}

/// `free` for blocks from [`alloc`].
///
/// # Safety
/// `ptr` came from [`alloc`] and is not used again.
pub(super) unsafe fn free(ptr: *mut u8) {
    // SAFETY: the caller upholds this function's `# Safety` contract.
    unsafe {
        libc::free(ptr.cast());
    }
}

/// `CLOCK_REALTIME` in whole seconds; 0 if the clock cannot be read.
pub(super) fn unix_time() -> u64 {
    let mut now = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `now` is a valid, writable timespec.
    match unsafe { libc::clock_gettime(libc::CLOCK_REALTIME, &mut now) } {
        0 => u64::try_from(now.tv_sec).unwrap_or(0),
        _ => 0,
    }
}

/// Fills `buf` from the kernel's random pool; false if the call fails.
pub(super) fn entropy(buf: &mut [u8]) -> bool {
    let mut filled = 0;
    while let Some(rest) = buf.get_mut(filled..).filter(|rest| !rest.is_empty()) {
        // SAFETY: `rest` is valid for `rest.len()` writable bytes.
        let got = unsafe { libc::getrandom(rest.as_mut_ptr().cast(), rest.len(), 0) };
        match usize::try_from(got) {
            Ok(n) if n > 0 => filled += n,
            _ => return false,
        }
    }
    true
}
