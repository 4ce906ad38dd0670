//! MQTT 5.0 (feature `mqtt5`): every packet both ways, with properties and reason codes.
//!
//! The same rules as the MQTT 3.1.1 codec: no allocation, decoded packets borrow from the
//! receive buffer (properties included, read through [`PropertyIter`](crate::codec::v5::property::PropertyIter)), strict
//! validation on decode, and the encoder refuses what the decoder would refuse.
//! Outgoing properties come from [`PropertyFields`](crate::codec::v5::property::PropertyFields) in the caller's memory, or
//! from any [`PropertySource`](crate::codec::v5::property::PropertySource) (e.g. a C struct read in place).
//!
//! ```
//! use mqtt_rs::codec::v5::property::id;
//! use mqtt_rs::codec::v5::{decode, encode, Packet, Properties, PropertyFields, Publish};
//! use mqtt_rs::codec::QoS;
//!
//! // A request: response topic, correlation data and a user property, all borrowed.
//! let fields = PropertyFields {
//!     response_topic: Some("replies/42"),
//!     correlation_data: Some(b"req-7"),
//!     user_properties: &[("unit", "celsius")],
//!     ..PropertyFields::default()
//! };
//! let publish = Publish {
//!     topic: "sensors/t",
//!     payload: b"21.5",
//!     qos: QoS::AtLeastOnce,
//!     retain: false,
//!     dup: false,
//!     packet_id: 1,
//!     properties: Properties::new(&fields),
//! };
//! let mut buf = [0u8; 128];
//! let n = encode::publish(&publish, &mut buf).unwrap();
//!
//! // Received: the properties are read in place, without copying.
//! let Some((Packet::Publish(p), _)) = decode::packet(&buf[..n]).unwrap() else { panic!() };
//! assert_eq!(p.properties.string(id::RESPONSE_TOPIC), Some("replies/42"));
//! assert_eq!(p.properties.binary(id::CORRELATION_DATA), Some(&b"req-7"[..]));
//! assert_eq!(p.properties.user_properties().collect::<Vec<_>>(), [("unit", "celsius")]);
//! ```

pub mod decode;
pub mod encode;
mod fields;
pub mod limits;
pub mod packet;
pub mod property;
pub mod reason;
mod rules;

pub use limits::ServerLimits;
pub use packet::{Ack, Connack, Connect, Packet, Publish, Reasoned, RetainHandling, SubAck, Subscribe, SubscriptionOptions, Unsubscribe, Will};
pub use property::{Properties, Property, PropertyFields, PropertySource, Value};
