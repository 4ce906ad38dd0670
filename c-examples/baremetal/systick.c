/* systick.c: the millisecond clock (see systick.h). Time comes from the board's
 * free-running 32-bit timer 0, read on every call; the 1 ms SysTick interrupt only wakes
 * sleeps and reads the timer, so an interrupt taken late or not at all loses no time. */
#include "systick.h"

#include "board.h"

#define SYST_CSR (*(volatile uint32_t *)0xE000E010u)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014u)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018u)
#define SYST_CALIB (*(volatile const uint32_t *)0xE000E01Cu)
/* CALIB.NOREF: the core has no external reference clock (SYST_CSR.CLKSOURCE reads 1). */
#define CALIB_NOREF (1u << 31)
#define CSR_ENABLE_TICKINT 0x3u
#define CSR_CLKSOURCE_CPU 0x4u

/* CMSDK APB timer (Arm DDI 0479): counts PCLK cycles down from RELOAD to 0, then again. */
#define TIMER_CTRL (*(volatile uint32_t *)(BOARD_TIMER0 + 0x0u))
#define TIMER_VALUE (*(volatile uint32_t *)(BOARD_TIMER0 + 0x4u))
#define TIMER_RELOAD (*(volatile uint32_t *)(BOARD_TIMER0 + 0x8u))
#define TIMER_ENABLE 0x1u
#define COUNTS_PER_MS (BOARD_PCLK_HZ / 1000u)

static uint32_t clock_ms;
static uint32_t spare_counts; /* counted towards the next millisecond */
static uint32_t last_value;

/* Adds the timer counts since the last reading; the timer wraps every 2^32 counts (171 s
 * at 25 MHz), far longer than between two readings (the SysTick interrupt reads it too).
 * Interrupts masked or in the handler: the handler and thread code share the state. */
static uint32_t advance(void)
{
    uint32_t value = TIMER_VALUE;
    uint32_t counts = last_value - value; /* a down counter over all 32 bits: modular */
    last_value = value;
    clock_ms += counts / COUNTS_PER_MS;
    spare_counts += counts % COUNTS_PER_MS;
    if (spare_counts >= COUNTS_PER_MS) {
        spare_counts -= COUNTS_PER_MS;
        clock_ms++;
    }
    return clock_ms;
}

void SysTick_Handler(void);
void SysTick_Handler(void)
{
    (void)advance();
}

void systick_init(uint32_t ref_hz, uint32_t cpu_hz)
{
    TIMER_CTRL = 0;
    TIMER_RELOAD = UINT32_MAX;
    TIMER_VALUE = UINT32_MAX;
    TIMER_CTRL = TIMER_ENABLE;
    last_value = TIMER_VALUE;
    clock_ms = 0;
    spare_counts = 0;
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
    uint32_t primask;
    __asm__ volatile("mrs %0, primask\n\tcpsid i" : "=r"(primask)::"memory");
    uint32_t now = advance();
    __asm__ volatile("msr primask, %0" ::"r"(primask) : "memory");
    return now;
}

void systick_delay_ms(uint32_t ms)
{
    uint32_t start = systick_now_ms();
    while (systick_now_ms() - start < ms) {
        __asm__ volatile("wfi");
    }
}
