/* systick.c: 1 ms SysTick (see systick.h). The interrupt only counts; no other work. */
#include "systick.h"

#define SYST_CSR (*(volatile uint32_t *)0xE000E010u)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014u)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018u)
#define SYST_CALIB (*(volatile const uint32_t *)0xE000E01Cu)
/* CALIB.NOREF: the core has no external reference clock (SYST_CSR.CLKSOURCE reads 1). */
#define CALIB_NOREF (1u << 31)
#define CSR_ENABLE_TICKINT 0x3u
#define CSR_CLKSOURCE_CPU 0x4u

static volatile uint32_t ticks_ms;

void SysTick_Handler(void);
void SysTick_Handler(void)
{
    ticks_ms++;
}

void systick_init(uint32_t ref_hz, uint32_t cpu_hz)
{
    /* An SSE-200 subsystem (mps2-an505) wires no reference clock to SysTick: there the
     * counter runs at the processor clock whatever CLKSOURCE says, and a reload computed
     * from the 1 MHz reference would tick 20 times a millisecond. */
    bool no_ref = (SYST_CALIB & CALIB_NOREF) != 0u;
    SYST_RVR = (no_ref ? cpu_hz : ref_hz) / 1000u - 1u;
    SYST_CVR = 0;
    SYST_CSR = CSR_ENABLE_TICKINT | (no_ref ? CSR_CLKSOURCE_CPU : 0u);
}

uint32_t systick_now_ms(void)
{
    return ticks_ms;
}

void systick_delay_ms(uint32_t ms)
{
    uint32_t start = ticks_ms;
    while (ticks_ms - start < ms) {
        __asm__ volatile("wfi");
    }
}
