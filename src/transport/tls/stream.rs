//! One TLS client session over a transport handed in on every call.
//!
//! rustls's unbuffered client does the protocol; this module moves bytes: records from
//! the transport into `incoming`, records for the transport out of `outgoing`, and
//! decrypted data that did not fit the caller's buffer into `plaintext`. Each call does
//! what it can and reports `Io(WouldBlock)` when the transport has nothing more to give
//! within the timeout: nothing is lost and the same call can be repeated.

use rustls::client::UnbufferedClientConnection;
use rustls::pki_types::ServerName;
use rustls::unbuffered::{ConnectionState, EncodeError, EncryptError};
use rustls::{HandshakeKind, ProtocolVersion};

use super::buffer::{Buffer, MAX_RECORD};
use super::error::{Failure, TlsError};
use super::{TlsConfig, TlsIo, TlsVersion};
use crate::transport::stream::{ByteStream, IoStatus};

/// Plaintext taken per write call: one full record.
const MAX_WRITE: usize = 16384;

/// Ciphertext waiting for the transport beyond which writes take nothing more.
const OUT_BUDGET: usize = MAX_RECORD;

const WOULD_BLOCK: TlsError = TlsError::Io(IoStatus::WouldBlock);
const CLOSED: TlsError = TlsError::Io(IoStatus::Closed);

/// A TLS client session.
///
/// The session never holds the transport: every call that needs the network takes it as
/// `io` (use the same transport throughout), so the owner can keep both side by side.
/// [`bind`](Self::bind) pairs them as a [`ByteStream`] for code written against that.
///
/// Timeouts (`timeout_ms`, 0 = do not block) are passed to each transport call; a call
/// returns `Io(WouldBlock)` only after a transport call made no progress, so one call may
/// take several timeouts when data trickles in. Reads and writes finish the handshake
/// first if needed. A fatal error sticks: every later call returns it.
///
/// TLS 1.3 servers send their session tickets just after the handshake; the next read
/// (e.g. of CONNACK) stores them for resumption. A session closed before any read
/// leaves nothing to resume.
pub struct TlsStream {
    conn: UnbufferedClientConnection,
    incoming: Buffer,
    outgoing: Buffer,
    plaintext: Buffer,
    established: bool,
    peer_closed: bool,
    close_sent: bool,
    failure: Option<Failure>,
}

/// What one pass through rustls led to.
enum Event {
    /// Records were queued for sending, or the state moved on.
    Progress,
    /// Application data arrived: this much went into the caller's buffer, the rest into
    /// `plaintext`.
    Read(usize),
    /// The handshake needs data from the peer.
    NeedInput,
    /// The session is established and has nothing to do.
    Idle,
    /// The plaintext was encrypted into `outgoing`.
    Wrote,
    /// close_notify was queued into `outgoing`.
    CloseQueued,
    /// The peer sent close_notify.
    PeerClosed,
    /// Both sides sent close_notify.
    Closed,
}

/// What to do if the session may send application data.
#[derive(Clone, Copy)]
enum Intent<'a> {
    Drive,
    Encrypt(&'a [u8]),
    CloseNotify,
}

impl TlsStream {
    /// A session with `server_name`: a DNS name, or an IPv4/IPv6 address (sent without
    /// SNI and matched against the certificate's IP addresses). Nothing is sent until the
    /// first call that is given the transport.
    pub fn new(config: &TlsConfig, server_name: &str) -> Result<Self, TlsError> {
        let name = ServerName::try_from(server_name).map_err(|_| TlsError::InvalidServerName)?.to_owned();
        let conn = UnbufferedClientConnection::new(config.client_config(), name).map_err(|e| TlsError::from(&e))?;
        Ok(Self {
            conn,
            incoming: Buffer::default(),
            outgoing: Buffer::default(),
            plaintext: Buffer::default(),
            established: false,
            peer_closed: false,
            close_sent: false,
            failure: None,
        })
    }

    /// Runs the handshake; `Ok` once it is complete (at once if it already is).
    pub fn handshake(&mut self, io: &mut dyn ByteStream, timeout_ms: u32) -> Result<(), TlsError> {
        self.run(io, |s, io| s.establish(io, timeout_ms))
    }

    /// Reads decrypted application data into `buf`; `Ok(n)` with `n > 0` unless `buf` is
    /// empty. `Io(Closed)` once the peer's close_notify is reached.
    pub fn read(&mut self, io: &mut dyn ByteStream, buf: &mut [u8], timeout_ms: u32) -> Result<usize, TlsError> {
        self.run(io, |s, io| s.read_inner(io, buf, timeout_ms))
    }

    /// Encrypts up to 16 KiB of `data` and sends what the transport takes; `Ok(n)` is the
    /// plaintext taken, which may wait in the session if the transport would block (see
    /// [`flush`](Self::flush)). `Io(WouldBlock)` when too much is already waiting.
    pub fn write(&mut self, io: &mut dyn ByteStream, data: &[u8], timeout_ms: u32) -> Result<usize, TlsError> {
        self.run(io, |s, io| s.write_inner(io, data, timeout_ms))
    }

    /// Sends the records waiting in the session; `Ok` when none is left.
    pub fn flush(&mut self, io: &mut dyn ByteStream, timeout_ms: u32) -> Result<(), TlsError> {
        self.run(io, |s, io| s.flush_inner(io, timeout_ms))
    }

    /// Sends close_notify (once) and flushes; `Ok` when all is sent. Reads still work until
    /// the peer's close_notify; writes fail. Before the handshake is complete there is
    /// nothing to close: it only flushes. The caller then closes the transport.
    pub fn close(&mut self, io: &mut dyn ByteStream, timeout_ms: u32) -> Result<(), TlsError> {
        self.run(io, |s, io| s.close_inner(io, timeout_ms))
    }

    /// Pairs the session with its transport as a [`ByteStream`].
    pub fn bind<'a>(&'a mut self, io: &'a mut dyn ByteStream) -> TlsIo<'a> {
        TlsIo::new(self, io)
    }

    /// Whether the handshake is complete (and its last flight sent).
    pub fn is_handshake_done(&self) -> bool {
        self.established
    }

    /// Whether the handshake resumed an earlier session instead of a full one.
    pub fn was_resumed(&self) -> bool {
        self.conn.handshake_kind() == Some(HandshakeKind::Resumed)
    }

    /// The negotiated protocol version, once known.
    pub fn protocol_version(&self) -> Option<TlsVersion> {
        match self.conn.protocol_version()? {
            ProtocolVersion::TLSv1_2 => Some(TlsVersion::Tls12),
            ProtocolVersion::TLSv1_3 => Some(TlsVersion::Tls13),
            _ => None,
        }
    }

    /// The ALPN protocol the server chose, if any.
    pub fn alpn_protocol(&self) -> Option<&[u8]> {
        self.conn.alpn_protocol()
    }

    /// Whether records wait to be sent (call [`flush`](Self::flush) when the transport
    /// can take them).
    pub fn has_pending_output(&self) -> bool {
        !self.outgoing.is_empty()
    }

    /// Writes why the session failed into `out` (cut to fit, NUL-terminated); returns the
    /// text length, 0 if it has not failed.
    pub fn error_detail(&self, out: &mut [u8]) -> usize {
        match &self.failure {
            Some(failure) => failure.write_to(out),
            None => 0,
        }
    }

    /// Runs `op` unless the session already failed; keeps a new fatal failure (telling
    /// the peer with an alert when rustls has one) and returns its class.
    fn run<T>(&mut self, io: &mut dyn ByteStream, op: impl FnOnce(&mut Self, &mut dyn ByteStream) -> Result<T, Failure>) -> Result<T, TlsError> {
        if let Some(failure) = &self.failure {
            return Err(failure.class);
        }
        op(self, &mut *io).map_err(|failure| self.keep(io, failure))
    }

    /// `run`'s handling of a failure, kept apart from its generic caller so that the five
    /// operations share one copy.
    fn keep(&mut self, io: &mut dyn ByteStream, failure: Failure) -> TlsError {
        let class = failure.class;
        if class != WOULD_BLOCK && class != CLOSED {
            if failure.is_tls() {
                self.send_alert(io);
            }
            self.failure = Some(failure);
        }
        class
    }

    fn establish(&mut self, io: &mut dyn ByteStream, timeout_ms: u32) -> Result<(), Failure> {
        while !self.established {
            match self.step(Intent::Drive, &mut [])? {
                Event::NeedInput => self.wait_for_input(io, timeout_ms)?,
                Event::Idle => {
                    self.flush_inner(io, timeout_ms)?;
                    self.established = true;
                }
                Event::PeerClosed => self.peer_closed = true,
                Event::Closed => return Err(CLOSED.into()),
                Event::Progress | Event::Read(_) | Event::Wrote | Event::CloseQueued => {}
            }
        }
        Ok(())
    }

    fn read_inner(&mut self, io: &mut dyn ByteStream, buf: &mut [u8], timeout_ms: u32) -> Result<usize, Failure> {
        self.establish(io, timeout_ms)?;
        loop {
            if !self.plaintext.is_empty() || buf.is_empty() {
                return Ok(self.plaintext.take_into(buf));
            }
            if self.peer_closed {
                return Err(CLOSED.into());
            }
            match self.step(Intent::Drive, buf)? {
                Event::Read(n) if n > 0 => return Ok(n),
                Event::Idle | Event::NeedInput => self.wait_for_input(io, timeout_ms)?,
                Event::PeerClosed | Event::Closed => self.peer_closed = true,
                Event::Progress | Event::Read(_) | Event::Wrote | Event::CloseQueued => {}
            }
        }
    }

    fn write_inner(&mut self, io: &mut dyn ByteStream, data: &[u8], timeout_ms: u32) -> Result<usize, Failure> {
        self.establish(io, timeout_ms)?;
        if self.close_sent {
            return Err(CLOSED.into());
        }
        if data.is_empty() {
            return Ok(0);
        }
        self.flush_soft(io, timeout_ms)?;
        let room = OUT_BUDGET.saturating_sub(self.outgoing.len()).min(MAX_WRITE);
        let chunk = data.get(..room.min(data.len())).unwrap_or_default();
        if chunk.is_empty() {
            return Err(WOULD_BLOCK.into());
        }
        loop {
            match self.step(Intent::Encrypt(chunk), &mut [])? {
                Event::Wrote => break,
                Event::NeedInput => self.wait_for_input(io, timeout_ms)?,
                Event::PeerClosed => self.peer_closed = true,
                Event::Closed => return Err(CLOSED.into()),
                Event::Progress | Event::Read(_) | Event::Idle | Event::CloseQueued => {}
            }
        }
        self.flush_soft(io, timeout_ms)?;
        Ok(chunk.len())
    }

    fn close_inner(&mut self, io: &mut dyn ByteStream, timeout_ms: u32) -> Result<(), Failure> {
        while self.established && !self.close_sent {
            match self.step(Intent::CloseNotify, &mut [])? {
                Event::CloseQueued | Event::Closed => self.close_sent = true,
                Event::PeerClosed => self.peer_closed = true,
                Event::NeedInput | Event::Idle => return Err(Failure::note(TlsError::Other, "cannot send close_notify now")),
                Event::Progress | Event::Read(_) | Event::Wrote => {}
            }
        }
        self.flush_inner(io, timeout_ms)
    }

    /// Sends what is queued, then waits for records from the peer.
    fn wait_for_input(&mut self, io: &mut dyn ByteStream, timeout_ms: u32) -> Result<(), Failure> {
        self.flush_soft(io, timeout_ms)?;
        let spare = self.incoming.spare(0)?;
        match io.read(spare, timeout_ms) {
            Ok(0) | Err(IoStatus::WouldBlock) => Err(WOULD_BLOCK.into()),
            Ok(n) => {
                self.incoming.commit(n);
                Ok(())
            }
            Err(IoStatus::Closed) => Err(TlsError::UnexpectedEof.into()),
            Err(status) => Err(TlsError::Io(status).into()),
        }
    }

    fn flush_inner(&mut self, io: &mut dyn ByteStream, timeout_ms: u32) -> Result<(), Failure> {
        while !self.outgoing.is_empty() {
            match io.write(self.outgoing.bytes(), timeout_ms) {
                Ok(0) => return Err(WOULD_BLOCK.into()),
                Ok(n) => self.outgoing.consume(n),
                Err(status) => return Err(TlsError::Io(status).into()),
            }
        }
        Ok(())
    }

    /// Like `flush_inner`, but a transport that would block is not an error.
    fn flush_soft(&mut self, io: &mut dyn ByteStream, timeout_ms: u32) -> Result<(), Failure> {
        match self.flush_inner(io, timeout_ms) {
            Err(failure) if failure.class == WOULD_BLOCK => Ok(()),
            result => result,
        }
    }

    /// A TLS 1.2 broker that requires a client certificate says so with a plain
    /// handshake_failure once it has chosen its parameters (TLS 1.3 has
    /// certificate_required): classed as a refused client certificate, like 1.3.
    fn classify(&self, error: rustls::Error) -> Failure {
        let tls12 = self.conn.protocol_version() == Some(rustls::ProtocolVersion::TLSv1_2);
        match error {
            rustls::Error::AlertReceived(rustls::AlertDescription::HandshakeFailure) if tls12 => Failure::tls(TlsError::ClientCertRefused, error),
            error => Failure::from(error),
        }
    }

    /// One pass through rustls over the received records, then drops what it consumed.
    fn step(&mut self, intent: Intent<'_>, out: &mut [u8]) -> Result<Event, Failure> {
        let status = self.conn.process_tls_records(self.incoming.bytes_mut());
        let discard = status.discard;
        let event = match status.state {
            Err(error) => Err(self.classify(error)),
            Ok(ConnectionState::ReadTraffic(mut traffic)) => {
                let mut read = 0;
                let mut result = Ok(());
                while let Some(record) = traffic.next_record() {
                    result = match record {
                        Ok(record) => deliver(record.payload, out, &mut read, &mut self.plaintext),
                        Err(error) => Err(error.into()),
                    };
                    if result.is_err() {
                        break;
                    }
                }
                result.map(|()| Event::Read(read))
            }
            Ok(ConnectionState::EncodeTlsData(mut data)) => {
                produce(&mut self.outgoing, &mut |buf| data.encode(buf).map_err(encode_need)).map(|()| Event::Progress)
            }
            Ok(ConnectionState::TransmitTlsData(transmit)) => {
                // The records wait in `outgoing`, in order, until the transport takes them.
                transmit.done();
                Ok(Event::Progress)
            }
            Ok(ConnectionState::BlockedHandshake) => Ok(Event::NeedInput),
            Ok(ConnectionState::WriteTraffic(mut traffic)) => match intent {
                Intent::Drive => Ok(Event::Idle),
                Intent::Encrypt(data) => {
                    produce(&mut self.outgoing, &mut |buf| traffic.encrypt(data, buf).map_err(encrypt_need)).map(|()| Event::Wrote)
                }
                Intent::CloseNotify => {
                    produce(&mut self.outgoing, &mut |buf| traffic.queue_close_notify(buf).map_err(encrypt_need)).map(|()| Event::CloseQueued)
                }
            },
            Ok(ConnectionState::PeerClosed) => Ok(Event::PeerClosed),
            Ok(ConnectionState::Closed) => Ok(Event::Closed),
            Ok(_) => Err(Failure::note(TlsError::Other, "unexpected TLS state")),
        };
        self.incoming.consume(discard);
        event
    }

    /// Queues the alert rustls prepared for a fatal error, and tries once to send it.
    fn send_alert(&mut self, io: &mut dyn ByteStream) {
        // After a fatal error rustls offers the alert as data to encode, which `step` queues.
        // Going through `step` keeps a single call of rustls' record processing in the build
        // (a second call site linked a second copy of it). Best effort: the session has
        // failed already.
        let _ = self.step(Intent::Drive, &mut []);
        let _ = self.flush_inner(io, 0);
    }
}

/// Copies a decrypted record into `out` after the `read` bytes already there, and keeps
/// what does not fit (or everything, if older data waits) in `plaintext`.
fn deliver(payload: &[u8], out: &mut [u8], read: &mut usize, plaintext: &mut Buffer) -> Result<(), Failure> {
    let fits = match plaintext.is_empty() {
        true => out.len().saturating_sub(*read).min(payload.len()),
        false => 0,
    };
    if let (Some(dst), Some(src)) = (out.get_mut(*read..*read + fits), payload.get(..fits)) {
        dst.copy_from_slice(src);
        *read += fits;
    }
    match payload.get(fits..) {
        Some(rest) if !rest.is_empty() => plaintext.push(rest),
        _ => Ok(()),
    }
}

/// Puts records into a buffer: the bytes written, or `Err(Some(size))` for the room needed.
type WriteRecords<'a> = dyn FnMut(&mut [u8]) -> Result<usize, Option<usize>> + 'a;

/// Lets `write` put records into `out`, growing `out` once to the size it asks for
/// (`Err(Some(size))`); `Err(None)` is a failure. `write` is a trait object so that the
/// three kinds of record (handshake, data, close_notify) share one copy of this loop.
fn produce(out: &mut Buffer, write: &mut WriteRecords<'_>) -> Result<(), Failure> {
    let mut room = 0;
    loop {
        match write(out.spare(room)?) {
            Ok(n) => {
                out.commit(n);
                return Ok(());
            }
            Err(Some(needed)) if needed > room => room = needed,
            Err(_) => return Err(Failure::note(TlsError::Other, "cannot produce TLS records")),
        }
    }
}

fn encode_need(error: EncodeError) -> Option<usize> {
    match error {
        EncodeError::InsufficientSize(size) => Some(size.required_size),
        _ => None,
    }
}

fn encrypt_need(error: EncryptError) -> Option<usize> {
    match error {
        EncryptError::InsufficientSize(size) => Some(size.required_size),
        _ => None,
    }
}
