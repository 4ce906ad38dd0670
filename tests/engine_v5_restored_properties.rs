//! A QoS 1 PUBLISH with MQTT 5.0 properties restored after a reset (a persistence
//! record) goes out with its properties on the next connection. Its own test binary (one
//! process): the PUBLISH encoder for properties is reached through a hook, here not yet
//! set by any `publish_v5`, which `restore` must set itself.
#![cfg(feature = "mqtt5")]

use mqtt_rs::codec::v5::property::id;
use mqtt_rs::codec::v5::{decode, encode, Connack, Connect, Packet, Properties, PropertyFields};
use mqtt_rs::codec::QoS;
use mqtt_rs::engine::{Engine, Inbox, Progress, SavedFlow, Slot};

fn leak<T>(v: Vec<T>) -> &'static mut [T] {
    Box::leak(v.into_boxed_slice())
}

#[test]
fn a_restored_publish_keeps_its_properties() {
    let props: &'static PropertyFields<'static> = Box::leak(Box::new(PropertyFields { message_expiry_interval: Some(30), ..Default::default() }));
    let mut e = Engine::new(leak(vec![0; 512]), leak(vec![Slot::FREE; 4]));
    let mut inbox = Inbox::new(leak(vec![0; 512]));
    let id = 7;
    let flow = SavedFlow {
        packet_id: id,
        qos: QoS::AtLeastOnce,
        released: false,
        retain: false,
        order: 0,
        topic: "a/b",
        payload: b"kept",
        properties: Some(props),
    };
    e.restore(&flow).unwrap();
    let connect =
        Connect { client_id: "c", clean_start: false, keepalive: 0, username: None, password: None, will: None, properties: Properties::NONE };
    e.connect_v5(&connect, 0, 0).unwrap();
    let n = e.pending_output().len();
    e.output_written(n);
    let mut buf = [0u8; 64];
    let len = encode::packet(&Packet::Connack(Connack { session_present: false, reason: 0, properties: Properties::NONE }), &mut buf).unwrap();
    inbox.space()[..len].copy_from_slice(&buf[..len]);
    inbox.filled(len);
    while !matches!(e.next_event(&mut inbox, 0).unwrap(), Progress::Idle) {}
    let Some((Packet::Publish(p), _)) = decode::packet(e.pending_output()).unwrap() else { panic!("PUBLISH expected") };
    assert_eq!((p.topic, p.payload, p.packet_id), ("a/b", &b"kept"[..], id));
    assert_eq!(p.properties.integer(id::MESSAGE_EXPIRY_INTERVAL), Some(30));
}
