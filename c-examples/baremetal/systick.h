/* systick.h: the millisecond clock: counted by the board's free-running timer 0, with
 * SysTick's 1 ms interrupt to wake sleeps. Counting SysTick interrupts instead loses
 * time whenever an interrupt comes late: QEMU drops most of them while the core
 * busy-polls the UART (2000 counted ms took 4,000 to 8,000 host ms), which stretched
 * every timeout and the keepalive past the broker's limit. */
#ifndef BAREMETAL_SYSTICK_H
#define BAREMETAL_SYSTICK_H

#include <stdbool.h>
#include <stdint.h>

/* Starts the timer and a 1 ms tick: from the external reference clock of
 * `ref_hz`, or from the processor clock of `cpu_hz` on a core that has no reference
 * clock (SYST_CALIB.NOREF set, e.g. the SSE-200 of mps2-an505). */
void systick_init(uint32_t ref_hz, uint32_t cpu_hz);

/* Milliseconds since systick_init() (read from the timer, right however late the tick
 * interrupts come); wraps after 49 days. */
uint32_t systick_now_ms(void);

/* Waits `ms` milliseconds (sleeping between ticks). */
void systick_delay_ms(uint32_t ms);

#endif
