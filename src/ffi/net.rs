//! The application's network and clock callbacks (the C struct `mqtt_rs_net`), as the
//! transport's [`Network`].

use crate::transport::network::{ConnectFailure, Network};
use crate::transport::stream::{ByteStream, IoStatus};
use core::ffi::{c_char, c_void, CStr};

/// A callback returns this when it could not make progress within its timeout.
pub const IO_WOULD_BLOCK: i32 = -1;
/// A callback returns this when the peer closed the connection.
pub const IO_CLOSED: i32 = -2;
/// A callback returns this for any other failure.
pub const IO_ERROR: i32 = -3;
/// The connect callback returns this when the host name did not resolve.
pub const IO_HOST_NOT_FOUND: i32 = -4;
/// The connect callback returns this when the host refused the connection.
pub const IO_REFUSED: i32 = -5;

/// Network and clock callbacks supplied by the application (BSD sockets, lwIP, a modem…).
///
/// Every callback gets `ctx` first. A `timeout_ms` of 0 means "do not block".
/// I/O callbacks return a positive byte count, or `MQTT_RS_IO_WOULD_BLOCK`,
/// `MQTT_RS_IO_CLOSED` or `MQTT_RS_IO_ERROR`; a return of 0 counts as would-block.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct NetCallbacks {
    /// Passed back to every callback.
    pub ctx: *mut c_void,
    /// Opens the connection to `host` (NUL-terminated) and `port`. Returns 0 when
    /// connected, `MQTT_RS_IO_WOULD_BLOCK` while in progress (it is called again with
    /// the same arguments), `MQTT_RS_IO_HOST_NOT_FOUND` when the name did not resolve,
    /// `MQTT_RS_IO_REFUSED` when nothing listens there, another negative value on failure.
    pub connect: Option<unsafe extern "C" fn(ctx: *mut c_void, host: *const c_char, port: u16, timeout_ms: u32) -> i32>,
    /// Reads up to `len` bytes into `buf`, waiting at most `timeout_ms` for the first byte.
    pub read: Option<unsafe extern "C" fn(ctx: *mut c_void, buf: *mut u8, len: usize, timeout_ms: u32) -> i32>,
    /// Writes up to `len` bytes from `buf`, waiting at most `timeout_ms`; partial writes are fine.
    pub write: Option<unsafe extern "C" fn(ctx: *mut c_void, buf: *const u8, len: usize, timeout_ms: u32) -> i32>,
    /// Closes the connection; called also when no connection is open.
    pub close: Option<unsafe extern "C" fn(ctx: *mut c_void)>,
    /// Monotonic time in milliseconds; wrapping around is fine.
    pub now_ms: Option<unsafe extern "C" fn(ctx: *mut c_void) -> u32>,
}

impl NetCallbacks {
    /// True when every callback is set.
    pub fn is_complete(&self) -> bool {
        self.connect.is_some() && self.read.is_some() && self.write.is_some() && self.close.is_some() && self.now_ms.is_some()
    }

    /// The callbacks as the client calls them: init checks them with
    /// [`is_complete`](Self::is_complete) and reads them when it writes the client, not
    /// as an `Option<Net>` of the check's values, which held them in registers across the
    /// other checks (Cortex-M4: 22 B more).
    ///
    /// # Safety
    /// Every callback is set.
    pub(super) unsafe fn complete(&self) -> Net {
        // SAFETY: every callback is set (this function's contract).
        unsafe {
            Net {
                ctx: self.ctx,
                connect: self.connect.unwrap_unchecked(),
                read: self.read.unwrap_unchecked(),
                write: self.write.unwrap_unchecked(),
                close: self.close.unwrap_unchecked(),
                now_ms: self.now_ms.unwrap_unchecked(),
            }
        }
    }
}

/// [`NetCallbacks`] once init has found every callback set: the client calls them without
/// checking each time (the clock is read several times per call).
#[derive(Clone, Copy)]
pub struct Net {
    ctx: *mut c_void,
    connect: unsafe extern "C" fn(ctx: *mut c_void, host: *const c_char, port: u16, timeout_ms: u32) -> i32,
    read: unsafe extern "C" fn(ctx: *mut c_void, buf: *mut u8, len: usize, timeout_ms: u32) -> i32,
    write: unsafe extern "C" fn(ctx: *mut c_void, buf: *const u8, len: usize, timeout_ms: u32) -> i32,
    close: unsafe extern "C" fn(ctx: *mut c_void),
    now_ms: unsafe extern "C" fn(ctx: *mut c_void) -> u32,
}

/// The host name given to `mqtt_rs_client_connect` or `_begin_connect`, kept as the C
/// pointer it is (a thin pointer keeps the client within its storage): checked to be a
/// NUL-terminated string, valid until the connect outcome (the functions' contract).
#[derive(Clone, Copy)]
pub struct CHost(*const c_char);

impl CHost {
    /// The host name of a connect call.
    pub(super) fn new(host: &CStr) -> Self {
        CHost(host.as_ptr())
    }
}

impl Network for Net {
    type Host = CHost;

    fn open(&mut self, host: CHost, port: u16, timeout_ms: u32) -> Result<(), ConnectFailure> {
        let f = self.connect;
        // SAFETY: the application registered this callback for this context; `host` is
        // NUL-terminated and valid until the connect outcome (`CHost`).
        match unsafe { f(self.ctx, host.0, port, timeout_ms) } {
            0 => Ok(()),
            IO_HOST_NOT_FOUND => Err(ConnectFailure::HostNotFound),
            IO_REFUSED => Err(ConnectFailure::Refused),
            rc => Err(ConnectFailure::Io(status(rc))),
        }
    }

    fn host_name(host: &CHost) -> Option<&str> {
        // SAFETY: a NUL-terminated string, valid until the connect outcome (`CHost`), which
        // is later than every use of the name while connecting.
        unsafe { CStr::from_ptr(host.0) }.to_str().ok()
    }

    fn close(&mut self) {
        // SAFETY: the application registered this callback for this context.
        unsafe { (self.close)(self.ctx) }
    }

    fn now(&mut self) -> u32 {
        // SAFETY: the application registered this callback for this context.
        unsafe { (self.now_ms)(self.ctx) }
    }
}

fn status(rc: i32) -> IoStatus {
    match rc {
        IO_WOULD_BLOCK | 0 => IoStatus::WouldBlock,
        IO_CLOSED => IoStatus::Closed,
        _ => IoStatus::Failed,
    }
}

/// Turns a callback's return value into a byte count no larger than `len`.
fn progress(rc: i32, len: usize) -> Result<usize, IoStatus> {
    match rc {
        IO_WOULD_BLOCK | 0 => Err(IoStatus::WouldBlock),
        1.. if rc as usize <= len => Ok(rc as usize),
        IO_CLOSED => Err(IoStatus::Closed),
        _ => Err(IoStatus::Failed),
    }
}

impl ByteStream for Net {
    fn read(&mut self, buf: &mut [u8], timeout_ms: u32) -> Result<usize, IoStatus> {
        let f = self.read;
        let len = buf.len().min(i32::MAX as usize);
        // SAFETY: the application registered this callback for this context; `buf` is valid
        // for `len` bytes; the callback writes at most that many.
        progress(unsafe { f(self.ctx, buf.as_mut_ptr(), len, timeout_ms) }, len)
    }

    fn write(&mut self, buf: &[u8], timeout_ms: u32) -> Result<usize, IoStatus> {
        let f = self.write;
        let len = buf.len().min(i32::MAX as usize);
        // SAFETY: the application registered this callback for this context; `buf` is valid
        // for `len` bytes.
        progress(unsafe { f(self.ctx, buf.as_ptr(), len, timeout_ms) }, len)
    }
}
