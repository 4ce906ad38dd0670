/* tls_platform.h: what the TLS build needs from a bare-metal platform (heap, wall clock,
 * entropy), for QEMU: a static heap arena, and the host's clock and /dev/urandom through
 * semihosting. Real hardware uses its TRNG for entropy and its RTC (set from the network,
 * e.g. SNTP or the modem's clock) for the time. */
#ifndef BAREMETAL_TLS_PLATFORM_H
#define BAREMETAL_TLS_PLATFORM_H

#include <stddef.h>
#include <stdint.h>

#include "mqtt_rs.h"

/* Size of the static arena the TLS heap comes from. */
#define TLS_HEAP_ARENA_SIZE (64u * 1024u)

/* Fills buf with len bytes from the board's entropy source; 0 on success, -1 on failure.
 * The TLS hooks use it, and so does Mbed TLS as the PSA implementation (psa/). */
int32_t tls_platform_entropy(uint8_t *buf, size_t len);

/* Registers the hooks with mqtt_rs_tls_set_platform(); returns its result. */
mqtt_rs_result tls_platform_init(void);

/* Logs "call: result" and the TLS detail of client's last failure, if any, on the
 * semihosting console. */
void tls_platform_log_failure(const mqtt_rs_client *client, const char *call, mqtt_rs_result rc);

#endif
