//! MQTT 5.0 property tests (`cargo test --features mqtt5 --test mqtt5_properties`): any
//! valid v5 packet, with any properties its type allows, encodes and decodes to itself;
//! the v5 decoder never panics on random or mutated input (the fuzz harness
//! fuzz/harness/decode_v5.rs checks each input); and the committed seeds and regressions
//! of the `decode_v5` fuzz target replay without cargo-fuzz.
#![cfg(feature = "mqtt5")]

#[path = "../fuzz/harness/decode_v5.rs"]
mod harness;

use mqtt_rs::codec::v5::{decode, encode};
use mqtt_rs::codec::v5::{Ack, Connack, Connect, Packet, Properties, PropertyFields, Publish, Reasoned, RetainHandling, SubAck};
use mqtt_rs::codec::v5::{SubscriptionOptions, Will};
use mqtt_rs::codec::QoS;
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;

/// Where a property list is; each allows its own properties (MQTT 5.0 table 2-4).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum At {
    Connect,
    Connack,
    Publish,
    Will,
    Ack,
    Subscribe,
    Unsubscribe,
    Disconnect,
    Auth,
}

/// Owned property values (decoded packets and [`PropertyFields`] borrow).
#[derive(Clone, Debug, Default)]
struct Props {
    pfi: Option<u8>,
    mei: Option<u32>,
    ct: Option<String>,
    rt: Option<String>,
    cd: Option<Vec<u8>>,
    subs: Vec<u32>,
    sei: Option<u32>,
    aci: Option<String>,
    ska: Option<u16>,
    am: Option<String>,
    ad: Option<Vec<u8>>,
    rpi: Option<u8>,
    wdi: Option<u32>,
    rri: Option<u8>,
    ri: Option<String>,
    sr: Option<String>,
    rs: Option<String>,
    rm: Option<u16>,
    tam: Option<u16>,
    ta: Option<u16>,
    mq: Option<u8>,
    ra: Option<u8>,
    users: Vec<(String, String)>,
    mps: Option<u32>,
    wsa: Option<u8>,
    sia: Option<u8>,
    ssa: Option<u8>,
}

impl Props {
    /// Leaves only the properties allowed `at`, the single subscription identifier of SUBSCRIBE included.
    fn only_allowed(mut self, at: At) -> Self {
        use At::*;
        if !matches!(at, Publish | Will) {
            (self.pfi, self.mei, self.ct, self.rt, self.cd) = (None, None, None, None, None);
        }
        match at {
            Publish => {}
            Subscribe => self.subs.truncate(1),
            _ => self.subs.clear(),
        }
        if !matches!(at, Connect | Connack | Disconnect) {
            self.sei = None;
        }
        if at != Connack {
            (self.aci, self.ska, self.ri, self.mq, self.ra, self.wsa, self.sia, self.ssa) = (None, None, None, None, None, None, None, None);
        }
        if !matches!(at, Connect | Connack | Auth) {
            (self.am, self.ad) = (None, None);
        }
        if at != Connect {
            (self.rpi, self.rri) = (None, None);
        }
        if at != Will {
            self.wdi = None;
        }
        if !matches!(at, Connack | Disconnect) {
            self.sr = None;
        }
        if matches!(at, Connect | Publish | Will | Subscribe | Unsubscribe) {
            self.rs = None;
        }
        if !matches!(at, Connect | Connack) {
            (self.rm, self.tam, self.mps) = (None, None, None);
        }
        if at != Publish {
            self.ta = None;
        }
        // Authentication data only with an authentication method.
        if self.am.is_none() {
            self.ad = None;
        }
        self
    }

    fn with<R>(&self, f: impl FnOnce(Properties<'_>) -> R) -> R {
        let users: Vec<(&str, &str)> = self.users.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let fields = PropertyFields {
            payload_format_indicator: self.pfi,
            message_expiry_interval: self.mei,
            content_type: self.ct.as_deref(),
            response_topic: self.rt.as_deref(),
            correlation_data: self.cd.as_deref(),
            subscription_identifiers: &self.subs,
            session_expiry_interval: self.sei,
            assigned_client_identifier: self.aci.as_deref(),
            server_keep_alive: self.ska,
            authentication_method: self.am.as_deref(),
            authentication_data: self.ad.as_deref(),
            request_problem_information: self.rpi,
            will_delay_interval: self.wdi,
            request_response_information: self.rri,
            response_information: self.ri.as_deref(),
            server_reference: self.sr.as_deref(),
            reason_string: self.rs.as_deref(),
            receive_maximum: self.rm,
            topic_alias_maximum: self.tam,
            topic_alias: self.ta,
            maximum_qos: self.mq,
            retain_available: self.ra,
            user_properties: &users,
            maximum_packet_size: self.mps,
            wildcard_subscription_available: self.wsa,
            subscription_identifier_available: self.sia,
            shared_subscription_available: self.ssa,
        };
        f(Properties::new(&fields))
    }
}

/// MQTT strings: any UTF-8 without U+0000.
fn mqtt_string(max: usize) -> impl Strategy<Value = String> {
    vec(any::<char>().prop_map(|c| if c == '\0' { '0' } else { c }), 0..max).prop_map(|v| v.into_iter().collect())
}

/// Valid topic names: non-empty, no wildcards.
fn topic_name() -> impl Strategy<Value = String> {
    mqtt_string(16).prop_map(|s| if s.is_empty() { "t".to_string() } else { s.replace(['+', '#'], "_") })
}

/// Valid topic filters: levels of words, `+`, and `#` only at the end.
fn topic_filter() -> impl Strategy<Value = String> {
    let level = prop_oneof![3 => "[a-z0-9 é]{0,6}".prop_map(String::from), 1 => Just("+".to_string())];
    (vec(level, 1..4), any::<bool>()).prop_map(|(levels, hash)| {
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

fn qos() -> impl Strategy<Value = QoS> {
    prop_oneof![Just(QoS::AtMostOnce), Just(QoS::AtLeastOnce), Just(QoS::ExactlyOnce)]
}

fn packet_id() -> impl Strategy<Value = u16> {
    1..=u16::MAX
}

/// Any properties, each field set or not, every value in its valid range.
fn any_props() -> BoxedStrategy<Props> {
    let flag = || proptest::option::of(0u8..=1);
    let text = || proptest::option::of(mqtt_string(8));
    let data = || proptest::option::of(vec(any::<u8>(), 0..8));
    let nonzero16 = || proptest::option::of(1u16..);
    let any32 = || proptest::option::of(any::<u32>());
    (
        (flag(), any32(), text(), proptest::option::of(topic_name()), data(), vec(1u32..=268_435_455, 0..3)),
        (any32(), text(), proptest::option::of(any::<u16>()), text(), data(), flag()),
        (any32(), flag(), text(), text(), text(), nonzero16()),
        (proptest::option::of(any::<u16>()), nonzero16(), flag(), flag(), vec((mqtt_string(6), mqtt_string(6)), 0..3), proptest::option::of(1u32..)),
        (flag(), flag(), flag()),
    )
        .prop_map(
            |(
                (pfi, mei, ct, rt, cd, subs),
                (sei, aci, ska, am, ad, rpi),
                (wdi, rri, ri, sr, rs, rm),
                (tam, ta, mq, ra, users, mps),
                (wsa, sia, ssa),
            )| {
                Props { pfi, mei, ct, rt, cd, subs, sei, aci, ska, am, ad, rpi, wdi, rri, ri, sr, rs, rm, tam, ta, mq, ra, users, mps, wsa, sia, ssa }
            },
        )
        .boxed()
}

fn props(at: At) -> BoxedStrategy<Props> {
    any_props().prop_map(move |p| p.only_allowed(at)).boxed()
}

// Reason codes each packet may carry (MQTT 5.0 table 2-6).
const CONNACK: &[u8] =
    &[0x00, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8A, 0x8C, 0x90, 0x95, 0x97, 0x99, 0x9A, 0x9B, 0x9C, 0x9D, 0x9F];
const PUBACK: &[u8] = &[0x00, 0x10, 0x80, 0x83, 0x87, 0x90, 0x91, 0x97, 0x99];
const PUBREL: &[u8] = &[0x00, 0x92];
const SUBACK: &[u8] = &[0x00, 0x01, 0x02, 0x80, 0x83, 0x87, 0x8F, 0x91, 0x97, 0x9E, 0xA1, 0xA2];
const UNSUBACK: &[u8] = &[0x00, 0x11, 0x80, 0x83, 0x87, 0x8F, 0x91];
const DISCONNECT: &[u8] = &[
    0x00, 0x04, 0x80, 0x81, 0x82, 0x83, 0x87, 0x89, 0x8B, 0x8D, 0x8E, 0x8F, 0x90, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9A, 0x9B, 0x9C, 0x9D,
    0x9E, 0x9F, 0xA0, 0xA1, 0xA2,
];
const AUTH: &[u8] = &[0x00, 0x18, 0x19];

fn options() -> impl Strategy<Value = SubscriptionOptions> {
    let handling = prop_oneof![Just(RetainHandling::SendAtSubscribe), Just(RetainHandling::SendIfNew), Just(RetainHandling::DoNotSend)];
    (qos(), any::<bool>(), any::<bool>(), handling).prop_map(|(qos, no_local, retain_as_published, retain_handling)| SubscriptionOptions {
        qos,
        no_local,
        retain_as_published,
        retain_handling,
    })
}

type WillSpec = (String, Vec<u8>, QoS, bool, Props);

/// Owned data for one v5 packet.
#[derive(Clone, Debug)]
enum Spec {
    Connect { id: String, clean: bool, keepalive: u16, will: Option<Box<WillSpec>>, user: Option<String>, pass: Option<Vec<u8>>, props: Props },
    Connack { present: bool, reason: u8, props: Props },
    Publish { topic: String, payload: Vec<u8>, qos: QoS, retain: bool, dup: bool, id: u16, props: Props },
    Ack { first: u8, id: u16, reason: u8, props: Props },
    SubAck { unsub: bool, id: u16, codes: Vec<u8>, props: Props },
    Subscribe { id: u16, filters: Vec<(String, SubscriptionOptions)>, props: Props },
    Unsubscribe { id: u16, filters: Vec<String>, props: Props },
    Ping(bool),
    Reasoned { auth: bool, reason: u8, props: Props },
}

fn spec() -> BoxedStrategy<Spec> {
    let will = (topic_name(), vec(any::<u8>(), 0..20), qos(), any::<bool>(), props(At::Will));
    prop_oneof![
        (
            mqtt_string(12),
            any::<bool>(),
            any::<u16>(),
            proptest::option::of(will.prop_map(Box::new)),
            proptest::option::of(mqtt_string(8)),
            proptest::option::of(vec(any::<u8>(), 0..8)),
            props(At::Connect)
        )
            .prop_map(|(id, clean, keepalive, will, user, pass, props)| Spec::Connect { id, clean, keepalive, will, user, pass, props })
            .boxed(),
        (any::<bool>(), select(CONNACK), props(At::Connack))
            .prop_map(|(present, reason, props)| Spec::Connack { present: present && reason == 0, reason, props })
            .boxed(),
        (topic_name(), any::<bool>(), vec(any::<u8>(), 0..200), qos(), any::<bool>(), any::<bool>(), packet_id(), props(At::Publish))
            .prop_map(|(topic, aliased, payload, qos, retain, dup, id, props)| {
                let (dup, id) = if qos == QoS::AtMostOnce { (false, 0) } else { (dup, id) };
                // With a topic alias the topic name may be left empty.
                let topic = if aliased && props.ta.is_some() { String::new() } else { topic };
                Spec::Publish { topic, payload, qos, retain, dup, id, props }
            })
            .boxed(),
        (select(vec![0x40u8, 0x50, 0x62, 0x70]), packet_id(), select(PUBACK), select(PUBREL), props(At::Ack))
            .prop_map(|(first, id, puback, pubrel, props)| Spec::Ack { first, id, reason: if first < 0x60 { puback } else { pubrel }, props })
            .boxed(),
        (any::<bool>(), packet_id(), vec(select(SUBACK), 1..6), vec(select(UNSUBACK), 1..6), props(At::Ack))
            .prop_map(|(unsub, id, sub_codes, unsub_codes, props)| Spec::SubAck {
                unsub,
                id,
                codes: if unsub { unsub_codes } else { sub_codes },
                props
            })
            .boxed(),
        (packet_id(), vec((topic_filter(), options()), 1..5), props(At::Subscribe))
            .prop_map(|(id, filters, props)| Spec::Subscribe { id, filters, props })
            .boxed(),
        (packet_id(), vec(topic_filter(), 1..5), props(At::Unsubscribe))
            .prop_map(|(id, filters, props)| Spec::Unsubscribe { id, filters, props })
            .boxed(),
        any::<bool>().prop_map(Spec::Ping).boxed(),
        (select(DISCONNECT), props(At::Disconnect)).prop_map(|(reason, props)| Spec::Reasoned { auth: false, reason, props }).boxed(),
        (select(AUTH), props(At::Auth)).prop_map(|(reason, props)| Spec::Reasoned { auth: true, reason, props }).boxed(),
    ]
    .boxed()
}

/// Encodes the packet `s` describes.
fn encoded(s: &Spec) -> Vec<u8> {
    let mut buf = vec![0u8; 8192];
    let n = match s {
        Spec::Connect { id, clean, keepalive, will, user, pass, props } => props.with(|properties| match will {
            Some(w) => w.4.with(|will_properties| {
                let (topic, payload, qos, retain, _) = &**w;
                let will = Will { topic, payload, qos: *qos, retain: *retain, properties: will_properties };
                let c = Connect {
                    client_id: id,
                    clean_start: *clean,
                    keepalive: *keepalive,
                    username: user.as_deref(),
                    password: pass.as_deref(),
                    will: Some(will),
                    properties,
                };
                encode::packet(&Packet::Connect(c), &mut buf)
            }),
            None => {
                let c = Connect {
                    client_id: id,
                    clean_start: *clean,
                    keepalive: *keepalive,
                    username: user.as_deref(),
                    password: pass.as_deref(),
                    will: None,
                    properties,
                };
                encode::packet(&Packet::Connect(c), &mut buf)
            }
        }),
        Spec::Connack { present, reason, props } => {
            props.with(|properties| encode::packet(&Packet::Connack(Connack { session_present: *present, reason: *reason, properties }), &mut buf))
        }
        Spec::Publish { topic, payload, qos, retain, dup, id, props } => props.with(|properties| {
            let p = Publish { topic, payload, qos: *qos, retain: *retain, dup: *dup, packet_id: *id, properties };
            encode::packet(&Packet::Publish(p), &mut buf)
        }),
        Spec::Ack { first, id, reason, props } => props.with(|properties| {
            let a = Ack { packet_id: *id, reason: *reason, properties };
            let p = match first {
                0x40 => Packet::Puback(a),
                0x50 => Packet::Pubrec(a),
                0x62 => Packet::Pubrel(a),
                _ => Packet::Pubcomp(a),
            };
            encode::packet(&p, &mut buf)
        }),
        Spec::SubAck { unsub, id, codes, props } => props.with(|properties| {
            let s = SubAck { packet_id: *id, properties, reason_codes: codes };
            encode::packet(&if *unsub { Packet::Unsuback(s) } else { Packet::Suback(s) }, &mut buf)
        }),
        Spec::Subscribe { id, filters, props } => {
            props.with(|properties| encode::subscribe(*id, &properties, filters.iter().map(|(f, o)| (f.as_bytes(), *o)), &mut buf))
        }
        Spec::Unsubscribe { id, filters, props } => {
            props.with(|properties| encode::unsubscribe(*id, &properties, filters.iter().map(|f| f.as_bytes()), &mut buf))
        }
        Spec::Ping(req) => encode::packet(if *req { &Packet::Pingreq } else { &Packet::Pingresp }, &mut buf),
        Spec::Reasoned { auth, reason, props } => props.with(|properties| {
            let r = Reasoned { reason: *reason, properties };
            encode::packet(&if *auth { Packet::Auth(r) } else { Packet::Disconnect(r) }, &mut buf)
        }),
    };
    let n = n.unwrap_or_else(|e| panic!("a valid packet encodes: {s:?}: {e:?}"));
    buf.truncate(n);
    buf
}

/// The properties of a decoded packet, as owned (id, value) text for comparison.
fn listed(p: &Properties<'_>) -> Vec<String> {
    p.iter().map(|p| format!("{p:?}")).collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, failure_persistence: None, ..ProptestConfig::default() })]

    /// Any valid packet encodes, decodes to the same fields and properties, and the
    /// decoded packet encodes to the same bytes; one byte short needs more; one byte
    /// too small a buffer is refused.
    #[test]
    fn v5_packet_round_trip(s in spec()) {
        let bytes = encoded(&s);
        let (p, used) = decode::packet(&bytes).expect("decodes").expect("complete");
        prop_assert_eq!(used, bytes.len());
        let mut again = vec![0u8; bytes.len()];
        prop_assert_eq!(encode::packet(&p, &mut again), Ok(bytes.len()));
        prop_assert_eq!(&again, &bytes);
        prop_assert!(encode::packet(&p, &mut again[..bytes.len() - 1]).is_err());
        prop_assert_eq!(decode::packet(&bytes[..bytes.len() - 1]), Ok(None));
        // The fields came back, not only the bytes.
        match (&s, &p) {
            (Spec::Connect { id, will, props, .. }, Packet::Connect(c)) => {
                prop_assert_eq!(c.client_id, id.as_str());
                prop_assert_eq!(listed(&c.properties), props.with(|p| listed(&p)));
                prop_assert_eq!(c.will.map(|w| listed(&w.properties)), will.as_ref().map(|w| w.4.with(|p| listed(&p))));
            }
            (Spec::Publish { topic, payload, props, .. }, Packet::Publish(q)) => {
                prop_assert_eq!((q.topic, q.payload), (topic.as_str(), payload.as_slice()));
                prop_assert_eq!(listed(&q.properties), props.with(|p| listed(&p)));
                prop_assert_eq!(q.properties.subscription_identifiers().collect::<Vec<_>>(), props.subs.clone());
                let users: Vec<(String, String)> = q.properties.user_properties().map(|(k, v)| (k.to_string(), v.to_string())).collect();
                prop_assert_eq!(users, props.users.clone());
            }
            (Spec::Subscribe { filters, props, .. }, Packet::Subscribe(sub)) => {
                let back: Vec<(String, SubscriptionOptions)> = sub.filters().map(|(f, o)| (f.to_string(), o)).collect();
                prop_assert_eq!(&back, filters);
                prop_assert_eq!(listed(&sub.properties), props.with(|p| listed(&p)));
            }
            (Spec::Unsubscribe { filters, .. }, Packet::Unsubscribe(u)) => {
                prop_assert_eq!(u.filters().map(String::from).collect::<Vec<_>>(), filters.clone());
            }
            (Spec::Connack { reason, props, .. }, Packet::Connack(c)) => {
                prop_assert_eq!(c.reason, *reason);
                prop_assert_eq!(listed(&c.properties), props.with(|p| listed(&p)));
            }
            (Spec::Ack { reason, props, .. }, Packet::Puback(a) | Packet::Pubrec(a) | Packet::Pubrel(a) | Packet::Pubcomp(a)) => {
                prop_assert_eq!(a.reason, *reason);
                prop_assert_eq!(listed(&a.properties), props.with(|p| listed(&p)));
            }
            (Spec::SubAck { codes, .. }, Packet::Suback(a) | Packet::Unsuback(a)) => prop_assert_eq!(a.reason_codes, codes.as_slice()),
            (Spec::Reasoned { reason, props, .. }, Packet::Disconnect(r) | Packet::Auth(r)) => {
                prop_assert_eq!(r.reason, *reason);
                prop_assert_eq!(listed(&r.properties), props.with(|p| listed(&p)));
            }
            (Spec::Ping(_), Packet::Pingreq | Packet::Pingresp) => {}
            (s, p) => prop_assert!(false, "{:?} decoded as {:?}", s, p),
        }
        harness::run(&bytes);
    }

    /// The decoder never panics on any input (each checked by the fuzz harness).
    #[test]
    fn v5_decoder_never_panics(bytes in vec(any::<u8>(), 0..300)) {
        harness::run(&bytes);
    }

    /// Nor on valid packets with a few bytes changed, closer to the edge cases.
    #[test]
    fn v5_decoder_never_panics_on_mutated_packets(s in spec(), edits in vec((any::<usize>(), any::<u8>()), 1..4)) {
        let mut bytes = encoded(&s);
        for (at, value) in edits {
            let at = at % bytes.len();
            bytes[at] = value;
        }
        harness::run(&bytes);
    }
}

/// Every file of `fuzz/seeds/decode_v5` and `fuzz/regressions/decode_v5` through the harness.
#[test]
fn decode_v5_seeds_and_regressions() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut count = 0;
    for dir in ["seeds", "regressions"] {
        let Ok(entries) = std::fs::read_dir(root.join(dir).join("decode_v5")) else { continue };
        for file in entries.filter_map(Result::ok).map(|e| e.path()) {
            let name = file.file_name().unwrap().to_string_lossy().into_owned();
            if name == "README" {
                continue;
            }
            let data = std::fs::read(&file).unwrap();
            harness::run(&data);
            // Seeds named bad-* are malformed; the others are valid packets.
            if dir == "seeds" {
                let decoded = decode::packet(&data);
                assert_eq!(name.starts_with("bad-"), decoded.is_err(), "{name}: {decoded:?}");
                assert!(!matches!(decoded, Ok(None)), "{name}: incomplete");
            }
            count += 1;
        }
    }
    assert!(count >= 15, "a seed per packet type, found {count}");
}
