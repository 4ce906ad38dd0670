/*
 * posix_tls_platform.c - TLS platform hooks for POSIX; see the header.
 * Each hook says what firmware uses instead.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include "posix_tls_platform.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

/*
 * alloc/free: any malloc-like heap whose blocks are aligned to at least
 * 2 * sizeof(void *). Only TLS uses it: about 15 kB per connection at the
 * handshake's peak (mqtt_rs_heap_stats_get() measures it on your target).
 * FreeRTOS: pvPortMalloc/vPortFree (heap_4 or heap_5); Zephyr: k_malloc/
 * k_free; bare metal: a small pool or TLSF allocator over a static array.
 */
static void *posix_alloc(size_t size)
{
    return malloc(size);
}

static void posix_free(void *ptr)
{
    free(ptr);
}

/*
 * unix_time: seconds since 1970-01-01 UTC, for certificate validity. Return
 * 0 while the time is unknown (before SNTP or the RTC is set): verification
 * then fails rather than accept an expired certificate. Firmware: an RTC
 * set by SNTP (lwIP's sntp app, ESP-IDF esp_sntp) or by the modem's
 * network time (AT+CCLK?).
 */
static uint64_t posix_unix_time(void)
{
    struct timespec ts;

    if (clock_gettime(CLOCK_REALTIME, &ts) != 0 || ts.tv_sec <= 0) {
        return 0;
    }
    return (uint64_t)ts.tv_sec;
}

/*
 * entropy: len cryptographically secure random bytes; 0 on success. Never
 * fall back to rand() or a timer: predictable handshake secrets break TLS.
 * Firmware: the hardware RNG (STM32 HAL_RNG_GenerateRandomNumber, ESP32
 * esp_fill_random, a secure element), or the modem's.
 */
static int32_t posix_entropy(uint8_t *buf, size_t len)
{
    int fd = open("/dev/urandom", O_RDONLY);
    size_t got = 0;

    if (fd < 0) {
        return -1;
    }
    while (got < len) {
        ssize_t n = read(fd, buf + got, len - got);
        if (n > 0) {
            got += (size_t)n;
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else {
            break;
        }
    }
    close(fd);
    return got == len ? 0 : -1;
}

void mqtt_rs_posix_tls_platform(mqtt_rs_tls_platform *hooks)
{
    hooks->alloc = posix_alloc;
    hooks->free = posix_free;
    hooks->unix_time = posix_unix_time;
    hooks->entropy = posix_entropy;
}
