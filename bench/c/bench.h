/*
 * bench.h - the common benchmark harness and the driver interface.
 *
 * One harness (harness.c) runs the same workloads over every client library;
 * each library is wrapped by a small driver (drv_<lib>.c) that implements the
 * functions declared below. The harness owns the loops, the timing and the
 * output (one JSON object on stdout), so every library is driven the same way.
 */
#ifndef BENCH_H
#define BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Options shared by the harness and the drivers. */
struct bench_opts {
    const char *mode;      /* thr | lat | cpu | ram */
    const char *host;
    uint16_t port;
    const char *topic;
    unsigned long count;   /* measured messages (or samples) */
    unsigned long warmup;  /* unmeasured messages first */
    unsigned window;       /* outstanding QoS 1/2 publishes the harness allows (-w) */
    unsigned lib_window;   /* in-flight limit configured in the library (-L; default: -w) */
    size_t payload;        /* payload bytes */
    int qos;
};

/* ---- provided by the harness, called by the drivers ------------------- */

/* Monotonic nanoseconds (CLOCK_MONOTONIC, comparable across processes). */
uint64_t now_ns(void);
/* A message arrived on a subscribed topic; t_ns is when the library handed it over. */
void h_arrived(uint64_t t_ns);
/* An outgoing QoS 1/2 flow completed (PUBACK or PUBCOMP). Never for QoS 0. */
void h_completed(void);
/* Prints "bench: what: detail" to stderr and exits 1. */
void die(const char *what, const char *detail);

/* ---- implemented by each driver ----------------------------------------- */

/* Library name as printed in the results ("mqtt_rs", "libmosquitto", ...). */
extern const char drv_name[];
/* Creates the client (the heap it allocates here is reported as its object size). */
void drv_init(const struct bench_opts *o, const char *client_id);
/* Bytes of client state the application provides statically (0 if none). */
size_t drv_static_bytes(void);
/* Connects and waits for CONNACK (blocking, bounded). */
void drv_connect(const struct bench_opts *o);
/* Subscribes and waits for SUBACK (blocking, bounded). */
void drv_subscribe(const char *topic, int qos);
/* Starts one PUBLISH. Returns 0 when accepted, 1 when there is no room now
 * (service, then retry). Exits on errors. */
int drv_publish(const char *topic, const uint8_t *payload, size_t len, int qos);
/* Does pending I/O; waits up to timeout_ms for the network only when there
 * was nothing to do. Exits on errors. */
void drv_service(int timeout_ms);
/* True when every accepted PUBLISH has been handed to the socket. */
bool drv_flushed(void);
/* Sends DISCONNECT and closes. */
void drv_disconnect(void);

#endif /* BENCH_H */
