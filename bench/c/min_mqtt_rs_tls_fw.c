/*
 * min_mqtt_rs_tls_fw - the footprint benchmark's minimal TLS firmware: min_mqtt_rs_fw.c
 * (connect, subscribe, publish QoS 1, wait, disconnect over the bare-metal UART port)
 * plus what TLS needs: the platform hooks of c-examples/baremetal/tls_platform.c (static
 * heap arena, clock and entropy through semihosting), mqtt_rs_client_use_tls() with a CA,
 * and mqtt_rs_client_deinit(). Linked for each microcontroller target by bench/target.sh
 * against the TLS build of the library (pure-Rust crypto provider, chosen by target);
 * never run: only the library's share of the link map is reported.
 */
#include "mqtt_rs.h"
#include "tls_platform.h"
#include "uart_net.h"

/* Where the UART is does not change the size; QEMU mps2-an386's UART0. */
#define FW_UART 0x40004000u

/* The CA is data of the firmware, not of the library: its content does not change the
 * library's share, and this image is never run, so a placeholder stands in for it. */
static const char ca_pem[] = "-----BEGIN CERTIFICATE-----\n"
                             "placeholder: the firmware's CA (PEM or DER) goes here\n"
                             "-----END CERTIFICATE-----\n";

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
    mqtt_rs_tls_options tls;
    mqtt_rs_subscription sub = {"bench/min", 1};
    int i;

    if (tls_platform_init() != MQTT_RS_OK) {
        return 2;
    }
    uart_net_init(&link, FW_UART, &cfg.net);
    cfg.tx_buf = tx;
    cfg.tx_len = sizeof tx;
    cfg.rx_buf = rx;
    cfg.rx_len = sizeof rx;
    cfg.slots = slots;
    cfg.slot_count = 2;
    cfg.on_message = on_message;
    mqtt_rs_tls_options_init(&tls);
    tls.ca = (const uint8_t *)ca_pem;
    tls.ca_len = sizeof ca_pem - 1u;
    if (mqtt_rs_client_init(&client, &cfg) != MQTT_RS_OK || mqtt_rs_client_use_tls(&client, &tls) != MQTT_RS_OK) {
        return 2;
    }
    mqtt_rs_connect_options_init(&opt);
    opt.host = "broker";
    opt.client_id = "bench-min-fw-tls";
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
    mqtt_rs_client_deinit(&client);
    return received ? 0 : 1;
}
