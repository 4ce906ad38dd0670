//! MQTT 5.0 topic aliases and will properties in the C API (feature `mqtt5`): the alias
//! tables a client is given once, and the will properties of `mqtt_rs_connect_properties`.

#![allow(non_camel_case_types)]

use super::check::*;
use super::handle::drive;
use super::property_list::{at, CProperties, Field, PropertyList};
use super::result::mqtt_rs_result::{self, *};
use super::types::mqtt_rs_client;
use super::v5::mqtt_rs_user_property;
use crate::codec::v5::property::id;
use crate::engine;
use core::ffi::c_char;
use core::mem::offset_of;

/// Gives an MQTT 5.0 client two topic alias tables in caller memory, used from the next
/// connect on, on every connection made with `protocol_version` 5. The memory must stay
/// valid, and be used by nothing else, as long as the client (as its buffers).
///
/// Each table is cut into slots of `slot_size` bytes; a slot holds one topic of up to
/// `slot_size - 2` bytes (the length comes first). Fixed slots, not one
/// shared arena: an alias is found at once, a reassigned alias overwrites only its own
/// slot, and the memory needed is known at build time.
///
/// - `outgoing`: the library assigns aliases to the topics this client publishes, at most
///   as many as the broker's Topic Alias Maximum (CONNACK) allows and as slots there are,
///   never reassigned within a connection. The first PUBLISH of a topic carries the topic
///   and its alias, later ones an empty topic and the alias. A resend after reconnect
///   carries its topic. Topics longer than a slot are sent without alias.
/// - `incoming`: the number of slots is announced in CONNECT as this client's Topic Alias
///   Maximum; aliases the broker sets are stored here and `on_message` always sees the
///   full topic. An alias of 0, above that maximum or never set ends the connection with
///   `MQTT_RS_TOPIC_ALIAS_INVALID` (DISCONNECT 0x94 is sent first); a topic longer than a
///   slot with `MQTT_RS_TOPIC_ALIAS_TOO_LONG`.
///
/// Both tables are emptied on every new connection. A NULL table (or length 0) turns its
/// direction off. Call while not connected.
///
/// @param client An initialised client, not connected.
/// @param outgoing Memory for the aliases this client assigns; may be NULL.
/// @param outgoing_len Bytes of `outgoing`.
/// @param incoming Memory for the aliases the broker assigns; may be NULL.
/// @param incoming_len Bytes of `incoming`.
/// @param slot_size Bytes of one slot (3 or more; 2 plus the longest topic).
/// @return `MQTT_RS_OK`; `MQTT_RS_WRONG_STATE` while connected or connecting;
///         `MQTT_RS_INVALID_ARGUMENT` for a slot size below 3 or above 65,535;
///         `MQTT_RS_NULL_ARGUMENT` for a NULL table with a length.
///
/// @code{.c}
/// static uint8_t aliases_out[8 * 66], aliases_in[8 * 66];  // 8 topics of up to 64 bytes each way
/// mqtt_rs_client_use_topic_aliases(&client, aliases_out, sizeof aliases_out,
///                                  aliases_in, sizeof aliases_in, 66);
/// opt.protocol_version = 5;
/// mqtt_rs_client_connect(&client, &opt, 5000, NULL);  // announces Topic Alias Maximum 8
/// @endcode
///
/// # Safety
///
/// `client` is NULL or initialised client storage; `outgoing` and `incoming` are NULL or
/// valid for reads and writes of their lengths for as long as the client is used.
#[no_mangle]
pub unsafe extern "C" fn mqtt_rs_client_use_topic_aliases(
    client: *mut mqtt_rs_client,
    outgoing: *mut u8,
    outgoing_len: usize,
    incoming: *mut u8,
    incoming_len: usize,
    slot_size: usize,
) -> mqtt_rs_result {
    if !(3..=usize::from(u16::MAX)).contains(&slot_size) {
        return MQTT_RS_INVALID_ARGUMENT;
    }
    // SAFETY: `client` is NULL or client storage; the tables are NULL or valid for the
    // client's lifetime and unaliased (this function's contract).
    let outcome = unsafe {
        drive(client, |d| -> Result<(), mqtt_rs_result> {
            let outgoing = try_slice_mut(outgoing, outgoing_len)?;
            let incoming = try_slice_mut(incoming, incoming_len)?;
            if d.session().is_open() {
                return Err(MQTT_RS_WRONG_STATE);
            }
            d.use_topic_aliases(outgoing, incoming, slot_size).map_err(|_: engine::Error| MQTT_RS_WRONG_STATE)
        })
    };
    outcome.err().unwrap_or(MQTT_RS_OK)
}

/// MQTT 5.0 will properties (`mqtt_rs_connect_properties.will_properties`), sent in
/// CONNECT with the will of `mqtt_rs_connect_options.will`. Fill with
/// `mqtt_rs_will_properties_init()` first; zero fields are not sent. Read during the
/// connect call only.
#[repr(C)]
pub struct mqtt_rs_will_properties {
    /// Will Delay Interval in seconds: the broker publishes the will this long after the
    /// connection is lost (sooner if the session ends first), and not at all if the
    /// client reconnects to the same session in time (0: at once).
    pub will_delay_s: u32,
    /// Message Expiry Interval of the will message in seconds (0: not sent).
    pub message_expiry_s: u32,
    /// Payload Format Indicator: the will payload is UTF-8 (default false: not sent).
    pub payload_utf8: bool,
    /// Content Type, NUL-terminated UTF-8, or NULL.
    pub content_type: *const c_char,
    /// Response Topic, NUL-terminated topic name, or NULL.
    pub response_topic: *const c_char,
    /// Correlation Data, or NULL.
    pub correlation_data: *const u8,
    /// Length of `correlation_data`.
    pub correlation_data_len: usize,
    /// User properties, or NULL.
    pub user_properties: *const mqtt_rs_user_property,
    /// Number of `user_properties`.
    pub user_property_count: usize,
}

/// Fills `properties` with defaults: no will property sent. Does nothing if NULL.
///
/// @param properties The properties to fill; may be NULL.
///
/// @code{.c}
/// mqtt_rs_will will = { "devices/7/status", (const uint8_t *)"offline", 7, 1, true };
/// mqtt_rs_will_properties wp;
/// mqtt_rs_will_properties_init(&wp);
/// wp.will_delay_s = 30;            // no will if the session resumes within 30 s
/// wp.content_type = "text/plain";
/// mqtt_rs_connect_properties cp;
/// mqtt_rs_connect_properties_init(&cp);
/// cp.session_expiry_s = 300;       // the session must outlive the delay
/// cp.will_properties = &wp;
/// opt.protocol_version = 5; opt.will = &will; opt.properties = &cp;
/// @endcode
///
/// # Safety
///
/// `properties` is NULL or valid for writes.
#[no_mangle]
pub unsafe extern "C" fn mqtt_rs_will_properties_init(properties: *mut mqtt_rs_will_properties) {
    // SAFETY: `properties` is NULL or valid for writes (this function's contract).
    if let Some(p) = unsafe { opt_mut(properties) } {
        *p = mqtt_rs_will_properties {
            will_delay_s: 0,
            message_expiry_s: 0,
            payload_utf8: false,
            content_type: core::ptr::null(),
            response_topic: core::ptr::null(),
            correlation_data: core::ptr::null(),
            correlation_data_len: 0,
            user_properties: core::ptr::null(),
            user_property_count: 0,
        };
    }
}

// SAFETY: the offsets are of the fields of the types their kinds say.
unsafe impl CProperties for mqtt_rs_will_properties {
    const FIELDS: &'static [(u8, Field)] = &[
        (id::PAYLOAD_FORMAT_INDICATOR, Field::IfTrue(at(offset_of!(Self, payload_utf8)))),
        (id::MESSAGE_EXPIRY_INTERVAL, Field::FourByte(at(offset_of!(Self, message_expiry_s)))),
        (id::CONTENT_TYPE, Field::Utf8(at(offset_of!(Self, content_type)))),
        (id::RESPONSE_TOPIC, Field::Utf8(at(offset_of!(Self, response_topic)))),
        (id::CORRELATION_DATA, Field::Binary(at(offset_of!(Self, correlation_data)), at(offset_of!(Self, correlation_data_len)))),
        (id::WILL_DELAY_INTERVAL, Field::FourByte(at(offset_of!(Self, will_delay_s)))),
    ];
    fn users(&self) -> (*const mqtt_rs_user_property, usize) {
        (self.user_properties, self.user_property_count)
    }
}

/// The will properties of one CONNECT, read from the C struct and checked (NULL: none).
///
/// # Safety
/// `p` is NULL or valid as `mqtt_rs_will_properties` documents, during `'a`.
pub(super) unsafe fn will_properties<'a>(p: *const mqtt_rs_will_properties) -> Result<PropertyList<'a>, mqtt_rs_result> {
    // SAFETY: as this function's caller guarantees, for the struct and its pointers.
    unsafe { PropertyList::of(opt_ref(p)) }
}
