/*
 * request_response.c - MQTT 5.0 request/response: a requester names where the
 * answer goes (Response Topic) and tags each request (Correlation Data); a
 * responder answers on that topic with the same correlation data, so the
 * requester matches every reply to its request. Needs a library built with
 * MQTT 5.0 (CMake -DMQTT_RS_MQTT5=ON).
 *
 *   request_response responder [-h host] [-p port] [-t topic] [-C count]
 *   request_response request   [-h host] [-p port] [-t topic] [-n count] -m message
 *
 * The responder subscribes to the request topic (default mqtt_rs/rr/request)
 * and answers every request with its payload in capitals; it exits after -C
 * requests (default: runs until killed). The requester subscribes to its own
 * response topic (mqtt_rs/rr/reply/<client id>), sends -n requests (default
 * 1), each with correlation data "<client id>:<n>", and waits up to 10 s for
 * each reply; a reply with other correlation data is reported and ignored.
 *
 * Expected output (responder started first, in another terminal):
 *
 *   $ request_response responder -C 2
 *   responder: waiting for requests on mqtt_rs/rr/request
 *   responder: request 'ping' -> 'PING' to mqtt_rs/rr/reply/rr-4242 (correlation data rr-4242:1)
 *   responder: request 'ping' -> 'PING' to mqtt_rs/rr/reply/rr-4242 (correlation data rr-4242:2)
 *
 *   $ request_response request -m ping -n 2
 *   reply 'PING' (correlation data rr-4242:1)
 *   reply 'PING' (correlation data rr-4242:2)
 *   2 requests, 2 replies with their correlation data
 *
 * Exit status: 0 when every request got its reply (requester) or -C requests
 * were answered (responder); 1 otherwise.
 *
 * Properties are read inside on_message, where they point into the receive
 * buffer; what outlives the callback is copied into this program's memory.
 * No heap.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "example_common.h"
#include "mqtt_rs.h"
#include "posix_net.h"

#define PROG "request_response"
#define TEXT_MAX 128 /* topics, payloads and correlation data of this example */
#define TIMEOUT_MS 10000u

static mqtt_rs_client client;
static uint8_t tx[1024];
static uint8_t rx[1024];
static mqtt_rs_inflight_slot slots[4];
static mqtt_rs_posix_net net;

/* A received message, copied out of the callback. */
struct received {
    bool full;
    char topic[TEXT_MAX];        /* responder: the response topic; requester: unused */
    char payload[TEXT_MAX];
    uint8_t correlation[TEXT_MAX];
    size_t correlation_len;
};

static struct received inbox;

/* Copies len bytes into a NUL-terminated buffer of TEXT_MAX, cut if longer. */
static size_t copy_text(char *dst, const void *src, size_t len)
{
    if (len > TEXT_MAX - 1) {
        len = TEXT_MAX - 1;
    }
    memcpy(dst, src, len);
    dst[len] = '\0';
    return len;
}

/* Runs inside mqtt_rs_client_wait(): keeps the payload, the response topic and
 * the correlation data (valid only here) for the main loop. */
static void on_message(void *userdata, const mqtt_rs_message *m)
{
    const uint8_t *data;
    size_t len;

    (void)userdata;
    if (m->offset != 0 || inbox.full) {
        return; /* one message at a time; the examples' messages fit in one chunk */
    }
    copy_text(inbox.payload, m->payload, m->payload_len);
    inbox.topic[0] = '\0';
    if (mqtt_rs_property_bytes(&m->properties, MQTT_RS_PROPERTY_RESPONSE_TOPIC, &data, &len)) {
        copy_text(inbox.topic, data, len);
    }
    inbox.correlation_len = 0;
    if (mqtt_rs_property_bytes(&m->properties, MQTT_RS_PROPERTY_CORRELATION_DATA, &data, &len)) {
        inbox.correlation_len = len < TEXT_MAX ? len : TEXT_MAX;
        memcpy(inbox.correlation, data, inbox.correlation_len);
    }
    inbox.full = true;
}

/* Waits until a message is in the inbox; false after timeout_ms or on an error. */
static bool wait_for_message(const mqtt_rs_net *clock, uint32_t timeout_ms)
{
    uint32_t start = clock->now_ms(clock->ctx);

    while (!inbox.full) {
        mqtt_rs_result rc;

        if (clock->now_ms(clock->ctx) - start >= timeout_ms) { /* wraps safely */
            return false;
        }
        rc = mqtt_rs_client_wait(&client, 100);
        if (rc != MQTT_RS_OK) {
            example_report(PROG, "wait", rc, &client);
            return false;
        }
    }
    return true;
}

/* Initialises the client, connects with MQTT 5.0 and subscribes to filter (QoS 1). */
static bool start(mqtt_rs_client_config *cfg, const char *host, uint16_t port, const char *id, const char *filter)
{
    mqtt_rs_connect_options opt;
    mqtt_rs_subscription_v5 sub;
    uint8_t reason = 0;
    mqtt_rs_result rc;

    memset(cfg, 0, sizeof *cfg);
    mqtt_rs_posix_net_init(&net, &cfg->net);
    cfg->tx_buf = tx;
    cfg->tx_len = sizeof tx;
    cfg->rx_buf = rx;
    cfg->rx_len = sizeof rx;
    cfg->slots = slots;
    cfg->slot_count = sizeof slots / sizeof slots[0];
    cfg->on_message = on_message;
    rc = mqtt_rs_client_init(&client, cfg);
    if (rc != MQTT_RS_OK) {
        example_report(PROG, "init", rc, NULL);
        return false;
    }
    mqtt_rs_connect_options_init(&opt);
    opt.host = host;
    opt.port = port;
    opt.client_id = id;
    opt.protocol_version = 5;
    rc = mqtt_rs_client_connect(&client, &opt, TIMEOUT_MS, NULL);
    if (rc != MQTT_RS_OK) {
        example_report(PROG, "connect", rc, &client);
        return false;
    }
    memset(&sub, 0, sizeof sub);
    sub.filter = filter;
    sub.qos = 1;
    rc = mqtt_rs_client_subscribe_v5(&client, &sub, 1, 0, &reason, TIMEOUT_MS);
    if (rc != MQTT_RS_OK) {
        example_report(PROG, "subscribe", rc, &client);
        return false;
    }
    return true;
}

/* Answers requests: the payload in capitals, to the response topic, with the
 * request's correlation data. */
static int responder(const mqtt_rs_net *clock, const char *topic, unsigned long count)
{
    unsigned long answered = 0;

    printf("responder: waiting for requests on %s\n", topic);
    fflush(stdout);
    while (count == 0 || answered < count) {
        mqtt_rs_publish_options po;
        mqtt_rs_result rc;
        char reply[TEXT_MAX];
        size_t i;

        if (!wait_for_message(clock, 0xFFFFFFFFu)) {
            return 1;
        }
        inbox.full = false;
        if (inbox.topic[0] == '\0') {
            printf("responder: request '%s' has no response topic: not answered\n", inbox.payload);
            continue;
        }
        for (i = 0; inbox.payload[i] != '\0'; i++) {
            char c = inbox.payload[i];
            reply[i] = (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
        }
        reply[i] = '\0';
        mqtt_rs_publish_options_init(&po);
        po.qos = 1;
        po.correlation_data = inbox.correlation_len > 0 ? inbox.correlation : NULL;
        po.correlation_data_len = inbox.correlation_len;
        rc = mqtt_rs_client_publish_v5(&client, inbox.topic, (const uint8_t *)reply, strlen(reply), &po,
                                       TIMEOUT_MS);
        if (rc != MQTT_RS_OK) {
            example_report(PROG, "reply", rc, &client);
            return 1;
        }
        answered++;
        printf("responder: request '%s' -> '%s' to %s (correlation data %.*s)\n", inbox.payload, reply,
               inbox.topic, (int)inbox.correlation_len, (const char *)inbox.correlation);
        fflush(stdout);
    }
    return 0;
}

/* Sends count requests one after the other and waits for each one's reply. */
static int requester(const mqtt_rs_net *clock, const char *topic, const char *reply_topic, const char *id,
                     const char *message, unsigned long count)
{
    unsigned long n;
    unsigned long matched = 0;

    for (n = 1; n <= count; n++) {
        char correlation[TEXT_MAX];
        mqtt_rs_publish_options po;
        mqtt_rs_result rc;

        (void)snprintf(correlation, sizeof correlation, "%s:%lu", id, n);
        mqtt_rs_publish_options_init(&po);
        po.qos = 1;
        po.response_topic = reply_topic;
        po.correlation_data = (const uint8_t *)correlation;
        po.correlation_data_len = strlen(correlation);
        rc = mqtt_rs_client_publish_v5(&client, topic, (const uint8_t *)message, strlen(message), &po,
                                       TIMEOUT_MS);
        if (rc != MQTT_RS_OK) {
            example_report(PROG, "request", rc, &client);
            break;
        }
        /* Replies to other (earlier) requests are reported and skipped. */
        while (wait_for_message(clock, TIMEOUT_MS)) {
            inbox.full = false;
            if (inbox.correlation_len == po.correlation_data_len &&
                memcmp(inbox.correlation, correlation, inbox.correlation_len) == 0) {
                printf("reply '%s' (correlation data %s)\n", inbox.payload, correlation);
                matched++;
                break;
            }
            printf("ignored: reply '%s' with correlation data '%.*s'\n", inbox.payload,
                   (int)inbox.correlation_len, (const char *)inbox.correlation);
        }
        if (matched < n) {
            fprintf(stderr, PROG ": no reply to request %lu within %u s\n", n, TIMEOUT_MS / 1000u);
            break;
        }
    }
    printf("%lu requests, %lu replies with their correlation data\n", count, matched);
    return matched == count ? 0 : 1;
}

static int usage(void)
{
    fprintf(stderr, "usage: " PROG " responder [-h host] [-p port] [-t topic] [-C count]\n"
                    "       " PROG " request [-h host] [-p port] [-t topic] [-n count] -m message\n");
    return 1;
}

int main(int argc, char **argv)
{
    const char *host = "127.0.0.1";
    const char *topic = "mqtt_rs/rr/request";
    const char *message = NULL;
    unsigned long port = 1883;
    unsigned long count = 0;
    bool is_responder;
    char id[32];
    char reply_topic[TEXT_MAX];
    mqtt_rs_client_config cfg;
    int i;
    int status;

    if (argc < 2 || (strcmp(argv[1], "responder") != 0 && strcmp(argv[1], "request") != 0)) {
        return usage();
    }
    is_responder = strcmp(argv[1], "responder") == 0;
    for (i = 2; i + 1 < argc; i += 2) {
        const char *val = argv[i + 1];
        if (strcmp(argv[i], "-h") == 0) {
            host = val;
        } else if (strcmp(argv[i], "-p") == 0 && example_parse_ulong(val, 1, 65535, &port)) {
        } else if (strcmp(argv[i], "-t") == 0) {
            topic = val;
        } else if (strcmp(argv[i], "-m") == 0 && !is_responder) {
            message = val;
        } else if ((strcmp(argv[i], "-C") == 0 || strcmp(argv[i], "-n") == 0) &&
                   example_parse_ulong(val, 1, 1000000ul, &count)) {
        } else {
            return usage();
        }
    }
    if (i != argc || (!is_responder && message == NULL)) {
        return usage();
    }

    (void)snprintf(id, sizeof id, "rr-%ld", (long)getpid());
    (void)snprintf(reply_topic, sizeof reply_topic, "mqtt_rs/rr/reply/%s", id);
    if (!start(&cfg, host, (uint16_t)port, id, is_responder ? topic : reply_topic)) {
        mqtt_rs_client_deinit(&client);
        return 1;
    }
    if (is_responder) {
        status = responder(&cfg.net, topic, count);
    } else {
        status = requester(&cfg.net, topic, reply_topic, id, message, count == 0 ? 1 : count);
    }
    (void)mqtt_rs_client_disconnect(&client, 2000);
    mqtt_rs_client_deinit(&client);
    return status;
}
