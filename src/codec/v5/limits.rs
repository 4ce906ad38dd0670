//! What a broker's CONNACK allows, with the specification's default for each property
//! the broker left out (MQTT 5.0 section 3.2.2.3). A plain value: the session engine
//! keeps it after the receive buffer holding the CONNACK is reused.

use super::super::QoS;
use super::packet::Connack;
use super::property::{id, Value};

/// The broker's limits and capabilities for one connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ServerLimits {
    /// QoS 1/2 publishes the broker accepts in flight at once (default 65,535).
    pub receive_maximum: u16,
    /// Highest QoS the broker accepts in a PUBLISH (default QoS 2).
    pub maximum_qos: QoS,
    /// The broker accepts retained messages (default true).
    pub retain_available: bool,
    /// Largest packet the broker accepts, fixed header included; `None`: only the
    /// protocol's limit (default).
    pub maximum_packet_size: Option<u32>,
    /// Highest topic alias the broker accepts from the client; 0: none (default).
    pub topic_alias_maximum: u16,
    /// Wildcards are allowed in subscriptions (default true).
    pub wildcard_subscription_available: bool,
    /// Subscription identifiers are supported (default true).
    pub subscription_identifiers_available: bool,
    /// Shared subscriptions are supported (default true).
    pub shared_subscription_available: bool,
    /// Keep alive the client must use instead of its own, in seconds (default: its own).
    pub server_keep_alive: Option<u16>,
    /// Session expiry the broker applies instead of the requested one, in seconds.
    pub session_expiry_interval: Option<u32>,
}

impl Default for ServerLimits {
    /// The limits of a CONNACK without properties.
    fn default() -> Self {
        ServerLimits {
            receive_maximum: u16::MAX,
            maximum_qos: QoS::ExactlyOnce,
            retain_available: true,
            maximum_packet_size: None,
            topic_alias_maximum: 0,
            wildcard_subscription_available: true,
            subscription_identifiers_available: true,
            shared_subscription_available: true,
            server_keep_alive: None,
            session_expiry_interval: None,
        }
    }
}

impl ServerLimits {
    /// Reads the limits from a decoded CONNACK in one pass over its properties.
    pub fn of(connack: &Connack<'_>) -> Self {
        let mut limits = ServerLimits::default();
        for p in connack.properties.iter() {
            match (p.id, p.value) {
                (id::RECEIVE_MAXIMUM, Value::TwoByte(v)) => limits.receive_maximum = v,
                (id::MAXIMUM_QOS, Value::Byte(0)) => limits.maximum_qos = QoS::AtMostOnce,
                (id::MAXIMUM_QOS, Value::Byte(_)) => limits.maximum_qos = QoS::AtLeastOnce,
                (id::RETAIN_AVAILABLE, Value::Byte(v)) => limits.retain_available = v != 0,
                (id::MAXIMUM_PACKET_SIZE, Value::FourByte(v)) => limits.maximum_packet_size = Some(v),
                (id::TOPIC_ALIAS_MAXIMUM, Value::TwoByte(v)) => limits.topic_alias_maximum = v,
                (id::WILDCARD_SUBSCRIPTION_AVAILABLE, Value::Byte(v)) => limits.wildcard_subscription_available = v != 0,
                (id::SUBSCRIPTION_IDENTIFIER_AVAILABLE, Value::Byte(v)) => limits.subscription_identifiers_available = v != 0,
                (id::SHARED_SUBSCRIPTION_AVAILABLE, Value::Byte(v)) => limits.shared_subscription_available = v != 0,
                (id::SERVER_KEEP_ALIVE, Value::TwoByte(v)) => limits.server_keep_alive = Some(v),
                (id::SESSION_EXPIRY_INTERVAL, Value::FourByte(v)) => limits.session_expiry_interval = Some(v),
                _ => {}
            }
        }
        limits
    }

    /// The keep alive to use when the client asked for `requested` seconds.
    pub fn keepalive(&self, requested: u16) -> u16 {
        self.server_keep_alive.unwrap_or(requested)
    }

    /// True when a packet of `len` bytes (fixed header included) may be sent.
    pub fn allows_packet_len(&self, len: usize) -> bool {
        self.maximum_packet_size.map_or(true, |max| u32::try_from(len).is_ok_and(|len| len <= max))
    }
}
