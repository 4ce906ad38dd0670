/* fw_update.c - see fw_update.h. Portable: no operating system needed. */
#include "fw_update.h"

#include <stdio.h>
#include <string.h>

void fw_update_init(struct fw_update *u, const struct fw_storage *store, const uint8_t *release_key,
                    size_t release_key_len, uint32_t installed, uint8_t *buf, size_t buf_cap)
{
    memset(u, 0, sizeof *u);
    u->store = store;
    u->release_key = release_key;
    u->release_key_len = release_key_len;
    u->installed = installed;
    u->buf = buf;
    u->buf_cap = buf_cap;
    u->exit_code = -1;
    u->has_refused = store->load_refused != NULL && store->load_refused(store->ctx, u->refused);
}

void fw_update_rearm(struct fw_update *u)
{
    u->exit_code = -1;
    u->outcome[0] = '\0';
    u->need_pending = false;
    u->progress_pending = false;
}

static void finish(struct fw_update *u, int code, const char *reason)
{
    if (code == 0) {
        (void)snprintf(u->outcome, sizeof u->outcome, "ready %lu", (unsigned long)u->m.version);
    } else {
        (void)snprintf(u->outcome, sizeof u->outcome, "refused %lu %s", (unsigned long)u->m.version, reason);
    }
    u->exit_code = code;
    u->accepted = false;
}

/* Ends a download that cannot finish: the next manifest starts from scratch. */
static void abandon(struct fw_update *u, int code, const char *reason)
{
    u->store->forget(u->store->ctx);
    finish(u, code, reason);
}

/* Rebuilds the running hash from the flash after a reset, through buf (the
 * manifest, if it came from there, is already kept by the storage). */
static bool rehash(struct fw_update *u)
{
    uint32_t at = 0;

    if (mqtt_rs_sha256_init(&u->sha) != MQTT_RS_OK) {
        return false;
    }
    while (at < u->bytes) {
        size_t n = u->bytes - at < u->buf_cap ? (size_t)(u->bytes - at) : u->buf_cap;
        if (!u->store->read(u->store->ctx, at, u->buf, n) || mqtt_rs_sha256_update(&u->sha, u->buf, n) != MQTT_RS_OK) {
            return false;
        }
        at += (uint32_t)n;
    }
    return true;
}

/* The chunk to continue at for manifest m: the progress record's, if it is m's. */
static uint32_t resume_point(const struct fw_update *u, const struct fw_manifest *m)
{
    uint8_t id[8];
    uint32_t next = 0;

    if (u->store->load_progress(u->store->ctx, id, &next) && memcmp(id, m->id, sizeof id) == 0 &&
        (uint64_t)next * m->chunk <= m->size) {
        return next;
    }
    return 0;
}

/* Remembers a refused manifest message by its hash (digest; known false when
 * it could not be computed), durably when the storage can. */
static void remember_refused(struct fw_update *u, const uint8_t *digest, bool known)
{
    if (!known) {
        return;
    }
    memcpy(u->refused, digest, sizeof u->refused);
    u->has_refused = true;
    if (u->store->save_refused != NULL) {
        (void)u->store->save_refused(u->store->ctx, u->refused);
    }
}

static enum fw_update_event on_manifest(struct fw_update *u, const uint8_t *msg, size_t len)
{
    const struct fw_storage *s = u->store;
    struct fw_manifest m;
    uint8_t digest[MQTT_RS_SHA256_DIGEST_SIZE];
    bool known = fw_sha256(msg, len, digest);

    if (known && u->has_refused && memcmp(digest, u->refused, sizeof digest) == 0) {
        u->repeats++;
        return FW_UPDATE_REPEATED; /* refused before, byte for byte: nothing new to check */
    }
    if (!fw_manifest_parse(msg, len, &m)) {
        memset(&u->m, 0, sizeof u->m);
        finish(u, 14, "malformed-manifest");
        remember_refused(u, digest, known);
        return FW_UPDATE_FINISHED;
    }
    if (u->accepted && memcmp(m.id, u->m.id, sizeof m.id) == 0) {
        return FW_UPDATE_NOTHING; /* the retained manifest again, after a reconnect */
    }
    u->m = m;
    if (m.sig_len == 0) {
        finish(u, 10, "unsigned-manifest");
    } else if (mqtt_rs_signature_verify(MQTT_RS_SIG_ECDSA_P256_SHA256, u->release_key, u->release_key_len, msg,
                                        m.signed_len, m.sig, m.sig_len) != MQTT_RS_OK) {
        finish(u, 10, "bad-signature");
    } else if (m.version <= u->installed) {
        finish(u, 11, "not-newer");
    } else if (m.size > s->capacity) {
        finish(u, 13, "too-large");
    } else if (m.chunk > u->buf_cap - FW_CHUNK_HEADER) {
        finish(u, 13, "chunk-too-large");
    } else if (s->chunk_align > 1 && m.chunk % s->chunk_align != 0) {
        finish(u, 13, "chunk-unaligned");
    }
    if (u->exit_code >= 0) {
        remember_refused(u, digest, known);
        return FW_UPDATE_FINISHED;
    }
    u->next = resume_point(u, &m);
    u->bytes = u->next * m.chunk;
    /* Kept with the progress, so that after a reset the chunks the broker queued
     * meanwhile are taken before the retained manifest arrives again; it is
     * verified again when loaded. Whatever lies beyond the recorded chunks (a
     * write cut short) goes. */
    if (!s->save_manifest(s->ctx, msg, len) || !s->truncate(s->ctx, u->bytes) || !rehash(u)) {
        finish(u, 1, "flash-error");
        return FW_UPDATE_FINISHED;
    }
    u->accepted = true;
    u->need_pending = u->next > 0;
    u->tenths = (unsigned)((uint64_t)u->bytes * 10 / m.size);
    return FW_UPDATE_ACCEPTED;
}

bool fw_update_resume(struct fw_update *u, const uint8_t *msg, size_t len)
{
    if (on_manifest(u, msg, len) == FW_UPDATE_ACCEPTED) {
        return true;
    }
    u->store->forget(u->store->ctx); /* no longer acceptable (e.g. another release key): start over */
    memset(&u->m, 0, sizeof u->m);
    fw_update_rearm(u);
    return false;
}

static void complete(struct fw_update *u)
{
    uint8_t digest[MQTT_RS_SHA256_DIGEST_SIZE];

    if (u->bytes != u->m.size) {
        abandon(u, 13, "truncated");
    } else if (mqtt_rs_sha256_final(&u->sha, digest) != MQTT_RS_OK ||
               memcmp(digest, u->m.sha256, sizeof digest) != 0) {
        abandon(u, 12, "hash-mismatch");
    } else if (!u->store->install(u->store->ctx, u->m.version, digest)) {
        finish(u, 1, "flash-error");
    } else {
        u->store->forget(u->store->ctx);
        u->installed = u->m.version;
        finish(u, 0, NULL);
    }
}

static enum fw_update_event on_chunk(struct fw_update *u, const uint8_t *msg, size_t len)
{
    const struct fw_storage *s = u->store;
    uint32_t index, flags;
    size_t data_len;
    uint64_t at;
    unsigned tenths;

    if (!u->accepted || len < FW_CHUNK_HEADER || memcmp(msg, u->m.id, 8) != 0) {
        u->stale++;
        return FW_UPDATE_NOTHING;
    }
    index = fw_get32(msg + 8);
    flags = fw_get32(msg + 12);
    data_len = len - FW_CHUNK_HEADER;
    if (index < u->next) {
        u->duplicates++;
        return FW_UPDATE_NOTHING;
    }
    if (index > u->next) {
        u->need_pending = true; /* a gap: ask again from `next` */
        return FW_UPDATE_NOTHING;
    }
    at = (uint64_t)index * u->m.chunk;
    if (data_len == 0 || data_len > u->m.chunk || at + data_len > u->m.size ||
        (data_len < u->m.chunk && !(flags & FW_CHUNK_LAST))) {
        abandon(u, 13, "bad-chunk-size");
        return FW_UPDATE_FINISHED;
    }
    if (!s->write(s->ctx, (uint32_t)at, msg + FW_CHUNK_HEADER, data_len) ||
        mqtt_rs_sha256_update(&u->sha, msg + FW_CHUNK_HEADER, data_len) != MQTT_RS_OK) {
        finish(u, 1, "flash-error");
        return FW_UPDATE_FINISHED;
    }
    u->next++;
    u->bytes = (uint32_t)at + (uint32_t)data_len;
    u->written++;
    /* Only now, with the chunk in flash, does the progress record move on. */
    if (!s->save_progress(s->ctx, u->m.id, u->next)) {
        finish(u, 1, "flash-error");
        return FW_UPDATE_FINISHED;
    }
    tenths = (unsigned)((uint64_t)u->bytes * 10 / u->m.size);
    u->progress_pending = u->progress_pending || tenths != u->tenths;
    u->tenths = tenths;
    if ((flags & FW_CHUNK_LAST) || u->bytes == u->m.size) {
        complete(u);
        return FW_UPDATE_FINISHED;
    }
    return FW_UPDATE_WRITTEN;
}

enum fw_update_event fw_update_on_message(struct fw_update *u, bool manifest, const mqtt_rs_message *msg)
{
    if (u->exit_code >= 0 || msg->total_len > u->buf_cap) {
        return FW_UPDATE_NOTHING;
    }
    memcpy(u->buf + msg->offset, msg->payload, msg->payload_len);
    if (msg->offset + msg->payload_len < msg->total_len) {
        return FW_UPDATE_NOTHING; /* more of this message to come */
    }
    if (manifest) {
        return msg->total_len > 0 ? on_manifest(u, u->buf, msg->total_len) : FW_UPDATE_NOTHING;
    }
    return on_chunk(u, u->buf, msg->total_len);
}

bool fw_update_status(struct fw_update *u, char *line, size_t cap)
{
    if (u->need_pending) {
        u->need_pending = false;
        (void)snprintf(line, cap, "need %lu %lu", (unsigned long)u->m.version, (unsigned long)u->next);
        return true;
    }
    if (u->progress_pending) {
        u->progress_pending = false;
        (void)snprintf(line, cap, "downloading %lu %u%%", (unsigned long)u->m.version, u->tenths * 10);
        return true;
    }
    return false;
}
