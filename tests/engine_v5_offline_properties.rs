//! A QoS 1 PUBLISH with MQTT 5.0 properties kept while disconnected goes out with its
//! properties on the next connection. Its own test binary (one process): the PUBLISH
//! encoder for properties is reached through a hook, here not yet set by any
//! `publish_v5`, which `publish_offline` must set itself.
#![cfg(feature = "mqtt5")]

#[path = "common/publish_hook.rs"]
mod publish_hook;

use mqtt_rs::codec::QoS;
use publish_hook::{connect_and_expect_publish, engine_and_properties};

#[test]
fn an_offline_publish_keeps_its_properties() {
    let (mut e, mut inbox, props) = engine_and_properties();
    let id = e.publish_offline("a/b", b"kept", QoS::AtLeastOnce, false, Some(props)).unwrap();
    connect_and_expect_publish(&mut e, &mut inbox, id);
}
