/*
 * blocking_mqtt_rs.c - N blocking calls of one kind, for counting the system
 * calls each makes (bench/run.sh runs it under strace -c -f with N and 2N
 * calls; the difference divided by N cancels connecting and leaving).
 *
 *   bench_blocking_mqtt_rs pub0|pub1|sub PORT N
 *
 * pub0 / pub1: mqtt_rs_client_publish at QoS 0 / 1 (a 64-byte payload to a
 * topic nobody subscribes to); sub: mqtt_rs_client_subscribe to one filter.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mqtt_rs.h"
#include "posix_net.h"

static mqtt_rs_client client;
static uint8_t tx[4096];
static uint8_t rx[4096];
static mqtt_rs_inflight_slot slots[8];
static mqtt_rs_posix_net net;

static int fail(const char *what, mqtt_rs_result rc)
{
    fprintf(stderr, "bench_blocking_mqtt_rs: %s: %s\n", what, mqtt_rs_result_str(rc));
    return 1;
}

int main(int argc, char **argv)
{
    static const uint8_t payload[64] = { 0 };
    mqtt_rs_client_config cfg;
    mqtt_rs_connect_options o;
    mqtt_rs_subscription sub = { "bench/blocking/sub", 1 };
    mqtt_rs_result rc;
    long n;
    long i;

    if (argc != 4 || (strcmp(argv[1], "pub0") != 0 && strcmp(argv[1], "pub1") != 0 && strcmp(argv[1], "sub") != 0)) {
        fprintf(stderr, "usage: bench_blocking_mqtt_rs pub0|pub1|sub PORT N\n");
        return 2;
    }
    n = atol(argv[3]);
    memset(&cfg, 0, sizeof cfg);
    mqtt_rs_posix_net_init(&net, &cfg.net);
    cfg.tx_buf = tx;
    cfg.tx_len = sizeof tx;
    cfg.rx_buf = rx;
    cfg.rx_len = sizeof rx;
    cfg.slots = slots;
    cfg.slot_count = sizeof slots / sizeof slots[0];
    if ((rc = mqtt_rs_client_init(&client, &cfg)) != MQTT_RS_OK) {
        return fail("init", rc);
    }
    mqtt_rs_connect_options_init(&o);
    o.host = "127.0.0.1";
    o.port = (uint16_t)atoi(argv[2]);
    if ((rc = mqtt_rs_client_connect(&client, &o, 5000, NULL)) != MQTT_RS_OK) {
        return fail("connect", rc);
    }
    for (i = 0; i < n; i++) {
        if (argv[1][0] == 's') {
            rc = mqtt_rs_client_subscribe(&client, &sub, 1, NULL, 5000);
        } else {
            rc = mqtt_rs_client_publish(&client, "bench/blocking/pub", payload, sizeof payload,
                                        argv[1][3] == '0' ? 0 : 1, false, 5000);
        }
        if (rc != MQTT_RS_OK) {
            return fail(argv[1], rc);
        }
    }
    if ((rc = mqtt_rs_client_disconnect(&client, 2000)) != MQTT_RS_OK) {
        return fail("disconnect", rc);
    }
    mqtt_rs_client_deinit(&client);
    return 0;
}
