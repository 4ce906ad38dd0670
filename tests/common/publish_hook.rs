//! The PUBLISH-with-properties hook tests (`engine_v5_offline_properties`,
//! `engine_v5_restored_properties`): each its own process, so that no `publish_v5` has set
//! the hook before the path under test must.

use mqtt_rs::codec::v5::property::id;
use mqtt_rs::codec::v5::{decode, encode, Connack, Connect, Packet, Properties, PropertyFields};
use mqtt_rs::engine::{Engine, Inbox, Progress, Slot};

fn leak<T>(v: Vec<T>) -> &'static mut [T] {
    Box::leak(v.into_boxed_slice())
}

/// An engine and inbox with room for a few flows, and the properties of the flow under
/// test (a message expiry of 30 s).
pub fn engine_and_properties() -> (Engine<'static>, Inbox<'static>, &'static PropertyFields<'static>) {
    let props = Box::leak(Box::new(PropertyFields { message_expiry_interval: Some(30), ..Default::default() }));
    (Engine::new(leak(vec![0; 512]), leak(vec![Slot::FREE; 4])), Inbox::new(leak(vec![0; 512])), props)
}

/// Connects with MQTT 5.0 and checks that the first packet after the CONNACK is the
/// PUBLISH `id` of "kept" to "a/b" carrying the message expiry.
pub fn connect_and_expect_publish(e: &mut Engine<'_>, inbox: &mut Inbox<'_>, id: u16) {
    let connect =
        Connect { client_id: "c", clean_start: false, keepalive: 0, username: None, password: None, will: None, properties: Properties::NONE };
    e.connect_v5(&connect, 0, 0).unwrap();
    let n = e.pending_output().len();
    e.output_written(n);
    let mut buf = [0u8; 64];
    let len = encode::packet(&Packet::Connack(Connack { session_present: false, reason: 0, properties: Properties::NONE }), &mut buf).unwrap();
    inbox.space()[..len].copy_from_slice(&buf[..len]);
    inbox.filled(len);
    while !matches!(e.next_event(inbox, 0).unwrap(), Progress::Idle) {}
    let Some((Packet::Publish(p), _)) = decode::packet(e.pending_output()).unwrap() else { panic!("PUBLISH expected") };
    assert_eq!((p.topic, p.payload, p.packet_id), ("a/b", &b"kept"[..], id));
    assert_eq!(p.properties.integer(id::MESSAGE_EXPIRY_INTERVAL), Some(30));
}
