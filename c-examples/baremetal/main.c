/* main.c: bare-metal MQTT self-test. Connects over the UART (see uart_net.c),
 * subscribes to its own topics, publishes QoS 0, 1 and 2 and a payload larger than
 * its buffers, checks every byte that comes back, stays idle in one wait() for over two
 * keepalive periods (see idle_check.h), disconnects. Logs and the exit
 * status go through semihosting: 0 = all passed. No heap: every buffer is static.
 * Each API call's stack high-water is logged as "stack <call> <bytes>". */
#include <stdbool.h>
#include <stdint.h>

#include "board.h"
#include "clock_check.h"
#include "cmsdk_uart.h"
#include "idle_check.h"
#include "mqtt_rs.h"
#include "semihosting.h"
#include "stack_probe.h"
#include "systick.h"
#include "uart_net.h"

#define BUFFER_SIZE 256u
#define SLOTS 4u
#define BIG_PAYLOAD 1500u /* larger than both buffers: sent directly, received in chunks */
#define DEADLINE_MS 10000u
#define CONNECT_ATTEMPTS 3u

/* One message the test publishes and expects back. */
typedef struct expected {
    const char *topic;
    uint8_t qos;
    uint32_t len;
    uint8_t seed;
    uint32_t received; /* payload bytes checked so far */
    bool complete;
    bool bad;
} expected;

static expected messages[] = {
    {"mqtt_rs/fw/qos0", 0, 40, 11, 0, false, false},
    {"mqtt_rs/fw/qos1", 1, 90, 23, 0, false, false},
    {"mqtt_rs/fw/qos2", 2, 130, 37, 0, false, false},
    {"mqtt_rs/fw/big", 1, BIG_PAYLOAD, 53, 0, false, false},
};
#define MESSAGE_COUNT (sizeof messages / sizeof messages[0])

static mqtt_rs_client client;
static mqtt_rs_inflight_slot slots[SLOTS];
static uint8_t tx_buf[BUFFER_SIZE];
static uint8_t rx_buf[BUFFER_SIZE];
static uint8_t big[BIG_PAYLOAD];
static uart_net link;
static unsigned unexpected;

static uint8_t payload_byte(uint8_t seed, uint32_t i)
{
    return (uint8_t)(seed + i * 31u + (i >> 8));
}

static bool same_topic(const mqtt_rs_message *m, const char *topic)
{
    size_t i = 0;
    for (; i < m->topic_len; i++) {
        if (topic[i] == '\0' || topic[i] != m->topic[i]) {
            return false;
        }
    }
    return topic[i] == '\0';
}

static void on_message(void *userdata, const mqtt_rs_message *m)
{
    (void)userdata;
    for (size_t k = 0; k < MESSAGE_COUNT; k++) {
        expected *e = &messages[k];
        if (!same_topic(m, e->topic)) {
            continue;
        }
        if (m->qos != e->qos || m->total_len != e->len || m->offset != e->received || e->complete) {
            e->bad = true;
            return;
        }
        for (size_t i = 0; i < m->payload_len; i++) {
            if (m->payload[i] != payload_byte(e->seed, (uint32_t)(m->offset + i))) {
                e->bad = true;
            }
        }
        e->received += (uint32_t)m->payload_len;
        e->complete = e->received == e->len;
        return;
    }
    unexpected++;
}

static bool all_complete(void)
{
    for (size_t k = 0; k < MESSAGE_COUNT; k++) {
        if (!messages[k].complete) {
            return false;
        }
    }
    return true;
}

/* Logs "stack <call> <bytes>" and the result; true when the result is `want`. */
static bool report(const char *call, uint32_t stack, mqtt_rs_result rc, mqtt_rs_result want)
{
    sh_puts("stack ");
    sh_puts(call);
    sh_puts(" ");
    sh_put_u32(stack);
    sh_puts("\n");
    if (rc != want) {
        sh_puts("FAIL: ");
        sh_puts(call);
        sh_puts(": ");
        sh_puts(mqtt_rs_result_str(rc));
        sh_puts("\n");
        return false;
    }
    return true;
}

static int run(void)
{
    static const mqtt_rs_subscription subscription = {"mqtt_rs/fw/#", 2};
    mqtt_rs_client_config cfg = {0};
    mqtt_rs_connect_options options;
    uint8_t granted = 0xff;
    bool session_present = true;
    mqtt_rs_result rc;
    uintptr_t mark;

    uart_net_init(&link, BOARD_UART0, &cfg.net);
    idle_check_wrap(&cfg.net);
    cfg.tx_buf = tx_buf;
    cfg.tx_len = sizeof tx_buf;
    cfg.rx_buf = rx_buf;
    cfg.rx_len = sizeof rx_buf;
    cfg.slots = slots;
    cfg.slot_count = SLOTS;
    cfg.on_message = on_message;
    mark = STACK_PROBE_BEGIN();
    rc = mqtt_rs_client_init(&client, &cfg);
    if (!report("init", stack_probe_end(mark), rc, MQTT_RS_OK)) {
        return 1;
    }

    mqtt_rs_connect_options_init(&options);
    options.host = "broker"; /* the UART reaches one broker */
    options.client_id = "mqtt_rs-baremetal";
#ifdef MQTT_RS_MQTT5
    options.protocol_version = 5; /* a library built with MQTT 5.0 runs the self-test in 5.0 */
#endif
    options.keepalive_s = IDLE_CHECK_KEEPALIVE_S;
    /* A modem link may drop what is sent before it is up: try again, as a device would. */
    for (unsigned attempt = 1;; attempt++) {
        mark = STACK_PROBE_BEGIN();
        rc = mqtt_rs_client_connect(&client, &options, 3000, &session_present);
        uint32_t used = stack_probe_end(mark);
        if (rc == MQTT_RS_OK || attempt == CONNECT_ATTEMPTS) {
            if (!report("connect", used, rc, MQTT_RS_OK)) {
                return 1;
            }
            break;
        }
        sh_puts("connect: ");
        sh_puts(mqtt_rs_result_str(rc));
        sh_puts(", trying again\n");
    }

    mark = STACK_PROBE_BEGIN();
    rc = mqtt_rs_client_subscribe(&client, &subscription, 1, &granted, 5000);
    if (!report("subscribe", stack_probe_end(mark), rc, MQTT_RS_OK) || granted != 2) {
        sh_puts("FAIL: subscription not granted at QoS 2\n");
        return 1;
    }

    for (uint32_t i = 0; i < BIG_PAYLOAD; i++) {
        big[i] = payload_byte(messages[3].seed, i);
    }
    static const char *const calls[] = {"publish_qos0", "publish_qos1", "publish_qos2", "publish_big"};
    for (size_t k = 0; k < MESSAGE_COUNT; k++) {
        expected *e = &messages[k];
        uint8_t small[130];
        const uint8_t *payload = big;
        if (e->len <= sizeof small) {
            for (uint32_t i = 0; i < e->len; i++) {
                small[i] = payload_byte(e->seed, i);
            }
            payload = small;
        }
        mark = STACK_PROBE_BEGIN();
        rc = mqtt_rs_client_publish(&client, e->topic, payload, e->len, e->qos, false, 5000);
        if (!report(calls[k], stack_probe_end(mark), rc, MQTT_RS_OK)) {
            return 1;
        }
    }

    uint32_t start = systick_now_ms();
    uint32_t wait_stack = 0;
    do { /* at least once: answers what is still due and measures the call */
        mark = STACK_PROBE_BEGIN();
        rc = mqtt_rs_client_wait(&client, 50);
        uint32_t used = stack_probe_end(mark);
        wait_stack = used > wait_stack ? used : wait_stack;
        if (rc != MQTT_RS_OK) {
            report("wait", wait_stack, rc, MQTT_RS_OK);
            return 1;
        }
    } while (!all_complete() && systick_now_ms() - start < DEADLINE_MS);
    report("wait", wait_stack, MQTT_RS_OK, MQTT_RS_OK);

    int failed = 0;
    for (size_t k = 0; k < MESSAGE_COUNT; k++) {
        const expected *e = &messages[k];
        sh_puts(e->complete && !e->bad ? "ok: " : "FAIL: ");
        sh_puts(e->topic);
        sh_puts(" QoS ");
        sh_put_u32(e->qos);
        sh_puts(", ");
        sh_put_u32(e->received);
        sh_puts(" of ");
        sh_put_u32(e->len);
        sh_puts(" bytes back");
        sh_puts(e->bad ? ", content or order wrong\n" : "\n");
        failed |= !e->complete || e->bad;
    }
    if (unexpected != 0) {
        sh_puts("FAIL: messages on unexpected topics\n");
        failed = 1;
    }

    if (!idle_check(&client)) {
        return 1;
    }

    mark = STACK_PROBE_BEGIN();
    rc = mqtt_rs_client_disconnect(&client, 2000);
    if (!report("disconnect", stack_probe_end(mark), rc, MQTT_RS_OK)) {
        return 1;
    }
    if (mqtt_rs_client_is_connected(&client)) {
        sh_puts("FAIL: still connected after disconnect\n");
        return 1;
    }
    return failed;
}

int main(void)
{
    systick_init(BOARD_SYSTICK_REF_HZ, BOARD_CPU_HZ);
    uart_init(BOARD_UART0, BOARD_PCLK_HZ / 115200u);
    sh_puts("mqtt_rs bare-metal self-test on " BOARD_NAME "\n");
    int status = clock_check() ? run() : 1;
    sh_puts(status == 0 ? "PASS\n" : "FAIL\n");
    return status;
}
