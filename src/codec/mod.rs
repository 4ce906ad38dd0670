//! MQTT 3.1.1 packets: encode and decode with strict validation, zero-copy, no allocation.
//!
//! Decoded packets borrow topics and payloads from the receive buffer. The protocol
//! level travels in [`ProtocolVersion`]; with feature `mqtt5`, module `v5` holds the MQTT 5.0
//! packets, chosen at run time per connection.

pub mod decode;
pub mod encode;
mod error;
pub mod packet;
pub mod reader;
pub mod topic;
pub mod utf8;
/// MQTT 5.0 packets and properties (feature `mqtt5`). Its constants are Rust's, not the C
/// API's (which names them `MQTT_RS_PROPERTY_*` in `ffi::v5`).
///
/// cbindgen:ignore
#[cfg(feature = "mqtt5")]
pub mod v5;
pub mod varint;
pub mod writer;

pub use error::{DecodeError, EncodeError};
pub use packet::{Connack, Connect, Packet, ProtocolVersion, Publish, QoS, Suback, Subscribe, Unsubscribe, Will};
