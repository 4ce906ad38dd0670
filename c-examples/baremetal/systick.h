/* systick.h: the Cortex-M SysTick timer as a millisecond clock. */
#ifndef BAREMETAL_SYSTICK_H
#define BAREMETAL_SYSTICK_H

#include <stdbool.h>
#include <stdint.h>

/* Starts a 1 ms tick (the interrupt counts): from the external reference clock of
 * `ref_hz`, or from the processor clock of `cpu_hz` on a core that has no reference
 * clock (SYST_CALIB.NOREF set, e.g. the SSE-200 of mps2-an505). */
void systick_init(uint32_t ref_hz, uint32_t cpu_hz);

/* Milliseconds since systick_init(); wraps after 49 days. */
uint32_t systick_now_ms(void);

/* Waits `ms` milliseconds (sleeping between ticks). */
void systick_delay_ms(uint32_t ms);

#endif
