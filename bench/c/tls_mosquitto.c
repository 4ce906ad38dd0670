/*
 * tls_mosquitto - TLS connection set-up cost of libmosquitto (OpenSSL):
 * COUNT times connect, wait for CONNACK, disconnect; prints the median time
 * from mosquitto_connect() to CONNACK and the bytes sent and received on the
 * TCP connection up to CONNACK (from TCP_INFO). Under callgrind
 * (--collect-atstart=no) exactly the connects after the first are counted.
 *
 *   tls_mosquitto HOST PORT CAFILE|- TLSVERSION COUNT full|resumed
 *
 * CAFILE "-" connects without TLS (the MQTT bytes alone, for subtracting).
 * TLSVERSION goes to mosquitto_tls_opts_set(): "tlsv1.3" allows only TLS 1.3,
 * but "tlsv1.2" only forbids older versions and still negotiates TLS 1.3
 * with a broker that offers it. bench/run.sh pins TLS 1.2 with an OpenSSL
 * configuration (OPENSSL_CONF, MaxProtocol = TLSv1.2); the negotiated
 * version is printed so the result shows what was measured.
 * libmosquitto creates a fresh SSL object for every connect and never calls
 * SSL_set_session(): each connect is a full handshake, so "resumed" only
 * prints {"supported": false}. (bench/README.md: the contract of tls_* programs.)
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
#include <unistd.h>

#include <mosquitto.h>
#include <openssl/ssl.h>

#if defined(__has_include)
#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#endif
#endif
#ifndef CALLGRIND_TOGGLE_COLLECT
#define CALLGRIND_TOGGLE_COLLECT
#endif

static volatile int connack = -1;

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void on_connect(struct mosquitto *m, void *u, int rc)
{
    (void)m;
    (void)u;
    connack = rc;
}

static int cmp(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    struct mosquitto *mosq;
    const char *host, *cafile, *tlsver;
    int port, count, i;
    uint64_t *times, out_bytes = 0, in_bytes = 0;
    const char *negotiated = "none";

    if (argc != 7) {
        fprintf(stderr, "usage: tls_mosquitto HOST PORT CAFILE|- TLSVERSION COUNT full|resumed\n");
        return 2;
    }
    if (strcmp(argv[6], "resumed") == 0) {
        printf("{\"lib\": \"libmosquitto\", \"supported\": false, \"why\": \"libmosquitto creates a new SSL "
               "object per connect and never calls SSL_set_session()\"}\n");
        return 0;
    }
    host = argv[1];
    port = atoi(argv[2]);
    cafile = argv[3];
    tlsver = argv[4];
    count = atoi(argv[5]);
    if (count < 2) {
        return 2;
    }
    times = calloc((size_t)count, sizeof *times);
    mosquitto_lib_init();
    mosq = mosquitto_new("bench-tls-libmosq", true, NULL); /* as long as tls_mqtt_rs's id */
    if (times == NULL || mosq == NULL) {
        return 1;
    }
    mosquitto_int_option(mosq, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311);
    mosquitto_int_option(mosq, MOSQ_OPT_TCP_NODELAY, 1);
    mosquitto_connect_callback_set(mosq, on_connect);
    if (strcmp(cafile, "-") != 0) {
        if (mosquitto_tls_set(mosq, cafile, NULL, NULL, NULL, NULL) != MOSQ_ERR_SUCCESS ||
            mosquitto_tls_opts_set(mosq, 1, tlsver, NULL) != MOSQ_ERR_SUCCESS) {
            fprintf(stderr, "tls_mosquitto: TLS options refused\n");
            return 1;
        }
    }
    for (i = 0; i < count; i++) {
        uint64_t t0;
        struct tcp_info ti;
        socklen_t len = sizeof ti;
        int rc, loops = 0;

        connack = -1;
        if (i == 1) {
            CALLGRIND_TOGGLE_COLLECT; /* the first connect (loading the CA file) is not counted */
        }
        t0 = now_ns();
        rc = mosquitto_connect(mosq, host, port, 60);
        while (rc == MOSQ_ERR_SUCCESS && connack < 0 && loops++ < 500) {
            rc = mosquitto_loop(mosq, 10, 1);
        }
        times[i] = now_ns() - t0;
        if (i == count - 1) {
            CALLGRIND_TOGGLE_COLLECT;
        }
        if (rc != MOSQ_ERR_SUCCESS || connack != 0) {
            fprintf(stderr, "tls_mosquitto: connect %d failed: %s\n", i, mosquitto_strerror(rc));
            return 1;
        }
        if (mosquitto_ssl_get(mosq) != NULL) {
            negotiated = SSL_get_version((SSL *)mosquitto_ssl_get(mosq));
        }
        memset(&ti, 0, sizeof ti);
        if (getsockopt(mosquitto_socket(mosq), IPPROTO_TCP, TCP_INFO, &ti, &len) == 0) {
            out_bytes = ti.tcpi_bytes_acked;
            in_bytes = ti.tcpi_bytes_received;
        }
        mosquitto_disconnect(mosq);
        mosquitto_loop(mosq, 10, 1);
    }
    qsort(times + 1, (size_t)count - 1, sizeof *times, cmp);
    printf("{\"lib\": \"libmosquitto\", \"supported\": true, \"tls\": \"%s\", \"negotiated\": \"%s\", "
           "\"connects\": %d, \"median_us\": %.1f, \"bytes_out\": %llu, \"bytes_in\": %llu, \"resumed\": false}\n",
           strcmp(cafile, "-") == 0 ? "none" : tlsver, negotiated, count - 1, times[1 + (count - 2) / 2] / 1000.0,
           (unsigned long long)out_bytes, (unsigned long long)in_bytes);
    mosquitto_destroy(mosq);
    mosquitto_lib_cleanup();
    free(times);
    return 0;
}
