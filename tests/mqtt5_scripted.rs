//! MQTT 5.0 through the C API against a scripted broker (a TCP listener sending fixed
//! bytes), for what mosquitto cannot be made to send: a refusing CONNACK reason code, and
//! the broker's DISCONNECT naming another server — which the reconnect supervisor
//! follows when given memory for it.
#![cfg(feature = "mqtt5")]

#[allow(unused_imports)] // common re-exports the mosquitto helpers, unused here
mod common;

use common::net::TestClient;
use mqtt_rs::ffi::reconnect::mqtt_rs_reconnect_event_kind::{self, *};
use mqtt_rs::ffi::reconnect::*;
use mqtt_rs::ffi::result::mqtt_rs_result::{self, *};
use mqtt_rs::ffi::types::mqtt_rs_event_kind::{self, *};
use std::cell::RefCell;
use std::ffi::{c_char, c_void, CStr, CString};
use std::io::{Read, Write};
use std::net::TcpListener;
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

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

// ---------------------------------------------------------------------------
// the reconnect supervisor following a Server Reference

/// A broker answering every CONNECT with `script` (MQTT 5.0 CONNECT checked), then
/// holding the connection until the client closes it. Returns its port and how many
/// CONNECTs it has received.
fn scripted_broker(script: Vec<u8>) -> (u16, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let connects = Arc::new(AtomicUsize::new(0));
    let seen = connects.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let (mut s, script, seen) = (stream.unwrap(), script.clone(), seen.clone());
            std::thread::spawn(move || {
                s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
                let mut buf = [0u8; 512];
                let n = s.read(&mut buf).unwrap_or(0);
                assert!(n > 10 && buf[0] == 0x10 && buf[8] == 5, "an MQTT 5.0 CONNECT first");
                seen.fetch_add(1, Ordering::SeqCst);
                s.write_all(&script).unwrap();
                while matches!(s.read(&mut buf), Ok(n) if n > 0) {}
            });
        }
    });
    (port, connects)
}

/// CONNACK success, no properties.
const CONNACK_OK: [u8; 5] = [0x20, 0x03, 0x00, 0x00, 0x00];

/// The broker's answer ending with `reason` and a Server Reference `reference`: a
/// refusing CONNACK (`connack`), or a successful CONNACK and a DISCONNECT.
fn referring(connack: bool, reason: u8, reference: &str) -> Vec<u8> {
    let mut properties = vec![0x1C, 0x00, reference.len() as u8];
    properties.extend_from_slice(reference.as_bytes());
    // CONNACK: acknowledge flags, reason code; DISCONNECT: reason code.
    let mut body = if connack { vec![0x00, reason] } else { vec![reason] };
    body.push(properties.len() as u8);
    body.extend(properties);
    let mut p = if connack { vec![0x20] } else { [&CONNACK_OK[..], &[0xE0]].concat() };
    p.push(body.len() as u8);
    p.extend(body);
    p
}

/// A reconnect event as recorded: kind, broker index, reason, referred host and port.
type Referral = (mqtt_rs_reconnect_event_kind, usize, mqtt_rs_result, Option<String>, u16);

unsafe extern "C" fn record(user: *mut c_void, e: *const mqtt_rs_reconnect_event) {
    let (log, e) = (&mut *user.cast::<Vec<Referral>>(), &*e);
    let host = (!e.referred_host.is_null()).then(|| CStr::from_ptr(e.referred_host).to_str().unwrap().to_owned());
    log.push((e.kind, e.broker, e.reason, host, e.referred_port));
}

/// Supervises a client over `ports` (with `reference_room` bytes for a Server Reference,
/// 0: none given) until it has connected `connections` times; returns the events.
fn supervise(ports: &[u16], reference_room: usize, connections: u32) -> Vec<Referral> {
    let mut client = TestClient::new(512, 512, 2);
    let mut options = client.options(0, "referred");
    options.protocol_version = 5;
    options.clean_session = false;
    let hosts: Vec<CString> = ports.iter().map(|_| CString::new("127.0.0.1").unwrap()).collect();
    let brokers: Vec<mqtt_rs_broker> = ports.iter().zip(&hosts).map(|(p, h)| mqtt_rs_broker { host: h.as_ptr(), port: *p }).collect();
    let mut room = vec![0 as c_char; reference_room];
    let mut log: Box<Vec<Referral>> = Box::default();
    let mut cfg: mqtt_rs_reconnect_config = unsafe { std::mem::zeroed() };
    unsafe { mqtt_rs_reconnect_config_init(&mut cfg) };
    cfg.options = &options;
    cfg.brokers = brokers.as_ptr();
    cfg.broker_count = brokers.len();
    (cfg.min_delay_ms, cfg.max_delay_ms) = (10, 50);
    cfg.on_reconnect = Some(record);
    cfg.userdata = (&mut *log as *mut Vec<Referral>).cast();
    if reference_room != 0 {
        (cfg.server_reference_buf, cfg.server_reference_len) = (room.as_mut_ptr(), room.len());
    }
    let mut rc: Box<mqtt_rs_reconnect> = Box::new(unsafe { std::mem::zeroed() });
    assert_eq!(unsafe { mqtt_rs_reconnect_init(&mut *rc, client.raw(), &cfg) }, MQTT_RS_OK);
    let end = Instant::now() + Duration::from_secs(10);
    while rc.connections < connections {
        assert!(Instant::now() < end, "not connected {connections} times; events: {log:?}");
        let mut sleep = 0;
        assert_eq!(unsafe { mqtt_rs_reconnect_poll(&mut *rc, &mut sleep) }, MQTT_RS_OK);
        std::thread::sleep(Duration::from_millis(u64::from(sleep.min(2))));
    }
    *log
}

#[test]
fn the_supervisor_follows_a_disconnect_naming_another_server() {
    let (second, second_connects) = scripted_broker(CONNACK_OK.to_vec());
    let (first, first_connects) = scripted_broker(referring(false, 0x9C, &format!("127.0.0.1:{second} other:1883")));
    let log = supervise(&[first], 64, 2);
    let referred = Some("127.0.0.1".to_owned());
    assert_eq!(
        log,
        [
            (MQTT_RS_RECONNECT_CONNECTED, 0, MQTT_RS_OK, None, 0),
            (MQTT_RS_RECONNECT_SCHEDULED, 0, MQTT_RS_USE_ANOTHER_SERVER, referred.clone(), second),
            (MQTT_RS_RECONNECT_CONNECTED, 0, MQTT_RS_OK, referred, second),
        ]
    );
    assert_eq!((first_connects.load(Ordering::SeqCst), second_connects.load(Ordering::SeqCst)), (1, 1));
}

#[test]
fn without_memory_for_it_the_reference_is_not_followed() {
    let (second, second_connects) = scripted_broker(CONNACK_OK.to_vec());
    let (first, first_connects) = scripted_broker(referring(false, 0x9C, &format!("127.0.0.1:{second}")));
    let log = supervise(&[first], 0, 2);
    assert_eq!(log[1], (MQTT_RS_RECONNECT_SCHEDULED, 0, MQTT_RS_USE_ANOTHER_SERVER, None, 0));
    assert_eq!((first_connects.load(Ordering::SeqCst), second_connects.load(Ordering::SeqCst)), (2, 0));
    // Nor a host longer than the memory (9 bytes and its NUL in 9).
    let log = supervise(&[first], 9, 2);
    assert_eq!(log[1], (MQTT_RS_RECONNECT_SCHEDULED, 0, MQTT_RS_USE_ANOTHER_SERVER, None, 0));
    assert_eq!((first_connects.load(Ordering::SeqCst), second_connects.load(Ordering::SeqCst)), (4, 0));
}

#[test]
fn a_refusing_connack_refers_and_a_dead_referred_server_returns_to_the_list() {
    let dead = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let (good, good_connects) = scripted_broker(CONNACK_OK.to_vec());
    // CONNACK 0x9D Server moved, naming a server where nothing listens.
    let (moved, moved_connects) = scripted_broker(referring(true, 0x9D, &format!("127.0.0.1:{dead}")));
    let log = supervise(&[moved, good], 64, 1);
    assert_eq!(
        log,
        [
            (MQTT_RS_RECONNECT_SCHEDULED, 0, MQTT_RS_USE_ANOTHER_SERVER, Some("127.0.0.1".to_owned()), dead),
            (MQTT_RS_RECONNECT_SCHEDULED, 1, MQTT_RS_NET_CONNECT_FAILED, None, 0),
            (MQTT_RS_RECONNECT_CONNECTED, 1, MQTT_RS_OK, None, 0),
        ]
    );
    assert_eq!((moved_connects.load(Ordering::SeqCst), good_connects.load(Ordering::SeqCst)), (1, 1));
}
