//! Events to the application's `on_message` and `on_event` callbacks, as the C structs.

use super::result::mqtt_rs_result::{self, *};
use super::types::*;
#[cfg(feature = "mqtt5")]
use super::v5::{annotate, annotate_end};
use crate::engine::{Event, FlowKind};
use crate::transport::client::Error;
use core::ffi::c_void;

// An MQTT 3.1.1 message has the layout of its C form (`CallbackSink::message` passes it as
// one): the same size, alignment and field offsets, and slice references that are their data
// pointer, then their length (a length found first would be a pointer read as an integer,
// which fails to compile).
#[cfg(not(feature = "mqtt5"))]
const _: () = {
    use crate::engine::Message;
    use core::mem::{align_of, offset_of, size_of, transmute};
    assert!(size_of::<Message<'static>>() == size_of::<mqtt_rs_message>() && align_of::<Message<'static>>() == align_of::<mqtt_rs_message>());
    assert!(offset_of!(Message<'static>, topic) == offset_of!(mqtt_rs_message, topic));
    assert!(offset_of!(Message<'static>, payload) == offset_of!(mqtt_rs_message, payload));
    assert!(offset_of!(Message<'static>, offset) == offset_of!(mqtt_rs_message, offset));
    assert!(offset_of!(Message<'static>, total) == offset_of!(mqtt_rs_message, total_len));
    assert!(offset_of!(Message<'static>, qos) == offset_of!(mqtt_rs_message, qos));
    assert!(offset_of!(Message<'static>, retain) == offset_of!(mqtt_rs_message, retain));
    assert!(offset_of!(Message<'static>, dup) == offset_of!(mqtt_rs_message, dup));
    assert!(offset_of!(Message<'static>, packet_id) == offset_of!(mqtt_rs_message, packet_id));
    assert!(size_of::<crate::codec::QoS>() == 1 && crate::codec::QoS::ExactlyOnce as u8 == 2);
    #[repr(C)]
    struct Raw {
        data: *const u8,
        len: usize,
    }
    // SAFETY: a slice reference and `Raw` are two words each; only the length word is read.
    let (text, bytes) = unsafe { (transmute::<&str, Raw>("abc"), transmute::<&[u8], Raw>(b"ab")) };
    assert!(text.len == 3 && bytes.len == 2);
};

/// What an MQTT 5.0 event adds to its C event: nothing in a 3.1.1-only build.
#[cfg(not(feature = "mqtt5"))]
fn annotate(_: &Event<'_>, _: &mut mqtt_rs_event) {}

/// What the end of an MQTT 5.0 connection adds to its C events: nothing in a 3.1.1-only build.
#[cfg(not(feature = "mqtt5"))]
fn annotate_end(_: &Result<(), Error>, _: &mut mqtt_rs_event) {}

/// `granted_qos` and `granted_count` of an event without return codes.
const NO_CODES: (*const u8, usize) = (core::ptr::null(), 0);

/// The application's event callbacks and their argument (copied from the config).
#[derive(Clone, Copy)]
pub(super) struct CallbackSink {
    pub(super) on_message: mqtt_rs_message_cb,
    pub(super) on_event: mqtt_rs_event_cb,
    pub(super) userdata: *mut c_void,
}

impl CallbackSink {
    /// Hands `on_event` one event, with `add` filling in what MQTT 5.0 adds (reason codes,
    /// properties). `granted` is the event's `granted_qos` and `granted_count` as they go
    /// out: NULL and 0 but for the return codes of a SUBACK, which the decoders never let
    /// be empty (a slice with a test for an empty one cost a branch per event). With
    /// `connect_failed`, the same event goes out as `MQTT_RS_EVENT_CONNECTED` first (a
    /// refused CONNACK ends the connection): built once, only its kind changed between
    /// the two calls (a loop over the two kinds built it twice). Its fields as arguments,
    /// not a blank event that each caller patches (measured: Cortex-M4 16 B smaller, but
    /// x86_64 21 B larger and 7 instructions more per blocking QoS 1 publish).
    #[allow(clippy::too_many_arguments)]
    fn emit_with(
        &self,
        add: impl FnOnce(&mut mqtt_rs_event),
        kind: mqtt_rs_event_kind,
        result: mqtt_rs_result,
        packet_id: u16,
        session_present: bool,
        granted: (*const u8, usize),
        connect_failed: bool,
    ) {
        if let Some(f) = self.on_event {
            let mut event = mqtt_rs_event {
                kind,
                result,
                packet_id,
                session_present,
                granted_qos: granted.0,
                granted_count: granted.1,
                #[cfg(feature = "mqtt5")]
                reason_code: 0,
                #[cfg(feature = "mqtt5")]
                properties: super::v5::mqtt_rs_properties::of(&Default::default()),
            };
            add(&mut event);
            if connect_failed {
                event.kind = mqtt_rs_event_kind::MQTT_RS_EVENT_CONNECTED;
                // SAFETY: as below.
                unsafe { f(self.userdata, &event) }
                event.kind = kind;
            }
            // SAFETY: the application registered this callback for this userdata; `event`
            // and the return codes it points to live for the call.
            unsafe { f(self.userdata, &event) }
        }
    }

    /// Hands an engine event to the application.
    pub(super) fn event(&self, event: &Event<'_>) {
        use mqtt_rs_event_kind::*;
        // Every event but a message is one `mqtt_rs_event`, built in one place.
        let (kind, result, packet_id, session_present, granted) = match *event {
            Event::Message(ref m) => return self.message(m),
            Event::Connected { session_present, .. } => (MQTT_RS_EVENT_CONNECTED, MQTT_RS_OK, 0, session_present, NO_CODES),
            Event::PublishDone { packet_id, .. } => {
                let result = event.refusal().map_or(MQTT_RS_OK, mqtt_rs_result::from);
                (MQTT_RS_EVENT_PUBLISH_DONE, result, packet_id, false, NO_CODES)
            }
            Event::Subscribed { packet_id, return_codes, .. } => {
                (MQTT_RS_EVENT_SUBSCRIBE_DONE, MQTT_RS_OK, packet_id, false, (return_codes.as_ptr(), return_codes.len()))
            }
            // Handed to `on_auth` by the driving call, never here.
            #[cfg(feature = "mqtt5")]
            Event::Auth { .. } => return,
            Event::Unsubscribed { packet_id, .. } => (MQTT_RS_EVENT_UNSUBSCRIBE_DONE, MQTT_RS_OK, packet_id, false, NO_CODES),
            // Only the flow store (`mqtt_rs_reconnect`) acts on it.
            #[cfg(feature = "persist")]
            Event::Released { .. } | Event::IncomingDone { .. } => return,
            Event::Discarded { packet_id, kind } => {
                // The completion event of each flow kind is the kind's index plus one: an
                // addition (a table of the three cost 12 B of rodata and its address; a
                // match became branches).
                const _: () = assert!(
                    FlowKind::Publish as i32 + 1 == MQTT_RS_EVENT_PUBLISH_DONE as i32
                        && FlowKind::Subscribe as i32 + 1 == MQTT_RS_EVENT_SUBSCRIBE_DONE as i32
                        && FlowKind::Unsubscribe as i32 + 1 == MQTT_RS_EVENT_UNSUBSCRIBE_DONE as i32
                );
                // SAFETY: by the assertion, 1, 2 or 3: each a kind of `mqtt_rs_event_kind`.
                let kind = unsafe { core::mem::transmute::<i32, mqtt_rs_event_kind>(kind as i32 + 1) };
                (kind, MQTT_RS_DISCARDED, packet_id, false, NO_CODES)
            }
        };
        self.emit_with(|e| annotate(event, e), kind, result, packet_id, session_present, granted, false)
    }

    /// Hands a received message (or a part of a large one) to `on_message`: in an MQTT 3.1.1
    /// build the engine's message itself, which has the C layout (checked below).
    #[cfg(not(feature = "mqtt5"))]
    fn message(&self, m: &crate::engine::Message<'_>) {
        if let Some(f) = self.on_message {
            // SAFETY: the application registered this callback for this userdata; `m` has the
            // layout of `mqtt_rs_message` (asserted below: its slices are pointer then length,
            // its QoS one byte holding its value) and, with the topic and payload it points
            // to, lives for the call.
            unsafe { f(self.userdata, (m as *const crate::engine::Message<'_>).cast()) }
        }
    }

    /// Hands a received message (or a part of a large one) to `on_message`, as a C copy
    /// (MQTT 5.0: its properties have another form in C).
    #[cfg(feature = "mqtt5")]
    fn message(&self, m: &crate::engine::Message<'_>) {
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
                #[cfg(feature = "mqtt5")]
                properties: super::v5::mqtt_rs_properties::of(&m.properties),
            };
            // SAFETY: the application registered this callback for this userdata;
            // `message` and the topic and payload it points to live for the call.
            unsafe { f(self.userdata, &message) }
        }
    }

    /// Tells the application that the connection ended (and, for a refused CONNACK, that
    /// the connect attempt failed).
    /// (With MQTT 5.0, `disconnected_v5` reports every end.)
    #[cfg(not(feature = "mqtt5"))]
    pub(super) fn disconnected(&self, reason: Result<(), Error>) {
        self.ended(reason, |e| annotate_end(&reason, e));
    }

    /// Tells the application that the connection ended (and, for a refused CONNACK, that
    /// the connect attempt failed), with the properties of the broker's packet that ended
    /// it (reason string, server reference; none otherwise) in both events.
    #[cfg(feature = "mqtt5")]
    pub(super) fn disconnected_v5(&self, reason: Result<(), Error>, properties: &crate::codec::v5::Properties<'_>) {
        self.ended(reason, |e| {
            annotate_end(&reason, e);
            e.properties = super::v5::mqtt_rs_properties::of(properties);
        });
    }

    fn ended(&self, reason: Result<(), Error>, add: impl FnOnce(&mut mqtt_rs_event)) {
        // Through the blocking calls' out-of-line conversion (smaller than its own inlined).
        let result = super::client::outcome(reason);
        let refused = matches!(reason, Err(Error::Engine(crate::engine::Error::Refused(_))));
        self.emit_with(add, mqtt_rs_event_kind::MQTT_RS_EVENT_DISCONNECTED, result, 0, false, NO_CODES, refused);
    }
}
