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
#[cfg(feature = "mqtt5")]
pub mod v5;
pub mod varint;
pub mod writer;

pub use error::{DecodeError, EncodeError};
pub use packet::{Connack, Connect, Packet, ProtocolVersion, Publish, QoS, Suback, Subscribe, Unsubscribe, Will};
