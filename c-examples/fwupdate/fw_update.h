/*
 * fw_update.h - the device side of the secure firmware update, with no
 * operating system needed: the POSIX fw_device (a file for flash) and the
 * QEMU firmware (c-examples/baremetal/fw_device_main.c, RAM for flash) both
 * run it. It verifies the manifest with the release key it is given (the
 * key compiled into the device, never one from a message), refuses a version
 * that is not newer than the installed one, writes the chunks in order
 * through the device's storage hooks while hashing them, and records the
 * image as installed only when size and SHA-256 match the manifest.
 *
 * A manifest refused for what it says (signature, version, size) is
 * remembered by the SHA-256 of the whole message, in the storage when it has
 * the hooks: the same message delivered again (the retained manifest after a
 * reconnect or a restart) is ignored and counted, not verified and reported
 * again; any other manifest is checked as usual.
 *
 * Progress survives a reset: the storage keeps the manifest and a progress
 * record (manifest id, next chunk), written only after the chunk itself is
 * durable. After a reset, fw_update_resume() verifies the kept manifest
 * again, drops whatever the storage holds beyond the recorded chunks and
 * rebuilds the running hash from what is in flash.
 *
 * Outcomes (exit_code, and the status line "ready V" or "refused V reason"):
 * 0 ready; 10 unsigned or wrongly signed manifest; 11 not newer than the
 * installed version; 12 image hash mismatch; 13 wrong size (truncated, a bad
 * chunk size, larger than the flash or a chunk size it cannot take); 14
 * malformed manifest; 1 storage errors.
 */
#ifndef FW_UPDATE_H
#define FW_UPDATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fw_manifest.h"
#include "mqtt_rs.h"

/* What the update needs from the device's storage. Every hook returns true
 * once done (and durable, where it writes). */
struct fw_storage {
    void *ctx;
    uint32_t capacity;    /* bytes the image region holds */
    uint32_t chunk_align; /* chunk sizes must be multiples of it (a flash's program unit; 1: any) */
    /* Keeps the image's first len bytes and drops the rest (0: all). */
    bool (*truncate)(void *ctx, uint32_t len);
    /* Writes image bytes at offset at. */
    bool (*write)(void *ctx, uint32_t at, const uint8_t *data, size_t len);
    /* Reads image bytes back (to rebuild the running hash after a reset). */
    bool (*read)(void *ctx, uint32_t at, uint8_t *buf, size_t len);
    /* Keeps the manifest message of the download under way. */
    bool (*save_manifest)(void *ctx, const uint8_t *msg, size_t len);
    /* Records the progress: chunks before next are in flash, for manifest id. */
    bool (*save_progress)(void *ctx, const uint8_t id[8], uint32_t next);
    /* Reads the progress record; false when there is none. */
    bool (*load_progress)(void *ctx, uint8_t id[8], uint32_t *next);
    /* Drops the progress record and the kept manifest. */
    void (*forget)(void *ctx);
    /* Records the image as installed ("ready"): version and SHA-256, at once. */
    bool (*install)(void *ctx, uint32_t version, const uint8_t sha256[MQTT_RS_SHA256_DIGEST_SIZE]);
    /* Keeps the SHA-256 of the manifest message refused last (may be NULL: then
     * it is remembered until a reset only). */
    bool (*save_refused)(void *ctx, const uint8_t sha256[MQTT_RS_SHA256_DIGEST_SIZE]);
    /* Reads it back at init; false when there is none (may be NULL). */
    bool (*load_refused)(void *ctx, uint8_t sha256[MQTT_RS_SHA256_DIGEST_SIZE]);
};

/* What fw_update_on_message() did. */
enum fw_update_event {
    FW_UPDATE_NOTHING,  /* a part of a message, a duplicate, a stale chunk */
    FW_UPDATE_ACCEPTED, /* a manifest verified: downloading from chunk `next` */
    FW_UPDATE_WRITTEN,  /* a chunk written */
    FW_UPDATE_FINISHED, /* ready or refused: see exit_code and outcome */
    FW_UPDATE_REPEATED  /* the manifest refused last, delivered again: ignored (counted in repeats) */
};

struct fw_update {
    const struct fw_storage *store;
    const uint8_t *release_key; /* P-256 point, compiled in */
    size_t release_key_len;
    uint32_t installed;         /* version recorded as ready, 0 if none */
    bool accepted;              /* m is a verified, newer manifest being downloaded */
    struct fw_manifest m;
    uint32_t next;              /* next chunk to write */
    uint32_t bytes;             /* bytes written */
    mqtt_rs_sha256_ctx sha;     /* over flash[0..bytes] */
    int exit_code;              /* -1 while running */
    char outcome[96];           /* final status line */
    bool need_pending;          /* ask for chunk `next` (set it on a stall, too) */
    bool progress_pending;      /* report the current tenth on the status topic */
    unsigned tenths;            /* tenths of the image written */
    unsigned long written, duplicates, stale; /* chunks */
    uint8_t refused[MQTT_RS_SHA256_DIGEST_SIZE]; /* SHA-256 of the manifest message refused last */
    bool has_refused;
    unsigned long repeats;      /* deliveries of that manifest ignored */
    uint8_t *buf;               /* one message, assembled; the caller's storage */
    size_t buf_cap;
};

/* Starts the update state: nothing accepted, exit_code -1. buf holds one
 * message (a chunk of up to buf_cap - FW_CHUNK_HEADER bytes, and the manifest). */
void fw_update_init(struct fw_update *u, const struct fw_storage *store, const uint8_t *release_key,
                    size_t release_key_len, uint32_t installed, uint8_t *buf, size_t buf_cap);

/* After a reset: the kept manifest (msg, len) if the storage had one with a
 * progress record. Verified again; if it is no longer acceptable, the progress
 * is forgotten and the update starts over. Returns true when it resumes. */
bool fw_update_resume(struct fw_update *u, const uint8_t *msg, size_t len);

/* Feeds (a part of) a message on PREFIX/manifest (manifest true) or
 * PREFIX/chunk. Ignored once finished (exit_code >= 0). */
enum fw_update_event fw_update_on_message(struct fw_update *u, bool manifest, const mqtt_rs_message *msg);

/* The next status line to publish ("need V N" or "downloading V P%") into
 * line; false when there is none. */
bool fw_update_status(struct fw_update *u, char *line, size_t cap);

/* Ready for the next manifest after an outcome (a device that keeps running). */
void fw_update_rearm(struct fw_update *u);

#endif /* FW_UPDATE_H */
