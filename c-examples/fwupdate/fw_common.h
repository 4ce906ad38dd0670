/*
 * fw_common.h - what the POSIX fw_push and fw_device share besides the
 * manifest format (fw_manifest.h): a connected client over mutual TLS and the
 * command line. Not part of the library; copy what you need.
 */
#ifndef FW_COMMON_H
#define FW_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "example_common.h"
#include "fw_manifest.h"
#include "mqtt_rs.h"
#include "posix_net.h"

#define FW_TIMEOUT_MS 10000

/* Connection settings both programs take on the command line. */
struct fw_conn {
    const char *host;
    uint16_t port;
    const char *prefix;    /* -t: topic prefix */
    const char *client_id; /* -i */
    struct example_tls tls;
};

/* Parses one of -h -p -t -i or a TLS option; 1 if consumed (with val), 0 if
 * not one of them, -1 on a bad value. */
int fw_conn_parse(struct fw_conn *c, const char *prog, const char *arg, const char *val);

/* A client with its storage, network and connect options. */
struct fw_client {
    mqtt_rs_client client;
    mqtt_rs_posix_net net;
    uint8_t tx[2048], rx[2048];
    mqtt_rs_inflight_slot slots[8];
    mqtt_rs_connect_options opt; /* host, port, client id (default_id if -i was not given) */
};

/* Initialises c for conn (TLS as its options say), messages to on_message
 * with userdata; false after printing why. */
bool fw_client_init(struct fw_client *c, const struct fw_conn *conn, const char *default_id,
                    mqtt_rs_message_cb on_message, void *userdata, const char *prog);

/* P/name into out. */
void fw_topic(char *out, size_t cap, const struct fw_conn *c, const char *name);

#endif /* FW_COMMON_H */
