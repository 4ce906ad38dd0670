//! MQTT 5.0 through the C API against a scripted broker (a TCP listener sending fixed
//! bytes), for what mosquitto cannot be made to send: a refusing CONNACK reason code, and
//! the broker's DISCONNECT naming another server.
#![cfg(feature = "mqtt5")]

#[allow(unused_imports)] // common re-exports the mosquitto helpers, unused here
mod common;

use common::net::TestClient;
use mqtt_rs::ffi::result::mqtt_rs_result::{self, *};
use mqtt_rs::ffi::types::mqtt_rs_event_kind::{self, *};
use std::cell::RefCell;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::rc::Rc;

/// A broker that reads the CONNECT, answers with `script` and keeps the socket open a while.
fn scripted(script: Vec<u8>) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        let mut buf = [0u8; 512];
        let n = s.read(&mut buf).unwrap();
        assert_eq!(buf[0], 0x10, "CONNECT first");
        assert_eq!(buf[8], 5, "protocol level 5");
        assert!(n > 10);
        s.write_all(&script).unwrap();
        std::thread::sleep(std::time::Duration::from_secs(2));
    });
    port
}

/// Connects with MQTT 5.0, waits up to 1 s more, and returns the connect result, the last
/// wait result and the (kind, result, reason code) of every event.
fn run(script: Vec<u8>) -> (mqtt_rs_result, mqtt_rs_result, Vec<(mqtt_rs_event_kind, mqtt_rs_result, u8)>) {
    let port = scripted(script);
    let mut c = TestClient::new(512, 512, 2);
    let events = Rc::new(RefCell::new(Vec::new()));
    let sink = events.clone();
    c.observed.event_hook = Some(Box::new(move |e| sink.borrow_mut().push((e.kind, e.result, e.reason_code))));
    let mut o = c.options(port, "scripted");
    o.protocol_version = 5;
    let connected = c.connect(&o);
    let mut waited = MQTT_RS_OK;
    for _ in 0..20 {
        waited = c.wait(50);
        if waited != MQTT_RS_OK {
            break;
        }
    }
    let seen = events.borrow().clone();
    (connected, waited, seen)
}

#[test]
fn connack_reason_code_refuses_and_reaches_the_events() {
    // CONNACK: no session, 0x87 Not authorized, no properties.
    let (connected, _, events) = run(vec![0x20, 0x03, 0x00, 0x87, 0x00]);
    assert_eq!(connected, MQTT_RS_CONNACK_REFUSED);
    assert_eq!(events, [(MQTT_RS_EVENT_CONNECTED, MQTT_RS_CONNACK_REFUSED, 0x87), (MQTT_RS_EVENT_DISCONNECTED, MQTT_RS_CONNACK_REFUSED, 0x87)]);
}

#[test]
fn disconnect_naming_another_server_is_use_another_server() {
    // CONNACK success, then DISCONNECT 0x9C Use another server, Server Reference "b:1883".
    let mut script = vec![0x20, 0x03, 0x00, 0x00, 0x00];
    let reference = b"b:1883";
    script.extend_from_slice(&[0xE0, (2 + 3 + reference.len()) as u8, 0x9C, (3 + reference.len()) as u8, 0x1C, 0x00, reference.len() as u8]);
    script.extend_from_slice(reference);
    let (connected, waited, events) = run(script);
    assert_eq!(connected, MQTT_RS_OK);
    assert_eq!(waited, MQTT_RS_USE_ANOTHER_SERVER);
    assert_eq!(events.last(), Some(&(MQTT_RS_EVENT_DISCONNECTED, MQTT_RS_USE_ANOTHER_SERVER, 0x9C)));
}

#[test]
fn disconnect_with_another_reason_is_server_disconnect() {
    // CONNACK success, then DISCONNECT 0x8B Server shutting down, no properties.
    let (connected, waited, events) = run(vec![0x20, 0x03, 0x00, 0x00, 0x00, 0xE0, 0x01, 0x8B]);
    assert_eq!(connected, MQTT_RS_OK);
    assert_eq!(waited, MQTT_RS_SERVER_DISCONNECT);
    assert_eq!(events.last(), Some(&(MQTT_RS_EVENT_DISCONNECTED, MQTT_RS_SERVER_DISCONNECT, 0x8B)));
}

#[test]
fn broker_topic_aliases_reach_on_message_as_whole_topics_and_a_bad_one_gets_disconnect_0x94() {
    // PUBLISH QoS 0 from the broker: `topic` (may be empty) with Topic Alias `alias`.
    let aliased = |topic: &str, alias: u8, payload: &[u8]| {
        let mut p = vec![0x30, 0, 0, topic.len() as u8];
        p.extend_from_slice(topic.as_bytes());
        p.extend_from_slice(&[3, 0x23, 0, alias]);
        p.extend_from_slice(payload);
        p[1] = (p.len() - 2) as u8;
        p
    };
    let mut script = vec![0x20, 0x03, 0x00, 0x00, 0x00];
    script.extend(aliased("room/1/temp", 1, b"a"));
    script.extend(aliased("", 1, b"b"));
    script.extend(aliased("room/2/temp", 1, b"c"));
    script.extend(aliased("", 1, b"d"));
    script.extend(aliased("", 2, b"e")); // alias 2 was never set
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let broker = std::thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        let mut connect = [0u8; 512];
        let n = s.read(&mut connect).unwrap();
        s.write_all(&script).unwrap();
        s.set_read_timeout(Some(std::time::Duration::from_secs(3))).unwrap();
        let mut after = Vec::new();
        let _ = s.read_to_end(&mut after);
        (connect[..n].to_vec(), after)
    });
    let mut c = TestClient::new(512, 512, 2);
    let (outgoing, incoming) = (Box::leak(Box::new([0u8; 64])), Box::leak(Box::new([0u8; 64])));
    let rc = unsafe { mqtt_rs::ffi::alias::mqtt_rs_client_use_topic_aliases(c.raw(), outgoing.as_mut_ptr(), 64, incoming.as_mut_ptr(), 64, 32) };
    assert_eq!(rc, MQTT_RS_OK);
    let mut o = c.options(port, "aliases");
    o.protocol_version = 5;
    assert_eq!(c.connect(&o), MQTT_RS_OK);
    let mut waited = MQTT_RS_OK;
    for _ in 0..20 {
        waited = c.wait(50);
        if waited != MQTT_RS_OK {
            break;
        }
    }
    assert_eq!(waited, MQTT_RS_TOPIC_ALIAS_INVALID);
    let got: Vec<(String, Vec<u8>)> = c.observed.messages.iter().map(|m| (m.topic.clone(), m.payload.clone())).collect();
    let want = [("room/1/temp", b"a"), ("room/1/temp", b"b"), ("room/2/temp", b"c"), ("room/2/temp", b"d")];
    assert_eq!(got, want.map(|(t, p)| (t.to_owned(), p.to_vec())));
    let (connect, after) = broker.join().unwrap();
    // CONNECT properties: length 3, Topic Alias Maximum (0x22) = 2 (64 bytes / 32).
    assert!(connect.windows(4).any(|w| w == [3, 0x22, 0, 2]), "Topic Alias Maximum 2 announced: {connect:02x?}");
    assert_eq!(after, [0xe0, 1, 0x94], "DISCONNECT Topic Alias Invalid before closing");
}
