//! Test-side network callbacks over std TCP, and a small wrapper that owns everything a
//! client needs, so tests drive the real C API exactly as a C program would.

#![allow(dead_code)]

use mqtt_rs::ffi::client::*;
use mqtt_rs::ffi::net::{NetCallbacks, IO_CLOSED, IO_ERROR, IO_WOULD_BLOCK};
use mqtt_rs::ffi::result::mqtt_rs_result;
use mqtt_rs::ffi::types::*;
use std::ffi::{c_char, c_void, CStr, CString};
use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// Test code run inside `on_message`.
pub type MessageHook = Box<dyn FnMut(&mqtt_rs_message)>;
/// Test code run inside `on_event`.
pub type EventHook = Box<dyn FnMut(&mqtt_rs_event)>;

/// The connection a client's callbacks use, plus counters the tests inspect.
#[derive(Default)]
pub struct TcpNet {
    pub stream: Option<TcpStream>,
    pub writes: usize,
    pub reads: usize,
    pub connects: usize,
    /// Bytes read and written over all connections.
    pub bytes_in: usize,
    pub bytes_out: usize,
    /// Every write answers "would block" (after waiting its timeout, at most 20 ms), as on
    /// a socket whose send buffer the peer never drains.
    pub stall_writes: bool,
}

fn ctx(p: *mut c_void) -> &'static mut TcpNet {
    // SAFETY: tests pass a pointer to a live TcpNet as ctx.
    unsafe { &mut *p.cast::<TcpNet>() }
}

/// Applies a callback's timeout to a std socket (0 = non-blocking).
pub fn set_timeout(s: &TcpStream, timeout_ms: u32) {
    if timeout_ms == 0 {
        s.set_nonblocking(true).ok();
    } else {
        s.set_nonblocking(false).ok();
        s.set_read_timeout(Some(Duration::from_millis(timeout_ms.into()))).ok();
        s.set_write_timeout(Some(Duration::from_millis(timeout_ms.into()))).ok();
    }
}

unsafe extern "C" fn tcp_connect(c: *mut c_void, host: *const c_char, port: u16, _timeout_ms: u32) -> i32 {
    let host = CStr::from_ptr(host).to_str().unwrap_or("");
    let net = ctx(c);
    net.connects += 1;
    match TcpStream::connect((host, port)) {
        Ok(s) => {
            s.set_nodelay(true).ok();
            net.stream = Some(s);
            0
        }
        Err(_) => IO_ERROR,
    }
}

/// Maps a std I/O outcome to a callback return value.
pub fn io_result(r: std::io::Result<usize>) -> i32 {
    match r {
        Ok(0) => IO_CLOSED,
        Ok(n) => n as i32,
        Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => IO_WOULD_BLOCK,
        Err(e) if matches!(e.kind(), ErrorKind::ConnectionReset | ErrorKind::BrokenPipe) => IO_CLOSED,
        Err(_) => IO_ERROR,
    }
}

unsafe extern "C" fn tcp_read(c: *mut c_void, buf: *mut u8, len: usize, timeout_ms: u32) -> i32 {
    let net = ctx(c);
    net.reads += 1;
    let Some(s) = net.stream.as_mut() else { return IO_ERROR };
    set_timeout(s, timeout_ms);
    let rc = io_result(s.read(std::slice::from_raw_parts_mut(buf, len)));
    net.bytes_in += rc.max(0) as usize;
    rc
}

unsafe extern "C" fn tcp_write(c: *mut c_void, buf: *const u8, len: usize, timeout_ms: u32) -> i32 {
    let net = ctx(c);
    net.writes += 1;
    if net.stall_writes {
        std::thread::sleep(Duration::from_millis(timeout_ms.min(20).into()));
        return IO_WOULD_BLOCK;
    }
    let Some(s) = net.stream.as_mut() else { return IO_ERROR };
    set_timeout(s, timeout_ms);
    let rc = io_result(s.write(std::slice::from_raw_parts(buf, len)));
    net.bytes_out += rc.max(0) as usize;
    rc
}

unsafe extern "C" fn tcp_close(c: *mut c_void) {
    if let Some(s) = ctx(c).stream.take() {
        s.shutdown(std::net::Shutdown::Both).ok();
    }
}

/// The tests' monotonic millisecond clock callback.
pub unsafe extern "C" fn clock_ms(_: *mut c_void) -> u32 {
    static START: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    START.get_or_init(Instant::now).elapsed().as_millis() as u32
}

/// The TCP callbacks over `net` (which must outlive every use of them).
pub fn tcp_callbacks(net: &mut TcpNet) -> NetCallbacks {
    NetCallbacks {
        ctx: (net as *mut TcpNet).cast(),
        connect: Some(tcp_connect),
        read: Some(tcp_read),
        write: Some(tcp_write),
        close: Some(tcp_close),
        now_ms: Some(clock_ms),
    }
}

/// A message as the tests see it (chunks joined).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Received {
    pub topic: String,
    pub payload: Vec<u8>,
    pub qos: u8,
    pub retain: bool,
    pub chunks: usize,
}

/// Everything a test observed through the callbacks.
#[derive(Default)]
pub struct Observed {
    pub messages: Vec<Received>,
    partial: Option<Received>,
    pub events: Vec<(mqtt_rs_event_kind, mqtt_rs_result, u16, Vec<u8>)>,
    /// Runs inside `on_message`, before the message is recorded (e.g. to call back in).
    pub message_hook: Option<MessageHook>,
    /// Runs inside `on_event`, before the event is recorded.
    pub event_hook: Option<EventHook>,
}

unsafe extern "C" fn on_message(user: *mut c_void, m: *const mqtt_rs_message) {
    let obs = &mut *user.cast::<Observed>();
    let m = &*m;
    if let Some(hook) = obs.message_hook.as_mut() {
        hook(m);
    }
    let topic = String::from_utf8_lossy(std::slice::from_raw_parts(m.topic.cast::<u8>(), m.topic_len)).into_owned();
    let chunk = if m.payload_len == 0 { &[][..] } else { std::slice::from_raw_parts(m.payload, m.payload_len) };
    let entry = obs.partial.get_or_insert_with(|| Received { topic, payload: Vec::new(), qos: m.qos, retain: m.retain, chunks: 0 });
    assert_eq!(entry.payload.len(), m.offset, "chunks arrive in order");
    entry.payload.extend_from_slice(chunk);
    entry.chunks += 1;
    if m.offset + m.payload_len == m.total_len {
        let done = obs.partial.take().unwrap();
        obs.messages.push(done);
    }
}

unsafe extern "C" fn on_event(user: *mut c_void, e: *const mqtt_rs_event) {
    let obs = &mut *user.cast::<Observed>();
    let e = &*e;
    if let Some(hook) = obs.event_hook.as_mut() {
        hook(e);
    }
    let granted = if e.granted_qos.is_null() { Vec::new() } else { std::slice::from_raw_parts(e.granted_qos, e.granted_count).to_vec() };
    obs.events.push((e.kind, e.result, e.packet_id, granted));
}

/// A client with its own storage, buffers, slots and TCP callbacks.
pub struct TestClient {
    pub client: Box<mqtt_rs_client>,
    pub net: Box<TcpNet>,
    pub observed: Box<Observed>,
    _tx: Vec<u8>,
    _rx: Vec<u8>,
    _slots: Vec<mqtt_rs_inflight_slot>,
    strings: Vec<CString>,
}

impl Drop for TestClient {
    fn drop(&mut self) {
        // Frees TLS state and closes the connection, as a C program should at exit.
        unsafe { mqtt_rs_client_deinit(&mut *self.client) };
    }
}

impl TestClient {
    /// A client with `tx`/`rx` byte buffers and `slots` in-flight slots.
    pub fn new(tx: usize, rx: usize, slots: usize) -> Self {
        let mut net = Box::<TcpNet>::default();
        let mut observed = Box::<Observed>::default();
        let mut tx_buf = vec![0u8; tx];
        let mut rx_buf = vec![0u8; rx];
        let mut slot_buf: Vec<mqtt_rs_inflight_slot> =
            (0..slots).map(|_| mqtt_rs_inflight_slot { opaque: [0; MQTT_RS_INFLIGHT_SLOT_WORDS] }).collect();
        let mut client = Box::new(mqtt_rs_client { opaque: [0; MQTT_RS_CLIENT_SIZE / 8] });
        let config = mqtt_rs_client_config {
            net: tcp_callbacks(&mut net),
            tx_buf: tx_buf.as_mut_ptr(),
            tx_len: tx,
            rx_buf: rx_buf.as_mut_ptr(),
            rx_len: rx,
            slots: slot_buf.as_mut_ptr(),
            slot_count: slots,
            on_message: Some(on_message),
            on_event: Some(on_event),
            userdata: (&mut *observed as *mut Observed).cast(),
            lock: None,
        };
        let rc = unsafe { mqtt_rs_client_init(&mut *client, &config) };
        assert_eq!(rc, mqtt_rs_result::MQTT_RS_OK);
        TestClient { client, net, observed, _tx: tx_buf, _rx: rx_buf, _slots: slot_buf, strings: Vec::new() }
    }

    /// Keeps a C string alive as long as the client.
    pub fn cstr(&mut self, s: &str) -> *const c_char {
        self.strings.push(CString::new(s).unwrap());
        self.strings.last().unwrap().as_ptr()
    }

    /// Default options for `port` with this client id.
    pub fn options(&mut self, port: u16, id: &str) -> mqtt_rs_connect_options {
        let mut o: mqtt_rs_connect_options = unsafe { std::mem::zeroed() };
        unsafe { mqtt_rs_connect_options_init(&mut o) };
        o.host = self.cstr("127.0.0.1");
        o.port = port;
        o.client_id = self.cstr(id);
        o
    }

    pub fn connect(&mut self, o: &mqtt_rs_connect_options) -> mqtt_rs_result {
        self.connect_timeout(o, 5000)
    }

    pub fn connect_timeout(&mut self, o: &mqtt_rs_connect_options, timeout_ms: u32) -> mqtt_rs_result {
        let mut present = false;
        unsafe { mqtt_rs_client_connect(&mut *self.client, o, timeout_ms, &mut present) }
    }

    pub fn is_connected(&self) -> bool {
        unsafe { mqtt_rs_client_is_connected(&*self.client) }
    }

    pub fn subscribe(&mut self, filter: &str, qos: u8) -> mqtt_rs_result {
        let sub = mqtt_rs_subscription { filter: self.cstr(filter), qos };
        let mut granted = [0u8; 1];
        unsafe { mqtt_rs_client_subscribe(&mut *self.client, &sub, 1, granted.as_mut_ptr(), 5000) }
    }

    /// Publishes; the topic and payload are leaked so they outlive any resend.
    pub fn publish(&mut self, topic: &str, payload: &[u8], qos: u8, retain: bool) -> mqtt_rs_result {
        let topic = self.cstr(topic);
        let payload: &'static [u8] = Box::leak(payload.to_vec().into_boxed_slice());
        unsafe { mqtt_rs_client_publish(&mut *self.client, topic, payload.as_ptr(), payload.len(), qos, retain, 5000) }
    }

    pub fn wait(&mut self, ms: u32) -> mqtt_rs_result {
        unsafe { mqtt_rs_client_wait(&mut *self.client, ms) }
    }

    /// Waits until `n` messages arrived or `ms` passed.
    pub fn wait_messages(&mut self, n: usize, ms: u64) -> &[Received] {
        let end = Instant::now() + Duration::from_millis(ms);
        while self.observed.messages.len() < n && Instant::now() < end {
            let rc = self.wait(50);
            assert_eq!(rc, mqtt_rs_result::MQTT_RS_OK, "connection failed while waiting");
        }
        &self.observed.messages
    }

    pub fn disconnect(&mut self) -> mqtt_rs_result {
        unsafe { mqtt_rs_client_disconnect(&mut *self.client, 2000) }
    }

    pub fn raw(&mut self) -> *mut mqtt_rs_client {
        &mut *self.client
    }
}
