/*
 * posix_net_test - checks the reference POSIX port (c-examples/port) on its
 * own, against the test broker, without the MQTT library: the callbacks
 * are driven by hand and speak a few raw MQTT 3.1.1 bytes.
 *
 *   posix_net_test PLAIN_PORT
 *
 * Prints one line per check and "N passed, N failed" at the end; exits 0
 * only when every check passed.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "posix_net.h"

static int passed;
static int failed;

static void check(int ok, const char *what)
{
    printf("%s: %s\n", ok ? "ok" : "FAIL", what);
    if (ok) {
        passed++;
    } else {
        failed++;
    }
}

/* CONNECT, MQTT 3.1.1, clean session, keepalive 60, empty client id. */
static const uint8_t connect_pkt[] = {0x10, 0x0c, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04,
                                      0x02, 0x00, 0x3c, 0x00, 0x00};
static const uint8_t connack_ok[] = {0x20, 0x02, 0x00, 0x00};
static const uint8_t disconnect_pkt[] = {0xe0, 0x00};

/* Reads exactly len bytes with the port's read callback, within ~timeout_ms. */
static int read_exact(mqtt_rs_net *net, uint8_t *buf, size_t len, uint32_t timeout_ms)
{
    uint32_t start = net->now_ms(net->ctx);
    size_t got = 0;

    while (got < len) {
        uint32_t elapsed = net->now_ms(net->ctx) - start;
        int32_t n;
        if (elapsed >= timeout_ms) {
            return -1;
        }
        n = net->read(net->ctx, buf + got, len - got, timeout_ms - elapsed);
        if (n > 0) {
            got += (size_t)n;
        } else if (n != MQTT_RS_IO_WOULD_BLOCK) {
            return n;
        }
    }
    return 0;
}

static int write_all(mqtt_rs_net *net, const uint8_t *buf, size_t len)
{
    size_t done = 0;

    while (done < len) {
        int32_t n = net->write(net->ctx, buf + done, len - done, 1000);
        if (n > 0) {
            done += (size_t)n;
        } else if (n != MQTT_RS_IO_WOULD_BLOCK) {
            return n;
        }
    }
    return 0;
}

/* A TCP port on 127.0.0.1 with nothing listening (bound, then released). */
static uint16_t unused_port(void)
{
    struct sockaddr_in sa;
    socklen_t len = sizeof sa;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    uint16_t port = 0;

    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof sa) == 0 &&
        getsockname(fd, (struct sockaddr *)&sa, &len) == 0) {
        port = ntohs(sa.sin_port);
    }
    if (fd >= 0) {
        close(fd);
    }
    return port;
}

/* MQTT session over an open connection: CONNECT/CONNACK, then DISCONNECT
 * and the broker closing its side. */
static void mqtt_round_trip(mqtt_rs_net *net, const char *label)
{
    uint8_t buf[16];
    char what[128];
    int32_t n;

    snprintf(what, sizeof what, "%s: CONNECT written", label);
    check(write_all(net, connect_pkt, sizeof connect_pkt) == 0, what);
    snprintf(what, sizeof what, "%s: CONNACK accepted", label);
    check(read_exact(net, buf, sizeof connack_ok, 3000) == 0 &&
              memcmp(buf, connack_ok, sizeof connack_ok) == 0,
          what);
    snprintf(what, sizeof what, "%s: DISCONNECT written", label);
    check(write_all(net, disconnect_pkt, sizeof disconnect_pkt) == 0, what);
    n = net->read(net->ctx, buf, sizeof buf, 3000);
    snprintf(what, sizeof what, "%s: read after the broker closed is MQTT_RS_IO_CLOSED (got %d)", label,
             (int)n);
    check(n == MQTT_RS_IO_CLOSED, what);
}

int main(int argc, char **argv)
{
    static mqtt_rs_posix_net ctx;
    mqtt_rs_net net;
    uint16_t port;
    uint16_t closed_port;
    uint8_t buf[64];
    int32_t rc;
    uint32_t t0;
    uint32_t elapsed;
    int fd;
    int one = 0;
    socklen_t one_len = sizeof one;
    int i;

    if (argc != 2 || atoi(argv[1]) <= 0 || atoi(argv[1]) > 65535) {
        fprintf(stderr, "usage: posix_net_test PLAIN_PORT\n");
        return 2;
    }
    port = (uint16_t)atoi(argv[1]);

    memset(&net, 0, sizeof net);
    mqtt_rs_posix_net_init(&ctx, &net);
    check(net.ctx == &ctx && net.connect && net.read && net.write && net.close && net.now_ms,
          "init fills every callback");
    check(mqtt_rs_posix_net_fd(&ctx) == -1, "no descriptor before connect");
    net.close(net.ctx);
    net.close(net.ctx);
    check(mqtt_rs_posix_net_fd(&ctx) == -1, "close is safe when nothing is open (twice)");
    check(net.read(net.ctx, buf, sizeof buf, 0) == MQTT_RS_IO_ERROR, "read when not connected is an error");
    check(net.write(net.ctx, buf, 1, 0) == MQTT_RS_IO_ERROR, "write when not connected is an error");

    /* Blocking connect. */
    rc = net.connect(net.ctx, "127.0.0.1", port, 3000);
    check(rc == 0, "blocking connect to 127.0.0.1");
    fd = mqtt_rs_posix_net_fd(&ctx);
    check(fd >= 0, "descriptor after connect");
    check(getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, &one_len) == 0 && one != 0,
          "TCP_NODELAY is set");
    check((fcntl(fd, F_GETFL, 0) & O_NONBLOCK) != 0, "socket is non-blocking");
    check(mqtt_rs_posix_net_poll_events(&ctx) == POLLIN, "connected and idle: wait for POLLIN only");

    t0 = net.now_ms(net.ctx);
    rc = net.read(net.ctx, buf, sizeof buf, 0);
    elapsed = net.now_ms(net.ctx) - t0;
    check(rc == MQTT_RS_IO_WOULD_BLOCK && elapsed < 100, "read with timeout 0 does not block");
    t0 = net.now_ms(net.ctx);
    rc = net.read(net.ctx, buf, sizeof buf, 200);
    elapsed = net.now_ms(net.ctx) - t0;
    check(rc == MQTT_RS_IO_WOULD_BLOCK && elapsed >= 150 && elapsed < 1500,
          "read with timeout 200 waits ~200 ms, then MQTT_RS_IO_WOULD_BLOCK");

    mqtt_round_trip(&net, "blocking");
    rc = net.write(net.ctx, disconnect_pkt, sizeof disconnect_pkt, 100);
    for (i = 0; i < 20 && rc > 0; i++) {
        /* The first write after the peer's FIN usually succeeds; the RST it
         * provokes makes a later one fail. No SIGPIPE may kill us. */
        (void)poll(NULL, 0, 10);
        rc = net.write(net.ctx, disconnect_pkt, sizeof disconnect_pkt, 100);
    }
    check(rc == MQTT_RS_IO_CLOSED || rc == MQTT_RS_IO_ERROR,
          "writing to a closed connection fails without SIGPIPE");
    net.close(net.ctx);
    check(mqtt_rs_posix_net_fd(&ctx) == -1, "close releases the descriptor");
    net.close(net.ctx);

    /* Non-blocking connect, as mqtt_rs_client_poll drives it: timeout 0,
     * called again until done, sleeping in poll() on the port's events. */
    {
        int calls = 0;
        bool saw_pollout = false;
        t0 = net.now_ms(net.ctx);
        do {
            rc = net.connect(net.ctx, "localhost", port, 0);
            calls++;
            if (rc == MQTT_RS_IO_WOULD_BLOCK) {
                struct pollfd pfd;
                pfd.fd = mqtt_rs_posix_net_fd(&ctx);
                pfd.events = mqtt_rs_posix_net_poll_events(&ctx);
                pfd.revents = 0;
                saw_pollout = saw_pollout || (pfd.events & POLLOUT) != 0;
                (void)poll(&pfd, 1, 100);
            }
        } while (rc == MQTT_RS_IO_WOULD_BLOCK && net.now_ms(net.ctx) - t0 < 3000);
        check(rc == 0, "non-blocking connect to localhost completes");
        check(calls == 1 || saw_pollout, "while connecting, the loop waits for POLLOUT");
        printf("   (non-blocking connect took %d call(s))\n", calls);
        mqtt_round_trip(&net, "non-blocking");
        net.close(net.ctx);
    }

    /* Failures. */
    closed_port = unused_port();
    rc = net.connect(net.ctx, "127.0.0.1", closed_port, 2000);
    check(rc == MQTT_RS_IO_REFUSED, "connect to a closed port is refused");
    check(mqtt_rs_posix_net_fd(&ctx) == -1, "no descriptor left after a failed connect");
    do {
        rc = net.connect(net.ctx, "127.0.0.1", closed_port, 0);
    } while (rc == MQTT_RS_IO_WOULD_BLOCK);
    check(rc == MQTT_RS_IO_REFUSED, "non-blocking connect to a closed port is refused");
    /* A name with an empty label fails in the resolver itself: no DNS query leaves the host. */
    rc = net.connect(net.ctx, "no-such-host..invalid", port, 2000);
    check(rc == MQTT_RS_IO_HOST_NOT_FOUND, "a name that does not resolve is host-not-found");

    /* The context is reusable after failures. */
    rc = net.connect(net.ctx, "127.0.0.1", port, 3000);
    check(rc == 0, "connect again after failures");
    mqtt_round_trip(&net, "reconnect");
    net.close(net.ctx);

    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
