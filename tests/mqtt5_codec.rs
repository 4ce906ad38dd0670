//! MQTT 5.0 codec tests (`cargo test --features mqtt5 --test mqtt5_codec`): round trips of
//! every packet type with properties, byte-exact encodings written by hand from the
//! specification, the short forms, one test per class of malformed input, the encoder's
//! refusals and the property accessors.
#![cfg(feature = "mqtt5")]

use mqtt_rs::codec::v5::property::id;
use mqtt_rs::codec::v5::{decode, encode};
use mqtt_rs::codec::v5::{Ack, Connack, Connect, Packet, Properties, PropertyFields, Publish, Reasoned, RetainHandling, SubAck};
use mqtt_rs::codec::v5::{Property, PropertySource, ServerLimits, SubscriptionOptions, Value, Will};
use mqtt_rs::codec::{DecodeError, EncodeError, ProtocolVersion, QoS};

// ---------------------------------------------------------------------------
// helpers

/// Encodes `p`, decodes it back, checks equality and that the decoded packet encodes to
/// the same bytes; every strict prefix needs more bytes, a following packet is left
/// alone, and every too-small buffer is refused. Returns the encoding.
fn round_trip(p: &Packet<'_>) -> Vec<u8> {
    let mut buf = vec![0u8; 70_000];
    let n = encode::packet(p, &mut buf).expect("encodes");
    let bytes = buf[..n].to_vec();

    let (decoded, used) = decode::packet(&bytes).expect("decodes").expect("complete");
    assert_eq!(used, n);
    assert_eq!(&decoded, p);

    let mut again = vec![0u8; 70_000];
    let m = encode::packet(&decoded, &mut again).expect("re-encodes");
    assert_eq!(&again[..m], &bytes[..], "second encoding differs");

    for k in 0..n {
        assert_eq!(decode::packet(&bytes[..k]), Ok(None), "prefix of {k} bytes of {bytes:02x?}");
    }
    let mut two = bytes.clone();
    two.extend_from_slice(&[0xd0, 0x00]);
    let (first, used) = decode::packet(&two).unwrap().unwrap();
    assert_eq!((&first, used), (p, n));

    for k in 0..n {
        let mut small = vec![0u8; k];
        assert_eq!(encode::packet(p, &mut small), Err(EncodeError::BufferTooSmall), "buffer of {k} for {n} bytes");
    }
    bytes
}

fn decode_err(bytes: &[u8]) -> DecodeError {
    match decode::packet(bytes) {
        Err(e) => e,
        other => panic!("{bytes:02x?} decoded as {other:?}"),
    }
}

fn decode_one(bytes: &[u8]) -> Packet<'_> {
    let (p, used) = decode::packet(bytes).unwrap().unwrap();
    assert_eq!(used, bytes.len());
    p
}

fn encode_vec(p: &Packet<'_>) -> Vec<u8> {
    let mut buf = vec![0u8; 4096];
    let n = encode::packet(p, &mut buf).unwrap();
    buf.truncate(n);
    buf
}

fn encode_err(p: &Packet<'_>) -> EncodeError {
    let mut buf = vec![0u8; 4096];
    encode::packet(p, &mut buf).expect_err("refused")
}

/// Length-prefixed string bytes.
fn s(text: &[u8]) -> Vec<u8> {
    let mut v = (text.len() as u16).to_be_bytes().to_vec();
    v.extend_from_slice(text);
    v
}

/// A packet from its first byte and body (remaining length computed, < 128).
fn pkt(first: u8, body: &[u8]) -> Vec<u8> {
    assert!(body.len() < 128);
    let mut v = vec![first, body.len() as u8];
    v.extend_from_slice(body);
    v
}

/// A property list with its length in front (< 128 bytes).
fn props(list: &[u8]) -> Vec<u8> {
    assert!(list.len() < 128);
    let mut v = vec![list.len() as u8];
    v.extend_from_slice(list);
    v
}

/// A QoS 1 PUBLISH to "t", id 1, with the property list `list` and payload "x".
fn publish_with(list: &[u8]) -> Vec<u8> {
    let mut body = s(b"t");
    body.extend_from_slice(&[0x00, 0x01]);
    body.extend_from_slice(&props(list));
    body.push(b'x');
    pkt(0x32, &body)
}

/// A CONNACK (success) with the property list `list`.
fn connack_with(list: &[u8]) -> Vec<u8> {
    let mut body = vec![0x00, 0x00];
    body.extend_from_slice(&props(list));
    pkt(0x20, &body)
}

/// A CONNECT (client "c", keepalive 60, clean start) with the property list `list`.
fn connect_with(list: &[u8]) -> Vec<u8> {
    let mut body = s(b"MQTT");
    body.extend_from_slice(&[5, 0x02, 0, 60]);
    body.extend_from_slice(&props(list));
    body.extend_from_slice(&s(b"c"));
    pkt(0x10, &body)
}

fn connect<'a>() -> Connect<'a> {
    Connect { client_id: "client-1", clean_start: true, keepalive: 60, username: None, password: None, will: None, properties: Properties::NONE }
}

fn publish<'a>(topic: &'a str, payload: &'a [u8], qos: QoS, packet_id: u16, properties: Properties<'a>) -> Publish<'a> {
    Publish { topic, payload, qos, retain: false, dup: false, packet_id, properties }
}

const USERS: &[(&str, &str)] = &[("region", "eu"), ("region", "us"), ("", ""), ("ключ", "значение")];

// ---------------------------------------------------------------------------
// round trips, every packet type

#[test]
fn round_trip_connect_with_properties_and_will_properties() {
    round_trip(&Packet::Connect(connect()));
    let fields = PropertyFields {
        session_expiry_interval: Some(3600),
        receive_maximum: Some(20),
        maximum_packet_size: Some(1024),
        topic_alias_maximum: Some(8),
        request_response_information: Some(1),
        request_problem_information: Some(0),
        user_properties: USERS,
        authentication_method: Some("SCRAM-SHA-1"),
        authentication_data: Some(b"\x00client-first\xff"),
        ..PropertyFields::default()
    };
    let will_fields = PropertyFields {
        payload_format_indicator: Some(1),
        message_expiry_interval: Some(120),
        content_type: Some("text/plain"),
        response_topic: Some("replies/c1"),
        correlation_data: Some(b"\x01\x02"),
        will_delay_interval: Some(30),
        user_properties: &[("k", "v")],
        ..PropertyFields::default()
    };
    for qos in [QoS::AtMostOnce, QoS::AtLeastOnce, QoS::ExactlyOnce] {
        let will = Will { topic: "status/c1", payload: b"offline", qos, retain: qos == QoS::AtLeastOnce, properties: (&will_fields).into() };
        let c = Connect {
            clean_start: false,
            username: Some("user"),
            password: Some(b"\x00pw"),
            will: Some(will),
            properties: (&fields).into(),
            ..connect()
        };
        round_trip(&Packet::Connect(c));
    }
    // MQTT 5.0 allows a password without a user name.
    round_trip(&Packet::Connect(Connect { password: Some(b"token"), ..connect() }));
}

#[test]
fn round_trip_connack_with_every_connack_property() {
    let fields = PropertyFields {
        session_expiry_interval: Some(0xffff_ffff),
        receive_maximum: Some(10),
        maximum_qos: Some(1),
        retain_available: Some(0),
        maximum_packet_size: Some(268_435_460),
        assigned_client_identifier: Some("auto-1234"),
        topic_alias_maximum: Some(5),
        reason_string: Some("welcome"),
        user_properties: USERS,
        wildcard_subscription_available: Some(1),
        subscription_identifier_available: Some(0),
        shared_subscription_available: Some(1),
        server_keep_alive: Some(30),
        response_information: Some("resp/"),
        server_reference: Some("other.example:1883"),
        authentication_method: Some("m"),
        authentication_data: Some(b""),
        ..PropertyFields::default()
    };
    round_trip(&Packet::Connack(Connack { session_present: true, reason: 0, properties: (&fields).into() }));
    round_trip(&Packet::Connack(Connack { session_present: false, reason: 0x9c, properties: (&fields).into() }));
    let bytes = round_trip(&Packet::Connack(Connack { session_present: false, reason: 0x87, properties: Properties::NONE }));
    assert_eq!(bytes, [0x20, 0x03, 0x00, 0x87, 0x00]);
}

#[test]
fn round_trip_publish_with_properties_and_topic_alias() {
    let fields = PropertyFields {
        payload_format_indicator: Some(1),
        message_expiry_interval: Some(60),
        topic_alias: Some(3),
        response_topic: Some("reply/here"),
        correlation_data: Some(b"corr-7"),
        user_properties: USERS,
        subscription_identifiers: &[1, 268_435_455, 128],
        content_type: Some("application/json"),
        ..PropertyFields::default()
    };
    for qos in [QoS::AtMostOnce, QoS::AtLeastOnce, QoS::ExactlyOnce] {
        let id = if qos == QoS::AtMostOnce { 0 } else { 77 };
        round_trip(&Packet::Publish(publish("a/b", b"{\"t\":21}", qos, id, (&fields).into())));
        round_trip(&Packet::Publish(Publish { retain: true, dup: id != 0, ..publish("a/b", b"", qos, id, Properties::NONE) }));
    }
    // With a topic alias, the topic name may be empty.
    let alias = PropertyFields { topic_alias: Some(3), ..PropertyFields::default() };
    round_trip(&Packet::Publish(publish("", b"x", QoS::AtLeastOnce, 5, (&alias).into())));
    // A payload over 127 bytes and properties over 127 bytes (two-byte lengths).
    let long = "p".repeat(300);
    let big = PropertyFields { content_type: Some(&long), ..PropertyFields::default() };
    round_trip(&Packet::Publish(publish("t", &[7u8; 500], QoS::AtLeastOnce, 1, (&big).into())));
}

#[test]
fn round_trip_publish_acks_full_and_short_forms() {
    let fields = PropertyFields { reason_string: Some("quota"), user_properties: &[("a", "b")], ..PropertyFields::default() };
    fn make(first: u8, a: Ack<'_>) -> Packet<'_> {
        match first {
            0x40 => Packet::Puback(a),
            0x50 => Packet::Pubrec(a),
            0x62 => Packet::Pubrel(a),
            _ => Packet::Pubcomp(a),
        }
    }
    for (first, ok_code, err_code) in [(0x40, 0x10, 0x97), (0x50, 0x10, 0x80), (0x62, 0x00, 0x92), (0x70, 0x00, 0x92)] {
        let make = |a| make(first, a);
        // Success without properties: the two-byte form.
        let short = round_trip(&make(Ack { packet_id: 0x2a, reason: 0, properties: Properties::NONE }));
        assert_eq!(short, [first, 0x02, 0x00, 0x2a]);
        // A reason code without properties: the property length is left out.
        let reason_only = round_trip(&make(Ack { packet_id: 0x2a, reason: err_code, properties: Properties::NONE }));
        assert_eq!(reason_only, [first, 0x03, 0x00, 0x2a, err_code]);
        round_trip(&make(Ack { packet_id: 0xffff, reason: ok_code, properties: (&fields).into() }));
        round_trip(&make(Ack { packet_id: 1, reason: err_code, properties: (&fields).into() }));
    }
}

#[test]
fn round_trip_subscribe_with_options_and_subscription_identifier() {
    let fields = PropertyFields { subscription_identifiers: &[42], user_properties: &[("k", "v")], ..PropertyFields::default() };
    let filters = [
        ("a/+/c", SubscriptionOptions::qos(QoS::AtMostOnce)),
        ("d/#", SubscriptionOptions { qos: QoS::ExactlyOnce, no_local: true, retain_as_published: true, retain_handling: RetainHandling::DoNotSend }),
        (
            "$share/g/e",
            SubscriptionOptions { qos: QoS::AtLeastOnce, no_local: false, retain_as_published: false, retain_handling: RetainHandling::SendIfNew },
        ),
    ];
    let mut buf = vec![0u8; 512];
    let n = encode::subscribe(9, &(&fields).into(), filters.iter().map(|(f, o)| (f.as_bytes(), *o)), &mut buf).unwrap();
    let p = decode_one(&buf[..n]);
    let Packet::Subscribe(sub) = p else { panic!("{p:?}") };
    assert_eq!(sub.packet_id, 9);
    assert_eq!(sub.filters().collect::<Vec<_>>(), filters);
    assert_eq!(sub.properties.subscription_identifiers().collect::<Vec<_>>(), [42]);
    assert_eq!(round_trip(&p), &buf[..n]);
    // Options byte: QoS 2, no local, retain as published, retain handling 2.
    assert_eq!(filters[1].1.to_byte(), 0b10_1110);
}

#[test]
fn round_trip_suback_unsubscribe_unsuback() {
    let fields = PropertyFields { reason_string: Some("partly"), user_properties: USERS, ..PropertyFields::default() };
    for properties in [Properties::NONE, (&fields).into()] {
        round_trip(&Packet::Suback(SubAck { packet_id: 3, properties, reason_codes: &[0, 1, 2, 0x80, 0x87, 0x9e, 0xa1, 0xa2] }));
        round_trip(&Packet::Unsuback(SubAck { packet_id: 4, properties, reason_codes: &[0, 0x11, 0x80, 0x83, 0x87, 0x8f, 0x91] }));
    }
    let users = PropertyFields { user_properties: &[("why", "done")], ..PropertyFields::default() };
    let mut buf = vec![0u8; 128];
    let n = encode::unsubscribe(5, &(&users).into(), ["a/#", "+/b"].iter().map(|f| f.as_bytes()), &mut buf).unwrap();
    let p = decode_one(&buf[..n]);
    let Packet::Unsubscribe(u) = p else { panic!("{p:?}") };
    assert_eq!(u.filters().collect::<Vec<_>>(), ["a/#", "+/b"]);
    assert_eq!(u.properties.user_properties().collect::<Vec<_>>(), [("why", "done")]);
    round_trip(&p);
}

#[test]
fn round_trip_ping_disconnect_auth_and_their_short_forms() {
    assert_eq!(round_trip(&Packet::Pingreq), [0xc0, 0x00]);
    assert_eq!(round_trip(&Packet::Pingresp), [0xd0, 0x00]);
    let normal = Reasoned { reason: 0, properties: Properties::NONE };
    assert_eq!(round_trip(&Packet::Disconnect(normal)), [0xe0, 0x00]);
    assert_eq!(round_trip(&Packet::Disconnect(Reasoned { reason: 0x04, ..normal })), [0xe0, 0x01, 0x04]);
    let fields = PropertyFields {
        session_expiry_interval: Some(0),
        reason_string: Some("moving"),
        server_reference: Some("b2.example"),
        user_properties: &[("a", "b")],
        ..PropertyFields::default()
    };
    round_trip(&Packet::Disconnect(Reasoned { reason: 0x9d, properties: (&fields).into() }));

    assert_eq!(round_trip(&Packet::Auth(normal)), [0xf0, 0x00]);
    // AUTH keeps the property length after a reason code.
    assert_eq!(round_trip(&Packet::Auth(Reasoned { reason: 0x18, ..normal })), [0xf0, 0x02, 0x18, 0x00]);
    let auth = PropertyFields {
        authentication_method: Some("SCRAM-SHA-1"),
        authentication_data: Some(b"server-first"),
        reason_string: Some("continue"),
        user_properties: &[("a", "b")],
        ..PropertyFields::default()
    };
    round_trip(&Packet::Auth(Reasoned { reason: 0x18, properties: (&auth).into() }));
    round_trip(&Packet::Auth(Reasoned { reason: 0x19, properties: (&auth).into() }));
}

// ---------------------------------------------------------------------------
// byte-exact encodings (written by hand from the specification)

#[test]
fn connect_matches_the_specification_example() {
    // MQTT 5.0 section 3.1.2.11 example: flags 0xCE (user name, password, will QoS 1,
    // will, clean start), keep alive 10, properties: Session Expiry Interval 10.
    let fields = PropertyFields { session_expiry_interval: Some(10), ..PropertyFields::default() };
    let c = Connect {
        client_id: "c",
        clean_start: true,
        keepalive: 10,
        username: Some("u"),
        password: Some(b"p"),
        will: Some(Will { topic: "w", payload: b"m", qos: QoS::AtLeastOnce, retain: false, properties: Properties::NONE }),
        properties: (&fields).into(),
    };
    let mut want = s(b"MQTT");
    want.extend_from_slice(&[0x05, 0xce, 0x00, 0x0a, 0x05, 0x11, 0x00, 0x00, 0x00, 0x0a]);
    want.extend_from_slice(&s(b"c"));
    want.push(0x00); // will properties: none
    for field in [b"w", b"m", b"u", b"p"] {
        want.extend_from_slice(&s(field));
    }
    let want = pkt(0x10, &want);
    assert_eq!(encode_vec(&Packet::Connect(c)), want);
    assert_eq!(decode_one(&want), Packet::Connect(c));
}

#[test]
fn publish_and_acks_match_hand_written_bytes() {
    let fields = PropertyFields {
        payload_format_indicator: Some(1),
        topic_alias: Some(2),
        user_properties: &[("k", "v")],
        subscription_identifiers: &[200],
        ..PropertyFields::default()
    };
    let p = publish("a/b", b"hi", QoS::AtLeastOnce, 10, (&fields).into());
    let mut body = s(b"a/b");
    body.extend_from_slice(&[0x00, 0x0a]);
    // Identifier order: 0x01, 0x0B (varint 200 = c8 01), 0x23, 0x26.
    body.extend_from_slice(&props(&[0x01, 0x01, 0x0b, 0xc8, 0x01, 0x23, 0x00, 0x02, 0x26, 0, 1, b'k', 0, 1, b'v']));
    body.extend_from_slice(b"hi");
    assert_eq!(encode_vec(&Packet::Publish(p)), pkt(0x32, &body));

    // The three forms of a successful PUBACK all decode to the same packet.
    let success = Packet::Puback(Ack { packet_id: 0x2a, reason: 0, properties: Properties::NONE });
    for bytes in [&[0x40, 0x02, 0x00, 0x2a][..], &[0x40, 0x03, 0x00, 0x2a, 0x00], &[0x40, 0x04, 0x00, 0x2a, 0x00, 0x00]] {
        assert_eq!(decode_one(bytes), success, "{bytes:02x?}");
    }
    // PUBREC "No matching subscribers" with a reason string.
    let p = decode_one(&[0x50, 0x0a, 0x00, 0x07, 0x10, 0x06, 0x1f, 0x00, 0x03, b'n', b'o', b'!']);
    let Packet::Pubrec(a) = p else { panic!("{p:?}") };
    assert_eq!((a.packet_id, a.reason, a.properties.string(id::REASON_STRING)), (7, 0x10, Some("no!")));
    // DISCONNECT and AUTH short forms.
    assert_eq!(decode_one(&[0xe0, 0x00]), Packet::Disconnect(Reasoned { reason: 0, properties: Properties::NONE }));
    assert_eq!(decode_one(&[0xe0, 0x01, 0x8e]), Packet::Disconnect(Reasoned { reason: 0x8e, properties: Properties::NONE }));
    assert_eq!(decode_one(&[0xf0, 0x00]), Packet::Auth(Reasoned { reason: 0, properties: Properties::NONE }));
    assert_eq!(decode_one(&[0xf0, 0x02, 0x19, 0x00]), Packet::Auth(Reasoned { reason: 0x19, properties: Properties::NONE }));
    // AUTH may not drop the property length alone (DISCONNECT and the acks may).
    assert_eq!(decode_err(&[0xf0, 0x01, 0x19]), DecodeError::PropertyLength);
}

#[test]
fn connack_properties_are_read_through_the_accessors() {
    let bytes = connack_with(&[
        0x21, 0x00, 0x05, // receive maximum 5
        0x27, 0x00, 0x00, 0x04, 0x00, // maximum packet size 1024
        0x24, 0x00, // maximum QoS 0
        0x13, 0x00, 0x1e, // server keep alive 30
        0x12, 0x00, 0x02, b'i', b'd', // assigned client identifier
        0x26, 0x00, 0x01, b'a', 0x00, 0x01, b'1', // user property a=1
        0x26, 0x00, 0x01, b'a', 0x00, 0x01, b'2', // user property a=2
        0x16, 0x00, 0x02, 0xff, 0x00, // authentication data
        0x15, 0x00, 0x01, b'm', // authentication method
    ]);
    let p = decode_one(&bytes);
    let Packet::Connack(c) = p else { panic!("{p:?}") };
    let pr = c.properties;
    assert_eq!(pr.integer(id::RECEIVE_MAXIMUM), Some(5));
    assert_eq!(pr.integer(id::MAXIMUM_PACKET_SIZE), Some(1024));
    assert_eq!(pr.byte(id::MAXIMUM_QOS), Some(0));
    assert_eq!(pr.integer(id::SERVER_KEEP_ALIVE), Some(30));
    assert_eq!(pr.string(id::ASSIGNED_CLIENT_IDENTIFIER), Some("id"));
    assert_eq!(pr.binary(id::AUTHENTICATION_DATA), Some(&[0xff, 0x00][..]));
    assert_eq!(pr.user_properties().collect::<Vec<_>>(), [("a", "1"), ("a", "2")]);
    assert_eq!(pr.get(id::TOPIC_ALIAS_MAXIMUM), None);
    assert_eq!(pr.string(id::RECEIVE_MAXIMUM), None, "wrong type asked for");
    assert_eq!(pr.iter().count(), 9);
    assert_eq!(pr.iter().next(), Some(Property { id: id::RECEIVE_MAXIMUM, value: Value::TwoByte(5) }));
    // The properties borrow the packet bytes: no copy was made.
    let alias = pr.string(id::ASSIGNED_CLIENT_IDENTIFIER).unwrap();
    assert!(bytes.as_ptr_range().contains(&alias.as_ptr()));
    // Re-encoded, the packet is the same bytes.
    assert_eq!(encode_vec(&p), bytes);
}

#[test]
fn server_limits_take_the_specification_defaults_and_the_broker_values() {
    let empty = connack_with(&[]);
    let p = decode_one(&empty);
    let Packet::Connack(c) = p else { panic!("{p:?}") };
    let defaults = ServerLimits::of(&c);
    assert_eq!(defaults, ServerLimits::default());
    assert_eq!((defaults.receive_maximum, defaults.maximum_qos, defaults.topic_alias_maximum), (65_535, QoS::ExactlyOnce, 0));
    assert!(defaults.retain_available && defaults.wildcard_subscription_available);
    assert!(defaults.subscription_identifiers_available && defaults.shared_subscription_available);
    assert_eq!(defaults.keepalive(60), 60);
    assert!(defaults.allows_packet_len(268_435_460));

    let bytes = connack_with(&[
        0x21, 0x00, 0x01, // receive maximum 1
        0x24, 0x01, // maximum QoS 1
        0x25, 0x00, // no retain
        0x27, 0x00, 0x00, 0x00, 0x80, // maximum packet size 128
        0x22, 0x00, 0x0a, // topic alias maximum 10
        0x28, 0x00, 0x29, 0x00, 0x2a, 0x00, // no wildcards, subscription ids, shared
        0x13, 0x00, 0x05, // server keep alive 5
        0x11, 0x00, 0x00, 0x00, 0x3c, // session expiry 60
    ]);
    let p = decode_one(&bytes);
    let Packet::Connack(c) = p else { panic!("{p:?}") };
    let limits = ServerLimits::of(&c);
    assert_eq!(
        limits,
        ServerLimits {
            receive_maximum: 1,
            maximum_qos: QoS::AtLeastOnce,
            retain_available: false,
            maximum_packet_size: Some(128),
            topic_alias_maximum: 10,
            wildcard_subscription_available: false,
            subscription_identifiers_available: false,
            shared_subscription_available: false,
            server_keep_alive: Some(5),
            session_expiry_interval: Some(60),
        }
    );
    assert_eq!(limits.keepalive(60), 5);
    assert!(limits.allows_packet_len(128) && !limits.allows_packet_len(129));
    let qos0 = connack_with(&[0x24, 0x00]);
    let Packet::Connack(c) = decode_one(&qos0) else { panic!() };
    assert_eq!(ServerLimits::of(&c).maximum_qos, QoS::AtMostOnce);
}

/// A user property laid out as a C caller holds it: pointers and lengths.
#[repr(C)]
struct CUserProperty {
    key: *const u8,
    key_len: usize,
    value: *const u8,
    value_len: usize,
}

/// Publish properties in a C struct: a message expiry (0: none) and user properties.
#[repr(C)]
struct CPublishProperties {
    message_expiry: u32,
    users: *const CUserProperty,
    user_count: usize,
}

fn c_str(ptr: *const u8, len: usize) -> Option<&'static str> {
    // SAFETY: the test's pointers come from 'static string literals of that length.
    std::str::from_utf8(unsafe { std::slice::from_raw_parts(ptr, len) }).ok()
}

impl PropertySource for CPublishProperties {
    fn property(&self, index: usize) -> Option<Property<'_>> {
        let expiry = usize::from(self.message_expiry != 0);
        if index < expiry {
            return Some(Property { id: id::MESSAGE_EXPIRY_INTERVAL, value: Value::FourByte(self.message_expiry) });
        }
        let i = index - expiry;
        if i >= self.user_count {
            return None;
        }
        // SAFETY: `users` holds `user_count` entries.
        let u = unsafe { &*self.users.add(i) };
        Some(Property { id: id::USER_PROPERTY, value: Value::Pair(c_str(u.key, u.key_len)?, c_str(u.value, u.value_len)?) })
    }
}

#[test]
fn properties_from_a_c_struct_are_encoded_in_place() {
    let users = [
        CUserProperty { key: b"a".as_ptr(), key_len: 1, value: b"1".as_ptr(), value_len: 1 },
        CUserProperty { key: b"bb".as_ptr(), key_len: 2, value: b"".as_ptr(), value_len: 0 },
    ];
    let c = CPublishProperties { message_expiry: 30, users: users.as_ptr(), user_count: users.len() };
    let p = publish("t", b"x", QoS::AtLeastOnce, 9, Properties::from_source(&c));
    let bytes = round_trip(&Packet::Publish(p));
    // The same bytes as the same properties given as fields.
    let fields = PropertyFields { message_expiry_interval: Some(30), user_properties: &[("a", "1"), ("bb", "")], ..PropertyFields::default() };
    assert_eq!(bytes, encode_vec(&Packet::Publish(publish("t", b"x", QoS::AtLeastOnce, 9, (&fields).into()))));

    // A source is checked like fields: a property PUBLISH does not allow is refused.
    struct Wrong;
    impl PropertySource for Wrong {
        fn property(&self, index: usize) -> Option<Property<'_>> {
            (index == 0).then_some(Property { id: id::MAXIMUM_QOS, value: Value::Byte(1) })
        }
    }
    assert_eq!(encode_err(&Packet::Publish(publish("t", b"", QoS::AtMostOnce, 0, Properties::from_source(&Wrong)))), EncodeError::InvalidField);

    // A source that changes between sizing and writing cannot produce a broken packet.
    struct Growing(std::cell::Cell<usize>);
    impl PropertySource for Growing {
        fn property(&self, index: usize) -> Option<Property<'_>> {
            let reads = self.0.get() + 1;
            self.0.set(reads);
            (index < reads / 2).then_some(Property { id: id::USER_PROPERTY, value: Value::Pair("k", "v") })
        }
    }
    let growing = Growing(std::cell::Cell::new(0));
    assert_eq!(encode_err(&Packet::Publish(publish("t", b"", QoS::AtMostOnce, 0, Properties::from_source(&growing)))), EncodeError::InvalidField);
}

// ---------------------------------------------------------------------------
// malformed input, one class at a time

#[test]
fn a_property_not_allowed_in_the_packet_is_refused() {
    // Topic alias in CONNECT, reason string in PUBLISH, will delay in CONNECT itself,
    // session expiry in PUBLISH, an unknown identifier, a two-byte identifier.
    assert_eq!(decode_err(&connect_with(&[0x23, 0x00, 0x01])), DecodeError::PropertyNotAllowed);
    assert_eq!(decode_err(&publish_with(&[0x1f, 0x00, 0x01, b'r'])), DecodeError::PropertyNotAllowed);
    assert_eq!(decode_err(&connect_with(&[0x18, 0, 0, 0, 1])), DecodeError::PropertyNotAllowed);
    assert_eq!(decode_err(&publish_with(&[0x11, 0, 0, 0, 1])), DecodeError::PropertyNotAllowed);
    assert_eq!(decode_err(&publish_with(&[0x7f, 0x00])), DecodeError::PropertyNotAllowed);
    assert_eq!(decode_err(&publish_with(&[0x81, 0x01, 0x00])), DecodeError::PropertyNotAllowed);
    // Maximum QoS belongs to CONNACK only; in a PUBACK it is refused.
    assert_eq!(decode_err(&pkt(0x40, &[0x00, 0x01, 0x00, 0x02, 0x24, 0x01])), DecodeError::PropertyNotAllowed);
    // Authentication data without an authentication method, in CONNECT, CONNACK, AUTH.
    let data = [0x16, 0x00, 0x01, b'x'];
    assert_eq!(decode_err(&connect_with(&data)), DecodeError::PropertyNotAllowed);
    assert_eq!(decode_err(&connack_with(&data)), DecodeError::PropertyNotAllowed);
    assert_eq!(decode_err(&pkt(0xf0, &[0x18, 0x04, 0x16, 0x00, 0x01, b'x'])), DecodeError::PropertyNotAllowed);
    // Subscription identifier in UNSUBSCRIBE.
    let mut body = vec![0x00, 0x01];
    body.extend_from_slice(&props(&[0x0b, 0x01]));
    body.extend_from_slice(&s(b"a"));
    assert_eq!(decode_err(&pkt(0xa2, &body)), DecodeError::PropertyNotAllowed);
}

#[test]
fn a_repeated_single_property_is_refused_and_repeatable_ones_are_not() {
    assert_eq!(decode_err(&connect_with(&[0x11, 0, 0, 0, 1, 0x11, 0, 0, 0, 2])), DecodeError::DuplicateProperty);
    assert_eq!(decode_err(&publish_with(&[0x23, 0, 1, 0x23, 0, 2])), DecodeError::DuplicateProperty);
    assert_eq!(decode_err(&connack_with(&[0x24, 0, 0x25, 1, 0x24, 0])), DecodeError::DuplicateProperty);
    // User properties may repeat anywhere; subscription identifiers in PUBLISH.
    decode_one(&publish_with(&[0x26, 0, 1, b'a', 0, 0, 0x26, 0, 1, b'a', 0, 0, 0x0b, 1, 0x0b, 2]));
    // ... but not in SUBSCRIBE.
    let mut body = vec![0x00, 0x01];
    body.extend_from_slice(&props(&[0x0b, 0x01, 0x0b, 0x02]));
    body.extend_from_slice(&s(b"a"));
    body.push(0x01);
    assert_eq!(decode_err(&pkt(0x82, &body)), DecodeError::DuplicateProperty);
}

#[test]
fn property_values_out_of_range_are_refused() {
    let cases: &[(&str, Vec<u8>)] = &[
        ("receive maximum 0", connack_with(&[0x21, 0, 0])),
        ("receive maximum 0 in CONNECT", connect_with(&[0x21, 0, 0])),
        ("maximum packet size 0", connack_with(&[0x27, 0, 0, 0, 0])),
        ("payload format 2", publish_with(&[0x01, 2])),
        ("subscription identifier 0", publish_with(&[0x0b, 0])),
        ("maximum QoS 2", connack_with(&[0x24, 2])),
        ("retain available 2", connack_with(&[0x25, 2])),
        ("wildcard subscription available 2", connack_with(&[0x28, 2])),
        ("subscription identifier available 2", connack_with(&[0x29, 2])),
        ("shared subscription available 2", connack_with(&[0x2a, 2])),
        ("request problem information 2", connect_with(&[0x17, 2])),
        ("request response information 2", connect_with(&[0x19, 2])),
    ];
    for (what, bytes) in cases {
        assert_eq!(decode::packet(bytes), Err(DecodeError::PropertyValue), "{what}");
    }
    // The edges that are fine.
    decode_one(&publish_with(&[0x0b, 0xff, 0xff, 0xff, 0x7f])); // 268,435,455
    decode_one(&connack_with(&[0x21, 0, 1, 0x27, 0, 0, 0, 1, 0x24, 1, 0x22, 0, 0]));
    // A subscription identifier in five bytes, or not minimally encoded, is a bad value;
    // one cut off by the end of the list a length fault.
    assert_eq!(decode_err(&publish_with(&[0x0b, 0x80, 0x80, 0x80, 0x80, 0x01])), DecodeError::PropertyValue);
    assert_eq!(decode_err(&publish_with(&[0x0b, 0x81, 0x00])), DecodeError::PropertyValue);
    assert_eq!(decode_err(&publish_with(&[0x0b, 0x81])), DecodeError::PropertyLength);
    // A topic alias of 0 is its own protocol error (Topic Alias Invalid, 0x94).
    assert_eq!(decode_err(&publish_with(&[0x23, 0, 0])), DecodeError::TopicAlias);
    // A response topic with a wildcard is a bad topic.
    assert_eq!(decode_err(&publish_with(&[0x08, 0, 3, b'a', b'/', b'#'])), DecodeError::Topic);
}

#[test]
fn property_lengths_past_the_packet_are_refused() {
    // Property length 9 with 2 bytes of properties and 1 of payload left.
    let mut body = s(b"t");
    body.extend_from_slice(&[0x00, 0x01, 0x09, 0x23, 0x00, 0x01]);
    assert_eq!(decode_err(&pkt(0x32, &body)), DecodeError::PropertyLength);
    // A property cut short by the end of the list (the list says 2, the alias needs 3).
    let mut body = s(b"t");
    body.extend_from_slice(&[0x00, 0x01, 0x02, 0x23, 0x00, 0x01]);
    assert_eq!(decode_err(&pkt(0x32, &body)), DecodeError::PropertyLength);
    // A string property longer than the list.
    assert_eq!(decode_err(&connack_with(&[0x1f, 0x00, 0x09, b'x'])), DecodeError::PropertyLength);
    // The property length itself cut off at the end of the packet.
    assert_eq!(decode_err(&pkt(0x40, &[0x00, 0x01, 0x00, 0x80])), DecodeError::PropertyLength);
    // Trailing bytes after the properties of an ack.
    assert_eq!(decode_err(&pkt(0x40, &[0x00, 0x01, 0x00, 0x00, 0x00])), DecodeError::Malformed);
}

#[test]
fn bad_utf8_in_properties_is_refused() {
    assert_eq!(decode_err(&connack_with(&[0x1f, 0x00, 0x02, 0xc3, 0x28])), DecodeError::Utf8);
    assert_eq!(decode_err(&connack_with(&[0x1f, 0x00, 0x01, 0x00])), DecodeError::Utf8);
    assert_eq!(decode_err(&publish_with(&[0x26, 0, 1, b'k', 0, 1, 0x00])), DecodeError::Utf8);
    assert_eq!(decode_err(&publish_with(&[0x03, 0, 2, 0xed, 0xa0])), DecodeError::Utf8);
}

#[test]
fn reason_codes_not_allowed_for_the_packet_are_refused() {
    let cases: &[(&str, Vec<u8>)] = &[
        ("CONNACK 0x05 (a 3.1.1 return code)", pkt(0x20, &[0x00, 0x05, 0x00])),
        ("CONNACK 0x10", pkt(0x20, &[0x00, 0x10, 0x00])),
        ("PUBACK 0x92", pkt(0x40, &[0x00, 0x01, 0x92])),
        ("PUBREC 0x01", pkt(0x50, &[0x00, 0x01, 0x01])),
        ("PUBREL 0x10", pkt(0x62, &[0x00, 0x01, 0x10])),
        ("PUBCOMP 0x80", pkt(0x70, &[0x00, 0x01, 0x80])),
        ("SUBACK 0x03", pkt(0x90, &[0x00, 0x01, 0x00, 0x00, 0x03])),
        ("SUBACK 0x11", pkt(0x90, &[0x00, 0x01, 0x00, 0x11])),
        ("UNSUBACK 0x01", pkt(0xb0, &[0x00, 0x01, 0x00, 0x00, 0x01])),
        ("DISCONNECT 0x05", pkt(0xe0, &[0x05])),
        ("AUTH 0x01", pkt(0xf0, &[0x01, 0x00])),
        ("AUTH 0x80", pkt(0xf0, &[0x80])),
    ];
    for (what, bytes) in cases {
        assert_eq!(decode::packet(bytes), Err(DecodeError::ReasonCode), "{what}");
    }
}

#[test]
fn other_malformed_v5_packets_are_refused() {
    // Session present with a failing CONNACK.
    assert_eq!(decode_err(&pkt(0x20, &[0x01, 0x80, 0x00])), DecodeError::Malformed);
    // CONNACK without its property length.
    assert_eq!(decode_err(&pkt(0x20, &[0x00, 0x00])), DecodeError::PropertyLength);
    // Subscription options: reserved bits, retain handling 3, QoS 3.
    for (options, err) in [(0x40, DecodeError::Malformed), (0x30, DecodeError::Malformed), (0x03, DecodeError::QoS)] {
        let mut body = vec![0x00, 0x01, 0x00];
        body.extend_from_slice(&s(b"a/b"));
        body.push(options);
        assert_eq!(decode_err(&pkt(0x82, &body)), err, "options {options:#04x}");
    }
    // No Local on a shared subscription.
    let mut body = vec![0x00, 0x01, 0x00];
    body.extend_from_slice(&s(b"$share/g/a"));
    body.push(0x04);
    assert_eq!(decode_err(&pkt(0x82, &body)), DecodeError::Malformed);
    // An empty topic without a topic alias.
    let mut body = s(b"");
    body.extend_from_slice(&[0x00]);
    assert_eq!(decode_err(&pkt(0x30, &body)), DecodeError::Topic);
    // AUTH with flags, and AUTH's type number is unknown to the 3.1.1 decoder.
    assert_eq!(decode_err(&[0xf1, 0x00]), DecodeError::Flags);
    assert_eq!(mqtt_rs::codec::decode::packet(&[0xf0, 0x00]), Err(DecodeError::Malformed));
    // A 3.1.1 CONNECT (level 4) is not an MQTT 5.0 one.
    let mut body = s(b"MQTT");
    body.extend_from_slice(&[4, 0x02, 0, 60]);
    body.extend_from_slice(&s(b"c"));
    assert_eq!(decode_err(&pkt(0x10, &body)), DecodeError::Malformed);
    // Empty SUBACK and UNSUBACK reason code lists.
    assert_eq!(decode_err(&pkt(0x90, &[0x00, 0x01, 0x00])), DecodeError::Malformed);
    assert_eq!(decode_err(&pkt(0xb0, &[0x00, 0x01, 0x00])), DecodeError::Malformed);
    // Packet id 0 in an ack.
    assert_eq!(decode_err(&pkt(0x40, &[0x00, 0x00])), DecodeError::PacketId);
}

// ---------------------------------------------------------------------------
// the encoder refuses what the decoder would refuse

#[test]
fn the_encoder_refuses_invalid_properties_and_reason_codes() {
    let alias0 = PropertyFields { topic_alias: Some(0), ..PropertyFields::default() };
    assert_eq!(encode_err(&Packet::Publish(publish("t", b"", QoS::AtMostOnce, 0, (&alias0).into()))), EncodeError::InvalidField);
    let not_here = PropertyFields { maximum_qos: Some(1), ..PropertyFields::default() };
    assert_eq!(encode_err(&Packet::Publish(publish("t", b"", QoS::AtMostOnce, 0, (&not_here).into()))), EncodeError::InvalidField);
    assert_eq!(encode_err(&Packet::Connect(Connect { properties: (&not_here).into(), ..connect() })), EncodeError::InvalidField);
    let two_ids = PropertyFields { subscription_identifiers: &[1, 2], ..PropertyFields::default() };
    let mut buf = [0u8; 64];
    let one = [("a".as_bytes(), SubscriptionOptions::qos(QoS::AtMostOnce))];
    assert_eq!(encode::subscribe(1, &(&two_ids).into(), one.iter().copied(), &mut buf), Err(EncodeError::InvalidField));
    let data_alone = PropertyFields { authentication_data: Some(b"x"), ..PropertyFields::default() };
    assert_eq!(encode_err(&Packet::Auth(Reasoned { reason: 0x18, properties: (&data_alone).into() })), EncodeError::InvalidField);
    let id_too_big = PropertyFields { subscription_identifiers: &[268_435_456], ..PropertyFields::default() };
    assert_eq!(encode::subscribe(1, &(&id_too_big).into(), one.iter().copied(), &mut buf), Err(EncodeError::InvalidField));
    let nul = PropertyFields { user_properties: &[("a\0", "b")], ..PropertyFields::default() };
    assert_eq!(encode_err(&Packet::Publish(publish("t", b"", QoS::AtMostOnce, 0, (&nul).into()))), EncodeError::InvalidField);
    let wildcard = PropertyFields { response_topic: Some("r/+"), ..PropertyFields::default() };
    assert_eq!(encode_err(&Packet::Publish(publish("t", b"", QoS::AtMostOnce, 0, (&wildcard).into()))), EncodeError::Topic);
    // An empty topic needs a topic alias.
    assert_eq!(encode_err(&Packet::Publish(publish("", b"", QoS::AtMostOnce, 0, Properties::NONE))), EncodeError::Topic);
    // Reason codes.
    let none = Properties::NONE;
    assert_eq!(encode_err(&Packet::Puback(Ack { packet_id: 1, reason: 0x92, properties: none })), EncodeError::InvalidField);
    assert_eq!(encode_err(&Packet::Connack(Connack { session_present: false, reason: 5, properties: none })), EncodeError::InvalidField);
    assert_eq!(encode_err(&Packet::Connack(Connack { session_present: true, reason: 0x80, properties: none })), EncodeError::InvalidField);
    assert_eq!(encode_err(&Packet::Suback(SubAck { packet_id: 1, properties: none, reason_codes: &[] })), EncodeError::InvalidField);
    assert_eq!(encode_err(&Packet::Auth(Reasoned { reason: 0x04, properties: none })), EncodeError::InvalidField);
    // No Local on a shared subscription; no filters at all.
    let no_local = SubscriptionOptions { no_local: true, ..SubscriptionOptions::qos(QoS::AtMostOnce) };
    let shared = [("$share/g/a".as_bytes(), no_local)];
    assert_eq!(encode::subscribe(1, &none, shared.iter().copied(), &mut buf), Err(EncodeError::InvalidField));
    assert_eq!(encode::subscribe(1, &none, core::iter::empty::<(&[u8], SubscriptionOptions)>(), &mut buf), Err(EncodeError::InvalidField));
}

#[test]
fn the_3_1_1_encoder_refuses_a_v5_connect() {
    let c = mqtt_rs::codec::Connect {
        version: ProtocolVersion::V5,
        client_id: "c",
        clean_session: true,
        keepalive: 0,
        username: None,
        password: None,
        will: None,
    };
    assert_eq!(mqtt_rs::codec::encode::connect(&c, &mut [0u8; 64]), Err(EncodeError::InvalidField));
    assert_eq!(ProtocolVersion::V5 as u8, 5);
}

// ---------------------------------------------------------------------------
// the pieces the receive path uses

#[test]
fn from_broker_leaves_client_packets_unparsed() {
    let header = |b: &[u8]| decode::fixed_header(b).unwrap().unwrap();
    let pingreq = [0xc0, 0x00];
    assert_eq!(decode::from_broker(&header(&pingreq), &[]), Ok(None));
    let auth = [0xf0, 0x00];
    assert_eq!(decode::from_broker(&header(&auth), &[]), Ok(Some(Packet::Auth(Reasoned { reason: 0, properties: Properties::NONE }))));
}

#[test]
fn publish_head_prefix_waits_for_the_whole_property_list() {
    let fields = PropertyFields { correlation_data: Some(b"0123456789"), user_properties: USERS, ..PropertyFields::default() };
    let p = publish("a/b", b"payload", QoS::ExactlyOnce, 3, (&fields).into());
    let bytes = encode_vec(&Packet::Publish(p));
    let h = decode::fixed_header(&bytes).unwrap().unwrap();
    let body = &bytes[h.len..];
    let head_len = body.len() - p.payload.len();
    for cut in 0..=body.len() {
        match decode::publish_head_prefix(h.first, &body[..cut]).unwrap() {
            None => assert!(cut < head_len, "cut {cut}"),
            Some(head) => {
                assert!(cut >= head_len);
                assert_eq!(head.len, head_len);
                assert_eq!(head.publish, Publish { payload: b"", ..p });
            }
        }
    }
    assert_eq!(encode::publish_head_len(&p, p.payload.len()), Ok(h.len + head_len));
}

/// The property section a persistence record keeps: encoded as a PUBLISH carries it,
/// read back with the same properties; a section cut short, with bytes after it, or
/// holding what only one connection (topic alias) or the broker (subscription
/// identifier) may send is refused; a buffer too small is refused.
#[test]
fn a_kept_publish_property_section_reads_back_and_is_checked() {
    use mqtt_rs::codec::v5::property::publish_section;
    let fields = PropertyFields {
        payload_format_indicator: Some(1),
        message_expiry_interval: Some(300),
        content_type: Some("text/plain"),
        correlation_data: Some(b"\x00id"),
        user_properties: &[("unit", "C")],
        ..PropertyFields::default()
    };
    let properties: Properties<'_> = (&fields).into();
    let mut buf = [0u8; 64];
    let n = encode::publish_properties(&properties, &mut buf).expect("fits");
    assert_eq!(usize::from(buf[0]) + 1, n, "the length field, then the properties");
    let back = publish_section(&buf[..n]).expect("reads back");
    assert_eq!(back, properties);
    assert_eq!(back.integer(id::MESSAGE_EXPIRY_INTERVAL), Some(300));
    assert_eq!(publish_section(&buf[..n - 1]), Err(DecodeError::PropertyLength), "cut short");
    let mut longer = buf[..n].to_vec();
    longer.push(0);
    assert_eq!(publish_section(&longer), Err(DecodeError::PropertyLength), "a byte after it");
    assert_eq!(publish_section(&[3, id::TOPIC_ALIAS, 0, 1]), Err(DecodeError::PropertyNotAllowed));
    assert_eq!(publish_section(&[2, id::SUBSCRIPTION_IDENTIFIER, 1]), Err(DecodeError::PropertyNotAllowed));
    assert_eq!(encode::publish_properties(&properties, &mut buf[..n - 1]), Err(EncodeError::BufferTooSmall));
    assert_eq!(publish_section(&[0]).map(|p| p.is_empty()), Ok(true), "an empty section");
}
