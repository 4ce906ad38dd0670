/*
 * posix_tls_platform.h - the TLS platform hooks of mqtt_rs, written out for
 * POSIX as a model for ports without an operating system.
 *
 * With TLS the library needs three things from the platform (see
 * mqtt_rs_tls_platform in mqtt_rs.h): a heap, the wall-clock time (to check
 * certificate validity) and random bytes. On Linux and macOS the library
 * normally has them built in (cargo feature `posix`, CMake option
 * MQTT_RS_POSIX_PLATFORM, ON by default) and nothing needs to be done.
 *
 * A build without them (bare metal, an RTOS, or MQTT_RS_POSIX_PLATFORM=OFF)
 * must register the hooks once at start-up, before the first TLS
 * connection. posix_tls_platform.c does that with malloc, clock_gettime and
 * /dev/urandom; its comments say what to use on a microcontroller instead.
 */
#ifndef MQTT_RS_POSIX_TLS_PLATFORM_H
#define MQTT_RS_POSIX_TLS_PLATFORM_H

#include "mqtt_rs.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Registers the hooks with mqtt_rs_tls_set_platform(). Returns its result:
 * MQTT_RS_OK, or MQTT_RS_TLS_NOT_BUILT for a library without TLS. */
mqtt_rs_result mqtt_rs_posix_tls_platform_install(void);

#ifdef __cplusplus
}
#endif

#endif /* MQTT_RS_POSIX_TLS_PLATFORM_H */
