/*
 * posix_net.c - reference POSIX (BSD sockets) network port for mqtt_rs.
 *
 * The library calls these five callbacks and nothing else to talk to the
 * network. They follow one rule set (see mqtt_rs_net in mqtt_rs.h):
 *
 *   - A callback may block for at most timeout_ms milliseconds. The blocking
 *     API passes the time it has left; mqtt_rs_client_poll passes 0, meaning
 *     "do not block at all".
 *   - Nothing happened in time (EAGAIN, connect still in progress) is
 *     MQTT_RS_IO_WOULD_BLOCK, never an error: the library simply retries.
 *   - The peer closing the connection in an orderly way is MQTT_RS_IO_CLOSED;
 *     a host name that does not resolve is MQTT_RS_IO_HOST_NOT_FOUND, a host
 *     where nothing listens on the port is MQTT_RS_IO_REFUSED (connect only);
 *     anything else that went wrong is MQTT_RS_IO_ERROR.
 *
 * Porting: keep the structure, replace the socket calls. Notes on lwIP,
 * FreeRTOS+TCP and AT-command modems are in the comment of each callback.
 * TLS does not belong here: the library runs TLS itself over these plain
 * byte-stream callbacks. Coming from wolfMQTT, coreMQTT or Paho Embedded:
 * docs/porting-from-*.md map their network layers onto these callbacks.
 */

/* Expose POSIX.1-2008 (getaddrinfo, clock_gettime, MSG_NOSIGNAL) under -std=c99. */
#if defined(__APPLE__) && !defined(_DARWIN_C_SOURCE)
#define _DARWIN_C_SOURCE /* SO_NOSIGPIPE */
#endif
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include "posix_net.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

/* send() flag that turns "write to a closed connection" into EPIPE instead of
 * a SIGPIPE that would kill the process. macOS lacks it and uses the
 * SO_NOSIGPIPE socket option instead (set in open_socket below). */
#ifdef MSG_NOSIGNAL
#define SEND_FLAGS MSG_NOSIGNAL
#else
#define SEND_FLAGS 0
#endif

/* ------------------------------------------------------------------------ */
/* helpers                                                                  */
/* ------------------------------------------------------------------------ */

static uint32_t monotonic_ms(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) {
        return 0;
    }
    /* Wraps every ~49.7 days; the library compares times with wrapping arithmetic. */
    return (uint32_t)((uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u);
}

/* Waits up to timeout_ms for events on fd.
 * Returns 1 when ready, 0 on timeout (or a signal interrupted the wait),
 * -1 on error. */
static int wait_fd(int fd, short events, uint32_t timeout_ms)
{
    struct pollfd pfd;
    int timeout = timeout_ms > (uint32_t)INT_MAX ? INT_MAX : (int)timeout_ms;
    int n;

    pfd.fd = fd;
    pfd.events = events;
    pfd.revents = 0;
    n = poll(&pfd, 1, timeout);
    if (n > 0) {
        return 1;
    }
    if (n == 0 || errno == EINTR) {
        /* A signal (e.g. SIGINT in mqtt_sub) ends the wait early. Reporting
         * "nothing yet" lets the library retry or return to the application,
         * which can then look at its signal flag. */
        return 0;
    }
    return -1;
}

/* One send() of up to len bytes, repeated when a signal interrupted it. */
static ssize_t send_some(int fd, const uint8_t *buf, size_t len)
{
    ssize_t n;

    do {
        n = send(fd, buf, len, SEND_FLAGS);
    } while (n < 0 && errno == EINTR);
    return n;
}

static void free_addrs(mqtt_rs_posix_net *ctx)
{
    if (ctx->addrs != NULL) {
        freeaddrinfo((struct addrinfo *)ctx->addrs);
    }
    ctx->addrs = NULL;
    ctx->next_addr = NULL;
}

static void close_fd(mqtt_rs_posix_net *ctx)
{
    if (ctx->fd >= 0) {
        close(ctx->fd);
    }
    ctx->fd = -1;
    ctx->connecting = false;
    ctx->write_blocked = false;
}

/* Creates a non-blocking TCP socket for ai with the options this port needs.
 * Returns the descriptor or -1. */
static int open_socket(const struct addrinfo *ai)
{
    int one = 1;
    int flags;
    int fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);

    if (fd < 0) {
        return -1;
    }
    /* Do not leak the connection into programs started with exec(). */
    (void)fcntl(fd, F_SETFD, FD_CLOEXEC);

    /* Non-blocking for good: every wait in this port is an explicit poll()
     * with the timeout the library asked for. */
    flags = fcntl(fd, F_GETFL, 0);
    if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) {
        close(fd);
        return -1;
    }

    /* TCP_NODELAY: switch off Nagle's algorithm. MQTT is request/response
     * with small packets. With Nagle on, a small segment is held back while
     * an earlier one is unacknowledged, and the broker's TCP stack delays
     * its ACK (delayed ACK, ~40 ms on Linux, up to 200 ms elsewhere) hoping
     * to piggyback it on data. The two wait for each other, and every QoS 1
     * round trip (e.g. PUBLISH written as header + payload, then PUBACK)
     * stalls ~44 ms instead of taking well under a millisecond on a LAN.
     * The library already batches packets in its tx buffer, so Nagle's
     * coalescing buys nothing. lwIP: tcp_nagle_disable(pcb), or this same
     * TCP_NODELAY option with LWIP_SOCKET; FreeRTOS+TCP and modem stacks:
     * look for the equivalent "no delay"/"send immediately" setting of your
     * stack or module and turn it on. */
    if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0) {
        close(fd);
        return -1;
    }

#if !defined(MSG_NOSIGNAL) && defined(SO_NOSIGPIPE)
    /* macOS/iOS: no MSG_NOSIGNAL; ask the socket not to raise SIGPIPE. */
    (void)setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, sizeof one);
#endif
    return fd;
}

/* Counts why one address failed, for the result once every address has. */
static void count_failure(mqtt_rs_posix_net *ctx, int error)
{
    if (error == ECONNREFUSED) {
        ctx->refused++;
    } else {
        ctx->failed++;
    }
}

/* The connect result once every address failed: refused when at least one
 * address answered that nothing listens there and none failed otherwise. */
static int32_t all_failed(const mqtt_rs_posix_net *ctx)
{
    return ctx->refused > 0 && ctx->failed == 0 ? MQTT_RS_IO_REFUSED : MQTT_RS_IO_ERROR;
}

/* getaddrinfo() result -> callback result: the name does not exist (or no
 * server knows it right now) is MQTT_RS_IO_HOST_NOT_FOUND. */
static int32_t resolve_failed(int gai_error)
{
    switch (gai_error) {
    case EAI_NONAME:
    case EAI_AGAIN:
    case EAI_FAIL:
#ifdef EAI_NODATA
    case EAI_NODATA:
#endif
        return MQTT_RS_IO_HOST_NOT_FOUND;
    default:
        return MQTT_RS_IO_ERROR;
    }
}

/* Starts connecting to the next address in the resolved list.
 * Returns 0 when connected at once, 1 when the connect is in progress,
 * -1 when no address is left. */
static int start_next_address(mqtt_rs_posix_net *ctx)
{
    while (ctx->next_addr != NULL) {
        const struct addrinfo *ai = (const struct addrinfo *)ctx->next_addr;
        int fd;

        ctx->next_addr = ai->ai_next;
        fd = open_socket(ai);
        if (fd < 0) {
            continue;
        }
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
            ctx->fd = fd; /* loopback connects can complete at once */
            return 0;
        }
        if (errno == EINPROGRESS || errno == EINTR) {
            /* EINTR: the connect goes on asynchronously, exactly like EINPROGRESS. */
            ctx->fd = fd;
            ctx->connecting = true;
            return 1;
        }
        count_failure(ctx, errno);
        close(fd); /* e.g. ENETUNREACH for an IPv6 address on an IPv4-only host */
    }
    return -1;
}

/* ------------------------------------------------------------------------ */
/* callbacks                                                                */
/* ------------------------------------------------------------------------ */

/*
 * connect: open a TCP connection to host:port.
 *
 * Called once with the blocking API's timeout, or repeatedly with
 * timeout_ms == 0 by mqtt_rs_client_poll after mqtt_rs_client_begin_connect.
 * Returns 0 when connected, MQTT_RS_IO_WOULD_BLOCK while still in progress
 * (the library calls again with the same host and port),
 * MQTT_RS_IO_HOST_NOT_FOUND when the name did not resolve, MQTT_RS_IO_REFUSED
 * when every address refused (nothing listens on that port), MQTT_RS_IO_ERROR
 * when every address failed otherwise. timeout_ms only limits how long one call
 * blocks; the overall deadline belongs to the caller (the blocking API's
 * timeout, or the application's own in non-blocking use).
 *
 * State machine: resolve on the first call, then try each address in turn
 * with a non-blocking connect(), and wait for writability to learn the
 * result (SO_ERROR). "localhost" often resolves to ::1 and 127.0.0.1; if
 * the broker only listens on one of them the other fails fast and we move
 * on.
 *
 * getaddrinfo() itself blocks while it asks DNS. Numeric addresses
 * ("127.0.0.1") never block. A firmware port resolves asynchronously
 * (lwIP: dns_gethostbyname() with a callback, returning WOULD_BLOCK until
 * it fires; FreeRTOS+TCP: FreeRTOS_getaddrinfo_a(); modems: the module
 * resolves the name itself inside its open-socket command).
 *
 * Porting: lwIP sockets API: the same code (lwip_socket/lwip_connect with
 * O_NONBLOCK, lwip_poll or lwip_select). lwIP raw/netconn API: call
 * tcp_connect() once, return WOULD_BLOCK until its connected callback has
 * set a flag. FreeRTOS+TCP: FreeRTOS_socket, FreeRTOS_connect with
 * FREERTOS_SO_RCVTIMEO set to 0, then FreeRTOS_issocketconnected().
 * AT modems: send the open command once, return WOULD_BLOCK until the
 * "CONNECT OK"-style URC has arrived, MQTT_RS_IO_ERROR on "CONNECT FAIL".
 */
static int32_t posix_connect(void *vctx, const char *host, uint16_t port, uint32_t timeout_ms)
{
    mqtt_rs_posix_net *ctx = (mqtt_rs_posix_net *)vctx;
    uint32_t start = monotonic_ms();

    if (ctx == NULL || host == NULL) {
        return MQTT_RS_IO_ERROR;
    }
    if (!ctx->connecting) {
        /* A new connection: drop whatever a previous one left behind. */
        struct addrinfo hints;
        struct addrinfo *res = NULL;
        char port_str[8];
        int gai;

        close_fd(ctx);
        free_addrs(ctx);
        memset(&hints, 0, sizeof hints);
        hints.ai_family = AF_UNSPEC; /* IPv4 or IPv6, whatever host resolves to */
        hints.ai_socktype = SOCK_STREAM;
        hints.ai_protocol = IPPROTO_TCP;
        hints.ai_flags = AI_NUMERICSERV;
        (void)snprintf(port_str, sizeof port_str, "%u", (unsigned)port);
        ctx->refused = 0;
        ctx->failed = 0;
        gai = getaddrinfo(host, port_str, &hints, &res);
        if (gai != 0 || res == NULL) {
            return gai != 0 ? resolve_failed(gai) : MQTT_RS_IO_HOST_NOT_FOUND;
        }
        ctx->addrs = res;
        ctx->next_addr = res;
    }

    for (;;) {
        uint32_t elapsed;
        int so_error = 0;
        socklen_t so_len = sizeof so_error;
        int ready;

        if (ctx->fd < 0) {
            int started = start_next_address(ctx);
            if (started == 0) {
                break; /* connected at once */
            }
            if (started < 0) {
                ctx->connecting = false;
                free_addrs(ctx);
                return all_failed(ctx); /* every address failed */
            }
        }

        /* In progress: wait for the outcome within what is left of timeout_ms. */
        elapsed = monotonic_ms() - start;
        ready = wait_fd(ctx->fd, POLLOUT, elapsed < timeout_ms ? timeout_ms - elapsed : 0);
        if (ready == 0) {
            return MQTT_RS_IO_WOULD_BLOCK;
        }
        if (ready > 0 && getsockopt(ctx->fd, SOL_SOCKET, SO_ERROR, &so_error, &so_len) == 0 &&
            so_error == 0) {
            break; /* connected */
        }
        /* Refused, unreachable, ...: try the next address. */
        count_failure(ctx, ready > 0 ? so_error : ETIMEDOUT);
        close_fd(ctx);
        ctx->connecting = true; /* still working through the address list */
    }

    ctx->connecting = false;
    ctx->write_blocked = false;
    free_addrs(ctx);
    return 0;
}

/*
 * read: receive up to len bytes, waiting at most timeout_ms for the first.
 *
 * Returns the byte count (> 0), MQTT_RS_IO_WOULD_BLOCK when nothing arrived
 * in time, MQTT_RS_IO_CLOSED when the peer closed the connection (recv()
 * returned 0), MQTT_RS_IO_ERROR otherwise (reset, not connected, ...).
 * Return what is available at once; never wait to fill the whole buffer.
 *
 * Porting: lwIP sockets: identical (lwip_recv with MSG_DONTWAIT, lwip_poll).
 * lwIP raw API: copy out of the pbufs queued by your tcp_recv callback and
 * call tcp_recved(); a NULL pbuf in that callback means CLOSED.
 * FreeRTOS+TCP: set FREERTOS_SO_RCVTIMEO to timeout_ms and call
 * FreeRTOS_recv(); 0 means timeout (WOULD_BLOCK), -pdFREERTOS_ERRNO_ENOTCONN
 * means CLOSED. AT modems: hand out bytes from the UART receive ring that
 * the "+RECEIVE"-style URC handler filled; wait on a semaphore for at most
 * timeout_ms when it is empty.
 */
static int32_t posix_read(void *vctx, uint8_t *buf, size_t len, uint32_t timeout_ms)
{
    mqtt_rs_posix_net *ctx = (mqtt_rs_posix_net *)vctx;
    ssize_t n;

    if (ctx == NULL || buf == NULL || ctx->fd < 0 || ctx->connecting) {
        return MQTT_RS_IO_ERROR;
    }
    if (len == 0) {
        return 0;
    }
    if (len > (size_t)INT32_MAX) {
        len = (size_t)INT32_MAX;
    }
    /* Wait first, read second. The library asks to wait only once it has
     * found nothing to read, or has just sent a request whose answer cannot
     * be there yet (a blocking QoS 1 publish waiting for its PUBACK): a
     * recv() before the poll() would nearly always fail with EAGAIN, one
     * system call for nothing. A timeout of 0 (mqtt_rs_client_poll) reads at
     * once. */
    if (timeout_ms > 0) {
        int ready = wait_fd(ctx->fd, POLLIN, timeout_ms);
        if (ready <= 0) {
            return ready == 0 ? MQTT_RS_IO_WOULD_BLOCK : MQTT_RS_IO_ERROR;
        }
        /* Data, EOF or an error is pending: recv() tells which. */
    }
    do {
        n = recv(ctx->fd, buf, len, 0);
    } while (n < 0 && errno == EINTR);
    if (n > 0) {
        return (int32_t)n;
    }
    if (n == 0) {
        return MQTT_RS_IO_CLOSED;
    }
    return errno == EAGAIN || errno == EWOULDBLOCK ? MQTT_RS_IO_WOULD_BLOCK : MQTT_RS_IO_ERROR;
}

/*
 * write: send up to len bytes, waiting at most timeout_ms for buffer space.
 *
 * Returns the number of bytes the stack accepted (> 0, may be fewer than
 * len: the library sends the rest later), MQTT_RS_IO_WOULD_BLOCK when the
 * send buffer stayed full, MQTT_RS_IO_CLOSED when the peer has closed the
 * connection (EPIPE), MQTT_RS_IO_ERROR otherwise. Large payloads are
 * passed straight from the application's memory, so len can be large.
 *
 * Porting: lwIP sockets: identical (lwip_send with MSG_DONTWAIT). lwIP raw
 * API: tcp_write() at most tcp_sndbuf(pcb) bytes (TCP_WRITE_FLAG_COPY unless
 * the data outlives the ACK), then tcp_output(); 0 space is WOULD_BLOCK.
 * FreeRTOS+TCP: FREERTOS_SO_SNDTIMEO = timeout_ms, FreeRTOS_send(); 0 is
 * WOULD_BLOCK. AT modems: one "send n bytes" command per call, n limited
 * to the module's maximum; WOULD_BLOCK while the module reports its buffer
 * full.
 */
static int32_t posix_write(void *vctx, const uint8_t *buf, size_t len, uint32_t timeout_ms)
{
    mqtt_rs_posix_net *ctx = (mqtt_rs_posix_net *)vctx;
    ssize_t n;

    if (ctx == NULL || buf == NULL || ctx->fd < 0 || ctx->connecting) {
        return MQTT_RS_IO_ERROR;
    }
    if (len == 0) {
        return 0;
    }
    if (len > (size_t)INT32_MAX) {
        len = (size_t)INT32_MAX;
    }
    /* Try first, wait second: the send buffer nearly always has room. */
    n = send_some(ctx->fd, buf, len);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && timeout_ms > 0) {
        int ready = wait_fd(ctx->fd, POLLOUT, timeout_ms);
        if (ready < 0) {
            return MQTT_RS_IO_ERROR;
        }
        if (ready == 0) {
            ctx->write_blocked = true;
            return MQTT_RS_IO_WOULD_BLOCK;
        }
        n = send_some(ctx->fd, buf, len);
    }
    if (n > 0) {
        /* A short write means the send buffer is full now: an event loop
         * should wait for POLLOUT before the library can go on. */
        ctx->write_blocked = (size_t)n < len;
        return (int32_t)n;
    }
    if (n < 0 && errno == EPIPE) {
        return MQTT_RS_IO_CLOSED;
    }
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
        return MQTT_RS_IO_ERROR;
    }
    ctx->write_blocked = true;
    return MQTT_RS_IO_WOULD_BLOCK;
}

/*
 * close: tear the connection down. Must be harmless when nothing is open
 * (the library calls it on every error path and on disconnect), and must
 * leave the context ready for the next connect.
 *
 * Porting: lwIP sockets: lwip_close. lwIP raw API: tcp_close(), falling back
 * to tcp_abort() if it fails; clear your callbacks first. FreeRTOS+TCP:
 * FreeRTOS_shutdown() then FreeRTOS_closesocket(). AT modems: the close
 * command, ignoring "already closed" answers.
 */
static void posix_close(void *vctx)
{
    mqtt_rs_posix_net *ctx = (mqtt_rs_posix_net *)vctx;

    if (ctx == NULL) {
        return;
    }
    close_fd(ctx);
    free_addrs(ctx);
}

/*
 * now_ms: a monotonic millisecond clock. Only differences matter, and
 * wrapping around at 2^32 is fine. It drives keepalive (PINGREQ) and
 * timeouts, so it must not jump when the wall clock is set: hence
 * CLOCK_MONOTONIC, not time() or gettimeofday().
 *
 * Porting: FreeRTOS: xTaskGetTickCount() * portTICK_PERIOD_MS (mind the
 * overflow for tick rates above 1 kHz); lwIP NO_SYS: sys_now(); bare metal:
 * a SysTick counter incremented every millisecond.
 */
static uint32_t posix_now_ms(void *vctx)
{
    (void)vctx;
    return monotonic_ms();
}

/* ------------------------------------------------------------------------ */
/* public                                                                   */
/* ------------------------------------------------------------------------ */

void mqtt_rs_posix_net_init(mqtt_rs_posix_net *ctx, mqtt_rs_net *net)
{
    ctx->fd = -1;
    ctx->connecting = false;
    ctx->write_blocked = false;
    ctx->addrs = NULL;
    ctx->next_addr = NULL;
    ctx->refused = 0;
    ctx->failed = 0;

    net->ctx = ctx;
    net->connect = posix_connect;
    net->read = posix_read;
    net->write = posix_write;
    net->close = posix_close;
    net->now_ms = posix_now_ms;
}

int mqtt_rs_posix_net_fd(const mqtt_rs_posix_net *ctx)
{
    return ctx->fd;
}

short mqtt_rs_posix_net_poll_events(const mqtt_rs_posix_net *ctx)
{
    short events = POLLIN;

    if (ctx->connecting || ctx->write_blocked) {
        events |= POLLOUT;
    }
    return events;
}
