/*
 * min_mqtt_rs_tls - the footprint benchmark's minimal client over TLS:
 * min_mqtt_rs.c plus the CA file, mqtt_rs_client_use_tls() and the platform
 * hooks of the POSIX port (heap, clock, entropy). Built against the library
 * with cargo feature "tls" (no POSIX defaults inside the library).
 * Usage: min_mqtt_rs_tls PORT CAFILE
 */
#include <stdio.h>
#include <stdlib.h>

#include "mqtt_rs.h"
#include "posix_net.h"
#include "posix_tls_platform.h"

static mqtt_rs_client client;
static uint8_t tx[256], rx[256];
static mqtt_rs_inflight_slot slots[2];
static mqtt_rs_posix_net net;
static volatile int received;
static uint8_t ca[8192];

static void on_message(void *u, const mqtt_rs_message *m)
{
    (void)u;
    (void)m;
    received = 1;
}

int main(int argc, char **argv)
{
    mqtt_rs_client_config cfg = { 0 };
    mqtt_rs_connect_options opt;
    mqtt_rs_tls_options tls;
    mqtt_rs_tls_platform hooks;
    mqtt_rs_subscription sub = { "bench/min", 1 };
    size_t ca_len;
    FILE *f;
    int i;

    if (argc != 3 || (f = fopen(argv[2], "rb")) == NULL) {
        return 2;
    }
    ca_len = fread(ca, 1, sizeof ca, f);
    fclose(f);
    mqtt_rs_posix_tls_platform(&hooks);
    mqtt_rs_posix_net_init(&net, &cfg.net);
    cfg.tx_buf = tx;
    cfg.tx_len = sizeof tx;
    cfg.rx_buf = rx;
    cfg.rx_len = sizeof rx;
    cfg.slots = slots;
    cfg.slot_count = 2;
    cfg.on_message = on_message;
    mqtt_rs_tls_options_init(&tls);
    tls.ca = ca;
    tls.ca_len = ca_len;
    if (mqtt_rs_tls_set_platform(&hooks) != MQTT_RS_OK || mqtt_rs_client_init(&client, &cfg) != MQTT_RS_OK ||
        mqtt_rs_client_use_tls(&client, &tls) != MQTT_RS_OK) {
        return 2;
    }
    mqtt_rs_connect_options_init(&opt);
    opt.host = "127.0.0.1";
    opt.port = (uint16_t)atoi(argv[1]);
    opt.client_id = "bench-min-mqtt_rs-tls";
    if (mqtt_rs_client_connect(&client, &opt, 5000, NULL) != MQTT_RS_OK ||
        mqtt_rs_client_subscribe(&client, &sub, 1, NULL, 5000) != MQTT_RS_OK ||
        mqtt_rs_client_publish(&client, "bench/min", (const uint8_t *)"hello", 5, 1, false, 5000) != MQTT_RS_OK) {
        return 1;
    }
    for (i = 0; i < 50 && !received; i++) {
        if (mqtt_rs_client_wait(&client, 100) != MQTT_RS_OK) {
            return 1;
        }
    }
    mqtt_rs_client_disconnect(&client, 1000);
    mqtt_rs_client_deinit(&client);
    return received ? 0 : 1;
}
