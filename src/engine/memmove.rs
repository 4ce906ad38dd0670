//! Offsets into the caller's buffers, and moving unread or unsent bytes to the front
//! of a buffer with the bounds checked once, so that no panic path is left (core's
//! `copy_within` keeps one).

/// Moves `buf[start..end]` to `buf[to..]` for `to <= start`; does nothing if the range
/// is out of bounds.
pub fn move_down(buf: &mut [u8], start: usize, end: usize, to: usize) {
    if to <= start && start <= end && end <= buf.len() {
        // SAFETY: both ranges lie inside `buf` (checked above); `ptr::copy` allows overlap.
        unsafe { core::ptr::copy(buf.as_ptr().add(start), buf.as_mut_ptr().add(to), end - start) }
    }
}

/// Converts an offset that is at most a buffer length (buffers are capped to `u32::MAX`).
pub fn at(offset: usize) -> u32 {
    offset as u32
}
