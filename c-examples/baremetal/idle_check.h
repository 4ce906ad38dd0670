/* idle_check.h: does an idle client keep its connection? One wait() over more than two
 * keepalive periods, with the broker's limit (1.5 periods of silence) measured by the
 * broker's clock: pings that come late (a firmware clock that loses time) get the
 * client dropped, which the round trip after the wait finds. */
#ifndef BAREMETAL_IDLE_CHECK_H
#define BAREMETAL_IDLE_CHECK_H

#include <stdbool.h>

#include "mqtt_rs.h"

/* The keepalive (seconds) to connect with before idle_check(). */
#define IDLE_CHECK_KEEPALIVE_S 2u

/* Wraps `net`'s write callback to count the writes idle_check() sees. Call once, before
 * the client is initialised with `net`. */
void idle_check_wrap(mqtt_rs_net *net);

/* Waits 5,000 ms in one mqtt_rs_client_wait(), logs the host's time for it and the
 * writes (PINGREQs; TLS records through TLS), then publishes at QoS 1 to a topic of its
 * own. True when the wait returned OK with a write per keepalive period and the
 * PUBACK came (the broker kept the client). */
bool idle_check(mqtt_rs_client *client);

#endif
