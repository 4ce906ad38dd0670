/* uart_net.c: mqtt_rs_net over a UART (see uart_net.h).
 *
 * connect/close stand for a modem's open and close commands. Here QEMU's chardev
 * (reconnect=1) opens the TCP connection itself: at start-up, and again within a
 * second after the broker closed it. connect() waits for that instead of sending
 * "AT+CIPSTART" and waiting for "CONNECT" as a modem driver would. */
#include "uart_net.h"

#include "cmsdk_uart.h"
#include "systick.h"

/* Time QEMU's chardev needs to (re)open the TCP link: first start, after a close. */
#define LINK_UP_AFTER_START_MS 300u
#define LINK_UP_AFTER_CLOSE_MS 1500u
/* After a hang-up, the line must stay quiet this long before the call counts as ended. */
#define HANG_UP_QUIET_MS 200u
/* A read returns once the line has been idle this long after the first byte. */
#define READ_IDLE_MS 2u

static uint32_t elapsed_since(uint32_t start)
{
    return systick_now_ms() - start;
}

static int32_t net_connect(void *ctx, const char *host, uint16_t port, uint32_t timeout_ms)
{
    uart_net *link = ctx;
    uint32_t since = link->opened_before ? link->closed_at_ms : 0u;
    uint32_t settle = link->opened_before ? LINK_UP_AFTER_CLOSE_MS : LINK_UP_AFTER_START_MS;
    uint8_t stale;
    (void)host; /* the serial link reaches one broker; a modem would dial host:port */
    (void)port;
    uint32_t waited = elapsed_since(since);
    if (waited < settle) {
        uint32_t rest = settle - waited;
        if (rest > timeout_ms) {
            systick_delay_ms(timeout_ms);
            return MQTT_RS_IO_WOULD_BLOCK;
        }
        systick_delay_ms(rest);
    }
    while (uart_try_get(link->uart, &stale)) {
        /* drop what the previous connection left */
    }
    return 0;
}

static int32_t net_read(void *ctx, uint8_t *buf, size_t len, uint32_t timeout_ms)
{
    uart_net *link = ctx;
    uint32_t start = systick_now_ms();
    size_t got = 0;
    while (got == 0) {
        if (uart_try_get(link->uart, &buf[0])) {
            got = 1;
        } else if (elapsed_since(start) >= timeout_ms) {
            return MQTT_RS_IO_WOULD_BLOCK;
        }
    }
    uint32_t last = systick_now_ms();
    while (got < len && elapsed_since(last) < READ_IDLE_MS) {
        if (uart_try_get(link->uart, &buf[got])) {
            got++;
            last = systick_now_ms();
        }
    }
    return (int32_t)got;
}

static int32_t net_write(void *ctx, const uint8_t *buf, size_t len, uint32_t timeout_ms)
{
    uart_net *link = ctx;
    uint32_t start = systick_now_ms();
    size_t sent = 0;
    if (len > INT32_MAX) {
        len = INT32_MAX;
    }
    while (sent < len) {
        if (uart_try_put(link->uart, buf[sent])) {
            sent++;
        } else if (elapsed_since(start) >= timeout_ms) {
            break;
        }
    }
    return sent > 0 ? (int32_t)sent : MQTT_RS_IO_WOULD_BLOCK;
}

static void net_close(void *ctx)
{
    uart_net *link = ctx;
    link->opened_before = true;
    link->closed_at_ms = systick_now_ms();
}

static uint32_t net_now_ms(void *ctx)
{
    (void)ctx;
    return systick_now_ms();
}

void uart_net_hang_up(uart_net *link)
{
    /* Packet type 15, remaining length 0: reserved in MQTT 3.1.1; AUTH in 5.0, which a
     * connection that did not begin an authentication exchange must not send. Three of
     * them: over TLS the broker reads the first five bytes as a record header whose
     * version (0x00F0) no TLS stack accepts, and drops the connection at once (with two
     * bytes only it waits for the rest of the header, and takes the next ClientHello as
     * that rest). */
    static const uint8_t not_a_packet[6] = {0xF0, 0x00, 0xF0, 0x00, 0xF0, 0x00};
    uint32_t last = systick_now_ms();
    uint8_t stale;
    (void)net_write(link, not_a_packet, sizeof not_a_packet, 100);
    /* What the old connection still carries (acknowledgements sent before the reset)
     * trickles in: drop it until the line stays quiet. */
    while (elapsed_since(last) < HANG_UP_QUIET_MS) {
        if (uart_try_get(link->uart, &stale)) {
            last = systick_now_ms();
        }
    }
    net_close(link);
}

void uart_net_init(uart_net *link, uintptr_t base, mqtt_rs_net *net)
{
    link->uart = base;
    link->opened_before = false;
    link->closed_at_ms = 0;
    net->ctx = link;
    net->connect = net_connect;
    net->read = net_read;
    net->write = net_write;
    net->close = net_close;
    net->now_ms = net_now_ms;
}
