//! The send queue: encoded packets batched in the caller's transmit buffer, plus at most
//! one large payload that is written straight from the caller's memory (a splice).

use super::memmove::at;
use crate::codec::EncodeError;

/// A payload sent from caller memory after the bytes queued before `at`.
struct Splice<'b> {
    at: u32,
    data: &'b [u8],
}

/// Bytes waiting to be written, in order. Offsets are `u32` to keep the client small.
pub struct Outbox<'b> {
    buf: &'b mut [u8],
    start: u32,
    end: u32,
    splice: Option<Splice<'b>>,
}

impl<'b> Outbox<'b> {
    /// Wraps the caller's transmit buffer (only its first 4 GiB are used).
    pub fn new(buf: &'b mut [u8]) -> Self {
        let len = buf.len().min(u32::MAX as usize);
        Outbox { buf: buf.get_mut(..len).unwrap_or_default(), start: 0, end: 0, splice: None }
    }

    /// Capacity of the transmit buffer.
    pub fn capacity(&self) -> usize {
        self.buf.len()
    }

    /// True when nothing waits to be written.
    pub fn is_empty(&self) -> bool {
        self.start == self.end && self.splice.is_none()
    }

    /// True when `n` more bytes fit (after moving queued bytes to the front).
    pub fn has_room(&self, n: usize) -> bool {
        self.buf.len() - (self.end - self.start) as usize >= n
    }

    /// True when a large payload is being written from caller memory.
    pub fn has_splice(&self) -> bool {
        self.splice.is_some()
    }

    /// Drops everything queued (the connection is gone).
    pub fn clear(&mut self) {
        self.start = 0;
        self.end = 0;
        self.splice = None;
    }

    /// Drops everything queued and returns the whole buffer for a packet that
    /// [`restarted`](Self::restarted) then queues (a new connection's CONNECT).
    pub fn restart(&mut self) -> &mut [u8] {
        self.clear();
        self.buf
    }

    /// Queues the `written` bytes at the start of the buffer [`restart`](Self::restart)
    /// returned: the encoder wrote them there, so the end is `written` itself, without
    /// [`commit`](Self::commit)'s reading of the (emptied) end (Cortex-M4: smaller in the
    /// connect calls).
    pub fn restarted(&mut self, written: usize) {
        self.end = at(written);
    }

    /// Moves queued bytes to the front so the free space is contiguous.
    fn compact(&mut self) {
        if self.start == 0 {
            return;
        }
        super::memmove::move_down(self.buf, self.start as usize, self.end as usize, 0);
        if let Some(splice) = &mut self.splice {
            splice.at -= self.start;
        }
        self.end -= self.start;
        self.start = 0;
    }

    /// Encodes one packet at the end of the queue with `encode`, which gets all the free
    /// space and returns the bytes it wrote; nothing is queued if it fails. Queued bytes are
    /// moved to the front first, so that one encode is enough: pushed packets are rare
    /// (requests, MQTT 5.0 AUTH and DISCONNECT), and the move costs less code than a second
    /// try after compacting did, through a trait object.
    pub fn push(&mut self, encode: impl FnOnce(&mut [u8]) -> Result<usize, EncodeError>) -> Result<(), EncodeError> {
        self.compact();
        let written = encode(self.buf.get_mut(self.end as usize..).unwrap_or_default())?;
        // The encoder wrote that many bytes of the free space.
        self.commit(written);
        Ok(())
    }

    /// The free space after the queue, with queued bytes moved to the front first when
    /// fewer than `n` bytes are free after them: a packet of known length is written there
    /// in place, then queued with [`commit`](Self::commit). The space may still be shorter
    /// than `n` (the buffer is full): each caller takes its `n` bytes with a checked slice
    /// or an encoder that fails on a short buffer, so a test of the room here first would
    /// be a second check (Cortex-M4: 12 B smaller without it).
    pub fn reserve(&mut self, n: usize) -> Option<&mut [u8]> {
        if self.buf.len() - (self.end as usize) < n {
            self.compact();
        }
        self.buf.get_mut(self.end as usize..)
    }

    /// Queues the first `n` bytes of the space [`reserve`](Self::reserve) returned, which
    /// the caller wrote (so `n` is at most its length), as [`push`](Self::push) and
    /// [`put`](Self::put) queue what they wrote: the end stays in the buffer without a
    /// bound of its own (Cortex-M4: smaller in each caller).
    pub fn commit(&mut self, n: usize) {
        self.end = self.end.wrapping_add(at(n));
    }

    /// Queues a packet of a few bytes made whole beforehand (acknowledgements, PINGREQ,
    /// DISCONNECT): copied in place, without an encoder call through [`push`](Self::push).
    pub fn put(&mut self, packet: &[u8]) -> Result<(), EncodeError> {
        match self.reserve(packet.len()).and_then(|free| free.get_mut(..packet.len())) {
            Some(free) => free.copy_from_slice(packet),
            None => return Err(EncodeError::BufferTooSmall),
        }
        // The copy took that many bytes of the free space.
        self.commit(packet.len());
        Ok(())
    }

    /// Queues `data` to be written from caller memory after everything queued so far. One
    /// splice at a time: the caller found none under way ([`has_splice`](Self::has_splice))
    /// before it queued the packet's head, so this does not look again.
    pub fn splice(&mut self, data: &'b [u8]) {
        if !data.is_empty() {
            self.splice = Some(Splice { at: self.end, data });
        }
    }

    /// The next bytes to write, or an empty slice.
    pub fn pending(&self) -> &[u8] {
        // Bare metal takes the queued bytes up to the splice or the end as one range (8 B
        // smaller); hosted targets keep a range each (2 instructions less per write).
        #[cfg(target_os = "none")]
        {
            let stop = match &self.splice {
                Some(s) if self.start == s.at => return s.data,
                Some(s) => s.at,
                None => self.end,
            };
            self.buf.get(self.start as usize..stop as usize).unwrap_or(&[])
        }
        #[cfg(not(target_os = "none"))]
        {
            let (start, end) = (self.start as usize, self.end as usize);
            match &self.splice {
                Some(s) if self.start == s.at => s.data,
                Some(s) => self.buf.get(start..s.at as usize).unwrap_or(&[]),
                None => self.buf.get(start..end).unwrap_or(&[]),
            }
        }
    }

    /// Marks `n` bytes of [`pending`](Self::pending) as written.
    pub fn consume(&mut self, n: usize) {
        match &mut self.splice {
            // The rest of the splice, or none once it is all written.
            Some(s) if self.start == s.at => match s.data.get(n..) {
                Some(rest) if !rest.is_empty() => s.data = rest,
                _ => self.splice = None,
            },
            // Written up to the end with no splice (every stop-and-wait write): the queue is
            // empty, its offsets back at 0 without the checks below. Hosted only: bare metal
            // measured 46 B larger with it.
            #[cfg(not(target_os = "none"))]
            None if (self.start as usize).saturating_add(n) >= self.end as usize => {
                self.start = 0;
                self.end = 0;
                return;
            }
            _ => self.start += at(n.min(self.end.wrapping_sub(self.start) as usize)),
        }
        // An empty queue's offsets back at 0. Hosted only: bare metal leaves them where the
        // write stopped, and `reserve` moves the (empty) queue to the front when the room
        // after it runs out (Cortex-M4: 30 B smaller, in `flush`).
        #[cfg(not(target_os = "none"))]
        if self.is_empty() {
            self.start = 0;
            self.end = 0;
        }
    }
}
