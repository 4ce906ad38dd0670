//! An incoming QoS 2 message across a restart, through the C API and the persistence
//! hooks, against a scripted broker. A subscriber takes a QoS 2 PUBLISH (its id goes to
//! the store, the message to the application) and answers PUBREC; it is then killed (the
//! client dropped: no DISCONNECT) before the broker's PUBREL. A new client starts, the
//! broker resumes the session and, as a broker that never saw the PUBREC does, resends
//! the PUBLISH with DUP and then releases it. Restored from the store, the new client
//! answers PUBREC and PUBCOMP and hands the application nothing: the message was
//! delivered once in all. Without the store (the control) the resend reaches the
//! application again: a duplicate.
#![cfg(feature = "persist")]

#[allow(unused_imports)] // common re-exports the mosquitto helpers, unused here
mod common;

use common::net::TestClient;
use common::scripted::{FakeBroker, CONNACK_OK};
use mqtt_rs::ffi::persist::mqtt_rs_persist_record;
use mqtt_rs::ffi::reconnect::*;
use mqtt_rs::ffi::result::mqtt_rs_result::*;
use mqtt_rs::ffi::types::*;
use std::collections::BTreeSet;
use std::ffi::{c_void, CString};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

/// The packet id of the message.
const ID: u16 = 7;

/// The store: the held ids of incoming QoS 2 messages (the only records here).
type Store = BTreeSet<u16>;

unsafe extern "C" fn save(user: *mut c_void, r: *const mqtt_rs_persist_record) -> i32 {
    let (store, r) = (&mut *user.cast::<Store>(), &*r);
    assert!(r.incoming && r.qos == 2, "only incoming QoS 2 ids are stored here");
    store.insert(r.packet_id);
    0
}

unsafe extern "C" fn remove(user: *mut c_void, packet_id: u16, incoming: bool) {
    assert!(incoming);
    (*user.cast::<Store>()).remove(&packet_id);
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

/// A subscriber supervised with the store's hooks, connecting to `port`.
struct Device {
    client: TestClient,
    rc: Box<mqtt_rs_reconnect>,
    _options: Box<mqtt_rs_connect_options>,
    _broker: Box<mqtt_rs_broker>,
    _host: CString,
}

impl Device {
    fn new(port: u16, store: &mut Store) -> Self {
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
        let mut rc: Box<mqtt_rs_reconnect> = Box::new(unsafe { std::mem::zeroed() });
        assert_eq!(unsafe { mqtt_rs_reconnect_init(&mut *rc, client.raw(), &cfg) }, MQTT_RS_OK);
        Device { client, rc, _options: options, _broker: broker, _host: host }
    }

    /// Puts back a held incoming id, as a device does at start-up from its store.
    fn restore_incoming(&mut self, packet_id: u16) {
        let record = common::records::incoming(packet_id);
        assert_eq!(unsafe { mqtt_rs_reconnect_restore(&mut *self.rc, &record) }, MQTT_RS_OK);
    }

    /// Polls until the broker's script signals that it got what it waited for.
    fn poll_until_signalled(&mut self, what: &str, done: &Receiver<()>) {
        let end = Instant::now() + Duration::from_secs(10);
        while done.try_recv().is_err() {
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
    let mut store = Box::new(Store::new());

    // First life: the message arrives and is answered with PUBREC; then the kill.
    let (pubrec_seen, pubrec_rx) = channel();
    let first = FakeBroker::start(move |c| {
        assert!(!clean_session(&c.expect(1)), "the session must resume");
        c.send(&CONNACK_OK);
        c.send(&publish(false));
        assert_eq!(c.expect(5), ack(0x50), "PUBREC");
        pubrec_seen.send(()).unwrap();
    });
    let mut device = Device::new(first.port, &mut store);
    device.poll_until_signalled("the PUBREC", &pubrec_rx);
    let first_life = device.messages();
    assert_eq!(first_life, [("t/q2".to_string(), b"hello".to_vec())]);
    assert_eq!(*store, Store::from([ID]), "the id is stored before delivery and held until PUBREL");
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
    let mut device = Device::new(second.port, &mut store);
    if restore {
        for &id in store.clone().iter() {
            device.restore_incoming(id);
        }
    }
    device.poll_until_signalled("the PUBCOMP", &done_rx);
    let second_life = device.messages().len();
    assert!(store.is_empty(), "the released id is forgotten: {store:?}");
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
