//! The C structs of the API: caller-owned storage, configuration, options, messages, events.

#![allow(non_camel_case_types)]

use super::net::NetCallbacks;
use core::ffi::{c_char, c_void};

/// Bytes of caller storage a client needs (`mqtt_rs_client`) on a 64-bit target.
#[cfg(all(target_pointer_width = "64", not(feature = "mqtt5")))]
pub const MQTT_RS_CLIENT_SIZE: usize = 256;
/// Bytes of caller storage a client needs (`mqtt_rs_client`) on a 32-bit target.
#[cfg(all(target_pointer_width = "32", not(feature = "mqtt5")))]
pub const MQTT_RS_CLIENT_SIZE: usize = 176;
/// Bytes of caller storage a client needs (`mqtt_rs_client`) on a 16-bit target (AVR, MSP430).
#[cfg(all(target_pointer_width = "16", not(feature = "mqtt5")))]
pub const MQTT_RS_CLIENT_SIZE: usize = 128;
/// Bytes of caller storage one in-flight slot needs (`mqtt_rs_inflight_slot`) on a 64-bit target.
#[cfg(all(target_pointer_width = "64", not(feature = "mqtt5")))]
pub const MQTT_RS_INFLIGHT_SLOT_SIZE: usize = 48;
/// Bytes of caller storage one in-flight slot needs (`mqtt_rs_inflight_slot`) on a 32-bit target.
#[cfg(all(target_pointer_width = "32", not(feature = "mqtt5")))]
pub const MQTT_RS_INFLIGHT_SLOT_SIZE: usize = 32;
/// Bytes of caller storage one in-flight slot needs (`mqtt_rs_inflight_slot`) on a 16-bit target.
#[cfg(all(target_pointer_width = "16", not(feature = "mqtt5")))]
pub const MQTT_RS_INFLIGHT_SLOT_SIZE: usize = 24;
/// Client storage with MQTT 5.0 built in (define `MQTT_RS_MQTT5` when the library has
/// it; CMake does), 64-bit target: room for the broker's limits.
#[cfg(all(target_pointer_width = "64", feature = "mqtt5"))]
pub const MQTT_RS_CLIENT_SIZE: usize = 320;
/// Client storage with MQTT 5.0 built in, 32-bit target.
#[cfg(all(target_pointer_width = "32", feature = "mqtt5"))]
pub const MQTT_RS_CLIENT_SIZE: usize = 208;
/// Client storage with MQTT 5.0 built in, 16-bit target.
#[cfg(all(target_pointer_width = "16", feature = "mqtt5"))]
pub const MQTT_RS_CLIENT_SIZE: usize = 168;
/// Slot storage with MQTT 5.0 built in, 64-bit target: room for the properties of an
/// outgoing PUBLISH.
#[cfg(all(target_pointer_width = "64", feature = "mqtt5"))]
pub const MQTT_RS_INFLIGHT_SLOT_SIZE: usize = 64;
/// Slot storage with MQTT 5.0 built in, 32-bit target.
#[cfg(all(target_pointer_width = "32", feature = "mqtt5"))]
pub const MQTT_RS_INFLIGHT_SLOT_SIZE: usize = 40;
/// Slot storage with MQTT 5.0 built in, 16-bit target.
#[cfg(all(target_pointer_width = "16", feature = "mqtt5"))]
pub const MQTT_RS_INFLIGHT_SLOT_SIZE: usize = 32;
/// `mqtt_rs_client` storage in 8-byte words.
pub const MQTT_RS_CLIENT_WORDS: usize = MQTT_RS_CLIENT_SIZE / 8;
/// `mqtt_rs_inflight_slot` storage in 8-byte words.
pub const MQTT_RS_INFLIGHT_SLOT_WORDS: usize = MQTT_RS_INFLIGHT_SLOT_SIZE / 8;
#[cfg(not(any(target_pointer_width = "16", target_pointer_width = "32", target_pointer_width = "64")))]
compile_error!("mqtt_rs: storage sizes are measured for 16-, 32- and 64-bit targets only");
/// Smallest transmit or receive buffer accepted by `mqtt_rs_client_init()`.
pub const MQTT_RS_MIN_BUFFER_SIZE: usize = 64;

/// Storage for one client, owned by the caller (static, stack or pool). Opaque: only
/// the library's functions may touch it. Keep it at a fixed address after `mqtt_rs_client_init()`.
#[repr(C)]
pub struct mqtt_rs_client {
    /// Opaque storage.
    pub opaque: [u64; MQTT_RS_CLIENT_WORDS],
}

/// Storage for one in-flight flow (an outgoing QoS 1/2 message, a SUBSCRIBE or
/// UNSUBSCRIBE awaiting its ack, or an incoming QoS 2 id awaiting PUBREL). Opaque.
#[repr(C)]
pub struct mqtt_rs_inflight_slot {
    /// Opaque storage.
    pub opaque: [u64; MQTT_RS_INFLIGHT_SLOT_WORDS],
}

/// An incoming application message, or one chunk of it when the payload is larger than
/// the receive buffer. Valid only during the `on_message` callback.
#[repr(C)]
pub struct mqtt_rs_message {
    /// Topic name, NOT NUL-terminated.
    pub topic: *const c_char,
    /// Length of `topic` in bytes.
    pub topic_len: usize,
    /// This chunk of the payload.
    pub payload: *const u8,
    /// Length of this chunk.
    pub payload_len: usize,
    /// Offset of this chunk within the whole payload (0 for the first).
    pub offset: usize,
    /// Length of the whole payload; the chunk is the last when `offset + payload_len == total_len`.
    pub total_len: usize,
    /// QoS of the delivery (0–2).
    pub qos: u8,
    /// Retain flag (a retained message sent on subscribe).
    pub retain: bool,
    /// Duplicate flag (the broker may have sent it before).
    pub dup: bool,
    /// Packet identifier, 0 for QoS 0.
    pub packet_id: u16,
    /// MQTT 5.0: the PUBLISH properties, read with the `mqtt_rs_property_*` functions.
    #[cfg(feature = "mqtt5")]
    pub properties: super::v5::mqtt_rs_properties,
}

/// Called for every incoming message or chunk, from inside the call that drives I/O.
pub type mqtt_rs_message_cb = Option<unsafe extern "C" fn(userdata: *mut c_void, message: *const mqtt_rs_message)>;

/// What an event reports. Crosses the boundary as `int32_t` whatever the C compiler's
/// enum size (`-fshort-enums`); C only reads it.
#[repr(i32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum mqtt_rs_event_kind {
    /// CONNACK arrived: `result` is `MQTT_RS_OK` or the refusal (`MQTT_RS_CONNACK_*`).
    MQTT_RS_EVENT_CONNECTED = 0,
    /// An outgoing QoS 1/2 flow ended: `MQTT_RS_OK`, or `MQTT_RS_DISCARDED`. Its topic and
    /// payload memory may be reused from now on.
    MQTT_RS_EVENT_PUBLISH_DONE = 1,
    /// SUBACK arrived: `granted_qos[i]` is 0–2 or 0x80 (refused) per filter.
    MQTT_RS_EVENT_SUBSCRIBE_DONE = 2,
    /// UNSUBACK arrived (or `MQTT_RS_DISCARDED`).
    MQTT_RS_EVENT_UNSUBSCRIBE_DONE = 3,
    /// The connection ended: `MQTT_RS_OK` after a requested disconnect, else why.
    MQTT_RS_EVENT_DISCONNECTED = 4,
}

/// A completion or connection event. Valid only during the `on_event` callback.
#[repr(C)]
pub struct mqtt_rs_event {
    /// What happened.
    pub kind: mqtt_rs_event_kind,
    /// Outcome (see the kind).
    pub result: crate::ffi::result::mqtt_rs_result,
    /// Packet id of the flow (PUBLISH_DONE, SUBSCRIBE_DONE, UNSUBSCRIBE_DONE), else 0.
    pub packet_id: u16,
    /// CONNECTED: the broker resumed a stored session.
    pub session_present: bool,
    /// SUBSCRIBE_DONE: return code per filter; else NULL.
    pub granted_qos: *const u8,
    /// Number of entries in `granted_qos`.
    pub granted_count: usize,
    /// MQTT 5.0: PUBLISH_DONE: the reason code of the broker's last acknowledgement (0
    /// success, 0x10 no matching subscribers, 0x80 and above refused; `result` is then
    /// `MQTT_RS_REJECTED_BY_BROKER`). SUBSCRIBE_DONE and UNSUBSCRIBE_DONE carry their
    /// reason codes per filter in `granted_qos`. CONNECTED (refused) and DISCONNECTED: the
    /// reason code of the broker's CONNACK or DISCONNECT that ended the connection.
    #[cfg(feature = "mqtt5")]
    pub reason_code: u8,
    /// MQTT 5.0: the properties of the packet behind the event, read with the
    /// `mqtt_rs_property_*` functions: CONNECTED: CONNACK's (e.g.
    /// `MQTT_RS_PROPERTY_ASSIGNED_CLIENT_ID`); PUBLISH_DONE: the last acknowledgement's
    /// (PUBACK, PUBREC ≥ 0x80 or PUBCOMP); SUBSCRIBE_DONE, UNSUBSCRIBE_DONE: SUBACK's,
    /// UNSUBACK's (reason string `MQTT_RS_PROPERTY_REASON_STRING`, user properties);
    /// DISCONNECTED (and CONNECTED refused): the broker's DISCONNECT or refusing CONNACK,
    /// with `MQTT_RS_PROPERTY_SERVER_REFERENCE` for `MQTT_RS_USE_ANOTHER_SERVER`. Empty
    /// for anything else.
    #[cfg(feature = "mqtt5")]
    pub properties: super::v5::mqtt_rs_properties,
}

/// Called for completions and connection changes, from inside the call that drives I/O.
pub type mqtt_rs_event_cb = Option<unsafe extern "C" fn(userdata: *mut c_void, event: *const mqtt_rs_event)>;

/// Everything a client needs for its lifetime; the memory it points to must outlive the client.
#[repr(C)]
pub struct mqtt_rs_client_config {
    /// Network and clock callbacks.
    pub net: NetCallbacks,
    /// Transmit buffer: packets are batched here (at least `MQTT_RS_MIN_BUFFER_SIZE`).
    pub tx_buf: *mut u8,
    /// Length of `tx_buf`.
    pub tx_len: usize,
    /// Receive buffer: a PUBLISH larger than it arrives in chunks (at least `MQTT_RS_MIN_BUFFER_SIZE`).
    pub rx_buf: *mut u8,
    /// Length of `rx_buf`.
    pub rx_len: usize,
    /// In-flight slots (at least 1): the window of QoS 1/2 flows both ways plus pending requests.
    pub slots: *mut mqtt_rs_inflight_slot,
    /// Number of `slots`.
    pub slot_count: usize,
    /// Incoming messages (may be NULL).
    pub on_message: mqtt_rs_message_cb,
    /// Completions and connection changes (may be NULL).
    pub on_event: mqtt_rs_event_cb,
    /// Passed to `on_message`, `on_event` and `lock`.
    pub userdata: *mut c_void,
    /// Several tasks (NULL: one task only): called with `take` true at the start of every
    /// call on this client and with `take` false at its end, with `userdata`. It must
    /// lock a recursive mutex (FreeRTOS `xSemaphoreTakeRecursive`, `PTHREAD_MUTEX_RECURSIVE`,
    /// Zephyr `k_mutex`): callbacks may call the queueing functions, which take it again.
    pub lock: mqtt_rs_lock_cb,
}

/// Takes (`take` true) or gives back the application's lock (see `mqtt_rs_client_config`).
pub type mqtt_rs_lock_cb = Option<unsafe extern "C" fn(userdata: *mut c_void, take: bool)>;

/// The last will: published by the broker if the client drops without DISCONNECT.
#[repr(C)]
pub struct mqtt_rs_will {
    /// Topic, NUL-terminated, no wildcards.
    pub topic: *const c_char,
    /// Payload (may be NULL when `payload_len` is 0).
    pub payload: *const u8,
    /// Length of `payload`.
    pub payload_len: usize,
    /// QoS 0–2.
    pub qos: u8,
    /// Whether the broker retains the will.
    pub retain: bool,
}

/// Connection options. Fill with `mqtt_rs_connect_options_init()` first, then set fields.
#[repr(C)]
pub struct mqtt_rs_connect_options {
    /// Host name or address for the connect callback; must stay valid until connected.
    pub host: *const c_char,
    /// TCP port (default 1883).
    pub port: u16,
    /// Client identifier, NUL-terminated; "" lets the broker assign one (clean session only).
    pub client_id: *const c_char,
    /// User name, or NULL.
    pub username: *const c_char,
    /// Password bytes, or NULL (needs a user name).
    pub password: *const u8,
    /// Length of `password`.
    pub password_len: usize,
    /// Keepalive in seconds (default 60; 0 = off).
    pub keepalive_s: u16,
    /// Start a fresh session (default true). With false the broker keeps subscriptions
    /// and queued messages, and unacknowledged messages are resent on reconnect.
    pub clean_session: bool,
    /// Last will, or NULL.
    pub will: *const mqtt_rs_will,
    /// Outgoing QoS 1/2 messages in flight at once (default 0: all slots, at most 20).
    /// Keep it at or below the broker's limit (mosquitto: `max_inflight_messages`, 20).
    pub max_inflight: u16,
    /// Send a password over a connection without TLS (default false). Left false,
    /// connecting with a password and no `mqtt_rs_client_use_tls()` fails with
    /// `MQTT_RS_PLAINTEXT_CREDENTIALS` before anything is sent: anyone on the path could
    /// read it. A user name alone is not a secret and is always allowed.
    pub allow_plaintext_credentials: bool,
    /// MQTT protocol version: 4 for 3.1.1 (default), 5 for MQTT 5.0 (a library built
    /// without it returns `MQTT_RS_MQTT5_NOT_BUILT`).
    pub protocol_version: u8,
    /// MQTT 5.0 CONNECT properties, or NULL (read during the connect call only).
    #[cfg(feature = "mqtt5")]
    pub properties: *const super::v5::mqtt_rs_connect_properties,
}

/// One topic filter and the QoS requested for it.
#[repr(C)]
pub struct mqtt_rs_subscription {
    /// Topic filter, NUL-terminated (`+` and `#` wildcards allowed).
    pub filter: *const c_char,
    /// Maximum QoS 0–2.
    pub qos: u8,
}

/// Default window when `max_inflight` is 0: mosquitto's default per-client limit.
pub(crate) const DEFAULT_MAX_INFLIGHT: u16 = 20;
