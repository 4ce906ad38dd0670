//! Decoding with strict validation. Nothing here panics on any input.

use super::packet::{kind, Connack, Connect, ProtocolVersion, Publish, Suback, Subscribe, Unsubscribe, Will};
use super::{reader::Reader, topic, varint, DecodeError, Packet, QoS};

/// The fixed header of a packet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FixedHeader {
    /// First byte: packet type (upper nibble) and flags (lower nibble).
    pub first: u8,
    /// Length of the body after the fixed header.
    pub remaining: u32,
    /// Bytes taken by the fixed header itself (2 to 5).
    pub len: usize,
}

impl FixedHeader {
    /// Packet type number (see [`kind`]).
    pub fn kind(&self) -> u8 {
        self.first >> 4
    }

    /// Total packet size: header plus body.
    pub fn packet_len(&self) -> usize {
        self.len + self.remaining as usize
    }
}

/// Reads and checks a fixed header; `Ok(None)` when `buf` does not hold all of it yet.
///
/// Inlined on hosted targets, where out of line its result went through memory for every
/// packet received (bare metal: left to the compiler).
#[cfg_attr(not(target_os = "none"), inline(always))]
pub fn fixed_header(buf: &[u8]) -> Result<Option<FixedHeader>, DecodeError> {
    let Some((&first, rest)) = buf.split_first() else {
        return Ok(None);
    };
    check_flags(first)?;
    // Most packets received (every acknowledgement) have a one-byte remaining length:
    // read here, without the variable-length decoder, on hosted targets (fewer
    // instructions per packet; bare metal: smaller through the decoder alone).
    let (remaining, len) = match *rest {
        #[cfg(not(target_os = "none"))]
        [byte @ 0..=0x7f, ..] => (u32::from(byte), 1),
        _ => match varint::decode(rest)? {
            varint::VarInt::Incomplete => return Ok(None),
            varint::VarInt::Complete { value, len } => (value, len),
        },
    };
    // Only on 16-bit targets is the limit below the largest length four bytes encode
    // (checked for those only: the compiler cannot see that across the decoder's call).
    if usize::BITS < 32 && remaining > varint::MAX_RECEIVED_LENGTH {
        return Err(DecodeError::RemainingLength);
    }
    Ok(Some(FixedHeader { first, remaining, len: 1 + len }))
}

fn check_flags(first: u8) -> Result<(), DecodeError> {
    let flags = first & 0x0f;
    match first >> 4 {
        // Flags DUP, QoS (two bits), RETAIN: QoS 3 does not exist, DUP is for QoS 1 and 2.
        kind::PUBLISH if flags & 0b0110 == 0b0110 => Err(DecodeError::QoS),
        kind::PUBLISH if flags & 0b1110 == 0b1000 => Err(DecodeError::Flags),
        kind::PUBLISH => Ok(()),
        // The flags each type must carry, from one bit mask rather than a jump table:
        // 0b0010 for PUBREL, SUBSCRIBE and UNSUBSCRIBE, 0 for the rest.
        kind @ kind::CONNECT..=kind::DISCONNECT => {
            const TWO: u16 = 1 << kind::PUBREL | 1 << kind::SUBSCRIBE | 1 << kind::UNSUBSCRIBE;
            if u16::from(flags) == ((TWO >> kind) & 1) << 1 {
                Ok(())
            } else {
                Err(DecodeError::Flags)
            }
        }
        _ => Err(DecodeError::Malformed),
    }
}

/// Decodes one whole packet from the start of `buf`.
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
        kind::DISCONNECT => Packet::Disconnect,
        _ => return from_broker(header, body)?.ok_or(DecodeError::Malformed),
    };
    r.finish()?;
    Ok(packet)
}

/// Decodes a packet body a broker may send to a client. Packet types only a client sends
/// (CONNECT, SUBSCRIBE, UNSUBSCRIBE, PINGREQ, DISCONNECT) give `Ok(None)` unparsed, so a
/// client build carries no parser for them.
///
/// Left to the compiler (out of line): hosted targets take the usual acknowledgements
/// without it (`Inbox::next_ack`), and for the other packets an inlined copy measured
/// 171 B larger on x86_64 for no fewer instructions per publish or received message.
pub fn from_broker<'a>(header: &FixedHeader, body: &'a [u8]) -> Result<Option<Packet<'a>>, DecodeError> {
    let mut r = Reader::new(body);
    let packet = match header.kind() {
        kind::CONNACK => Packet::Connack(connack(&mut r)?),
        kind::PUBLISH => {
            let head = publish_head(header.first, &mut r)?;
            Packet::Publish(Publish { payload: r.take(r.remaining().len())?, ..head })
        }
        kind::PUBACK => Packet::Puback(r.packet_id()?),
        kind::PUBREC => Packet::Pubrec(r.packet_id()?),
        kind::PUBREL => Packet::Pubrel(r.packet_id()?),
        kind::PUBCOMP => Packet::Pubcomp(r.packet_id()?),
        kind::SUBACK => Packet::Suback(suback(&mut r)?),
        kind::UNSUBACK => Packet::Unsuback(r.packet_id()?),
        kind::PINGRESP => Packet::Pingresp,
        kind::CONNECT | kind::SUBSCRIBE | kind::UNSUBSCRIBE | kind::PINGREQ | kind::DISCONNECT => return Ok(None),
        _ => return Err(DecodeError::Malformed),
    };
    r.finish()?;
    Ok(Some(packet))
}

/// The part of a PUBLISH before its payload, for payloads streamed in chunks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PublishHead<'a> {
    /// Topic, flags and packet id; `payload` is empty.
    pub publish: Publish<'a>,
    /// Body bytes before the payload (topic and packet id).
    pub len: usize,
}

/// Reads the topic and packet id of a PUBLISH whose first byte is `first`.
pub fn publish_head<'a>(first: u8, r: &mut Reader<'a>) -> Result<Publish<'a>, DecodeError> {
    publish_head_as(first, r, false)
}

/// [`publish_head`], or with `v5` the same fields of an MQTT 5.0 PUBLISH, whose topic may
/// be empty (a topic alias then stands for it: the caller checks). One reader for both
/// versions; without MQTT 5.0 it is inlined into [`publish_head`], as it was before.
#[cfg_attr(not(feature = "mqtt5"), inline(always))]
pub(crate) fn publish_head_as<'a>(first: u8, r: &mut Reader<'a>, v5: bool) -> Result<Publish<'a>, DecodeError> {
    let qos = QoS::from_bits((first >> 1) & 3)?;
    let topic = r.string()?;
    if !(v5 && topic.is_empty() || topic::is_valid_name(topic)) {
        return Err(DecodeError::Topic);
    }
    let packet_id = if qos == QoS::AtMostOnce { 0 } else { r.packet_id()? };
    Ok(Publish { topic, payload: &[], qos, retain: first & 1 != 0, dup: first & 8 != 0, packet_id })
}

/// Like [`publish_head`] on the first bytes of a body, telling how many bytes the head used.
///
/// Returns `Ok(None)` when `body_start` is too short to hold the head.
pub fn publish_head_prefix(first: u8, body_start: &[u8]) -> Result<Option<PublishHead<'_>>, DecodeError> {
    let mut r = Reader::new(body_start);
    match publish_head(first, &mut r) {
        Ok(publish) => Ok(Some(PublishHead { publish, len: body_start.len() - r.remaining().len() })),
        // A short prefix reads as truncated; it may be fine once more bytes arrive.
        Err(DecodeError::Malformed) => Ok(None),
        Err(e) => Err(e),
    }
}

fn connect<'a>(r: &mut Reader<'a>) -> Result<Connect<'a>, DecodeError> {
    if r.string()? != "MQTT" || r.u8()? != ProtocolVersion::V3_1_1 as u8 {
        return Err(DecodeError::Malformed);
    }
    let flags = r.u8()?;
    let keepalive = r.u16()?;
    let client_id = r.string()?;
    let has_will = flags & 0x04 != 0;
    let will_qos = QoS::from_bits((flags >> 3) & 3)?;
    let will_retain = flags & 0x20 != 0;
    let has_user = flags & 0x80 != 0;
    let has_password = flags & 0x40 != 0;
    let reserved = flags & 0x01 != 0;
    if reserved || (!has_will && (will_qos != QoS::AtMostOnce || will_retain)) || (has_password && !has_user) {
        return Err(DecodeError::Malformed);
    }
    let will = if has_will {
        let topic = r.string()?;
        if !topic::is_valid_name(topic) {
            return Err(DecodeError::Topic);
        }
        Some(Will { topic, payload: r.binary()?, qos: will_qos, retain: will_retain })
    } else {
        None
    };
    let username = if has_user { Some(r.string()?) } else { None };
    let password = if has_password { Some(r.binary()?) } else { None };
    Ok(Connect { version: ProtocolVersion::V3_1_1, client_id, clean_session: flags & 0x02 != 0, keepalive, username, password, will })
}

fn connack(r: &mut Reader<'_>) -> Result<Connack, DecodeError> {
    let flags = r.u8()?;
    let code = r.u8()?;
    let session_present = flags & 1 != 0;
    if flags & 0xfe != 0 || code > 5 || (code != 0 && session_present) {
        return Err(DecodeError::Malformed);
    }
    Ok(Connack { session_present, code })
}

fn subscribe<'a>(r: &mut Reader<'a>) -> Result<Subscribe<'a>, DecodeError> {
    let packet_id = r.packet_id()?;
    let payload = r.remaining();
    if payload.is_empty() {
        return Err(DecodeError::Malformed);
    }
    while !r.remaining().is_empty() {
        if !topic::is_valid_filter(r.string()?) {
            return Err(DecodeError::Topic);
        }
        let options = r.u8()?;
        if options & 0xfc != 0 {
            return Err(DecodeError::Malformed);
        }
        QoS::from_bits(options)?;
    }
    Ok(Subscribe { packet_id, payload })
}

fn suback<'a>(r: &mut Reader<'a>) -> Result<Suback<'a>, DecodeError> {
    let packet_id = r.packet_id()?;
    let return_codes = r.take(r.remaining().len())?;
    if return_codes.is_empty() || return_codes.iter().any(|&c| !matches!(c, 0 | 1 | 2 | 0x80)) {
        return Err(DecodeError::Malformed);
    }
    Ok(Suback { packet_id, return_codes })
}

fn unsubscribe<'a>(r: &mut Reader<'a>) -> Result<Unsubscribe<'a>, DecodeError> {
    let packet_id = r.packet_id()?;
    let payload = r.remaining();
    if payload.is_empty() {
        return Err(DecodeError::Malformed);
    }
    while !r.remaining().is_empty() {
        if !topic::is_valid_filter(r.string()?) {
            return Err(DecodeError::Topic);
        }
    }
    Ok(Unsubscribe { packet_id, payload })
}
