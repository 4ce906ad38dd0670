//! MQTT 3.1.1 against a real mosquitto broker, through the C API.

mod common;

use common::net::TestClient;
use common::*;
use mqtt_rs::ffi::client::*;
use mqtt_rs::ffi::result::mqtt_rs_result::*;
use std::time::{Duration, Instant};

fn connected(port: u16, id: &str, tx: usize, rx: usize) -> TestClient {
    let mut c = TestClient::new(tx, rx, 16);
    let o = c.options(port, id);
    assert_eq!(c.connect(&o), MQTT_RS_OK, "connect {id}");
    c
}

#[test]
fn qos_0_1_2_between_two_clients_arrive_counted() {
    let broker = Broker::start(BrokerKind::Plain);
    for qos in 0..=2u8 {
        let mut sub = connected(broker.port(), &format!("sub-{qos}"), 512, 512);
        assert_eq!(sub.subscribe(&format!("count/{qos}"), qos), MQTT_RS_OK);
        let mut publ = connected(broker.port(), &format!("pub-{qos}"), 512, 512);
        for i in 0..50 {
            assert_eq!(publ.publish(&format!("count/{qos}"), format!("{i}").as_bytes(), qos, false), MQTT_RS_OK);
        }
        let got = sub.wait_messages(50, 5000).to_vec();
        assert_eq!(got.len(), 50, "qos {qos}");
        for (i, m) in got.iter().enumerate() {
            assert_eq!(m.payload, format!("{i}").as_bytes(), "order at qos {qos}");
            assert_eq!(m.qos, qos);
        }
        // Nothing extra (no duplicates) turns up afterwards.
        assert_eq!(sub.wait(300), MQTT_RS_OK);
        assert_eq!(sub.observed.messages.len(), 50);
        assert_eq!(publ.disconnect(), MQTT_RS_OK);
        assert_eq!(sub.disconnect(), MQTT_RS_OK);
    }
}

#[test]
fn messages_from_and_to_mosquitto_clients() {
    let broker = Broker::start(BrokerKind::Plain);
    let mut ours = connected(broker.port(), "interop", 512, 512);
    assert_eq!(ours.subscribe("interop/in", 2), MQTT_RS_OK);
    for qos in 0..=2 {
        mosquitto_pub(broker.port(), "interop/in", &format!("from-mosquitto-{qos}"), qos, false);
    }
    let got: Vec<_> = ours.wait_messages(3, 5000).iter().map(|m| (m.payload.clone(), m.qos)).collect();
    assert_eq!(got, vec![(b"from-mosquitto-0".to_vec(), 0), (b"from-mosquitto-1".to_vec(), 1), (b"from-mosquitto-2".to_vec(), 2)]);
    let sub = Subscriber::start(broker.port(), "interop/out", 2, 3, &[]);
    for qos in 0..=2 {
        assert_eq!(ours.publish("interop/out", format!("from-mqtt_rs-{qos}").as_bytes(), qos, false), MQTT_RS_OK);
    }
    assert_eq!(sub.wait(), ["interop/out from-mqtt_rs-0", "interop/out from-mqtt_rs-1", "interop/out from-mqtt_rs-2"]);
}

#[test]
fn retained_message_reaches_a_late_subscriber() {
    let broker = Broker::start(BrokerKind::Plain);
    let mut publ = connected(broker.port(), "retainer", 256, 256);
    assert_eq!(publ.publish("state/door", b"open", 1, true), MQTT_RS_OK);
    assert_eq!(publ.disconnect(), MQTT_RS_OK);
    let mut late = connected(broker.port(), "late", 256, 256);
    assert_eq!(late.subscribe("state/#", 1), MQTT_RS_OK);
    let got = late.wait_messages(1, 3000).to_vec();
    assert_eq!(got.len(), 1);
    assert_eq!((got[0].topic.as_str(), got[0].payload.as_slice(), got[0].retain), ("state/door", &b"open"[..], true));
}

#[test]
fn will_is_published_when_the_client_drops_without_disconnect() {
    let broker = Broker::start(BrokerKind::Plain);
    let mut watcher = connected(broker.port(), "watcher", 256, 256);
    assert_eq!(watcher.subscribe("wills/#", 1), MQTT_RS_OK);

    let mut dying = TestClient::new(256, 256, 4);
    let mut o = dying.options(broker.port(), "dying");
    let will =
        mqtt_rs::ffi::types::mqtt_rs_will { topic: dying.cstr("wills/dying"), payload: b"gone".as_ptr(), payload_len: 4, qos: 1, retain: false };
    o.will = &will;
    assert_eq!(dying.connect(&o), MQTT_RS_OK);
    // A clean DISCONNECT elsewhere must not trigger anything; a dropped socket must.
    assert_eq!(watcher.wait(200), MQTT_RS_OK);
    assert!(watcher.observed.messages.is_empty());
    dying.net.stream.take().unwrap().shutdown(std::net::Shutdown::Both).unwrap();
    let got = watcher.wait_messages(1, 5000).to_vec();
    assert_eq!(got.len(), 1);
    assert_eq!((got[0].topic.as_str(), got[0].payload.as_slice()), ("wills/dying", &b"gone"[..]));
}

#[test]
fn persistent_session_keeps_subscription_and_queued_qos1_across_reconnect() {
    let broker = Broker::start(BrokerKind::Plain);
    let mut c = TestClient::new(256, 256, 8);
    let mut o = c.options(broker.port(), "persistent");
    o.clean_session = false;
    let mut present = true;
    // Start from a clean slate, then switch to a persistent session.
    let mut fresh = c.options(broker.port(), "persistent");
    fresh.clean_session = true;
    assert_eq!(c.connect(&fresh), MQTT_RS_OK);
    assert_eq!(c.disconnect(), MQTT_RS_OK);
    assert_eq!(unsafe { mqtt_rs_client_connect(c.raw(), &o, 5000, &mut present) }, MQTT_RS_OK);
    assert!(!present);
    assert_eq!(c.subscribe("offline/q", 1), MQTT_RS_OK);
    assert_eq!(c.disconnect(), MQTT_RS_OK);

    for i in 0..5 {
        mosquitto_pub(broker.port(), "offline/q", &format!("queued-{i}"), 1, false);
    }
    assert_eq!(unsafe { mqtt_rs_client_connect(c.raw(), &o, 5000, &mut present) }, MQTT_RS_OK);
    assert!(present, "broker kept the session");
    let got: Vec<_> = c.wait_messages(5, 5000).iter().map(|m| String::from_utf8_lossy(&m.payload).into_owned()).collect();
    assert_eq!(got, (0..5).map(|i| format!("queued-{i}")).collect::<Vec<_>>());
}

#[test]
fn keepalive_pings_keep_an_idle_connection_alive() {
    let broker = Broker::start(BrokerKind::Plain);
    let mut c = TestClient::new(256, 256, 4);
    let mut o = c.options(broker.port(), "idle");
    o.keepalive_s = 1;
    assert_eq!(c.connect(&o), MQTT_RS_OK);
    let writes_before = c.net.writes;
    // mosquitto drops a client silent for 1.5 keepalives; stay idle for well over that.
    assert_eq!(c.wait(3500), MQTT_RS_OK);
    assert!(c.net.writes >= writes_before + 2, "PINGREQs went out ({} writes)", c.net.writes - writes_before);
    assert!(unsafe { mqtt_rs_client_is_connected(c.raw()) });
    assert_eq!(c.subscribe("still/here", 0), MQTT_RS_OK);
}

#[test]
fn unsubscribe_stops_delivery() {
    let broker = Broker::start(BrokerKind::Plain);
    let mut c = connected(broker.port(), "unsub", 256, 256);
    assert_eq!(c.subscribe("topic/u", 1), MQTT_RS_OK);
    assert_eq!(c.publish("topic/u", b"before", 1, false), MQTT_RS_OK);
    assert_eq!(c.wait_messages(1, 3000).len(), 1);
    let filter = c.cstr("topic/u");
    assert_eq!(unsafe { mqtt_rs_client_unsubscribe(c.raw(), &filter, 1, 5000) }, MQTT_RS_OK);
    assert_eq!(c.publish("topic/u", b"after", 1, false), MQTT_RS_OK);
    assert_eq!(c.wait(500), MQTT_RS_OK);
    assert_eq!(c.observed.messages.len(), 1);
}

#[test]
fn wrong_password_is_refused_with_its_connack_code() {
    let broker = Broker::start(BrokerKind::Password);
    let mut c = TestClient::new(256, 256, 4);
    let mut o = c.options(broker.port(), "intruder");
    o.username = c.cstr(MQTT_USER);
    o.password = b"wrong".as_ptr();
    o.password_len = 5;
    o.allow_plaintext_credentials = true; // the password listener is plain TCP
    assert_eq!(c.connect(&o), MQTT_RS_CONNACK_NOT_AUTHORIZED);
    assert!(!unsafe { mqtt_rs_client_is_connected(c.raw()) });
    o.password = MQTT_PASS.as_ptr();
    o.password_len = MQTT_PASS.len();
    assert_eq!(c.connect(&o), MQTT_RS_OK, "the same client connects with the right password");
}

#[test]
fn one_mebibyte_payload_through_one_kibibyte_buffers_arrives_intact() {
    let broker = Broker::start(BrokerKind::Plain);
    let mut sub = connected(broker.port(), "big-sub", 1024, 1024);
    assert_eq!(sub.subscribe("big/#", 1), MQTT_RS_OK);
    let mut publ = connected(broker.port(), "big-pub", 1024, 1024);
    let payload: Vec<u8> = (0..1024 * 1024u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8).collect();
    let start = Instant::now();
    assert_eq!(publ.publish("big/blob", &payload, 1, false), MQTT_RS_OK);
    let got = sub.wait_messages(1, 20_000).to_vec();
    assert_eq!(got.len(), 1, "arrived within {:?}", start.elapsed());
    assert!(got[0].payload == payload, "payload identical");
    assert!(got[0].chunks > 1000, "delivered in receive-buffer-sized chunks ({})", got[0].chunks);
    assert!(start.elapsed() < Duration::from_secs(20));
}

#[test]
fn unacknowledged_qos1_and_qos2_are_resent_after_a_dropped_connection() {
    let broker = Broker::start(BrokerKind::Plain);
    let mut sub = connected(broker.port(), "resend-sub", 512, 512);
    assert_eq!(sub.subscribe("resend/#", 2), MQTT_RS_OK);

    let mut c = TestClient::new(1024, 512, 16);
    let mut o = c.options(broker.port(), "resender");
    o.clean_session = false;
    assert_eq!(c.connect(&o), MQTT_RS_OK);
    let payloads: Vec<&'static [u8]> = (0..10).map(|i| &*Box::leak(format!("msg-{i}").into_bytes().into_boxed_slice())).collect();
    let topic = c.cstr("resend/x");
    for (i, p) in payloads.iter().enumerate() {
        let qos = 1 + (i % 2) as u8;
        let rc = unsafe { mqtt_rs_client_begin_publish(c.raw(), topic, p.as_ptr(), p.len(), qos, false, std::ptr::null_mut()) };
        assert_eq!(rc, MQTT_RS_IN_PROGRESS);
    }
    // Write them out, then lose the connection before the acknowledgements are read.
    let mut sleep = 0u32;
    let _ = unsafe { mqtt_rs_client_poll(c.raw(), &mut sleep) };
    c.net.stream.take().unwrap().shutdown(std::net::Shutdown::Both).unwrap();
    assert!(unsafe { mqtt_rs_client_inflight_count(c.raw()) } > 0, "flows still open");
    let _ = unsafe { mqtt_rs_client_poll(c.raw(), &mut sleep) };
    assert!(!unsafe { mqtt_rs_client_is_connected(c.raw()) });

    assert_eq!(c.connect(&o), MQTT_RS_OK);
    let deadline = Instant::now() + Duration::from_secs(5);
    while unsafe { mqtt_rs_client_inflight_count(c.raw()) } > 0 && Instant::now() < deadline {
        assert_eq!(c.wait(50), MQTT_RS_OK);
    }
    assert_eq!(unsafe { mqtt_rs_client_inflight_count(c.raw()) }, 0, "every flow completed after reconnect");
    sub.wait_messages(10, 3000);
    assert_eq!(sub.wait(300), MQTT_RS_OK);
    let got: Vec<_> = sub.observed.messages.iter().map(|m| String::from_utf8_lossy(&m.payload).into_owned()).collect();
    let mut want: Vec<_> = (0..10).map(|i| format!("msg-{i}")).collect();
    want.sort();
    // QoS 2 (odd) exactly once; QoS 1 (even) at least once.
    let distinct: std::collections::BTreeSet<_> = got.iter().cloned().collect();
    assert_eq!(distinct.into_iter().collect::<Vec<_>>(), want);
    for i in (1..10).step_by(2) {
        let n = sub.observed.messages.iter().filter(|m| m.payload == format!("msg-{i}").as_bytes()).count();
        assert_eq!(n, 1, "QoS 2 message msg-{i} delivered exactly once");
    }
}
