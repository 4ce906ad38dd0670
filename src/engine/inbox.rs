//! The receive side: bytes from the network collect in the caller's receive buffer and
//! leave it as whole packets, or, for a PUBLISH larger than the buffer, as chunks. Only
//! the call that drives the connection touches it; a delivered message points into it.
//! Offsets are `u32` (the buffer is capped at 4 GiB) to keep the client small.

use super::memmove::at;
use crate::codec::decode::{self, FixedHeader, PublishHead};
use crate::codec::packet::kind;
use crate::codec::{DecodeError, Packet, Publish};
use core::num::NonZeroU8;

/// A PUBLISH being received in chunks: its head stays at the front of the buffer.
#[derive(Clone, Copy)]
struct Stream {
    /// Fixed header, topic and packet id occupy `buf[..head_len]`.
    head_len: u32,
    /// Whole payload length (a remaining length fits in 28 bits).
    total: u32,
    /// Payload bytes delivered so far.
    offset: u32,
    /// First byte of the PUBLISH (never 0: its type is 3). Non-zero so that
    /// `Option<Stream>` needs no tag, which keeps the client within its storage.
    first: NonZeroU8,
    /// Bytes of the fixed header (2 to 5), so that a chunk rereads the head after it
    /// without decoding the header again.
    header_len: u8,
}

/// Why the next packet cannot be handed out: it is malformed, or (MQTT 5.0) its topic
/// alias is invalid.
#[cfg(feature = "mqtt5")]
type Fault = super::Error;
/// Why the next packet cannot be handed out: it is malformed.
#[cfg(not(feature = "mqtt5"))]
type Fault = DecodeError;

/// What the inbox holds next.
pub(super) enum Unit<'a> {
    /// A whole packet (MQTT 5.0: with what 5.0 adds to it, see `Annex`).
    Packet(Packet<'a>, #[cfg(feature = "mqtt5")] crate::codec::v5::decode::Annex<'a>),
    /// A packet type only a client sends (a broker must never send it).
    ClientOnly,
    /// A whole MQTT 5.0 packet that 3.1.1 does not have: AUTH (the others come as
    /// [`Unit::Packet`]; handing over the AUTH unwrapped measured larger).
    #[cfg(feature = "mqtt5")]
    V5(crate::codec::v5::decode::FromBroker<'a>),
    /// A piece of a large PUBLISH: head (payload empty), chunk, its offset, whole length.
    Chunk {
        head: Publish<'a>,
        chunk: &'a [u8],
        offset: usize,
        total: usize,
        /// MQTT 5.0: the properties in the head.
        #[cfg(feature = "mqtt5")]
        properties: crate::codec::v5::Properties<'a>,
    },
    /// A packet other than PUBLISH longer than the whole buffer: it can never be received.
    TooLarge,
}

/// The receive buffer and where its unread bytes are.
pub struct Inbox<'b> {
    buf: &'b mut [u8],
    start: u32,
    end: u32,
    stream: Option<Stream>,
    /// Packets are MQTT 5.0.
    #[cfg(feature = "mqtt5")]
    v5: bool,
    /// MQTT 5.0: the topic aliases the broker set on this connection.
    #[cfg(feature = "mqtt5")]
    pub(super) aliases: super::alias::TopicAliases<'b>,
}

impl<'b> Inbox<'b> {
    /// Wraps the caller's receive buffer (only its first 4 GiB are used).
    pub fn new(buf: &'b mut [u8]) -> Self {
        let len = buf.len().min(u32::MAX as usize);
        Inbox {
            buf: buf.get_mut(..len).unwrap_or_default(),
            start: 0,
            end: 0,
            stream: None,
            #[cfg(feature = "mqtt5")]
            v5: false,
            #[cfg(feature = "mqtt5")]
            aliases: Default::default(),
        }
    }

    /// Forgets everything received (the connection is gone).
    pub(super) fn clear(&mut self) {
        self.start = 0;
        self.end = 0;
        self.stream = None;
        #[cfg(feature = "mqtt5")]
        self.aliases.clear();
    }

    /// Where the bytes handed out so far end in the buffer (the end of the last packet).
    #[cfg(feature = "mqtt5")]
    pub(super) fn read_to(&self) -> usize {
        self.start as usize
    }

    /// `len` bytes at `at` in the buffer, read or not (`None` past its end or for `len` 0).
    #[cfg(feature = "mqtt5")]
    pub(super) fn raw(&self, at: usize, len: usize) -> Option<&[u8]> {
        self.buf.get(at..at.checked_add(len)?).filter(|b| !b.is_empty())
    }

    /// Free space for the next network read (moves unread bytes to the front first).
    ///
    /// Inlined on hosted targets, where every poll calls it (bare metal: smaller without).
    #[cfg_attr(not(target_os = "none"), inline)]
    pub fn space(&mut self) -> &mut [u8] {
        // Usually every byte was handled and the offsets are back at 0: no stream to look at.
        let keep = if self.start == 0 { 0 } else { self.stream.map_or(0, |s| s.head_len) };
        if self.start > keep {
            // Usually everything was read (start == end): then nothing needs moving.
            if self.start < self.end {
                super::memmove::move_down(self.buf, self.start as usize, self.end as usize, keep as usize);
            }
            self.end -= self.start - keep;
            self.start = keep;
        }
        self.buf.get_mut(self.end as usize..).unwrap_or(&mut [])
    }

    /// True when received bytes wait to be processed (they may be an incomplete packet).
    pub fn has_unread(&self) -> bool {
        self.start < self.end
    }

    /// Records that the last read put `n` bytes into [`space`](Self::space): a count past
    /// its length counts as its length.
    pub fn filled(&mut self, n: usize) {
        self.filled_within(n.min(self.buf.len() - self.end as usize));
    }

    /// [`filled`](Self::filled) of a count already bounded by the length of the space
    /// offered to the read: the driving loop bounds it where it keeps that length
    /// (Cortex-M4: 12 B smaller than bounding it again here, after the read's call).
    pub(crate) fn filled_within(&mut self, n: usize) {
        self.end += at(n);
    }

    /// Takes the next packet if it is a four-byte acknowledgement (PUBACK, PUBREC, PUBREL
    /// or PUBCOMP with a non-zero packet id and nothing after it: every one of MQTT 3.1.1,
    /// and of MQTT 5.0 those with reason code 0 and no properties): its type and packet id.
    /// `None` leaves everything else, malformed acknowledgements too, to [`next`](Self::next).
    ///
    /// Read from its bytes without a [`Unit`] or [`Packet`]: most packets a publishing
    /// client receives are these, and the layers cost more than the packet itself (hosted
    /// targets; see the bare-metal version below).
    #[cfg(not(target_os = "none"))]
    #[inline(always)]
    pub(super) fn next_ack(&mut self) -> Option<(u8, u16)> {
        if self.stream.is_some() || self.end - self.start < 4 {
            return None;
        }
        let at = self.start as usize;
        let &[first, 2, high, low] = self.buf.get(at..at + 4)? else {
            return None;
        };
        // The four types with the flags each must carry: 0b0010 for PUBREL, 0 for the others.
        const PUBACK: u8 = kind::PUBACK << 4;
        const PUBREC: u8 = kind::PUBREC << 4;
        const PUBREL: u8 = kind::PUBREL << 4 | 0b0010;
        const PUBCOMP: u8 = kind::PUBCOMP << 4;
        if !matches!(first, PUBACK | PUBREC | PUBREL | PUBCOMP) {
            return None;
        }
        let id = u16::from_be_bytes([high, low]);
        if id == 0 {
            return None;
        }
        self.start += 4;
        Some((first >> 4, id))
    }

    /// Bare metal takes acknowledgements as every other packet, through [`next`](Self::next):
    /// the shortcut measured 200-460 B larger on Cortex-M4 (the handlers inlined twice).
    #[cfg(target_os = "none")]
    #[inline(always)]
    pub(super) fn next_ack(&mut self) -> Option<(u8, u16)> {
        None
    }

    /// Takes the next packet or chunk; `Ok(None)` when more bytes are needed.
    pub(super) fn next(&mut self) -> Result<Option<Unit<'_>>, Fault> {
        // A stream begun here goes round once more to the one call of `next_chunk` (with a
        // call in `start_stream` too, the stream was copied for both).
        loop {
            if let Some(stream) = self.stream {
                return Ok(self.next_chunk(stream));
            }
            let (start, end) = (self.start as usize, self.end as usize);
            let unread = self.buf.get(start..end).unwrap_or(&[]);
            // MQTT 5.0 adds AUTH (type 15), which the 3.1.1 header check refuses.
            #[cfg(feature = "mqtt5")]
            let header = if self.v5 { crate::codec::v5::decode::fixed_header(unread)? } else { decode::fixed_header(unread)? };
            #[cfg(not(feature = "mqtt5"))]
            let header = decode::fixed_header(unread)?;
            let Some(header) = header else {
                return Ok(None);
            };
            if header.packet_len() <= unread.len() {
                return self.whole(header);
            }
            if header.packet_len() <= self.buf.len() {
                // It will fit once the rest arrives (or never: see `is_full`).
                return Ok(None);
            }
            // Found here, where the header is decoded anyway, rather than by decoding it a
            // second time on every call: only a PUBLISH can be taken in pieces.
            if header.kind() != kind::PUBLISH {
                return Ok(Some(Unit::TooLarge));
            }
            if self.start_stream(header)?.is_none() {
                return Ok(None);
            }
        }
    }

    /// Takes the whole packet at the start of the unread bytes, whose fixed header is `header`.
    #[inline(always)]
    fn whole(&mut self, header: FixedHeader) -> Result<Option<Unit<'_>>, Fault> {
        let start = self.start as usize;
        let body_at = start + header.len;
        let next = start + header.packet_len();
        self.start = at(next);
        let body = self.buf.get(body_at..next).ok_or(DecodeError::Malformed)?;
        #[cfg(feature = "mqtt5")]
        if self.v5 {
            use crate::codec::v5::decode::FromBroker;
            // Matched by reference, as `next_event` matches the unit: taken out through `?`
            // first, the decoded packet was copied once more on its way into the unit.
            let mut packet = crate::codec::v5::decode::broker_packet(header.first, body);
            if let Ok(Some(FromBroker::Shared(Packet::Publish(p), annex))) = &mut packet {
                p.topic = self.aliases.resolve(p.topic, &annex.properties)?;
            }
            return Ok(Some(match &packet {
                Err(e) => return Err((*e).into()),
                Ok(Some(FromBroker::Shared(packet, annex))) => Unit::Packet(*packet, *annex),
                Ok(Some(packet)) => Unit::V5(*packet),
                Ok(None) => Unit::ClientOnly,
            }));
        }
        Ok(Some(match decode::from_broker(&header, body)? {
            Some(packet) => Unit::Packet(
                packet,
                #[cfg(feature = "mqtt5")]
                Default::default(),
            ),
            None => Unit::ClientOnly,
        }))
    }

    /// Decodes MQTT 5.0 packets from now on (`true`) or MQTT 3.1.1 ones.
    #[cfg(feature = "mqtt5")]
    pub(super) fn set_v5(&mut self, v5: bool) {
        self.v5 = v5;
    }

    /// True when the buffer is full outside a chunked PUBLISH: if it still holds no
    /// complete packet, that packet can never be received with this buffer.
    pub(super) fn is_full(&self) -> bool {
        self.stream.is_none() && self.end as usize == self.buf.len() && self.start == 0
    }

    /// Begins taking the PUBLISH with `header` in chunks: the stream begun, `None` while its
    /// head is not all received (the stream, not a flag: Cortex-M4 measured 90 B smaller).
    ///
    /// Inlined on hosted targets, as is `next_chunk`: out of line, what they return went
    /// through memory on its way to the handler.
    #[cfg_attr(not(target_os = "none"), inline(always))]
    fn start_stream(&mut self, header: FixedHeader) -> Result<Option<Stream>, Fault> {
        // The head must sit at the front of the buffer; `space` moves it there.
        if self.start != 0 {
            return Ok(None);
        }
        let body = self.buf.get(header.len..self.end as usize).unwrap_or(&[]);
        #[cfg(feature = "mqtt5")]
        let prefix = match self.v5 {
            true => match crate::codec::v5::decode::publish_head_prefix(header.first, body)? {
                // Its alias is set (or checked) once, here; the chunks look it up.
                Some(h) => self.aliases.resolve(h.publish.topic, &h.publish.properties).map(|_| Some(h.len))?,
                None => None,
            },
            false => decode::publish_head_prefix(header.first, body)?.map(|PublishHead { len, .. }| len),
        };
        #[cfg(not(feature = "mqtt5"))]
        let prefix = decode::publish_head_prefix(header.first, body)?.map(|PublishHead { len, .. }| len);
        let Some(len) = prefix else {
            return Ok(None);
        };
        let head_len = at(header.len + len);
        let total = header.remaining.saturating_sub(at(len));
        let first = NonZeroU8::new(header.first).ok_or(DecodeError::Malformed)?;
        // A fixed header is 2 to 5 bytes: the cast keeps it whole.
        let stream = Stream { head_len, first, total, offset: 0, header_len: header.len as u8 };
        self.stream = Some(stream);
        self.start = head_len;
        Ok(Some(stream))
    }

    /// Bare metal: inlined into its one caller by the compiler, except with MQTT 5.0, where
    /// that measured 330 B larger.
    #[cfg_attr(not(target_os = "none"), inline(always))]
    #[cfg_attr(all(target_os = "none", feature = "mqtt5"), inline(never))]
    fn next_chunk(&mut self, mut stream: Stream) -> Option<Unit<'_>> {
        let available = self.end - self.start;
        let wanted = stream.total - stream.offset;
        let take = available.min(wanted);
        if take == 0 && wanted != 0 {
            return None;
        }
        let chunk_at = self.start as usize;
        let offset = stream.offset as usize;
        stream.offset += take;
        self.start += take;
        // Both callers hold the stream in `self.stream`: only its offset moves.
        match &mut self.stream {
            Some(held) if stream.offset != stream.total => held.offset = stream.offset,
            _ => self.stream = None,
        }
        // Reread the head (it was checked when the stream began) after the fixed header,
        // taken in one range.
        let head_bytes = self.buf.get(usize::from(stream.header_len)..stream.head_len as usize)?;
        let chunk = self.buf.get(chunk_at..chunk_at + take as usize)?;
        let mut reader = crate::codec::reader::Reader::new(head_bytes);
        // Both versions through the 3.1.1 reader; MQTT 5.0 adds the property section.
        #[cfg(feature = "mqtt5")]
        let mut head = decode::publish_head_as(stream.first.get(), &mut reader, self.v5).ok()?;
        #[cfg(not(feature = "mqtt5"))]
        let head = decode::publish_head(stream.first.get(), &mut reader).ok()?;
        // MQTT 5.0: the properties, and the topic an alias stands for (set in place).
        #[cfg(feature = "mqtt5")]
        let properties = match self.v5 {
            true => {
                let properties = crate::codec::v5::decode::publish_properties(&mut reader).ok()?;
                head.topic = self.aliases.lookup(head.topic, &properties)?;
                properties
            }
            false => Default::default(),
        };
        Some(Unit::Chunk {
            head,
            chunk,
            offset,
            total: stream.total as usize,
            #[cfg(feature = "mqtt5")]
            properties,
        })
    }
}

impl Unit<'_> {
    /// True for a CONNACK of either protocol version.
    pub(super) fn is_connack(&self) -> bool {
        matches!(self, Unit::Packet(Packet::Connack(_), ..))
    }

    /// True for an MQTT 5.0 AUTH, which may come before CONNACK.
    #[cfg(feature = "mqtt5")]
    pub(super) fn is_auth(&self) -> bool {
        matches!(self, Unit::V5(crate::codec::v5::decode::FromBroker::Auth(_)))
    }

    /// Never true without MQTT 5.0.
    #[cfg(not(feature = "mqtt5"))]
    #[inline(always)]
    pub(super) fn is_auth(&self) -> bool {
        false
    }
}
