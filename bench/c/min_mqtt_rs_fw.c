/*
 * min_mqtt_rs_fw - the footprint benchmark's minimal firmware: the same five calls as
 * min_mqtt_rs.c (connect, subscribe, publish QoS 1, wait, disconnect), no heap, over
 * the bare-metal UART port of c-examples/baremetal/. Linked for each microcontroller
 * target by bench/target.sh; only the library's share of the link map is reported.
 * Built with MQTT_RS_MQTT5 defined (a library with MQTT 5.0), it connects with MQTT 5.0.
 */
#include "mqtt_rs.h"
#include "uart_net.h"

/* Where the UART is does not change the size; QEMU mps2-an386's UART0. */
#define FW_UART 0x40004000u

static mqtt_rs_client client;
static uint8_t tx[256], rx[256];
static mqtt_rs_inflight_slot slots[2];
static uart_net link;
static volatile int received;

static void on_message(void *u, const mqtt_rs_message *m)
{
    (void)u;
    (void)m;
    received = 1;
}

int main(void)
{
    mqtt_rs_client_config cfg = {0};
    mqtt_rs_connect_options opt;
    mqtt_rs_subscription sub = {"bench/min", 1};
    int i;

    uart_net_init(&link, FW_UART, &cfg.net);
    cfg.tx_buf = tx;
    cfg.tx_len = sizeof tx;
    cfg.rx_buf = rx;
    cfg.rx_len = sizeof rx;
    cfg.slots = slots;
    cfg.slot_count = 2;
    cfg.on_message = on_message;
    if (mqtt_rs_client_init(&client, &cfg) != MQTT_RS_OK) {
        return 2;
    }
    mqtt_rs_connect_options_init(&opt);
    opt.host = "broker";
    opt.client_id = "bench-min-fw";
#ifdef MQTT_RS_MQTT5
    opt.protocol_version = 5;
#endif
    if (mqtt_rs_client_connect(&client, &opt, 5000, 0) != MQTT_RS_OK ||
        mqtt_rs_client_subscribe(&client, &sub, 1, 0, 5000) != MQTT_RS_OK ||
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
