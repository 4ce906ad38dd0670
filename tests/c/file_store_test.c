/*
 * file_store_test - checks the POSIX file store of the persistence example
 * (c-examples/persist/file_store.c) on its own, without broker or library calls:
 * a record with MQTT 5.0 properties comes back byte for byte, a record in the
 * older format (version 1, before properties were kept) still loads (without
 * properties), an incoming id round-trips, a record of an unknown version is
 * skipped, a removed record is gone, and QoS 0 records (persist_qos0) are removed
 * oldest first, also after a reload.
 *
 *   file_store_test DIR        (DIR: a directory of its own, created if needed)
 *
 * Prints one line per check and "N passed, N failed"; exits 0 only when every
 * check passed.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "file_store.h"

static int passed;
static int failed;

static void check(int ok, const char *what) {
    printf("%s: %s\n", ok ? "ok" : "FAIL", what);
    if (ok) {
        passed++;
    } else {
        failed++;
    }
}

enum { MAX_LOADED = 8 };
static mqtt_rs_persist_record loaded[MAX_LOADED];
static const mqtt_rs_persist_record *loaded_at[MAX_LOADED];
static int loaded_count;

/* QoS 0 records as they came (their memory is freed once the call returns). */
typedef struct {
    uint16_t packet_id;
    uint8_t qos;
    uint32_t order;
    char payload[8];
} qos0_seen;
static qos0_seen seen[MAX_LOADED];
static int seen_count;

static int see_qos0(void *ctx, const mqtt_rs_persist_record *r) {
    (void)ctx;
    if (seen_count == MAX_LOADED || r->payload_len >= sizeof seen[0].payload) {
        return -1;
    }
    qos0_seen *s = &seen[seen_count++];
    s->packet_id = r->packet_id;
    s->qos = r->qos;
    s->order = r->order;
    memcpy(s->payload, r->payload, r->payload_len);
    s->payload[r->payload_len] = '\0';
    return 0;
}

static int keep(void *ctx, const mqtt_rs_persist_record *r) {
    (void)ctx;
    if (loaded_count == MAX_LOADED) {
        return -1;
    }
    loaded_at[loaded_count] = r;
    loaded[loaded_count++] = *r;
    return 0;
}

static const mqtt_rs_persist_record *find(uint16_t packet_id, bool incoming) {
    for (int i = 0; i < loaded_count; i++) {
        if (loaded[i].packet_id == packet_id && loaded[i].incoming == incoming) {
            return &loaded[i];
        }
    }
    return NULL;
}

static int same_bytes(const void *a, size_t a_len, const void *b, size_t b_len) {
    return a_len == b_len && (a_len == 0 || memcmp(a, b, a_len) == 0);
}

/* Writes `len` bytes as the file `name` in `dir`. */
static int write_file(const char *dir, const char *name, const uint8_t *bytes, size_t len) {
    char path[400];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f) {
        return -1;
    }
    size_t n = fwrite(bytes, 1, len, f);
    return fclose(f) == 0 && n == len ? 0 : -1;
}

/* Empties `dir` of the store's files (a directory of its own). */
static void clear(const char *dir) {
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        if (e->d_name[0] != '.') {
            char path[400];
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            unlink(path);
        }
    }
    if (d) {
        closedir(d);
    }
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: file_store_test DIR\n");
        return 2;
    }
    file_store fs;
    if (file_store_open(&fs, argv[1], false) != 0) {
        perror("file_store_open");
        return 2;
    }
    clear(argv[1]);

    /* A QoS 2 flow with properties: message expiry 300 s and a content type, as the
     * library encodes them (property length first). */
    static const uint8_t props[] = {0x12, 0x02, 0, 0, 0x01, 0x2c, 0x03, 0, 10, 't', 'e', 'x', 't', '/', 'p', 'l', 'a', 'i', 'n'};
    mqtt_rs_persist_record out = {0};
    out.packet_id = 513;
    out.qos = 2;
    out.retain = true;
    out.order = 70000;
    out.topic = "fs/one";
    out.topic_len = 6;
    out.payload = (const uint8_t *)"payload";
    out.payload_len = 7;
    out.properties = props;
    out.properties_len = sizeof props;
    check(file_store_save(&fs, &out) == 0, "a record with properties is saved");
    mqtt_rs_persist_record in = {0};
    in.packet_id = 9;
    in.qos = 2;
    in.incoming = true;
    check(file_store_save(&fs, &in) == 0, "an incoming id is saved");

    /* Version 1, as the store wrote it before properties were kept: id 7, QoS 1,
     * order 5, topic "fs/old", payload "v1". */
    static const uint8_t v1[] = {1, 7, 0, 1, 0, 0, 5, 0, 0, 0, 6, 0, 0, 0, 2, 0, 0, 0, 'f', 's', '/', 'o', 'l', 'd', 'v', '1'};
    check(write_file(argv[1], "7.rec", v1, sizeof v1) == 0, "a version 1 record is written");
    /* An unknown later version must not be misread. */
    static const uint8_t v9[] = {9, 8, 0, 1, 0, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    check(write_file(argv[1], "8.rec", v9, sizeof v9) == 0, "a version 9 record is written");

    int n = file_store_load(&fs, keep, NULL);
    check(n == 3, "three records load (the unknown version is skipped)");
    check(loaded_count == 3 && loaded[0].order == 0 && loaded[1].order == 5 && loaded[2].order == 70000, "in increasing order");

    const mqtt_rs_persist_record *r = find(513, false);
    check(r && r->qos == 2 && !r->released && r->retain && r->order == 70000, "the record's fields come back");
    check(r && same_bytes(r->topic, r->topic_len, "fs/one", 6) && same_bytes(r->payload, r->payload_len, "payload", 7), "topic and payload come back");
    check(r && same_bytes(r->properties, r->properties_len, props, sizeof props), "the properties come back byte for byte");
    /* The library reads a restored record's properties through the record until the
     * flow ends: the one handed over must outlive the load (a checker such as valgrind
     * flags it if it was freed). */
    int outlives = 0;
    for (int i = 0; i < loaded_count; i++) {
        outlives |= loaded[i].packet_id == 513 && same_bytes(loaded_at[i]->properties, loaded_at[i]->properties_len, props, sizeof props);
    }
    check(outlives, "the record with properties outlives the load");

    r = find(7, false);
    check(r && r->qos == 1 && r->order == 5 && same_bytes(r->topic, r->topic_len, "fs/old", 6) && same_bytes(r->payload, r->payload_len, "v1", 2),
          "a version 1 record loads");
    check(r && r->properties == NULL && r->properties_len == 0, "without properties");

    r = find(9, true);
    check(r && r->qos == 2 && r->topic == NULL && r->properties_len == 0, "the incoming id comes back");

    file_store_remove(&fs, 513, false);
    file_store_remove(&fs, 7, false);
    file_store_remove(&fs, 9, true);
    loaded_count = 0;
    check(file_store_load(&fs, keep, NULL) == 0, "removed records are gone");

    /* QoS 0 records: no key, one file each; packet id 0 removes the oldest. */
    static const char *const q0_payloads[] = {"a0", "a1", "a2"};
    mqtt_rs_persist_record q0 = {0};
    q0.topic = "fs/q0";
    q0.topic_len = 5;
    q0.payload_len = 2;
    for (uint32_t i = 0; i < 3; i++) {
        q0.order = 40 + i;
        q0.payload = (const uint8_t *)q0_payloads[i];
        check(file_store_save(&fs, &q0) == 0, "a QoS 0 record is saved");
    }
    file_store_remove(&fs, 0, false);
    file_store again; /* a restart: the oldest is found by the load */
    check(file_store_open(&again, argv[1], false) == 0, "the store opens again");
    check(file_store_load(&again, see_qos0, NULL) == 2 && seen[0].qos == 0 && seen[0].packet_id == 0 && seen[0].order == 41 &&
              strcmp(seen[0].payload, "a1") == 0 && seen[1].order == 42,
          "the oldest QoS 0 record was removed, the others load in order");
    file_store_remove(&again, 0, false);
    seen_count = 0;
    check(file_store_load(&again, see_qos0, NULL) == 1 && seen[0].order == 42, "after a reload the oldest goes first");
    file_store_remove(&again, 0, false);
    file_store_remove(&again, 0, false); /* none left: nothing happens */
    check(file_store_load(&again, see_qos0, NULL) == 0 && again.removes == 2, "until none is left");

    clear(argv[1]);
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
