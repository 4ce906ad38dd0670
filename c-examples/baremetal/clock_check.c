/* clock_check.c: the millisecond clock against the host's clock (see clock_check.h). */
#include "clock_check.h"

#include "semihosting.h"
#include "systick.h"

#define CHECK_MS 500u

/* Host milliseconds while `busy` (spinning) or sleeping through CHECK_MS clock ms. */
static uint32_t host_ms_for_check(bool busy)
{
    uint32_t host_start = sh_elapsed_ms();
    if (busy) {
        uint32_t start = systick_now_ms();
        while (systick_now_ms() - start < CHECK_MS) {
            /* the core never sleeps, as while polling the UART */
        }
    } else {
        systick_delay_ms(CHECK_MS);
    }
    uint32_t host_ms = sh_elapsed_ms() - host_start;
    sh_puts(busy ? "clock: 500 ms spinning = " : "clock: 500 ms sleeping = ");
    sh_put_u32(host_ms);
    sh_puts(" host ms\n");
    return host_ms;
}

bool clock_check(void)
{
    uint32_t asleep = host_ms_for_check(false);
    uint32_t spinning = host_ms_for_check(true);
    /* Too fast: a tick from the wrong clock source or frequency, every timeout expiring
     * early. Too slow: time lost while the core is busy (QEMU drops SysTick interrupts
     * then, and a clock that counted them took 1,000 to 2,000 host ms for 500), every
     * timeout and the keepalive stretched until the broker drops the connection. The
     * host's clock runs on while QEMU waits for a core of a busy host: the two agree. */
    if (asleep < CHECK_MS * 4u / 5u || spinning < CHECK_MS * 4u / 5u) {
        sh_puts("FAIL: the clock runs fast (clock source or frequency)\n");
        return false;
    }
    if (asleep > CHECK_MS * 3u / 2u || spinning > CHECK_MS * 3u / 2u) {
        sh_puts("FAIL: the clock loses time\n");
        return false;
    }
    return true;
}
