//! Named quality-of-service levels for the `qos` arguments and fields of the C API.

/// QoS 0, at most once: sent once, never acknowledged.
pub const MQTT_RS_QOS0: u8 = 0;
/// QoS 1, at least once: resent until a PUBACK; may arrive twice.
pub const MQTT_RS_QOS1: u8 = 1;
/// QoS 2, exactly once: a four-packet handshake, no duplicates.
pub const MQTT_RS_QOS2: u8 = 2;
