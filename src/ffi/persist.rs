//! Persistence hooks of the reconnect supervisor: the application's store of unfinished
//! outgoing QoS 1/2 flows and of the ids of incoming QoS 2 messages, so that a reboot
//! loses no QoS 1/2 message and duplicates no QoS 2 message.
//!
//! What must be durable when (the contract the header repeats):
//! - `persist_store` for a new flow is called inside `mqtt_rs_reconnect_publish()`, before
//!   it returns and before the PUBLISH is written: once it returns 0 the record must
//!   survive a reset (QoS 1: else the message may be lost; QoS 2: too).
//! - `persist_store` with `released` set is called when PUBREC arrives, before PUBREL is
//!   written: it must be durable on return, or a reset could resend the PUBLISH of a
//!   message the broker already delivered and forgot (a QoS 2 duplicate).
//! - `persist_remove` (`incoming` false) is called when a flow completes; it may be
//!   lazy: a record that outlives its flow is resent after a reset (QoS 1: a duplicate,
//!   as QoS 1 allows; QoS 2 released: a PUBREL the broker answers harmlessly).
//! - Incoming QoS 2: `persist_store` with `incoming` set (only the packet id) is called
//!   when the whole message has arrived, before its last chunk reaches `on_message`;
//!   PUBREC is written after `on_message` returns. The id and what the application does
//!   with the message must become durable together, before `on_message` returns: an id
//!   kept without the message's effect loses the message (its resend is taken for a
//!   duplicate), an effect kept without the id delivers it twice. Simplest: make the id
//!   durable in `persist_store` and the effect in `on_message`: a reset between the two
//!   loses that one message, never duplicates one. Exactly once across any reset: keep
//!   the id in the same atomic write as the effect (e.g. one journal line holding both,
//!   written in `on_message`; `persist_store` then only notes the id).
//! - `persist_remove` with `incoming` set is called when PUBREL arrives, before PUBCOMP
//!   is written: it must be durable on return, because after PUBCOMP the broker may
//!   reuse the id for a new message, which a stale id would swallow. It is also called
//!   for every held id when CONNACK reports no session present (the broker lost the
//!   session and will not release them).
//! - QoS 0 messages kept while offline (only with `persist_qos0`): `persist_store` with
//!   `qos` 0 and packet id 0 is called inside `mqtt_rs_reconnect_publish()`; once it
//!   returns 0 the record must survive a reset. When it fails the message is not queued
//!   (`MQTT_RS_PERSIST_REFUSED`: the queue holds only what the store holds). Their
//!   `order` counts up per QoS 0 message. `persist_remove` with packet id 0 (and
//!   `incoming` false) forgets the oldest QoS 0 record: called when the oldest queued
//!   message was handed to the transmit buffer (before it is written: never sent twice)
//!   or dropped to make room; it may be lazy (a record left behind is sent again).
//! - At start-up, before the first poll, hand every record back with
//!   `mqtt_rs_reconnect_restore()`: outgoing flows and QoS 0 records each in increasing
//!   `order`, incoming ids in any order.

#![allow(non_camel_case_types)]

use super::net::Net;
use super::result::mqtt_rs_result::{self, *};
#[cfg(feature = "mqtt5")]
use crate::codec::v5::property::{publish_section, Property, PropertySource};
use crate::codec::QoS;
use crate::engine::{Engine, Event, FlowKind, Message, SavedFlow};
use crate::transport::client::Session;
use core::ffi::{c_char, c_void};

/// One unfinished outgoing QoS 1/2 flow (or, with `persist_qos0`, a QoS 0 message kept
/// offline), as the store keeps it. Topic and payload point
/// into the client's (caller's) memory during `persist_store`, the properties into the
/// supervisor's `persist_buf`; on restore they point to memory the application keeps
/// until the flow's `MQTT_RS_EVENT_PUBLISH_DONE` (with properties, the record too).
#[repr(C)]
pub struct mqtt_rs_persist_record {
    /// Packet id (1–65,535): with `incoming`, the key of the record (a store of a known
    /// key replaces it). 0 for a QoS 0 record: those have no key, each store adds one
    /// after the others and `persist_remove` with packet id 0 forgets the oldest.
    pub packet_id: u16,
    /// 1 or 2; 0 for a QoS 0 message kept offline (`persist_qos0`).
    pub qos: u8,
    /// QoS 2: PUBREC arrived; the flow resumes with PUBREL (never the PUBLISH again).
    pub released: bool,
    /// Retain flag.
    pub retain: bool,
    /// The id of an incoming QoS 2 message delivered to the application and not yet
    /// released by the broker (PUBREL); only `packet_id` and `qos` (2) are set, the rest is
    /// 0 or NULL. Incoming and outgoing ids are separate: the key is (`incoming`, `packet_id`).
    pub incoming: bool,
    /// Order of publication: restore records in increasing order (QoS 0 records count
    /// on their own, from 0 in each run, continuing after the restored ones).
    pub order: u32,
    /// Topic, not NUL-terminated.
    pub topic: *const c_char,
    /// Length of `topic`.
    pub topic_len: usize,
    /// Payload.
    pub payload: *const u8,
    /// Length of `payload`.
    pub payload_len: usize,
    /// MQTT 5.0 properties of the PUBLISH (`mqtt_rs_reconnect_publish_v5()`), encoded as
    /// in the packet: property length, then the properties. NULL with `properties_len` 0
    /// when there are none, for a released flow (PUBREL carries none) and for an incoming
    /// id. Store the bytes as they are; on restore they are checked, read in place
    /// through the record (which must then stay at its address, unchanged, until the
    /// flow's `MQTT_RS_EVENT_PUBLISH_DONE`) and resent with the PUBLISH. A record saved
    /// before these fields existed restores with NULL and 0: without properties. A build
    /// without MQTT 5.0 saves none and ignores them on restore.
    pub properties: *const u8,
    /// Length of `properties`.
    pub properties_len: usize,
}

/// Saves `record` (replacing any of its key). Returns 0 once it is durable (an incoming
/// id: see README "Persistence" for when it must be), non-zero when it could not be saved.
/// Runs inside the client's calls: it must not call the client.
pub type mqtt_rs_persist_store_cb = Option<unsafe extern "C" fn(userdata: *mut c_void, record: *const mqtt_rs_persist_record) -> i32>;
/// Forgets the record of `packet_id`: an outgoing flow that completed, or (`incoming`) an
/// incoming QoS 2 id the broker released; that one must be durable on return. Packet id
/// 0 (never an id of a flow) forgets the oldest QoS 0 record (`persist_qos0`). Must not
/// call the client.
pub type mqtt_rs_persist_remove_cb = Option<unsafe extern "C" fn(userdata: *mut c_void, packet_id: u16, incoming: bool)>;

/// The store's callbacks, their argument, whether it keeps the QoS 0 offline queue, and
/// where a flow's properties are encoded for `persist_store` (the supervisor's `persist_buf`).
#[derive(Clone, Copy)]
pub(super) struct Store {
    pub(super) save: mqtt_rs_persist_store_cb,
    pub(super) remove: mqtt_rs_persist_remove_cb,
    pub(super) userdata: *mut c_void,
    pub(super) qos0: bool,
    #[cfg(feature = "mqtt5")]
    pub(super) buf: *mut u8,
    #[cfg(feature = "mqtt5")]
    pub(super) buf_len: usize,
}

impl Store {
    /// Saves flow `packet_id` as the engine has it; false when the store failed (true
    /// without a store or flow).
    pub(super) fn save(&self, engine: &Engine<'_>, packet_id: u16) -> bool {
        let Some(flow) = engine.saved_flow(packet_id).filter(|_| self.save.is_some()) else {
            return true;
        };
        let Some(properties) = self.encode_properties(&flow) else {
            return false;
        };
        let record = mqtt_rs_persist_record {
            packet_id,
            qos: flow.qos as u8,
            released: flow.released,
            retain: flow.retain,
            incoming: false,
            order: flow.order,
            topic: flow.topic.as_ptr().cast(),
            topic_len: flow.topic.len(),
            payload: flow.payload.as_ptr(),
            payload_len: flow.payload.len(),
            properties: if properties.is_empty() { core::ptr::null() } else { properties.as_ptr() },
            properties_len: properties.len(),
        };
        self.save_record(&record)
    }

    /// The property section a record of `flow` keeps, encoded into the supervisor's
    /// buffer: empty without properties or once released (PUBREL carries none); `None`
    /// when it does not fit the buffer.
    #[cfg(feature = "mqtt5")]
    fn encode_properties(&self, flow: &SavedFlow<'_>) -> Option<&[u8]> {
        let properties = match flow.properties {
            Some(source) if !flow.released => crate::codec::v5::Properties::from_source(source),
            _ => return Some(&[]),
        };
        if properties.is_empty() {
            return Some(&[]);
        }
        // SAFETY: `buf` is NULL or valid for `buf_len` bytes while the supervisor is used
        // (init's contract), and only the supervisor's calls, one at a time, write it.
        let buf = unsafe { super::check::try_slice_mut(self.buf, self.buf_len) }.ok()?;
        let len = crate::codec::v5::encode::publish_properties(&properties, buf).ok()?;
        buf.get(..len)
    }

    /// Without MQTT 5.0 a flow has no properties.
    #[cfg(not(feature = "mqtt5"))]
    fn encode_properties(&self, _flow: &SavedFlow<'_>) -> Option<&[u8]> {
        Some(&[])
    }

    /// Saves the id of incoming QoS 2 message `packet_id`; false when the store failed.
    fn save_incoming(&self, packet_id: u16) -> bool {
        self.save_record(&mqtt_rs_persist_record { packet_id, qos: QoS::ExactlyOnce as u8, incoming: true, ..NO_RECORD })
    }

    /// True when QoS 0 messages kept offline go to the store too (`persist_qos0`, in a
    /// build with `persist`: without it this is false and the calls below fold away).
    pub(super) fn keeps_qos0(&self) -> bool {
        cfg!(feature = "persist") && self.qos0 && self.save.is_some()
    }

    /// Saves a QoS 0 message kept offline, the `order`-th; false when the store failed
    /// (true when QoS 0 is not stored).
    pub(super) fn save_qos0(&self, topic: &[u8], payload: &[u8], retain: bool, order: u32) -> bool {
        if !self.keeps_qos0() {
            return true;
        }
        self.save_record(&mqtt_rs_persist_record {
            retain,
            order,
            topic: topic.as_ptr().cast(),
            topic_len: topic.len(),
            payload: payload.as_ptr(),
            payload_len: payload.len(),
            ..NO_RECORD
        })
    }

    /// Forgets the oldest QoS 0 record, `count` times (sent or dropped messages).
    pub(super) fn remove_qos0(&self, count: u32) {
        if self.keeps_qos0() {
            for _ in 0..count {
                self.remove(0, false);
            }
        }
    }

    /// Hands `record` to `persist_store`; false when it failed (true without a store).
    fn save_record(&self, record: &mqtt_rs_persist_record) -> bool {
        let Some(f) = self.save else {
            return true;
        };
        // SAFETY: the application registered this callback for this userdata; `record`
        // and what it points to live for the call.
        unsafe { f(self.userdata, record) == 0 }
    }

    /// Keeps the store in step with an engine event, seen before the application sees
    /// it: saves a released QoS 2 flow and the id of an incoming QoS 2 message about to be
    /// delivered whole, forgets a completed or discarded flow and a released incoming id,
    /// and every incoming id when the broker lost the session. False when a save failed.
    pub(super) fn follow(&self, event: &Event<'_>, session: &mut Session<'_, Net>) -> bool {
        match *event {
            #[cfg(feature = "persist")]
            Event::Released { packet_id } => return self.save(session.engine(), packet_id),
            #[cfg(feature = "persist")]
            Event::IncomingDone { packet_id } => self.remove(packet_id, true),
            Event::Message(m) if completes_qos2(&m) && session.engine().holds_incoming(m.packet_id) => return self.save_incoming(m.packet_id),
            Event::Connected { session_present: false, .. } => session.forget_incoming(&mut |id| self.remove(id, true)),
            Event::PublishDone { packet_id, .. } | Event::Discarded { packet_id, kind: FlowKind::Publish } => self.remove(packet_id, false),
            _ => {}
        }
        true
    }

    /// Forgets the record of `packet_id`.
    fn remove(&self, packet_id: u16, incoming: bool) {
        if let Some(f) = self.remove {
            // SAFETY: the application registered this callback for this userdata.
            unsafe { f(self.userdata, packet_id, incoming) }
        }
    }
}

/// A record with nothing set: QoS 0, packet id 0, no topic, payload or properties.
const NO_RECORD: mqtt_rs_persist_record = mqtt_rs_persist_record {
    packet_id: 0,
    qos: 0,
    released: false,
    retain: false,
    incoming: false,
    order: 0,
    topic: core::ptr::null(),
    topic_len: 0,
    payload: core::ptr::null(),
    payload_len: 0,
    properties: core::ptr::null(),
    properties_len: 0,
};

/// True for the whole or the last chunk of a QoS 2 message: when its id is held.
fn completes_qos2(m: &Message<'_>) -> bool {
    m.qos == QoS::ExactlyOnce && m.offset.saturating_add(m.payload.len()) == m.total
}

/// Checks that the hooks are usable in this build: both or none, and `persist` built;
/// `persist_qos0` only with them.
pub(super) fn check(store: &Store) -> Result<(), mqtt_rs_result> {
    match (store.save.is_some(), store.remove.is_some()) {
        (false, false) if store.qos0 => Err(MQTT_RS_INVALID_ARGUMENT),
        (false, false) => Ok(()),
        (true, true) if cfg!(feature = "persist") => Ok(()),
        (true, true) => Err(MQTT_RS_PERSIST_NOT_BUILT),
        _ => Err(MQTT_RS_INVALID_ARGUMENT),
    }
}

/// Puts a saved record back into the session: an incoming id, or an outgoing flow.
///
/// # Safety
/// `record.topic`, `record.payload` and `record.properties` are valid for their lengths
/// during `'b`.
pub(super) unsafe fn restore<'b>(session: &mut Session<'b, Net>, record: &'b mqtt_rs_persist_record) -> Result<(), mqtt_rs_result> {
    if record.packet_id == 0 {
        return Err(MQTT_RS_INVALID_ARGUMENT);
    }
    let restored = match record.incoming {
        true => session.restore_incoming(record.packet_id),
        // SAFETY: as this function's caller guarantees.
        false => session.restore(&unsafe { saved_flow(record) }?),
    };
    match restored {
        Err(crate::engine::Error::WindowFull) => Err(MQTT_RS_INFLIGHT_FULL),
        other => other.map_err(Into::into),
    }
}

/// A saved flow from a C record that lives, with its topic, payload and properties, for `'b`.
///
/// # Safety
/// `record.topic`, `record.payload` and `record.properties` are valid for their lengths
/// during `'b`.
unsafe fn saved_flow<'b>(record: &'b mqtt_rs_persist_record) -> Result<SavedFlow<'b>, mqtt_rs_result> {
    // SAFETY: as this function's caller guarantees.
    let (topic, payload) = unsafe {
        (super::check::try_slice(record.topic.cast::<u8>(), record.topic_len)?, super::check::try_slice(record.payload, record.payload_len)?)
    };
    let topic = core::str::from_utf8(topic).map_err(|_| MQTT_RS_INVALID_TOPIC)?;
    let qos = match record.qos {
        1 => QoS::AtLeastOnce,
        2 => QoS::ExactlyOnce,
        _ => return Err(MQTT_RS_INVALID_ARGUMENT),
    };
    Ok(SavedFlow {
        packet_id: record.packet_id,
        qos,
        released: record.released && qos == QoS::ExactlyOnce,
        retain: record.retain,
        order: record.order,
        topic,
        payload,
        // SAFETY: as this function's caller guarantees.
        #[cfg(feature = "mqtt5")]
        properties: unsafe { stored_properties(record) }?,
    })
}

/// The properties of a restored record, checked: the record itself is their source (it
/// reads them in place, see the `PropertySource` impl); `None` without.
///
/// # Safety
/// `record.properties` is valid for `record.properties_len` bytes while `record` is borrowed.
#[cfg(feature = "mqtt5")]
unsafe fn stored_properties(record: &mqtt_rs_persist_record) -> Result<Option<&dyn PropertySource>, mqtt_rs_result> {
    // SAFETY: as this function's caller guarantees.
    let section = unsafe { super::check::try_slice(record.properties, record.properties_len)? };
    if section.is_empty() {
        return Ok(None);
    }
    publish_section(section).map_err(|_| MQTT_RS_INVALID_ARGUMENT)?;
    Ok(Some(record))
}

/// A restored record hands the flow its properties from the saved bytes, which stay
/// valid and unchanged until the flow ends (`mqtt_rs_reconnect_restore()`'s contract)
/// and were checked there.
#[cfg(feature = "mqtt5")]
impl PropertySource for mqtt_rs_persist_record {
    fn property(&self, index: usize) -> Option<Property<'_>> {
        // SAFETY: as above: valid for their length while the flow that reads them lasts.
        let section = unsafe { super::check::try_slice(self.properties, self.properties_len) }.ok()?;
        publish_section(section).ok()?.iter().nth(index)
    }
}
