//! The MQTT 5.0 C API (feature `mqtt5`; C: define `MQTT_RS_MQTT5`, as CMake's
//! `MQTT_RS_MQTT5` option does). Connect with `protocol_version = 5`; publish with
//! properties through [`mqtt_rs_publish_options`]; read received properties (messages,
//! CONNACK) in place with the `mqtt_rs_property_*` accessors. Nothing is allocated:
//! outgoing properties are read from the caller's structs when the packet is written.

#![allow(non_camel_case_types)]

use super::alias::will_properties;
use super::check::*;
use super::client::{begun, qos};
use super::handle::{drive, queue};
use super::net::CHost;
use super::property_list::{at, CProperties, Field, PropertyList};
use super::result::mqtt_rs_result::{self, *};
use super::types::mqtt_rs_client;
use crate::codec::v5::property::{id, Property, Value};
use crate::codec::v5::{Properties, PropertySource, RetainHandling, SubscriptionOptions};
use crate::codec::QoS;
use crate::engine;
use crate::transport::client::{Error, Session};
use crate::transport::v5 as blocking;
use core::ffi::{c_char, CStr};
use core::mem::offset_of;

/// Payload Format Indicator (`mqtt_rs_property_integer`): 1 when the payload is UTF-8.
pub const MQTT_RS_PROPERTY_PAYLOAD_FORMAT: u8 = 0x01;
/// Message Expiry Interval in seconds (`mqtt_rs_property_integer`).
pub const MQTT_RS_PROPERTY_MESSAGE_EXPIRY: u8 = 0x02;
/// Content Type (`mqtt_rs_property_bytes`).
pub const MQTT_RS_PROPERTY_CONTENT_TYPE: u8 = 0x03;
/// Response Topic (`mqtt_rs_property_bytes`).
pub const MQTT_RS_PROPERTY_RESPONSE_TOPIC: u8 = 0x08;
/// Correlation Data (`mqtt_rs_property_bytes`).
pub const MQTT_RS_PROPERTY_CORRELATION_DATA: u8 = 0x09;
/// Session Expiry Interval the broker applies (CONNACK, `mqtt_rs_property_integer`).
pub const MQTT_RS_PROPERTY_SESSION_EXPIRY: u8 = 0x11;
/// Assigned Client Identifier (CONNACK, `mqtt_rs_property_bytes`).
pub const MQTT_RS_PROPERTY_ASSIGNED_CLIENT_ID: u8 = 0x12;
/// Server Keep Alive (CONNACK, `mqtt_rs_property_integer`); the client uses it already.
pub const MQTT_RS_PROPERTY_SERVER_KEEP_ALIVE: u8 = 0x13;
/// Authentication Method (CONNACK, `mqtt_rs_auth_step.properties`; `mqtt_rs_property_bytes`).
pub const MQTT_RS_PROPERTY_AUTHENTICATION_METHOD: u8 = 0x15;
/// Authentication Data (CONNACK, `mqtt_rs_auth_step.properties`; `mqtt_rs_property_bytes`).
pub const MQTT_RS_PROPERTY_AUTHENTICATION_DATA: u8 = 0x16;
/// Server Reference (CONNACK or the broker's DISCONNECT on `MQTT_RS_EVENT_CONNECTED` /
/// `MQTT_RS_EVENT_DISCONNECTED` with `MQTT_RS_USE_ANOTHER_SERVER`; `mqtt_rs_property_bytes`).
pub const MQTT_RS_PROPERTY_SERVER_REFERENCE: u8 = 0x1C;
/// Reason String (`mqtt_rs_property_bytes`).
pub const MQTT_RS_PROPERTY_REASON_STRING: u8 = 0x1F;
/// Receive Maximum (CONNACK, `mqtt_rs_property_integer`); the client honours it already.
pub const MQTT_RS_PROPERTY_RECEIVE_MAXIMUM: u8 = 0x21;
/// Maximum QoS (CONNACK, `mqtt_rs_property_integer`); the client honours it already.
pub const MQTT_RS_PROPERTY_MAXIMUM_QOS: u8 = 0x24;
/// Maximum Packet Size (CONNACK, `mqtt_rs_property_integer`); the client honours it already.
pub const MQTT_RS_PROPERTY_MAXIMUM_PACKET_SIZE: u8 = 0x27;

/// One user property: name and value, NUL-terminated UTF-8.
#[repr(C)]
pub struct mqtt_rs_user_property {
    /// Name.
    pub key: *const c_char,
    /// Value.
    pub value: *const c_char,
}

/// MQTT 5.0 CONNECT properties (`mqtt_rs_connect_options.properties`). Fill with
/// `mqtt_rs_connect_properties_init()` first; zero fields are not sent.
#[repr(C)]
pub struct mqtt_rs_connect_properties {
    /// Session Expiry Interval in seconds (0: the session ends with the connection; 0xFFFFFFFF: never).
    pub session_expiry_s: u32,
    /// Receive Maximum: QoS 1/2 messages the broker may send before this client acknowledges them (0: not sent, 65,535).
    pub receive_maximum: u16,
    /// Maximum Packet Size this client accepts (0: not sent, no limit).
    pub maximum_packet_size: u32,
    /// Ask for reason strings and user properties on failures (default true; false sends 0).
    pub request_problem_information: bool,
    /// User properties sent with CONNECT, or NULL.
    pub user_properties: *const mqtt_rs_user_property,
    /// Number of `user_properties`.
    pub user_property_count: usize,
    /// Enhanced authentication: the Authentication Method (NUL-terminated UTF-8, e.g.
    /// "SCRAM-SHA-256"), or NULL for none. It must stay valid while the connection lasts:
    /// every AUTH carries it. The broker's challenges go to the callback set with
    /// `mqtt_rs_client_set_auth_callback()`.
    pub authentication_method: *const c_char,
    /// First Authentication Data sent with CONNECT (copied), or NULL; needs a method.
    pub authentication_data: *const u8,
    /// Length of `authentication_data`.
    pub authentication_data_len: usize,
    /// Properties of the will (`mqtt_rs_connect_options.will`), or NULL.
    pub will_properties: *const super::alias::mqtt_rs_will_properties,
}

// SAFETY: the offsets are of the fields of the types their kinds say.
unsafe impl CProperties for mqtt_rs_connect_properties {
    const FIELDS: &'static [(u8, Field)] = &[
        (id::SESSION_EXPIRY_INTERVAL, Field::FourByte(at(offset_of!(Self, session_expiry_s)))),
        (id::AUTHENTICATION_METHOD, Field::Utf8(at(offset_of!(Self, authentication_method)))),
        (id::AUTHENTICATION_DATA, Field::Binary(at(offset_of!(Self, authentication_data)), at(offset_of!(Self, authentication_data_len)))),
        (id::REQUEST_PROBLEM_INFORMATION, Field::IfFalse(at(offset_of!(Self, request_problem_information)))),
        (id::RECEIVE_MAXIMUM, Field::TwoByte(at(offset_of!(Self, receive_maximum)))),
        (id::MAXIMUM_PACKET_SIZE, Field::FourByte(at(offset_of!(Self, maximum_packet_size)))),
    ];
    fn users(&self) -> (*const mqtt_rs_user_property, usize) {
        (self.user_properties, self.user_property_count)
    }
}

/// Options of one MQTT 5.0 PUBLISH. Fill with `mqtt_rs_publish_options_init()` first.
/// For QoS 1/2 the struct and what it points to must stay valid and unchanged until the
/// flow ends (as topic and payload): a resend after reconnect carries the same properties.
#[repr(C)]
pub struct mqtt_rs_publish_options {
    /// QoS 0–2 (default 0).
    pub qos: u8,
    /// Retain flag (default false).
    pub retain: bool,
    /// Payload Format Indicator: the payload is UTF-8 (default false: not sent).
    pub payload_utf8: bool,
    /// Message Expiry Interval in seconds (0: not sent, never expires).
    pub message_expiry_s: u32,
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

/// One MQTT 5.0 subscription: filter, QoS and the v5 subscription options.
#[repr(C)]
pub struct mqtt_rs_subscription_v5 {
    /// Topic filter, NUL-terminated.
    pub filter: *const c_char,
    /// Maximum QoS 0–2.
    pub qos: u8,
    /// Do not receive this client's own messages.
    pub no_local: bool,
    /// Keep the retain flag as published on forwarded messages.
    pub retain_as_published: bool,
    /// 0: send retained messages at subscribe; 1: only for a new subscription; 2: never.
    pub retain_handling: u8,
}

/// Received properties (a message's, an event's: CONNACK, every acknowledgement, the
/// broker's DISCONNECT; an AUTH step's), read with the `mqtt_rs_property_*` functions.
/// Valid only during the callback.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct mqtt_rs_properties {
    /// The property bytes as received.
    pub bytes: *const u8,
    /// Their length.
    pub len: usize,
}

impl mqtt_rs_properties {
    /// The C form of received properties.
    pub(super) fn of(properties: &Properties<'_>) -> Self {
        let wire = properties.wire();
        mqtt_rs_properties { bytes: wire.as_ptr(), len: wire.len() }
    }
}

/// Checks a C list of user properties.
///
/// # Safety
/// `users` is NULL or points to `count` entries whose strings are NULL or NUL-terminated.
pub(super) unsafe fn check_users(users: *const mqtt_rs_user_property, count: usize) -> Result<(), mqtt_rs_result> {
    // SAFETY: as this function's caller guarantees.
    unsafe {
        for u in try_slice(users, count)? {
            try_str(u.key)?;
            try_str(u.value)?;
        }
    }
    Ok(())
}

// SAFETY: the offsets are of the fields of the types their kinds say.
unsafe impl CProperties for mqtt_rs_publish_options {
    const FIELDS: &'static [(u8, Field)] = &[
        (id::PAYLOAD_FORMAT_INDICATOR, Field::IfTrue(at(offset_of!(Self, payload_utf8)))),
        (id::MESSAGE_EXPIRY_INTERVAL, Field::FourByte(at(offset_of!(Self, message_expiry_s)))),
        (id::CONTENT_TYPE, Field::Utf8(at(offset_of!(Self, content_type)))),
        (id::RESPONSE_TOPIC, Field::Utf8(at(offset_of!(Self, response_topic)))),
        (id::CORRELATION_DATA, Field::Binary(at(offset_of!(Self, correlation_data)), at(offset_of!(Self, correlation_data_len)))),
    ];
    fn users(&self) -> (*const mqtt_rs_user_property, usize) {
        (self.user_properties, self.user_property_count)
    }
}

impl PropertySource for mqtt_rs_publish_options {
    fn property(&self, index: usize) -> Option<Property<'_>> {
        // SAFETY: checked by the publish call (`check_publish`); valid and unchanged until
        // the flow ends (the C contract of the publish functions).
        unsafe { PropertyList::read(self) }.nth(index)
    }
}

/// Checks publish options and what they point to.
///
/// # Safety
/// `o` is a valid struct whose pointers are NULL or valid as documented.
pub(super) unsafe fn check_publish(o: &mqtt_rs_publish_options) -> Result<QoS, mqtt_rs_result> {
    // SAFETY: as this function's caller guarantees.
    unsafe {
        PropertyList::of(Some(o))?;
    }
    qos(o.qos)
}

/// Fills `properties` with defaults: nothing sent but what the specification defaults
/// to. Does nothing if `properties` is NULL.
///
/// @param properties The properties to fill; may be NULL.
///
/// # Safety
///
/// `properties` is NULL or valid for writes.
#[no_mangle]
pub unsafe extern "C" fn mqtt_rs_connect_properties_init(properties: *mut mqtt_rs_connect_properties) {
    // SAFETY: `properties` is NULL or valid for writes (this function's contract).
    if let Some(p) = unsafe { opt_mut(properties) } {
        *p = mqtt_rs_connect_properties {
            session_expiry_s: 0,
            receive_maximum: 0,
            maximum_packet_size: 0,
            request_problem_information: true,
            user_properties: core::ptr::null(),
            user_property_count: 0,
            authentication_method: core::ptr::null(),
            authentication_data: core::ptr::null(),
            authentication_data_len: 0,
            will_properties: core::ptr::null(),
        };
    }
}

/// Fills `options` with defaults: QoS 0, no retain, no properties. Does nothing if
/// `options` is NULL.
///
/// @param options The options to fill; may be NULL.
///
/// # Safety
///
/// `options` is NULL or valid for writes.
#[no_mangle]
pub unsafe extern "C" fn mqtt_rs_publish_options_init(options: *mut mqtt_rs_publish_options) {
    // SAFETY: `options` is NULL or valid for writes (this function's contract).
    if let Some(o) = unsafe { opt_mut(options) } {
        *o = mqtt_rs_publish_options {
            qos: 0,
            retain: false,
            payload_utf8: false,
            message_expiry_s: 0,
            content_type: core::ptr::null(),
            response_topic: core::ptr::null(),
            correlation_data: core::ptr::null(),
            correlation_data_len: 0,
            user_properties: core::ptr::null(),
            user_property_count: 0,
        };
    }
}

/// Queues an MQTT 5.0 CONNECT from the checked fields `c` (version 5) and `properties`,
/// or with `c.version` 3.1.1 a 3.1.1 CONNECT (`properties` not read).
///
/// # Safety
/// `properties` is NULL or valid as `mqtt_rs_connect_options` documents.
pub(super) unsafe fn begin_connect<'c>(
    session: &mut Session<'c, super::net::Net>,
    host: CHost,
    port: u16,
    c: &crate::codec::encode::ConnectFields<'_, '_>,
    properties: *const mqtt_rs_connect_properties,
    window: u16,
) -> Result<(), mqtt_rs_result> {
    let v5 = c.version == crate::codec::ProtocolVersion::V5;
    // SAFETY: `properties` is NULL or valid (this function's contract).
    let p = unsafe { opt_ref(properties) }.filter(|_| v5);
    // SAFETY: as above, for the struct's pointers.
    let source = unsafe { PropertyList::of(p)? };
    // SAFETY: the will properties are NULL or valid (this function's contract).
    let will_source = unsafe { will_properties(p.map_or(core::ptr::null(), |p| p.will_properties))? };
    let mut method: Option<&'c str> = None;
    if let Some(p) = p {
        let m = p.authentication_method;
        if !p.authentication_data.is_null() && m.is_null() {
            return Err(MQTT_RS_INVALID_ARGUMENT);
        }
        // SAFETY: a string of the list checked above (NUL-terminated UTF-8), so not
        // checked twice; it stays valid while connected (the field's contract).
        method = (!m.is_null()).then(|| unsafe { core::str::from_utf8_unchecked(CStr::from_ptr(m).to_bytes()) });
    }
    let (properties, will_properties) = (Properties::from_source(&source), Properties::from_source(&will_source));
    session.begin_connect_parts(host, port, c, v5.then_some((&properties, &will_properties)), method, window).map_err(Into::into)
}

/// Publishes with MQTT 5.0 properties and waits until the QoS flow completes, as
/// `mqtt_rs_client_publish()`. Only on a connection made with `protocol_version` 5.
///
/// @param client A client connected with MQTT 5.0.
/// @param topic NUL-terminated UTF-8 topic name, no wildcards.
/// @param payload The payload bytes; may be NULL when `payload_len` is 0.
/// @param payload_len Length of `payload`.
/// @param options QoS, retain and properties (fill with mqtt_rs_publish_options_init()).
/// @param timeout_ms Time budget for the whole call.
/// @return As `mqtt_rs_client_publish()`, and `MQTT_RS_QOS_NOT_SUPPORTED`,
///         `MQTT_RS_RETAIN_NOT_SUPPORTED`, `MQTT_RS_PACKET_TOO_LARGE_FOR_BROKER` (refused
///         locally by the broker's CONNACK limits), `MQTT_RS_REJECTED_BY_BROKER` (PUBACK or
///         PUBREC with a reason code of 0x80 or above), `MQTT_RS_WRONG_STATE` on a 3.1.1
///         connection.
///
/// @code{.c}
/// mqtt_rs_user_property users[] = { {"unit", "celsius"} };
/// mqtt_rs_publish_options po;
/// mqtt_rs_publish_options_init(&po);
/// po.qos = 1; po.message_expiry_s = 60; po.user_properties = users; po.user_property_count = 1;
/// rc = mqtt_rs_client_publish_v5(&client, "sensors/1/temp", (const uint8_t *)"21.5", 4, &po, 5000);
/// @endcode
///
/// # Safety
///
/// `client` is NULL or points to `mqtt_rs_client` storage that stays at its address and is
/// used by no other thread without the configured lock. `topic`, `payload`, `options` and
/// what `options` points to: NULL or valid, and for QoS 1/2 unchanged until the flow ends.
#[no_mangle]
pub unsafe extern "C" fn mqtt_rs_client_publish_v5(
    client: *mut mqtt_rs_client,
    topic: *const c_char,
    payload: *const u8,
    payload_len: usize,
    options: *const mqtt_rs_publish_options,
    timeout_ms: u32,
) -> mqtt_rs_result {
    // SAFETY: `client` is NULL or client storage; the other pointers NULL or valid until
    // the flow ends, as this function's contract says.
    let published = unsafe {
        drive(client, |d| {
            let (topic, payload, o) = (try_str(topic)?, try_slice(payload, payload_len)?, try_ref(options)?);
            let qos = check_publish(o)?;
            blocking::publish(d, topic, payload, qos, o.retain, o, timeout_ms).map_err(Into::into)
        })
    };
    published.err().unwrap_or(MQTT_RS_OK)
}

/// Queues an MQTT 5.0 PUBLISH without blocking, as `mqtt_rs_client_begin_publish()`;
/// the `MQTT_RS_EVENT_PUBLISH_DONE` event carries the broker's reason code.
///
/// @param client A client connected with MQTT 5.0.
/// @param topic NUL-terminated UTF-8 topic name, no wildcards.
/// @param payload The payload bytes; may be NULL when `payload_len` is 0.
/// @param payload_len Length of `payload`.
/// @param options QoS, retain and properties; valid until the flow ends.
/// @param packet_id_out Receives the packet id (0 for QoS 0); may be NULL.
/// @return As `mqtt_rs_client_begin_publish()`, and the local refusals of
///         `mqtt_rs_client_publish_v5()`.
///
/// # Safety
///
/// As `mqtt_rs_client_publish_v5()`; `packet_id_out` is NULL or valid for writes.
#[no_mangle]
pub unsafe extern "C" fn mqtt_rs_client_begin_publish_v5(
    client: *mut mqtt_rs_client,
    topic: *const c_char,
    payload: *const u8,
    payload_len: usize,
    options: *const mqtt_rs_publish_options,
    packet_id_out: *mut u16,
) -> mqtt_rs_result {
    // SAFETY: as this function's contract says, for each pointer.
    let queued = unsafe {
        queue(client, |session| {
            let (topic, payload, o) = (try_str(topic)?, try_slice(payload, payload_len)?, try_ref(options)?);
            let qos = check_publish(o)?;
            match session.publish_v5(topic, payload, qos, o.retain, o) {
                Err(Error::Engine(engine::Error::WindowFull | engine::Error::OutboxFull)) => Err(MQTT_RS_BUSY),
                queued => queued.map(|id| (id, qos)).map_err(Into::into),
            }
        })
    };
    // SAFETY: `packet_id_out` is NULL or valid for writes (this function's contract).
    unsafe { begun(queued, packet_id_out) }
}

/// The options of one checked C subscription.
fn options(s: &mqtt_rs_subscription_v5) -> Result<SubscriptionOptions, mqtt_rs_result> {
    let retain_handling = match s.retain_handling {
        0 => RetainHandling::SendAtSubscribe,
        1 => RetainHandling::SendIfNew,
        2 => RetainHandling::DoNotSend,
        _ => return Err(MQTT_RS_INVALID_ARGUMENT),
    };
    Ok(SubscriptionOptions { qos: qos(s.qos)?, no_local: s.no_local, retain_as_published: s.retain_as_published, retain_handling })
}

/// Subscribes with MQTT 5.0 options and waits for SUBACK, as `mqtt_rs_client_subscribe()`.
///
/// @param client A client connected with MQTT 5.0.
/// @param subs `count` filters with their QoS and options.
/// @param count Number of entries in `subs` (1 to 65,535).
/// @param subscription_id Subscription Identifier (1 to 268,435,455) the broker puts on
///        the messages this subscription matches; 0 sends none.
/// @param reason_codes Receives `count` reason codes (0–2 granted QoS, 0x80 and above
///        refused); may be NULL.
/// @param timeout_ms Time budget for the whole call.
/// @return As `mqtt_rs_client_subscribe()` (`MQTT_RS_SUBSCRIBE_FAILED` if any code is 0x80 or above).
///
/// # Safety
///
/// `client` as for `mqtt_rs_client_subscribe()`; `subs` NULL or `count` valid entries;
/// `reason_codes` NULL or `count` writable bytes.
#[no_mangle]
pub unsafe extern "C" fn mqtt_rs_client_subscribe_v5(
    client: *mut mqtt_rs_client,
    subs: *const mqtt_rs_subscription_v5,
    count: usize,
    subscription_id: u32,
    reason_codes: *mut u8,
    timeout_ms: u32,
) -> mqtt_rs_result {
    // SAFETY: as this function's contract says, for each pointer.
    let subscribed = unsafe {
        drive(client, |d| {
            let list = try_list(subs, count)?;
            for s in list {
                try_str(s.filter)?;
                options(s)?;
            }
            // SAFETY: every filter was checked to be a NUL-terminated UTF-8 string.
            let filters = list.iter().map(|s| (Checked::new(s.filter), options(s).unwrap_or(SubscriptionOptions::qos(QoS::AtMostOnce))));
            let granted = try_slice_mut(reason_codes, if reason_codes.is_null() { 0 } else { count })?;
            let id = (subscription_id != 0).then_some(subscription_id);
            blocking::subscribe(d, filters, id, granted, timeout_ms).map_err(Into::into)
        })
    };
    subscribed.err().unwrap_or(MQTT_RS_OK)
}

/// The received properties `properties` points to.
///
/// # Safety
/// `properties` is NULL or a `mqtt_rs_properties` of the current callback.
unsafe fn received<'a>(properties: *const mqtt_rs_properties) -> Option<Properties<'a>> {
    // SAFETY: as this function's caller guarantees.
    unsafe {
        let p = opt_ref(properties)?;
        Some(Properties::from_wire(try_slice(p.bytes, p.len).ok()?))
    }
}

/// Reads an integer property (byte, two- or four-byte integer, or variable byte integer)
/// of received properties, e.g. `MQTT_RS_PROPERTY_MESSAGE_EXPIRY`.
///
/// @param properties A message's or event's properties, inside its callback.
/// @param id Property identifier (`MQTT_RS_PROPERTY_*`, or any MQTT 5.0 identifier).
/// @param value Receives the value; may be NULL.
/// @return true when the property is present.
///
/// # Safety
///
/// `properties` is NULL or the `properties` of the message or event of the current
/// callback; `value` NULL or valid for writes.
#[no_mangle]
pub unsafe extern "C" fn mqtt_rs_property_integer(properties: *const mqtt_rs_properties, id: u8, value: *mut u32) -> bool {
    // SAFETY: as this function's contract says.
    let Some(found) = (unsafe { received(properties) }).and_then(|p| match p.get(id)? {
        Value::Byte(v) => Some(u32::from(v)),
        _ => p.integer(id),
    }) else {
        return false;
    };
    // SAFETY: `value` is NULL or valid for writes (this function's contract).
    unsafe { store(value, found) };
    true
}

/// Reads a string or binary property of received properties (content type, response
/// topic, correlation data, assigned client identifier, reason string, ...). The bytes
/// point into the received packet: valid during the callback only, not NUL-terminated.
///
/// @param properties A message's or event's properties, inside its callback.
/// @param id Property identifier (`MQTT_RS_PROPERTY_*`).
/// @param data Receives a pointer to the bytes; may be NULL.
/// @param len Receives their length; may be NULL.
/// @return true when the property is present.
///
/// # Safety
///
/// As `mqtt_rs_property_integer()`; `data` and `len` NULL or valid for writes.
#[no_mangle]
pub unsafe extern "C" fn mqtt_rs_property_bytes(properties: *const mqtt_rs_properties, id: u8, data: *mut *const u8, len: *mut usize) -> bool {
    // SAFETY: as this function's contract says.
    let found = unsafe { received(properties) }.and_then(|p| match p.get(id)? {
        Value::Utf8(s) => Some(s.as_bytes()),
        Value::Binary(b) => Some(b),
        _ => None,
    });
    let Some(bytes) = found else { return false };
    // SAFETY: `data` and `len` are NULL or valid for writes (this function's contract).
    unsafe {
        store(data, bytes.as_ptr());
        store(len, bytes.len());
    }
    true
}

/// Reads the user property at `index` (0 first, in packet order) of received properties.
///
/// @param properties A message's or event's properties, inside its callback.
/// @param index Which user property.
/// @param key Receives the name (not NUL-terminated); may be NULL.
/// @param key_len Receives the name's length; may be NULL.
/// @param value Receives the value (not NUL-terminated); may be NULL.
/// @param value_len Receives the value's length; may be NULL.
/// @return true when there is a user property at `index`.
///
/// @code{.c}
/// const char *k, *v; size_t kl, vl;
/// for (size_t i = 0; mqtt_rs_property_user(&msg->properties, i, &k, &kl, &v, &vl); i++)
///     printf("%.*s=%.*s\n", (int)kl, k, (int)vl, v);
/// @endcode
///
/// # Safety
///
/// As `mqtt_rs_property_integer()`; the out-pointers NULL or valid for writes.
#[no_mangle]
pub unsafe extern "C" fn mqtt_rs_property_user(
    properties: *const mqtt_rs_properties,
    index: usize,
    key: *mut *const c_char,
    key_len: *mut usize,
    value: *mut *const c_char,
    value_len: *mut usize,
) -> bool {
    // SAFETY: as this function's contract says.
    let Some((k, v)) = (unsafe { received(properties) }).and_then(|p| p.user_properties().nth(index)) else {
        return false;
    };
    // SAFETY: the out-pointers are NULL or valid for writes (this function's contract).
    unsafe {
        store(key, k.as_ptr().cast());
        store(key_len, k.len());
        store(value, v.as_ptr().cast());
        store(value_len, v.len());
    }
    true
}

/// Reads the subscription identifier at `index` of a received message (one per matching
/// subscription that had one).
///
/// @param properties A message's properties, inside `on_message`.
/// @param index Which identifier (0 first).
/// @param id Receives the identifier; may be NULL.
/// @return true when there is an identifier at `index`.
///
/// # Safety
///
/// As `mqtt_rs_property_integer()`; `id` NULL or valid for writes.
#[no_mangle]
pub unsafe extern "C" fn mqtt_rs_property_subscription_id(properties: *const mqtt_rs_properties, index: usize, id: *mut u32) -> bool {
    // SAFETY: as this function's contract says.
    let Some(found) = (unsafe { received(properties) }).and_then(|p| p.subscription_identifiers().nth(index)) else {
        return false;
    };
    // SAFETY: `id` is NULL or valid for writes (this function's contract).
    unsafe { store(id, found) };
    true
}

/// Adds what an MQTT 5.0 engine event carries to its C event: the reason code of a
/// PUBLISH_DONE, the codes per filter of an UNSUBSCRIBE_DONE, CONNACK's properties.
pub(super) fn annotate(source: &engine::Event<'_>, event: &mut super::types::mqtt_rs_event) {
    // One shape for the four events, so that the properties are converted in one place.
    let (reason, reason_codes, properties): (_, &[u8], _) = match *source {
        engine::Event::Connected { properties, .. } | engine::Event::Subscribed { properties, .. } => (0, &[], properties),
        engine::Event::PublishDone { reason, properties, .. } => (reason, &[], properties),
        engine::Event::Unsubscribed { reason_codes, properties, .. } => (0, reason_codes, properties),
        _ => return,
    };
    event.reason_code = reason;
    event.properties = mqtt_rs_properties::of(&properties);
    if !reason_codes.is_empty() {
        event.granted_qos = reason_codes.as_ptr();
        event.granted_count = reason_codes.len();
    }
}

/// Adds the MQTT 5.0 reason code that ended a connection (a refusing CONNACK, the
/// broker's DISCONNECT) to the CONNECTED and DISCONNECTED events that report it.
pub(super) fn annotate_end(reason: &Result<(), Error>, event: &mut super::types::mqtt_rs_event) {
    if let Err(Error::Engine(engine::Error::Refused(code) | engine::Error::ServerDisconnect(code))) = *reason {
        event.reason_code = code;
    }
}
