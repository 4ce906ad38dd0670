//! MQTT 5.0 enhanced authentication, ack properties and the properties of the packet that
//! ended a connection, in the session engine against a scripted broker that runs a real
//! challenge/response: it sends a nonce, the client answers with a keyed digest of it, and
//! the broker checks the digest before it accepts.
#![cfg(feature = "mqtt5")]

#[allow(unused_imports)] // common re-exports the mosquitto helpers, unused here
mod common;

use common::keyed_nonce::{digest, KEY, METHOD};
use mqtt_rs::codec::v5::property::id;
use mqtt_rs::codec::v5::{decode, encode, Ack, Connack, Connect, Packet, Properties, PropertyFields, Reasoned, SubAck};
use mqtt_rs::codec::{DecodeError, QoS};
use mqtt_rs::engine::auth::{CONTINUE, REAUTHENTICATE, SUCCESS};
use mqtt_rs::engine::{Engine, Error, Event, Inbox, Progress, Slot, State};

/// What the test keeps of an event.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Ev {
    Connected,
    Auth {
        reason: u8,
        data: Vec<u8>,
    },
    /// An acknowledgement's reason code, reason string and user properties.
    Ack {
        reason: u8,
        text: Option<String>,
        users: Vec<(String, String)>,
    },
    Other,
}

fn props(p: &Properties<'_>) -> (Option<String>, Vec<(String, String)>) {
    (p.string(id::REASON_STRING).map(str::to_owned), p.user_properties().map(|(k, v)| (k.to_owned(), v.to_owned())).collect())
}

fn own(e: &Event<'_>) -> Ev {
    match *e {
        Event::Connected { .. } => Ev::Connected,
        Event::Auth { reason, properties } => {
            assert_eq!(properties.string(id::AUTHENTICATION_METHOD), Some(METHOD));
            Ev::Auth { reason, data: properties.binary(id::AUTHENTICATION_DATA).unwrap_or_default().to_vec() }
        }
        Event::PublishDone { reason, properties, .. } => {
            let (text, users) = props(&properties);
            Ev::Ack { reason, text, users }
        }
        Event::Subscribed { return_codes, properties, .. } | Event::Unsubscribed { reason_codes: return_codes, properties, .. } => {
            let (text, users) = props(&properties);
            Ev::Ack { reason: return_codes[0], text, users }
        }
        _ => Ev::Other,
    }
}

fn leak<T>(v: Vec<T>) -> &'static mut [T] {
    Box::leak(v.into_boxed_slice())
}

fn bytes(p: &Packet<'_>) -> Vec<u8> {
    let mut buf = vec![0u8; 4096];
    let n = encode::packet(p, &mut buf).unwrap();
    buf.truncate(n);
    buf
}

fn auth(reason: u8, method: &str, data: &[u8]) -> Vec<u8> {
    let fields = PropertyFields { authentication_method: Some(method), authentication_data: Some(data), ..Default::default() };
    bytes(&Packet::Auth(Reasoned { reason, properties: Properties::new(&fields) }))
}

fn connack(reason: u8, fields: &PropertyFields<'_>) -> Vec<u8> {
    bytes(&Packet::Connack(Connack { session_present: false, reason, properties: Properties::new(fields) }))
}

struct H {
    e: Engine<'static>,
    inbox: Inbox<'static>,
}

impl H {
    fn new() -> H {
        H { e: Engine::new(leak(vec![0; 1024]), leak(vec![Slot::FREE; 8])), inbox: Inbox::new(leak(vec![0; 1024])) }
    }

    /// The client's output as one packet (AUTH, CONNECT, ...), owned.
    fn sent(&mut self) -> Packet<'static> {
        let wire = leak(self.e.pending_output().to_vec());
        self.e.output_written(wire.len());
        let (p, n) = decode::packet(wire).unwrap().expect("a whole packet");
        assert_eq!(n, wire.len(), "one packet");
        p
    }

    fn feed(&mut self, bytes: &[u8]) -> Result<Vec<Ev>, Error> {
        let space = self.inbox.space();
        space[..bytes.len()].copy_from_slice(bytes);
        self.inbox.filled(bytes.len());
        let mut evs = Vec::new();
        loop {
            match self.e.next_event(&mut self.inbox, 0)? {
                Progress::Event(e) => evs.push(own(&e)),
                Progress::Handled => {}
                Progress::Idle => return Ok(evs),
            }
        }
    }

    /// Connects with the method and first data; checks what CONNECT carries.
    fn connect_auth() -> H {
        let mut h = H::new();
        let fields = PropertyFields { authentication_method: Some(METHOD), authentication_data: Some(b"client-first"), ..Default::default() };
        let connect = Connect {
            client_id: "dev",
            clean_start: true,
            keepalive: 0,
            username: None,
            password: None,
            will: None,
            properties: Properties::new(&fields),
        };
        h.e.connect_v5_auth(&connect, METHOD, 0, 0).unwrap();
        let Packet::Connect(c) = h.sent() else { panic!("CONNECT first") };
        assert_eq!(c.properties.string(id::AUTHENTICATION_METHOD), Some(METHOD));
        assert_eq!(c.properties.binary(id::AUTHENTICATION_DATA), Some(&b"client-first"[..]));
        h
    }

    /// Answers the challenge in `evs` with the digest under `key`; returns the AUTH sent.
    fn answer(&mut self, evs: &[Ev], key: &[u8]) -> Vec<u8> {
        let [Ev::Auth { reason: CONTINUE, data: nonce }] = evs else { panic!("one challenge expected: {evs:?}") };
        self.e.answer_auth(Some(&digest(key, nonce)), 0).unwrap();
        let Packet::Auth(a) = self.sent() else { panic!("AUTH answer expected") };
        assert_eq!(a.reason, CONTINUE);
        assert_eq!(a.properties.string(id::AUTHENTICATION_METHOD), Some(METHOD));
        a.properties.binary(id::AUTHENTICATION_DATA).unwrap().to_vec()
    }

    /// The scripted broker's whole exchange: nonce, check, CONNACK (0x87 for a bad answer).
    fn challenge_and_check(&mut self, nonce: &[u8], key: &[u8]) -> Result<Vec<Ev>, Error> {
        let evs = self.feed(&auth(CONTINUE, METHOD, nonce)).unwrap();
        let answer = self.answer(&evs, key);
        let accepted = answer == digest(KEY, nonce);
        let fields = PropertyFields { authentication_method: Some(METHOD), ..Default::default() };
        self.feed(&connack(if accepted { 0 } else { 0x87 }, &fields))
    }

    fn connected() -> H {
        let mut h = H::connect_auth();
        assert_eq!(h.challenge_and_check(b"nonce-1", KEY).unwrap(), [Ev::Connected]);
        h
    }
}

#[test]
fn challenge_answered_with_the_right_digest_connects() {
    let h = H::connected();
    assert_eq!(h.e.state(), State::Connected);
}

#[test]
fn wrong_answer_is_refused_by_the_broker() {
    let mut h = H::connect_auth();
    assert_eq!(h.challenge_and_check(b"nonce-1", b"wrong key"), Err(Error::Refused(0x87)));
}

#[test]
fn bad_authentication_method_in_connack_refuses() {
    let mut h = H::connect_auth();
    assert_eq!(h.feed(&connack(0x8C, &PropertyFields::default())), Err(Error::Refused(0x8C)));
}

#[test]
fn application_refusing_the_challenge_ends_the_connection() {
    let mut h = H::connect_auth();
    let evs = h.feed(&auth(CONTINUE, METHOD, b"nonce")).unwrap();
    assert!(matches!(evs.as_slice(), [Ev::Auth { reason: CONTINUE, .. }]));
    h.e.refuse_auth().unwrap();
    assert_eq!(h.e.next_event(&mut h.inbox, 0).map(|_| ()), Err(Error::AuthRefused));
    assert!(h.e.pending_output().is_empty(), "no answer sent");
}

#[test]
fn answer_without_a_challenge_is_a_wrong_state() {
    let mut h = H::connect_auth();
    assert_eq!(h.e.answer_auth(Some(b"x"), 0), Err(Error::WrongState));
    assert_eq!(h.e.refuse_auth(), Err(Error::WrongState));
}

#[test]
fn connect_v5_auth_needs_the_method_in_the_connect_properties() {
    let mut h = H::new();
    let fields = PropertyFields { authentication_method: Some("OTHER"), ..Default::default() };
    let connect = Connect {
        client_id: "dev",
        clean_start: true,
        keepalive: 0,
        username: None,
        password: None,
        will: None,
        properties: Properties::new(&fields),
    };
    assert!(matches!(h.e.connect_v5_auth(&connect, METHOD, 0, 0), Err(Error::Encode(_))));
    assert_eq!(h.e.state(), State::Disconnected);
}

#[test]
fn reauthentication_runs_a_second_challenge_and_completes() {
    let mut h = H::connected();
    h.e.reauthenticate(Some(b"again"), 0).unwrap();
    assert!(h.e.is_reauthenticating());
    let Packet::Auth(a) = h.sent() else { panic!("AUTH expected") };
    assert_eq!((a.reason, a.properties.string(id::AUTHENTICATION_METHOD)), (REAUTHENTICATE, Some(METHOD)));
    assert_eq!(a.properties.binary(id::AUTHENTICATION_DATA), Some(&b"again"[..]));
    assert_eq!(h.e.reauthenticate(None, 0), Err(Error::WrongState), "one at a time");
    // Traffic goes on during the exchange.
    h.e.publish("t", b"x", QoS::AtMostOnce, false, 0).unwrap();
    h.sent();
    let evs = h.feed(&auth(CONTINUE, METHOD, b"nonce-2")).unwrap();
    let answer = h.answer(&evs, KEY);
    assert_eq!(answer, digest(KEY, b"nonce-2"));
    assert_eq!(h.feed(&auth(SUCCESS, METHOD, b"")).unwrap(), [Ev::Auth { reason: SUCCESS, data: vec![] }]);
    assert!(!h.e.is_reauthenticating());
    assert_eq!(h.e.state(), State::Connected);
}

#[test]
fn failed_reauthentication_is_the_brokers_disconnect() {
    let mut h = H::connected();
    h.e.reauthenticate(None, 0).unwrap();
    h.sent();
    let evs = h.feed(&auth(CONTINUE, METHOD, b"nonce-2")).unwrap();
    h.answer(&evs, b"wrong key");
    assert_eq!(h.feed(&bytes(&Packet::Disconnect(Reasoned { reason: 0x87, properties: Properties::NONE }))), Err(Error::ServerDisconnect(0x87)));
}

#[test]
fn reauthenticate_needs_a_method_and_a_connection() {
    let mut h = H::connect_auth();
    assert_eq!(h.e.reauthenticate(None, 0), Err(Error::WrongState), "before CONNACK");
    let mut plain = H::new();
    let connect =
        Connect { client_id: "p", clean_start: true, keepalive: 0, username: None, password: None, will: None, properties: Properties::NONE };
    plain.e.connect_v5(&connect, 0, 0).unwrap();
    plain.sent();
    plain.feed(&connack(0, &PropertyFields::default())).unwrap();
    assert_eq!(plain.e.reauthenticate(None, 0), Err(Error::WrongState), "no method in CONNECT");
}

#[test]
fn hostile_auth_packets_are_protocol_errors() {
    // AUTH to a client that named no authentication method.
    let mut plain = H::new();
    let connect =
        Connect { client_id: "p", clean_start: true, keepalive: 0, username: None, password: None, will: None, properties: Properties::NONE };
    plain.e.connect_v5(&connect, 0, 0).unwrap();
    plain.sent();
    assert_eq!(plain.feed(&auth(CONTINUE, METHOD, b"n")), Err(Error::AuthProtocol));
    // Another method.
    assert_eq!(H::connect_auth().feed(&auth(CONTINUE, "OTHER", b"n")), Err(Error::AuthProtocol));
    // No method at all (data without a method is malformed already).
    let none = bytes(&Packet::Auth(Reasoned { reason: CONTINUE, properties: Properties::NONE }));
    assert_eq!(H::connect_auth().feed(&none), Err(Error::AuthProtocol));
    // Re-authenticate (0x19) is the client's to send.
    assert_eq!(H::connect_auth().feed(&auth(REAUTHENTICATE, METHOD, b"n")), Err(Error::AuthProtocol));
    // Success by AUTH before CONNACK, or without a re-authentication under way.
    assert_eq!(H::connect_auth().feed(&auth(SUCCESS, METHOD, b"")), Err(Error::AuthProtocol));
    assert_eq!(H::connected().feed(&auth(SUCCESS, METHOD, b"")), Err(Error::AuthProtocol));
    // A second challenge before the first is answered.
    let mut twice = H::connect_auth();
    let mut two = auth(CONTINUE, METHOD, b"a");
    two.extend(auth(CONTINUE, METHOD, b"b"));
    assert_eq!(twice.feed(&two), Err(Error::AuthProtocol));
    // A reason code AUTH may not carry (0x87).
    let bad = [0xF0, 0x02, 0x87, 0x00];
    assert_eq!(H::connect_auth().feed(&bad), Err(Error::Decode(DecodeError::ReasonCode)));
    // CONNACK naming another method.
    let other = PropertyFields { authentication_method: Some("OTHER"), ..Default::default() };
    assert_eq!(H::connect_auth().feed(&connack(0, &other)), Err(Error::AuthProtocol));
    // CONNACK naming a method the client never sent.
    plain = H::new();
    plain.e.connect_v5(&connect, 0, 0).unwrap();
    plain.sent();
    let method = PropertyFields { authentication_method: Some(METHOD), ..Default::default() };
    assert_eq!(plain.feed(&connack(0, &method)), Err(Error::AuthProtocol));
}

#[test]
fn every_ack_hands_over_its_reason_string_and_user_properties() {
    let mut h = H::connected();
    let users = [("trace", "abc")];
    let fields = PropertyFields { reason_string: Some("quota exceeded"), user_properties: &users, ..Default::default() };
    let want = |reason: u8| Ev::Ack { reason, text: Some("quota exceeded".into()), users: vec![("trace".into(), "abc".into())] };
    // PUBACK refusing the message.
    let id = h.e.publish("t", b"x", QoS::AtLeastOnce, false, 0).unwrap();
    h.sent();
    let puback = bytes(&Packet::Puback(Ack { packet_id: id, reason: 0x97, properties: Properties::new(&fields) }));
    assert_eq!(h.feed(&puback).unwrap(), [want(0x97)]);
    // QoS 2: the PUBCOMP's properties (the PUBREC's are the broker's too, but only the last ends the flow).
    let id = h.e.publish("t", b"x", QoS::ExactlyOnce, false, 0).unwrap();
    h.sent();
    h.feed(&bytes(&Packet::Pubrec(Ack { packet_id: id, reason: 0, properties: Properties::NONE }))).unwrap();
    h.sent();
    let pubcomp = bytes(&Packet::Pubcomp(Ack { packet_id: id, reason: 0x92, properties: Properties::new(&fields) }));
    assert_eq!(h.feed(&pubcomp).unwrap(), [want(0x92)]);
    // PUBREC refusing a QoS 2 message ends its flow with the PUBREC's properties.
    let id = h.e.publish("t", b"x", QoS::ExactlyOnce, false, 0).unwrap();
    h.sent();
    let pubrec = bytes(&Packet::Pubrec(Ack { packet_id: id, reason: 0x80, properties: Properties::new(&fields) }));
    assert_eq!(h.feed(&pubrec).unwrap(), [want(0x80)]);
    // SUBACK and UNSUBACK.
    let id = h.e.subscribe([(&b"a/#"[..], QoS::AtLeastOnce)].into_iter(), 0).unwrap();
    h.sent();
    let suback = bytes(&Packet::Suback(SubAck { packet_id: id, properties: Properties::new(&fields), reason_codes: &[0x87] }));
    assert_eq!(h.feed(&suback).unwrap(), [want(0x87)]);
    let id = h.e.unsubscribe([&b"a/#"[..]].into_iter(), 0).unwrap();
    h.sent();
    let unsuback = bytes(&Packet::Unsuback(SubAck { packet_id: id, properties: Properties::new(&fields), reason_codes: &[0x11] }));
    assert_eq!(h.feed(&unsuback).unwrap(), [want(0x11)]);
}

/// Connects without authentication and returns the engine waiting for CONNACK.
fn connecting() -> H {
    let mut h = H::new();
    let connect =
        Connect { client_id: "p", clean_start: true, keepalive: 0, username: None, password: None, will: None, properties: Properties::NONE };
    h.e.connect_v5(&connect, 0, 0).unwrap();
    h.sent();
    h
}

#[test]
fn the_packet_that_ended_the_connection_stays_readable_after_it_closed() {
    let fields = PropertyFields { reason_string: Some("maintenance"), server_reference: Some("b.example:1883"), ..Default::default() };
    // The broker's DISCONNECT 0x9C Use another server.
    let mut h = connecting();
    h.feed(&connack(0, &PropertyFields::default())).unwrap();
    let disconnect = bytes(&Packet::Disconnect(Reasoned { reason: 0x9C, properties: Properties::new(&fields) }));
    assert_eq!(h.feed(&disconnect), Err(Error::ServerDisconnect(0x9C)));
    h.e.connection_lost(&mut h.inbox);
    let ending = h.e.ending_properties(&h.inbox);
    assert_eq!(ending.string(id::SERVER_REFERENCE), Some("b.example:1883"));
    assert_eq!(ending.string(id::REASON_STRING), Some("maintenance"));
    // A refusing CONNACK 0x9D Server moved.
    let mut h = connecting();
    assert_eq!(h.feed(&connack(0x9D, &fields)), Err(Error::Refused(0x9D)));
    h.e.connection_lost(&mut h.inbox);
    assert_eq!(h.e.ending_properties(&h.inbox).string(id::SERVER_REFERENCE), Some("b.example:1883"));
    // Another end (keepalive): nothing, and a new connection forgets the last ending.
    let mut h = connecting();
    h.feed(&connack(0, &PropertyFields::default())).unwrap();
    h.feed(&disconnect).unwrap_err();
    h.e.connection_lost(&mut h.inbox);
    let connect =
        Connect { client_id: "p", clean_start: true, keepalive: 0, username: None, password: None, will: None, properties: Properties::NONE };
    h.e.connect_v5(&connect, 0, 0).unwrap();
    h.sent();
    assert_eq!(h.e.poll_timers(60_000), Err(Error::KeepaliveTimeout));
    h.e.connection_lost(&mut h.inbox);
    assert!(h.e.ending_properties(&h.inbox).is_empty());
}
