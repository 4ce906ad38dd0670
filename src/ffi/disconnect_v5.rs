//! The client's MQTT 5.0 DISCONNECT in the C API (feature `mqtt5`): a reason code, the
//! session expiry, a reason string and user properties, from the caller's memory.

#![allow(non_camel_case_types)]

use super::check::*;
use super::handle::drive;
use super::property_list::{at, CProperties, Field, PropertyList};
use super::result::mqtt_rs_result::{self, *};
use super::types::mqtt_rs_client;
use super::v5::mqtt_rs_user_property;
use crate::codec::v5::property::id;
use crate::codec::v5::Properties;
use crate::transport::v5 as blocking;
use core::ffi::c_char;
use core::mem::offset_of;

/// Options of an MQTT 5.0 DISCONNECT. Fill with `mqtt_rs_disconnect_options_init()` first.
#[repr(C)]
pub struct mqtt_rs_disconnect_options {
    /// Reason code: 0x00 normal disconnection (default), 0x04 disconnect with will message
    /// (the broker publishes the will), 0x80 and above an error on the client's side.
    pub reason_code: u8,
    /// Send `session_expiry_s` (default false: the CONNECT's value stays).
    pub send_session_expiry: bool,
    /// New Session Expiry Interval in seconds; may not be above 0 when CONNECT set 0.
    pub session_expiry_s: u32,
    /// Reason String, NUL-terminated UTF-8, or NULL.
    pub reason_string: *const c_char,
    /// User properties, or NULL.
    pub user_properties: *const mqtt_rs_user_property,
    /// Number of `user_properties`.
    pub user_property_count: usize,
}

// SAFETY: the offsets are of the fields of the types their kinds say.
unsafe impl CProperties for mqtt_rs_disconnect_options {
    const FIELDS: &'static [(u8, Field)] = &[
        (id::SESSION_EXPIRY_INTERVAL, Field::FourByteIf(at(offset_of!(Self, send_session_expiry)), at(offset_of!(Self, session_expiry_s)))),
        (id::REASON_STRING, Field::Utf8(at(offset_of!(Self, reason_string)))),
    ];
    fn users(&self) -> (*const mqtt_rs_user_property, usize) {
        (self.user_properties, self.user_property_count)
    }
}

/// Fills `options` with defaults: reason 0x00, no properties. Does nothing if NULL.
///
/// @param options The options to fill; may be NULL.
///
/// # Safety
///
/// `options` is NULL or valid for writes.
#[no_mangle]
pub unsafe extern "C" fn mqtt_rs_disconnect_options_init(options: *mut mqtt_rs_disconnect_options) {
    // SAFETY: `options` is NULL or valid for writes (this function's contract).
    if let Some(o) = unsafe { opt_mut(options) } {
        *o = mqtt_rs_disconnect_options {
            reason_code: 0,
            send_session_expiry: false,
            session_expiry_s: 0,
            reason_string: core::ptr::null(),
            user_properties: core::ptr::null(),
            user_property_count: 0,
        };
    }
}

/// Sends an MQTT 5.0 DISCONNECT with a reason code and properties, waits until it is
/// written and closes the network, as `mqtt_rs_client_disconnect()`.
///
/// @param client A client connected with MQTT 5.0.
/// @param options Reason code and properties (fill with mqtt_rs_disconnect_options_init()).
/// @param timeout_ms Time budget for writing DISCONNECT out.
/// @return As `mqtt_rs_client_disconnect()`; `MQTT_RS_INVALID_ARGUMENT` for a reason
///         code DISCONNECT may not carry or a bad string; `MQTT_RS_WRONG_STATE` on a
///         3.1.1 connection.
///
/// @code{.c}
/// mqtt_rs_disconnect_options d;
/// mqtt_rs_disconnect_options_init(&d);
/// d.reason_code = 0x04;                       // publish my will
/// d.send_session_expiry = true; d.session_expiry_s = 0; // and drop the session
/// d.reason_string = "battery low";
/// rc = mqtt_rs_client_disconnect_v5(&client, &d, 1000);
/// @endcode
///
/// # Safety
///
/// `client` as for `mqtt_rs_client_disconnect()`; `options` and what it points to NULL or
/// valid for the call.
#[no_mangle]
pub unsafe extern "C" fn mqtt_rs_client_disconnect_v5(
    client: *mut mqtt_rs_client,
    options: *const mqtt_rs_disconnect_options,
    timeout_ms: u32,
) -> mqtt_rs_result {
    // SAFETY: as this function's contract says, for each pointer.
    let done = unsafe {
        drive(client, |d| {
            let o = try_ref(options)?;
            let source = PropertyList::of(Some(o))?;
            blocking::disconnect(d, o.reason_code, &Properties::from_source(&source), timeout_ms).map_err(mqtt_rs_result::from)
        })
    };
    done.err().unwrap_or(MQTT_RS_OK)
}
