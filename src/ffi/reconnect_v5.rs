//! `mqtt_rs_reconnect_publish_v5()`: the supervisor's publish with MQTT 5.0 properties,
//! which stay with the flow through the offline queue, reconnections and (in the
//! persistence record) a reset.

use super::check::try_ref;
use super::reconnect::{self, mqtt_rs_reconnect};
use super::result::mqtt_rs_result::{self, *};
use super::v5::{check_publish, mqtt_rs_publish_options};
use crate::codec::v5::{encode, Properties};
use core::ffi::c_char;

/// As `mqtt_rs_reconnect_publish()`, with QoS, retain and MQTT 5.0 properties from
/// `options`. A QoS 1/2 message keeps its properties while it waits offline, on every
/// resend, and — with the persistence hooks — in its record (`properties`, encoded into
/// `persist_buf`), so that it is resent with them after a reset. On a 3.1.1 connection
/// the properties are not sent.
///
/// @param rc An initialised supervisor.
/// @param topic NUL-terminated UTF-8 topic name, no wildcards.
/// @param payload The payload bytes; may be NULL when `payload_len` is 0.
/// @param payload_len Length of `payload`.
/// @param options QoS, retain and properties (fill with mqtt_rs_publish_options_init());
///        for QoS 1/2 valid and unchanged until the flow ends.
/// @param packet_id_out Receives the packet id (0 for QoS 0); may be NULL.
/// @return As `mqtt_rs_reconnect_publish()`, and `MQTT_RS_BUFFER_TOO_SMALL` when a QoS
///         1/2 message's properties do not fit `persist_buf` of a supervisor with a store
///         (nothing queued), `MQTT_RS_NOT_CONNECTED` for QoS 0 with properties while
///         disconnected (the QoS 0 queue keeps none), the refusals of
///         `mqtt_rs_client_begin_publish_v5()` while connected.
///
/// # Safety
///
/// As `mqtt_rs_reconnect_publish()`; `options` and what it points to are NULL or valid,
/// for QoS 1/2 until the flow ends.
#[no_mangle]
pub unsafe extern "C" fn mqtt_rs_reconnect_publish_v5(
    rc: *mut mqtt_rs_reconnect,
    topic: *const c_char,
    payload: *const u8,
    payload_len: usize,
    options: *const mqtt_rs_publish_options,
    packet_id_out: *mut u16,
) -> mqtt_rs_result {
    // SAFETY: `rc` and `options` are NULL or valid (this function's contract).
    let (Ok(state), Ok(o)) = (unsafe { try_ref(rc.cast_const()) }, unsafe { try_ref(options) }) else {
        return MQTT_RS_NULL_ARGUMENT;
    };
    // SAFETY: `o` and what it points to are valid (this function's contract).
    if let Err(e) = unsafe { check_publish(o) } {
        return e;
    }
    if o.qos != 0 && !fits_store(state, o) {
        return MQTT_RS_BUFFER_TOO_SMALL;
    }
    // SAFETY: as this function's contract says; `options` was checked above.
    unsafe { reconnect::publish(rc, topic, payload, payload_len, o.qos, o.retain, packet_id_out, options) }
}

/// True when the record of a flow with these properties can be saved: no store, no
/// properties, or their encoding fits `persist_buf`.
fn fits_store(rc: &mqtt_rs_reconnect, o: &mqtt_rs_publish_options) -> bool {
    let properties = Properties::from_source(o);
    if rc.config.persist_store.is_none() || properties.is_empty() {
        return true;
    }
    // SAFETY: `persist_buf` is NULL or valid for `persist_buf_len` bytes while `rc` is
    // used (init's contract), and only the supervisor's calls write it.
    let Ok(buf) = (unsafe { super::check::try_slice_mut(rc.config.persist_buf, rc.config.persist_buf_len) }) else {
        return false;
    };
    encode::publish_properties(&properties, buf).is_ok()
}
