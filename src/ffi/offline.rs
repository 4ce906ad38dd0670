//! The QoS 0 part of the offline queue: messages copied, in order, into a byte buffer the
//! caller supplies (`mqtt_rs_reconnect_config.qos0_buf`). Each record is the topic length
//! (2 bytes), the payload length (4 bytes), the retain flag (1 byte), the topic and the
//! payload. When full, the oldest records are dropped or the newest refused, by policy.

/// Bytes before a record's topic.
const HEAD: usize = 7;

/// Why a message was not queued.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Refused {
    /// It is larger than the whole buffer.
    TooLarge,
    /// The buffer is full and the policy keeps what is queued.
    Full,
}

/// A view of the caller's buffer and the queue's offsets (kept in `mqtt_rs_reconnect`).
pub(super) struct Qos0Queue<'q> {
    pub(super) buf: &'q mut [u8],
    pub(super) start: &'q mut usize,
    pub(super) end: &'q mut usize,
}

/// One queued message.
pub(super) struct Record<'r> {
    pub(super) topic: &'r [u8],
    pub(super) payload: &'r [u8],
    pub(super) retain: bool,
}

impl Qos0Queue<'_> {
    /// Appends a message; with `drop_oldest` makes room by dropping the oldest records and
    /// returns how many it dropped.
    pub(super) fn push(&mut self, topic: &[u8], payload: &[u8], retain: bool, drop_oldest: bool) -> Result<u32, Refused> {
        let (Ok(topic_len), Ok(payload_len)) = (u16::try_from(topic.len()), u32::try_from(payload.len())) else {
            return Err(Refused::TooLarge);
        };
        let need = HEAD.saturating_add(topic.len()).saturating_add(payload.len());
        if need > self.buf.len() {
            return Err(Refused::TooLarge);
        }
        let mut dropped = 0;
        while self.buf.len().saturating_sub(*self.end) < need {
            if *self.start > 0 {
                crate::engine::move_down(self.buf, *self.start, *self.end, 0);
                *self.end = self.end.saturating_sub(*self.start);
                *self.start = 0;
            } else if drop_oldest && self.pop() {
                dropped += 1;
            } else {
                return Err(Refused::Full);
            }
        }
        let (t, p) = (topic_len.to_le_bytes(), payload_len.to_le_bytes());
        let head: [u8; HEAD] = [t[0], t[1], p[0], p[1], p[2], p[3], u8::from(retain)];
        let mut at = *self.end;
        for part in [&head[..], topic, payload] {
            let Some(dst) = at.checked_add(part.len()).and_then(|to| self.buf.get_mut(at..to)) else {
                return Err(Refused::Full);
            };
            dst.copy_from_slice(part);
            at += part.len();
        }
        *self.end = at;
        Ok(dropped)
    }

    /// The oldest message, if any.
    pub(super) fn front(&self) -> Option<Record<'_>> {
        let rest = self.buf.get(*self.start..*self.end)?;
        let [a, b, c, d, e, f, g]: [u8; HEAD] = rest.get(..HEAD)?.try_into().ok()?;
        let topic_len = usize::from(u16::from_le_bytes([a, b]));
        let payload_len = usize::try_from(u32::from_le_bytes([c, d, e, f])).ok()?;
        let body = rest.get(HEAD..)?;
        let topic = body.get(..topic_len)?;
        let payload = body.get(topic_len..topic_len.checked_add(payload_len)?)?;
        Some(Record { topic, payload, retain: g != 0 })
    }

    /// Takes back the message just pushed (`topic_len` and `payload_len` long): the
    /// store refused it, and the queue keeps only what the store keeps.
    pub(super) fn retract(&mut self, topic_len: usize, payload_len: usize) {
        *self.end = self.end.saturating_sub(HEAD + topic_len + payload_len);
        if *self.end <= *self.start {
            *self.start = 0;
            *self.end = 0;
        }
    }

    /// Drops the oldest message; false when the queue is empty.
    pub(super) fn pop(&mut self) -> bool {
        let Some(r) = self.front() else {
            return false;
        };
        let len = HEAD + r.topic.len() + r.payload.len();
        *self.start = self.start.saturating_add(len);
        if *self.start >= *self.end {
            *self.start = 0;
            *self.end = 0;
        }
        true
    }
}
