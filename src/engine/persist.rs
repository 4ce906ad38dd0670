//! What a store of unfinished QoS 1/2 flows needs from the engine (feature `persist`):
//! a flow's state to save, putting saved flows back at start-up, and the PUBREC step
//! reported as [`Event::Released`] so it is saved before its PUBREL goes out. For
//! incoming QoS 2 messages: whether an id is held (so the store saves it before the
//! message is delivered), putting held ids back at start-up (so the broker's resend is
//! acknowledged, not delivered again), and PUBREL reported as [`Event::IncomingDone`] so
//! the id is forgotten before its PUBCOMP lets the broker reuse it.

use super::window::{Stage, Window};
use super::{Engine, Error, Event, State};
use crate::codec::QoS;

/// The state of one outgoing QoS 1/2 flow, as a store keeps it.
#[derive(Clone, Copy, Debug)]
pub struct SavedFlow<'b> {
    /// Packet id.
    pub packet_id: u16,
    /// QoS 1 or 2.
    pub qos: QoS,
    /// QoS 2 only: PUBREC arrived, the flow resumes with PUBREL.
    pub released: bool,
    /// Retain flag.
    pub retain: bool,
    /// Order of publication: put flows back in increasing order.
    pub order: u32,
    /// Topic.
    pub topic: &'b str,
    /// Payload.
    pub payload: &'b [u8],
    /// MQTT 5.0 properties of the PUBLISH (resent with it), in the caller's memory.
    #[cfg(feature = "mqtt5")]
    pub properties: Option<&'b dyn crate::codec::v5::PropertySource>,
}

impl<'b> Engine<'b> {
    /// The state of the outgoing PUBLISH flow `packet_id` (after publish, or after its PUBREC).
    pub fn saved_flow(&self, packet_id: u16) -> Option<SavedFlow<'b>> {
        let slot = self.window.publish_flow(packet_id)?;
        Some(SavedFlow {
            packet_id,
            qos: slot.qos(),
            released: slot.stage == Stage::AwaitPubcomp,
            retain: slot.retain,
            order: slot.seq,
            topic: slot.topic,
            payload: slot.payload,
            #[cfg(feature = "mqtt5")]
            properties: slot.properties,
        })
    }

    /// Puts back a flow saved by an earlier run, before the first connect: it is resent
    /// after CONNACK, in the order of the saved `order` (flows published from now on
    /// follow the highest). [`Error::WrongState`] once a
    /// connection was begun, [`Error::WindowFull`] without a free slot or for an id taken.
    pub fn restore(&mut self, flow: &SavedFlow<'b>) -> Result<(), Error> {
        self.check_publish_args(flow.topic, flow.payload, flow.qos)?;
        if self.state != State::Disconnected || flow.qos == QoS::AtMostOnce {
            return Err(Error::WrongState);
        }
        let stage = match (flow.qos, flow.released) {
            (QoS::AtLeastOnce, _) => Stage::AwaitPuback,
            (_, false) => Stage::AwaitPubrec,
            (_, true) => Stage::AwaitPubcomp,
        };
        let slot = self.window.restore(stage, flow.packet_id, flow.order).ok_or(Error::WindowFull)?;
        slot.topic = flow.topic;
        slot.payload = flow.payload;
        slot.retain = flow.retain;
        #[cfg(feature = "mqtt5")]
        {
            if flow.properties.is_some() {
                super::v5::with_properties();
            }
            slot.properties = flow.properties;
        }
        Ok(())
    }
}

impl Engine<'_> {
    /// True while the id of incoming QoS 2 message `packet_id` is held: the message was
    /// delivered (its last chunk) and PUBREL is awaited. False when no slot was free to
    /// hold it (that message is delivered at least once, see [`Engine::next_event`]).
    pub fn holds_incoming(&self, packet_id: u16) -> bool {
        self.window.holds_incoming(packet_id)
    }

    /// Puts back the id of an incoming QoS 2 message an earlier run delivered, before the
    /// first connect: the broker's resend of it (DUP) is then acknowledged with PUBREC and
    /// not delivered, and its PUBREL answered. It takes a free slot, as it did when the
    /// message arrived. [`Error::WrongState`] once a connection was begun or for id 0,
    /// [`Error::WindowFull`] without a free slot; an id already held is kept once.
    pub fn restore_incoming(&mut self, packet_id: u16) -> Result<(), Error> {
        if self.state != State::Disconnected || packet_id == 0 {
            return Err(Error::WrongState);
        }
        self.window.hold_incoming(packet_id, true).map(|_| ()).ok_or(Error::WindowFull)
    }

    /// Frees every held incoming id, handing each to `each`: for a broker that lost the
    /// session (CONNACK without session present), which will neither resend those
    /// messages nor release them, and may reuse their ids for new messages.
    pub fn forget_incoming(&mut self, each: &mut dyn FnMut(u16)) {
        self.window.forget_incoming(each);
    }
}

/// What a PUBREL reports once answered: [`Event::IncomingDone`] with `persist`.
#[cfg(feature = "persist")]
pub(super) fn incoming_done(packet_id: u16) -> Option<Event<'static>> {
    Some(Event::IncomingDone { packet_id })
}

/// What a PUBREL reports: nothing without `persist`.
#[cfg(not(feature = "persist"))]
pub(super) fn incoming_done(_packet_id: u16) -> Option<Event<'static>> {
    None
}

/// What a PUBREC reports once handled: [`Event::Released`] with `persist` when a flow of
/// ours now awaits PUBCOMP.
#[cfg(feature = "persist")]
pub(super) fn released(window: &Window<'_>, packet_id: u16) -> Option<Event<'static>> {
    let flow = window.publish_flow(packet_id)?;
    (flow.stage == Stage::AwaitPubcomp).then_some(Event::Released { packet_id })
}

/// What a PUBREC reports: nothing without `persist`.
#[cfg(not(feature = "persist"))]
pub(super) fn released(_window: &Window<'_>, _packet_id: u16) -> Option<Event<'static>> {
    None
}
