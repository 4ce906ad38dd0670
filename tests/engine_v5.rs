//! MQTT 5.0 in the session engine: a scripted broker (bytes in, bytes out, a fake clock).
//! What mosquitto cannot be made to send lives here: reason codes of 0x80 and above on
//! every acknowledgement, Maximum QoS, Receive Maximum 1, server reference, hostile
//! properties.
#![cfg(feature = "mqtt5")]

use mqtt_rs::codec::packet::kind;
use mqtt_rs::codec::v5::property::id;
use mqtt_rs::codec::v5::{decode, encode, Ack, Connack, Connect, Packet, Properties, PropertyFields, Publish, Reasoned, SubAck};
use mqtt_rs::codec::{DecodeError, QoS};
use mqtt_rs::engine::{Engine, Error, Event, Inbox, Progress, Slot, State};

/// An event copied out of the engine's borrow.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Ev {
    Connected {
        assigned_id: Option<String>,
    },
    Msg {
        topic: String,
        payload: Vec<u8>,
        users: Vec<(String, String)>,
        sub_ids: Vec<u32>,
        expiry: Option<u32>,
    },
    Done {
        id: u16,
        reason: u8,
    },
    Subscribed {
        id: u16,
        codes: Vec<u8>,
    },
    Unsubscribed {
        id: u16,
        codes: Vec<u8>,
    },
    #[cfg(feature = "persist")]
    Released(u16),
    Other,
}

fn own(e: &Event<'_>) -> Ev {
    match *e {
        Event::Connected { properties, .. } => Ev::Connected { assigned_id: properties.string(id::ASSIGNED_CLIENT_IDENTIFIER).map(str::to_owned) },
        Event::Message(m) => Ev::Msg {
            topic: m.topic.to_owned(),
            payload: m.payload.to_vec(),
            users: m.properties.user_properties().map(|(k, v)| (k.to_owned(), v.to_owned())).collect(),
            sub_ids: m.properties.subscription_identifiers().collect(),
            expiry: m.properties.integer(id::MESSAGE_EXPIRY_INTERVAL),
        },
        Event::PublishDone { packet_id, reason, .. } => Ev::Done { id: packet_id, reason },
        Event::Subscribed { packet_id, return_codes, .. } => Ev::Subscribed { id: packet_id, codes: return_codes.to_vec() },
        Event::Unsubscribed { packet_id, reason_codes, .. } => Ev::Unsubscribed { id: packet_id, codes: reason_codes.to_vec() },
        Event::Discarded { .. } | Event::Auth { .. } => Ev::Other,
        #[cfg(feature = "persist")]
        Event::Released { packet_id } => Ev::Released(packet_id),
        #[cfg(feature = "persist")]
        Event::IncomingDone { .. } => Ev::Other,
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

/// Splits the client's output into packets and returns their types and packet ids.
fn sent(wire: &[u8]) -> Vec<(u8, u16)> {
    let mut rest = wire;
    let mut out = Vec::new();
    while !rest.is_empty() {
        let (p, n) = decode::packet(rest).unwrap().expect("whole packets");
        out.push(match p {
            Packet::Publish(p) => (kind::PUBLISH, p.packet_id),
            Packet::Puback(a) => (kind::PUBACK, a.packet_id),
            Packet::Pubrec(a) => (kind::PUBREC, a.packet_id),
            Packet::Pubrel(a) => (kind::PUBREL, a.packet_id),
            Packet::Pubcomp(a) => (kind::PUBCOMP, a.packet_id),
            Packet::Subscribe(s) => (kind::SUBSCRIBE, s.packet_id),
            Packet::Unsubscribe(u) => (kind::UNSUBSCRIBE, u.packet_id),
            other => panic!("unexpected {other:?}"),
        });
        rest = &rest[n..];
    }
    out
}

struct H {
    e: Engine<'static>,
    inbox: Inbox<'static>,
}

impl H {
    fn new() -> H {
        H { e: Engine::new(leak(vec![0; 1024]), leak(vec![Slot::FREE; 8])), inbox: Inbox::new(leak(vec![0; 1024])) }
    }

    fn out(&mut self) -> Vec<u8> {
        let wire = self.e.pending_output().to_vec();
        self.e.output_written(wire.len());
        wire
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

    /// Connects over MQTT 5.0 and accepts with a CONNACK carrying `limits`.
    fn connected(limits: &PropertyFields<'_>) -> H {
        let mut h = H::new();
        let connect_props =
            PropertyFields { session_expiry_interval: Some(60), receive_maximum: Some(4), user_properties: &[("site", "lab")], ..Default::default() };
        let connect = Connect {
            client_id: "",
            clean_start: true,
            keepalive: 30,
            username: None,
            password: None,
            will: None,
            properties: Properties::new(&connect_props),
        };
        h.e.connect_v5(&connect, 0, 0).unwrap();
        let wire = h.out();
        let Some((Packet::Connect(c), _)) = decode::packet(&wire).unwrap() else { panic!("CONNECT expected") };
        assert_eq!(c.properties.integer(id::SESSION_EXPIRY_INTERVAL), Some(60));
        assert_eq!(c.properties.user_properties().collect::<Vec<_>>(), [("site", "lab")]);
        let evs = h.feed(&bytes(&Packet::Connack(Connack { session_present: false, reason: 0, properties: Properties::new(limits) }))).unwrap();
        assert!(matches!(evs.as_slice(), [Ev::Connected { .. }]), "{evs:?}");
        assert_eq!(h.e.state(), State::Connected);
        h
    }

    fn ack(&mut self, packet: fn(Ack<'static>) -> Packet<'static>, id: u16, reason: u8) -> Result<Vec<Ev>, Error> {
        self.feed(&bytes(&packet(Ack { packet_id: id, reason, properties: Properties::NONE })))
    }
}

#[test]
fn connack_properties_reach_the_application_and_server_keep_alive_wins() {
    let limits = PropertyFields { assigned_client_identifier: Some("auto-7"), server_keep_alive: Some(5), ..Default::default() };
    let mut h = H::new();
    let connect =
        Connect { client_id: "", clean_start: true, keepalive: 300, username: None, password: None, will: None, properties: Properties::NONE };
    h.e.connect_v5(&connect, 0, 0).unwrap();
    h.out();
    let evs = h.feed(&bytes(&Packet::Connack(Connack { session_present: false, reason: 0, properties: Properties::new(&limits) }))).unwrap();
    assert_eq!(evs, [Ev::Connected { assigned_id: Some("auto-7".into()) }]);
    // The broker's 5 s, not the client's 300 s: a PINGREQ is due after 5 s of silence.
    assert_eq!(h.e.poll_timers(0).unwrap(), 5000);
    h.e.poll_timers(5000).unwrap();
    assert_eq!(h.out(), [0xc0, 0x00]);
}

#[test]
fn connack_reason_code_refuses_the_connection() {
    let mut h = H::new();
    let connect =
        Connect { client_id: "x", clean_start: true, keepalive: 0, username: None, password: None, will: None, properties: Properties::NONE };
    h.e.connect_v5(&connect, 0, 0).unwrap();
    h.out();
    let refused = h.feed(&bytes(&Packet::Connack(Connack { session_present: false, reason: 0x86, properties: Properties::NONE })));
    assert_eq!(refused, Err(Error::Refused(0x86)));
}

#[test]
fn receive_maximum_holds_extra_publishes_back_in_order() {
    let mut h = H::connected(&PropertyFields { receive_maximum: Some(1), ..Default::default() });
    let ids: Vec<u16> = (0..3).map(|_| h.e.publish("t", b"x", QoS::AtLeastOnce, false, 0).unwrap()).collect();
    assert_eq!(sent(&h.out()), [(kind::PUBLISH, ids[0])], "one in flight only");
    assert_eq!(h.ack(Packet::Puback, ids[0], 0).unwrap(), [Ev::Done { id: ids[0], reason: 0 }]);
    assert_eq!(sent(&h.out()), [(kind::PUBLISH, ids[1])]);
    // A QoS 2 flow holds its place until PUBCOMP, not PUBREC.
    let q2 = h.e.publish("t", b"y", QoS::ExactlyOnce, false, 0).unwrap();
    h.ack(Packet::Puback, ids[1], 0).unwrap();
    assert_eq!(sent(&h.out()), [(kind::PUBLISH, ids[2])]);
    h.ack(Packet::Puback, ids[2], 0).unwrap();
    assert_eq!(sent(&h.out()), [(kind::PUBLISH, q2)]);
    h.e.publish("t", b"z", QoS::AtLeastOnce, false, 0).unwrap();
    h.ack(Packet::Pubrec, q2, 0).unwrap();
    assert_eq!(sent(&h.out()), [(kind::PUBREL, q2)], "the next PUBLISH waits for PUBCOMP");
    assert_eq!(h.ack(Packet::Pubcomp, q2, 0).unwrap(), [Ev::Done { id: q2, reason: 0 }]);
    assert_eq!(sent(&h.out()).len(), 1);
}

#[test]
fn maximum_qos_and_retain_available_refuse_locally_without_taking_an_id() {
    let mut h = H::connected(&PropertyFields { maximum_qos: Some(1), retain_available: Some(0), ..Default::default() });
    assert_eq!(h.e.publish("t", b"x", QoS::ExactlyOnce, false, 0), Err(Error::QosNotSupported));
    assert_eq!(h.e.publish("t", b"x", QoS::AtMostOnce, true, 0), Err(Error::RetainNotSupported));
    assert_eq!(h.out(), [], "nothing sent");
    assert_eq!(h.e.publish("t", b"x", QoS::AtLeastOnce, false, 0), Ok(1), "no packet id was used up");
    let mut h = H::connected(&PropertyFields { maximum_qos: Some(0), ..Default::default() });
    assert_eq!(h.e.publish("t", b"x", QoS::AtLeastOnce, false, 0), Err(Error::QosNotSupported));
    assert_eq!(h.e.inflight(), 0);
}

#[test]
fn maximum_packet_size_counts_the_whole_packet() {
    let mut h = H::connected(&PropertyFields { maximum_packet_size: Some(20), ..Default::default() });
    // QoS 0 PUBLISH to "t": fixed header 2 + topic 3 + property length 1 + payload.
    assert_eq!(h.e.publish("t", &[0; 14], QoS::AtMostOnce, false, 0), Ok(0));
    assert_eq!(h.out().len(), 20);
    assert_eq!(h.e.publish("t", &[0; 15], QoS::AtMostOnce, false, 0), Err(Error::PacketTooLargeForBroker));
    assert_eq!(h.e.publish("t", &[0; 13], QoS::AtLeastOnce, false, 0), Err(Error::PacketTooLargeForBroker), "the packet id counts");
    assert_eq!(h.out(), []);
}

#[test]
fn reason_codes_on_acknowledgements_reach_the_application() {
    let mut h = H::connected(&PropertyFields::default());
    let q1 = h.e.publish("t", b"x", QoS::AtLeastOnce, false, 0).unwrap();
    let q2 = h.e.publish("t", b"x", QoS::ExactlyOnce, false, 0).unwrap();
    h.out();
    assert_eq!(h.ack(Packet::Puback, q1, 0x87).unwrap(), [Ev::Done { id: q1, reason: 0x87 }]);
    // A PUBREC of 0x80 or above ends the flow: no PUBREL.
    assert_eq!(h.ack(Packet::Pubrec, q2, 0x97).unwrap(), [Ev::Done { id: q2, reason: 0x97 }]);
    assert_eq!(h.out(), []);
    assert_eq!(h.e.inflight(), 0);
    // 0x10 (no matching subscribers) is a success with a reason.
    let q3 = h.e.publish("t", b"x", QoS::AtLeastOnce, false, 0).unwrap();
    h.out();
    assert_eq!(h.ack(Packet::Puback, q3, 0x10).unwrap(), [Ev::Done { id: q3, reason: 0x10 }]);
}

/// With `persist`, an accepted PUBREC is reported as released, as in 3.1.1, so the store
/// records the step before the PUBREL goes out (a restart then resends PUBREL, not the
/// message).
#[cfg(feature = "persist")]
#[test]
fn accepted_pubrec_is_reported_for_the_store_before_pubrel() {
    let mut h = H::connected(&PropertyFields::default());
    let q2 = h.e.publish("t", b"x", QoS::ExactlyOnce, false, 0).unwrap();
    h.out();
    assert_eq!(h.ack(Packet::Pubrec, q2, 0).unwrap(), [Ev::Released(q2)]);
    assert_eq!(sent(&h.out()), [(kind::PUBREL, q2)]);
    assert_eq!(h.ack(Packet::Pubcomp, q2, 0).unwrap(), [Ev::Done { id: q2, reason: 0 }]);
    assert_eq!(h.e.inflight(), 0);
}

#[test]
fn suback_and_unsuback_give_one_reason_code_per_filter() {
    let mut h = H::connected(&PropertyFields::default());
    let sub = h.e.subscribe([(&b"a"[..], QoS::AtLeastOnce), (&b"b/#"[..], QoS::ExactlyOnce)].into_iter(), 0).unwrap();
    let wire = h.out();
    let Some((Packet::Subscribe(s), _)) = decode::packet(&wire).unwrap() else { panic!("SUBSCRIBE expected") };
    assert_eq!(s.filters().count(), 2);
    // The engine's plain SUBSCRIBE (the 3.1.1 encoder with an empty property section) is
    // byte for byte what the v5 encoder writes for default options and no properties.
    let qos = mqtt_rs::codec::v5::SubscriptionOptions::qos;
    let mut buf = [0u8; 64];
    let filters = [(&b"a"[..], qos(QoS::AtLeastOnce)), (&b"b/#"[..], qos(QoS::ExactlyOnce))];
    let n = encode::subscribe(sub, &Properties::NONE, filters.into_iter(), &mut buf).unwrap();
    assert_eq!(wire, buf[..n]);
    let suback = SubAck { packet_id: sub, properties: Properties::NONE, reason_codes: &[0x01, 0xA2] };
    assert_eq!(h.feed(&bytes(&Packet::Suback(suback))).unwrap(), [Ev::Subscribed { id: sub, codes: vec![0x01, 0xA2] }]);
    let unsub = h.e.unsubscribe([&b"a"[..], &b"zz"[..]].into_iter(), 0).unwrap();
    let wire = h.out();
    assert_eq!(sent(&wire), [(kind::UNSUBSCRIBE, unsub)]);
    let n = encode::unsubscribe(unsub, &Properties::NONE, [&b"a"[..], &b"zz"[..]].into_iter(), &mut buf).unwrap();
    assert_eq!(wire, buf[..n]);
    let unsuback = SubAck { packet_id: unsub, properties: Properties::NONE, reason_codes: &[0x00, 0x11] };
    assert_eq!(h.feed(&bytes(&Packet::Unsuback(unsuback))).unwrap(), [Ev::Unsubscribed { id: unsub, codes: vec![0x00, 0x11] }]);
}

#[test]
fn a_plain_publish_is_what_the_v5_encoder_writes() {
    // The engine's PUBLISH without properties (the 3.1.1 head encoder with an empty
    // property section) is byte for byte what the v5 encoder writes for no properties,
    // around the remaining lengths where the length field takes a second byte.
    let mut h = H::connected(&PropertyFields::default());
    static PAYLOAD: [u8; 300] = [0x5a; 300];
    let payload = &PAYLOAD;
    for qos in [QoS::AtMostOnce, QoS::AtLeastOnce, QoS::ExactlyOnce] {
        for len in [0, 1, 118, 119, 120, 121, 122, 123, 124, 125, 126, 127, 300] {
            let packet_id = h.e.publish("a/b", &payload[..len], qos, len % 2 == 1, 0).unwrap();
            let wire = h.out();
            let p =
                Publish { topic: "a/b", payload: &payload[..len], qos, retain: len % 2 == 1, dup: false, packet_id, properties: Properties::NONE };
            assert_eq!(wire, bytes(&Packet::Publish(p)), "{qos:?}, {len} B");
            match qos {
                QoS::AtMostOnce => {}
                QoS::AtLeastOnce => assert_eq!(h.ack(Packet::Puback, packet_id, 0).unwrap(), [Ev::Done { id: packet_id, reason: 0 }]),
                QoS::ExactlyOnce => {
                    h.ack(Packet::Pubrec, packet_id, 0).unwrap();
                    h.out();
                    assert_eq!(h.ack(Packet::Pubcomp, packet_id, 0).unwrap(), [Ev::Done { id: packet_id, reason: 0 }]);
                }
            }
        }
    }
}

#[test]
fn a_plain_publish_is_sized_for_the_maximum_packet_size_as_encoded() {
    // A QoS 1 PUBLISH of topic "a/b" and 122 bytes of payload is 133 bytes (two bytes of
    // remaining length); the broker's limit admits exactly that and not one byte more.
    let limits = PropertyFields { maximum_packet_size: Some(133), ..Default::default() };
    let mut h = H::connected(&limits);
    static PAYLOAD: [u8; 123] = [1; 123];
    let payload = &PAYLOAD;
    assert_eq!(h.e.publish("a/b", payload, QoS::AtLeastOnce, false, 0), Err(Error::PacketTooLargeForBroker));
    let id = h.e.publish("a/b", &payload[..122], QoS::AtLeastOnce, false, 0).unwrap();
    assert_eq!(h.out().len(), 133);
    assert_eq!(h.ack(Packet::Puback, id, 0).unwrap(), [Ev::Done { id, reason: 0 }]);
}

#[test]
fn subscribe_options_and_subscription_identifier_go_out() {
    use mqtt_rs::codec::v5::{RetainHandling, SubscriptionOptions};
    let mut h = H::connected(&PropertyFields::default());
    let options =
        SubscriptionOptions { qos: QoS::AtLeastOnce, no_local: true, retain_as_published: true, retain_handling: RetainHandling::DoNotSend };
    h.e.subscribe_v5([(&b"s/#"[..], options)].into_iter(), Some(42), 0).unwrap();
    let wire = h.out();
    let Some((Packet::Subscribe(s), _)) = decode::packet(&wire).unwrap() else { panic!("SUBSCRIBE expected") };
    assert_eq!(s.filters().collect::<Vec<_>>(), [("s/#", options)]);
    assert_eq!(s.properties.subscription_identifiers().collect::<Vec<_>>(), [42]);
}

#[test]
fn incoming_publish_properties_are_readable_in_place() {
    let mut h = H::connected(&PropertyFields::default());
    let props = PropertyFields {
        message_expiry_interval: Some(30),
        subscription_identifiers: &[7],
        user_properties: &[("k", "v"), ("k", "w")],
        ..Default::default()
    };
    let publish =
        Publish { topic: "in", payload: b"hi", qos: QoS::AtLeastOnce, retain: false, dup: false, packet_id: 9, properties: Properties::new(&props) };
    let evs = h.feed(&bytes(&Packet::Publish(publish))).unwrap();
    let users = vec![("k".into(), "v".into()), ("k".into(), "w".into())];
    assert_eq!(evs, [Ev::Msg { topic: "in".into(), payload: b"hi".to_vec(), users, sub_ids: vec![7], expiry: Some(30) }]);
    assert_eq!(sent(&h.out()), [(kind::PUBACK, 9)]);
}

#[test]
fn server_disconnect_ends_the_connection_with_its_reason() {
    let mut h = H::connected(&PropertyFields::default());
    let moved = PropertyFields { server_reference: Some("other.example:1883"), ..Default::default() };
    let disconnect = Packet::Disconnect(Reasoned { reason: 0x9D, properties: Properties::new(&moved) });
    assert_eq!(h.feed(&bytes(&disconnect)), Err(Error::ServerDisconnect(0x9D)));
}

#[test]
fn hostile_properties_end_the_connection() {
    // PUBLISH "t" QoS 0 with a hand-made property list.
    let publish = |props: &[u8]| {
        let mut p = vec![0x30, 0, 0, 1, b't'];
        p.extend_from_slice(props);
        p[1] = (p.len() - 2) as u8;
        p
    };
    let cases: [(&str, Vec<u8>, Error); 5] = [
        ("duplicate property", publish(&[4, 0x01, 0, 0x01, 1]), Error::Decode(DecodeError::DuplicateProperty)),
        ("property of another packet", publish(&[3, 0x21, 0, 5]), Error::Decode(DecodeError::PropertyNotAllowed)),
        ("property length past the packet", publish(&[9, 0x01, 0]), Error::Decode(DecodeError::PropertyLength)),
        ("topic alias 0", publish(&[3, 0x23, 0, 0]), Error::TopicAlias),
        ("topic alias never allowed", publish(&[3, 0x23, 0, 1]), Error::TopicAlias),
    ];
    for (what, packet, error) in cases {
        let mut h = H::connected(&PropertyFields::default());
        assert_eq!(h.feed(&packet), Err(error), "{what}");
    }
}

/// The PUBLISH packets in the client's output: topic, Topic Alias, DUP flag.
fn publishes(wire: &[u8]) -> Vec<(String, Option<u32>, bool)> {
    let mut rest = wire;
    let mut out = Vec::new();
    while !rest.is_empty() {
        let (p, n) = decode::packet(rest).unwrap().expect("whole packets");
        if let Packet::Publish(p) = p {
            out.push((p.topic.to_owned(), p.properties.integer(id::TOPIC_ALIAS), p.dup));
        }
        rest = &rest[n..];
    }
    out
}

/// A PUBLISH from the broker: QoS 0, `topic` (may be empty) with a Topic Alias.
fn aliased(topic: &str, alias: u16, payload: &[u8]) -> Vec<u8> {
    let fields = PropertyFields { topic_alias: Some(alias), ..Default::default() };
    bytes(&Packet::Publish(Publish {
        topic,
        payload,
        qos: QoS::AtMostOnce,
        retain: false,
        dup: false,
        packet_id: 0,
        properties: Properties::new(&fields),
    }))
}

impl H {
    /// Topic alias tables of `outgoing` and `incoming` slots of 16 bytes (14-byte topics).
    fn with_aliases(outgoing: usize, incoming: usize) -> H {
        let mut h = H::new();
        h.e.use_topic_aliases(&mut h.inbox, leak(vec![0; outgoing * 16]), leak(vec![0; incoming * 16]), 16).unwrap();
        h
    }

    /// Connects (clean start or not) and accepts with a CONNACK carrying `limits`; returns
    /// the CONNECT's Topic Alias Maximum.
    fn connect_with(&mut self, clean_start: bool, limits: &PropertyFields<'_>) -> Option<u32> {
        let connect =
            Connect { client_id: "c", clean_start, keepalive: 30, username: None, password: None, will: None, properties: Properties::NONE };
        self.e.connect_v5(&connect, 0, 0).unwrap();
        let wire = self.out();
        let Some((Packet::Connect(c), _)) = decode::packet(&wire).unwrap() else { panic!("CONNECT expected") };
        let announced = c.properties.integer(id::TOPIC_ALIAS_MAXIMUM);
        self.feed(&bytes(&Packet::Connack(Connack { session_present: !clean_start, reason: 0, properties: Properties::new(limits) }))).unwrap();
        announced
    }

    fn topics(&mut self, packet: &[u8]) -> Result<Vec<String>, Error> {
        Ok(self.feed(packet)?.into_iter().filter_map(|e| if let Ev::Msg { topic, .. } = e { Some(topic) } else { None }).collect())
    }
}

#[test]
fn incoming_topic_aliases_are_set_reused_and_reassigned() {
    let mut h = H::with_aliases(0, 2);
    assert_eq!(h.connect_with(true, &PropertyFields::default()), Some(2), "the table's capacity is announced");
    assert_eq!(h.topics(&aliased("plant/a", 1, b"1")).unwrap(), ["plant/a"]);
    assert_eq!(h.topics(&aliased("", 1, b"2")).unwrap(), ["plant/a"], "an empty topic stands for the alias's");
    assert_eq!(h.topics(&aliased("plant/b", 2, b"3")).unwrap(), ["plant/b"]);
    assert_eq!(h.topics(&aliased("plant/c", 1, b"4")).unwrap(), ["plant/c"], "reassigned");
    assert_eq!(h.topics(&aliased("", 1, b"5")).unwrap(), ["plant/c"]);
    assert_eq!(h.topics(&aliased("", 2, b"6")).unwrap(), ["plant/b"]);
    // A new connection starts without aliases.
    h.e.connection_lost(&mut h.inbox);
    h.connect_with(false, &PropertyFields::default());
    assert_eq!(h.topics(&aliased("", 1, b"7")), Err(Error::TopicAlias));
}

#[test]
fn a_large_message_sent_in_chunks_keeps_its_aliased_topic() {
    let mut h = H { inbox: Inbox::new(leak(vec![0; 64])), ..H::new() };
    h.e.use_topic_aliases(&mut h.inbox, &mut [], leak(vec![0; 32]), 16).unwrap();
    h.connect_with(true, &PropertyFields::default());
    assert_eq!(h.topics(&aliased("big/one", 1, b"x")).unwrap(), ["big/one"]);
    let packet = aliased("", 1, &[7; 150]);
    let mut topics = Vec::new();
    for piece in packet.chunks(40) {
        topics.extend(h.topics(piece).unwrap());
    }
    assert!(topics.len() > 1 && topics.iter().all(|t| t == "big/one"), "{topics:?}");
}

#[test]
fn hostile_topic_aliases_end_the_connection_with_0x94() {
    let cases: [(&str, Vec<u8>, Error); 4] = [
        // (hand-made: the encoder refuses alias 0)
        ("alias 0", vec![0x30, 7, 0, 1, b't', 3, 0x23, 0, 0], Error::TopicAlias),
        ("above the maximum announced", aliased("t", 3, b""), Error::TopicAlias),
        ("empty topic, alias never set", aliased("", 2, b""), Error::TopicAlias),
        ("topic longer than a slot", aliased("a/topic/longer/than/14", 1, b""), Error::TopicAliasTooLong),
    ];
    for (what, packet, error) in cases {
        let mut h = H::with_aliases(0, 2);
        h.connect_with(true, &PropertyFields::default());
        assert_eq!(h.feed(&packet), Err(error), "{what}");
        assert!(h.e.queue_protocol_disconnect(&error));
        assert_eq!(h.out(), [0xe0, 1, 0x94], "{what}: DISCONNECT Topic Alias Invalid");
    }
    // Without tables no alias is announced, and any alias is refused.
    let mut h = H::new();
    assert_eq!(h.connect_with(true, &PropertyFields::default()), None);
    assert_eq!(h.feed(&aliased("t", 1, b"")), Err(Error::TopicAlias));
}

#[test]
fn outgoing_topic_aliases_follow_the_brokers_maximum_and_reset_per_connection() {
    let mut h = H::with_aliases(4, 0);
    assert_eq!(h.connect_with(true, &PropertyFields { topic_alias_maximum: Some(2), ..Default::default() }), None);
    for topic in ["s/1", "s/1", "s/2", "s/3", "s/2"] {
        h.e.publish(topic, b"v", QoS::AtMostOnce, false, 0).unwrap();
    }
    let expected = [("s/1", Some(1)), ("", Some(1)), ("s/2", Some(2)), ("s/3", None), ("", Some(2))];
    let got = publishes(&h.out());
    assert_eq!(got.iter().map(|(t, a, _)| (t.as_str(), *a)).collect::<Vec<_>>(), expected, "the broker allows 2 aliases");
    // A QoS 1 message goes out with the alias, then the connection drops before PUBACK:
    // the resend on the next connection carries the whole topic (the broker forgot the
    // aliases), and new messages set the alias again.
    let id = h.e.publish("s/1", b"q", QoS::AtLeastOnce, false, 0).unwrap();
    assert_eq!(publishes(&h.out()), [(String::new(), Some(1), false)]);
    h.e.connection_lost(&mut h.inbox);
    h.connect_with(false, &PropertyFields { topic_alias_maximum: Some(2), ..Default::default() });
    h.e.publish("s/1", b"v", QoS::AtMostOnce, false, 0).unwrap();
    let got = publishes(&h.out());
    assert_eq!(got, [("s/1".to_owned(), None, true), ("s/1".to_owned(), Some(1), false)]);
    assert_eq!(h.ack(Packet::Puback, id, 0).unwrap(), [Ev::Done { id, reason: 0 }]);
    // A broker that allows none gets none.
    let mut h = H::with_aliases(4, 0);
    h.connect_with(true, &PropertyFields::default());
    h.e.publish("s/1", b"v", QoS::AtMostOnce, false, 0).unwrap();
    h.e.publish("s/1", b"v", QoS::AtMostOnce, false, 0).unwrap();
    assert_eq!(publishes(&h.out()), [("s/1".to_owned(), None, false), ("s/1".to_owned(), None, false)]);
}
