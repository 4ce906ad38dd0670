/*
 * drv_raw.c - the ceiling: no client library, one socket, pre-encoded packets.
 *
 * PUBLISH is encoded once into a template; each publish copies the template
 * into a 64 KiB output buffer and patches the packet id. drv_service writes
 * the whole buffer with one send(), reads whatever arrived with one recv()
 * and answers PUBREC with PUBREL (and incoming QoS 1/2 with their acks).
 * It honours the same window as every library (the harness enforces it).
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include "bench.h"
#include "rawmqtt.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

const char drv_name[] = "raw";

#define OUT_CAP (64 * 1024)
#define IN_CAP (64 * 1024)

static int fd = -1;
static const char *cid;
static uint8_t out[OUT_CAP];
static size_t out_len;
static uint8_t in[IN_CAP];
static size_t in_len;
static uint8_t tmpl[1024];
static size_t tmpl_len, tmpl_id_off;
static const char *tmpl_topic;
static int tmpl_qos = -1;
static uint16_t next_id = 1;
static bool got_connack, got_suback;

void drv_init(const struct bench_opts *o, const char *client_id)
{
    (void)o;
    cid = client_id;
}

size_t drv_static_bytes(void)
{
    return sizeof out + sizeof in + sizeof tmpl;
}

/* Handles complete packets in `in`; returns true if any. */
static bool handle_input(void)
{
    size_t off = 0, n, hl;
    bool any = false;

    while ((n = raw_packet_len(in + off, in_len - off, &hl)) != 0) {
        const uint8_t *p = in + off;
        int type = p[0] >> 4;
        if (n == (size_t)-1) {
            die("input", "malformed packet");
        }
        any = true;
        switch (type) {
        case RAW_CONNACK:
            if (p[3] != 0) {
                die("connect", "refused");
            }
            got_connack = true;
            break;
        case RAW_SUBACK:
            got_suback = true;
            break;
        case RAW_PUBACK:
        case RAW_PUBCOMP:
            h_completed();
            break;
        case RAW_PUBREC:
            out_len += raw_encode_ack(out + out_len, RAW_PUBREL, (uint16_t)((p[2] << 8) | p[3]));
            break;
        case RAW_PUBREL:
            out_len += raw_encode_ack(out + out_len, RAW_PUBCOMP, (uint16_t)((p[2] << 8) | p[3]));
            break;
        case RAW_PUBLISH: {
            int q = (p[0] >> 1) & 3;
            h_arrived(now_ns());
            if (q > 0) {
                size_t tl = ((size_t)p[hl] << 8) | p[hl + 1];
                uint16_t id = (uint16_t)((p[hl + 2 + tl] << 8) | p[hl + 3 + tl]);
                out_len += raw_encode_ack(out + out_len, q == 1 ? RAW_PUBACK : RAW_PUBREC, id);
            }
            break;
        }
        default:
            break;
        }
        off += n;
    }
    memmove(in, in + off, in_len - off);
    in_len -= off;
    return any;
}

/* One send of everything queued and one recv; true if anything moved. */
static bool io_once(void)
{
    bool any = false;
    ssize_t n;

    if (out_len > 0) {
        n = send(fd, out, out_len, MSG_NOSIGNAL);
        if (n > 0) {
            memmove(out, out + n, out_len - (size_t)n);
            out_len -= (size_t)n;
            any = true;
        } else if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
            die("send", strerror(errno));
        }
    }
    n = recv(fd, in + in_len, IN_CAP - in_len, 0);
    if (n > 0) {
        in_len += (size_t)n;
        any = handle_input() || any;
    } else if (n == 0) {
        die("recv", "connection closed");
    } else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
        die("recv", strerror(errno));
    }
    return any;
}

void drv_service(int timeout_ms)
{
    if (io_once() || timeout_ms == 0) {
        return;
    }
    {
        struct pollfd p = { fd, (short)(POLLIN | (out_len > 0 ? POLLOUT : 0)), 0 };
        if (poll(&p, 1, timeout_ms) > 0) {
            io_once();
        }
    }
}

static void wait_for(bool *flag)
{
    uint64_t start = now_ns();
    while (!*flag) {
        drv_service(100);
        if (now_ns() - start > 5000000000ull) {
            die("handshake", "timeout");
        }
    }
}

void drv_connect(const struct bench_opts *o)
{
    fd = raw_tcp_connect(o->host, o->port);
    if (fd < 0) {
        die("connect", "TCP connect failed");
    }
    out_len = raw_encode_connect(out, cid, 600);
    wait_for(&got_connack);
}

void drv_subscribe(const char *topic, int qos)
{
    out_len += raw_encode_subscribe(out + out_len, 0xffff, topic, qos);
    wait_for(&got_suback);
}

int drv_publish(const char *topic, const uint8_t *payload, size_t len, int qos)
{
    if (qos != tmpl_qos || topic != tmpl_topic) {
        if (len + strlen(topic) + 16 > sizeof tmpl) {
            die("publish", "payload too large for the raw writer");
        }
        tmpl_len = raw_encode_publish(tmpl, topic, payload, len, qos, 0, &tmpl_id_off);
        tmpl_topic = topic;
        tmpl_qos = qos;
    }
    if (out_len + tmpl_len + 64 > OUT_CAP) {
        return 1; /* keep room for acks */
    }
    memcpy(out + out_len, tmpl, tmpl_len);
    if (qos > 0) {
        out[out_len + tmpl_id_off] = (uint8_t)(next_id >> 8);
        out[out_len + tmpl_id_off + 1] = (uint8_t)next_id;
        next_id = (uint16_t)(next_id == 0xfffe ? 1 : next_id + 1);
    }
    out_len += tmpl_len;
    return 0;
}

bool drv_flushed(void)
{
    io_once();
    return out_len == 0;
}

void drv_disconnect(void)
{
    uint8_t d[2] = { RAW_DISCONNECT << 4, 0 };
    drv_flushed();
    raw_send_all(fd, d, 2, 1000);
    close(fd);
}
