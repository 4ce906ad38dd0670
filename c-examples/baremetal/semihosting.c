/* semihosting.c: semihosting calls on Arm and RISC-V (see semihosting.h). */
#include "semihosting.h"

enum {
    SYS_OPEN = 0x01,
    SYS_CLOSE = 0x02,
    SYS_WRITE0 = 0x04,
    SYS_READ = 0x06,
    SYS_TIME = 0x11,
    SYS_ELAPSED = 0x30,
    SYS_TICKFREQ = 0x31,
    SYS_EXIT_EXTENDED = 0x20,
};
/* Reason code of a normal application exit. */
#define ADP_STOPPED_APPLICATION_EXIT 0x20026u

#if defined(__arm__)
/* Arm (M profile): operation in r0, argument in r1, BKPT 0xAB; the result comes back in r0. */
static uintptr_t sh_call(uint32_t op, const void *arg)
{
    register uintptr_t r0 __asm__("r0") = op;
    register const void *r1 __asm__("r1") = arg;
    __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}
#elif defined(__riscv)
/* RISC-V: the same operations in a0/a1, trapped by EBREAK between the two marker
 * instructions of the RISC-V semihosting specification (uncompressed, so the debugger
 * finds them at fixed offsets from the EBREAK). */
static uintptr_t sh_call(uint32_t op, const void *arg)
{
    register uintptr_t a0 __asm__("a0") = op;
    register const void *a1 __asm__("a1") = arg;
    __asm__ volatile(".option push\n\t"
                     ".option norvc\n\t"
                     "slli zero, zero, 0x1f\n\t"
                     "ebreak\n\t"
                     "srai zero, zero, 0x7\n\t"
                     ".option pop"
                     : "+r"(a0)
                     : "r"(a1)
                     : "memory");
    return a0;
}
#else
#error "semihosting.c: Arm or RISC-V only"
#endif

void sh_puts(const char *s)
{
    sh_call(SYS_WRITE0, s);
}

void sh_put_u32(uint32_t value)
{
    char text[11];
    char *p = text + sizeof text - 1;
    *p = '\0';
    do {
        *--p = (char)('0' + value % 10u);
        value /= 10u;
    } while (value != 0u);
    sh_puts(p);
}

void sh_exit(int status)
{
    const uintptr_t block[2] = {ADP_STOPPED_APPLICATION_EXIT, (uintptr_t)status};
    sh_call(SYS_EXIT_EXTENDED, block);
    for (;;) {
    }
}

int32_t sh_open(const char *path, uint32_t mode)
{
    size_t len = 0;
    while (path[len] != '\0') {
        len++;
    }
    const uintptr_t block[3] = {(uintptr_t)path, mode, len};
    return (int32_t)sh_call(SYS_OPEN, block);
}

int32_t sh_read(int32_t handle, void *buf, size_t len)
{
    const uintptr_t block[3] = {(uintptr_t)handle, (uintptr_t)buf, len};
    return (int32_t)sh_call(SYS_READ, block);
}

void sh_close(int32_t handle)
{
    const uintptr_t block[1] = {(uintptr_t)handle};
    sh_call(SYS_CLOSE, block);
}

uint32_t sh_time(void)
{
    return (uint32_t)sh_call(SYS_TIME, 0);
}

uint32_t sh_elapsed_ms(void)
{
    uint32_t ticks[2] = {0, 0}; /* low word, high word */
    uint32_t hz = (uint32_t)sh_call(SYS_TICKFREQ, 0);
    if (sh_call(SYS_ELAPSED, ticks) != 0u || hz == 0u || hz == UINT32_MAX) {
        return 0;
    }
    return (uint32_t)((((uint64_t)ticks[1] << 32) | ticks[0]) / (hz / 1000u));
}
