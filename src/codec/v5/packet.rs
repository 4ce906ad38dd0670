//! MQTT 5.0 packet types. Strings, payloads and properties borrow from the buffer they
//! were decoded from, or from the caller's memory when encoding.

use super::super::encode::{ConnectFields, ConnectText};
use super::super::reader::Reader;
use super::super::{DecodeError, QoS};
use super::property::Properties;

/// Packet type 15, AUTH, new in MQTT 5.0 (the others are in [`kind`](super::super::packet::kind)).
pub const AUTH: u8 = 15;

/// What the broker does with retained messages when a subscription is made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RetainHandling {
    /// Send retained messages at every subscribe.
    SendAtSubscribe = 0,
    /// Send retained messages only if the subscription did not exist.
    SendIfNew = 1,
    /// Never send retained messages for this subscribe.
    DoNotSend = 2,
}

/// The options byte of one SUBSCRIBE filter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SubscriptionOptions {
    /// Maximum QoS the broker may deliver with.
    pub qos: QoS,
    /// Do not receive the messages this client publishes itself.
    pub no_local: bool,
    /// Keep the retain flag of forwarded messages as published.
    pub retain_as_published: bool,
    /// When retained messages are sent.
    pub retain_handling: RetainHandling,
}

impl SubscriptionOptions {
    /// Options with `qos` and everything else at its default (as in MQTT 3.1.1).
    pub fn qos(qos: QoS) -> Self {
        SubscriptionOptions { qos, no_local: false, retain_as_published: false, retain_handling: RetainHandling::SendAtSubscribe }
    }

    /// The options byte.
    pub fn to_byte(self) -> u8 {
        self.qos as u8 | u8::from(self.no_local) << 2 | u8::from(self.retain_as_published) << 3 | (self.retain_handling as u8) << 4
    }

    /// Reads an options byte: reserved bits set or retain handling 3 are malformed.
    pub fn from_byte(byte: u8) -> Result<Self, DecodeError> {
        let retain_handling = match (byte >> 4) & 3 {
            0 => RetainHandling::SendAtSubscribe,
            1 => RetainHandling::SendIfNew,
            2 => RetainHandling::DoNotSend,
            _ => return Err(DecodeError::Malformed),
        };
        if byte & 0xc0 != 0 {
            return Err(DecodeError::Malformed);
        }
        Ok(SubscriptionOptions { qos: QoS::from_bits(byte & 3)?, no_local: byte & 4 != 0, retain_as_published: byte & 8 != 0, retain_handling })
    }
}

/// Last-will message with its properties.
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
    /// Will properties (will delay, message expiry, content type, ...).
    pub properties: Properties<'a>,
}

/// CONNECT, protocol level 5.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Connect<'a> {
    /// Client identifier; empty asks the broker to assign one.
    pub client_id: &'a str,
    /// Start a new session (Clean Start).
    pub clean_start: bool,
    /// Keepalive interval in seconds; 0 turns it off.
    pub keepalive: u16,
    /// Optional user name.
    pub username: Option<&'a str>,
    /// Optional password (binary; allowed without a user name in MQTT 5.0).
    pub password: Option<&'a [u8]>,
    /// Optional last will.
    pub will: Option<Will<'a>>,
    /// CONNECT properties.
    pub properties: Properties<'a>,
}

impl<'a> Connect<'a> {
    /// The fields a 3.1.1 CONNECT has too, as one (version 5): the shared encoder's input.
    pub(crate) fn fixed<'t>(&self, text: &'t ConnectText<'a>) -> ConnectFields<'t, 'a> {
        let will = self.will.as_ref().map(|w| (w.qos, w.retain));
        ConnectFields::new(crate::codec::ProtocolVersion::V5, self.clean_start, self.keepalive, will, text)
    }

    /// The length-prefixed fields for [`fixed`](Self::fixed).
    pub(crate) fn text(&self) -> ConnectText<'a> {
        let will = self.will.as_ref();
        [Some(self.client_id.as_bytes()), will.map(|w| w.topic.as_bytes()), will.map(|w| w.payload), self.username.map(str::as_bytes), self.password]
    }
}

/// CONNACK with its reason code and the broker's limits as properties.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Connack<'a> {
    /// The broker resumed a stored session.
    pub session_present: bool,
    /// Reason code: 0 success, 0x80 and above refused.
    pub reason: u8,
    /// CONNACK properties.
    pub properties: Properties<'a>,
}

/// PUBLISH. The topic may be empty when a topic alias property names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Publish<'a> {
    /// Topic name (no wildcards), or empty with a topic alias.
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
    /// PUBLISH properties.
    pub properties: Properties<'a>,
}

/// PUBACK, PUBREC, PUBREL or PUBCOMP.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ack<'a> {
    /// Packet identifier.
    pub packet_id: u16,
    /// Reason code; 0 is success.
    pub reason: u8,
    /// Reason string and user properties.
    pub properties: Properties<'a>,
}

/// SUBSCRIBE: filters with their options, validated on decode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Subscribe<'a> {
    /// Packet identifier.
    pub packet_id: u16,
    /// Subscription identifier and user properties.
    pub properties: Properties<'a>,
    /// The encoded filter list (already checked).
    pub(crate) payload: &'a [u8],
}

impl<'a> Subscribe<'a> {
    /// The filters and their options, in order.
    pub fn filters(&self) -> impl Iterator<Item = (&'a str, SubscriptionOptions)> + Clone + 'a {
        let mut reader = Reader::new(self.payload);
        core::iter::from_fn(move || {
            let filter = reader.string().ok()?;
            let options = SubscriptionOptions::from_byte(reader.u8().ok()?).ok()?;
            Some((filter, options))
        })
    }
}

/// SUBACK or UNSUBACK: one reason code per filter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SubAck<'a> {
    /// Packet identifier of the SUBSCRIBE or UNSUBSCRIBE.
    pub packet_id: u16,
    /// Reason string and user properties.
    pub properties: Properties<'a>,
    /// Reason codes, in filter order (SUBACK: 0–2 granted QoS or a failure ≥ 0x80).
    pub reason_codes: &'a [u8],
}

/// UNSUBSCRIBE: a list of filters, validated on decode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Unsubscribe<'a> {
    /// Packet identifier.
    pub packet_id: u16,
    /// User properties.
    pub properties: Properties<'a>,
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

/// DISCONNECT or AUTH: a reason code and properties.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reasoned<'a> {
    /// Reason code; 0 is normal disconnection or success.
    pub reason: u8,
    /// DISCONNECT: session expiry, reason string, server reference, user properties;
    /// AUTH: authentication method and data, reason string, user properties.
    pub properties: Properties<'a>,
}

/// Any MQTT 5.0 control packet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Packet<'a> {
    /// CONNECT (client to broker).
    Connect(Connect<'a>),
    /// CONNACK (broker to client).
    Connack(Connack<'a>),
    /// PUBLISH (both ways).
    Publish(Publish<'a>),
    /// PUBACK.
    Puback(Ack<'a>),
    /// PUBREC.
    Pubrec(Ack<'a>),
    /// PUBREL.
    Pubrel(Ack<'a>),
    /// PUBCOMP.
    Pubcomp(Ack<'a>),
    /// SUBSCRIBE (client to broker).
    Subscribe(Subscribe<'a>),
    /// SUBACK (broker to client).
    Suback(SubAck<'a>),
    /// UNSUBSCRIBE (client to broker).
    Unsubscribe(Unsubscribe<'a>),
    /// UNSUBACK (broker to client).
    Unsuback(SubAck<'a>),
    /// PINGREQ.
    Pingreq,
    /// PINGRESP.
    Pingresp,
    /// DISCONNECT (both ways in MQTT 5.0).
    Disconnect(Reasoned<'a>),
    /// AUTH (both ways).
    Auth(Reasoned<'a>),
}
