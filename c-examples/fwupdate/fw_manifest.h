/*
 * fw_manifest.h - what fw_push and every fw_device share, with no operating
 * system needed (the POSIX programs and the QEMU firmware): the manifest
 * format, the chunk header, the topics. Not part of the library; copy what
 * you need.
 *
 * Topics under a prefix P (one per device or device class):
 *   P/manifest  retained, QoS 1: the manifest text, then "sig=<hex>\n"
 *   P/chunk     QoS 1: FW_CHUNK_HEADER bytes, then up to `chunk` image bytes
 *   P/status    QoS 1: the device's state ("downloading V 40%", "need V N",
 *               "ready V", "refused V reason")
 */
#ifndef FW_MANIFEST_H
#define FW_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mqtt_rs.h"

#define FW_MANIFEST_MAX 1024
#define FW_CHUNK_MAX 65536
/* manifest id (8 bytes: the start of SHA-256 of the signed manifest text),
 * chunk index (4), flags (4), all big-endian */
#define FW_CHUNK_HEADER 16
#define FW_CHUNK_LAST 1u
/* A manifest message: the text and its "sig=<hex>\n" line. */
#define FW_MANIFEST_MSG_MAX (FW_MANIFEST_MAX + 200)

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

#endif /* FW_MANIFEST_H */
