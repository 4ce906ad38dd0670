//! `mqtt_rs_client_*`: argument checks and conversions around the transport client.

use super::check::*;
use super::credentials;
use super::net::NetCallbacks;
use super::result::mqtt_rs_result::{self, *};
use super::types::*;
use crate::codec::{Connect, ProtocolVersion, QoS, Will};
use crate::engine::{Engine, Event, FlowKind, Slot};
use crate::transport::blocking::{self, Goal};
use crate::transport::client::{Client, Error, EventSink};
use core::ffi::{c_char, c_void, CStr};
use core::mem::{align_of, size_of};

/// Marks initialised client storage.
const MAGIC: u32 = 0x6d71_7273;

/// What lives in `mqtt_rs_client` storage.
pub(super) struct Handle {
    magic: u32,
    /// A call that drives I/O (and so runs callbacks) is under way.
    driving: bool,
    /// `mqtt_rs_client_config.lock` (its userdata is the sink's).
    lock: mqtt_rs_lock_cb,
    pub(super) client: Client<'static, NetCallbacks>,
    sink: CallbackSink,
}

// Caller storage fits on every target (sizes per pointer width in `types`): the client's
// may be larger than the handle, a slot's must be exact (C indexes the array).
const _: () = assert!(size_of::<Handle>() <= size_of::<mqtt_rs_client>() && align_of::<Handle>() <= align_of::<mqtt_rs_client>());
const _: () = assert!(size_of::<mqtt_rs_client>() == MQTT_RS_CLIENT_SIZE);
const _: () = assert!(size_of::<Slot<'static>>() == MQTT_RS_INFLIGHT_SLOT_SIZE && size_of::<mqtt_rs_inflight_slot>() == MQTT_RS_INFLIGHT_SLOT_SIZE);
const _: () = assert!(align_of::<Slot<'static>>() <= align_of::<mqtt_rs_inflight_slot>());
/// The application's optional lock around every call, with its argument.
#[derive(Clone, Copy)]
struct Lock {
    lock: mqtt_rs_lock_cb,
    userdata: *mut c_void,
}

impl Handle {
    fn locker(&self) -> Lock {
        Lock { lock: self.lock, userdata: self.sink.userdata }
    }
}

impl Lock {
    fn take(&self) {
        self.call(true)
    }

    fn give(&self) {
        self.call(false)
    }

    fn call(&self, take: bool) {
        if let Some(f) = self.lock {
            // SAFETY: the application registered this callback for this userdata.
            unsafe { f(self.userdata, take) }
        }
    }
}

/// What a call does, for the callback rule.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Call {
    /// Queues a request or reads state: allowed from inside callbacks.
    Queue,
    /// Does I/O or runs callbacks: refused from inside callbacks.
    Drive,
}

/// Runs `f` on the client under its lock. A [`Call::Drive`] made while another one is
/// under way (from a callback, or from another task without a lock) is refused with
/// `MQTT_RS_CALLED_FROM_CALLBACK`, so it can neither overwrite what is being delivered
/// nor take in the acknowledgements the outer call waits for.
///
/// # Safety
/// `client` is NULL or points to client storage used as its `# Safety` sections say.
pub(super) unsafe fn with<R>(
    client: *mut mqtt_rs_client,
    call: Call,
    f: impl FnOnce(&mut Handle) -> Result<R, mqtt_rs_result>,
) -> Result<R, mqtt_rs_result> {
    // SAFETY: the caller upholds this function's `# Safety` contract.
    unsafe {
        let h = handle(client)?;
        let lock = h.locker();
        lock.take();
        let outcome = match (call, h.driving) {
            (Call::Queue, _) => f(h),
            (Call::Drive, true) => Err(MQTT_RS_CALLED_FROM_CALLBACK),
            (Call::Drive, false) => {
                h.driving = true;
                let outcome = f(h);
                h.driving = false;
                outcome
            }
        };
        lock.give();
        outcome
    }
}

/// Reads client state under its lock; `None` for NULL or uninitialised storage.
///
/// # Safety
/// As [`with`].
pub(super) unsafe fn query<R>(client: *const mqtt_rs_client, f: impl FnOnce(&Handle) -> R) -> Option<R> {
    // SAFETY: the caller upholds this function's `# Safety` contract.
    unsafe {
        let h = handle_ref(client).ok()?;
        let lock = h.locker();
        lock.take();
        let r = f(h);
        lock.give();
        Some(r)
    }
}

/// Forwards events to the application's callbacks.
struct CallbackSink {
    on_message: mqtt_rs_message_cb,
    on_event: mqtt_rs_event_cb,
    userdata: *mut c_void,
}

impl CallbackSink {
    fn emit(&self, kind: mqtt_rs_event_kind, result: mqtt_rs_result, packet_id: u16, session_present: bool, granted: &[u8]) {
        if let Some(f) = self.on_event {
            let event = mqtt_rs_event {
                kind,
                result,
                packet_id,
                session_present,
                granted_qos: if granted.is_empty() { core::ptr::null() } else { granted.as_ptr() },
                granted_count: granted.len(),
            };
            // SAFETY: the application registered this callback; `event` lives for the call.
            unsafe { f(self.userdata, &event) }
        }
    }
}

impl EventSink for CallbackSink {
    fn event(&mut self, event: &Event<'_>) {
        use mqtt_rs_event_kind::*;
        match *event {
            Event::Message(m) => {
                if let Some(f) = self.on_message {
                    let message = mqtt_rs_message {
                        topic: m.topic.as_ptr().cast(),
                        topic_len: m.topic.len(),
                        payload: m.payload.as_ptr(),
                        payload_len: m.payload.len(),
                        offset: m.offset,
                        total_len: m.total,
                        qos: m.qos as u8,
                        retain: m.retain,
                        dup: m.dup,
                        packet_id: m.packet_id,
                    };
                    // SAFETY: as above; `message` and what it points to live for the call.
                    unsafe { f(self.userdata, &message) }
                }
            }
            Event::Connected { session_present } => self.emit(MQTT_RS_EVENT_CONNECTED, MQTT_RS_OK, 0, session_present, &[]),
            Event::PublishDone { packet_id } => self.emit(MQTT_RS_EVENT_PUBLISH_DONE, MQTT_RS_OK, packet_id, false, &[]),
            Event::Subscribed { packet_id, return_codes } => self.emit(MQTT_RS_EVENT_SUBSCRIBE_DONE, MQTT_RS_OK, packet_id, false, return_codes),
            Event::Unsubscribed { packet_id } => self.emit(MQTT_RS_EVENT_UNSUBSCRIBE_DONE, MQTT_RS_OK, packet_id, false, &[]),
            Event::Discarded { packet_id, kind } => {
                let kind = match kind {
                    FlowKind::Publish => MQTT_RS_EVENT_PUBLISH_DONE,
                    FlowKind::Subscribe => MQTT_RS_EVENT_SUBSCRIBE_DONE,
                    FlowKind::Unsubscribe => MQTT_RS_EVENT_UNSUBSCRIBE_DONE,
                };
                self.emit(kind, MQTT_RS_DISCARDED, packet_id, false, &[])
            }
        }
    }

    fn disconnected(&mut self, reason: Result<(), Error>) {
        let result = mqtt_rs_result::from(reason);
        if let Err(Error::Engine(crate::engine::Error::Refused(_))) = reason {
            self.emit(mqtt_rs_event_kind::MQTT_RS_EVENT_CONNECTED, result, 0, false, &[]);
        }
        self.emit(mqtt_rs_event_kind::MQTT_RS_EVENT_DISCONNECTED, result, 0, false, &[]);
    }
}

/// Checks the client pointer and that it was initialised.
///
/// # Safety
/// `client` is NULL or points to `mqtt_rs_client` storage, unaliased during `'a`.
pub(super) unsafe fn handle<'a>(client: *mut mqtt_rs_client) -> Result<&'a mut Handle, mqtt_rs_result> {
    // SAFETY: the caller upholds this function's `# Safety` contract.
    unsafe {
        let handle = client.cast::<Handle>().as_mut().ok_or(MQTT_RS_NULL_ARGUMENT)?;
        if handle.magic != MAGIC {
            return Err(MQTT_RS_WRONG_STATE);
        }
        Ok(handle)
    }
}

/// Read-only [`handle`].
///
/// # Safety
/// `client` is NULL or points to `mqtt_rs_client` storage not written during `'a`.
pub(super) unsafe fn handle_ref<'a>(client: *const mqtt_rs_client) -> Result<&'a Handle, mqtt_rs_result> {
    // SAFETY: the caller upholds this function's `# Safety` contract.
    unsafe {
        let handle = client.cast::<Handle>().as_ref().ok_or(MQTT_RS_NULL_ARGUMENT)?;
        if handle.magic != MAGIC {
            return Err(MQTT_RS_WRONG_STATE);
        }
        Ok(handle)
    }
}

fn qos(bits: u8) -> Result<QoS, mqtt_rs_result> {
    QoS::from_bits(bits).map_err(|_| MQTT_RS_INVALID_ARGUMENT)
}

/// What is left of `timeout_ms` since `start`: one budget for the whole blocking call.
fn left(h: &mut Handle, start: u32, timeout_ms: u32) -> u32 {
    timeout_ms.saturating_sub(h.client.now().wrapping_sub(start))
}

fn status(r: Result<(), mqtt_rs_result>) -> mqtt_rs_result {
    r.err().unwrap_or(MQTT_RS_OK)
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
/// @code{.c}
/// static mqtt_rs_client client;
/// static uint8_t tx[1024], rx[1024];
/// static mqtt_rs_inflight_slot slots[8];
/// mqtt_rs_client_config cfg = {0};
/// mqtt_rs_posix_net_init(&net_ctx, &cfg.net);   // your port fills the callbacks
/// cfg.tx_buf = tx; cfg.tx_len = sizeof tx; cfg.rx_buf = rx; cfg.rx_len = sizeof rx;
/// cfg.slots = slots; cfg.slot_count = 8; cfg.on_message = on_message;
/// mqtt_rs_result rc = mqtt_rs_client_init(&client, &cfg);
/// @endcode
///
/// # Safety
///
/// `client` is NULL or points to `mqtt_rs_client` storage that stays at its address and is
/// used by no other thread without the configured lock. `config` is NULL or valid for
/// the reads and writes described above, for as long as described above.
#[no_mangle]
pub unsafe extern "C" fn mqtt_rs_client_init(client: *mut mqtt_rs_client, config: *const mqtt_rs_client_config) -> mqtt_rs_result {
    // SAFETY: the C caller passes pointers that are NULL or valid as this function's documentation requires.
    unsafe {
        status((|| {
            let config = try_ref(config)?;
            if client.is_null() || config.tx_buf.is_null() || config.rx_buf.is_null() || config.slots.is_null() {
                return Err(MQTT_RS_NULL_ARGUMENT);
            }
            if !config.net.is_complete() || config.slot_count == 0 {
                return Err(MQTT_RS_INVALID_ARGUMENT);
            }
            if config.tx_len < MQTT_RS_MIN_BUFFER_SIZE || config.rx_len < MQTT_RS_MIN_BUFFER_SIZE {
                return Err(MQTT_RS_BUFFER_TOO_SMALL);
            }
            if handle_ref(client).is_ok_and(|h| h.driving) {
                return Err(MQTT_RS_CALLED_FROM_CALLBACK);
            }
            // SAFETY: the caller gives these regions to the client for its lifetime; the slot
            // storage has the size and alignment of `Slot` (checked above) and is initialised
            // by `Engine::new` before use.
            let tx = try_slice_mut(config.tx_buf, config.tx_len)?;
            let rx = try_slice_mut(config.rx_buf, config.rx_len)?;
            let slots = try_slice_mut(config.slots.cast::<Slot<'static>>(), config.slot_count)?;
            let engine = Engine::new(tx, rx, slots);
            let sink = CallbackSink { on_message: config.on_message, on_event: config.on_event, userdata: config.userdata };
            client.cast::<Handle>().write(Handle { magic: MAGIC, driving: false, lock: config.lock, client: Client::new(config.net, engine), sink });
            Ok(())
        })())
    }
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
    // SAFETY: the C caller passes pointers that are NULL or valid as this function's documentation requires.
    unsafe {
        let _ = with(client, Call::Drive, |h| {
            h.client.abort(&mut h.sink);
            h.magic = 0;
            // SAFETY: initialised by `mqtt_rs_client_init` (magic checked); not used again
            // before the next init, which rewrites the whole value.
            core::ptr::drop_in_place(&mut h.client);
            Ok(())
        });
    }
}

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
    // SAFETY: the C caller passes pointers that are NULL or valid as this function's documentation requires.
    unsafe {
        if let Some(o) = opt_mut(options) {
            *o = mqtt_rs_connect_options {
                host: core::ptr::null(),
                port: 1883,
                client_id: c"".as_ptr(),
                username: core::ptr::null(),
                password: core::ptr::null(),
                password_len: 0,
                keepalive_s: 60,
                clean_session: true,
                will: core::ptr::null(),
                max_inflight: 0,
                allow_plaintext_credentials: false,
            };
        }
    }
}

/// Opens the network connection and queues CONNECT; shared by both connect calls.
///
/// # Safety
/// `options` and what it points to are NULL or valid as `mqtt_rs_client_connect` documents.
unsafe fn start_connect(h: &mut Handle, options: *const mqtt_rs_connect_options) -> Result<(), mqtt_rs_result> {
    // SAFETY: the caller upholds this function's `# Safety` contract.
    unsafe {
        let o = try_ref(options)?;
        let host = try_cstr(o.host)?;
        let client_id = try_str(o.client_id)?;
        if client_id.is_empty() && !o.clean_session {
            return Err(MQTT_RS_INVALID_ARGUMENT);
        }
        let will = match opt_ref(o.will) {
            None => None,
            Some(w) => Some(Will { topic: try_str(w.topic)?, payload: try_slice(w.payload, w.payload_len)?, qos: qos(w.qos)?, retain: w.retain }),
        };
        let username = opt_str(o.username)?;
        let password = opt_slice(o.password, o.password_len)?;
        if password.is_some() && username.is_none() {
            return Err(MQTT_RS_INVALID_ARGUMENT);
        }
        credentials::check(password.is_some(), h.client.wire_ref().uses_tls(), o.allow_plaintext_credentials)?;
        let connect = Connect {
            version: ProtocolVersion::V3_1_1,
            client_id,
            clean_session: o.clean_session,
            keepalive: o.keepalive_s,
            username,
            password,
            will,
        };
        let window = if o.max_inflight == 0 { DEFAULT_MAX_INFLIGHT } else { o.max_inflight };
        h.client.begin_connect(host, o.port, &connect, window).map_err(Into::into)
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
    // SAFETY: the C caller passes pointers that are NULL or valid as this function's documentation requires.
    unsafe {
        status(with(client, Call::Drive, |h| {
            start_connect(h, options)?;
            let mut present = false;
            let outcome = blocking::run(&mut h.client, Goal::Connected(&mut present), timeout_ms, &mut h.sink);
            if outcome.is_err() {
                h.client.abort(&mut h.sink);
            }
            outcome.map_err(mqtt_rs_result::from)?;
            store(session_present, present);
            Ok(())
        }))
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
    // SAFETY: the C caller passes pointers that are NULL or valid as this function's documentation requires.
    unsafe {
        match with(client, Call::Drive, |h| start_connect(h, options)) {
            Ok(()) => MQTT_RS_IN_PROGRESS,
            Err(e) => e,
        }
    }
}

/// Checks publish arguments and queues the message; returns its packet id.
unsafe fn start_publish(
    h: &mut Handle,
    topic: *const c_char,
    payload: *const u8,
    payload_len: usize,
    qos_bits: u8,
    retain: bool,
    timeout_ms: u32,
) -> Result<(u16, QoS), mqtt_rs_result> {
    // SAFETY: the caller upholds this function's `# Safety` contract.
    unsafe {
        let topic = try_str(topic)?;
        let payload = try_slice(payload, payload_len)?;
        let qos = qos(qos_bits)?;
        let id = blocking::submit(&mut h.client, timeout_ms, &mut h.sink, &mut |c, _| c.publish(topic, payload, qos, retain))?;
        Ok((id, qos))
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
    // SAFETY: the C caller passes pointers that are NULL or valid as this function's documentation requires.
    unsafe {
        status(with(client, Call::Drive, |h| {
            let start = h.client.now();
            let (id, qos) = start_publish(h, topic, payload, payload_len, qos, retain, timeout_ms)?;
            let goal = if qos == QoS::AtMostOnce { Goal::Flushed } else { Goal::PublishDone(id) };
            let left = left(h, start, timeout_ms);
            blocking::run(&mut h.client, goal, left, &mut h.sink).map_err(Into::into)
        }))
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
    // SAFETY: the C caller passes pointers that are NULL or valid as this function's documentation requires.
    unsafe {
        let queued = with(client, Call::Queue, |h| start_publish(h, topic, payload, payload_len, qos, retain, 0));
        match queued {
            Ok((id, qos)) => {
                store(packet_id_out, id);
                if qos == QoS::AtMostOnce {
                    MQTT_RS_OK
                } else {
                    MQTT_RS_IN_PROGRESS
                }
            }
            Err(MQTT_RS_TIMEOUT) => MQTT_RS_BUSY,
            Err(e) => e,
        }
    }
}

/// Checks a C array of 1 to 65,535 entries.
///
/// # Safety
/// As [`try_slice`].
unsafe fn c_array<'a, T>(p: *const T, count: usize) -> Result<&'a [T], mqtt_rs_result> {
    // SAFETY: the caller upholds this function's `# Safety` contract.
    unsafe {
        if p.is_null() {
            return Err(MQTT_RS_NULL_ARGUMENT);
        }
        if count == 0 || count > usize::from(u16::MAX) {
            return Err(MQTT_RS_INVALID_ARGUMENT);
        }
        Ok(core::slice::from_raw_parts(p, count))
    }
}

/// Checks a C array of subscriptions.
///
/// # Safety
/// `subs` is NULL or points to `count` entries whose filters are NULL or NUL-terminated.
unsafe fn subscriptions<'a>(subs: *const mqtt_rs_subscription, count: usize) -> Result<&'a [mqtt_rs_subscription], mqtt_rs_result> {
    // SAFETY: the caller upholds this function's `# Safety` contract.
    unsafe {
        let list = c_array(subs, count)?;
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
unsafe fn filters<'a>(list: *const *const c_char, count: usize) -> Result<&'a [*const c_char], mqtt_rs_result> {
    // SAFETY: the caller upholds this function's `# Safety` contract.
    unsafe {
        let list = c_array(list, count)?;
        for &f in list {
            try_str(f)?;
        }
        Ok(list)
    }
}

fn sub_iter(list: &[mqtt_rs_subscription]) -> impl Iterator<Item = (&[u8], QoS)> + Clone {
    // SAFETY: every filter was checked to be a NUL-terminated UTF-8 string.
    list.iter().map(|s| unsafe { (CStr::from_ptr(s.filter).to_bytes(), QoS::from_bits(s.qos).unwrap_or(QoS::AtMostOnce)) })
}

fn filter_iter(list: &[*const c_char]) -> impl Iterator<Item = &[u8]> + Clone {
    // SAFETY: every filter was checked to be a NUL-terminated UTF-8 string.
    list.iter().map(|&f| unsafe { CStr::from_ptr(f).to_bytes() })
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
    // SAFETY: the C caller passes pointers that are NULL or valid as this function's documentation requires.
    unsafe {
        status(with(client, Call::Drive, |h| {
            let start = h.client.now();
            let list = subscriptions(subs, count)?;
            let id = blocking::submit(&mut h.client, timeout_ms, &mut h.sink, &mut |c, _| c.subscribe(sub_iter(list)))?;
            let out = try_slice_mut(granted_qos, if granted_qos.is_null() { 0 } else { count })?;
            let left = left(h, start, timeout_ms);
            blocking::run(&mut h.client, Goal::Subscribed(id, out), left, &mut h.sink).map_err(Into::into)
        }))
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
    // SAFETY: the C caller passes pointers that are NULL or valid as this function's documentation requires.
    unsafe {
        let queued = with(client, Call::Queue, |h| {
            let list = subscriptions(subs, count)?;
            h.client.subscribe(sub_iter(list)).map_err(mqtt_rs_result::from)
        });
        in_progress(queued, packet_id_out)
    }
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
    // SAFETY: the C caller passes pointers that are NULL or valid as this function's documentation requires.
    unsafe {
        status(with(client, Call::Drive, |h| {
            let start = h.client.now();
            let list = filters(filters_list, count)?;
            let id = blocking::submit(&mut h.client, timeout_ms, &mut h.sink, &mut |c, _| c.unsubscribe(filter_iter(list)))?;
            let left = left(h, start, timeout_ms);
            blocking::run(&mut h.client, Goal::Unsubscribed(id), left, &mut h.sink).map_err(Into::into)
        }))
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
    // SAFETY: the C caller passes pointers that are NULL or valid as this function's documentation requires.
    unsafe {
        let queued = with(client, Call::Queue, |h| {
            let list = filters(filters_list, count)?;
            h.client.unsubscribe(filter_iter(list)).map_err(mqtt_rs_result::from)
        });
        in_progress(queued, packet_id_out)
    }
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
    // SAFETY: the C caller passes pointers that are NULL or valid as this function's documentation requires.
    unsafe { status(with(client, Call::Drive, |h| blocking::run(&mut h.client, Goal::Elapsed, timeout_ms, &mut h.sink).map_err(Into::into))) }
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
    // SAFETY: the C caller passes pointers that are NULL or valid as this function's documentation requires.
    unsafe { status(with(client, Call::Drive, |h| blocking::disconnect(&mut h.client, timeout_ms, &mut h.sink).map_err(Into::into))) }
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
    // SAFETY: the C caller passes pointers that are NULL or valid as this function's documentation requires.
    unsafe {
        let started = with(client, Call::Drive, |h| {
            h.client.begin_disconnect(&mut h.sink)?;
            Ok(h.client.is_open())
        });
        match started {
            Err(e) => e,
            Ok(true) => MQTT_RS_IN_PROGRESS,
            Ok(false) => MQTT_RS_OK,
        }
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
    // SAFETY: the C caller passes pointers that are NULL or valid as this function's documentation requires.
    unsafe {
        status(with(client, Call::Drive, |h| {
            let sleep = h.client.drive(0, &mut h.sink)?;
            store(sleep_ms, sleep);
            Ok(())
        }))
    }
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
    // SAFETY: the C caller passes pointers that are NULL or valid as this function's documentation requires.
    unsafe { query(client, |h| h.client.wants_write()).unwrap_or(false) }
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
    // SAFETY: the C caller passes pointers that are NULL or valid as this function's documentation requires.
    unsafe { query(client, |h| h.client.is_connected()).unwrap_or(false) }
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
    // SAFETY: the C caller passes pointers that are NULL or valid as this function's documentation requires.
    unsafe { query(client, |h| h.client.engine().inflight()).unwrap_or(0) }
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
    // SAFETY: the C caller passes pointers that are NULL or valid as this function's documentation requires.
    unsafe { query(client, |h| u32::from(h.client.engine().ignored_acks())).unwrap_or(0) }
}
