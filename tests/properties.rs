//! Property tests (proptest): any valid packet encodes and decodes to itself, the
//! decoder never panics on any input, and the engine never emits a malformed packet
//! whatever valid or broken broker traffic and application calls it gets.

#[path = "../fuzz/harness/checker.rs"]
mod checker;
#[path = "../fuzz/harness/engine.rs"]
mod engine;
#[path = "../fuzz/harness/rng.rs"]
mod rng;

use mqtt_rs::codec::decode;
use mqtt_rs::codec::{encode, Connack, Connect, Packet, ProtocolVersion, Publish, QoS, Suback, Will};
use proptest::prelude::*;

fn qos() -> impl Strategy<Value = QoS> {
    prop_oneof![Just(QoS::AtMostOnce), Just(QoS::AtLeastOnce), Just(QoS::ExactlyOnce)]
}

/// MQTT strings: any UTF-8 without U+0000.
fn mqtt_string(max: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(any::<char>().prop_filter("no U+0000", |c| *c != '\0'), 0..max).prop_map(|v| v.into_iter().collect())
}

/// Valid topic names: non-empty, no wildcards.
fn topic_name() -> impl Strategy<Value = String> {
    mqtt_string(24).prop_map(|s| s.replace(['+', '#'], "_")).prop_filter("non-empty", |s| !s.is_empty())
}

/// Valid topic filters: levels of words, `+`, and `#` only at the end.
fn topic_filter() -> impl Strategy<Value = String> {
    let level = prop_oneof![3 => "[a-z0-9 é]{0,6}".prop_map(String::from), 1 => Just("+".to_string())];
    (proptest::collection::vec(level, 1..5), any::<bool>()).prop_map(|(levels, hash)| {
        let mut f = levels.join("/");
        if hash {
            f.push_str(if f.is_empty() { "#" } else { "/#" });
        }
        if f.is_empty() {
            f.push('+');
        }
        f
    })
}

fn packet_id() -> impl Strategy<Value = u16> {
    1..=u16::MAX
}

/// Owned data for one packet (decoded packets borrow, so the strategy makes the parts).
#[derive(Clone, Debug)]
enum Spec {
    Connect { id: String, clean: bool, keepalive: u16, will: Option<(String, Vec<u8>, QoS, bool)>, user: Option<String>, pass: Option<Vec<u8>> },
    Connack { present: bool, code: u8 },
    Publish { topic: String, payload: Vec<u8>, qos: QoS, retain: bool, dup: bool, id: u16 },
    Ack(u8, u16),
    Suback { id: u16, codes: Vec<u8> },
    Empty(u8),
}

fn spec() -> impl Strategy<Value = Spec> {
    prop_oneof![
        (
            mqtt_string(23),
            any::<bool>(),
            any::<u16>(),
            proptest::option::of((topic_name(), proptest::collection::vec(any::<u8>(), 0..40), qos(), any::<bool>())),
            proptest::option::of(mqtt_string(12)),
            proptest::option::of(proptest::collection::vec(any::<u8>(), 0..12)),
        )
            .prop_map(|(id, clean, keepalive, will, user, pass)| {
                // A password needs a user name.
                let pass = if user.is_some() { pass } else { None };
                Spec::Connect { id, clean, keepalive, will, user, pass }
            }),
        (any::<bool>(), 0u8..=5).prop_map(|(present, code)| Spec::Connack { present: present && code == 0, code }),
        (topic_name(), proptest::collection::vec(any::<u8>(), 0..300), qos(), any::<bool>(), any::<bool>(), packet_id()).prop_map(
            |(topic, payload, qos, retain, dup, id)| {
                let (dup, id) = if qos == QoS::AtMostOnce { (false, 0) } else { (dup, id) };
                Spec::Publish { topic, payload, qos, retain, dup, id }
            }
        ),
        (prop_oneof![Just(4u8), Just(5), Just(6), Just(7), Just(11)], packet_id()).prop_map(|(k, id)| Spec::Ack(k, id)),
        (packet_id(), proptest::collection::vec(prop_oneof![Just(0u8), Just(1), Just(2), Just(0x80)], 1..8))
            .prop_map(|(id, codes)| Spec::Suback { id, codes }),
        prop_oneof![Just(12u8), Just(13), Just(14)].prop_map(Spec::Empty),
    ]
}

fn with_packet<R>(s: &Spec, f: impl FnOnce(Packet<'_>) -> R) -> R {
    match s {
        Spec::Connect { id, clean, keepalive, will, user, pass } => f(Packet::Connect(Connect {
            version: ProtocolVersion::V3_1_1,
            client_id: id,
            clean_session: *clean,
            keepalive: *keepalive,
            username: user.as_deref(),
            password: pass.as_deref(),
            will: will.as_ref().map(|(topic, payload, qos, retain)| Will { topic, payload, qos: *qos, retain: *retain }),
        })),
        Spec::Connack { present, code } => f(Packet::Connack(Connack { session_present: *present, code: *code })),
        Spec::Publish { topic, payload, qos, retain, dup, id } => {
            f(Packet::Publish(Publish { topic, payload, qos: *qos, retain: *retain, dup: *dup, packet_id: *id }))
        }
        Spec::Ack(4, id) => f(Packet::Puback(*id)),
        Spec::Ack(5, id) => f(Packet::Pubrec(*id)),
        Spec::Ack(6, id) => f(Packet::Pubrel(*id)),
        Spec::Ack(7, id) => f(Packet::Pubcomp(*id)),
        Spec::Ack(_, id) => f(Packet::Unsuback(*id)),
        Spec::Suback { id, codes } => f(Packet::Suback(Suback { packet_id: *id, return_codes: codes })),
        Spec::Empty(12) => f(Packet::Pingreq),
        Spec::Empty(13) => f(Packet::Pingresp),
        Spec::Empty(_) => f(Packet::Disconnect),
    }
}

fn encoded(s: &Spec) -> Vec<u8> {
    with_packet(s, |p| {
        let mut buf = vec![0u8; 1024];
        let n = encode::packet(&p, &mut buf).expect("a valid packet encodes");
        buf.truncate(n);
        buf
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, failure_persistence: None, ..ProptestConfig::default() })]

    /// Any valid packet (12 of the 14 types built directly) encodes and decodes to itself.
    #[test]
    fn packet_round_trip(s in spec()) {
        with_packet(&s, |p| {
            let mut buf = vec![0u8; 1024];
            let n = encode::packet(&p, &mut buf).expect("a valid packet encodes");
            let (back, used) = decode::packet(&buf[..n]).expect("decodes").expect("complete");
            prop_assert_eq!(used, n);
            prop_assert_eq!(back, p);
            // One byte short is "need more", never an error or a wrong packet.
            prop_assert!(matches!(decode::packet(&buf[..n - 1]), Ok(None)));
            // A buffer one byte too small is refused, not overrun.
            prop_assert!(encode::packet(&p, &mut buf[..n - 1]).is_err());
            Ok(())
        })?;
    }

    /// SUBSCRIBE and UNSUBSCRIBE (their filter lists are built by the encoder).
    #[test]
    fn subscribe_round_trip(id in packet_id(), filters in proptest::collection::vec((topic_filter(), qos()), 1..6)) {
        let mut buf = vec![0u8; 2048];
        let n = encode::subscribe(id, filters.iter().map(|(f, q)| (f.as_bytes(), *q)), &mut buf).unwrap();
        let (p, used) = decode::packet(&buf[..n]).unwrap().unwrap();
        prop_assert_eq!(used, n);
        let Packet::Subscribe(s) = p else { panic!("not a SUBSCRIBE: {p:?}") };
        prop_assert_eq!(s.packet_id, id);
        let back: Vec<(String, QoS)> = s.filters().map(|(f, q)| (f.to_string(), q)).collect();
        prop_assert_eq!(&back, &filters);
        let mut again = vec![0u8; 2048];
        prop_assert_eq!(encode::packet(&p, &mut again).unwrap(), n);
        prop_assert_eq!(&again[..n], &buf[..n]);

        let n = encode::unsubscribe(id, filters.iter().map(|(f, _)| f.as_bytes()), &mut buf).unwrap();
        let (p, used) = decode::packet(&buf[..n]).unwrap().unwrap();
        prop_assert_eq!(used, n);
        let Packet::Unsubscribe(u) = p else { panic!("not an UNSUBSCRIBE: {p:?}") };
        let back: Vec<&str> = u.filters().collect();
        let want: Vec<&str> = filters.iter().map(|(f, _)| f.as_str()).collect();
        prop_assert_eq!(back, want);
    }

    /// The decoder never panics on any input, and what it accepts re-encodes to the same bytes.
    #[test]
    fn decoder_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        check_decoder(&bytes);
    }

    /// Nor on valid packets with a few bytes changed (closer to the edge cases).
    #[test]
    fn decoder_never_panics_on_mutated_packets(s in spec(), edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..4)) {
        let mut bytes = encoded(&s);
        for (at, value) in edits {
            let at = at % bytes.len();
            bytes[at] = value;
        }
        check_decoder(&bytes);
    }

    /// The engine never writes a malformed packet: broker traffic of valid packets (any
    /// order, any ids) and random bytes, random application calls, time and lost
    /// connections (the fuzz harness, fuzz/harness/engine.rs, checks every byte written).
    #[test]
    fn engine_never_emits_malformed_packets(
        cfg in any::<[u8; 8]>(),
        traffic in proptest::collection::vec(prop_oneof![
            4 => spec().prop_map(|s| encoded(&s)),
            1 => proptest::collection::vec(any::<u8>(), 0..8),
        ], 0..24),
    ) {
        let mut data = cfg.to_vec();
        data.extend_from_slice(&[0x20, 0x02, 0x00, 0x00]); // CONNACK accepted
        for bytes in traffic {
            data.extend_from_slice(&bytes);
        }
        engine::run(&data);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, failure_persistence: None, ..ProptestConfig::default() })]

    /// The byte-scanning filter check agrees with the rule stated level by level.
    #[test]
    fn filter_rule_matches_the_level_definition(f in "[a/+#é]{0,8}") {
        let by_levels = !f.is_empty()
            && f.split('/').enumerate().all(|(i, level)| match level {
                "#" => i == f.split('/').count() - 1,
                "+" => true,
                _ => !level.contains(['+', '#']),
            });
        prop_assert_eq!(mqtt_rs::codec::topic::is_valid_filter(&f), by_levels, "{:?}", f);
    }
}

fn check_decoder(bytes: &[u8]) {
    let _ = decode::fixed_header(bytes);
    if let Some(&first) = bytes.first() {
        let _ = decode::publish_head_prefix(first, &bytes[1..]);
    }
    if let Ok(Some((p, used))) = decode::packet(bytes) {
        let mut buf = vec![0u8; used];
        let n = encode::packet(&p, &mut buf).expect("re-encodes");
        assert_eq!(&buf[..n], &bytes[..used]);
    }
}

/// Bytes biased towards UTF-8 edge cases: lead bytes, continuation bytes, NUL, ASCII.
fn utf8_like_bytes() -> impl Strategy<Value = Vec<u8>> {
    let byte = prop_oneof![
        Just(0u8),
        0x01u8..0x80,
        0x80u8..0xc0,
        0xc0u8..0xc2,
        0xc2u8..0xe0,
        Just(0xe0u8),
        Just(0xedu8),
        0xe1u8..0xf0,
        Just(0xf0u8),
        0xf1u8..0xf4,
        Just(0xf4u8),
        0xf5u8..=0xff,
    ];
    proptest::collection::vec(byte, 0..12)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 20000, failure_persistence: None, ..ProptestConfig::default() })]

    /// The compact MQTT UTF-8 check accepts exactly what the standard library's UTF-8
    /// validation accepts, minus U+0000.
    #[test]
    fn utf8_check_matches_core_without_nul(raw in utf8_like_bytes()) {
        let expected = core::str::from_utf8(&raw).ok().filter(|s| !s.contains('\0'));
        prop_assert_eq!(mqtt_rs::codec::utf8::check(&raw).ok(), expected);
    }

    /// Any text without U+0000 passes, whatever its code points (surrogates cannot occur in a `String`).
    #[test]
    fn utf8_check_accepts_any_text_without_nul(s in any::<String>()) {
        prop_assert_eq!(mqtt_rs::codec::utf8::check(s.as_bytes()).is_ok(), !s.contains('\0'));
    }
}
