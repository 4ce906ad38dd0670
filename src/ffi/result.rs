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
}

use mqtt_rs_result::*;

/// Every result with its description, in enum order.
const DESCRIPTIONS: [(mqtt_rs_result, &str); 53] = [
    (MQTT_RS_OK, "success\0"),
    (MQTT_RS_IN_PROGRESS, "in progress\0"),
    (MQTT_RS_TIMEOUT, "timed out\0"),
    (MQTT_RS_NULL_ARGUMENT, "NULL argument\0"),
    (MQTT_RS_INVALID_ARGUMENT, "invalid argument\0"),
    (MQTT_RS_BUFFER_TOO_SMALL, "buffer too small\0"),
    (MQTT_RS_WRONG_STATE, "call not valid in this state\0"),
    (MQTT_RS_INFLIGHT_FULL, "in-flight window full\0"),
    (MQTT_RS_BUSY, "transmit buffer full\0"),
    (MQTT_RS_NET_CONNECT_FAILED, "network connect failed\0"),
    (MQTT_RS_NET_READ_FAILED, "network read failed\0"),
    (MQTT_RS_NET_WRITE_FAILED, "network write failed\0"),
    (MQTT_RS_CONNECTION_CLOSED, "connection closed by peer\0"),
    (MQTT_RS_KEEPALIVE_TIMEOUT, "broker stopped answering (keepalive timeout)\0"),
    (MQTT_RS_CONNACK_UNACCEPTABLE_PROTOCOL, "connection refused: unacceptable protocol version\0"),
    (MQTT_RS_CONNACK_IDENTIFIER_REJECTED, "connection refused: identifier rejected\0"),
    (MQTT_RS_CONNACK_SERVER_UNAVAILABLE, "connection refused: server unavailable\0"),
    (MQTT_RS_CONNACK_BAD_USERNAME_OR_PASSWORD, "connection refused: bad user name or password\0"),
    (MQTT_RS_CONNACK_NOT_AUTHORIZED, "connection refused: not authorised\0"),
    (MQTT_RS_MALFORMED_REMAINING_LENGTH, "malformed packet: remaining length\0"),
    (MQTT_RS_MALFORMED_FLAGS, "malformed packet: reserved flags\0"),
    (MQTT_RS_MALFORMED_QOS, "malformed packet: QoS 3\0"),
    (MQTT_RS_MALFORMED_PACKET_ID, "malformed packet: packet id 0\0"),
    (MQTT_RS_MALFORMED_UTF8, "malformed packet: invalid UTF-8 string\0"),
    (MQTT_RS_MALFORMED_TOPIC, "malformed packet: invalid topic\0"),
    (MQTT_RS_MALFORMED_PACKET, "malformed packet\0"),
    (MQTT_RS_PROTOCOL_VIOLATION, "protocol violation by broker\0"),
    (MQTT_RS_PACKET_TOO_LARGE, "packet larger than the receive buffer\0"),
    (MQTT_RS_SUBSCRIBE_FAILED, "subscription refused by broker\0"),
    (MQTT_RS_DISCARDED, "flow discarded before completion\0"),
    (MQTT_RS_UNKNOWN_PACKET_ID, "acknowledgement for unknown packet id\0"),
    (MQTT_RS_SUBACK_MISMATCH, "SUBACK return code count mismatch\0"),
    (MQTT_RS_INVALID_TOPIC, "invalid topic name or filter\0"),
    (MQTT_RS_NOT_CONNECTED, "not connected\0"),
    (MQTT_RS_TLS_NOT_BUILT, "library built without TLS\0"),
    (MQTT_RS_TLS_NO_TRUST_ANCHORS, "TLS: no trusted CA configured\0"),
    (MQTT_RS_TLS_BAD_TRUST_ANCHOR, "TLS: CA certificate cannot be parsed\0"),
    (MQTT_RS_TLS_BAD_CLIENT_CERT, "TLS: client certificate cannot be parsed\0"),
    (MQTT_RS_TLS_BAD_CLIENT_KEY, "TLS: client key unusable or not matching the certificate\0"),
    (MQTT_RS_TLS_INVALID_SERVER_NAME, "TLS: invalid server name\0"),
    (MQTT_RS_TLS_INVALID_ALPN, "TLS: invalid ALPN protocol name\0"),
    (MQTT_RS_TLS_UNKNOWN_ISSUER, "TLS: broker certificate from an unknown CA\0"),
    (MQTT_RS_TLS_CERT_EXPIRED, "TLS: broker certificate expired or not yet valid\0"),
    (MQTT_RS_TLS_CERT_NAME_MISMATCH, "TLS: broker certificate not valid for this server name\0"),
    (MQTT_RS_TLS_BAD_SIGNATURE, "TLS: bad signature in the broker certificate chain\0"),
    (MQTT_RS_TLS_CERT_INVALID, "TLS: broker certificate invalid\0"),
    (MQTT_RS_TLS_CLIENT_CERT_REFUSED, "TLS: client certificate refused or required\0"),
    (MQTT_RS_TLS_HANDSHAKE_FAILED, "TLS: handshake failed\0"),
    (MQTT_RS_TLS_PROTOCOL_VERSION, "TLS: no common protocol version\0"),
    (MQTT_RS_TLS_OUT_OF_MEMORY, "TLS: out of memory\0"),
    (MQTT_RS_TLS_NO_CLOCK, "TLS: no wall-clock time\0"),
    (MQTT_RS_TLS_NO_ENTROPY, "TLS: entropy source failed\0"),
    (MQTT_RS_TLS_ERROR, "TLS: protocol error\0"),
];

/// Returns a static, NUL-terminated English description of `result` (never NULL;
/// unknown values give "unknown result").
#[no_mangle]
pub extern "C" fn mqtt_rs_result_str(result: i32) -> *const c_char {
    let text = DESCRIPTIONS
        .iter()
        .find(|(r, _)| *r as i32 == result)
        .map_or("unknown result\0", |(_, text)| text);
    text.as_ptr().cast()
}

impl From<DecodeError> for mqtt_rs_result {
    fn from(e: DecodeError) -> Self {
        match e {
            DecodeError::RemainingLength => MQTT_RS_MALFORMED_REMAINING_LENGTH,
            DecodeError::Flags => MQTT_RS_MALFORMED_FLAGS,
            DecodeError::QoS => MQTT_RS_MALFORMED_QOS,
            DecodeError::PacketId => MQTT_RS_MALFORMED_PACKET_ID,
            DecodeError::Utf8 => MQTT_RS_MALFORMED_UTF8,
            DecodeError::Topic => MQTT_RS_MALFORMED_TOPIC,
            DecodeError::Malformed => MQTT_RS_MALFORMED_PACKET,
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
            engine::Error::Refused(1) => MQTT_RS_CONNACK_UNACCEPTABLE_PROTOCOL,
            engine::Error::Refused(2) => MQTT_RS_CONNACK_IDENTIFIER_REJECTED,
            engine::Error::Refused(3) => MQTT_RS_CONNACK_SERVER_UNAVAILABLE,
            engine::Error::Refused(4) => MQTT_RS_CONNACK_BAD_USERNAME_OR_PASSWORD,
            engine::Error::Refused(_) => MQTT_RS_CONNACK_NOT_AUTHORIZED,
            engine::Error::KeepaliveTimeout => MQTT_RS_KEEPALIVE_TIMEOUT,
            engine::Error::UnexpectedPacket => MQTT_RS_PROTOCOL_VIOLATION,
            engine::Error::UnknownPacketId => MQTT_RS_UNKNOWN_PACKET_ID,
            engine::Error::SubackMismatch => MQTT_RS_SUBACK_MISMATCH,
            engine::Error::PacketTooLarge => MQTT_RS_PACKET_TOO_LARGE,
            engine::Error::WrongState => MQTT_RS_WRONG_STATE,
            engine::Error::WindowFull => MQTT_RS_INFLIGHT_FULL,
            engine::Error::OutboxFull => MQTT_RS_BUSY,
        }
    }
}

impl From<Error> for mqtt_rs_result {
    fn from(e: Error) -> Self {
        match e {
            Error::Engine(e) => e.into(),
            Error::ConnectFailed => MQTT_RS_NET_CONNECT_FAILED,
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
