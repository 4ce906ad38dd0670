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

#define EXAMPLE_V5_MAX_USER_PROPERTIES 8

/* MQTT 5.0 as mosquitto_pub/sub take it: -V 5|mqttv5|311|mqttv311 and
 * -D COMMAND IDENTIFIER VALUE (user-property takes KEY VALUE). The properties
 * exist only in a library built with MQTT 5.0 (MQTT_RS_MQTT5); without it -V 5
 * is passed on and the library refuses it (MQTT_RS_MQTT5_NOT_BUILT), and -D is
 * refused while parsing. */
struct example_v5 {
    uint8_t protocol_version; /* 4 (3.1.1, default) or 5 */
    bool properties_given;    /* any -D */
    bool will_properties_given; /* any -D will */
#if defined(MQTT_RS_MQTT5)
    bool session_expiry_given;
    mqtt_rs_connect_properties connect;
    mqtt_rs_user_property connect_users[EXAMPLE_V5_MAX_USER_PROPERTIES];
    mqtt_rs_publish_options publish; /* qos and retain are the tool's -q and -r */
    mqtt_rs_user_property publish_users[EXAMPLE_V5_MAX_USER_PROPERTIES];
    uint32_t subscription_id; /* 0: none */
    mqtt_rs_will_properties will; /* -D will: sent with the --will-topic will */
    mqtt_rs_user_property will_users[EXAMPLE_V5_MAX_USER_PROPERTIES];
#endif
};

/* The last will as mosquitto_pub/sub take it: --will-topic, --will-payload,
 * --will-qos, --will-retain (MQTT 5.0 will properties with -D will ...). */
struct example_will {
    const char *topic;   /* --will-topic: NULL = no will */
    const char *payload; /* --will-payload (default: empty) */
    uint8_t qos;         /* --will-qos (default 0) */
    bool retain;         /* --will-retain */
    bool other_given;    /* --will-payload, --will-qos or --will-retain */
    mqtt_rs_will will;   /* what the connect options point to */
};

/* Fills v5 with the defaults: 3.1.1, no properties. */
void example_v5_init(struct example_v5 *v5);

/* Parses -V VALUE. Returns false (after printing why) on an unknown version. */
bool example_v5_parse_version(struct example_v5 *v5, const char *prog, const char *val);

/* Parses the arguments after -D (args[0..count)). Returns how many it used
 * (3, or 4 for user-property), or -1 after printing why. */
int example_v5_parse_property(struct example_v5 *v5, const char *prog, int count, char **args);

/* Checks the combination after all options: -D needs -V 5. Returns false after printing why. */
bool example_v5_check(const struct example_v5 *v5, const char *prog);

/* Parses one will option. Returns 0 when arg is none, 1 when it was one without a
 * value (--will-retain), 2 when it also used val, -1 on a bad or missing value
 * (after printing why). */
int example_will_parse(struct example_will *w, const char *prog, const char *arg, const char *val);

/* Checks the combination after all options: the other will options and -D will need
 * --will-topic. Returns false after printing why. */
bool example_will_check(const struct example_will *w, const struct example_v5 *v5, const char *prog);

/* Points options at the will, if --will-topic was given. */
void example_will_apply(struct example_will *w, mqtt_rs_connect_options *options);

/* Usage lines of the will options. */
void example_will_usage(FILE *out);

/* Points options at the CONNECT properties (MQTT 5.0 only; with -D will, the will
 * properties too) and sets the version. */
void example_v5_apply_connect(struct example_v5 *v5, mqtt_rs_connect_options *options);

/* Ends an event's debug line: with MQTT 5.0, " (reason code 0xNN)" first, and after
 * a CONNACK its properties on lines of their own. */
void example_v5_print_reason(FILE *out, const char *prog, const struct example_v5 *v5, const mqtt_rs_event *event);

/* Usage lines of -V and -D. */
void example_v5_usage(FILE *out);

#if defined(MQTT_RS_MQTT5)
/* Prints received properties to out, one "prefix: name: value" line each, with the
 * names -D uses (user-property KEY VALUE, content-type, correlation-data, ...). */
void example_v5_print_properties(FILE *out, const char *prefix, const mqtt_rs_properties *properties);
#endif

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
