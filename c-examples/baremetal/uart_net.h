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

/* Ends a connection the modem may still hold from before a reset of the MCU (a modem
 * that kept its power keeps its call): a modem driver sends its escape sequence and
 * hang-up command ("+++", "ATH"). Under QEMU, whose TCP connection outlives the guest's
 * reset and cannot be closed from the guest, it sends a packet the broker must refuse
 * (type 15 with no body; over TLS, a record header no TLS stack accepts), and the
 * broker drops the connection as it drops a lost
 * link: the session stays. QEMU then reconnects; the next connect waits for it.
 * Without this, the first CONNECT after the reset arrives on the old connection as a
 * second CONNECT, a protocol violation: mosquitto 2.0 closes it and discards the
 * session, and with it the QoS 2 messages whose PUBREL was on its way. */
void uart_net_hang_up(uart_net *link);

#endif
