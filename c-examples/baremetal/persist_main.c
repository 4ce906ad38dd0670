/* persist_main.c: bare-metal persistence self-test. Publishes COUNT QoS 1 and COUNT
 * QoS 2 messages (interleaved; each payload its number, 0 .. 2*COUNT-1) through the
 * reconnect supervisor, with every unfinished flow kept in flash_store.c over a RAM
 * region standing for flash (ram_flash.c). The power fails while message CUT_AT is
 * being saved: the flash write is cut short and the CPU reset (SCB AIRCR SYSRESETREQ).
 * The second boot finds the half-written record and ignores it, and before it connects
 * (offline) publishes QOS0_COUNT QoS 0 messages (payloads 0 .. QOS0_COUNT-1), each kept
 * in the store too (persist_qos0); the power fails again while QoS 0 message
 * QOS0_CUT_AT is being saved. The third boot hands the saved flows and QoS 0 messages
 * back to the library (mqtt_rs_reconnect_restore), publishes the QoS 0 messages not
 * kept, reconnects (the broker resumes the session), resends the flows, sends the QoS 0
 * queue in order and publishes the rest. A subscriber at the broker counts the messages
 * (tests/qemu.sh). Exit status 0 (semihosting) when the third boot finished with an
 * empty store, nothing failed and exactly two resets happened. No heap. */
#include <stdbool.h>
#include <stdint.h>

#include "board.h"
#include "clock_check.h"
#include "cmsdk_uart.h"
#include "flash_store.h"
#include "mqtt_rs.h"
#include "ram_flash.h"
#include "semihosting.h"
#include "systick.h"
#include "uart_net.h"

#define COUNT 100u /* QoS 1 messages, and as many QoS 2 */
#define TOTAL (2u * COUNT)
#define CUT_AT 121u /* the power fails while this message is being saved */
#define CUT_AFTER_UNITS 2u /* program units of its record written before the cut */
#define QOS0_COUNT 10u /* QoS 0 messages published offline in the second boot */
#define QOS0_CUT_AT 7u /* the power fails while this QoS 0 message is being saved */
#define WINDOW 8u
#define BUFFER_SIZE 256u
#define QOS0_BUF_SIZE 512u /* QOS0_COUNT messages of 7 + 21 + 3 bytes */
#define RUN_LIMIT_MS 40000u

typedef char store_holds_window[(FLASH_SECTOR_COUNT >= 2u * WINDOW + QOS0_COUNT + 1u) ? 1 : -1];

/* The application's own progress (the next message number), in memory that survives
 * the reset like the store: on a device, where it keeps its own data (a sample log).
 * Written after the library saved a message: a reset between the two is caught by
 * taking the highest number among the restored records. */
typedef struct progress {
    uint32_t magic;
    uint32_t boots;
    uint32_t next;
    uint32_t check;
} progress;
#define PROGRESS_MAGIC 0x70726f67u
static progress saved __attribute__((section(".noinit")));

/* What this boot did. */
typedef struct tally {
    uint32_t restored[4]; /* QoS 1, QoS 2 before PUBREC, QoS 2 released, QoS 0 */
    int32_t highest_restored, highest_restored_qos0;
    uint32_t published, published_qos0, done, qos0_forgotten, connections, resumed;
    uint32_t qos0_misremoved; /* removals with id 0 that left an older QoS 0 record */
} tally;

static mqtt_rs_client client;
static mqtt_rs_inflight_slot slots[WINDOW];
static uint8_t tx_buf[BUFFER_SIZE];
static uint8_t rx_buf[BUFFER_SIZE];
static uart_net link;
static mqtt_rs_reconnect supervisor;
static flash_store store;
static tally counts;
/* Payloads stay borrowed until their flow completes: one per message. */
static char payloads[TOTAL][4];
static const char *const topics[3] = {"mqtt_rs/fw/persist/q0", "mqtt_rs/fw/persist/q1", "mqtt_rs/fw/persist/q2"};
static uint8_t qos0_buf[QOS0_BUF_SIZE];

static uint32_t progress_check(const progress *p)
{
    return (p->magic ^ p->boots * 0x9e3779b9u ^ p->next * 0x85ebca6bu) + 1u;
}

static void progress_set(uint32_t boots, uint32_t next)
{
    saved.magic = PROGRESS_MAGIC;
    saved.boots = boots;
    saved.next = next;
    saved.check = progress_check(&saved);
}

static void say(const char *a, uint32_t n, const char *b)
{
    sh_puts(a);
    sh_put_u32(n);
    sh_puts(b);
}

static int32_t save(void *userdata, const mqtt_rs_persist_record *record)
{
    (void)userdata;
    return flash_store_save(&store, record);
}

static uint32_t number_of(const mqtt_rs_persist_record *record)
{
    uint32_t number = 0;
    for (size_t i = 0; i < record->payload_len; i++) {
        number = number * 10u + (uint32_t)(record->payload[i] - '0');
    }
    return number;
}

static int lowest_qos0(void *ctx, const mqtt_rs_persist_record *record)
{
    uint32_t *lowest = ctx;
    if (record->qos == 0 && number_of(record) < *lowest) {
        *lowest = number_of(record);
    }
    return 0;
}

static void forget(void *userdata, uint16_t packet_id, bool incoming)
{
    (void)userdata;
    flash_store_remove(&store, packet_id, incoming);
    if (packet_id == 0 && !incoming) {
        /* The oldest QoS 0 message went into the transmit buffer. The queue goes out
         * 0, 1, 2...: after n removals the store must hold n and up, nothing older
         * (a wrong record removed would be lost at the next reset, or sent twice). */
        uint32_t lowest = UINT32_MAX;
        counts.qos0_forgotten++;
        (void)flash_store_load(&store, lowest_qos0, &lowest);
        counts.qos0_misremoved += lowest != UINT32_MAX && lowest != counts.qos0_forgotten;
    }
}

static void on_event(void *userdata, const mqtt_rs_event *e)
{
    (void)userdata;
    if (e->kind == MQTT_RS_EVENT_PUBLISH_DONE && e->result == MQTT_RS_OK) {
        counts.done++;
    }
}

static void on_reconnect(void *userdata, const mqtt_rs_reconnect_event *e)
{
    (void)userdata;
    if (e->kind == MQTT_RS_RECONNECT_CONNECTED) {
        counts.connections++;
        counts.resumed += e->session_present;
        sh_puts(e->session_present ? "connected, session resumed\n" : "connected, new session\n");
    } else if (e->kind == MQTT_RS_RECONNECT_SCHEDULED) {
        say("reconnecting: attempt ", e->attempt, " in ");
        say("", e->delay_ms, " ms (");
        sh_puts(mqtt_rs_result_str(e->reason));
        sh_puts(")\n");
    }
}

/* The power fails: the flash write stops here and the CPU resets. QEMU's system reset
 * reloads the image and keeps RAM outside it (.noinit); the UART's TCP connection stays. */
static void power_fail(void)
{
    sh_puts("power cut while saving message ");
    sh_put_u32(CUT_AT);
    sh_puts(": reset\n");
    ram_flash_power_fail();
}

static void power_fail_qos0(void)
{
    sh_puts("power cut while saving QoS 0 message ");
    sh_put_u32(QOS0_CUT_AT);
    sh_puts(": reset\n");
    ram_flash_power_fail();
}

/* Hands one saved record back to the supervisor. */
static int restore(void *ctx, const mqtt_rs_persist_record *record)
{
    (void)ctx;
    mqtt_rs_result rc = mqtt_rs_reconnect_restore(&supervisor, record);
    if (rc != MQTT_RS_OK) {
        sh_puts("FAIL: restore: ");
        sh_puts(mqtt_rs_result_str(rc));
        sh_puts("\n");
        return -1;
    }
    int32_t number = (int32_t)number_of(record);
    /* QoS 0 messages are numbered on their own. */
    int32_t *highest = record->qos == 0 ? &counts.highest_restored_qos0 : &counts.highest_restored;
    if (number > *highest) {
        *highest = number;
    }
    counts.restored[record->qos == 0 ? 3 : record->qos == 1 ? 0 : record->released ? 2 : 1]++;
    return 0;
}

/* A device with no progress of its own yet (first boot, or its data wiped) drops what
 * the broker may keep for its client id: an earlier run's unfinished QoS 2 packet ids
 * would swallow new messages that reuse them. */
static bool clean_start(const mqtt_rs_connect_options *resumed)
{
    mqtt_rs_connect_options clean = *resumed;
    bool present = false;
    clean.clean_session = true;
    mqtt_rs_result rc = mqtt_rs_client_connect(&client, &clean, 3000, &present);
    if (rc == MQTT_RS_OK) {
        rc = mqtt_rs_client_disconnect(&client, 2000);
    }
    if (rc != MQTT_RS_OK) {
        sh_puts("FAIL: clean start: ");
        sh_puts(mqtt_rs_result_str(rc));
        sh_puts("\n");
    }
    return rc == MQTT_RS_OK;
}

static void number_payload(char *p, uint32_t number)
{
    p[0] = (char)('0' + number / 100u);
    p[1] = (char)('0' + number / 10u % 10u);
    p[2] = (char)('0' + number % 10u);
}

/* Before the first connection (offline): publishes the QoS 0 messages from `next` on,
 * each copied into qos0_buf and saved in the store before the call returns. The second
 * boot cuts the power while QoS 0 message QOS0_CUT_AT is being saved; the third finds
 * the ones before it in the store and publishes the rest after them. Returns false when
 * a publish failed. */
static bool publish_qos0_offline(uint32_t next, uint32_t boots)
{
    char p[3];
    for (; next < QOS0_COUNT; next++) {
        number_payload(p, next);
        if (boots == 2 && next == QOS0_CUT_AT) {
            ram_flash_cut_power_after(CUT_AFTER_UNITS, power_fail_qos0);
        }
        mqtt_rs_result rc = mqtt_rs_reconnect_publish(&supervisor, topics[0], (const uint8_t *)p, 3, 0, false, 0);
        if (rc != MQTT_RS_OK) {
            sh_puts("FAIL: QoS 0 publish offline: ");
            sh_puts(mqtt_rs_result_str(rc));
            sh_puts("\n");
            return false;
        }
        counts.published_qos0++;
    }
    return true;
}

/* Publishes from `next` until the window is full or everything is out; returns the next number. */
static uint32_t publish_some(uint32_t next, uint32_t boots)
{
    for (; next < TOTAL; next++) {
        uint32_t qos = next % 2u ? 2u : 1u;
        char *p = payloads[next];
        number_payload(p, next);
        if (boots == 1 && next == CUT_AT) {
            ram_flash_cut_power_after(CUT_AFTER_UNITS, power_fail);
        }
        mqtt_rs_result rc = mqtt_rs_reconnect_publish(&supervisor, topics[qos], (const uint8_t *)p, 3, (uint8_t)qos,
                                                      false, 0);
        ram_flash_cut_power_after(0, 0);
        if (rc == MQTT_RS_BUSY || rc == MQTT_RS_INFLIGHT_FULL || rc == MQTT_RS_OFFLINE_QUEUE_FULL) {
            break;
        }
        if (rc != MQTT_RS_IN_PROGRESS) {
            sh_puts("FAIL: publish: ");
            sh_puts(mqtt_rs_result_str(rc));
            sh_puts("\n");
            return TOTAL + 1u;
        }
        counts.published++;
        progress_set(boots, next + 1u);
    }
    return next;
}

static int run(uint32_t boots)
{
    static mqtt_rs_connect_options options;
    static const mqtt_rs_broker brokers[1] = {{"broker", 1883}}; /* the UART reaches one broker */
    mqtt_rs_client_config cfg = {0};
    mqtt_rs_reconnect_config rcfg;
    mqtt_rs_result rc;

    flash_store_open(&store);
    say("store: ", store.found_live, " records, ");
    say("", store.found_torn, " torn by a power cut, ");
    say("", store.found_dead, " dead slots\n");

    uart_net_init(&link, BOARD_UART0, &cfg.net);
    cfg.tx_buf = tx_buf;
    cfg.tx_len = sizeof tx_buf;
    cfg.rx_buf = rx_buf;
    cfg.rx_len = sizeof rx_buf;
    cfg.slots = slots;
    cfg.slot_count = WINDOW;
    cfg.on_event = on_event;
    if (mqtt_rs_client_init(&client, &cfg) != MQTT_RS_OK) {
        return 1;
    }
    mqtt_rs_connect_options_init(&options);
    options.host = brokers[0].host;
    options.client_id = "mqtt_rs-fw-persist";
    options.clean_session = false; /* the broker keeps the session across the reset */
    options.keepalive_s = 3;       /* also how long a CONNACK is awaited */
    options.max_inflight = WINDOW;
    if (boots == 1 && !clean_start(&options)) {
        return 1;
    }
    if (boots > 1) {
        uart_net_hang_up(&link); /* the reset left the modem's (QEMU's) connection up */
    }

    mqtt_rs_reconnect_config_init(&rcfg);
    rcfg.options = &options;
    rcfg.brokers = brokers;
    rcfg.broker_count = 1;
    rcfg.min_delay_ms = 200;
    rcfg.max_delay_ms = 2000;
    rcfg.seed = sh_time() ^ boots; /* a device: its serial number or a TRNG */
    rcfg.on_reconnect = on_reconnect;
    rcfg.persist_store = save;
    rcfg.persist_remove = forget;
    rcfg.qos0_buf = qos0_buf;
    rcfg.qos0_len = sizeof qos0_buf;
    rcfg.qos0_refuse_newest = true; /* a QoS 0 message that does not fit is refused, not dropped */
    rcfg.persist_qos0 = true;
    rc = mqtt_rs_reconnect_init(&supervisor, &client, &rcfg);
    if (rc != MQTT_RS_OK) {
        sh_puts("FAIL: reconnect_init: ");
        sh_puts(mqtt_rs_result_str(rc));
        sh_puts("\n");
        return 1;
    }
    /* Before the first poll: the saved flows go out first, in their order. */
    counts.highest_restored = -1;
    counts.highest_restored_qos0 = -1;
    if (flash_store_load(&store, restore, 0) < 0) {
        return 1;
    }
    uint32_t next = saved.next;
    if (counts.highest_restored >= 0 && (uint32_t)counts.highest_restored + 1u > next) {
        next = (uint32_t)counts.highest_restored + 1u;
    }
    say("restored ", counts.restored[0], " QoS 1, ");
    say("", counts.restored[1], " QoS 2 awaiting PUBREC, ");
    say("", counts.restored[2], " QoS 2 released, ");
    say("", counts.restored[3], " QoS 0; ");
    say("continuing at message ", next, "\n");
    if (boots > 1 && !publish_qos0_offline((uint32_t)(counts.highest_restored_qos0 + 1), boots)) {
        return 1;
    }

    uint32_t start = systick_now_ms();
    while (next < TOTAL || mqtt_rs_client_inflight_count(&client) > 0) {
        next = publish_some(next, boots);
        if (next > TOTAL) {
            return 1;
        }
        rc = mqtt_rs_reconnect_poll(&supervisor, 0);
        if (rc != MQTT_RS_OK || systick_now_ms() - start > RUN_LIMIT_MS) {
            sh_puts("FAIL: ");
            sh_puts(rc != MQTT_RS_OK ? mqtt_rs_result_str(rc) : "not done in time");
            say(", at message ", next, "\n");
            return 1;
        }
    }
    rc = mqtt_rs_client_disconnect(&client, 2000);

    uint32_t restored = counts.restored[0] + counts.restored[1] + counts.restored[2];
    say("boot ", boots, ": ");
    say("published ", counts.published, ", ");
    say("completed ", counts.done, ", ");
    say("connections ", counts.connections, " (");
    say("", counts.resumed, " resumed a session); QoS 0: ");
    say("restored ", counts.restored[3], ", ");
    say("published offline ", counts.published_qos0, ", ");
    say("sent ", counts.qos0_forgotten, "; store: ");
    say("", store.saves, " saves, ");
    say("", store.removes, " removes, ");
    say("", store.erases, " sector erases, ");
    say("", store.failures, " failures, ");
    say("", flash_store_count(&store), " records left\n");
    int failed = 0;
    if (rc != MQTT_RS_OK || store.failures != 0 || supervisor.persist_failures != 0 || flash_store_count(&store) != 0 ||
        counts.done != counts.published + restored ||
        counts.qos0_forgotten != counts.restored[3] + counts.published_qos0 || counts.qos0_misremoved != 0) {
        sh_puts("FAIL: a flow did not complete, a QoS 0 message was not sent or not the oldest record removed, "
                "or the store failed\n");
        failed = 1;
    }
    /* The second cut's record is torn; the first one's may have been erased since. */
    if (boots != 3 || store.found_torn == 0 || restored == 0 || counts.resumed == 0 ||
        counts.restored[3] != QOS0_CUT_AT) {
        sh_puts("FAIL: expected two resets in the middle of a save, flows and QoS 0 messages "
                "restored from the store and the session resumed\n");
        failed = 1;
    }
    return failed;
}

int main(void)
{
    bool warm = saved.magic == PROGRESS_MAGIC && saved.check == progress_check(&saved);
    uint32_t boots = warm ? saved.boots + 1u : 1u;
    progress_set(boots, warm ? saved.next : 0u);
    systick_init(BOARD_SYSTICK_REF_HZ, BOARD_CPU_HZ);
    uart_init(BOARD_UART0, BOARD_PCLK_HZ / 115200u);
    say("mqtt_rs bare-metal persistence test on " BOARD_NAME ", boot ", boots, "\n");
    int status = clock_check() ? run(boots) : 1;
    sh_puts(status == 0 ? "PASS\n" : "FAIL\n");
    return status;
}
