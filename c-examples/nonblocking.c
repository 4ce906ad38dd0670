/*
 * nonblocking - the non-blocking mqtt_rs API in a single-threaded superloop,
 * the way firmware without an RTOS (or with one task for everything) uses it.
 *
 * It connects, subscribes to a topic, publishes -n messages to that same
 * topic and receives them back, then disconnects. Nothing in the loop
 * blocks except one poll() on the socket between iterations:
 *
 *     for (;;) {
 *         mqtt_rs_client_poll(&client, &sleep_ms);  // all pending I/O, callbacks
 *         ...application work: start new operations...
 *         wait for the socket or sleep_ms, whichever comes first
 *     }
 *
 * sleep_ms is the library's next deadline (keepalive ping, ...). Sleeping
 * in poll() on the socket with that timeout wakes the loop as soon as data
 * arrives, so there is no polling interval to tune and no busy-waiting. On
 * bare metal the equivalent is "sleep until the network interrupt or the
 * timer at sleep_ms"; on an RTOS, wait on the network event group with
 * sleep_ms as the timeout.
 *
 *   nonblocking -h 127.0.0.1 -p 1883 -t test/nonblocking -n 100 -q 1
 *   nonblocking -t test/nonblocking -n 20 -s 500000    (large payloads)
 *   nonblocking --cafile ca.crt -p 8883 -t test/nb      (TLS)
 *
 * With -s the payloads are larger than the transmit buffer: the library
 * writes them straight from the application's memory, the socket's send
 * buffer fills up, begin_publish answers MQTT_RS_BUSY while a payload is
 * still being written, and the loop waits for POLLOUT.
 *
 * Exit status 0 when all -n messages were completed (QoS 1/2: their
 * PUBLISH_DONE event; QoS 0: written) and all -n came back; 1 otherwise.
 */
#if defined(__APPLE__) && !defined(_DARWIN_C_SOURCE)
#define _DARWIN_C_SOURCE
#endif
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "example_common.h"
#include "mqtt_rs.h"
#include "posix_net.h"

#define PROG "nonblocking"

#define TX_BUF_SIZE 1024
#define RX_BUF_SIZE 1024
/* Slots hold the state of QoS 1/2 flows in both directions. The outgoing
 * window is limited to half of them (max_inflight) so that incoming QoS 2
 * messages, which hold a slot until PUBREL, always find one. */
#define SLOT_COUNT 8
#define OUT_WINDOW 4
/* Outgoing payloads must stay untouched until the library is done with
 * them: a small pool of message buffers, slightly more than the window,
 * since QoS 0 messages do not use a window slot. */
#define POOL_SIZE (OUT_WINDOW + 4)

/* The whole run must finish within this time (a test, not a daemon). This
 * is the only cap on the sleep besides the library's own sleep_ms. */
#define RUN_TIMEOUT_MS 30000u
#define DISCONNECT_TIMEOUT_MS 2000u

static mqtt_rs_client client;
static uint8_t tx_buf[TX_BUF_SIZE];
static uint8_t rx_buf[RX_BUF_SIZE];
static mqtt_rs_inflight_slot slots[SLOT_COUNT];
static mqtt_rs_posix_net net_ctx;

struct options {
    const char *host;
    uint16_t port;
    bool port_given;
    const char *topic;
    unsigned long count;
    unsigned long size;    /* -s: payload bytes; 0 = short text messages */
    uint8_t qos;
    bool debug;
    struct example_tls tls;
};

/* One outgoing message buffer. */
struct out_msg {
    bool busy;          /* handed to begin_publish, the library may still read it */
    bool qos0;          /* QoS 0: free once a poll has written it out (no event) */
    uint16_t packet_id; /* from begin_publish; 0 for QoS 0 */
    const uint8_t *payload; /* text, or the shared large payload */
    size_t len;
    char text[48];
};

/* Everything the callbacks update. */
struct app {
    const struct options *opts;
    bool connected;
    bool subscribed;
    bool disconnected;
    bool closing;           /* begin_disconnect called: DISCONNECTED is expected */
    bool failed;
    const char *failed_what;
    mqtt_rs_result failure;
    unsigned long sent;     /* begin_publish accepted */
    unsigned long done;     /* QoS 1/2: PUBLISH_DONE with MQTT_RS_OK; QoS 0: written */
    unsigned long received; /* complete messages received */
    uint8_t *big;           /* -s: one payload, read-only once filled, shared by every message */
    struct out_msg pool[POOL_SIZE];
};

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: " PROG " [-h host] [-p port] [-t topic] [-n count] [-q qos] [-s size] [-d] [--help]\n"
            "\n"
            " -h  broker host (default 127.0.0.1)\n"
            " -p  broker port (default 1883, 8883 with TLS)\n"
            " -t  topic to publish to and subscribe to (default mqtt_rs/example/nonblocking)\n"
            " -n  number of messages (default 100)\n"
            " -q  QoS for publishing and subscribing, 0, 1 or 2 (default 1)\n"
            " -s  payload size in bytes (default: short text messages)\n"
            " -d  print progress to stderr\n");
    example_tls_usage(out);
}

static int parse_args(int argc, char **argv, struct options *o)
{
    int i;

    memset(o, 0, sizeof *o);
    o->host = "127.0.0.1";
    o->port = 1883;
    o->topic = "mqtt_rs/example/nonblocking";
    o->count = 100;
    o->qos = 1;

    for (i = 1; i < argc; i++) {
        const char *arg = argv[i];
        const char *val = (i + 1 < argc) ? argv[i + 1] : NULL;
        unsigned long n = 0;
        int tls_arg = example_tls_parse(&o->tls, PROG, arg, val);

        if (tls_arg < 0) {
            return 1;
        } else if (tls_arg > 0) {
            /* a TLS option and its value */
        } else if (strcmp(arg, "--help") == 0) {
            usage(stdout);
            exit(0);
        } else if (strcmp(arg, "-d") == 0) {
            o->debug = true;
            continue;
        } else if (val == NULL) {
            fprintf(stderr, PROG ": %s: unknown option or missing value\n", arg);
            usage(stderr);
            return 1;
        } else if (strcmp(arg, "-h") == 0) {
            o->host = val;
        } else if (strcmp(arg, "-p") == 0) {
            if (!example_parse_ulong(val, 1, 65535, &n)) {
                fprintf(stderr, PROG ": invalid port: %s\n", val);
                return 1;
            }
            o->port = (uint16_t)n;
            o->port_given = true;
        } else if (strcmp(arg, "-t") == 0) {
            o->topic = val;
        } else if (strcmp(arg, "-n") == 0) {
            if (!example_parse_ulong(val, 1, 1000000ul, &o->count)) {
                fprintf(stderr, PROG ": invalid count: %s\n", val);
                return 1;
            }
        } else if (strcmp(arg, "-s") == 0) {
            if (!example_parse_ulong(val, 1, 256ul * 1024 * 1024, &o->size)) {
                fprintf(stderr, PROG ": invalid size: %s\n", val);
                return 1;
            }
        } else if (strcmp(arg, "-q") == 0) {
            if (!example_parse_ulong(val, 0, 2, &n)) {
                fprintf(stderr, PROG ": invalid QoS (0, 1 or 2): %s\n", val);
                return 1;
            }
            o->qos = (uint8_t)n;
        } else {
            fprintf(stderr, PROG ": unknown option: %s\n", arg);
            usage(stderr);
            return 1;
        }
        i++;
    }
    if (!o->port_given && example_tls_enabled(&o->tls)) {
        o->port = 8883; /* MQTT over TLS */
    }
    return 0;
}

static void fail(struct app *app, const char *what, mqtt_rs_result rc)
{
    if (!app->failed) {
        app->failed = true;
        app->failed_what = what;
        app->failure = rc;
    }
}

/* A PUBLISH_DONE (QoS 1/2) frees the buffer of that flow: packet ids are
 * unique among unfinished flows. */
static void release_buffer(struct app *app, uint16_t packet_id)
{
    size_t i;

    for (i = 0; i < POOL_SIZE; i++) {
        struct out_msg *m = &app->pool[i];
        if (m->busy && !m->qos0 && m->packet_id == packet_id) {
            m->busy = false;
            return;
        }
    }
}

/* QoS 0 has no completion event: begin_publish returns MQTT_RS_OK and the
 * message is written by the next mqtt_rs_client_poll. The poll writes until
 * everything queued is out or the socket's send buffer is full, so when the
 * port reports no blocked write after a poll, every QoS 0 message queued
 * before it has been written and its buffer is free again. */
static void release_written_qos0(struct app *app)
{
    size_t i;

    if ((mqtt_rs_posix_net_poll_events(&net_ctx) & POLLOUT) != 0) {
        return; /* still connecting, or a write is stuck: not all out yet */
    }
    for (i = 0; i < POOL_SIZE; i++) {
        struct out_msg *m = &app->pool[i];
        if (m->busy && m->qos0) {
            m->busy = false;
            app->done++;
        }
    }
}

static struct out_msg *free_buffer(struct app *app)
{
    size_t i;

    for (i = 0; i < POOL_SIZE; i++) {
        if (!app->pool[i].busy) {
            return &app->pool[i];
        }
    }
    return NULL;
}

/* Events are delivered from inside mqtt_rs_client_poll. */
static void on_event(void *userdata, const mqtt_rs_event *ev)
{
    struct app *app = (struct app *)userdata;

    switch (ev->kind) {
    case MQTT_RS_EVENT_CONNECTED:
        if (ev->result == MQTT_RS_OK) {
            app->connected = true;
        } else {
            fail(app, "connect", ev->result);
        }
        break;
    case MQTT_RS_EVENT_SUBSCRIBE_DONE:
        if (ev->result != MQTT_RS_OK) {
            fail(app, "subscribe", ev->result);
        } else if (ev->granted_count < 1 || ev->granted_qos == NULL || ev->granted_qos[0] == 0x80) {
            fail(app, "subscribe", MQTT_RS_SUBSCRIBE_FAILED);
        } else {
            app->subscribed = true;
        }
        break;
    case MQTT_RS_EVENT_PUBLISH_DONE:
        release_buffer(app, ev->packet_id);
        if (ev->result == MQTT_RS_OK) {
            app->done++;
        } else {
            fail(app, "publish", ev->result);
        }
        break;
    case MQTT_RS_EVENT_UNSUBSCRIBE_DONE:
        break;
    case MQTT_RS_EVENT_DISCONNECTED:
        app->disconnected = true;
        app->connected = false;
        if (!app->closing) {
            fail(app, "connection lost", ev->result);
        }
        break;
    default:
        break;
    }
}

static void on_message(void *userdata, const mqtt_rs_message *msg)
{
    struct app *app = (struct app *)userdata;

    if (app->big != NULL && msg->payload_len > 0 &&
        memcmp(msg->payload, app->big + msg->offset, msg->payload_len) != 0) {
        fail(app, "receive", MQTT_RS_MALFORMED_PACKET); /* cannot happen: bytes changed */
    }
    if (msg->offset + msg->payload_len == msg->total_len) {
        if (msg->total_len != (app->big != NULL ? app->opts->size : msg->total_len)) {
            fail(app, "receive", MQTT_RS_MALFORMED_PACKET);
        }
        app->received++;
        if (app->opts->debug) {
            fprintf(stderr, PROG ": received message %lu (%lu bytes)\n", app->received,
                    (unsigned long)msg->total_len);
        }
    }
}

/* Starts as many publishes as the window and the buffer pool allow.
 * Returns true if at least one was started. */
static bool publish_some(struct app *app)
{
    bool started = false;

    while (app->sent < app->opts->count && !app->failed) {
        struct out_msg *m = free_buffer(app);
        uint16_t packet_id = 0;
        mqtt_rs_result rc;
        int len;

        if (m == NULL) {
            break; /* every buffer still in flight: wait for PUBLISH_DONE */
        }
        if (app->big != NULL) {
            m->payload = app->big;
            m->len = app->opts->size;
        } else {
            len = snprintf(m->text, sizeof m->text, "message %lu of %lu", app->sent + 1, app->opts->count);
            m->payload = (const uint8_t *)m->text;
            m->len = (size_t)len;
        }
        rc = mqtt_rs_client_begin_publish(&client, app->opts->topic, m->payload, m->len, app->opts->qos,
                                          false, &packet_id);
        if (rc == MQTT_RS_INFLIGHT_FULL || rc == MQTT_RS_BUSY) {
            /* Window full (wait for acks) or a large write still going on
             * (wait for the socket): both resolve in a later poll. */
            break;
        }
        if (rc != MQTT_RS_IN_PROGRESS && !(rc == MQTT_RS_OK && app->opts->qos == 0)) {
            fail(app, "begin_publish", rc);
            break;
        }
        /* QoS 1/2: IN_PROGRESS, then a PUBLISH_DONE event for packet_id.
         * QoS 0: OK, no event; written by the next poll. */
        m->busy = true;
        m->qos0 = rc == MQTT_RS_OK;
        m->packet_id = packet_id;
        app->sent++;
        started = true;
    }
    return started;
}

/* Sleeps until the socket is ready or sleep_ms passed. */
static void wait_for_io(uint32_t sleep_ms)
{
    int timeout = sleep_ms > (uint32_t)INT_MAX ? INT_MAX : (int)sleep_ms;
    int fd = mqtt_rs_posix_net_fd(&net_ctx);

    if (fd < 0) {
        (void)poll(NULL, 0, timeout); /* no socket (yet): plain sleep */
    } else {
        struct pollfd pfd;
        pfd.fd = fd;
        /* POLLIN always; POLLOUT only while connecting or while a write is
         * stuck on a full send buffer (otherwise it would fire at once). */
        pfd.events = mqtt_rs_posix_net_poll_events(&net_ctx);
        pfd.revents = 0;
        (void)poll(&pfd, 1, timeout);
    }
}

int main(int argc, char **argv)
{
    static struct app app;
    struct options o;
    mqtt_rs_client_config cfg;
    mqtt_rs_connect_options copts;
    mqtt_rs_subscription sub;
    mqtt_rs_result rc;
    char client_id[32];
    bool subscribe_started = false;
    unsigned long iterations = 0;
    uint32_t start_ms;
    uint32_t elapsed = 0;
    int status;

    status = parse_args(argc, argv, &o);
    if (status != 0) {
        return status;
    }
    memset(&app, 0, sizeof app);
    app.opts = &o;
    if (o.size > 0) {
        /* Application memory, read-only from here on, so every message can
         * point at it; the library never copies it into tx_buf. */
        uint8_t *big = (uint8_t *)malloc(o.size);
        unsigned long i;
        if (big == NULL) {
            fprintf(stderr, PROG ": out of memory for -s %lu\n", o.size);
            return 1;
        }
        for (i = 0; i < o.size; i++) {
            big[i] = (uint8_t)(i * 7u + (i >> 8));
        }
        app.big = big;
    }

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
    cfg.userdata = &app;
    rc = mqtt_rs_client_init(&client, &cfg);
    if (rc != MQTT_RS_OK) {
        example_report(PROG, "init", rc, NULL);
        free(app.big);
        return 1;
    }
    /* TLS, if asked for; the handshake then runs inside mqtt_rs_client_poll
     * like everything else, without blocking. */
    if (example_tls_apply(&o.tls, &client, PROG) != MQTT_RS_OK) {
        mqtt_rs_client_deinit(&client);
        free(app.big);
        return 1;
    }

    (void)snprintf(client_id, sizeof client_id, PROG "-%ld", (long)getpid());
    mqtt_rs_connect_options_init(&copts);
    copts.host = o.host; /* must stay valid until CONNECTED: it does (argv) */
    copts.port = o.port;
    copts.client_id = client_id;
    copts.keepalive_s = 30;
    copts.clean_session = true;
    copts.max_inflight = OUT_WINDOW;
    rc = mqtt_rs_client_begin_connect(&client, &copts);
    if (rc != MQTT_RS_IN_PROGRESS) {
        example_report(PROG, "begin_connect", rc, &client);
        mqtt_rs_client_deinit(&client);
        free(app.big);
        return 1;
    }

    /* The superloop. */
    start_ms = cfg.net.now_ms(cfg.net.ctx);
    for (;;) {
        uint32_t sleep_ms = UINT32_MAX;
        bool started = false;

        iterations++;
        rc = mqtt_rs_client_poll(&client, &sleep_ms);
        if (rc != MQTT_RS_OK) {
            fail(&app, "poll", rc);
        }
        if (app.failed) {
            break;
        }
        release_written_qos0(&app);

        /* Application work, driven by the state the callbacks left. */
        if (app.connected && !subscribe_started) {
            sub.filter = o.topic;
            sub.qos = o.qos;
            rc = mqtt_rs_client_begin_subscribe(&client, &sub, 1, NULL);
            if (rc != MQTT_RS_IN_PROGRESS) {
                fail(&app, "begin_subscribe", rc);
                break;
            }
            subscribe_started = true;
            started = true;
        }
        if (app.subscribed) {
            started = publish_some(&app) || started;
        }
        if (app.done == o.count && app.received == o.count) {
            break; /* done */
        }
        if (app.failed) {
            break;
        }

        elapsed = cfg.net.now_ms(cfg.net.ctx) - start_ms;
        if (elapsed >= RUN_TIMEOUT_MS) {
            fail(&app, "run", MQTT_RS_TIMEOUT);
            break;
        }
        if (started) {
            continue; /* new packets queued: let poll send them right away */
        }
        if (sleep_ms > RUN_TIMEOUT_MS - elapsed) {
            sleep_ms = RUN_TIMEOUT_MS - elapsed;
        }
        wait_for_io(sleep_ms);
    }
    elapsed = cfg.net.now_ms(cfg.net.ctx) - start_ms;

    /* Leave cleanly: DISCONNECT, then poll until the library reports the
     * connection closed. */
    app.closing = true;
    if (mqtt_rs_client_is_connected(&client) &&
        mqtt_rs_client_begin_disconnect(&client) == MQTT_RS_IN_PROGRESS) {
        uint32_t t0 = cfg.net.now_ms(cfg.net.ctx);
        while (!app.disconnected) {
            uint32_t sleep_ms = UINT32_MAX;
            uint32_t waited;
            if (mqtt_rs_client_poll(&client, &sleep_ms) != MQTT_RS_OK ||
                !mqtt_rs_client_is_connected(&client)) {
                break;
            }
            waited = cfg.net.now_ms(cfg.net.ctx) - t0;
            if (waited >= DISCONNECT_TIMEOUT_MS) {
                break;
            }
            wait_for_io(sleep_ms < DISCONNECT_TIMEOUT_MS - waited ? sleep_ms : DISCONNECT_TIMEOUT_MS - waited);
        }
    }

    printf(PROG ": sent %lu, completed %lu, received %lu of %lu at QoS %u in %lu ms (%lu loop iterations)\n",
           app.sent, app.done, app.received, o.count, (unsigned)o.qos, (unsigned long)elapsed, iterations);
    if (app.failed) {
        example_report(PROG, app.failed_what, app.failure, &client);
    }
    mqtt_rs_client_deinit(&client); /* closes the network if still open */
    free(app.big);                  /* the client no longer references it */
    if (app.failed) {
        return 1;
    }
    return 0;
}
