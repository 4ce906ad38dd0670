/*
 * posix_tls_platform.h - the TLS platform hooks (heap, wall clock, entropy)
 * for POSIX systems, written in C as a model for firmware ports.
 *
 * A TLS build of mqtt_rs needs three things the MQTT part does not: a heap
 * (rustls allocates; a connection peaks at about 15 kB), the time of day
 * (to check certificate validity) and random bytes (handshake secrets).
 * Host builds of the library may carry POSIX defaults for all three
 * (cargo feature "posix"); firmware registers its own at start-up:
 *
 *     mqtt_rs_tls_platform hooks;
 *     mqtt_rs_posix_tls_platform(&hooks);      // or fill in your own
 *     rc = mqtt_rs_tls_set_platform(&hooks);   // before the first TLS connection
 */
#ifndef MQTT_RS_POSIX_TLS_PLATFORM_H
#define MQTT_RS_POSIX_TLS_PLATFORM_H

#include "mqtt_rs.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Fills hooks with malloc/free, clock_gettime(CLOCK_REALTIME) and /dev/urandom. */
void mqtt_rs_posix_tls_platform(mqtt_rs_tls_platform *hooks);

#ifdef __cplusplus
}
#endif

#endif /* MQTT_RS_POSIX_TLS_PLATFORM_H */
