//! Checked conversions from C pointers, one per pointer shape, in the manner of
//! rustls-ffi's `try_ref_from_ptr!` / `try_slice!`. Every `extern "C"` function turns its
//! pointer arguments into Rust references through these, so NULL is handled one way:
//!
//! - a required pointer that is NULL is `MQTT_RS_NULL_ARGUMENT`;
//! - an optional pointer (an out-parameter or an optional field) that is NULL is `None`;
//! - a pointer with a length: NULL with length 0 is the empty slice, NULL with a length
//!   above 0 is `MQTT_RS_NULL_ARGUMENT` (for an optional one: NULL with length 0 is `None`);
//! - a string must also be UTF-8, else `MQTT_RS_INVALID_ARGUMENT`.
//!
//! The lifetime `'a` of what they return is the caller's promise (the C contract of each
//! function says how long the memory must stay valid); no result is `'static`.

use super::result::mqtt_rs_result::{self, *};
use crate::codec::topic::{self, sealed::Sealed, FilterText, Name};
use core::ffi::{c_char, CStr};
use core::marker::PhantomData;

/// A required `const T *`.
///
/// # Safety
/// `p` is NULL or points to a valid `T` that is not written during `'a`.
pub(super) unsafe fn try_ref<'a, T>(p: *const T) -> Result<&'a T, mqtt_rs_result> {
    // SAFETY: the caller guarantees `p` is NULL or valid for reads during `'a`.
    unsafe { p.as_ref() }.ok_or(MQTT_RS_NULL_ARGUMENT)
}

/// An optional `const T *`: NULL is `None`.
///
/// # Safety
/// As [`try_ref`].
pub(super) unsafe fn opt_ref<'a, T>(p: *const T) -> Option<&'a T> {
    // SAFETY: the caller guarantees `p` is NULL or valid for reads during `'a`.
    unsafe { p.as_ref() }
}

/// An optional out-parameter `T *`: NULL is `None`.
///
/// # Safety
/// `p` is NULL or points to a `T` that nothing else accesses during `'a`.
pub(super) unsafe fn opt_mut<'a, T>(p: *mut T) -> Option<&'a mut T> {
    // SAFETY: the caller guarantees `p` is NULL or valid and unaliased during `'a`.
    unsafe { p.as_mut() }
}

/// Stores `value` through an optional out-parameter (NULL: nothing is stored).
///
/// # Safety
/// As [`opt_mut`].
pub(super) unsafe fn store<T>(p: *mut T, value: T) {
    // SAFETY: as the caller guarantees for `opt_mut`.
    if let Some(out) = unsafe { opt_mut(p) } {
        *out = value;
    }
}

/// A required array `const T *` with `len` entries (NULL with `len` 0 is empty).
///
/// # Safety
/// `p` is NULL or points to `len` valid `T`s that are not written during `'a`.
pub(super) unsafe fn try_slice<'a, T>(p: *const T, len: usize) -> Result<&'a [T], mqtt_rs_result> {
    match (p.is_null(), len) {
        (true, 0) => Ok(&[]),
        (true, _) => Err(MQTT_RS_NULL_ARGUMENT),
        // SAFETY: non-NULL, and the caller guarantees `len` valid entries during `'a`.
        (false, _) => Ok(unsafe { core::slice::from_raw_parts(p, len) }),
    }
}

/// An optional array: NULL with `len` 0 is `None`, NULL with `len` above 0 is
/// `MQTT_RS_NULL_ARGUMENT`.
///
/// # Safety
/// As [`try_slice`].
pub(super) unsafe fn opt_slice<'a, T>(p: *const T, len: usize) -> Result<Option<&'a [T]>, mqtt_rs_result> {
    match (p.is_null(), len) {
        (true, 0) => Ok(None),
        // SAFETY: as the caller guarantees for `try_slice`.
        _ => unsafe { try_slice(p, len) }.map(Some),
    }
}

/// A required writable array `T *` with `len` entries (NULL with `len` 0 is empty).
///
/// # Safety
/// `p` is NULL or points to `len` `T`s that nothing else accesses during `'a`.
pub(super) unsafe fn try_slice_mut<'a, T>(p: *mut T, len: usize) -> Result<&'a mut [T], mqtt_rs_result> {
    match (p.is_null(), len) {
        (true, 0) => Ok(&mut []),
        (true, _) => Err(MQTT_RS_NULL_ARGUMENT),
        // SAFETY: non-NULL, and the caller guarantees `len` unaliased entries during `'a`.
        (false, _) => Ok(unsafe { core::slice::from_raw_parts_mut(p, len) }),
    }
}

/// A required list `const T *` of `count` entries, 1 to 65,535 (what an MQTT packet can
/// carry): NULL is `MQTT_RS_NULL_ARGUMENT`, a count out of range `MQTT_RS_INVALID_ARGUMENT`.
///
/// # Safety
/// As [`try_slice`].
pub(super) unsafe fn try_list<'a, T>(p: *const T, count: usize) -> Result<&'a [T], mqtt_rs_result> {
    if p.is_null() {
        return Err(MQTT_RS_NULL_ARGUMENT);
    }
    if count == 0 || count > usize::from(u16::MAX) {
        return Err(MQTT_RS_INVALID_ARGUMENT);
    }
    // SAFETY: non-NULL, and the caller guarantees `count` valid entries during `'a`.
    Ok(unsafe { core::slice::from_raw_parts(p, count) })
}

/// A required NUL-terminated UTF-8 string.
///
/// # Safety
/// `p` is NULL or points to a NUL-terminated string that is not written during `'a`.
///
/// Never inlined: the callers that LLVM inlined it into (the connect options' user name)
/// each held a second copy of its length scan and UTF-8 call (measured on Cortex-M4).
#[inline(never)]
pub(super) unsafe fn try_str<'a>(p: *const c_char) -> Result<&'a str, mqtt_rs_result> {
    if p.is_null() {
        return Err(MQTT_RS_NULL_ARGUMENT);
    }
    // SAFETY: non-NULL, and the caller guarantees a NUL-terminated string during `'a`.
    let bytes = unsafe { CStr::from_ptr(p) }.to_bytes();
    // MQTT's own UTF-8 check (smaller than `CStr::to_str`, and the one the codec uses).
    crate::codec::utf8::check(bytes).map_err(|_| MQTT_RS_INVALID_ARGUMENT)
}

/// A required NUL-terminated UTF-8 string for a PUBLISH topic: the valid name already when
/// plain ASCII without wildcards finds it so in the same pass as its UTF-8 check, else the
/// text (anything else has the checks of [`try_str`]; the caller checks it as a name with
/// [`Name::new`] after its other arguments, in the order of the results).
///
/// # Safety
/// As [`try_str`].
pub(super) unsafe fn try_topic<'a>(p: *const c_char) -> Result<Result<Name<'a>, &'a str>, mqtt_rs_result> {
    if p.is_null() {
        return Err(MQTT_RS_NULL_ARGUMENT);
    }
    // SAFETY: non-NULL, and the caller guarantees a NUL-terminated string during `'a`.
    let topic = unsafe { CStr::from_ptr(p) };
    if let Some(name) = Name::ascii(topic) {
        return Ok(Ok(name));
    }
    match crate::codec::utf8::check(topic.to_bytes()) {
        Ok(topic) => Ok(Err(topic)),
        Err(_) => Err(MQTT_RS_INVALID_ARGUMENT),
    }
}

/// An optional NUL-terminated UTF-8 string: NULL is `None`.
///
/// # Safety
/// As [`try_str`].
pub(super) unsafe fn opt_str<'a>(p: *const c_char) -> Result<Option<&'a str>, mqtt_rs_result> {
    match p.is_null() {
        true => Ok(None),
        // SAFETY: as the caller guarantees for `try_str`.
        false => unsafe { try_str(p) }.map(Some),
    }
}

/// A required NUL-terminated string as a `CStr` (any bytes).
///
/// # Safety
/// As [`try_str`].
pub(super) unsafe fn try_cstr<'a>(p: *const c_char) -> Result<&'a CStr, mqtt_rs_result> {
    if p.is_null() {
        return Err(MQTT_RS_NULL_ARGUMENT);
    }
    // SAFETY: non-NULL, and the caller guarantees a NUL-terminated string during `'a`.
    Ok(unsafe { CStr::from_ptr(p) })
}

/// A required `T *`.
///
/// # Safety
/// As [`opt_mut`].
pub(super) unsafe fn try_mut<'a, T>(p: *mut T) -> Result<&'a mut T, mqtt_rs_result> {
    // SAFETY: as the caller guarantees for `opt_mut`.
    unsafe { opt_mut(p) }.ok_or(MQTT_RS_NULL_ARGUMENT)
}

/// A text buffer `char *` of `len` bytes for output; `None` when NULL or empty (nothing
/// can be written, not even the NUL).
///
/// # Safety
/// As [`try_slice_mut`].
pub(super) unsafe fn opt_text_buf<'a>(p: *mut c_char, len: usize) -> Option<&'a mut [u8]> {
    match (p.is_null(), len) {
        (true, _) | (_, 0) => None,
        // SAFETY: as the caller guarantees for `try_slice_mut`.
        _ => unsafe { try_slice_mut(p.cast::<u8>(), len) }.ok(),
    }
}

/// A C string that was found to be MQTT's UTF-8 (no U+0000), made only where that check
/// was made: the C subscribe and unsubscribe calls' filters. Held by its pointer: the
/// filter rules are checked in the scan that finds its end, so that the SUBSCRIBE and
/// UNSUBSCRIBE encoders' sizing loops call no `strlen` (as a `CStr`, whose length is found
/// when it is made: Cortex-M4 8 B larger, MQTT 5.0 2 B smaller).
#[derive(Clone, Copy)]
pub(super) struct Checked<'a>(*const u8, PhantomData<&'a CStr>);

impl<'a> Checked<'a> {
    /// `filter` as checked text.
    ///
    /// # Safety
    /// `filter` is a NUL-terminated string that passed [`try_str`] and is not written during `'a`.
    #[inline(always)]
    pub(super) unsafe fn new(filter: *const c_char) -> Self {
        Checked(filter.cast(), PhantomData)
    }
}

impl Sealed for Checked<'_> {}

impl<'a> FilterText<'a> for Checked<'a> {
    #[inline(always)]
    fn valid(self) -> Option<&'a [u8]> {
        // One scan for the end and the filter rules.
        let mut before = b'/';
        let mut len = 0;
        loop {
            // SAFETY: up to its NUL, the string is readable (`new`'s contract).
            let b = unsafe { *self.0.add(len) };
            if b == 0 {
                // SAFETY: `len` bytes before the NUL, readable during `'a`.
                return (len != 0).then(|| unsafe { core::slice::from_raw_parts(self.0, len) });
            }
            if !topic::fits(before, b) {
                return None;
            }
            before = b;
            len += 1;
        }
    }

    #[inline(always)]
    fn bytes(self) -> &'a [u8] {
        // SAFETY: a NUL-terminated string readable during `'a` (`new`'s contract).
        unsafe { CStr::from_ptr(self.0.cast()) }.to_bytes()
    }
}
