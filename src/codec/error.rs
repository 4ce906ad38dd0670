//! Codec errors: one variant per class of fault, so each maps to its own result code.

/// Why a byte sequence is not a valid MQTT packet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DecodeError {
    /// Remaining length longer than 4 bytes, not minimally encoded, or over the limit.
    RemainingLength,
    /// Reserved fixed-header flags do not have their required value.
    Flags,
    /// QoS 3 in a PUBLISH, a will or a subscription.
    QoS,
    /// Packet identifier 0 where a non-zero one is required.
    PacketId,
    /// A string is not valid UTF-8 or contains U+0000.
    Utf8,
    /// A topic name with wildcards or empty, or a malformed topic filter.
    Topic,
    /// Truncated body, trailing bytes, unknown packet type or an invalid field value.
    Malformed,
    /// MQTT 5.0: a property identifier unknown, or not allowed in this packet (also
    /// authentication data without an authentication method).
    #[cfg(feature = "mqtt5")]
    PropertyNotAllowed,
    /// MQTT 5.0: a property that may appear once appears twice.
    #[cfg(feature = "mqtt5")]
    DuplicateProperty,
    /// MQTT 5.0: a property value out of range (e.g. receive maximum 0, a flag above 1,
    /// a subscription identifier not minimally encoded).
    #[cfg(feature = "mqtt5")]
    PropertyValue,
    /// MQTT 5.0: the property length runs past the packet, or a property past the list.
    #[cfg(feature = "mqtt5")]
    PropertyLength,
    /// MQTT 5.0: a reason code this packet type may not carry.
    #[cfg(feature = "mqtt5")]
    ReasonCode,
    /// MQTT 5.0: a Topic Alias of 0 (a protocol error: Topic Alias Invalid, 0x94).
    #[cfg(feature = "mqtt5")]
    TopicAlias,
}

/// Why a packet could not be encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EncodeError {
    /// The output buffer has no room for the packet.
    BufferTooSmall,
    /// A field is out of range: string over 65,535 bytes, packet over 256 MiB, QoS 3, id 0.
    InvalidField,
    /// The topic name or filter breaks the MQTT topic rules.
    Topic,
}
