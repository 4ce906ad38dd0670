/*
 * posix_tls_platform.c - the TLS platform hooks over POSIX, as a model for
 * a bare-metal or RTOS port. See posix_tls_platform.h for when they are
 * needed; each hook below says what replaces it on a microcontroller.
 *
 * The hooks are called from inside mqtt_rs calls (connect, poll, wait ...),
 * from whatever thread or task drives the client. They must not call back
 * into mqtt_rs.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* clock_gettime under -std=c99 */
#endif

#include "posix_tls_platform.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

/* Heap. A TLS connection peaks at about 15-25 kB (certificate chain and
 * record buffers), freed again by mqtt_rs_client_deinit(); the library
 * counts it (mqtt_rs_heap_stats_get), so a fixed pool can be sized by
 * measuring. Blocks must be aligned to at least 2 * sizeof(void *), which
 * malloc guarantees; larger alignments the library handles itself.
 * MCU: pvPortMalloc/vPortFree (FreeRTOS), k_malloc/k_free (Zephyr), or a
 * static pool with a simple allocator (e.g. TLSF) reserved for TLS. */
static void *tls_alloc(size_t size)
{
    return malloc(size);
}

static void tls_free(void *ptr)
{
    free(ptr);
}

/* Wall clock, seconds since 1970 (UTC). Certificates are only valid between
 * two dates, so without a time every handshake fails: return 0 until the
 * time is known. MCU: a battery-backed RTC, or the time from SNTP or the
 * cellular network (AT+CCLK?) kept running on a timer. */
static uint64_t tls_unix_time(void)
{
    struct timespec ts;

    if (clock_gettime(CLOCK_REALTIME, &ts) != 0 || ts.tv_sec <= 0) {
        return 0;
    }
    return (uint64_t)ts.tv_sec;
}

/* Cryptographically secure random bytes; 0 on success. Never substitute
 * rand() or a counter: TLS keys are derived from these bytes. MCU: the
 * chip's TRNG (e.g. STM32 RNG, nRF RNG/CryptoCell, ESP32 esp_fill_random). */
static int32_t tls_entropy(uint8_t *buf, size_t len)
{
    int fd = open("/dev/urandom", O_RDONLY);
    size_t done = 0;

    if (fd < 0) {
        return -1;
    }
    while (done < len) {
        ssize_t n = read(fd, buf + done, len - done);
        if (n > 0) {
            done += (size_t)n;
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else {
            break;
        }
    }
    close(fd);
    return done == len ? 0 : -1;
}

mqtt_rs_result mqtt_rs_posix_tls_platform_install(void)
{
    mqtt_rs_tls_platform hooks;

    hooks.alloc = tls_alloc;
    hooks.free = tls_free;
    hooks.unix_time = tls_unix_time;
    hooks.entropy = tls_entropy;
    /* Call before the first TLS connection: the allocator cannot be
     * replaced while TLS memory is in use (MQTT_RS_WRONG_STATE). */
    return mqtt_rs_tls_set_platform(&hooks);
}
