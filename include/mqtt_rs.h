/**
 * @file mqtt_rs.h
 * @brief mqtt_rs: a secure MQTT client for C firmware.
 *
 * Generated from the Rust sources by cbindgen (build.rs). Do not edit by hand:
 * run `MQTT_RS_UPDATE_HEADER=1 cargo build` after changing the ffi module.
 *
 * Memory: the caller owns everything (client storage, buffers, in-flight slots); the
 * library never allocates in the plain build.
 *
 * Callbacks: on_message, on_event and the network callbacks run inside the call that
 * drives I/O (connect, publish, subscribe, unsubscribe, wait, poll, disconnect and their
 * begin_ forms that close or open, deinit). From inside on_message or on_event, the
 * client accepts only:
 *   - mqtt_rs_client_begin_publish, _begin_subscribe, _begin_unsubscribe: the request is
 *     queued and goes out when the outer call (or the next one) writes; the message being
 *     delivered is left untouched;
 *   - the queries (is_connected, wants_write, inflight_count, ignored_acks, tls_resumed,
 *     tls_error_detail, error_detail) and mqtt_rs_result_str.
 * From inside the network callbacks (connect, read, write, close, now_ms), which run while
 * the client is mid-step, it accepts none of them: the begin_ calls return
 * MQTT_RS_CALLED_FROM_CALLBACK and the queries their NULL value (false, 0, no detail).
 * Every other call returns MQTT_RS_CALLED_FROM_CALLBACK and changes nothing (init too;
 * deinit just returns). Blocking calls return once their own goal is met (CONNACK, the
 * acknowledgement, the bytes written): what arrives after waits for the next call.
 *
 * Threads and tasks: a client is one state machine. With one task, call it from that task
 * only. With several (e.g. one task runs mqtt_rs_client_poll, others publish), set
 * `lock` in mqtt_rs_client_config: every call takes it for its whole length, so a blocking
 * call holds the client (and drives its I/O, delivering callbacks in that task) until it
 * returns. The loop task should sleep outside the library (poll() on the socket, or the
 * returned sleep_ms) rather than in mqtt_rs_client_wait, so others get the client between
 * polls. Waiting for the lock is not counted in a blocking call's timeout.
 */

#ifndef MQTT_RS_H
#define MQTT_RS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
/* Storage sizes differ by pointer width; the library is built for 16-, 32- and 64-bit targets. */
#if UINTPTR_MAX == 0xFFFFFFFFFFFFFFFFu
#define MQTT_RS_POINTER_WIDTH_64
#elif UINTPTR_MAX == 0xFFFFFFFFu
#define MQTT_RS_POINTER_WIDTH_32
#elif UINTPTR_MAX == 0xFFFFu
#define MQTT_RS_POINTER_WIDTH_16
#else
#error "mqtt_rs: no storage sizes for this pointer width (16-, 32- and 64-bit targets only)"
#endif

/** Major version of this header (Cargo.toml's package version). */
#define MQTT_RS_VERSION_MAJOR 0
/** Minor version of this header. */
#define MQTT_RS_VERSION_MINOR 1
/** Patch version of this header. */
#define MQTT_RS_VERSION_PATCH 0
/** The version as text, e.g. for a log line. */
#define MQTT_RS_VERSION_STRING "0.1.0"
/** The version packed as `(major << 16) | (minor << 8) | patch`; compare with mqtt_rs_version(). */
#define MQTT_RS_VERSION ((MQTT_RS_VERSION_MAJOR << 16) | (MQTT_RS_VERSION_MINOR << 8) | MQTT_RS_VERSION_PATCH)

#if defined(MQTT_RS_MQTT5)
/**
 * AUTH reason code 0x18 in `mqtt_rs_auth_step.reason_code`: a challenge to answer.
 */
#define MQTT_RS_AUTH_CONTINUE 24
#endif

#if defined(MQTT_RS_MQTT5)
/**
 * AUTH reason code 0x00 in `mqtt_rs_auth_step.reason_code`: re-authentication succeeded.
 */
#define MQTT_RS_AUTH_SUCCESS 0
#endif

/**
 * Bytes of caller storage a SHA-256 computation needs (`mqtt_rs_sha256_ctx`), on every
 * target: room for the largest provider state (a PSA hash operation) plus alignment.
 */
#define MQTT_RS_SHA256_CTX_SIZE 560

/**
 * `mqtt_rs_sha256_ctx` storage in 8-byte words.
 */
#define MQTT_RS_SHA256_CTX_WORDS (MQTT_RS_SHA256_CTX_SIZE / 8)

/**
 * Bytes of a SHA-256 digest.
 */
#define MQTT_RS_SHA256_DIGEST_SIZE 32

/**
 * `mqtt_rs_signature_verify` algorithm: ECDSA on P-256 over SHA-256 of the message. Key:
 * the uncompressed point (65 bytes, `04 || X || Y`). Signature: DER (what
 * `openssl dgst -sha256 -sign` writes) or `r || s` (64 bytes). Every provider.
 */
#define MQTT_RS_SIG_ECDSA_P256_SHA256 1

/**
 * `mqtt_rs_signature_verify` algorithm: Ed25519 over the message. Key: 32 bytes.
 * Signature: 64 bytes. Only the ring provider (hosts) offers it; the others return
 * `MQTT_RS_CRYPTO_UNSUPPORTED`.
 */
#define MQTT_RS_SIG_ED25519 2

/**
 * QoS 0, at most once: sent once, never acknowledged.
 */
#define MQTT_RS_QOS0 0

/**
 * QoS 1, at least once: resent until a PUBACK; may arrive twice.
 */
#define MQTT_RS_QOS1 1

/**
 * QoS 2, exactly once: a four-packet handshake, no duplicates.
 */
#define MQTT_RS_QOS2 2

/**
 * `min_version` value: accept TLS 1.2 and 1.3 (the default).
 */
#define MQTT_RS_TLS_VERSION_1_2 12

/**
 * `min_version` value: accept TLS 1.3 only.
 */
#define MQTT_RS_TLS_VERSION_1_3 13

#if (defined(MQTT_RS_POINTER_WIDTH_64) && !defined(MQTT_RS_MQTT5))
/**
 * Bytes of caller storage a client needs (`mqtt_rs_client`) on a 64-bit target.
 */
#define MQTT_RS_CLIENT_SIZE 256
#endif

#if (defined(MQTT_RS_POINTER_WIDTH_32) && !defined(MQTT_RS_MQTT5))
/**
 * Bytes of caller storage a client needs (`mqtt_rs_client`) on a 32-bit target.
 */
#define MQTT_RS_CLIENT_SIZE 176
#endif

#if (defined(MQTT_RS_POINTER_WIDTH_16) && !defined(MQTT_RS_MQTT5))
/**
 * Bytes of caller storage a client needs (`mqtt_rs_client`) on a 16-bit target (AVR, MSP430).
 */
#define MQTT_RS_CLIENT_SIZE 128
#endif

#if (defined(MQTT_RS_POINTER_WIDTH_64) && defined(MQTT_RS_MQTT5))
/**
 * Client storage with MQTT 5.0 built in (define `MQTT_RS_MQTT5` when the library has
 * it; CMake does), 64-bit target: room for the broker's limits and the two topic
 * alias tables' places (a TLS build needs all of it).
 */
#define MQTT_RS_CLIENT_SIZE 376
#endif

#if (defined(MQTT_RS_POINTER_WIDTH_32) && defined(MQTT_RS_MQTT5))
/**
 * Client storage with MQTT 5.0 built in, 32-bit target (a TLS build needs all of it).
 */
#define MQTT_RS_CLIENT_SIZE 240
#endif

#if (defined(MQTT_RS_POINTER_WIDTH_16) && defined(MQTT_RS_MQTT5))
/**
 * Client storage with MQTT 5.0 built in, 16-bit target.
 */
#define MQTT_RS_CLIENT_SIZE 184
#endif

#if (defined(MQTT_RS_POINTER_WIDTH_64) && !defined(MQTT_RS_MQTT5))
/**
 * Bytes of caller storage one in-flight slot needs (`mqtt_rs_inflight_slot`) on a 64-bit target.
 */
#define MQTT_RS_INFLIGHT_SLOT_SIZE 48
#endif

#if (defined(MQTT_RS_POINTER_WIDTH_32) && !defined(MQTT_RS_MQTT5))
/**
 * Bytes of caller storage one in-flight slot needs (`mqtt_rs_inflight_slot`) on a 32-bit target.
 */
#define MQTT_RS_INFLIGHT_SLOT_SIZE 32
#endif

#if (defined(MQTT_RS_POINTER_WIDTH_16) && !defined(MQTT_RS_MQTT5))
/**
 * Bytes of caller storage one in-flight slot needs (`mqtt_rs_inflight_slot`) on a 16-bit target.
 */
#define MQTT_RS_INFLIGHT_SLOT_SIZE 24
#endif

#if (defined(MQTT_RS_POINTER_WIDTH_64) && defined(MQTT_RS_MQTT5))
/**
 * Slot storage with MQTT 5.0 built in, 64-bit target: room for the properties of an
 * outgoing PUBLISH.
 */
#define MQTT_RS_INFLIGHT_SLOT_SIZE 64
#endif

#if (defined(MQTT_RS_POINTER_WIDTH_32) && defined(MQTT_RS_MQTT5))
/**
 * Slot storage with MQTT 5.0 built in, 32-bit target.
 */
#define MQTT_RS_INFLIGHT_SLOT_SIZE 40
#endif

#if (defined(MQTT_RS_POINTER_WIDTH_16) && defined(MQTT_RS_MQTT5))
/**
 * Slot storage with MQTT 5.0 built in, 16-bit target.
 */
#define MQTT_RS_INFLIGHT_SLOT_SIZE 32
#endif

/**
 * `mqtt_rs_client` storage in 8-byte words.
 */
#define MQTT_RS_CLIENT_WORDS (MQTT_RS_CLIENT_SIZE / 8)

/**
 * `mqtt_rs_inflight_slot` storage in 8-byte words.
 */
#define MQTT_RS_INFLIGHT_SLOT_WORDS (MQTT_RS_INFLIGHT_SLOT_SIZE / 8)

/**
 * Smallest transmit or receive buffer accepted by `mqtt_rs_client_init()`.
 */
#define MQTT_RS_MIN_BUFFER_SIZE 64

#if defined(MQTT_RS_MQTT5)
/**
 * Payload Format Indicator (`mqtt_rs_property_integer`): 1 when the payload is UTF-8.
 */
#define MQTT_RS_PROPERTY_PAYLOAD_FORMAT 1
#endif

#if defined(MQTT_RS_MQTT5)
/**
 * Message Expiry Interval in seconds (`mqtt_rs_property_integer`).
 */
#define MQTT_RS_PROPERTY_MESSAGE_EXPIRY 2
#endif

#if defined(MQTT_RS_MQTT5)
/**
 * Content Type (`mqtt_rs_property_bytes`).
 */
#define MQTT_RS_PROPERTY_CONTENT_TYPE 3
#endif

#if defined(MQTT_RS_MQTT5)
/**
 * Response Topic (`mqtt_rs_property_bytes`).
 */
#define MQTT_RS_PROPERTY_RESPONSE_TOPIC 8
#endif

#if defined(MQTT_RS_MQTT5)
/**
 * Correlation Data (`mqtt_rs_property_bytes`).
 */
#define MQTT_RS_PROPERTY_CORRELATION_DATA 9
#endif

#if defined(MQTT_RS_MQTT5)
/**
 * Session Expiry Interval the broker applies (CONNACK, `mqtt_rs_property_integer`).
 */
#define MQTT_RS_PROPERTY_SESSION_EXPIRY 17
#endif

#if defined(MQTT_RS_MQTT5)
/**
 * Assigned Client Identifier (CONNACK, `mqtt_rs_property_bytes`).
 */
#define MQTT_RS_PROPERTY_ASSIGNED_CLIENT_ID 18
#endif

#if defined(MQTT_RS_MQTT5)
/**
 * Server Keep Alive (CONNACK, `mqtt_rs_property_integer`); the client uses it already.
 */
#define MQTT_RS_PROPERTY_SERVER_KEEP_ALIVE 19
#endif

#if defined(MQTT_RS_MQTT5)
/**
 * Authentication Method (CONNACK, `mqtt_rs_auth_step.properties`; `mqtt_rs_property_bytes`).
 */
#define MQTT_RS_PROPERTY_AUTHENTICATION_METHOD 21
#endif

#if defined(MQTT_RS_MQTT5)
/**
 * Authentication Data (CONNACK, `mqtt_rs_auth_step.properties`; `mqtt_rs_property_bytes`).
 */
#define MQTT_RS_PROPERTY_AUTHENTICATION_DATA 22
#endif

#if defined(MQTT_RS_MQTT5)
/**
 * Server Reference (CONNACK or the broker's DISCONNECT on `MQTT_RS_EVENT_CONNECTED` /
 * `MQTT_RS_EVENT_DISCONNECTED` with `MQTT_RS_USE_ANOTHER_SERVER`; `mqtt_rs_property_bytes`).
 */
#define MQTT_RS_PROPERTY_SERVER_REFERENCE 28
#endif

#if defined(MQTT_RS_MQTT5)
/**
 * Reason String (`mqtt_rs_property_bytes`).
 */
#define MQTT_RS_PROPERTY_REASON_STRING 31
#endif

#if defined(MQTT_RS_MQTT5)
/**
 * Receive Maximum (CONNACK, `mqtt_rs_property_integer`); the client honours it already.
 */
#define MQTT_RS_PROPERTY_RECEIVE_MAXIMUM 33
#endif

#if defined(MQTT_RS_MQTT5)
/**
 * Maximum QoS (CONNACK, `mqtt_rs_property_integer`); the client honours it already.
 */
#define MQTT_RS_PROPERTY_MAXIMUM_QOS 36
#endif

#if defined(MQTT_RS_MQTT5)
/**
 * Maximum Packet Size (CONNACK, `mqtt_rs_property_integer`); the client honours it already.
 */
#define MQTT_RS_PROPERTY_MAXIMUM_PACKET_SIZE 39
#endif

/**
 * A callback returns this when it could not make progress within its timeout.
 */
#define MQTT_RS_IO_WOULD_BLOCK -1

/**
 * A callback returns this when the peer closed the connection.
 */
#define MQTT_RS_IO_CLOSED -2

/**
 * A callback returns this for any other failure.
 */
#define MQTT_RS_IO_ERROR -3

/**
 * The connect callback returns this when the host name did not resolve.
 */
#define MQTT_RS_IO_HOST_NOT_FOUND -4

/**
 * The connect callback returns this when the host refused the connection.
 */
#define MQTT_RS_IO_REFUSED -5

/**
 * Result of every fallible call. `MQTT_RS_OK` is 0; `mqtt_rs_result_str()` describes each.
 * Crosses the boundary as `int32_t` whatever the C compiler's enum size; values the
 * library does not know (from C) are only ever taken as integers (`mqtt_rs_result_str`).
 */
enum mqtt_rs_result
#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L
  : int32_t
#endif // defined(__cplusplus) || __STDC_VERSION__ >= 202311L
 {
  /**
   * Success.
   */
  MQTT_RS_OK = 0,
  /**
   * A non-blocking call started; its completion arrives as an event from `mqtt_rs_client_poll()`.
   */
  MQTT_RS_IN_PROGRESS = 1,
  /**
   * A blocking call ran out of time. The connection stays up; flows started continue.
   */
  MQTT_RS_TIMEOUT = 2,
  /**
   * A required pointer argument was NULL.
   */
  MQTT_RS_NULL_ARGUMENT = 3,
  /**
   * An argument is out of range (QoS above 2, count 0, string not UTF-8, missing callback…).
   */
  MQTT_RS_INVALID_ARGUMENT = 4,
  /**
   * A buffer is too small: client buffers under the minimum, or a packet that cannot fit.
   */
  MQTT_RS_BUFFER_TOO_SMALL = 5,
  /**
   * The call does not fit the client's state (not initialised, not connected, already connecting).
   */
  MQTT_RS_WRONG_STATE = 6,
  /**
   * All in-flight slots are busy; poll (or wait) and try again.
   */
  MQTT_RS_INFLIGHT_FULL = 7,
  /**
   * The transmit buffer is full; poll (or wait) and try again.
   */
  MQTT_RS_BUSY = 8,
  /**
   * The network connect callback failed.
   */
  MQTT_RS_NET_CONNECT_FAILED = 9,
  /**
   * The network read callback failed.
   */
  MQTT_RS_NET_READ_FAILED = 10,
  /**
   * The network write callback failed.
   */
  MQTT_RS_NET_WRITE_FAILED = 11,
  /**
   * The broker closed the connection.
   */
  MQTT_RS_CONNECTION_CLOSED = 12,
  /**
   * The broker stopped answering (no CONNACK or PINGRESP in time).
   */
  MQTT_RS_KEEPALIVE_TIMEOUT = 13,
  /**
   * CONNACK 1: the broker does not speak this protocol version.
   */
  MQTT_RS_CONNACK_UNACCEPTABLE_PROTOCOL = 14,
  /**
   * CONNACK 2: the client identifier was rejected.
   */
  MQTT_RS_CONNACK_IDENTIFIER_REJECTED = 15,
  /**
   * CONNACK 3: the MQTT service is unavailable.
   */
  MQTT_RS_CONNACK_SERVER_UNAVAILABLE = 16,
  /**
   * CONNACK 4: bad user name or password.
   */
  MQTT_RS_CONNACK_BAD_USERNAME_OR_PASSWORD = 17,
  /**
   * CONNACK 5: not authorised.
   */
  MQTT_RS_CONNACK_NOT_AUTHORIZED = 18,
  /**
   * Broker data: remaining length over 4 bytes or not minimally encoded.
   */
  MQTT_RS_MALFORMED_REMAINING_LENGTH = 19,
  /**
   * Broker data: reserved fixed-header flags set wrongly.
   */
  MQTT_RS_MALFORMED_FLAGS = 20,
  /**
   * Broker data: QoS 3.
   */
  MQTT_RS_MALFORMED_QOS = 21,
  /**
   * Broker data: packet identifier 0 where one is required.
   */
  MQTT_RS_MALFORMED_PACKET_ID = 22,
  /**
   * Broker data: invalid UTF-8 or U+0000 in a string.
   */
  MQTT_RS_MALFORMED_UTF8 = 23,
  /**
   * Broker data: wildcard or empty topic name in a PUBLISH.
   */
  MQTT_RS_MALFORMED_TOPIC = 24,
  /**
   * Broker data: truncated packet, trailing bytes, unknown type or invalid field.
   */
  MQTT_RS_MALFORMED_PACKET = 25,
  /**
   * The broker sent a packet a client must not receive, or one out of order.
   */
  MQTT_RS_PROTOCOL_VIOLATION = 26,
  /**
   * An incoming packet does not fit the receive buffer (PUBLISH payloads are chunked instead).
   */
  MQTT_RS_PACKET_TOO_LARGE = 27,
  /**
   * The broker refused at least one filter of a SUBSCRIBE (return code 0x80).
   */
  MQTT_RS_SUBSCRIBE_FAILED = 28,
  /**
   * The flow was dropped: a clean-session connect discarded it, or the connection ended first.
   */
  MQTT_RS_DISCARDED = 29,
  /**
   * The broker acknowledged a packet id the client has no flow for.
   */
  MQTT_RS_UNKNOWN_PACKET_ID = 30,
  /**
   * SUBACK holds a different number of return codes than the SUBSCRIBE had filters.
   */
  MQTT_RS_SUBACK_MISMATCH = 31,
  /**
   * A topic name has wildcards or is empty, or a topic filter is malformed.
   */
  MQTT_RS_INVALID_TOPIC = 32,
  /**
   * There is no connection (connect first).
   */
  MQTT_RS_NOT_CONNECTED = 33,
  /**
   * The library was built without TLS (cargo feature `tls`, CMake `MQTT_RS_TLS`).
   */
  MQTT_RS_TLS_NOT_BUILT = 34,
  /**
   * TLS options without trust anchors: the broker could not be verified, so no connection.
   */
  MQTT_RS_TLS_NO_TRUST_ANCHORS = 35,
  /**
   * A CA certificate could not be parsed (PEM or DER).
   */
  MQTT_RS_TLS_BAD_TRUST_ANCHOR = 36,
  /**
   * The client certificate chain could not be parsed.
   */
  MQTT_RS_TLS_BAD_CLIENT_CERT = 37,
  /**
   * The client key could not be parsed, has an unsupported type, or does not match the certificate.
   */
  MQTT_RS_TLS_BAD_CLIENT_KEY = 38,
  /**
   * The server name is neither a DNS name nor an IP address.
   */
  MQTT_RS_TLS_INVALID_SERVER_NAME = 39,
  /**
   * An ALPN protocol name is empty or longer than 255 bytes.
   */
  MQTT_RS_TLS_INVALID_ALPN = 40,
  /**
   * The broker's certificate does not chain to a trusted CA.
   */
  MQTT_RS_TLS_UNKNOWN_ISSUER = 41,
  /**
   * The broker's certificate is expired or not yet valid (check the clock hook).
   */
  MQTT_RS_TLS_CERT_EXPIRED = 42,
  /**
   * The broker's certificate is not valid for the server name.
   */
  MQTT_RS_TLS_CERT_NAME_MISMATCH = 43,
  /**
   * A signature in the broker's certificate chain does not verify.
   */
  MQTT_RS_TLS_BAD_SIGNATURE = 44,
  /**
   * The broker's certificate is unusable for another reason.
   */
  MQTT_RS_TLS_CERT_INVALID = 45,
  /**
   * The broker refused the client certificate, or required one that was not configured.
   */
  MQTT_RS_TLS_CLIENT_CERT_REFUSED = 46,
  /**
   * The handshake failed: a handshake_failure or other fatal alert, no common parameters.
   */
  MQTT_RS_TLS_HANDSHAKE_FAILED = 47,
  /**
   * Client and broker share no TLS version (see `min_version`).
   */
  MQTT_RS_TLS_PROTOCOL_VERSION = 48,
  /**
   * The heap hook could not supply memory for TLS.
   */
  MQTT_RS_TLS_OUT_OF_MEMORY = 49,
  /**
   * The wall-clock hook gave no time: certificates cannot be checked.
   */
  MQTT_RS_TLS_NO_CLOCK = 50,
  /**
   * The entropy hook failed.
   */
  MQTT_RS_TLS_NO_ENTROPY = 51,
  /**
   * Any other TLS failure (the peer broke the protocol); see `mqtt_rs_client_tls_error_detail()`.
   */
  MQTT_RS_TLS_ERROR = 52,
  /**
   * The call drives I/O or runs callbacks, and was made from inside a callback of the
   * same client (`on_message`, `on_event`, a network callback): only the queueing calls
   * (`mqtt_rs_client_begin_publish/subscribe/unsubscribe`) and the queries may be.
   */
  MQTT_RS_CALLED_FROM_CALLBACK = 53,
  /**
   * The connect callback could not resolve the host name (`MQTT_RS_IO_HOST_NOT_FOUND`).
   */
  MQTT_RS_NET_HOST_NOT_FOUND = 54,
  /**
   * The host refused the connection: nothing listens on that port (`MQTT_RS_IO_REFUSED`).
   */
  MQTT_RS_NET_CONNECTION_REFUSED = 55,
  /**
   * The connect options carry a password and the connection has no TLS: refused before
   * anything is sent. Use TLS (`mqtt_rs_client_use_tls()`), or set
   * `allow_plaintext_credentials` in the connect options to send it in clear.
   */
  MQTT_RS_PLAINTEXT_CREDENTIALS = 56,
  /**
   * `mqtt_rs_signature_verify()`: the signature does not verify with this key over this message.
   */
  MQTT_RS_SIGNATURE_INVALID = 57,
  /**
   * `mqtt_rs_signature_verify()`: the public key does not have the algorithm's form.
   */
  MQTT_RS_PUBLIC_KEY_INVALID = 58,
  /**
   * The crypto provider of this build does not offer the algorithm, or failed (PSA).
   */
  MQTT_RS_CRYPTO_UNSUPPORTED = 59,
  /**
   * `protocol_version` 5 asked of a library built without MQTT 5.0 (cargo feature
   * `mqtt5`, CMake `MQTT_RS_MQTT5`); nothing was sent.
   */
  MQTT_RS_MQTT5_NOT_BUILT = 60,
  /**
   * MQTT 5.0 CONNACK refused the connection with a reason code of 0x80 or above (the
   * `MQTT_RS_EVENT_CONNECTED` and `MQTT_RS_EVENT_DISCONNECTED` events carry it in `reason_code`).
   */
  MQTT_RS_CONNACK_REFUSED = 61,
  /**
   * MQTT 5.0: the PUBLISH, fixed header included, is larger than the broker's Maximum
   * Packet Size; refused before anything was sent.
   */
  MQTT_RS_PACKET_TOO_LARGE_FOR_BROKER = 62,
  /**
   * MQTT 5.0: the QoS is above the broker's Maximum QoS; refused before a packet id was taken.
   */
  MQTT_RS_QOS_NOT_SUPPORTED = 63,
  /**
   * MQTT 5.0: the broker does not keep retained messages (Retain Available 0); refused locally.
   */
  MQTT_RS_RETAIN_NOT_SUPPORTED = 64,
  /**
   * MQTT 5.0: the broker refused the message (PUBACK or PUBREC reason code 0x80 or above;
   * the `MQTT_RS_EVENT_PUBLISH_DONE` event carries the code).
   */
  MQTT_RS_REJECTED_BY_BROKER = 65,
  /**
   * MQTT 5.0: the broker ended the connection with DISCONNECT (the `MQTT_RS_EVENT_DISCONNECTED`
   * event carries its reason code in `reason_code`).
   */
  MQTT_RS_SERVER_DISCONNECT = 66,
  /**
   * MQTT 5.0: the broker sent the client to another server (reason code 0x9C Use another
   * server or 0x9D Server moved, in CONNACK or DISCONNECT).
   */
  MQTT_RS_USE_ANOTHER_SERVER = 67,
  /**
   * MQTT 5.0 broker data: a property repeated, not allowed in that packet, out of range,
   * or running past the packet; or a reason code the packet may not carry.
   */
  MQTT_RS_MALFORMED_PROPERTY = 68,
  /**
   * MQTT 5.0: the broker used a topic alias this client did not allow: 0, above the
   * Topic Alias Maximum it announced (none without `mqtt_rs_client_use_topic_aliases()`),
   * or an alias never set on this connection. The client answers DISCONNECT 0x94.
   */
  MQTT_RS_TOPIC_ALIAS_INVALID = 69,
  /**
   * `mqtt_rs_reconnect_publish()` while disconnected: the offline queue is full (every
   * in-flight slot the window may use holds a QoS 1/2 message, or the QoS 0 buffer is
   * full under the refuse-newest policy). Nothing was queued: backpressure, not loss.
   */
  MQTT_RS_OFFLINE_QUEUE_FULL = 70,
  /**
   * The persistence hook `persist_store` failed: the message is queued but not saved,
   * so a reset before it completes loses it.
   */
  MQTT_RS_PERSIST_FAILED = 71,
  /**
   * Persistence hooks were given to a library built without them (cargo feature
   * `persist`, CMake `MQTT_RS_PERSIST`).
   */
  MQTT_RS_PERSIST_NOT_BUILT = 72,
  /**
   * MQTT 5.0: the broker set a topic alias to a topic longer than a slot of the
   * incoming table given to `mqtt_rs_client_use_topic_aliases()` holds (the connection
   * ends: the alias could not be resolved later). Make the slots as long as the longest
   * topic the client subscribes to, plus 2.
   */
  MQTT_RS_TOPIC_ALIAS_TOO_LONG = 73,
  /**
   * MQTT 5.0 enhanced authentication: the broker does not accept the authentication
   * method (CONNACK reason code 0x8C Bad authentication method; the events carry it in
   * `reason_code`). A refused re-authentication is the broker's DISCONNECT
   * (`MQTT_RS_SERVER_DISCONNECT`, e.g. 0x87 Not authorized).
   */
  MQTT_RS_AUTH_METHOD_REFUSED = 74,
  /**
   * MQTT 5.0 enhanced authentication: the application refused the broker's challenge
   * (its `on_auth` callback returned false, or none is set); the connection was closed.
   */
  MQTT_RS_AUTH_REFUSED = 75,
  /**
   * MQTT 5.0 enhanced authentication broken by the broker: AUTH although CONNECT named
   * no authentication method, AUTH or CONNACK with another method, or an AUTH reason
   * code not allowed at that step.
   */
  MQTT_RS_AUTH_PROTOCOL_ERROR = 76,
  /**
   * `mqtt_rs_reconnect_publish()` of a QoS 0 message while disconnected, with
   * `persist_qos0`: `persist_store` could not keep it, so it was not queued either (the
   * queue holds only what the store holds). Counted in `persist_failures`.
   */
  MQTT_RS_PERSIST_REFUSED = 77,
};
#ifndef __cplusplus
#if __STDC_VERSION__ >= 202311L
typedef enum mqtt_rs_result mqtt_rs_result;
#else
typedef int32_t mqtt_rs_result;
#endif // __STDC_VERSION__ >= 202311L
#endif // __cplusplus

/**
 * What an event reports. Crosses the boundary as `int32_t` whatever the C compiler's
 * enum size (`-fshort-enums`); C only reads it.
 */
enum mqtt_rs_event_kind
#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L
  : int32_t
#endif // defined(__cplusplus) || __STDC_VERSION__ >= 202311L
 {
  /**
   * CONNACK arrived: `result` is `MQTT_RS_OK` or the refusal (`MQTT_RS_CONNACK_*`).
   */
  MQTT_RS_EVENT_CONNECTED = 0,
  /**
   * An outgoing QoS 1/2 flow ended: `MQTT_RS_OK`, or `MQTT_RS_DISCARDED`. Its topic and
   * payload memory may be reused from now on.
   */
  MQTT_RS_EVENT_PUBLISH_DONE = 1,
  /**
   * SUBACK arrived: `granted_qos[i]` is 0–2 or 0x80 (refused) per filter.
   */
  MQTT_RS_EVENT_SUBSCRIBE_DONE = 2,
  /**
   * UNSUBACK arrived (or `MQTT_RS_DISCARDED`).
   */
  MQTT_RS_EVENT_UNSUBSCRIBE_DONE = 3,
  /**
   * The connection ended: `MQTT_RS_OK` after a requested disconnect, else why.
   */
  MQTT_RS_EVENT_DISCONNECTED = 4,
};
#ifndef __cplusplus
#if __STDC_VERSION__ >= 202311L
typedef enum mqtt_rs_event_kind mqtt_rs_event_kind;
#else
typedef int32_t mqtt_rs_event_kind;
#endif // __STDC_VERSION__ >= 202311L
#endif // __cplusplus

/**
 * What a reconnect event reports. Crosses the boundary as `int32_t`; C only reads it.
 */
enum mqtt_rs_reconnect_event_kind
#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L
  : int32_t
#endif // defined(__cplusplus) || __STDC_VERSION__ >= 202311L
 {
  /**
   * The connection was lost or an attempt failed (`reason`); attempt `attempt` to
   * broker `broker` starts in `delay_ms`.
   */
  MQTT_RS_RECONNECT_SCHEDULED = 0,
  /**
   * CONNACK accepted attempt `attempt` at broker `broker`; `session_present` tells
   * whether the broker resumed the session (else it lost its queued messages and
   * subscriptions: subscribe again).
   */
  MQTT_RS_RECONNECT_CONNECTED = 1,
  /**
   * The application disconnected (or called `mqtt_rs_reconnect_stop()`): no more attempts.
   */
  MQTT_RS_RECONNECT_STOPPED = 2,
};
#ifndef __cplusplus
#if __STDC_VERSION__ >= 202311L
typedef enum mqtt_rs_reconnect_event_kind mqtt_rs_reconnect_event_kind;
#else
typedef int32_t mqtt_rs_reconnect_event_kind;
#endif // __STDC_VERSION__ >= 202311L
#endif // __cplusplus

/**
 * Storage for one client, owned by the caller (static, stack or pool). Opaque: only
 * the library's functions may touch it. Keep it at a fixed address after `mqtt_rs_client_init()`.
 */
typedef struct mqtt_rs_client {
  /**
   * Opaque storage.
   */
  uint64_t opaque[MQTT_RS_CLIENT_WORDS];
} mqtt_rs_client;

#if defined(MQTT_RS_MQTT5)
/**
 * One user property: name and value, NUL-terminated UTF-8.
 */
typedef struct mqtt_rs_user_property {
  /**
   * Name.
   */
  const char *key;
  /**
   * Value.
   */
  const char *value;
} mqtt_rs_user_property;
#endif

#if defined(MQTT_RS_MQTT5)
/**
 * MQTT 5.0 will properties (`mqtt_rs_connect_properties.will_properties`), sent in
 * CONNECT with the will of `mqtt_rs_connect_options.will`. Fill with
 * `mqtt_rs_will_properties_init()` first; zero fields are not sent. Read during the
 * connect call only.
 */
typedef struct mqtt_rs_will_properties {
  /**
   * Will Delay Interval in seconds: the broker publishes the will this long after the
   * connection is lost (sooner if the session ends first), and not at all if the
   * client reconnects to the same session in time (0: at once).
   */
  uint32_t will_delay_s;
  /**
   * Message Expiry Interval of the will message in seconds (0: not sent).
   */
  uint32_t message_expiry_s;
  /**
   * Payload Format Indicator: the will payload is UTF-8 (default false: not sent).
   */
  bool payload_utf8;
  /**
   * Content Type, NUL-terminated UTF-8, or NULL.
   */
  const char *content_type;
  /**
   * Response Topic, NUL-terminated topic name, or NULL.
   */
  const char *response_topic;
  /**
   * Correlation Data, or NULL.
   */
  const uint8_t *correlation_data;
  /**
   * Length of `correlation_data`.
   */
  size_t correlation_data_len;
  /**
   * User properties, or NULL.
   */
  const struct mqtt_rs_user_property *user_properties;
  /**
   * Number of `user_properties`.
   */
  size_t user_property_count;
} mqtt_rs_will_properties;
#endif

#if defined(MQTT_RS_MQTT5)
/**
 * Received properties (a message's, an event's: CONNACK, every acknowledgement, the
 * broker's DISCONNECT; an AUTH step's), read with the `mqtt_rs_property_*` functions.
 * Valid only during the callback.
 */
typedef struct mqtt_rs_properties {
  /**
   * The property bytes as received.
   */
  const uint8_t *bytes;
  /**
   * Their length.
   */
  size_t len;
} mqtt_rs_properties;
#endif

#if defined(MQTT_RS_MQTT5)
/**
 * One step of enhanced authentication from the broker, for `on_auth`. Valid only
 * during the callback.
 */
typedef struct mqtt_rs_auth_step {
  /**
   * `MQTT_RS_AUTH_CONTINUE` (0x18): a challenge, answer it; `MQTT_RS_AUTH_SUCCESS`
   * (0x00): a re-authentication completed, nothing to answer.
   */
  uint8_t reason_code;
  /**
   * The broker's Authentication Data (points into the received packet), or NULL.
   */
  const uint8_t *data;
  /**
   * Length of `data`.
   */
  size_t data_len;
  /**
   * Every AUTH property (method, reason string, user properties), read with the
   * `mqtt_rs_property_*` functions.
   */
  struct mqtt_rs_properties properties;
} mqtt_rs_auth_step;
#endif

#if defined(MQTT_RS_MQTT5)
/**
 * The application's answer to a challenge, filled in by `on_auth`.
 */
typedef struct mqtt_rs_auth_answer {
  /**
   * Authentication Data to send, or NULL for none. It is copied into the transmit
   * buffer after `on_auth` returns, within the same library call: keep it valid until
   * that call returns (static memory or the userdata's do).
   */
  const uint8_t *data;
  /**
   * Length of `data`.
   */
  size_t data_len;
} mqtt_rs_auth_answer;
#endif

#if defined(MQTT_RS_MQTT5)
/**
 * Enhanced authentication callback: called with the `userdata` of the client config for
 * every AUTH the broker sends. For a challenge, fill `answer` and return true to answer
 * it, or return false to refuse (the connection closes with `MQTT_RS_AUTH_REFUSED`).
 * For `MQTT_RS_AUTH_SUCCESS` the return value is ignored. It may call the queueing
 * functions, as `on_event` may.
 */
typedef bool (*mqtt_rs_auth_cb)(void *userdata,
                                const struct mqtt_rs_auth_step *step,
                                struct mqtt_rs_auth_answer *answer);
#endif

/**
 * Network and clock callbacks supplied by the application (BSD sockets, lwIP, a modem…).
 *
 * Every callback gets `ctx` first. A `timeout_ms` of 0 means "do not block".
 * I/O callbacks return a positive byte count, or `MQTT_RS_IO_WOULD_BLOCK`,
 * `MQTT_RS_IO_CLOSED` or `MQTT_RS_IO_ERROR`; a return of 0 counts as would-block.
 */
typedef struct mqtt_rs_net {
  /**
   * Passed back to every callback.
   */
  void *ctx;
  /**
   * Opens the connection to `host` (NUL-terminated) and `port`. Returns 0 when
   * connected, `MQTT_RS_IO_WOULD_BLOCK` while in progress (it is called again with
   * the same arguments), `MQTT_RS_IO_HOST_NOT_FOUND` when the name did not resolve,
   * `MQTT_RS_IO_REFUSED` when nothing listens there, another negative value on failure.
   */
  int32_t (*connect)(void *ctx, const char *host, uint16_t port, uint32_t timeout_ms);
  /**
   * Reads up to `len` bytes into `buf`, waiting at most `timeout_ms` for the first byte.
   */
  int32_t (*read)(void *ctx, uint8_t *buf, size_t len, uint32_t timeout_ms);
  /**
   * Writes up to `len` bytes from `buf`, waiting at most `timeout_ms`; partial writes are fine.
   */
  int32_t (*write)(void *ctx, const uint8_t *buf, size_t len, uint32_t timeout_ms);
  /**
   * Closes the connection; called also when no connection is open.
   */
  void (*close)(void *ctx);
  /**
   * Monotonic time in milliseconds; wrapping around is fine.
   */
  uint32_t (*now_ms)(void *ctx);
} mqtt_rs_net;

/**
 * Storage for one in-flight flow (an outgoing QoS 1/2 message, a SUBSCRIBE or
 * UNSUBSCRIBE awaiting its ack, or an incoming QoS 2 id awaiting PUBREL). Opaque.
 */
typedef struct mqtt_rs_inflight_slot {
  /**
   * Opaque storage.
   */
  uint64_t opaque[MQTT_RS_INFLIGHT_SLOT_WORDS];
} mqtt_rs_inflight_slot;

/**
 * An incoming application message, or one chunk of it when the payload is larger than
 * the receive buffer. Valid only during the `on_message` callback.
 */
typedef struct mqtt_rs_message {
  /**
   * Topic name, NOT NUL-terminated.
   */
  const char *topic;
  /**
   * Length of `topic` in bytes.
   */
  size_t topic_len;
  /**
   * This chunk of the payload.
   */
  const uint8_t *payload;
  /**
   * Length of this chunk.
   */
  size_t payload_len;
  /**
   * Offset of this chunk within the whole payload (0 for the first).
   */
  size_t offset;
  /**
   * Length of the whole payload; the chunk is the last when `offset + payload_len == total_len`.
   */
  size_t total_len;
  /**
   * QoS of the delivery (0–2).
   */
  uint8_t qos;
  /**
   * Retain flag (a retained message sent on subscribe).
   */
  bool retain;
  /**
   * Duplicate flag (the broker may have sent it before).
   */
  bool dup;
  /**
   * Packet identifier, 0 for QoS 0.
   */
  uint16_t packet_id;
#if defined(MQTT_RS_MQTT5)
  /**
   * MQTT 5.0: the PUBLISH properties, read with the `mqtt_rs_property_*` functions.
   */
  struct mqtt_rs_properties properties;
#endif
} mqtt_rs_message;

/**
 * Called for every incoming message or chunk, from inside the call that drives I/O.
 */
typedef void (*mqtt_rs_message_cb)(void *userdata, const struct mqtt_rs_message *message);

/**
 * A completion or connection event. Valid only during the `on_event` callback.
 */
typedef struct mqtt_rs_event {
  /**
   * What happened.
   */
  mqtt_rs_event_kind kind;
  /**
   * Outcome (see the kind).
   */
  mqtt_rs_result result;
  /**
   * Packet id of the flow (PUBLISH_DONE, SUBSCRIBE_DONE, UNSUBSCRIBE_DONE), else 0.
   */
  uint16_t packet_id;
  /**
   * CONNECTED: the broker resumed a stored session.
   */
  bool session_present;
  /**
   * SUBSCRIBE_DONE: return code per filter; else NULL.
   */
  const uint8_t *granted_qos;
  /**
   * Number of entries in `granted_qos`.
   */
  size_t granted_count;
#if defined(MQTT_RS_MQTT5)
  /**
   * MQTT 5.0: PUBLISH_DONE: the reason code of the broker's last acknowledgement (0
   * success, 0x10 no matching subscribers, 0x80 and above refused; `result` is then
   * `MQTT_RS_REJECTED_BY_BROKER`). SUBSCRIBE_DONE and UNSUBSCRIBE_DONE carry their
   * reason codes per filter in `granted_qos`. CONNECTED (refused) and DISCONNECTED: the
   * reason code of the broker's CONNACK or DISCONNECT that ended the connection.
   */
  uint8_t reason_code;
#endif
#if defined(MQTT_RS_MQTT5)
  /**
   * MQTT 5.0: the properties of the packet behind the event, read with the
   * `mqtt_rs_property_*` functions: CONNECTED: CONNACK's (e.g.
   * `MQTT_RS_PROPERTY_ASSIGNED_CLIENT_ID`); PUBLISH_DONE: the last acknowledgement's
   * (PUBACK, PUBREC ≥ 0x80 or PUBCOMP); SUBSCRIBE_DONE, UNSUBSCRIBE_DONE: SUBACK's,
   * UNSUBACK's (reason string `MQTT_RS_PROPERTY_REASON_STRING`, user properties);
   * DISCONNECTED (and CONNECTED refused): the broker's DISCONNECT or refusing CONNACK,
   * with `MQTT_RS_PROPERTY_SERVER_REFERENCE` for `MQTT_RS_USE_ANOTHER_SERVER`. Empty
   * for anything else.
   */
  struct mqtt_rs_properties properties;
#endif
} mqtt_rs_event;

/**
 * Called for completions and connection changes, from inside the call that drives I/O.
 */
typedef void (*mqtt_rs_event_cb)(void *userdata, const struct mqtt_rs_event *event);

/**
 * Takes (`take` true) or gives back the application's lock (see `mqtt_rs_client_config`).
 */
typedef void (*mqtt_rs_lock_cb)(void *userdata, bool take);

/**
 * Everything a client needs for its lifetime; the memory it points to must outlive the client.
 */
typedef struct mqtt_rs_client_config {
  /**
   * Network and clock callbacks.
   */
  struct mqtt_rs_net net;
  /**
   * Transmit buffer: packets are batched here (at least `MQTT_RS_MIN_BUFFER_SIZE`).
   */
  uint8_t *tx_buf;
  /**
   * Length of `tx_buf`.
   */
  size_t tx_len;
  /**
   * Receive buffer: a PUBLISH larger than it arrives in chunks (at least `MQTT_RS_MIN_BUFFER_SIZE`).
   */
  uint8_t *rx_buf;
  /**
   * Length of `rx_buf`.
   */
  size_t rx_len;
  /**
   * In-flight slots (at least 1): the window of QoS 1/2 flows both ways plus pending requests.
   */
  struct mqtt_rs_inflight_slot *slots;
  /**
   * Number of `slots`.
   */
  size_t slot_count;
  /**
   * Incoming messages (may be NULL).
   */
  mqtt_rs_message_cb on_message;
  /**
   * Completions and connection changes (may be NULL).
   */
  mqtt_rs_event_cb on_event;
  /**
   * Passed to `on_message`, `on_event` and `lock`.
   */
  void *userdata;
  /**
   * Several tasks (NULL: one task only): called with `take` true at the start of every
   * call on this client and with `take` false at its end, with `userdata`. It must
   * lock a recursive mutex (FreeRTOS `xSemaphoreTakeRecursive`, `PTHREAD_MUTEX_RECURSIVE`,
   * Zephyr `k_mutex`): callbacks may call the queueing functions, which take it again.
   */
  mqtt_rs_lock_cb lock;
} mqtt_rs_client_config;

/**
 * The last will: published by the broker if the client drops without DISCONNECT.
 */
typedef struct mqtt_rs_will {
  /**
   * Topic, NUL-terminated, no wildcards.
   */
  const char *topic;
  /**
   * Payload (may be NULL when `payload_len` is 0).
   */
  const uint8_t *payload;
  /**
   * Length of `payload`.
   */
  size_t payload_len;
  /**
   * QoS 0–2.
   */
  uint8_t qos;
  /**
   * Whether the broker retains the will.
   */
  bool retain;
} mqtt_rs_will;

#if defined(MQTT_RS_MQTT5)
/**
 * MQTT 5.0 CONNECT properties (`mqtt_rs_connect_options.properties`). Fill with
 * `mqtt_rs_connect_properties_init()` first; zero fields are not sent.
 */
typedef struct mqtt_rs_connect_properties {
  /**
   * Session Expiry Interval in seconds (0: the session ends with the connection; 0xFFFFFFFF: never).
   */
  uint32_t session_expiry_s;
  /**
   * Receive Maximum: QoS 1/2 messages the broker may send before this client acknowledges them (0: not sent, 65,535).
   */
  uint16_t receive_maximum;
  /**
   * Maximum Packet Size this client accepts (0: not sent, no limit).
   */
  uint32_t maximum_packet_size;
  /**
   * Ask for reason strings and user properties on failures (default true; false sends 0).
   */
  bool request_problem_information;
  /**
   * User properties sent with CONNECT, or NULL.
   */
  const struct mqtt_rs_user_property *user_properties;
  /**
   * Number of `user_properties`.
   */
  size_t user_property_count;
  /**
   * Enhanced authentication: the Authentication Method (NUL-terminated UTF-8, e.g.
   * "SCRAM-SHA-256"), or NULL for none. It must stay valid while the connection lasts:
   * every AUTH carries it. The broker's challenges go to the callback set with
   * `mqtt_rs_client_set_auth_callback()`.
   */
  const char *authentication_method;
  /**
   * First Authentication Data sent with CONNECT (copied), or NULL; needs a method.
   */
  const uint8_t *authentication_data;
  /**
   * Length of `authentication_data`.
   */
  size_t authentication_data_len;
  /**
   * Properties of the will (`mqtt_rs_connect_options.will`), or NULL.
   */
  const struct mqtt_rs_will_properties *will_properties;
} mqtt_rs_connect_properties;
#endif

/**
 * Connection options. Fill with `mqtt_rs_connect_options_init()` first, then set fields.
 */
typedef struct mqtt_rs_connect_options {
  /**
   * Host name or address for the connect callback; must stay valid until connected.
   */
  const char *host;
  /**
   * TCP port (default 1883).
   */
  uint16_t port;
  /**
   * Client identifier, NUL-terminated; "" lets the broker assign one (clean session only).
   */
  const char *client_id;
  /**
   * User name, or NULL.
   */
  const char *username;
  /**
   * Password bytes, or NULL (needs a user name).
   */
  const uint8_t *password;
  /**
   * Length of `password`.
   */
  size_t password_len;
  /**
   * Keepalive in seconds (default 60; 0 = off).
   */
  uint16_t keepalive_s;
  /**
   * Start a fresh session (default true). With false the broker keeps subscriptions
   * and queued messages, and unacknowledged messages are resent on reconnect.
   */
  bool clean_session;
  /**
   * Last will, or NULL.
   */
  const struct mqtt_rs_will *will;
  /**
   * Outgoing QoS 1/2 messages in flight at once (default 0: all slots, at most 20).
   * Keep it at or below the broker's limit (mosquitto: `max_inflight_messages`, 20).
   */
  uint16_t max_inflight;
  /**
   * Send a password over a connection without TLS (default false). Left false,
   * connecting with a password and no `mqtt_rs_client_use_tls()` fails with
   * `MQTT_RS_PLAINTEXT_CREDENTIALS` before anything is sent: anyone on the path could
   * read it. A user name alone is not a secret and is always allowed.
   */
  bool allow_plaintext_credentials;
  /**
   * MQTT protocol version: 4 for 3.1.1 (default), 5 for MQTT 5.0 (a library built
   * without it returns `MQTT_RS_MQTT5_NOT_BUILT`).
   */
  uint8_t protocol_version;
#if defined(MQTT_RS_MQTT5)
  /**
   * MQTT 5.0 CONNECT properties, or NULL (read during the connect call only).
   */
  const struct mqtt_rs_connect_properties *properties;
#endif
} mqtt_rs_connect_options;

/**
 * One topic filter and the QoS requested for it.
 */
typedef struct mqtt_rs_subscription {
  /**
   * Topic filter, NUL-terminated (`+` and `#` wildcards allowed).
   */
  const char *filter;
  /**
   * Maximum QoS 0–2.
   */
  uint8_t qos;
} mqtt_rs_subscription;

/**
 * Storage for one SHA-256 computation, owned by the caller (static, stack or pool).
 * Opaque; keep it at a fixed address from `mqtt_rs_sha256_init()` to
 * `mqtt_rs_sha256_final()` (a PSA operation must not move).
 */
typedef struct mqtt_rs_sha256_ctx {
  /**
   * Opaque storage.
   */
  uint64_t opaque[MQTT_RS_SHA256_CTX_WORDS];
} mqtt_rs_sha256_ctx;

#if defined(MQTT_RS_MQTT5)
/**
 * Options of an MQTT 5.0 DISCONNECT. Fill with `mqtt_rs_disconnect_options_init()` first.
 */
typedef struct mqtt_rs_disconnect_options {
  /**
   * Reason code: 0x00 normal disconnection (default), 0x04 disconnect with will message
   * (the broker publishes the will), 0x80 and above an error on the client's side.
   */
  uint8_t reason_code;
  /**
   * Send `session_expiry_s` (default false: the CONNECT's value stays).
   */
  bool send_session_expiry;
  /**
   * New Session Expiry Interval in seconds; may not be above 0 when CONNECT set 0.
   */
  uint32_t session_expiry_s;
  /**
   * Reason String, NUL-terminated UTF-8, or NULL.
   */
  const char *reason_string;
  /**
   * User properties, or NULL.
   */
  const struct mqtt_rs_user_property *user_properties;
  /**
   * Number of `user_properties`.
   */
  size_t user_property_count;
} mqtt_rs_disconnect_options;
#endif

/**
 * One broker to connect to.
 */
typedef struct mqtt_rs_broker {
  /**
   * Host name or address for the connect callback (and the TLS server name, unless
   * the TLS options set one), NUL-terminated.
   */
  const char *host;
  /**
   * TCP port.
   */
  uint16_t port;
} mqtt_rs_broker;

/**
 * Returns 32 random bits for the backoff jitter (a TRNG, or any PRNG seeded per device).
 */
typedef uint32_t (*mqtt_rs_random_cb)(void *userdata);

/**
 * A reconnect event. Valid only during the `on_reconnect` callback.
 */
typedef struct mqtt_rs_reconnect_event {
  /**
   * What happened.
   */
  mqtt_rs_reconnect_event_kind kind;
  /**
   * Attempt number since the last stable connection (1 for the first retry; 0 for the
   * first connection).
   */
  uint32_t attempt;
  /**
   * SCHEDULED: milliseconds until the attempt.
   */
  uint32_t delay_ms;
  /**
   * SCHEDULED: the clock reading (`now_ms`) at which the attempt starts.
   */
  uint32_t deadline_ms;
  /**
   * Index into `brokers` of the broker concerned.
   */
  size_t broker;
  /**
   * CONNECTED: the broker resumed the stored session.
   */
  bool session_present;
  /**
   * SCHEDULED: why the connection ended or the attempt failed.
   */
  mqtt_rs_result reason;
#if defined(MQTT_RS_MQTT5)
  /**
   * MQTT 5.0, SCHEDULED and CONNECTED: the server a broker named in its Server
   * Reference (see `server_reference_buf`) that the attempt goes (went) to instead of
   * `brokers[broker]`, the broker that named it; NULL otherwise.
   */
  const char *referred_host;
#endif
#if defined(MQTT_RS_MQTT5)
  /**
   * MQTT 5.0: the port of `referred_host` (0 without one).
   */
  uint16_t referred_port;
#endif
} mqtt_rs_reconnect_event;

/**
 * Receives reconnect events, from inside `mqtt_rs_reconnect_poll()` (after the client's
 * own callbacks, outside them: every client call is allowed here).
 */
typedef void (*mqtt_rs_reconnect_cb)(void *userdata, const struct mqtt_rs_reconnect_event *event);

/**
 * Sleeps `ms` milliseconds (`mqtt_rs_reconnect_wait()` between attempts, while no
 * connection is open to wait on).
 */
typedef void (*mqtt_rs_sleep_cb)(void *userdata, uint32_t ms);

/**
 * One unfinished outgoing QoS 1/2 flow (or, with `persist_qos0`, a QoS 0 message kept
 * offline), as the store keeps it. Topic and payload point
 * into the client's (caller's) memory during `persist_store`, the properties into the
 * supervisor's `persist_buf`; on restore they point to memory the application keeps
 * until the flow's `MQTT_RS_EVENT_PUBLISH_DONE` (with properties, the record too).
 */
typedef struct mqtt_rs_persist_record {
  /**
   * Packet id (1–65,535): with `incoming`, the key of the record (a store of a known
   * key replaces it). 0 for a QoS 0 record: those have no key, each store adds one
   * after the others and `persist_remove` with packet id 0 forgets the oldest.
   */
  uint16_t packet_id;
  /**
   * 1 or 2; 0 for a QoS 0 message kept offline (`persist_qos0`).
   */
  uint8_t qos;
  /**
   * QoS 2: PUBREC arrived; the flow resumes with PUBREL (never the PUBLISH again).
   */
  bool released;
  /**
   * Retain flag.
   */
  bool retain;
  /**
   * The id of an incoming QoS 2 message delivered to the application and not yet
   * released by the broker (PUBREL); only `packet_id` and `qos` (2) are set, the rest is
   * 0 or NULL. Incoming and outgoing ids are separate: the key is (`incoming`, `packet_id`).
   */
  bool incoming;
  /**
   * Order of publication: restore records in increasing order (QoS 0 records count
   * on their own, from 0 in each run, continuing after the restored ones).
   */
  uint32_t order;
  /**
   * Topic, not NUL-terminated.
   */
  const char *topic;
  /**
   * Length of `topic`.
   */
  size_t topic_len;
  /**
   * Payload.
   */
  const uint8_t *payload;
  /**
   * Length of `payload`.
   */
  size_t payload_len;
  /**
   * MQTT 5.0 properties of the PUBLISH (`mqtt_rs_reconnect_publish_v5()`), encoded as
   * in the packet: property length, then the properties. NULL with `properties_len` 0
   * when there are none, for a released flow (PUBREL carries none) and for an incoming
   * id. Store the bytes as they are; on restore they are checked, read in place
   * through the record (which must then stay at its address, unchanged, until the
   * flow's `MQTT_RS_EVENT_PUBLISH_DONE`) and resent with the PUBLISH. A record saved
   * before these fields existed restores with NULL and 0: without properties. A build
   * without MQTT 5.0 saves none and ignores them on restore.
   */
  const uint8_t *properties;
  /**
   * Length of `properties`.
   */
  size_t properties_len;
} mqtt_rs_persist_record;

/**
 * Saves `record` (replacing any of its key). Returns 0 once it is durable (an incoming
 * id: see README "Persistence" for when it must be), non-zero when it could not be saved.
 * Runs inside the client's calls: it must not call the client.
 */
typedef int32_t (*mqtt_rs_persist_store_cb)(void *userdata,
                                            const struct mqtt_rs_persist_record *record);

/**
 * Forgets the record of `packet_id`: an outgoing flow that completed, or (`incoming`) an
 * incoming QoS 2 id the broker released; that one must be durable on return. Packet id
 * 0 (never an id of a flow) forgets the oldest QoS 0 record (`persist_qos0`). Must not
 * call the client.
 */
typedef void (*mqtt_rs_persist_remove_cb)(void *userdata, uint16_t packet_id, bool incoming);

/**
 * Reconnect settings. Fill with `mqtt_rs_reconnect_config_init()` first, then set fields.
 * What the pointers point to must outlive the `mqtt_rs_reconnect`.
 */
typedef struct mqtt_rs_reconnect_config {
  /**
   * Connect options for every attempt (`host` and `port` are taken from `brokers`).
   * `clean_session` must be false, with a client id: the session is what resumes.
   */
  const struct mqtt_rs_connect_options *options;
  /**
   * Brokers in order of preference: a failed attempt moves to the next (wrapping);
   * a lost connection is first retried at the same broker.
   */
  const struct mqtt_rs_broker *brokers;
  /**
   * Number of `brokers` (at least 1).
   */
  size_t broker_count;
  /**
   * Shortest wait before a retry (default 1,000 ms).
   */
  uint32_t min_delay_ms;
  /**
   * Longest wait before a retry (default 60,000 ms).
   */
  uint32_t max_delay_ms;
  /**
   * A connection up this long resets the attempt count (default 30,000 ms).
   */
  uint32_t stable_ms;
  /**
   * Randomness for the jitter; NULL: a xorshift generator seeded with `seed`.
   */
  mqtt_rs_random_cb random;
  /**
   * Seed when `random` is NULL: make it differ per device (serial number, TRNG
   * reading), or devices that lost the same broker retry in step.
   */
  uint32_t seed;
  /**
   * Buffer for QoS 0 messages published while disconnected (NULL: QoS 0 is refused
   * while disconnected with `MQTT_RS_NOT_CONNECTED`). Each takes 7 bytes plus topic and payload.
   */
  uint8_t *qos0_buf;
  /**
   * Length of `qos0_buf`.
   */
  size_t qos0_len;
  /**
   * When `qos0_buf` is full: false (default) drops the oldest QoS 0 messages to make
   * room (counted in `qos0_dropped`); true refuses the new one with
   * `MQTT_RS_OFFLINE_QUEUE_FULL`.
   */
  bool qos0_refuse_newest;
  /**
   * Opt-in (default false): the QoS 0 offline queue survives a reset too (beside
   * `qos0_buf`, where it costs no struct space). Needs the persistence hooks below and
   * `qos0_buf`. Each QoS 0 message kept while disconnected goes to `persist_store`
   * (`qos` 0, packet id 0, `order` one more than the previous QoS 0 record's) before
   * `mqtt_rs_reconnect_publish()` returns; when the store fails, the message is not
   * queued (`MQTT_RS_PERSIST_REFUSED`). `persist_remove` with packet id 0 forgets the
   * oldest QoS 0 record once that message is in the transmit buffer (before it is
   * written) or was dropped to make room. Give the records back with
   * `mqtt_rs_reconnect_restore()`. Costs a store write per QoS 0 message kept offline.
   */
  bool persist_qos0;
  /**
   * Reconnect events (may be NULL).
   */
  mqtt_rs_reconnect_cb on_reconnect;
  /**
   * Sleep for `mqtt_rs_reconnect_wait()` (may be NULL if only polling is used).
   */
  mqtt_rs_sleep_cb sleep;
  /**
   * Saves an unfinished QoS 1/2 flow (NULL: no store; needs the cargo feature
   * `persist`, CMake `MQTT_RS_PERSIST`). Called inside `mqtt_rs_reconnect_publish()`
   * before it returns, and when a QoS 2 flow's PUBREC arrives (`released`), before its
   * PUBREL is written: return 0 only once the record is durable. Also called with
   * `incoming` for an incoming QoS 2 message, before it reaches `on_message`: the id
   * must become durable together with the message's effect, before `on_message`
   * returns. See README "Persistence" for what must be durable when.
   */
  mqtt_rs_persist_store_cb persist_store;
  /**
   * Forgets a completed flow's record, or (`incoming`) a released incoming id, durably
   * before the PUBCOMP is written (set with `persist_store`, or both NULL).
   */
  mqtt_rs_persist_remove_cb persist_remove;
  /**
   * Where the MQTT 5.0 properties of a flow are encoded for `persist_store` (the
   * record's `properties` point into it during the call); NULL: none, and
   * `mqtt_rs_reconnect_publish_v5()` with properties and a store returns
   * `MQTT_RS_BUFFER_TOO_SMALL`. Size it for the largest property section published
   * (1 to 4 bytes of length plus each property: 5 bytes for a message expiry, 3 plus
   * the string for a content type or response topic, 5 plus both strings per user
   * property); only the supervisor's calls write it.
   */
  uint8_t *persist_buf;
  /**
   * Length of `persist_buf`.
   */
  size_t persist_buf_len;
  /**
   * Passed to `on_reconnect`, `random` and `sleep`.
   */
  void *userdata;
#if defined(MQTT_RS_MQTT5)
  /**
   * MQTT 5.0: memory for following a broker's Server Reference (NULL, the default: not
   * followed; the client's `MQTT_RS_EVENT_DISCONNECTED` still carries it). When the
   * broker ends the connection (DISCONNECT) or refuses it (CONNACK) with 0x9C "use
   * another server" or 0x9D "server moved" and names a server, the host of the first
   * reference (`host`, `host:port`, `[IPv6]`, `[IPv6]:port`) is copied here,
   * NUL-terminated, and the next attempt goes there (to the port of the connection that
   * was referred when it names none; with TLS the certificate must match that host
   * unless the TLS options set a server name). Lost later, that connection is retried
   * there first; a failed attempt there returns to `brokers`, after the broker that
   * referred. A reference that is malformed or does not fit is not followed.
   */
  char *server_reference_buf;
#endif
#if defined(MQTT_RS_MQTT5)
  /**
   * Length of `server_reference_buf`: hosts up to one byte shorter are followed.
   */
  size_t server_reference_len;
#endif
} mqtt_rs_reconnect_config;

/**
 * A reconnecting supervisor of one client, in caller memory. Initialise with
 * `mqtt_rs_reconnect_init()`; the application may read the counters, and must not write
 * any field.
 */
typedef struct mqtt_rs_reconnect {
  /**
   * The configuration (copied at init).
   */
  struct mqtt_rs_reconnect_config config;
  /**
   * The supervised client.
   */
  struct mqtt_rs_client *client;
  /**
   * Attempts since the last stable connection.
   */
  uint32_t attempt;
  /**
   * Clock reading (`now_ms`) at which the next attempt starts, while waiting.
   */
  uint32_t next_attempt_at;
  /**
   * Clock reading when the current connection came up.
   */
  uint32_t connected_at;
  /**
   * Index of the broker in use or next tried.
   */
  size_t broker;
  /**
   * Connections made (CONNACK accepted) since init.
   */
  uint32_t connections;
  /**
   * QoS 0 messages dropped from the offline queue to make room (oldest first).
   */
  uint32_t qos0_dropped;
  /**
   * Times `persist_store` failed.
   */
  uint32_t persist_failures;
  /**
   * Library state: where the supervisor stands.
   */
  uint8_t phase;
  /**
   * Library state: the xorshift generator.
   */
  uint32_t rng;
  /**
   * Library state: the `order` of the next QoS 0 record (`persist_qos0`).
   */
  uint32_t qos0_order;
  /**
   * Library state: the queued QoS 0 bytes, `qos0_buf[qos0_start..qos0_end]`.
   */
  size_t qos0_start;
  /**
   * See `qos0_start`.
   */
  size_t qos0_end;
#if defined(MQTT_RS_MQTT5)
  /**
   * MQTT 5.0, library state: the port of the referred server in `server_reference_buf`
   * that the next attempt or the connection uses; 0: none, `brokers[broker]` is used.
   */
  uint16_t referred_port;
#endif
} mqtt_rs_reconnect;

#if defined(MQTT_RS_MQTT5)
/**
 * Options of one MQTT 5.0 PUBLISH. Fill with `mqtt_rs_publish_options_init()` first.
 * For QoS 1/2 the struct and what it points to must stay valid and unchanged until the
 * flow ends (as topic and payload): a resend after reconnect carries the same properties.
 */
typedef struct mqtt_rs_publish_options {
  /**
   * QoS 0–2 (default 0).
   */
  uint8_t qos;
  /**
   * Retain flag (default false).
   */
  bool retain;
  /**
   * Payload Format Indicator: the payload is UTF-8 (default false: not sent).
   */
  bool payload_utf8;
  /**
   * Message Expiry Interval in seconds (0: not sent, never expires).
   */
  uint32_t message_expiry_s;
  /**
   * Content Type, NUL-terminated UTF-8, or NULL.
   */
  const char *content_type;
  /**
   * Response Topic, NUL-terminated topic name, or NULL.
   */
  const char *response_topic;
  /**
   * Correlation Data, or NULL.
   */
  const uint8_t *correlation_data;
  /**
   * Length of `correlation_data`.
   */
  size_t correlation_data_len;
  /**
   * User properties, or NULL.
   */
  const struct mqtt_rs_user_property *user_properties;
  /**
   * Number of `user_properties`.
   */
  size_t user_property_count;
} mqtt_rs_publish_options;
#endif

/**
 * TLS settings for a client. Fill with `mqtt_rs_tls_options_init()` first. Everything is
 * copied by `mqtt_rs_client_use_tls()`: the memory may be freed afterwards.
 * Verification of the broker is always on: without `ca` there is no connection.
 */
typedef struct mqtt_rs_tls_options {
  /**
   * Trusted CA certificates: a PEM bundle (one or more) or one DER certificate. Required.
   */
  const uint8_t *ca;
  /**
   * Length of `ca`.
   */
  size_t ca_len;
  /**
   * Client certificate chain for mutual TLS (PEM, or one DER certificate), or NULL.
   */
  const uint8_t *cert;
  /**
   * Length of `cert`.
   */
  size_t cert_len;
  /**
   * Client private key (PEM or DER: PKCS#8, PKCS#1 or SEC1; RSA, ECDSA P-256/P-384,
   * Ed25519 with ring; ECDSA P-256 only with the pure-Rust provider), or NULL. Needed
   * with `cert`.
   */
  const uint8_t *key;
  /**
   * Length of `key`.
   */
  size_t key_len;
  /**
   * Name sent as SNI and checked against the certificate (a DNS name, or an IP address
   * which sends no SNI); NULL: the host passed to connect.
   */
  const char *server_name;
  /**
   * ALPN protocol names (e.g. `"mqtt"`, or `"x-amzn-mqtt-ca"` for AWS IoT on port 443), or NULL.
   */
  const char *const *alpn;
  /**
   * Number of `alpn` entries.
   */
  size_t alpn_count;
  /**
   * Lowest TLS version accepted: `MQTT_RS_TLS_VERSION_1_2` (default) or `MQTT_RS_TLS_VERSION_1_3`.
   */
  uint8_t min_version;
  /**
   * Highest TLS version offered: `MQTT_RS_TLS_VERSION_1_3` (default) or `MQTT_RS_TLS_VERSION_1_2`.
   */
  uint8_t max_version;
  /**
   * Resume sessions across reconnects of this client (default true): a resumed handshake
   * skips the certificate exchange and most of the bytes.
   */
  bool resumption;
} mqtt_rs_tls_options;

/**
 * Heap, wall clock and entropy for the TLS build.
 *
 * Running out of heap inside rustls cannot be reported as a result code (rustls
 * allocates infallibly): the library then stops — `abort()` with the `posix` feature, a
 * halt loop without it. Size the heap for the peak below plus margin.
 * A NULL member keeps its default: the
 * POSIX defaults (malloc/free, clock_gettime, getrandom) when the library was built with
 * the `posix` feature (CMake does this on Linux), else nothing.
 *
 * A bare-metal port must supply all three: `alloc`/`free` (malloc-like, aligned to at least
 * 2 × sizeof(void *); a TLS connection peaks at 15–25 kB with its configuration, more
 * with an RSA client key), `unix_time` (seconds since
 * 1970, needed to check certificate validity; 0 = unknown, which fails verification) and
 * `entropy` (fill `len` bytes from a hardware RNG, return 0 on success). With the pure-Rust
 * crypto provider (the default on bare metal) key generation draws from `entropy` too;
 * ring (hosted targets) generates keys from the operating system. The PSA provider
 * draws every random byte from `psa_generate_random` and leaves `entropy` unused.
 */
typedef struct mqtt_rs_tls_platform {
  /**
   * Allocates `size` bytes; NULL on failure. Set together with `free`.
   */
  void *(*alloc)(size_t size);
  /**
   * Frees a block from `alloc`.
   */
  void (*free)(void *ptr);
  /**
   * Seconds since the Unix epoch; 0 when unknown.
   */
  uint64_t (*unix_time)(void);
  /**
   * Fills `buf` with `len` random bytes; returns 0 on success.
   */
  int32_t (*entropy)(uint8_t *buf, size_t len);
} mqtt_rs_tls_platform;

/**
 * Heap use of the TLS build, counted by the library's allocator.
 */
typedef struct mqtt_rs_heap_stats {
  /**
   * Bytes allocated now.
   */
  size_t current;
  /**
   * Most bytes allocated at once since start or the last `mqtt_rs_heap_stats_reset_peak()`.
   */
  size_t peak;
} mqtt_rs_heap_stats;

#if defined(MQTT_RS_MQTT5)
/**
 * One MQTT 5.0 subscription: filter, QoS and the v5 subscription options.
 */
typedef struct mqtt_rs_subscription_v5 {
  /**
   * Topic filter, NUL-terminated.
   */
  const char *filter;
  /**
   * Maximum QoS 0–2.
   */
  uint8_t qos;
  /**
   * Do not receive this client's own messages.
   */
  bool no_local;
  /**
   * Keep the retain flag as published on forwarded messages.
   */
  bool retain_as_published;
  /**
   * 0: send retained messages at subscribe; 1: only for a new subscription; 2: never.
   */
  uint8_t retain_handling;
} mqtt_rs_subscription_v5;
#endif

#ifdef __cplusplus
extern "C" {
#endif // __cplusplus

#if defined(MQTT_RS_MQTT5)
/**
 * Gives an MQTT 5.0 client two topic alias tables in caller memory, used from the next
 * connect on, on every connection made with `protocol_version` 5. The memory must stay
 * valid, and be used by nothing else, as long as the client (as its buffers).
 *
 * Each table is cut into slots of `slot_size` bytes; a slot holds one topic of up to
 * `slot_size - 2` bytes (the length comes first). Fixed slots, not one
 * shared arena: an alias is found at once, a reassigned alias overwrites only its own
 * slot, and the memory needed is known at build time.
 *
 * - `outgoing`: the library assigns aliases to the topics this client publishes, at most
 *   as many as the broker's Topic Alias Maximum (CONNACK) allows and as slots there are,
 *   never reassigned within a connection. The first PUBLISH of a topic carries the topic
 *   and its alias, later ones an empty topic and the alias. A resend after reconnect
 *   carries its topic. Topics longer than a slot are sent without alias.
 * - `incoming`: the number of slots is announced in CONNECT as this client's Topic Alias
 *   Maximum; aliases the broker sets are stored here and `on_message` always sees the
 *   full topic. An alias of 0, above that maximum or never set ends the connection with
 *   `MQTT_RS_TOPIC_ALIAS_INVALID` (DISCONNECT 0x94 is sent first); a topic longer than a
 *   slot with `MQTT_RS_TOPIC_ALIAS_TOO_LONG`.
 *
 * Both tables are emptied on every new connection. A NULL table (or length 0) turns its
 * direction off. Call while not connected.
 *
 * @param client An initialised client, not connected.
 * @param outgoing Memory for the aliases this client assigns; may be NULL.
 * @param outgoing_len Bytes of `outgoing`.
 * @param incoming Memory for the aliases the broker assigns; may be NULL.
 * @param incoming_len Bytes of `incoming`.
 * @param slot_size Bytes of one slot (3 or more; 2 plus the longest topic).
 * @return `MQTT_RS_OK`; `MQTT_RS_WRONG_STATE` while connected or connecting;
 *         `MQTT_RS_INVALID_ARGUMENT` for a slot size below 3 or above 65,535;
 *         `MQTT_RS_NULL_ARGUMENT` for a NULL table with a length.
 *
 * @code{.c}
 * static uint8_t aliases_out[8 * 66], aliases_in[8 * 66];  // 8 topics of up to 64 bytes each way
 * mqtt_rs_client_use_topic_aliases(&client, aliases_out, sizeof aliases_out,
 *                                  aliases_in, sizeof aliases_in, 66);
 * opt.protocol_version = 5;
 * mqtt_rs_client_connect(&client, &opt, 5000, NULL);  // announces Topic Alias Maximum 8
 * @endcode
 *
 * # Safety
 *
 * `client` is NULL or initialised client storage; `outgoing` and `incoming` are NULL or
 * valid for reads and writes of their lengths for as long as the client is used.
 */
mqtt_rs_result mqtt_rs_client_use_topic_aliases(struct mqtt_rs_client *client,
                                                uint8_t *outgoing,
                                                size_t outgoing_len,
                                                uint8_t *incoming,
                                                size_t incoming_len,
                                                size_t slot_size);
#endif

#if defined(MQTT_RS_MQTT5)
/**
 * Fills `properties` with defaults: no will property sent. Does nothing if NULL.
 *
 * @param properties The properties to fill; may be NULL.
 *
 * @code{.c}
 * mqtt_rs_will will = { "devices/7/status", (const uint8_t *)"offline", 7, 1, true };
 * mqtt_rs_will_properties wp;
 * mqtt_rs_will_properties_init(&wp);
 * wp.will_delay_s = 30;            // no will if the session resumes within 30 s
 * wp.content_type = "text/plain";
 * mqtt_rs_connect_properties cp;
 * mqtt_rs_connect_properties_init(&cp);
 * cp.session_expiry_s = 300;       // the session must outlive the delay
 * cp.will_properties = &wp;
 * opt.protocol_version = 5; opt.will = &will; opt.properties = &cp;
 * @endcode
 *
 * # Safety
 *
 * `properties` is NULL or valid for writes.
 */
void mqtt_rs_will_properties_init(struct mqtt_rs_will_properties *properties);
#endif

#if defined(MQTT_RS_MQTT5)
/**
 * Sets (or with NULL, removes) the enhanced authentication callback of `client`. Set it
 * before connecting with an `authentication_method` in `mqtt_rs_connect_properties`:
 * without it, a challenge from the broker is refused.
 *
 * @param client An initialised client.
 * @param on_auth The callback, or NULL.
 * @return `MQTT_RS_OK`; `MQTT_RS_NULL_ARGUMENT` or `MQTT_RS_WRONG_STATE` for a bad client.
 *
 * @code{.c}
 * // The broker sends a nonce; the answer is a keyed digest of it (any function both know).
 * static bool on_auth(void *ud, const mqtt_rs_auth_step *step, mqtt_rs_auth_answer *answer) {
 *     struct app *app = ud;                                        // the config's userdata
 *     if (step->reason_code != MQTT_RS_AUTH_CONTINUE) return true; // re-authenticated
 *     if (!hmac_sha256(app->key, app->key_len, step->data, step->data_len, app->reply)) return false;
 *     answer->data = app->reply; answer->data_len = sizeof app->reply;
 *     return true;
 * }
 * mqtt_rs_client_set_auth_callback(&client, on_auth);
 * mqtt_rs_connect_properties props;
 * mqtt_rs_connect_properties_init(&props);
 * props.authentication_method = "HMAC-SHA256-NONCE"; // valid while connected
 * opt.protocol_version = 5; opt.properties = &props;
 * rc = mqtt_rs_client_connect(&client, &opt, 5000, NULL);
 * @endcode
 *
 * # Safety
 *
 * `client` is NULL or points to `mqtt_rs_client` storage used by no other thread without
 * the configured lock.
 */
mqtt_rs_result mqtt_rs_client_set_auth_callback(struct mqtt_rs_client *client,
                                                mqtt_rs_auth_cb on_auth);
#endif

#if defined(MQTT_RS_MQTT5)
/**
 * Re-authenticates a connected client (AUTH 0x19 with the method of CONNECT and
 * `data`) and waits until the broker completes it (AUTH 0x00); its challenges go to
 * `on_auth` meanwhile. Other traffic continues during the exchange.
 *
 * @param client A client connected with MQTT 5.0 and an authentication method.
 * @param data First Authentication Data (copied); may be NULL.
 * @param data_len Length of `data`.
 * @param timeout_ms Time budget for the whole exchange.
 * @return `MQTT_RS_OK` once re-authenticated; `MQTT_RS_WRONG_STATE` when not connected,
 *         connected without an authentication method, or already re-authenticating;
 *         `MQTT_RS_TIMEOUT`; or the error that ended the connection
 *         (`MQTT_RS_SERVER_DISCONNECT` when the broker refused, `MQTT_RS_AUTH_REFUSED`,
 *         `MQTT_RS_AUTH_PROTOCOL_ERROR`).
 *
 * # Safety
 *
 * `client` as for `mqtt_rs_client_publish()`; `data` NULL or `data_len` readable bytes.
 */
mqtt_rs_result mqtt_rs_client_reauthenticate(struct mqtt_rs_client *client,
                                             const uint8_t *data,
                                             size_t data_len,
                                             uint32_t timeout_ms);
#endif

#if defined(MQTT_RS_MQTT5)
/**
 * Starts re-authentication without blocking, as `mqtt_rs_client_reauthenticate()`:
 * `on_auth` then sees the broker's challenges and finally `MQTT_RS_AUTH_SUCCESS`; a
 * refusal is the broker's DISCONNECT (`MQTT_RS_EVENT_DISCONNECTED`).
 *
 * @param client A client connected with MQTT 5.0 and an authentication method.
 * @param data First Authentication Data (copied); may be NULL.
 * @param data_len Length of `data`.
 * @return `MQTT_RS_IN_PROGRESS` once AUTH is queued; `MQTT_RS_WRONG_STATE` as for
 *         `mqtt_rs_client_reauthenticate()`; `MQTT_RS_BUSY` when the transmit buffer is full.
 *
 * # Safety
 *
 * As `mqtt_rs_client_reauthenticate()`.
 */
mqtt_rs_result mqtt_rs_client_begin_reauthenticate(struct mqtt_rs_client *client,
                                                   const uint8_t *data,
                                                   size_t data_len);
#endif

/**
 * Initialises `client` in caller storage from `config`. Buffers and slots named in
 * `config` are used for the client's whole life and must outlive it.
 *
 * @param client Caller storage for the client; keep it at a fixed address until
 *        mqtt_rs_client_deinit().
 * @param config Buffers, slots, network callbacks and application callbacks; the
 *        struct itself is copied, what it points to is borrowed for the client's life.
 * @return `MQTT_RS_OK` when initialised;
 *         `MQTT_RS_NULL_ARGUMENT` if `client`, `config`, a buffer or the slots are NULL;
 *         `MQTT_RS_INVALID_ARGUMENT` if a network callback is missing or `slot_count` is 0;
 *         `MQTT_RS_BUFFER_TOO_SMALL` if a buffer is under `MQTT_RS_MIN_BUFFER_SIZE`;
 *         `MQTT_RS_CALLED_FROM_CALLBACK` from inside a callback of this client.
 *
 * ```c
 * static mqtt_rs_client client;
 * static uint8_t tx[1024], rx[1024];
 * static mqtt_rs_inflight_slot slots[8];
 * mqtt_rs_client_config cfg = {0};
 * mqtt_rs_posix_net_init(&net_ctx, &cfg.net);   // your port fills the callbacks
 * cfg.tx_buf = tx; cfg.tx_len = sizeof tx; cfg.rx_buf = rx; cfg.rx_len = sizeof rx;
 * cfg.slots = slots; cfg.slot_count = 8; cfg.on_message = on_message;
 * mqtt_rs_result rc = mqtt_rs_client_init(&client, &cfg);
 * ```
 *
 * # Safety
 *
 * `client` is NULL or points to `mqtt_rs_client` storage that stays at its address and is
 * used by no other thread without the configured lock. `config` is NULL or valid for
 * the reads and writes described above, for as long as described above.
 */
mqtt_rs_result mqtt_rs_client_init(struct mqtt_rs_client *client,
                                   const struct mqtt_rs_client_config *config);

/**
 * Releases what `client` holds beyond its storage (the TLS state on the heap), closing
 * the network first if it is open (a `MQTT_RS_EVENT_DISCONNECTED` event reports it). The
 * storage may then be initialised again. Does nothing for NULL or uninitialised storage,
 * nor from inside a callback of `client`.
 *
 * @param client Client storage; NULL or uninitialised storage is ignored.
 *
 * # Safety
 *
 * `client` is NULL or points to `mqtt_rs_client` storage that stays at its address and is
 * used by no other thread without the configured lock.
 */
void mqtt_rs_client_deinit(struct mqtt_rs_client *client);

/**
 * Fills `options` with defaults: port 1883, keepalive 60 s, clean session, no
 * credentials, no will, window 0 (all slots, at most 20). Does nothing if `options` is NULL.
 *
 * @param options The options to fill; may be NULL.
 *
 * # Safety
 *
 * `options` is NULL or valid for the reads and writes described above, for as long as
 * described above.
 */
void mqtt_rs_connect_options_init(struct mqtt_rs_connect_options *options);

/**
 * Connects and waits for CONNACK. Blocks up to `timeout_ms`.
 *
 * `options->host` is passed to the connect callback. `session_present` (may be NULL)
 * receives whether the broker resumed a stored session.
 *
 * @param client An initialised client.
 * @param options Broker and session settings (fill with mqtt_rs_connect_options_init()).
 * @param timeout_ms Time budget for the whole call: connection, TLS handshake, CONNACK.
 * @param session_present Receives whether the broker resumed a stored session; may be NULL.
 * @return `MQTT_RS_OK` once CONNACK accepted the connection;
 *         a `MQTT_RS_CONNACK_*` code when the broker refused it;
 *         `MQTT_RS_NET_CONNECT_FAILED`, `MQTT_RS_NET_HOST_NOT_FOUND`,
 *         `MQTT_RS_NET_CONNECTION_REFUSED` when the connect callback failed;
 *         `MQTT_RS_TIMEOUT` (the attempt is abandoned);
 *         a `MQTT_RS_TLS_*` code when the TLS handshake failed;
 *         `MQTT_RS_WRONG_STATE` if already connected or connecting;
 *         `MQTT_RS_NULL_ARGUMENT` / `MQTT_RS_INVALID_ARGUMENT` for bad options;
 *         `MQTT_RS_PLAINTEXT_CREDENTIALS` for a password without TLS (nothing sent);
 *         `MQTT_RS_CALLED_FROM_CALLBACK` from inside a callback of this client;
 *         or the error that ended the connection before CONNACK.
 *
 * @code{.c}
 * mqtt_rs_connect_options opt;
 * mqtt_rs_connect_options_init(&opt);
 * opt.host = "127.0.0.1"; opt.client_id = "sensor-1";
 * bool resumed;
 * if (mqtt_rs_client_connect(&client, &opt, 5000, &resumed) != MQTT_RS_OK) { ... }
 * @endcode
 *
 * # Safety
 *
 * `client` is NULL or points to `mqtt_rs_client` storage that stays at its address and is
 * used by no other thread without the configured lock. `options`, `session_present`: each
 * NULL or valid for the reads and writes described above, for as long as described above.
 */
mqtt_rs_result mqtt_rs_client_connect(struct mqtt_rs_client *client,
                                      const struct mqtt_rs_connect_options *options,
                                      uint32_t timeout_ms,
                                      bool *session_present);

/**
 * Starts connecting without blocking. Returns `MQTT_RS_IN_PROGRESS`; the outcome arrives
 * as a `MQTT_RS_EVENT_CONNECTED` (or `MQTT_RS_EVENT_DISCONNECTED`) event from
 * `mqtt_rs_client_poll()`. `options->host` must stay valid until then.
 * Errors as for `mqtt_rs_client_connect()`.
 *
 * @param client An initialised, unconnected client.
 * @param options Broker and session settings; `options->host` must stay valid until the outcome.
 * @return `MQTT_RS_IN_PROGRESS` when the attempt started;
 *         `MQTT_RS_WRONG_STATE` if already connected or connecting;
 *         `MQTT_RS_NULL_ARGUMENT` / `MQTT_RS_INVALID_ARGUMENT` for bad options;
 *         `MQTT_RS_CALLED_FROM_CALLBACK` from inside a callback of this client.
 *
 * # Safety
 *
 * `client` is NULL or points to `mqtt_rs_client` storage that stays at its address and is
 * used by no other thread without the configured lock. `options` is NULL or valid for
 * the reads and writes described above, for as long as described above.
 */
mqtt_rs_result mqtt_rs_client_begin_connect(struct mqtt_rs_client *client,
                                            const struct mqtt_rs_connect_options *options);

/**
 * Publishes and waits until the QoS flow completes: QoS 0 when written, QoS 1 at
 * PUBACK, QoS 2 at PUBCOMP. Waits for a free slot if the window is full. Blocks up to
 * `timeout_ms`.
 *
 * `topic` is NUL-terminated without wildcards. A payload larger than the transmit
 * buffer is written straight from `payload`. For QoS 1/2, `topic` and `payload` must
 * stay valid until the flow ends: on `MQTT_RS_OK`, or, if this call returns an error
 * after the message was queued, until its `MQTT_RS_EVENT_PUBLISH_DONE` event (with a
 * persistent session it is resent after reconnect).
 *
 * @param client A connected client.
 * @param topic NUL-terminated UTF-8 topic name, no wildcards.
 * @param payload The payload bytes; may be NULL when `payload_len` is 0.
 * @param payload_len Length of `payload` in bytes.
 * @param qos 0, 1 or 2 (`MQTT_RS_QOS0` … `MQTT_RS_QOS2`).
 * @param retain Asks the broker to keep the message for future subscribers.
 * @param timeout_ms Time budget for the whole call, waiting for a slot included.
 * @return `MQTT_RS_OK` when the flow completed;
 *         `MQTT_RS_TIMEOUT` (a queued QoS 1/2 message continues; see above);
 *         `MQTT_RS_WRONG_STATE` when not connected;
 *         `MQTT_RS_INVALID_TOPIC` for an empty topic or one with wildcards;
 *         `MQTT_RS_INVALID_ARGUMENT` (QoS > 2, topic not UTF-8);
 *         `MQTT_RS_NULL_ARGUMENT`;
 *         `MQTT_RS_DISCARDED` when the flow was dropped;
 *         `MQTT_RS_CALLED_FROM_CALLBACK` from inside a callback of this client;
 *         or the error that ended the connection.
 *
 * @code{.c}
 * static const char msg[] = "21.5";
 * rc = mqtt_rs_client_publish(&client, "sensors/1/temp", (const uint8_t *)msg, sizeof msg - 1, 1, false, 5000);
 * @endcode
 *
 * # Safety
 *
 * `client` is NULL or points to `mqtt_rs_client` storage that stays at its address and is
 * used by no other thread without the configured lock. `topic`, `payload`: each NULL or
 * valid for the reads and writes described above, for as long as described above.
 */
mqtt_rs_result mqtt_rs_client_publish(struct mqtt_rs_client *client,
                                      const char *topic,
                                      const uint8_t *payload,
                                      size_t payload_len,
                                      uint8_t qos,
                                      bool retain,
                                      uint32_t timeout_ms);

/**
 * Queues a PUBLISH without blocking. `packet_id_out` (may be NULL) receives the id
 * that its `MQTT_RS_EVENT_PUBLISH_DONE` event will carry (0 for QoS 0, which has no event).
 *
 * Returns `MQTT_RS_OK` for QoS 0 (queued; written by the next poll), `MQTT_RS_IN_PROGRESS`
 * for QoS 1/2, `MQTT_RS_INFLIGHT_FULL` or `MQTT_RS_BUSY` when there is no room yet (poll,
 * then retry), or the errors of `mqtt_rs_client_publish()`. `topic` and `payload` must
 * stay valid until the flow ends (QoS 0: until `mqtt_rs_client_wants_write()` is false).
 *
 * @param client A connected client.
 * @param topic NUL-terminated UTF-8 topic name, no wildcards.
 * @param payload The payload bytes; may be NULL when `payload_len` is 0.
 * @param payload_len Length of `payload` in bytes.
 * @param qos 0, 1 or 2.
 * @param retain Asks the broker to keep the message for future subscribers.
 * @param packet_id_out Receives the packet id (0 for QoS 0); may be NULL.
 * @return `MQTT_RS_OK` (QoS 0 queued); `MQTT_RS_IN_PROGRESS` (QoS 1/2 queued);
 *         `MQTT_RS_INFLIGHT_FULL` / `MQTT_RS_BUSY` when there is no room yet;
 *         `MQTT_RS_WRONG_STATE` when not connected; `MQTT_RS_INVALID_TOPIC`;
 *         `MQTT_RS_INVALID_ARGUMENT` (QoS > 2, not UTF-8); `MQTT_RS_NULL_ARGUMENT`.
 *
 * # Safety
 *
 * `client` is NULL or points to `mqtt_rs_client` storage that stays at its address and is
 * used by no other thread without the configured lock. `topic`, `payload`,
 * `packet_id_out`: each NULL or valid for the reads and writes described above, for as
 * long as described above.
 */
mqtt_rs_result mqtt_rs_client_begin_publish(struct mqtt_rs_client *client,
                                            const char *topic,
                                            const uint8_t *payload,
                                            size_t payload_len,
                                            uint8_t qos,
                                            bool retain,
                                            uint16_t *packet_id_out);

/**
 * Subscribes to `count` filters and waits for SUBACK. Blocks up to `timeout_ms`.
 *
 * `granted_qos` (may be NULL) is an array of `count` entries that receives, per filter,
 * the granted QoS (0–2) or 0x80 for a refusal.
 *
 * @param client A connected client.
 * @param subs `count` filters with their requested QoS.
 * @param count Number of entries in `subs` (1 to 65,535).
 * @param granted_qos Receives `count` granted QoS values (0x80: refused); may be NULL.
 * @param timeout_ms Time budget for the whole call, waiting for a slot included.
 * @return `MQTT_RS_OK` when SUBACK granted every filter;
 *         `MQTT_RS_SUBSCRIBE_FAILED` if any filter was refused;
 *         `MQTT_RS_INVALID_TOPIC` for a malformed filter;
 *         `MQTT_RS_TIMEOUT`; `MQTT_RS_WRONG_STATE` when not connected;
 *         `MQTT_RS_NULL_ARGUMENT` / `MQTT_RS_INVALID_ARGUMENT` (count 0, QoS > 2, not UTF-8);
 *         `MQTT_RS_DISCARDED` when the request was dropped;
 *         `MQTT_RS_CALLED_FROM_CALLBACK` from inside a callback of this client;
 *         or the error that ended the connection.
 *
 * ```c
 * mqtt_rs_subscription subs[] = { {"sensors/+/temp", 1}, {"cmd/#", 2} };
 * uint8_t granted[2];
 * rc = mqtt_rs_client_subscribe(&client, subs, 2, granted, 5000);
 * ```
 *
 * # Safety
 *
 * `client` is NULL or points to `mqtt_rs_client` storage that stays at its address and is
 * used by no other thread without the configured lock. `subs`, `granted_qos`: each NULL or
 * valid for the reads and writes described above, for as long as described above.
 */
mqtt_rs_result mqtt_rs_client_subscribe(struct mqtt_rs_client *client,
                                        const struct mqtt_rs_subscription *subs,
                                        size_t count,
                                        uint8_t *granted_qos,
                                        uint32_t timeout_ms);

/**
 * Queues a SUBSCRIBE without blocking. Returns `MQTT_RS_IN_PROGRESS`; the outcome is a
 * `MQTT_RS_EVENT_SUBSCRIBE_DONE` event with the packet id stored in `packet_id_out`
 * (may be NULL). Errors as for `mqtt_rs_client_subscribe()`, plus `MQTT_RS_INFLIGHT_FULL`
 * / `MQTT_RS_BUSY` (poll, then retry).
 *
 * @param client A connected client.
 * @param subs `count` filters with their requested QoS.
 * @param count Number of entries in `subs` (1 to 65,535).
 * @param packet_id_out Receives the packet id of the request; may be NULL.
 * @return `MQTT_RS_IN_PROGRESS` when queued;
 *         `MQTT_RS_INFLIGHT_FULL` / `MQTT_RS_BUSY` when there is no room yet;
 *         `MQTT_RS_WRONG_STATE` when not connected; `MQTT_RS_INVALID_TOPIC`;
 *         `MQTT_RS_NULL_ARGUMENT` / `MQTT_RS_INVALID_ARGUMENT` (count 0, QoS > 2, not UTF-8).
 *
 * # Safety
 *
 * `client` is NULL or points to `mqtt_rs_client` storage that stays at its address and is
 * used by no other thread without the configured lock. `subs`, `packet_id_out`: each NULL
 * or valid for the reads and writes described above, for as long as described above.
 */
mqtt_rs_result mqtt_rs_client_begin_subscribe(struct mqtt_rs_client *client,
                                              const struct mqtt_rs_subscription *subs,
                                              size_t count,
                                              uint16_t *packet_id_out);

/**
 * Unsubscribes from `count` filters and waits for UNSUBACK. Blocks up to `timeout_ms`.
 *
 * @param client A connected client.
 * @param filters_list `count` NUL-terminated UTF-8 topic filters.
 * @param count Number of entries in `filters_list` (1 to 65,535).
 * @param timeout_ms Time budget for the whole call, waiting for a slot included.
 * @return `MQTT_RS_OK` at UNSUBACK; `MQTT_RS_TIMEOUT`;
 *         `MQTT_RS_INVALID_TOPIC` for a malformed filter;
 *         `MQTT_RS_WRONG_STATE` when not connected;
 *         `MQTT_RS_NULL_ARGUMENT` / `MQTT_RS_INVALID_ARGUMENT` (count 0, not UTF-8);
 *         `MQTT_RS_DISCARDED` when the request was dropped;
 *         `MQTT_RS_CALLED_FROM_CALLBACK` from inside a callback of this client;
 *         or the error that ended the connection.
 *
 * ```c
 * const char *filters[] = { "cmd/#" };
 * rc = mqtt_rs_client_unsubscribe(&client, filters, 1, 5000);
 * ```
 *
 * # Safety
 *
 * `client` is NULL or points to `mqtt_rs_client` storage that stays at its address and is
 * used by no other thread without the configured lock. `filters_list` is NULL or valid
 * for the reads and writes described above, for as long as described above.
 */
mqtt_rs_result mqtt_rs_client_unsubscribe(struct mqtt_rs_client *client,
                                          const char *const *filters_list,
                                          size_t count,
                                          uint32_t timeout_ms);

/**
 * Queues an UNSUBSCRIBE without blocking. Returns `MQTT_RS_IN_PROGRESS`; the outcome is
 * a `MQTT_RS_EVENT_UNSUBSCRIBE_DONE` event with the id stored in `packet_id_out` (may be NULL).
 *
 * @param client A connected client.
 * @param filters_list `count` NUL-terminated UTF-8 topic filters.
 * @param count Number of entries in `filters_list` (1 to 65,535).
 * @param packet_id_out Receives the packet id of the request; may be NULL.
 * @return `MQTT_RS_IN_PROGRESS` when queued;
 *         `MQTT_RS_INFLIGHT_FULL` / `MQTT_RS_BUSY` when there is no room yet;
 *         `MQTT_RS_WRONG_STATE` when not connected; `MQTT_RS_INVALID_TOPIC`;
 *         `MQTT_RS_NULL_ARGUMENT` / `MQTT_RS_INVALID_ARGUMENT` (count 0, not UTF-8).
 *
 * # Safety
 *
 * `client` is NULL or points to `mqtt_rs_client` storage that stays at its address and is
 * used by no other thread without the configured lock. `filters_list`, `packet_id_out`:
 * each NULL or valid for the reads and writes described above, for as long as described
 * above.
 */
mqtt_rs_result mqtt_rs_client_begin_unsubscribe(struct mqtt_rs_client *client,
                                                const char *const *filters_list,
                                                size_t count,
                                                uint16_t *packet_id_out);

/**
 * Keeps the connection going for `timeout_ms`: delivers messages and events, answers
 * acknowledgements, sends keepalive pings. Returns early only on failure.
 *
 * @param client An initialised client.
 * @param timeout_ms How long to keep the connection going.
 * @return `MQTT_RS_OK` when the time passed with the connection healthy;
 *         `MQTT_RS_NOT_CONNECTED` if there was no connection;
 *         `MQTT_RS_CALLED_FROM_CALLBACK` from inside a callback of this client;
 *         or the error that ended the connection.
 *
 * ```c
 * for (;;) {
 *     rc = mqtt_rs_client_wait(&client, 1000);
 *     if (rc != MQTT_RS_OK) { // reconnect }
 * }
 * ```
 *
 * # Safety
 *
 * `client` is NULL or points to `mqtt_rs_client` storage that stays at its address and is
 * used by no other thread without the configured lock.
 */
mqtt_rs_result mqtt_rs_client_wait(struct mqtt_rs_client *client, uint32_t timeout_ms);

/**
 * Sends DISCONNECT, writes it out (up to `timeout_ms`) and closes the network. The broker
 * then discards the will. Closes the network also when not connected at the MQTT level.
 *
 * @param client An initialised client.
 * @param timeout_ms Time budget for writing DISCONNECT out.
 * @return `MQTT_RS_OK` when DISCONNECT was written and the network closed;
 *         `MQTT_RS_NOT_CONNECTED` if there was no connection;
 *         `MQTT_RS_TIMEOUT` (the connection is closed anyway);
 *         `MQTT_RS_CALLED_FROM_CALLBACK` from inside a callback of this client;
 *         or the error that ended the connection while writing.
 *
 * # Safety
 *
 * `client` is NULL or points to `mqtt_rs_client` storage that stays at its address and is
 * used by no other thread without the configured lock.
 */
mqtt_rs_result mqtt_rs_client_disconnect(struct mqtt_rs_client *client, uint32_t timeout_ms);

/**
 * Queues DISCONNECT without blocking; the network closes once `mqtt_rs_client_poll()`
 * has written it (event `MQTT_RS_EVENT_DISCONNECTED` with `MQTT_RS_OK`).
 * Returns `MQTT_RS_IN_PROGRESS`, `MQTT_RS_OK` if it closed at once, `MQTT_RS_NOT_CONNECTED`,
 * or `MQTT_RS_BUSY` when the transmit buffer is full (poll, then retry).
 *
 * @param client An initialised client.
 * @return `MQTT_RS_IN_PROGRESS` when queued; `MQTT_RS_OK` if the network closed at once;
 *         `MQTT_RS_NOT_CONNECTED`; `MQTT_RS_BUSY` when the transmit buffer is full;
 *         `MQTT_RS_CALLED_FROM_CALLBACK` from inside a callback of this client.
 *
 * # Safety
 *
 * `client` is NULL or points to `mqtt_rs_client` storage that stays at its address and is
 * used by no other thread without the configured lock.
 */
mqtt_rs_result mqtt_rs_client_begin_disconnect(struct mqtt_rs_client *client);

/**
 * Does all pending I/O without blocking (callbacks get timeout 0): connects, writes
 * queued packets in one batch, reads and delivers messages and events, sends pings.
 *
 * `sleep_ms` (may be NULL) receives how long the caller may sleep before the next
 * timer is due (keepalive); `UINT32_MAX` if none. Wake earlier when the network has data,
 * or can take data while `mqtt_rs_client_wants_write()` is true.
 *
 * @param client An initialised client.
 * @param sleep_ms Receives the time until the next timer in milliseconds; may be NULL.
 * @return `MQTT_RS_OK` while the connection is healthy (or being set up);
 *         `MQTT_RS_NOT_CONNECTED` if there is no connection;
 *         `MQTT_RS_CALLED_FROM_CALLBACK` from inside a callback of this client;
 *         or the error that just ended the connection (also reported as
 *         `MQTT_RS_EVENT_DISCONNECTED`).
 *
 * @code{.c}
 * uint32_t sleep_ms;
 * while (mqtt_rs_client_poll(&client, &sleep_ms) == MQTT_RS_OK) {
 *     wait_for_socket_or_timeout(sleep_ms);   // e.g. poll(2) on your socket
 * }
 * @endcode
 *
 * # Safety
 *
 * `client` is NULL or points to `mqtt_rs_client` storage that stays at its address and is
 * used by no other thread without the configured lock. `sleep_ms` is NULL or valid for
 * the reads and writes described above, for as long as described above.
 */
mqtt_rs_result mqtt_rs_client_poll(struct mqtt_rs_client *client, uint32_t *sleep_ms);

/**
 * True while `client` has bytes to write that the network has not taken yet, or is
 * opening its connection. A non-blocking loop then also waits for the socket to become
 * writable (not only readable, or `sleep_ms`), and polls when it is. When it turns false
 * after a QoS 0 `mqtt_rs_client_begin_publish()`, that message's memory is free again.
 * False for NULL.
 *
 * @param client A client; NULL gives false.
 * @return True while bytes wait to be written or the connection is opening.
 *
 * # Safety
 *
 * `client` is NULL or points to `mqtt_rs_client` storage that stays at its address and is
 * used by no other thread without the configured lock.
 */
bool mqtt_rs_client_wants_write(const struct mqtt_rs_client *client);

/**
 * True when CONNACK accepted the connection and it has not ended. False for NULL.
 *
 * @param client A client; NULL gives false.
 * @return True between an accepted CONNACK and the end of that connection.
 *
 * # Safety
 *
 * `client` is NULL or points to `mqtt_rs_client` storage that stays at its address and is
 * used by no other thread without the configured lock.
 */
bool mqtt_rs_client_is_connected(const struct mqtt_rs_client *client);

/**
 * Outgoing QoS 1/2 messages not yet completed (0 for NULL). With a persistent session
 * they survive a lost connection and are resent on the next connect.
 *
 * @param client A client; NULL gives 0.
 * @return The number of outgoing QoS 1/2 flows not yet completed.
 *
 * # Safety
 *
 * `client` is NULL or points to `mqtt_rs_client` storage that stays at its address and is
 * used by no other thread without the configured lock.
 */
size_t mqtt_rs_client_inflight_count(const struct mqtt_rs_client *client);

/**
 * Acknowledgements (PUBACK, PUBREC, PUBCOMP) the broker sent for packet ids with no
 * flow under way, since `mqtt_rs_client_init()` (0 for NULL; stops at 65,535). MQTT 3.1.1 peers ignore
 * them and so does this client (a PUBREC is still answered with PUBREL, so the broker can
 * release it); a count that grows points at a broker bug or a resent session. An
 * acknowledgement of the wrong kind for a flow under way (PUBREC for a QoS 1 message)
 * still ends the connection with `MQTT_RS_UNKNOWN_PACKET_ID`.
 *
 * @param client A client; NULL gives 0.
 * @return The number of acknowledgements ignored since init (at most 65,535).
 *
 * # Safety
 *
 * `client` is NULL or points to `mqtt_rs_client` storage that stays at its address and is
 * used by no other thread without the configured lock.
 */
uint32_t mqtt_rs_client_ignored_acks(const struct mqtt_rs_client *client);

/**
 * Starts a SHA-256 computation in `ctx`. One started there before and not finished is
 * abandoned (with PSA its operation is not aborted: finish it first).
 *
 * @param ctx Caller storage; stays at its address until mqtt_rs_sha256_final().
 * @return `MQTT_RS_OK`; `MQTT_RS_NULL_ARGUMENT`; `MQTT_RS_CRYPTO_UNSUPPORTED` if the
 *         provider failed (PSA); `MQTT_RS_TLS_NOT_BUILT` without the TLS build.
 *
 * @code{.c}
 * static mqtt_rs_sha256_ctx sha;
 * uint8_t digest[MQTT_RS_SHA256_DIGEST_SIZE];
 * mqtt_rs_sha256_init(&sha);
 * mqtt_rs_sha256_update(&sha, chunk, chunk_len);     // as often as needed
 * mqtt_rs_sha256_final(&sha, digest);
 * @endcode
 *
 * # Safety
 *
 * `ctx` is NULL or points to `mqtt_rs_sha256_ctx` storage used by no other thread during the call.
 */
mqtt_rs_result mqtt_rs_sha256_init(struct mqtt_rs_sha256_ctx *ctx);

/**
 * Hashes `len` bytes of `data` after what came before.
 *
 * @param ctx A computation started by mqtt_rs_sha256_init().
 * @param data The bytes; may be NULL when `len` is 0.
 * @param len Number of bytes.
 * @return `MQTT_RS_OK`; `MQTT_RS_NULL_ARGUMENT`; `MQTT_RS_WRONG_STATE` if `ctx` was not
 *         started (or was finished); `MQTT_RS_CRYPTO_UNSUPPORTED` if the provider failed
 *         (the computation is then over); `MQTT_RS_TLS_NOT_BUILT` without the TLS build.
 *
 * # Safety
 *
 * `ctx` as for mqtt_rs_sha256_init(); `data` is NULL or valid for `len` bytes.
 */
mqtt_rs_result mqtt_rs_sha256_update(struct mqtt_rs_sha256_ctx *ctx,
                                     const uint8_t *data,
                                     size_t len);

/**
 * Writes the digest of everything hashed into `digest` and ends the computation (start
 * another with mqtt_rs_sha256_init()).
 *
 * @param ctx A computation started by mqtt_rs_sha256_init().
 * @param digest Receives `MQTT_RS_SHA256_DIGEST_SIZE` (32) bytes.
 * @return `MQTT_RS_OK`; `MQTT_RS_NULL_ARGUMENT`; `MQTT_RS_WRONG_STATE` if `ctx` was not
 *         started; `MQTT_RS_CRYPTO_UNSUPPORTED` if the provider failed;
 *         `MQTT_RS_TLS_NOT_BUILT` without the TLS build.
 *
 * # Safety
 *
 * `ctx` as for mqtt_rs_sha256_init(); `digest` is NULL or valid for 32 bytes of writes.
 */
mqtt_rs_result mqtt_rs_sha256_final(struct mqtt_rs_sha256_ctx *ctx, uint8_t *digest);

/**
 * Checks `signature` over `message` with `public_key` (a key the caller trusts, e.g.
 * compiled into the firmware — never one taken from the message it checks).
 *
 * @param alg `MQTT_RS_SIG_ECDSA_P256_SHA256` or `MQTT_RS_SIG_ED25519`.
 * @param public_key The key in the algorithm's raw form (see the constants).
 * @param key_len Its length.
 * @param message The signed bytes (hashed inside: ECDSA signs SHA-256 of them).
 * @param message_len Their length.
 * @param signature The signature (see the constants for the forms).
 * @param signature_len Its length.
 * @return `MQTT_RS_OK` when it verifies; `MQTT_RS_SIGNATURE_INVALID` when it does not;
 *         `MQTT_RS_PUBLIC_KEY_INVALID` for a key of the wrong form;
 *         `MQTT_RS_CRYPTO_UNSUPPORTED` if the provider lacks the algorithm;
 *         `MQTT_RS_INVALID_ARGUMENT` for an unknown `alg`; `MQTT_RS_NULL_ARGUMENT`;
 *         `MQTT_RS_TLS_NOT_BUILT` without the TLS build.
 *
 * # Safety
 *
 * Each pointer is NULL or valid for reads of its length.
 */
mqtt_rs_result mqtt_rs_signature_verify(int32_t alg,
                                        const uint8_t *public_key,
                                        size_t key_len,
                                        const uint8_t *message,
                                        size_t message_len,
                                        const uint8_t *signature,
                                        size_t signature_len);

/**
 * Copies into `buf` (`len` bytes, cut to fit, NUL-terminated) one sentence on `result`,
 * which a call on `client` just returned: its description, the step the connection was
 * at when it ended (network connect, TLS handshake, waiting for CONNACK), the TLS
 * failure text if any, and what to try when the port may be of the other kind (plain vs
 * TLS) or the host unreachable. For a failed `mqtt_rs_client_use_tls()` it explains the
 * last such failure in the process (e.g. an encrypted key, and how to decrypt it).
 * Returns the text length (0 when `buf` is NULL or `len` 0). May be called from callbacks.
 *
 * ```c
 * rc = mqtt_rs_client_connect(&client, &opt, 5000, NULL);
 * if (rc != MQTT_RS_OK) {
 *     char why[256];
 *     mqtt_rs_client_error_detail(&client, rc, why, sizeof why);
 *     printf("connect: %s\n", why);  // "timed out during the TLS handshake. The port may be..."
 * }
 * ```
 *
 * @param client The client the call failed on; may be NULL (the text then names no step).
 * @param result The result code to explain.
 * @param buf Receives the NUL-terminated text; may be NULL (nothing is written).
 * @param len Size of `buf` in bytes.
 * @return The length of the text written (without the NUL); 0 when nothing was written.
 *
 * # Safety
 *
 * `client` is NULL or points to `mqtt_rs_client` storage that stays at its address and is
 * used by no other thread without the configured lock. `buf` is NULL or valid for the
 * reads and writes described above, for as long as described above.
 */
size_t mqtt_rs_client_error_detail(const struct mqtt_rs_client *client,
                                   int32_t result,
                                   char *buf,
                                   size_t len);

#if defined(MQTT_RS_MQTT5)
/**
 * Fills `options` with defaults: reason 0x00, no properties. Does nothing if NULL.
 *
 * @param options The options to fill; may be NULL.
 *
 * # Safety
 *
 * `options` is NULL or valid for writes.
 */
void mqtt_rs_disconnect_options_init(struct mqtt_rs_disconnect_options *options);
#endif

#if defined(MQTT_RS_MQTT5)
/**
 * Sends an MQTT 5.0 DISCONNECT with a reason code and properties, waits until it is
 * written and closes the network, as `mqtt_rs_client_disconnect()`.
 *
 * @param client A client connected with MQTT 5.0.
 * @param options Reason code and properties (fill with mqtt_rs_disconnect_options_init()).
 * @param timeout_ms Time budget for writing DISCONNECT out.
 * @return As `mqtt_rs_client_disconnect()`; `MQTT_RS_INVALID_ARGUMENT` for a reason
 *         code DISCONNECT may not carry or a bad string; `MQTT_RS_WRONG_STATE` on a
 *         3.1.1 connection.
 *
 * @code{.c}
 * mqtt_rs_disconnect_options d;
 * mqtt_rs_disconnect_options_init(&d);
 * d.reason_code = 0x04;                       // publish my will
 * d.send_session_expiry = true; d.session_expiry_s = 0; // and drop the session
 * d.reason_string = "battery low";
 * rc = mqtt_rs_client_disconnect_v5(&client, &d, 1000);
 * @endcode
 *
 * # Safety
 *
 * `client` as for `mqtt_rs_client_disconnect()`; `options` and what it points to NULL or
 * valid for the call.
 */
mqtt_rs_result mqtt_rs_client_disconnect_v5(struct mqtt_rs_client *client,
                                            const struct mqtt_rs_disconnect_options *options,
                                            uint32_t timeout_ms);
#endif

/**
 * Fills `config` with defaults: 1 s to 60 s backoff, reset after 30 s up, seed 1, no
 * QoS 0 buffer, drop-oldest policy, no callbacks. Does nothing if `config` is NULL.
 *
 * @param config The configuration to fill; may be NULL.
 *
 * # Safety
 *
 * `config` is NULL or valid for writes.
 */
void mqtt_rs_reconnect_config_init(struct mqtt_rs_reconnect_config *config);

/**
 * Sets up `rc` to keep `client` connected. The first attempt starts at the next
 * `mqtt_rs_reconnect_poll()` or `mqtt_rs_reconnect_wait()`; from then on drive the client
 * through those two (not `mqtt_rs_client_poll`/`_wait`/`_connect`).
 *
 * @param rc Caller storage for the supervisor; keep it at a fixed address.
 * @param client An initialised, unconnected client (TLS set up first if wanted).
 * @param config Settings; the struct is copied, what it points to is borrowed.
 * @return `MQTT_RS_OK`; `MQTT_RS_NULL_ARGUMENT` if a pointer (also `options`, `brokers`)
 *         is NULL; `MQTT_RS_INVALID_ARGUMENT` if `broker_count` is 0, `clean_session`
 *         is true, the client id is empty, `min_delay_ms > max_delay_ms`, only one of
 *         the persistence hooks is set, or `persist_qos0` is set without both hooks or
 *         without `qos0_buf`; `MQTT_RS_PERSIST_NOT_BUILT` for hooks in a build without
 *         `persist`.
 *
 * # Safety
 *
 * `rc`, `client` and `config` are NULL or valid; `client` is client storage;
 * `config->options`, `config->brokers` (`broker_count` entries), the strings they point
 * to and `qos0_buf` (`qos0_len` bytes) stay valid as long as `rc` is used.
 */
mqtt_rs_result mqtt_rs_reconnect_init(struct mqtt_rs_reconnect *rc,
                                      struct mqtt_rs_client *client,
                                      const struct mqtt_rs_reconnect_config *config);

/**
 * Drives the client without blocking: reads, writes, delivers callbacks, and when the
 * connection is lost schedules and starts the reconnect attempts. Never fails because
 * the connection failed (that is reported by `on_reconnect`).
 *
 * @param rc An initialised supervisor.
 * @param sleep_ms Receives how long the caller may sleep before the next deadline: the
 *        next attempt, a keepalive ping, or a short poll interval while connecting; may
 *        be NULL.
 * @return `MQTT_RS_OK`; `MQTT_RS_NOT_CONNECTED` once stopped; `MQTT_RS_NULL_ARGUMENT`;
 *         `MQTT_RS_CALLED_FROM_CALLBACK` from inside a callback of the client; or the
 *         error of the connect options (checked at each attempt: nothing is retried then).
 *
 * # Safety
 *
 * `rc` is NULL or an initialised supervisor whose borrowed memory is still valid;
 * `sleep_ms` is NULL or valid for writes.
 */
mqtt_rs_result mqtt_rs_reconnect_poll(struct mqtt_rs_reconnect *rc, uint32_t *sleep_ms);

/**
 * Keeps the client connected for `timeout_ms`: a loop over the non-blocking step that
 * waits on the network while connected and calls `config.sleep` while waiting for the
 * next attempt.
 *
 * @param rc An initialised supervisor whose config has a `sleep` callback.
 * @param timeout_ms How long to run.
 * @return `MQTT_RS_OK` when the time is up; `MQTT_RS_INVALID_ARGUMENT` without `sleep`;
 *         otherwise as `mqtt_rs_reconnect_poll()`.
 *
 * # Safety
 *
 * As `mqtt_rs_reconnect_poll()`.
 */
mqtt_rs_result mqtt_rs_reconnect_wait(struct mqtt_rs_reconnect *rc, uint32_t timeout_ms);

/**
 * Stops reconnecting (an `MQTT_RS_RECONNECT_STOPPED` event follows); the connection, if
 * up, stays up until `mqtt_rs_client_disconnect()`. Does nothing for NULL.
 *
 * @param rc An initialised supervisor, or NULL.
 *
 * # Safety
 *
 * `rc` is NULL or an initialised supervisor.
 */
void mqtt_rs_reconnect_stop(struct mqtt_rs_reconnect *rc);

/**
 * Publishes now if connected, else keeps the message for the next connection (the
 * offline queue): QoS 1/2 in an in-flight slot (sent after the resends, in order),
 * QoS 0 copied into `qos0_buf`. Does not block.
 *
 * For QoS 1/2, `topic` and `payload` stay borrowed until the flow's
 * `MQTT_RS_EVENT_PUBLISH_DONE`, as with `mqtt_rs_client_begin_publish()`; QoS 0 is copied.
 *
 * @param rc An initialised supervisor.
 * @param topic NUL-terminated UTF-8 topic name, no wildcards.
 * @param payload The payload bytes; may be NULL when `payload_len` is 0.
 * @param payload_len Length of `payload`.
 * @param qos 0, 1 or 2.
 * @param retain Retain flag.
 * @param packet_id_out Receives the packet id (0 for QoS 0); may be NULL.
 * @return `MQTT_RS_OK` (QoS 0 queued or kept); `MQTT_RS_IN_PROGRESS` (QoS 1/2 queued or
 *         kept); `MQTT_RS_OFFLINE_QUEUE_FULL` while disconnected when every slot the
 *         window may use is taken (QoS 1/2) or `qos0_buf` is full under the refuse-newest
 *         policy (QoS 0): nothing was queued, publish again after reconnect;
 *         `MQTT_RS_INFLIGHT_FULL` / `MQTT_RS_BUSY` while connected (poll, then retry);
 *         `MQTT_RS_NOT_CONNECTED` for QoS 0 while disconnected without `qos0_buf`;
 *         `MQTT_RS_BUFFER_TOO_SMALL` for a QoS 0 message larger than `qos0_buf` or the
 *         transmit buffer; `MQTT_RS_NOT_CONNECTED` once stopped;
 *         `MQTT_RS_PERSIST_FAILED` when `persist_store` failed: the message is queued
 *         (`packet_id_out` is set) but not saved, so a reset before it completes loses it;
 *         `MQTT_RS_PERSIST_REFUSED` for QoS 0 while disconnected with `persist_qos0` when
 *         `persist_store` failed: nothing was queued (counted in `persist_failures`);
 *         the argument errors of `mqtt_rs_client_begin_publish()`.
 *
 * # Safety
 *
 * `rc` is NULL or an initialised supervisor; `topic`, `payload`, `packet_id_out` NULL or
 * valid, `topic` and `payload` (QoS 1/2) until the flow ends.
 */
mqtt_rs_result mqtt_rs_reconnect_publish(struct mqtt_rs_reconnect *rc,
                                         const char *topic,
                                         const uint8_t *payload,
                                         size_t payload_len,
                                         uint8_t qos,
                                         bool retain,
                                         uint16_t *packet_id_out);

/**
 * Puts back an unfinished flow that `persist_store` saved before a reset. Call once per
 * saved record, in increasing `order`, after `mqtt_rs_reconnect_init()` and before the
 * first poll: the flows are resent, in that order, after the first CONNACK (QoS 1 and
 * unreleased QoS 2 as PUBLISH with DUP, released QoS 2 as PUBREL). Each takes an in-flight
 * slot and ends with `MQTT_RS_EVENT_PUBLISH_DONE` (and `persist_remove`). A record with
 * `incoming` puts back the id of an incoming QoS 2 message (in any order; topic and
 * payload unused): it takes a slot until the broker's PUBREL, and the broker's resend of
 * that message is acknowledged and not delivered again. A record with `qos` 0 (saved with
 * `persist_qos0`, which must be set again) is copied into `qos0_buf`: give them in
 * increasing `order`; they are sent after the first CONNACK, as QoS 0 kept offline is.
 *
 * @param rc An initialised supervisor that has not connected yet.
 * @param record A saved record; its topic and payload must stay valid until the flow's
 *        `MQTT_RS_EVENT_PUBLISH_DONE`, and so must its MQTT 5.0 property bytes and,
 *        when it has some, the record struct itself (they are read through it at each
 *        resend); a record without properties is not kept.
 * @return `MQTT_RS_OK`; `MQTT_RS_INFLIGHT_FULL` when no slot is free or the packet id is
 *         already restored (an outgoing flow; an incoming id restored twice is kept
 *         once); `MQTT_RS_WRONG_STATE` after the first attempt began;
 *         `MQTT_RS_INVALID_ARGUMENT` for QoS other than 1 or 2 or packet id 0, or a
 *         property section that does not parse or holds a topic alias or subscription
 *         identifier (MQTT 5.0 builds), or a QoS 0 record without `persist_qos0`;
 *         `MQTT_RS_INVALID_TOPIC`, `MQTT_RS_NULL_ARGUMENT`. A QoS 0 record that does not
 *         fit (`MQTT_RS_OFFLINE_QUEUE_FULL` under the refuse-newest policy,
 *         `MQTT_RS_BUFFER_TOO_SMALL`) is not kept: remove it from the store (with the same
 *         `qos0_buf` as before the reset every record fits).
 *
 * # Safety
 *
 * `rc` is NULL or an initialised supervisor; `record` is NULL or valid, it (with
 * properties), its topic, payload and properties valid as described above.
 */
mqtt_rs_result mqtt_rs_reconnect_restore(struct mqtt_rs_reconnect *rc,
                                         const struct mqtt_rs_persist_record *record);

#if defined(MQTT_RS_MQTT5)
/**
 * As `mqtt_rs_reconnect_publish()`, with QoS, retain and MQTT 5.0 properties from
 * `options`. A QoS 1/2 message keeps its properties while it waits offline, on every
 * resend, and — with the persistence hooks — in its record (`properties`, encoded into
 * `persist_buf`), so that it is resent with them after a reset. On a 3.1.1 connection
 * the properties are not sent.
 *
 * @param rc An initialised supervisor.
 * @param topic NUL-terminated UTF-8 topic name, no wildcards.
 * @param payload The payload bytes; may be NULL when `payload_len` is 0.
 * @param payload_len Length of `payload`.
 * @param options QoS, retain and properties (fill with mqtt_rs_publish_options_init());
 *        for QoS 1/2 valid and unchanged until the flow ends.
 * @param packet_id_out Receives the packet id (0 for QoS 0); may be NULL.
 * @return As `mqtt_rs_reconnect_publish()`, and `MQTT_RS_BUFFER_TOO_SMALL` when a QoS
 *         1/2 message's properties do not fit `persist_buf` of a supervisor with a store
 *         (nothing queued), `MQTT_RS_NOT_CONNECTED` for QoS 0 with properties while
 *         disconnected (the QoS 0 queue keeps none), the refusals of
 *         `mqtt_rs_client_begin_publish_v5()` while connected.
 *
 * # Safety
 *
 * As `mqtt_rs_reconnect_publish()`; `options` and what it points to are NULL or valid,
 * for QoS 1/2 until the flow ends.
 */
mqtt_rs_result mqtt_rs_reconnect_publish_v5(struct mqtt_rs_reconnect *rc,
                                            const char *topic,
                                            const uint8_t *payload,
                                            size_t payload_len,
                                            const struct mqtt_rs_publish_options *options,
                                            uint16_t *packet_id_out);
#endif

/**
 * Returns a static, NUL-terminated English description of `result` (never NULL;
 * unknown values give "unknown result").
 *
 * @param result A result code (any value).
 * @return A static NUL-terminated description, never NULL.
 */
const char *mqtt_rs_result_str(int32_t result);

/**
 * Fills `options` with defaults: no CA (set one), no client certificate, server name =
 * connect host, no ALPN, TLS 1.2 and 1.3, resumption on. Does nothing if `options` is NULL.
 *
 * @param options The options to fill; may be NULL.
 *
 * # Safety
 *
 * `options` is NULL or valid for the reads and writes described above, for as long as
 * described above.
 */
void mqtt_rs_tls_options_init(struct mqtt_rs_tls_options *options);

/**
 * True when the library was built with TLS.
 *
 * @return True in a build with TLS.
 */
bool mqtt_rs_tls_available(void);

/**
 * Makes every following connection of `client` use TLS with `options` (copied). Call
 * after `mqtt_rs_client_init()` and before connecting; calling again replaces the settings
 * (and forgets saved sessions).
 *
 * Returns `MQTT_RS_OK`; `MQTT_RS_TLS_NO_TRUST_ANCHORS` without `ca`;
 * `MQTT_RS_TLS_BAD_TRUST_ANCHOR`, `MQTT_RS_TLS_BAD_CLIENT_CERT`, `MQTT_RS_TLS_BAD_CLIENT_KEY`,
 * `MQTT_RS_TLS_INVALID_SERVER_NAME`, `MQTT_RS_TLS_INVALID_ALPN` for unusable input;
 * `MQTT_RS_INVALID_ARGUMENT` (cert without key, unknown version);
 * `MQTT_RS_TLS_PROTOCOL_VERSION` (minimum above maximum); `MQTT_RS_WRONG_STATE` while
 * connected; `MQTT_RS_NULL_ARGUMENT`; `MQTT_RS_TLS_NOT_BUILT` in a build without TLS.
 *
 * ```c
 * mqtt_rs_tls_options tls;
 * mqtt_rs_tls_options_init(&tls);
 * tls.ca = ca_pem; tls.ca_len = ca_pem_len;          // e.g. read from ca.crt
 * rc = mqtt_rs_client_use_tls(&client, &tls);
 * opt.port = 8883;                                  // then connect as usual
 * ```
 *
 * @param client An initialised client, not connected.
 * @param options TLS settings (copied).
 * @return `MQTT_RS_OK`; `MQTT_RS_TLS_NO_TRUST_ANCHORS`; `MQTT_RS_TLS_BAD_TRUST_ANCHOR`;
 *         `MQTT_RS_TLS_BAD_CLIENT_CERT`; `MQTT_RS_TLS_BAD_CLIENT_KEY`;
 *         `MQTT_RS_TLS_INVALID_SERVER_NAME`; `MQTT_RS_TLS_INVALID_ALPN`;
 *         `MQTT_RS_INVALID_ARGUMENT`; `MQTT_RS_TLS_PROTOCOL_VERSION`; `MQTT_RS_WRONG_STATE`;
 *         `MQTT_RS_NULL_ARGUMENT`; `MQTT_RS_CALLED_FROM_CALLBACK`; `MQTT_RS_TLS_NOT_BUILT`.
 *
 * # Safety
 *
 * `client` is NULL or points to `mqtt_rs_client` storage that stays at its address and is
 * used by no other thread without the configured lock. `options` is NULL or valid for
 * the reads and writes described above, for as long as described above.
 */
mqtt_rs_result mqtt_rs_client_use_tls(struct mqtt_rs_client *client,
                                      const struct mqtt_rs_tls_options *options);

/**
 * True when the last TLS handshake of `client` resumed an earlier session (false for
 * NULL, a plain connection, or a full handshake).
 *
 * @param client A client; NULL gives false.
 * @return True when the last handshake resumed a session.
 *
 * # Safety
 *
 * `client` is NULL or points to `mqtt_rs_client` storage that stays at its address and is
 * used by no other thread without the configured lock.
 */
bool mqtt_rs_client_tls_resumed(const struct mqtt_rs_client *client);

/**
 * Copies the detailed text of the last TLS failure of `client`, in plain words with what
 * to do (e.g. "server certificate not valid for the server name: the broker's certificate
 * is not valid for localhost: it is for broker.example …"), into `buf` of `len` bytes, cut
 * to fit and NUL-terminated. Returns the text length, 0 if there was no TLS failure.
 * `mqtt_rs_client_error_detail()` includes it in a sentence that also names the step.
 *
 * @param client A client; NULL gives 0.
 * @param buf Receives the NUL-terminated text; may be NULL (nothing is written).
 * @param len Size of `buf` in bytes.
 * @return The length of the text written (without the NUL); 0 if none.
 *
 * # Safety
 *
 * `client` is NULL or points to `mqtt_rs_client` storage that stays at its address and is
 * used by no other thread without the configured lock. `buf` is NULL or valid for the
 * reads and writes described above, for as long as described above.
 */
size_t mqtt_rs_client_tls_error_detail(const struct mqtt_rs_client *client, char *buf, size_t len);

/**
 * Sets the platform hooks for TLS (see `mqtt_rs_tls_platform`). Call at start-up, before
 * any client uses TLS.
 *
 * Returns `MQTT_RS_OK`; `MQTT_RS_INVALID_ARGUMENT` when only one of `alloc`/`free` is set;
 * `MQTT_RS_WRONG_STATE` when the allocator is replaced while TLS memory is in use;
 * `MQTT_RS_NULL_ARGUMENT`; `MQTT_RS_TLS_NOT_BUILT` without TLS.
 *
 * @param hooks The hooks; NULL members keep their defaults.
 * @return `MQTT_RS_OK`; `MQTT_RS_INVALID_ARGUMENT`; `MQTT_RS_WRONG_STATE`;
 *         `MQTT_RS_NULL_ARGUMENT`; `MQTT_RS_TLS_NOT_BUILT`.
 *
 * # Safety
 *
 * `hooks` is NULL or valid for the reads and writes described above, for as long as
 * described above.
 */
mqtt_rs_result mqtt_rs_tls_set_platform(const struct mqtt_rs_tls_platform *hooks);

/**
 * Reads the heap counters into `stats` (all zero in a build without TLS: it has no heap).
 *
 * @param stats Receives the counters.
 * @return `MQTT_RS_OK`; `MQTT_RS_NULL_ARGUMENT` if `stats` is NULL.
 *
 * # Safety
 *
 * `stats` is NULL or valid for the reads and writes described above, for as long as
 * described above.
 */
mqtt_rs_result mqtt_rs_heap_stats_get(struct mqtt_rs_heap_stats *stats);

/**
 * Restarts the heap peak counter from the current use.
 */
void mqtt_rs_heap_stats_reset_peak(void);

#if defined(MQTT_RS_MQTT5)
/**
 * Fills `properties` with defaults: nothing sent but what the specification defaults
 * to. Does nothing if `properties` is NULL.
 *
 * @param properties The properties to fill; may be NULL.
 *
 * # Safety
 *
 * `properties` is NULL or valid for writes.
 */
void mqtt_rs_connect_properties_init(struct mqtt_rs_connect_properties *properties);
#endif

#if defined(MQTT_RS_MQTT5)
/**
 * Fills `options` with defaults: QoS 0, no retain, no properties. Does nothing if
 * `options` is NULL.
 *
 * @param options The options to fill; may be NULL.
 *
 * # Safety
 *
 * `options` is NULL or valid for writes.
 */
void mqtt_rs_publish_options_init(struct mqtt_rs_publish_options *options);
#endif

#if defined(MQTT_RS_MQTT5)
/**
 * Publishes with MQTT 5.0 properties and waits until the QoS flow completes, as
 * `mqtt_rs_client_publish()`. Only on a connection made with `protocol_version` 5.
 *
 * @param client A client connected with MQTT 5.0.
 * @param topic NUL-terminated UTF-8 topic name, no wildcards.
 * @param payload The payload bytes; may be NULL when `payload_len` is 0.
 * @param payload_len Length of `payload`.
 * @param options QoS, retain and properties (fill with mqtt_rs_publish_options_init()).
 * @param timeout_ms Time budget for the whole call.
 * @return As `mqtt_rs_client_publish()`, and `MQTT_RS_QOS_NOT_SUPPORTED`,
 *         `MQTT_RS_RETAIN_NOT_SUPPORTED`, `MQTT_RS_PACKET_TOO_LARGE_FOR_BROKER` (refused
 *         locally by the broker's CONNACK limits), `MQTT_RS_REJECTED_BY_BROKER` (PUBACK or
 *         PUBREC with a reason code of 0x80 or above), `MQTT_RS_WRONG_STATE` on a 3.1.1
 *         connection.
 *
 * @code{.c}
 * mqtt_rs_user_property users[] = { {"unit", "celsius"} };
 * mqtt_rs_publish_options po;
 * mqtt_rs_publish_options_init(&po);
 * po.qos = 1; po.message_expiry_s = 60; po.user_properties = users; po.user_property_count = 1;
 * rc = mqtt_rs_client_publish_v5(&client, "sensors/1/temp", (const uint8_t *)"21.5", 4, &po, 5000);
 * @endcode
 *
 * # Safety
 *
 * `client` is NULL or points to `mqtt_rs_client` storage that stays at its address and is
 * used by no other thread without the configured lock. `topic`, `payload`, `options` and
 * what `options` points to: NULL or valid, and for QoS 1/2 unchanged until the flow ends.
 */
mqtt_rs_result mqtt_rs_client_publish_v5(struct mqtt_rs_client *client,
                                         const char *topic,
                                         const uint8_t *payload,
                                         size_t payload_len,
                                         const struct mqtt_rs_publish_options *options,
                                         uint32_t timeout_ms);
#endif

#if defined(MQTT_RS_MQTT5)
/**
 * Queues an MQTT 5.0 PUBLISH without blocking, as `mqtt_rs_client_begin_publish()`;
 * the `MQTT_RS_EVENT_PUBLISH_DONE` event carries the broker's reason code.
 *
 * @param client A client connected with MQTT 5.0.
 * @param topic NUL-terminated UTF-8 topic name, no wildcards.
 * @param payload The payload bytes; may be NULL when `payload_len` is 0.
 * @param payload_len Length of `payload`.
 * @param options QoS, retain and properties; valid until the flow ends.
 * @param packet_id_out Receives the packet id (0 for QoS 0); may be NULL.
 * @return As `mqtt_rs_client_begin_publish()`, and the local refusals of
 *         `mqtt_rs_client_publish_v5()`.
 *
 * # Safety
 *
 * As `mqtt_rs_client_publish_v5()`; `packet_id_out` is NULL or valid for writes.
 */
mqtt_rs_result mqtt_rs_client_begin_publish_v5(struct mqtt_rs_client *client,
                                               const char *topic,
                                               const uint8_t *payload,
                                               size_t payload_len,
                                               const struct mqtt_rs_publish_options *options,
                                               uint16_t *packet_id_out);
#endif

#if defined(MQTT_RS_MQTT5)
/**
 * Subscribes with MQTT 5.0 options and waits for SUBACK, as `mqtt_rs_client_subscribe()`.
 *
 * @param client A client connected with MQTT 5.0.
 * @param subs `count` filters with their QoS and options.
 * @param count Number of entries in `subs` (1 to 65,535).
 * @param subscription_id Subscription Identifier (1 to 268,435,455) the broker puts on
 *        the messages this subscription matches; 0 sends none.
 * @param reason_codes Receives `count` reason codes (0–2 granted QoS, 0x80 and above
 *        refused); may be NULL.
 * @param timeout_ms Time budget for the whole call.
 * @return As `mqtt_rs_client_subscribe()` (`MQTT_RS_SUBSCRIBE_FAILED` if any code is 0x80 or above).
 *
 * # Safety
 *
 * `client` as for `mqtt_rs_client_subscribe()`; `subs` NULL or `count` valid entries;
 * `reason_codes` NULL or `count` writable bytes.
 */
mqtt_rs_result mqtt_rs_client_subscribe_v5(struct mqtt_rs_client *client,
                                           const struct mqtt_rs_subscription_v5 *subs,
                                           size_t count,
                                           uint32_t subscription_id,
                                           uint8_t *reason_codes,
                                           uint32_t timeout_ms);
#endif

#if defined(MQTT_RS_MQTT5)
/**
 * Reads an integer property (byte, two- or four-byte integer, or variable byte integer)
 * of received properties, e.g. `MQTT_RS_PROPERTY_MESSAGE_EXPIRY`.
 *
 * @param properties A message's or event's properties, inside its callback.
 * @param id Property identifier (`MQTT_RS_PROPERTY_*`, or any MQTT 5.0 identifier).
 * @param value Receives the value; may be NULL.
 * @return true when the property is present.
 *
 * # Safety
 *
 * `properties` is NULL or the `properties` of the message or event of the current
 * callback; `value` NULL or valid for writes.
 */
bool mqtt_rs_property_integer(const struct mqtt_rs_properties *properties,
                              uint8_t id,
                              uint32_t *value);
#endif

#if defined(MQTT_RS_MQTT5)
/**
 * Reads a string or binary property of received properties (content type, response
 * topic, correlation data, assigned client identifier, reason string, ...). The bytes
 * point into the received packet: valid during the callback only, not NUL-terminated.
 *
 * @param properties A message's or event's properties, inside its callback.
 * @param id Property identifier (`MQTT_RS_PROPERTY_*`).
 * @param data Receives a pointer to the bytes; may be NULL.
 * @param len Receives their length; may be NULL.
 * @return true when the property is present.
 *
 * # Safety
 *
 * As `mqtt_rs_property_integer()`; `data` and `len` NULL or valid for writes.
 */
bool mqtt_rs_property_bytes(const struct mqtt_rs_properties *properties,
                            uint8_t id,
                            const uint8_t **data,
                            size_t *len);
#endif

#if defined(MQTT_RS_MQTT5)
/**
 * Reads the user property at `index` (0 first, in packet order) of received properties.
 *
 * @param properties A message's or event's properties, inside its callback.
 * @param index Which user property.
 * @param key Receives the name (not NUL-terminated); may be NULL.
 * @param key_len Receives the name's length; may be NULL.
 * @param value Receives the value (not NUL-terminated); may be NULL.
 * @param value_len Receives the value's length; may be NULL.
 * @return true when there is a user property at `index`.
 *
 * @code{.c}
 * const char *k, *v; size_t kl, vl;
 * for (size_t i = 0; mqtt_rs_property_user(&msg->properties, i, &k, &kl, &v, &vl); i++)
 *     printf("%.*s=%.*s\n", (int)kl, k, (int)vl, v);
 * @endcode
 *
 * # Safety
 *
 * As `mqtt_rs_property_integer()`; the out-pointers NULL or valid for writes.
 */
bool mqtt_rs_property_user(const struct mqtt_rs_properties *properties,
                           size_t index,
                           const char **key,
                           size_t *key_len,
                           const char **value,
                           size_t *value_len);
#endif

#if defined(MQTT_RS_MQTT5)
/**
 * Reads the subscription identifier at `index` of a received message (one per matching
 * subscription that had one).
 *
 * @param properties A message's properties, inside `on_message`.
 * @param index Which identifier (0 first).
 * @param id Receives the identifier; may be NULL.
 * @return true when there is an identifier at `index`.
 *
 * # Safety
 *
 * As `mqtt_rs_property_integer()`; `id` NULL or valid for writes.
 */
bool mqtt_rs_property_subscription_id(const struct mqtt_rs_properties *properties,
                                      size_t index,
                                      uint32_t *id);
#endif

/**
 * The version of the linked library, packed as `(major << 16) | (minor << 8) | patch`,
 * the same packing as the header's `MQTT_RS_VERSION`. A program built against one
 * header and linked with another archive can detect it at start-up:
 *
 * ```c
 * if (mqtt_rs_version() != MQTT_RS_VERSION) { return 1; } // header and archive differ
 * ```
 *
 * @return The library version as `(major << 16) | (minor << 8) | patch`.
 */
uint32_t mqtt_rs_version(void);

#ifdef __cplusplus
}  // extern "C"
#endif  // __cplusplus

#endif  /* MQTT_RS_H */

/* Compile-time checks of the caller storage against the sizes the library was built with
 * (C99 and C++ compatible: a negative array size fails). */
/** @cond MQTT_RS_INTERNAL */
#ifndef MQTT_RS_H_CHECKS
#define MQTT_RS_H_CHECKS
typedef char mqtt_rs_check_client_size[(sizeof(mqtt_rs_client) == MQTT_RS_CLIENT_SIZE) ? 1 : -1];
typedef char mqtt_rs_check_slot_size[(sizeof(mqtt_rs_inflight_slot) == MQTT_RS_INFLIGHT_SLOT_SIZE) ? 1 : -1];
typedef char mqtt_rs_check_sha256_ctx_size[(sizeof(mqtt_rs_sha256_ctx) == MQTT_RS_SHA256_CTX_SIZE) ? 1 : -1];
typedef char mqtt_rs_check_result_width[(sizeof(mqtt_rs_result) == 4) ? 1 : -1];
typedef char mqtt_rs_check_event_kind_width[(sizeof(mqtt_rs_event_kind) == 4) ? 1 : -1];
#endif  /* MQTT_RS_H_CHECKS */
/** @endcond */
