/* cmsdk_uart.c: polled CMSDK APB UART (see cmsdk_uart.h). */
#include "cmsdk_uart.h"

/* Register offsets and bits of the CMSDK APB UART (Arm DDI 0479). */
#define UART_DATA 0x00u
#define UART_STATE 0x04u
#define UART_CTRL 0x08u
#define UART_BAUDDIV 0x10u
#define STATE_TX_FULL 0x1u
#define STATE_RX_FULL 0x2u
#define CTRL_TX_EN 0x1u
#define CTRL_RX_EN 0x2u

static volatile uint32_t *reg(uintptr_t base, uint32_t offset)
{
    return (volatile uint32_t *)(base + offset);
}

void uart_init(uintptr_t base, uint32_t bauddiv)
{
    *reg(base, UART_BAUDDIV) = bauddiv;
    *reg(base, UART_CTRL) = CTRL_TX_EN | CTRL_RX_EN;
}

bool uart_try_put(uintptr_t base, uint8_t byte)
{
    if (*reg(base, UART_STATE) & STATE_TX_FULL) {
        return false;
    }
    *reg(base, UART_DATA) = byte;
    return true;
}

bool uart_try_get(uintptr_t base, uint8_t *byte)
{
    if (!(*reg(base, UART_STATE) & STATE_RX_FULL)) {
        return false;
    }
    *byte = (uint8_t)*reg(base, UART_DATA);
    return true;
}
