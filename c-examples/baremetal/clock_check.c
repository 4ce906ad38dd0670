/* clock_check.c: SysTick against the host's clock (see clock_check.h). */
#include "clock_check.h"

#include "semihosting.h"
#include "systick.h"

#define CHECK_MS 500u

bool clock_check(void)
{
    uint32_t host_start = sh_elapsed_ms();
    systick_delay_ms(CHECK_MS);
    uint32_t host_ms = sh_elapsed_ms() - host_start;
    sh_puts("clock: 500 SysTick ms = ");
    sh_put_u32(host_ms);
    sh_puts(" host ms\n");
    /* Ticks may be lost when the host is busy (slower, never faster); a tick from the
     * wrong clock is many times off. */
    if (host_ms < CHECK_MS * 4u / 5u || host_ms > CHECK_MS * 2u) {
        sh_puts("FAIL: SysTick does not count milliseconds (clock source or frequency)\n");
        return false;
    }
    return true;
}
