/* rawmqtt.c - see rawmqtt.h. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include "rawmqtt.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static uint64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

int raw_tcp_connect(const char *host, uint16_t port)
{
    struct addrinfo hints, *res = NULL, *ai;
    char port_str[8];
    int fd = -1, one = 1;

    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    snprintf(port_str, sizeof port_str, "%u", (unsigned)port);
    if (getaddrinfo(host, port_str, &hints, &res) != 0) {
        return -1;
    }
    for (ai = res; ai != NULL; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (fd < 0) {
            continue;
        }
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
            break;
        }
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0) {
        return -1;
    }
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL, 0) | O_NONBLOCK);
    return fd;
}

static size_t put_remaining_length(uint8_t *out, size_t n)
{
    size_t i = 0;
    do {
        uint8_t b = (uint8_t)(n % 128u);
        n /= 128u;
        out[i++] = (uint8_t)(b | (n > 0 ? 0x80u : 0u));
    } while (n > 0);
    return i;
}

static size_t put_string(uint8_t *out, const char *s)
{
    size_t n = strlen(s);
    out[0] = (uint8_t)(n >> 8);
    out[1] = (uint8_t)n;
    memcpy(out + 2, s, n);
    return n + 2;
}

size_t raw_encode_connect(uint8_t *out, const char *client_id, uint16_t keepalive_s)
{
    size_t body = 10 + 2 + strlen(client_id), i = 0;
    out[i++] = RAW_CONNECT << 4;
    i += put_remaining_length(out + i, body);
    i += put_string(out + i, "MQTT");
    out[i++] = 4;    /* protocol level 3.1.1 */
    out[i++] = 0x02; /* clean session */
    out[i++] = (uint8_t)(keepalive_s >> 8);
    out[i++] = (uint8_t)keepalive_s;
    i += put_string(out + i, client_id);
    return i;
}

size_t raw_encode_subscribe(uint8_t *out, uint16_t packet_id, const char *filter, int qos)
{
    size_t body = 2 + 2 + strlen(filter) + 1, i = 0;
    out[i++] = (RAW_SUBSCRIBE << 4) | 0x02;
    i += put_remaining_length(out + i, body);
    out[i++] = (uint8_t)(packet_id >> 8);
    out[i++] = (uint8_t)packet_id;
    i += put_string(out + i, filter);
    out[i++] = (uint8_t)qos;
    return i;
}

size_t raw_encode_publish(uint8_t *out, const char *topic, const uint8_t *payload, size_t len, int qos,
                          uint16_t packet_id, size_t *id_offset)
{
    size_t body = 2 + strlen(topic) + (qos > 0 ? 2 : 0) + len, i = 0;
    out[i++] = (uint8_t)((RAW_PUBLISH << 4) | (qos << 1));
    i += put_remaining_length(out + i, body);
    i += put_string(out + i, topic);
    if (qos > 0) {
        if (id_offset != NULL) {
            *id_offset = i;
        }
        out[i++] = (uint8_t)(packet_id >> 8);
        out[i++] = (uint8_t)packet_id;
    }
    memcpy(out + i, payload, len);
    return i + len;
}

size_t raw_encode_ack(uint8_t *out, int type, uint16_t packet_id)
{
    out[0] = (uint8_t)((type << 4) | (type == RAW_PUBREL ? 0x02 : 0x00));
    out[1] = 2;
    out[2] = (uint8_t)(packet_id >> 8);
    out[3] = (uint8_t)packet_id;
    return 4;
}

size_t raw_packet_len(const uint8_t *buf, size_t len, size_t *header_len)
{
    size_t value = 0, mult = 1, i;
    for (i = 1; i < 5; i++) {
        if (i >= len) {
            return 0;
        }
        value += (size_t)(buf[i] & 0x7fu) * mult;
        if ((buf[i] & 0x80u) == 0) {
            *header_len = i + 1;
            return (i + 1 + value <= len) ? i + 1 + value : 0;
        }
        mult *= 128u;
    }
    return (size_t)-1;
}

int raw_send_all(int fd, const uint8_t *buf, size_t len, int timeout_ms)
{
    uint64_t deadline = mono_ms() + (uint64_t)timeout_ms;
    while (len > 0) {
        ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);
        if (n > 0) {
            buf += n;
            len -= (size_t)n;
            continue;
        }
        if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
            return -1;
        }
        {
            struct pollfd p = { fd, POLLOUT, 0 };
            uint64_t now = mono_ms();
            if (now >= deadline) {
                return -1;
            }
            poll(&p, 1, (int)(deadline - now));
        }
    }
    return 0;
}

size_t raw_read_packet(int fd, uint8_t *buf, size_t cap, size_t *have, int timeout_ms)
{
    uint64_t deadline = mono_ms() + (uint64_t)timeout_ms;
    for (;;) {
        size_t hl, plen = raw_packet_len(buf, *have, &hl);
        ssize_t n;
        if (plen == (size_t)-1) {
            return 0;
        }
        if (plen > 0) {
            return plen;
        }
        if (*have >= cap) {
            return 0;
        }
        n = recv(fd, buf + *have, cap - *have, 0);
        if (n > 0) {
            *have += (size_t)n;
            continue;
        }
        if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
            return 0;
        }
        {
            struct pollfd p = { fd, POLLIN, 0 };
            uint64_t now = mono_ms();
            if (now >= deadline) {
                return 0;
            }
            poll(&p, 1, (int)(deadline - now));
        }
    }
}
