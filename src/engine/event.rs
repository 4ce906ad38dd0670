//! What the engine reports: events for the application and errors that end a connection
//! or refuse a request.

use crate::codec::{DecodeError, EncodeError, QoS};

/// An application message, whole or one chunk of a large one.
///
/// In an MQTT 3.1.1 build laid out as C's `mqtt_rs_message` (checked in `ffi::sink`), so that
/// the C `on_message` callback is given the message where the engine put it, not a copy built
/// field by field (Cortex-M4: the copy was about 50 B of code).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(not(feature = "mqtt5"), repr(C))]
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
    /// MQTT 5.0: the PUBLISH properties, read in place (none on 3.1.1).
    #[cfg(feature = "mqtt5")]
    pub properties: crate::codec::v5::Properties<'a>,
}

/// Something the application should hear about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event<'a> {
    /// CONNACK accepted the connection.
    Connected {
        /// The broker resumed a stored session.
        session_present: bool,
        /// MQTT 5.0: the CONNACK properties (assigned client identifier, limits, ...).
        #[cfg(feature = "mqtt5")]
        properties: crate::codec::v5::Properties<'a>,
    },
    /// An incoming message or chunk.
    Message(Message<'a>),
    /// An outgoing QoS 1/2 flow completed.
    PublishDone {
        /// Its packet id.
        packet_id: u16,
        /// MQTT 5.0: the reason code of the last acknowledgement (0 on 3.1.1); 0x80 or
        /// above: the broker refused the message.
        #[cfg(feature = "mqtt5")]
        reason: u8,
        /// MQTT 5.0: reason string and user properties of that acknowledgement.
        #[cfg(feature = "mqtt5")]
        properties: crate::codec::v5::Properties<'a>,
    },
    /// SUBACK arrived: one return code per filter (0–2 granted, 0x80 refused).
    Subscribed {
        /// Packet id of the SUBSCRIBE.
        packet_id: u16,
        /// Return codes in filter order.
        return_codes: &'a [u8],
        /// MQTT 5.0: reason string and user properties of the SUBACK.
        #[cfg(feature = "mqtt5")]
        properties: crate::codec::v5::Properties<'a>,
    },
    /// UNSUBACK arrived.
    Unsubscribed {
        /// Packet id of the UNSUBSCRIBE.
        packet_id: u16,
        /// MQTT 5.0: one reason code per filter (empty on 3.1.1).
        #[cfg(feature = "mqtt5")]
        reason_codes: &'a [u8],
        /// MQTT 5.0: reason string and user properties of the UNSUBACK.
        #[cfg(feature = "mqtt5")]
        properties: crate::codec::v5::Properties<'a>,
    },
    /// PUBREC arrived for an outgoing QoS 2 flow and its PUBREL is queued, not yet
    /// written: from now on the flow resumes with PUBREL, never with the PUBLISH. Reported
    /// so that a store of unfinished flows records it first (feature `persist`).
    #[cfg(feature = "persist")]
    Released {
        /// Its packet id.
        packet_id: u16,
    },
    /// PUBREL arrived for an incoming QoS 2 message and its PUBCOMP is queued, not yet
    /// written: once PUBCOMP goes out the broker may reuse the id for a new message, so a
    /// store of held incoming ids forgets it first (feature `persist`).
    #[cfg(feature = "persist")]
    IncomingDone {
        /// The message's packet id.
        packet_id: u16,
    },
    /// MQTT 5.0 enhanced authentication: the broker's AUTH. Reason 0x18: a challenge
    /// (answer with [`Engine::answer_auth`](super::Engine::answer_auth) or refuse with
    /// [`Engine::refuse_auth`](super::Engine::refuse_auth)); 0x00: re-authentication succeeded.
    #[cfg(feature = "mqtt5")]
    Auth {
        /// The AUTH reason code.
        reason: u8,
        /// Authentication method and data, reason string, user properties.
        properties: crate::codec::v5::Properties<'a>,
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
///
/// Each variant that carries no code of its own (`Rejected` too: it has one C result) has
/// the value of its C result code (`mqtt_rs_result`) as its discriminant, which the C API's
/// mapping then returns without a match (a jump table with an instruction pair per variant
/// before); a new one takes its code likewise and joins `ffi::result`'s checked list. The
/// others come first, from 0, which no code of theirs needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Error {
    /// The broker sent bytes that are not a valid packet.
    Decode(DecodeError) = 0,
    /// A request could not be encoded (bad topic, field too long, buffer too small).
    Encode(EncodeError) = 1,
    /// CONNACK refused the connection with this return code (1–5; MQTT 5.0: 0x80 and above).
    Refused(u8) = 2,
    /// The broker stopped answering (no PINGRESP, no CONNACK in time).
    KeepaliveTimeout = 13,
    /// A packet the client must never receive, or one out of order.
    UnexpectedPacket = 26,
    /// An acknowledgement for a packet id with no flow of that kind.
    UnknownPacketId = 30,
    /// SUBACK holds a different number of return codes than the SUBSCRIBE had filters.
    SubackMismatch = 31,
    /// An incoming packet (other than a PUBLISH payload) does not fit the receive buffer.
    PacketTooLarge = 27,
    /// The call does not fit the connection state (e.g. publish before CONNACK).
    WrongState = 6,
    /// The in-flight window is full.
    WindowFull = 7,
    /// The send queue is full; write out pending bytes and retry.
    OutboxFull = 8,
    /// MQTT 5.0: the PUBLISH is larger than the broker's Maximum Packet Size.
    #[cfg(feature = "mqtt5")]
    PacketTooLargeForBroker = 62,
    /// MQTT 5.0: the QoS is above the broker's Maximum QoS.
    #[cfg(feature = "mqtt5")]
    QosNotSupported = 63,
    /// MQTT 5.0: the broker does not keep retained messages (Retain Available 0).
    #[cfg(feature = "mqtt5")]
    RetainNotSupported = 64,
    /// MQTT 5.0: the broker used a topic alias of 0, above the Topic Alias Maximum this
    /// client announced (none without a table), or one it never set.
    #[cfg(feature = "mqtt5")]
    TopicAlias = 69,
    /// MQTT 5.0: the broker set a topic alias to a topic longer than a slot of this
    /// client's incoming alias table.
    #[cfg(feature = "mqtt5")]
    TopicAliasTooLong = 73,
    /// MQTT 5.0: the broker sent DISCONNECT with this reason code.
    #[cfg(feature = "mqtt5")]
    ServerDisconnect(u8) = 3,
    /// MQTT 5.0: the broker refused a PUBLISH with this reason code (0x80 or above).
    #[cfg(feature = "mqtt5")]
    Rejected(u8) = 65,
    /// MQTT 5.0: the application refused the broker's authentication challenge.
    #[cfg(feature = "mqtt5")]
    AuthRefused = 75,
    /// MQTT 5.0: an AUTH (or CONNACK) breaking enhanced authentication: sent without an
    /// authentication method in CONNECT, with another method, or with a reason code not
    /// allowed at this step.
    #[cfg(feature = "mqtt5")]
    AuthProtocol = 76,
}

impl Event<'_> {
    /// The broker's refusal an acknowledgement carried (MQTT 5.0 reason code 0x80 or
    /// above); always `None` on MQTT 3.1.1.
    pub fn refusal(&self) -> Option<Error> {
        #[cfg(feature = "mqtt5")]
        if let Event::PublishDone { reason, .. } = *self {
            if crate::codec::v5::reason::is_error(reason) {
                return Some(Error::Rejected(reason));
            }
        }
        None
    }
}

impl From<DecodeError> for Error {
    // Out of line with MQTT 5.0: its alias check was inlined at each decode step of the
    // driving loop (measured smaller as one call).
    #[cfg_attr(feature = "mqtt5", inline(never))]
    fn from(e: DecodeError) -> Self {
        #[cfg(feature = "mqtt5")]
        if e == DecodeError::TopicAlias {
            return Error::TopicAlias;
        }
        Error::Decode(e)
    }
}

impl From<EncodeError> for Error {
    fn from(e: EncodeError) -> Self {
        Error::Encode(e)
    }
}
