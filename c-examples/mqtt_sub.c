/*
 * mqtt_sub - subscribe and print messages with the blocking mqtt_rs API.
 * Options follow mosquitto_sub.
 *
 *   mqtt_sub -h 127.0.0.1 -t 'sensors/#' -v
 *   mqtt_sub -t alerts -q 1 -C 1 -W 30
 *   mqtt_sub -h broker.example --cafile ca.crt -t 'sensors/#' -v      (TLS, port 8883)
 *
 * Each message is printed on its own line ("payload", or "topic payload"
 * with -v). A message bigger than the receive buffer reaches the
 * application in chunks (offset, total_len); they are written out as they
 * come, and the newline follows the last chunk. So a 1 MiB message needs no
 * 1 MiB buffer anywhere.
 *
 * TLS: --cafile turns it on, with the same options as mqtt_pub (--cert,
 * --key, --tls-version, --tls-alpn, --tls-server-name); see setup_tls().
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

#include "mqtt_rs.h"
#include "posix_net.h"
#include "posix_tls_platform.h"

#define PROG "mqtt_sub"

#define TX_BUF_SIZE 1024      /* SUBSCRIBE with all filters must fit */
#define RX_BUF_SIZE 2048      /* larger payloads arrive in chunks */
#define SLOT_COUNT 8          /* incoming QoS 2 flows need a slot each until PUBREL */
#define MAX_TOPICS 16

#define CONNECT_TIMEOUT_MS 10000u
#define SUBSCRIBE_TIMEOUT_MS 10000u
#define DISCONNECT_TIMEOUT_MS 2000u

#define MQTT_PORT 1883
#define MQTT_TLS_PORT 8883
#define MAX_ALPN 4
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
    uint16_t keepalive;
    bool debug;
    /* TLS, on when cafile is set. */
    const char *cafile;
    const char *certfile;
    const char *keyfile;
    const char *server_name;
    const char *alpn[MAX_ALPN];
    size_t alpn_count;
    uint8_t tls_min_version; /* MQTT_RS_TLS_VERSION_1_2 or _1_3 */
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
            "                [-k keepalive] [-d]\n"
            "                [--cafile file [--cert file --key file] [--tls-version version]\n"
            "                 [--tls-alpn protocol] [--tls-server-name name]] [--help]\n"
            "\n"
            " -h, --host       broker host (default 127.0.0.1)\n"
            " -p, --port       broker port (default 1883, with TLS 8883)\n"
            " -t, --topic      topic filter to subscribe to (repeatable, up to %d)\n"
            " -q, --qos        requested quality of service 0, 1 or 2 (default 0)\n"
            " -C               exit after this many messages\n"
            " -W               exit with status 27 if this many seconds pass first\n"
            " -v, --verbose    print \"topic payload\" instead of \"payload\"\n"
            " -c, --disable-clean-session  persistent session (needs -i)\n"
            " -i, --id         client id (default " PROG "-<pid>)\n"
            " -u, --username   user name\n"
            " -P, --pw         password\n"
            " -k, --keepalive  keepalive in seconds, 0 = off (default 60)\n"
            " -d, --debug      print progress to stderr\n"
            "TLS (on with --cafile; the broker certificate is always verified):\n"
            " --cafile         CA certificate(s) to trust, PEM or DER\n"
            " --cert, --key    client certificate and private key for mutual TLS, PEM or DER\n"
            " --tls-version    lowest TLS version: tlsv1.2 (default) or tlsv1.3\n"
            " --tls-alpn       ALPN protocol to offer (repeatable, up to %d)\n"
            " --tls-server-name  name for SNI and certificate check (default: the host)\n",
            MAX_TOPICS, MAX_ALPN);
}

/* Parses a decimal unsigned number within [min, max]. */
static bool parse_ulong(const char *text, unsigned long min, unsigned long max, unsigned long *out)
{
    char *end = NULL;
    unsigned long value;

    if (text == NULL || *text < '0' || *text > '9') {
        return false;
    }
    errno = 0;
    value = strtoul(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || value < min || value > max) {
        return false;
    }
    *out = value;
    return true;
}

static bool is_opt(const char *arg, const char *short_name, const char *long_name)
{
    return (short_name != NULL && strcmp(arg, short_name) == 0) ||
           (long_name != NULL && strcmp(arg, long_name) == 0);
}

/* Returns 0 to go on, or the exit status (after printing why). */
static int parse_args(int argc, char **argv, struct options *o)
{
    int i;

    memset(o, 0, sizeof *o);
    o->host = "127.0.0.1";
    o->port = 0; /* not given: 1883, or 8883 with TLS */
    o->keepalive = 60;
    o->tls_min_version = MQTT_RS_TLS_VERSION_1_2;

    for (i = 1; i < argc; i++) {
        const char *arg = argv[i];
        const char *val = (i + 1 < argc) ? argv[i + 1] : NULL;
        unsigned long n = 0;
        bool takes_value = true;

        if (is_opt(arg, NULL, "--help")) {
            usage(stdout);
            exit(0);
        } else if (is_opt(arg, "-v", "--verbose")) {
            o->verbose = true;
            takes_value = false;
        } else if (is_opt(arg, "-c", "--disable-clean-session")) {
            o->persistent = true;
            takes_value = false;
        } else if (is_opt(arg, "-d", "--debug")) {
            o->debug = true;
            takes_value = false;
        } else if (val == NULL) {
            fprintf(stderr, PROG ": %s: unknown option or missing value\n", arg);
            usage(stderr);
            return 1;
        } else if (is_opt(arg, "-h", "--host")) {
            o->host = val;
        } else if (is_opt(arg, "-p", "--port")) {
            if (!parse_ulong(val, 1, 65535, &n)) {
                fprintf(stderr, PROG ": invalid port: %s\n", val);
                return 1;
            }
            o->port = (uint16_t)n;
        } else if (is_opt(arg, "-t", "--topic")) {
            if (o->topic_count == MAX_TOPICS) {
                fprintf(stderr, PROG ": at most %d topic filters\n", MAX_TOPICS);
                return 1;
            }
            o->topics[o->topic_count++] = val;
        } else if (is_opt(arg, "-q", "--qos")) {
            if (!parse_ulong(val, 0, 2, &n)) {
                fprintf(stderr, PROG ": invalid QoS (0, 1 or 2): %s\n", val);
                return 1;
            }
            o->qos = (uint8_t)n;
        } else if (is_opt(arg, "-C", NULL)) {
            if (!parse_ulong(val, 1, (unsigned long)-1, &o->count)) {
                fprintf(stderr, PROG ": invalid count: %s\n", val);
                return 1;
            }
        } else if (is_opt(arg, "-W", NULL)) {
            /* Kept below 2^32 ms so the deadline arithmetic stays in uint32_t. */
            if (!parse_ulong(val, 1, 4000000ul, &o->timeout_s)) {
                fprintf(stderr, PROG ": invalid timeout: %s\n", val);
                return 1;
            }
        } else if (is_opt(arg, "-i", "--id")) {
            o->client_id = val;
        } else if (is_opt(arg, "-u", "--username")) {
            o->username = val;
        } else if (is_opt(arg, "-P", "--pw")) {
            o->password = val;
        } else if (is_opt(arg, "-k", "--keepalive")) {
            if (!parse_ulong(val, 0, 65535, &n)) {
                fprintf(stderr, PROG ": invalid keepalive: %s\n", val);
                return 1;
            }
            o->keepalive = (uint16_t)n;
        } else if (is_opt(arg, NULL, "--cafile")) {
            o->cafile = val;
        } else if (is_opt(arg, NULL, "--cert")) {
            o->certfile = val;
        } else if (is_opt(arg, NULL, "--key")) {
            o->keyfile = val;
        } else if (is_opt(arg, NULL, "--tls-version")) {
            if (strcmp(val, "tlsv1.2") == 0) {
                o->tls_min_version = MQTT_RS_TLS_VERSION_1_2;
            } else if (strcmp(val, "tlsv1.3") == 0) {
                o->tls_min_version = MQTT_RS_TLS_VERSION_1_3;
            } else {
                fprintf(stderr, PROG ": invalid TLS version (tlsv1.2 or tlsv1.3): %s\n", val);
                return 1;
            }
        } else if (is_opt(arg, NULL, "--tls-alpn")) {
            if (o->alpn_count == MAX_ALPN) {
                fprintf(stderr, PROG ": at most %d ALPN protocols\n", MAX_ALPN);
                return 1;
            }
            o->alpn[o->alpn_count++] = val;
        } else if (is_opt(arg, NULL, "--tls-server-name")) {
            o->server_name = val;
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
    if (o->cafile == NULL && (o->certfile != NULL || o->keyfile != NULL || o->server_name != NULL ||
                              o->alpn_count > 0 || o->tls_min_version != MQTT_RS_TLS_VERSION_1_2)) {
        fprintf(stderr, PROG ": TLS options need --cafile (the CA that signed the broker's certificate)\n");
        return 1;
    }
    if ((o->certfile == NULL) != (o->keyfile == NULL)) {
        fprintf(stderr, PROG ": --cert and --key go together\n");
        return 1;
    }
    if (o->port == 0) {
        o->port = o->cafile != NULL ? MQTT_TLS_PORT : MQTT_PORT;
    }
    return 0;
}

/* Reads a whole file (certificates and keys are small) into a malloc'd
 * buffer; prints why on failure. Works for pipes too, e.g. --cafile <(...). */
static bool load_file(const char *path, uint8_t **out, size_t *out_len)
{
    FILE *in;
    uint8_t *buf = NULL;
    size_t cap = 0, len = 0;
    bool ok = true;

    errno = 0;
    in = fopen(path, "rb");
    if (in == NULL) {
        fprintf(stderr, PROG ": %s: %s\n", path, strerror(errno));
        return false;
    }
    for (;;) {
        if (len == cap) {
            uint8_t *bigger = cap < 1024u * 1024u ? (uint8_t *)realloc(buf, cap + 4096u) : NULL;
            if (bigger == NULL) {
                errno = cap < 1024u * 1024u ? ENOMEM : EFBIG;
                ok = false;
                break;
            }
            buf = bigger;
            cap += 4096u;
        }
        len += fread(buf + len, 1, cap - len, in);
        if (len < cap) {
            ok = !ferror(in);
            break;
        }
    }
    if (!ok) {
        fprintf(stderr, PROG ": %s: %s\n", path, errno != 0 ? strerror(errno) : "read error");
        free(buf);
        buf = NULL;
        len = 0;
    }
    fclose(in);
    *out = buf;
    *out_len = len;
    return ok;
}

/* Overwrites a buffer that held key material, then frees it. The volatile
 * pointer keeps the compiler from dropping the stores as dead. */
static void wipe_and_free(uint8_t *buf, size_t len)
{
    volatile uint8_t *p = buf;
    size_t i;

    for (i = 0; buf != NULL && i < len; i++) {
        p[i] = 0;
    }
    free(buf);
}

/* Turns TLS on for every following connection of the client: reads the
 * files, fills an mqtt_rs_tls_options and hands it over. The library parses
 * and copies the certificates and the key, so the file buffers are freed
 * right here. Returns false (after printing why) on failure. */
static bool setup_tls(const struct options *o)
{
    mqtt_rs_tls_options tls;
    uint8_t *ca = NULL, *cert = NULL, *key = NULL;
    size_t ca_len = 0, cert_len = 0, key_len = 0;
    mqtt_rs_result rc;
    bool ok = false;

#ifdef MQTT_RS_APP_TLS_PLATFORM
    /* The library was built without its POSIX defaults (CMake
     * MQTT_RS_POSIX_PLATFORM=OFF), as for bare metal: hand it a heap, the
     * wall clock and an entropy source before the first TLS connection. */
    rc = mqtt_rs_posix_tls_platform_install();
    if (rc != MQTT_RS_OK) {
        fprintf(stderr, PROG ": tls platform: %s\n", mqtt_rs_result_str(rc));
        return false;
    }
#endif
    if (!load_file(o->cafile, &ca, &ca_len) ||
        (o->certfile != NULL && !load_file(o->certfile, &cert, &cert_len)) ||
        (o->keyfile != NULL && !load_file(o->keyfile, &key, &key_len))) {
        goto out;
    }
    mqtt_rs_tls_options_init(&tls); /* TLS 1.2+, session resumption on */
    tls.ca = ca;
    tls.ca_len = ca_len;
    tls.cert = cert; /* NULL without mutual TLS */
    tls.cert_len = cert_len;
    tls.key = key;
    tls.key_len = key_len;
    tls.server_name = o->server_name; /* NULL: check the certificate against -h */
    tls.alpn = o->alpn_count > 0 ? o->alpn : NULL;
    tls.alpn_count = o->alpn_count;
    tls.min_version = o->tls_min_version;
    rc = mqtt_rs_client_use_tls(&client, &tls);
    if (rc != MQTT_RS_OK) {
        fprintf(stderr, PROG ": tls: %s\n", mqtt_rs_result_str(rc));
        goto out;
    }
    ok = true;
out:
    free(ca);
    free(cert);
    wipe_and_free(key, key_len);
    return ok;
}

/* "connect: <result>", and for a failed TLS handshake the library's detailed
 * reason (e.g. which certificate check failed) on a second line. */
static void report_connect_failure(mqtt_rs_result rc)
{
    char detail[256];

    fprintf(stderr, PROG ": connect: %s\n", mqtt_rs_result_str(rc));
    if (mqtt_rs_client_tls_error_detail(&client, detail, sizeof detail) > 0) {
        fprintf(stderr, PROG ": tls detail: %s\n", detail);
    }
}

/* mosquitto_sub convention: a refused connection exits with the CONNACK code. */
static int exit_status_for(mqtt_rs_result rc)
{
    switch (rc) {
    case MQTT_RS_CONNACK_UNACCEPTABLE_PROTOCOL: return 1;
    case MQTT_RS_CONNACK_IDENTIFIER_REJECTED: return 2;
    case MQTT_RS_CONNACK_SERVER_UNAVAILABLE: return 3;
    case MQTT_RS_CONNACK_BAD_USERNAME_OR_PASSWORD: return 4;
    case MQTT_RS_CONNACK_NOT_AUTHORIZED: return 5;
    default: return 1;
    }
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
        fprintf(stderr, PROG ": connected: %s (session present: %d)\n",
                mqtt_rs_result_str(event->result), event->session_present ? 1 : 0);
        break;
    case MQTT_RS_EVENT_DISCONNECTED:
        fprintf(stderr, PROG ": disconnected: %s\n", mqtt_rs_result_str(event->result));
        break;
    default:
        break;
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
        fprintf(stderr, PROG ": init: %s\n", mqtt_rs_result_str(rc));
        return 1;
    }

    /* TLS when --cafile is given; from here on every exit goes through out:
     * for mqtt_rs_client_deinit(). */
    if (o.cafile != NULL && !setup_tls(&o)) {
        status = 1;
        goto out;
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
    copts.keepalive_s = o.keepalive;
    copts.clean_session = !o.persistent;
    rc = mqtt_rs_client_connect(&client, &copts, CONNECT_TIMEOUT_MS, &session_present);
    if (rc != MQTT_RS_OK) {
        report_connect_failure(rc);
        status = exit_status_for(rc);
        goto out;
    }
    if (o.debug && o.cafile != NULL) {
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
    rc = mqtt_rs_client_subscribe(&client, subs, o.topic_count, granted, SUBSCRIBE_TIMEOUT_MS);
    if (rc != MQTT_RS_OK) {
        fprintf(stderr, PROG ": subscribe: %s\n", mqtt_rs_result_str(rc));
        if (rc == MQTT_RS_SUBSCRIBE_FAILED) {
            for (i = 0; i < o.topic_count; i++) {
                if (granted[i] == 0x80) {
                    fprintf(stderr, PROG ": refused by the broker: %s\n", o.topics[i]);
                }
            }
        }
        (void)mqtt_rs_client_disconnect(&client, DISCONNECT_TIMEOUT_MS);
        status = 1;
        goto out;
    }
    if (o.debug) {
        for (i = 0; i < o.topic_count; i++) {
            fprintf(stderr, PROG ": subscribed: %s (granted QoS %u)\n", o.topics[i],
                    (unsigned)granted[i]);
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
            fprintf(stderr, PROG ": connection lost: %s\n", mqtt_rs_result_str(rc));
            status = 1;
            goto out;
        }
    }

    rc = mqtt_rs_client_disconnect(&client, DISCONNECT_TIMEOUT_MS);
    if (rc != MQTT_RS_OK && status == 0) {
        fprintf(stderr, PROG ": disconnect: %s\n", mqtt_rs_result_str(rc));
        status = 1;
    }

out:
    /* Releases the TLS state (heap) and closes the network if still open. */
    mqtt_rs_client_deinit(&client);
    return status;
}
