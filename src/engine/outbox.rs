//! The send queue: encoded packets batched in the caller's transmit buffer, plus at most
//! one large payload that is written straight from the caller's memory (a splice).

use crate::codec::EncodeError;

/// A payload sent from caller memory after the bytes queued before `at`.
struct Splice<'b> {
    at: usize,
    data: &'b [u8],
}

/// Bytes waiting to be written, in order.
pub struct Outbox<'b> {
    buf: &'b mut [u8],
    start: usize,
    end: usize,
    splice: Option<Splice<'b>>,
}

impl<'b> Outbox<'b> {
    /// Wraps the caller's transmit buffer.
    pub fn new(buf: &'b mut [u8]) -> Self {
        Outbox { buf, start: 0, end: 0, splice: None }
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
        self.buf.len() - (self.end - self.start) >= n
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

    /// Moves queued bytes to the front so the free space is contiguous.
    fn compact(&mut self) {
        if self.start == 0 {
            return;
        }
        super::memmove::move_down(self.buf, self.start, self.end, 0);
        if let Some(splice) = &mut self.splice {
            splice.at -= self.start;
        }
        self.end -= self.start;
        self.start = 0;
    }

    /// Encodes one packet at the end of the queue with `encode`, which gets the free
    /// space and returns the bytes it wrote. Nothing is queued if it fails.
    pub fn push(&mut self, encode: impl Fn(&mut [u8]) -> Result<usize, EncodeError>) -> Result<(), EncodeError> {
        let first_try = match self.buf.get_mut(self.end..) {
            Some(free) => encode(free),
            None => Err(EncodeError::BufferTooSmall),
        };
        let written = match first_try {
            Err(EncodeError::BufferTooSmall) if self.start > 0 => {
                self.compact();
                encode(self.buf.get_mut(self.end..).ok_or(EncodeError::BufferTooSmall)?)?
            }
            other => other?,
        };
        self.end += written;
        Ok(())
    }

    /// Queues `data` to be written from caller memory after everything queued so far.
    pub fn splice(&mut self, data: &'b [u8]) -> Result<(), EncodeError> {
        if self.splice.is_some() {
            return Err(EncodeError::BufferTooSmall);
        }
        if !data.is_empty() {
            self.splice = Some(Splice { at: self.end, data });
        }
        Ok(())
    }

    /// The next bytes to write, or an empty slice.
    pub fn pending(&self) -> &[u8] {
        match &self.splice {
            Some(s) if self.start == s.at => s.data,
            Some(s) => self.buf.get(self.start..s.at).unwrap_or(&[]),
            None => self.buf.get(self.start..self.end).unwrap_or(&[]),
        }
    }

    /// Marks `n` bytes of [`pending`](Self::pending) as written.
    pub fn consume(&mut self, n: usize) {
        match &mut self.splice {
            Some(s) if self.start == s.at => {
                s.data = s.data.get(n..).unwrap_or(&[]);
                if s.data.is_empty() {
                    self.splice = None;
                }
            }
            _ => self.start = (self.start + n).min(self.end),
        }
        if self.is_empty() {
            self.start = 0;
            self.end = 0;
        }
    }
}
