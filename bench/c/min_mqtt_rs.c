/*
 * min_mqtt_rs - the footprint benchmark's minimal client: connect, subscribe,
 * publish, loop until the message came back, disconnect. Blocking API over
 * the reference POSIX port. Usage: min_mqtt_rs PORT
 */
#include <stdlib.h>

#include "mqtt_rs.h"
#include "posix_net.h"

static mqtt_rs_client client;
static uint8_t tx[256], rx[256];
static mqtt_rs_inflight_slot slots[2];
static mqtt_rs_posix_net net;
static volatile int received;

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
    mqtt_rs_subscription sub = { "bench/min", 1 };
    int i;

    mqtt_rs_posix_net_init(&net, &cfg.net);
    cfg.tx_buf = tx;
    cfg.tx_len = sizeof tx;
    cfg.rx_buf = rx;
    cfg.rx_len = sizeof rx;
    cfg.slots = slots;
    cfg.slot_count = 2;
    cfg.on_message = on_message;
    if (argc != 2 || mqtt_rs_client_init(&client, &cfg) != MQTT_RS_OK) {
        return 2;
    }
    mqtt_rs_connect_options_init(&opt);
    opt.host = "127.0.0.1";
    opt.port = (uint16_t)atoi(argv[1]);
    opt.client_id = "bench-min-mqtt_rs";
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
    return received ? 0 : 1;
}
