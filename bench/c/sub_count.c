/*
 * sub_count - the subscriber of the throughput benchmark. One plain socket,
 * no client library: it subscribes, creates READY_FILE once the SUBACK is in,
 * then counts arriving PUBLISH packets (acknowledging QoS 1/2 ones) until
 * COUNT arrived, nothing arrived for IDLE_S seconds, or TIMEOUT_S passed.
 *
 *   sub_count HOST PORT TOPIC QOS COUNT READY_FILE TIMEOUT_S IDLE_S
 *
 * Prints one JSON object: arrivals and the CLOCK_MONOTONIC times of the first
 * and last arrival (nanoseconds, comparable with the publisher's clock).
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include "rawmqtt.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define RBUF (256 * 1024)

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint8_t rbuf[RBUF];
static uint8_t wbuf[64 * 1024];

int main(int argc, char **argv)
{
    const char *host, *topic, *ready;
    uint16_t port;
    int qos, fd;
    unsigned long want, got = 0;
    uint64_t t_first = 0, t_last = 0, deadline, idle_ns, last_activity;
    size_t have = 0, n, hl, wlen = 0;
    uint8_t pkt[512];
    char id[32];
    FILE *f;

    if (argc != 9) {
        fprintf(stderr, "usage: sub_count HOST PORT TOPIC QOS COUNT READY_FILE TIMEOUT_S IDLE_S\n");
        return 2;
    }
    host = argv[1];
    port = (uint16_t)atoi(argv[2]);
    topic = argv[3];
    qos = atoi(argv[4]);
    want = strtoul(argv[5], NULL, 10);
    ready = argv[6];
    deadline = now_ns() + strtoull(argv[7], NULL, 10) * 1000000000ull;
    idle_ns = strtoull(argv[8], NULL, 10) * 1000000000ull;

    fd = raw_tcp_connect(host, port);
    if (fd < 0) {
        fprintf(stderr, "sub_count: cannot connect to %s:%u\n", host, (unsigned)port);
        return 1;
    }
    snprintf(id, sizeof id, "bench-sub-%ld", (long)getpid());
    n = raw_encode_connect(pkt, id, 600);
    if (raw_send_all(fd, pkt, n, 5000) != 0 || (n = raw_read_packet(fd, rbuf, RBUF, &have, 5000)) == 0 ||
        rbuf[0] >> 4 != RAW_CONNACK || rbuf[3] != 0) {
        fprintf(stderr, "sub_count: no CONNACK\n");
        return 1;
    }
    memmove(rbuf, rbuf + n, have - n);
    have -= n;
    n = raw_encode_subscribe(pkt, 1, topic, qos);
    if (raw_send_all(fd, pkt, n, 5000) != 0 || (n = raw_read_packet(fd, rbuf, RBUF, &have, 5000)) == 0 ||
        rbuf[0] >> 4 != RAW_SUBACK || rbuf[4] > 2) {
        fprintf(stderr, "sub_count: no SUBACK\n");
        return 1;
    }
    memmove(rbuf, rbuf + n, have - n);
    have -= n;
    f = fopen(ready, "w");
    if (f == NULL) {
        fprintf(stderr, "sub_count: cannot create %s\n", ready);
        return 1;
    }
    fclose(f);

    last_activity = now_ns();
    while (got < want) {
        size_t off = 0;
        ssize_t r;
        uint64_t now;

        r = recv(fd, rbuf + have, RBUF - have, 0);
        if (r > 0) {
            uint64_t t = now_ns();
            have += (size_t)r;
            while ((n = raw_packet_len(rbuf + off, have - off, &hl)) != 0) {
                const uint8_t *p = rbuf + off;
                if (n == (size_t)-1) {
                    fprintf(stderr, "sub_count: malformed packet\n");
                    return 1;
                }
                if (p[0] >> 4 == RAW_PUBLISH) {
                    int q = (p[0] >> 1) & 3;
                    got++;
                    if (t_first == 0) {
                        t_first = t;
                    }
                    t_last = t;
                    if (q > 0) {
                        size_t tl = ((size_t)p[hl] << 8) | p[hl + 1];
                        uint16_t pid = (uint16_t)((p[hl + 2 + tl] << 8) | p[hl + 3 + tl]);
                        wlen += raw_encode_ack(wbuf + wlen, q == 1 ? RAW_PUBACK : RAW_PUBREC, pid);
                    }
                } else if (p[0] >> 4 == RAW_PUBREL) {
                    wlen += raw_encode_ack(wbuf + wlen, RAW_PUBCOMP, (uint16_t)((p[2] << 8) | p[3]));
                }
                off += n;
                if (wlen > sizeof wbuf - 8) {
                    raw_send_all(fd, wbuf, wlen, 5000);
                    wlen = 0;
                }
            }
            memmove(rbuf, rbuf + off, have - off);
            have -= off;
            if (wlen > 0) {
                raw_send_all(fd, wbuf, wlen, 5000);
                wlen = 0;
            }
            last_activity = t;
            continue;
        }
        if (r == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
            fprintf(stderr, "sub_count: connection lost\n");
            break;
        }
        now = now_ns();
        if (now >= deadline || (got > 0 && now - last_activity >= idle_ns)) {
            break;
        }
        {
            struct pollfd p = { fd, POLLIN, 0 };
            poll(&p, 1, 100);
        }
    }
    {
        uint8_t d[2] = { RAW_DISCONNECT << 4, 0 };
        raw_send_all(fd, d, 2, 1000);
    }
    close(fd);
    printf("{\"arrived\": %lu, \"expected\": %lu, \"t_first_ns\": %llu, \"t_last_ns\": %llu}\n", got, want,
           (unsigned long long)t_first, (unsigned long long)t_last);
    return got == want ? 0 : 3;
}
