//! MQTT 5.0 properties of persisted flows, through the C API against the real mosquitto:
//! messages published with `mqtt_rs_reconnect_publish_v5()` while no broker is reachable
//! are saved with their encoded properties (checked byte for byte), the "device" is reset
//! (everything dropped but the saved records, copied as a store would keep them), and a
//! fresh client restores them and resends them: a v5 `mosquitto_sub` sees each message
//! with the properties it was published with. Also: restoring a record without
//! properties (the older record form) and refusing a damaged property section, and
//! properties that do not fit `persist_buf` refused before anything is queued.
#![cfg(all(feature = "mqtt5", feature = "persist"))]

mod common;

use common::net::TestClient;
use common::{Broker, BrokerKind, Subscriber};
use mqtt_rs::ffi::client::*;
use mqtt_rs::ffi::persist::mqtt_rs_persist_record;
use mqtt_rs::ffi::reconnect::*;
use mqtt_rs::ffi::reconnect_v5::mqtt_rs_reconnect_publish_v5;
use mqtt_rs::ffi::result::mqtt_rs_result::{self, *};
use mqtt_rs::ffi::types::*;
use mqtt_rs::ffi::v5::{mqtt_rs_publish_options, mqtt_rs_publish_options_init, mqtt_rs_user_property};
use std::collections::BTreeMap;
use std::ffi::{c_void, CString};
use std::net::TcpListener;
use std::time::{Duration, Instant};

/// A saved record as a store keeps it: the fields and copies of the bytes.
#[derive(Clone, Debug)]
struct Saved {
    packet_id: u16,
    qos: u8,
    released: bool,
    order: u32,
    topic: Vec<u8>,
    payload: Vec<u8>,
    properties: Vec<u8>,
}

/// The store: outgoing records by packet id.
type Store = BTreeMap<u16, Saved>;

unsafe extern "C" fn save(user: *mut c_void, r: *const mqtt_rs_persist_record) -> i32 {
    let (store, r) = (&mut *user.cast::<Store>(), &*r);
    let bytes = |p: *const u8, len: usize| if len == 0 { Vec::new() } else { std::slice::from_raw_parts(p, len).to_vec() };
    if !r.incoming {
        let saved = Saved {
            packet_id: r.packet_id,
            qos: r.qos,
            released: r.released,
            order: r.order,
            topic: bytes(r.topic.cast(), r.topic_len),
            payload: bytes(r.payload, r.payload_len),
            properties: bytes(r.properties, r.properties_len),
        };
        store.insert(r.packet_id, saved);
    }
    0
}

unsafe extern "C" fn remove(user: *mut c_void, packet_id: u16, incoming: bool) {
    if !incoming {
        (*user.cast::<Store>()).remove(&packet_id);
    }
}

/// A client and its supervisor (MQTT 5.0, persistent session, the store above).
struct Device {
    client: TestClient,
    rc: Box<mqtt_rs_reconnect>,
    _options: Box<mqtt_rs_connect_options>,
    _broker: Box<mqtt_rs_broker>,
    _host: CString,
    _persist_buf: Vec<u8>,
}

impl Device {
    fn new(port: u16, store: &mut Store, persist_buf_len: usize) -> Self {
        let mut client = TestClient::new(1024, 1024, 8);
        let mut options = Box::new(client.options(0, "persist-v5-device"));
        options.clean_session = false;
        options.protocol_version = 5;
        let host = CString::new("127.0.0.1").unwrap();
        let broker = Box::new(mqtt_rs_broker { host: host.as_ptr(), port });
        let mut persist_buf = vec![0u8; persist_buf_len];
        let mut cfg: mqtt_rs_reconnect_config = unsafe { std::mem::zeroed() };
        unsafe { mqtt_rs_reconnect_config_init(&mut cfg) };
        cfg.options = &*options;
        cfg.brokers = &*broker;
        cfg.broker_count = 1;
        cfg.min_delay_ms = 20;
        cfg.max_delay_ms = 100;
        cfg.persist_store = Some(save);
        cfg.persist_remove = Some(remove);
        cfg.persist_buf = if persist_buf_len == 0 { std::ptr::null_mut() } else { persist_buf.as_mut_ptr() };
        cfg.persist_buf_len = persist_buf_len;
        cfg.userdata = (store as *mut Store).cast();
        let mut rc: Box<mqtt_rs_reconnect> = Box::new(unsafe { std::mem::zeroed() });
        assert_eq!(unsafe { mqtt_rs_reconnect_init(&mut *rc, client.raw(), &cfg) }, MQTT_RS_OK);
        Device { client, rc, _options: options, _broker: broker, _host: host, _persist_buf: persist_buf }
    }

    /// Publishes with `options`; topic, payload and options are leaked (borrowed until
    /// the flow ends).
    fn publish(&mut self, topic: &str, payload: &str, options: mqtt_rs_publish_options) -> (mqtt_rs_result, u16) {
        let topic: &'static CString = Box::leak(Box::new(CString::new(topic).unwrap()));
        let payload: &'static [u8] = Box::leak(payload.as_bytes().to_vec().into_boxed_slice());
        let options: &'static mqtt_rs_publish_options = Box::leak(Box::new(options));
        let mut id = 0;
        let rc = unsafe { mqtt_rs_reconnect_publish_v5(&mut *self.rc, topic.as_ptr(), payload.as_ptr(), payload.len(), options, &mut id) };
        (rc, id)
    }

    fn restore(&mut self, record: &'static mqtt_rs_persist_record) -> mqtt_rs_result {
        unsafe { mqtt_rs_reconnect_restore(&mut *self.rc, record) }
    }

    fn poll_until(&mut self, what: &str, limit: Duration, mut done: impl FnMut(&Self) -> bool) {
        let end = Instant::now() + limit;
        while !done(self) {
            assert!(Instant::now() < end, "timed out waiting for {what}");
            let mut sleep = 0;
            assert_eq!(unsafe { mqtt_rs_reconnect_poll(&mut *self.rc, &mut sleep) }, MQTT_RS_OK);
            std::thread::sleep(Duration::from_millis(u64::from(sleep.min(2))));
        }
    }

    fn connected(&self) -> bool {
        unsafe { mqtt_rs_client_is_connected(&*self.client.client) }
    }

    fn inflight(&self) -> usize {
        unsafe { mqtt_rs_client_inflight_count(&*self.client.client) }
    }
}

/// A C string that lives for the rest of the test run.
fn leak_cstr(s: &str) -> *const std::ffi::c_char {
    Box::leak(Box::new(CString::new(s).unwrap())).as_ptr()
}

/// A port nothing listens on: the device before its reset never reaches a broker.
fn dead_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// The properties of the first message: every PUBLISH property a store must keep.
fn full_options() -> mqtt_rs_publish_options {
    let mut o: mqtt_rs_publish_options = unsafe { std::mem::zeroed() };
    unsafe { mqtt_rs_publish_options_init(&mut o) };
    o.qos = 1;
    o.payload_utf8 = true;
    o.message_expiry_s = 3600;
    o.content_type = leak_cstr("text/plain");
    o.response_topic = leak_cstr("pv5/reply");
    let correlation: &'static [u8] = b"corr-7";
    o.correlation_data = correlation.as_ptr();
    o.correlation_data_len = correlation.len();
    let users: &'static [mqtt_rs_user_property] =
        Box::leak(Box::new([mqtt_rs_user_property { key: leak_cstr("unit"), value: leak_cstr("celsius") }]));
    o.user_properties = users.as_ptr();
    o.user_property_count = users.len();
    o
}

/// The property section the library must hand the store for [`full_options`]: user
/// properties first, then the others in identifier order (the order it sends them in).
fn full_section() -> Vec<u8> {
    let mut p = vec![0x26, 0, 4];
    p.extend_from_slice(b"unit");
    p.extend_from_slice(&[0, 7]);
    p.extend_from_slice(b"celsius");
    p.extend_from_slice(&[0x01, 1, 0x02, 0, 0, 0x0e, 0x10, 0x03, 0, 10]);
    p.extend_from_slice(b"text/plain");
    p.extend_from_slice(&[0x08, 0, 9]);
    p.extend_from_slice(b"pv5/reply");
    p.extend_from_slice(&[0x09, 0, 6]);
    p.extend_from_slice(b"corr-7");
    let mut section = vec![u8::try_from(p.len()).unwrap()];
    section.extend(p);
    section
}

/// A C record over a saved one, leaked: the library reads a restored record's
/// properties through it until the flow ends.
fn record_of(s: &Saved) -> &'static mqtt_rs_persist_record {
    let keep = |v: &Vec<u8>| -> &'static [u8] { Box::leak(v.clone().into_boxed_slice()) };
    let (topic, payload, properties) = (keep(&s.topic), keep(&s.payload), keep(&s.properties));
    Box::leak(Box::new(mqtt_rs_persist_record {
        packet_id: s.packet_id,
        qos: s.qos,
        released: s.released,
        retain: false,
        incoming: false,
        order: s.order,
        topic: topic.as_ptr().cast(),
        topic_len: topic.len(),
        payload: payload.as_ptr(),
        payload_len: payload.len(),
        properties: if properties.is_empty() { std::ptr::null() } else { properties.as_ptr() },
        properties_len: properties.len(),
    }))
}

#[test]
fn properties_of_saved_flows_are_resent_after_a_reset() {
    // Before the reset: no broker reachable, three messages kept offline and saved.
    let mut store = Box::new(Store::new());
    let mut before = Device::new(dead_port(), &mut store, 128);
    let (rc1, id1) = before.publish("pv5/m", "one", full_options());
    let mut qos2 = full_options();
    qos2.qos = 2;
    qos2.user_property_count = 0;
    qos2.correlation_data = std::ptr::null();
    qos2.correlation_data_len = 0;
    let (rc2, id2) = before.publish("pv5/m", "two", qos2);
    let mut plain: mqtt_rs_publish_options = unsafe { std::mem::zeroed() };
    unsafe { mqtt_rs_publish_options_init(&mut plain) };
    plain.qos = 1;
    let (rc3, id3) = before.publish("pv5/m", "three", plain);
    assert_eq!((rc1, rc2, rc3), (MQTT_RS_IN_PROGRESS, MQTT_RS_IN_PROGRESS, MQTT_RS_IN_PROGRESS));
    assert_eq!(store.len(), 3, "every flow saved: {store:?}");
    assert_eq!(store[&id1].properties, full_section(), "the record keeps the encoded properties, byte for byte");
    assert!(!store[&id2].properties.is_empty() && store[&id2].qos == 2);
    assert!(store[&id3].properties.is_empty(), "no properties, no bytes");
    let sizes: Vec<usize> = store.values().map(|s| s.properties.len()).collect();
    println!("property bytes per record: {sizes:?}");

    // The reset: everything of the device is gone but the store.
    drop(before);
    let saved: Vec<Saved> = {
        let mut v: Vec<Saved> = store.values().cloned().collect();
        v.sort_by_key(|s| s.order);
        v
    };

    // After the reset: a fresh client restores the records and reaches mosquitto.
    let broker = Broker::start(BrokerKind::Plain);
    let format = "%t %p C=%C E=%E F=%F R=%R D=%D P=%P";
    let sub = Subscriber::start(broker.port(), "pv5/#", 2, 3, &["-V", "5", "-F", format]);
    let mut after = Device::new(broker.port(), &mut store, 128);
    for s in &saved {
        assert_eq!(after.restore(record_of(s)), MQTT_RS_OK, "restore {s:?}");
    }
    after.poll_until("the connection", Duration::from_secs(10), |d| d.connected());
    after.poll_until("the resent flows to complete", Duration::from_secs(10), |d| d.inflight() == 0);
    let lines = sub.wait();
    println!("the subscriber saw: {lines:?}");
    assert_eq!(lines.len(), 3, "{lines:?}");
    let one = lines.iter().find(|l| l.starts_with("pv5/m one ")).expect("message one");
    for part in ["C=text/plain", "F=1", "R=pv5/reply", "D=corr-7", "P=unit:celsius"] {
        assert!(one.contains(part), "message one resent with {part}: {one}");
    }
    let expiry: u32 = one.split("E=").nth(1).and_then(|r| r.split(' ').next()).and_then(|e| e.parse().ok()).expect("a message expiry");
    assert!((3590..=3600).contains(&expiry), "message expiry kept (less the time spent at the broker): {one}");
    let two = lines.iter().find(|l| l.starts_with("pv5/m two ")).expect("message two");
    assert!(two.contains("C=text/plain") && two.contains("R=pv5/reply") && !two.contains("P=unit"), "{two}");
    let three = lines.iter().find(|l| l.starts_with("pv5/m three ")).expect("message three");
    assert_eq!(*three, "pv5/m three C= E= F= R= D= P=", "message three had none");
    assert!(store.is_empty(), "every completed flow removed: {store:?}");
}

#[test]
fn a_record_without_properties_restores_and_a_damaged_section_is_refused() {
    let mut store = Box::new(Store::new());
    let mut device = Device::new(dead_port(), &mut store, 0);
    let mut saved =
        Saved { packet_id: 5, qos: 1, released: false, order: 1, topic: b"pv5/x".to_vec(), payload: b"p".to_vec(), properties: Vec::new() };
    assert_eq!(device.restore(record_of(&saved)), MQTT_RS_OK, "the older record form: no properties");
    saved.packet_id = 6;
    saved.properties = full_section();
    saved.properties.truncate(10);
    assert_eq!(device.restore(record_of(&saved)), MQTT_RS_INVALID_ARGUMENT, "a cut section");
    saved.properties = vec![3, 0x23, 0, 1];
    assert_eq!(device.restore(record_of(&saved)), MQTT_RS_INVALID_ARGUMENT, "a topic alias is no property to keep");
    saved.properties = vec![2, 0x0b, 1];
    assert_eq!(device.restore(record_of(&saved)), MQTT_RS_INVALID_ARGUMENT, "nor a subscription identifier");
    saved.properties = vec![0x05, 0x02, 0, 0, 0, 9];
    assert_eq!(device.restore(record_of(&saved)), MQTT_RS_OK, "a message expiry");

    // Without room in persist_buf (none here), properties are refused before queuing.
    let (rc, _) = device.publish("pv5/y", "big", full_options());
    assert_eq!(rc, MQTT_RS_BUFFER_TOO_SMALL);
    let mut plain: mqtt_rs_publish_options = unsafe { std::mem::zeroed() };
    unsafe { mqtt_rs_publish_options_init(&mut plain) };
    plain.qos = 1;
    assert_eq!(device.publish("pv5/y", "small", plain).0, MQTT_RS_IN_PROGRESS, "no properties need no buffer");
    assert_eq!(store.len(), 1, "{store:?}");
}
