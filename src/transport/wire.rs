//! The byte connection under the engine: the application's callbacks, optionally
//! wrapped in a TLS session. Reports "would block" as `Ok(None)` and failures as
//! client errors, so the client's loop is the same with and without TLS.

use super::client::Error;
use super::network::{ConnectFailure, Network};
use super::stream::IoStatus;

#[cfg(feature = "tls")]
use super::tls::{TlsConfig, TlsError, TlsStream};
#[cfg(feature = "tls")]
extern crate alloc;
#[cfg(feature = "tls")]
use alloc::{boxed::Box, string::String};

/// TLS settings and the session of the current connection.
#[cfg(feature = "tls")]
pub struct Secure {
    config: TlsConfig,
    /// Name for SNI and verification; `None`: the host given to connect.
    server_name: Option<String>,
    /// The current (or last) connection's session, kept for its error detail.
    stream: Option<TlsStream>,
}

/// The connection the client reads and writes.
pub struct Wire<N> {
    net: N,
    #[cfg(feature = "tls")]
    secure: Option<Box<Secure>>,
}

fn io_error(status: IoStatus, failed: Error) -> Result<Option<usize>, Error> {
    match status {
        IoStatus::WouldBlock => Ok(None),
        IoStatus::Closed => Err(Error::Closed),
        IoStatus::Failed => Err(failed),
    }
}

#[cfg(feature = "tls")]
fn tls_error(e: TlsError, failed: Error) -> Result<Option<usize>, Error> {
    match e {
        TlsError::Io(status) => io_error(status, failed),
        TlsError::UnexpectedEof => Err(Error::Closed),
        e => Err(Error::Tls(e)),
    }
}

impl<N: Network> Wire<N> {
    /// A plain connection over `net`.
    pub fn new(net: N) -> Self {
        Wire {
            net,
            #[cfg(feature = "tls")]
            secure: None,
        }
    }

    /// True when connections run through TLS.
    pub fn uses_tls(&self) -> bool {
        #[cfg(feature = "tls")]
        return self.secure.is_some();
        #[cfg(not(feature = "tls"))]
        false
    }

    /// Reads the application's clock.
    pub fn now(&mut self) -> u32 {
        self.net.now()
    }

    /// Runs every following connection through TLS with `config`.
    #[cfg(feature = "tls")]
    pub fn use_tls(&mut self, config: TlsConfig, server_name: Option<String>) {
        self.secure = Some(Box::new(Secure { config, server_name, stream: None }));
    }

    /// The TLS session of the current or last connection.
    #[cfg(feature = "tls")]
    pub fn tls_stream(&self) -> Option<&TlsStream> {
        self.secure.as_ref()?.stream.as_ref()
    }

    /// Opens the network connection (`Ok(false)`: still in progress) and starts TLS.
    pub fn open(&mut self, host: N::Host, port: u16, timeout_ms: u32) -> Result<bool, Error> {
        match self.net.open(host, port, timeout_ms) {
            Ok(()) => {}
            Err(ConnectFailure::Io(IoStatus::WouldBlock)) => return Ok(false),
            Err(ConnectFailure::HostNotFound) => return Err(Error::HostNotFound),
            Err(ConnectFailure::Refused) => return Err(Error::Refused),
            Err(ConnectFailure::Io(_)) => return Err(Error::ConnectFailed),
        }
        #[cfg(feature = "tls")]
        if let Some(secure) = self.secure.as_mut() {
            let name = match &secure.server_name {
                Some(name) => name.as_str(),
                None => N::host_name(&host).ok_or(Error::Tls(TlsError::InvalidServerName))?,
            };
            secure.stream = None;
            secure.stream = Some(TlsStream::new(&secure.config, name).map_err(Error::Tls)?);
        }
        Ok(true)
    }

    /// Advances the TLS handshake; `Ok(true)` once done (at once without TLS).
    pub fn handshake(&mut self, timeout_ms: u32) -> Result<bool, Error> {
        #[cfg(feature = "tls")]
        if let Some(stream) = self.secure.as_mut().and_then(|s| s.stream.as_mut()) {
            return match stream.handshake(&mut self.net, timeout_ms) {
                Ok(()) => Ok(true),
                Err(e) => tls_error(e, Error::ReadFailed).map(|_| false),
            };
        }
        let _ = timeout_ms;
        Ok(true)
    }

    /// Reads into `buf`; `Ok(None)` when nothing arrived within the timeout.
    ///
    /// Inlined on hosted targets, where every poll calls it (bare metal: smaller without).
    #[cfg_attr(not(target_os = "none"), inline)]
    pub fn read(&mut self, buf: &mut [u8], timeout_ms: u32) -> Result<Option<usize>, Error> {
        #[cfg(feature = "tls")]
        if let Some(stream) = self.secure.as_mut().and_then(|s| s.stream.as_mut()) {
            return stream.read(&mut self.net, buf, timeout_ms).map(Some).or_else(|e| tls_error(e, Error::ReadFailed));
        }
        self.net.read(buf, timeout_ms).map(Some).or_else(|s| io_error(s, Error::ReadFailed))
    }

    /// Writes from `buf`; `Ok(None)` when the network took nothing within the timeout.
    #[inline]
    pub fn write(&mut self, buf: &[u8], timeout_ms: u32) -> Result<Option<usize>, Error> {
        #[cfg(feature = "tls")]
        if let Some(stream) = self.secure.as_mut().and_then(|s| s.stream.as_mut()) {
            return stream.write(&mut self.net, buf, timeout_ms).map(Some).or_else(|e| tls_error(e, Error::WriteFailed));
        }
        self.net.write(buf, timeout_ms).map(Some).or_else(|s| io_error(s, Error::WriteFailed))
    }

    /// Sends bytes the TLS session still holds; true when none is left.
    pub fn flush(&mut self, timeout_ms: u32) -> Result<bool, Error> {
        #[cfg(feature = "tls")]
        if let Some(stream) = self.secure.as_mut().and_then(|s| s.stream.as_mut()) {
            if stream.has_pending_output() {
                return match stream.flush(&mut self.net, timeout_ms) {
                    Ok(()) => Ok(true),
                    Err(e) => tls_error(e, Error::WriteFailed).map(|_| false),
                };
            }
        }
        let _ = timeout_ms;
        Ok(true)
    }

    /// True when the TLS session holds bytes not yet written.
    pub fn has_pending_output(&self) -> bool {
        #[cfg(feature = "tls")]
        if let Some(stream) = self.secure.as_ref().and_then(|s| s.stream.as_ref()) {
            return stream.has_pending_output();
        }
        false
    }

    /// Closes the connection; `graceful` first sends TLS close_notify (without waiting).
    pub fn close(&mut self, graceful: bool) {
        #[cfg(feature = "tls")]
        if let Some(stream) = self.secure.as_mut().and_then(|s| s.stream.as_mut()) {
            if graceful {
                let _ = stream.close(&mut self.net, 0);
            }
        }
        let _ = graceful;
        self.net.close();
    }
}
