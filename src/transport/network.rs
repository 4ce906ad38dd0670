//! What the transport needs from the application's network and clock: a byte stream that
//! can also open and close its connection and read a monotonic clock. The C callbacks
//! implement it in `ffi`; tests may implement it directly.

use super::stream::{ByteStream, IoStatus};

/// Why opening the connection did not succeed.
pub enum ConnectFailure {
    /// The host name did not resolve.
    HostNotFound,
    /// Nothing listens on the host and port.
    Refused,
    /// Still in progress (`WouldBlock`) or another failure.
    Io(IoStatus),
}

/// The network and clock a client runs over.
pub trait Network: ByteStream {
    /// The name of the host to connect to, as this network takes it; the client keeps it
    /// from `begin_connect` until the connection is open.
    type Host: Copy;
    /// Opens the connection to `host` and `port`; `Io(WouldBlock)` while in progress (it
    /// is called again with the same arguments).
    fn open(&mut self, host: Self::Host, port: u16, timeout_ms: u32) -> Result<(), ConnectFailure>;
    /// `host` as text (the TLS server name when none is set); `None` if it is not UTF-8.
    fn host_name(host: &Self::Host) -> Option<&str>;
    /// Closes the connection; called also when none is open.
    fn close(&mut self);
    /// Monotonic time in milliseconds; wrapping around is fine.
    fn now(&mut self) -> u32;
}
