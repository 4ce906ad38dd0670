//! MQTT 5.0 decoding with strict validation. Nothing here panics on any input.

use super::super::decode::{self as v3, FixedHeader};
use super::super::packet::kind;
use super::super::{reader::Reader, topic, varint, DecodeError, QoS};
use super::packet::{Ack, Connack, Connect, Packet, Publish, Reasoned, SubAck, Subscribe, SubscriptionOptions, Unsubscribe, Will, AUTH};
use super::property::{self, id, Properties};
use super::reason::{ReasonOf, SUCCESS};
use super::rules::Context;

/// Reads and checks a fixed header (AUTH included); `Ok(None)` when `buf` is too short.
pub fn fixed_header(buf: &[u8]) -> Result<Option<FixedHeader>, DecodeError> {
    let Some((&first, rest)) = buf.split_first() else {
        return Ok(None);
    };
    if first >> 4 != AUTH {
        return v3::fixed_header(buf);
    }
    if first & 0x0f != 0 {
        return Err(DecodeError::Flags);
    }
    match varint::decode(rest)? {
        varint::VarInt::Incomplete => Ok(None),
        varint::VarInt::Complete { value, len } => Ok(Some(FixedHeader { first, remaining: value, len: 1 + len })),
    }
}

/// Decodes one whole MQTT 5.0 packet from the start of `buf`.
///
/// Returns `Ok(None)` when more bytes are needed, else the packet and the bytes it used.
pub fn packet(buf: &[u8]) -> Result<Option<(Packet<'_>, usize)>, DecodeError> {
    let Some(header) = fixed_header(buf)? else {
        return Ok(None);
    };
    let Some(body) = buf.get(header.len..header.packet_len()) else {
        return Ok(None);
    };
    Ok(Some((body_of(&header, body)?, header.packet_len())))
}

/// Decodes a packet body whose fixed header was already read.
pub fn body_of<'a>(header: &FixedHeader, body: &'a [u8]) -> Result<Packet<'a>, DecodeError> {
    let mut r = Reader::new(body);
    let packet = match header.kind() {
        kind::CONNECT => Packet::Connect(connect(&mut r)?),
        kind::SUBSCRIBE => Packet::Subscribe(subscribe(&mut r)?),
        kind::UNSUBSCRIBE => Packet::Unsubscribe(unsubscribe(&mut r)?),
        kind::PINGREQ => Packet::Pingreq,
        _ => return from_broker(header, body)?.ok_or(DecodeError::Malformed),
    };
    r.finish()?;
    Ok(packet)
}

/// Decodes a packet body a broker may send to a client. Packet types only a client sends
/// (CONNECT, SUBSCRIBE, UNSUBSCRIBE, PINGREQ) give `Ok(None)` unparsed.
pub fn from_broker<'a>(header: &FixedHeader, body: &'a [u8]) -> Result<Option<Packet<'a>>, DecodeError> {
    use super::super::Packet as P3;
    let Some(packet) = broker_packet(header.first, body)? else { return Ok(None) };
    let (shared, annex) = match packet {
        FromBroker::Shared(shared, annex) => (shared, annex),
        FromBroker::Auth(a) => return Ok(Some(Packet::Auth(a))),
    };
    let Annex { reason, properties, reason_codes } = annex;
    let ack = |packet_id| Ack { packet_id, reason, properties };
    Ok(Some(match shared {
        P3::Connack(c) => Packet::Connack(Connack { session_present: c.session_present, reason: c.code, properties }),
        P3::Publish(p) => Packet::Publish(Publish {
            topic: p.topic,
            payload: p.payload,
            qos: p.qos,
            retain: p.retain,
            dup: p.dup,
            packet_id: p.packet_id,
            properties,
        }),
        P3::Puback(id) => Packet::Puback(ack(id)),
        P3::Pubrec(id) => Packet::Pubrec(ack(id)),
        P3::Pubrel(id) => Packet::Pubrel(ack(id)),
        P3::Pubcomp(id) => Packet::Pubcomp(ack(id)),
        P3::Suback(s) => Packet::Suback(SubAck { packet_id: s.packet_id, properties, reason_codes: s.return_codes }),
        P3::Unsuback(packet_id) => Packet::Unsuback(SubAck { packet_id, properties, reason_codes }),
        P3::Pingresp => Packet::Pingresp,
        P3::Disconnect => Packet::Disconnect(Reasoned { reason, properties }),
        // (`broker_packet` shares no other type)
        _ => return Err(DecodeError::Malformed),
    }))
}

/// What MQTT 5.0 adds to a packet that 3.1.1 has too (see [`FromBroker::Shared`]); each
/// part empty (0, none) where the packet has none.
#[derive(Clone, Copy, Default)]
pub(crate) struct Annex<'a> {
    /// PUBACK, PUBREC, PUBREL, PUBCOMP, DISCONNECT: the reason code (CONNACK's is its
    /// 3.1.1 return code).
    pub(crate) reason: u8,
    pub(crate) properties: Properties<'a>,
    /// UNSUBACK: the reason codes (SUBACK's are its 3.1.1 return codes).
    pub(crate) reason_codes: &'a [u8],
}

/// A packet a broker may send, decoded for the client's receive side.
#[derive(Clone, Copy)]
pub(crate) enum FromBroker<'a> {
    /// CONNACK, PUBLISH, the acknowledgements, PINGRESP and DISCONNECT as 3.1.1 has them
    /// (DISCONNECT only from a client there), with what 5.0 adds beside them: one shape
    /// for both versions, so that they share their handling.
    Shared(super::super::Packet<'a>, Annex<'a>),
    /// AUTH (enhanced authentication).
    Auth(Reasoned<'a>),
}

/// [`from_broker`] for the client's receive side: the packet whose first byte is `first`,
/// `body` the bytes after its fixed header; `Ok(None)` for a packet type only a client sends.
///
/// Never inlined: the client's driving loop, its one caller, would take it in whole.
#[inline(never)]
pub(crate) fn broker_packet(first: u8, body: &[u8]) -> Result<Option<FromBroker<'_>>, DecodeError> {
    use super::super::packet::Suback;
    use super::super::Packet as P3;
    let mut r = Reader::new(body);
    let mut annex = Annex::default();
    // Each type gives its 3.1.1 shape, wrapped once below (smaller than a wrap each).
    let packet = match first >> 4 {
        kind::CONNACK => {
            let c = connack(&mut r)?;
            annex.properties = c.properties;
            P3::Connack(super::super::Connack { session_present: c.session_present, code: c.reason })
        }
        kind::PUBLISH => {
            let head = publish_head(first, &mut r)?;
            annex.properties = head.properties;
            let payload = r.take(r.remaining().len())?;
            P3::Publish(super::super::Publish {
                topic: head.topic,
                payload,
                qos: head.qos,
                retain: head.retain,
                dup: head.dup,
                packet_id: head.packet_id,
            })
        }
        // SUBACK and UNSUBACK decoded by one call (smaller than a call each).
        k @ (kind::SUBACK | kind::UNSUBACK) => {
            let (context, of) = if k == kind::SUBACK { (Context::Suback, ReasonOf::Suback) } else { (Context::Unsuback, ReasonOf::Unsuback) };
            let s = suback(&mut r, context, of)?;
            annex.properties = s.properties;
            if k == kind::SUBACK {
                P3::Suback(Suback { packet_id: s.packet_id, return_codes: s.reason_codes })
            } else {
                annex.reason_codes = s.reason_codes;
                P3::Unsuback(s.packet_id)
            }
        }
        kind::PINGRESP => P3::Pingresp,
        // A reason code then properties: read by one call for the four acknowledgements
        // (after their packet id), DISCONNECT and AUTH.
        k @ (kind::PUBACK | kind::PUBREC | kind::PUBREL | kind::PUBCOMP | kind::DISCONNECT | AUTH) => {
            let packet_id = if k == kind::DISCONNECT || k == AUTH { 0 } else { r.packet_id()? };
            // The 3.1.1 shape chosen with the rules (none for AUTH).
            let (context, of, shared) = match k {
                kind::PUBACK => (Context::PubAck, ReasonOf::PubackPubrec, Some(P3::Puback(packet_id))),
                kind::PUBREC => (Context::PubAck, ReasonOf::PubackPubrec, Some(P3::Pubrec(packet_id))),
                kind::PUBREL => (Context::PubAck, ReasonOf::PubrelPubcomp, Some(P3::Pubrel(packet_id))),
                kind::PUBCOMP => (Context::PubAck, ReasonOf::PubrelPubcomp, Some(P3::Pubcomp(packet_id))),
                kind::DISCONNECT => (Context::Disconnect, ReasonOf::Disconnect, Some(P3::Disconnect)),
                _ => (Context::Auth, ReasonOf::Auth, None),
            };
            let packet = reasoned(&mut r, context, of)?;
            let Some(shared) = shared else {
                r.finish()?;
                return Ok(Some(FromBroker::Auth(packet)));
            };
            annex.reason = packet.reason;
            annex.properties = packet.properties;
            shared
        }
        kind::CONNECT | kind::SUBSCRIBE | kind::UNSUBSCRIBE | kind::PINGREQ => return Ok(None),
        _ => return Err(DecodeError::Malformed),
    };
    r.finish()?;
    Ok(Some(FromBroker::Shared(packet, annex)))
}

/// The part of a PUBLISH before its payload, for payloads streamed in chunks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PublishHead<'a> {
    /// Topic, flags, packet id and properties; `payload` is empty.
    pub publish: Publish<'a>,
    /// Body bytes before the payload (topic, packet id, properties).
    pub len: usize,
}

/// Reads the topic, packet id and properties of a PUBLISH whose first byte is `first`.
///
/// The topic and packet id are read by the 3.1.1 reader (one copy for both versions).
pub fn publish_head<'a>(first: u8, r: &mut Reader<'a>) -> Result<Publish<'a>, DecodeError> {
    let super::super::Publish { topic, qos, retain, dup, packet_id, .. } = v3::publish_head_as(first, r, true)?;
    let properties = publish_properties(r)?;
    // An empty topic name stands for the one a topic alias was set to.
    if topic.is_empty() && properties.get(id::TOPIC_ALIAS).is_none() {
        return Err(DecodeError::Topic);
    }
    Ok(Publish { topic, payload: &[], qos, retain, dup, packet_id, properties })
}

/// Reads the property section of a PUBLISH, which follows its packet id (or topic).
pub(crate) fn publish_properties<'a>(r: &mut Reader<'a>) -> Result<Properties<'a>, DecodeError> {
    property::read(r, Context::Publish)
}

/// Like [`publish_head`] on the first bytes of a body, telling how many bytes the head used.
///
/// Returns `Ok(None)` when `body_start` is too short to hold the head.
pub fn publish_head_prefix(first: u8, body_start: &[u8]) -> Result<Option<PublishHead<'_>>, DecodeError> {
    let mut r = Reader::new(body_start);
    match publish_head(first, &mut r) {
        Ok(publish) => Ok(Some(PublishHead { publish, len: body_start.len() - r.remaining().len() })),
        // A short prefix reads as truncated; it may be fine once more bytes arrive.
        Err(DecodeError::Malformed | DecodeError::PropertyLength) => Ok(None),
        Err(e) => Err(e),
    }
}

fn connect<'a>(r: &mut Reader<'a>) -> Result<Connect<'a>, DecodeError> {
    if r.string()? != "MQTT" || r.u8()? != 5 {
        return Err(DecodeError::Malformed);
    }
    let flags = r.u8()?;
    let keepalive = r.u16()?;
    let properties = property::read(r, Context::Connect)?;
    let client_id = r.string()?;
    let has_will = flags & 0x04 != 0;
    let will_qos = QoS::from_bits((flags >> 3) & 3)?;
    let will_retain = flags & 0x20 != 0;
    if flags & 0x01 != 0 || (!has_will && (will_qos != QoS::AtMostOnce || will_retain)) {
        return Err(DecodeError::Malformed);
    }
    let will = if has_will {
        let properties = property::read(r, Context::Will)?;
        let topic = r.string()?;
        if !topic::is_valid_name(topic) {
            return Err(DecodeError::Topic);
        }
        Some(Will { topic, payload: r.binary()?, qos: will_qos, retain: will_retain, properties })
    } else {
        None
    };
    let username = if flags & 0x80 != 0 { Some(r.string()?) } else { None };
    let password = if flags & 0x40 != 0 { Some(r.binary()?) } else { None };
    Ok(Connect { client_id, clean_start: flags & 0x02 != 0, keepalive, username, password, will, properties })
}

fn reason(r: &mut Reader<'_>, of: ReasonOf) -> Result<u8, DecodeError> {
    let code = r.u8()?;
    if of.allows(code) {
        Ok(code)
    } else {
        Err(DecodeError::ReasonCode)
    }
}

fn connack<'a>(r: &mut Reader<'a>) -> Result<Connack<'a>, DecodeError> {
    let flags = r.u8()?;
    let reason = reason(r, ReasonOf::Connack)?;
    let session_present = flags & 1 != 0;
    if flags & 0xfe != 0 || (reason != SUCCESS && session_present) {
        return Err(DecodeError::Malformed);
    }
    Ok(Connack { session_present, reason, properties: property::read(r, Context::Connack)? })
}

/// A reason code then properties, each optional at the end of the packet (success, none);
/// AUTH may leave out both but not the property length alone (MQTT 5.0 section 3.15.2.1).
fn reasoned<'a>(r: &mut Reader<'a>, context: Context, of: ReasonOf) -> Result<Reasoned<'a>, DecodeError> {
    let mut code = SUCCESS;
    if !r.remaining().is_empty() {
        code = reason(r, of)?;
        if !r.remaining().is_empty() || of == ReasonOf::Auth {
            // Mapped, not taken apart with `?` and rebuilt: no copy of the properties.
            return property::read(r, context).map(|properties| Reasoned { reason: code, properties });
        }
    }
    Ok(Reasoned { reason: code, properties: Properties::NONE })
}

fn subscribe<'a>(r: &mut Reader<'a>) -> Result<Subscribe<'a>, DecodeError> {
    let packet_id = r.packet_id()?;
    let properties = property::read(r, Context::Subscribe)?;
    let payload = r.remaining();
    if payload.is_empty() {
        return Err(DecodeError::Malformed);
    }
    while !r.remaining().is_empty() {
        let filter = r.string()?;
        if !topic::is_valid_filter(filter) {
            return Err(DecodeError::Topic);
        }
        let options = SubscriptionOptions::from_byte(r.u8()?)?;
        // No Local on a shared subscription is a protocol error (MQTT 5.0 section 3.8.3.1).
        if options.no_local && filter.starts_with("$share/") {
            return Err(DecodeError::Malformed);
        }
    }
    Ok(Subscribe { packet_id, properties, payload })
}

fn suback<'a>(r: &mut Reader<'a>, context: Context, of: ReasonOf) -> Result<SubAck<'a>, DecodeError> {
    let packet_id = r.packet_id()?;
    let properties = property::read(r, context)?;
    let reason_codes = r.remaining();
    // At least one code: none fails as `Malformed`, as any missing byte does.
    loop {
        reason(r, of)?;
        if r.remaining().is_empty() {
            break;
        }
    }
    Ok(SubAck { packet_id, properties, reason_codes })
}

fn unsubscribe<'a>(r: &mut Reader<'a>) -> Result<Unsubscribe<'a>, DecodeError> {
    let packet_id = r.packet_id()?;
    let properties = property::read(r, Context::Unsubscribe)?;
    let payload = r.remaining();
    if payload.is_empty() {
        return Err(DecodeError::Malformed);
    }
    while !r.remaining().is_empty() {
        if !topic::is_valid_filter(r.string()?) {
            return Err(DecodeError::Topic);
        }
    }
    Ok(Unsubscribe { packet_id, properties, payload })
}
