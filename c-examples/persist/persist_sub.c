/*
 * persist_sub - a subscriber that takes every QoS 2 message exactly once across its
 * crashes: the reconnect supervisor keeps it connected on a persistent session, and the
 * persistence hooks keep the ids of QoS 2 messages it took whose release (PUBREL) has
 * not arrived, so the broker's resend after a crash is acknowledged, not taken again.
 *
 *   persist_sub HOST PORT FILTER JOURNAL COUNT [--durable]
 *
 * What the application does with a message is one line appended to JOURNAL,
 * "m <packet id> <payload>", and that line is also the id's record: the id and the
 * message's effect become durable in one write(), which is what exactly once across any
 * reset needs (README "Persistence": the id and the effect durable together before
 * on_message returns). So persist_store only notes the id; persist_remove appends
 * "r <packet id>" (durable on return: the PUBCOMP that follows lets the broker reuse the
 * id). At start the journal is read back and every id with a message line and no release
 * line after it is handed to mqtt_rs_reconnect_restore(). The first line is the format
 * version. A device would compact the journal now and then (rewrite it with the live
 * ids only); this example lets it grow.
 *
 * Exits 0 once the journal holds COUNT messages and the broker released every id,
 * printing the counts; 1 after 120 s without getting there. With --durable every line
 * is fsync()ed (a power loss, not only a killed process, keeps it).
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mqtt_rs.h"
#include "posix_net.h"
#include "supervise.h"

#define PROG "persist_sub"
/* Each incoming QoS 2 id is held in a slot until its PUBREL; with no slot free a message
 * is still taken, but its id is not held: at least once for that message. So the broker
 * must not have more QoS 2 messages in flight to us than there are slots: with MQTT 5.0
 * the CONNECT says how many (Receive Maximum); MQTT 3.1.1 has no way to. Measured here
 * (README "Persistence"): at most 20 ids held at once while this program keeps up, but
 * over 200 when it fsync()s every line (--durable) and falls behind the stream, with
 * mosquitto 2.0.11 keeping neither its max_inflight_messages nor our Receive Maximum. */
#define SLOTS 64
#define JOURNAL_VERSION "mqtt_rs-journal 1\n"

typedef struct app {
    int journal;
    bool durable;
    const char *filter;
    uint16_t noted;             /* the id persist_store saw for the message being delivered */
    uint8_t held[65536];        /* ids taken and not yet released */
    unsigned long held_count, most_held;
    unsigned long messages;     /* in the journal, all runs */
    unsigned long this_run, restored, releases, connections, resumed, unheld;
} app;

static mqtt_rs_client client;
static mqtt_rs_posix_net net_ctx;
static uint8_t tx[1024], rx[2048];
static mqtt_rs_inflight_slot slots[SLOTS];
static mqtt_rs_reconnect rc;

/* Appends `line` in one write() (a killed process leaves it whole or absent), then syncs
 * with --durable. Exits on failure: the journal is the application's truth. */
static void append(app *a, const char *line, size_t len) {
    if (write(a->journal, line, len) != (ssize_t)len || (a->durable && fsync(a->journal) != 0)) {
        perror(PROG ": journal");
        exit(1);
    }
}

static int32_t save(void *user, const mqtt_rs_persist_record *record) {
    app *a = user;
    if (!record->incoming) {
        return -1; /* this program publishes nothing */
    }
    /* Made durable with the message's line in on_message, right after this call. */
    a->noted = record->packet_id;
    return 0;
}

static void forget(void *user, uint16_t packet_id, bool incoming) {
    app *a = user;
    if (!incoming || !a->held[packet_id]) {
        return;
    }
    char line[16];
    int n = snprintf(line, sizeof line, "r %u\n", (unsigned)packet_id);
    append(a, line, (size_t)n);
    a->held[packet_id] = 0;
    a->held_count--;
    a->releases++;
}

static void on_message(void *user, const mqtt_rs_message *m) {
    app *a = user;
    if (m->offset + m->payload_len != m->total_len) {
        return; /* taken at its last chunk, when the library has saved the id */
    }
    /* The id persist_store noted for this message (0: QoS 0/1, or no slot was free to
     * hold it, so the library will not recognise a resend either). */
    uint16_t id = m->qos == 2 && a->noted == m->packet_id ? m->packet_id : 0;
    a->noted = 0;
    char line[300];
    int n = snprintf(line, sizeof line, "m %u ", (unsigned)id);
    size_t room = sizeof line - (size_t)n - 1, len = m->offset == 0 && m->payload_len < room ? m->payload_len : 0;
    for (size_t i = 0; i < len; i++) {
        char c = (char)m->payload[i];
        line[n++] = c >= ' ' && c <= '~' ? c : '.';
    }
    line[n++] = '\n';
    append(a, line, (size_t)n);
    if (id != 0 && !a->held[id]) {
        a->held[id] = 1;
        a->held_count++;
        a->most_held = a->held_count > a->most_held ? a->held_count : a->most_held;
    }
    a->unheld += id == 0 && m->qos == 2;
    a->messages++;
    a->this_run++;
}

static void on_event(void *user, const mqtt_rs_event *e) {
    (void)user;
    if (e->kind == MQTT_RS_EVENT_SUBSCRIBE_DONE) {
        fprintf(stderr, PROG ": subscribed: %s\n", mqtt_rs_result_str(e->result));
    }
}

static void on_reconnect(void *user, const mqtt_rs_reconnect_event *e) {
    app *a = user;
    if (e->kind == MQTT_RS_RECONNECT_SCHEDULED) {
        fprintf(stderr, PROG ": reconnecting (attempt %u, in %u ms): %s\n", (unsigned)e->attempt, (unsigned)e->delay_ms,
                mqtt_rs_result_str(e->reason));
    } else if (e->kind == MQTT_RS_RECONNECT_CONNECTED) {
        a->connections++;
        a->resumed += e->session_present;
        /* Every client call is allowed here. The session keeps the subscription; asking
         * again covers a broker that lost it. */
        mqtt_rs_subscription sub = { a->filter, 2 };
        mqtt_rs_result r = mqtt_rs_client_begin_subscribe(&client, &sub, 1, NULL);
        fprintf(stderr, PROG ": connected (session present: %s), subscribe: %s\n", e->session_present ? "yes" : "no",
                mqtt_rs_result_str(r));
    }
}

/* Opens the journal, reads it back and restores the ids still held. */
static int open_journal(app *a, const char *path) {
    FILE *f = fopen(path, "r");
    if (f) {
        char line[320];
        if (fgets(line, sizeof line, f) && strcmp(line, JOURNAL_VERSION) != 0) {
            fprintf(stderr, PROG ": %s is not a journal of this version\n", path);
            fclose(f);
            return -1;
        }
        while (fgets(line, sizeof line, f)) {
            char kind = 0;
            unsigned id = 0;
            if (sscanf(line, "%c %u", &kind, &id) != 2 || id > 65535) {
                continue; /* a line the crash cut short cannot occur (one write each) */
            }
            if (kind == 'm') {
                a->messages++;
            }
            if (id != 0 && kind == 'm' && !a->held[id]) {
                a->held[id] = 1;
                a->held_count++;
            } else if (id != 0 && kind == 'r' && a->held[id]) {
                a->held[id] = 0;
                a->held_count--;
            }
        }
        fclose(f);
    }
    a->journal = open(path, O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (a->journal < 0) {
        return -1;
    }
    if (!f) {
        append(a, JOURNAL_VERSION, strlen(JOURNAL_VERSION));
    }
    for (unsigned id = 1; id < 65536; id++) {
        if (!a->held[id]) {
            continue;
        }
        mqtt_rs_persist_record record = { .packet_id = (uint16_t)id, .qos = 2, .incoming = true };
        mqtt_rs_result r = mqtt_rs_reconnect_restore(&rc, &record);
        if (r != MQTT_RS_OK) {
            fprintf(stderr, PROG ": restore incoming id %u: %s\n", id, mqtt_rs_result_str(r));
            return -1;
        }
        a->restored++;
    }
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 6) {
        fprintf(stderr, "usage: " PROG " HOST PORT FILTER JOURNAL COUNT [--durable]\n");
        return 2;
    }
    static app a;
    a.filter = argv[3];
    a.durable = argc > 6 && strcmp(argv[6], "--durable") == 0;
    unsigned long count = strtoul(argv[5], NULL, 10);

    mqtt_rs_client_config cfg;
    supervise_client_config(&cfg, &net_ctx, tx, sizeof tx, rx, sizeof rx, slots, SLOTS, &a);
    cfg.on_message = on_message;
    cfg.on_event = on_event;
    if (mqtt_rs_client_init(&client, &cfg) != MQTT_RS_OK) {
        return 1;
    }
    static mqtt_rs_connect_options options;
    mqtt_rs_connect_options_init(&options);
    options.client_id = "mqtt_rs-persist-sub";
    options.clean_session = false; /* the broker keeps the session and resends what we did not acknowledge */
    options.keepalive_s = 30;
#if defined(MQTT_RS_MQTT5)
    static mqtt_rs_connect_properties properties;
    mqtt_rs_connect_properties_init(&properties);
    properties.receive_maximum = SLOTS - 1; /* a slot stays free for the SUBSCRIBE */
    properties.session_expiry_s = 3600;     /* MQTT 5.0 ends the session with the connection without it */
    options.protocol_version = 5;
    options.properties = &properties;
#endif
    static mqtt_rs_broker brokers[1];
    brokers[0].host = argv[1];
    brokers[0].port = (uint16_t)strtol(argv[2], NULL, 10);
    mqtt_rs_reconnect_config rcfg;
    supervise_config(&rcfg, &options, brokers, &a);
    rcfg.on_reconnect = on_reconnect;
    rcfg.persist_store = save;
    rcfg.persist_remove = forget;
    mqtt_rs_result r = mqtt_rs_reconnect_init(&rc, &client, &rcfg);
    if (r != MQTT_RS_OK) {
        fprintf(stderr, PROG ": reconnect_init: %s\n", mqtt_rs_result_str(r));
        return 1;
    }
    /* Restore before the first poll. */
    if (open_journal(&a, argv[4]) != 0) {
        fprintf(stderr, PROG ": cannot use the journal %s\n", argv[4]);
        return 1;
    }
    fprintf(stderr, PROG ": restored %lu held incoming ids, %lu messages taken before\n", a.restored, a.messages);
    time_t deadline = time(NULL) + 120;
    while ((a.messages < count || a.held_count > 0) && time(NULL) < deadline) {
        supervise_step(&rc, &client, &net_ctx, 20, PROG);
    }
    printf(PROG ": restored %lu held ids, took %lu messages this run (%lu in the journal), %lu released, "
           "at most %lu ids held at once, %lu QoS 2 messages taken without a free slot, "
           "connections %lu (%lu resumed a session), persist failures %u\n",
           a.restored, a.this_run, a.messages, a.releases, a.most_held, a.unheld, a.connections, a.resumed,
           (unsigned)rc.persist_failures);
    mqtt_rs_client_disconnect(&client, 2000);
    mqtt_rs_client_deinit(&client);
    return a.messages >= count && a.held_count == 0 && rc.persist_failures == 0 ? 0 : 1;
}
