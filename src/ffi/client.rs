//! `mqtt_rs_client_*`: argument checks and conversions around the transport client.
//! Each function checks its arguments and makes one call; how calls reach the client
//! storage (and why calls from inside callbacks are sound) is in `handle`.

use super::check::*;
use super::credentials;
use super::handle::{self, block, drive, query, queue, Handle};
use super::net::{CHost, Net};
use super::result::mqtt_rs_result::{self, *};
use super::types::*;
use crate::codec::encode::{self, ConnectFields};
use crate::codec::topic::Name;
use crate::codec::{ProtocolVersion, QoS};
use crate::engine::{self, Slot};
use crate::transport::blocking::{self, Goal};
use crate::transport::client::{Error, Session};
use core::ffi::c_char;

pub(super) fn qos(bits: u8) -> Result<QoS, mqtt_rs_result> {
    QoS::from_bits(bits).map_err(|_| MQTT_RS_INVALID_ARGUMENT)
}

/// A transport outcome as its C result (`MQTT_RS_OK` for success): one out-of-line
/// conversion for the blocking calls and for the event that reports the connection's end
/// (`CallbackSink::ended`), each of which tested for success around the error mapping.
/// The C result itself, not a `Result`, so that `block` passes its closure's value through
/// without a conversion of its own (Cortex-M4: 14 B smaller); the closures return their
/// argument errors early through `or_return!`.
#[inline(never)]
pub(super) fn outcome(r: Result<(), Error>) -> mqtt_rs_result {
    match r {
        Ok(()) => MQTT_RS_OK,
        Err(e) => e.into(),
    }
}

/// `?` for a closure that returns a bare `mqtt_rs_result`: the error itself, or the value.
macro_rules! or_return {
    ($e:expr) => {
        match $e {
            Ok(v) => v,
            Err(e) => return e,
        }
    };
}

/// Initialises `client` in caller storage from `config`. Buffers and slots named in
/// `config` are used for the client's whole life and must outlive it.
///
/// @param client Caller storage for the client; keep it at a fixed address until
///        mqtt_rs_client_deinit().
/// @param config Buffers, slots, network callbacks and application callbacks; the
///        struct itself is copied, what it points to is borrowed for the client's life.
/// @return `MQTT_RS_OK` when initialised;
///         `MQTT_RS_NULL_ARGUMENT` if `client`, `config`, a buffer or the slots are NULL;
///         `MQTT_RS_INVALID_ARGUMENT` if a network callback is missing or `slot_count` is 0;
///         `MQTT_RS_BUFFER_TOO_SMALL` if a buffer is under `MQTT_RS_MIN_BUFFER_SIZE`;
///         `MQTT_RS_CALLED_FROM_CALLBACK` from inside a callback of this client.
///
/// ```c
/// static mqtt_rs_client client;
/// static uint8_t tx[1024], rx[1024];
/// static mqtt_rs_inflight_slot slots[8];
/// mqtt_rs_client_config cfg = {0};
/// mqtt_rs_posix_net_init(&net_ctx, &cfg.net);   // your port fills the callbacks
/// cfg.tx_buf = tx; cfg.tx_len = sizeof tx; cfg.rx_buf = rx; cfg.rx_len = sizeof rx;
/// cfg.slots = slots; cfg.slot_count = 8; cfg.on_message = on_message;
/// mqtt_rs_result rc = mqtt_rs_client_init(&client, &cfg);
/// ```
///
/// # Safety
///
/// `client` is NULL or points to `mqtt_rs_client` storage that stays at its address and is
/// used by no other thread without the configured lock. `config` is NULL or valid for
/// the reads and writes described above, for as long as described above.
#[no_mangle]
pub unsafe extern "C" fn mqtt_rs_client_init(client: *mut mqtt_rs_client, config: *const mqtt_rs_client_config) -> mqtt_rs_result {
    // SAFETY: `config` is NULL or valid for reads (this function's contract).
    let Some(config) = (unsafe { opt_ref(config) }) else {
        return MQTT_RS_NULL_ARGUMENT;
    };
    if client.is_null() || config.tx_buf.is_null() || config.rx_buf.is_null() || config.slots.is_null() {
        return MQTT_RS_NULL_ARGUMENT;
    }
    let (true, 1..) = (config.net.is_complete(), config.slot_count) else {
        return MQTT_RS_INVALID_ARGUMENT;
    };
    if config.tx_len < MQTT_RS_MIN_BUFFER_SIZE || config.rx_len < MQTT_RS_MIN_BUFFER_SIZE {
        return MQTT_RS_BUFFER_TOO_SMALL;
    }
    // SAFETY: `client` points to client storage (this function's contract).
    if unsafe { handle::handle(client) }.is_ok_and(|h| h.is_busy()) {
        return MQTT_RS_CALLED_FROM_CALLBACK;
    }
    // SAFETY: the caller gives these regions to the client for its lifetime (this
    // function's contract); the slot storage has the size and alignment of `Slot`
    // (asserted in `handle`) and `Handle::init` initialises it before use.
    let (tx, rx, slots) = unsafe {
        (
            try_slice_mut(config.tx_buf, config.tx_len),
            try_slice_mut(config.rx_buf, config.rx_len),
            try_slice_mut(config.slots.cast::<Slot<'_>>(), config.slot_count),
        )
    };
    let (Ok(tx), Ok(rx), Ok(slots)) = (tx, rx, slots) else {
        return MQTT_RS_NULL_ARGUMENT;
    };
    // SAFETY: `client` is non-NULL, aligned storage large enough for a handle (asserted in
    // `handle`) that no call is using (checked above): it may be overwritten whole; the
    // network callbacks are all set (checked above).
    unsafe { Handle::init(client.cast::<Handle<'_>>(), config, tx, rx, slots) };
    MQTT_RS_OK
}

/// Releases what `client` holds beyond its storage (the TLS state on the heap), closing
/// the network first if it is open (a `MQTT_RS_EVENT_DISCONNECTED` event reports it). The
/// storage may then be initialised again. Does nothing for NULL or uninitialised storage,
/// nor from inside a callback of `client`.
///
/// @param client Client storage; NULL or uninitialised storage is ignored.
///
/// # Safety
///
/// `client` is NULL or points to `mqtt_rs_client` storage that stays at its address and is
/// used by no other thread without the configured lock.
#[no_mangle]
pub unsafe extern "C" fn mqtt_rs_client_deinit(client: *mut mqtt_rs_client) {
    // SAFETY: `client` is NULL or client storage used as this function's contract says.
    unsafe { handle::release(client) }
}

/// The empty client id of the default options. Not a literal: an empty C string literal
/// goes to the mergeable C-string section, which the linker keeps whole, and attributes to
/// the library the C firmware's strings that it merges into it.
static EMPTY: [c_char; 1] = [0];

/// Fills `options` with defaults: port 1883, keepalive 60 s, clean session, no
/// credentials, no will, window 0 (all slots, at most 20). Does nothing if `options` is NULL.
///
/// @param options The options to fill; may be NULL.
///
/// # Safety
///
/// `options` is NULL or valid for the reads and writes described above, for as long as
/// described above.
#[no_mangle]
pub unsafe extern "C" fn mqtt_rs_connect_options_init(options: *mut mqtt_rs_connect_options) {
    // SAFETY: `options` is NULL or valid for writes (this function's contract).
    if let Some(o) = unsafe { opt_mut(options) } {
        *o = mqtt_rs_connect_options {
            host: core::ptr::null(),
            port: 1883,
            client_id: EMPTY.as_ptr(),
            username: core::ptr::null(),
            password: core::ptr::null(),
            password_len: 0,
            keepalive_s: 60,
            clean_session: true,
            will: core::ptr::null(),
            max_inflight: 0,
            allow_plaintext_credentials: false,
            protocol_version: 4,
            #[cfg(feature = "mqtt5")]
            properties: core::ptr::null(),
        };
    }
}

/// Checks `options` and what it points to, then starts connecting: the network opens
/// and CONNECT goes out on the following drive calls. Shared by both connect calls.
///
/// # Safety
/// `options` and what it points to are NULL or valid as `mqtt_rs_client_connect` documents.
pub(super) unsafe fn begin_connect(session: &mut Session<'_, Net>, options: *const mqtt_rs_connect_options) -> Result<(), mqtt_rs_result> {
    // SAFETY: as this function's caller guarantees, for each pointer below.
    unsafe {
        let o = try_ref(options)?;
        let host = CHost::new(try_cstr(o.host)?);
        let client_id = try_str(o.client_id)?;
        if client_id.is_empty() && !o.clean_session {
            return Err(MQTT_RS_INVALID_ARGUMENT);
        }
        // Each checked string goes straight to its place in the encoder's array, which the
        // encoder reads in place (kept aside and copied into an array, it cost 40 B on
        // Cortex-M4).
        let mut text = [Some(client_id.as_bytes()), None, None, None, None];
        let [_, will_topic, will_payload, username, password] = &mut text;
        let mut will_flags = 0;
        if let Some(w) = opt_ref(o.will) {
            *will_topic = Some(try_str(w.topic)?.as_bytes());
            *will_payload = Some(try_slice(w.payload, w.payload_len)?);
            will_flags = encode::will_flags(qos(w.qos)?, w.retain);
        }
        *username = opt_str(o.username)?.map(str::as_bytes);
        *password = opt_slice(o.password, o.password_len)?;
        if password.is_some() && username.is_none() {
            return Err(MQTT_RS_INVALID_ARGUMENT);
        }
        credentials::check(password.is_some(), session.wire_ref().uses_tls(), o.allow_plaintext_credentials)?;
        // The version CONNECT names, set here so that the MQTT 5.0 path takes `connect` as it is.
        #[cfg(feature = "mqtt5")]
        let version = if o.protocol_version == 5 { ProtocolVersion::V5 } else { ProtocolVersion::V3_1_1 };
        #[cfg(not(feature = "mqtt5"))]
        let version = ProtocolVersion::V3_1_1;
        let connect = ConnectFields {
            version,
            clean_session: o.clean_session,
            keepalive: o.keepalive_s,
            will_flags,
            text: &text,
            // Refused above, before the checks that follow it.
            #[cfg(not(feature = "mqtt5"))]
            user_checked: true,
        };
        let window = if o.max_inflight == 0 { DEFAULT_MAX_INFLIGHT } else { o.max_inflight };
        match o.protocol_version {
            #[cfg(not(feature = "mqtt5"))]
            0 | 4 => session.begin_connect_fields(host, o.port, &connect, window).map_err(Into::into),
            // Both versions through the MQTT 5.0 path (3.1.1 without properties), so that
            // the session start is called from one place.
            #[cfg(feature = "mqtt5")]
            0 | 4 | 5 => super::v5::begin_connect(session, host, o.port, &connect, o.properties, window),
            #[cfg(not(feature = "mqtt5"))]
            5 => Err(MQTT_RS_MQTT5_NOT_BUILT),
            _ => Err(MQTT_RS_INVALID_ARGUMENT),
        }
    }
}

/// Connects and waits for CONNACK. Blocks up to `timeout_ms`.
///
/// `options->host` is passed to the connect callback. `session_present` (may be NULL)
/// receives whether the broker resumed a stored session.
///
/// @param client An initialised client.
/// @param options Broker and session settings (fill with mqtt_rs_connect_options_init()).
/// @param timeout_ms Time budget for the whole call: connection, TLS handshake, CONNACK.
/// @param session_present Receives whether the broker resumed a stored session; may be NULL.
/// @return `MQTT_RS_OK` once CONNACK accepted the connection;
///         a `MQTT_RS_CONNACK_*` code when the broker refused it;
///         `MQTT_RS_NET_CONNECT_FAILED`, `MQTT_RS_NET_HOST_NOT_FOUND`,
///         `MQTT_RS_NET_CONNECTION_REFUSED` when the connect callback failed;
///         `MQTT_RS_TIMEOUT` (the attempt is abandoned);
///         a `MQTT_RS_TLS_*` code when the TLS handshake failed;
///         `MQTT_RS_WRONG_STATE` if already connected or connecting;
///         `MQTT_RS_NULL_ARGUMENT` / `MQTT_RS_INVALID_ARGUMENT` for bad options;
///         `MQTT_RS_PLAINTEXT_CREDENTIALS` for a password without TLS (nothing sent);
///         `MQTT_RS_CALLED_FROM_CALLBACK` from inside a callback of this client;
///         or the error that ended the connection before CONNACK.
///
/// @code{.c}
/// mqtt_rs_connect_options opt;
/// mqtt_rs_connect_options_init(&opt);
/// opt.host = "127.0.0.1"; opt.client_id = "sensor-1";
/// bool resumed;
/// if (mqtt_rs_client_connect(&client, &opt, 5000, &resumed) != MQTT_RS_OK) { ... }
/// @endcode
///
/// # Safety
///
/// `client` is NULL or points to `mqtt_rs_client` storage that stays at its address and is
/// used by no other thread without the configured lock. `options`, `session_present`: each
/// NULL or valid for the reads and writes described above, for as long as described above.
#[no_mangle]
pub unsafe extern "C" fn mqtt_rs_client_connect(
    client: *mut mqtt_rs_client,
    options: *const mqtt_rs_connect_options,
    timeout_ms: u32,
    session_present: *mut bool,
) -> mqtt_rs_result {
    // SAFETY: `client` is NULL or client storage, `options` and `session_present` NULL or
    // valid, as this function's contract says, for the whole call.
    unsafe {
        block(client, &mut move |d| {
            or_return!(begin_connect(d.session(), options));
            // The CONNACK's flag goes straight into the caller's bool, if any.
            let present = opt_mut(session_present).map(core::cell::Cell::from_mut);
            outcome(blocking::connect_into(d, present, timeout_ms))
        })
    }
}

/// Starts connecting without blocking. Returns `MQTT_RS_IN_PROGRESS`; the outcome arrives
/// as a `MQTT_RS_EVENT_CONNECTED` (or `MQTT_RS_EVENT_DISCONNECTED`) event from
/// `mqtt_rs_client_poll()`. `options->host` must stay valid until then.
/// Errors as for `mqtt_rs_client_connect()`.
///
/// @param client An initialised, unconnected client.
/// @param options Broker and session settings; `options->host` must stay valid until the outcome.
/// @return `MQTT_RS_IN_PROGRESS` when the attempt started;
///         `MQTT_RS_WRONG_STATE` if already connected or connecting;
///         `MQTT_RS_NULL_ARGUMENT` / `MQTT_RS_INVALID_ARGUMENT` for bad options;
///         `MQTT_RS_CALLED_FROM_CALLBACK` from inside a callback of this client.
///
/// # Safety
///
/// `client` is NULL or points to `mqtt_rs_client` storage that stays at its address and is
/// used by no other thread without the configured lock. `options` is NULL or valid for
/// the reads and writes described above, for as long as described above.
#[no_mangle]
pub unsafe extern "C" fn mqtt_rs_client_begin_connect(client: *mut mqtt_rs_client, options: *const mqtt_rs_connect_options) -> mqtt_rs_result {
    // SAFETY: `client` is NULL or client storage; `options` and what it points to NULL or
    // valid (`host` until the outcome), as this function's contract says.
    let started = unsafe { drive(client, |d| begin_connect(d.session(), options)) };
    match started {
        Ok(()) => MQTT_RS_IN_PROGRESS,
        Err(e) => e,
    }
}

/// Publishes and waits until the QoS flow completes: QoS 0 when written, QoS 1 at
/// PUBACK, QoS 2 at PUBCOMP. Waits for a free slot if the window is full. Blocks up to
/// `timeout_ms`.
///
/// `topic` is NUL-terminated without wildcards. A payload larger than the transmit
/// buffer is written straight from `payload`. For QoS 1/2, `topic` and `payload` must
/// stay valid until the flow ends: on `MQTT_RS_OK`, or, if this call returns an error
/// after the message was queued, until its `MQTT_RS_EVENT_PUBLISH_DONE` event (with a
/// persistent session it is resent after reconnect).
///
/// @param client A connected client.
/// @param topic NUL-terminated UTF-8 topic name, no wildcards.
/// @param payload The payload bytes; may be NULL when `payload_len` is 0.
/// @param payload_len Length of `payload` in bytes.
/// @param qos 0, 1 or 2 (`MQTT_RS_QOS0` … `MQTT_RS_QOS2`).
/// @param retain Asks the broker to keep the message for future subscribers.
/// @param timeout_ms Time budget for the whole call, waiting for a slot included.
/// @return `MQTT_RS_OK` when the flow completed;
///         `MQTT_RS_TIMEOUT` (a queued QoS 1/2 message continues; see above);
///         `MQTT_RS_WRONG_STATE` when not connected;
///         `MQTT_RS_INVALID_TOPIC` for an empty topic or one with wildcards;
///         `MQTT_RS_INVALID_ARGUMENT` (QoS > 2, topic not UTF-8);
///         `MQTT_RS_NULL_ARGUMENT`;
///         `MQTT_RS_DISCARDED` when the flow was dropped;
///         `MQTT_RS_CALLED_FROM_CALLBACK` from inside a callback of this client;
///         or the error that ended the connection.
///
/// @code{.c}
/// static const char msg[] = "21.5";
/// rc = mqtt_rs_client_publish(&client, "sensors/1/temp", (const uint8_t *)msg, sizeof msg - 1, 1, false, 5000);
/// @endcode
///
/// # Safety
///
/// `client` is NULL or points to `mqtt_rs_client` storage that stays at its address and is
/// used by no other thread without the configured lock. `topic`, `payload`: each NULL or
/// valid for the reads and writes described above, for as long as described above.
#[no_mangle]
pub unsafe extern "C" fn mqtt_rs_client_publish(
    client: *mut mqtt_rs_client,
    topic: *const c_char,
    payload: *const u8,
    payload_len: usize,
    qos: u8,
    retain: bool,
    timeout_ms: u32,
) -> mqtt_rs_result {
    // SAFETY: `client` is NULL or client storage; `topic` and `payload` NULL or valid until
    // the flow ends, as this function's contract says.
    unsafe {
        block(client, &mut move |d| {
            let (topic, payload) = (or_return!(try_str(topic)), or_return!(try_slice(payload, payload_len)));
            outcome(blocking::publish(d, topic, payload, or_return!(self::qos(qos)), retain, timeout_ms))
        })
    }
}

/// Queues a PUBLISH without blocking. `packet_id_out` (may be NULL) receives the id
/// that its `MQTT_RS_EVENT_PUBLISH_DONE` event will carry (0 for QoS 0, which has no event).
///
/// Returns `MQTT_RS_OK` for QoS 0 (queued; written by the next poll), `MQTT_RS_IN_PROGRESS`
/// for QoS 1/2, `MQTT_RS_INFLIGHT_FULL` or `MQTT_RS_BUSY` when there is no room yet (poll,
/// then retry), or the errors of `mqtt_rs_client_publish()`. `topic` and `payload` must
/// stay valid until the flow ends (QoS 0: until `mqtt_rs_client_wants_write()` is false).
///
/// @param client A connected client.
/// @param topic NUL-terminated UTF-8 topic name, no wildcards.
/// @param payload The payload bytes; may be NULL when `payload_len` is 0.
/// @param payload_len Length of `payload` in bytes.
/// @param qos 0, 1 or 2.
/// @param retain Asks the broker to keep the message for future subscribers.
/// @param packet_id_out Receives the packet id (0 for QoS 0); may be NULL.
/// @return `MQTT_RS_OK` (QoS 0 queued); `MQTT_RS_IN_PROGRESS` (QoS 1/2 queued);
///         `MQTT_RS_INFLIGHT_FULL` / `MQTT_RS_BUSY` when there is no room yet;
///         `MQTT_RS_WRONG_STATE` when not connected; `MQTT_RS_INVALID_TOPIC`;
///         `MQTT_RS_INVALID_ARGUMENT` (QoS > 2, not UTF-8); `MQTT_RS_NULL_ARGUMENT`.
///
/// # Safety
///
/// `client` is NULL or points to `mqtt_rs_client` storage that stays at its address and is
/// used by no other thread without the configured lock. `topic`, `payload`,
/// `packet_id_out`: each NULL or valid for the reads and writes described above, for as
/// long as described above.
#[no_mangle]
pub unsafe extern "C" fn mqtt_rs_client_begin_publish(
    client: *mut mqtt_rs_client,
    topic: *const c_char,
    payload: *const u8,
    payload_len: usize,
    qos: u8,
    retain: bool,
    packet_id_out: *mut u16,
) -> mqtt_rs_result {
    // The outcome is made inside the queue call, so that one value comes out of it (made
    // after it, the engine's result was examined a second time there).
    // SAFETY: `client` is NULL or client storage; `topic` and `payload` NULL or valid until
    // the flow ends, `packet_id_out` NULL or valid for writes, as this function's contract says.
    let done = unsafe {
        queue(client, |session| {
            let (topic, payload, qos) = (try_topic(topic)?, try_slice(payload, payload_len)?, self::qos(qos)?);
            let topic = topic.or_else(|text| Name::new_apart(text).ok_or(MQTT_RS_INVALID_TOPIC))?;
            let queued = match session.publish_named(topic, payload, qos, retain) {
                // No room yet: poll, then retry.
                Err(engine::Error::WindowFull | engine::Error::OutboxFull) => Err(MQTT_RS_BUSY),
                queued => queued.map(|id| (id, qos)).map_err(Into::into),
            };
            Ok(begun(queued, packet_id_out))
        })
    };
    done.unwrap_or_else(|refused| refused)
}

/// The result of a `begin_publish` call: the packet id stored, `MQTT_RS_OK` for QoS 0
/// (queued), `MQTT_RS_IN_PROGRESS` for QoS 1/2, or the refusal.
///
/// # Safety
///
/// `packet_id_out` is NULL or valid for writes.
pub(super) unsafe fn begun(queued: Result<(u16, QoS), mqtt_rs_result>, packet_id_out: *mut u16) -> mqtt_rs_result {
    match queued {
        Ok((id, qos)) => {
            // SAFETY: `packet_id_out` is NULL or valid for writes (this function's contract).
            unsafe { store(packet_id_out, id) };
            if qos == QoS::AtMostOnce {
                MQTT_RS_OK
            } else {
                MQTT_RS_IN_PROGRESS
            }
        }
        Err(e) => e,
    }
}

/// Checks a C array of subscriptions.
///
/// # Safety
/// `subs` is NULL or points to `count` entries whose filters are NULL or NUL-terminated.
///
/// Inlined: a program that subscribes through one of its two callers then has the check
/// loop folded into that call (46 B less on Cortex-M4, 58 B less on x86_64; with both
/// callers, 8 B more on Cortex-M4).
#[inline(always)]
unsafe fn subscriptions<'a>(subs: *const mqtt_rs_subscription, count: usize) -> Result<&'a [mqtt_rs_subscription], mqtt_rs_result> {
    // SAFETY: the caller upholds this function's `# Safety` contract.
    unsafe {
        let list = try_list(subs, count)?;
        for s in list {
            try_str(s.filter)?;
            qos(s.qos)?;
        }
        Ok(list)
    }
}

/// Checks a C array of filter strings.
///
/// # Safety
/// `list` is NULL or points to `count` pointers, each NULL or NUL-terminated.
///
/// Inlined, as [`subscriptions`] is: a firmware that unsubscribes through one of its two
/// callers then has the check loop folded into that call (Cortex-M4 44 B less).
#[inline(always)]
unsafe fn filters<'a>(list: *const *const c_char, count: usize) -> Result<&'a [*const c_char], mqtt_rs_result> {
    // SAFETY: the caller upholds this function's `# Safety` contract.
    unsafe {
        let list = try_list(list, count)?;
        for &f in list {
            try_str(f)?;
        }
        Ok(list)
    }
}

fn sub_iter(list: &[mqtt_rs_subscription]) -> Subs<'_> {
    Subs(list.iter())
}

/// The subscriptions of a C call, from a list [`subscriptions`] checked: 1 to 65,535
/// entries, each filter UTF-8 and each QoS at most 2. Its count is given in 16 bits, so
/// that the engine's conversion of the count to 16 bits needs no test of its own.
#[derive(Clone)]
struct Subs<'a>(core::slice::Iter<'a, mqtt_rs_subscription>);

impl<'a> Iterator for Subs<'a> {
    type Item = (Checked<'a>, QoS);

    fn next(&mut self) -> Option<Self::Item> {
        // SAFETY: every filter was checked to be a NUL-terminated UTF-8 string. A QoS was
        // checked to be at most 2, a QoS's value; it is clamped to 2 all the same, so that a
        // byte the caller changed after the check (against the call's contract, from a
        // callback while the request waited for room) still converts to a valid QoS.
        self.0.next().map(|s| unsafe { (Checked::new(s.filter), core::mem::transmute::<u8, QoS>(s.qos.min(2))) })
    }

    fn count(self) -> usize {
        // Exact: the list's check keeps it within 16 bits.
        usize::from(self.0.len() as u16)
    }
}

fn filter_iter(list: &[*const c_char]) -> impl Iterator<Item = Checked<'_>> + Clone {
    // SAFETY: every filter was checked to be a NUL-terminated UTF-8 string.
    list.iter().map(|&f| unsafe { Checked::new(f) })
}

/// Subscribes to `count` filters and waits for SUBACK. Blocks up to `timeout_ms`.
///
/// `granted_qos` (may be NULL) is an array of `count` entries that receives, per filter,
/// the granted QoS (0–2) or 0x80 for a refusal.
///
/// @param client A connected client.
/// @param subs `count` filters with their requested QoS.
/// @param count Number of entries in `subs` (1 to 65,535).
/// @param granted_qos Receives `count` granted QoS values (0x80: refused); may be NULL.
/// @param timeout_ms Time budget for the whole call, waiting for a slot included.
/// @return `MQTT_RS_OK` when SUBACK granted every filter;
///         `MQTT_RS_SUBSCRIBE_FAILED` if any filter was refused;
///         `MQTT_RS_INVALID_TOPIC` for a malformed filter;
///         `MQTT_RS_TIMEOUT`; `MQTT_RS_WRONG_STATE` when not connected;
///         `MQTT_RS_NULL_ARGUMENT` / `MQTT_RS_INVALID_ARGUMENT` (count 0, QoS > 2, not UTF-8);
///         `MQTT_RS_DISCARDED` when the request was dropped;
///         `MQTT_RS_CALLED_FROM_CALLBACK` from inside a callback of this client;
///         or the error that ended the connection.
///
/// ```c
/// mqtt_rs_subscription subs[] = { {"sensors/+/temp", 1}, {"cmd/#", 2} };
/// uint8_t granted[2];
/// rc = mqtt_rs_client_subscribe(&client, subs, 2, granted, 5000);
/// ```
///
/// # Safety
///
/// `client` is NULL or points to `mqtt_rs_client` storage that stays at its address and is
/// used by no other thread without the configured lock. `subs`, `granted_qos`: each NULL or
/// valid for the reads and writes described above, for as long as described above.
#[no_mangle]
pub unsafe extern "C" fn mqtt_rs_client_subscribe(
    client: *mut mqtt_rs_client,
    subs: *const mqtt_rs_subscription,
    count: usize,
    granted_qos: *mut u8,
    timeout_ms: u32,
) -> mqtt_rs_result {
    // SAFETY: `client` is NULL or client storage; `subs` and its filters NULL or valid for
    // the call, `granted_qos` NULL or `count` writable bytes, as this function's contract says.
    unsafe {
        block(client, &mut move |d| {
            let list = or_return!(subscriptions(subs, count));
            let granted = or_return!(try_slice_mut(granted_qos, if granted_qos.is_null() { 0 } else { count }));
            outcome(blocking::subscribe(d, sub_iter(list), granted, timeout_ms))
        })
    }
}

/// Queues a SUBSCRIBE without blocking. Returns `MQTT_RS_IN_PROGRESS`; the outcome is a
/// `MQTT_RS_EVENT_SUBSCRIBE_DONE` event with the packet id stored in `packet_id_out`
/// (may be NULL). Errors as for `mqtt_rs_client_subscribe()`, plus `MQTT_RS_INFLIGHT_FULL`
/// / `MQTT_RS_BUSY` (poll, then retry).
///
/// @param client A connected client.
/// @param subs `count` filters with their requested QoS.
/// @param count Number of entries in `subs` (1 to 65,535).
/// @param packet_id_out Receives the packet id of the request; may be NULL.
/// @return `MQTT_RS_IN_PROGRESS` when queued;
///         `MQTT_RS_INFLIGHT_FULL` / `MQTT_RS_BUSY` when there is no room yet;
///         `MQTT_RS_WRONG_STATE` when not connected; `MQTT_RS_INVALID_TOPIC`;
///         `MQTT_RS_NULL_ARGUMENT` / `MQTT_RS_INVALID_ARGUMENT` (count 0, QoS > 2, not UTF-8).
///
/// # Safety
///
/// `client` is NULL or points to `mqtt_rs_client` storage that stays at its address and is
/// used by no other thread without the configured lock. `subs`, `packet_id_out`: each NULL
/// or valid for the reads and writes described above, for as long as described above.
#[no_mangle]
pub unsafe extern "C" fn mqtt_rs_client_begin_subscribe(
    client: *mut mqtt_rs_client,
    subs: *const mqtt_rs_subscription,
    count: usize,
    packet_id_out: *mut u16,
) -> mqtt_rs_result {
    // SAFETY: `client` is NULL or client storage; `subs` and its filters NULL or valid for
    // the call, as this function's contract says.
    let queued = unsafe { queue(client, |session| session.subscribe(sub_iter(subscriptions(subs, count)?)).map_err(Into::into)) };
    // SAFETY: `packet_id_out` is NULL or valid for writes (this function's contract).
    unsafe { in_progress(queued, packet_id_out) }
}

/// Unsubscribes from `count` filters and waits for UNSUBACK. Blocks up to `timeout_ms`.
///
/// @param client A connected client.
/// @param filters_list `count` NUL-terminated UTF-8 topic filters.
/// @param count Number of entries in `filters_list` (1 to 65,535).
/// @param timeout_ms Time budget for the whole call, waiting for a slot included.
/// @return `MQTT_RS_OK` at UNSUBACK; `MQTT_RS_TIMEOUT`;
///         `MQTT_RS_INVALID_TOPIC` for a malformed filter;
///         `MQTT_RS_WRONG_STATE` when not connected;
///         `MQTT_RS_NULL_ARGUMENT` / `MQTT_RS_INVALID_ARGUMENT` (count 0, not UTF-8);
///         `MQTT_RS_DISCARDED` when the request was dropped;
///         `MQTT_RS_CALLED_FROM_CALLBACK` from inside a callback of this client;
///         or the error that ended the connection.
///
/// ```c
/// const char *filters[] = { "cmd/#" };
/// rc = mqtt_rs_client_unsubscribe(&client, filters, 1, 5000);
/// ```
///
/// # Safety
///
/// `client` is NULL or points to `mqtt_rs_client` storage that stays at its address and is
/// used by no other thread without the configured lock. `filters_list` is NULL or valid
/// for the reads and writes described above, for as long as described above.
#[no_mangle]
pub unsafe extern "C" fn mqtt_rs_client_unsubscribe(
    client: *mut mqtt_rs_client,
    filters_list: *const *const c_char,
    count: usize,
    timeout_ms: u32,
) -> mqtt_rs_result {
    // SAFETY: `client` is NULL or client storage; `filters_list` and its filters NULL or
    // valid for the call, as this function's contract says.
    unsafe {
        block(client, &mut move |d| {
            let list = or_return!(filters(filters_list, count));
            outcome(blocking::unsubscribe(d, filter_iter(list), timeout_ms))
        })
    }
}

/// Queues an UNSUBSCRIBE without blocking. Returns `MQTT_RS_IN_PROGRESS`; the outcome is
/// a `MQTT_RS_EVENT_UNSUBSCRIBE_DONE` event with the id stored in `packet_id_out` (may be NULL).
///
/// @param client A connected client.
/// @param filters_list `count` NUL-terminated UTF-8 topic filters.
/// @param count Number of entries in `filters_list` (1 to 65,535).
/// @param packet_id_out Receives the packet id of the request; may be NULL.
/// @return `MQTT_RS_IN_PROGRESS` when queued;
///         `MQTT_RS_INFLIGHT_FULL` / `MQTT_RS_BUSY` when there is no room yet;
///         `MQTT_RS_WRONG_STATE` when not connected; `MQTT_RS_INVALID_TOPIC`;
///         `MQTT_RS_NULL_ARGUMENT` / `MQTT_RS_INVALID_ARGUMENT` (count 0, not UTF-8).
///
/// # Safety
///
/// `client` is NULL or points to `mqtt_rs_client` storage that stays at its address and is
/// used by no other thread without the configured lock. `filters_list`, `packet_id_out`:
/// each NULL or valid for the reads and writes described above, for as long as described
/// above.
#[no_mangle]
pub unsafe extern "C" fn mqtt_rs_client_begin_unsubscribe(
    client: *mut mqtt_rs_client,
    filters_list: *const *const c_char,
    count: usize,
    packet_id_out: *mut u16,
) -> mqtt_rs_result {
    // SAFETY: `client` is NULL or client storage; `filters_list` and its filters NULL or
    // valid for the call, as this function's contract says.
    let queued = unsafe { queue(client, |session| session.unsubscribe(filter_iter(filters(filters_list, count)?)).map_err(Into::into)) };
    // SAFETY: `packet_id_out` is NULL or valid for writes (this function's contract).
    unsafe { in_progress(queued, packet_id_out) }
}

///
/// # Safety
/// As [`store`].
unsafe fn in_progress(queued: Result<u16, mqtt_rs_result>, packet_id_out: *mut u16) -> mqtt_rs_result {
    // SAFETY: the caller upholds this function's `# Safety` contract.
    unsafe {
        match queued {
            Ok(id) => {
                store(packet_id_out, id);
                MQTT_RS_IN_PROGRESS
            }
            Err(e) => e,
        }
    }
}

/// Keeps the connection going for `timeout_ms`: delivers messages and events, answers
/// acknowledgements, sends keepalive pings. Returns early only on failure.
///
/// @param client An initialised client.
/// @param timeout_ms How long to keep the connection going.
/// @return `MQTT_RS_OK` when the time passed with the connection healthy;
///         `MQTT_RS_NOT_CONNECTED` if there was no connection;
///         `MQTT_RS_CALLED_FROM_CALLBACK` from inside a callback of this client;
///         or the error that ended the connection.
///
/// ```c
/// for (;;) {
///     rc = mqtt_rs_client_wait(&client, 1000);
///     if (rc != MQTT_RS_OK) { // reconnect }
/// }
/// ```
///
/// # Safety
///
/// `client` is NULL or points to `mqtt_rs_client` storage that stays at its address and is
/// used by no other thread without the configured lock.
#[no_mangle]
pub unsafe extern "C" fn mqtt_rs_client_wait(client: *mut mqtt_rs_client, timeout_ms: u32) -> mqtt_rs_result {
    // SAFETY: `client` is NULL or client storage used as this function's contract says.
    unsafe { block(client, &mut move |d| outcome(blocking::run(d, Goal::Elapsed, timeout_ms))) }
}

/// Sends DISCONNECT, writes it out (up to `timeout_ms`) and closes the network. The broker
/// then discards the will. Closes the network also when not connected at the MQTT level.
///
/// @param client An initialised client.
/// @param timeout_ms Time budget for writing DISCONNECT out.
/// @return `MQTT_RS_OK` when DISCONNECT was written and the network closed;
///         `MQTT_RS_NOT_CONNECTED` if there was no connection;
///         `MQTT_RS_TIMEOUT` (the connection is closed anyway);
///         `MQTT_RS_CALLED_FROM_CALLBACK` from inside a callback of this client;
///         or the error that ended the connection while writing.
///
/// # Safety
///
/// `client` is NULL or points to `mqtt_rs_client` storage that stays at its address and is
/// used by no other thread without the configured lock.
#[no_mangle]
pub unsafe extern "C" fn mqtt_rs_client_disconnect(client: *mut mqtt_rs_client, timeout_ms: u32) -> mqtt_rs_result {
    // SAFETY: `client` is NULL or client storage used as this function's contract says.
    unsafe { block(client, &mut move |d| outcome(blocking::disconnect(d, timeout_ms))) }
}

/// Queues DISCONNECT without blocking; the network closes once `mqtt_rs_client_poll()`
/// has written it (event `MQTT_RS_EVENT_DISCONNECTED` with `MQTT_RS_OK`).
/// Returns `MQTT_RS_IN_PROGRESS`, `MQTT_RS_OK` if it closed at once, `MQTT_RS_NOT_CONNECTED`,
/// or `MQTT_RS_BUSY` when the transmit buffer is full (poll, then retry).
///
/// @param client An initialised client.
/// @return `MQTT_RS_IN_PROGRESS` when queued; `MQTT_RS_OK` if the network closed at once;
///         `MQTT_RS_NOT_CONNECTED`; `MQTT_RS_BUSY` when the transmit buffer is full;
///         `MQTT_RS_CALLED_FROM_CALLBACK` from inside a callback of this client.
///
/// # Safety
///
/// `client` is NULL or points to `mqtt_rs_client` storage that stays at its address and is
/// used by no other thread without the configured lock.
#[no_mangle]
pub unsafe extern "C" fn mqtt_rs_client_begin_disconnect(client: *mut mqtt_rs_client) -> mqtt_rs_result {
    // SAFETY: `client` is NULL or client storage used as this function's contract says.
    let started = unsafe {
        drive(client, |d| {
            d.begin_disconnect()?;
            Ok(d.session().is_open())
        })
    };
    match started {
        Err(e) => e,
        Ok(true) => MQTT_RS_IN_PROGRESS,
        Ok(false) => MQTT_RS_OK,
    }
}

/// Does all pending I/O without blocking (callbacks get timeout 0): connects, writes
/// queued packets in one batch, reads and delivers messages and events, sends pings.
///
/// `sleep_ms` (may be NULL) receives how long the caller may sleep before the next
/// timer is due (keepalive); `UINT32_MAX` if none. Wake earlier when the network has data,
/// or can take data while `mqtt_rs_client_wants_write()` is true.
///
/// @param client An initialised client.
/// @param sleep_ms Receives the time until the next timer in milliseconds; may be NULL.
/// @return `MQTT_RS_OK` while the connection is healthy (or being set up);
///         `MQTT_RS_NOT_CONNECTED` if there is no connection;
///         `MQTT_RS_CALLED_FROM_CALLBACK` from inside a callback of this client;
///         or the error that just ended the connection (also reported as
///         `MQTT_RS_EVENT_DISCONNECTED`).
///
/// @code{.c}
/// uint32_t sleep_ms;
/// while (mqtt_rs_client_poll(&client, &sleep_ms) == MQTT_RS_OK) {
///     wait_for_socket_or_timeout(sleep_ms);   // e.g. poll(2) on your socket
/// }
/// @endcode
///
/// # Safety
///
/// `client` is NULL or points to `mqtt_rs_client` storage that stays at its address and is
/// used by no other thread without the configured lock. `sleep_ms` is NULL or valid for
/// the reads and writes described above, for as long as described above.
#[no_mangle]
pub unsafe extern "C" fn mqtt_rs_client_poll(client: *mut mqtt_rs_client, sleep_ms: *mut u32) -> mqtt_rs_result {
    // The sleep time is stored and the result made inside the driving call, so that one
    // value comes out of it (one test of the outcome instead of two).
    // SAFETY: `client` is NULL or client storage, `sleep_ms` NULL or valid for writes, used
    // as this function's contract says.
    let done = unsafe {
        // Hosted targets inline the pass into this entry (see `Driver::poll`), through this
        // closure too: left to the compiler it stayed a call with the driver built for it.
        drive(
            client,
            #[cfg_attr(not(target_os = "none"), inline(always))]
            move |d| {
                Ok(match d.poll() {
                    Ok(sleep) => {
                        store(sleep_ms, sleep);
                        MQTT_RS_OK
                    }
                    Err(e) => e.into(),
                })
            },
        )
    };
    done.unwrap_or_else(|refused| refused)
}

/// True while `client` has bytes to write that the network has not taken yet, or is
/// opening its connection. A non-blocking loop then also waits for the socket to become
/// writable (not only readable, or `sleep_ms`), and polls when it is. When it turns false
/// after a QoS 0 `mqtt_rs_client_begin_publish()`, that message's memory is free again.
/// False for NULL.
///
/// @param client A client; NULL gives false.
/// @return True while bytes wait to be written or the connection is opening.
///
/// # Safety
///
/// `client` is NULL or points to `mqtt_rs_client` storage that stays at its address and is
/// used by no other thread without the configured lock.
#[no_mangle]
pub unsafe extern "C" fn mqtt_rs_client_wants_write(client: *const mqtt_rs_client) -> bool {
    // SAFETY: `client` is NULL or client storage used as this function's contract says.
    unsafe { query(client, |s| s.wants_write()) }.unwrap_or(false)
}

/// True when CONNACK accepted the connection and it has not ended. False for NULL.
///
/// @param client A client; NULL gives false.
/// @return True between an accepted CONNACK and the end of that connection.
///
/// # Safety
///
/// `client` is NULL or points to `mqtt_rs_client` storage that stays at its address and is
/// used by no other thread without the configured lock.
#[no_mangle]
pub unsafe extern "C" fn mqtt_rs_client_is_connected(client: *const mqtt_rs_client) -> bool {
    // SAFETY: `client` is NULL or client storage used as this function's contract says.
    unsafe { query(client, |s| s.is_connected()) }.unwrap_or(false)
}

/// Outgoing QoS 1/2 messages not yet completed (0 for NULL). With a persistent session
/// they survive a lost connection and are resent on the next connect.
///
/// @param client A client; NULL gives 0.
/// @return The number of outgoing QoS 1/2 flows not yet completed.
///
/// # Safety
///
/// `client` is NULL or points to `mqtt_rs_client` storage that stays at its address and is
/// used by no other thread without the configured lock.
#[no_mangle]
pub unsafe extern "C" fn mqtt_rs_client_inflight_count(client: *const mqtt_rs_client) -> usize {
    // SAFETY: `client` is NULL or client storage used as this function's contract says.
    unsafe { query(client, |s| s.engine().inflight()) }.unwrap_or(0)
}

/// Acknowledgements (PUBACK, PUBREC, PUBCOMP) the broker sent for packet ids with no
/// flow under way, since `mqtt_rs_client_init()` (0 for NULL; stops at 65,535). MQTT 3.1.1 peers ignore
/// them and so does this client (a PUBREC is still answered with PUBREL, so the broker can
/// release it); a count that grows points at a broker bug or a resent session. An
/// acknowledgement of the wrong kind for a flow under way (PUBREC for a QoS 1 message)
/// still ends the connection with `MQTT_RS_UNKNOWN_PACKET_ID`.
///
/// @param client A client; NULL gives 0.
/// @return The number of acknowledgements ignored since init (at most 65,535).
///
/// # Safety
///
/// `client` is NULL or points to `mqtt_rs_client` storage that stays at its address and is
/// used by no other thread without the configured lock.
#[no_mangle]
pub unsafe extern "C" fn mqtt_rs_client_ignored_acks(client: *const mqtt_rs_client) -> u32 {
    // SAFETY: `client` is NULL or client storage used as this function's contract says.
    unsafe { query(client, |s| u32::from(s.engine().ignored_acks())) }.unwrap_or(0)
}
