//! `mqtt_rs_reconnect_*`: a supervisor in caller memory that keeps a client connected.
//! It drives the client like `mqtt_rs_client_poll()` and, when the connection is lost,
//! waits a backoff delay (exponential, full jitter) and reconnects, failing over along a
//! list of brokers, with the session resumed: unacknowledged QoS 1/2 messages are resent
//! in order, and TLS resumes through the client's session cache. While disconnected,
//! `mqtt_rs_reconnect_publish()` keeps messages for the next connection (the offline
//! queue). Nothing here is linked unless the application calls it.

#![allow(non_camel_case_types)]

use super::check::*;
use super::client::begin_connect;
use super::handle::{drive, drive_tracked, query, queue};
use super::net::Net;
use super::offline::{Qos0Queue, Refused};
use super::persist::{self, mqtt_rs_persist_record, mqtt_rs_persist_remove_cb, mqtt_rs_persist_store_cb, Store};
use super::result::mqtt_rs_result::{self, *};
use super::types::*;
use crate::codec::QoS;
use crate::engine::{self, Event};
use crate::transport::client::{Error, Session, Step};
use crate::transport::reconnect::{self, Backoff, Seen, Watching};
use core::ffi::{c_char, c_void};

#[cfg(feature = "mqtt5")]
mod referral;

/// One broker to connect to.
#[repr(C)]
pub struct mqtt_rs_broker {
    /// Host name or address for the connect callback (and the TLS server name, unless
    /// the TLS options set one), NUL-terminated.
    pub host: *const c_char,
    /// TCP port.
    pub port: u16,
}

/// What a reconnect event reports. Crosses the boundary as `int32_t`; C only reads it.
#[repr(i32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum mqtt_rs_reconnect_event_kind {
    /// The connection was lost or an attempt failed (`reason`); attempt `attempt` to
    /// broker `broker` starts in `delay_ms`.
    MQTT_RS_RECONNECT_SCHEDULED = 0,
    /// CONNACK accepted attempt `attempt` at broker `broker`; `session_present` tells
    /// whether the broker resumed the session (else it lost its queued messages and
    /// subscriptions: subscribe again).
    MQTT_RS_RECONNECT_CONNECTED = 1,
    /// The application disconnected (or called `mqtt_rs_reconnect_stop()`): no more attempts.
    MQTT_RS_RECONNECT_STOPPED = 2,
}

/// A reconnect event. Valid only during the `on_reconnect` callback.
#[repr(C)]
pub struct mqtt_rs_reconnect_event {
    /// What happened.
    pub kind: mqtt_rs_reconnect_event_kind,
    /// Attempt number since the last stable connection (1 for the first retry; 0 for the
    /// first connection).
    pub attempt: u32,
    /// SCHEDULED: milliseconds until the attempt.
    pub delay_ms: u32,
    /// SCHEDULED: the clock reading (`now_ms`) at which the attempt starts.
    pub deadline_ms: u32,
    /// Index into `brokers` of the broker concerned.
    pub broker: usize,
    /// CONNECTED: the broker resumed the stored session.
    pub session_present: bool,
    /// SCHEDULED: why the connection ended or the attempt failed.
    pub reason: mqtt_rs_result,
    /// MQTT 5.0, SCHEDULED and CONNECTED: the server a broker named in its Server
    /// Reference (see `server_reference_buf`) that the attempt goes (went) to instead of
    /// `brokers[broker]`, the broker that named it; NULL otherwise.
    #[cfg(feature = "mqtt5")]
    pub referred_host: *const c_char,
    /// MQTT 5.0: the port of `referred_host` (0 without one).
    #[cfg(feature = "mqtt5")]
    pub referred_port: u16,
}

/// Receives reconnect events, from inside `mqtt_rs_reconnect_poll()` (after the client's
/// own callbacks, outside them: every client call is allowed here).
pub type mqtt_rs_reconnect_cb = Option<unsafe extern "C" fn(userdata: *mut c_void, event: *const mqtt_rs_reconnect_event)>;
/// Returns 32 random bits for the backoff jitter (a TRNG, or any PRNG seeded per device).
pub type mqtt_rs_random_cb = Option<unsafe extern "C" fn(userdata: *mut c_void) -> u32>;
/// Sleeps `ms` milliseconds (`mqtt_rs_reconnect_wait()` between attempts, while no
/// connection is open to wait on).
pub type mqtt_rs_sleep_cb = Option<unsafe extern "C" fn(userdata: *mut c_void, ms: u32)>;

/// Reconnect settings. Fill with `mqtt_rs_reconnect_config_init()` first, then set fields.
/// What the pointers point to must outlive the `mqtt_rs_reconnect`.
#[repr(C)]
pub struct mqtt_rs_reconnect_config {
    /// Connect options for every attempt (`host` and `port` are taken from `brokers`).
    /// `clean_session` must be false, with a client id: the session is what resumes.
    pub options: *const mqtt_rs_connect_options,
    /// Brokers in order of preference: a failed attempt moves to the next (wrapping);
    /// a lost connection is first retried at the same broker.
    pub brokers: *const mqtt_rs_broker,
    /// Number of `brokers` (at least 1).
    pub broker_count: usize,
    /// Shortest wait before a retry (default 1,000 ms).
    pub min_delay_ms: u32,
    /// Longest wait before a retry (default 60,000 ms).
    pub max_delay_ms: u32,
    /// A connection up this long resets the attempt count (default 30,000 ms).
    pub stable_ms: u32,
    /// Randomness for the jitter; NULL: a xorshift generator seeded with `seed`.
    pub random: mqtt_rs_random_cb,
    /// Seed when `random` is NULL: make it differ per device (serial number, TRNG
    /// reading), or devices that lost the same broker retry in step.
    pub seed: u32,
    /// Buffer for QoS 0 messages published while disconnected (NULL: QoS 0 is refused
    /// while disconnected with `MQTT_RS_NOT_CONNECTED`). Each takes 7 bytes plus topic and payload.
    pub qos0_buf: *mut u8,
    /// Length of `qos0_buf`.
    pub qos0_len: usize,
    /// When `qos0_buf` is full: false (default) drops the oldest QoS 0 messages to make
    /// room (counted in `qos0_dropped`); true refuses the new one with
    /// `MQTT_RS_OFFLINE_QUEUE_FULL`.
    pub qos0_refuse_newest: bool,
    /// Opt-in (default false): the QoS 0 offline queue survives a reset too (beside
    /// `qos0_buf`, where it costs no struct space). Needs the persistence hooks below and
    /// `qos0_buf`. Each QoS 0 message kept while disconnected goes to `persist_store`
    /// (`qos` 0, packet id 0, `order` one more than the previous QoS 0 record's) before
    /// `mqtt_rs_reconnect_publish()` returns; when the store fails, the message is not
    /// queued (`MQTT_RS_PERSIST_REFUSED`). `persist_remove` with packet id 0 forgets the
    /// oldest QoS 0 record once that message is in the transmit buffer (before it is
    /// written) or was dropped to make room. Give the records back with
    /// `mqtt_rs_reconnect_restore()`. Costs a store write per QoS 0 message kept offline.
    pub persist_qos0: bool,
    /// Reconnect events (may be NULL).
    pub on_reconnect: mqtt_rs_reconnect_cb,
    /// Sleep for `mqtt_rs_reconnect_wait()` (may be NULL if only polling is used).
    pub sleep: mqtt_rs_sleep_cb,
    /// Saves an unfinished QoS 1/2 flow (NULL: no store; needs the cargo feature
    /// `persist`, CMake `MQTT_RS_PERSIST`). Called inside `mqtt_rs_reconnect_publish()`
    /// before it returns, and when a QoS 2 flow's PUBREC arrives (`released`), before its
    /// PUBREL is written: return 0 only once the record is durable. Also called with
    /// `incoming` for an incoming QoS 2 message, before it reaches `on_message`: the id
    /// must become durable together with the message's effect, before `on_message`
    /// returns. See README "Persistence" for what must be durable when.
    pub persist_store: mqtt_rs_persist_store_cb,
    /// Forgets a completed flow's record, or (`incoming`) a released incoming id, durably
    /// before the PUBCOMP is written (set with `persist_store`, or both NULL).
    pub persist_remove: mqtt_rs_persist_remove_cb,
    /// Where the MQTT 5.0 properties of a flow are encoded for `persist_store` (the
    /// record's `properties` point into it during the call); NULL: none, and
    /// `mqtt_rs_reconnect_publish_v5()` with properties and a store returns
    /// `MQTT_RS_BUFFER_TOO_SMALL`. Size it for the largest property section published
    /// (1 to 4 bytes of length plus each property: 5 bytes for a message expiry, 3 plus
    /// the string for a content type or response topic, 5 plus both strings per user
    /// property); only the supervisor's calls write it.
    pub persist_buf: *mut u8,
    /// Length of `persist_buf`.
    pub persist_buf_len: usize,
    /// Passed to `on_reconnect`, `random` and `sleep`.
    pub userdata: *mut c_void,
    /// MQTT 5.0: memory for following a broker's Server Reference (NULL, the default: not
    /// followed; the client's `MQTT_RS_EVENT_DISCONNECTED` still carries it). When the
    /// broker ends the connection (DISCONNECT) or refuses it (CONNACK) with 0x9C "use
    /// another server" or 0x9D "server moved" and names a server, the host of the first
    /// reference (`host`, `host:port`, `[IPv6]`, `[IPv6]:port`) is copied here,
    /// NUL-terminated, and the next attempt goes there (to the port of the connection that
    /// was referred when it names none; with TLS the certificate must match that host
    /// unless the TLS options set a server name). Lost later, that connection is retried
    /// there first; a failed attempt there returns to `brokers`, after the broker that
    /// referred. A reference that is malformed or does not fit is not followed.
    #[cfg(feature = "mqtt5")]
    pub server_reference_buf: *mut c_char,
    /// Length of `server_reference_buf`: hosts up to one byte shorter are followed.
    #[cfg(feature = "mqtt5")]
    pub server_reference_len: usize,
}

/// A reconnecting supervisor of one client, in caller memory. Initialise with
/// `mqtt_rs_reconnect_init()`; the application may read the counters, and must not write
/// any field.
#[repr(C)]
pub struct mqtt_rs_reconnect {
    /// The configuration (copied at init).
    pub config: mqtt_rs_reconnect_config,
    /// The supervised client.
    pub client: *mut mqtt_rs_client,
    /// Attempts since the last stable connection.
    pub attempt: u32,
    /// Clock reading (`now_ms`) at which the next attempt starts, while waiting.
    pub next_attempt_at: u32,
    /// Clock reading when the current connection came up.
    pub connected_at: u32,
    /// Index of the broker in use or next tried.
    pub broker: usize,
    /// Connections made (CONNACK accepted) since init.
    pub connections: u32,
    /// QoS 0 messages dropped from the offline queue to make room (oldest first).
    pub qos0_dropped: u32,
    /// Times `persist_store` failed.
    pub persist_failures: u32,
    /// Library state: where the supervisor stands.
    pub phase: u8,
    /// Library state: the xorshift generator.
    pub rng: u32,
    /// Library state: the `order` of the next QoS 0 record (`persist_qos0`).
    pub qos0_order: u32,
    /// Library state: the queued QoS 0 bytes, `qos0_buf[qos0_start..qos0_end]`.
    pub qos0_start: usize,
    /// See `qos0_start`.
    pub qos0_end: usize,
    /// MQTT 5.0, library state: the port of the referred server in `server_reference_buf`
    /// that the next attempt or the connection uses; 0: none, `brokers[broker]` is used.
    #[cfg(feature = "mqtt5")]
    pub referred_port: u16,
}

/// Waiting for `next_attempt_at`.
const WAITING: u8 = 0;
/// An attempt is under way (network, TLS or CONNACK).
const CONNECTING: u8 = 1;
/// Connected.
const CONNECTED: u8 = 2;
/// No more attempts.
const STOPPED: u8 = 3;

/// Fills `config` with defaults: 1 s to 60 s backoff, reset after 30 s up, seed 1, no
/// QoS 0 buffer, drop-oldest policy, no callbacks. Does nothing if `config` is NULL.
///
/// @param config The configuration to fill; may be NULL.
///
/// # Safety
///
/// `config` is NULL or valid for writes.
#[no_mangle]
pub unsafe extern "C" fn mqtt_rs_reconnect_config_init(config: *mut mqtt_rs_reconnect_config) {
    // SAFETY: `config` is NULL or valid for writes (this function's contract).
    if let Some(c) = unsafe { opt_mut(config) } {
        *c = mqtt_rs_reconnect_config {
            options: core::ptr::null(),
            brokers: core::ptr::null(),
            broker_count: 0,
            min_delay_ms: 1_000,
            max_delay_ms: 60_000,
            stable_ms: 30_000,
            random: None,
            seed: 1,
            qos0_buf: core::ptr::null_mut(),
            qos0_len: 0,
            qos0_refuse_newest: false,
            persist_qos0: false,
            on_reconnect: None,
            sleep: None,
            persist_store: None,
            persist_remove: None,
            persist_buf: core::ptr::null_mut(),
            persist_buf_len: 0,
            userdata: core::ptr::null_mut(),
            #[cfg(feature = "mqtt5")]
            server_reference_buf: core::ptr::null_mut(),
            #[cfg(feature = "mqtt5")]
            server_reference_len: 0,
        };
    }
}

/// Sets up `rc` to keep `client` connected. The first attempt starts at the next
/// `mqtt_rs_reconnect_poll()` or `mqtt_rs_reconnect_wait()`; from then on drive the client
/// through those two (not `mqtt_rs_client_poll`/`_wait`/`_connect`).
///
/// @param rc Caller storage for the supervisor; keep it at a fixed address.
/// @param client An initialised, unconnected client (TLS set up first if wanted).
/// @param config Settings; the struct is copied, what it points to is borrowed.
/// @return `MQTT_RS_OK`; `MQTT_RS_NULL_ARGUMENT` if a pointer (also `options`, `brokers`)
///         is NULL; `MQTT_RS_INVALID_ARGUMENT` if `broker_count` is 0, `clean_session`
///         is true, the client id is empty, `min_delay_ms > max_delay_ms`, only one of
///         the persistence hooks is set, or `persist_qos0` is set without both hooks or
///         without `qos0_buf`; `MQTT_RS_PERSIST_NOT_BUILT` for hooks in a build without
///         `persist`.
///
/// # Safety
///
/// `rc`, `client` and `config` are NULL or valid; `client` is client storage;
/// `config->options`, `config->brokers` (`broker_count` entries), the strings they point
/// to and `qos0_buf` (`qos0_len` bytes) stay valid as long as `rc` is used.
#[no_mangle]
pub unsafe extern "C" fn mqtt_rs_reconnect_init(
    rc: *mut mqtt_rs_reconnect,
    client: *mut mqtt_rs_client,
    config: *const mqtt_rs_reconnect_config,
) -> mqtt_rs_result {
    // SAFETY: each pointer is NULL or valid (this function's contract).
    let (config, options) = match unsafe { (try_ref(config), opt_ref(config).map(|c| try_ref(c.options))) } {
        (Ok(c), Some(Ok(o))) => (c, o),
        _ => return MQTT_RS_NULL_ARGUMENT,
    };
    let unbacked = |buf: *mut u8, len: usize| buf.is_null() && len != 0;
    if rc.is_null()
        || client.is_null()
        || config.brokers.is_null()
        || unbacked(config.qos0_buf, config.qos0_len)
        || unbacked(config.persist_buf, config.persist_buf_len)
    {
        return MQTT_RS_NULL_ARGUMENT;
    }
    // SAFETY: `client_id` is NULL or a C string (the options' contract).
    let named = unsafe { opt_str(options.client_id) }.is_ok_and(|id| id.is_some_and(|id| !id.is_empty()));
    if config.broker_count == 0 || options.clean_session || !named || config.min_delay_ms > config.max_delay_ms {
        return MQTT_RS_INVALID_ARGUMENT;
    }
    if let Err(e) = persist::check(&config.store()) {
        return e;
    }
    if config.persist_qos0 && (config.qos0_buf.is_null() || config.qos0_len == 0) {
        return MQTT_RS_INVALID_ARGUMENT;
    }
    // SAFETY: `config` is valid for reads and its fields are plain C data (pointers,
    // integers, function pointers): a bitwise copy is a valid value.
    let config = unsafe { core::ptr::read(config) };
    let qos0_len = if config.qos0_buf.is_null() { 0 } else { config.qos0_len };
    let rng = if config.seed == 0 { 0x9e37_79b9 } else { config.seed };
    #[cfg(feature = "mqtt5")]
    let (server_reference_buf, server_reference_len) = referral::checked(&config);
    let state = mqtt_rs_reconnect {
        config: mqtt_rs_reconnect_config {
            qos0_len,
            #[cfg(feature = "mqtt5")]
            server_reference_buf,
            #[cfg(feature = "mqtt5")]
            server_reference_len,
            ..config
        },
        client,
        attempt: 0,
        next_attempt_at: 0,
        connected_at: 0,
        broker: 0,
        connections: 0,
        qos0_dropped: 0,
        persist_failures: 0,
        phase: WAITING,
        rng,
        qos0_order: 0,
        qos0_start: 0,
        qos0_end: 0,
        #[cfg(feature = "mqtt5")]
        referred_port: 0,
    };
    // SAFETY: `rc` is non-NULL and valid for writes (this function's contract).
    unsafe { rc.write(state) };
    // The first attempt is due at once.
    // SAFETY: as above, `rc` now holds a supervisor.
    let rc = unsafe { &mut *rc };
    rc.next_attempt_at = now(rc).unwrap_or(0);
    MQTT_RS_OK
}

/// Drives the client without blocking: reads, writes, delivers callbacks, and when the
/// connection is lost schedules and starts the reconnect attempts. Never fails because
/// the connection failed (that is reported by `on_reconnect`).
///
/// @param rc An initialised supervisor.
/// @param sleep_ms Receives how long the caller may sleep before the next deadline: the
///        next attempt, a keepalive ping, or a short poll interval while connecting; may
///        be NULL.
/// @return `MQTT_RS_OK`; `MQTT_RS_NOT_CONNECTED` once stopped; `MQTT_RS_NULL_ARGUMENT`;
///         `MQTT_RS_CALLED_FROM_CALLBACK` from inside a callback of the client; or the
///         error of the connect options (checked at each attempt: nothing is retried then).
///
/// # Safety
///
/// `rc` is NULL or an initialised supervisor whose borrowed memory is still valid;
/// `sleep_ms` is NULL or valid for writes.
#[no_mangle]
pub unsafe extern "C" fn mqtt_rs_reconnect_poll(rc: *mut mqtt_rs_reconnect, sleep_ms: *mut u32) -> mqtt_rs_result {
    // SAFETY: `rc` is NULL or an initialised supervisor (this function's contract).
    let Some(rc) = (unsafe { opt_mut(rc) }) else {
        return MQTT_RS_NULL_ARGUMENT;
    };
    // SAFETY: as this function's contract says.
    match unsafe { step(rc, 0) } {
        Ok(sleep) => {
            // SAFETY: `sleep_ms` is NULL or valid for writes (this function's contract).
            unsafe { store(sleep_ms, sleep) };
            MQTT_RS_OK
        }
        Err(e) => e,
    }
}

/// Keeps the client connected for `timeout_ms`: a loop over the non-blocking step that
/// waits on the network while connected and calls `config.sleep` while waiting for the
/// next attempt.
///
/// @param rc An initialised supervisor whose config has a `sleep` callback.
/// @param timeout_ms How long to run.
/// @return `MQTT_RS_OK` when the time is up; `MQTT_RS_INVALID_ARGUMENT` without `sleep`;
///         otherwise as `mqtt_rs_reconnect_poll()`.
///
/// # Safety
///
/// As `mqtt_rs_reconnect_poll()`.
#[no_mangle]
pub unsafe extern "C" fn mqtt_rs_reconnect_wait(rc: *mut mqtt_rs_reconnect, timeout_ms: u32) -> mqtt_rs_result {
    // SAFETY: `rc` is NULL or an initialised supervisor (this function's contract).
    let Some(rc) = (unsafe { opt_mut(rc) }) else {
        return MQTT_RS_NULL_ARGUMENT;
    };
    let Some(sleep) = rc.config.sleep else {
        return MQTT_RS_INVALID_ARGUMENT;
    };
    let start = match now(rc) {
        Ok(t) => t,
        Err(e) => return e,
    };
    loop {
        let elapsed = now(rc).map(|t| t.wrapping_sub(start)).unwrap_or(timeout_ms);
        let Some(left) = timeout_ms.checked_sub(elapsed).filter(|l| *l > 0) else {
            return MQTT_RS_OK;
        };
        // SAFETY: as this function's contract says.
        let pause = match unsafe { step(rc, left) } {
            Ok(pause) => pause.min(left),
            Err(e) => return e,
        };
        if rc.phase == WAITING && pause > 0 {
            // SAFETY: the application registered this callback for this userdata.
            unsafe { sleep(rc.config.userdata, pause) };
        }
    }
}

/// Stops reconnecting (an `MQTT_RS_RECONNECT_STOPPED` event follows); the connection, if
/// up, stays up until `mqtt_rs_client_disconnect()`. Does nothing for NULL.
///
/// @param rc An initialised supervisor, or NULL.
///
/// # Safety
///
/// `rc` is NULL or an initialised supervisor.
#[no_mangle]
pub unsafe extern "C" fn mqtt_rs_reconnect_stop(rc: *mut mqtt_rs_reconnect) {
    // SAFETY: `rc` is NULL or an initialised supervisor (this function's contract).
    if let Some(rc) = unsafe { opt_mut(rc) } {
        if rc.phase != STOPPED {
            rc.phase = STOPPED;
            emit(rc, mqtt_rs_reconnect_event_kind::MQTT_RS_RECONNECT_STOPPED, 0, false, MQTT_RS_OK);
        }
    }
}

/// Publishes now if connected, else keeps the message for the next connection (the
/// offline queue): QoS 1/2 in an in-flight slot (sent after the resends, in order),
/// QoS 0 copied into `qos0_buf`. Does not block.
///
/// For QoS 1/2, `topic` and `payload` stay borrowed until the flow's
/// `MQTT_RS_EVENT_PUBLISH_DONE`, as with `mqtt_rs_client_begin_publish()`; QoS 0 is copied.
///
/// @param rc An initialised supervisor.
/// @param topic NUL-terminated UTF-8 topic name, no wildcards.
/// @param payload The payload bytes; may be NULL when `payload_len` is 0.
/// @param payload_len Length of `payload`.
/// @param qos 0, 1 or 2.
/// @param retain Retain flag.
/// @param packet_id_out Receives the packet id (0 for QoS 0); may be NULL.
/// @return `MQTT_RS_OK` (QoS 0 queued or kept); `MQTT_RS_IN_PROGRESS` (QoS 1/2 queued or
///         kept); `MQTT_RS_OFFLINE_QUEUE_FULL` while disconnected when every slot the
///         window may use is taken (QoS 1/2) or `qos0_buf` is full under the refuse-newest
///         policy (QoS 0): nothing was queued, publish again after reconnect;
///         `MQTT_RS_INFLIGHT_FULL` / `MQTT_RS_BUSY` while connected (poll, then retry);
///         `MQTT_RS_NOT_CONNECTED` for QoS 0 while disconnected without `qos0_buf`;
///         `MQTT_RS_BUFFER_TOO_SMALL` for a QoS 0 message larger than `qos0_buf` or the
///         transmit buffer; `MQTT_RS_NOT_CONNECTED` once stopped;
///         `MQTT_RS_PERSIST_FAILED` when `persist_store` failed: the message is queued
///         (`packet_id_out` is set) but not saved, so a reset before it completes loses it;
///         `MQTT_RS_PERSIST_REFUSED` for QoS 0 while disconnected with `persist_qos0` when
///         `persist_store` failed: nothing was queued (counted in `persist_failures`);
///         the argument errors of `mqtt_rs_client_begin_publish()`.
///
/// # Safety
///
/// `rc` is NULL or an initialised supervisor; `topic`, `payload`, `packet_id_out` NULL or
/// valid, `topic` and `payload` (QoS 1/2) until the flow ends.
#[no_mangle]
pub unsafe extern "C" fn mqtt_rs_reconnect_publish(
    rc: *mut mqtt_rs_reconnect,
    topic: *const c_char,
    payload: *const u8,
    payload_len: usize,
    qos: u8,
    retain: bool,
    packet_id_out: *mut u16,
) -> mqtt_rs_result {
    // SAFETY: as this function's contract says; no properties.
    unsafe {
        publish(
            rc,
            topic,
            payload,
            payload_len,
            qos,
            retain,
            packet_id_out,
            #[cfg(feature = "mqtt5")]
            core::ptr::null(),
        )
    }
}

/// `mqtt_rs_reconnect_publish()`, with the MQTT 5.0 properties of `options` (NULL: none)
/// on a QoS 1/2 flow, kept in its slot and in its persistence record.
///
/// # Safety
/// As `mqtt_rs_reconnect_publish()`; `options` is NULL or valid, with what it points to,
/// until the flow ends, and checked by the caller.
#[allow(clippy::too_many_arguments)]
pub(super) unsafe fn publish(
    rc: *mut mqtt_rs_reconnect,
    topic: *const c_char,
    payload: *const u8,
    payload_len: usize,
    qos: u8,
    retain: bool,
    packet_id_out: *mut u16,
    #[cfg(feature = "mqtt5")] options: *const super::v5::mqtt_rs_publish_options,
) -> mqtt_rs_result {
    // SAFETY: `rc` is NULL or an initialised supervisor (this function's contract).
    let Some(rc) = (unsafe { opt_mut(rc) }) else {
        return MQTT_RS_NULL_ARGUMENT;
    };
    if rc.phase == STOPPED {
        return MQTT_RS_NOT_CONNECTED;
    }
    // SAFETY: `topic` and `payload` are NULL or valid until the flow ends (contract).
    let (topic, payload) = match unsafe { (try_str(topic), try_slice(payload, payload_len)) } {
        (Ok(t), Ok(p)) => (t, p),
        (Err(e), _) | (_, Err(e)) => return e,
    };
    let Ok(qos) = QoS::from_bits(qos) else {
        return MQTT_RS_INVALID_ARGUMENT;
    };
    let client = rc.client;
    // SAFETY: `client` is client storage (init's contract); topic and payload are valid
    // until the flow ends, as the session requires.
    let (topic_ptr, topic_len, payload_ptr) = (topic.as_ptr(), topic.len(), payload.as_ptr());
    let flows = rc.store();
    // SAFETY: `client` is client storage (init's contract); topic and payload are valid
    // until the flow ends, as the session requires.
    let queued = unsafe {
        queue(client, |s| {
            // Re-borrowed for the session's lifetime (the closure's), which the contract
            // above (valid until the flow ends) gives.
            let topic = core::str::from_utf8(core::slice::from_raw_parts(topic_ptr, topic_len)).map_err(|_| MQTT_RS_INVALID_ARGUMENT)?;
            let payload = core::slice::from_raw_parts(payload_ptr, payload_len);
            #[cfg(feature = "mqtt5")]
            let properties = options.as_ref().map(|o| o as &dyn crate::codec::v5::PropertySource);
            let id = if s.is_connected() {
                #[cfg(feature = "mqtt5")]
                let sent = match properties {
                    Some(p) => s.publish_v5(topic, payload, qos, retain, p),
                    None => s.publish(topic, payload, qos, retain),
                };
                #[cfg(not(feature = "mqtt5"))]
                let sent = s.publish(topic, payload, qos, retain);
                match sent {
                    Err(Error::Engine(engine::Error::WindowFull | engine::Error::OutboxFull)) => Err(MQTT_RS_BUSY),
                    other => other.map_err(Into::into),
                }
            } else if qos == QoS::AtMostOnce {
                // The QoS 0 queue keeps no properties.
                #[cfg(feature = "mqtt5")]
                if properties.is_some() {
                    return Err(MQTT_RS_NOT_CONNECTED);
                }
                return qos0_fits(s, topic, payload).map(|()| None);
            } else {
                let kept = s.publish_offline(
                    topic,
                    payload,
                    qos,
                    retain,
                    #[cfg(feature = "mqtt5")]
                    properties,
                );
                match kept {
                    Err(engine::Error::WindowFull) => Err(MQTT_RS_OFFLINE_QUEUE_FULL),
                    other => other.map_err(Into::into),
                }
            }?;
            // Saved before the call returns, and before the next poll writes it.
            Ok(Some((id, qos == QoS::AtMostOnce || flows.save(s.engine(), id))))
        })
    };
    let (id, saved) = match queued {
        Ok(Some(queued)) => queued,
        Ok(None) => {
            let order = rc.qos0_order;
            return keep_qos0(rc, topic.as_bytes(), payload, retain, order, true);
        }
        Err(e) => return e,
    };
    // SAFETY: `packet_id_out` is NULL or valid for writes (this function's contract).
    unsafe { store(packet_id_out, id) };
    if !saved {
        rc.persist_failures = rc.persist_failures.saturating_add(1);
        return MQTT_RS_PERSIST_FAILED;
    }
    if qos == QoS::AtMostOnce {
        MQTT_RS_OK
    } else {
        MQTT_RS_IN_PROGRESS
    }
}

impl mqtt_rs_reconnect {
    /// The persistence hooks.
    pub(super) fn store(&self) -> Store {
        self.config.store()
    }
}

impl mqtt_rs_reconnect_config {
    /// The persistence hooks.
    fn store(&self) -> Store {
        Store {
            save: self.persist_store,
            remove: self.persist_remove,
            userdata: self.userdata,
            qos0: self.persist_qos0,
            #[cfg(feature = "mqtt5")]
            buf: self.persist_buf,
            #[cfg(feature = "mqtt5")]
            buf_len: self.persist_buf_len,
        }
    }
}

/// Puts back an unfinished flow that `persist_store` saved before a reset. Call once per
/// saved record, in increasing `order`, after `mqtt_rs_reconnect_init()` and before the
/// first poll: the flows are resent, in that order, after the first CONNACK (QoS 1 and
/// unreleased QoS 2 as PUBLISH with DUP, released QoS 2 as PUBREL). Each takes an in-flight
/// slot and ends with `MQTT_RS_EVENT_PUBLISH_DONE` (and `persist_remove`). A record with
/// `incoming` puts back the id of an incoming QoS 2 message (in any order; topic and
/// payload unused): it takes a slot until the broker's PUBREL, and the broker's resend of
/// that message is acknowledged and not delivered again. A record with `qos` 0 (saved with
/// `persist_qos0`, which must be set again) is copied into `qos0_buf`: give them in
/// increasing `order`; they are sent after the first CONNACK, as QoS 0 kept offline is.
///
/// @param rc An initialised supervisor that has not connected yet.
/// @param record A saved record; its topic and payload must stay valid until the flow's
///        `MQTT_RS_EVENT_PUBLISH_DONE`, and so must its MQTT 5.0 property bytes and,
///        when it has some, the record struct itself (they are read through it at each
///        resend); a record without properties is not kept.
/// @return `MQTT_RS_OK`; `MQTT_RS_INFLIGHT_FULL` when no slot is free or the packet id is
///         already restored (an outgoing flow; an incoming id restored twice is kept
///         once); `MQTT_RS_WRONG_STATE` after the first attempt began;
///         `MQTT_RS_INVALID_ARGUMENT` for QoS other than 1 or 2 or packet id 0, or a
///         property section that does not parse or holds a topic alias or subscription
///         identifier (MQTT 5.0 builds), or a QoS 0 record without `persist_qos0`;
///         `MQTT_RS_INVALID_TOPIC`, `MQTT_RS_NULL_ARGUMENT`. A QoS 0 record that does not
///         fit (`MQTT_RS_OFFLINE_QUEUE_FULL` under the refuse-newest policy,
///         `MQTT_RS_BUFFER_TOO_SMALL`) is not kept: remove it from the store (with the same
///         `qos0_buf` as before the reset every record fits).
///
/// # Safety
///
/// `rc` is NULL or an initialised supervisor; `record` is NULL or valid, it (with
/// properties), its topic, payload and properties valid as described above.
#[no_mangle]
pub unsafe extern "C" fn mqtt_rs_reconnect_restore(rc: *mut mqtt_rs_reconnect, record: *const mqtt_rs_persist_record) -> mqtt_rs_result {
    // SAFETY: `rc` and `record` are NULL or valid (this function's contract).
    let (Some(rc), Some(record)) = (unsafe { opt_mut(rc) }, unsafe { opt_ref(record) }) else {
        return MQTT_RS_NULL_ARGUMENT;
    };
    if rc.phase != WAITING || rc.connections != 0 || rc.attempt != 0 {
        return MQTT_RS_WRONG_STATE;
    }
    if !record.incoming && record.qos == 0 {
        // SAFETY: the record's topic and payload are valid for their lengths (this
        // function's contract); they are copied.
        return unsafe { restore_qos0(rc, record) };
    }
    // SAFETY: `rc.client` is client storage (init's contract); the record's topic,
    // payload and properties, and with properties the record, stay valid until the flow
    // ends (this function's contract).
    let restored = unsafe { queue(rc.client, |s| persist::restore(s, record)) };
    restored.err().unwrap_or(MQTT_RS_OK)
}

/// Puts a QoS 0 record saved before a reset back into the offline queue.
///
/// # Safety
/// `record.topic` and `record.payload` are NULL or valid for their lengths.
unsafe fn restore_qos0(rc: &mut mqtt_rs_reconnect, record: &mqtt_rs_persist_record) -> mqtt_rs_result {
    if !rc.store().keeps_qos0() {
        return MQTT_RS_INVALID_ARGUMENT;
    }
    // SAFETY: as this function's contract says.
    let (topic, payload) = match unsafe { (try_slice(record.topic.cast::<u8>(), record.topic_len), try_slice(record.payload, record.payload_len)) } {
        (Ok(t), Ok(p)) => (t, p),
        (Err(e), _) | (_, Err(e)) => return e,
    };
    let Ok(name) = core::str::from_utf8(topic) else {
        return MQTT_RS_INVALID_TOPIC;
    };
    // SAFETY: `rc.client` is client storage (init's contract).
    if let Err(e) = unsafe { queue(rc.client, |s| qos0_fits(s, name, payload)) } {
        return e;
    }
    keep_qos0(rc, topic, payload, record.retain, record.order, false)
}

/// Whether a QoS 0 message may wait in the offline queue: a valid topic name, and the
/// whole PUBLISH fits the transmit buffer (it is copied there when sent).
fn qos0_fits(s: &Session<'_, Net>, topic: &str, payload: &[u8]) -> Result<(), mqtt_rs_result> {
    if !crate::codec::topic::is_valid_name(topic) {
        Err(MQTT_RS_INVALID_TOPIC)
    } else if s.engine().fits_whole(topic, payload) {
        Ok(())
    } else {
        Err(MQTT_RS_BUFFER_TOO_SMALL)
    }
}

/// Copies a QoS 0 message, the `order`-th, into the offline queue and, with
/// `persist_qos0` and `save`, into the store (a restored one is there already); when the
/// store fails, takes it back out. Messages dropped to make room leave the store too.
fn keep_qos0(rc: &mut mqtt_rs_reconnect, topic: &[u8], payload: &[u8], retain: bool, order: u32, save: bool) -> mqtt_rs_result {
    let drop_oldest = !rc.config.qos0_refuse_newest;
    let flows = rc.store();
    let Some(mut q) = qos0_queue(rc) else {
        return MQTT_RS_NOT_CONNECTED;
    };
    let dropped = match q.push(topic, payload, retain, drop_oldest) {
        Ok(dropped) => dropped,
        Err(Refused::TooLarge) => return MQTT_RS_BUFFER_TOO_SMALL,
        Err(Refused::Full) => return MQTT_RS_OFFLINE_QUEUE_FULL,
    };
    flows.remove_qos0(dropped);
    let saved = !save || flows.save_qos0(topic, payload, retain, order);
    if !saved {
        q.retract(topic.len(), payload.len());
    }
    rc.qos0_dropped = rc.qos0_dropped.saturating_add(dropped);
    if !saved {
        rc.persist_failures = rc.persist_failures.saturating_add(1);
        return MQTT_RS_PERSIST_REFUSED;
    }
    rc.qos0_order = order.wrapping_add(1);
    MQTT_RS_OK
}

/// The QoS 0 queue over the caller's buffer; `None` without one.
fn qos0_queue(rc: &mut mqtt_rs_reconnect) -> Option<Qos0Queue<'_>> {
    if rc.config.qos0_buf.is_null() || rc.config.qos0_len == 0 {
        return None;
    }
    // SAFETY: `qos0_buf` is valid for `qos0_len` bytes while `rc` is used (init's
    // contract) and only this supervisor touches it; the view borrows `rc` mutably.
    let buf = unsafe { core::slice::from_raw_parts_mut(rc.config.qos0_buf, rc.config.qos0_len) };
    Some(Qos0Queue { buf, start: &mut rc.qos0_start, end: &mut rc.qos0_end })
}

/// Reads the client's clock.
fn now(rc: &mqtt_rs_reconnect) -> Result<u32, mqtt_rs_result> {
    // SAFETY: `rc.client` is client storage (init's contract).
    unsafe { queue(rc.client, |s| Ok(s.now())) }
}

/// Hands an event to `on_reconnect`.
fn emit(rc: &mqtt_rs_reconnect, kind: mqtt_rs_reconnect_event_kind, delay_ms: u32, session_present: bool, reason: mqtt_rs_result) {
    if let Some(f) = rc.config.on_reconnect {
        let deadline_ms = rc.next_attempt_at;
        #[cfg(feature = "mqtt5")]
        let (referred_host, referred_port) = referral::target(rc).unwrap_or((core::ptr::null(), 0));
        let event = mqtt_rs_reconnect_event {
            kind,
            attempt: rc.attempt,
            delay_ms,
            deadline_ms,
            broker: rc.broker,
            session_present,
            reason,
            #[cfg(feature = "mqtt5")]
            referred_host,
            #[cfg(feature = "mqtt5")]
            referred_port,
        };
        // SAFETY: the application registered this callback for this userdata; `event`
        // lives for the call.
        unsafe { f(rc.config.userdata, &event) }
    }
}

/// 32 random bits from the callback, or the xorshift generator.
fn random(rc: &mut mqtt_rs_reconnect) -> u32 {
    if let Some(f) = rc.config.random {
        // SAFETY: the application registered this callback for this userdata.
        return unsafe { f(rc.config.userdata) };
    }
    let mut x = rc.rng;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    rc.rng = x;
    x
}

/// One step: starts a due attempt, drives the client up to `wait_ms`, and handles what
/// happened to the connection. Returns how long the caller may sleep.
///
/// # Safety
/// `rc` is an initialised supervisor whose borrowed memory is still valid.
unsafe fn step(rc: &mut mqtt_rs_reconnect, wait_ms: u32) -> Result<u32, mqtt_rs_result> {
    let start = now(rc)?;
    match rc.phase {
        STOPPED => return Err(MQTT_RS_NOT_CONNECTED),
        WAITING => {
            let left = rc.next_attempt_at.wrapping_sub(start);
            if left != 0 && left < 1 << 31 {
                return Ok(left);
            }
            // SAFETY: as this function's contract says.
            if let Err(e) = unsafe { attempt(rc) } {
                if e != MQTT_RS_WRONG_STATE {
                    return Err(e);
                }
            }
            rc.phase = CONNECTING;
        }
        _ => {}
    }
    let flows = rc.store();
    let client = rc.client;
    #[cfg(feature = "mqtt5")]
    let (buf, len) = (rc.config.server_reference_buf, rc.config.server_reference_len);
    // SAFETY: `server_reference_buf` is caller memory for this supervisor (init's
    // contract); the client read it as a host only until the attempt's outcome.
    #[cfg(feature = "mqtt5")]
    let mut keep = |reference: &str| unsafe { referral::keep(buf, len, reference) };
    let mut failures = 0u32;
    let mut queue0 = qos0_queue(rc);
    let mut hook = |event: &Event<'_>, s: &mut Session<'_, Net>| {
        failures += u32::from(!flows.follow(event, s));
        if let (Event::Connected { .. }, Some(q)) = (event, queue0.as_mut()) {
            // Before the resends and before this drive writes: out with them.
            send_qos0(q, s, &flows);
        }
    };
    let mut watch = reconnect::Watch::new(Watching {
        hook: &mut hook,
        #[cfg(feature = "mqtt5")]
        referral: &mut keep,
    });
    // SAFETY: `client` is client storage (init's contract).
    let driven = unsafe { drive_tracked(client, Some(&mut watch), |d| Ok(d.drive(wait_ms))) }?;
    let seen = watch.seen();
    rc.persist_failures = rc.persist_failures.saturating_add(failures);
    // Delays count from after the drive, which may have waited.
    let after = now(rc).unwrap_or(start);
    let sleep = observe(rc, after, seen, driven.err());
    if rc.phase == CONNECTED && rc.qos0_end != 0 {
        send_qos0_later(rc);
    }
    Ok(driven.map_or(sleep, |s| s.min(sleep)))
}

/// Starts connecting to the current broker.
///
/// # Safety
/// As [`step`].
unsafe fn attempt(rc: &mut mqtt_rs_reconnect) -> Result<(), mqtt_rs_result> {
    // SAFETY: `brokers` has `broker_count` entries and `options` is valid (init's
    // contract); `broker < broker_count` always.
    let (broker, options) = unsafe { (try_slice(rc.config.brokers, rc.config.broker_count)?, try_ref(rc.config.options)?) };
    let target = broker.get(rc.broker).ok_or(MQTT_RS_INVALID_ARGUMENT)?;
    #[cfg(feature = "mqtt5")]
    let (host, port) = referral::target(rc).unwrap_or((target.host, target.port));
    #[cfg(not(feature = "mqtt5"))]
    let (host, port) = (target.host, target.port);
    // SAFETY: the options are plain C data; a bitwise copy is valid. Only host and port
    // change, and the host (the broker's, or the referred one in `server_reference_buf`)
    // outlives the attempt (init's contract).
    let options = mqtt_rs_connect_options { host, port, ..unsafe { core::ptr::read(options) } };
    // SAFETY: `rc.client` is client storage; the copied options are valid for the call.
    unsafe { drive(rc.client, |d| begin_connect(d.session(), &options)) }
}

/// Handles a connection that came up or ended during a step; returns the time to sleep.
fn observe(rc: &mut mqtt_rs_reconnect, now: u32, seen: Seen, failed: Option<Error>) -> u32 {
    use mqtt_rs_reconnect_event_kind::*;
    let was_up = rc.phase == CONNECTED;
    if let Some(present) = seen.connected {
        rc.phase = CONNECTED;
        rc.connected_at = now;
        rc.connections = rc.connections.saturating_add(1);
        emit(rc, MQTT_RS_RECONNECT_CONNECTED, 0, present, MQTT_RS_OK);
    }
    // SAFETY: `rc.client` is client storage (init's contract).
    let asked = unsafe { query(rc.client, |s| s.ended_at() == Some(Step::Requested)) } == Some(true);
    let reason = match (seen.ended, failed) {
        (Some(Err(e)), _) => e,
        // Closed between steps (by the application: with DISCONNECT, or without).
        (None, Some(e)) if !asked => e,
        // The application disconnected, in a step or between steps.
        (Some(Ok(())), _) | (None, Some(_)) => {
            rc.phase = STOPPED;
            emit(rc, MQTT_RS_RECONNECT_STOPPED, 0, false, MQTT_RS_OK);
            return u32::MAX;
        }
        (None, None) => return u32::MAX,
    };
    let came_up = was_up || seen.connected.is_some();
    let backoff = Backoff { min_ms: rc.config.min_delay_ms, max_ms: rc.config.max_delay_ms, stable_ms: rc.config.stable_ms };
    let up_ms = came_up.then(|| now.wrapping_sub(rc.connected_at));
    rc.attempt = backoff.after_loss(rc.attempt, up_ms).saturating_add(1);
    #[cfg(feature = "mqtt5")]
    let referred = referral::note(rc, seen.referred, came_up);
    #[cfg(not(feature = "mqtt5"))]
    let referred = false;
    if !came_up && !referred {
        rc.broker = (rc.broker + 1) % rc.config.broker_count.max(1);
    }
    let delay = backoff.delay(rc.attempt, random(rc));
    rc.next_attempt_at = now.wrapping_add(delay);
    rc.phase = WAITING;
    emit(rc, MQTT_RS_RECONNECT_SCHEDULED, delay, false, reason.into());
    delay
}

/// Hands the QoS 0 messages kept while offline to the connected client, oldest first,
/// as far as the transmit buffer takes them (the rest go on a later step); each leaves
/// the store once in the transmit buffer (before it is written: never sent twice).
fn send_qos0(q: &mut Qos0Queue<'_>, s: &mut Session<'_, Net>, flows: &Store) {
    while let Some(record) = q.front() {
        let (topic, payload, retain) = (record.topic, record.payload, record.retain);
        // SAFETY: a kept QoS 0 message fits the transmit buffer whole (checked when kept),
        // so the engine copies it there and keeps no borrow of the queue after the call;
        // the slices are re-made only for the session's lifetime parameter.
        let (topic, payload) =
            unsafe { (core::slice::from_raw_parts(topic.as_ptr(), topic.len()), core::slice::from_raw_parts(payload.as_ptr(), payload.len())) };
        if let Ok(topic) = core::str::from_utf8(topic) {
            if let Err(Error::Engine(engine::Error::OutboxFull)) = s.publish(topic, payload, QoS::AtMostOnce, retain) {
                return;
            }
        }
        q.pop();
        flows.remove_qos0(1);
    }
}

/// [`send_qos0`] between steps, for what did not fit at CONNACK.
fn send_qos0_later(rc: &mut mqtt_rs_reconnect) {
    let (client, flows) = (rc.client, rc.store());
    if let Some(mut q) = qos0_queue(rc) {
        // SAFETY: `client` is client storage (init's contract).
        let _ = unsafe {
            queue(client, |s| {
                send_qos0(&mut q, s, &flows);
                Ok(())
            })
        };
    }
}
