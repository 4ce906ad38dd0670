/* fw_device_main.c: the secure firmware update device (c-examples/fwupdate) as QEMU
 * firmware. Over the UART to mosquitto's mutual-TLS listener (CA, client certificate
 * and key compiled in: fw_ca.h, fw_client_cert.h, fw_client_key.h), it runs the same
 * update logic as the POSIX fw_device (fwupdate/fw_update.c) with the release public
 * key compiled in (fw_release_key.h, made at build time): the manifest's signature is
 * verified, the chunks are written into a RAM region standing for flash (ram_flash.c,
 * NOR rules enforced) while they are hashed, and the image is marked ready only when
 * its size and SHA-256 match. Progress (the manifest, the next chunk), the installed
 * version and the counts live in .noinit RAM, which a warm reset keeps.
 *
 * The test it runs for tests/qemu.sh (case fw-m4): refusals are reported on the status
 * topic and the device waits for the next release; halfway through the first image the
 * power fails in the middle of a flash write and the CPU resets; the second boot
 * verifies the kept manifest again, drops the torn chunk and continues from the last
 * chunk written. Exit status 0 (semihosting) once an image is ready after exactly one
 * power cut and at least one refusal, with its SHA-256 read back from the flash. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "board.h"
#include "clock_check.h"
#include "cmsdk_uart.h"
#include "fw_ca.h"
#include "fw_client_cert.h"
#include "fw_client_key.h"
#include "fw_release_key.h"
#include "fw_update.h"
#include "mqtt_rs.h"
#include "ram_flash.h"
#include "semihosting.h"
#include "systick.h"
#include "tls_platform.h"
#include "uart_net.h"

#define TOPIC_MANIFEST "mqtt_rs/fwm4/manifest"
#define TOPIC_CHUNK "mqtt_rs/fwm4/chunk"
#define TOPIC_STATUS "mqtt_rs/fwm4/status"
#define CHUNK_MAX 4096u       /* the largest chunk this device takes */
#define CUT_AFTER_UNITS 3u    /* program units of the torn chunk written before the cut */
#define TIMEOUT_MS 30000u     /* handshakes run emulated crypto */
#define STALL_MS 3000u        /* nothing for this long: ask from where we are */
#define RUN_LIMIT_MS 240000u
#define MAX_CONNECT_FAILURES 5u

/* What survives a warm reset, with a check value (a cold start finds garbage). On a
 * device this is a flash record (a journal of the progress); here .noinit RAM. */
typedef struct device_state {
    uint32_t magic;
    uint32_t boots;
    uint32_t refusals;
    uint32_t installed; /* version marked ready, 0: none */
    uint8_t installed_sha256[MQTT_RS_SHA256_DIGEST_SIZE];
    uint32_t has_progress;
    uint8_t id[8];        /* manifest id of the download under way */
    uint32_t next;        /* chunks before it are in flash */
    uint32_t manifest_len; /* kept manifest, 0: none */
    uint32_t written;     /* chunks written, all boots */
    uint32_t has_refused;
    uint8_t refused[MQTT_RS_SHA256_DIGEST_SIZE]; /* of the manifest message refused last */
    uint32_t repeats;     /* deliveries of it ignored, all boots */
    uint32_t check;
} device_state;
#define STATE_MAGIC 0x66777570u
static device_state state __attribute__((section(".noinit")));
static uint8_t kept_manifest[FW_MANIFEST_MSG_MAX] __attribute__((section(".noinit")));

static mqtt_rs_client client;
static mqtt_rs_inflight_slot slots[4];
static uint8_t tx_buf[1024];
static uint8_t rx_buf[1024];
static uint8_t message[FW_CHUNK_HEADER + CHUNK_MAX];
static uint8_t sector_copy[FLASH_SECTOR_SIZE];
static uart_net link;
static struct fw_update update;
static uint32_t last_progress_ms;
static unsigned shown_tenths; /* of the image, last logged */

/* FNV-1a over the state before its check value. */
static uint32_t state_check(void)
{
    const uint8_t *p = (const uint8_t *)&state;
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < offsetof(device_state, check); i++) {
        h = (h ^ p[i]) * 16777619u;
    }
    return h;
}

static void state_commit(void)
{
    state.check = state_check();
}

static void say(const char *a, uint32_t n, const char *b)
{
    sh_puts(a);
    sh_put_u32(n);
    sh_puts(b);
}

/* --- the storage hooks of fw_update.h over flash.h and the state --- */

static bool erased(uint32_t sector)
{
    const uint8_t *p = flash_base() + sector * FLASH_SECTOR_SIZE;
    for (uint32_t i = 0; i < FLASH_SECTOR_SIZE; i++) {
        if (p[i] != 0xFF) {
            return false;
        }
    }
    return true;
}

/* Keeps the first len bytes: every later sector erased; the sector len falls in is
 * erased and its first part programmed again (unit-aligned: chunks are). */
static bool flash_truncate(void *ctx, uint32_t len)
{
    (void)ctx;
    uint32_t first = len / FLASH_SECTOR_SIZE, keep = len % FLASH_SECTOR_SIZE;
    if (len % FLASH_PROGRAM_UNIT != 0 || len > FLASH_REGION_SIZE) {
        return false;
    }
    memcpy(sector_copy, flash_base() + first * FLASH_SECTOR_SIZE, keep);
    for (uint32_t s = first; s < FLASH_SECTOR_COUNT; s++) {
        if (!erased(s) && flash_erase(s) != 0) {
            return false;
        }
    }
    return keep == 0 || flash_program(first * FLASH_SECTOR_SIZE, sector_copy, keep) == 0;
}

/* Programs whole units; a last partial unit is padded with erased bytes. Halfway
 * through the first boot's image, the power fails in the middle of this write. */
static bool flash_write(void *ctx, uint32_t at, const uint8_t *data, size_t len)
{
    (void)ctx;
    uint32_t whole = (uint32_t)len - (uint32_t)len % FLASH_PROGRAM_UNIT;
    uint8_t tail[FLASH_PROGRAM_UNIT];
    if (at % FLASH_PROGRAM_UNIT != 0) {
        return false; /* cannot happen: fw_update.c refuses chunk sizes that are not multiples */
    }
    if (state.boots == 1 && at >= update.m.size / 2u) {
        say("power cut while writing chunk ", update.next, ": reset\n");
        ram_flash_cut_power_after(CUT_AFTER_UNITS, ram_flash_power_fail);
    }
    if (whole > 0 && flash_program(at, data, whole) != 0) {
        return false;
    }
    if (whole < len) {
        memset(tail, 0xFF, sizeof tail);
        memcpy(tail, data + whole, len - whole);
        return flash_program(at + whole, tail, sizeof tail) == 0;
    }
    return true;
}

static bool flash_read(void *ctx, uint32_t at, uint8_t *buf, size_t len)
{
    (void)ctx;
    memcpy(buf, flash_base() + at, len);
    return true;
}

static bool save_manifest(void *ctx, const uint8_t *msg, size_t len)
{
    (void)ctx;
    if (len > sizeof kept_manifest) {
        return false;
    }
    if (msg != kept_manifest) {
        memcpy(kept_manifest, msg, len);
    }
    state.manifest_len = (uint32_t)len;
    state_commit();
    return true;
}

static bool save_progress(void *ctx, const uint8_t id[8], uint32_t next)
{
    (void)ctx;
    memcpy(state.id, id, sizeof state.id);
    state.next = next;
    state.has_progress = 1;
    state.written++;
    state_commit();
    return true;
}

static bool load_progress(void *ctx, uint8_t id[8], uint32_t *next)
{
    (void)ctx;
    memcpy(id, state.id, sizeof state.id);
    *next = state.next;
    return state.has_progress != 0;
}

static void forget(void *ctx)
{
    (void)ctx;
    state.has_progress = 0;
    state.manifest_len = 0;
    state_commit();
}

static bool install(void *ctx, uint32_t version, const uint8_t sha256[MQTT_RS_SHA256_DIGEST_SIZE])
{
    (void)ctx;
    state.installed = version;
    memcpy(state.installed_sha256, sha256, sizeof state.installed_sha256);
    state_commit();
    return true;
}

static bool save_refused(void *ctx, const uint8_t sha256[MQTT_RS_SHA256_DIGEST_SIZE])
{
    (void)ctx;
    memcpy(state.refused, sha256, sizeof state.refused);
    state.has_refused = 1;
    state_commit();
    return true;
}

static bool load_refused(void *ctx, uint8_t sha256[MQTT_RS_SHA256_DIGEST_SIZE])
{
    (void)ctx;
    memcpy(sha256, state.refused, sizeof state.refused);
    return state.has_refused != 0;
}

static const struct fw_storage storage = {NULL,          FLASH_REGION_SIZE, FLASH_PROGRAM_UNIT, flash_truncate,
                                          flash_write,   flash_read,        save_manifest,      save_progress,
                                          load_progress, forget,            install,            save_refused,
                                          load_refused};

/* --- the connection --- */

static void put_hex(const uint8_t *bytes, size_t len)
{
    char hex[2 * MQTT_RS_SHA256_DIGEST_SIZE + 1];
    fw_hex(bytes, len, hex);
    sh_puts(hex);
}

static void on_message(void *userdata, const mqtt_rs_message *m)
{
    (void)userdata;
    bool manifest = m->topic_len == sizeof TOPIC_MANIFEST - 1u && memcmp(m->topic, TOPIC_MANIFEST, m->topic_len) == 0;
    enum fw_update_event e = fw_update_on_message(&update, manifest, m);
    if (e == FW_UPDATE_ACCEPTED) {
        last_progress_ms = systick_now_ms();
        say("manifest v", update.m.version, " verified: ");
        say("", update.m.size, " bytes, ");
        say("from chunk ", update.next, "\n");
        shown_tenths = update.tenths;
    } else if (e == FW_UPDATE_WRITTEN) {
        last_progress_ms = systick_now_ms();
        if (update.tenths != shown_tenths) {
            shown_tenths = update.tenths;
            say("v", update.m.version, ": ");
            say("", update.bytes, " bytes (");
            say("", update.tenths * 10u, "%)\n");
        }
    } else if (e == FW_UPDATE_REPEATED) {
        state.repeats++;
        state_commit();
        say("manifest refused before, delivered again: ignored (", state.repeats, ")\n");
    }
}

static bool check(const char *call, mqtt_rs_result rc)
{
    if (rc == MQTT_RS_OK) {
        return true;
    }
    tls_platform_log_failure(&client, call, rc);
    return false;
}

static mqtt_rs_result status(const char *line)
{
    return mqtt_rs_client_publish(&client, TOPIC_STATUS, (const uint8_t *)line, strlen(line), 1, false, TIMEOUT_MS);
}

static bool client_start(void)
{
    mqtt_rs_client_config cfg = {0};
    mqtt_rs_tls_options tls;
    uart_net_init(&link, BOARD_UART0, &cfg.net);
    cfg.tx_buf = tx_buf;
    cfg.tx_len = sizeof tx_buf;
    cfg.rx_buf = rx_buf;
    cfg.rx_len = sizeof rx_buf;
    cfg.slots = slots;
    cfg.slot_count = sizeof slots / sizeof slots[0];
    cfg.on_message = on_message;
    if (!check("client_init", mqtt_rs_client_init(&client, &cfg))) {
        return false;
    }
    mqtt_rs_tls_options_init(&tls);
    tls.ca = (const uint8_t *)FW_CA_PEM;
    tls.ca_len = sizeof FW_CA_PEM - 1u;
    tls.cert = (const uint8_t *)FW_CLIENT_CERT_PEM;
    tls.cert_len = sizeof FW_CLIENT_CERT_PEM - 1u;
    tls.key = (const uint8_t *)FW_CLIENT_KEY_PEM;
    tls.key_len = sizeof FW_CLIENT_KEY_PEM - 1u;
    return check("use_tls", mqtt_rs_client_use_tls(&client, &tls));
}

/* Connects (the persistent session keeps the subscriptions and what the broker queued
 * while the device was away) and subscribes; the retained manifest comes again. */
static bool connect_and_subscribe(void)
{
    static const mqtt_rs_subscription subs[2] = {{TOPIC_MANIFEST, 1}, {TOPIC_CHUNK, 1}};
    mqtt_rs_connect_options options;
    bool present = false;
    mqtt_rs_connect_options_init(&options);
    options.host = "localhost"; /* the name the broker's certificate must carry */
    options.client_id = "mqtt_rs-fw-device-m4";
    options.clean_session = false;
    options.keepalive_s = 60;
    for (uint32_t failures = 0; failures < MAX_CONNECT_FAILURES; failures++) {
        uint32_t start = systick_now_ms();
        if (check("connect", mqtt_rs_client_connect(&client, &options, TIMEOUT_MS, &present)) &&
            check("subscribe", mqtt_rs_client_subscribe(&client, subs, 2, NULL, TIMEOUT_MS))) {
            say("connected (mutual TLS, ", systick_now_ms() - start, " ms), ");
            say("session ", present, present ? " (resumed)" : " (new)");
            say(", installed v", state.installed, "; subscribed\n");
            return true;
        }
    }
    return false;
}

/* Publishes the outcome; a refusal is counted and the device waits for the next release. */
static bool outcome(void)
{
    sh_puts(update.outcome);
    sh_puts("\n");
    if (!check("status", status(update.outcome))) {
        return false;
    }
    if (update.exit_code != 0) {
        state.refusals++;
        state_commit();
        fw_update_rearm(&update);
    }
    return true;
}

/* Runs until an image is ready; false on a connection or time-out failure. After a
 * warm reset (warm) the link first hangs up. */
static bool run(bool warm)
{
    char line[64];
    uint32_t start = systick_now_ms();
    if (!client_start()) {
        return false;
    }
    if (warm) {
        uart_net_hang_up(&link); /* the reset left the modem's (QEMU's) connection up */
    }
    if (!connect_and_subscribe()) {
        return false;
    }
    while (update.exit_code != 0) {
        if (systick_now_ms() - start > RUN_LIMIT_MS) {
            sh_puts("FAIL: no image ready in time\n");
            return false;
        }
        if (update.exit_code > 0) {
            if (!outcome()) {
                return false;
            }
            continue;
        }
        if (update.accepted && systick_now_ms() - last_progress_ms > STALL_MS) {
            update.need_pending = true;
            last_progress_ms = systick_now_ms();
        }
        mqtt_rs_result rc = fw_update_status(&update, line, sizeof line) ? status(line) : mqtt_rs_client_wait(&client, 100);
        if (!check("connection", rc)) {
            (void)mqtt_rs_client_disconnect(&client, 0);
            if (!connect_and_subscribe()) {
                return false;
            }
        }
    }
    return outcome() && check("disconnect", mqtt_rs_client_disconnect(&client, 2000));
}

/* The image as the flash holds it: its SHA-256 read back, against the installed record. */
static bool flash_matches(void)
{
    uint8_t digest[MQTT_RS_SHA256_DIGEST_SIZE];
    if (!fw_sha256(flash_base(), update.m.size, digest)) {
        return false;
    }
    sh_puts("flash sha256 ");
    put_hex(digest, sizeof digest);
    sh_puts("\n");
    return memcmp(digest, state.installed_sha256, sizeof digest) == 0;
}

int main(void)
{
    bool warm = state.magic == STATE_MAGIC && state.check == state_check();
    if (!warm) {
        memset(&state, 0, sizeof state);
        state.magic = STATE_MAGIC;
    }
    state.boots++;
    state_commit();
    systick_init(BOARD_SYSTICK_REF_HZ, BOARD_CPU_HZ);
    uart_init(BOARD_UART0, BOARD_PCLK_HZ / 115200u);
    say("mqtt_rs firmware update device on " BOARD_NAME ", boot ", state.boots, "\n");
    if (!clock_check() || !check("tls platform", tls_platform_init())) {
        sh_puts("FAIL\n");
        return 1;
    }
    fw_update_init(&update, &storage, fw_release_key, sizeof fw_release_key, state.installed, message, sizeof message);
    if (state.has_progress && state.manifest_len > 0) {
        say("kept manifest, progress at chunk ", state.next, ": ");
        sh_puts(fw_update_resume(&update, kept_manifest, state.manifest_len) ? "verified again, resuming\n"
                                                                            : "no longer acceptable, starting over\n");
    }
    bool ok = run(warm) && flash_matches();
    say("boot ", state.boots, ": ");
    say("chunks written ", state.written, " (");
    say("", (uint32_t)update.written, " this boot), ");
    say("duplicates ignored ", (uint32_t)update.duplicates, ", ");
    say("stale ignored ", (uint32_t)update.stale, ", ");
    say("refusals ", state.refusals, ", ");
    say("refused manifests ignored ", state.repeats, "; ");
    mqtt_rs_heap_stats heap;
    mqtt_rs_heap_stats_get(&heap);
    say("TLS heap peak ", (uint32_t)heap.peak, " bytes\n");
    if (ok && (state.boots != 2 || state.refusals == 0)) {
        sh_puts("FAIL: expected one power cut in the middle of the image and a refusal before it\n");
        ok = false;
    }
    sh_puts(ok ? "PASS\n" : "FAIL\n");
    return ok ? 0 : 1;
}
