/*
 * fw_push - publishes a signed firmware update for fw_device.
 *
 *   fw_push --make-manifest --image FILE --fw-version N [--chunk-size B]
 *       prints the manifest text to sign (version, size, chunk size, SHA-256
 *       of the image). Sign it where the release key lives, e.g.
 *       openssl dgst -sha256 -sign release.key -out manifest.sig manifest.txt
 *
 *   fw_push -h HOST -p PORT -t PREFIX --cafile CA --cert C --key K
 *           --manifest manifest.txt [--signature manifest.sig] --image FILE
 *       publishes the manifest with its signature (retained, QoS 1) on
 *       PREFIX/manifest, then the image in chunks (QoS 1) on PREFIX/chunk,
 *       and follows PREFIX/status: resends from the chunk the device asks for
 *       ("need"), ends at "ready" (exit 0) or "refused" (exit 3); exit 2 if
 *       nothing decisive comes within --wait seconds (default 60).
 *
 * --pace-ms N waits N ms between chunks (a rate limit; the tests use it to
 * interrupt a download in the middle). Test options (the refusal cases):
 * --tamper-chunk K flips a byte of chunk K; --truncate BYTES sends only the
 * first BYTES of the image.
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime, pread/pwrite, fdatasync */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fw_common.h"

#define PROG "fw_push"

struct pusher {
    struct fw_manifest m;
    /* from the status topic */
    bool need;
    uint32_t need_index;
    int outcome; /* 0 none, 1 ready, 2 refused */
    char reason[64];
    unsigned long resent;
};

static void on_message(void *userdata, const mqtt_rs_message *msg)
{
    struct pusher *p = userdata;
    char text[128];
    unsigned long version = 0, index = 0;
    size_t n = msg->payload_len < sizeof text - 1 ? msg->payload_len : sizeof text - 1;

    if (msg->offset != 0) {
        return; /* status lines are short */
    }
    memcpy(text, msg->payload, n);
    text[n] = '\0';
    if (sscanf(text, "need %lu %lu", &version, &index) == 2 && version == p->m.version) {
        p->need = true;
        p->need_index = (uint32_t)index;
    } else if (sscanf(text, "ready %lu", &version) == 1 && version == p->m.version) {
        p->outcome = 1;
    } else if (sscanf(text, "refused %lu %63s", &version, p->reason) == 2 && version == p->m.version) {
        p->outcome = 2;
    }
}

static uint64_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static int make_manifest(const char *image_path, unsigned long version, unsigned long chunk)
{
    uint8_t *image = NULL, digest[MQTT_RS_SHA256_DIGEST_SIZE];
    size_t len = 0;
    char text[FW_MANIFEST_MAX];

    if (!example_read_file(image_path, &image, &len) || len == 0 || len > 0xffffffffUL) {
        fprintf(stderr, PROG ": cannot read a non-empty image from %s\n", image_path);
        return 1;
    }
    if (!fw_sha256(image, len, digest) ||
        fw_manifest_format(text, sizeof text, (uint32_t)version, (uint32_t)len, (uint32_t)chunk, digest) == 0) {
        fprintf(stderr, PROG ": cannot hash the image (is this a TLS build?)\n");
        free(image);
        return 1;
    }
    free(image);
    fputs(text, stdout);
    return 0;
}

int main(int argc, char **argv)
{
    struct fw_conn conn = {"127.0.0.1", 8883, NULL, NULL, {0}};
    const char *manifest_path = NULL, *sig_path = NULL, *image_path = NULL;
    unsigned long version = 0, chunk = 4096, wait_s = 60, pace_ms = 0, tamper = (unsigned long)-1, truncate_to = 0, n;
    bool make = false;
    static struct pusher p;
    static struct fw_client fc;
    static uint8_t msg[FW_MANIFEST_MAX + 200], piece[FW_CHUNK_HEADER + FW_CHUNK_MAX];
    uint8_t *manifest = NULL, *sig = NULL, *image = NULL;
    size_t manifest_len = 0, sig_len = 0, image_len = 0, sent_len, msg_len;
    char topic_manifest[256], topic_chunk[256], topic_status[256];
    uint32_t next = 0, high = 0, count;
    unsigned long sent = 0;
    uint64_t deadline, started;
    mqtt_rs_subscription sub;
    mqtt_rs_result rc;
    int i;

    for (i = 1; i < argc; i++) {
        const char *arg = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
        int used = fw_conn_parse(&conn, PROG, arg, val);
        bool ok = true;

        if (used < 0) {
            return 1;
        } else if (used > 0) {
            i++;
            continue;
        } else if (strcmp(arg, "--make-manifest") == 0) {
            make = true;
            continue;
        } else if (val == NULL) {
            ok = false;
        } else if (strcmp(arg, "--manifest") == 0) {
            manifest_path = val;
        } else if (strcmp(arg, "--signature") == 0) {
            sig_path = val;
        } else if (strcmp(arg, "--image") == 0) {
            image_path = val;
        } else if (strcmp(arg, "--fw-version") == 0) {
            ok = example_parse_ulong(val, 1, 0xffffffffUL, &version);
        } else if (strcmp(arg, "--chunk-size") == 0) {
            ok = example_parse_ulong(val, 1, FW_CHUNK_MAX, &chunk);
        } else if (strcmp(arg, "--wait") == 0) {
            ok = example_parse_ulong(val, 1, 3600, &wait_s);
        } else if (strcmp(arg, "--pace-ms") == 0) {
            ok = example_parse_ulong(val, 0, 10000, &pace_ms);
        } else if (strcmp(arg, "--tamper-chunk") == 0) {
            ok = example_parse_ulong(val, 0, 0xffffffffUL, &tamper);
        } else if (strcmp(arg, "--truncate") == 0) {
            ok = example_parse_ulong(val, 1, 0xffffffffUL, &truncate_to);
        } else {
            ok = false;
        }
        if (!ok) {
            fprintf(stderr, PROG ": bad option or value: %s (see the comment at the top of fw_push.c)\n", arg);
            return 1;
        }
        i++;
    }
    if (make) {
        if (image_path == NULL || version == 0) {
            fprintf(stderr, PROG ": --make-manifest needs --image and --fw-version\n");
            return 1;
        }
        return make_manifest(image_path, version, chunk);
    }
    if (manifest_path == NULL || image_path == NULL || conn.prefix == NULL) {
        fprintf(stderr, PROG ": needs -t PREFIX, --manifest and --image\n");
        return 1;
    }
    if (!example_read_file(manifest_path, &manifest, &manifest_len) || manifest_len > FW_MANIFEST_MAX ||
        (sig_path != NULL && (!example_read_file(sig_path, &sig, &sig_len) || sig_len > 80)) ||
        !example_read_file(image_path, &image, &image_len)) {
        fprintf(stderr, PROG ": cannot read the manifest, signature or image\n");
        return 1;
    }
    /* The message: the signed text, then the signature in hex. */
    memcpy(msg, manifest, manifest_len);
    msg_len = manifest_len;
    if (sig != NULL) {
        char hex[2 * 80 + 1];
        fw_hex(sig, sig_len, hex);
        msg_len += (size_t)sprintf((char *)msg + msg_len, "sig=%s\n", hex);
    }
    if (!fw_manifest_parse(msg, msg_len, &p.m)) {
        fprintf(stderr, PROG ": %s is not a manifest (make one with --make-manifest)\n", manifest_path);
        return 1;
    }
    sent_len = truncate_to != 0 && truncate_to < image_len ? truncate_to : image_len;
    count = (uint32_t)((sent_len + p.m.chunk - 1) / p.m.chunk);

    if (!fw_client_init(&fc, &conn, "fw_push", on_message, &p, PROG)) {
        return 1;
    }
    fw_topic(topic_manifest, sizeof topic_manifest, &conn, "manifest");
    fw_topic(topic_chunk, sizeof topic_chunk, &conn, "chunk");
    fw_topic(topic_status, sizeof topic_status, &conn, "status");
    sub.filter = topic_status;
    sub.qos = 1;
    if ((rc = mqtt_rs_client_connect(&fc.client, &fc.opt, FW_TIMEOUT_MS, NULL)) != MQTT_RS_OK ||
        (rc = mqtt_rs_client_subscribe(&fc.client, &sub, 1, NULL, FW_TIMEOUT_MS)) != MQTT_RS_OK ||
        (rc = mqtt_rs_client_publish(&fc.client, topic_manifest, msg, msg_len, 1, true, FW_TIMEOUT_MS)) != MQTT_RS_OK) {
        example_report(PROG, "manifest", rc, &fc.client);
        return 1;
    }
    printf(PROG ": manifest v%lu, %lu bytes in %lu chunks of %lu%s\n", (unsigned long)p.m.version,
           (unsigned long)p.m.size, (unsigned long)count, (unsigned long)p.m.chunk, sig ? "" : " (unsigned)");

    started = now_ms();
    deadline = started + wait_s * 1000u;
    while (p.outcome == 0 && now_ms() < deadline) {
        if (p.need) {
            p.need = false;
            if (p.need_index < count) {
                next = p.need_index;
            }
        }
        if (next < count) {
            size_t at = (size_t)next * p.m.chunk;
            size_t len = sent_len - at < p.m.chunk ? sent_len - at : p.m.chunk;

            memcpy(piece, p.m.id, 8);
            fw_put32(piece + 8, next);
            fw_put32(piece + 12, next + 1 == count ? FW_CHUNK_LAST : 0);
            memcpy(piece + FW_CHUNK_HEADER, image + at, len);
            if (next == tamper) {
                piece[FW_CHUNK_HEADER + len / 2] ^= 0x01;
            }
            rc = mqtt_rs_client_publish(&fc.client, topic_chunk, piece, FW_CHUNK_HEADER + len, 1, false, FW_TIMEOUT_MS);
            if (rc != MQTT_RS_OK) {
                example_report(PROG, "chunk", rc, &fc.client);
                return 1;
            }
            sent++;
            if (next < high) {
                p.resent++;
            }
            next++;
            high = next > high ? next : high;
            if (pace_ms > 0 && (rc = mqtt_rs_client_wait(&fc.client, (uint32_t)pace_ms)) != MQTT_RS_OK) {
                example_report(PROG, "wait", rc, &fc.client);
                return 1;
            }
            deadline = now_ms() + wait_s * 1000u;
        } else if ((rc = mqtt_rs_client_wait(&fc.client, 200)) != MQTT_RS_OK) {
            example_report(PROG, "wait", rc, &fc.client);
            return 1;
        }
    }
    n = (unsigned long)p.resent;
    printf(PROG ": chunks sent %lu, resent %lu, outcome %s%s%s, %lu ms\n", sent, n,
           p.outcome == 1 ? "ready" : p.outcome == 2 ? "refused" : "none (timeout)", p.outcome == 2 ? ": " : "",
           p.outcome == 2 ? p.reason : "", (unsigned long)(now_ms() - started));
    (void)mqtt_rs_client_disconnect(&fc.client, FW_TIMEOUT_MS);
    mqtt_rs_client_deinit(&fc.client);
    free(manifest);
    free(sig);
    free(image);
    return p.outcome == 1 ? 0 : p.outcome == 2 ? 3 : 2;
}
