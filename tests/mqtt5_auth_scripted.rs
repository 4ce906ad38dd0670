//! MQTT 5.0 through the C API against a scripted broker (a TCP listener speaking the v5
//! codec): enhanced authentication with a real challenge/response (the broker sends a
//! nonce and checks the keyed digest the application's `on_auth` computes), initial and
//! re-authentication, refusals; reason strings and user properties of every ack read
//! with `mqtt_rs_property_*` inside `on_event`; the server reference of the broker's
//! DISCONNECT and of a refusing CONNACK.
#![cfg(feature = "mqtt5")]

#[allow(unused_imports)] // common re-exports the mosquitto helpers, unused here
mod common;

use common::keyed_nonce::{digest, KEY, METHOD};
use common::net::TestClient;
use mqtt_rs::codec::v5::property::id;
use mqtt_rs::codec::v5::{decode, encode, Ack, Connack, Packet, Properties, PropertyFields, Reasoned, SubAck};
use mqtt_rs::ffi::auth::*;
use mqtt_rs::ffi::result::mqtt_rs_result::*;
use mqtt_rs::ffi::types::mqtt_rs_event;
use mqtt_rs::ffi::types::mqtt_rs_event_kind::{self, *};
use mqtt_rs::ffi::v5::*;
use std::cell::RefCell;
use std::ffi::c_void;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::rc::Rc;
use std::thread::JoinHandle;

thread_local! {
    /// The key the application's callback uses, and the answer it keeps valid.
    static APP_KEY: RefCell<Vec<u8>> = RefCell::new(KEY.to_vec());
    static REPLY: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    /// Every step the callback saw: reason code and data.
    static STEPS: RefCell<Vec<(u8, Vec<u8>)>> = const { RefCell::new(Vec::new()) };
}

unsafe extern "C" fn on_auth(_: *mut c_void, step: *const mqtt_rs_auth_step, answer: *mut mqtt_rs_auth_answer) -> bool {
    let step = &*step;
    let data = if step.data.is_null() { Vec::new() } else { std::slice::from_raw_parts(step.data, step.data_len).to_vec() };
    // The method is readable among the step's properties.
    let (mut m, mut ml) = (std::ptr::null(), 0usize);
    assert!(mqtt_rs_property_bytes(&step.properties, MQTT_RS_PROPERTY_AUTHENTICATION_METHOD, &mut m, &mut ml));
    assert_eq!(std::slice::from_raw_parts(m, ml), METHOD.as_bytes());
    STEPS.with(|s| s.borrow_mut().push((step.reason_code, data.clone())));
    if step.reason_code != MQTT_RS_AUTH_CONTINUE {
        return true;
    }
    let key = APP_KEY.with(|k| k.borrow().clone());
    if key.is_empty() {
        return false; // the application refuses
    }
    REPLY.with(|r| {
        *r.borrow_mut() = digest(&key, &data);
        let r = r.borrow();
        (*answer).data = r.as_ptr();
        (*answer).data_len = r.len();
    });
    true
}

/// The broker side of one connection: whole v5 packets in and out.
struct Peer(TcpStream);

impl Peer {
    fn read(&mut self) -> Vec<u8> {
        let mut buf = Vec::new();
        let mut byte = [0u8; 1];
        loop {
            self.0.read_exact(&mut byte).unwrap();
            buf.push(byte[0]);
            if let Some((_, n)) = decode::packet(&buf).unwrap() {
                assert_eq!(n, buf.len());
                return buf;
            }
        }
    }

    fn send(&mut self, p: &Packet<'_>) {
        let mut buf = vec![0u8; 1024];
        let n = encode::packet(p, &mut buf).unwrap();
        self.0.write_all(&buf[..n]).unwrap();
    }

    /// Sends a challenge with `nonce` and returns whether the answer is the right digest.
    fn challenge(&mut self, nonce: &[u8]) -> bool {
        let fields = PropertyFields { authentication_method: Some(METHOD), authentication_data: Some(nonce), ..Default::default() };
        self.send(&Packet::Auth(Reasoned { reason: 0x18, properties: Properties::new(&fields) }));
        let wire = self.read();
        let Some((Packet::Auth(a), _)) = decode::packet(&wire).unwrap() else { panic!("AUTH answer expected") };
        assert_eq!((a.reason, a.properties.string(id::AUTHENTICATION_METHOD)), (0x18, Some(METHOD)));
        a.properties.binary(id::AUTHENTICATION_DATA) == Some(&digest(KEY, nonce)[..])
    }

    fn connack(&mut self, reason: u8, fields: &PropertyFields<'_>) {
        self.send(&Packet::Connack(Connack { session_present: false, reason, properties: Properties::new(fields) }));
    }
}

/// A broker running `script` on the first connection; returns its port and thread.
fn broker(script: impl FnOnce(&mut Peer) + Send + 'static) -> (u16, JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let handle = std::thread::spawn(move || {
        let (s, _) = listener.accept().unwrap();
        let mut peer = Peer(s);
        script(&mut peer);
        std::thread::sleep(std::time::Duration::from_millis(300));
    });
    (port, handle)
}

/// The broker's CONNECT check and challenge: accepts (0) when the answer is right, else 0x87.
fn authenticating_broker(then: impl FnOnce(&mut Peer) + Send + 'static) -> (u16, JoinHandle<()>) {
    broker(move |peer| {
        let wire = peer.read();
        let Some((Packet::Connect(c), _)) = decode::packet(&wire).unwrap() else { panic!("CONNECT expected") };
        assert_eq!(c.properties.string(id::AUTHENTICATION_METHOD), Some(METHOD));
        assert_eq!(c.properties.binary(id::AUTHENTICATION_DATA), Some(&b"hello"[..]));
        let right = peer.challenge(b"nonce-1");
        peer.connack(if right { 0 } else { 0x87 }, &PropertyFields { authentication_method: Some(METHOD), ..Default::default() });
        if right {
            then(peer);
        }
    })
}

/// A v5 client whose CONNECT names the method and first data.
fn auth_client(c: &mut TestClient, port: u16) -> (mqtt_rs::ffi::types::mqtt_rs_connect_options, Box<mqtt_rs_connect_properties>) {
    let mut props: Box<mqtt_rs_connect_properties> = Box::new(unsafe { std::mem::zeroed() });
    unsafe { mqtt_rs_connect_properties_init(&mut *props) };
    props.authentication_method = c.cstr(METHOD);
    props.authentication_data = b"hello".as_ptr();
    props.authentication_data_len = 5;
    let mut o = c.options(port, "auth");
    o.protocol_version = 5;
    o.properties = &*props;
    assert_eq!(unsafe { mqtt_rs_client_set_auth_callback(c.raw(), Some(on_auth)) }, MQTT_RS_OK);
    (o, props)
}

#[test]
fn challenge_response_connects_and_reauthenticates_blocking() {
    let (port, broker) = authenticating_broker(|peer| {
        let wire = peer.read();
        let Some((Packet::Auth(a), _)) = decode::packet(&wire).unwrap() else { panic!("AUTH 0x19 expected") };
        assert_eq!((a.reason, a.properties.binary(id::AUTHENTICATION_DATA)), (0x19, Some(&b"again"[..])));
        assert!(peer.challenge(b"nonce-2"));
        peer.send(&Packet::Auth(Reasoned {
            reason: 0,
            properties: Properties::new(&PropertyFields { authentication_method: Some(METHOD), ..Default::default() }),
        }));
    });
    let mut c = TestClient::new(512, 512, 2);
    let (o, _props) = auth_client(&mut c, port);
    assert_eq!(c.connect(&o), MQTT_RS_OK);
    let rc = unsafe { mqtt_rs_client_reauthenticate(c.raw(), b"again".as_ptr(), 5, 5000) };
    assert_eq!(rc, MQTT_RS_OK);
    assert!(c.is_connected());
    let steps = STEPS.with(|s| s.borrow().clone());
    assert_eq!(steps, [(0x18, b"nonce-1".to_vec()), (0x18, b"nonce-2".to_vec()), (0x00, vec![])]);
    broker.join().unwrap();
}

#[test]
fn reauthentication_without_blocking_reports_success_to_on_auth() {
    let (port, broker) = authenticating_broker(|peer| {
        peer.read();
        assert!(peer.challenge(b"nonce-2"));
        peer.send(&Packet::Auth(Reasoned {
            reason: 0,
            properties: Properties::new(&PropertyFields { authentication_method: Some(METHOD), ..Default::default() }),
        }));
    });
    let mut c = TestClient::new(512, 512, 2);
    let (o, _props) = auth_client(&mut c, port);
    assert_eq!(c.connect(&o), MQTT_RS_OK);
    assert_eq!(unsafe { mqtt_rs_client_begin_reauthenticate(c.raw(), std::ptr::null(), 0) }, MQTT_RS_IN_PROGRESS);
    assert_eq!(unsafe { mqtt_rs_client_begin_reauthenticate(c.raw(), std::ptr::null(), 0) }, MQTT_RS_WRONG_STATE, "one at a time");
    for _ in 0..40 {
        if STEPS.with(|s| s.borrow().len()) == 3 {
            break;
        }
        c.wait(50);
    }
    assert_eq!(STEPS.with(|s| s.borrow().last().cloned()), Some((0x00, vec![])));
    broker.join().unwrap();
}

#[test]
fn wrong_key_is_refused_by_the_broker() {
    APP_KEY.with(|k| *k.borrow_mut() = b"wrong".to_vec());
    let (port, broker) = authenticating_broker(|_| {});
    let mut c = TestClient::new(512, 512, 2);
    let (o, _props) = auth_client(&mut c, port);
    assert_eq!(c.connect(&o), MQTT_RS_CONNACK_REFUSED);
    broker.join().unwrap();
}

#[test]
fn application_refusal_closes_with_auth_refused() {
    APP_KEY.with(|k| k.borrow_mut().clear());
    let (port, broker) = broker(|peer| {
        peer.read();
        let fields = PropertyFields { authentication_method: Some(METHOD), authentication_data: Some(b"n"), ..Default::default() };
        peer.send(&Packet::Auth(Reasoned { reason: 0x18, properties: Properties::new(&fields) }));
        // The client closes without answering.
        let mut rest = [0u8; 16];
        assert_eq!(peer.0.read(&mut rest).unwrap(), 0);
    });
    let mut c = TestClient::new(512, 512, 2);
    let (o, _props) = auth_client(&mut c, port);
    assert_eq!(c.connect(&o), MQTT_RS_AUTH_REFUSED);
    broker.join().unwrap();
}

#[test]
fn bad_authentication_method_and_protocol_errors_have_their_codes() {
    let (port, broker1) = broker(|peer| {
        peer.read();
        peer.connack(0x8C, &PropertyFields::default());
    });
    let mut c = TestClient::new(512, 512, 2);
    let (o, _props) = auth_client(&mut c, port);
    assert_eq!(c.connect(&o), MQTT_RS_AUTH_METHOD_REFUSED);
    broker1.join().unwrap();
    // AUTH with another method.
    let (port, broker2) = broker(|peer| {
        peer.read();
        let fields = PropertyFields { authentication_method: Some("OTHER"), ..Default::default() };
        peer.send(&Packet::Auth(Reasoned { reason: 0x18, properties: Properties::new(&fields) }));
    });
    let mut c = TestClient::new(512, 512, 2);
    let (o, _props) = auth_client(&mut c, port);
    assert_eq!(c.connect(&o), MQTT_RS_AUTH_PROTOCOL_ERROR);
    broker2.join().unwrap();
    // AUTH to a client that named no method.
    let (port, broker3) = broker(|peer| {
        peer.read();
        let fields = PropertyFields { authentication_method: Some(METHOD), ..Default::default() };
        peer.send(&Packet::Auth(Reasoned { reason: 0x18, properties: Properties::new(&fields) }));
    });
    let mut c = TestClient::new(512, 512, 2);
    let mut o = c.options(port, "plain");
    o.protocol_version = 5;
    assert_eq!(c.connect(&o), MQTT_RS_AUTH_PROTOCOL_ERROR);
    broker3.join().unwrap();
}

/// What `on_event` read of an event's properties: kind, reason code, reason string,
/// user properties, server reference.
type Seen = (mqtt_rs_event_kind, u8, Option<String>, Vec<(String, String)>, Option<String>);

fn text(p: &mqtt_rs_properties, id: u8) -> Option<String> {
    let (mut d, mut l) = (std::ptr::null(), 0usize);
    unsafe { mqtt_rs_property_bytes(p, id, &mut d, &mut l) }.then(|| String::from_utf8(unsafe { std::slice::from_raw_parts(d, l) }.to_vec()).unwrap())
}

fn seen(e: &mqtt_rs_event) -> Seen {
    let mut users = Vec::new();
    let (mut k, mut kl, mut v, mut vl) = (std::ptr::null(), 0usize, std::ptr::null(), 0usize);
    while unsafe { mqtt_rs_property_user(&e.properties, users.len(), &mut k, &mut kl, &mut v, &mut vl) } {
        let s = |p: *const std::ffi::c_char, l| String::from_utf8(unsafe { std::slice::from_raw_parts(p.cast::<u8>(), l) }.to_vec()).unwrap();
        users.push((s(k, kl), s(v, vl)));
    }
    let code =
        if e.kind == MQTT_RS_EVENT_SUBSCRIBE_DONE || e.kind == MQTT_RS_EVENT_UNSUBSCRIBE_DONE { unsafe { *e.granted_qos } } else { e.reason_code };
    (e.kind, code, text(&e.properties, MQTT_RS_PROPERTY_REASON_STRING), users, text(&e.properties, MQTT_RS_PROPERTY_SERVER_REFERENCE))
}

fn watch(c: &mut TestClient) -> Rc<RefCell<Vec<Seen>>> {
    let events = Rc::new(RefCell::new(Vec::new()));
    let sink = events.clone();
    c.observed.event_hook = Some(Box::new(move |e| sink.borrow_mut().push(seen(e))));
    events
}

#[test]
fn every_ack_and_the_brokers_disconnect_carry_reason_string_user_properties_and_server_reference() {
    let users = [("trace", "t-1")];
    let (port, broker) = broker(move |peer| {
        peer.read();
        peer.connack(0, &PropertyFields { reason_string: Some("welcome"), ..Default::default() });
        let fields = PropertyFields { reason_string: Some("quota"), user_properties: &users, ..Default::default() };
        let props = Properties::new(&fields);
        for _ in 0..3 {
            let wire = peer.read();
            match decode::packet(&wire).unwrap().unwrap().0 {
                Packet::Publish(p) => peer.send(&Packet::Puback(Ack { packet_id: p.packet_id, reason: 0x97, properties: props })),
                Packet::Subscribe(s) => peer.send(&Packet::Suback(SubAck { packet_id: s.packet_id, properties: props, reason_codes: &[0x01] })),
                Packet::Unsubscribe(u) => peer.send(&Packet::Unsuback(SubAck { packet_id: u.packet_id, properties: props, reason_codes: &[0x11] })),
                other => panic!("unexpected {other:?}"),
            }
        }
        let moved = PropertyFields { reason_string: Some("moving"), server_reference: Some("b.example:8883"), ..Default::default() };
        peer.send(&Packet::Disconnect(Reasoned { reason: 0x9D, properties: Properties::new(&moved) }));
    });
    let mut c = TestClient::new(512, 512, 2);
    let events = watch(&mut c);
    let mut o = c.options(port, "acks");
    o.protocol_version = 5;
    assert_eq!(c.connect(&o), MQTT_RS_OK);
    assert_eq!(c.publish("t", b"x", 1, false), MQTT_RS_REJECTED_BY_BROKER);
    assert_eq!(c.subscribe("a/#", 1), MQTT_RS_OK);
    let filter = c.cstr("a/#");
    assert_eq!(unsafe { mqtt_rs::ffi::client::mqtt_rs_client_unsubscribe(c.raw(), &filter, 1, 5000) }, MQTT_RS_OK);
    let mut waited = MQTT_RS_OK;
    for _ in 0..20 {
        waited = c.wait(50);
        if waited != MQTT_RS_OK {
            break;
        }
    }
    assert_eq!(waited, MQTT_RS_USE_ANOTHER_SERVER);
    let quota = |kind, code| (kind, code, Some("quota".to_owned()), vec![("trace".to_owned(), "t-1".to_owned())], None);
    assert_eq!(
        *events.borrow(),
        [
            (MQTT_RS_EVENT_CONNECTED, 0, Some("welcome".to_owned()), vec![], None),
            quota(MQTT_RS_EVENT_PUBLISH_DONE, 0x97),
            quota(MQTT_RS_EVENT_SUBSCRIBE_DONE, 0x01),
            quota(MQTT_RS_EVENT_UNSUBSCRIBE_DONE, 0x11),
            (MQTT_RS_EVENT_DISCONNECTED, 0x9D, Some("moving".to_owned()), vec![], Some("b.example:8883".to_owned())),
        ]
    );
    broker.join().unwrap();
}

#[test]
fn refusing_connack_hands_its_server_reference_to_both_events() {
    let (port, broker) = broker(|peer| {
        peer.read();
        peer.connack(0x9C, &PropertyFields { server_reference: Some("other:1883"), ..Default::default() });
    });
    let mut c = TestClient::new(512, 512, 2);
    let events = watch(&mut c);
    let mut o = c.options(port, "moved");
    o.protocol_version = 5;
    assert_eq!(c.connect(&o), MQTT_RS_USE_ANOTHER_SERVER);
    let got: Vec<(mqtt_rs_event_kind, Option<String>)> = events.borrow().iter().map(|e| (e.0, e.4.clone())).collect();
    assert_eq!(got, [(MQTT_RS_EVENT_CONNECTED, Some("other:1883".to_owned())), (MQTT_RS_EVENT_DISCONNECTED, Some("other:1883".to_owned()))]);
    broker.join().unwrap();
}

#[test]
fn refused_reauthentication_is_the_brokers_disconnect() {
    let (port, broker) = authenticating_broker(|peer| {
        peer.read();
        assert!(!peer.challenge(b"nonce-2"), "the application's key changed");
        peer.send(&Packet::Disconnect(Reasoned { reason: 0x87, properties: Properties::NONE }));
    });
    let mut c = TestClient::new(512, 512, 2);
    let (o, _props) = auth_client(&mut c, port);
    assert_eq!(c.connect(&o), MQTT_RS_OK);
    APP_KEY.with(|k| *k.borrow_mut() = b"rotated too early".to_vec());
    assert_eq!(unsafe { mqtt_rs_client_reauthenticate(c.raw(), std::ptr::null(), 0, 5000) }, MQTT_RS_SERVER_DISCONNECT);
    assert!(!c.is_connected());
    broker.join().unwrap();
}

#[test]
fn client_disconnect_carries_reason_code_session_expiry_reason_string_and_user_properties() {
    let (port, broker) = broker(|peer| {
        peer.read();
        peer.connack(0, &PropertyFields::default());
        let wire = peer.read();
        let Some((Packet::Disconnect(d), _)) = decode::packet(&wire).unwrap() else { panic!("DISCONNECT expected") };
        assert_eq!(d.reason, 0x04);
        assert_eq!(d.properties.integer(id::SESSION_EXPIRY_INTERVAL), Some(0));
        assert_eq!(d.properties.string(id::REASON_STRING), Some("battery low"));
        assert_eq!(d.properties.user_properties().collect::<Vec<_>>(), [("cell", "3.1V")]);
    });
    let mut c = TestClient::new(512, 512, 2);
    let mut o = c.options(port, "bye");
    o.protocol_version = 5;
    assert_eq!(c.connect(&o), MQTT_RS_OK);
    let users = [mqtt_rs_user_property { key: c.cstr("cell"), value: c.cstr("3.1V") }];
    let mut d: mqtt_rs::ffi::disconnect_v5::mqtt_rs_disconnect_options = unsafe { std::mem::zeroed() };
    unsafe { mqtt_rs::ffi::disconnect_v5::mqtt_rs_disconnect_options_init(&mut d) };
    d.reason_code = 0x04;
    d.send_session_expiry = true;
    d.reason_string = c.cstr("battery low");
    d.user_properties = users.as_ptr();
    d.user_property_count = 1;
    // A reason code DISCONNECT may not carry is refused before anything is sent.
    let mut bad: mqtt_rs::ffi::disconnect_v5::mqtt_rs_disconnect_options = unsafe { std::mem::zeroed() };
    unsafe { mqtt_rs::ffi::disconnect_v5::mqtt_rs_disconnect_options_init(&mut bad) };
    bad.reason_code = 0x01;
    assert_eq!(unsafe { mqtt_rs::ffi::disconnect_v5::mqtt_rs_client_disconnect_v5(c.raw(), &bad, 1000) }, MQTT_RS_INVALID_ARGUMENT);
    assert_eq!(unsafe { mqtt_rs::ffi::disconnect_v5::mqtt_rs_client_disconnect_v5(c.raw(), &d, 1000) }, MQTT_RS_OK);
    assert!(!c.is_connected());
    broker.join().unwrap();
}

#[test]
fn challenge_response_without_blocking_connects() {
    let (port, broker) = authenticating_broker(|_| {});
    let mut c = TestClient::new(512, 512, 2);
    let (o, _props) = auth_client(&mut c, port);
    assert_eq!(unsafe { mqtt_rs::ffi::client::mqtt_rs_client_begin_connect(c.raw(), &o) }, MQTT_RS_IN_PROGRESS);
    for _ in 0..100 {
        if c.is_connected() {
            break;
        }
        let mut sleep_ms = 0u32;
        assert_eq!(unsafe { mqtt_rs::ffi::client::mqtt_rs_client_poll(c.raw(), &mut sleep_ms) }, MQTT_RS_OK);
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    assert!(c.is_connected(), "CONNACK after the answered challenge");
    assert_eq!(STEPS.with(|s| s.borrow().clone()), [(0x18, b"nonce-1".to_vec())]);
    broker.join().unwrap();
}
