/*
 * drv_mosquitto.c - the benchmark driver for libmosquitto (Debian's
 * libmosquitto-dev), used the way its documentation describes for a
 * single-threaded application: mosquitto_publish() writes at once,
 * mosquitto_loop() waits on the socket and handles what arrives.
 * TCP_NODELAY is switched on (MOSQ_OPT_TCP_NODELAY), as the mqtt_rs port does.
 */
#include "bench.h"

#include <stdio.h>
#include <string.h>

#include <mosquitto.h>

const char drv_name[] = "libmosquitto";

static struct mosquitto *mosq;
static unsigned long events;
static bool connected, subscribed, closing;
static int qos_in_use;

static void on_connect(struct mosquitto *m, void *ud, int rc)
{
    (void)m;
    (void)ud;
    events++;
    if (rc != 0) {
        die("connect", mosquitto_connack_string(rc));
    }
    connected = true;
}

static void on_subscribe(struct mosquitto *m, void *ud, int mid, int n, const int *granted)
{
    (void)m;
    (void)ud;
    (void)mid;
    events++;
    if (n != 1 || granted[0] > 2) {
        die("subscribe", "refused");
    }
    subscribed = true;
}

static void on_publish(struct mosquitto *m, void *ud, int mid)
{
    (void)m;
    (void)ud;
    (void)mid;
    events++;
    if (qos_in_use > 0) { /* libmosquitto also reports QoS 0 messages once written */
        h_completed();
    }
}

static void on_message(struct mosquitto *m, void *ud, const struct mosquitto_message *msg)
{
    (void)m;
    (void)ud;
    (void)msg;
    events++;
    h_arrived(now_ns());
}

static void on_disconnect(struct mosquitto *m, void *ud, int rc)
{
    (void)m;
    (void)ud;
    events++;
    if (!closing) {
        die("connection lost", mosquitto_strerror(rc));
    }
}

void drv_init(const struct bench_opts *o, const char *client_id)
{
    qos_in_use = o->qos;
    mosquitto_lib_init();
    mosq = mosquitto_new(client_id, true, NULL);
    if (mosq == NULL) {
        die("mosquitto_new", NULL);
    }
    mosquitto_int_option(mosq, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311);
    mosquitto_int_option(mosq, MOSQ_OPT_TCP_NODELAY, 1);
    mosquitto_max_inflight_messages_set(mosq, o->lib_window);
    mosquitto_connect_callback_set(mosq, on_connect);
    mosquitto_subscribe_callback_set(mosq, on_subscribe);
    mosquitto_publish_callback_set(mosq, on_publish);
    mosquitto_message_callback_set(mosq, on_message);
    mosquitto_disconnect_callback_set(mosq, on_disconnect);
}

size_t drv_static_bytes(void)
{
    return 0;
}

static void loop_until(bool *flag)
{
    uint64_t start = now_ns();
    while (!*flag) {
        int rc = mosquitto_loop(mosq, 100, 1);
        if (rc != MOSQ_ERR_SUCCESS) {
            die("mosquitto_loop", mosquitto_strerror(rc));
        }
        if (now_ns() - start > 5000000000ull) {
            die("handshake", "timeout");
        }
    }
}

void drv_connect(const struct bench_opts *o)
{
    int rc = mosquitto_connect(mosq, o->host, o->port, 600);
    if (rc != MOSQ_ERR_SUCCESS) {
        die("mosquitto_connect", mosquitto_strerror(rc));
    }
    loop_until(&connected);
}

void drv_subscribe(const char *topic, int qos)
{
    int rc = mosquitto_subscribe(mosq, NULL, topic, qos);
    if (rc != MOSQ_ERR_SUCCESS) {
        die("mosquitto_subscribe", mosquitto_strerror(rc));
    }
    loop_until(&subscribed);
}

int drv_publish(const char *topic, const uint8_t *payload, size_t len, int qos)
{
    int rc;
    if (mosquitto_want_write(mosq)) {
        return 1; /* the socket is full: let mosquitto_loop write first */
    }
    rc = mosquitto_publish(mosq, NULL, topic, (int)len, payload, qos, false);
    if (rc != MOSQ_ERR_SUCCESS) {
        die("mosquitto_publish", mosquitto_strerror(rc));
    }
    return 0;
}

void drv_service(int timeout_ms)
{
    int rc = mosquitto_loop(mosq, timeout_ms, 1);
    if (rc != MOSQ_ERR_SUCCESS) {
        die("mosquitto_loop", mosquitto_strerror(rc));
    }
}

bool drv_flushed(void)
{
    return !mosquitto_want_write(mosq);
}

void drv_disconnect(void)
{
    closing = true;
    mosquitto_disconnect(mosq);
    mosquitto_loop(mosq, 100, 1);
    mosquitto_destroy(mosq);
    mosquitto_lib_cleanup();
}
