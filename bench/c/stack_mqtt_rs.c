/*
 * stack_mqtt_rs - measures the stack each mqtt_rs API call uses, against a
 * real broker, over the reference POSIX port.
 *
 *   stack_mqtt_rs HOST PORT TOPIC [CAFILE]
 *
 * With CAFILE (and a library built with TLS) every connection uses TLS: the
 * handshake runs inside connect/poll, the records inside every call that
 * does I/O, on the same stack.
 *
 * Every call runs on a separate stack (makecontext/swapcontext) that is filled
 * with a pattern beforehand; afterwards the lowest overwritten byte gives the
 * deepest point the call reached, including the POSIX port callbacks, the
 * libc functions they call and the application callbacks (which here only
 * record their own depth). The cost of entering the separate stack is
 * measured with an empty function and subtracted. Per call it also reports
 * how deep the stack already was when the library called a network, clock
 * or application callback (the library's own frames above your callback).
 *
 * Output: one JSON object mapping each API function to
 * {"total": bytes, "at_callback": bytes}.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* ucontext */
#endif

#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>
#include <unistd.h>

#include "mqtt_rs.h"
#include "posix_net.h"
#ifdef BENCH_TLS
#include "posix_tls_platform.h"
#endif

#define STACK_SIZE (256 * 1024)
#define PATTERN 0xA5

static uint8_t *stack_lo;
static ucontext_t main_ctx, call_ctx;
static void (*call_fn)(void);
static size_t cb_depth; /* deepest stack at any callback entry during the call */
static size_t baseline;

static mqtt_rs_client client;
static uint8_t tx[1024], rx[1024];
static mqtt_rs_inflight_slot slots[8];
static mqtt_rs_posix_net net_ctx;
static mqtt_rs_net posix; /* the real callbacks, wrapped below */
static mqtt_rs_client_config cfg;
static mqtt_rs_connect_options copts;
static const char *host, *topic;
static unsigned port;
static char client_id[48];
static volatile unsigned long messages, events, publishes_done;
static int failed;
static const char *cafile;
static uint8_t ca[16384];
static size_t ca_len;

static void note_depth(void)
{
    uint8_t *sp = (uint8_t *)__builtin_frame_address(0);
    if (sp >= stack_lo && sp < stack_lo + STACK_SIZE) {
        size_t d = (size_t)(stack_lo + STACK_SIZE - sp);
        if (d > cb_depth) {
            cb_depth = d;
        }
    }
}

/* Wrappers: record the depth, then call the POSIX port. */
static int32_t w_connect(void *c, const char *h, uint16_t p, uint32_t t)
{
    note_depth();
    return posix.connect(c, h, p, t);
}
static int32_t w_read(void *c, uint8_t *b, size_t l, uint32_t t)
{
    note_depth();
    return posix.read(c, b, l, t);
}
static int32_t w_write(void *c, const uint8_t *b, size_t l, uint32_t t)
{
    note_depth();
    return posix.write(c, b, l, t);
}
static void w_close(void *c)
{
    note_depth();
    posix.close(c);
}
static uint32_t w_now(void *c)
{
    note_depth();
    return posix.now_ms(c);
}
static void on_message(void *u, const mqtt_rs_message *m)
{
    (void)u;
    (void)m;
    note_depth();
    messages++;
}
static void on_event(void *u, const mqtt_rs_event *e)
{
    (void)u;
    note_depth();
    events++;
    if (e->kind == MQTT_RS_EVENT_PUBLISH_DONE) {
        publishes_done++;
    }
}

static void trampoline(void)
{
    call_fn();
}

/* Runs fn on the painted stack; returns the bytes it used. */
static size_t run_on_stack(void (*fn)(void))
{
    size_t i;
    memset(stack_lo, PATTERN, STACK_SIZE);
    cb_depth = 0;
    call_fn = fn;
    getcontext(&call_ctx);
    call_ctx.uc_stack.ss_sp = stack_lo;
    call_ctx.uc_stack.ss_size = STACK_SIZE;
    call_ctx.uc_link = &main_ctx;
    makecontext(&call_ctx, trampoline, 0);
    swapcontext(&main_ctx, &call_ctx);
    for (i = 0; i < STACK_SIZE && stack_lo[i] == PATTERN; i++) {
    }
    return STACK_SIZE - i;
}

static void check(const char *what, mqtt_rs_result rc, mqtt_rs_result want)
{
    if (rc != want) {
        fprintf(stderr, "stack_mqtt_rs: %s: %s\n", what, mqtt_rs_result_str(rc));
        failed = 1;
    }
}

/* Polls (waiting in poll(2) between calls) until cond() or 5 s. */
static void poll_until(int (*cond)(void))
{
    int i;
    for (i = 0; i < 5000 && !cond(); i++) {
        uint32_t sleep_ms;
        struct pollfd p;
        mqtt_rs_result rc = mqtt_rs_client_poll(&client, &sleep_ms);
        if (rc != MQTT_RS_OK && rc != MQTT_RS_NOT_CONNECTED) {
            check("poll", rc, MQTT_RS_OK);
            return;
        }
        if (cond()) {
            break;
        }
        p.fd = mqtt_rs_posix_net_fd(&net_ctx);
        p.events = mqtt_rs_posix_net_poll_events(&net_ctx);
        p.revents = 0;
        if (p.fd >= 0) {
            poll(&p, 1, 1);
        }
    }
}

static unsigned long want_events, want_messages;
static int reached(void)
{
    return events >= want_events && messages >= want_messages;
}
static int connected(void)
{
    return mqtt_rs_client_is_connected(&client);
}
static int closed(void)
{
    return !mqtt_rs_client_is_connected(&client) && events >= want_events;
}

static const uint8_t payload[64] = "0123456789012345678901234567890123456789012345678901234567890123";

static void f_empty(void) {}
static void f_options_init(void) { mqtt_rs_connect_options_init(&copts); }
static void f_init(void) { check("init", mqtt_rs_client_init(&client, &cfg), MQTT_RS_OK); }
static void f_use_tls(void)
{
    mqtt_rs_tls_options tls;
    mqtt_rs_tls_options_init(&tls);
    tls.ca = ca;
    tls.ca_len = ca_len;
    check("use_tls", mqtt_rs_client_use_tls(&client, &tls), MQTT_RS_OK);
}
static void f_deinit(void) { mqtt_rs_client_deinit(&client); }
static void f_connect(void) { check("connect", mqtt_rs_client_connect(&client, &copts, 5000, NULL), MQTT_RS_OK); }
static void f_subscribe(void)
{
    mqtt_rs_subscription s = { topic, 2 };
    uint8_t granted;
    check("subscribe", mqtt_rs_client_subscribe(&client, &s, 1, &granted, 5000), MQTT_RS_OK);
}
static void f_publish0(void) { check("publish0", mqtt_rs_client_publish(&client, topic, payload, 64, 0, false, 5000), MQTT_RS_OK); }
static void f_publish1(void) { check("publish1", mqtt_rs_client_publish(&client, topic, payload, 64, 1, false, 5000), MQTT_RS_OK); }
static void f_publish2(void) { check("publish2", mqtt_rs_client_publish(&client, topic, payload, 64, 2, false, 5000), MQTT_RS_OK); }
static void f_wait(void) { check("wait", mqtt_rs_client_wait(&client, 200), MQTT_RS_OK); }
static void f_begin_publish(void)
{
    check("begin_publish", mqtt_rs_client_begin_publish(&client, topic, payload, 64, 2, false, NULL), MQTT_RS_IN_PROGRESS);
}
static void f_poll_publish(void)
{
    /* PUBLISH out, PUBREC/PUBREL/PUBCOMP, and the message back (QoS 2 in). */
    want_events = events + 1;
    want_messages = messages + 1;
    poll_until(reached);
}
static void f_begin_subscribe(void)
{
    mqtt_rs_subscription s = { "bench/stack/other", 1 };
    check("begin_subscribe", mqtt_rs_client_begin_subscribe(&client, &s, 1, NULL), MQTT_RS_IN_PROGRESS);
}
static void f_poll_event(void)
{
    want_events = events + 1;
    want_messages = messages;
    poll_until(reached);
}
static void f_begin_unsubscribe(void)
{
    const char *f[1] = { "bench/stack/other" };
    check("begin_unsubscribe", mqtt_rs_client_begin_unsubscribe(&client, f, 1, NULL), MQTT_RS_IN_PROGRESS);
}
static void f_unsubscribe(void)
{
    const char *f[1] = { topic };
    check("unsubscribe", mqtt_rs_client_unsubscribe(&client, f, 1, 5000), MQTT_RS_OK);
}
static void f_queries(void)
{
    volatile size_t x = mqtt_rs_client_inflight_count(&client);
    volatile bool y = mqtt_rs_client_is_connected(&client);
    volatile const char *z = mqtt_rs_result_str(MQTT_RS_PACKET_TOO_LARGE);
    (void)x;
    (void)y;
    (void)z;
}
static void f_disconnect(void) { check("disconnect", mqtt_rs_client_disconnect(&client, 2000), MQTT_RS_OK); }
static void f_begin_connect(void) { check("begin_connect", mqtt_rs_client_begin_connect(&client, &copts), MQTT_RS_IN_PROGRESS); }
static void f_poll_connect(void) { poll_until(connected); }
static void f_begin_disconnect(void)
{
    mqtt_rs_result rc = mqtt_rs_client_begin_disconnect(&client);
    if (rc != MQTT_RS_IN_PROGRESS && rc != MQTT_RS_OK) {
        check("begin_disconnect", rc, MQTT_RS_IN_PROGRESS);
    }
}
static void f_poll_disconnect(void)
{
    want_events = events + 1;
    poll_until(closed);
}

struct step {
    const char *name;
    void (*fn)(void);
};

int main(int argc, char **argv)
{
    static const struct step steps[] = {
        { "mqtt_rs_connect_options_init", f_options_init },
        { "mqtt_rs_client_init", f_init },
        { "mqtt_rs_client_use_tls", f_use_tls },
        { "mqtt_rs_client_connect", f_connect },
        { "mqtt_rs_client_subscribe", f_subscribe },
        { "mqtt_rs_client_publish (QoS 0)", f_publish0 },
        { "mqtt_rs_client_publish (QoS 1)", f_publish1 },
        { "mqtt_rs_client_publish (QoS 2)", f_publish2 },
        { "mqtt_rs_client_wait", f_wait },
        { "mqtt_rs_client_begin_publish", f_begin_publish },
        { "mqtt_rs_client_poll (QoS 2 flow both ways)", f_poll_publish },
        { "mqtt_rs_client_begin_subscribe", f_begin_subscribe },
        { "mqtt_rs_client_poll (SUBACK)", f_poll_event },
        { "mqtt_rs_client_begin_unsubscribe", f_begin_unsubscribe },
        { "mqtt_rs_client_poll (UNSUBACK)", f_poll_event },
        { "mqtt_rs_client_unsubscribe", f_unsubscribe },
        { "mqtt_rs_client_inflight_count, _is_connected, mqtt_rs_result_str", f_queries },
        { "mqtt_rs_client_disconnect", f_disconnect },
        { "mqtt_rs_client_begin_connect", f_begin_connect },
        { "mqtt_rs_client_poll (connect, CONNACK)", f_poll_connect },
        { "mqtt_rs_client_begin_disconnect", f_begin_disconnect },
        { "mqtt_rs_client_poll (DISCONNECT)", f_poll_disconnect },
        { "mqtt_rs_client_deinit", f_deinit },
    };
    size_t i;

    if (argc != 4 && argc != 5) {
        fprintf(stderr, "usage: stack_mqtt_rs HOST PORT TOPIC [CAFILE]\n");
        return 2;
    }
    if (argc == 5) {
#ifdef BENCH_TLS
        mqtt_rs_tls_platform hooks;
        FILE *f = fopen(argv[4], "rb");
        if (f == NULL) {
            fprintf(stderr, "stack_mqtt_rs: cannot open %s\n", argv[4]);
            return 1;
        }
        ca_len = fread(ca, 1, sizeof ca, f);
        fclose(f);
        cafile = argv[4];
        mqtt_rs_posix_tls_platform(&hooks);
        if (mqtt_rs_tls_set_platform(&hooks) != MQTT_RS_OK) {
            fprintf(stderr, "stack_mqtt_rs: no TLS in this build\n");
            return 1;
        }
#else
        fprintf(stderr, "stack_mqtt_rs: built without BENCH_TLS\n");
        return 2;
#endif
    }
    host = argv[1];
    port = (unsigned)atoi(argv[2]);
    topic = argv[3];
    stack_lo = malloc(STACK_SIZE);
    if (stack_lo == NULL) {
        return 1;
    }
    baseline = run_on_stack(f_empty);

    memset(&cfg, 0, sizeof cfg);
    mqtt_rs_posix_net_init(&net_ctx, &posix);
    cfg.net = posix;
    cfg.net.connect = w_connect;
    cfg.net.read = w_read;
    cfg.net.write = w_write;
    cfg.net.close = w_close;
    cfg.net.now_ms = w_now;
    cfg.tx_buf = tx;
    cfg.tx_len = sizeof tx;
    cfg.rx_buf = rx;
    cfg.rx_len = sizeof rx;
    cfg.slots = slots;
    cfg.slot_count = 8;
    cfg.on_message = on_message;
    cfg.on_event = on_event;
    snprintf(client_id, sizeof client_id, "bench-stack-%d", (int)getpid());

    printf("{\"baseline\": %zu", baseline);
    for (i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        size_t used;
        if (steps[i].fn == f_connect || steps[i].fn == f_begin_connect) {
            copts.host = host;
            copts.port = (uint16_t)port;
            copts.client_id = client_id;
        }
        if (steps[i].fn == f_use_tls && cafile == NULL) {
            continue;
        }
        used = run_on_stack(steps[i].fn);
        printf(", \"%s\": {\"total\": %zu, \"at_callback\": %zu}", steps[i].name, used > baseline ? used - baseline : 0,
               cb_depth > baseline ? cb_depth - baseline : 0);
    }
    printf(", \"tls\": %s, \"sizeof_client\": %zu, \"sizeof_slot\": %zu, \"ok\": %s}\n", cafile ? "true" : "false",
           sizeof(mqtt_rs_client), sizeof(mqtt_rs_inflight_slot), failed ? "false" : "true");
    free(stack_lo);
    return failed;
}
