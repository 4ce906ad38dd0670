//! Outgoing MQTT 5.0 properties read from a C struct (feature `mqtt5`): the fields the
//! caller set, in identifier order, and the caller's user properties.
//!
//! Each struct describes its fixed properties once in a table of field offsets and kinds
//! ([`CProperties::FIELDS`]), read by one loop when the list is checked and when the
//! packet is written: smaller than a list built field by field (one call and one value
//! per field at every call site), and nothing is copied.

use super::check::{opt_slice, opt_str, try_str};
use super::result::mqtt_rs_result;
use super::v5::{check_users, mqtt_rs_user_property};
use crate::codec::v5::property::{id, Property, PropertySource, Value};
use core::ffi::c_char;
use core::marker::PhantomData;

/// Where one fixed property is in its C struct (byte offsets, see [`at`]) and how it is
/// stored there.
#[derive(Clone, Copy)]
pub(super) enum Field {
    /// A `u32`, sent as a four-byte integer when not 0.
    FourByte(u8),
    /// A `u32` at the second offset, sent (0 too) when the `bool` at the first is true.
    FourByteIf(u8, u8),
    /// A `u16`, sent as a two-byte integer when not 0.
    TwoByte(u8),
    /// A `bool`, sent as the byte 1 when true.
    IfTrue(u8),
    /// A `bool`, sent as the byte 0 when false.
    IfFalse(u8),
    /// A `*const c_char`: a UTF-8 string sent when not NULL.
    Utf8(u8),
    /// A `*const u8` and its `usize` length: binary data sent when not NULL.
    Binary(u8, u8),
}

/// A field offset as a [`Field`] holds it (evaluated at compile time: a struct too large
/// fails the build).
pub(super) const fn at(offset: usize) -> u8 {
    assert!(offset <= u8::MAX as usize);
    offset as u8
}

/// A C struct whose outgoing properties a [`PropertyList`] reads.
///
/// # Safety
/// Every [`Field`] of `FIELDS` names a field of `Self` of the type its kind says.
pub(super) unsafe trait CProperties {
    /// The fixed properties, in identifier order: identifier and field.
    const FIELDS: &'static [(u8, Field)];
    /// The user properties: the C list and its length.
    fn users(&self) -> (*const mqtt_rs_user_property, usize);
}

/// Properties from a C struct: the fixed ones set and its C list of user properties.
#[derive(Clone, Copy)]
pub(super) struct PropertyList<'a> {
    base: *const u8,
    fields: &'static [(u8, Field)],
    users: *const mqtt_rs_user_property,
    count: usize,
    _struct: PhantomData<&'a ()>,
}

impl<'a> PropertyList<'a> {
    /// The properties of `s`, not checked: for a struct [`PropertyList::of`] accepted.
    ///
    /// # Safety
    /// The pointers of `s` are NULL or valid during `'a`, as its C contract says.
    pub(super) unsafe fn read<T: CProperties>(s: &'a T) -> Self {
        let (users, count) = s.users();
        PropertyList { base: (s as *const T).cast(), fields: T::FIELDS, users, count, _struct: PhantomData }
    }

    /// The properties of `s` (`None`: no struct, no properties), checked: its user
    /// properties, then every string UTF-8 and every pointer with a length NULL only with
    /// length 0.
    ///
    /// # Safety
    /// As [`PropertyList::read`].
    pub(super) unsafe fn of<T: CProperties>(s: Option<&'a T>) -> Result<Self, mqtt_rs_result> {
        // SAFETY: as this function's caller guarantees.
        unsafe {
            let list = match s {
                Some(s) => Self::read(s),
                None => PropertyList { base: core::ptr::null(), fields: &[], users: core::ptr::null(), count: 0, _struct: PhantomData },
            };
            list.check()?;
            Ok(list)
        }
    }

    /// The checks of [`PropertyList::of`], in one copy for every struct.
    ///
    /// # Safety
    /// As [`PropertyList::value`].
    #[inline(never)]
    unsafe fn check(&self) -> Result<(), mqtt_rs_result> {
        // SAFETY: as this function's caller guarantees.
        unsafe {
            check_users(self.users, self.count)?;
            // No struct has `usize::MAX` fields: every one is read and checked.
            self.fixed(usize::MAX)?;
        }
        Ok(())
    }

    /// The fixed property set at `rest` (counting only those set), or `None` past the
    /// last; fails at the first field that does not check. The one walk over the table
    /// that both checking and reading use.
    ///
    /// # Safety
    /// As [`PropertyList::value`].
    unsafe fn fixed(&self, mut rest: usize) -> Result<Option<Property<'a>>, mqtt_rs_result> {
        for &(id, field) in self.fields {
            // SAFETY: as this function's caller guarantees.
            if let Some(value) = unsafe { self.value(field)? } {
                if rest == 0 {
                    return Ok(Some(Property { id, value }));
                }
                rest -= 1;
            }
        }
        Ok(None)
    }

    /// The value of `field`, `None` when it is not set.
    ///
    /// # Safety
    /// `self.base` is the struct `self.fields` describes, its pointers valid during `'a`.
    unsafe fn value(&self, field: Field) -> Result<Option<Value<'a>>, mqtt_rs_result> {
        // SAFETY: each offset is of a field of the type its kind says (`CProperties`).
        unsafe {
            let at = |offset: u8| self.base.add(usize::from(offset));
            Ok(match field {
                Field::FourByte(o) => Some(at(o).cast::<u32>().read()).filter(|&v| v != 0).map(Value::FourByte),
                Field::FourByteIf(flag, o) => at(flag).cast::<bool>().read().then(|| Value::FourByte(at(o).cast::<u32>().read())),
                Field::TwoByte(o) => Some(at(o).cast::<u16>().read()).filter(|&v| v != 0).map(Value::TwoByte),
                Field::IfTrue(o) => at(o).cast::<bool>().read().then_some(Value::Byte(1)),
                Field::IfFalse(o) => (!at(o).cast::<bool>().read()).then_some(Value::Byte(0)),
                Field::Utf8(o) => opt_str(at(o).cast::<*const c_char>().read())?.map(Value::Utf8),
                Field::Binary(p, len) => opt_slice(at(p).cast::<*const u8>().read(), at(len).cast::<usize>().read())?.map(Value::Binary),
            })
        }
    }

    /// The property at `index`: user properties first, then the fixed ones set (MQTT 5.0
    /// leaves the order free).
    pub(super) fn nth(&self, index: usize) -> Option<Property<'a>> {
        match index.checked_sub(self.count) {
            None => user(self.users, index),
            // SAFETY: the list was made by `read` or `of` from its struct, valid and
            // unchanged as the C contract of the request says.
            Some(rest) => unsafe { self.fixed(rest) }.ok().flatten(),
        }
    }
}

impl PropertySource for PropertyList<'_> {
    fn property(&self, index: usize) -> Option<Property<'_>> {
        self.nth(index)
    }
}

/// The user property at `index` of a checked list (`index` below its count).
fn user<'a>(users: *const mqtt_rs_user_property, index: usize) -> Option<Property<'a>> {
    // SAFETY: the list and its strings were checked when the request was made and stay
    // valid and unchanged as the C contract of the request says; `index` is below its count.
    unsafe {
        let u = &*users.add(index);
        Some(Property { id: id::USER_PROPERTY, value: Value::Pair(try_str(u.key).ok()?, try_str(u.value).ok()?) })
    }
}
