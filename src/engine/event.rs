//! What the engine reports: events for the application and errors that end a connection
//! or refuse a request.

use crate::codec::{DecodeError, EncodeError, QoS};

/// An application message, whole or one chunk of a large one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Message<'a> {
    /// Topic name.
    pub topic: &'a str,
    /// This chunk of the payload (the whole payload when `offset == 0 && payload.len() == total`).
    pub payload: &'a [u8],
    /// Offset of this chunk within the payload.
    pub offset: usize,
    /// Whole payload length.
    pub total: usize,
    /// QoS the message was delivered with.
    pub qos: QoS,
    /// Retain flag.
    pub retain: bool,
    /// Duplicate flag.
    pub dup: bool,
    /// Packet identifier (0 for QoS 0).
    pub packet_id: u16,
}

/// Something the application should hear about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event<'a> {
    /// CONNACK accepted the connection.
    Connected {
        /// The broker resumed a stored session.
        session_present: bool,
    },
    /// An incoming message or chunk.
    Message(Message<'a>),
    /// An outgoing QoS 1/2 flow completed.
    PublishDone {
        /// Its packet id.
        packet_id: u16,
    },
    /// SUBACK arrived: one return code per filter (0–2 granted, 0x80 refused).
    Subscribed {
        /// Packet id of the SUBSCRIBE.
        packet_id: u16,
        /// Return codes in filter order.
        return_codes: &'a [u8],
    },
    /// UNSUBACK arrived.
    Unsubscribed {
        /// Packet id of the UNSUBSCRIBE.
        packet_id: u16,
    },
    /// PUBREC arrived for an outgoing QoS 2 flow and its PUBREL is queued, not yet
    /// written: from now on the flow resumes with PUBREL, never with the PUBLISH. Reported
    /// so that a store of unfinished flows records it first (feature `persist`).
    #[cfg(feature = "persist")]
    Released {
        /// Its packet id.
        packet_id: u16,
    },
    /// A flow was dropped: a clean-session connect discarded it, or its connection
    /// ended before the broker answered a SUBSCRIBE/UNSUBSCRIBE.
    Discarded {
        /// Packet id of the dropped flow.
        packet_id: u16,
        /// What was dropped.
        kind: FlowKind,
    },
}

/// The kind of an outgoing flow.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FlowKind {
    /// A QoS 1/2 PUBLISH.
    Publish,
    /// A SUBSCRIBE.
    Subscribe,
    /// An UNSUBSCRIBE.
    Unsubscribe,
}

/// Why the engine refused a request or ended a connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    /// The broker sent bytes that are not a valid packet.
    Decode(DecodeError),
    /// A request could not be encoded (bad topic, field too long, buffer too small).
    Encode(EncodeError),
    /// CONNACK refused the connection with this return code (1–5).
    Refused(u8),
    /// The broker stopped answering (no PINGRESP, no CONNACK in time).
    KeepaliveTimeout,
    /// A packet the client must never receive, or one out of order.
    UnexpectedPacket,
    /// An acknowledgement for a packet id with no flow of that kind.
    UnknownPacketId,
    /// SUBACK holds a different number of return codes than the SUBSCRIBE had filters.
    SubackMismatch,
    /// An incoming packet (other than a PUBLISH payload) does not fit the receive buffer.
    PacketTooLarge,
    /// The call does not fit the connection state (e.g. publish before CONNACK).
    WrongState,
    /// The in-flight window is full.
    WindowFull,
    /// The send queue is full; write out pending bytes and retry.
    OutboxFull,
}

impl From<DecodeError> for Error {
    fn from(e: DecodeError) -> Self {
        Error::Decode(e)
    }
}

impl From<EncodeError> for Error {
    fn from(e: EncodeError) -> Self {
        Error::Encode(e)
    }
}
