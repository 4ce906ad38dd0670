/* uart_net.h: the mqtt_rs network callbacks over a serial link. A serial link is how a
 * modem-based device reaches a broker (an AT modem in transparent mode); under QEMU
 * the UART is wired to the broker's TCP port. */
#ifndef BAREMETAL_UART_NET_H
#define BAREMETAL_UART_NET_H

#include <stdbool.h>
#include <stdint.h>

#include "mqtt_rs.h"

/* State of the link, owned by the application. */
typedef struct uart_net {
    uintptr_t uart;        /* CMSDK UART base address */
    bool opened_before;    /* a connection was closed since start */
    uint32_t closed_at_ms; /* when the last one was closed */
} uart_net;

/* Fills `net` with callbacks that use UART `base` and SysTick as the clock. */
void uart_net_init(uart_net *link, uintptr_t base, mqtt_rs_net *net);

#endif
