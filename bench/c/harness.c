/*
 * harness.c - the workloads, identical for every client library (see bench.h).
 *
 *   bench_<lib> MODE [-h host] [-p port] [-t topic] [-q qos] [-n count]
 *               [-W warmup] [-w window] [-L library-window] [-s payload]
 *
 * MODE
 *   thr  publish -n messages as fast as the library allows, keeping at most
 *        -w QoS 1/2 publishes outstanding; no subscription (sub_count counts
 *        the arrivals). Prints when the first publish started and when the
 *        last one completed (QoS 1/2) or was handed to the socket (QoS 0),
 *        and the most QoS 1/2 publishes that were ever outstanding at once.
 *        -L sets the library's own in-flight limit separately from -w
 *        (0: the library's default), to check that the library enforces it.
 *   lat  subscribe to -t, then -W + -n times: publish one message and wait
 *        until it came back through the broker (and, QoS 1, its PUBACK);
 *        prints percentiles of the publish-to-receive time of the last -n.
 *   cpu  stop-and-wait: -W + -n times publish one message and wait until it
 *        was written (QoS 0) or acknowledged (QoS 1/2). The last -n are
 *        bracketed by CALLGRIND_TOGGLE_COLLECT, so callgrind with
 *        --collect-atstart=no counts exactly their instructions.
 *
 * Output: one JSON object on stdout.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* mallinfo2 */
#endif

#include "bench.h"

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#if defined(__has_include)
#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#endif
#endif
#ifndef CALLGRIND_TOGGLE_COLLECT
#define CALLGRIND_TOGGLE_COLLECT
#endif

/* A run never takes longer than this (the scripts pass sizes that finish far sooner). */
#define RUN_LIMIT_NS (300ull * 1000000000ull)

static volatile unsigned long arrived;
static volatile unsigned long completed;
static uint64_t last_arrival_ns;

uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void h_arrived(uint64_t t_ns)
{
    last_arrival_ns = t_ns;
    arrived++;
}

void h_completed(void)
{
    completed++;
}

void die(const char *what, const char *detail)
{
    fprintf(stderr, "bench_%s: %s: %s\n", drv_name, what, detail != NULL ? detail : "failed");
    exit(1);
}

static unsigned long parse_num(const char *s, const char *what)
{
    char *end = NULL;
    unsigned long v = strtoul(s, &end, 10);
    if (s[0] < '0' || s[0] > '9' || end == NULL || *end != '\0') {
        die("invalid number for", what);
    }
    return v;
}

static void parse_args(int argc, char **argv, struct bench_opts *o)
{
    int i;

    memset(o, 0, sizeof *o);
    o->host = "127.0.0.1";
    o->port = 1883;
    o->topic = "bench/t";
    o->count = 1000;
    o->warmup = 0;
    o->window = 20;
    o->lib_window = (unsigned)-1;
    o->payload = 64;
    o->qos = 0;
    if (argc < 2) {
        die("usage", "bench_LIB thr|lat|cpu [-h host] [-p port] [-t topic] [-q qos] [-n n] [-W warmup] [-w window] [-s size]");
    }
    o->mode = argv[1];
    for (i = 2; i + 1 < argc; i += 2) {
        const char *a = argv[i], *v = argv[i + 1];
        if (strcmp(a, "-h") == 0) {
            o->host = v;
        } else if (strcmp(a, "-p") == 0) {
            o->port = (uint16_t)parse_num(v, a);
        } else if (strcmp(a, "-t") == 0) {
            o->topic = v;
        } else if (strcmp(a, "-q") == 0) {
            o->qos = (int)parse_num(v, a);
        } else if (strcmp(a, "-n") == 0) {
            o->count = parse_num(v, a);
        } else if (strcmp(a, "-W") == 0) {
            o->warmup = parse_num(v, a);
        } else if (strcmp(a, "-w") == 0) {
            o->window = (unsigned)parse_num(v, a);
        } else if (strcmp(a, "-L") == 0) {
            o->lib_window = (unsigned)parse_num(v, a);
        } else if (strcmp(a, "-s") == 0) {
            o->payload = parse_num(v, a);
        } else {
            die("unknown option", a);
        }
    }
    if (i != argc) {
        die("missing value for", argv[argc - 1]);
    }
    if (o->lib_window == (unsigned)-1) {
        o->lib_window = o->window;
    }
    if (o->qos > 2 || o->window == 0 || o->count == 0 || o->payload == 0 || o->payload > 65536) {
        die("invalid arguments", NULL);
    }
}

static void check_time(uint64_t start)
{
    if (now_ns() - start > RUN_LIMIT_NS) {
        die("run", "time limit exceeded");
    }
}

/* Publishes one message, servicing the library while it has no room. */
static void publish_one(const struct bench_opts *o, const uint8_t *payload, uint64_t start)
{
    int busy = 0;
    while (drv_publish(o->topic, payload, o->payload, o->qos) != 0) {
        /* First service without waiting (room usually appears once queued
         * bytes are written), then wait for the network. */
        drv_service(busy++ ? 1000 : 0);
        check_time(start);
    }
}

static void run_thr(const struct bench_opts *o, const uint8_t *payload)
{
    unsigned long sent = 0, max_outstanding = 0;
    uint64_t t_start, t_done;

    t_start = now_ns();
    while (sent < o->count) {
        int busy = 0;
        if (o->qos > 0 && sent - completed >= o->window) {
            drv_service(1000);
            check_time(t_start);
            continue;
        }
        while (drv_publish(o->topic, payload, o->payload, o->qos) != 0) {
            drv_service(busy++ ? 1000 : 0);
            check_time(t_start);
        }
        sent++;
        if (o->qos > 0 && sent - completed > max_outstanding) {
            max_outstanding = sent - completed;
        }
    }
    if (o->qos > 0) {
        while (completed < o->count) {
            drv_service(1000);
            check_time(t_start);
        }
    } else {
        while (!drv_flushed()) {
            drv_service(1000);
            check_time(t_start);
        }
    }
    t_done = now_ns();
    printf(", \"t_start_ns\": %llu, \"t_done_ns\": %llu, \"max_outstanding\": %lu", (unsigned long long)t_start,
           (unsigned long long)t_done, max_outstanding);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static void run_lat(const struct bench_opts *o, const uint8_t *payload)
{
    uint64_t *samples = calloc(o->count, sizeof *samples);
    unsigned long i, total = o->warmup + o->count;
    uint64_t start = now_ns(), sum = 0;

    if (samples == NULL) {
        die("lat", "out of memory");
    }
    for (i = 0; i < total; i++) {
        unsigned long a0 = arrived, c0 = completed;
        uint64_t t0 = now_ns();
        publish_one(o, payload, start);
        while (arrived == a0 || (o->qos > 0 && completed == c0)) {
            drv_service(1000);
            check_time(start);
        }
        if (arrived != a0 + 1) {
            die("lat", "more messages than published arrived");
        }
        if (i >= o->warmup) {
            samples[i - o->warmup] = last_arrival_ns - t0;
            sum += last_arrival_ns - t0;
        }
    }
    qsort(samples, o->count, sizeof *samples, cmp_u64);
    printf(", \"p50_us\": %.2f, \"p99_us\": %.2f, \"min_us\": %.2f, \"max_us\": %.2f, \"mean_us\": %.2f",
           samples[(o->count - 1) / 2] / 1000.0, samples[(o->count * 99 + 99) / 100 - 1] / 1000.0,
           samples[0] / 1000.0, samples[o->count - 1] / 1000.0, (double)sum / (double)o->count / 1000.0);
    free(samples);
}

static void run_cpu(const struct bench_opts *o, const uint8_t *payload)
{
    unsigned long i, total = o->warmup + o->count;
    uint64_t start = now_ns();

    for (i = 0; i < total; i++) {
        unsigned long c0 = completed;
        if (i == o->warmup) {
            CALLGRIND_TOGGLE_COLLECT;
        }
        publish_one(o, payload, start);
        if (o->qos == 0) {
            while (!drv_flushed()) {
                drv_service(1000);
                check_time(start);
            }
        } else {
            while (completed == c0) {
                drv_service(1000);
                check_time(start);
            }
        }
    }
    CALLGRIND_TOGGLE_COLLECT;
}

int main(int argc, char **argv)
{
    struct bench_opts o;
    uint8_t *payload;
    char client_id[40];
    struct mallinfo2 before, after;
    size_t i;

    parse_args(argc, argv, &o);
    payload = malloc(o.payload);
    if (payload == NULL) {
        die("payload", "out of memory");
    }
    for (i = 0; i < o.payload; i++) {
        payload[i] = (uint8_t)('a' + i % 26);
    }
    snprintf(client_id, sizeof client_id, "bench-%s-%ld", drv_name, (long)getpid());

    before = mallinfo2();
    drv_init(&o, client_id);
    after = mallinfo2();
    drv_connect(&o);
    if (strcmp(o.mode, "lat") == 0) {
        drv_subscribe(o.topic, o.qos);
    }

    printf("{\"lib\": \"%s\", \"mode\": \"%s\", \"qos\": %d, \"n\": %lu, \"warmup\": %lu, \"window\": %u, "
           "\"lib_window\": %u, \"payload\": %zu, \"object_heap_bytes\": %zu, \"static_bytes\": %zu",
           drv_name, o.mode, o.qos, o.count, o.warmup, o.window, o.lib_window, o.payload,
           after.uordblks - before.uordblks, drv_static_bytes());
    if (strcmp(o.mode, "thr") == 0) {
        run_thr(&o, payload);
    } else if (strcmp(o.mode, "lat") == 0) {
        run_lat(&o, payload);
    } else if (strcmp(o.mode, "cpu") == 0) {
        run_cpu(&o, payload);
    } else {
        die("unknown mode", o.mode);
    }
    printf(", \"arrived\": %lu, \"completed\": %lu}\n", arrived, completed);
    fflush(stdout);
    drv_disconnect();
    free(payload);
    return 0;
}
