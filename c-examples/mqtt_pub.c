/*
 * mqtt_pub - publish one message (or the same message several times) with
 * the blocking mqtt_rs API. Options follow mosquitto_pub.
 *
 *   mqtt_pub -h 127.0.0.1 -p 1883 -t sensors/temp -m 21.5 -q 1
 *   mqtt_pub -t firmware/image -f image.bin -q 1
 *   mqtt_pub -h broker.local --cafile ca.crt -t alerts -m hello   (TLS, port 8883)
 *   mqtt_pub -h 192.0.2.7 --tls-server-name broker.local --cafile ca.crt \
 *            --cert device.crt --key device.key -t alerts -m hello   (mutual TLS)
 *   mqtt_pub --cafile ca.crt -t t -m x --repeat 2 --reconnect -d   ("tls: resumed")
 *   mqtt_pub -V 5 -t sensors/temp -m 21.5 -D publish user-property unit celsius \
 *            -D publish message-expiry-interval 60   (MQTT 5.0 properties)
 *
 * TLS (example_common.c): --cafile turns it on; the broker's certificate is
 * always verified. A failed handshake prints the result and the library's
 * detail line ("mqtt_pub: detail: ...").
 *
 * Exit status: 0 on success; the CONNACK return code (1..5) when the broker
 * refused the connection, as mosquitto_pub does; 1 for any other failure.
 *
 * Memory: everything the library uses is owned by the application and
 * allocated statically here: the client object, the transmit and receive
 * buffers and the in-flight slots. The plain build never allocates; with
 * TLS the library uses a heap for the TLS session (malloc through its POSIX
 * platform, or the hooks of port/posix_tls_platform.c in a build without
 * it), about 15-25 kB, released by mqtt_rs_client_deinit().
 * The payload of -f/-s is read into a malloc'd buffer, which is this
 * program's choice, not the library's: large payloads are written straight
 * from that buffer, without being copied into the tx buffer, so tx_buf
 * stays small whatever the message size.
 */
#if defined(__APPLE__) && !defined(_DARWIN_C_SOURCE)
#define _DARWIN_C_SOURCE
#endif
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "example_common.h"
#include "mqtt_rs.h"
#include "posix_net.h"

#define PROG "mqtt_pub"

/* Outgoing packets are batched here; large payloads bypass it. */
#define TX_BUF_SIZE 1024
/* A publisher only receives CONNACK and acknowledgements. */
#define RX_BUF_SIZE 256
/* In-flight window: one message at a time is enough for a blocking publisher. */
#define SLOT_COUNT 4

#define CONNECT_TIMEOUT_MS 10000u
#define PUBLISH_TIMEOUT_MS 60000u    /* generous: -f may send megabytes */
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
    const char *message; /* -m */
    const char *file;    /* -f */
    bool null_message;   /* -n */
    bool stdin_file;     /* -s */
    uint8_t qos;
    bool retain;
    const char *client_id;
    const char *username;
    const char *password;
    bool plaintext_password; /* --plaintext-password: allow -P without TLS */
    uint16_t keepalive;
    unsigned long repeat;
    unsigned long repeat_delay_ms;
    bool reconnect;       /* --reconnect: a new connection for every repeat */
    bool debug;
    struct example_tls tls;
    struct example_v5 v5; /* -V, -D */
    struct example_will will; /* --will-* */
};

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: " PROG " [-h host] [-p port] -t topic {-m message | -f file | -s | -n}\n"
            "                [-q qos] [-r] [-i id] [-u username] [-P password] [-k keepalive]\n"
            "                [--repeat count] [--repeat-delay seconds] [--reconnect] [-d] [--help]\n"
            "                [--plaintext-password] [-V version] [-D command identifier value]\n"
            "                [--will-topic topic [--will-payload payload] [--will-qos qos] [--will-retain]]\n"
            "                [--cafile file [--cert file --key file] [--tls-version v] [--tls-alpn p]\n"
            "                 [--tls-server-name name]]\n"
            "\n"
            " -h, --host       broker host (default 127.0.0.1)\n"
            " -p, --port       broker port (default 1883, 8883 with TLS)\n"
            " -t, --topic      topic to publish to\n"
            " -m, --message    message payload\n"
            " -f, --file       send the contents of a file as the message\n"
            " -s, --stdin-file send all of standard input as the message\n"
            " -n, --null-message  send a zero-length message\n"
            " -q, --qos        quality of service 0, 1 or 2 (default 0)\n"
            " -r, --retain     ask the broker to retain the message\n"
            " -i, --id         client id (default " PROG "-<pid>)\n"
            " -u, --username   user name\n"
            " -P, --pw         password\n"
            " --plaintext-password  send -P without TLS, readable by anyone on the path\n"
            "                  (refused by default: use --cafile for TLS instead)\n"
            " -k, --keepalive  keepalive in seconds, 0 = off (default 60)\n"
            " --repeat         publish the message this many times (default 1)\n"
            " --repeat-delay   seconds to wait between repeats (may be fractional)\n"
            " --reconnect      connect anew for every repeat (with TLS and -d: shows\n"
            "                  whether the handshake resumed the previous session)\n"
            " -d, --debug      print progress to stderr\n");
    example_will_usage(out);
    example_v5_usage(out);
    example_tls_usage(out);
}

/* Parses non-negative seconds such as "2" or "0.25" into milliseconds. */
static bool parse_seconds_ms(const char *text, unsigned long *out_ms)
{
    char *end = NULL;
    double seconds;

    if (text == NULL || *text == '\0') {
        return false;
    }
    errno = 0;
    seconds = strtod(text, &end);
    if (errno != 0 || *end != '\0' || !(seconds >= 0.0) || seconds > 86400.0) {
        return false;
    }
    *out_ms = (unsigned long)(seconds * 1000.0 + 0.5);
    return true;
}

static void sleep_ms(unsigned long ms)
{
    struct timespec ts;

    ts.tv_sec = (time_t)(ms / 1000u);
    ts.tv_nsec = (long)(ms % 1000u) * 1000000L;
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* Returns 0 to go on, or the exit status (after printing why). */
static int parse_args(int argc, char **argv, struct options *o)
{
    int i;
    int sources = 0;

    memset(o, 0, sizeof *o);
    o->host = "127.0.0.1";
    o->port = 1883;
    o->keepalive = 60;
    example_v5_init(&o->v5);
    o->repeat = 1;

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
        } else if (example_is_opt(arg, "-r", "--retain")) {
            o->retain = true;
            takes_value = false;
        } else if (example_is_opt(arg, "-n", "--null-message")) {
            o->null_message = true;
            sources++;
            takes_value = false;
        } else if (example_is_opt(arg, "-s", "--stdin-file")) {
            o->stdin_file = true;
            sources++;
            takes_value = false;
        } else if (example_is_opt(arg, "-d", "--debug")) {
            o->debug = true;
            takes_value = false;
        } else if (example_is_opt(arg, NULL, "--reconnect")) {
            o->reconnect = true;
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
            o->topic = val;
        } else if (example_is_opt(arg, "-m", "--message")) {
            o->message = val;
            sources++;
        } else if (example_is_opt(arg, "-f", "--file")) {
            o->file = val;
            sources++;
        } else if (example_is_opt(arg, "-q", "--qos")) {
            if (!example_parse_ulong(val, 0, 2, &n)) {
                fprintf(stderr, PROG ": invalid QoS (0, 1 or 2): %s\n", val);
                return 1;
            }
            o->qos = (uint8_t)n;
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
        } else if (example_is_opt(arg, NULL, "--repeat")) {
            if (!example_parse_ulong(val, 1, 1000000000ul, &o->repeat)) {
                fprintf(stderr, PROG ": invalid repeat count: %s\n", val);
                return 1;
            }
        } else if (example_is_opt(arg, NULL, "--repeat-delay")) {
            if (!parse_seconds_ms(val, &o->repeat_delay_ms)) {
                fprintf(stderr, PROG ": invalid repeat delay: %s\n", val);
                return 1;
            }
        } else {
            fprintf(stderr, PROG ": unknown option: %s\n", arg);
            usage(stderr);
            return 1;
        }
        if (takes_value) {
            i++;
        }
    }

    if (o->topic == NULL) {
        fprintf(stderr, PROG ": a topic is required (-t)\n");
        usage(stderr);
        return 1;
    }
    if (sources != 1) {
        fprintf(stderr, PROG ": give exactly one of -m, -f, -s, -n\n");
        usage(stderr);
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

static void on_event(void *userdata, const mqtt_rs_event *event)
{
    const struct options *o = (const struct options *)userdata;

    if (!o->debug) {
        return;
    }
    switch (event->kind) {
    case MQTT_RS_EVENT_CONNECTED:
        fprintf(stderr, PROG ": connected: %s (session present: %d)",
                mqtt_rs_result_str(event->result), event->session_present ? 1 : 0);
        example_v5_print_reason(stderr, PROG, &o->v5, event);
        break;
    case MQTT_RS_EVENT_PUBLISH_DONE:
        fprintf(stderr, PROG ": publish done, packet id %u: %s", (unsigned)event->packet_id,
                mqtt_rs_result_str(event->result));
        example_v5_print_reason(stderr, PROG, &o->v5, event);
        break;
    case MQTT_RS_EVENT_DISCONNECTED:
        fprintf(stderr, PROG ": disconnected: %s", mqtt_rs_result_str(event->result));
        example_v5_print_reason(stderr, PROG, &o->v5, event);
        break;
    default:
        break;
    }
}

/* One publish, waiting until its QoS flow is complete: with MQTT 5.0 it carries
 * the -D publish properties. */
static mqtt_rs_result publish(struct options *o, const uint8_t *payload, size_t payload_len)
{
#if defined(MQTT_RS_MQTT5)
    if (o->v5.protocol_version == 5) {
        o->v5.publish.qos = o->qos;
        o->v5.publish.retain = o->retain;
        return mqtt_rs_client_publish_v5(&client, o->topic, payload, payload_len, &o->v5.publish,
                                         PUBLISH_TIMEOUT_MS);
    }
#endif
    return mqtt_rs_client_publish(&client, o->topic, payload, payload_len, o->qos, o->retain,
                                  PUBLISH_TIMEOUT_MS);
}

int main(int argc, char **argv)
{
    static const uint8_t empty_payload[1] = {0};
    struct options o;
    mqtt_rs_client_config cfg;
    mqtt_rs_connect_options copts;
    mqtt_rs_result rc;
    char default_id[32];
    const uint8_t *payload = empty_payload;
    size_t payload_len = 0;
    uint8_t *file_buf = NULL;
    unsigned long i;
    int status = 0;

    status = parse_args(argc, argv, &o);
    if (status != 0) {
        return status;
    }

    /* The payload. */
    if (o.message != NULL) {
        payload = (const uint8_t *)o.message;
        payload_len = strlen(o.message);
    } else if (o.file != NULL || o.stdin_file) {
        const char *path = o.stdin_file ? "-" : o.file;
        if (!example_read_file(path, &file_buf, &payload_len)) {
            fprintf(stderr, PROG ": %s: %s\n", o.stdin_file ? "stdin" : o.file, strerror(errno));
            return 1;
        }
        payload = file_buf;
    }

    /* The client: network port, caller-owned buffers, callbacks. */
    memset(&cfg, 0, sizeof cfg);
    mqtt_rs_posix_net_init(&net_ctx, &cfg.net);
    cfg.tx_buf = tx_buf;
    cfg.tx_len = sizeof tx_buf;
    cfg.rx_buf = rx_buf;
    cfg.rx_len = sizeof rx_buf;
    cfg.slots = slots;
    cfg.slot_count = SLOT_COUNT;
    cfg.on_message = NULL; /* a publisher subscribes to nothing */
    cfg.on_event = on_event;
    cfg.userdata = &o;
    rc = mqtt_rs_client_init(&client, &cfg);
    if (rc != MQTT_RS_OK) {
        example_report(PROG, "init", rc, NULL);
        free(file_buf);
        return 1;
    }
    /* TLS, if asked for: every connection of this client then uses it. */
    if (example_tls_apply(&o.tls, &client, PROG) != MQTT_RS_OK) {
        mqtt_rs_client_deinit(&client);
        free(file_buf);
        return 1;
    }

    /* Connection options; the same for every (re)connect. */
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
    copts.clean_session = true;
    example_will_apply(&o.will, &copts);
    example_v5_apply_connect(&o.v5, &copts);

    /* Publish, --repeat times, on one connection (with --reconnect, on one
     * connection each). Each publish returns once the QoS flow is complete:
     * written (QoS 0), PUBACK (QoS 1), PUBCOMP (QoS 2). */
    for (i = 0; i < o.repeat; i++) {
        if (i == 0 || o.reconnect) {
            rc = mqtt_rs_client_connect(&client, &copts, CONNECT_TIMEOUT_MS, NULL);
            if (rc != MQTT_RS_OK) {
                example_report(PROG, "connect", rc, &client);
                status = example_exit_status(rc);
                break;
            }
            if (o.debug && example_tls_enabled(&o.tls)) {
                /* A reconnect of the same client offers the session saved
                 * from the last handshake: no certificate exchange. */
                fprintf(stderr, PROG ": tls: %s\n",
                        mqtt_rs_client_tls_resumed(&client) ? "resumed" : "full handshake");
            }
        }
        rc = publish(&o, payload, payload_len);
        if (rc != MQTT_RS_OK) {
            example_report(PROG, "publish", rc, &client);
            status = 1;
            break;
        }
        if (o.reconnect) {
            rc = mqtt_rs_client_disconnect(&client, DISCONNECT_TIMEOUT_MS);
            if (rc != MQTT_RS_OK) {
                example_report(PROG, "disconnect", rc, &client);
                status = 1;
                break;
            }
            if (o.repeat_delay_ms > 0 && i + 1 < o.repeat) {
                sleep_ms(o.repeat_delay_ms);
            }
        } else if (o.repeat_delay_ms > 0 && i + 1 < o.repeat) {
            /* Waiting with the client keeps the connection serviced (pings). */
            rc = mqtt_rs_client_wait(&client, (uint32_t)o.repeat_delay_ms);
            if (rc != MQTT_RS_OK) {
                example_report(PROG, "wait", rc, &client);
                status = 1;
                break;
            }
        }
    }

    /* Disconnect cleanly so that the broker does not publish a will. The
     * payload must stay valid until here: an unfinished QoS 1/2 flow may
     * still reference it. */
    if (mqtt_rs_client_is_connected(&client)) {
        rc = mqtt_rs_client_disconnect(&client, DISCONNECT_TIMEOUT_MS);
        if (rc != MQTT_RS_OK && status == 0) {
            example_report(PROG, "disconnect", rc, &client);
            status = 1;
        }
    }
    /* Releases the TLS state on the heap (nothing for plain MQTT) and closes
     * the network if it is still open. */
    mqtt_rs_client_deinit(&client);
    if (o.debug && example_tls_enabled(&o.tls)) {
        mqtt_rs_heap_stats heap;
        if (mqtt_rs_heap_stats_get(&heap) == MQTT_RS_OK) {
            fprintf(stderr, PROG ": TLS heap peak %lu bytes, %lu in use after deinit\n",
                    (unsigned long)heap.peak, (unsigned long)heap.current);
        }
    }
    free(file_buf);
    return status;
}
