/* tls_platform.c: the TLS platform hooks of the QEMU firmware (see tls_platform.h). */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "semihosting.h"
#include "tls_platform.h"

/* The heap: newlib's malloc over a static arena, handed out by _sbrk below. */
static uint8_t arena[TLS_HEAP_ARENA_SIZE] __attribute__((aligned(8)));
static size_t arena_used;

/* The C library's malloc grows its heap through sbrk (picolibc, on RISC-V) or _sbrk
 * (newlib, on Arm): serve it from the arena, never beyond. */
#if defined(__PICOLIBC__)
#define ARENA_SBRK sbrk
#else
#define ARENA_SBRK _sbrk
#endif
void *ARENA_SBRK(ptrdiff_t increment);
void *ARENA_SBRK(ptrdiff_t increment)
{
    if (increment < 0 || (size_t)increment > sizeof arena - arena_used) {
        errno = ENOMEM;
        return (void *)-1;
    }
    void *block = &arena[arena_used];
    arena_used += (size_t)increment;
    return block;
}

static void *heap_alloc(size_t size)
{
    return malloc(size);
}

static void heap_free(void *ptr)
{
    free(ptr);
}

/* Wall clock for certificate validity: the host's (SYS_TIME). Real hardware: the RTC. */
static uint64_t wall_clock(void)
{
    return sh_time();
}

/* Entropy: the host's /dev/urandom (SYS_OPEN + SYS_READ). Real hardware: the TRNG
 * (e.g. STM32 RNG, nRF RNG, i.MX TRNG), never a seeded pseudo-random generator alone. */
int32_t tls_platform_entropy(uint8_t *buf, size_t len)
{
    static int32_t urandom = -1;
    if (urandom < 0) {
        urandom = sh_open("/dev/urandom", 1u);
        if (urandom < 0) {
            return -1;
        }
    }
    return sh_read(urandom, buf, len) == 0 ? 0 : -1;
}

mqtt_rs_result tls_platform_init(void)
{
    static const mqtt_rs_tls_platform hooks = {heap_alloc, heap_free, wall_clock, tls_platform_entropy};
    return mqtt_rs_tls_set_platform(&hooks);
}

void tls_platform_log_failure(const mqtt_rs_client *client, const char *call, mqtt_rs_result rc)
{
    char detail[160];
    size_t n = mqtt_rs_client_tls_error_detail(client, detail, sizeof detail - 1);
    detail[n] = '\0';
    sh_puts(call);
    sh_puts(": ");
    sh_puts(mqtt_rs_result_str(rc));
    sh_puts(n > 0 ? ": " : "");
    sh_puts(detail);
    sh_puts("\n");
}
