//! Outgoing MQTT 5.0 properties read from a C struct (feature `mqtt5`): the fields the
//! caller set, listed once in identifier order, and the caller's user properties.
//!
//! A short list of the set fields rather than the codec's `PropertyFields`, whose
//! encoder-side lookup walks every identifier: the C calls know their few fields.

use super::check::try_str;
use super::v5::mqtt_rs_user_property;
use crate::codec::v5::property::{id, Property, PropertySource, Value};

/// The most fixed properties one C struct has (the will's and CONNECT's: six).
const MAX_FIXED: usize = 6;

/// Properties from a C struct: the fixed ones set and a checked C list of user properties.
#[derive(Clone, Copy)]
pub(super) struct PropertyList<'a> {
    fixed: [Property<'a>; MAX_FIXED],
    len: usize,
    users: *const mqtt_rs_user_property,
    count: usize,
}

impl<'a> PropertyList<'a> {
    /// No fixed properties; the `count` user properties at `users`, which
    /// [`check_users`](super::v5::check_users) accepted.
    pub(super) fn new(users: *const mqtt_rs_user_property, count: usize) -> Self {
        let unused = Property { id: 0, value: Value::Byte(0) };
        PropertyList { fixed: [unused; MAX_FIXED], len: 0, users, count }
    }

    /// Lists the `count` user properties at `users` (checked as for [`PropertyList::new`])
    /// instead of those it had: a list filled in place, not built and copied.
    pub(super) fn set_users(&mut self, users: *const mqtt_rs_user_property, count: usize) {
        (self.users, self.count) = (users, count);
    }

    /// Adds property `id` when `value` is set (callers add them in identifier order).
    #[inline(never)]
    pub(super) fn add(&mut self, id: u8, value: Option<Value<'a>>) {
        if let (Some(value), Some(slot)) = (value, self.fixed.get_mut(self.len)) {
            *slot = Property { id, value };
            self.len += 1;
        }
    }

    /// The property at `index`: user properties first, then the fixed ones (MQTT 5.0
    /// leaves the order free).
    pub(super) fn nth(&self, index: usize) -> Option<Property<'a>> {
        match index.checked_sub(self.count) {
            None => user(self.users, index),
            Some(rest) => self.fixed.get(..self.len)?.get(rest).copied(),
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
