//! Outgoing properties: plain fields in caller memory, written by the encoder.

use super::property::{id, Property, PropertySource, Value};

/// Properties to send, from caller memory: every field set is written, in identifier order.
///
/// The encoder refuses fields the packet does not allow and out-of-range values with
/// [`EncodeError::InvalidField`](super::super::EncodeError::InvalidField).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PropertyFields<'a> {
    /// 0x01 Payload Format Indicator: 0 unspecified bytes, 1 UTF-8 (PUBLISH, will).
    pub payload_format_indicator: Option<u8>,
    /// 0x02 Message Expiry Interval in seconds (PUBLISH, will).
    pub message_expiry_interval: Option<u32>,
    /// 0x03 Content Type (PUBLISH, will).
    pub content_type: Option<&'a str>,
    /// 0x08 Response Topic (PUBLISH, will).
    pub response_topic: Option<&'a str>,
    /// 0x09 Correlation Data (PUBLISH, will).
    pub correlation_data: Option<&'a [u8]>,
    /// 0x0B Subscription Identifiers (one in SUBSCRIBE; several in a broker's PUBLISH).
    pub subscription_identifiers: &'a [u32],
    /// 0x11 Session Expiry Interval in seconds (CONNECT, CONNACK, DISCONNECT).
    pub session_expiry_interval: Option<u32>,
    /// 0x12 Assigned Client Identifier (CONNACK).
    pub assigned_client_identifier: Option<&'a str>,
    /// 0x13 Server Keep Alive in seconds (CONNACK).
    pub server_keep_alive: Option<u16>,
    /// 0x15 Authentication Method (CONNECT, CONNACK, AUTH).
    pub authentication_method: Option<&'a str>,
    /// 0x16 Authentication Data (CONNECT, CONNACK, AUTH).
    pub authentication_data: Option<&'a [u8]>,
    /// 0x17 Request Problem Information, 0 or 1 (CONNECT).
    pub request_problem_information: Option<u8>,
    /// 0x18 Will Delay Interval in seconds (will).
    pub will_delay_interval: Option<u32>,
    /// 0x19 Request Response Information, 0 or 1 (CONNECT).
    pub request_response_information: Option<u8>,
    /// 0x1A Response Information (CONNACK).
    pub response_information: Option<&'a str>,
    /// 0x1C Server Reference (CONNACK, DISCONNECT).
    pub server_reference: Option<&'a str>,
    /// 0x1F Reason String (every acknowledgement, DISCONNECT, AUTH).
    pub reason_string: Option<&'a str>,
    /// 0x21 Receive Maximum, not 0 (CONNECT, CONNACK).
    pub receive_maximum: Option<u16>,
    /// 0x22 Topic Alias Maximum (CONNECT, CONNACK).
    pub topic_alias_maximum: Option<u16>,
    /// 0x23 Topic Alias, not 0 (PUBLISH).
    pub topic_alias: Option<u16>,
    /// 0x24 Maximum QoS, 0 or 1 (CONNACK).
    pub maximum_qos: Option<u8>,
    /// 0x25 Retain Available, 0 or 1 (CONNACK).
    pub retain_available: Option<u8>,
    /// 0x26 User Properties, (name, value) pairs in order (every packet with properties).
    pub user_properties: &'a [(&'a str, &'a str)],
    /// 0x27 Maximum Packet Size, not 0 (CONNECT, CONNACK).
    pub maximum_packet_size: Option<u32>,
    /// 0x28 Wildcard Subscription Available, 0 or 1 (CONNACK).
    pub wildcard_subscription_available: Option<u8>,
    /// 0x29 Subscription Identifier Available, 0 or 1 (CONNACK).
    pub subscription_identifier_available: Option<u8>,
    /// 0x2A Shared Subscription Available, 0 or 1 (CONNACK).
    pub shared_subscription_available: Option<u8>,
}

impl<'a> PropertyFields<'a> {
    /// The single-valued field with identifier `id`, if set.
    fn single(&self, id: u8) -> Option<Value<'a>> {
        let byte = |v: Option<u8>| v.map(Value::Byte);
        let two = |v: Option<u16>| v.map(Value::TwoByte);
        let four = |v: Option<u32>| v.map(Value::FourByte);
        let text = |v: Option<&'a str>| v.map(Value::Utf8);
        match id {
            id::PAYLOAD_FORMAT_INDICATOR => byte(self.payload_format_indicator),
            id::MESSAGE_EXPIRY_INTERVAL => four(self.message_expiry_interval),
            id::CONTENT_TYPE => text(self.content_type),
            id::RESPONSE_TOPIC => text(self.response_topic),
            id::CORRELATION_DATA => self.correlation_data.map(Value::Binary),
            id::SESSION_EXPIRY_INTERVAL => four(self.session_expiry_interval),
            id::ASSIGNED_CLIENT_IDENTIFIER => text(self.assigned_client_identifier),
            id::SERVER_KEEP_ALIVE => two(self.server_keep_alive),
            id::AUTHENTICATION_METHOD => text(self.authentication_method),
            id::AUTHENTICATION_DATA => self.authentication_data.map(Value::Binary),
            id::REQUEST_PROBLEM_INFORMATION => byte(self.request_problem_information),
            id::WILL_DELAY_INTERVAL => four(self.will_delay_interval),
            id::REQUEST_RESPONSE_INFORMATION => byte(self.request_response_information),
            id::RESPONSE_INFORMATION => text(self.response_information),
            id::SERVER_REFERENCE => text(self.server_reference),
            id::REASON_STRING => text(self.reason_string),
            id::RECEIVE_MAXIMUM => two(self.receive_maximum),
            id::TOPIC_ALIAS_MAXIMUM => two(self.topic_alias_maximum),
            id::TOPIC_ALIAS => two(self.topic_alias),
            id::MAXIMUM_QOS => byte(self.maximum_qos),
            id::RETAIN_AVAILABLE => byte(self.retain_available),
            id::MAXIMUM_PACKET_SIZE => four(self.maximum_packet_size),
            id::WILDCARD_SUBSCRIPTION_AVAILABLE => byte(self.wildcard_subscription_available),
            id::SUBSCRIPTION_IDENTIFIER_AVAILABLE => byte(self.subscription_identifier_available),
            id::SHARED_SUBSCRIPTION_AVAILABLE => byte(self.shared_subscription_available),
            _ => None,
        }
    }
}

/// Identifiers above this one do not exist.
const LAST_ID: u8 = id::SHARED_SUBSCRIPTION_AVAILABLE;

/// The fields in identifier order; the lists (subscription identifiers, user properties)
/// in their own order.
impl PropertySource for PropertyFields<'_> {
    fn property(&self, index: usize) -> Option<Property<'_>> {
        self.nth(index)
    }
}

impl<'a> PropertyFields<'a> {
    /// The property at `index` in packet order (as [`PropertySource::property`]), borrowing
    /// the caller's memory rather than these fields.
    pub fn nth(&self, mut index: usize) -> Option<Property<'a>> {
        for id in 1..=LAST_ID {
            let count = match id {
                id::SUBSCRIPTION_IDENTIFIER => self.subscription_identifiers.len(),
                id::USER_PROPERTY => self.user_properties.len(),
                other => usize::from(self.single(other).is_some()),
            };
            if index < count {
                let value = match id {
                    id::SUBSCRIPTION_IDENTIFIER => Value::VarInt(*self.subscription_identifiers.get(index)?),
                    id::USER_PROPERTY => self.user_properties.get(index).map(|&(k, v)| Value::Pair(k, v))?,
                    other => self.single(other)?,
                };
                return Some(Property { id, value });
            }
            index -= count;
        }
        None
    }
}
