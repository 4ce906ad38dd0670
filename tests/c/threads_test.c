/*
 * threads_test - several POSIX threads on one client, as RTOS tasks would
 * use it: one thread runs the loop (mqtt_rs_client_poll, then poll(2) on the
 * socket outside the library), three threads publish at QoS 1 with the
 * blocking call and subscribe/unsubscribe now and then, all at once. The
 * client's `lock` callback (a recursive mutex) serialises the calls.
 *
 *   threads_test PLAIN_PORT [nolock]
 *
 * Built with -fsanitize=thread (ThreadSanitizer) together with the POSIX
 * port, so a race on the port's state or in the callbacks is reported and
 * fails the run; built plainly and run under valgrind's helgrind, which also
 * sees the library's own memory. "nolock" leaves the lock out: the control
 * runs, which must fail (ctest WILL_FAIL): helgrind reports the races, and
 * the calls that overlap are refused with MQTT_RS_CALLED_FROM_CALLBACK.
 * Exits 0 when every publish and subscription succeeded and every message
 * came back.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700 /* PTHREAD_MUTEX_RECURSIVE */
#endif

#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "posix_net.h"

#define PUBLISHERS 3
#define PER_PUBLISHER 150
#define SUBSCRIBE_EVERY 25

static mqtt_rs_client client;
static mqtt_rs_posix_net net;
static uint8_t tx[2048];
static uint8_t rx[2048];
static mqtt_rs_inflight_slot slots[16];
static pthread_mutex_t lock;
static int use_lock = 1;
static char base_topic[64];

/* Written by callbacks, which run inside calls that hold the client's lock. */
static unsigned received;
static unsigned failures;
/* Set by the main thread once every publisher is done; read by the loop. */
static unsigned stop_loop;

static void client_lock(void *userdata, bool take)
{
    (void)userdata;
    if (take) {
        pthread_mutex_lock(&lock);
    } else {
        pthread_mutex_unlock(&lock);
    }
}

static void on_message(void *userdata, const mqtt_rs_message *m)
{
    (void)userdata;
    if (m->offset + m->payload_len == m->total_len) {
        received++;
    }
}

static void on_event(void *userdata, const mqtt_rs_event *e)
{
    (void)userdata;
    if (e->kind == MQTT_RS_EVENT_DISCONNECTED && e->result != MQTT_RS_OK) {
        failures++;
    }
}

/* Reads what callbacks wrote, under the same lock. */
static unsigned read_locked(const unsigned *value)
{
    unsigned v;
    client_lock(NULL, true);
    v = *value;
    client_lock(NULL, false);
    return v;
}

static void *loop_thread(void *arg)
{
    (void)arg;
    while (!read_locked(&stop_loop)) {
        uint32_t sleep_ms = 0;
        struct pollfd p;
        mqtt_rs_result rc = mqtt_rs_client_poll(&client, &sleep_ms);

        if (rc != MQTT_RS_OK) {
            fprintf(stderr, "poll: %s\n", mqtt_rs_result_str(rc));
            break;
        }
        /* The socket is the port's state: read it under the lock too. */
        client_lock(NULL, true);
        p.fd = mqtt_rs_posix_net_fd(&net);
        p.events = mqtt_rs_posix_net_poll_events(&net);
        client_lock(NULL, false);
        p.revents = 0;
        (void)poll(&p, 1, sleep_ms < 5 ? (int)sleep_ms : 5);
    }
    return NULL;
}

static void *publisher(void *arg)
{
    unsigned id = (unsigned)(uintptr_t)arg;
    unsigned bad = 0;
    char topic[96];
    char filter[96];
    unsigned i;

    (void)snprintf(topic, sizeof topic, "%s/in/%u", base_topic, id);
    (void)snprintf(filter, sizeof filter, "%s/extra/%u", base_topic, id);
    for (i = 0; i < PER_PUBLISHER; i++) {
        static const uint8_t payload[] = "hammer";
        mqtt_rs_result rc = mqtt_rs_client_publish(&client, topic, payload, sizeof payload - 1, 1, false, 10000);
        if (rc != MQTT_RS_OK) {
            fprintf(stderr, "publisher %u: publish %u: %s\n", id, i, mqtt_rs_result_str(rc));
            bad++;
        }
        if (i % SUBSCRIBE_EVERY == 0) {
            mqtt_rs_subscription sub = { filter, 0 };
            const char *filters[] = { filter };
            if (mqtt_rs_client_subscribe(&client, &sub, 1, NULL, 10000) != MQTT_RS_OK ||
                mqtt_rs_client_unsubscribe(&client, filters, 1, 10000) != MQTT_RS_OK) {
                fprintf(stderr, "publisher %u: subscribe/unsubscribe failed\n", id);
                bad++;
            }
        }
    }
    return (void *)(uintptr_t)bad;
}

int main(int argc, char **argv)
{
    mqtt_rs_client_config cfg;
    mqtt_rs_connect_options o;
    pthread_mutexattr_t attr;
    pthread_t loop;
    pthread_t pubs[PUBLISHERS];
    char filter[96];
    mqtt_rs_subscription sub;
    unsigned bad = 0;
    unsigned expected = PUBLISHERS * PER_PUBLISHER;
    unsigned i;
    int waited;

    if (argc < 2) {
        fprintf(stderr, "usage: threads_test PLAIN_PORT [nolock]\n");
        return 2;
    }
    use_lock = !(argc > 2 && strcmp(argv[2], "nolock") == 0);
    (void)snprintf(base_topic, sizeof base_topic, "mqtt_rs/ctest/threads/%ld", (long)getpid());

    pthread_mutexattr_init(&attr);
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&lock, &attr);

    memset(&cfg, 0, sizeof cfg);
    mqtt_rs_posix_net_init(&net, &cfg.net);
    cfg.tx_buf = tx;
    cfg.tx_len = sizeof tx;
    cfg.rx_buf = rx;
    cfg.rx_len = sizeof rx;
    cfg.slots = slots;
    cfg.slot_count = sizeof slots / sizeof slots[0];
    cfg.on_message = on_message;
    cfg.on_event = on_event;
    cfg.lock = use_lock ? client_lock : NULL;
    if (mqtt_rs_client_init(&client, &cfg) != MQTT_RS_OK) {
        return 1;
    }
    mqtt_rs_connect_options_init(&o);
    o.host = "127.0.0.1";
    o.port = (uint16_t)atoi(argv[1]);
    o.client_id = "";
    if (mqtt_rs_client_connect(&client, &o, 5000, NULL) != MQTT_RS_OK) {
        fprintf(stderr, "connect failed\n");
        return 1;
    }
    (void)snprintf(filter, sizeof filter, "%s/in/#", base_topic);
    sub.filter = filter;
    sub.qos = 1;
    if (mqtt_rs_client_subscribe(&client, &sub, 1, NULL, 5000) != MQTT_RS_OK) {
        fprintf(stderr, "subscribe failed\n");
        return 1;
    }

    pthread_create(&loop, NULL, loop_thread, NULL);
    for (i = 0; i < PUBLISHERS; i++) {
        pthread_create(&pubs[i], NULL, publisher, (void *)(uintptr_t)i);
    }
    for (i = 0; i < PUBLISHERS; i++) {
        void *ret = NULL;
        pthread_join(pubs[i], &ret);
        bad += (unsigned)(uintptr_t)ret;
    }
    /* Every message comes back through the subscription: the loop delivers the rest. */
    for (waited = 0; bad == 0 && waited < 5000 && read_locked(&received) < expected; waited += 10) {
        (void)poll(NULL, 0, 10);
    }
    client_lock(NULL, true);
    stop_loop = 1;
    client_lock(NULL, false);
    pthread_join(loop, NULL);

    printf("threads: %u publishes from %u threads, %u received, %u failed calls, %u lost connections\n",
           expected, PUBLISHERS, received, bad, failures);
    bad += failures;
    if (received != expected) {
        bad++;
    }
    if (mqtt_rs_client_disconnect(&client, 2000) != MQTT_RS_OK) {
        bad++;
    }
    mqtt_rs_client_deinit(&client);
    pthread_mutex_destroy(&lock);
    return bad == 0 ? 0 : 1;
}
