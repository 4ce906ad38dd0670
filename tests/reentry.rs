//! Calls from inside callbacks, through the real C functions, over a broker that lives in
//! the network callbacks (Rust `extern "C"` functions over in-memory buffers): no socket,
//! no C code, so the test also runs under Miri, which then checks that the calls the
//! callback rule allows (queueing, queries) create no aliasing violation with the driving
//! call they are nested in:
//!
//!     rustup component add miri --toolchain nightly   # once
//!     cargo +nightly miri test --test reentry
//!
//! (The run takes seconds; building for Miri from scratch takes minutes, so CI runs it
//! only as an ordinary test.) Without Miri it is an ordinary test of the callback rule.

use mqtt_rs::codec::decode;
use mqtt_rs::ffi::client::*;
use mqtt_rs::ffi::net::{NetCallbacks, IO_WOULD_BLOCK};
use mqtt_rs::ffi::result::mqtt_rs_result::{self, *};
use mqtt_rs::ffi::types::*;
use std::collections::VecDeque;
use std::ffi::{c_char, c_void};
use std::ptr::null_mut;

/// The broker's side of the connection, and what the callbacks saw.
struct World {
    client: *mut mqtt_rs_client,
    /// Bytes on their way to the client.
    to_client: VecDeque<u8>,
    /// Bytes from the client not yet a whole packet.
    from_client: Vec<u8>,
    /// Packets the broker received: first byte and topic (PUBLISH) or nothing.
    received: Vec<(u8, Vec<u8>)>,
    clock: u32,
    /// The message the broker sends once the subscription is acknowledged, not yet sent.
    message_due: bool,
    /// Results of the calls made from inside each kind of callback.
    from_message: Vec<mqtt_rs_result>,
    from_event: Vec<mqtt_rs_result>,
    from_read: Vec<mqtt_rs_result>,
    /// Query answers from inside callbacks: (is_connected, inflight_count).
    queries_in_message: Vec<(bool, usize)>,
    queries_in_read: Vec<(bool, usize)>,
    /// The delivered payload read the same before and after the calls.
    payload_intact: Vec<bool>,
    events: Vec<(mqtt_rs_event_kind, mqtt_rs_result)>,
}

const TOPIC_EVENT: &std::ffi::CStr = c"from/event";
const TOPIC_MESSAGE: &std::ffi::CStr = c"from/message";
const FILTER: &std::ffi::CStr = c"more/#";
static PAYLOAD: [u8; 4] = *b"BBBB";

unsafe fn world<'w>(ctx: *mut c_void) -> &'w mut World {
    &mut *ctx.cast::<World>()
}

impl World {
    /// Answers every whole packet the client wrote, as a broker would.
    fn answer(&mut self) {
        while let Ok(Some(h)) = decode::fixed_header(&self.from_client) {
            if self.from_client.len() < h.packet_len() {
                return;
            }
            let p: Vec<u8> = self.from_client.drain(..h.packet_len()).collect();
            let body = &p[h.len..];
            let id = |at: usize| [body[at], body[at + 1]];
            let mut topic = Vec::new();
            match p[0] >> 4 {
                1 => self.to_client.extend([0x20, 2, 0, 0]),
                3 => {
                    let len = usize::from(u16::from_be_bytes([body[0], body[1]]));
                    topic = body[2..2 + len].to_vec();
                    match (p[0] >> 1) & 3 {
                        1 => self.to_client.extend([[0x40, 2], id(2 + len)].concat()),
                        2 => self.to_client.extend([[0x50, 2], id(2 + len)].concat()),
                        _ => {}
                    }
                }
                6 => self.to_client.extend([[0x70, 2], id(0)].concat()),
                8 => {
                    // Every SUBSCRIBE here has one filter: one return code.
                    self.to_client.extend([&[0x90, 3][..], &id(0), &[1]].concat());
                    if self.message_due {
                        self.message_due = false;
                        // QoS 1 PUBLISH "in/x" id 7, payload AAAA.
                        self.to_client.extend([0x32, 0x0c, 0, 4, b'i', b'n', b'/', b'x', 0, 7, b'A', b'A', b'A', b'A']);
                    }
                }
                10 => self.to_client.extend([[0xb0, 2], id(0)].concat()),
                12 => self.to_client.extend([0xd0, 0]),
                _ => {}
            }
            self.received.push((p[0], topic));
        }
    }

    fn published(&self, topic: &std::ffi::CStr) -> usize {
        self.received.iter().filter(|(first, t)| first >> 4 == 3 && t == topic.to_bytes()).count()
    }
}

unsafe extern "C" fn net_connect(_: *mut c_void, _host: *const c_char, _port: u16, _timeout_ms: u32) -> i32 {
    0
}

unsafe extern "C" fn net_read(ctx: *mut c_void, buf: *mut u8, len: usize, _timeout_ms: u32) -> i32 {
    let client = world(ctx).client;
    // From a network callback every call is refused, queries give their NULL value.
    let queued = mqtt_rs_client_begin_publish(client, TOPIC_MESSAGE.as_ptr(), PAYLOAD.as_ptr(), 4, 1, false, null_mut());
    let polled = mqtt_rs_client_poll(client, null_mut());
    let answers = (mqtt_rs_client_is_connected(client), mqtt_rs_client_inflight_count(client));
    let w = world(ctx);
    w.from_read.extend([queued, polled]);
    w.queries_in_read.push(answers);
    if w.to_client.is_empty() {
        return IO_WOULD_BLOCK;
    }
    let n = len.min(w.to_client.len()).min(i32::MAX as usize);
    for (i, b) in w.to_client.drain(..n).enumerate() {
        *buf.add(i) = b;
    }
    n as i32
}

unsafe extern "C" fn net_write(ctx: *mut c_void, buf: *const u8, len: usize, _timeout_ms: u32) -> i32 {
    let w = world(ctx);
    w.from_client.extend_from_slice(std::slice::from_raw_parts(buf, len));
    w.answer();
    len as i32
}

unsafe extern "C" fn net_close(_: *mut c_void) {}

unsafe extern "C" fn net_now(ctx: *mut c_void) -> u32 {
    let w = world(ctx);
    w.clock = w.clock.wrapping_add(1);
    w.clock
}

/// Inside `on_message`: queue a publish and a subscription, read state, try a driving call
/// and deinit, and check the message being delivered is left as it was.
unsafe extern "C" fn on_message(user: *mut c_void, m: *const mqtt_rs_message) {
    let client = world(user).client;
    let m = &*m;
    let view = || std::slice::from_raw_parts(m.payload, m.payload_len).to_vec();
    let before = view();
    let sub = mqtt_rs_subscription { filter: FILTER.as_ptr(), qos: 1 };
    let mut id = 0u16;
    let rcs = [
        mqtt_rs_client_begin_publish(client, TOPIC_MESSAGE.as_ptr(), PAYLOAD.as_ptr(), 4, 1, false, &mut id),
        mqtt_rs_client_begin_publish(client, TOPIC_MESSAGE.as_ptr(), PAYLOAD.as_ptr(), 4, 0, false, null_mut()),
        mqtt_rs_client_begin_subscribe(client, &sub, 1, null_mut()),
        mqtt_rs_client_publish(client, TOPIC_MESSAGE.as_ptr(), PAYLOAD.as_ptr(), 4, 1, false, 10),
        mqtt_rs_client_poll(client, null_mut()),
    ];
    let answers = (mqtt_rs_client_is_connected(client), mqtt_rs_client_inflight_count(client));
    let _ = mqtt_rs_client_wants_write(client);
    mqtt_rs_client_deinit(client); // does nothing from a callback
    let intact = view() == before && before == b"AAAA";
    let w = world(user);
    w.from_message.extend(rcs);
    w.queries_in_message.push(answers);
    w.payload_intact.push(intact);
}

/// Inside `on_event`: at SUBACK, queue a publish and try a driving call.
unsafe extern "C" fn on_event(user: *mut c_void, e: *const mqtt_rs_event) {
    let client = world(user).client;
    let e = &*e;
    let mut rcs = Vec::new();
    if e.kind == mqtt_rs_event_kind::MQTT_RS_EVENT_SUBSCRIBE_DONE && world(user).from_event.is_empty() {
        rcs.push(mqtt_rs_client_begin_publish(client, TOPIC_EVENT.as_ptr(), PAYLOAD.as_ptr(), 4, 2, false, null_mut()));
        rcs.push(mqtt_rs_client_begin_unsubscribe(client, &FILTER.as_ptr(), 1, null_mut()));
        rcs.push(mqtt_rs_client_wait(client, 10));
        let _ = (mqtt_rs_client_is_connected(client), mqtt_rs_client_ignored_acks(client));
    }
    let w = world(user);
    w.from_event.extend(rcs);
    w.events.push((e.kind, e.result));
}

#[test]
fn queue_calls_and_queries_from_callbacks_are_sound_and_take_effect() {
    let mut w = Box::new(World {
        client: null_mut(),
        to_client: VecDeque::new(),
        from_client: Vec::new(),
        received: Vec::new(),
        clock: 0,
        message_due: true,
        from_message: Vec::new(),
        from_event: Vec::new(),
        from_read: Vec::new(),
        queries_in_message: Vec::new(),
        queries_in_read: Vec::new(),
        payload_intact: Vec::new(),
        events: Vec::new(),
    });
    let mut client = Box::new(mqtt_rs_client { opaque: [0; MQTT_RS_CLIENT_SIZE / 8] });
    let client_ptr: *mut mqtt_rs_client = &mut *client;
    w.client = client_ptr;
    // From here on the callbacks own the world, until the client is deinitialised.
    let ctx: *mut c_void = (&mut *w as *mut World).cast();
    let mut tx = vec![0u8; 256];
    let mut rx = vec![0u8; 256];
    let mut slots: Vec<mqtt_rs_inflight_slot> = (0..6).map(|_| mqtt_rs_inflight_slot { opaque: [0; MQTT_RS_INFLIGHT_SLOT_SIZE / 8] }).collect();
    let net =
        NetCallbacks { ctx, connect: Some(net_connect), read: Some(net_read), write: Some(net_write), close: Some(net_close), now_ms: Some(net_now) };
    let config = mqtt_rs_client_config {
        net,
        tx_buf: tx.as_mut_ptr(),
        tx_len: tx.len(),
        rx_buf: rx.as_mut_ptr(),
        rx_len: rx.len(),
        slots: slots.as_mut_ptr(),
        slot_count: slots.len(),
        on_message: Some(on_message),
        on_event: Some(on_event),
        userdata: ctx,
        lock: None,
    };
    unsafe {
        assert_eq!(mqtt_rs_client_init(client_ptr, &config), MQTT_RS_OK);
        let mut o: mqtt_rs_connect_options = std::mem::zeroed();
        mqtt_rs_connect_options_init(&mut o);
        o.host = c"in-memory".as_ptr();
        o.client_id = c"reentry".as_ptr();
        assert_eq!(mqtt_rs_client_connect(client_ptr, &o, 1000, null_mut()), MQTT_RS_OK);

        // Blocking subscribe: SUBACK (on_event queues), then the message (on_message queues).
        let sub = mqtt_rs_subscription { filter: c"in/#".as_ptr(), qos: 1 };
        assert_eq!(mqtt_rs_client_subscribe(client_ptr, &sub, 1, null_mut(), 1000), MQTT_RS_OK);
        // Non-blocking polls deliver the message and write out what the callbacks queued.
        for _ in 0..50 {
            assert_eq!(mqtt_rs_client_poll(client_ptr, null_mut()), MQTT_RS_OK);
        }
        // A blocking wait lets the flows queued from the callbacks complete.
        assert_eq!(mqtt_rs_client_wait(client_ptr, 100), MQTT_RS_OK);
        assert_eq!(mqtt_rs_client_inflight_count(client_ptr), 0, "every queued flow completed");
        assert_eq!(mqtt_rs_client_disconnect(client_ptr, 100), MQTT_RS_OK);
        mqtt_rs_client_deinit(client_ptr);
    }

    let refused = MQTT_RS_CALLED_FROM_CALLBACK;
    assert_eq!(w.from_event, [MQTT_RS_IN_PROGRESS, MQTT_RS_IN_PROGRESS, refused], "from on_event");
    assert_eq!(w.from_message, [MQTT_RS_IN_PROGRESS, MQTT_RS_OK, MQTT_RS_IN_PROGRESS, refused, refused], "from on_message");
    assert_eq!(w.payload_intact, [true], "the message being delivered changed");
    // Inside on_message the queued QoS 1 publish already counts; QoS 2 from on_event may have
    // completed by then.
    assert!(w.queries_in_message[0].0 && w.queries_in_message[0].1 >= 1, "{:?}", w.queries_in_message);
    assert!(!w.from_read.is_empty() && w.from_read.iter().all(|&rc| rc == refused), "from the read callback: {:?}", w.from_read);
    assert!(w.queries_in_read.iter().all(|&a| a == (false, 0)), "queries from the read callback: {:?}", w.queries_in_read);
    // What the callbacks queued went out: QoS 2 from on_event, QoS 1 and QoS 0 from
    // on_message, the SUBSCRIBE and UNSUBSCRIBE, the PUBACK for the message.
    assert_eq!(w.published(TOPIC_EVENT), 1);
    assert_eq!(w.published(TOPIC_MESSAGE), 2);
    let kinds: Vec<u8> = w.received.iter().map(|(first, _)| first >> 4).collect();
    for (kind, what) in [(4, "PUBACK"), (6, "PUBREL"), (10, "UNSUBSCRIBE"), (14, "DISCONNECT")] {
        assert!(kinds.contains(&kind), "no {what} in {kinds:?}");
    }
    assert_eq!(kinds.iter().filter(|&&k| k == 8).count(), 2, "both SUBSCRIBEs: {kinds:?}");
    let done = |kind| w.events.iter().filter(|e| e.0 == kind && e.1 == MQTT_RS_OK).count();
    assert_eq!(done(mqtt_rs_event_kind::MQTT_RS_EVENT_PUBLISH_DONE), 2, "{:?}", w.events);
    assert_eq!(done(mqtt_rs_event_kind::MQTT_RS_EVENT_SUBSCRIBE_DONE), 2, "{:?}", w.events);
    assert_eq!(done(mqtt_rs_event_kind::MQTT_RS_EVENT_UNSUBSCRIBE_DONE), 1, "{:?}", w.events);
    drop((tx, rx, slots, client));
}
