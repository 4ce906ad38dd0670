/*
 * rawmqtt.h - just enough MQTT 3.1.1 over a plain socket for the benchmark's
 * reference programs: the raw writer (the throughput ceiling) and the
 * subscriber that counts arrivals. Written for these benchmarks only; no
 * validation beyond what they need.
 */
#ifndef RAWMQTT_H
#define RAWMQTT_H

#include <stddef.h>
#include <stdint.h>

/* MQTT control packet types (upper nibble of the first byte). */
enum {
    RAW_CONNECT = 1, RAW_CONNACK = 2, RAW_PUBLISH = 3, RAW_PUBACK = 4, RAW_PUBREC = 5,
    RAW_PUBREL = 6, RAW_PUBCOMP = 7, RAW_SUBSCRIBE = 8, RAW_SUBACK = 9,
    RAW_PINGREQ = 12, RAW_PINGRESP = 13, RAW_DISCONNECT = 14
};

/* Opens a blocking TCP connection with TCP_NODELAY, then makes it non-blocking.
 * Returns the descriptor or -1. */
int raw_tcp_connect(const char *host, uint16_t port);

/* Encoders: write one packet at out (which has room for it) and return its length. */
size_t raw_encode_connect(uint8_t *out, const char *client_id, uint16_t keepalive_s);
size_t raw_encode_subscribe(uint8_t *out, uint16_t packet_id, const char *filter, int qos);
/* PUBLISH; packet_id is ignored for QoS 0. *id_offset (may be NULL) receives the
 * offset of the packet id within the packet, so a template can be re-used. */
size_t raw_encode_publish(uint8_t *out, const char *topic, const uint8_t *payload, size_t len, int qos,
                          uint16_t packet_id, size_t *id_offset);
size_t raw_encode_ack(uint8_t *out, int type, uint16_t packet_id);

/* Length of the complete packet at the start of buf[0..len), or 0 when more bytes are needed.
 * *header_len receives the fixed header's size. Returns (size_t)-1 for a malformed length. */
size_t raw_packet_len(const uint8_t *buf, size_t len, size_t *header_len);

/* Sends all of buf, waiting with poll() as needed, up to timeout_ms. Returns 0 or -1. */
int raw_send_all(int fd, const uint8_t *buf, size_t len, int timeout_ms);

/* Reads until one complete packet is in buf (returned length), waiting up to timeout_ms.
 * Bytes after it stay in buf; *have is updated. Returns the packet length, or 0 on timeout/error. */
size_t raw_read_packet(int fd, uint8_t *buf, size_t cap, size_t *have, int timeout_ms);

#endif /* RAWMQTT_H */
