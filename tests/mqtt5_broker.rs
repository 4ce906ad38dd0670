//! MQTT 5.0 against a real mosquitto (which speaks 5.0), through the C API: flow control
//! from the broker's Receive Maximum, Maximum Packet Size, user and other properties end
//! to end, no local, retain handling, subscription identifiers, message expiry, the
//! assigned client identifier. Without the `mqtt5` feature: asking for 5 is refused.

mod common;

use common::net::TestClient;
use common::*;
use mqtt_rs::ffi::result::mqtt_rs_result::*;

#[cfg(not(feature = "mqtt5"))]
#[test]
fn protocol_version_5_without_the_feature_is_refused_before_anything_is_sent() {
    let broker = Broker::start(BrokerKind::Plain);
    let mut c = TestClient::new(256, 256, 2);
    let mut o = c.options(broker.port(), "v5");
    o.protocol_version = 5;
    assert_eq!(c.connect(&o), MQTT_RS_MQTT5_NOT_BUILT);
    assert_eq!(c.net.connects, 0, "the network was never opened");
    o.protocol_version = 3;
    assert_eq!(c.connect(&o), MQTT_RS_INVALID_ARGUMENT);
    o.protocol_version = 4;
    assert_eq!(c.connect(&o), MQTT_RS_OK, "3.1.1 still connects");
}

#[cfg(feature = "mqtt5")]
mod v5 {
    use super::*;
    use mqtt_rs::ffi::types::mqtt_rs_event_kind::*;
    use mqtt_rs::ffi::v5::*;
    use std::cell::RefCell;
    use std::ffi::CString;
    use std::rc::Rc;

    /// What `on_message` read through the property accessors.
    #[derive(Clone, Debug, Default, PartialEq, Eq)]
    struct Props {
        topic: String,
        users: Vec<(String, String)>,
        content_type: Option<String>,
        correlation: Option<Vec<u8>>,
        sub_ids: Vec<u32>,
        expiry: Option<u32>,
    }

    fn read(p: &mqtt_rs_properties, topic: String) -> Props {
        let text = |ptr: *const u8, len: usize| unsafe { std::slice::from_raw_parts(ptr, len).to_vec() };
        let mut out = Props { topic, ..Props::default() };
        unsafe {
            let (mut k, mut kl, mut v, mut vl) = (std::ptr::null(), 0, std::ptr::null(), 0);
            while mqtt_rs_property_user(p, out.users.len(), &mut k, &mut kl, &mut v, &mut vl) {
                let s = |p: *const std::ffi::c_char, l| String::from_utf8(text(p.cast(), l)).unwrap();
                out.users.push((s(k, kl), s(v, vl)));
            }
            let (mut data, mut len) = (std::ptr::null(), 0);
            if mqtt_rs_property_bytes(p, MQTT_RS_PROPERTY_CONTENT_TYPE, &mut data, &mut len) {
                out.content_type = Some(String::from_utf8(text(data, len)).unwrap());
            }
            if mqtt_rs_property_bytes(p, MQTT_RS_PROPERTY_CORRELATION_DATA, &mut data, &mut len) {
                out.correlation = Some(text(data, len));
            }
            let mut id = 0;
            while mqtt_rs_property_subscription_id(p, out.sub_ids.len(), &mut id) {
                out.sub_ids.push(id);
            }
            let mut expiry = 0;
            out.expiry = mqtt_rs_property_integer(p, MQTT_RS_PROPERTY_MESSAGE_EXPIRY, &mut expiry).then_some(expiry);
        }
        out
    }

    /// A client whose `on_message` records the properties of every message.
    fn client(slots: usize) -> (TestClient, Rc<RefCell<Vec<Props>>>) {
        let mut c = TestClient::new(1024, 1024, slots);
        let seen = Rc::new(RefCell::new(Vec::new()));
        let sink = seen.clone();
        c.observed.message_hook = Some(Box::new(move |m| {
            let topic = String::from_utf8_lossy(unsafe { std::slice::from_raw_parts(m.topic.cast::<u8>(), m.topic_len) }).into_owned();
            sink.borrow_mut().push(read(&m.properties, topic));
        }));
        (c, seen)
    }

    fn connect(c: &mut TestClient, port: u16, id: &str) {
        let mut o = c.options(port, id);
        o.protocol_version = 5;
        o.max_inflight = 16;
        assert_eq!(c.connect(&o), MQTT_RS_OK, "v5 connect {id}");
    }

    /// Publish options that live (leaked) as long as any flow that uses them.
    fn options(qos: u8, retain: bool) -> &'static mut mqtt_rs_publish_options {
        let o = Box::leak(Box::new(unsafe { std::mem::zeroed::<mqtt_rs_publish_options>() }));
        unsafe { mqtt_rs_publish_options_init(o) };
        o.qos = qos;
        o.retain = retain;
        o
    }

    fn leak_str(s: &str) -> *const std::ffi::c_char {
        CString::new(s).unwrap().into_raw()
    }

    fn publish(c: &mut TestClient, topic: &str, payload: &'static [u8], o: &'static mqtt_rs_publish_options) -> mqtt_rs::ffi::result::mqtt_rs_result {
        let topic = c.cstr(topic);
        unsafe { mqtt_rs_client_publish_v5(c.raw(), topic, payload.as_ptr(), payload.len(), o, 5000) }
    }

    fn subscribe(c: &mut TestClient, filter: &str, qos: u8, no_local: bool, retain_handling: u8, id: u32) -> Vec<u8> {
        let sub = mqtt_rs_subscription_v5 { filter: c.cstr(filter), qos, no_local, retain_as_published: false, retain_handling };
        let mut codes = [0xffu8];
        let rc = unsafe { mqtt_rs_client_subscribe_v5(c.raw(), &sub, 1, id, codes.as_mut_ptr(), 5000) };
        assert_eq!(rc, MQTT_RS_OK, "subscribe {filter}");
        codes.to_vec()
    }

    #[test]
    fn receive_maximum_from_mosquitto_keeps_many_qos2_flows_within_its_limit() {
        // mosquitto announces max_inflight_messages as Receive Maximum and disconnects a
        // v5 client that sends more (reason 0x93).
        let broker = Broker::start_with(BrokerKind::Plain, &["max_inflight_messages 2"]);
        let (mut c, _) = client(16);
        connect(&mut c, broker.port(), "flow");
        let o = options(2, false);
        let mut ids = Vec::new();
        for i in 0..12 {
            let payload: &'static [u8] = Box::leak(format!("m{i}").into_bytes().into_boxed_slice());
            let topic = c.cstr("flow/t");
            let mut id = 0;
            let rc = unsafe { mqtt_rs_client_begin_publish_v5(c.raw(), topic, payload.as_ptr(), payload.len(), o, &mut id) };
            assert_eq!(rc, MQTT_RS_IN_PROGRESS, "message {i} queued, not refused");
            ids.push(id);
        }
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        let done = |c: &TestClient| c.observed.events.iter().filter(|e| e.0 == MQTT_RS_EVENT_PUBLISH_DONE && e.1 == MQTT_RS_OK).count();
        while done(&c) < ids.len() && std::time::Instant::now() < deadline {
            assert_eq!(c.wait(50), MQTT_RS_OK, "connection kept");
        }
        let order: Vec<u16> = c.observed.events.iter().filter(|e| e.0 == MQTT_RS_EVENT_PUBLISH_DONE).map(|e| e.2).collect();
        assert_eq!(order, ids, "every flow completed, in order");
        assert!(c.is_connected());
    }

    #[test]
    fn maximum_packet_size_from_mosquitto_is_refused_locally() {
        let broker = Broker::start_with(BrokerKind::Plain, &["max_packet_size 100"]);
        let (mut c, _) = client(4);
        connect(&mut c, broker.port(), "big");
        // PUBLISH to "big/t" at QoS 1: 2 fixed header + 7 topic + 2 id + 1 property length.
        let fits: &'static [u8] = &[b'x'; 88];
        let too_big: &'static [u8] = &[b'x'; 89];
        assert_eq!(publish(&mut c, "big/t", too_big, options(1, false)), MQTT_RS_PACKET_TOO_LARGE_FOR_BROKER);
        assert_eq!(publish(&mut c, "big/t", fits, options(1, false)), MQTT_RS_OK);
        assert!(c.is_connected());
    }

    #[test]
    fn properties_travel_end_to_end() {
        let broker = Broker::start(BrokerKind::Plain);
        let (mut sub, seen) = client(4);
        connect(&mut sub, broker.port(), "props-sub");
        assert_eq!(subscribe(&mut sub, "props/#", 1, false, 0, 7), [1]);
        let (mut publ, _) = client(4);
        connect(&mut publ, broker.port(), "props-pub");
        let users: &'static [mqtt_rs_user_property] = Box::leak(Box::new([
            mqtt_rs_user_property { key: leak_str("unit"), value: leak_str("celsius") },
            mqtt_rs_user_property { key: leak_str("unit"), value: leak_str("kelvin") },
        ]));
        let o = options(1, false);
        o.user_properties = users.as_ptr();
        o.user_property_count = users.len();
        o.content_type = leak_str("text/plain");
        o.correlation_data = b"req-42".as_ptr();
        o.correlation_data_len = 6;
        o.message_expiry_s = 3600;
        assert_eq!(publish(&mut publ, "props/a", b"21.5", o), MQTT_RS_OK);
        sub.wait_messages(1, 5000);
        let got = seen.borrow()[0].clone();
        assert_eq!(got.users, [("unit".to_owned(), "celsius".to_owned()), ("unit".to_owned(), "kelvin".to_owned())]);
        assert_eq!(got.content_type.as_deref(), Some("text/plain"));
        assert_eq!(got.correlation.as_deref(), Some(&b"req-42"[..]));
        assert_eq!(got.sub_ids, [7], "the subscription identifier comes back");
        assert!(got.expiry.is_some_and(|e| e <= 3600 && e > 3500), "expiry counts down: {:?}", got.expiry);
    }

    #[test]
    fn no_local_keeps_own_messages_away() {
        let broker = Broker::start(BrokerKind::Plain);
        let (mut c, seen) = client(4);
        connect(&mut c, broker.port(), "nolocal");
        subscribe(&mut c, "nl/t", 0, true, 0, 0);
        assert_eq!(publish(&mut c, "nl/t", b"own", options(0, false)), MQTT_RS_OK);
        let mut other = TestClient::new(256, 256, 2);
        let o = other.options(broker.port(), "nl-other");
        assert_eq!(other.connect(&o), MQTT_RS_OK);
        assert_eq!(other.publish("nl/t", b"theirs", 0, false), MQTT_RS_OK);
        c.wait_messages(1, 3000);
        c.wait(300);
        let payloads: Vec<Vec<u8>> = c.observed.messages.iter().map(|m| m.payload.clone()).collect();
        assert_eq!(payloads, [b"theirs".to_vec()]);
        assert_eq!(seen.borrow().len(), 1);
    }

    #[test]
    fn retain_handling_and_message_expiry_decide_what_a_subscriber_gets() {
        let broker = Broker::start(BrokerKind::Plain);
        let (mut publ, _) = client(4);
        connect(&mut publ, broker.port(), "ret-pub");
        assert_eq!(publish(&mut publ, "ret/kept", b"kept", options(1, true)), MQTT_RS_OK);
        let short = options(1, true);
        short.message_expiry_s = 1;
        assert_eq!(publish(&mut publ, "ret/expires", b"gone", short), MQTT_RS_OK);
        std::thread::sleep(std::time::Duration::from_millis(2200));
        // Retain handling 2: no retained messages at subscribe.
        let (mut never, _) = client(4);
        connect(&mut never, broker.port(), "ret-never");
        subscribe(&mut never, "ret/#", 1, false, 2, 0);
        never.wait(500);
        assert!(never.observed.messages.is_empty(), "retain handling 2 sends none");
        // Retain handling 0: the retained message that has not expired.
        let (mut always, _) = client(4);
        connect(&mut always, broker.port(), "ret-always");
        subscribe(&mut always, "ret/#", 1, false, 0, 0);
        always.wait_messages(1, 3000);
        always.wait(300);
        let got: Vec<(String, Vec<u8>)> = always.observed.messages.iter().map(|m| (m.topic.clone(), m.payload.clone())).collect();
        assert_eq!(got, [("ret/kept".to_owned(), b"kept".to_vec())], "the expired message is not delivered");
    }

    #[test]
    fn assigned_client_identifier_reaches_the_connected_event() {
        let broker = Broker::start(BrokerKind::Plain);
        let mut c = TestClient::new(512, 512, 2);
        let assigned = Rc::new(RefCell::new(None));
        let sink = assigned.clone();
        c.observed.event_hook = Some(Box::new(move |e| {
            if e.kind == MQTT_RS_EVENT_CONNECTED {
                let (mut data, mut len) = (std::ptr::null(), 0);
                if unsafe { mqtt_rs_property_bytes(&e.properties, MQTT_RS_PROPERTY_ASSIGNED_CLIENT_ID, &mut data, &mut len) } {
                    *sink.borrow_mut() = Some(String::from_utf8(unsafe { std::slice::from_raw_parts(data, len) }.to_vec()).unwrap());
                }
            }
        }));
        connect(&mut c, broker.port(), "");
        let id = assigned.borrow().clone().expect("mosquitto assigns an identifier to an empty one");
        assert!(!id.is_empty());
    }

    /// A client with topic alias tables of `count` slots of 80 bytes both ways (leaked:
    /// they must outlive the client).
    fn with_aliases(c: &mut TestClient, count: usize) {
        let table = |n| Box::leak(vec![0u8; n * 80].into_boxed_slice()).as_mut_ptr();
        let rc = unsafe { mqtt_rs::ffi::alias::mqtt_rs_client_use_topic_aliases(c.raw(), table(count), count * 80, table(count), count * 80, 80) };
        assert_eq!(rc, MQTT_RS_OK);
    }

    #[test]
    fn outgoing_topic_aliases_shorten_publishes_and_mosquitto_restores_the_topic() {
        // mosquitto 2.0 announces Topic Alias Maximum 10 (max_topic_alias) and accepts
        // aliases from clients; it sends none to its subscribers, even to one that
        // announces a Topic Alias Maximum (checked below).
        let broker = Broker::start(BrokerKind::Plain);
        let (mut sub, seen) = client(4);
        with_aliases(&mut sub, 4);
        let aliases_seen = Rc::new(RefCell::new(0));
        let sink = aliases_seen.clone();
        let previous = sub.observed.message_hook.take();
        let mut previous = previous.unwrap();
        sub.observed.message_hook = Some(Box::new(move |m| {
            let mut alias = 0;
            if unsafe { mqtt_rs_property_integer(&m.properties, 0x23, &mut alias) } {
                *sink.borrow_mut() += 1;
            }
            previous(m);
        }));
        connect(&mut sub, broker.port(), "alias-sub");
        subscribe(&mut sub, "building/#", 1, false, 0, 0);
        let (mut publ, _) = client(4);
        with_aliases(&mut publ, 4);
        connect(&mut publ, broker.port(), "alias-pub");
        let topic = "building/north-wing/floor-3/room-317/sensors/temperature";
        let mut sent = Vec::new();
        for (i, qos) in [1u8, 1, 0, 1].into_iter().enumerate() {
            if i == 3 {
                // A new connection forgets the aliases: the topic goes out again.
                assert_eq!(publ.disconnect(), MQTT_RS_OK);
                connect(&mut publ, broker.port(), "alias-pub");
            }
            let before = publ.net.bytes_out;
            assert_eq!(publish(&mut publ, topic, b"20.5", options(qos, false)), MQTT_RS_OK);
            sent.push(publ.net.bytes_out - before);
        }
        let long = topic.len();
        assert!(sent[1] + long <= sent[0] && sent[2] + long <= sent[0], "later PUBLISHes carry only the alias: {sent:?}");
        assert!(sent[3] >= long, "the first PUBLISH of a new connection carries the topic: {sent:?}");
        sub.wait_messages(4, 5000);
        let topics: Vec<String> = seen.borrow().iter().map(|p| p.topic.clone()).collect();
        assert_eq!(topics, [topic; 4], "mosquitto delivers the whole topic");
        assert_eq!(*aliases_seen.borrow(), 0, "mosquitto 2.0 sends no topic alias to a client");
        assert!(publ.is_connected() && sub.is_connected());
    }

    /// Connects `id` with a will on "will/<id>" whose properties are all set, delayed by
    /// `delay_s`, in a session that outlives the connection by 60 s.
    fn connect_with_will(c: &mut TestClient, port: u16, id: &str, delay_s: u32, clean_start: bool) {
        let users: &'static [mqtt_rs_user_property] =
            Box::leak(Box::new([mqtt_rs_user_property { key: leak_str("reason"), value: leak_str("power") }]));
        let mut will_properties = unsafe { std::mem::zeroed::<mqtt_rs::ffi::alias::mqtt_rs_will_properties>() };
        unsafe { mqtt_rs::ffi::alias::mqtt_rs_will_properties_init(&mut will_properties) };
        will_properties.will_delay_s = delay_s;
        will_properties.message_expiry_s = 600;
        will_properties.payload_utf8 = true;
        will_properties.content_type = leak_str("text/plain");
        will_properties.response_topic = leak_str("will/replies");
        will_properties.correlation_data = b"w-1".as_ptr();
        will_properties.correlation_data_len = 3;
        will_properties.user_properties = users.as_ptr();
        will_properties.user_property_count = users.len();
        let mut properties = unsafe { std::mem::zeroed::<mqtt_rs_connect_properties>() };
        unsafe { mqtt_rs_connect_properties_init(&mut properties) };
        properties.session_expiry_s = 60;
        properties.will_properties = &will_properties;
        let will = mqtt_rs::ffi::types::mqtt_rs_will {
            topic: c.cstr(&format!("will/{id}")),
            payload: b"gone".as_ptr(),
            payload_len: 4,
            qos: 1,
            retain: false,
        };
        let mut o = c.options(port, id);
        o.protocol_version = 5;
        o.clean_session = clean_start;
        o.will = &will;
        o.properties = &properties;
        assert_eq!(c.connect(&o), MQTT_RS_OK, "v5 connect {id} with a will");
    }

    /// Drops the connection of `c` without DISCONNECT, as a lost network would.
    fn drop_connection(c: &mut TestClient) {
        drop(c.net.stream.take());
    }

    #[test]
    fn will_delay_and_will_properties_reach_a_v5_subscriber() {
        let broker = Broker::start(BrokerKind::Plain);
        let (mut sub, seen) = client(4);
        connect(&mut sub, broker.port(), "will-watch");
        subscribe(&mut sub, "will/#", 1, false, 0, 0);
        let mut dying = TestClient::new(512, 512, 2);
        connect_with_will(&mut dying, broker.port(), "dying", 2, true);
        drop_connection(&mut dying);
        let lost = std::time::Instant::now();
        sub.wait(1000);
        assert!(seen.borrow().is_empty(), "the will waits for its delay");
        sub.wait_messages(1, 5000);
        let waited = lost.elapsed();
        assert!(waited >= std::time::Duration::from_millis(1500), "the will came after {waited:?}");
        let got = seen.borrow()[0].clone();
        assert_eq!(got.topic, "will/dying");
        assert_eq!(got.content_type.as_deref(), Some("text/plain"));
        assert_eq!(got.correlation.as_deref(), Some(&b"w-1"[..]));
        assert_eq!(got.users, [("reason".to_owned(), "power".to_owned())]);
        assert!(got.expiry.is_some_and(|e| e <= 600 && e > 590), "message expiry of the will: {:?}", got.expiry);
        assert_eq!(sub.observed.messages[0].payload, b"gone");
    }

    #[test]
    fn a_will_is_not_sent_when_the_client_comes_back_within_its_delay() {
        let broker = Broker::start(BrokerKind::Plain);
        let (mut sub, seen) = client(4);
        connect(&mut sub, broker.port(), "will-watch2");
        subscribe(&mut sub, "will/#", 1, false, 0, 0);
        let mut back = TestClient::new(512, 512, 2);
        connect_with_will(&mut back, broker.port(), "back", 3, true);
        drop_connection(&mut back);
        sub.wait(500);
        // Same client id, same session (clean start off), within the 3 s delay.
        let mut again = TestClient::new(512, 512, 2);
        connect_with_will(&mut again, broker.port(), "back", 3, false);
        sub.wait(4000);
        assert!(seen.borrow().is_empty(), "no will: the session resumed in time ({:?})", seen.borrow());
        assert!(again.is_connected());
    }
}
