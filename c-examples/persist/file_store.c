/* file_store - see file_store.h. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include "file_store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* On disk, "<id>.rec" for an outgoing flow: the format version, a fixed header
 * (little-endian fields written byte by byte), then topic, payload and (version 2) the
 * MQTT 5.0 properties as the library encoded them. Version 1 (no properties length, no
 * properties) is still read: a flow saved before an update restores without
 * properties. "<id>.in" for an incoming QoS 2 id: its version (1) and the packet id,
 * 3 bytes. A record of an unknown version is not read (a later format is never misread
 * as this one). */
enum {
    RECORD_VERSION = 2,
    RECORD_V1 = 1,
    HEADER_V1_LEN = 1 + 2 + 1 + 1 + 1 + 4 + 4 + 4,
    HEADER_LEN = HEADER_V1_LEN + 4,
    INCOMING_VERSION = 1,
    INCOMING_LEN = 1 + 2
};

static void put32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static uint32_t get32(const uint8_t *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int file_store_open(file_store *fs, const char *dir, bool durable) {
    memset(fs, 0, sizeof *fs);
    if (strlen(dir) + 16 > sizeof fs->dir) {
        errno = ENAMETOOLONG;
        return -1;
    }
    strcpy(fs->dir, dir);
    fs->durable = durable;
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        return -1;
    }
    return 0;
}

static int write_all(int fd, const void *data, size_t len) {
    const uint8_t *p = data;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static int sync_dir(const file_store *fs) {
    int fd = open(fs->dir, O_RDONLY);
    if (fd < 0) {
        return -1;
    }
    int rc = fsync(fd);
    close(fd);
    return rc;
}

/* A QoS 0 record: outgoing, packet id 0. */
static bool is_qos0(uint16_t packet_id, bool incoming) {
    return packet_id == 0 && !incoming;
}

/* The file of a record: "<id>.rec" (outgoing), "<id>.in" (incoming) or, for a QoS 0
 * record, "q0-<order>.rec". */
static void record_path(const file_store *fs, char *path, size_t size, uint16_t packet_id, bool incoming,
                        uint32_t order) {
    if (is_qos0(packet_id, incoming)) {
        snprintf(path, size, "%s/q0-%010lu.rec", fs->dir, (unsigned long)order);
    } else {
        snprintf(path, size, "%s/%u.%s", fs->dir, (unsigned)packet_id, incoming ? "in" : "rec");
    }
}

/* Counts a stored QoS 0 record of `order`. */
static void count_qos0(file_store *fs, uint32_t order) {
    if (fs->qos0_count == 0 || order < fs->qos0_first) {
        fs->qos0_first = order;
    }
    fs->qos0_count++;
}

int32_t file_store_save(file_store *fs, const mqtt_rs_persist_record *r) {
    char tmp[sizeof fs->dir + 32], path[sizeof fs->dir + 32];
    snprintf(tmp, sizeof tmp, "%s/%u.tmp", fs->dir, (unsigned)r->packet_id);
    record_path(fs, path, sizeof path, r->packet_id, r->incoming, r->order);
    uint8_t head[HEADER_LEN];
    head[0] = r->incoming ? INCOMING_VERSION : RECORD_VERSION;
    head[1] = (uint8_t)r->packet_id;
    head[2] = (uint8_t)(r->packet_id >> 8);
    head[3] = r->qos;
    head[4] = r->released;
    head[5] = r->retain;
    put32(head + 6, r->order);
    put32(head + 10, (uint32_t)r->topic_len);
    put32(head + 14, (uint32_t)r->payload_len);
    put32(head + 18, (uint32_t)r->properties_len);
    size_t head_len = r->incoming ? INCOMING_LEN : HEADER_LEN;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) {
        fs->failures++;
        return -1;
    }
    int rc = write_all(fd, head, head_len);
    if (rc == 0 && !r->incoming) {
        rc = write_all(fd, r->topic, r->topic_len);
    }
    if (rc == 0 && !r->incoming) {
        rc = write_all(fd, r->payload, r->payload_len);
    }
    if (rc == 0 && !r->incoming) {
        rc = write_all(fd, r->properties, r->properties_len);
    }
    if (rc == 0 && fs->durable) {
        rc = fsync(fd);
    }
    if (close(fd) != 0) {
        rc = -1;
    }
    if (rc == 0) {
        rc = rename(tmp, path);
    }
    if (rc == 0 && fs->durable) {
        rc = sync_dir(fs);
    }
    if (rc != 0) {
        fs->failures++;
        return -1;
    }
    fs->saves++;
    if (is_qos0(r->packet_id, r->incoming)) {
        count_qos0(fs, r->order);
    }
    return 0;
}

void file_store_remove(file_store *fs, uint16_t packet_id, bool incoming) {
    char path[sizeof fs->dir + 32];
    bool qos0 = is_qos0(packet_id, incoming);
    if (qos0 && fs->qos0_count == 0) {
        return;
    }
    record_path(fs, path, sizeof path, packet_id, incoming, fs->qos0_first);
    if (qos0) {
        fs->qos0_first++;
        fs->qos0_count--;
    }
    if (unlink(path) != 0) {
        return;
    }
    fs->removes++;
    /* An incoming id must be gone before PUBCOMP lets the broker reuse it; a QoS 0
     * record before its message is written. */
    if ((incoming || qos0) && fs->durable && sync_dir(fs) != 0) {
        fs->failures++;
    }
}

static int by_order(const void *a, const void *b) {
    uint32_t x = ((const mqtt_rs_persist_record *)a)->order, y = ((const mqtt_rs_persist_record *)b)->order;
    return x < y ? -1 : x > y;
}

/* Reads `len` bytes into a new allocation (one byte more, so that 0 bytes allocate too). */
static void *read_new(FILE *f, size_t len) {
    uint8_t *p = malloc(len + 1);
    if (p && fread(p, 1, len, f) != len) {
        free(p);
        p = NULL;
    }
    return p;
}

/* Reads the rest of an outgoing record whose header (of `head_len` bytes) is read. */
static int read_outgoing(FILE *f, const uint8_t *head, size_t head_len, mqtt_rs_persist_record *r) {
    size_t topic_len = get32(head + 10), payload_len = get32(head + 14);
    size_t properties_len = head_len == HEADER_LEN ? get32(head + 18) : 0;
    char *topic = read_new(f, topic_len);
    uint8_t *payload = topic ? read_new(f, payload_len) : NULL;
    uint8_t *properties = payload && properties_len ? read_new(f, properties_len) : NULL;
    if (!topic || !payload || (properties_len && !properties)) {
        free(topic);
        free(payload);
        return -1;
    }
    r->packet_id = (uint16_t)(head[1] | head[2] << 8);
    r->qos = head[3];
    r->released = head[4] != 0;
    r->retain = head[5] != 0;
    r->order = get32(head + 6);
    r->topic = topic;
    r->topic_len = topic_len;
    r->payload = payload;
    r->payload_len = payload_len;
    r->properties = properties;
    r->properties_len = properties_len;
    return 0;
}

/* Reads one record file; 0 when it is whole and of a known format version. */
static int read_record(const char *path, bool incoming, mqtt_rs_persist_record *r) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        return -1;
    }
    uint8_t head[HEADER_LEN];
    int rc = -1;
    memset(r, 0, sizeof *r);
    if (fread(head, 1, 1, f) != 1) {
        /* empty: not a record */
    } else if (incoming && head[0] == INCOMING_VERSION && fread(head + 1, 1, INCOMING_LEN - 1, f) == INCOMING_LEN - 1) {
        r->packet_id = (uint16_t)(head[1] | head[2] << 8);
        r->qos = 2;
        r->incoming = true;
        rc = 0;
    } else if (!incoming && (head[0] == RECORD_VERSION || head[0] == RECORD_V1)) {
        size_t head_len = head[0] == RECORD_V1 ? HEADER_V1_LEN : HEADER_LEN;
        if (fread(head + 1, 1, head_len - 1, f) == head_len - 1) {
            rc = read_outgoing(f, head, head_len, r);
        }
    }
    fclose(f);
    return rc;
}

int file_store_load(file_store *fs, int (*each)(void *ctx, const mqtt_rs_persist_record *record), void *ctx) {
    DIR *d = opendir(fs->dir);
    if (!d) {
        return -1;
    }
    mqtt_rs_persist_record *all = NULL;
    size_t count = 0, cap = 0;
    fs->qos0_count = 0; /* counted afresh from what is on disk */
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        bool incoming = len > 3 && strcmp(e->d_name + len - 3, ".in") == 0;
        if (!incoming && (len < 5 || strcmp(e->d_name + len - 4, ".rec") != 0)) {
            continue;
        }
        char path[sizeof fs->dir + 300];
        snprintf(path, sizeof path, "%s/%s", fs->dir, e->d_name);
        if (count == cap) {
            cap = cap ? 2 * cap : 32;
            mqtt_rs_persist_record *grown = realloc(all, cap * sizeof *all);
            if (!grown) {
                break;
            }
            all = grown;
        }
        if (read_record(path, incoming, &all[count]) == 0) {
            if (is_qos0(all[count].packet_id, incoming)) {
                count_qos0(fs, all[count].order);
            }
            count++;
        }
    }
    closedir(d);
    /* Orders wrap after 2^32 flows; within one run's window they are increasing. */
    if (count > 0) { /* NULL is no array for qsort, even empty */
        qsort(all, count, sizeof *all, by_order);
    }
    int result = (int)count;
    for (size_t i = 0; i < count; i++) {
        /* A record with properties is read in place until its flow ends: keep it. */
        mqtt_rs_persist_record *r = &all[i];
        if (r->properties_len != 0 && (r = malloc(sizeof *r)) != NULL) {
            *r = all[i];
        }
        bool failed = !r || each(ctx, r) != 0;
        /* The library copies a QoS 0 record into its queue: its memory is done with. */
        if (is_qos0(all[i].packet_id, all[i].incoming)) {
            free((void *)all[i].topic);
            free((void *)all[i].payload);
        }
        if (failed) {
            result = -1;
            break;
        }
    }
    free(all);
    return result;
}
