/*
 * min_paho - the footprint benchmark's minimal Paho C client (MQTTClient,
 * synchronous mode): connect, subscribe, publish, receive the message back,
 * disconnect. Usage: min_paho PORT
 */
#include <stdio.h>
#include <stdlib.h>

#include <MQTTClient.h>

int main(int argc, char **argv)
{
    MQTTClient c;
    MQTTClient_connectOptions opts = MQTTClient_connectOptions_initializer;
    char uri[64], *topic = NULL;
    int topic_len, i, received = 0;
    MQTTClient_message *msg = NULL;

    if (argc != 2) {
        return 2;
    }
    snprintf(uri, sizeof uri, "tcp://127.0.0.1:%s", argv[1]);
    if (MQTTClient_create(&c, uri, "bench-min-paho", MQTTCLIENT_PERSISTENCE_NONE, NULL) != MQTTCLIENT_SUCCESS) {
        return 1;
    }
    opts.keepAliveInterval = 60;
    opts.cleansession = 1;
    if (MQTTClient_connect(c, &opts) != MQTTCLIENT_SUCCESS || MQTTClient_subscribe(c, "bench/min", 1) != MQTTCLIENT_SUCCESS ||
        MQTTClient_publish(c, "bench/min", 5, "hello", 1, 0, NULL) != MQTTCLIENT_SUCCESS) {
        return 1;
    }
    for (i = 0; i < 50 && !received; i++) {
        if (MQTTClient_receive(c, &topic, &topic_len, &msg, 100) == MQTTCLIENT_SUCCESS && msg != NULL) {
            received = 1;
            MQTTClient_freeMessage(&msg);
            MQTTClient_free(topic);
        }
    }
    MQTTClient_disconnect(c, 1000);
    MQTTClient_destroy(&c);
    return received ? 0 : 1;
}
