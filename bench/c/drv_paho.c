/*
 * drv_paho.c - the benchmark driver for Paho C (Debian's libpaho-mqtt-dev,
 * the synchronous MQTTClient library libpaho-mqtt3c).
 *
 * MQTTClient is used with callbacks ("asynchronous mode" in its documentation):
 * its own thread reads the socket and reports arrivals (messageArrived) and
 * completions (deliveryComplete); MQTTClient_publish() writes from the calling
 * thread. Without callbacks, MQTTClient_waitForCompletion() and a full window
 * both wait in MQTTClient_yield(), which runs for 100 ms at a time, so
 * callbacks are the only way to keep a window of messages moving.
 * The callbacks hand their events to the harness thread through a mutex and
 * a condition variable; the arrival time is taken in the callback.
 * Paho has no TCP_NODELAY option.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include "bench.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <MQTTClient.h>

const char drv_name[] = "paho";

#define RING 4096

static MQTTClient client;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond;
static uint64_t arrival_ns[RING];
static unsigned long arr_head, arr_tail; /* ring of arrival times */
static unsigned long done_pending;
static volatile bool closing;
static int qos_in_use;
static unsigned window;

static int msg_arrived(void *ctx, char *topic, int topic_len, MQTTClient_message *msg)
{
    uint64_t t = now_ns();
    (void)ctx;
    (void)topic_len;
    pthread_mutex_lock(&lock);
    if (arr_head - arr_tail < RING) {
        arrival_ns[arr_head % RING] = t;
        arr_head++;
    }
    pthread_cond_signal(&cond);
    pthread_mutex_unlock(&lock);
    MQTTClient_freeMessage(&msg);
    MQTTClient_free(topic);
    return 1;
}

static void delivered(void *ctx, MQTTClient_deliveryToken token)
{
    (void)ctx;
    (void)token;
    if (qos_in_use == 0) {
        return;
    }
    pthread_mutex_lock(&lock);
    done_pending++;
    pthread_cond_signal(&cond);
    pthread_mutex_unlock(&lock);
}

static void connection_lost(void *ctx, char *cause)
{
    (void)ctx;
    if (!closing) {
        die("connection lost", cause);
    }
}

void drv_init(const struct bench_opts *o, const char *client_id)
{
    char uri[300];
    pthread_condattr_t ca;
    int rc;

    qos_in_use = o->qos;
    window = o->lib_window;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&cond, &ca);
    snprintf(uri, sizeof uri, "tcp://%s:%u", o->host, (unsigned)o->port);
    rc = MQTTClient_create(&client, uri, client_id, MQTTCLIENT_PERSISTENCE_NONE, NULL);
    if (rc != MQTTCLIENT_SUCCESS) {
        die("MQTTClient_create", MQTTClient_strerror(rc));
    }
    rc = MQTTClient_setCallbacks(client, NULL, connection_lost, msg_arrived, delivered);
    if (rc != MQTTCLIENT_SUCCESS) {
        die("MQTTClient_setCallbacks", MQTTClient_strerror(rc));
    }
}

size_t drv_static_bytes(void)
{
    return 0;
}

void drv_connect(const struct bench_opts *o)
{
    MQTTClient_connectOptions opts = MQTTClient_connectOptions_initializer;
    int rc;

    (void)o;
    opts.keepAliveInterval = 600;
    opts.cleansession = 1;
    opts.MQTTVersion = MQTTVERSION_3_1_1;
    opts.maxInflightMessages = (int)window;
    opts.connectTimeout = 5;
    rc = MQTTClient_connect(client, &opts);
    if (rc != MQTTCLIENT_SUCCESS) {
        die("MQTTClient_connect", MQTTClient_strerror(rc));
    }
}

void drv_subscribe(const char *topic, int qos)
{
    int rc = MQTTClient_subscribe(client, topic, qos);
    if (rc != MQTTCLIENT_SUCCESS) {
        die("MQTTClient_subscribe", MQTTClient_strerror(rc));
    }
}

int drv_publish(const char *topic, const uint8_t *payload, size_t len, int qos)
{
    MQTTClient_deliveryToken token;
    int rc = MQTTClient_publish(client, topic, (int)len, payload, qos, 0, &token);
    if (rc != MQTTCLIENT_SUCCESS) {
        die("MQTTClient_publish", MQTTClient_strerror(rc));
    }
    return 0;
}

void drv_service(int timeout_ms)
{
    uint64_t arrivals[64];
    unsigned long n_arr = 0, n_done, i;

    pthread_mutex_lock(&lock);
    if (arr_head == arr_tail && done_pending == 0 && timeout_ms > 0) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        ts.tv_sec += timeout_ms / 1000;
        ts.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        while (arr_head == arr_tail && done_pending == 0) {
            if (pthread_cond_timedwait(&cond, &lock, &ts) == ETIMEDOUT) {
                break;
            }
        }
    }
    while (arr_head != arr_tail && n_arr < 64) {
        arrivals[n_arr++] = arrival_ns[arr_tail % RING];
        arr_tail++;
    }
    n_done = done_pending;
    done_pending = 0;
    pthread_mutex_unlock(&lock);
    for (i = 0; i < n_arr; i++) {
        h_arrived(arrivals[i]);
    }
    for (i = 0; i < n_done; i++) {
        h_completed();
    }
}

bool drv_flushed(void)
{
    return true; /* MQTTClient_publish returns once the packet is written */
}

void drv_disconnect(void)
{
    closing = true;
    MQTTClient_disconnect(client, 1000);
    MQTTClient_destroy(&client);
}
