//! Which properties each packet allows, their value types and ranges (MQTT 5.0
//! table 2-4 and section 3), applied the same way to received and outgoing properties.

use super::super::{topic, varint, DecodeError};
use super::property::{id, Property, Value};

/// Where a property list sits: each packet type allows its own set of properties.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Context {
    /// CONNECT.
    Connect,
    /// CONNACK.
    Connack,
    /// PUBLISH.
    Publish,
    /// The will properties inside CONNECT.
    Will,
    /// PUBACK, PUBREC, PUBREL or PUBCOMP.
    PubAck,
    /// SUBSCRIBE.
    Subscribe,
    /// SUBACK.
    Suback,
    /// UNSUBSCRIBE.
    Unsubscribe,
    /// UNSUBACK.
    Unsuback,
    /// DISCONNECT.
    Disconnect,
    /// AUTH.
    Auth,
}

impl Context {
    const fn bit(self) -> u16 {
        1 << self as u16
    }
}

/// How a property's value is encoded.
#[derive(Clone, Copy)]
pub(crate) enum Kind {
    Byte,
    TwoByte,
    FourByte,
    VarInt,
    Utf8,
    Binary,
    Pair,
}

/// The value type of property `id` and the contexts that allow it (MQTT 5.0 table 2-4).
pub(crate) fn spec(id: u8) -> Option<(Kind, u16)> {
    use Context::*;
    const PUB_WILL: u16 = Publish.bit() | Will.bit();
    const AUTH_ALL: u16 = Connect.bit() | Connack.bit() | Auth.bit();
    const EVERY: u16 = (Auth.bit() << 1) - 1;
    let reason = Connack.bit() | PubAck.bit() | Suback.bit() | Unsuback.bit() | Disconnect.bit() | Auth.bit();
    Some(match id {
        id::PAYLOAD_FORMAT_INDICATOR => (Kind::Byte, PUB_WILL),
        id::MESSAGE_EXPIRY_INTERVAL => (Kind::FourByte, PUB_WILL),
        id::CONTENT_TYPE | id::RESPONSE_TOPIC => (Kind::Utf8, PUB_WILL),
        id::CORRELATION_DATA => (Kind::Binary, PUB_WILL),
        id::SUBSCRIPTION_IDENTIFIER => (Kind::VarInt, Publish.bit() | Subscribe.bit()),
        id::SESSION_EXPIRY_INTERVAL => (Kind::FourByte, Connect.bit() | Connack.bit() | Disconnect.bit()),
        id::ASSIGNED_CLIENT_IDENTIFIER | id::RESPONSE_INFORMATION => (Kind::Utf8, Connack.bit()),
        id::SERVER_KEEP_ALIVE => (Kind::TwoByte, Connack.bit()),
        id::AUTHENTICATION_METHOD => (Kind::Utf8, AUTH_ALL),
        id::AUTHENTICATION_DATA => (Kind::Binary, AUTH_ALL),
        id::REQUEST_PROBLEM_INFORMATION | id::REQUEST_RESPONSE_INFORMATION => (Kind::Byte, Connect.bit()),
        id::WILL_DELAY_INTERVAL => (Kind::FourByte, Will.bit()),
        id::SERVER_REFERENCE => (Kind::Utf8, Connack.bit() | Disconnect.bit()),
        id::REASON_STRING => (Kind::Utf8, reason),
        id::RECEIVE_MAXIMUM | id::TOPIC_ALIAS_MAXIMUM => (Kind::TwoByte, Connect.bit() | Connack.bit()),
        id::TOPIC_ALIAS => (Kind::TwoByte, Publish.bit()),
        id::MAXIMUM_QOS | id::RETAIN_AVAILABLE => (Kind::Byte, Connack.bit()),
        id::USER_PROPERTY => (Kind::Pair, EVERY),
        id::MAXIMUM_PACKET_SIZE => (Kind::FourByte, Connect.bit() | Connack.bit()),
        id::WILDCARD_SUBSCRIPTION_AVAILABLE | id::SUBSCRIPTION_IDENTIFIER_AVAILABLE | id::SHARED_SUBSCRIPTION_AVAILABLE => {
            (Kind::Byte, Connack.bit())
        }
        _ => return None,
    })
}

/// Checks a property list one property at a time: allowed here, not repeated, in range.
pub(crate) struct Checker {
    context: Context,
    /// One bit per identifier, by bytes: a `u64` shifted by a variable costs more code
    /// on a 32-bit core.
    seen: [u8; 8],
}

impl Checker {
    /// A checker for the properties of `context`.
    pub(crate) fn new(context: Context) -> Self {
        Checker { context, seen: [0; 8] }
    }

    /// Checks the next property of the list.
    pub(crate) fn check(&mut self, p: &Property<'_>) -> Result<(), DecodeError> {
        let Some((kind, allowed)) = spec(p.id) else { return Err(DecodeError::PropertyNotAllowed) };
        if allowed & self.context.bit() == 0 || !kind_matches(kind, &p.value) {
            return Err(DecodeError::PropertyNotAllowed);
        }
        let repeats = p.id == id::USER_PROPERTY || (p.id == id::SUBSCRIPTION_IDENTIFIER && self.context == Context::Publish);
        let (byte, bit) = (&mut self.seen[usize::from(p.id >> 3 & 7)], 1 << (p.id & 7));
        if *byte & bit != 0 && !repeats {
            return Err(DecodeError::DuplicateProperty);
        }
        *byte |= bit;
        check_value(p)
    }

    /// Checks the list as a whole: authentication data needs an authentication method.
    pub(crate) fn finish(&self) -> Result<(), DecodeError> {
        let has = |id: u8| self.seen[usize::from(id >> 3)] & 1 << (id & 7) != 0;
        if has(id::AUTHENTICATION_DATA) && !has(id::AUTHENTICATION_METHOD) {
            return Err(DecodeError::PropertyNotAllowed);
        }
        Ok(())
    }
}

fn kind_matches(kind: Kind, value: &Value<'_>) -> bool {
    matches!(
        (kind, value),
        (Kind::Byte, Value::Byte(_))
            | (Kind::TwoByte, Value::TwoByte(_))
            | (Kind::FourByte, Value::FourByte(_))
            | (Kind::VarInt, Value::VarInt(_))
            | (Kind::Utf8, Value::Utf8(_))
            | (Kind::Binary, Value::Binary(_))
            | (Kind::Pair, Value::Pair(..))
    )
}

/// The value rules of section 3: flags 0 or 1, no zero where zero means nothing.
///
/// Split by value type first: the type was checked against the identifier already, so
/// each type has only its own identifiers left to tell apart (a match on both made a
/// jump table per identifier, measured larger on Cortex-M4).
fn check_value(p: &Property<'_>) -> Result<(), DecodeError> {
    let ok = match p.value {
        Value::Byte(v) => v <= 1,
        Value::TwoByte(0) if p.id == id::TOPIC_ALIAS => return Err(DecodeError::TopicAlias),
        Value::TwoByte(v) => v != 0 || p.id != id::RECEIVE_MAXIMUM,
        Value::FourByte(v) => v != 0 || p.id != id::MAXIMUM_PACKET_SIZE,
        // Only the subscription identifier is a variable byte integer.
        Value::VarInt(v) => (1..=varint::MAX_REMAINING_LENGTH).contains(&v),
        Value::Utf8(t) if p.id == id::RESPONSE_TOPIC && !topic::is_valid_name(t) => return Err(DecodeError::Topic),
        Value::Utf8(s) => return no_nul(s),
        Value::Binary(_) => true,
        Value::Pair(k, v) => return no_nul(k).and_then(|()| no_nul(v)),
    };
    if ok {
        Ok(())
    } else {
        Err(DecodeError::PropertyValue)
    }
}

/// Strings built by the caller were never checked for U+0000 (received ones were).
/// A plain loop: `contains` links core's word-at-a-time `memchr` (148 B on Cortex-M4);
/// never inlined, as a pair would hold two copies.
#[inline(never)]
fn no_nul(s: &str) -> Result<(), DecodeError> {
    if s.bytes().any(|b| b == 0) {
        Err(DecodeError::Utf8)
    } else {
        Ok(())
    }
}
