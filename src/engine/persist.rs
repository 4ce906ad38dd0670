//! What a store of unfinished QoS 1/2 flows needs from the engine (feature `persist`):
//! a flow's state to save, putting saved flows back at start-up, and the PUBREC step
//! reported as [`Event::Released`] so it is saved before its PUBREL goes out.

use super::window::{Stage, Window};
use super::{Engine, Error, Event, State};
use crate::codec::QoS;

/// The state of one outgoing QoS 1/2 flow, as a store keeps it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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
        Ok(())
    }
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
