//! Every error of the codec, the engine and the transport (TLS aside) maps to its C result
//! code: each variant, with every value of a carried code, against the code written here
//! by hand. Run in the 3.1.1 build and with `--features mqtt5` (whose variants and codes
//! it adds).

use mqtt_rs::codec::{DecodeError, EncodeError};
use mqtt_rs::engine::Error as E;
use mqtt_rs::ffi::result::mqtt_rs_result::{self, *};
use mqtt_rs::transport::client::Error as T;

/// The code of `e` through the transport error, the one mapping the C API uses.
fn code(e: T) -> mqtt_rs_result {
    mqtt_rs_result::from(e)
}

fn decode_errors() -> Vec<(DecodeError, mqtt_rs_result)> {
    #[cfg_attr(not(feature = "mqtt5"), allow(unused_mut))]
    let mut all = vec![
        (DecodeError::RemainingLength, MQTT_RS_MALFORMED_REMAINING_LENGTH),
        (DecodeError::Flags, MQTT_RS_MALFORMED_FLAGS),
        (DecodeError::QoS, MQTT_RS_MALFORMED_QOS),
        (DecodeError::PacketId, MQTT_RS_MALFORMED_PACKET_ID),
        (DecodeError::Utf8, MQTT_RS_MALFORMED_UTF8),
        (DecodeError::Topic, MQTT_RS_MALFORMED_TOPIC),
        (DecodeError::Malformed, MQTT_RS_MALFORMED_PACKET),
    ];
    #[cfg(feature = "mqtt5")]
    all.extend([
        (DecodeError::PropertyNotAllowed, MQTT_RS_MALFORMED_PROPERTY),
        (DecodeError::DuplicateProperty, MQTT_RS_MALFORMED_PROPERTY),
        (DecodeError::PropertyValue, MQTT_RS_MALFORMED_PROPERTY),
        (DecodeError::PropertyLength, MQTT_RS_MALFORMED_PROPERTY),
        (DecodeError::ReasonCode, MQTT_RS_MALFORMED_PROPERTY),
        (DecodeError::TopicAlias, MQTT_RS_TOPIC_ALIAS_INVALID),
    ]);
    all
}

/// The code of a CONNACK refusal with return or reason code `c`.
fn refused(c: u8) -> mqtt_rs_result {
    match c {
        1 => MQTT_RS_CONNACK_UNACCEPTABLE_PROTOCOL,
        2 => MQTT_RS_CONNACK_IDENTIFIER_REJECTED,
        3 => MQTT_RS_CONNACK_SERVER_UNAVAILABLE,
        4 => MQTT_RS_CONNACK_BAD_USERNAME_OR_PASSWORD,
        #[cfg(feature = "mqtt5")]
        0x9C | 0x9D => MQTT_RS_USE_ANOTHER_SERVER,
        #[cfg(feature = "mqtt5")]
        0x8C => MQTT_RS_AUTH_METHOD_REFUSED,
        #[cfg(feature = "mqtt5")]
        0x80.. => MQTT_RS_CONNACK_REFUSED,
        _ => MQTT_RS_CONNACK_NOT_AUTHORIZED,
    }
}

/// Every engine error (every carried code) with its C result.
fn engine_errors() -> Vec<(E, mqtt_rs_result)> {
    let mut all: Vec<(E, mqtt_rs_result)> = decode_errors().into_iter().map(|(d, r)| (E::from(d), r)).collect();
    // `From<DecodeError>` turns the MQTT 5.0 alias error into the engine's own; the
    // engine's variant carrying it is mapped too.
    all.extend(decode_errors().into_iter().map(|(d, r)| (E::Decode(d), r)));
    all.extend([
        (E::Encode(EncodeError::BufferTooSmall), MQTT_RS_BUFFER_TOO_SMALL),
        (E::Encode(EncodeError::InvalidField), MQTT_RS_INVALID_ARGUMENT),
        (E::Encode(EncodeError::Topic), MQTT_RS_INVALID_TOPIC),
        (E::KeepaliveTimeout, MQTT_RS_KEEPALIVE_TIMEOUT),
        (E::UnexpectedPacket, MQTT_RS_PROTOCOL_VIOLATION),
        (E::UnknownPacketId, MQTT_RS_UNKNOWN_PACKET_ID),
        (E::SubackMismatch, MQTT_RS_SUBACK_MISMATCH),
        (E::PacketTooLarge, MQTT_RS_PACKET_TOO_LARGE),
        (E::WrongState, MQTT_RS_WRONG_STATE),
        (E::WindowFull, MQTT_RS_INFLIGHT_FULL),
        (E::OutboxFull, MQTT_RS_BUSY),
    ]);
    all.extend((0..=u8::MAX).map(|c| (E::Refused(c), refused(c))));
    #[cfg(feature = "mqtt5")]
    {
        all.extend([
            (E::PacketTooLargeForBroker, MQTT_RS_PACKET_TOO_LARGE_FOR_BROKER),
            (E::QosNotSupported, MQTT_RS_QOS_NOT_SUPPORTED),
            (E::RetainNotSupported, MQTT_RS_RETAIN_NOT_SUPPORTED),
            (E::TopicAlias, MQTT_RS_TOPIC_ALIAS_INVALID),
            (E::TopicAliasTooLong, MQTT_RS_TOPIC_ALIAS_TOO_LONG),
            (E::AuthRefused, MQTT_RS_AUTH_REFUSED),
            (E::AuthProtocol, MQTT_RS_AUTH_PROTOCOL_ERROR),
        ]);
        all.extend((0..=u8::MAX).map(|c| {
            let r = if matches!(c, 0x9C | 0x9D) { MQTT_RS_USE_ANOTHER_SERVER } else { MQTT_RS_SERVER_DISCONNECT };
            (E::ServerDisconnect(c), r)
        }));
        all.extend((0..=u8::MAX).map(|c| (E::Rejected(c), MQTT_RS_REJECTED_BY_BROKER)));
    }
    all
}

#[test]
fn every_engine_error_maps_to_its_code() {
    for (e, r) in engine_errors() {
        assert_eq!(mqtt_rs_result::from(e), r, "{e:?}");
        assert_eq!(code(T::Engine(e)), r, "{e:?} through the transport error");
        assert_eq!(code(T::from(e)), r, "{e:?} converted");
        assert_eq!(mqtt_rs_result::from(Err::<(), T>(T::Engine(e))), r, "{e:?} as a result");
    }
}

#[test]
fn every_decode_error_maps_to_its_code() {
    for (d, r) in decode_errors() {
        assert_eq!(mqtt_rs_result::from(d), r, "{d:?}");
    }
}

#[test]
fn every_transport_error_maps_to_its_code() {
    let all = [
        (T::ConnectFailed, MQTT_RS_NET_CONNECT_FAILED),
        (T::HostNotFound, MQTT_RS_NET_HOST_NOT_FOUND),
        (T::Refused, MQTT_RS_NET_CONNECTION_REFUSED),
        (T::Closed, MQTT_RS_CONNECTION_CLOSED),
        (T::ReadFailed, MQTT_RS_NET_READ_FAILED),
        (T::WriteFailed, MQTT_RS_NET_WRITE_FAILED),
        (T::Timeout, MQTT_RS_TIMEOUT),
        (T::NotConnected, MQTT_RS_NOT_CONNECTED),
        (T::SubscribeFailed, MQTT_RS_SUBSCRIBE_FAILED),
        (T::Discarded, MQTT_RS_DISCARDED),
    ];
    for (e, r) in all {
        assert_eq!(code(e), r, "{e:?}");
        assert_eq!(mqtt_rs_result::from(Err::<(), T>(e)), r, "{e:?} as a result");
    }
    assert_eq!(mqtt_rs_result::from(Ok::<(), T>(())), MQTT_RS_OK);
}

/// The variant of `e`, by a match that names every one: a variant added to the engine's
/// error fails to compile here until it is named, and [`every_variant_is_listed`] then fails
/// until it is in [`engine_errors`] with its code. (Most engine errors reach the C code
/// through their discriminant, set by hand: a variant left out of the lists could map to a
/// wrong code unseen.)
fn engine_variant(e: &E) -> &'static str {
    match e {
        E::Decode(_) => "Decode",
        E::Encode(_) => "Encode",
        E::Refused(_) => "Refused",
        E::KeepaliveTimeout => "KeepaliveTimeout",
        E::UnexpectedPacket => "UnexpectedPacket",
        E::UnknownPacketId => "UnknownPacketId",
        E::SubackMismatch => "SubackMismatch",
        E::PacketTooLarge => "PacketTooLarge",
        E::WrongState => "WrongState",
        E::WindowFull => "WindowFull",
        E::OutboxFull => "OutboxFull",
        #[cfg(feature = "mqtt5")]
        E::PacketTooLargeForBroker => "PacketTooLargeForBroker",
        #[cfg(feature = "mqtt5")]
        E::QosNotSupported => "QosNotSupported",
        #[cfg(feature = "mqtt5")]
        E::RetainNotSupported => "RetainNotSupported",
        #[cfg(feature = "mqtt5")]
        E::TopicAlias => "TopicAlias",
        #[cfg(feature = "mqtt5")]
        E::TopicAliasTooLong => "TopicAliasTooLong",
        #[cfg(feature = "mqtt5")]
        E::ServerDisconnect(_) => "ServerDisconnect",
        #[cfg(feature = "mqtt5")]
        E::Rejected(_) => "Rejected",
        #[cfg(feature = "mqtt5")]
        E::AuthRefused => "AuthRefused",
        #[cfg(feature = "mqtt5")]
        E::AuthProtocol => "AuthProtocol",
    }
}

/// As [`engine_variant`], for the decoder's and the encoder's errors.
fn codec_variant(e: &E) -> Option<&'static str> {
    Some(match e {
        E::Decode(d) => match d {
            DecodeError::RemainingLength => "RemainingLength",
            DecodeError::Flags => "Flags",
            DecodeError::QoS => "QoS",
            DecodeError::PacketId => "PacketId",
            DecodeError::Utf8 => "Utf8",
            DecodeError::Topic => "Topic",
            DecodeError::Malformed => "Malformed",
            #[cfg(feature = "mqtt5")]
            DecodeError::PropertyNotAllowed => "PropertyNotAllowed",
            #[cfg(feature = "mqtt5")]
            DecodeError::DuplicateProperty => "DuplicateProperty",
            #[cfg(feature = "mqtt5")]
            DecodeError::PropertyValue => "PropertyValue",
            #[cfg(feature = "mqtt5")]
            DecodeError::PropertyLength => "PropertyLength",
            #[cfg(feature = "mqtt5")]
            DecodeError::ReasonCode => "ReasonCode",
            #[cfg(feature = "mqtt5")]
            DecodeError::TopicAlias => "Decode TopicAlias",
        },
        E::Encode(EncodeError::BufferTooSmall) => "BufferTooSmall",
        E::Encode(EncodeError::InvalidField) => "InvalidField",
        E::Encode(EncodeError::Topic) => "Encode Topic",
        _ => return None,
    })
}

#[test]
fn every_variant_is_listed() {
    let listed = engine_errors();
    let engine: std::collections::BTreeSet<_> = listed.iter().map(|(e, _)| engine_variant(e)).collect();
    let codec: std::collections::BTreeSet<_> = listed.iter().filter_map(|(e, _)| codec_variant(e)).collect();
    let (engine_count, codec_count) = if cfg!(feature = "mqtt5") { (20, 16) } else { (11, 10) };
    assert_eq!(engine.len(), engine_count, "engine variants in engine_errors: {engine:?}");
    assert_eq!(codec.len(), codec_count, "codec variants in engine_errors: {codec:?}");
}
