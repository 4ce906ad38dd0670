//! What the transport needs from the application's network and clock: a byte stream that
//! can also open and close its connection and read a monotonic clock. The C callbacks
//! implement it in `ffi`; tests may implement it directly.

use super::stream::{ByteStream, IoStatus};
use core::ffi::CStr;

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
    /// Opens the connection to `host` and `port`; `Io(WouldBlock)` while in progress (it
    /// is called again with the same arguments).
    fn open(&mut self, host: &CStr, port: u16, timeout_ms: u32) -> Result<(), ConnectFailure>;
    /// Closes the connection; called also when none is open.
    fn close(&mut self);
    /// Monotonic time in milliseconds; wrapping around is fine.
    fn now(&mut self) -> u32;
}
