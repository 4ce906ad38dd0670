//! The byte-stream abstraction that the transport drives: the application's network
//! callbacks implement it directly, and the TLS layer wraps one to offer another.

/// What a stream operation reports when it moved no bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IoStatus {
    /// Nothing could be done within the timeout (no data yet, send buffer full, connect pending).
    WouldBlock,
    /// The peer closed the connection.
    Closed,
    /// Any other failure.
    Failed,
}

/// A bidirectional byte stream with per-call timeouts (0 = do not block).
pub trait ByteStream {
    /// Reads up to `buf.len()` bytes; `Ok(n)` with `n > 0` on progress.
    fn read(&mut self, buf: &mut [u8], timeout_ms: u32) -> Result<usize, IoStatus>;
    /// Writes up to `buf.len()` bytes; `Ok(n)` with `n > 0` on progress (may be partial).
    fn write(&mut self, buf: &[u8], timeout_ms: u32) -> Result<usize, IoStatus>;
}
