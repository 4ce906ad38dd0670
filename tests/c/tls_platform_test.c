/*
 * tls_platform_test - the TLS platform hooks through the C API, against the
 * test broker's TLS listener: mqtt_rs_tls_set_platform() refuses half an
 * allocator, a missing clock, failing entropy and an empty heap each end the
 * connect with their own result code, and with working hooks (the ones of
 * c-examples/port/posix_tls_platform.c, wrapped to count) the client
 * connects, and every block allocated is freed by mqtt_rs_client_deinit()
 * (by the hooks' own count and by mqtt_rs_heap_stats_get()).
 *
 * Not tested: an allocator that runs dry. Only the library's own record
 * buffers report that (MQTT_RS_TLS_OUT_OF_MEMORY); rustls allocates
 * infallibly, and a NULL from the hook inside it ends in the library's
 * panic handler, which never returns (see c-examples/README.md).
 *
 *   tls_platform_test TLS_PORT CA_FILE
 *
 * The hooks are process-wide, so this is one program with ordered checks.
 * Prints one line per check and "N passed, N failed"; exits 0 only when
 * every check passed.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mqtt_rs.h"
#include "posix_net.h"
#include "posix_tls_platform.h"

static int passed;
static int failed;

static void check(int ok, const char *what)
{
    printf("%s: %s\n", ok ? "ok" : "FAIL", what);
    if (ok) {
        passed++;
    } else {
        failed++;
    }
}

static void check_rc(mqtt_rs_result got, mqtt_rs_result want, const char *what)
{
    char line[256];

    (void)snprintf(line, sizeof line, "%s: %s (want %s)", what, mqtt_rs_result_str(got),
                   mqtt_rs_result_str(want));
    check(got == want, line);
}

/* --- hooks ---------------------------------------------------------------- */

/* A counting allocator: a size header in front of every block (16 bytes, so
 * the block stays aligned to 2 * sizeof(void *) on 64-bit hosts). */
#define HEADER 16u
static size_t live_bytes;
static size_t live_blocks;
static size_t total_allocs;

static void *counting_alloc(size_t size)
{
    unsigned char *p = (unsigned char *)malloc(size + HEADER);

    if (p == NULL) {
        return NULL;
    }
    memcpy(p, &size, sizeof size);
    live_bytes += size;
    live_blocks++;
    total_allocs++;
    return p + HEADER;
}

static void counting_free(void *ptr)
{
    unsigned char *p;
    size_t size;

    if (ptr == NULL) {
        return;
    }
    p = (unsigned char *)ptr - HEADER;
    memcpy(&size, p, sizeof size);
    live_bytes -= size;
    live_blocks--;
    free(p);
}

/* A second allocator, only to be refused while the first one has blocks out. */
static void *other_alloc(size_t size)
{
    return malloc(size);
}

static void other_free(void *ptr)
{
    free(ptr);
}

static uint64_t no_time(void)
{
    return 0;
}

static uint64_t wall_time(void)
{
    time_t now = time(NULL);

    return now > 0 ? (uint64_t)now : 0;
}

static int32_t urandom_entropy(uint8_t *buf, size_t len)
{
    FILE *f = fopen("/dev/urandom", "rb");
    size_t n = f != NULL ? fread(buf, 1, len, f) : 0;

    if (f != NULL) {
        fclose(f);
    }
    return n == len ? 0 : -1;
}

static int32_t no_entropy(uint8_t *buf, size_t len)
{
    (void)buf;
    (void)len;
    return -1;
}

/* --- one connection ------------------------------------------------------- */

static mqtt_rs_client client;
static uint8_t tx[512], rx[512];
static mqtt_rs_inflight_slot slots[2];
static mqtt_rs_posix_net net_ctx;
static const char *ca_path;
static uint16_t tls_port;

static uint8_t *ca;
static size_t ca_len;

static int load_ca(void)
{
    FILE *f = fopen(ca_path, "rb");
    long n;

    if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) <= 0 || fseek(f, 0, SEEK_SET) != 0) {
        perror(ca_path);
        return 0;
    }
    ca = (uint8_t *)malloc((size_t)n);
    if (ca == NULL || fread(ca, 1, (size_t)n, f) != (size_t)n) {
        perror(ca_path);
        return 0;
    }
    ca_len = (size_t)n;
    fclose(f);
    return 1;
}

/* init + use_tls + connect (+ disconnect) + deinit; returns the first failure. */
static mqtt_rs_result connect_once(char *detail, size_t detail_len)
{
    mqtt_rs_client_config cfg;
    mqtt_rs_connect_options opt;
    mqtt_rs_tls_options tls;
    mqtt_rs_result rc;

    detail[0] = '\0';
    memset(&cfg, 0, sizeof cfg);
    mqtt_rs_posix_net_init(&net_ctx, &cfg.net);
    cfg.tx_buf = tx;
    cfg.tx_len = sizeof tx;
    cfg.rx_buf = rx;
    cfg.rx_len = sizeof rx;
    cfg.slots = slots;
    cfg.slot_count = 2;
    rc = mqtt_rs_client_init(&client, &cfg);
    if (rc != MQTT_RS_OK) {
        return rc;
    }
    mqtt_rs_tls_options_init(&tls);
    tls.ca = ca;
    tls.ca_len = ca_len;
    rc = mqtt_rs_client_use_tls(&client, &tls);
    if (rc == MQTT_RS_OK) {
        mqtt_rs_connect_options_init(&opt);
        opt.host = "127.0.0.1";
        opt.port = tls_port;
        opt.client_id = "";
        rc = mqtt_rs_client_connect(&client, &opt, 5000, NULL);
        (void)mqtt_rs_client_tls_error_detail(&client, detail, detail_len);
        if (rc == MQTT_RS_OK) {
            rc = mqtt_rs_client_disconnect(&client, 2000);
        }
    }
    mqtt_rs_client_deinit(&client);
    return rc;
}

int main(int argc, char **argv)
{
    mqtt_rs_tls_platform hooks;
    mqtt_rs_heap_stats stats;
    mqtt_rs_result rc;
    char detail[256];

    setvbuf(stdout, NULL, _IONBF, 0); /* every line reaches ctest's log, even on a hang */
    if (argc != 3) {
        fprintf(stderr, "usage: %s TLS_PORT CA_FILE\n", argv[0]);
        return 2;
    }
    tls_port = (uint16_t)atoi(argv[1]);
    ca_path = argv[2];
    if (!mqtt_rs_tls_available()) {
        printf("library built without TLS: nothing to test\n");
        return 77; /* ctest SKIP_RETURN_CODE */
    }
    if (!load_ca()) {
        return 2;
    }

    /* Argument checks. */
    check_rc(mqtt_rs_tls_set_platform(NULL), MQTT_RS_NULL_ARGUMENT, "set_platform(NULL)");
    memset(&hooks, 0, sizeof hooks);
    hooks.alloc = counting_alloc;
    check_rc(mqtt_rs_tls_set_platform(&hooks), MQTT_RS_INVALID_ARGUMENT, "alloc without free");

    /* Working hooks, counted: a full connection, then nothing left. */
    memset(&hooks, 0, sizeof hooks);
    hooks.alloc = counting_alloc;
    hooks.free = counting_free;
    hooks.unix_time = wall_time;
    hooks.entropy = urandom_entropy;
    check_rc(mqtt_rs_tls_set_platform(&hooks), MQTT_RS_OK, "counting allocator, wall clock");
    mqtt_rs_heap_stats_reset_peak();
    rc = connect_once(detail, sizeof detail);
    check_rc(rc, MQTT_RS_OK, "connect with the counting allocator");
    check(total_allocs > 0, "the allocator hook was used");
    check(live_blocks == 0 && live_bytes == 0, "every block freed after mqtt_rs_client_deinit");
    check(mqtt_rs_heap_stats_get(&stats) == MQTT_RS_OK && stats.current == 0 && stats.peak > 0,
          "heap stats: nothing in use, a peak recorded");
    printf("      %lu allocations, peak %lu bytes\n", (unsigned long)total_allocs, (unsigned long)stats.peak);

    /* Replacing the allocator while a client holds TLS memory is refused. */
    {
        mqtt_rs_client_config cfg;
        mqtt_rs_tls_options tls;
        mqtt_rs_tls_platform other = hooks;

        memset(&cfg, 0, sizeof cfg);
        mqtt_rs_posix_net_init(&net_ctx, &cfg.net);
        cfg.tx_buf = tx;
        cfg.tx_len = sizeof tx;
        cfg.rx_buf = rx;
        cfg.rx_len = sizeof rx;
        cfg.slots = slots;
        cfg.slot_count = 2;
        (void)mqtt_rs_client_init(&client, &cfg);
        mqtt_rs_tls_options_init(&tls);
        tls.ca = ca;
        tls.ca_len = ca_len;
        check_rc(mqtt_rs_client_use_tls(&client, &tls), MQTT_RS_OK, "use_tls (holds the parsed CA)");
        other.alloc = other_alloc;
        other.free = other_free;
        check_rc(mqtt_rs_tls_set_platform(&other), MQTT_RS_WRONG_STATE, "replace the allocator while in use");
        mqtt_rs_client_deinit(&client);
        check(live_blocks == 0, "deinit without a connection frees the TLS settings");
    }

    /* No wall clock: certificates cannot be checked. */
    hooks.unix_time = no_time;
    check_rc(mqtt_rs_tls_set_platform(&hooks), MQTT_RS_OK, "clock hook returning 0");
    check_rc(connect_once(detail, sizeof detail), MQTT_RS_TLS_NO_CLOCK, "connect without a clock");
    printf("      detail: %s\n", detail);

    /* Failing entropy. */
    hooks.unix_time = wall_time;
    hooks.entropy = no_entropy;
    check_rc(mqtt_rs_tls_set_platform(&hooks), MQTT_RS_OK, "entropy hook failing");
    check_rc(connect_once(detail, sizeof detail), MQTT_RS_TLS_NO_ENTROPY, "connect without entropy");
    printf("      detail: %s\n", detail);
    check(live_blocks == 0, "nothing left allocated after the failures");

    /* The reference port's hooks (c-examples/port/posix_tls_platform.c). */
    mqtt_rs_posix_tls_platform(&hooks);
    check_rc(mqtt_rs_tls_set_platform(&hooks), MQTT_RS_OK, "install the POSIX reference hooks");
    check_rc(connect_once(detail, sizeof detail), MQTT_RS_OK, "connect with the reference hooks");
    check(mqtt_rs_heap_stats_get(&stats) == MQTT_RS_OK && stats.current == 0, "heap empty after deinit");

    free(ca);
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
