//! MQTT 5.0 (feature `mqtt5`): every packet both ways, with properties and reason codes.
//!
//! The same rules as the MQTT 3.1.1 codec: no allocation, decoded packets borrow from the
//! receive buffer (properties included, read through [`property::PropertyIter`]), strict
//! validation on decode, and the encoder refuses what the decoder would refuse.
//! Outgoing properties come from [`property::PropertyFields`] in the caller's memory.

pub mod decode;
pub mod encode;
pub mod packet;
pub mod property;
pub mod reason;

pub use packet::{Ack, Connack, Connect, Packet, Publish, Reasoned, RetainHandling, SubAck, Subscribe, SubscriptionOptions, Unsubscribe, Will};
pub use property::{Properties, Property, PropertyFields, Value};
