//! Reconnect and the offline queue against the real mosquitto, through a proxy the test
//! cuts: the supervisor (`mqtt_rs_reconnect_*`) must fail over past a dead broker, bring
//! the connection back after every cut with the session resumed, lose no QoS 1 message,
//! wait at least each announced backoff delay (measured with the library's own clock
//! callback), and, while disconnected, keep publishes in order, push back when full and
//! drop only QoS 0 by policy. Counts are printed.

mod common;

use common::net::{clock_ms, TestClient};
use common::proxy::Proxy;
use common::{Broker, BrokerKind, Subscriber};
use mqtt_rs::ffi::client::*;
use mqtt_rs::ffi::reconnect::mqtt_rs_reconnect_event_kind::*;
use mqtt_rs::ffi::reconnect::*;
use mqtt_rs::ffi::result::mqtt_rs_result::{self, *};
use mqtt_rs::ffi::types::*;
use std::ffi::{c_void, CString};
use std::net::TcpListener;
use std::time::{Duration, Instant};

/// A reconnect event as recorded, with the clock reading when it arrived.
#[derive(Clone, Copy, Debug)]
struct Seen {
    kind: mqtt_rs_reconnect_event_kind,
    attempt: u32,
    delay_ms: u32,
    deadline_ms: u32,
    broker: usize,
    session_present: bool,
    reason: mqtt_rs_result,
    at_ms: u32,
}

unsafe extern "C" fn on_reconnect(user: *mut c_void, e: *const mqtt_rs_reconnect_event) {
    let log = &mut *user.cast::<Vec<Seen>>();
    let e = &*e;
    let at_ms = clock_ms(std::ptr::null_mut());
    log.push(Seen {
        kind: e.kind,
        attempt: e.attempt,
        delay_ms: e.delay_ms,
        deadline_ms: e.deadline_ms,
        broker: e.broker,
        session_present: e.session_present,
        reason: e.reason,
        at_ms,
    });
}

/// A port nothing listens on.
fn dead_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

/// A client, its supervisor and everything they borrow.
struct Supervised {
    client: TestClient,
    rc: Box<mqtt_rs_reconnect>,
    // Boxed: its address is the callback's userdata and must not move with `Supervised`.
    #[allow(clippy::box_collection)]
    log: Box<Vec<Seen>>,
    _options: Box<mqtt_rs_connect_options>,
    _brokers: Vec<mqtt_rs_broker>,
    _hosts: Vec<CString>,
    _qos0: Vec<u8>,
}

impl Supervised {
    fn new(ports: &[u16], id: &str, slots: usize, max_inflight: u16, qos0_len: usize, refuse_newest: bool) -> Self {
        Self::over(TestClient::new(1024, 1024, slots), ports, id, max_inflight, qos0_len, refuse_newest)
    }

    /// As [`Supervised::new`] over a client already set up (e.g. for TLS).
    fn over(mut client: TestClient, ports: &[u16], id: &str, max_inflight: u16, qos0_len: usize, refuse_newest: bool) -> Self {
        let mut options = Box::new(client.options(0, id));
        options.clean_session = false;
        options.keepalive_s = 5;
        options.max_inflight = max_inflight;
        let hosts: Vec<CString> = ports.iter().map(|_| CString::new("127.0.0.1").unwrap()).collect();
        let brokers: Vec<mqtt_rs_broker> = ports.iter().zip(&hosts).map(|(p, h)| mqtt_rs_broker { host: h.as_ptr(), port: *p }).collect();
        let mut log = Box::new(Vec::new());
        let mut qos0 = vec![0u8; qos0_len];
        let mut cfg: mqtt_rs_reconnect_config = unsafe { std::mem::zeroed() };
        unsafe { mqtt_rs_reconnect_config_init(&mut cfg) };
        cfg.options = &*options;
        cfg.brokers = brokers.as_ptr();
        cfg.broker_count = brokers.len();
        cfg.min_delay_ms = 20;
        cfg.max_delay_ms = 300;
        cfg.stable_ms = 60_000;
        cfg.seed = 0x1234_5678;
        cfg.qos0_buf = if qos0_len == 0 { std::ptr::null_mut() } else { qos0.as_mut_ptr() };
        cfg.qos0_len = qos0_len;
        cfg.qos0_refuse_newest = refuse_newest;
        cfg.on_reconnect = Some(on_reconnect);
        cfg.userdata = (&mut *log as *mut Vec<Seen>).cast();
        let mut rc: Box<mqtt_rs_reconnect> = Box::new(unsafe { std::mem::zeroed() });
        assert_eq!(unsafe { mqtt_rs_reconnect_init(&mut *rc, client.raw(), &cfg) }, MQTT_RS_OK);
        Supervised { client, rc, log, _options: options, _brokers: brokers, _hosts: hosts, _qos0: qos0 }
    }

    /// One poll, then a short sleep as a firmware main loop would.
    fn poll(&mut self) {
        let mut sleep = 0;
        assert_eq!(unsafe { mqtt_rs_reconnect_poll(&mut *self.rc, &mut sleep) }, MQTT_RS_OK);
        std::thread::sleep(Duration::from_millis(u64::from(sleep.min(2))));
    }

    fn poll_until(&mut self, what: &str, limit: Duration, mut done: impl FnMut(&Self) -> bool) {
        let end = Instant::now() + limit;
        while !done(self) {
            assert!(Instant::now() < end, "timed out waiting for {what}; events: {:?}", self.log);
            self.poll();
        }
    }

    fn connected(&self) -> bool {
        unsafe { mqtt_rs_client_is_connected(&*self.client.client) }
    }

    fn inflight(&self) -> usize {
        unsafe { mqtt_rs_client_inflight_count(&*self.client.client) }
    }

    /// Publishes through the supervisor; the topic and payload are leaked (they stay
    /// borrowed until the flow ends).
    fn publish(&mut self, topic: &str, payload: &str, qos: u8) -> mqtt_rs_result {
        let topic: &'static CString = Box::leak(Box::new(CString::new(topic).unwrap()));
        let payload: &'static [u8] = Box::leak(payload.as_bytes().to_vec().into_boxed_slice());
        let mut id = 0;
        unsafe { mqtt_rs_reconnect_publish(&mut *self.rc, topic.as_ptr(), payload.as_ptr(), payload.len(), qos, false, &mut id) }
    }

    fn count(&self, kind: mqtt_rs_reconnect_event_kind) -> usize {
        self.log.iter().filter(|e| e.kind == kind).count()
    }
}

/// Every SCHEDULED event's delay is within the configured bounds, its deadline is the
/// delay from when it was announced, and whatever follows it (the attempt's outcome) came
/// no earlier than the deadline, on the library's clock.
fn check_delays(log: &[Seen], min: u32, max: u32) -> (u32, u32) {
    let (mut shortest, mut longest) = (u32::MAX, 0);
    for pair in log.windows(2) {
        let (e, next) = (pair[0], pair[1]);
        if e.kind != MQTT_RS_RECONNECT_SCHEDULED {
            continue;
        }
        assert!((min..=max).contains(&e.delay_ms), "delay {} outside {min}..={max}", e.delay_ms);
        let announced = e.deadline_ms.wrapping_sub(e.at_ms);
        assert!(announced <= e.delay_ms, "deadline {announced} ms after the event, delay {}", e.delay_ms);
        let early = e.deadline_ms.wrapping_sub(next.at_ms);
        assert!(early == 0 || early > 1 << 31, "attempt {} came {early} ms before its deadline", e.attempt);
        let waited = next.at_ms.wrapping_sub(e.at_ms);
        shortest = shortest.min(waited);
        longest = longest.max(waited);
    }
    (shortest, longest)
}

#[test]
fn cuts_mid_stream_lose_no_qos1_message() {
    const MESSAGES: usize = 400;
    const CUTS: usize = 8;
    let broker = Broker::start(BrokerKind::Plain);
    let proxy = Proxy::start(broker.port());
    // Room for duplicates: end markers published last fill the count.
    const MARKERS: usize = 40;
    let sub = Subscriber::start_with_timeout(broker.port(), "rc/stream", 1, MESSAGES + MARKERS, 60, &[]);
    assert!(sub.subscribed());
    // The first broker of the list is dead: the first attempt fails over to the proxy.
    let mut s = Supervised::new(&[dead_port(), proxy.port()], "rc-stream-pub", 16, 16, 0, false);
    s.poll_until("the first connection", Duration::from_secs(10), |s| s.connected());

    let (mut offline_full, mut busy, mut cuts) = (0, 0, 0);
    for i in 0..MESSAGES {
        if i > 0 && i % (MESSAGES / CUTS) == 0 {
            // Cut mid-stream; every other time keep the broker unreachable for a while, so
            // that attempts fail and back off.
            let refuse = i % (2 * MESSAGES / CUTS) == 0;
            proxy.cut(refuse);
            cuts += 1;
            if refuse {
                let until = Instant::now() + Duration::from_millis(400);
                while Instant::now() < until {
                    s.poll();
                }
                proxy.accept();
            }
        }
        loop {
            match s.publish("rc/stream", &format!("{i}"), 1) {
                MQTT_RS_IN_PROGRESS => break,
                MQTT_RS_OFFLINE_QUEUE_FULL => {
                    offline_full += 1;
                    s.poll();
                }
                MQTT_RS_BUSY => {
                    busy += 1;
                    s.poll();
                }
                other => panic!("publish {i}: {other:?}"),
            }
        }
        s.poll();
    }
    s.poll_until("every flow to complete", Duration::from_secs(30), |s| s.connected() && s.inflight() == 0);
    for _ in 0..MARKERS {
        while s.publish("rc/stream", "end", 1) != MQTT_RS_IN_PROGRESS {
            s.poll();
        }
        s.poll();
    }
    s.poll_until("the end markers", Duration::from_secs(10), |s| s.inflight() == 0);
    let lines = sub.wait();
    let mut got: Vec<usize> = lines.iter().filter_map(|l| l.strip_prefix("rc/stream ")).filter_map(|p| p.parse().ok()).collect();
    let received = got.len();
    got.sort_unstable();
    got.dedup();
    let lost = MESSAGES - got.len();
    let duplicated = received - got.len();
    let reconnected = s.count(MQTT_RS_RECONNECT_CONNECTED);
    let scheduled = s.count(MQTT_RS_RECONNECT_SCHEDULED);
    let (shortest, longest) = check_delays(&s.log, 20, 300);
    println!(
        "reconnect: {MESSAGES} QoS 1 sent, {received} received, {lost} lost, {duplicated} duplicated; {cuts} cuts, {reconnected} connections, \
         {scheduled} attempts scheduled (waits {shortest}..{longest} ms on the library clock); refusals: {offline_full} offline queue full, \
         {busy} window full while connected; proxy connections {}",
        proxy.accepted()
    );
    assert_eq!(lost, 0, "QoS 1 messages lost");
    let first = s.log.iter().find(|e| e.kind == MQTT_RS_RECONNECT_SCHEDULED).expect("the dead broker failed");
    assert_eq!((first.attempt, first.broker), (1, 1), "after the dead broker failed, the next attempt goes to the next broker");
    assert_ne!(first.reason, MQTT_RS_OK);
    assert_eq!(reconnected, cuts + 1, "a connection per cut, plus the first");
    // Every connection after the first resumed the broker's stored session.
    let resumed = s.log.iter().filter(|e| e.kind == MQTT_RS_RECONNECT_CONNECTED).skip(1).all(|e| e.session_present && e.broker == 1);
    assert!(resumed, "a reconnection without the session, or at the dead broker: {:?}", s.log);
}

#[test]
fn offline_queue_keeps_order_pushes_back_and_drops_only_qos0() {
    const SLOTS: usize = 6;
    let broker = Broker::start(BrokerKind::Plain);
    let proxy = Proxy::start(broker.port());
    let sub1 = Subscriber::start_with_timeout(broker.port(), "rc/q1", 1, SLOTS, 30, &["-c", "-i", "rc-q1-sub"]);
    let sub0 = Subscriber::start_with_timeout(broker.port(), "rc/q0", 0, 3, 30, &[]);
    assert!(sub1.subscribed() && sub0.subscribed());
    // QoS 0 buffer: room for three 8-byte records (7 + 5 topic + 3 payload = 15 B each).
    let mut s = Supervised::new(&[proxy.port()], "rc-queue-pub", SLOTS, SLOTS as u16, 45, false);
    s.poll_until("the first connection", Duration::from_secs(10), |s| s.connected());
    proxy.cut(true);
    s.poll_until("the lost connection", Duration::from_secs(10), |s| !s.connected());

    // QoS 1: one per slot is kept; the next is refused with its own code, never dropped.
    for i in 0..SLOTS {
        assert_eq!(s.publish("rc/q1", &format!("m{i}"), 1), MQTT_RS_IN_PROGRESS, "offline QoS 1 #{i}");
    }
    let refused = s.publish("rc/q1", "extra", 1);
    assert_eq!(refused, MQTT_RS_OFFLINE_QUEUE_FULL);
    // QoS 0, drop-oldest: five into room for three drops the first two.
    for i in 0..5 {
        assert_eq!(s.publish("rc/q0", &format!("z{i:02}"), 0), MQTT_RS_OK);
    }
    assert_eq!(s.rc.qos0_dropped, 2);
    assert_eq!(s.inflight(), SLOTS);

    proxy.accept();
    s.poll_until("the queue to drain", Duration::from_secs(15), |s| s.connected() && s.inflight() == 0);
    let q1: Vec<String> = sub1.wait();
    let q0: Vec<String> = sub0.wait();
    let want1: Vec<String> = (0..SLOTS).map(|i| format!("rc/q1 m{i}")).collect();
    let want0: Vec<String> = (2..5).map(|i| format!("rc/q0 z{i:02}")).collect();
    println!(
        "offline queue: {SLOTS} QoS 1 kept and {} delivered in order, 1 refused (MQTT_RS_OFFLINE_QUEUE_FULL); 5 QoS 0 kept, {} dropped (oldest), {} delivered",
        q1.len(),
        s.rc.qos0_dropped,
        q0.len()
    );
    assert_eq!(q1, want1, "QoS 1 kept while offline arrive once each, in order");
    assert_eq!(q0, want0, "the newest QoS 0 survive, in order; events {:?}, queue {}..{}", s.log, s.rc.qos0_start, s.rc.qos0_end);
}

#[test]
fn refuse_newest_policy_refuses_qos0_when_full() {
    let broker = Broker::start(BrokerKind::Plain);
    let proxy = Proxy::start(broker.port());
    let mut s = Supervised::new(&[proxy.port()], "rc-refuse-pub", 2, 2, 30, true);
    s.poll_until("the first connection", Duration::from_secs(10), |s| s.connected());
    proxy.cut(true);
    s.poll_until("the lost connection", Duration::from_secs(10), |s| !s.connected());
    assert_eq!(s.publish("rc/q0", "a01", 0), MQTT_RS_OK);
    assert_eq!(s.publish("rc/q0", "a02", 0), MQTT_RS_OK);
    assert_eq!(s.publish("rc/q0", "a03", 0), MQTT_RS_OFFLINE_QUEUE_FULL);
    assert_eq!(s.rc.qos0_dropped, 0);
    // Larger than the whole buffer: never fits.
    assert_eq!(s.publish("rc/q0", &"x".repeat(40), 0), MQTT_RS_BUFFER_TOO_SMALL);
    // No topic to publish to: refused, not kept to be dropped at the next connection.
    assert_eq!(s.publish("rc/+", "a04", 0), MQTT_RS_INVALID_TOPIC);
}

#[cfg(feature = "tls")]
#[test]
fn tls_resumes_after_a_cut() {
    use mqtt_rs::ffi::tls::*;
    let broker = Broker::start(BrokerKind::Tls);
    let proxy = Proxy::start(broker.port());
    let mut client = TestClient::new(1024, 1024, 8);
    let ca = std::fs::read(common::pki("ca.crt")).unwrap();
    let mut o: mqtt_rs_tls_options = unsafe { std::mem::zeroed() };
    unsafe { mqtt_rs_tls_options_init(&mut o) };
    o.ca = ca.as_ptr();
    o.ca_len = ca.len();
    assert_eq!(unsafe { mqtt_rs_client_use_tls(client.raw(), &o) }, MQTT_RS_OK);
    let mut s = Supervised::over(client, &[proxy.port()], "rc-tls-pub", 8, 0, false);
    let mut resumed = Vec::new();
    for round in 0..3 {
        s.poll_until("a connection", Duration::from_secs(10), |s| s.connected());
        resumed.push(unsafe { mqtt_rs_client_tls_resumed(&*s.client.client) });
        assert_eq!(s.publish("rc/tls", &format!("r{round}"), 1), MQTT_RS_IN_PROGRESS);
        s.poll_until("the PUBACK", Duration::from_secs(10), |s| s.inflight() == 0);
        proxy.cut(false);
        s.poll_until("the lost connection", Duration::from_secs(10), |s| !s.connected());
    }
    println!("TLS reconnect: handshakes resumed per connection {resumed:?}");
    assert_eq!(resumed, [false, true, true], "every reconnection resumes the TLS session");
    let present: Vec<bool> = s.log.iter().filter(|e| e.kind == MQTT_RS_RECONNECT_CONNECTED).map(|e| e.session_present).collect();
    assert_eq!(present[1..], [true, true], "and the MQTT session");
}

unsafe extern "C" fn store_nothing(_: *mut c_void, _: *const mqtt_rs::ffi::persist::mqtt_rs_persist_record) -> i32 {
    0
}

unsafe extern "C" fn remove_nothing(_: *mut c_void, _: u16, _: bool) {}

#[test]
fn persistence_hooks_are_both_or_none_and_need_the_feature() {
    let mut client = TestClient::new(256, 256, 2);
    let mut options = client.options(1883, "rc-hooks");
    options.clean_session = false;
    let host = CString::new("127.0.0.1").unwrap();
    let broker = mqtt_rs_broker { host: host.as_ptr(), port: 1883 };
    let mut cfg: mqtt_rs_reconnect_config = unsafe { std::mem::zeroed() };
    unsafe { mqtt_rs_reconnect_config_init(&mut cfg) };
    cfg.options = &options;
    cfg.brokers = &broker;
    cfg.broker_count = 1;
    let mut rc: mqtt_rs_reconnect = unsafe { std::mem::zeroed() };
    cfg.persist_store = Some(store_nothing);
    assert_eq!(unsafe { mqtt_rs_reconnect_init(&mut rc, client.raw(), &cfg) }, MQTT_RS_INVALID_ARGUMENT);
    cfg.persist_remove = Some(remove_nothing);
    let want = if cfg!(feature = "persist") { MQTT_RS_OK } else { MQTT_RS_PERSIST_NOT_BUILT };
    assert_eq!(unsafe { mqtt_rs_reconnect_init(&mut rc, client.raw(), &cfg) }, want);
    let mut clean = client.options(1883, "rc-hooks");
    clean.clean_session = true;
    cfg.options = &clean;
    cfg.persist_store = None;
    cfg.persist_remove = None;
    assert_eq!(unsafe { mqtt_rs_reconnect_init(&mut rc, client.raw(), &cfg) }, MQTT_RS_INVALID_ARGUMENT, "a clean session cannot resume");
}

#[test]
fn a_disconnect_by_the_application_stops_reconnecting() {
    let broker = Broker::start(BrokerKind::Plain);
    let mut s = Supervised::new(&[broker.port()], "rc-stop-pub", 2, 2, 0, false);
    s.poll_until("the first connection", Duration::from_secs(10), |s| s.connected());
    assert_eq!(s.client.disconnect(), MQTT_RS_OK);
    let mut sleep = 0;
    assert_eq!(unsafe { mqtt_rs_reconnect_poll(&mut *s.rc, &mut sleep) }, MQTT_RS_OK);
    assert_eq!(unsafe { mqtt_rs_reconnect_poll(&mut *s.rc, &mut sleep) }, MQTT_RS_NOT_CONNECTED);
    let kinds: Vec<_> = s.log.iter().map(|e| e.kind).collect();
    assert_eq!(kinds, [MQTT_RS_RECONNECT_CONNECTED, MQTT_RS_RECONNECT_STOPPED], "no attempt after the application's disconnect");
    assert_eq!(s.publish("rc/x", "late", 1), MQTT_RS_NOT_CONNECTED);
}

/// What the persistence hooks and `on_message` saw, in order (one test uses it).
#[cfg(feature = "persist")]
static PERSIST_LOG: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());

#[cfg(feature = "persist")]
unsafe extern "C" fn store_logged(_: *mut c_void, r: *const mqtt_rs::ffi::persist::mqtt_rs_persist_record) -> i32 {
    let r = &*r;
    let kind = if r.incoming { "in" } else { "out" };
    PERSIST_LOG.lock().unwrap().push(format!("store {kind} {} qos {}", r.packet_id, r.qos));
    0
}

#[cfg(feature = "persist")]
unsafe extern "C" fn remove_logged(_: *mut c_void, packet_id: u16, incoming: bool) {
    let kind = if incoming { "in" } else { "out" };
    PERSIST_LOG.lock().unwrap().push(format!("remove {kind} {packet_id}"));
}

/// Incoming QoS 2 through the supervisor with the hooks: each message's id is stored
/// before the message reaches `on_message` and removed once the broker releases it;
/// QoS 1 messages store nothing. Restoring incoming records: id 0 refused, one slot each.
#[cfg(feature = "persist")]
#[test]
fn incoming_qos2_ids_are_stored_before_delivery_and_removed_on_release() {
    let broker = Broker::start(BrokerKind::Plain);
    let mut s = Supervised::new(&[broker.port()], "rc-in-q2", 8, 8, 0, false);
    // The hooks, set by a second init before the first poll (the struct is copied at init).
    let mut cfg = unsafe { std::ptr::read(&s.rc.config) };
    cfg.persist_store = Some(store_logged);
    cfg.persist_remove = Some(remove_logged);
    assert_eq!(unsafe { mqtt_rs_reconnect_init(&mut *s.rc, s.client.raw(), &cfg) }, MQTT_RS_OK);
    s.client.observed.message_hook = Some(Box::new(|m| {
        PERSIST_LOG.lock().unwrap().push(format!("message {} qos {}", m.packet_id, m.qos));
    }));
    s.poll_until("the connection", Duration::from_secs(10), |s| s.connected());
    let sub = mqtt_rs_subscription { filter: s.client.cstr("rc/in/#"), qos: 2 };
    assert_eq!(unsafe { mqtt_rs_client_begin_subscribe(s.client.raw(), &sub, 1, std::ptr::null_mut()) }, MQTT_RS_IN_PROGRESS);
    s.poll_until("SUBACK", Duration::from_secs(10), |s| {
        s.client.observed.events.iter().any(|e| e.0 == mqtt_rs_event_kind::MQTT_RS_EVENT_SUBSCRIBE_DONE)
    });

    let mut publisher = TestClient::new(1024, 1024, 8);
    let o = publisher.options(broker.port(), "rc-in-q2-pub");
    assert_eq!(publisher.connect(&o), MQTT_RS_OK);
    for i in 0..5 {
        assert_eq!(publisher.publish("rc/in/q2", format!("m{i}").as_bytes(), 2, false), MQTT_RS_OK);
    }
    assert_eq!(publisher.publish("rc/in/q1", b"one", 1, false), MQTT_RS_OK);
    let removed = |n: usize| PERSIST_LOG.lock().unwrap().iter().filter(|l| l.starts_with("remove in")).count() >= n;
    s.poll_until("6 messages and 5 releases", Duration::from_secs(10), |s| s.client.observed.messages.len() == 6 && removed(5));

    let log = PERSIST_LOG.lock().unwrap().clone();
    println!("incoming QoS 2 through the hooks: {log:?}");
    let messages: Vec<&String> = log.iter().filter(|l| l.starts_with("message")).collect();
    assert_eq!(messages.len(), 6);
    for m in messages {
        let mut words = m.split(' ').skip(1);
        let (id, qos) = (words.next().unwrap(), words.nth(1).unwrap());
        let at = log.iter().position(|l| l == m).unwrap();
        let stored = log.iter().position(|l| *l == format!("store in {id} qos 2"));
        let removed = log.iter().position(|l| *l == format!("remove in {id}"));
        if qos == "2" {
            assert_eq!(stored, Some(at - 1), "the id of message {id} is stored right before it is delivered: {log:?}");
            assert!(removed.is_some_and(|r| r > at), "and removed after, on PUBREL: {log:?}");
        } else {
            assert_eq!((stored, removed), (None, None), "QoS 1 stores nothing: {log:?}");
        }
    }
    assert!(!log.iter().any(|l| l.starts_with("store out") || l.starts_with("remove out")), "no outgoing flow: {log:?}");
    assert_eq!(publisher.disconnect(), MQTT_RS_OK);

    // Restore: a fresh supervisor, two slots.
    let mut r = Supervised::new(&[broker.port()], "rc-in-q2-restore", 2, 2, 0, false);
    let record = common::records::incoming;
    assert_eq!(unsafe { mqtt_rs_reconnect_restore(&mut *r.rc, &record(0)) }, MQTT_RS_INVALID_ARGUMENT);
    assert_eq!(unsafe { mqtt_rs_reconnect_restore(&mut *r.rc, &record(41)) }, MQTT_RS_OK);
    assert_eq!(unsafe { mqtt_rs_reconnect_restore(&mut *r.rc, &record(41)) }, MQTT_RS_OK, "kept once");
    assert_eq!(unsafe { mqtt_rs_reconnect_restore(&mut *r.rc, &record(42)) }, MQTT_RS_OK);
    assert_eq!(unsafe { mqtt_rs_reconnect_restore(&mut *r.rc, &record(43)) }, MQTT_RS_INFLIGHT_FULL, "one slot per id");
}
