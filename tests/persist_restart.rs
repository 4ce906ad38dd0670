//! An incoming QoS 2 message across a restart, through the C API and the persistence
//! hooks, against a scripted broker. A subscriber takes a QoS 2 PUBLISH (its id goes to
//! the store, the message to the application) and answers PUBREC; it is then killed (the
//! client dropped: no DISCONNECT) before the broker's PUBREL. A new client starts, the
//! broker resumes the session and, as a broker that never saw the PUBREC does, resends
//! the PUBLISH with DUP and then releases it. Restored from the store, the new client
//! answers PUBREC and PUBCOMP and hands the application nothing: the message was
//! delivered once in all. Without the store (the control) the resend reaches the
//! application again: a duplicate.
//!
//! And the QoS 0 offline queue across a restart (`persist_qos0`): messages published
//! with no broker reachable are stored in order (the oldest forgotten when dropped to
//! make room, a message the store refuses not queued), and a new client restored from
//! the store sends exactly those, in order, once connected, forgetting each.
#![cfg(feature = "persist")]

#[allow(unused_imports)] // common re-exports the mosquitto helpers, unused here
mod common;

use common::net::TestClient;
use common::scripted::{FakeBroker, CONNACK_OK};
use mqtt_rs::ffi::persist::mqtt_rs_persist_record;
use mqtt_rs::ffi::reconnect::*;
use mqtt_rs::ffi::result::mqtt_rs_result::{self, *};
use mqtt_rs::ffi::types::*;
use std::collections::{BTreeSet, VecDeque};
use std::ffi::{c_void, CString};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

/// The packet id of the message.
const ID: u16 = 7;

/// A QoS 0 record as the store keeps it.
#[derive(Clone, Debug, PartialEq)]
struct Qos0 {
    order: u32,
    topic: Vec<u8>,
    payload: Vec<u8>,
}

/// The store: the held ids of incoming QoS 2 messages and the QoS 0 records, oldest
/// first (no outgoing QoS 1/2 flow here).
#[derive(Default)]
struct Store {
    incoming: BTreeSet<u16>,
    qos0: VecDeque<Qos0>,
    /// Refuse QoS 0 records (a full store).
    full: bool,
}

unsafe extern "C" fn save(user: *mut c_void, r: *const mqtt_rs_persist_record) -> i32 {
    let (store, r) = (&mut *user.cast::<Store>(), &*r);
    if r.incoming {
        assert_eq!(r.qos, 2);
        store.incoming.insert(r.packet_id);
        return 0;
    }
    assert_eq!((r.qos, r.packet_id), (0, 0), "only QoS 0 records are outgoing here");
    if store.full {
        return -1;
    }
    let bytes = |p: *const u8, len: usize| std::slice::from_raw_parts(p, len).to_vec();
    store.qos0.push_back(Qos0 { order: r.order, topic: bytes(r.topic.cast(), r.topic_len), payload: bytes(r.payload, r.payload_len) });
    0
}

unsafe extern "C" fn remove(user: *mut c_void, packet_id: u16, incoming: bool) {
    let store = &mut *user.cast::<Store>();
    if incoming {
        store.incoming.remove(&packet_id);
    } else {
        assert_eq!(packet_id, 0, "packet id 0: the oldest QoS 0 record");
        store.qos0.pop_front().expect("a QoS 0 record to forget");
    }
}

/// The QoS 2 PUBLISH of message [`ID`] on `t/q2`, `dup` set on the resend.
fn publish(dup: bool) -> Vec<u8> {
    let mut p = vec![if dup { 0x3c } else { 0x34 }, 13, 0, 4];
    p.extend_from_slice(b"t/q2");
    p.extend_from_slice(&ID.to_be_bytes());
    p.extend_from_slice(b"hello");
    p
}

/// An acknowledgement packet of the message: `first` is its first byte.
fn ack(first: u8) -> [u8; 4] {
    let [hi, lo] = ID.to_be_bytes();
    [first, 2, hi, lo]
}

/// A client supervised with the store's hooks, connecting to `port`; with a QoS 0
/// buffer of `qos0_len` bytes, stored (`persist_qos0`) unless it is 0.
struct Device {
    client: TestClient,
    rc: Box<mqtt_rs_reconnect>,
    _options: Box<mqtt_rs_connect_options>,
    _broker: Box<mqtt_rs_broker>,
    _host: CString,
    _qos0: Vec<u8>,
}

impl Device {
    fn new(port: u16, store: &mut Store, qos0_len: usize) -> Self {
        let mut client = TestClient::new(512, 512, 4);
        let mut options = Box::new(client.options(0, "persist-restart-sub"));
        options.clean_session = false;
        let host = CString::new("127.0.0.1").unwrap();
        let broker = Box::new(mqtt_rs_broker { host: host.as_ptr(), port });
        let mut cfg: mqtt_rs_reconnect_config = unsafe { std::mem::zeroed() };
        unsafe { mqtt_rs_reconnect_config_init(&mut cfg) };
        cfg.options = &*options;
        cfg.brokers = &*broker;
        cfg.broker_count = 1;
        cfg.persist_store = Some(save);
        cfg.persist_remove = Some(remove);
        cfg.userdata = (store as *mut Store).cast();
        let mut qos0 = vec![0u8; qos0_len];
        cfg.qos0_buf = if qos0_len == 0 { std::ptr::null_mut() } else { qos0.as_mut_ptr() };
        cfg.qos0_len = qos0_len;
        cfg.persist_qos0 = qos0_len != 0;
        let mut rc: Box<mqtt_rs_reconnect> = Box::new(unsafe { std::mem::zeroed() });
        assert_eq!(unsafe { mqtt_rs_reconnect_init(&mut *rc, client.raw(), &cfg) }, MQTT_RS_OK);
        Device { client, rc, _options: options, _broker: broker, _host: host, _qos0: qos0 }
    }

    /// Puts back a held incoming id, as a device does at start-up from its store.
    fn restore_incoming(&mut self, packet_id: u16) {
        let record = common::records::incoming(packet_id);
        assert_eq!(unsafe { mqtt_rs_reconnect_restore(&mut *self.rc, &record) }, MQTT_RS_OK);
    }

    /// Puts back a QoS 0 record.
    fn restore_qos0(&mut self, q: &Qos0) -> mqtt_rs_result {
        let mut record = common::records::incoming(0);
        (record.qos, record.incoming, record.order) = (0, false, q.order);
        (record.topic, record.topic_len) = (q.topic.as_ptr().cast(), q.topic.len());
        (record.payload, record.payload_len) = (q.payload.as_ptr(), q.payload.len());
        unsafe { mqtt_rs_reconnect_restore(&mut *self.rc, &record) }
    }

    /// Publishes a QoS 0 message through the supervisor (copied: nothing is borrowed).
    fn publish_qos0(&mut self, topic: &str, payload: &str) -> mqtt_rs_result {
        let topic = CString::new(topic).unwrap();
        unsafe { mqtt_rs_reconnect_publish(&mut *self.rc, topic.as_ptr(), payload.as_ptr(), payload.len(), 0, false, std::ptr::null_mut()) }
    }

    /// Polls until the broker's script signals that it got what it waited for; returns
    /// what it sent.
    fn poll_until_signalled<T>(&mut self, what: &str, done: &Receiver<T>) -> T {
        let end = Instant::now() + Duration::from_secs(10);
        loop {
            if let Ok(got) = done.try_recv() {
                return got;
            }
            assert!(Instant::now() < end, "timed out waiting for {what}");
            let mut sleep = 0;
            assert_eq!(unsafe { mqtt_rs_reconnect_poll(&mut *self.rc, &mut sleep) }, MQTT_RS_OK);
            std::thread::sleep(Duration::from_millis(u64::from(sleep.min(2))));
        }
    }

    /// The messages the application got (topic, payload), in order.
    fn messages(&self) -> Vec<(String, Vec<u8>)> {
        self.client.observed.messages.iter().map(|m| (m.topic.clone(), m.payload.clone())).collect()
    }
}

/// The clean-session flag of a CONNECT (MQTT 3.1.1: byte 9 of a short packet).
fn clean_session(connect: &[u8]) -> bool {
    connect[9] & 0x02 != 0
}

/// Runs the two lives of the subscriber; with `restore` the second one starts from the
/// store. Returns the messages the application got in each life and the packets the
/// second broker read after CONNECT.
fn two_lives(restore: bool) -> (usize, usize, Vec<Vec<u8>>) {
    let mut store = Box::<Store>::default();

    // First life: the message arrives and is answered with PUBREC; then the kill.
    let (pubrec_seen, pubrec_rx) = channel();
    let first = FakeBroker::start(move |c| {
        assert!(!clean_session(&c.expect(1)), "the session must resume");
        c.send(&CONNACK_OK);
        c.send(&publish(false));
        assert_eq!(c.expect(5), ack(0x50), "PUBREC");
        pubrec_seen.send(()).unwrap();
    });
    let mut device = Device::new(first.port, &mut store, 0);
    device.poll_until_signalled("the PUBREC", &pubrec_rx);
    let first_life = device.messages();
    assert_eq!(first_life, [("t/q2".to_string(), b"hello".to_vec())]);
    assert_eq!(store.incoming, BTreeSet::from([ID]), "the id is stored before delivery and held until PUBREL");
    drop(device);
    let report = first.join();
    assert!(report.eof && report.received.iter().all(|p| p[0] >> 4 != 14), "killed: closed without DISCONNECT");

    // Second life: the broker resumes the session, resends the PUBLISH (DUP), releases it.
    let (done, done_rx) = channel();
    let second = FakeBroker::start(move |c| {
        assert!(!clean_session(&c.expect(1)), "the session must resume");
        c.send(&[0x20, 0x02, 0x01, 0x00]);
        c.send(&publish(true));
        assert_eq!(c.expect(5), ack(0x50), "PUBREC for the resend");
        c.send(&ack(0x62));
        assert_eq!(c.expect(7), ack(0x70), "PUBCOMP for the PUBREL");
        done.send(()).unwrap();
    });
    let mut device = Device::new(second.port, &mut store, 0);
    if restore {
        for id in store.incoming.clone() {
            device.restore_incoming(id);
        }
    }
    device.poll_until_signalled("the PUBCOMP", &done_rx);
    let second_life = device.messages().len();
    assert!(store.incoming.is_empty(), "the released id is forgotten: {:?}", store.incoming);
    drop(device);
    let report = second.join();
    (first_life.len(), second_life, report.received[1..].to_vec())
}

#[test]
fn a_restored_subscriber_takes_the_resent_qos2_message_once() {
    let (first, second, after_connect) = two_lives(true);
    println!("incoming QoS 2 across a kill, restored from the store: delivered {first} + {second}");
    assert_eq!(second, 0, "the resend of a delivered message reached the application again");
    assert_eq!(after_connect, [ack(0x50).to_vec(), ack(0x70).to_vec()], "PUBREC and PUBCOMP, nothing else");
}

#[test]
fn without_the_store_the_resend_is_a_duplicate() {
    let (first, second, after_connect) = two_lives(false);
    println!("incoming QoS 2 across a kill, no store restored (control): delivered {first} + {second}");
    assert_eq!(second, 1, "without the held id the resend is delivered again");
    assert_eq!(after_connect, [ack(0x50).to_vec(), ack(0x70).to_vec()]);
}

/// The payload of a QoS 0 PUBLISH of at most 127 bytes.
fn qos0_payload(p: &[u8]) -> Vec<u8> {
    assert_eq!(p[0], 0x30, "a QoS 0 PUBLISH: {p:02x?}");
    let topic_len = usize::from(u16::from_be_bytes([p[2], p[3]]));
    p[4 + topic_len..].to_vec()
}

#[test]
fn the_qos0_offline_queue_survives_a_restart_in_order() {
    let mut store = Box::<Store>::default();
    // Before the reset: no broker reachable; room for four 13-byte records.
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut before = Device::new(dead, &mut store, 4 * 13);
    for i in 0..4 {
        assert_eq!(before.publish_qos0("q0/x", &format!("m{i}")), MQTT_RS_OK);
    }
    store.full = true;
    assert_eq!(before.publish_qos0("q0/x", "no"), MQTT_RS_PERSIST_REFUSED, "a record the store cannot keep is refused");
    store.full = false;
    assert_eq!(before.publish_qos0("q0/x", "m4"), MQTT_RS_OK, "drops the oldest to make room");
    assert_eq!((before.rc.qos0_dropped, before.rc.persist_failures), (1, 1));
    let kept: Vec<(u32, &[u8])> = store.qos0.iter().map(|q| (q.order, &q.payload[..])).collect();
    assert_eq!(kept, [(1, &b"m1"[..]), (2, b"m2"), (3, b"m3"), (4, b"m4")], "the store holds what the queue holds, in order");
    drop(before);

    // After the reset: a fresh client restores the records and reaches a broker.
    let saved: Vec<Qos0> = store.qos0.iter().cloned().collect();
    let (done, done_rx) = channel();
    let broker = FakeBroker::start(move |c| {
        c.expect(1);
        c.send(&CONNACK_OK);
        let got: Vec<Vec<u8>> = (0..4).map(|_| qos0_payload(&c.expect(3))).collect();
        done.send(got).unwrap();
    });
    let mut without = Device::new(broker.port, &mut Store::default(), 0);
    assert_eq!(without.restore_qos0(&saved[0]), MQTT_RS_INVALID_ARGUMENT, "QoS 0 records need persist_qos0");
    drop(without);
    let mut after = Device::new(broker.port, &mut store, 4 * 13);
    for q in &saved {
        assert_eq!(after.restore_qos0(q), MQTT_RS_OK, "restore {q:?}");
    }
    assert_eq!(store.qos0.len(), 4, "restoring stores nothing again");
    let got = after.poll_until_signalled("the QoS 0 messages", &done_rx);
    let got: Vec<String> = got.iter().map(|p| String::from_utf8_lossy(p).into_owned()).collect();
    println!("QoS 0 offline queue across a reset: 6 published, 1 dropped (oldest), 1 refused by the store, 4 restored and sent: {got:?}");
    assert_eq!(got, ["m1", "m2", "m3", "m4"], "the kept messages, once each, in order");
    assert!(store.qos0.is_empty(), "each forgotten once sent: {:?}", store.qos0);
    drop(after);
    broker.join();
}
