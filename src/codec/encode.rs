//! Encoding into caller buffers. Each function returns the number of bytes written.

use super::packet::{kind, Connect, Publish};
use super::topic::{self, FilterText};
use super::writer::{prefixed_len, Writer};
use super::{EncodeError, Packet, ProtocolVersion, QoS};
use core::num::NonZeroU16;

/// Encodes any packet into `buf`.
pub fn packet(p: &Packet<'_>, buf: &mut [u8]) -> Result<usize, EncodeError> {
    match p {
        Packet::Connect(c) => connect(c, buf),
        Packet::Connack(c) => {
            let mut w = Writer::new(buf);
            w.fixed_header(kind::CONNACK << 4, 2)?;
            w.u8(u8::from(c.session_present))?;
            w.u8(c.code)?;
            Ok(w.len())
        }
        Packet::Publish(p) => publish(p, buf),
        Packet::Puback(id) => ack(kind::PUBACK, *id, buf),
        Packet::Pubrec(id) => ack(kind::PUBREC, *id, buf),
        Packet::Pubrel(id) => ack(kind::PUBREL, *id, buf),
        Packet::Pubcomp(id) => ack(kind::PUBCOMP, *id, buf),
        Packet::Subscribe(s) => subscribe(s.packet_id, s.filters().map(|(f, q)| (f.as_bytes(), q)), buf),
        Packet::Suback(s) => {
            let mut w = Writer::new(buf);
            w.fixed_header(kind::SUBACK << 4, 2 + s.return_codes.len())?;
            w.u16(nonzero(s.packet_id)?)?;
            w.bytes(s.return_codes)?;
            Ok(w.len())
        }
        Packet::Unsubscribe(u) => unsubscribe(u.packet_id, u.filters().map(str::as_bytes), buf),
        Packet::Unsuback(id) => ack(kind::UNSUBACK, *id, buf),
        Packet::Pingreq => empty(kind::PINGREQ, buf),
        Packet::Pingresp => empty(kind::PINGRESP, buf),
        Packet::Disconnect => empty(kind::DISCONNECT, buf),
    }
}

fn nonzero(id: u16) -> Result<u16, EncodeError> {
    if id == 0 {
        Err(EncodeError::InvalidField)
    } else {
        Ok(id)
    }
}

/// Encodes a packet without a body: PINGREQ, PINGRESP or DISCONNECT.
pub fn empty(kind: u8, buf: &mut [u8]) -> Result<usize, EncodeError> {
    // Fixed size: the two bytes written as they are, without the remaining-length encoder.
    let mut w = Writer::new(buf);
    w.bytes(&[kind << 4, 0])?;
    Ok(w.len())
}

/// The length of what [`ack`] writes: fixed header and packet id.
pub(crate) const ACK_LEN: usize = 4;

/// Encodes PUBACK, PUBREC, PUBREL, PUBCOMP or UNSUBACK (PUBREL carries flags 0b0010).
pub fn ack(kind: u8, id: u16, buf: &mut [u8]) -> Result<usize, EncodeError> {
    // Fixed size: the four bytes written at once, without the remaining-length encoder.
    let mut w = Writer::new(buf);
    w.bytes(&ack_bytes(ack_head(kind), nonzero(id)?))?;
    Ok(w.len())
}

/// The first byte of PUBACK, PUBREC, PUBREL or PUBCOMP: the type and its flags (PUBREL
/// 0b0010).
pub(crate) const fn ack_head(kind: u8) -> u8 {
    kind << 4 | if kind == kind::PUBREL { 0x02 } else { 0 }
}

/// The bytes [`ack`] writes, its first byte `head` from [`ack_head`], for a packet id known
/// to be non-zero: the engine's are (the decoders refuse id 0, the window hands out ids
/// from 1), so it queues these without the check and the length of the encoder's result.
/// The engine passes the first byte made at each call (a constant there) through its
/// out-of-line queueing, which then tests no type (Cortex-M4: smaller).
#[inline(always)]
pub(crate) fn ack_bytes(head: u8, id: u16) -> [u8; ACK_LEN] {
    let [hi, lo] = id.to_be_bytes();
    [head, 2, hi, lo]
}

/// Encodes CONNECT.
pub fn connect(c: &Connect<'_>, buf: &mut [u8]) -> Result<usize, EncodeError> {
    // An MQTT 5.0 CONNECT has another layout (see `v5::encode::connect`): `connect_with`
    // refuses version 5 without property lists.
    connect_with(
        &ConnectFields::of(c, &c.text()),
        #[cfg(feature = "mqtt5")]
        None,
        buf,
    )
}

/// The length-prefixed fields of a CONNECT in their wire order: client id, will topic,
/// will payload, user name, password (the client id always there, the will's two with
/// a will, the others when given).
pub(crate) type ConnectText<'a> = [Option<&'a [u8]>; 5];

/// A CONNECT as its encoder reads it: the length-prefixed fields in one array in their
/// wire order, which the encoder sizes and writes where they lie, so that the C connect
/// call checks its arguments straight into the array (from a [`Connect`] it kept the
/// checked values aside, to be copied into an array the encoder built). The array is
/// held by reference: the encoder's indexing into it then keeps only the array in
/// memory, not the other fields too.
#[derive(Clone, Copy)]
pub(crate) struct ConnectFields<'t, 'a> {
    /// Protocol level.
    pub(crate) version: ProtocolVersion,
    /// Start a fresh session, discarding any stored one.
    pub(crate) clean_session: bool,
    /// Keepalive interval in seconds; 0 turns it off.
    pub(crate) keepalive: u16,
    /// The will's QoS and retain flag as their CONNECT flag bits ([`will_flags`]), read
    /// only with a will: made where they are checked, so that the encoder does not shift
    /// and combine them again (and the fields hold one byte for the two).
    pub(crate) will_flags: u8,
    /// The length-prefixed fields (the will's two with a will: its topic, checked here as a
    /// topic name, is read from here, not kept beside them as text).
    pub(crate) text: &'t ConnectText<'a>,
    /// The caller already refused a password without a user name (the C connect, whose
    /// own check comes first in its result order): the encoder then leaves its own check
    /// out (3.1.1-only builds: inlined there, it was measured 18 B on Cortex-M4; with
    /// MQTT 5.0 the encoder is shared and out of line, and the flag only cost bytes).
    #[cfg(not(feature = "mqtt5"))]
    pub(crate) user_checked: bool,
}

impl<'t, 'a> ConnectFields<'t, 'a> {
    /// The fields of `c` (a CONNECT built in Rust), with `text` from [`Connect::text`].
    pub(crate) fn of(c: &Connect<'a>, text: &'t ConnectText<'a>) -> Self {
        let will = c.will.as_ref().map(|w| (w.qos, w.retain));
        Self::new(c.version, c.clean_session, c.keepalive, will, text)
    }

    /// The fields from their parts: `will` is the will's QoS and retain flag (its topic and
    /// payload are in `text`).
    pub(crate) fn new(version: ProtocolVersion, clean_session: bool, keepalive: u16, will: Option<(QoS, bool)>, text: &'t ConnectText<'a>) -> Self {
        ConnectFields {
            version,
            clean_session,
            keepalive,
            will_flags: will.map_or(0, |(qos, retain)| will_flags(qos, retain)),
            text,
            #[cfg(not(feature = "mqtt5"))]
            user_checked: false,
        }
    }
}

/// The CONNECT flag bits of a will's QoS and retain flag.
#[inline(always)]
pub(crate) fn will_flags(qos: QoS, retain: bool) -> u8 {
    (qos as u8) << 3 | u8::from(retain) << 5
}

impl<'a> Connect<'a> {
    /// The length-prefixed fields for [`ConnectFields::of`].
    pub(crate) fn text(&self) -> ConnectText<'a> {
        let will = self.will.as_ref();
        [Some(self.client_id.as_bytes()), will.map(|w| w.topic.as_bytes()), will.map(|w| w.payload), self.username.map(str::as_bytes), self.password]
    }
}

/// Encodes a CONNECT of either protocol version: an MQTT 5.0 one (`c.version` 5, its
/// fields in `c`) is the 3.1.1 layout with its own and the will's property lists
/// (`properties`, checked and sized here) after the keepalive and before the will topic,
/// and may carry a password without a user name; property lists come with version 5 only.
/// One encoder for both keeps a single copy in a build that links both (and checks the
/// version for both callers); without MQTT 5.0 it is inlined into its callers.
#[cfg_attr(not(feature = "mqtt5"), inline(always))]
pub(crate) fn connect_with(
    c: &ConnectFields<'_, '_>,
    #[cfg(feature = "mqtt5")] properties: Option<super::v5::encode::ConnectProperties<'_, '_>>,
    buf: &mut [u8],
) -> Result<usize, EncodeError> {
    let mut flags = 0u8;
    let mut remaining = 10;
    #[cfg(feature = "mqtt5")]
    let props = match properties {
        Some((own, _)) if c.version == ProtocolVersion::V5 => Some(super::v5::encode::Sized::of_connect(own, false)?),
        None if c.version == ProtocolVersion::V3_1_1 => None,
        _ => return Err(EncodeError::InvalidField),
    };
    #[cfg(feature = "mqtt5")]
    let mut will_props = None;
    #[cfg(feature = "mqtt5")]
    if let Some(props) = &props {
        remaining += props.total;
    }
    if c.clean_session {
        flags |= 0x02;
    }
    if let [_, Some(topic), ..] = c.text {
        if !topic::is_valid_name_bytes(topic) {
            return Err(EncodeError::Topic);
        }
        flags |= 0x04 | c.will_flags;
        // The will's properties after its topic, as a fault in both reports Topic.
        #[cfg(feature = "mqtt5")]
        if let Some((_, will_properties)) = properties {
            let sized = super::v5::encode::Sized::of_connect(will_properties, true)?;
            remaining += sized.total;
            will_props = Some(sized);
        }
    }
    // The length-prefixed fields from the client id on, in their order: sized and written
    // by one loop each rather than one branch per field. Sized after the will's topic is
    // checked: fewer values are then kept across that call on Cortex-M4.
    for field in c.text.iter().flatten() {
        remaining += prefixed_len(field);
    }
    let [_, _, _, username, password] = c.text;
    if username.is_some() {
        flags |= 0x80;
    }
    #[cfg(feature = "mqtt5")]
    let user_checked = false;
    #[cfg(not(feature = "mqtt5"))]
    let user_checked = c.user_checked;
    if password.is_some() {
        if username.is_none() && c.version == ProtocolVersion::V3_1_1 && !user_checked {
            return Err(EncodeError::InvalidField);
        }
        flags |= 0x40;
    }
    let mut w = Writer::new(buf);
    w.fixed_header(kind::CONNECT << 4, remaining)?;
    // The protocol name, level, flags and keepalive: ten fixed-size bytes written at once
    // (one bounds check instead of four).
    w.bytes(&[0, 4, b'M', b'Q', b'T', b'T', c.version as u8, flags, (c.keepalive >> 8) as u8, c.keepalive as u8])?;
    #[cfg(feature = "mqtt5")]
    if let Some(props) = props {
        props.write(&mut w)?;
    }
    // MQTT 5.0: the will's properties come between the client id and the will topic.
    #[cfg(feature = "mqtt5")]
    let [_, fields @ ..] = {
        let [client_id, ..] = c.text;
        if let Some(id) = client_id {
            w.binary(id)?;
        }
        if let Some(props) = will_props {
            props.write(&mut w)?;
        }
        c.text
    };
    #[cfg(not(feature = "mqtt5"))]
    let fields = c.text;
    for field in fields.iter().flatten() {
        w.binary(field)?;
    }
    Ok(w.len())
}

/// Size of the PUBLISH head (fixed header, topic, packet id) for a payload of `payload_len`.
pub fn publish_head_len(topic: &str, qos: QoS, payload_len: usize) -> usize {
    publish_head_len_as(topic, qos, payload_len, false)
}

/// [`publish_head_len`], or with `v5` that of the MQTT 5.0 PUBLISH without properties
/// (one byte longer: the empty property section), as [`engine_publish_head_as`] writes.
#[cfg_attr(not(feature = "mqtt5"), inline(always))]
pub(crate) fn publish_head_len_as(topic: &str, qos: QoS, payload_len: usize, v5: bool) -> usize {
    publish_size(topic.len(), qos, payload_len, v5).head
}

/// A PUBLISH head's two lengths, sized once: the engine checks the head's against the
/// transmit buffer and hands the remaining length to the encoder, which does not add up
/// the fields again.
#[derive(Clone, Copy)]
pub(crate) struct PublishSize {
    /// The remaining length; `u32::MAX` when the sum does not fit (a `usize` of 16 bits),
    /// which the encoder refuses as it refuses any length above MQTT's limit.
    pub(crate) remaining: u32,
    /// The head: fixed header, topic, packet id (with `v5`, the empty property section).
    pub(crate) head: usize,
}

impl PublishSize {
    /// The sizes of a head of `fields` bytes after its fixed header (topic, packet id and,
    /// with MQTT 5.0, properties) in a PUBLISH of `remaining` bytes after it.
    #[inline(always)]
    pub(crate) fn new(fields: u32, remaining: u32) -> Self {
        let head = fields.saturating_add(1 + super::varint::encoded_len(remaining) as u32);
        PublishSize { remaining, head: usize::try_from(head).unwrap_or(usize::MAX) }
    }

    /// The bytes after the fixed header for a topic and packet id (with `v5`, the empty
    /// property section) but the topic's.
    #[inline(always)]
    pub(crate) fn fields(qos: QoS, v5: bool) -> u32 {
        2 + if qos == QoS::AtMostOnce { 0 } else { 2 } + u32::from(v5)
    }

    /// The sizes of a PUBLISH without properties whose topic and payload lengths the
    /// engine's checks found to fit one remaining length: the sums are exact, without the
    /// saturation [`publish_size`] needs for any lengths.
    #[inline(always)]
    pub(crate) fn of_checked(topic_len: u32, qos: QoS, payload_len: u32, v5: bool) -> Self {
        let fields = topic_len + Self::fields(qos, v5);
        let remaining = fields + payload_len;
        // The head too, without `new`'s saturating sum: at most 65,535 + 10 bytes.
        let head = fields + 1 + super::varint::encoded_len(remaining) as u32;
        PublishSize { remaining, head: usize::try_from(head).unwrap_or(usize::MAX) }
    }
}

/// The [`PublishSize`] of a PUBLISH without properties (with `v5`, the MQTT 5.0 one), of
/// any lengths (the engine's checked ones have them without the saturating sums).
#[inline(always)]
pub(crate) fn publish_size(topic_len: usize, qos: QoS, payload_len: usize, v5: bool) -> PublishSize {
    let fields = u32::try_from(topic_len).unwrap_or(u32::MAX).saturating_add(PublishSize::fields(qos, v5));
    let remaining = u32::try_from(payload_len).map_or(u32::MAX, |n| n.saturating_add(fields));
    PublishSize::new(fields, remaining)
}

/// Encodes everything of a PUBLISH except its payload, which the caller sends after it.
pub fn publish_head(p: &Publish<'_>, buf: &mut [u8]) -> Result<usize, EncodeError> {
    if !topic::is_valid_name(p.topic) {
        return Err(EncodeError::Topic);
    }
    checked_publish_head(p, buf)
}

/// [`publish_head`] for a topic the caller has already checked with
/// [`topic::is_valid_name`] (the engine checks once when a message is submitted, not at
/// every encode).
pub(crate) fn checked_publish_head(p: &Publish<'_>, buf: &mut [u8]) -> Result<usize, EncodeError> {
    if (p.qos == QoS::AtMostOnce) != (p.packet_id == 0) || (p.dup && p.qos == QoS::AtMostOnce) {
        return Err(EncodeError::InvalidField);
    }
    engine_publish_head_as(p, publish_size(p.topic.len(), p.qos, p.payload.len(), false).remaining, false, buf)
}

/// [`checked_publish_head`] of a PUBLISH the engine made, with the remaining length its
/// [`PublishSize`] has, or with `v5` the head of the MQTT 5.0 PUBLISH of the same fields
/// without properties: the same bytes with an empty property section after the packet id.
/// The engine's QoS, packet id and DUP agree by construction (QoS 0 without id or DUP,
/// QoS 1/2 with the window's non-zero id), so the check of any caller's PUBLISH above is
/// not made again here. One encoder for a plain publish on either version (the MQTT 5.0
/// one, with its property checks, is linked only for publishing with properties or
/// aliases); without MQTT 5.0 it is inlined into [`checked_publish_head`], as it was before.
#[cfg_attr(not(feature = "mqtt5"), inline(always))]
pub(crate) fn engine_publish_head_as(p: &Publish<'_>, remaining: u32, v5: bool, buf: &mut [u8]) -> Result<usize, EncodeError> {
    let first = kind::PUBLISH << 4 | u8::from(p.dup) << 3 | (p.qos as u8) << 1 | u8::from(p.retain);
    let mut w = Writer::new(buf);
    // Refused above MQTT's limit there (`u32::MAX` included).
    w.fixed_header(first, usize::try_from(remaining).unwrap_or(usize::MAX))?;
    w.binary(p.topic.as_bytes())?;
    if p.qos != QoS::AtMostOnce {
        w.u16(p.packet_id)?;
    }
    if v5 {
        w.u8(0)?;
    }
    Ok(w.len())
}

/// Encodes a whole PUBLISH, payload included.
pub fn publish(p: &Publish<'_>, buf: &mut [u8]) -> Result<usize, EncodeError> {
    if !topic::is_valid_name(p.topic) {
        return Err(EncodeError::Topic);
    }
    checked_publish(p, buf)
}

/// [`publish`] for a topic already checked (see [`checked_publish_head`]).
pub(crate) fn checked_publish(p: &Publish<'_>, buf: &mut [u8]) -> Result<usize, EncodeError> {
    let head = checked_publish_head(p, buf)?;
    let mut w = Writer::new(buf.get_mut(head..).ok_or(EncodeError::BufferTooSmall)?);
    w.bytes(p.payload)?;
    Ok(head + w.len())
}

/// Encodes SUBSCRIBE from `(filter, requested QoS)` pairs; filters are checked here.
pub fn subscribe<'f, I, F>(packet_id: u16, filters: I, buf: &mut [u8]) -> Result<usize, EncodeError>
where
    I: Iterator<Item = (F, QoS)> + Clone,
    F: FilterText<'f>,
{
    subscribe_as(NonZeroU16::new(packet_id), filters, false, buf)
}

/// [`subscribe`], or with `v5` the MQTT 5.0 SUBSCRIBE of the same filters with default
/// options and no properties: the same bytes with an empty property section after the
/// packet id (the options byte is the QoS). One encoder for a plain subscribe on either
/// version; without MQTT 5.0 it is inlined into [`subscribe`], as it was before.
#[cfg_attr(not(feature = "mqtt5"), inline(always))]
pub(crate) fn subscribe_as<'f, I, F>(packet_id: Option<NonZeroU16>, filters: I, v5: bool, buf: &mut [u8]) -> Result<usize, EncodeError>
where
    I: Iterator<Item = (F, QoS)> + Clone,
    F: FilterText<'f>,
{
    // An empty list, asked of the list itself (the sum below may wrap, so it cannot tell);
    // first, as an empty list has no filter to refuse.
    if filters.clone().next().is_none() {
        return Err(EncodeError::InvalidField);
    }
    let mut remaining = 2 + usize::from(v5);
    for (filter, _) in filters.clone() {
        remaining += prefixed_len(check_filter(filter)?) + 1;
    }
    let mut w = Writer::new(buf);
    w.fixed_header(kind::SUBSCRIBE << 4 | 0x02, remaining)?;
    let Some(packet_id) = packet_id else { return Err(EncodeError::InvalidField) };
    w.u16(packet_id.get())?;
    if v5 {
        w.u8(0)?;
    }
    for (filter, qos) in filters {
        w.binary(filter.bytes())?;
        w.u8(qos as u8)?;
    }
    Ok(w.len())
}

/// Encodes UNSUBSCRIBE from a list of filters; filters are checked here.
pub fn unsubscribe<'f, I, F>(packet_id: u16, filters: I, buf: &mut [u8]) -> Result<usize, EncodeError>
where
    I: Iterator<Item = F> + Clone,
    F: FilterText<'f>,
{
    unsubscribe_as(NonZeroU16::new(packet_id), filters, false, buf)
}

/// [`unsubscribe`], or with `v5` the MQTT 5.0 UNSUBSCRIBE without properties (an empty
/// property section after the packet id), as [`subscribe_as`].
#[cfg_attr(not(feature = "mqtt5"), inline(always))]
pub(crate) fn unsubscribe_as<'f, I, F>(packet_id: Option<NonZeroU16>, filters: I, v5: bool, buf: &mut [u8]) -> Result<usize, EncodeError>
where
    I: Iterator<Item = F> + Clone,
    F: FilterText<'f>,
{
    // An empty list first, as in `subscribe_as`.
    if filters.clone().next().is_none() {
        return Err(EncodeError::InvalidField);
    }
    let mut remaining = 2 + usize::from(v5);
    for filter in filters.clone() {
        remaining += prefixed_len(check_filter(filter)?);
    }
    let mut w = Writer::new(buf);
    w.fixed_header(kind::UNSUBSCRIBE << 4 | 0x02, remaining)?;
    let Some(packet_id) = packet_id else { return Err(EncodeError::InvalidField) };
    w.u16(packet_id.get())?;
    if v5 {
        w.u8(0)?;
    }
    for filter in filters {
        w.binary(filter.bytes())?;
    }
    Ok(w.len())
}

/// A filter of a SUBSCRIBE or UNSUBSCRIBE: UTF-8 without U+0000 and well formed; its
/// bytes. Always inlined into the encoders' sizing loops: out of line it cost more in the
/// call and its result than its copy does (Cortex-M4 48 B more for a firmware that subscribes).
#[inline(always)]
fn check_filter<'f>(filter: impl FilterText<'f>) -> Result<&'f [u8], EncodeError> {
    filter.valid().ok_or(EncodeError::Topic)
}
