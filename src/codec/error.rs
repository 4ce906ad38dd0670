//! Codec errors: one variant per class of fault, so each maps to its own result code.

/// Why a byte sequence is not a valid MQTT packet.
///
/// The discriminants are the C result codes (`mqtt_rs_result`) of the 3.1.1 variants,
/// which the C API's mapping returns as they are (`ffi::result` checks them); the MQTT 5.0
/// property errors, which share one code, follow them, so that one range test finds them,
/// and the alias error has its code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum DecodeError {
    /// Remaining length longer than 4 bytes, not minimally encoded, or over the limit.
    RemainingLength = 19,
    /// Reserved fixed-header flags do not have their required value.
    Flags = 20,
    /// QoS 3 in a PUBLISH, a will or a subscription.
    QoS = 21,
    /// Packet identifier 0 where a non-zero one is required.
    PacketId = 22,
    /// A string is not valid UTF-8 or contains U+0000.
    Utf8 = 23,
    /// A topic name with wildcards or empty, or a malformed topic filter.
    Topic = 24,
    /// Truncated body, trailing bytes, unknown packet type or an invalid field value.
    Malformed = 25,
    /// MQTT 5.0: a property identifier unknown, or not allowed in this packet (also
    /// authentication data without an authentication method).
    #[cfg(feature = "mqtt5")]
    PropertyNotAllowed = 26,
    /// MQTT 5.0: a property that may appear once appears twice.
    #[cfg(feature = "mqtt5")]
    DuplicateProperty = 27,
    /// MQTT 5.0: a property value out of range (e.g. receive maximum 0, a flag above 1,
    /// a subscription identifier not minimally encoded).
    #[cfg(feature = "mqtt5")]
    PropertyValue = 28,
    /// MQTT 5.0: the property length runs past the packet, or a property past the list.
    #[cfg(feature = "mqtt5")]
    PropertyLength = 29,
    /// MQTT 5.0: a reason code this packet type may not carry.
    #[cfg(feature = "mqtt5")]
    ReasonCode = 30,
    /// MQTT 5.0: a Topic Alias of 0 (a protocol error: Topic Alias Invalid, 0x94).
    #[cfg(feature = "mqtt5")]
    TopicAlias = 69,
}

/// Why a packet could not be encoded.
///
/// The discriminants are the C result codes (`mqtt_rs_result`) the variants map to: the
/// compiler then turns the C API's match into the value itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum EncodeError {
    /// The output buffer has no room for the packet.
    BufferTooSmall = 5,
    /// A field is out of range: string over 65,535 bytes, packet over 256 MiB, QoS 3, id 0.
    InvalidField = 4,
    /// The topic name or filter breaks the MQTT topic rules.
    Topic = 32,
}
