//! A QoS 1 PUBLISH with MQTT 5.0 properties restored after a reset (a persistence
//! record) goes out with its properties on the next connection. Its own test binary (one
//! process): the PUBLISH encoder for properties is reached through a hook, here not yet
//! set by any `publish_v5`, which `restore` must set itself.
#![cfg(feature = "mqtt5")]

#[path = "common/publish_hook.rs"]
mod publish_hook;

use mqtt_rs::codec::QoS;
use mqtt_rs::engine::SavedFlow;
use publish_hook::{connect_and_expect_publish, engine_and_properties};

#[test]
fn a_restored_publish_keeps_its_properties() {
    let (mut e, mut inbox, props) = engine_and_properties();
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
    connect_and_expect_publish(&mut e, &mut inbox, id);
}
