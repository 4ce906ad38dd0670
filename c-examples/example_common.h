/*
 * example_common.h - what mqtt_pub, mqtt_sub and nonblocking share:
 * command-line helpers, mosquitto-style TLS options, reading files, error
 * messages and exit codes.
 * Not part of the library; copy what you need.
 */
#ifndef MQTT_RS_EXAMPLE_COMMON_H
#define MQTT_RS_EXAMPLE_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "mqtt_rs.h"

#define EXAMPLE_TLS_MAX_ALPN 4

/* TLS options as mosquitto_pub/sub name them, plus --tls-server-name. */
struct example_tls {
    const char *cafile;      /* --cafile: trusted CA certificate(s), PEM or DER; turns TLS on */
    const char *certfile;    /* --cert: client certificate for mutual TLS */
    const char *keyfile;     /* --key: its private key */
    const char *server_name; /* --tls-server-name: SNI and certificate name; NULL = the -h host */
    const char *alpn[EXAMPLE_TLS_MAX_ALPN]; /* --tls-alpn (repeatable): ALPN protocol names */
    size_t alpn_count;
    uint8_t version;         /* --tls-version tlsv1.2|tlsv1.3: only that version; 0 = both */
};

/* Parses one TLS option. Returns 1 when arg was one (its value val consumed),
 * 0 when it was not, -1 on a bad value (after printing why). */
int example_tls_parse(struct example_tls *tls, const char *prog, const char *arg, const char *val);

/* True when any TLS option was given. */
bool example_tls_enabled(const struct example_tls *tls);

/* Usage lines of the TLS options. */
void example_tls_usage(FILE *out);

/* Makes client use TLS as configured (nothing happens without TLS options);
 * in a build with MQTT_RS_APP_TLS_PLATFORM defined it first registers the
 * POSIX platform hooks. Returns MQTT_RS_OK, or the error, after printing
 * "prog: tls: <reason>". */
mqtt_rs_result example_tls_apply(const struct example_tls *tls, mqtt_rs_client *client, const char *prog);

/* Prints "prog: what: <mqtt_rs_result_str(rc)>" to stderr, followed by the
 * library's detailed TLS text when the failure came from TLS. */
void example_report(const char *prog, const char *what, mqtt_rs_result rc, const mqtt_rs_client *client);

/* True when arg is short_name or long_name (either may be NULL). */
bool example_is_opt(const char *arg, const char *short_name, const char *long_name);

/* Parses a decimal unsigned number within [min, max] into *out. */
bool example_parse_ulong(const char *text, unsigned long min, unsigned long max, unsigned long *out);

/* mosquitto_pub/sub convention: a refused connection exits with the CONNACK
 * code (1-5); any other failure with 1. */
int example_exit_status(mqtt_rs_result rc);

/* Reads a whole file ("-" = standard input) into a malloc'd buffer. On
 * failure returns false with errno set. */
bool example_read_file(const char *path, uint8_t **out, size_t *out_len);

#endif /* MQTT_RS_EXAMPLE_COMMON_H */
