/*
 * minimal.c - the smallest complete mqtt_rs program.
 *
 * Connects to a broker, subscribes to a topic, publishes one message to it
 * at QoS 1, waits until the message comes back, and disconnects. Blocking
 * API over the reference POSIX network port (port/posix_net.c). Every call
 * is checked; the exit status is 0 only when the message came back.
 *
 *   minimal [HOST [PORT [TOPIC]]]      defaults: 127.0.0.1 1883 mqtt_rs/minimal
 *
 * Expected output:
 *
 *   connected to 127.0.0.1:1883
 *   subscribed to mqtt_rs/minimal
 *   publishing 18 bytes
 *   received on mqtt_rs/minimal: hello from mqtt_rs
 *   disconnected
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mqtt_rs.h"
#include "posix_net.h"

/* Everything the client uses is the application's memory: the client
 * itself, a transmit and a receive buffer, and one slot per QoS 1/2 flow
 * in flight. No heap. */
static mqtt_rs_client client;
static uint8_t tx[512];
static uint8_t rx[512];
static mqtt_rs_inflight_slot slots[4];
static mqtt_rs_posix_net net;

static const char message[] = "hello from mqtt_rs";
static int received;

/* Runs inside mqtt_rs_client_wait(). A payload larger than rx arrives in
 * chunks (offset, total_len); this one fits in a single chunk. */
static void on_message(void *userdata, const mqtt_rs_message *m)
{
    (void)userdata;
    printf("received on %.*s: %.*s\n", (int)m->topic_len, m->topic, (int)m->payload_len,
           (const char *)m->payload);
    if (m->offset == 0 && m->payload_len == sizeof message - 1 &&
        memcmp(m->payload, message, sizeof message - 1) == 0) {
        received = 1;
    }
}

/* Prints what failed and returns the exit status 1. */
static int fail(const char *what, mqtt_rs_result rc)
{
    fprintf(stderr, "minimal: %s: %s\n", what, mqtt_rs_result_str(rc));
    return 1;
}

int main(int argc, char **argv)
{
    const char *host = argc > 1 ? argv[1] : "127.0.0.1";
    long port = argc > 2 ? strtol(argv[2], NULL, 10) : 1883;
    const char *topic = argc > 3 ? argv[3] : "mqtt_rs/minimal";
    mqtt_rs_client_config cfg;
    mqtt_rs_connect_options opt;
    mqtt_rs_subscription sub;
    mqtt_rs_result rc;
    int i;

    if (argc > 4 || port < 1 || port > 65535) {
        fprintf(stderr, "usage: minimal [HOST [PORT [TOPIC]]]\n");
        return 2;
    }

    memset(&cfg, 0, sizeof cfg);
    mqtt_rs_posix_net_init(&net, &cfg.net); /* the five network callbacks */
    cfg.tx_buf = tx;
    cfg.tx_len = sizeof tx;
    cfg.rx_buf = rx;
    cfg.rx_len = sizeof rx;
    cfg.slots = slots;
    cfg.slot_count = sizeof slots / sizeof slots[0];
    cfg.on_message = on_message;
    rc = mqtt_rs_client_init(&client, &cfg);
    if (rc != MQTT_RS_OK) {
        return fail("init", rc);
    }

    mqtt_rs_connect_options_init(&opt); /* keepalive 60 s, clean session */
    opt.host = host;
    opt.port = (uint16_t)port;
    opt.client_id = "mqtt_rs-minimal";
    rc = mqtt_rs_client_connect(&client, &opt, 5000, NULL);
    if (rc != MQTT_RS_OK) {
        return fail("connect", rc);
    }
    printf("connected to %s:%ld\n", host, port);

    sub.filter = topic;
    sub.qos = MQTT_RS_QOS1;
    rc = mqtt_rs_client_subscribe(&client, &sub, 1, NULL, 5000);
    if (rc != MQTT_RS_OK) {
        return fail("subscribe", rc);
    }
    printf("subscribed to %s\n", topic);

    /* QoS 1: returns at PUBACK; topic and message must stay valid until
     * then. Our own message may already come back (on_message) before the
     * PUBACK does: callbacks run inside whichever call is reading. */
    printf("publishing %u bytes\n", (unsigned)(sizeof message - 1));
    rc = mqtt_rs_client_publish(&client, topic, (const uint8_t *)message, sizeof message - 1,
                                MQTT_RS_QOS1, false, 5000);
    if (rc != MQTT_RS_OK) {
        return fail("publish", rc);
    }

    /* wait() returns when its time is up (not once per message): poll the flag. */
    for (i = 0; i < 50 && !received; i++) {
        rc = mqtt_rs_client_wait(&client, 100);
        if (rc != MQTT_RS_OK) {
            return fail("wait", rc);
        }
    }
    if (!received) {
        fprintf(stderr, "minimal: the message did not come back within 5 s\n");
        return 1;
    }

    rc = mqtt_rs_client_disconnect(&client, 1000);
    if (rc != MQTT_RS_OK) {
        return fail("disconnect", rc);
    }
    printf("disconnected\n");
    mqtt_rs_client_deinit(&client);
    return 0;
}
