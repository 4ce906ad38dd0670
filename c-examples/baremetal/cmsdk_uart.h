/* cmsdk_uart.h: polled driver for the Arm CMSDK APB UART (MPS2 boards, QEMU mps2-*).
 * Base addresses come from board.h. */
#ifndef BAREMETAL_CMSDK_UART_H
#define BAREMETAL_CMSDK_UART_H

#include <stdbool.h>
#include <stdint.h>

/* Enables transmitter and receiver; `bauddiv` = peripheral clock / baud rate (>= 16). */
void uart_init(uintptr_t base, uint32_t bauddiv);

/* Sends one byte if the transmit holding register is free; false when it is full. */
bool uart_try_put(uintptr_t base, uint8_t byte);

/* Takes one received byte if there is one; false when nothing has arrived. */
bool uart_try_get(uintptr_t base, uint8_t *byte);

#endif
