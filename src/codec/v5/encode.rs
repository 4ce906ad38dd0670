//! MQTT 5.0 encoding into caller buffers. Each function returns the number of bytes
//! written. Properties are checked as the decoder checks them; acknowledgements,
//! DISCONNECT and AUTH use the short forms when the reason is success and there are no
//! properties.

use super::super::encode::ConnectFields;
use super::super::packet::kind;
use super::super::topic::{self, FilterText};
use super::super::writer::{prefixed_len, Writer};
use super::super::{varint, DecodeError, EncodeError, QoS};
use super::packet::{Ack, Connect, Packet, Publish, Reasoned, SubAck, SubscriptionOptions, AUTH};
use super::property::{self, id, Properties, Value};
use super::reason::{ReasonOf, SUCCESS};
use super::rules::{Checker, Context};

/// Encodes any MQTT 5.0 packet into `buf`.
pub fn packet(p: &Packet<'_>, buf: &mut [u8]) -> Result<usize, EncodeError> {
    match p {
        Packet::Connect(c) => connect(c, buf),
        Packet::Connack(c) => {
            if !ReasonOf::Connack.allows(c.reason) || (c.session_present && c.reason != SUCCESS) {
                return Err(EncodeError::InvalidField);
            }
            let props = Sized::of(&c.properties, Context::Connack)?;
            let mut w = Writer::new(buf);
            w.fixed_header(kind::CONNACK << 4, 2 + props.total)?;
            w.u8(u8::from(c.session_present))?;
            w.u8(c.reason)?;
            props.write(&mut w)?;
            Ok(w.len())
        }
        Packet::Publish(p) => publish(p, buf),
        Packet::Puback(a) => ack(kind::PUBACK, a, buf),
        Packet::Pubrec(a) => ack(kind::PUBREC, a, buf),
        Packet::Pubrel(a) => ack(kind::PUBREL, a, buf),
        Packet::Pubcomp(a) => ack(kind::PUBCOMP, a, buf),
        Packet::Subscribe(s) => subscribe(s.packet_id, &s.properties, s.filters().map(|(f, o)| (f.as_bytes(), o)), buf),
        Packet::Suback(s) => suback(kind::SUBACK, s, buf),
        Packet::Unsubscribe(u) => unsubscribe(u.packet_id, &u.properties, u.filters().map(str::as_bytes), buf),
        Packet::Unsuback(s) => suback(kind::UNSUBACK, s, buf),
        Packet::Pingreq => super::super::encode::empty(kind::PINGREQ, buf),
        Packet::Pingresp => super::super::encode::empty(kind::PINGRESP, buf),
        Packet::Disconnect(d) => reasoned(kind::DISCONNECT, d, buf),
        Packet::Auth(a) => reasoned(AUTH, a, buf),
    }
}

/// A checked property list and the sizes it takes on the wire.
pub(crate) struct Sized<'p, 'a> {
    properties: &'p Properties<'a>,
    /// Bytes of the properties themselves.
    len: usize,
    /// With the property length field in front.
    pub(crate) total: usize,
}

impl<'p, 'a> Sized<'p, 'a> {
    /// A CONNECT's own property section (`will` false) or its will's, checked and sized
    /// (for the encoder both versions share, `encode::connect_with`).
    pub(crate) fn of_connect(properties: &'p Properties<'a>, will: bool) -> Result<Self, EncodeError> {
        Self::of(properties, if will { Context::Will } else { Context::Connect })
    }

    fn of(properties: &'p Properties<'a>, context: Context) -> Result<Self, EncodeError> {
        let mut checker = Checker::new(context);
        let mut len = 0usize;
        for p in properties.iter() {
            checker.check(&p).map_err(|e| if e == DecodeError::Topic { EncodeError::Topic } else { EncodeError::InvalidField })?;
            len = len.checked_add(property::wire_len(&p)).ok_or(EncodeError::InvalidField)?;
        }
        checker.finish().map_err(|_| EncodeError::InvalidField)?;
        let len32 = u32::try_from(len).ok().filter(|&l| l <= varint::MAX_REMAINING_LENGTH).ok_or(EncodeError::InvalidField)?;
        Ok(Sized { properties, len, total: varint::encoded_len(len32) + len })
    }

    pub(crate) fn write(&self, w: &mut Writer<'_>) -> Result<(), EncodeError> {
        varint_field(w, u32::try_from(self.len).map_err(|_| EncodeError::InvalidField)?)?;
        let start = w.len();
        for p in self.properties.iter() {
            w.u8(p.id)?;
            match p.value {
                Value::Byte(v) => w.u8(v)?,
                Value::TwoByte(v) => w.u16(v)?,
                Value::FourByte(v) => w.bytes(&v.to_be_bytes())?,
                Value::VarInt(v) => varint_field(w, v)?,
                Value::Utf8(s) => w.binary(s.as_bytes())?,
                Value::Binary(b) => w.binary(b)?,
                Value::Pair(k, v) => {
                    w.binary(k.as_bytes())?;
                    w.binary(v.as_bytes())?;
                }
            }
        }
        // A property source that changed since it was sized would break the packet.
        if w.len() - start != self.len {
            return Err(EncodeError::InvalidField);
        }
        Ok(())
    }
}

fn varint_field(w: &mut Writer<'_>, value: u32) -> Result<(), EncodeError> {
    let mut tmp = [0u8; 4];
    let n = varint::encode(value, &mut tmp);
    w.bytes(tmp.get(..n).ok_or(EncodeError::InvalidField)?)
}

fn nonzero(id: u16) -> Result<u16, EncodeError> {
    if id == 0 {
        Err(EncodeError::InvalidField)
    } else {
        Ok(id)
    }
}

/// Encodes CONNECT (protocol level 5): the 3.1.1 encoder's layout with the property
/// sections, through the one encoder both versions share.
pub fn connect(c: &Connect<'_>, buf: &mut [u8]) -> Result<usize, EncodeError> {
    connect_parts(&c.fixed(&c.text()), (&c.properties, c.will.as_ref().map_or(&Properties::NONE, |w| &w.properties)), buf)
}

/// The property lists of an MQTT 5.0 CONNECT: its own and the will's.
pub(crate) type ConnectProperties<'p, 'a> = (&'p Properties<'a>, &'p Properties<'a>);

/// Encodes CONNECT (protocol level 5) from its 3.1.1 fields (`c`, version 5) and its two
/// property lists (the will's ignored without a will), which the shared encoder checks
/// and sizes: the form the C connect passes on, so that it builds no [`Connect`] to be
/// taken apart again.
pub(crate) fn connect_parts(c: &ConnectFields<'_, '_>, properties: ConnectProperties<'_, '_>, buf: &mut [u8]) -> Result<usize, EncodeError> {
    super::super::encode::connect_with(c, Some(properties), buf)
}

/// Size of the PUBLISH head (fixed header, topic, packet id, properties) for a payload
/// of `payload_len`; fails as [`publish_head`] would on invalid properties.
pub fn publish_head_len(p: &Publish<'_>, payload_len: usize) -> Result<usize, EncodeError> {
    let props = Sized::of(&p.properties, Context::Publish)?;
    let head = prefixed_len(p.topic.as_bytes()) + if p.qos == QoS::AtMostOnce { 0 } else { 2 } + props.total;
    let body = head.checked_add(payload_len).and_then(|b| u32::try_from(b).ok()).ok_or(EncodeError::InvalidField)?;
    Ok(1 + varint::encoded_len(body) + head)
}

/// Encodes everything of a PUBLISH except its payload (`p.payload.len()` bytes), which
/// the caller sends after it.
pub fn publish_head(p: &Publish<'_>, buf: &mut [u8]) -> Result<usize, EncodeError> {
    let aliased = p.topic.is_empty() && p.properties.get(id::TOPIC_ALIAS).is_some();
    if !aliased && !topic::is_valid_name(p.topic) {
        return Err(EncodeError::Topic);
    }
    if (p.qos == QoS::AtMostOnce) != (p.packet_id == 0) || (p.dup && p.qos == QoS::AtMostOnce) {
        return Err(EncodeError::InvalidField);
    }
    let props = Sized::of(&p.properties, Context::Publish)?;
    let id_len = if p.qos == QoS::AtMostOnce { 0 } else { 2 };
    // Checked: the payload is not in the buffer, so a sum that wrapped (16-bit usize)
    // would not fail the writes below.
    let remaining = p
        .payload
        .len()
        .checked_add(id_len + props.total)
        .and_then(|n| n.checked_add(prefixed_len(p.topic.as_bytes())))
        .ok_or(EncodeError::InvalidField)?;
    let first = kind::PUBLISH << 4 | u8::from(p.dup) << 3 | (p.qos as u8) << 1 | u8::from(p.retain);
    let mut w = Writer::new(buf);
    w.fixed_header(first, remaining)?;
    w.binary(p.topic.as_bytes())?;
    if id_len != 0 {
        w.u16(p.packet_id)?;
    }
    props.write(&mut w)?;
    Ok(w.len())
}

/// Encodes the property section of a PUBLISH (property length, then the properties),
/// checked as [`publish_head`] checks it: the form a persistence record keeps, so that a
/// message restored after a reset is resent with its properties (read back with
/// [`property::publish_section`]).
pub fn publish_properties(properties: &Properties<'_>, buf: &mut [u8]) -> Result<usize, EncodeError> {
    let mut w = Writer::new(buf);
    Sized::of(properties, Context::Publish)?.write(&mut w)?;
    Ok(w.len())
}

/// Encodes a whole PUBLISH, payload included.
pub fn publish(p: &Publish<'_>, buf: &mut [u8]) -> Result<usize, EncodeError> {
    let head = publish_head(p, buf)?;
    let mut w = Writer::new(buf.get_mut(head..).ok_or(EncodeError::BufferTooSmall)?);
    w.bytes(p.payload)?;
    Ok(head + w.len())
}

/// Encodes PUBACK, PUBREC, PUBREL or PUBCOMP (PUBREL carries flags 0b0010).
pub fn ack(kind: u8, a: &Ack<'_>, buf: &mut [u8]) -> Result<usize, EncodeError> {
    let (flags, of) = match kind {
        kind::PUBACK | kind::PUBREC => (0, ReasonOf::PubackPubrec),
        kind::PUBREL => (0x02, ReasonOf::PubrelPubcomp),
        kind::PUBCOMP => (0, ReasonOf::PubrelPubcomp),
        _ => return Err(EncodeError::InvalidField),
    };
    let mut w = Writer::new(buf);
    let tail = Tail::of(a.reason, &a.properties, Context::PubAck, of)?.short();
    w.fixed_header(kind << 4 | flags, 2 + tail.len())?;
    w.u16(nonzero(a.packet_id)?)?;
    tail.write(&mut w)?;
    Ok(w.len())
}

/// Encodes DISCONNECT (`kind::DISCONNECT`) or AUTH ([`AUTH`]).
pub fn reasoned(kind: u8, r: &Reasoned<'_>, buf: &mut [u8]) -> Result<usize, EncodeError> {
    let tail = match kind {
        kind::DISCONNECT => Tail::of(r.reason, &r.properties, Context::Disconnect, ReasonOf::Disconnect)?.short(),
        AUTH => Tail::of(r.reason, &r.properties, Context::Auth, ReasonOf::Auth)?,
        _ => return Err(EncodeError::InvalidField),
    };
    let mut w = Writer::new(buf);
    w.fixed_header(kind << 4, tail.len())?;
    tail.write(&mut w)?;
    Ok(w.len())
}

/// The optional reason code and properties at the end of an acknowledgement, DISCONNECT
/// or AUTH, in its shortest form. Only the acknowledgements and DISCONNECT may drop the
/// property length after a reason code other than success; AUTH keeps it.
struct Tail<'p, 'a> {
    reason: u8,
    props: Sized<'p, 'a>,
    reason_alone: bool,
}

impl<'p, 'a> Tail<'p, 'a> {
    fn of(reason: u8, properties: &'p Properties<'a>, context: Context, of: ReasonOf) -> Result<Self, EncodeError> {
        if !of.allows(reason) {
            return Err(EncodeError::InvalidField);
        }
        Ok(Tail { reason, props: Sized::of(properties, context)?, reason_alone: false })
    }

    /// Allows a reason code without the property length after it.
    fn short(self) -> Self {
        Tail { reason_alone: true, ..self }
    }

    fn len(&self) -> usize {
        match (self.reason, self.props.len, self.reason_alone) {
            (SUCCESS, 0, _) => 0,
            (_, 0, true) => 1,
            _ => 1 + self.props.total,
        }
    }

    fn write(&self, w: &mut Writer<'_>) -> Result<(), EncodeError> {
        let len = self.len();
        if len > 0 {
            w.u8(self.reason)?;
        }
        if len > 1 {
            self.props.write(w)?;
        }
        Ok(())
    }
}

/// Encodes SUBACK (`kind::SUBACK`) or UNSUBACK (`kind::UNSUBACK`).
pub fn suback(kind: u8, s: &SubAck<'_>, buf: &mut [u8]) -> Result<usize, EncodeError> {
    let (context, of) = match kind {
        kind::SUBACK => (Context::Suback, ReasonOf::Suback),
        kind::UNSUBACK => (Context::Unsuback, ReasonOf::Unsuback),
        _ => return Err(EncodeError::InvalidField),
    };
    if s.reason_codes.is_empty() || !s.reason_codes.iter().all(|&c| of.allows(c)) {
        return Err(EncodeError::InvalidField);
    }
    let props = Sized::of(&s.properties, context)?;
    let mut w = Writer::new(buf);
    w.fixed_header(kind << 4, 2 + props.total + s.reason_codes.len())?;
    w.u16(nonzero(s.packet_id)?)?;
    props.write(&mut w)?;
    w.bytes(s.reason_codes)?;
    Ok(w.len())
}

/// Encodes SUBSCRIBE from `(filter, options)` pairs; filters are checked here.
pub fn subscribe<'f, I, F>(packet_id: u16, properties: &Properties<'_>, filters: I, buf: &mut [u8]) -> Result<usize, EncodeError>
where
    I: Iterator<Item = (F, SubscriptionOptions)> + Clone,
    F: FilterText<'f>,
{
    let props = Sized::of(properties, Context::Subscribe)?;
    let mut remaining = 2 + props.total;
    let mut any = false;
    for (filter, options) in filters.clone() {
        let filter = check_filter(filter)?;
        if options.no_local && filter.starts_with(b"$share/") {
            return Err(EncodeError::InvalidField);
        }
        remaining += prefixed_len(filter) + 1;
        any = true;
    }
    if !any {
        return Err(EncodeError::InvalidField);
    }
    let mut w = Writer::new(buf);
    w.fixed_header(kind::SUBSCRIBE << 4 | 0x02, remaining)?;
    w.u16(nonzero(packet_id)?)?;
    props.write(&mut w)?;
    for (filter, options) in filters {
        w.binary(filter.bytes())?;
        w.u8(options.to_byte())?;
    }
    Ok(w.len())
}

/// Encodes UNSUBSCRIBE from a list of filters; filters are checked here.
pub fn unsubscribe<'f, I, F>(packet_id: u16, properties: &Properties<'_>, filters: I, buf: &mut [u8]) -> Result<usize, EncodeError>
where
    I: Iterator<Item = F> + Clone,
    F: FilterText<'f>,
{
    let props = Sized::of(properties, Context::Unsubscribe)?;
    let mut remaining = 2 + props.total;
    let mut any = false;
    for filter in filters.clone() {
        remaining += prefixed_len(check_filter(filter)?);
        any = true;
    }
    if !any {
        return Err(EncodeError::InvalidField);
    }
    let mut w = Writer::new(buf);
    w.fixed_header(kind::UNSUBSCRIBE << 4 | 0x02, remaining)?;
    w.u16(nonzero(packet_id)?)?;
    props.write(&mut w)?;
    for filter in filters {
        w.binary(filter.bytes())?;
    }
    Ok(w.len())
}

/// A filter found UTF-8 (unless checked before) and well formed; its bytes.
fn check_filter<'f>(filter: impl FilterText<'f>) -> Result<&'f [u8], EncodeError> {
    filter.valid().ok_or(EncodeError::Topic)
}
