/* clock_check.h: is the millisecond clock right? SysTick against the host's clock. Every
 * timeout of the library and of uart_net.c is counted in SysTick milliseconds: a tick
 * from the wrong clock source makes them expire early (mps2-an505 ran 20 times fast). */
#ifndef BAREMETAL_CLOCK_CHECK_H
#define BAREMETAL_CLOCK_CHECK_H

#include <stdbool.h>

/* Waits 500 SysTick milliseconds, logs how long the host saw ("clock: 500 SysTick ms =
 * N host ms") and returns true unless that is under 400 ms (SysTick runs fast). */
bool clock_check(void);

#endif
