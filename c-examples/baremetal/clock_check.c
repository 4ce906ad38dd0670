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
    /* Too fast is the fault this catches (a tick from the wrong clock source or frequency
     * made every timeout expire early). Too slow is not checked: under QEMU on a busy
     * host the emulated CPU misses ticks (500 SysTick ms took 1,371 host ms on a loaded
     * machine), which only lengthens timeouts. */
    if (host_ms < CHECK_MS * 4u / 5u) {
        sh_puts("FAIL: SysTick runs fast (clock source or frequency)\n");
        return false;
    }
    return true;
}
