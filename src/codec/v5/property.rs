//! MQTT 5.0 properties: received ones stay in the packet bytes and are read through a
//! zero-copy iterator; outgoing ones come from [`PropertyFields`] in caller memory.

use super::super::reader::Reader;
use super::super::{varint, DecodeError};
pub use super::fields::PropertyFields;
use super::rules::{spec, Checker, Context, Kind};

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
        Kind::FourByte => Value::FourByte(u32::from_be_bytes(r.take(4)?.try_into().map_err(|_| DecodeError::Malformed)?)),
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

/// Reads a property list (its length, then the properties) and checks it for `context`.
///
/// A wrapper over [`read_bytes`], which reads and returns plain bytes: built there, the
/// [`Properties`] result cost more code (measured 12–24 B on Cortex-M4).
pub(crate) fn read<'a>(r: &mut Reader<'a>, context: Context) -> Result<Properties<'a>, DecodeError> {
    read_bytes(r, context).map(Properties::from_wire)
}

/// [`read`], returning the property bytes (without their length field).
fn read_bytes<'a>(r: &mut Reader<'a>, context: Context) -> Result<&'a [u8], DecodeError> {
    let len = read_varint(r).map_err(|_| DecodeError::PropertyLength)?;
    let bytes = r.take(usize::try_from(len).map_err(|_| DecodeError::PropertyLength)?).map_err(|_| DecodeError::PropertyLength)?;
    let mut list = Reader::new(bytes);
    let mut checker = Checker::new(context);
    while !list.remaining().is_empty() {
        match read_one(&mut list) {
            Ok(property) => checker.check(&property)?,
            Err(DecodeError::Malformed) => return Err(DecodeError::PropertyLength),
            Err(e) => return Err(e),
        }
    }
    checker.finish()?;
    Ok(bytes)
}

/// The properties of a PUBLISH property section kept outside a packet (property length,
/// then the properties, as [`encode::publish_properties`](super::encode::publish_properties)
/// writes it), checked as a received PUBLISH's: a section with bytes after its length
/// fails as a property length fault. A topic alias (valid on one connection only) or a
/// subscription identifier (the broker's to send) is not allowed: a client sends neither
/// with a message it keeps.
pub fn publish_section(section: &[u8]) -> Result<Properties<'_>, DecodeError> {
    let mut r = Reader::new(section);
    let properties = read(&mut r, Context::Publish)?;
    if !r.remaining().is_empty() {
        return Err(DecodeError::PropertyLength);
    }
    if properties.iter().any(|p| p.id == id::TOPIC_ALIAS || p.id == id::SUBSCRIPTION_IDENTIFIER) {
        return Err(DecodeError::PropertyNotAllowed);
    }
    Ok(properties)
}

/// Properties kept in the caller's own layout (a C struct, a table), read one at a time:
/// no copy into [`PropertyFields`] and no allocation, whatever their number.
///
/// The encoder reads the list twice (to size the packet, then to write it) and checks it
/// as it checks [`PropertyFields`]; a list that changes between the two reads fails with
/// [`EncodeError::InvalidField`](super::super::EncodeError::InvalidField).
pub trait PropertySource {
    /// The property at `index` in packet order, or `None` past the last one.
    fn property(&self, index: usize) -> Option<Property<'_>>;
}

/// The properties of a packet: received bytes (checked on decode), caller fields or a
/// caller [`PropertySource`].
///
/// Compares equal when both list the same properties in the same order.
#[derive(Clone, Copy)]
pub struct Properties<'a>(Repr<'a>);

#[derive(Clone, Copy)]
enum Repr<'a> {
    Wire(&'a [u8]),
    Source(&'a dyn PropertySource),
}

impl<'a> Properties<'a> {
    /// No properties.
    pub const NONE: Properties<'static> = Properties(Repr::Wire(&[]));

    /// Properties to send, taken from `fields`.
    pub const fn new(fields: &'a PropertyFields<'a>) -> Self {
        Properties(Repr::Source(fields))
    }

    /// Properties to send, read from `source` when the packet is encoded.
    pub const fn from_source(source: &'a dyn PropertySource) -> Self {
        Properties(Repr::Source(source))
    }

    /// Received property bytes (without their length field), read leniently: a list that
    /// was never checked is safe to read, and ends at the first property that does not parse.
    pub const fn from_wire(bytes: &'a [u8]) -> Self {
        Properties(Repr::Wire(bytes))
    }

    /// The bytes of received properties (empty for properties to send).
    pub fn wire(&self) -> &'a [u8] {
        match self.0 {
            Repr::Wire(bytes) => bytes,
            Repr::Source(_) => &[],
        }
    }

    /// Every property, in packet order.
    pub fn iter(&self) -> PropertyIter<'a> {
        PropertyIter(match self.0 {
            Repr::Wire(bytes) => Iter::Wire(Reader::new(bytes)),
            Repr::Source(source) => Iter::Source { source, index: 0 },
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

impl core::fmt::Debug for dyn PropertySource + '_ {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        Properties::from_source(self).fmt(f)
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
    /// The next property of a source is its `index`-th.
    Source {
        source: &'a dyn PropertySource,
        index: usize,
    },
}

impl<'a> Iterator for PropertyIter<'a> {
    type Item = Property<'a>;

    fn next(&mut self) -> Option<Property<'a>> {
        match &mut self.0 {
            // Checked when decoded: a failure here cannot happen, and ends the list.
            Iter::Wire(r) if r.remaining().is_empty() => None,
            Iter::Wire(r) => read_one(r).ok(),
            // Counted before the call, so the property goes straight to the caller (no
            // copy); past the last one every index gives `None` anyway.
            Iter::Source { source, index } => {
                let at = *index;
                *index = at.checked_add(1)?;
                source.property(at)
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
