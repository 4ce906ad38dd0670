/*
 * min_mosquitto - the footprint benchmark's minimal libmosquitto client:
 * connect, subscribe, publish, loop until the message came back, disconnect.
 * Usage: min_mosquitto PORT
 */
#include <stdbool.h>
#include <stdlib.h>

#include <mosquitto.h>

static volatile int received;

static void on_message(struct mosquitto *m, void *u, const struct mosquitto_message *msg)
{
    (void)m;
    (void)u;
    (void)msg;
    received = 1;
}

int main(int argc, char **argv)
{
    struct mosquitto *mosq;
    int i;

    if (argc != 2) {
        return 2;
    }
    mosquitto_lib_init();
    mosq = mosquitto_new("bench-min-mosquitto", true, NULL);
    if (mosq == NULL) {
        return 1;
    }
    mosquitto_message_callback_set(mosq, on_message);
    if (mosquitto_connect(mosq, "127.0.0.1", atoi(argv[1]), 60) != MOSQ_ERR_SUCCESS ||
        mosquitto_subscribe(mosq, NULL, "bench/min", 1) != MOSQ_ERR_SUCCESS ||
        mosquitto_publish(mosq, NULL, "bench/min", 5, "hello", 1, false) != MOSQ_ERR_SUCCESS) {
        return 1;
    }
    for (i = 0; i < 50 && !received; i++) {
        if (mosquitto_loop(mosq, 100, 1) != MOSQ_ERR_SUCCESS) {
            return 1;
        }
    }
    mosquitto_disconnect(mosq);
    mosquitto_destroy(mosq);
    mosquitto_lib_cleanup();
    return received ? 0 : 1;
}
