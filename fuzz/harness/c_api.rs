//! The C API fuzz harness: random sequences of `mqtt_rs_*` calls with random arguments
//! (NULL pointers, bad strings, QoS 3, zero counts, tiny buffers, missing callbacks...)
//! over an in-memory network that serves an arbitrary broker byte stream and can refuse
//! to connect, stall, close or fail.
//!
//! Input: two bytes giving the length of the call script, the script, then the broker
//! stream. Checked: no panic, no memory error (run under AddressSanitizer), every byte
//! written forms valid client packets, results are what the header promises for the
//! argument errors that need no network.
//!
//! When the script asks for it at init, `on_message`, `on_event` and the read callback
//! call back into the client (the callback rule of the header): calls that drive I/O
//! must be refused with `MQTT_RS_CALLED_FROM_CALLBACK`; queueing calls must not be from
//! `on_message`/`on_event` and must be from the read callback (queries there give their
//! NULL value); the message being delivered must read the same after the calls.

use super::checker::OutputChecker;
use mqtt_rs::ffi::client::*;
use mqtt_rs::ffi::net::{NetCallbacks, IO_CLOSED, IO_ERROR, IO_WOULD_BLOCK};
use mqtt_rs::ffi::result::{mqtt_rs_result, mqtt_rs_result_str};
use mqtt_rs::ffi::types::*;
use std::ffi::{c_char, c_void, CStr};
use std::ptr::{null, null_mut};

use mqtt_rs_result::*;

/// The in-memory network behind the callbacks.
struct FakeNet<'a> {
    stream: &'a [u8],
    pos: usize,
    clock: u32,
    open: bool,
    /// 0: connect works; 1: in progress once, then works; 2: fails.
    connect_mode: u8,
    connect_pending: bool,
    /// Largest read and write the network does at once.
    max_io: usize,
    /// Once the stream is used up: 0 would-block, 1 closed, 2 error.
    eof_mode: u8,
    /// Writes return would-block.
    write_blocked: bool,
    out: OutputChecker,
    /// The client, for callbacks that call back into it.
    client: *mut mqtt_rs_client,
    /// Callbacks call back into the client.
    reenter: bool,
    /// Picks the next call a callback makes.
    reentries: u32,
}

unsafe fn net<'n>(ctx: *mut c_void) -> &'n mut FakeNet<'n> {
    &mut *ctx.cast::<FakeNet<'n>>()
}

unsafe extern "C" fn fake_connect(ctx: *mut c_void, host: *const c_char, _port: u16, _timeout_ms: u32) -> i32 {
    let n = net(ctx);
    assert!(!host.is_null(), "connect callback got a NULL host");
    let _ = CStr::from_ptr(host);
    match n.connect_mode {
        1 if !n.connect_pending => {
            n.connect_pending = true;
            IO_WOULD_BLOCK
        }
        0 | 1 => {
            n.connect_pending = false;
            n.open = true;
            n.out.reset();
            0
        }
        _ => IO_ERROR,
    }
}

unsafe extern "C" fn fake_read(ctx: *mut c_void, buf: *mut u8, len: usize, _timeout_ms: u32) -> i32 {
    reenter(ctx, true);
    let n = net(ctx);
    assert!(n.open, "read on a closed connection");
    assert!(len > 0 && !buf.is_null());
    let left = n.stream.len() - n.pos;
    if left == 0 {
        return match n.eof_mode {
            0 => IO_WOULD_BLOCK,
            1 => IO_CLOSED,
            _ => IO_ERROR,
        };
    }
    let k = left.min(len).min(n.max_io);
    std::ptr::copy_nonoverlapping(n.stream.as_ptr().add(n.pos), buf, k);
    n.pos += k;
    k as i32
}

unsafe extern "C" fn fake_write(ctx: *mut c_void, buf: *const u8, len: usize, _timeout_ms: u32) -> i32 {
    let n = net(ctx);
    assert!(n.open, "write on a closed connection");
    assert!(len > 0 && !buf.is_null());
    if n.write_blocked {
        return IO_WOULD_BLOCK;
    }
    let k = len.min(n.max_io);
    n.out.feed(std::slice::from_raw_parts(buf, k));
    k as i32
}

unsafe extern "C" fn fake_close(ctx: *mut c_void) {
    let n = net(ctx);
    n.open = false;
    n.connect_pending = false;
    n.out.reset();
}

unsafe extern "C" fn fake_now(ctx: *mut c_void) -> u32 {
    let n = net(ctx);
    n.clock = n.clock.wrapping_add(5);
    n.clock
}

/// From inside a callback (a network callback when `from_network`): one call on the
/// client, checked against the callback rule.
unsafe fn reenter(ctx: *mut c_void, from_network: bool) {
    let (c, seq) = {
        let n = net(ctx);
        if !n.reenter {
            return;
        }
        n.reentries = n.reentries.wrapping_add(1);
        (n.client, n.reentries)
    };
    let topic = c"re/enter".as_ptr();
    let sub = mqtt_rs_subscription { filter: topic, qos: 1 };
    let mut o: mqtt_rs_connect_options = std::mem::zeroed();
    mqtt_rs_connect_options_init(&mut o);
    o.host = c"broker".as_ptr();
    let mut id = 0u16;
    let refused = |rc: mqtt_rs_result, what: &str| assert_eq!(rc, MQTT_RS_CALLED_FROM_CALLBACK, "{what} from a callback");
    // Queueing: allowed from on_message/on_event, refused from network callbacks.
    let queued = |rc: mqtt_rs_result, what: &str| {
        assert_eq!(rc == MQTT_RS_CALLED_FROM_CALLBACK, from_network, "{what} from a callback (network: {from_network}): {rc:?}")
    };
    match seq % 14 {
        0 => refused(mqtt_rs_client_publish(c, topic, PAYLOAD.as_ptr(), 4, 1, false, 50), "publish"),
        1 => refused(mqtt_rs_client_wait(c, 10), "wait"),
        2 => refused(mqtt_rs_client_poll(c, null_mut()), "poll"),
        3 => refused(mqtt_rs_client_connect(c, &o, 10, null_mut()), "connect"),
        4 => refused(mqtt_rs_client_begin_connect(c, &o), "begin_connect"),
        5 => refused(mqtt_rs_client_subscribe(c, &sub, 1, null_mut(), 10), "subscribe"),
        6 => refused(mqtt_rs_client_unsubscribe(c, &topic, 1, 10), "unsubscribe"),
        7 => refused(mqtt_rs_client_disconnect(c, 10), "disconnect"),
        8 => refused(mqtt_rs_client_begin_disconnect(c), "begin_disconnect"),
        9 => mqtt_rs_client_deinit(c), // must do nothing
        10 => {
            queued(mqtt_rs_client_begin_publish(c, topic, PAYLOAD.as_ptr(), usize::from(seq as u8), (seq % 3) as u8, false, &mut id), "begin_publish")
        }
        11 => queued(mqtt_rs_client_begin_subscribe(c, &sub, 1, &mut id), "begin_subscribe"),
        12 => queued(mqtt_rs_client_begin_unsubscribe(c, &topic, 1, &mut id), "begin_unsubscribe"),
        _ => {
            let answers = (mqtt_rs_client_is_connected(c), mqtt_rs_client_wants_write(c), mqtt_rs_client_inflight_count(c));
            if from_network {
                assert_eq!(answers, (false, false, 0), "queries from a network callback give their NULL values");
            }
        }
    }
}

unsafe extern "C" fn on_message(ctx: *mut c_void, m: *const mqtt_rs_message) {
    let m = &*m;
    let view = |m: &mqtt_rs_message| if m.payload_len == 0 { Vec::new() } else { std::slice::from_raw_parts(m.payload, m.payload_len).to_vec() };
    let before = view(m);
    reenter(ctx, false);
    assert_eq!(view(m), before, "the message being delivered changed during a call from its callback");
}

unsafe extern "C" fn on_event(ctx: *mut c_void, _e: *const mqtt_rs_event) {
    reenter(ctx, false);
}

/// Reads the call script; zeros once it is used up.
struct Script<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Script<'_> {
    fn done(&self) -> bool {
        self.pos >= self.bytes.len()
    }
    fn u8(&mut self) -> u8 {
        let b = self.bytes.get(self.pos).copied().unwrap_or(0);
        self.pos += 1;
        b
    }
    fn u16(&mut self) -> u16 {
        u16::from_le_bytes([self.u8(), self.u8()])
    }
    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[usize::from(self.u8()) % items.len()]
    }
}

const TOPICS: [*const c_char; 7] =
    [c"a/b".as_ptr(), c"t".as_ptr(), c"".as_ptr(), c"a/+".as_ptr(), c"#".as_ptr(), b"\xff\xfe\0".as_ptr().cast(), null()];
const FILTERS: [*const c_char; 7] =
    [c"a/#".as_ptr(), c"+/b".as_ptr(), c"t".as_ptr(), c"a/#/b".as_ptr(), c"a+".as_ptr(), c"".as_ptr(), b"\xc3\0".as_ptr().cast()];
const IDS: [*const c_char; 4] = [c"fuzz".as_ptr(), c"".as_ptr(), b"\xe2\x82\0".as_ptr().cast(), null()];
static PAYLOAD: [u8; 3000] = {
    let mut p = [0u8; 3000];
    let mut i = 0;
    while i < p.len() {
        p[i] = (i % 253) as u8;
        i += 1;
    }
    p
};

/// Runs one input.
pub fn run(data: &[u8]) {
    if data.len() < 2 {
        return;
    }
    let script_len = usize::from(u16::from_le_bytes([data[0], data[1]])).min(data.len() - 2);
    let (script, stream) = data[2..].split_at(script_len);
    let mut s = Script { bytes: script, pos: 0 };

    let mut fake = Box::new(FakeNet {
        stream,
        pos: 0,
        clock: 0,
        open: false,
        connect_mode: 0,
        connect_pending: false,
        max_io: 4096,
        eof_mode: 0,
        write_blocked: false,
        out: OutputChecker::default(),
        client: null_mut(),
        reenter: false,
        reentries: 0,
    });
    let mut client = Box::new(mqtt_rs_client { opaque: [0; MQTT_RS_CLIENT_SIZE / 8] });
    // Large enough for the biggest length a script can ask for (64 + 255 * 8).
    let mut tx = vec![0u8; 64 + 255 * 8];
    let mut rx = vec![0u8; 64 + 255 * 8];
    let mut slots: Vec<mqtt_rs_inflight_slot> = (0..8).map(|_| mqtt_rs_inflight_slot { opaque: [0; MQTT_RS_INFLIGHT_SLOT_WORDS] }).collect();
    let mut slot_count = 0usize;
    let mut initialised = false;
    let c: *mut mqtt_rs_client = &mut *client;
    fake.client = c;

    let mut calls = 0;
    // MQTT_RS_FUZZ_TRACE=1 prints the calls (to understand a crashing input).
    let trace = std::env::var_os("MQTT_RS_FUZZ_TRACE").is_some();
    while !s.done() && calls < 200 {
        calls += 1;
        let target = if s.u8() % 16 == 0 { null_mut() } else { c };
        let timeout = u32::from(s.u8()) * 2;
        let op = s.u8() % 17;
        if trace {
            eprintln!("call {calls}: op {op} target {} open {} clock {}", if target.is_null() { "NULL" } else { "client" }, fake.open, fake.clock);
        }
        match op {
            0 => {
                let mut cfg = mqtt_rs_client_config {
                    net: NetCallbacks {
                        ctx: (&mut *fake as *mut FakeNet).cast(),
                        connect: Some(fake_connect),
                        read: Some(fake_read),
                        write: Some(fake_write),
                        close: Some(fake_close),
                        now_ms: Some(fake_now),
                    },
                    tx_buf: tx.as_mut_ptr(),
                    tx_len: 64 + usize::from(s.u8()) * 8,
                    rx_buf: rx.as_mut_ptr(),
                    rx_len: 64 + usize::from(s.u8()) * 8,
                    slots: slots.as_mut_ptr(),
                    slot_count: 1 + usize::from(s.u8() % 8),
                    on_message: None,
                    on_event: None,
                    userdata: null_mut(),
                    lock: None,
                };
                let variant = s.u8();
                if variant % 3 == 0 {
                    cfg.on_message = Some(on_message);
                    cfg.on_event = Some(on_event);
                    cfg.userdata = cfg.net.ctx;
                }
                match variant % 10 {
                    0 => cfg.tx_buf = null_mut(),
                    1 => cfg.rx_len = usize::from(s.u8() % 64),
                    2 => cfg.slot_count = 0,
                    3 => cfg.net.read = None,
                    4 => cfg.slots = null_mut(),
                    _ => {}
                }
                let cfg_ptr: *const mqtt_rs_client_config = if variant == 255 { null() } else { &cfg };
                let rc = unsafe { mqtt_rs_client_init(target, cfg_ptr) };
                if trace {
                    eprintln!("  init -> {rc:?}");
                }
                if target.is_null() || cfg_ptr.is_null() {
                    assert_eq!(rc, MQTT_RS_NULL_ARGUMENT);
                }
                if rc == MQTT_RS_OK {
                    // Re-initialising a live client forgets its connection without closing
                    // it; the fake network forgets it too, as a real application would.
                    slot_count = cfg.slot_count;
                    initialised = true;
                    fake.reenter = variant % 3 == 0;
                    fake.open = false;
                    fake.connect_pending = false;
                    fake.out.reset();
                }
            }
            1 | 2 => {
                let mut o: mqtt_rs_connect_options = unsafe { std::mem::zeroed() };
                unsafe { mqtt_rs_connect_options_init(&mut o) };
                o.host = if s.u8() % 16 == 0 { null() } else { c"broker".as_ptr() };
                o.client_id = s.pick(&IDS);
                o.clean_session = s.u8() % 2 == 0;
                o.keepalive_s = u16::from(s.u8() % 4);
                o.max_inflight = u16::from(s.u8() % 10);
                let flags = s.u8();
                if flags & 1 != 0 {
                    o.username = s.pick(&IDS);
                }
                if flags & 2 != 0 {
                    o.password = PAYLOAD.as_ptr();
                    o.password_len = usize::from(s.u8());
                }
                // Without TLS a password is refused unless this opt-in is set: both paths.
                o.allow_plaintext_credentials = flags & 64 != 0;
                let will = mqtt_rs_will {
                    topic: s.pick(&TOPICS),
                    payload: if flags & 8 != 0 { null() } else { PAYLOAD.as_ptr() },
                    payload_len: usize::from(s.u8()),
                    qos: s.u8() % 4,
                    retain: flags & 16 != 0,
                };
                if flags & 4 != 0 {
                    o.will = &will;
                }
                let opt: *const mqtt_rs_connect_options = if flags == 255 { null() } else { &o };
                let mut present = false;
                let rc = unsafe {
                    if s.u8() % 2 == 0 {
                        mqtt_rs_client_connect(target, opt, timeout, if flags & 32 != 0 { null_mut() } else { &mut present })
                    } else {
                        mqtt_rs_client_begin_connect(target, opt)
                    }
                };
                if target.is_null() {
                    assert_eq!(rc, MQTT_RS_NULL_ARGUMENT);
                }
            }
            3 | 4 => {
                let topic = s.pick(&TOPICS);
                let len = usize::from(s.u16()) % (PAYLOAD.len() + 1);
                let payload = if s.u8() % 8 == 0 { null() } else { PAYLOAD.as_ptr() };
                let qos = s.u8() % 4;
                let retain = s.u8() % 2 == 0;
                let mut id = 0u16;
                let rc = unsafe {
                    if s.u8() % 2 == 0 {
                        mqtt_rs_client_publish(target, topic, payload, len, qos, retain, timeout)
                    } else {
                        mqtt_rs_client_begin_publish(target, topic, payload, len, qos, retain, &mut id)
                    }
                };
                if target.is_null() || (initialised && topic.is_null()) {
                    assert_eq!(rc, MQTT_RS_NULL_ARGUMENT);
                }
                if initialised && payload.is_null() && len > 0 {
                    assert!(matches!(rc, MQTT_RS_NULL_ARGUMENT | MQTT_RS_INVALID_ARGUMENT), "{rc:?}");
                }
            }
            5 | 6 => {
                let subs: Vec<mqtt_rs_subscription> = (0..3).map(|_| mqtt_rs_subscription { filter: s.pick(&FILTERS), qos: s.u8() % 4 }).collect();
                let count = usize::from(s.u8() % 4);
                let list = if s.u8() % 8 == 0 { null() } else { subs.as_ptr() };
                let mut granted = [0u8; 3];
                let mut id = 0u16;
                let rc = unsafe {
                    if s.u8() % 2 == 0 {
                        mqtt_rs_client_subscribe(target, list, count, granted.as_mut_ptr(), timeout)
                    } else {
                        mqtt_rs_client_begin_subscribe(target, list, count, &mut id)
                    }
                };
                if initialised && !target.is_null() && !list.is_null() && count == 0 {
                    assert_eq!(rc, MQTT_RS_INVALID_ARGUMENT);
                }
            }
            7 | 8 => {
                let filters: Vec<*const c_char> = (0..3).map(|_| s.pick(&FILTERS)).collect();
                let count = usize::from(s.u8() % 4);
                let list = if s.u8() % 8 == 0 { null() } else { filters.as_ptr() };
                let mut id = 0u16;
                unsafe {
                    if s.u8() % 2 == 0 {
                        mqtt_rs_client_unsubscribe(target, list, count, timeout);
                    } else {
                        mqtt_rs_client_begin_unsubscribe(target, list, count, &mut id);
                    }
                }
            }
            9 => unsafe {
                mqtt_rs_client_wait(target, timeout);
            },
            10 | 11 => {
                let mut sleep = 0u32;
                unsafe { mqtt_rs_client_poll(target, if s.u8() % 2 == 0 { null_mut() } else { &mut sleep }) };
            }
            12 => unsafe {
                if s.u8() % 2 == 0 {
                    mqtt_rs_client_disconnect(target, timeout);
                } else {
                    mqtt_rs_client_begin_disconnect(target);
                }
            },
            13 => unsafe {
                let _ = mqtt_rs_client_is_connected(target);
                let n = mqtt_rs_client_inflight_count(target);
                assert!(n <= slot_count.max(8));
            },
            14 => {
                let code = i32::from(s.u16() as i16);
                let text = mqtt_rs_result_str(code);
                assert!(!text.is_null());
                assert!(!unsafe { CStr::from_ptr(text) }.to_bytes().is_empty());
                unsafe { mqtt_rs_connect_options_init(null_mut()) };
            }
            15 => {
                fake.connect_mode = s.u8() % 3;
                fake.eof_mode = s.u8() % 3;
                fake.max_io = 1 + usize::from(s.u8());
                fake.write_blocked = s.u8() % 4 == 0;
            }
            _ => {
                // Let the clock jump (keepalive and CONNACK timeouts).
                fake.clock = fake.clock.wrapping_add(u32::from(s.u16()) * 16);
            }
        }
    }
    fake.write_blocked = false;
    let rc = unsafe { mqtt_rs_client_disconnect(c, 100) };
    if trace {
        eprintln!("final disconnect -> {rc:?}, open {}", fake.open);
    }
    assert!(!fake.open, "mqtt_rs_client_disconnect left the connection open");
}
