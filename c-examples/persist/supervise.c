/* supervise - see supervise.h. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include "supervise.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

void supervise_client_config(mqtt_rs_client_config *cfg, mqtt_rs_posix_net *net, uint8_t *tx, size_t tx_len,
                             uint8_t *rx, size_t rx_len, mqtt_rs_inflight_slot *slots, size_t slot_count,
                             void *userdata) {
    memset(cfg, 0, sizeof *cfg);
    mqtt_rs_posix_net_init(net, &cfg->net);
    cfg->tx_buf = tx;
    cfg->tx_len = tx_len;
    cfg->rx_buf = rx;
    cfg->rx_len = rx_len;
    cfg->slots = slots;
    cfg->slot_count = slot_count;
    cfg->userdata = userdata;
}

void supervise_config(mqtt_rs_reconnect_config *rcfg, const mqtt_rs_connect_options *options,
                      const mqtt_rs_broker *broker, void *userdata) {
    mqtt_rs_reconnect_config_init(rcfg);
    rcfg->options = options;
    rcfg->brokers = broker;
    rcfg->broker_count = 1;
    rcfg->min_delay_ms = 100;
    rcfg->max_delay_ms = 2000;
    rcfg->seed = (uint32_t)getpid() ^ (uint32_t)time(NULL); /* a device: its serial number or a TRNG */
    rcfg->sleep = supervise_sleep_ms;
    rcfg->userdata = userdata;
}

void supervise_sleep_ms(void *userdata, uint32_t ms) {
    (void)userdata;
    struct timespec t = { (time_t)(ms / 1000), (long)(ms % 1000) * 1000000L };
    nanosleep(&t, NULL);
}

void supervise_step(mqtt_rs_reconnect *rc, mqtt_rs_client *client, mqtt_rs_posix_net *net, uint32_t max_ms,
                    const char *prog) {
    uint32_t sleep = 0;
    mqtt_rs_result r = mqtt_rs_reconnect_poll(rc, &sleep);
    if (r != MQTT_RS_OK) {
        fprintf(stderr, "%s: poll: %s\n", prog, mqtt_rs_result_str(r));
        exit(1);
    }
    int timeout = (int)(sleep < max_ms ? sleep : max_ms);
    int fd = mqtt_rs_posix_net_fd(net);
    if (fd >= 0) {
        struct pollfd p = { fd, POLLIN, 0 };
        if (mqtt_rs_client_wants_write(client)) {
            p.events |= POLLOUT;
        }
        poll(&p, 1, timeout);
    } else if (timeout > 0) {
        supervise_sleep_ms(NULL, (uint32_t)timeout);
    }
}
