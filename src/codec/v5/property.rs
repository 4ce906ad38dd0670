//! MQTT 5.0 properties: received ones stay in the packet bytes and are read through a
//! zero-copy iterator; outgoing ones come from [`PropertyFields`] in caller memory.

use super::super::reader::Reader;
use super::super::{topic, varint, DecodeError};

/// Property identifiers (MQTT 5.0 section 2.2.2.2).
pub mod id {
    /// Payload Format Indicator (byte, 0 bytes or 1 UTF-8).
    pub const PAYLOAD_FORMAT_INDICATOR: u8 = 0x01;
    /// Message Expiry Interval (seconds, four-byte integer).
    pub const MESSAGE_EXPIRY_INTERVAL: u8 = 0x02;
    /// Content Type (UTF-8 string).
    pub const CONTENT_TYPE: u8 = 0x03;
    /// Response Topic (UTF-8 topic name).
    pub const RESPONSE_TOPIC: u8 = 0x08;
    /// Correlation Data (binary).
    pub const CORRELATION_DATA: u8 = 0x09;
    /// Subscription Identifier (variable byte integer, 1 to 268,435,455).
    pub const SUBSCRIPTION_IDENTIFIER: u8 = 0x0B;
    /// Session Expiry Interval (seconds, four-byte integer).
    pub const SESSION_EXPIRY_INTERVAL: u8 = 0x11;
    /// Assigned Client Identifier (UTF-8 string).
    pub const ASSIGNED_CLIENT_IDENTIFIER: u8 = 0x12;
    /// Server Keep Alive (seconds, two-byte integer).
    pub const SERVER_KEEP_ALIVE: u8 = 0x13;
    /// Authentication Method (UTF-8 string).
    pub const AUTHENTICATION_METHOD: u8 = 0x15;
    /// Authentication Data (binary).
    pub const AUTHENTICATION_DATA: u8 = 0x16;
    /// Request Problem Information (byte, 0 or 1).
    pub const REQUEST_PROBLEM_INFORMATION: u8 = 0x17;
    /// Will Delay Interval (seconds, four-byte integer).
    pub const WILL_DELAY_INTERVAL: u8 = 0x18;
    /// Request Response Information (byte, 0 or 1).
    pub const REQUEST_RESPONSE_INFORMATION: u8 = 0x19;
    /// Response Information (UTF-8 string).
    pub const RESPONSE_INFORMATION: u8 = 0x1A;
    /// Server Reference (UTF-8 string).
    pub const SERVER_REFERENCE: u8 = 0x1C;
    /// Reason String (UTF-8 string).
    pub const REASON_STRING: u8 = 0x1F;
    /// Receive Maximum (two-byte integer, not 0).
    pub const RECEIVE_MAXIMUM: u8 = 0x21;
    /// Topic Alias Maximum (two-byte integer).
    pub const TOPIC_ALIAS_MAXIMUM: u8 = 0x22;
    /// Topic Alias (two-byte integer, not 0).
    pub const TOPIC_ALIAS: u8 = 0x23;
    /// Maximum QoS (byte, 0 or 1).
    pub const MAXIMUM_QOS: u8 = 0x24;
    /// Retain Available (byte, 0 or 1).
    pub const RETAIN_AVAILABLE: u8 = 0x25;
    /// User Property (UTF-8 string pair; may repeat).
    pub const USER_PROPERTY: u8 = 0x26;
    /// Maximum Packet Size (four-byte integer, not 0).
    pub const MAXIMUM_PACKET_SIZE: u8 = 0x27;
    /// Wildcard Subscription Available (byte, 0 or 1).
    pub const WILDCARD_SUBSCRIPTION_AVAILABLE: u8 = 0x28;
    /// Subscription Identifier Available (byte, 0 or 1).
    pub const SUBSCRIPTION_IDENTIFIER_AVAILABLE: u8 = 0x29;
    /// Shared Subscription Available (byte, 0 or 1).
    pub const SHARED_SUBSCRIPTION_AVAILABLE: u8 = 0x2A;
}

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

/// A property value, typed as the specification encodes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Value<'a> {
    /// A single byte.
    Byte(u8),
    /// A big-endian two-byte integer.
    TwoByte(u16),
    /// A big-endian four-byte integer.
    FourByte(u32),
    /// A variable byte integer.
    VarInt(u32),
    /// A UTF-8 string.
    Utf8(&'a str),
    /// Binary data.
    Binary(&'a [u8]),
    /// A UTF-8 string pair (name, value).
    Pair(&'a str, &'a str),
}

/// One property: its identifier (see [`id`]) and its value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Property<'a> {
    /// Property identifier.
    pub id: u8,
    /// Property value.
    pub value: Value<'a>,
}

#[derive(Clone, Copy)]
enum Kind {
    Byte,
    TwoByte,
    FourByte,
    VarInt,
    Utf8,
    Binary,
    Pair,
}

/// The value type of property `id` and the contexts that allow it (MQTT 5.0 table 2-4).
fn spec(id: u8) -> Option<(Kind, u16)> {
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

/// Reads a variable byte integer (minimal encoding only).
fn read_varint(r: &mut Reader<'_>) -> Result<u32, DecodeError> {
    match varint::decode(r.remaining()) {
        Ok(varint::VarInt::Complete { value, len }) => {
            r.take(len)?;
            Ok(value)
        }
        _ => Err(DecodeError::Malformed),
    }
}

/// Reads one property. A value cut short fails as `Malformed`, which [`read`] reports as
/// a property length fault; a subscription identifier longer than needed or than four
/// bytes is a value fault.
fn read_one<'a>(r: &mut Reader<'a>) -> Result<Property<'a>, DecodeError> {
    let id = r.u8()?;
    let (kind, _) = spec(id).ok_or(DecodeError::PropertyNotAllowed)?;
    let value = match kind {
        Kind::Byte => Value::Byte(r.u8()?),
        Kind::TwoByte => Value::TwoByte(r.u16()?),
        Kind::FourByte => Value::FourByte(u32::from(r.u16()?) << 16 | u32::from(r.u16()?)),
        Kind::VarInt => match varint::decode(r.remaining()) {
            Ok(varint::VarInt::Complete { value, len }) => {
                r.take(len)?;
                Value::VarInt(value)
            }
            Ok(varint::VarInt::Incomplete) => return Err(DecodeError::Malformed),
            Err(_) => return Err(DecodeError::PropertyValue),
        },
        Kind::Utf8 => Value::Utf8(r.string()?),
        Kind::Binary => Value::Binary(r.binary()?),
        Kind::Pair => Value::Pair(r.string()?, r.string()?),
    };
    Ok(Property { id, value })
}

/// Checks a property list one property at a time: allowed here, not repeated, in range.
pub(crate) struct Checker {
    context: Context,
    seen: u64,
}

impl Checker {
    /// A checker for the properties of `context`.
    pub(crate) fn new(context: Context) -> Self {
        Checker { context, seen: 0 }
    }

    /// Checks the next property of the list.
    pub(crate) fn check(&mut self, p: &Property<'_>) -> Result<(), DecodeError> {
        let Some((kind, allowed)) = spec(p.id) else { return Err(DecodeError::PropertyNotAllowed) };
        if allowed & self.context.bit() == 0 || !kind_matches(kind, &p.value) {
            return Err(DecodeError::PropertyNotAllowed);
        }
        let repeats = p.id == id::USER_PROPERTY || (p.id == id::SUBSCRIPTION_IDENTIFIER && self.context == Context::Publish);
        let bit = 1u64 << (p.id & 63);
        if self.seen & bit != 0 && !repeats {
            return Err(DecodeError::DuplicateProperty);
        }
        self.seen |= bit;
        check_value(p)
    }

    /// Checks the list as a whole: authentication data needs an authentication method.
    pub(crate) fn finish(&self) -> Result<(), DecodeError> {
        let has = |id: u8| self.seen & 1u64 << id != 0;
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
fn check_value(p: &Property<'_>) -> Result<(), DecodeError> {
    let ok = match (p.id, p.value) {
        (id::RECEIVE_MAXIMUM | id::TOPIC_ALIAS, Value::TwoByte(v)) => v != 0,
        (id::MAXIMUM_PACKET_SIZE, Value::FourByte(v)) => v != 0,
        (id::SUBSCRIPTION_IDENTIFIER, Value::VarInt(v)) => (1..=varint::MAX_REMAINING_LENGTH).contains(&v),
        (_, Value::Byte(v)) => v <= 1,
        (id::RESPONSE_TOPIC, Value::Utf8(t)) if !topic::is_valid_name(t) => return Err(DecodeError::Topic),
        (_, Value::Utf8(s)) => return no_nul(s),
        (_, Value::Pair(k, v)) => return no_nul(k).and(no_nul(v)),
        _ => true,
    };
    if ok {
        Ok(())
    } else {
        Err(DecodeError::PropertyValue)
    }
}

/// Strings built by the caller were never checked for U+0000 (received ones were).
fn no_nul(s: &str) -> Result<(), DecodeError> {
    if s.as_bytes().contains(&0) {
        Err(DecodeError::Utf8)
    } else {
        Ok(())
    }
}

/// Reads a property list (its length, then the properties) and checks it for `context`.
pub(crate) fn read<'a>(r: &mut Reader<'a>, context: Context) -> Result<Properties<'a>, DecodeError> {
    let len = read_varint(r).map_err(|_| DecodeError::PropertyLength)?;
    let bytes = r.take(usize::try_from(len).map_err(|_| DecodeError::PropertyLength)?).map_err(|_| DecodeError::PropertyLength)?;
    let mut list = Reader::new(bytes);
    let mut checker = Checker::new(context);
    while !list.remaining().is_empty() {
        let property = read_one(&mut list).map_err(|e| if e == DecodeError::Malformed { DecodeError::PropertyLength } else { e })?;
        checker.check(&property)?;
    }
    checker.finish()?;
    Ok(Properties(Repr::Wire(bytes)))
}

/// Properties to send, from caller memory: every field set is written, in identifier order.
///
/// The encoder refuses fields the packet does not allow and out-of-range values with
/// [`EncodeError::InvalidField`](super::super::EncodeError::InvalidField).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PropertyFields<'a> {
    /// 0x01 Payload Format Indicator: 0 unspecified bytes, 1 UTF-8 (PUBLISH, will).
    pub payload_format_indicator: Option<u8>,
    /// 0x02 Message Expiry Interval in seconds (PUBLISH, will).
    pub message_expiry_interval: Option<u32>,
    /// 0x03 Content Type (PUBLISH, will).
    pub content_type: Option<&'a str>,
    /// 0x08 Response Topic (PUBLISH, will).
    pub response_topic: Option<&'a str>,
    /// 0x09 Correlation Data (PUBLISH, will).
    pub correlation_data: Option<&'a [u8]>,
    /// 0x0B Subscription Identifiers (one in SUBSCRIBE; several in a broker's PUBLISH).
    pub subscription_identifiers: &'a [u32],
    /// 0x11 Session Expiry Interval in seconds (CONNECT, CONNACK, DISCONNECT).
    pub session_expiry_interval: Option<u32>,
    /// 0x12 Assigned Client Identifier (CONNACK).
    pub assigned_client_identifier: Option<&'a str>,
    /// 0x13 Server Keep Alive in seconds (CONNACK).
    pub server_keep_alive: Option<u16>,
    /// 0x15 Authentication Method (CONNECT, CONNACK, AUTH).
    pub authentication_method: Option<&'a str>,
    /// 0x16 Authentication Data (CONNECT, CONNACK, AUTH).
    pub authentication_data: Option<&'a [u8]>,
    /// 0x17 Request Problem Information, 0 or 1 (CONNECT).
    pub request_problem_information: Option<u8>,
    /// 0x18 Will Delay Interval in seconds (will).
    pub will_delay_interval: Option<u32>,
    /// 0x19 Request Response Information, 0 or 1 (CONNECT).
    pub request_response_information: Option<u8>,
    /// 0x1A Response Information (CONNACK).
    pub response_information: Option<&'a str>,
    /// 0x1C Server Reference (CONNACK, DISCONNECT).
    pub server_reference: Option<&'a str>,
    /// 0x1F Reason String (every acknowledgement, DISCONNECT, AUTH).
    pub reason_string: Option<&'a str>,
    /// 0x21 Receive Maximum, not 0 (CONNECT, CONNACK).
    pub receive_maximum: Option<u16>,
    /// 0x22 Topic Alias Maximum (CONNECT, CONNACK).
    pub topic_alias_maximum: Option<u16>,
    /// 0x23 Topic Alias, not 0 (PUBLISH).
    pub topic_alias: Option<u16>,
    /// 0x24 Maximum QoS, 0 or 1 (CONNACK).
    pub maximum_qos: Option<u8>,
    /// 0x25 Retain Available, 0 or 1 (CONNACK).
    pub retain_available: Option<u8>,
    /// 0x26 User Properties, (name, value) pairs in order (every packet with properties).
    pub user_properties: &'a [(&'a str, &'a str)],
    /// 0x27 Maximum Packet Size, not 0 (CONNECT, CONNACK).
    pub maximum_packet_size: Option<u32>,
    /// 0x28 Wildcard Subscription Available, 0 or 1 (CONNACK).
    pub wildcard_subscription_available: Option<u8>,
    /// 0x29 Subscription Identifier Available, 0 or 1 (CONNACK).
    pub subscription_identifier_available: Option<u8>,
    /// 0x2A Shared Subscription Available, 0 or 1 (CONNACK).
    pub shared_subscription_available: Option<u8>,
}

impl<'a> PropertyFields<'a> {
    /// The single-valued field with identifier `id`, if set.
    fn single(&self, id: u8) -> Option<Value<'a>> {
        let byte = |v: Option<u8>| v.map(Value::Byte);
        let two = |v: Option<u16>| v.map(Value::TwoByte);
        let four = |v: Option<u32>| v.map(Value::FourByte);
        let text = |v: Option<&'a str>| v.map(Value::Utf8);
        match id {
            id::PAYLOAD_FORMAT_INDICATOR => byte(self.payload_format_indicator),
            id::MESSAGE_EXPIRY_INTERVAL => four(self.message_expiry_interval),
            id::CONTENT_TYPE => text(self.content_type),
            id::RESPONSE_TOPIC => text(self.response_topic),
            id::CORRELATION_DATA => self.correlation_data.map(Value::Binary),
            id::SESSION_EXPIRY_INTERVAL => four(self.session_expiry_interval),
            id::ASSIGNED_CLIENT_IDENTIFIER => text(self.assigned_client_identifier),
            id::SERVER_KEEP_ALIVE => two(self.server_keep_alive),
            id::AUTHENTICATION_METHOD => text(self.authentication_method),
            id::AUTHENTICATION_DATA => self.authentication_data.map(Value::Binary),
            id::REQUEST_PROBLEM_INFORMATION => byte(self.request_problem_information),
            id::WILL_DELAY_INTERVAL => four(self.will_delay_interval),
            id::REQUEST_RESPONSE_INFORMATION => byte(self.request_response_information),
            id::RESPONSE_INFORMATION => text(self.response_information),
            id::SERVER_REFERENCE => text(self.server_reference),
            id::REASON_STRING => text(self.reason_string),
            id::RECEIVE_MAXIMUM => two(self.receive_maximum),
            id::TOPIC_ALIAS_MAXIMUM => two(self.topic_alias_maximum),
            id::TOPIC_ALIAS => two(self.topic_alias),
            id::MAXIMUM_QOS => byte(self.maximum_qos),
            id::RETAIN_AVAILABLE => byte(self.retain_available),
            id::MAXIMUM_PACKET_SIZE => four(self.maximum_packet_size),
            id::WILDCARD_SUBSCRIPTION_AVAILABLE => byte(self.wildcard_subscription_available),
            id::SUBSCRIPTION_IDENTIFIER_AVAILABLE => byte(self.subscription_identifier_available),
            id::SHARED_SUBSCRIPTION_AVAILABLE => byte(self.shared_subscription_available),
            _ => None,
        }
    }
}

/// The properties of a packet: received bytes (checked on decode) or caller fields.
///
/// Compares equal when both list the same properties in the same order.
#[derive(Clone, Copy)]
pub struct Properties<'a>(Repr<'a>);

#[derive(Clone, Copy)]
enum Repr<'a> {
    Wire(&'a [u8]),
    Fields(&'a PropertyFields<'a>),
}

impl<'a> Properties<'a> {
    /// No properties.
    pub const NONE: Properties<'static> = Properties(Repr::Wire(&[]));

    /// Properties to send, taken from `fields`.
    pub const fn new(fields: &'a PropertyFields<'a>) -> Self {
        Properties(Repr::Fields(fields))
    }

    /// Every property, in packet order.
    pub fn iter(&self) -> PropertyIter<'a> {
        PropertyIter(match self.0 {
            Repr::Wire(bytes) => Iter::Wire(Reader::new(bytes)),
            Repr::Fields(fields) => Iter::Fields { fields, id: 0, nth: 0 },
        })
    }

    /// True when there are no properties.
    pub fn is_empty(&self) -> bool {
        self.iter().next().is_none()
    }

    /// The value of the first property with identifier `id`.
    pub fn get(&self, id: u8) -> Option<Value<'a>> {
        self.iter().find(|p| p.id == id).map(|p| p.value)
    }

    /// A byte property, e.g. [`id::MAXIMUM_QOS`].
    pub fn byte(&self, id: u8) -> Option<u8> {
        match self.get(id)? {
            Value::Byte(v) => Some(v),
            _ => None,
        }
    }

    /// A two-byte or four-byte integer or variable byte integer property.
    pub fn integer(&self, id: u8) -> Option<u32> {
        match self.get(id)? {
            Value::TwoByte(v) => Some(u32::from(v)),
            Value::FourByte(v) | Value::VarInt(v) => Some(v),
            _ => None,
        }
    }

    /// A UTF-8 string property, e.g. [`id::REASON_STRING`].
    pub fn string(&self, id: u8) -> Option<&'a str> {
        match self.get(id)? {
            Value::Utf8(v) => Some(v),
            _ => None,
        }
    }

    /// A binary property, e.g. [`id::CORRELATION_DATA`].
    pub fn binary(&self, id: u8) -> Option<&'a [u8]> {
        match self.get(id)? {
            Value::Binary(v) => Some(v),
            _ => None,
        }
    }

    /// The user properties, in order.
    pub fn user_properties(&self) -> impl Iterator<Item = (&'a str, &'a str)> + Clone + 'a {
        self.iter().filter_map(|p| match p.value {
            Value::Pair(k, v) => Some((k, v)),
            _ => None,
        })
    }

    /// The subscription identifiers, in order (a broker's PUBLISH may carry several).
    pub fn subscription_identifiers(&self) -> impl Iterator<Item = u32> + Clone + 'a {
        self.iter().filter_map(|p| match (p.id, p.value) {
            (id::SUBSCRIPTION_IDENTIFIER, Value::VarInt(v)) => Some(v),
            _ => None,
        })
    }
}

impl Default for Properties<'_> {
    fn default() -> Self {
        Properties::NONE
    }
}

impl PartialEq for Properties<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

impl Eq for Properties<'_> {}

impl core::fmt::Debug for Properties<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<'a> From<&'a PropertyFields<'a>> for Properties<'a> {
    fn from(fields: &'a PropertyFields<'a>) -> Self {
        Properties::new(fields)
    }
}

/// Iterates over [`Properties`] without copying: strings and data borrow the packet.
#[derive(Clone)]
pub struct PropertyIter<'a>(Iter<'a>);

#[derive(Clone)]
enum Iter<'a> {
    Wire(Reader<'a>),
    /// At identifier `id`, its `nth` value (identifiers with a list take several).
    Fields {
        fields: &'a PropertyFields<'a>,
        id: u8,
        nth: usize,
    },
}

/// Identifiers above this one do not exist.
const LAST_ID: u8 = id::SHARED_SUBSCRIPTION_AVAILABLE;

impl<'a> Iterator for PropertyIter<'a> {
    type Item = Property<'a>;

    fn next(&mut self) -> Option<Property<'a>> {
        match &mut self.0 {
            // Checked when decoded: a failure here cannot happen, and ends the list.
            Iter::Wire(r) if r.remaining().is_empty() => None,
            Iter::Wire(r) => read_one(r).ok(),
            Iter::Fields { fields, id, nth } => {
                while *id <= LAST_ID {
                    let value = match *id {
                        id::SUBSCRIPTION_IDENTIFIER => fields.subscription_identifiers.get(*nth).map(|&v| Value::VarInt(v)),
                        id::USER_PROPERTY => fields.user_properties.get(*nth).map(|&(k, v)| Value::Pair(k, v)),
                        other if *nth == 0 => fields.single(other),
                        _ => None,
                    };
                    match value {
                        Some(value) => {
                            *nth += 1;
                            return Some(Property { id: *id, value });
                        }
                        None => {
                            *id += 1;
                            *nth = 0;
                        }
                    }
                }
                None
            }
        }
    }
}

/// Bytes one property takes on the wire (identifier included).
pub(crate) fn wire_len(p: &Property<'_>) -> usize {
    1 + match p.value {
        Value::Byte(_) => 1,
        Value::TwoByte(_) => 2,
        Value::FourByte(_) => 4,
        Value::VarInt(v) => varint::encoded_len(v),
        Value::Utf8(s) => 2 + s.len(),
        Value::Binary(b) => 2 + b.len(),
        Value::Pair(k, v) => 4 + k.len() + v.len(),
    }
}
