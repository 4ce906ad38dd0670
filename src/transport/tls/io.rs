//! A TLS session and its transport, paired as one [`ByteStream`].

use super::{TlsError, TlsStream};
use crate::transport::stream::{ByteStream, IoStatus};

/// The decrypted side of a [`TlsStream`] as a [`ByteStream`], for as long as the pair is
/// borrowed. Errors become [`IoStatus`] values (`Closed` for close_notify or a cut
/// connection, `Failed` for TLS failures); the session keeps the full error. Records that
/// a write leaves queued go out on the next read or write.
pub struct TlsIo<'a> {
    tls: &'a mut TlsStream,
    io: &'a mut dyn ByteStream,
}

impl<'a> TlsIo<'a> {
    /// Pairs `tls` with the transport it runs over.
    pub fn new(tls: &'a mut TlsStream, io: &'a mut dyn ByteStream) -> Self {
        Self { tls, io }
    }
}

impl ByteStream for TlsIo<'_> {
    fn read(&mut self, buf: &mut [u8], timeout_ms: u32) -> Result<usize, IoStatus> {
        self.tls.read(&mut *self.io, buf, timeout_ms).map_err(TlsError::io_status)
    }

    fn write(&mut self, buf: &[u8], timeout_ms: u32) -> Result<usize, IoStatus> {
        self.tls.write(&mut *self.io, buf, timeout_ms).map_err(TlsError::io_status)
    }
}
