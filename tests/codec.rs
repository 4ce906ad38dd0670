//! Codec tests: round trips for all 14 packet types, byte-exact checks against
//! hand-written MQTT 3.1.1 encodings, one test per class of malformed input and the
//! encoder's refusals.

use mqtt_rs::codec::packet::Connack;
use mqtt_rs::codec::{decode, encode, varint, writer, DecodeError, EncodeError};
use mqtt_rs::codec::{Connect, Packet, ProtocolVersion, Publish, QoS, Suback, Will};

// ---------------------------------------------------------------------------
// helpers

/// Encodes `p`, decodes it back, checks equality, and checks that encoding the decoded
/// packet gives the same bytes. Also checks the decoder on every strict prefix (needs
/// more bytes) and with a following packet in the buffer (uses only its own bytes), and
/// the encoder on every too-small buffer. Returns the encoding.
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

fn subscribe_bytes(id: u16, filters: &[(&str, QoS)]) -> Vec<u8> {
    let mut buf = vec![0u8; 4096];
    let n = encode::subscribe(id, filters.iter().map(|(f, q)| (f.as_bytes(), *q)), &mut buf).unwrap();
    buf.truncate(n);
    buf
}

fn unsubscribe_bytes(id: u16, filters: &[&str]) -> Vec<u8> {
    let mut buf = vec![0u8; 4096];
    let n = encode::unsubscribe(id, filters.iter().map(|f| f.as_bytes()), &mut buf).unwrap();
    buf.truncate(n);
    buf
}

fn connect<'a>() -> Connect<'a> {
    Connect {
        version: ProtocolVersion::V3_1_1,
        client_id: "client-1",
        clean_session: true,
        keepalive: 60,
        username: None,
        password: None,
        will: None,
    }
}

fn publish<'a>(topic: &'a str, payload: &'a [u8], qos: QoS, id: u16) -> Publish<'a> {
    Publish { topic, payload, qos, retain: false, dup: false, packet_id: id }
}

// ---------------------------------------------------------------------------
// round trips, every packet type

#[test]
fn round_trip_connect_minimal_and_full() {
    round_trip(&Packet::Connect(connect()));
    round_trip(&Packet::Connect(Connect { client_id: "", keepalive: 0, ..connect() }));
    round_trip(&Packet::Connect(Connect { clean_session: false, keepalive: 0xffff, ..connect() }));
    round_trip(&Packet::Connect(Connect { username: Some("user"), ..connect() }));
    round_trip(&Packet::Connect(Connect { username: Some("user"), password: Some(b"\x00p\xffw"), ..connect() }));
    round_trip(&Packet::Connect(Connect { username: Some(""), password: Some(b""), ..connect() }));
    for qos in [QoS::AtMostOnce, QoS::AtLeastOnce, QoS::ExactlyOnce] {
        for retain in [false, true] {
            let will = Will { topic: "clients/1/status", payload: b"offline", qos, retain };
            round_trip(&Packet::Connect(Connect { will: Some(will), ..connect() }));
            let full = Connect {
                client_id: "sensor-\u{e9}",
                clean_session: false,
                keepalive: 30,
                username: Some("\u{fc}ser"),
                password: Some(&[1, 2, 3, 0, 255]),
                will: Some(Will { payload: &[], ..will }),
                ..connect()
            };
            round_trip(&Packet::Connect(full));
        }
    }
}

#[test]
fn round_trip_connack() {
    round_trip(&Packet::Connack(Connack { session_present: false, code: 0 }));
    round_trip(&Packet::Connack(Connack { session_present: true, code: 0 }));
    for code in 1..=5 {
        round_trip(&Packet::Connack(Connack { session_present: false, code }));
    }
}

#[test]
fn round_trip_publish_every_qos_retain_and_dup() {
    let big = vec![0xa5u8; 300]; // two-byte remaining length
    for (qos, id) in [(QoS::AtMostOnce, 0), (QoS::AtLeastOnce, 1), (QoS::ExactlyOnce, 0xffff)] {
        for retain in [false, true] {
            for dup in [false, true] {
                if dup && qos == QoS::AtMostOnce {
                    continue; // not allowed, see the error tests
                }
                for payload in [&b""[..], &b"hello"[..], &big[..]] {
                    round_trip(&Packet::Publish(Publish { retain, dup, ..publish("a/b/\u{263a}", payload, qos, id) }));
                }
            }
        }
    }
}

#[test]
fn round_trip_acks() {
    for id in [1u16, 10, 0x1234, 0xffff] {
        round_trip(&Packet::Puback(id));
        round_trip(&Packet::Pubrec(id));
        round_trip(&Packet::Pubrel(id));
        round_trip(&Packet::Pubcomp(id));
        round_trip(&Packet::Unsuback(id));
    }
}

#[test]
fn round_trip_subscribe_with_several_filters() {
    let filters = [
        ("a/b", QoS::AtMostOnce),
        ("sensors/+/temp", QoS::AtLeastOnce),
        ("cmd/#", QoS::ExactlyOnce),
        ("#", QoS::AtLeastOnce),
        ("+", QoS::AtMostOnce),
        ("/", QoS::AtMostOnce),
    ];
    let bytes = subscribe_bytes(7, &filters);
    let Packet::Subscribe(sub) = decode_one(&bytes) else { panic!() };
    assert_eq!(sub.packet_id, 7);
    assert_eq!(sub.filters().collect::<Vec<_>>(), filters);
    assert_eq!(round_trip(&Packet::Subscribe(sub)), bytes);
}

#[test]
fn round_trip_suback_with_failure_code() {
    round_trip(&Packet::Suback(Suback { packet_id: 3, return_codes: &[0, 1, 2, 0x80] }));
    round_trip(&Packet::Suback(Suback { packet_id: 0xffff, return_codes: &[0x80] }));
}

#[test]
fn round_trip_unsubscribe() {
    let filters = ["a/b", "c/+/d", "e/#"];
    let bytes = unsubscribe_bytes(9, &filters);
    let Packet::Unsubscribe(unsub) = decode_one(&bytes) else { panic!() };
    assert_eq!(unsub.packet_id, 9);
    assert_eq!(unsub.filters().collect::<Vec<_>>(), filters);
    assert_eq!(round_trip(&Packet::Unsubscribe(unsub)), bytes);
}

#[test]
fn round_trip_empty_packets() {
    assert_eq!(round_trip(&Packet::Pingreq), [0xc0, 0x00]);
    assert_eq!(round_trip(&Packet::Pingresp), [0xd0, 0x00]);
    assert_eq!(round_trip(&Packet::Disconnect), [0xe0, 0x00]);
}

// ---------------------------------------------------------------------------
// byte-exact encodings written out by hand from the MQTT 3.1.1 specification

#[test]
fn connect_bytes_match_the_spec_layout() {
    let c = Connect {
        client_id: "ab",
        clean_session: true,
        keepalive: 10,
        username: Some("u"),
        password: Some(b"pw"),
        will: Some(Will { topic: "w", payload: b"x", qos: QoS::AtLeastOnce, retain: false }),
        ..connect()
    };
    #[rustfmt::skip]
    let expected = [
        0x10, 27,                               // CONNECT, remaining length
        0x00, 0x04, b'M', b'Q', b'T', b'T',     // protocol name
        0x04,                                   // protocol level 4
        0xce,                                   // user, password, will QoS 1, will, clean session
        0x00, 0x0a,                             // keepalive 10 s
        0x00, 0x02, b'a', b'b',                 // client id
        0x00, 0x01, b'w',                       // will topic
        0x00, 0x01, b'x',                       // will message
        0x00, 0x01, b'u',                       // user name
        0x00, 0x02, b'p', b'w',                 // password
    ];
    assert_eq!(encode_vec(&Packet::Connect(c)), expected);
    assert_eq!(decode_one(&expected), Packet::Connect(c));

    // Will retain + QoS 2, no user: flags 0x36.
    let c2 = Connect { client_id: "", keepalive: 0, will: Some(Will { topic: "w", payload: b"", qos: QoS::ExactlyOnce, retain: true }), ..connect() };
    let bytes = encode_vec(&Packet::Connect(c2));
    assert_eq!(bytes[9], 0x36);
}

#[test]
fn connack_publish_and_ack_bytes_match_the_spec() {
    assert_eq!(encode_vec(&Packet::Connack(Connack { session_present: true, code: 0 })), [0x20, 0x02, 0x01, 0x00]);
    assert_eq!(encode_vec(&Packet::Connack(Connack { session_present: false, code: 5 })), [0x20, 0x02, 0x00, 0x05]);

    // Spec 3.3.2.3 example: topic "a/b", packet identifier 10.
    let p = Publish { retain: true, ..publish("a/b", b"hi", QoS::AtLeastOnce, 10) };
    let expected = [0x33, 0x09, 0x00, 0x03, b'a', b'/', b'b', 0x00, 0x0a, b'h', b'i'];
    assert_eq!(encode_vec(&Packet::Publish(p)), expected);
    assert_eq!(decode_one(&expected), Packet::Publish(p));
    // QoS 0 has no packet identifier; QoS 2 + DUP sets 0x0c.
    assert_eq!(encode_vec(&Packet::Publish(publish("t", b"", QoS::AtMostOnce, 0))), [0x30, 0x03, 0x00, 0x01, b't']);
    let dup2 = Publish { dup: true, ..publish("t", b"", QoS::ExactlyOnce, 0x0102) };
    assert_eq!(encode_vec(&Packet::Publish(dup2)), [0x3c, 0x05, 0x00, 0x01, b't', 0x01, 0x02]);

    assert_eq!(encode_vec(&Packet::Puback(0x1234)), [0x40, 0x02, 0x12, 0x34]);
    assert_eq!(encode_vec(&Packet::Pubrec(1)), [0x50, 0x02, 0x00, 0x01]);
    assert_eq!(encode_vec(&Packet::Pubrel(1)), [0x62, 0x02, 0x00, 0x01]);
    assert_eq!(encode_vec(&Packet::Pubcomp(1)), [0x70, 0x02, 0x00, 0x01]);
    assert_eq!(encode_vec(&Packet::Unsuback(0xff01)), [0xb0, 0x02, 0xff, 0x01]);
}

#[test]
fn subscribe_suback_unsubscribe_bytes_match_the_spec_examples() {
    // Spec 3.8.3.1 example: "a/b" QoS 1, "c/d" QoS 2, packet identifier 10.
    #[rustfmt::skip]
    let subscribe = [
        0x82, 0x0e, 0x00, 0x0a,
        0x00, 0x03, b'a', b'/', b'b', 0x01,
        0x00, 0x03, b'c', b'/', b'd', 0x02,
    ];
    assert_eq!(subscribe_bytes(10, &[("a/b", QoS::AtLeastOnce), ("c/d", QoS::ExactlyOnce)]), subscribe);

    // Spec 3.9.3 example: granted QoS 0, failure, granted QoS 2.
    let suback = [0x90, 0x05, 0x00, 0x0a, 0x00, 0x80, 0x02];
    let s = Suback { packet_id: 10, return_codes: &[0x00, 0x80, 0x02] };
    assert_eq!(decode_one(&suback), Packet::Suback(s));
    assert_eq!(encode_vec(&Packet::Suback(s)), suback);

    // Spec 3.10.3 example: "a/b" and "c/d".
    #[rustfmt::skip]
    let unsubscribe = [
        0xa2, 0x0c, 0x00, 0x0a,
        0x00, 0x03, b'a', b'/', b'b',
        0x00, 0x03, b'c', b'/', b'd',
    ];
    assert_eq!(unsubscribe_bytes(10, &["a/b", "c/d"]), unsubscribe);
}

#[test]
fn remaining_length_boundaries_from_the_spec_table() {
    let table: [(u32, &[u8]); 8] = [
        (0, &[0x00]),
        (127, &[0x7f]),
        (128, &[0x80, 0x01]),
        (16_383, &[0xff, 0x7f]),
        (16_384, &[0x80, 0x80, 0x01]),
        (2_097_151, &[0xff, 0xff, 0x7f]),
        (2_097_152, &[0x80, 0x80, 0x80, 0x01]),
        (268_435_455, &[0xff, 0xff, 0xff, 0x7f]),
    ];
    for (value, bytes) in table {
        let mut out = [0u8; 4];
        let n = varint::encode(value, &mut out);
        assert_eq!(&out[..n], bytes, "encode {value}");
        assert_eq!(varint::encoded_len(value), bytes.len());
        assert_eq!(varint::decode(bytes), Ok(varint::VarInt::Complete { value, len: bytes.len() }));
        // One byte short is incomplete, never an error.
        assert_eq!(varint::decode(&bytes[..bytes.len() - 1]), Ok(varint::VarInt::Incomplete));
        // The fixed header every encoder writes carries the same bytes.
        let mut header = [0u8; 5];
        let mut w = writer::Writer::new(&mut header);
        w.fixed_header(0x30, value as usize).unwrap();
        assert_eq!(w.len(), 1 + bytes.len());
        assert_eq!((header[0], &header[1..1 + bytes.len()]), (0x30, bytes), "fixed header {value}");
        // One byte short of room fails.
        assert_eq!(writer::Writer::new(&mut header[..bytes.len()]).fixed_header(0x30, value as usize), Err(EncodeError::BufferTooSmall));
    }
    // A PUBLISH with a 3-byte remaining length survives the round trip.
    let payload = vec![7u8; 20_000];
    let bytes = round_trip(&Packet::Publish(publish("big", &payload, QoS::AtLeastOnce, 5)));
    assert_eq!(&bytes[..4], [0x32, 0xa7, 0x9c, 0x01]); // 20_000 + 5 + 2 = 20_007
}

// ---------------------------------------------------------------------------
// malformed input, each fault to its own error

#[test]
fn remaining_length_of_five_bytes_is_rejected() {
    assert_eq!(decode_err(&[0x30, 0x80, 0x80, 0x80, 0x80, 0x01]), DecodeError::RemainingLength);
    assert_eq!(decode_err(&[0xd0, 0xff, 0xff, 0xff, 0xff, 0x7f]), DecodeError::RemainingLength);
    // Known to be bad once the fourth continuation byte is there.
    assert_eq!(decode_err(&[0x30, 0x80, 0x80, 0x80, 0x80]), DecodeError::RemainingLength);
    assert_eq!(decode::packet(&[0x30, 0x80, 0x80, 0x80]), Ok(None));
}

#[test]
fn non_minimal_remaining_length_is_rejected() {
    assert_eq!(decode_err(&[0xd0, 0x80, 0x00]), DecodeError::RemainingLength);
    assert_eq!(decode_err(&[0x40, 0x82, 0x00, 0x00, 0x01]), DecodeError::RemainingLength);
    assert_eq!(decode_err(&[0x30, 0xff, 0x80, 0x00]), DecodeError::RemainingLength);
    assert_eq!(decode_err(&[0x30, 0x80, 0x80, 0x80, 0x00]), DecodeError::RemainingLength);
}

#[test]
fn remaining_length_beyond_the_buffer_means_incomplete() {
    assert_eq!(decode::packet(&[]), Ok(None));
    assert_eq!(decode::packet(&[0x40]), Ok(None));
    assert_eq!(decode::packet(&[0x40, 0x02, 0x00]), Ok(None));
    assert_eq!(decode::packet(&[0x30, 0xc8, 0x01, 0x00, 0x01, b't']), Ok(None));
    // 200 announced
}

#[test]
fn wrong_fixed_header_flags_are_rejected() {
    // PUBREL, SUBSCRIBE, UNSUBSCRIBE need 0b0010.
    for kind in [0x60u8, 0x80, 0xa0] {
        for flags in [0x0u8, 0x1, 0x3, 0x4, 0x8, 0xf] {
            assert_eq!(decode_err(&pkt(kind | flags, &[0, 1])), DecodeError::Flags, "first byte {:#x}", kind | flags);
        }
    }
    // Every other type (PUBLISH aside) needs 0.
    for kind in [0x10u8, 0x20, 0x40, 0x50, 0x70, 0x90, 0xb0, 0xc0, 0xd0, 0xe0] {
        for flags in [0x1u8, 0x2, 0x4, 0x8] {
            assert_eq!(decode_err(&pkt(kind | flags, &[0, 1])), DecodeError::Flags, "first byte {:#x}", kind | flags);
        }
    }
    // DUP on QoS 0.
    let mut body = s(b"t");
    body.push(b'x');
    assert_eq!(decode_err(&pkt(0x38, &body)), DecodeError::Flags);
    assert_eq!(decode_err(&pkt(0x39, &body)), DecodeError::Flags);
    // The flags are checked before the body is needed.
    assert_eq!(decode_err(&[0x61]), DecodeError::Flags);
}

#[test]
fn qos_3_is_rejected() {
    let mut body = s(b"t");
    body.extend_from_slice(&[0, 1]);
    assert_eq!(decode_err(&pkt(0x36, &body)), DecodeError::QoS);
    assert_eq!(decode_err(&pkt(0x3f, &body)), DecodeError::QoS);
    assert_eq!(decode_err(&[0x36]), DecodeError::QoS);

    // SUBSCRIBE options of 3.
    let mut sub = vec![0, 1];
    sub.extend(s(b"a/b"));
    sub.push(3);
    assert_eq!(decode_err(&pkt(0x82, &sub)), DecodeError::QoS);
    // Reserved option bits are something else.
    *sub.last_mut().unwrap() = 0x04;
    assert_eq!(decode_err(&pkt(0x82, &sub)), DecodeError::Malformed);

    // Will QoS 3 in CONNECT.
    let mut connect = s(b"MQTT");
    connect.extend_from_slice(&[4, 0x1e, 0, 10]);
    connect.extend(s(b"id"));
    connect.extend(s(b"w"));
    connect.extend(s(b"x"));
    assert_eq!(decode_err(&pkt(0x10, &connect)), DecodeError::QoS);
}

#[test]
fn packet_id_0_is_rejected() {
    for first in [0x40u8, 0x50, 0x62, 0x70, 0xb0] {
        assert_eq!(decode_err(&pkt(first, &[0, 0])), DecodeError::PacketId, "first byte {first:#x}");
    }
    let mut publish = s(b"t");
    publish.extend_from_slice(&[0, 0, b'x']);
    assert_eq!(decode_err(&pkt(0x32, &publish)), DecodeError::PacketId);
    assert_eq!(decode_err(&pkt(0x34, &publish)), DecodeError::PacketId);

    let mut subscribe = vec![0, 0];
    subscribe.extend(s(b"a"));
    subscribe.push(0);
    assert_eq!(decode_err(&pkt(0x82, &subscribe)), DecodeError::PacketId);
    let mut unsubscribe = vec![0, 0];
    unsubscribe.extend(s(b"a"));
    assert_eq!(decode_err(&pkt(0xa2, &unsubscribe)), DecodeError::PacketId);
    assert_eq!(decode_err(&pkt(0x90, &[0, 0, 0])), DecodeError::PacketId);
}

/// Byte strings for the UTF-8 check: every string of one and two bytes, every three-byte
/// string from a three- or four-byte sequence's lead byte up (0xe0..), and four-byte strings
/// from 0xf0 up with every second byte and telling values for the last two (ASCII, NUL, the
/// continuation range's ends, lead bytes).
fn utf8_samples() -> Vec<Vec<u8>> {
    const TELLING: [u8; 9] = [0x00, 0x41, 0x7f, 0x80, 0x8f, 0x90, 0xbf, 0xc0, 0xff];
    let mut out: Vec<Vec<u8>> = (0..=255u8).map(|a| vec![a]).collect();
    for a in 0..=255u8 {
        for b in 0..=255u8 {
            out.push(vec![a, b]);
            for c in if a >= 0xe0 { (0..=255u8).collect::<Vec<_>>() } else { TELLING.to_vec() } {
                out.push(vec![a, b, c]);
            }
        }
    }
    for a in 0xf0..=255u8 {
        for b in 0..=255u8 {
            for c in TELLING {
                for d in TELLING {
                    out.push(vec![a, b, c, d]);
                }
            }
        }
    }
    out
}

#[test]
fn mqtt_utf8_check_accepts_exactly_well_formed_text_without_nul() {
    // The library's own check (smaller than `core::str::from_utf8` on Cortex-M4) must agree
    // with it, NUL refused on top (3.1.1 section 1.5.3): alone, and after eight ASCII bytes
    // (the hosted word-at-a-time path first).
    for raw in utf8_samples() {
        let expected = core::str::from_utf8(&raw).is_ok() && !raw.contains(&0);
        assert_eq!(mqtt_rs::codec::utf8::check(&raw).is_ok(), expected, "{raw:02x?}");
        let long = [&b"sensors/"[..], &raw].concat();
        assert_eq!(mqtt_rs::codec::utf8::check(&long).is_ok(), expected, "{long:02x?}");
    }
}

#[test]
fn invalid_utf8_and_nul_in_topic_are_rejected() {
    for topic in [&b"a\xffb"[..], b"\xc0\xaf", b"\xed\xa0\x80", b"a\x00b", b"\x00", b"\xe2\x82"] {
        let mut body = s(topic);
        body.push(b'x');
        assert_eq!(decode_err(&pkt(0x30, &body)), DecodeError::Utf8, "topic {topic:02x?}");
    }
    // The same in a filter, a client id and a user name.
    let mut sub = vec![0, 1];
    sub.extend(s(b"a\x00"));
    sub.push(0);
    assert_eq!(decode_err(&pkt(0x82, &sub)), DecodeError::Utf8);
    let mut connect = s(b"MQTT");
    connect.extend_from_slice(&[4, 0x82, 0, 10]);
    connect.extend(s(b"id"));
    connect.extend(s(b"\xff"));
    assert_eq!(decode_err(&pkt(0x10, &connect)), DecodeError::Utf8);
}

#[test]
fn wildcards_and_empty_topic_in_publish_are_rejected() {
    for topic in ["a/+", "+", "#", "a/#", "a+b", "", "sport/tennis#"] {
        let mut body = s(topic.as_bytes());
        body.push(b'x');
        assert_eq!(decode_err(&pkt(0x30, &body)), DecodeError::Topic, "topic {topic:?}");
    }
    // The same for a will topic.
    let mut connect = s(b"MQTT");
    connect.extend_from_slice(&[4, 0x06, 0, 10]);
    connect.extend(s(b"id"));
    connect.extend(s(b"a/#"));
    connect.extend(s(b"x"));
    assert_eq!(decode_err(&pkt(0x10, &connect)), DecodeError::Topic);
}

#[test]
fn malformed_filters_are_rejected() {
    for filter in ["a/#/b", "a+", "#a", "", "a/b#", "+a/b", "##", "a/++"] {
        let mut sub = vec![0, 1];
        sub.extend(s(b"ok/+"));
        sub.push(1);
        sub.extend(s(filter.as_bytes()));
        sub.push(1);
        assert_eq!(decode_err(&pkt(0x82, &sub)), DecodeError::Topic, "SUBSCRIBE {filter:?}");
        let mut unsub = vec![0, 1];
        unsub.extend(s(filter.as_bytes()));
        assert_eq!(decode_err(&pkt(0xa2, &unsub)), DecodeError::Topic, "UNSUBSCRIBE {filter:?}");
    }
    // Valid edge cases still pass.
    for filter in ["#", "+", "+/+", "/#", "a//b", "/", "a/+/#"] {
        let mut sub = vec![0, 1];
        sub.extend(s(filter.as_bytes()));
        sub.push(0);
        assert!(matches!(decode_one(&pkt(0x82, &sub)), Packet::Subscribe(_)), "{filter:?}");
    }
}

#[test]
fn suback_with_invalid_code_is_rejected() {
    for code in [3u8, 0x7f, 0x81, 0xff] {
        assert_eq!(decode_err(&pkt(0x90, &[0, 1, 0, code])), DecodeError::Malformed, "code {code:#x}");
    }
    assert_eq!(decode_err(&pkt(0x90, &[0, 1])), DecodeError::Malformed); // no codes at all
}

#[test]
fn connack_reserved_bits_and_codes_above_5_are_rejected() {
    for flags in [0x02u8, 0x80, 0xfe, 0x03] {
        assert_eq!(decode_err(&pkt(0x20, &[flags, 0])), DecodeError::Malformed, "flags {flags:#x}");
    }
    for code in [6u8, 0x80, 0xff] {
        assert_eq!(decode_err(&pkt(0x20, &[0, code])), DecodeError::Malformed, "code {code}");
    }
    // A refusal cannot say a session is present.
    assert_eq!(decode_err(&pkt(0x20, &[1, 4])), DecodeError::Malformed);
    assert_eq!(decode_err(&pkt(0x20, &[0])), DecodeError::Malformed);
}

#[test]
fn trailing_bytes_are_rejected() {
    assert_eq!(decode_err(&pkt(0x20, &[0, 0, 0])), DecodeError::Malformed);
    assert_eq!(decode_err(&pkt(0x40, &[0, 1, 0])), DecodeError::Malformed);
    assert_eq!(decode_err(&pkt(0x62, &[0, 1, 0])), DecodeError::Malformed);
    assert_eq!(decode_err(&pkt(0xb0, &[0, 1, 0])), DecodeError::Malformed);
    assert_eq!(decode_err(&pkt(0xc0, &[0])), DecodeError::Malformed);
    assert_eq!(decode_err(&pkt(0xd0, &[0])), DecodeError::Malformed);
    assert_eq!(decode_err(&pkt(0xe0, &[0])), DecodeError::Malformed);
    let mut connect = encode_vec(&Packet::Connect(connect()));
    connect[1] += 1;
    connect.push(0);
    assert_eq!(decode_err(&connect), DecodeError::Malformed);
}

#[test]
fn truncated_bodies_are_rejected() {
    // The remaining length is all there, but the fields inside need more.
    assert_eq!(decode_err(&pkt(0x40, &[0])), DecodeError::Malformed);
    assert_eq!(decode_err(&pkt(0x30, &[0, 5, b'a'])), DecodeError::Malformed);
    assert_eq!(decode_err(&pkt(0x32, &[0, 1, b'a', 0])), DecodeError::Malformed);
    assert_eq!(decode_err(&pkt(0x82, &[0, 1])), DecodeError::Malformed); // no filters
    assert_eq!(decode_err(&pkt(0xa2, &[0, 1])), DecodeError::Malformed);
    assert_eq!(decode_err(&pkt(0x82, &[0, 1, 0, 1, b'a'])), DecodeError::Malformed);
    // no options byte
}

#[test]
fn connect_field_rules_are_enforced() {
    let good = encode_vec(&Packet::Connect(connect()));
    let bad = |f: &dyn Fn(&mut Vec<u8>)| {
        let mut b = good.clone();
        f(&mut b);
        decode_err(&b)
    };
    assert_eq!(bad(&|b| b[4] = b'X'), DecodeError::Malformed); // protocol name
    assert_eq!(bad(&|b| b[8] = 3), DecodeError::Malformed); // protocol level
    assert_eq!(bad(&|b| b[9] |= 0x01), DecodeError::Malformed); // reserved flag
    assert_eq!(bad(&|b| b[9] |= 0x20), DecodeError::Malformed); // will retain without will
    assert_eq!(bad(&|b| b[9] |= 0x08), DecodeError::Malformed); // will QoS without will
    assert_eq!(bad(&|b| b[9] |= 0x40), DecodeError::Malformed); // password without user
}

#[test]
fn packet_types_0_and_15_are_rejected() {
    assert_eq!(decode_err(&[0x00, 0x00]), DecodeError::Malformed);
    assert_eq!(decode_err(&[0xf0, 0x00]), DecodeError::Malformed);
    assert_eq!(decode_err(&[0x0f, 0x02, 0, 1]), DecodeError::Malformed);
    assert_eq!(decode_err(&[0xf2]), DecodeError::Malformed);
}

// ---------------------------------------------------------------------------
// encoder refusals

#[test]
fn encoder_reports_buffer_too_small_without_panicking() {
    // round_trip checks every size for each packet; here the bare helpers too.
    let mut tiny = [0u8; 3];
    assert_eq!(encode::ack(4, 1, &mut tiny), Err(EncodeError::BufferTooSmall));
    assert_eq!(encode::publish_head(&publish("abc", b"", QoS::AtMostOnce, 0), &mut tiny), Err(EncodeError::BufferTooSmall));
    assert_eq!(encode::packet(&Packet::Pingreq, &mut []), Err(EncodeError::BufferTooSmall));
    let mut buf = [0u8; 16];
    assert_eq!(encode::subscribe(1, [(&b"a/very/long/filter"[..], QoS::AtMostOnce)].into_iter(), &mut buf), Err(EncodeError::BufferTooSmall));
}

#[test]
fn encoder_rejects_packet_id_0() {
    let mut buf = [0u8; 64];
    for p in [Packet::Puback(0), Packet::Pubrec(0), Packet::Pubrel(0), Packet::Pubcomp(0), Packet::Unsuback(0)] {
        assert_eq!(encode::packet(&p, &mut buf), Err(EncodeError::InvalidField), "{p:?}");
    }
    for qos in [QoS::AtLeastOnce, QoS::ExactlyOnce] {
        assert_eq!(encode::packet(&Packet::Publish(publish("t", b"x", qos, 0)), &mut buf), Err(EncodeError::InvalidField));
    }
    assert_eq!(encode::subscribe(0, [(&b"a"[..], QoS::AtMostOnce)].into_iter(), &mut buf), Err(EncodeError::InvalidField));
    assert_eq!(encode::unsubscribe(0, [&b"a"[..]].into_iter(), &mut buf), Err(EncodeError::InvalidField));
    assert_eq!(encode::packet(&Packet::Suback(Suback { packet_id: 0, return_codes: &[0] }), &mut buf), Err(EncodeError::InvalidField));
}

#[test]
fn wildcards_are_found_at_every_position_of_a_topic_name() {
    // Names longer than a machine word, with one byte changed at each position: a
    // wildcard anywhere is refused, every other ASCII byte and non-ASCII text passes.
    let mut buf = [0u8; 64];
    let mut encodes = |topic: &str| encode::packet(&Packet::Publish(publish(topic, b"x", QoS::AtMostOnce, 0)), &mut buf);
    for len in 1..=19 {
        for at in 0..len {
            for byte in 1u8..0x80 {
                let mut name = vec![b'a'; len];
                name[at] = byte;
                let topic = core::str::from_utf8(&name).unwrap();
                let expected = if byte == b'+' || byte == b'#' { Err(EncodeError::Topic) } else { Ok(len + 5) };
                assert_eq!(encodes(topic), expected, "topic {topic:?}");
            }
        }
    }
    for topic in ["caf\u{e9}/\u{ab}\u{a3}/\u{2b2b}\u{2323}", "\u{10ffff}\u{10ffff}\u{10ffff}"] {
        assert!(encodes(topic).is_ok(), "topic {topic:?}");
    }
}

#[test]
fn encoder_rejects_invalid_topics_and_filters() {
    let mut buf = [0u8; 64];
    for topic in ["", "a/+", "#", "a/#"] {
        assert_eq!(encode::packet(&Packet::Publish(publish(topic, b"x", QoS::AtMostOnce, 0)), &mut buf), Err(EncodeError::Topic));
    }
    let will = Will { topic: "w/+", payload: b"", qos: QoS::AtMostOnce, retain: false };
    assert_eq!(encode::connect(&Connect { will: Some(will), ..connect() }, &mut buf), Err(EncodeError::Topic));
    for filter in [&b"a/#/b"[..], b"a+", b"#a", b"", b"a\xff", b"a\x00"] {
        assert_eq!(encode::subscribe(1, [(&b"ok"[..], QoS::AtMostOnce), (filter, QoS::AtMostOnce)].into_iter(), &mut buf), Err(EncodeError::Topic));
        assert_eq!(encode::unsubscribe(1, [filter].into_iter(), &mut buf), Err(EncodeError::Topic));
    }
}

/// The C publish call's one-pass topic check: true exactly for plain ASCII topic names at
/// least a word long (each bad byte at each position of C strings of 0 to 24 bytes, and
/// the byte pairs around a word boundary); anything it leaves undecided is checked again.
#[test]
fn ascii_name_check_decides_plain_ascii_names() {
    use mqtt_rs::codec::topic::{is_ascii_name, is_valid_name};
    use std::ffi::CString;
    let word = core::mem::size_of::<usize>();
    let expected = |raw: &[u8]| raw.len() >= word && raw.iter().all(|&b| b <= 0x7f && b != b'+' && b != b'#');
    // A C string holds no NUL: it ends there.
    let check = |raw: &[u8]| {
        let topic = CString::new(raw).unwrap();
        assert_eq!(is_ascii_name(&topic), expected(raw), "{raw:?}");
        if is_ascii_name(&topic) {
            assert!(is_valid_name(core::str::from_utf8(raw).unwrap()));
        }
    };
    let bytes = [b'+', b'#', 0x01, 0x7f, 0x80, 0xc3, 0xff, b'/', b'*', b'"', b'a'];
    for len in 0..=24 {
        let base: Vec<u8> = (0..len).map(|i| b'a' + (i % 26) as u8).collect();
        check(&base);
        for at in 0..len {
            for &b in &bytes {
                let mut raw = base.clone();
                raw[at] = b;
                check(&raw);
                if at + 1 < len {
                    for &c in &bytes {
                        raw[at + 1] = c;
                        check(&raw);
                    }
                }
            }
        }
    }
}

#[test]
fn encoder_rejects_inconsistent_fields() {
    let mut buf = [0u8; 64];
    let qos0_with_id = publish("t", b"", QoS::AtMostOnce, 5);
    assert_eq!(encode::publish(&qos0_with_id, &mut buf), Err(EncodeError::InvalidField));
    let dup_qos0 = Publish { dup: true, ..publish("t", b"", QoS::AtMostOnce, 0) };
    assert_eq!(encode::publish(&dup_qos0, &mut buf), Err(EncodeError::InvalidField));
    let password_only = Connect { password: Some(b"pw"), ..connect() };
    assert_eq!(encode::connect(&password_only, &mut buf), Err(EncodeError::InvalidField));
    assert_eq!(encode::subscribe(1, core::iter::empty::<(&[u8], QoS)>(), &mut buf), Err(EncodeError::InvalidField));
    assert_eq!(encode::unsubscribe(1, core::iter::empty::<&[u8]>(), &mut buf), Err(EncodeError::InvalidField));
    // A string over 65,535 bytes cannot be length-prefixed.
    let long = "x".repeat(65_536);
    let mut big = vec![0u8; 70_000];
    let c = Connect { client_id: &long, ..connect() };
    assert_eq!(encode::connect(&c, &mut big), Err(EncodeError::InvalidField));
}

#[test]
fn publish_head_plus_payload_equals_whole_publish() {
    let payload = vec![0x5au8; 1000];
    for (qos, id) in [(QoS::AtMostOnce, 0), (QoS::AtLeastOnce, 77), (QoS::ExactlyOnce, 65_535)] {
        let p = Publish { retain: true, ..publish("x/y/z", &payload, qos, id) };
        let mut head = [0u8; 64];
        let n = encode::publish_head(&p, &mut head).unwrap();
        assert_eq!(n, encode::publish_head_len(p.topic, qos, payload.len()));
        let mut joined = head[..n].to_vec();
        joined.extend_from_slice(&payload);
        assert_eq!(joined, encode_vec(&Packet::Publish(p)));
    }
}
