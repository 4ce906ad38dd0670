/* fw_manifest.c - see fw_manifest.h. Portable: no operating system needed. */
#include "fw_manifest.h"

#include <stdio.h>
#include <string.h>

static const char MAGIC[] = "mqtt_rs-fw-manifest 1\n";

void fw_put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

uint32_t fw_get32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

void fw_hex(const uint8_t *bytes, size_t len, char *out)
{
    static const char digits[] = "0123456789abcdef";
    size_t i;

    for (i = 0; i < len; i++) {
        out[2 * i] = digits[bytes[i] >> 4];
        out[2 * i + 1] = digits[bytes[i] & 15];
    }
    out[2 * len] = '\0';
}

/* Decodes exactly 2 * len hex digits from text. */
static bool unhex(const char *text, size_t text_len, uint8_t *out, size_t len)
{
    size_t i;

    if (text_len != 2 * len) {
        return false;
    }
    for (i = 0; i < 2 * len; i++) {
        char ch = text[i];
        int v = (ch >= '0' && ch <= '9') ? ch - '0' : (ch >= 'a' && ch <= 'f') ? ch - 'a' + 10 : -1;
        if (v < 0) {
            return false;
        }
        out[i / 2] = (uint8_t)((i % 2 == 0) ? (v << 4) : (out[i / 2] | v));
    }
    return true;
}

bool fw_sha256(const uint8_t *data, size_t len, uint8_t out[MQTT_RS_SHA256_DIGEST_SIZE])
{
    mqtt_rs_sha256_ctx ctx;

    return mqtt_rs_sha256_init(&ctx) == MQTT_RS_OK && mqtt_rs_sha256_update(&ctx, data, len) == MQTT_RS_OK &&
           mqtt_rs_sha256_final(&ctx, out) == MQTT_RS_OK;
}

size_t fw_manifest_format(char *out, size_t cap, uint32_t version, uint32_t size, uint32_t chunk,
                          const uint8_t sha256[MQTT_RS_SHA256_DIGEST_SIZE])
{
    char hex[2 * MQTT_RS_SHA256_DIGEST_SIZE + 1];
    int n;

    fw_hex(sha256, MQTT_RS_SHA256_DIGEST_SIZE, hex);
    n = snprintf(out, cap, "%sversion=%lu\nsize=%lu\nchunk=%lu\nsha256=%s\n", MAGIC, (unsigned long)version,
                 (unsigned long)size, (unsigned long)chunk, hex);
    return (n < 0 || (size_t)n >= cap) ? 0 : (size_t)n;
}

/* Reads "key=<decimal>\n" at *p; advances past it. */
static bool field_u32(const char **p, const char *end, const char *key, uint32_t *out)
{
    size_t klen = strlen(key);
    unsigned long v = 0;
    const char *q;

    if ((size_t)(end - *p) <= klen || memcmp(*p, key, klen) != 0) {
        return false;
    }
    q = *p + klen;
    if (q == end || *q < '0' || *q > '9') {
        return false;
    }
    while (q < end && *q >= '0' && *q <= '9') {
        v = v * 10 + (unsigned long)(*q - '0');
        if (v > 0xffffffffUL) {
            return false;
        }
        q++;
    }
    if (q == end || *q != '\n') {
        return false;
    }
    *out = (uint32_t)v;
    *p = q + 1;
    return true;
}

/* Reads "key=<hex of len bytes>\n" at *p; advances past it. */
static bool field_hex(const char **p, const char *end, const char *key, uint8_t *out, size_t max, size_t *len)
{
    size_t klen = strlen(key);
    const char *nl;

    if ((size_t)(end - *p) <= klen || memcmp(*p, key, klen) != 0) {
        return false;
    }
    nl = memchr(*p + klen, '\n', (size_t)(end - *p - (ptrdiff_t)klen));
    if (nl == NULL) {
        return false;
    }
    *len = (size_t)(nl - (*p + klen)) / 2;
    if (*len > max || !unhex(*p + klen, (size_t)(nl - (*p + klen)), out, *len)) {
        return false;
    }
    *p = nl + 1;
    return true;
}

bool fw_manifest_parse(const uint8_t *msg, size_t len, struct fw_manifest *m)
{
    const char *p = (const char *)msg;
    const char *end = p + len;
    size_t sha_len = 0;
    uint8_t text_hash[MQTT_RS_SHA256_DIGEST_SIZE];

    memset(m, 0, sizeof *m);
    if (len < sizeof MAGIC - 1 || memcmp(p, MAGIC, sizeof MAGIC - 1) != 0) {
        return false;
    }
    p += sizeof MAGIC - 1;
    if (!field_u32(&p, end, "version=", &m->version) || !field_u32(&p, end, "size=", &m->size) ||
        !field_u32(&p, end, "chunk=", &m->chunk) ||
        !field_hex(&p, end, "sha256=", m->sha256, sizeof m->sha256, &sha_len) || sha_len != sizeof m->sha256) {
        return false;
    }
    if (m->chunk == 0 || m->chunk > FW_CHUNK_MAX || m->size == 0) {
        return false;
    }
    m->signed_len = (size_t)(p - (const char *)msg);
    if (p < end && !field_hex(&p, end, "sig=", m->sig, sizeof m->sig, &m->sig_len)) {
        return false;
    }
    if (p != end || !fw_sha256(msg, m->signed_len, text_hash)) {
        return false;
    }
    memcpy(m->id, text_hash, sizeof m->id);
    return true;
}
