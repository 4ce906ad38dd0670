//! Packet types. Strings and payloads borrow from the buffer they were decoded from.

use super::{reader::Reader, DecodeError};

/// Quality of service of a message or subscription.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
// One byte holding its value, so that a byte checked to be at most 2 (the C subscribe
// calls' QoS) converts as it is.
#[repr(u8)]
pub enum QoS {
    /// Delivered at most once, no acknowledgement.
    AtMostOnce = 0,
    /// Delivered at least once: PUBLISH, PUBACK.
    AtLeastOnce = 1,
    /// Delivered exactly once: PUBLISH, PUBREC, PUBREL, PUBCOMP.
    ExactlyOnce = 2,
}

impl QoS {
    /// Converts the two QoS bits; 3 is a protocol error.
    pub fn from_bits(bits: u8) -> Result<Self, DecodeError> {
        match bits {
            0 => Ok(QoS::AtMostOnce),
            1 => Ok(QoS::AtLeastOnce),
            2 => Ok(QoS::ExactlyOnce),
            _ => Err(DecodeError::QoS),
        }
    }
}

/// Protocol level carried in CONNECT.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProtocolVersion {
    /// MQTT 3.1.1 (protocol level 4).
    V3_1_1 = 4,
    /// MQTT 5.0 (protocol level 5): its packets are in [`v5`](super::v5).
    #[cfg(feature = "mqtt5")]
    V5 = 5,
}

/// Last-will message stored by the broker at CONNECT.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Will<'a> {
    /// Topic the will is published to.
    pub topic: &'a str,
    /// Will payload.
    pub payload: &'a [u8],
    /// QoS of the will message.
    pub qos: QoS,
    /// Whether the broker retains the will message.
    pub retain: bool,
}

/// CONNECT: opens a session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Connect<'a> {
    /// Protocol level.
    pub version: ProtocolVersion,
    /// Client identifier; empty asks the broker to assign one (clean session only).
    pub client_id: &'a str,
    /// Start a fresh session, discarding any stored one.
    pub clean_session: bool,
    /// Keepalive interval in seconds; 0 turns it off.
    pub keepalive: u16,
    /// Optional user name.
    pub username: Option<&'a str>,
    /// Optional password (binary).
    pub password: Option<&'a [u8]>,
    /// Optional last will.
    pub will: Option<Will<'a>>,
}

/// CONNACK: the broker's answer to CONNECT.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Connack {
    /// The broker resumed a stored session.
    pub session_present: bool,
    /// Return code: 0 accepted, 1–5 refused.
    pub code: u8,
}

/// PUBLISH: an application message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Publish<'a> {
    /// Topic name (no wildcards).
    pub topic: &'a str,
    /// Message payload.
    pub payload: &'a [u8],
    /// Delivery guarantee.
    pub qos: QoS,
    /// Retain flag.
    pub retain: bool,
    /// Duplicate flag: this is a resend.
    pub dup: bool,
    /// Packet identifier; 0 for QoS 0.
    pub packet_id: u16,
}

/// SUBSCRIBE: a list of topic filters with their requested QoS, validated on decode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Subscribe<'a> {
    /// Packet identifier.
    pub packet_id: u16,
    /// The encoded filter list (already checked).
    pub(crate) payload: &'a [u8],
}

impl<'a> Subscribe<'a> {
    /// The filters and requested QoS, in order.
    pub fn filters(&self) -> impl Iterator<Item = (&'a str, QoS)> + Clone + 'a {
        let mut reader = Reader::new(self.payload);
        core::iter::from_fn(move || {
            let filter = reader.string().ok()?;
            let qos = QoS::from_bits(reader.u8().ok()?).ok()?;
            Some((filter, qos))
        })
    }
}

/// SUBACK: one return code per requested filter (0–2 granted QoS, 0x80 failure).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Suback<'a> {
    /// Packet identifier of the SUBSCRIBE.
    pub packet_id: u16,
    /// Return codes, in filter order.
    pub return_codes: &'a [u8],
}

/// UNSUBSCRIBE: a list of topic filters, validated on decode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Unsubscribe<'a> {
    /// Packet identifier.
    pub packet_id: u16,
    /// The encoded filter list (already checked).
    pub(crate) payload: &'a [u8],
}

impl<'a> Unsubscribe<'a> {
    /// The filters, in order.
    pub fn filters(&self) -> impl Iterator<Item = &'a str> + Clone + 'a {
        let mut reader = Reader::new(self.payload);
        core::iter::from_fn(move || reader.string().ok())
    }
}

/// Any MQTT 3.1.1 control packet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Packet<'a> {
    /// CONNECT (client to broker).
    Connect(Connect<'a>),
    /// CONNACK (broker to client).
    Connack(Connack),
    /// PUBLISH (both ways).
    Publish(Publish<'a>),
    /// PUBACK with its packet id.
    Puback(u16),
    /// PUBREC with its packet id.
    Pubrec(u16),
    /// PUBREL with its packet id.
    Pubrel(u16),
    /// PUBCOMP with its packet id.
    Pubcomp(u16),
    /// SUBSCRIBE (client to broker).
    Subscribe(Subscribe<'a>),
    /// SUBACK (broker to client).
    Suback(Suback<'a>),
    /// UNSUBSCRIBE (client to broker).
    Unsubscribe(Unsubscribe<'a>),
    /// UNSUBACK with its packet id.
    Unsuback(u16),
    /// PINGREQ.
    Pingreq,
    /// PINGRESP.
    Pingresp,
    /// DISCONNECT.
    Disconnect,
}

/// Packet type numbers (upper nibble of the first byte).
pub mod kind {
    /// CONNECT
    pub const CONNECT: u8 = 1;
    /// CONNACK
    pub const CONNACK: u8 = 2;
    /// PUBLISH
    pub const PUBLISH: u8 = 3;
    /// PUBACK
    pub const PUBACK: u8 = 4;
    /// PUBREC
    pub const PUBREC: u8 = 5;
    /// PUBREL
    pub const PUBREL: u8 = 6;
    /// PUBCOMP
    pub const PUBCOMP: u8 = 7;
    /// SUBSCRIBE
    pub const SUBSCRIBE: u8 = 8;
    /// SUBACK
    pub const SUBACK: u8 = 9;
    /// UNSUBSCRIBE
    pub const UNSUBSCRIBE: u8 = 10;
    /// UNSUBACK
    pub const UNSUBACK: u8 = 11;
    /// PINGREQ
    pub const PINGREQ: u8 = 12;
    /// PINGRESP
    pub const PINGRESP: u8 = 13;
    /// DISCONNECT
    pub const DISCONNECT: u8 = 14;
}
