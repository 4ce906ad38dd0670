/*
 * mqtt_sub - subscribe and print messages with the blocking mqtt_rs API.
 * Options follow mosquitto_sub.
 *
 *   mqtt_sub -h 127.0.0.1 -t 'sensors/#' -v
 *   mqtt_sub -t alerts -q 1 -C 1 -W 30
 *   mqtt_sub -h broker.local --cafile ca.crt -t 'alerts/#'   (TLS, port 8883)
 *   mqtt_sub -V 5 -d -t 'sensors/#' -D subscribe subscription-identifier 7
 *            (MQTT 5.0: -d prints reason codes and each message's properties)
 *
 * Each message is printed on its own line ("payload", or "topic payload"
 * with -v). A message bigger than the receive buffer reaches the
 * application in chunks (offset, total_len); they are written out as they
 * come, and the newline follows the last chunk. So a 1 MiB message needs no
 * 1 MiB buffer anywhere.
 *
 * Exit status: 0 when -C messages arrived, or on SIGINT/SIGTERM;
 * 27 when -W seconds passed first (as mosquitto_sub); the CONNACK return
 * code (1..5) when the broker refused the connection; 1 otherwise.
 */
#if defined(__APPLE__) && !defined(_DARWIN_C_SOURCE)
#define _DARWIN_C_SOURCE
#endif
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "example_common.h"
#include "mqtt_rs.h"
#include "posix_net.h"

#define PROG "mqtt_sub"

#define TX_BUF_SIZE 1024      /* SUBSCRIBE with all filters must fit */
#define RX_BUF_SIZE 2048      /* larger payloads arrive in chunks */
#define SLOT_COUNT 8          /* incoming QoS 2 flows need a slot each until PUBREL */
#define MAX_TOPICS 16

#define CONNECT_TIMEOUT_MS 10000u
#define SUBSCRIBE_TIMEOUT_MS 10000u
#define DISCONNECT_TIMEOUT_MS 2000u
/* mqtt_rs_client_wait is called in slices of this length so that SIGINT
 * (which sets a flag) and -W are noticed within this time. The signal also
 * interrupts the port's poll(), but the blocking wait only returns at the
 * end of its slice. */
#define WAIT_SLICE_MS 200u

/* 27 is mosquitto_sub's "timed out waiting for message". */
#define EXIT_TIMEOUT 27

static mqtt_rs_client client;
static uint8_t tx_buf[TX_BUF_SIZE];
static uint8_t rx_buf[RX_BUF_SIZE];
static mqtt_rs_inflight_slot slots[SLOT_COUNT];
static mqtt_rs_posix_net net_ctx;

static volatile sig_atomic_t stop_requested = 0;

struct options {
    const char *host;
    uint16_t port;
    bool port_given;
    const char *topics[MAX_TOPICS];
    size_t topic_count;
    uint8_t qos;
    unsigned long count;        /* -C, 0 = unlimited */
    unsigned long timeout_s;    /* -W, 0 = none */
    bool verbose;
    bool persistent;            /* -c: clean session off */
    const char *client_id;
    const char *username;
    const char *password;
    bool plaintext_password; /* --plaintext-password: allow -P without TLS */
    uint16_t keepalive;
    bool debug;
    struct example_tls tls;
    struct example_v5 v5; /* -V, -D */
    struct example_will will; /* --will-* */
};

struct state {
    const struct options *opts;
    unsigned long received;     /* complete messages printed */
    bool done;                  /* -C count reached: ignore anything after it */
};

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: " PROG " [-h host] [-p port] -t filter [-t filter ...] [-q qos] [-C count]\n"
            "                [-W seconds] [-v] [-c] [-i id] [-u username] [-P password]\n"
            "                [-k keepalive] [--plaintext-password] [-d] [--help]\n"
            "                [-V version] [-D command identifier value]\n"
            "                [--will-topic topic [--will-payload payload] [--will-qos qos] [--will-retain]]\n"
            "                [--cafile file [--cert file --key file] [--tls-version v] [--tls-alpn p]\n"
            "                 [--tls-server-name name]]\n"
            "\n"
            " -h, --host       broker host (default 127.0.0.1)\n"
            " -p, --port       broker port (default 1883, 8883 with TLS)\n"
            " -t, --topic      topic filter to subscribe to (repeatable, up to %d)\n"
            " -q, --qos        requested quality of service 0, 1 or 2 (default 0)\n"
            " -C               exit after this many messages\n"
            " -W               exit with status 27 if this many seconds pass first\n"
            " -v, --verbose    print \"topic payload\" instead of \"payload\"\n"
            " -c, --disable-clean-session  persistent session (needs -i)\n"
            " -i, --id         client id (default " PROG "-<pid>)\n"
            " -u, --username   user name\n"
            " -P, --pw         password\n"
            " --plaintext-password  send -P without TLS, readable by anyone on the path\n"
            "                  (refused by default: use --cafile for TLS instead)\n"
            " -k, --keepalive  keepalive in seconds, 0 = off (default 60)\n"
            " -d, --debug      print progress to stderr (MQTT 5.0: reason codes and the\n"
            "                  properties of the CONNACK and of every message)\n",
            MAX_TOPICS);
    example_will_usage(out);
    example_v5_usage(out);
    example_tls_usage(out);
}

/* Returns 0 to go on, or the exit status (after printing why). */
static int parse_args(int argc, char **argv, struct options *o)
{
    int i;

    memset(o, 0, sizeof *o);
    o->host = "127.0.0.1";
    o->port = 1883;
    o->keepalive = 60;
    example_v5_init(&o->v5);

    for (i = 1; i < argc; i++) {
        const char *arg = argv[i];
        const char *val = (i + 1 < argc) ? argv[i + 1] : NULL;
        unsigned long n = 0;
        bool takes_value = true;
        int tls_arg = example_tls_parse(&o->tls, PROG, arg, val);
        int will_arg = tls_arg == 0 ? example_will_parse(&o->will, PROG, arg, val) : 0;

        if (tls_arg < 0 || will_arg < 0) {
            return 1;
        } else if (tls_arg > 0) {
            /* a TLS option and its value */
        } else if (will_arg > 0) {
            takes_value = will_arg == 2;
        } else if (example_is_opt(arg, "-D", "--property")) {
            int used = example_v5_parse_property(&o->v5, PROG, argc - i - 1, argv + i + 1);
            if (used < 0) {
                return 1;
            }
            i += used;
            takes_value = false;
        } else if (example_is_opt(arg, NULL, "--help")) {
            usage(stdout);
            exit(0);
        } else if (example_is_opt(arg, NULL, "--plaintext-password")) {
            o->plaintext_password = true;
            takes_value = false;
        } else if (example_is_opt(arg, "-v", "--verbose")) {
            o->verbose = true;
            takes_value = false;
        } else if (example_is_opt(arg, "-c", "--disable-clean-session")) {
            o->persistent = true;
            takes_value = false;
        } else if (example_is_opt(arg, "-d", "--debug")) {
            o->debug = true;
            takes_value = false;
        } else if (val == NULL) {
            fprintf(stderr, PROG ": %s: unknown option or missing value\n", arg);
            usage(stderr);
            return 1;
        } else if (example_is_opt(arg, "-V", "--protocol-version")) {
            if (!example_v5_parse_version(&o->v5, PROG, val)) {
                return 1;
            }
        } else if (example_is_opt(arg, "-h", "--host")) {
            o->host = val;
        } else if (example_is_opt(arg, "-p", "--port")) {
            if (!example_parse_ulong(val, 1, 65535, &n)) {
                fprintf(stderr, PROG ": invalid port: %s\n", val);
                return 1;
            }
            o->port = (uint16_t)n;
            o->port_given = true;
        } else if (example_is_opt(arg, "-t", "--topic")) {
            if (o->topic_count == MAX_TOPICS) {
                fprintf(stderr, PROG ": at most %d topic filters\n", MAX_TOPICS);
                return 1;
            }
            o->topics[o->topic_count++] = val;
        } else if (example_is_opt(arg, "-q", "--qos")) {
            if (!example_parse_ulong(val, 0, 2, &n)) {
                fprintf(stderr, PROG ": invalid QoS (0, 1 or 2): %s\n", val);
                return 1;
            }
            o->qos = (uint8_t)n;
        } else if (example_is_opt(arg, "-C", NULL)) {
            if (!example_parse_ulong(val, 1, (unsigned long)-1, &o->count)) {
                fprintf(stderr, PROG ": invalid count: %s\n", val);
                return 1;
            }
        } else if (example_is_opt(arg, "-W", NULL)) {
            /* Kept below 2^32 ms so the deadline arithmetic stays in uint32_t. */
            if (!example_parse_ulong(val, 1, 4000000ul, &o->timeout_s)) {
                fprintf(stderr, PROG ": invalid timeout: %s\n", val);
                return 1;
            }
        } else if (example_is_opt(arg, "-i", "--id")) {
            o->client_id = val;
        } else if (example_is_opt(arg, "-u", "--username")) {
            o->username = val;
        } else if (example_is_opt(arg, "-P", "--pw")) {
            o->password = val;
        } else if (example_is_opt(arg, "-k", "--keepalive")) {
            if (!example_parse_ulong(val, 0, 65535, &n)) {
                fprintf(stderr, PROG ": invalid keepalive: %s\n", val);
                return 1;
            }
            o->keepalive = (uint16_t)n;
        } else {
            fprintf(stderr, PROG ": unknown option: %s\n", arg);
            usage(stderr);
            return 1;
        }
        if (takes_value) {
            i++;
        }
    }

    if (o->topic_count == 0) {
        fprintf(stderr, PROG ": at least one topic filter is required (-t)\n");
        usage(stderr);
        return 1;
    }
    if (o->persistent && o->client_id == NULL) {
        fprintf(stderr, PROG ": -c needs a fixed client id (-i): the session is stored under it\n");
        return 1;
    }
    if (!example_v5_check(&o->v5, PROG) || !example_will_check(&o->will, &o->v5, PROG)) {
        return 1;
    }
    if (!o->port_given && example_tls_enabled(&o->tls)) {
        o->port = 8883; /* MQTT over TLS */
    }
    return 0;
}

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

/* Called from inside mqtt_rs_client_* for every chunk of every message. The
 * chunk's memory belongs to the library and is valid only during the call. */
static void on_message(void *userdata, const mqtt_rs_message *msg)
{
    struct state *st = (struct state *)userdata;

    if (st->done) {
        return; /* -C reached: do not print more than asked for */
    }
#if defined(MQTT_RS_MQTT5)
    if (msg->offset == 0 && st->opts->debug && st->opts->v5.protocol_version == 5) {
        /* The properties point into the receive buffer: read them now. */
        fprintf(stderr, PROG ": received PUBLISH (q%u, r%d, '%.*s', %lu bytes)\n", (unsigned)msg->qos,
                msg->retain ? 1 : 0, (int)msg->topic_len, msg->topic, (unsigned long)msg->total_len);
        example_v5_print_properties(stderr, PROG, &msg->properties);
    }
#endif
    if (msg->offset == 0 && st->opts->verbose) {
        fwrite(msg->topic, 1, msg->topic_len, stdout);
        fputc(' ', stdout);
    }
    if (msg->payload_len > 0) {
        fwrite(msg->payload, 1, msg->payload_len, stdout);
    }
    if (msg->offset + msg->payload_len == msg->total_len) {
        /* Last (or only) chunk. Flush per message so that a pipe or file
         * sees each one at once. */
        fputc('\n', stdout);
        fflush(stdout);
        st->received++;
        if (st->opts->count != 0 && st->received >= st->opts->count) {
            st->done = true;
        }
    }
}

static void on_event(void *userdata, const mqtt_rs_event *event)
{
    const struct state *st = (const struct state *)userdata;

    if (!st->opts->debug) {
        return;
    }
    switch (event->kind) {
    case MQTT_RS_EVENT_CONNECTED:
        fprintf(stderr, PROG ": connected: %s (session present: %d)",
                mqtt_rs_result_str(event->result), event->session_present ? 1 : 0);
        example_v5_print_reason(stderr, PROG, &st->opts->v5, event);
        break;
    case MQTT_RS_EVENT_DISCONNECTED:
        fprintf(stderr, PROG ": disconnected: %s", mqtt_rs_result_str(event->result));
        example_v5_print_reason(stderr, PROG, &st->opts->v5, event);
        break;
    case MQTT_RS_EVENT_SUBSCRIBE_DONE:
        fprintf(stderr, PROG ": received SUBACK (packet id %u): %s", (unsigned)event->packet_id,
                mqtt_rs_result_str(event->result));
        example_v5_print_reason(stderr, PROG, &st->opts->v5, event);
        break;
    default:
        break;
    }
}

/* Subscribes to every filter in one SUBSCRIBE; with MQTT 5.0 it carries the -D
 * subscribe properties. granted receives the return (v5: reason) code per filter. */
static mqtt_rs_result subscribe(const struct options *o, mqtt_rs_subscription *subs, uint8_t *granted)
{
#if defined(MQTT_RS_MQTT5)
    if (o->v5.protocol_version == 5) {
        mqtt_rs_subscription_v5 subs_v5[MAX_TOPICS];
        size_t i;

        for (i = 0; i < o->topic_count; i++) {
            memset(&subs_v5[i], 0, sizeof subs_v5[i]);
            subs_v5[i].filter = subs[i].filter;
            subs_v5[i].qos = subs[i].qos;
        }
        return mqtt_rs_client_subscribe_v5(&client, subs_v5, o->topic_count, o->v5.subscription_id,
                                           granted, SUBSCRIBE_TIMEOUT_MS);
    }
#endif
    return mqtt_rs_client_subscribe(&client, subs, o->topic_count, granted, SUBSCRIBE_TIMEOUT_MS);
}

/* MQTT 5.0: the SUBACK reason code as well (0-2 granted QoS, 0x80 and above refused). */
static void print_granted_v5(const struct options *o, uint8_t code)
{
    if (o->v5.protocol_version == 5) {
        fprintf(stderr, ", reason code 0x%02x", (unsigned)code);
    }
}

int main(int argc, char **argv)
{
    struct options o;
    struct state st;
    mqtt_rs_client_config cfg;
    mqtt_rs_connect_options copts;
    mqtt_rs_subscription subs[MAX_TOPICS];
    uint8_t granted[MAX_TOPICS];
    struct sigaction sa;
    mqtt_rs_result rc;
    char default_id[32];
    bool session_present = false;
    uint32_t start_ms;
    size_t i;
    int status;

    status = parse_args(argc, argv, &o);
    if (status != 0) {
        return status;
    }
    st.opts = &o;
    st.received = 0;
    st.done = false;

    /* SIGINT/SIGTERM: set a flag, leave the loop, disconnect cleanly.
     * No SA_RESTART, so the port's poll() returns early too. */
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    /* The client: network port, caller-owned buffers, callbacks. */
    memset(&cfg, 0, sizeof cfg);
    mqtt_rs_posix_net_init(&net_ctx, &cfg.net);
    cfg.tx_buf = tx_buf;
    cfg.tx_len = sizeof tx_buf;
    cfg.rx_buf = rx_buf;
    cfg.rx_len = sizeof rx_buf;
    cfg.slots = slots;
    cfg.slot_count = SLOT_COUNT;
    cfg.on_message = on_message;
    cfg.on_event = on_event;
    cfg.userdata = &st;
    rc = mqtt_rs_client_init(&client, &cfg);
    if (rc != MQTT_RS_OK) {
        example_report(PROG, "init", rc, NULL);
        return 1;
    }
    /* TLS, if asked for: every connection of this client then uses it. */
    if (example_tls_apply(&o.tls, &client, PROG) != MQTT_RS_OK) {
        mqtt_rs_client_deinit(&client);
        return 1;
    }

    /* Connect. */
    if (o.client_id == NULL) {
        (void)snprintf(default_id, sizeof default_id, PROG "-%ld", (long)getpid());
        o.client_id = default_id;
    }
    mqtt_rs_connect_options_init(&copts);
    copts.host = o.host;
    copts.port = o.port;
    copts.client_id = o.client_id;
    copts.username = o.username;
    if (o.password != NULL) {
        copts.password = (const uint8_t *)o.password;
        copts.password_len = strlen(o.password);
    }
    copts.allow_plaintext_credentials = o.plaintext_password;
    copts.keepalive_s = o.keepalive;
    copts.clean_session = !o.persistent;
    example_will_apply(&o.will, &copts);
    example_v5_apply_connect(&o.v5, &copts);
    rc = mqtt_rs_client_connect(&client, &copts, CONNECT_TIMEOUT_MS, &session_present);
    if (rc != MQTT_RS_OK) {
        example_report(PROG, "connect", rc, &client);
        mqtt_rs_client_deinit(&client);
        return example_exit_status(rc);
    }
    if (o.debug && example_tls_enabled(&o.tls)) {
        fprintf(stderr, PROG ": tls: %s\n",
                mqtt_rs_client_tls_resumed(&client) ? "resumed" : "full handshake");
    }
    /* -W counts from here, like mosquitto_sub. */
    start_ms = cfg.net.now_ms(cfg.net.ctx);

    /* Subscribe to every filter in one SUBSCRIBE. Messages (e.g. retained
     * ones) may already be delivered to on_message during this call. */
    for (i = 0; i < o.topic_count; i++) {
        subs[i].filter = o.topics[i];
        subs[i].qos = o.qos;
        granted[i] = 0;
    }
    rc = subscribe(&o, subs, granted);
    if (rc != MQTT_RS_OK) {
        example_report(PROG, "subscribe", rc, &client);
        if (rc == MQTT_RS_SUBSCRIBE_FAILED) {
            for (i = 0; i < o.topic_count; i++) {
                if (granted[i] >= 0x80) {
                    fprintf(stderr, PROG ": refused by the broker: %s", o.topics[i]);
                    print_granted_v5(&o, granted[i]);
                    fputc('\n', stderr);
                }
            }
        }
        (void)mqtt_rs_client_disconnect(&client, DISCONNECT_TIMEOUT_MS);
        mqtt_rs_client_deinit(&client);
        return 1;
    }
    if (o.debug) {
        for (i = 0; i < o.topic_count; i++) {
            fprintf(stderr, PROG ": subscribed: %s (granted QoS %u", o.topics[i],
                    (unsigned)granted[i]);
            print_granted_v5(&o, granted[i]);
            fputs(")\n", stderr);
        }
        if (o.persistent) {
            fprintf(stderr, PROG ": session present: %d\n", session_present ? 1 : 0);
        }
    }

    /* Receive until -C is reached, -W runs out or a signal arrives. */
    status = 0;
    while (!st.done && !stop_requested) {
        uint32_t slice = WAIT_SLICE_MS;

        if (o.timeout_s != 0) {
            uint32_t limit = (uint32_t)(o.timeout_s * 1000u);
            uint32_t elapsed = cfg.net.now_ms(cfg.net.ctx) - start_ms; /* wraps safely */
            if (elapsed >= limit) {
                fprintf(stderr, PROG ": timed out after %lu s waiting for messages\n", o.timeout_s);
                status = EXIT_TIMEOUT;
                break;
            }
            if (limit - elapsed < slice) {
                slice = limit - elapsed;
            }
        }
        rc = mqtt_rs_client_wait(&client, slice);
        if (rc != MQTT_RS_OK) {
            example_report(PROG, "connection lost", rc, &client);
            mqtt_rs_client_deinit(&client);
            return 1;
        }
    }

    rc = mqtt_rs_client_disconnect(&client, DISCONNECT_TIMEOUT_MS);
    if (rc != MQTT_RS_OK && status == 0) {
        example_report(PROG, "disconnect", rc, &client);
        status = 1;
    }
    /* Releases the TLS state on the heap (nothing for plain MQTT). */
    mqtt_rs_client_deinit(&client);
    return status;
}
