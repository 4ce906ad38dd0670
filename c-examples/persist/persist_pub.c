/*
 * persist_pub - a publisher that survives its network and its reboots: the reconnect
 * supervisor keeps it connected (backoff, session resumed), and the persistence hooks
 * keep every unfinished QoS 1/2 message in a file store, so that a restart after a
 * crash (SIGKILL, power loss with --durable) resends exactly what was not finished.
 *
 *   persist_pub HOST PORT TOPIC STORE_DIR COUNT [--durable] [--qos0 N]
 *
 * Publishes COUNT messages at QoS 1 to TOPIC/q1 and COUNT at QoS 2 to TOPIC/q2,
 * interleaved, each payload its number (0 .. 2*COUNT-1). Started again with the same
 * STORE_DIR, it first hands the saved flows back (mqtt_rs_reconnect_restore) and then
 * continues after the last message the store or its counter knows of. Exits 0 once
 * every message is acknowledged, printing what it restored and sent.
 *
 * With --qos0 N (COUNT may then be 0) it first publishes N QoS 0 messages to TOPIC/q0,
 * payloads 0 .. N-1, before its first poll: while offline, into the QoS 0 offline queue,
 * which `persist_qos0` keeps in the store too (one file per message). Killed before it
 * reached a broker and started again, it restores them and sends them, in order, once
 * connected; it exits once they are written.
 *
 * The application's own progress (the next message number, per kind) is a file in
 * STORE_DIR too, written after the library saved the message: a crash between the two is
 * caught by taking the highest number among the restored records.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "file_store.h"
#include "mqtt_rs.h"
#include "posix_net.h"
#include "supervise.h"

#define PROG "persist_pub"
#define MAX_MESSAGES 100000
#define MAX_QOS0 1000
#define SLOTS 24
#define WINDOW 20

/* Everything the callbacks reach through userdata. */
typedef struct app {
    file_store store;
    unsigned long done, restored, restored_qos0, reconnects, resumed;
    /* The highest message number among the restored QoS 1/2 records and QoS 0 records. */
    long highest_restored, highest_restored_qos0;
} app;

static mqtt_rs_client client;
static mqtt_rs_posix_net net_ctx;
static uint8_t tx[4096], rx[1024];
static mqtt_rs_inflight_slot slots[SLOTS];
static mqtt_rs_reconnect rc;
/* Payloads stay borrowed until their flow completes: one per message, never reused. */
static char payloads[MAX_MESSAGES][12];
/* The QoS 0 offline queue: room for MAX_QOS0 messages of topics up to 180 bytes. */
static uint8_t qos0_buf[MAX_QOS0 * 200];

static int32_t save(void *user, const mqtt_rs_persist_record *record) {
    return file_store_save(&((app *)user)->store, record);
}

static void forget(void *user, uint16_t packet_id, bool incoming) {
    file_store_remove(&((app *)user)->store, packet_id, incoming);
}

static void on_event(void *user, const mqtt_rs_event *e) {
    if (e->kind == MQTT_RS_EVENT_PUBLISH_DONE && e->result == MQTT_RS_OK) {
        ((app *)user)->done++;
    }
}

static void on_reconnect(void *user, const mqtt_rs_reconnect_event *e) {
    app *a = user;
    if (e->kind == MQTT_RS_RECONNECT_SCHEDULED) {
        fprintf(stderr, PROG ": reconnecting (attempt %u, in %u ms): %s\n", (unsigned)e->attempt, (unsigned)e->delay_ms,
                mqtt_rs_result_str(e->reason));
    } else if (e->kind == MQTT_RS_RECONNECT_CONNECTED) {
        a->reconnects++;
        a->resumed += e->session_present;
        fprintf(stderr, PROG ": connected (session present: %s)\n", e->session_present ? "yes" : "no");
    }
}

/* Hands one saved record back to the supervisor. */
static int restore(void *user, const mqtt_rs_persist_record *record) {
    app *a = user;
    mqtt_rs_result r = mqtt_rs_reconnect_restore(&rc, record);
    if (r != MQTT_RS_OK) {
        fprintf(stderr, PROG ": restore %u: %s\n", (unsigned)record->packet_id, mqtt_rs_result_str(r));
        return -1;
    }
    char number[16] = { 0 };
    memcpy(number, record->payload, record->payload_len < 15 ? record->payload_len : 15);
    long n = strtol(number, NULL, 10);
    long *highest = record->qos == 0 ? &a->highest_restored_qos0 : &a->highest_restored;
    if (n > *highest) {
        *highest = n;
    }
    if (record->qos == 0) {
        a->restored_qos0++;
    } else {
        a->restored++;
    }
    return 0;
}

/* The next message number, as counter file `name` has it (0 without one). */
static long read_next(const char *dir, const char *name) {
    char path[300];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "r");
    long n = 0;
    if (f) {
        if (fscanf(f, "%ld", &n) != 1) {
            n = 0;
        }
        fclose(f);
    }
    return n;
}

static int write_next(const char *dir, const char *name, long next) {
    char tmp[300], path[300];
    snprintf(tmp, sizeof tmp, "%s/%s.tmp", dir, name);
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(tmp, "w");
    if (!f) {
        return -1;
    }
    fprintf(f, "%ld\n", next);
    if (fclose(f) != 0) {
        return -1;
    }
    return rename(tmp, path);
}

/* Publishes QoS 0 messages `next` .. `total`-1 to `topic` (offline: into the queue and
 * the store), counting progress in the file "next0". Returns the number published, or
 * -1 when the library refused one. */
static long publish_qos0(const char *dir, const char *topic, long next, long total) {
    long first = next;
    for (; next < total; next++) {
        char payload[24];
        snprintf(payload, sizeof payload, "%ld", next);
        mqtt_rs_result r = mqtt_rs_reconnect_publish(&rc, topic, (const uint8_t *)payload, strlen(payload), 0, false, NULL);
        if (r != MQTT_RS_OK) {
            fprintf(stderr, PROG ": QoS 0 publish %ld: %s\n", next, mqtt_rs_result_str(r));
            return -1;
        }
        if (write_next(dir, "next0", next + 1) != 0) {
            perror(PROG ": counter");
            return -1;
        }
    }
    return next - first;
}

int main(int argc, char **argv) {
    if (argc < 6) {
        fprintf(stderr, "usage: " PROG " HOST PORT TOPIC STORE_DIR COUNT [--durable] [--qos0 N]\n");
        return 2;
    }
    const char *host = argv[1], *topic = argv[3], *dir = argv[4];
    long count = strtol(argv[5], NULL, 10), qos0 = 0;
    bool durable = false;
    for (int i = 6; i < argc; i++) {
        if (strcmp(argv[i], "--durable") == 0) {
            durable = true;
        } else if (strcmp(argv[i], "--qos0") == 0 && i + 1 < argc) {
            qos0 = strtol(argv[++i], NULL, 10);
        } else {
            fprintf(stderr, PROG ": unknown option %s\n", argv[i]);
            return 2;
        }
    }
    if (count < 0 || 2 * count > MAX_MESSAGES || qos0 < 0 || qos0 > MAX_QOS0 || count + qos0 == 0) {
        fprintf(stderr, PROG ": COUNT must be 0..%d, N 0..%d, not both 0\n", MAX_MESSAGES / 2, MAX_QOS0);
        return 2;
    }
    static app a;
    a.highest_restored = -1;
    a.highest_restored_qos0 = -1;
    if (file_store_open(&a.store, dir, durable) != 0) {
        perror(PROG ": store");
        return 1;
    }
    char topics[3][200];
    snprintf(topics[0], sizeof topics[0], "%s/q1", topic);
    snprintf(topics[1], sizeof topics[1], "%s/q2", topic);
    snprintf(topics[2], sizeof topics[2], "%s/q0", topic);

    mqtt_rs_client_config cfg;
    supervise_client_config(&cfg, &net_ctx, tx, sizeof tx, rx, sizeof rx, slots, SLOTS, &a);
    cfg.on_event = on_event;
    if (mqtt_rs_client_init(&client, &cfg) != MQTT_RS_OK) {
        return 1;
    }

    static mqtt_rs_connect_options options;
    mqtt_rs_connect_options_init(&options);
    options.client_id = "mqtt_rs-persist-pub";
    options.clean_session = false; /* the broker keeps the session: what is resent resumes it */
    options.keepalive_s = 30;
    options.max_inflight = WINDOW;
    static mqtt_rs_broker brokers[1];
    brokers[0].host = host;
    brokers[0].port = (uint16_t)strtol(argv[2], NULL, 10);
    mqtt_rs_reconnect_config rcfg;
    supervise_config(&rcfg, &options, brokers, &a);
    rcfg.on_reconnect = on_reconnect;
    rcfg.persist_store = save;
    rcfg.persist_remove = forget;
    if (qos0 > 0) {
        /* The QoS 0 offline queue, kept in the store too; refused rather than dropped when
         * full, so that nothing is lost without a word. */
        rcfg.qos0_buf = qos0_buf;
        rcfg.qos0_len = sizeof qos0_buf;
        rcfg.qos0_refuse_newest = true;
        rcfg.persist_qos0 = true;
    }
    mqtt_rs_result r = mqtt_rs_reconnect_init(&rc, &client, &rcfg);
    if (r != MQTT_RS_OK) {
        fprintf(stderr, PROG ": reconnect_init: %s\n", mqtt_rs_result_str(r));
        return 1;
    }
    /* Restore before the first poll: the saved flows go out first, in their order. */
    if (file_store_load(&a.store, restore, &a) < 0) {
        fprintf(stderr, PROG ": cannot restore from %s\n", dir);
        return 1;
    }
    long next = read_next(dir, "next"), next0 = read_next(dir, "next0");
    if (a.highest_restored + 1 > next) {
        next = a.highest_restored + 1;
    }
    if (a.highest_restored_qos0 + 1 > next0) {
        next0 = a.highest_restored_qos0 + 1;
    }
    long first = next;
    fprintf(stderr, PROG ": restored %lu unfinished flows and %lu QoS 0 messages, continuing at message %ld (QoS 0: %ld)\n",
            a.restored, a.restored_qos0, next, next0);
    /* Before the first poll: offline, whatever the network does. */
    long published0 = publish_qos0(dir, topics[2], next0, qos0);
    if (published0 < 0) {
        return 1;
    }
    fprintf(stderr, PROG ": %ld QoS 0 messages kept offline\n", published0);
    unsigned long refusals = 0;

    while (next < 2 * count) {
        /* Publish until the window (or the offline queue) is full, then drive the client. */
        while (next < 2 * count) {
            int qos = next % 2 ? 2 : 1;
            snprintf(payloads[next], sizeof payloads[next], "%u", (unsigned)next);
            r = mqtt_rs_reconnect_publish(&rc, topics[qos - 1], (const uint8_t *)payloads[next], strlen(payloads[next]),
                                          (uint8_t)qos, false, NULL);
            if (r == MQTT_RS_BUSY || r == MQTT_RS_INFLIGHT_FULL || r == MQTT_RS_OFFLINE_QUEUE_FULL) {
                refusals++;
                break;
            }
            if (r != MQTT_RS_IN_PROGRESS) {
                fprintf(stderr, PROG ": publish %ld: %s\n", next, mqtt_rs_result_str(r));
                return 1;
            }
            next++;
            /* After the library saved the message: see the comment at the top. */
            if (write_next(dir, "next", next) != 0) {
                perror(PROG ": counter");
                return 1;
            }
        }
        supervise_step(&rc, &client, &net_ctx, 5, PROG);
    }
    /* Until every flow is acknowledged and the QoS 0 queue is handed over and written. */
    while (mqtt_rs_client_inflight_count(&client) > 0 || !mqtt_rs_client_is_connected(&client) || rc.qos0_end != 0 ||
           mqtt_rs_client_wants_write(&client)) {
        supervise_step(&rc, &client, &net_ctx, 5, PROG);
    }
    printf(PROG ": restored %lu, published %ld (from %ld), completed %lu, refusals %lu (window full), "
           "QoS 0: restored %lu, published %ld offline, "
           "connections %lu (%lu resumed a session), store: %u saves, %u removes, %u failures\n",
           a.restored, next - first, first, a.done, refusals, a.restored_qos0, published0, a.reconnects, a.resumed,
           a.store.saves, a.store.removes, a.store.failures);
    mqtt_rs_client_disconnect(&client, 2000);
    mqtt_rs_client_deinit(&client);
    return a.store.failures == 0 ? 0 : 1;
}
