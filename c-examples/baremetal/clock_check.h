/* clock_check.h: is the millisecond clock right? systick.c's clock against the host's.
 * Every timeout of the library and of uart_net.c, and the keepalive, is counted in its
 * milliseconds: a tick from the wrong clock source makes them expire early (mps2-an505
 * ran 20 times fast), a clock that loses time while the core is busy stretches them
 * (the broker dropped an idle client whose pings came late). */
#ifndef BAREMETAL_CLOCK_CHECK_H
#define BAREMETAL_CLOCK_CHECK_H

#include <stdbool.h>

/* Sleeps 500 clock milliseconds, then spins for 500, logs how long the host saw each
 * ("clock: 500 ms sleeping = N host ms") and returns true when both took 400 to 750
 * host ms. */
bool clock_check(void);

#endif
