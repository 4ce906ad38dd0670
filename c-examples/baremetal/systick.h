/* systick.h: the Cortex-M SysTick timer as a millisecond clock. */
#ifndef BAREMETAL_SYSTICK_H
#define BAREMETAL_SYSTICK_H

#include <stdint.h>

/* Starts a 1 ms tick from the reference clock of `ref_hz` (the interrupt counts). */
void systick_init(uint32_t ref_hz);

/* Milliseconds since systick_init(); wraps after 49 days. */
uint32_t systick_now_ms(void);

/* Waits `ms` milliseconds (sleeping between ticks). */
void systick_delay_ms(uint32_t ms);

#endif
