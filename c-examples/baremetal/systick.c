/* systick.c: 1 ms SysTick (see systick.h). The interrupt only counts; no other work. */
#include "systick.h"

#define SYST_CSR (*(volatile uint32_t *)0xE000E010u)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014u)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018u)
/* ENABLE | TICKINT, CLKSOURCE = 0: the external reference clock (1 MHz on MPS2). */
#define CSR_ENABLE_TICKINT 0x3u

static volatile uint32_t ticks_ms;

void SysTick_Handler(void);
void SysTick_Handler(void)
{
    ticks_ms++;
}

void systick_init(uint32_t ref_hz)
{
    SYST_RVR = ref_hz / 1000u - 1u;
    SYST_CVR = 0;
    SYST_CSR = CSR_ENABLE_TICKINT;
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
