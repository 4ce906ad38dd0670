/*
 * drv_mqtt_rs.c - the benchmark driver for mqtt_rs: the non-blocking API
 * (begin_publish + poll) over the reference POSIX port (c-examples/port),
 * sleeping in poll(2) on the socket only when the library had nothing to do.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include "bench.h"

#include <poll.h>
#include <string.h>

#include "mqtt_rs.h"
#include "posix_net.h"

/* Buffers: tx large enough to batch a few hundred 64-byte QoS 0 publishes per
 * write; rx large enough for a read to take many acknowledgements at once.
 * Slots: the outgoing window (20, mosquitto's limit) plus room for the
 * SUBSCRIBE and incoming QoS 2 flows. */
#ifndef TX_LEN
#define TX_LEN 16384
#endif
#ifndef RX_LEN
#define RX_LEN 4096
#endif
#ifndef SLOTS
#define SLOTS 24
#endif

const char drv_name[] = "mqtt_rs";

static mqtt_rs_client client;
static uint8_t tx[TX_LEN];
static uint8_t rx[RX_LEN];
static mqtt_rs_inflight_slot slots[SLOTS];
static mqtt_rs_posix_net net;
static unsigned long events; /* callbacks seen: progress marker for drv_service */
static bool closing;
static const char *cid;

static void on_message(void *userdata, const mqtt_rs_message *m)
{
    (void)userdata;
    events++;
    if (m->offset + m->payload_len == m->total_len) {
        h_arrived(now_ns());
    }
}

static void on_event(void *userdata, const mqtt_rs_event *e)
{
    (void)userdata;
    events++;
    if (e->kind == MQTT_RS_EVENT_PUBLISH_DONE) {
        if (e->result != MQTT_RS_OK) {
            die("publish", mqtt_rs_result_str(e->result));
        }
        h_completed();
    } else if (e->kind == MQTT_RS_EVENT_DISCONNECTED && !closing) {
        die("connection lost", mqtt_rs_result_str(e->result));
    }
}

void drv_init(const struct bench_opts *o, const char *client_id)
{
    mqtt_rs_client_config cfg;
    mqtt_rs_result rc;

    (void)o;
    cid = client_id;
    memset(&cfg, 0, sizeof cfg);
    mqtt_rs_posix_net_init(&net, &cfg.net);
    cfg.tx_buf = tx;
    cfg.tx_len = sizeof tx;
    cfg.rx_buf = rx;
    cfg.rx_len = sizeof rx;
    cfg.slots = slots;
    cfg.slot_count = SLOTS;
    cfg.on_message = on_message;
    cfg.on_event = on_event;
    rc = mqtt_rs_client_init(&client, &cfg);
    if (rc != MQTT_RS_OK) {
        die("init", mqtt_rs_result_str(rc));
    }
}

size_t drv_static_bytes(void)
{
    return sizeof client + sizeof tx + sizeof rx + sizeof slots + sizeof net;
}

void drv_connect(const struct bench_opts *o)
{
    mqtt_rs_connect_options opt;
    mqtt_rs_result rc;

    mqtt_rs_connect_options_init(&opt);
    opt.host = o->host;
    opt.port = o->port;
    opt.client_id = cid;
    opt.keepalive_s = 600;
    opt.max_inflight = (uint16_t)o->lib_window; /* 0: the library's default */
    rc = mqtt_rs_client_connect(&client, &opt, 5000, NULL);
    if (rc != MQTT_RS_OK) {
        die("connect", mqtt_rs_result_str(rc));
    }
}

void drv_subscribe(const char *topic, int qos)
{
    mqtt_rs_subscription sub;
    uint8_t granted = 0;
    mqtt_rs_result rc;

    sub.filter = topic;
    sub.qos = (uint8_t)qos;
    rc = mqtt_rs_client_subscribe(&client, &sub, 1, &granted, 5000);
    if (rc != MQTT_RS_OK) {
        die("subscribe", mqtt_rs_result_str(rc));
    }
}

int drv_publish(const char *topic, const uint8_t *payload, size_t len, int qos)
{
    mqtt_rs_result rc = mqtt_rs_client_begin_publish(&client, topic, payload, len, (uint8_t)qos, false, NULL);
    if (rc == MQTT_RS_OK || rc == MQTT_RS_IN_PROGRESS) {
        return 0;
    }
    if (rc == MQTT_RS_INFLIGHT_FULL || rc == MQTT_RS_BUSY) {
        return 1;
    }
    die("begin_publish", mqtt_rs_result_str(rc));
    return -1;
}

static void poll_client(void)
{
    uint32_t sleep_ms;
    mqtt_rs_result rc = mqtt_rs_client_poll(&client, &sleep_ms);
    if (rc != MQTT_RS_OK) {
        die("poll", mqtt_rs_result_str(rc));
    }
}

void drv_service(int timeout_ms)
{
    unsigned long before = events;
    struct pollfd p;

    poll_client();
    if (events != before || timeout_ms == 0) {
        return;
    }
    /* Nothing happened: sleep until the socket is readable (or writable again
     * while the library has bytes the network did not take), then let it work. */
    p.fd = mqtt_rs_posix_net_fd(&net);
    p.events = (short)(POLLIN | (mqtt_rs_client_wants_write(&client) ? POLLOUT : 0));
    p.revents = 0;
    if (poll(&p, 1, timeout_ms) > 0) {
        poll_client();
    }
}

bool drv_flushed(void)
{
    poll_client();
    return !mqtt_rs_client_wants_write(&client);
}

void drv_disconnect(void)
{
    closing = true;
    mqtt_rs_client_disconnect(&client, 2000);
    mqtt_rs_client_deinit(&client);
}
