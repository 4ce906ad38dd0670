/*
 * supervise - what persist_pub and persist_sub share: the client and reconnect settings both use,
 * the sleep callback, and one step of a poll() loop around mqtt_rs_reconnect_poll().
 */
#ifndef SUPERVISE_H
#define SUPERVISE_H

#include <stddef.h>
#include <stdint.h>

#include "mqtt_rs.h"
#include "posix_net.h"

/* Fills `cfg` for a client on the POSIX port `net` with these buffers and slots, and
 * `userdata` for its callbacks. The caller adds its callbacks and calls mqtt_rs_client_init(). */
void supervise_client_config(mqtt_rs_client_config *cfg, mqtt_rs_posix_net *net, uint8_t *tx, size_t tx_len,
                             uint8_t *rx, size_t rx_len, mqtt_rs_inflight_slot *slots, size_t slot_count,
                             void *userdata);

/* Fills `rcfg` for one broker: 100 ms to 2 s backoff, a seed that differs per process,
 * `sleep`, and `userdata` for every callback. The caller adds its own callbacks. */
void supervise_config(mqtt_rs_reconnect_config *rcfg, const mqtt_rs_connect_options *options,
                      const mqtt_rs_broker *broker, void *userdata);

/* config.sleep: nanosleep. */
void supervise_sleep_ms(void *userdata, uint32_t ms);

/* Drives the client once and waits for its socket or the next deadline, at most `max_ms`.
 * Exits the program (status 1) when the supervisor fails. */
void supervise_step(mqtt_rs_reconnect *rc, mqtt_rs_client *client, mqtt_rs_posix_net *net, uint32_t max_ms,
                    const char *prog);

#endif
