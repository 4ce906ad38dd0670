/*
 * posix_net.h - reference POSIX (BSD sockets) network port for mqtt_rs.
 *
 * mqtt_rs never touches sockets itself: all network I/O goes through the
 * five callbacks of an `mqtt_rs_net`. This file and posix_net.c implement
 * them over plain TCP on Linux, macOS and the BSDs. They are meant to be
 * read and copied: each callback in posix_net.c says what to change for
 * lwIP, FreeRTOS+TCP or an AT-command cellular/Wi-Fi modem.
 *
 * Usage:
 *
 *     static mqtt_rs_posix_net net_ctx;
 *     mqtt_rs_client_config cfg;
 *     memset(&cfg, 0, sizeof cfg);
 *     mqtt_rs_posix_net_init(&net_ctx, &cfg.net);
 *     ...fill the buffers and callbacks, then mqtt_rs_client_init()...
 *
 * The context must outlive the client that uses it (make it static or
 * part of the same long-lived structure as the client).
 */
#ifndef MQTT_RS_POSIX_NET_H
#define MQTT_RS_POSIX_NET_H

#include <stdbool.h>
#include <stdint.h>

#include "mqtt_rs.h"

#ifdef __cplusplus
extern "C" {
#endif

/* State of one TCP connection. Treat the fields as private; they are public
 * only so that the application can allocate the struct statically. */
typedef struct mqtt_rs_posix_net {
    int fd;              /* socket descriptor, -1 when closed */
    bool connecting;     /* a non-blocking connect() is in progress on fd */
    bool write_blocked;  /* the last write could not send everything (socket buffer full) */
    void *addrs;         /* struct addrinfo list being tried while connecting, else NULL */
    void *next_addr;     /* next entry of addrs to try after the current one fails */
    int refused;         /* addresses of the current connect that refused (ECONNREFUSED) */
    int failed;          /* addresses of the current connect that failed otherwise */
} mqtt_rs_posix_net;

/* Resets ctx to "closed" and fills net with the POSIX callbacks (net->ctx = ctx). */
void mqtt_rs_posix_net_init(mqtt_rs_posix_net *ctx, mqtt_rs_net *net);

/* The socket descriptor, or -1 when no connection is open or being opened.
 * For event loops that sleep in poll()/select() between mqtt_rs_client_poll calls. */
int mqtt_rs_posix_net_fd(const mqtt_rs_posix_net *ctx);

/* The poll() events an event loop should wait for on the descriptor: always
 * POLLIN (incoming data or connection closed), plus POLLOUT while a
 * non-blocking connect is in progress or the last write was cut short
 * because the socket's send buffer was full. Waiting for POLLOUT at any
 * other time would wake the loop at once, for nothing, over and over. */
short mqtt_rs_posix_net_poll_events(const mqtt_rs_posix_net *ctx);

#ifdef __cplusplus
}
#endif

#endif /* MQTT_RS_POSIX_NET_H */
