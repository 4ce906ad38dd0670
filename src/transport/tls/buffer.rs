//! A byte queue on the heap for TLS records and plaintext: filled at the back, drained
//! from the front, grown on demand up to a fixed limit, allocated fallibly.

use super::alloc::vec::Vec;

use super::error::{Failure, TlsError};

/// First allocation, enough for most handshake flights of small certificate chains.
const INITIAL: usize = 4096;

/// The largest TLS record on the wire: 16 KiB of plaintext, 2 KiB of expansion, 5 of header.
pub(super) const MAX_RECORD: usize = 16384 + 2048 + 5;

/// Hard limit of one buffer: a 64 KiB handshake message spread over records, plus a record.
const LIMIT: usize = 0x1_0000 + MAX_RECORD;

/// Bytes in `data[start..end]`; `start <= end <= data.len() <= LIMIT` always.
#[derive(Debug, Default)]
pub(super) struct Buffer {
    data: Vec<u8>,
    start: usize,
    end: usize,
}

impl Buffer {
    /// Queued bytes.
    pub(super) fn bytes(&self) -> &[u8] {
        self.data.get(self.start..self.end).unwrap_or_default()
    }

    /// Queued bytes, writable (rustls decrypts in place).
    pub(super) fn bytes_mut(&mut self) -> &mut [u8] {
        self.data.get_mut(self.start..self.end).unwrap_or_default()
    }

    /// Number of queued bytes.
    pub(super) fn len(&self) -> usize {
        self.end - self.start
    }

    /// Whether nothing is queued.
    pub(super) fn is_empty(&self) -> bool {
        self.start == self.end
    }

    /// Drops `n` bytes from the front.
    pub(super) fn consume(&mut self, n: usize) {
        self.start += n.min(self.len());
        if self.start == self.end {
            self.start = 0;
            self.end = 0;
        }
    }

    /// Moves up to `out.len()` bytes from the front into `out`; returns how many.
    pub(super) fn take_into(&mut self, out: &mut [u8]) -> usize {
        let n = out.len().min(self.len());
        if let (Some(dst), Some(src)) = (out.get_mut(..n), self.bytes().get(..n)) {
            dst.copy_from_slice(src);
        }
        self.consume(n);
        n
    }

    /// Appends `bytes`.
    pub(super) fn push(&mut self, bytes: &[u8]) -> Result<(), Failure> {
        let spare = self.spare(bytes.len())?;
        if let Some(dst) = spare.get_mut(..bytes.len()) {
            dst.copy_from_slice(bytes);
        }
        self.commit(bytes.len());
        Ok(())
    }

    /// Free space at the back, at least `min` bytes (and some, if `min` is 0 and there is
    /// none): compacts, then grows (doubling, within the limit).
    pub(super) fn spare(&mut self, min: usize) -> Result<&mut [u8], Failure> {
        let min = min.max(1);
        if self.data.len() - self.end < min && self.start > 0 {
            self.data.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        let needed = self.end.saturating_add(min);
        if self.data.len() < needed {
            if needed > LIMIT {
                return Err(Failure::note(TlsError::Other, "TLS buffer limit reached"));
            }
            let size = needed.max(self.data.len() * 2).clamp(INITIAL, LIMIT);
            self.data.try_reserve_exact(size - self.data.len()).map_err(|_| Failure::from(TlsError::OutOfMemory))?;
            self.data.resize(size, 0);
        }
        Ok(self.data.get_mut(self.end..).unwrap_or_default())
    }

    /// Marks `n` bytes of the space from [`spare`](Self::spare) as queued.
    pub(super) fn commit(&mut self, n: usize) {
        self.end += n.min(self.data.len() - self.end);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queue_compacts_grows_and_stops_at_the_limit() {
        let mut buf = Buffer::default();
        buf.push(b"hello world").unwrap();
        let mut out = [0u8; 6];
        assert_eq!(buf.take_into(&mut out), 6);
        assert_eq!(&out, b"hello ");
        assert_eq!(buf.bytes(), b"world");

        assert_eq!(buf.spare(INITIAL).unwrap().len(), INITIAL * 2 - 5);
        buf.commit(usize::MAX);
        assert_eq!(buf.len(), INITIAL * 2);
        buf.consume(INITIAL * 2);
        assert!(buf.is_empty());

        assert!(buf.spare(LIMIT).is_ok());
        buf.commit(LIMIT - 1);
        let err = buf.spare(2).unwrap_err();
        assert_eq!(err.class, TlsError::Other);
    }
}
