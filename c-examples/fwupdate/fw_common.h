/*
 * fw_common.h - what fw_push and fw_device share: the manifest format, the
 * chunk header, the topics, and a connected client over mutual TLS.
 * Not part of the library; copy what you need.
 *
 * Topics under a prefix P (one per device or device class):
 *   P/manifest  retained, QoS 1: the manifest text, then "sig=<hex>\n"
 *   P/chunk     QoS 1: FW_CHUNK_HEADER bytes, then up to `chunk` image bytes
 *   P/status    QoS 1: the device's state ("downloading V 40%", "need V N",
 *               "ready V", "refused V reason")
 */
#ifndef FW_COMMON_H
#define FW_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "example_common.h"
#include "mqtt_rs.h"
#include "posix_net.h"

#define FW_MANIFEST_MAX 1024
#define FW_CHUNK_MAX 65536
/* manifest id (8 bytes: the start of SHA-256 of the signed manifest text),
 * chunk index (4), flags (4), all big-endian */
#define FW_CHUNK_HEADER 16
#define FW_CHUNK_LAST 1u
#define FW_TIMEOUT_MS 10000

/* What a manifest says. The signed text is everything before "sig=". */
struct fw_manifest {
    uint32_t version;
    uint32_t size;
    uint32_t chunk;
    uint8_t sha256[MQTT_RS_SHA256_DIGEST_SIZE]; /* of the image */
    uint8_t id[8];                              /* start of SHA-256 of the signed text */
    size_t signed_len;                          /* bytes of the signed text */
    uint8_t sig[80];                            /* DER ECDSA P-256 signature */
    size_t sig_len;                             /* 0: no "sig=" line */
};

/* Parses a manifest message (text, then an optional "sig=<hex>" line).
 * Returns false for anything malformed. */
bool fw_manifest_parse(const uint8_t *msg, size_t len, struct fw_manifest *m);

/* Writes the manifest text (unsigned) for an image into out; returns its length. */
size_t fw_manifest_format(char *out, size_t cap, uint32_t version, uint32_t size, uint32_t chunk,
                          const uint8_t sha256[MQTT_RS_SHA256_DIGEST_SIZE]);

/* SHA-256 of a buffer into out; false if the library's crypto failed. */
bool fw_sha256(const uint8_t *data, size_t len, uint8_t out[MQTT_RS_SHA256_DIGEST_SIZE]);

/* Hex of bytes (lower case) into out, which holds 2 * len + 1. */
void fw_hex(const uint8_t *bytes, size_t len, char *out);

void fw_put32(uint8_t *p, uint32_t v);
uint32_t fw_get32(const uint8_t *p);

/* Connection settings both programs take on the command line. */
struct fw_conn {
    const char *host;
    uint16_t port;
    const char *prefix;    /* -t: topic prefix */
    const char *client_id; /* -i */
    struct example_tls tls;
};

/* Parses one of -h -p -t -i or a TLS option; 1 if consumed (with val), 0 if
 * not one of them, -1 on a bad value. */
int fw_conn_parse(struct fw_conn *c, const char *prog, const char *arg, const char *val);

/* A client with its storage, network and connect options. */
struct fw_client {
    mqtt_rs_client client;
    mqtt_rs_posix_net net;
    uint8_t tx[2048], rx[2048];
    mqtt_rs_inflight_slot slots[8];
    mqtt_rs_connect_options opt; /* host, port, client id (default_id if -i was not given) */
};

/* Initialises c for conn (TLS as its options say), messages to on_message
 * with userdata; false after printing why. */
bool fw_client_init(struct fw_client *c, const struct fw_conn *conn, const char *default_id,
                    mqtt_rs_message_cb on_message, void *userdata, const char *prog);

/* P/name into out. */
void fw_topic(char *out, size_t cap, const struct fw_conn *c, const char *name);

#endif /* FW_COMMON_H */
