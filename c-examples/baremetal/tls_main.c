/* tls_main.c: bare-metal MQTT-over-TLS self-test. Over the UART (see uart_net.c) to
 * mosquitto's TLS listener, with the broker's chain and host name verified against the
 * CA compiled in (fw_ca.h, generated at configure time from MQTT_RS_FW_CA_PEM): for
 * TLS 1.3 and then TLS 1.2, a full handshake, QoS 0, 1 and 2 and a payload larger than
 * the buffers published to itself and checked, a disconnect, and a second connection
 * that must resume the TLS session. The heap comes from a static arena, time and
 * entropy from the host (tls_platform.c). Logs "stack <call> <bytes>" per call, the
 * TLS heap peak as "heap peak <bytes>", and exits 0 when everything passed. */
#include <stdbool.h>
#include <stdint.h>

#include "board.h"
#include "clock_check.h"
#include "cmsdk_uart.h"
#include "fw_ca.h"
#include "mqtt_rs.h"
#include "semihosting.h"
#include "stack_probe.h"
#include "systick.h"
#include "tls_platform.h"
#include "uart_net.h"

#define BUFFER_SIZE 512u
#define SLOTS 4u
#define BIG_PAYLOAD 1500u /* larger than both buffers */
#define TIMEOUT_MS 30000u /* handshakes run emulated crypto */

static mqtt_rs_client client;
static mqtt_rs_inflight_slot slots[SLOTS];
static uint8_t tx_buf[BUFFER_SIZE];
static uint8_t rx_buf[BUFFER_SIZE];
static uint8_t payload[BIG_PAYLOAD];
static uart_net link;
static mqtt_rs_net net; /* the UART link's callbacks: one link for every connection */

/* What came back: bytes per QoS (3 = the big payload), and any mismatch. */
static uint32_t received[4];
static bool corrupt;

static uint8_t payload_byte(uint32_t i)
{
    return (uint8_t)(7u + i * 13u + (i >> 8));
}

static void on_message(void *userdata, const mqtt_rs_message *m)
{
    (void)userdata;
    size_t slot = m->total_len == BIG_PAYLOAD ? 3u : m->qos;
    if (slot > 3u || m->offset != received[slot]) {
        corrupt = true;
        return;
    }
    for (size_t i = 0; i < m->payload_len; i++) {
        corrupt |= m->payload[i] != payload_byte((uint32_t)(m->offset + i));
    }
    received[slot] += (uint32_t)m->payload_len;
}

static void log_u32(const char *what, uint32_t value)
{
    sh_puts(what);
    sh_puts(" ");
    sh_put_u32(value);
    sh_puts("\n");
}

/* Logs the call's stack use; true when `rc` is OK, else logs the failure and TLS detail. */
static bool check(const char *call, uintptr_t mark, mqtt_rs_result rc)
{
    uint32_t used = stack_probe_end(mark);
    sh_puts("stack ");
    log_u32(call, used);
    if (rc == MQTT_RS_OK) {
        return true;
    }
    sh_puts("FAIL: ");
    tls_platform_log_failure(&client, call, rc);
    return false;
}

/* One connection: connect (resumed or not, as `want_resumed`), optionally the full
 * publish/subscribe round, disconnect. */
static bool session(const char *name, bool want_resumed, bool full)
{
    static const mqtt_rs_subscription subscription = {"mqtt_rs/fwtls/#", 2};
    static const char *const topics[] = {"mqtt_rs/fwtls/0", "mqtt_rs/fwtls/1", "mqtt_rs/fwtls/2"};
    mqtt_rs_connect_options options;
    bool session_present;
    uint8_t granted = 0;
    uintptr_t mark;

    sh_puts(name);
    sh_puts("\n");
    mqtt_rs_connect_options_init(&options);
    options.host = "localhost"; /* the name the broker's certificate must carry */
    options.client_id = "mqtt_rs-baremetal-tls";
    options.keepalive_s = 60;
    mqtt_rs_heap_stats_reset_peak();
    uint32_t start = systick_now_ms();
    mark = STACK_PROBE_BEGIN();
    if (!check("connect", mark, mqtt_rs_client_connect(&client, &options, TIMEOUT_MS, &session_present))) {
        return false;
    }
    log_u32("connect ms", systick_now_ms() - start);
    mqtt_rs_heap_stats heap;
    mqtt_rs_heap_stats_get(&heap);
    log_u32("heap peak", (uint32_t)heap.peak);
    bool resumed = mqtt_rs_client_tls_resumed(&client);
    sh_puts(resumed ? "tls session resumed\n" : "tls full handshake\n");
    if (resumed != want_resumed) {
        sh_puts("FAIL: resumption not as expected\n");
        return false;
    }

    if (full) {
        for (size_t k = 0; k < 4; k++) {
            received[k] = 0;
        }
        mark = STACK_PROBE_BEGIN();
        if (!check("subscribe", mark, mqtt_rs_client_subscribe(&client, &subscription, 1, &granted, TIMEOUT_MS))) {
            return false;
        }
        for (uint8_t qos = 0; qos < 3; qos++) {
            mark = STACK_PROBE_BEGIN();
            if (!check("publish", mark, mqtt_rs_client_publish(&client, topics[qos], payload, 100u + qos, qos, false, TIMEOUT_MS))) {
                return false;
            }
        }
        mark = STACK_PROBE_BEGIN();
        if (!check("publish_big", mark, mqtt_rs_client_publish(&client, "mqtt_rs/fwtls/big", payload, BIG_PAYLOAD, 1, false, TIMEOUT_MS))) {
            return false;
        }
        start = systick_now_ms();
        while ((received[0] < 100u || received[1] < 101u || received[2] < 102u || received[3] < BIG_PAYLOAD) &&
               systick_now_ms() - start < TIMEOUT_MS) {
            mark = STACK_PROBE_BEGIN();
            if (!check("wait", mark, mqtt_rs_client_wait(&client, 100))) {
                return false;
            }
        }
        if (corrupt || received[0] != 100u || received[1] != 101u || received[2] != 102u || received[3] != BIG_PAYLOAD) {
            sh_puts("FAIL: messages missing or wrong\n");
            return false;
        }
        sh_puts("ok: QoS 0, 1, 2 and 1500 bytes back intact\n");
    } else {
        /* TLS 1.3 tickets arrive after the handshake: the CONNACK read took them in. */
        mark = STACK_PROBE_BEGIN();
        if (!check("wait", mark, mqtt_rs_client_wait(&client, 100))) {
            return false;
        }
    }
    mark = STACK_PROBE_BEGIN();
    return check("disconnect", mark, mqtt_rs_client_disconnect(&client, 2000));
}

/* Both connections with `max_version`, on a fresh client (and so a fresh session cache). */
static bool tls_round(const char *name, uint8_t max_version)
{
    mqtt_rs_client_config cfg = {0};
    mqtt_rs_tls_options tls;

    sh_puts(name);
    sh_puts("\n");
    cfg.net = net;
    cfg.tx_buf = tx_buf;
    cfg.tx_len = sizeof tx_buf;
    cfg.rx_buf = rx_buf;
    cfg.rx_len = sizeof rx_buf;
    cfg.slots = slots;
    cfg.slot_count = SLOTS;
    cfg.on_message = on_message;
    if (mqtt_rs_client_init(&client, &cfg) != MQTT_RS_OK) {
        sh_puts("FAIL: client_init\n");
        return false;
    }
    mqtt_rs_tls_options_init(&tls);
    tls.ca = (const uint8_t *)FW_CA_PEM;
    tls.ca_len = sizeof FW_CA_PEM - 1u;
    tls.max_version = max_version;
    uintptr_t mark = STACK_PROBE_BEGIN();
    bool ok = check("use_tls", mark, mqtt_rs_client_use_tls(&client, &tls)) &&
              session("first connection", false, true) &&
              session("second connection", true, false);
    mqtt_rs_client_deinit(&client);
    return ok;
}

int main(void)
{
    systick_init(BOARD_SYSTICK_REF_HZ, BOARD_CPU_HZ);
    uart_init(BOARD_UART0, BOARD_PCLK_HZ / 115200u);
    uart_net_init(&link, BOARD_UART0, &net);
    sh_puts("mqtt_rs bare-metal TLS self-test on " BOARD_NAME "\n");
    for (uint32_t i = 0; i < BIG_PAYLOAD; i++) {
        payload[i] = payload_byte(i);
    }
    bool ok = clock_check() && tls_platform_init() == MQTT_RS_OK &&
              tls_round("TLS 1.3", MQTT_RS_TLS_VERSION_1_3) &&
              tls_round("TLS 1.2", MQTT_RS_TLS_VERSION_1_2);
    sh_puts(ok ? "PASS\n" : "FAIL\n");
    return ok ? 0 : 1;
}
