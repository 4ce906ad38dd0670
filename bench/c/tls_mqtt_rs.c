/*
 * tls_mqtt_rs - TLS connection set-up of mqtt_rs (rustls), the contract of
 * bench/README.md (the same as tls_mosquitto.c):
 *
 *   tls_mqtt_rs HOST PORT CAFILE|- TLSVERSION COUNT full|resumed
 *
 * COUNT times connect (blocking API: TCP, handshake, CONNECT, CONNACK) and
 * disconnect. "full" switches session resumption off, so every handshake is
 * full; "resumed" keeps it on, so every connect after the first offers the
 * session of the one before. Prints the median time from
 * mqtt_rs_client_connect() to its return (CONNACK), the bytes each way on the
 * TCP connection up to CONNACK (TCP_INFO, last connect), whether the last
 * handshake resumed, and the heap peak counted by the library's allocator
 * (mqtt_rs_heap_stats_get; the heap comes from the POSIX port's platform
 * hooks). Under callgrind (--collect-atstart=no) exactly the connects after
 * the first are counted.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <linux/tcp.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "mqtt_rs.h"
#include "posix_net.h"
#include "posix_tls_platform.h"

#if defined(__has_include)
#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#endif
#endif
#ifndef CALLGRIND_TOGGLE_COLLECT
#define CALLGRIND_TOGGLE_COLLECT
#endif

static mqtt_rs_client client;
static uint8_t tx[1024], rx[1024];
static mqtt_rs_inflight_slot slots[4];
static mqtt_rs_posix_net net;
static uint8_t ca[16384];

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static void fail(const char *what, mqtt_rs_result rc)
{
    char detail[256];
    detail[0] = '\0';
    mqtt_rs_client_tls_error_detail(&client, detail, sizeof detail);
    fprintf(stderr, "tls_mqtt_rs: %s: %s %s\n", what, mqtt_rs_result_str(rc), detail);
    exit(1);
}

int main(int argc, char **argv)
{
    const char *cafile, *tlsver;
    int count, i;
    bool use_tls, resume;
    uint64_t *times, out_bytes = 0, in_bytes = 0;
    size_t heap_peak = 0, heap_connected = 0;
    bool resumed = false;
    mqtt_rs_client_config cfg;
    mqtt_rs_connect_options opt;
    mqtt_rs_result rc;
    char id[48];

    if (argc != 7) {
        fprintf(stderr, "usage: tls_mqtt_rs HOST PORT CAFILE|- TLSVERSION COUNT full|resumed\n");
        return 2;
    }
    cafile = argv[3];
    tlsver = argv[4];
    count = atoi(argv[5]);
    resume = strcmp(argv[6], "resumed") == 0;
    use_tls = strcmp(cafile, "-") != 0;
    if (count < 2) {
        return 2;
    }
    times = calloc((size_t)count, sizeof *times);
    if (times == NULL) {
        return 1;
    }

    memset(&cfg, 0, sizeof cfg);
    mqtt_rs_posix_net_init(&net, &cfg.net);
    cfg.tx_buf = tx;
    cfg.tx_len = sizeof tx;
    cfg.rx_buf = rx;
    cfg.rx_len = sizeof rx;
    cfg.slots = slots;
    cfg.slot_count = 4;
    if ((rc = mqtt_rs_client_init(&client, &cfg)) != MQTT_RS_OK) {
        fail("init", rc);
    }
    if (use_tls) {
        mqtt_rs_tls_platform hooks;
        mqtt_rs_tls_options tls;
        FILE *f = fopen(cafile, "rb");
        size_t ca_len;
        if (f == NULL) {
            fprintf(stderr, "tls_mqtt_rs: cannot open %s\n", cafile);
            return 1;
        }
        ca_len = fread(ca, 1, sizeof ca, f);
        fclose(f);
        mqtt_rs_posix_tls_platform(&hooks);
        if ((rc = mqtt_rs_tls_set_platform(&hooks)) != MQTT_RS_OK) {
            fail("tls_set_platform", rc);
        }
        mqtt_rs_tls_options_init(&tls);
        tls.ca = ca;
        tls.ca_len = ca_len;
        tls.resumption = resume;
        if (strcmp(tlsver, "tlsv1.2") == 0) {
            tls.min_version = MQTT_RS_TLS_VERSION_1_2;
            tls.max_version = MQTT_RS_TLS_VERSION_1_2;
        } else {
            tls.min_version = MQTT_RS_TLS_VERSION_1_3;
            tls.max_version = MQTT_RS_TLS_VERSION_1_3;
        }
        if ((rc = mqtt_rs_client_use_tls(&client, &tls)) != MQTT_RS_OK) {
            fail("use_tls", rc);
        }
    }
    snprintf(id, sizeof id, "bench-tls-mqtt_rs");
    mqtt_rs_connect_options_init(&opt);
    opt.host = argv[1];
    opt.port = (uint16_t)atoi(argv[2]);
    opt.client_id = id;

    for (i = 0; i < count; i++) {
        uint64_t t0;
        struct tcp_info ti;
        socklen_t len = sizeof ti;
        mqtt_rs_heap_stats hs;

        mqtt_rs_heap_stats_reset_peak();
        if (i == 1) {
            CALLGRIND_TOGGLE_COLLECT; /* the first connect (parsing the CA, no session yet) is not counted */
        }
        t0 = now_ns();
        rc = mqtt_rs_client_connect(&client, &opt, 5000, NULL);
        times[i] = now_ns() - t0;
        if (i == count - 1) {
            CALLGRIND_TOGGLE_COLLECT;
        }
        if (rc != MQTT_RS_OK) {
            fail("connect", rc);
        }
        memset(&ti, 0, sizeof ti);
        if (getsockopt(mqtt_rs_posix_net_fd(&net), IPPROTO_TCP, TCP_INFO, &ti, &len) == 0) {
            out_bytes = ti.tcpi_bytes_acked;
            in_bytes = ti.tcpi_bytes_received;
        }
        resumed = mqtt_rs_client_tls_resumed(&client);
        if (mqtt_rs_heap_stats_get(&hs) == MQTT_RS_OK) {
            if (hs.peak > heap_peak) {
                heap_peak = hs.peak;
            }
            heap_connected = hs.current;
        }
        mqtt_rs_client_disconnect(&client, 2000);
    }
    mqtt_rs_client_deinit(&client);
    qsort(times + 1, (size_t)count - 1, sizeof *times, cmp);
    printf("{\"lib\": \"mqtt_rs\", \"supported\": true, \"tls\": \"%s\", \"connects\": %d, \"median_us\": %.1f, "
           "\"bytes_out\": %llu, \"bytes_in\": %llu, \"resumed\": %s, \"heap_peak_bytes\": %zu, "
           "\"heap_connected_bytes\": %zu}\n",
           use_tls ? tlsver : "none", count - 1, times[1 + (count - 2) / 2] / 1000.0, (unsigned long long)out_bytes,
           (unsigned long long)in_bytes, resumed ? "true" : "false", heap_peak, heap_connected);
    free(times);
    return 0;
}
