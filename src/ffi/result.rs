//! The one result enum of the C API, its descriptions, and the mapping from internal errors.

use crate::codec::{DecodeError, EncodeError};
use crate::engine;
use crate::transport::client::Error;
use core::ffi::c_char;

/// Result of every fallible call. `MQTT_RS_OK` is 0; `mqtt_rs_result_str()` describes each.
/// Crosses the boundary as `int32_t` whatever the C compiler's enum size; values the
/// library does not know (from C) are only ever taken as integers (`mqtt_rs_result_str`).
#[repr(i32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub enum mqtt_rs_result {
    /// Success.
    MQTT_RS_OK = 0,
    /// A non-blocking call started; its completion arrives as an event from `mqtt_rs_client_poll()`.
    MQTT_RS_IN_PROGRESS = 1,
    /// A blocking call ran out of time. The connection stays up; flows started continue.
    MQTT_RS_TIMEOUT = 2,
    /// A required pointer argument was NULL.
    MQTT_RS_NULL_ARGUMENT = 3,
    /// An argument is out of range (QoS above 2, count 0, string not UTF-8, missing callback…).
    MQTT_RS_INVALID_ARGUMENT = 4,
    /// A buffer is too small: client buffers under the minimum, or a packet that cannot fit.
    MQTT_RS_BUFFER_TOO_SMALL = 5,
    /// The call does not fit the client's state (not initialised, not connected, already connecting).
    MQTT_RS_WRONG_STATE = 6,
    /// All in-flight slots are busy; poll (or wait) and try again.
    MQTT_RS_INFLIGHT_FULL = 7,
    /// The transmit buffer is full; poll (or wait) and try again.
    MQTT_RS_BUSY = 8,
    /// The network connect callback failed.
    MQTT_RS_NET_CONNECT_FAILED = 9,
    /// The network read callback failed.
    MQTT_RS_NET_READ_FAILED = 10,
    /// The network write callback failed.
    MQTT_RS_NET_WRITE_FAILED = 11,
    /// The broker closed the connection.
    MQTT_RS_CONNECTION_CLOSED = 12,
    /// The broker stopped answering (no CONNACK or PINGRESP in time).
    MQTT_RS_KEEPALIVE_TIMEOUT = 13,
    /// CONNACK 1: the broker does not speak this protocol version.
    MQTT_RS_CONNACK_UNACCEPTABLE_PROTOCOL = 14,
    /// CONNACK 2: the client identifier was rejected.
    MQTT_RS_CONNACK_IDENTIFIER_REJECTED = 15,
    /// CONNACK 3: the MQTT service is unavailable.
    MQTT_RS_CONNACK_SERVER_UNAVAILABLE = 16,
    /// CONNACK 4: bad user name or password.
    MQTT_RS_CONNACK_BAD_USERNAME_OR_PASSWORD = 17,
    /// CONNACK 5: not authorised.
    MQTT_RS_CONNACK_NOT_AUTHORIZED = 18,
    /// Broker data: remaining length over 4 bytes or not minimally encoded.
    MQTT_RS_MALFORMED_REMAINING_LENGTH = 19,
    /// Broker data: reserved fixed-header flags set wrongly.
    MQTT_RS_MALFORMED_FLAGS = 20,
    /// Broker data: QoS 3.
    MQTT_RS_MALFORMED_QOS = 21,
    /// Broker data: packet identifier 0 where one is required.
    MQTT_RS_MALFORMED_PACKET_ID = 22,
    /// Broker data: invalid UTF-8 or U+0000 in a string.
    MQTT_RS_MALFORMED_UTF8 = 23,
    /// Broker data: wildcard or empty topic name in a PUBLISH.
    MQTT_RS_MALFORMED_TOPIC = 24,
    /// Broker data: truncated packet, trailing bytes, unknown type or invalid field.
    MQTT_RS_MALFORMED_PACKET = 25,
    /// The broker sent a packet a client must not receive, or one out of order.
    MQTT_RS_PROTOCOL_VIOLATION = 26,
    /// An incoming packet does not fit the receive buffer (PUBLISH payloads are chunked instead).
    MQTT_RS_PACKET_TOO_LARGE = 27,
    /// The broker refused at least one filter of a SUBSCRIBE (return code 0x80).
    MQTT_RS_SUBSCRIBE_FAILED = 28,
    /// The flow was dropped: a clean-session connect discarded it, or the connection ended first.
    MQTT_RS_DISCARDED = 29,
    /// The broker acknowledged a packet id the client has no flow for.
    MQTT_RS_UNKNOWN_PACKET_ID = 30,
    /// SUBACK holds a different number of return codes than the SUBSCRIBE had filters.
    MQTT_RS_SUBACK_MISMATCH = 31,
    /// A topic name has wildcards or is empty, or a topic filter is malformed.
    MQTT_RS_INVALID_TOPIC = 32,
    /// There is no connection (connect first).
    MQTT_RS_NOT_CONNECTED = 33,
    /// The library was built without TLS (cargo feature `tls`, CMake `MQTT_RS_TLS`).
    MQTT_RS_TLS_NOT_BUILT = 34,
    /// TLS options without trust anchors: the broker could not be verified, so no connection.
    MQTT_RS_TLS_NO_TRUST_ANCHORS = 35,
    /// A CA certificate could not be parsed (PEM or DER).
    MQTT_RS_TLS_BAD_TRUST_ANCHOR = 36,
    /// The client certificate chain could not be parsed.
    MQTT_RS_TLS_BAD_CLIENT_CERT = 37,
    /// The client key could not be parsed, has an unsupported type, or does not match the certificate.
    MQTT_RS_TLS_BAD_CLIENT_KEY = 38,
    /// The server name is neither a DNS name nor an IP address.
    MQTT_RS_TLS_INVALID_SERVER_NAME = 39,
    /// An ALPN protocol name is empty or longer than 255 bytes.
    MQTT_RS_TLS_INVALID_ALPN = 40,
    /// The broker's certificate does not chain to a trusted CA.
    MQTT_RS_TLS_UNKNOWN_ISSUER = 41,
    /// The broker's certificate is expired or not yet valid (check the clock hook).
    MQTT_RS_TLS_CERT_EXPIRED = 42,
    /// The broker's certificate is not valid for the server name.
    MQTT_RS_TLS_CERT_NAME_MISMATCH = 43,
    /// A signature in the broker's certificate chain does not verify.
    MQTT_RS_TLS_BAD_SIGNATURE = 44,
    /// The broker's certificate is unusable for another reason.
    MQTT_RS_TLS_CERT_INVALID = 45,
    /// The broker refused the client certificate, or required one that was not configured.
    MQTT_RS_TLS_CLIENT_CERT_REFUSED = 46,
    /// The handshake failed: a handshake_failure or other fatal alert, no common parameters.
    MQTT_RS_TLS_HANDSHAKE_FAILED = 47,
    /// Client and broker share no TLS version (see `min_version`).
    MQTT_RS_TLS_PROTOCOL_VERSION = 48,
    /// The heap hook could not supply memory for TLS.
    MQTT_RS_TLS_OUT_OF_MEMORY = 49,
    /// The wall-clock hook gave no time: certificates cannot be checked.
    MQTT_RS_TLS_NO_CLOCK = 50,
    /// The entropy hook failed.
    MQTT_RS_TLS_NO_ENTROPY = 51,
    /// Any other TLS failure (the peer broke the protocol); see `mqtt_rs_client_tls_error_detail()`.
    MQTT_RS_TLS_ERROR = 52,
    /// The call drives I/O or runs callbacks, and was made from inside a callback of the
    /// same client (`on_message`, `on_event`, a network callback): only the queueing calls
    /// (`mqtt_rs_client_begin_publish/subscribe/unsubscribe`) and the queries may be.
    MQTT_RS_CALLED_FROM_CALLBACK = 53,
    /// The connect callback could not resolve the host name (`MQTT_RS_IO_HOST_NOT_FOUND`).
    MQTT_RS_NET_HOST_NOT_FOUND = 54,
    /// The host refused the connection: nothing listens on that port (`MQTT_RS_IO_REFUSED`).
    MQTT_RS_NET_CONNECTION_REFUSED = 55,
    /// The connect options carry a password and the connection has no TLS: refused before
    /// anything is sent. Use TLS (`mqtt_rs_client_use_tls()`), or set
    /// `allow_plaintext_credentials` in the connect options to send it in clear.
    MQTT_RS_PLAINTEXT_CREDENTIALS = 56,
    /// `mqtt_rs_signature_verify()`: the signature does not verify with this key over this message.
    MQTT_RS_SIGNATURE_INVALID = 57,
    /// `mqtt_rs_signature_verify()`: the public key does not have the algorithm's form.
    MQTT_RS_PUBLIC_KEY_INVALID = 58,
    /// The crypto provider of this build does not offer the algorithm, or failed (PSA).
    MQTT_RS_CRYPTO_UNSUPPORTED = 59,
    /// `protocol_version` 5 asked of a library built without MQTT 5.0 (cargo feature
    /// `mqtt5`, CMake `MQTT_RS_MQTT5`); nothing was sent.
    MQTT_RS_MQTT5_NOT_BUILT = 60,
    /// MQTT 5.0 CONNACK refused the connection with a reason code of 0x80 or above (the
    /// `MQTT_RS_EVENT_CONNECTED` and `MQTT_RS_EVENT_DISCONNECTED` events carry it in `reason_code`).
    MQTT_RS_CONNACK_REFUSED = 61,
    /// MQTT 5.0: the PUBLISH, fixed header included, is larger than the broker's Maximum
    /// Packet Size; refused before anything was sent.
    MQTT_RS_PACKET_TOO_LARGE_FOR_BROKER = 62,
    /// MQTT 5.0: the QoS is above the broker's Maximum QoS; refused before a packet id was taken.
    MQTT_RS_QOS_NOT_SUPPORTED = 63,
    /// MQTT 5.0: the broker does not keep retained messages (Retain Available 0); refused locally.
    MQTT_RS_RETAIN_NOT_SUPPORTED = 64,
    /// MQTT 5.0: the broker refused the message (PUBACK or PUBREC reason code 0x80 or above;
    /// the `MQTT_RS_EVENT_PUBLISH_DONE` event carries the code).
    MQTT_RS_REJECTED_BY_BROKER = 65,
    /// MQTT 5.0: the broker ended the connection with DISCONNECT (the `MQTT_RS_EVENT_DISCONNECTED`
    /// event carries its reason code in `reason_code`).
    MQTT_RS_SERVER_DISCONNECT = 66,
    /// MQTT 5.0: the broker sent the client to another server (reason code 0x9C Use another
    /// server or 0x9D Server moved, in CONNACK or DISCONNECT).
    MQTT_RS_USE_ANOTHER_SERVER = 67,
    /// MQTT 5.0 broker data: a property repeated, not allowed in that packet, out of range,
    /// or running past the packet; or a reason code the packet may not carry.
    MQTT_RS_MALFORMED_PROPERTY = 68,
    /// MQTT 5.0: the broker used a topic alias this client did not allow: 0, above the
    /// Topic Alias Maximum it announced (none without `mqtt_rs_client_use_topic_aliases()`),
    /// or an alias never set on this connection. The client answers DISCONNECT 0x94.
    MQTT_RS_TOPIC_ALIAS_INVALID = 69,
    /// `mqtt_rs_reconnect_publish()` while disconnected: the offline queue is full (every
    /// in-flight slot the window may use holds a QoS 1/2 message, or the QoS 0 buffer is
    /// full under the refuse-newest policy). Nothing was queued: backpressure, not loss.
    MQTT_RS_OFFLINE_QUEUE_FULL = 70,
    /// The persistence hook `persist_store` failed: the message is queued but not saved,
    /// so a reset before it completes loses it.
    MQTT_RS_PERSIST_FAILED = 71,
    /// Persistence hooks were given to a library built without them (cargo feature
    /// `persist`, CMake `MQTT_RS_PERSIST`).
    MQTT_RS_PERSIST_NOT_BUILT = 72,
    /// MQTT 5.0: the broker set a topic alias to a topic longer than a slot of the
    /// incoming table given to `mqtt_rs_client_use_topic_aliases()` holds (the connection
    /// ends: the alias could not be resolved later). Make the slots as long as the longest
    /// topic the client subscribes to, plus 2.
    MQTT_RS_TOPIC_ALIAS_TOO_LONG = 73,
    /// MQTT 5.0 enhanced authentication: the broker does not accept the authentication
    /// method (CONNACK reason code 0x8C Bad authentication method; the events carry it in
    /// `reason_code`). A refused re-authentication is the broker's DISCONNECT
    /// (`MQTT_RS_SERVER_DISCONNECT`, e.g. 0x87 Not authorized).
    MQTT_RS_AUTH_METHOD_REFUSED = 74,
    /// MQTT 5.0 enhanced authentication: the application refused the broker's challenge
    /// (its `on_auth` callback returned false, or none is set); the connection was closed.
    MQTT_RS_AUTH_REFUSED = 75,
    /// MQTT 5.0 enhanced authentication broken by the broker: AUTH although CONNECT named
    /// no authentication method, AUTH or CONNACK with another method, or an AUTH reason
    /// code not allowed at that step.
    MQTT_RS_AUTH_PROTOCOL_ERROR = 76,
    /// `mqtt_rs_reconnect_publish()` of a QoS 0 message while disconnected, with
    /// `persist_qos0`: `persist_store` could not keep it, so it was not queued either (the
    /// queue holds only what the store holds). Counted in `persist_failures`.
    MQTT_RS_PERSIST_REFUSED = 77,
}

use mqtt_rs_result::*;

/// Declares the result codes in enum order ([`CODES`]) and their descriptions as one
/// NUL-separated text ([`TEXT`]), the n-th text describing the n-th code.
macro_rules! descriptions {
    ($($code:ident => $text:literal,)*) => {
        /// Every result, in enum order.
        const CODES: &[mqtt_rs_result] = &[$($code),*];
        /// Their descriptions, each NUL-terminated, then the one for unknown values.
        const TEXT: &str = concat!($($text, "\0",)* "unknown result\0");

        /// The result of value `code`, an error's discriminant (checked below for each;
        /// `MQTT_RS_PROTOCOL_VIOLATION` for a value no result has, never success): the
        /// compiler makes the match a range check, the values being those of enum order.
        fn from_code(code: u8) -> mqtt_rs_result {
            match code {
                $(c if c == $code as u8 => $code,)*
                _ => MQTT_RS_PROTOCOL_VIOLATION,
            }
        }
    };
}

// One text with inner NULs rather than one literal per description: a literal that
// ends in its only NUL lands in the object's mergeable C-string section, which the
// linker keeps whole (2.1 kB on Cortex-M4) as soon as any string of the firmware
// shares its tail, even when `mqtt_rs_result_str` is never linked.
descriptions! {
    MQTT_RS_OK => "success",
    MQTT_RS_IN_PROGRESS => "in progress",
    MQTT_RS_TIMEOUT => "timed out",
    MQTT_RS_NULL_ARGUMENT => "NULL argument",
    MQTT_RS_INVALID_ARGUMENT => "invalid argument",
    MQTT_RS_BUFFER_TOO_SMALL => "buffer too small",
    MQTT_RS_WRONG_STATE => "call not valid in this state",
    MQTT_RS_INFLIGHT_FULL => "in-flight window full",
    MQTT_RS_BUSY => "transmit buffer full",
    MQTT_RS_NET_CONNECT_FAILED => "could not open the network connection",
    MQTT_RS_NET_READ_FAILED => "network read failed",
    MQTT_RS_NET_WRITE_FAILED => "network write failed",
    MQTT_RS_CONNECTION_CLOSED => "connection closed by peer",
    MQTT_RS_KEEPALIVE_TIMEOUT => "broker stopped answering (keepalive timeout)",
    MQTT_RS_CONNACK_UNACCEPTABLE_PROTOCOL => "connection refused: unacceptable protocol version",
    MQTT_RS_CONNACK_IDENTIFIER_REJECTED => "connection refused: identifier rejected",
    MQTT_RS_CONNACK_SERVER_UNAVAILABLE => "connection refused: server unavailable",
    MQTT_RS_CONNACK_BAD_USERNAME_OR_PASSWORD => "connection refused: bad user name or password",
    MQTT_RS_CONNACK_NOT_AUTHORIZED => "connection refused: not authorised",
    MQTT_RS_MALFORMED_REMAINING_LENGTH => "malformed packet: remaining length",
    MQTT_RS_MALFORMED_FLAGS => "malformed packet: reserved flags",
    MQTT_RS_MALFORMED_QOS => "malformed packet: QoS 3",
    MQTT_RS_MALFORMED_PACKET_ID => "malformed packet: packet id 0",
    MQTT_RS_MALFORMED_UTF8 => "malformed packet: invalid UTF-8 string",
    MQTT_RS_MALFORMED_TOPIC => "malformed packet: invalid topic",
    MQTT_RS_MALFORMED_PACKET => "malformed packet",
    MQTT_RS_PROTOCOL_VIOLATION => "protocol violation by broker",
    MQTT_RS_PACKET_TOO_LARGE => "packet larger than the receive buffer",
    MQTT_RS_SUBSCRIBE_FAILED => "subscription refused by broker",
    MQTT_RS_DISCARDED => "flow discarded before completion",
    MQTT_RS_UNKNOWN_PACKET_ID => "acknowledgement for unknown packet id",
    MQTT_RS_SUBACK_MISMATCH => "SUBACK return code count mismatch",
    MQTT_RS_INVALID_TOPIC => "invalid topic name or filter",
    MQTT_RS_NOT_CONNECTED => "not connected",
    MQTT_RS_TLS_NOT_BUILT => "library built without TLS",
    MQTT_RS_TLS_NO_TRUST_ANCHORS => "TLS needs a trusted CA certificate and none was configured",
    MQTT_RS_TLS_BAD_TRUST_ANCHOR => "the CA certificate cannot be parsed (PEM or DER expected)",
    MQTT_RS_TLS_BAD_CLIENT_CERT => "the client certificate cannot be parsed (PEM or DER expected)",
    MQTT_RS_TLS_BAD_CLIENT_KEY => "the client key is unusable: encrypted, of an unsupported type, or not matching the certificate",
    MQTT_RS_TLS_INVALID_SERVER_NAME => "the TLS server name is neither a host name nor an IP address",
    MQTT_RS_TLS_INVALID_ALPN => "an ALPN protocol name is empty or longer than 255 bytes",
    MQTT_RS_TLS_UNKNOWN_ISSUER => "the broker's certificate is not signed by a trusted CA",
    MQTT_RS_TLS_CERT_EXPIRED => "the broker's certificate has expired or is not yet valid",
    MQTT_RS_TLS_CERT_NAME_MISMATCH => "the broker's certificate is not valid for this server name",
    MQTT_RS_TLS_BAD_SIGNATURE => "a signature in the broker's certificate chain does not verify",
    MQTT_RS_TLS_CERT_INVALID => "the broker's certificate is unusable",
    MQTT_RS_TLS_CLIENT_CERT_REFUSED => "the broker refused the client certificate, or requires one",
    MQTT_RS_TLS_HANDSHAKE_FAILED => "the TLS handshake failed: no parameters in common, or a fatal alert",
    MQTT_RS_TLS_PROTOCOL_VERSION => "client and broker have no TLS version in common",
    MQTT_RS_TLS_OUT_OF_MEMORY => "out of memory for TLS",
    MQTT_RS_TLS_NO_CLOCK => "no wall-clock time to check certificates with",
    MQTT_RS_TLS_NO_ENTROPY => "the entropy source for TLS failed",
    MQTT_RS_TLS_ERROR => "TLS protocol error",
    MQTT_RS_CALLED_FROM_CALLBACK => "this call is not allowed from inside a callback of the same client",
    MQTT_RS_NET_HOST_NOT_FOUND => "host name did not resolve",
    MQTT_RS_NET_CONNECTION_REFUSED => "connection refused: nothing listens on that host and port",
    MQTT_RS_PLAINTEXT_CREDENTIALS => "password not sent over a connection without TLS: use TLS, or set allow_plaintext_credentials to send it in clear",
    MQTT_RS_SIGNATURE_INVALID => "signature does not verify with this public key",
    MQTT_RS_PUBLIC_KEY_INVALID => "public key is not in the form the algorithm takes",
    MQTT_RS_CRYPTO_UNSUPPORTED => "the crypto provider of this build does not offer this algorithm, or failed",
    MQTT_RS_MQTT5_NOT_BUILT => "library built without MQTT 5.0",
    MQTT_RS_CONNACK_REFUSED => "connection refused by the broker (MQTT 5.0 reason code)",
    MQTT_RS_PACKET_TOO_LARGE_FOR_BROKER => "packet larger than the broker's Maximum Packet Size",
    MQTT_RS_QOS_NOT_SUPPORTED => "QoS above the broker's Maximum QoS",
    MQTT_RS_RETAIN_NOT_SUPPORTED => "the broker does not support retained messages",
    MQTT_RS_REJECTED_BY_BROKER => "message refused by the broker (MQTT 5.0 reason code)",
    MQTT_RS_SERVER_DISCONNECT => "the broker closed the connection with DISCONNECT",
    MQTT_RS_USE_ANOTHER_SERVER => "the broker asks the client to use another server",
    MQTT_RS_MALFORMED_PROPERTY => "malformed packet: MQTT 5.0 property or reason code",
    MQTT_RS_TOPIC_ALIAS_INVALID => "the broker used a topic alias of 0, above this client's maximum, or never set",
    MQTT_RS_OFFLINE_QUEUE_FULL => "offline queue full: message not queued, publish again after reconnect",
    MQTT_RS_PERSIST_FAILED => "the flow store failed to save the message: queued, but a reset would lose it",
    MQTT_RS_PERSIST_NOT_BUILT => "library built without persistence hooks (cargo feature persist, CMake MQTT_RS_PERSIST)",
    MQTT_RS_TOPIC_ALIAS_TOO_LONG => "the broker set a topic alias to a topic longer than a slot of the incoming alias table",
    MQTT_RS_AUTH_METHOD_REFUSED => "the broker refused the authentication method or data (0x8C)",
    MQTT_RS_AUTH_REFUSED => "the application refused the broker's authentication challenge",
    MQTT_RS_AUTH_PROTOCOL_ERROR => "the broker broke enhanced authentication (AUTH without method, other method, bad reason code)",
    MQTT_RS_PERSIST_REFUSED => "the store refused the offline QoS 0 message: not queued",
}

/// Returns a static, NUL-terminated English description of `result` (never NULL;
/// unknown values give "unknown result").
///
/// @param result A result code (any value).
/// @return A static NUL-terminated description, never NULL.
#[no_mangle]
pub extern "C" fn mqtt_rs_result_str(result: i32) -> *const c_char {
    described(result).as_ptr().cast()
}

/// The description of `result` with its NUL: the index-th text of [`TEXT`], which has one
/// for every index up to `CODES.len()`, that of unknown values, so the fallbacks are never
/// taken. They are `TEXT` rather than a literal of their own: one ending in its only NUL
/// lands in the mergeable C-string section, which a firmware's empty C string (the default
/// client id) then kept linked (Cortex-M4: 15 B) although nothing read it (see
/// `descriptions!`).
fn described(result: i32) -> &'static str {
    let index = CODES.iter().position(|c| *c as i32 == result).unwrap_or(CODES.len());
    let mut start = 0;
    let mut seen = 0;
    for (at, byte) in TEXT.bytes().enumerate() {
        if byte == 0 {
            if seen == index {
                return TEXT.get(start..=at).unwrap_or(TEXT);
            }
            seen += 1;
            start = at + 1;
        }
    }
    TEXT
}

/// The description of `result`, without the NUL.
pub(super) fn describe(result: i32) -> &'static str {
    let text = described(result);
    text.strip_suffix('\0').unwrap_or(text)
}

impl From<DecodeError> for mqtt_rs_result {
    fn from(e: DecodeError) -> Self {
        match e {
            #[cfg(feature = "mqtt5")]
            DecodeError::PropertyNotAllowed
            | DecodeError::DuplicateProperty
            | DecodeError::PropertyValue
            | DecodeError::PropertyLength
            | DecodeError::ReasonCode => MQTT_RS_MALFORMED_PROPERTY,
            // The others, the alias error too: their discriminant is their code (checked
            // below; an arm of its own for the alias error measured larger).
            _ => from_code(e as u8),
        }
    }
}

impl From<engine::Error> for mqtt_rs_result {
    fn from(e: engine::Error) -> Self {
        match e {
            engine::Error::Decode(d) => d.into(),
            engine::Error::Encode(EncodeError::BufferTooSmall) => MQTT_RS_BUFFER_TOO_SMALL,
            engine::Error::Encode(EncodeError::InvalidField) => MQTT_RS_INVALID_ARGUMENT,
            engine::Error::Encode(EncodeError::Topic) => MQTT_RS_INVALID_TOPIC,
            // CONNACK's return codes 1-4 have their results in their order (checked below).
            engine::Error::Refused(c @ 1..=4) => from_code(MQTT_RS_CONNACK_UNACCEPTABLE_PROTOCOL as u8 - 1 + c),
            #[cfg(feature = "mqtt5")]
            engine::Error::Refused(0x9C | 0x9D) | engine::Error::ServerDisconnect(0x9C | 0x9D) => MQTT_RS_USE_ANOTHER_SERVER,
            #[cfg(feature = "mqtt5")]
            engine::Error::Refused(0x8C) => MQTT_RS_AUTH_METHOD_REFUSED,
            #[cfg(feature = "mqtt5")]
            engine::Error::Refused(0x80..) => MQTT_RS_CONNACK_REFUSED,
            engine::Error::Refused(_) => MQTT_RS_CONNACK_NOT_AUTHORIZED,
            #[cfg(feature = "mqtt5")]
            engine::Error::ServerDisconnect(_) => MQTT_RS_SERVER_DISCONNECT,
            // The others: their discriminant is their code ([`BY_DISCRIMINANT`]). A wildcard
            // rather than their names: the match of names measured larger.
            _ => from_code(discriminant(&e)),
        }
    }
}

/// The discriminant of `e`.
const fn discriminant(e: &engine::Error) -> u8 {
    // SAFETY: `engine::Error` is `#[repr(u8)]`: a union of `#[repr(C)]` structs that each
    // start with the `u8` discriminant (the Reference: primitive representation of enums
    // with fields), so its first byte is initialised and is the discriminant.
    unsafe { *(e as *const engine::Error).cast::<u8>() }
}

/// The errors that `From` maps by their discriminant (the engine's that carry no code of
/// their own, the decoder's but the MQTT 5.0 property errors) and the encoder's, whose
/// discriminants are their codes too: each discriminant beside the code it must equal,
/// checked below when the library is compiled.
const BY_DISCRIMINANT: &[(u8, mqtt_rs_result)] = &[
    (discriminant(&engine::Error::KeepaliveTimeout), MQTT_RS_KEEPALIVE_TIMEOUT),
    (discriminant(&engine::Error::UnexpectedPacket), MQTT_RS_PROTOCOL_VIOLATION),
    (discriminant(&engine::Error::UnknownPacketId), MQTT_RS_UNKNOWN_PACKET_ID),
    (discriminant(&engine::Error::SubackMismatch), MQTT_RS_SUBACK_MISMATCH),
    (discriminant(&engine::Error::PacketTooLarge), MQTT_RS_PACKET_TOO_LARGE),
    (discriminant(&engine::Error::WrongState), MQTT_RS_WRONG_STATE),
    (discriminant(&engine::Error::WindowFull), MQTT_RS_INFLIGHT_FULL),
    (discriminant(&engine::Error::OutboxFull), MQTT_RS_BUSY),
    #[cfg(feature = "mqtt5")]
    (discriminant(&engine::Error::PacketTooLargeForBroker), MQTT_RS_PACKET_TOO_LARGE_FOR_BROKER),
    #[cfg(feature = "mqtt5")]
    (discriminant(&engine::Error::QosNotSupported), MQTT_RS_QOS_NOT_SUPPORTED),
    #[cfg(feature = "mqtt5")]
    (discriminant(&engine::Error::RetainNotSupported), MQTT_RS_RETAIN_NOT_SUPPORTED),
    #[cfg(feature = "mqtt5")]
    (discriminant(&engine::Error::TopicAlias), MQTT_RS_TOPIC_ALIAS_INVALID),
    #[cfg(feature = "mqtt5")]
    (discriminant(&engine::Error::TopicAliasTooLong), MQTT_RS_TOPIC_ALIAS_TOO_LONG),
    #[cfg(feature = "mqtt5")]
    (discriminant(&engine::Error::Rejected(0x80)), MQTT_RS_REJECTED_BY_BROKER),
    #[cfg(feature = "mqtt5")]
    (discriminant(&engine::Error::AuthRefused), MQTT_RS_AUTH_REFUSED),
    #[cfg(feature = "mqtt5")]
    (discriminant(&engine::Error::AuthProtocol), MQTT_RS_AUTH_PROTOCOL_ERROR),
    (DecodeError::RemainingLength as u8, MQTT_RS_MALFORMED_REMAINING_LENGTH),
    (DecodeError::Flags as u8, MQTT_RS_MALFORMED_FLAGS),
    (DecodeError::QoS as u8, MQTT_RS_MALFORMED_QOS),
    (DecodeError::PacketId as u8, MQTT_RS_MALFORMED_PACKET_ID),
    (DecodeError::Utf8 as u8, MQTT_RS_MALFORMED_UTF8),
    (DecodeError::Topic as u8, MQTT_RS_MALFORMED_TOPIC),
    (DecodeError::Malformed as u8, MQTT_RS_MALFORMED_PACKET),
    #[cfg(feature = "mqtt5")]
    (DecodeError::TopicAlias as u8, MQTT_RS_TOPIC_ALIAS_INVALID),
    (EncodeError::BufferTooSmall as u8, MQTT_RS_BUFFER_TOO_SMALL),
    (EncodeError::InvalidField as u8, MQTT_RS_INVALID_ARGUMENT),
    (EncodeError::Topic as u8, MQTT_RS_INVALID_TOPIC),
];

const _: () = {
    let mut i = 0;
    while i < BY_DISCRIMINANT.len() {
        assert!(BY_DISCRIMINANT[i].0 as i32 == BY_DISCRIMINANT[i].1 as i32);
        i += 1;
    }
    // CONNACK's return codes 1-4, in order.
    assert!(MQTT_RS_CONNACK_IDENTIFIER_REJECTED as i32 == MQTT_RS_CONNACK_UNACCEPTABLE_PROTOCOL as i32 + 1);
    assert!(MQTT_RS_CONNACK_SERVER_UNAVAILABLE as i32 == MQTT_RS_CONNACK_UNACCEPTABLE_PROTOCOL as i32 + 2);
    assert!(MQTT_RS_CONNACK_BAD_USERNAME_OR_PASSWORD as i32 == MQTT_RS_CONNACK_UNACCEPTABLE_PROTOCOL as i32 + 3);
};

impl From<Error> for mqtt_rs_result {
    fn from(e: Error) -> Self {
        match e {
            Error::Engine(e) => e.into(),
            Error::ConnectFailed => MQTT_RS_NET_CONNECT_FAILED,
            Error::HostNotFound => MQTT_RS_NET_HOST_NOT_FOUND,
            Error::Refused => MQTT_RS_NET_CONNECTION_REFUSED,
            Error::Closed => MQTT_RS_CONNECTION_CLOSED,
            Error::ReadFailed => MQTT_RS_NET_READ_FAILED,
            Error::WriteFailed => MQTT_RS_NET_WRITE_FAILED,
            Error::Timeout => MQTT_RS_TIMEOUT,
            Error::NotConnected => MQTT_RS_NOT_CONNECTED,
            Error::SubscribeFailed => MQTT_RS_SUBSCRIBE_FAILED,
            Error::Discarded => MQTT_RS_DISCARDED,
            #[cfg(feature = "tls")]
            Error::Tls(e) => e.into(),
        }
    }
}

impl From<Result<(), Error>> for mqtt_rs_result {
    fn from(r: Result<(), Error>) -> Self {
        r.map_or_else(Into::into, |()| MQTT_RS_OK)
    }
}

#[cfg(feature = "tls")]
impl From<crate::transport::tls::TlsError> for mqtt_rs_result {
    fn from(e: crate::transport::tls::TlsError) -> Self {
        use crate::transport::stream::IoStatus;
        use crate::transport::tls::TlsError as T;
        match e {
            T::NoTrustAnchors => MQTT_RS_TLS_NO_TRUST_ANCHORS,
            T::BadTrustAnchor => MQTT_RS_TLS_BAD_TRUST_ANCHOR,
            T::BadClientCert => MQTT_RS_TLS_BAD_CLIENT_CERT,
            T::BadClientKey => MQTT_RS_TLS_BAD_CLIENT_KEY,
            T::InvalidServerName => MQTT_RS_TLS_INVALID_SERVER_NAME,
            T::InvalidAlpn => MQTT_RS_TLS_INVALID_ALPN,
            T::UnknownIssuer => MQTT_RS_TLS_UNKNOWN_ISSUER,
            T::CertExpired => MQTT_RS_TLS_CERT_EXPIRED,
            T::CertNameMismatch => MQTT_RS_TLS_CERT_NAME_MISMATCH,
            T::BadSignature => MQTT_RS_TLS_BAD_SIGNATURE,
            T::CertInvalidOther => MQTT_RS_TLS_CERT_INVALID,
            T::ClientCertRefused => MQTT_RS_TLS_CLIENT_CERT_REFUSED,
            T::HandshakeFailure | T::PeerAlert => MQTT_RS_TLS_HANDSHAKE_FAILED,
            T::ProtocolVersion => MQTT_RS_TLS_PROTOCOL_VERSION,
            T::NoClock => MQTT_RS_TLS_NO_CLOCK,
            T::NoEntropy => MQTT_RS_TLS_NO_ENTROPY,
            T::OutOfMemory => MQTT_RS_TLS_OUT_OF_MEMORY,
            T::UnexpectedEof | T::Io(IoStatus::Closed) => MQTT_RS_CONNECTION_CLOSED,
            T::Io(IoStatus::WouldBlock) => MQTT_RS_TIMEOUT,
            T::Io(IoStatus::Failed) => MQTT_RS_NET_READ_FAILED,
            T::Other => MQTT_RS_TLS_ERROR,
        }
    }
}
