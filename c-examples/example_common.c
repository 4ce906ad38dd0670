/*
 * example_common.c - TLS options, file reading and error messages shared by
 * the examples; see example_common.h.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include "example_common.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "posix_tls_platform.h"

int example_tls_parse(struct example_tls *tls, const char *prog, const char *arg, const char *val)
{
    if (strcmp(arg, "--cafile") == 0) {
        tls->cafile = val;
    } else if (strcmp(arg, "--cert") == 0) {
        tls->certfile = val;
    } else if (strcmp(arg, "--key") == 0) {
        tls->keyfile = val;
    } else if (strcmp(arg, "--tls-server-name") == 0) {
        tls->server_name = val;
    } else if (strcmp(arg, "--tls-alpn") == 0) {
        if (tls->alpn_count == EXAMPLE_TLS_MAX_ALPN) {
            fprintf(stderr, "%s: at most %d --tls-alpn\n", prog, EXAMPLE_TLS_MAX_ALPN);
            return -1;
        }
        tls->alpn[tls->alpn_count++] = val;
    } else if (strcmp(arg, "--tls-version") == 0) {
        if (val != NULL && strcmp(val, "tlsv1.2") == 0) {
            tls->version = MQTT_RS_TLS_VERSION_1_2;
        } else if (val != NULL && strcmp(val, "tlsv1.3") == 0) {
            tls->version = MQTT_RS_TLS_VERSION_1_3;
        } else {
            fprintf(stderr, "%s: --tls-version: tlsv1.2 or tlsv1.3, not %s\n", prog, val ? val : "(nothing)");
            return -1;
        }
    } else {
        return 0;
    }
    if (val == NULL) {
        fprintf(stderr, "%s: %s needs a value\n", prog, arg);
        return -1;
    }
    return 1;
}

bool example_tls_enabled(const struct example_tls *tls)
{
    return tls->cafile != NULL || tls->certfile != NULL || tls->keyfile != NULL ||
           tls->server_name != NULL || tls->alpn_count > 0 || tls->version != 0;
}

void example_tls_usage(FILE *out)
{
    fprintf(out,
            " --cafile FILE    TLS: trusted CA certificate(s) (PEM or DER); the broker's\n"
            "                  certificate is always verified (default port becomes 8883)\n"
            " --cert FILE      TLS: client certificate (mutual TLS), with --key\n"
            " --key FILE       TLS: client private key\n"
            " --tls-version V  TLS: tlsv1.2 or tlsv1.3 only (default: either)\n"
            " --tls-alpn NAME  TLS: ALPN protocol to offer (repeatable)\n"
            " --tls-server-name NAME  TLS: name for SNI and the certificate check when -h\n"
            "                  is an IP address or another name (default: the -h host)\n");
}

bool example_read_file(const char *path, uint8_t **out, size_t *out_len)
{
    FILE *in = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    size_t cap = 64 * 1024;
    size_t len = 0;
    uint8_t *buf;
    bool ok = true;

    if (in == NULL) {
        return false;
    }
    buf = (uint8_t *)malloc(cap);
    if (buf == NULL) {
        ok = false;
    }
    while (ok) {
        size_t n;
        if (len == cap) {
            uint8_t *bigger = cap > (size_t)-1 / 2 ? NULL : (uint8_t *)realloc(buf, cap * 2);
            if (bigger == NULL) {
                errno = ENOMEM;
                ok = false;
                break;
            }
            buf = bigger;
            cap *= 2;
        }
        n = fread(buf + len, 1, cap - len, in);
        len += n;
        if (n == 0) {
            ok = !ferror(in);
            break;
        }
    }
    if (in != stdin) {
        int saved = errno;
        fclose(in);
        errno = saved;
    }
    if (!ok) {
        free(buf);
        return false;
    }
    *out = buf;
    *out_len = len;
    return true;
}

/* Reads a file for a TLS option; prints why on failure. */
static bool read_tls_file(const char *prog, const char *option, const char *path, uint8_t **buf, size_t *len)
{
    if (path == NULL) {
        *buf = NULL;
        *len = 0;
        return true;
    }
    if (!example_read_file(path, buf, len)) {
        fprintf(stderr, "%s: %s %s: %s\n", prog, option, path, strerror(errno));
        return false;
    }
    return true;
}

mqtt_rs_result example_tls_apply(const struct example_tls *tls, mqtt_rs_client *client, const char *prog)
{
    mqtt_rs_tls_options opts;
    uint8_t *ca = NULL;
    uint8_t *cert = NULL;
    uint8_t *key = NULL;
    size_t ca_len = 0;
    size_t cert_len = 0;
    size_t key_len = 0;
    mqtt_rs_result rc;

    if (!example_tls_enabled(tls)) {
        return MQTT_RS_OK;
    }
    if ((tls->certfile == NULL) != (tls->keyfile == NULL)) {
        fprintf(stderr, "%s: --cert and --key go together\n", prog);
        return MQTT_RS_INVALID_ARGUMENT;
    }

#ifdef MQTT_RS_APP_TLS_PLATFORM
    {
        /* The library was built without its POSIX defaults (CMake
         * MQTT_RS_POSIX_PLATFORM=OFF), as for firmware: hand it a heap, the
         * wall clock and entropy, once, before the first TLS connection.
         * With the defaults (the usual host build) there is nothing to do. */
        mqtt_rs_tls_platform hooks;

        mqtt_rs_posix_tls_platform(&hooks);
        rc = mqtt_rs_tls_set_platform(&hooks);
        if (rc != MQTT_RS_OK) {
            example_report(prog, "tls", rc, NULL);
            return rc;
        }
    }
#endif

    if (!read_tls_file(prog, "--cafile", tls->cafile, &ca, &ca_len) ||
        !read_tls_file(prog, "--cert", tls->certfile, &cert, &cert_len) ||
        !read_tls_file(prog, "--key", tls->keyfile, &key, &key_len)) {
        free(ca);
        free(cert);
        free(key);
        return MQTT_RS_INVALID_ARGUMENT;
    }

    mqtt_rs_tls_options_init(&opts);
    opts.ca = ca;
    opts.ca_len = ca_len;
    opts.cert = cert;
    opts.cert_len = cert_len;
    opts.key = key;
    opts.key_len = key_len;
    if (tls->alpn_count > 0) {
        opts.alpn = tls->alpn;
        opts.alpn_count = tls->alpn_count;
    }
    if (tls->version != 0) {
        opts.min_version = tls->version;
        opts.max_version = tls->version;
    }
    /* NULL: the name checked against the broker's certificate (and sent as
     * SNI unless it is an IP address) is the host given to connect, -h. */
    opts.server_name = tls->server_name;
    rc = mqtt_rs_client_use_tls(client, &opts);

    /* The library copied what it needs: the file contents can go. */
    free(ca);
    free(cert);
    free(key);
    if (rc != MQTT_RS_OK) {
        example_report(prog, "tls", rc, client);
    }
    return rc;
}

void example_report(const char *prog, const char *what, mqtt_rs_result rc, const mqtt_rs_client *client)
{
    char detail[768];
    const char *text = mqtt_rs_result_str(rc);

    fprintf(stderr, "%s: %s: %s\n", prog, what, text);
    /* The library's sentence adds the step the connection was at (network
     * connect, TLS handshake, CONNACK), the TLS reason and what to try. */
    if (client != NULL && mqtt_rs_client_error_detail(client, rc, detail, sizeof detail) > strlen(text)) {
        fprintf(stderr, "%s: detail: %s\n", prog, detail);
    }
    if (rc == MQTT_RS_PLAINTEXT_CREDENTIALS) {
        fprintf(stderr,
                "%s: the password would cross the network in clear; connect with TLS (--cafile),\n"
                "%s: or add --plaintext-password to send it anyway\n",
                prog, prog);
    }
}

bool example_is_opt(const char *arg, const char *short_name, const char *long_name)
{
    return (short_name != NULL && strcmp(arg, short_name) == 0) ||
           (long_name != NULL && strcmp(arg, long_name) == 0);
}

bool example_parse_ulong(const char *text, unsigned long min, unsigned long max, unsigned long *out)
{
    char *end = NULL;
    unsigned long value;

    if (text == NULL || *text < '0' || *text > '9') {
        return false;
    }
    errno = 0;
    value = strtoul(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || value < min || value > max) {
        return false;
    }
    *out = value;
    return true;
}

int example_exit_status(mqtt_rs_result rc)
{
    switch (rc) {
    case MQTT_RS_CONNACK_UNACCEPTABLE_PROTOCOL: return 1;
    case MQTT_RS_CONNACK_IDENTIFIER_REJECTED: return 2;
    case MQTT_RS_CONNACK_SERVER_UNAVAILABLE: return 3;
    case MQTT_RS_CONNACK_BAD_USERNAME_OR_PASSWORD: return 4;
    case MQTT_RS_CONNACK_NOT_AUTHORIZED: return 5;
    default: return 1;
    }
}

/* --- MQTT 5.0: -V and -D ------------------------------------------------ */

/* The packets -D names (mosquitto's COMMAND words), as bits. */
enum {
    CMD_CONNECT = 1 << 0,
    CMD_PUBLISH = 1 << 1,
    CMD_SUBSCRIBE = 1 << 2,
    CMD_UNSUBSCRIBE = 1 << 3,
    CMD_DISCONNECT = 1 << 4,
    CMD_AUTH = 1 << 5,
    CMD_WILL = 1 << 6,
    CMD_ACKS = 1 << 7 /* puback, pubrec, pubrel, pubcomp */
};

static const struct {
    const char *name;
    unsigned bit;
} v5_commands[] = {
    {"connect", CMD_CONNECT},         {"publish", CMD_PUBLISH}, {"subscribe", CMD_SUBSCRIBE},
    {"unsubscribe", CMD_UNSUBSCRIBE}, {"disconnect", CMD_DISCONNECT}, {"auth", CMD_AUTH},
    {"will", CMD_WILL},               {"puback", CMD_ACKS},     {"pubrec", CMD_ACKS},
    {"pubrel", CMD_ACKS},             {"pubcomp", CMD_ACKS},
};

#define CMD_ALL (CMD_CONNECT | CMD_PUBLISH | CMD_SUBSCRIBE | CMD_UNSUBSCRIBE | CMD_DISCONNECT | CMD_AUTH | CMD_WILL | CMD_ACKS)

/* Every MQTT 5.0 property by its -D name: the packets a client may put it in
 * (MQTT 5.0 section 2.2.2.2) and those these tools can send it in. */
static const struct {
    const char *name;
    uint8_t id;
    unsigned allowed;
    unsigned supported;
} v5_properties[] = {
    {"payload-format-indicator", 1, CMD_PUBLISH | CMD_WILL, CMD_PUBLISH | CMD_WILL},
    {"message-expiry-interval", 2, CMD_PUBLISH | CMD_WILL, CMD_PUBLISH | CMD_WILL},
    {"content-type", 3, CMD_PUBLISH | CMD_WILL, CMD_PUBLISH | CMD_WILL},
    {"response-topic", 8, CMD_PUBLISH | CMD_WILL, CMD_PUBLISH | CMD_WILL},
    {"correlation-data", 9, CMD_PUBLISH | CMD_WILL, CMD_PUBLISH | CMD_WILL},
    {"subscription-identifier", 11, CMD_SUBSCRIBE, CMD_SUBSCRIBE},
    {"session-expiry-interval", 17, CMD_CONNECT | CMD_DISCONNECT, CMD_CONNECT},
    {"assigned-client-identifier", 18, 0, 0},
    {"server-keep-alive", 19, 0, 0},
    {"authentication-method", 21, CMD_CONNECT | CMD_AUTH, 0},
    {"authentication-data", 22, CMD_CONNECT | CMD_AUTH, 0},
    {"request-problem-information", 23, CMD_CONNECT, CMD_CONNECT},
    {"will-delay-interval", 24, CMD_WILL, CMD_WILL},
    {"request-response-information", 25, CMD_CONNECT, 0},
    {"response-information", 26, 0, 0},
    {"server-reference", 28, 0, 0},
    {"reason-string", 31, CMD_DISCONNECT | CMD_AUTH | CMD_ACKS, 0},
    {"receive-maximum", 33, CMD_CONNECT, CMD_CONNECT},
    {"topic-alias-maximum", 34, CMD_CONNECT, 0},
    {"topic-alias", 35, CMD_PUBLISH, 0},
    {"maximum-qos", 36, 0, 0},
    {"retain-available", 37, 0, 0},
    {"user-property", 38, CMD_ALL, CMD_CONNECT | CMD_PUBLISH | CMD_WILL},
    {"maximum-packet-size", 39, CMD_CONNECT, CMD_CONNECT},
    {"wildcard-subscription-available", 40, 0, 0},
    {"subscription-identifier-available", 41, 0, 0},
    {"shared-subscription-available", 42, 0, 0},
};

#define V5_COUNT(a) (sizeof(a) / sizeof((a)[0]))

void example_v5_init(struct example_v5 *v5)
{
    memset(v5, 0, sizeof *v5);
    v5->protocol_version = 4;
#if defined(MQTT_RS_MQTT5)
    mqtt_rs_connect_properties_init(&v5->connect);
    mqtt_rs_publish_options_init(&v5->publish);
    mqtt_rs_will_properties_init(&v5->will);
#endif
}

bool example_v5_parse_version(struct example_v5 *v5, const char *prog, const char *val)
{
    if (strcmp(val, "5") == 0 || strcmp(val, "mqttv5") == 0) {
        v5->protocol_version = 5;
    } else if (strcmp(val, "311") == 0 || strcmp(val, "mqttv311") == 0) {
        v5->protocol_version = 4;
    } else {
        fprintf(stderr, "%s: -V: mqttv5 (5) or mqttv311 (311), not %s\n", prog, val);
        return false;
    }
    return true;
}

#if defined(MQTT_RS_MQTT5)
/* Stores one supported property's value; false after printing why. The
 * message properties (1, 2, 3, 8, 9) go to the PUBLISH or, for will, the will. */
static bool v5_store(struct example_v5 *v5, const char *prog, unsigned cmd, uint8_t id, char **args)
{
    const char *val = args[2];
    unsigned long n = 0;
    bool will = cmd == CMD_WILL;
    mqtt_rs_user_property *users = v5->publish_users;
    size_t *user_count = &v5->publish.user_property_count;

    if (cmd == CMD_CONNECT) {
        users = v5->connect_users;
        user_count = &v5->connect.user_property_count;
    } else if (will) {
        users = v5->will_users;
        user_count = &v5->will.user_property_count;
    }
    switch (id) {
    case 38: /* user-property KEY VALUE */
        if (*user_count == EXAMPLE_V5_MAX_USER_PROPERTIES) {
            fprintf(stderr, "%s: -D %s user-property: at most %d\n", prog, args[0], EXAMPLE_V5_MAX_USER_PROPERTIES);
            return false;
        }
        users[*user_count].key = args[2];
        users[*user_count].value = args[3];
        (*user_count)++;
        v5->connect.user_properties = v5->connect_users;
        v5->publish.user_properties = v5->publish_users;
        v5->will.user_properties = v5->will_users;
        return true;
    case 3:
        *(will ? &v5->will.content_type : &v5->publish.content_type) = val;
        return true;
    case 8:
        *(will ? &v5->will.response_topic : &v5->publish.response_topic) = val;
        return true;
    case 9:
        *(will ? &v5->will.correlation_data : &v5->publish.correlation_data) = (const uint8_t *)val;
        *(will ? &v5->will.correlation_data_len : &v5->publish.correlation_data_len) = strlen(val);
        return true;
    default: break;
    }
    /* The integers, each with its range. */
    if ((id == 1 || id == 23) && example_parse_ulong(val, 0, 1, &n)) {
        if (id == 1) {
            *(will ? &v5->will.payload_utf8 : &v5->publish.payload_utf8) = n == 1;
        } else {
            v5->connect.request_problem_information = n == 1;
        }
    } else if (id == 2 && example_parse_ulong(val, 0, 0xFFFFFFFFul, &n)) {
        *(will ? &v5->will.message_expiry_s : &v5->publish.message_expiry_s) = (uint32_t)n;
    } else if (id == 24 && example_parse_ulong(val, 0, 0xFFFFFFFFul, &n)) {
        v5->will.will_delay_s = (uint32_t)n;
    } else if (id == 11 && example_parse_ulong(val, 1, 268435455ul, &n)) {
        v5->subscription_id = (uint32_t)n;
    } else if (id == 17 && example_parse_ulong(val, 0, 0xFFFFFFFFul, &n)) {
        v5->connect.session_expiry_s = (uint32_t)n;
        v5->session_expiry_given = true;
    } else if (id == 33 && example_parse_ulong(val, 1, 65535, &n)) {
        v5->connect.receive_maximum = (uint16_t)n;
    } else if (id == 39 && example_parse_ulong(val, 1, 0xFFFFFFFFul, &n)) {
        v5->connect.maximum_packet_size = (uint32_t)n;
    } else {
        fprintf(stderr, "%s: -D %s %s: invalid value: %s\n", prog, args[0], args[1], val);
        return false;
    }
    return true;
}
#endif

int example_v5_parse_property(struct example_v5 *v5, const char *prog, int count, char **args)
{
    unsigned cmd = 0;
    size_t i;
    size_t p = V5_COUNT(v5_properties);
    int needed = 3;

    if (count < 1) {
        fprintf(stderr, "%s: -D needs COMMAND IDENTIFIER VALUE\n", prog);
        return -1;
    }
    for (i = 0; i < V5_COUNT(v5_commands); i++) {
        if (strcmp(args[0], v5_commands[i].name) == 0) {
            cmd = v5_commands[i].bit;
        }
    }
    if (cmd == 0) {
        fprintf(stderr, "%s: -D: invalid command: %s\n", prog, args[0]);
        return -1;
    }
    for (i = 0; count >= 2 && i < V5_COUNT(v5_properties); i++) {
        if (strcmp(args[1], v5_properties[i].name) == 0) {
            p = i;
        }
    }
    if (p == V5_COUNT(v5_properties)) {
        fprintf(stderr, "%s: -D %s: invalid property name: %s\n", prog, args[0], count >= 2 ? args[1] : "(none)");
        return -1;
    }
    if (v5_properties[p].id == 38) {
        needed = 4;
    }
    if (count < needed) {
        fprintf(stderr, "%s: -D %s %s: not enough arguments (%s)\n", prog, args[0], args[1],
                needed == 4 ? "KEY VALUE" : "VALUE");
        return -1;
    }
    if ((v5_properties[p].allowed & cmd) == 0) {
        fprintf(stderr, "%s: -D: %s is not allowed for %s\n", prog, args[1], args[0]);
        return -1;
    }
    if ((v5_properties[p].supported & cmd) == 0) {
        fprintf(stderr, "%s: -D: %s for %s is not supported by this tool\n", prog, args[1], args[0]);
        return -1;
    }
#if defined(MQTT_RS_MQTT5)
    if (!v5_store(v5, prog, cmd, v5_properties[p].id, args)) {
        return -1;
    }
    v5->properties_given = true;
    v5->will_properties_given |= cmd == CMD_WILL;
    return needed;
#else
    (void)v5;
    fprintf(stderr, "%s: -D: %s\n", prog, mqtt_rs_result_str(MQTT_RS_MQTT5_NOT_BUILT));
    return -1;
#endif
}

bool example_v5_check(const struct example_v5 *v5, const char *prog)
{
    if (v5->properties_given && v5->protocol_version != 5) {
        fprintf(stderr, "%s: -D: properties need MQTT 5.0 (-V 5)\n", prog);
        return false;
    }
    return true;
}

void example_v5_apply_connect(struct example_v5 *v5, mqtt_rs_connect_options *options)
{
    options->protocol_version = v5->protocol_version;
#if defined(MQTT_RS_MQTT5)
    if (v5->protocol_version == 5) {
        /* mosquitto's -c: a persistent session that never expires, unless -D says otherwise. */
        if (!options->clean_session && !v5->session_expiry_given) {
            v5->connect.session_expiry_s = 0xFFFFFFFFul;
        }
        if (v5->will_properties_given) {
            v5->connect.will_properties = &v5->will;
        }
        options->properties = &v5->connect;
    }
#endif
}

int example_will_parse(struct example_will *w, const char *prog, const char *arg, const char *val)
{
    unsigned long n = 0;

    if (example_is_opt(arg, NULL, "--will-retain")) {
        w->retain = true;
        w->other_given = true;
        return 1;
    }
    if (!example_is_opt(arg, NULL, "--will-topic") && !example_is_opt(arg, NULL, "--will-payload") &&
        !example_is_opt(arg, NULL, "--will-qos")) {
        return 0;
    }
    if (val == NULL) {
        fprintf(stderr, "%s: %s: missing value\n", prog, arg);
        return -1;
    }
    if (example_is_opt(arg, NULL, "--will-topic")) {
        w->topic = val;
        return 2;
    }
    w->other_given = true;
    if (example_is_opt(arg, NULL, "--will-payload")) {
        w->payload = val;
    } else if (example_parse_ulong(val, 0, 2, &n)) {
        w->qos = (uint8_t)n;
    } else {
        fprintf(stderr, "%s: invalid will QoS (0, 1 or 2): %s\n", prog, val);
        return -1;
    }
    return 2;
}

bool example_will_check(const struct example_will *w, const struct example_v5 *v5, const char *prog)
{
    if (w->topic == NULL && w->other_given) {
        fprintf(stderr, "%s: --will-payload, --will-qos and --will-retain need --will-topic\n", prog);
        return false;
    }
    if (w->topic == NULL && v5->will_properties_given) {
        fprintf(stderr, "%s: -D will: will properties need --will-topic\n", prog);
        return false;
    }
    return true;
}

void example_will_apply(struct example_will *w, mqtt_rs_connect_options *options)
{
    if (w->topic == NULL) {
        return;
    }
    w->will.topic = w->topic;
    w->will.payload = (const uint8_t *)w->payload;
    w->will.payload_len = w->payload != NULL ? strlen(w->payload) : 0;
    w->will.qos = w->qos;
    w->will.retain = w->retain;
    options->will = &w->will;
}

void example_will_usage(FILE *out)
{
    fprintf(out,
            " --will-topic     topic of the last will: the broker publishes it when the\n"
            "                  connection ends without DISCONNECT\n"
            " --will-payload   its payload (default: empty)\n"
            " --will-qos       its QoS 0, 1 or 2 (default 0)\n"
            " --will-retain    ask the broker to retain the will\n");
}

void example_v5_print_reason(FILE *out, const char *prog, const struct example_v5 *v5, const mqtt_rs_event *event)
{
#if defined(MQTT_RS_MQTT5)
    if (v5->protocol_version == 5) {
        size_t i;

        if (event->kind == MQTT_RS_EVENT_SUBSCRIBE_DONE || event->kind == MQTT_RS_EVENT_UNSUBSCRIBE_DONE) {
            /* One reason code per filter. */
            fputs(" (reason codes", out);
            for (i = 0; i < event->granted_count; i++) {
                fprintf(out, " 0x%02x", (unsigned)event->granted_qos[i]);
            }
            fputs(")\n", out);
        } else {
            fprintf(out, " (reason code 0x%02x)\n", (unsigned)event->reason_code);
        }
        /* The packet's properties: CONNACK's limits, an ack's or DISCONNECT's reason
         * string, user properties and server reference. */
        example_v5_print_properties(out, prog, &event->properties);
        return;
    }
#else
    (void)v5;
    (void)event;
#endif
    (void)prog;
    fputc('\n', out);
}

void example_v5_usage(FILE *out)
{
    fprintf(out,
            " -V, --protocol-version  mqttv5 (5) or mqttv311 (311, default)\n"
            " -D, --property COMMAND IDENTIFIER VALUE  an MQTT 5.0 property (needs -V 5):\n"
            "                  connect: session-expiry-interval, receive-maximum,\n"
            "                    maximum-packet-size, request-problem-information, user-property\n"
            "                  publish: payload-format-indicator, message-expiry-interval,\n"
            "                    content-type, response-topic, correlation-data, user-property\n"
            "                  subscribe: subscription-identifier\n"
            "                  will (with --will-topic): will-delay-interval,\n"
            "                    payload-format-indicator, message-expiry-interval,\n"
            "                    content-type, response-topic, correlation-data, user-property\n"
            "                  (user-property takes KEY VALUE)\n");
}

#if defined(MQTT_RS_MQTT5)
/* Text as is; other bytes as \xNN (correlation data is binary). */
static void print_bytes(FILE *out, const uint8_t *data, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++) {
        if (data[i] >= 0x20 && data[i] < 0x7f) {
            fputc(data[i], out);
        } else {
            fprintf(out, "\\x%02x", (unsigned)data[i]);
        }
    }
}

void example_v5_print_properties(FILE *out, const char *prefix, const mqtt_rs_properties *properties)
{
    size_t i;
    const char *k;
    const char *v;
    size_t kl;
    size_t vl;
    uint32_t id;

    for (i = 0; i < V5_COUNT(v5_properties); i++) {
        uint8_t pid = v5_properties[i].id;
        const uint8_t *data;
        size_t len;
        uint32_t value;

        if (pid == 11 || pid == 38) {
            continue; /* repeatable: below */
        }
        if (mqtt_rs_property_bytes(properties, pid, &data, &len)) {
            fprintf(out, "%s: %s: ", prefix, v5_properties[i].name);
            print_bytes(out, data, len);
            fputc('\n', out);
        } else if (mqtt_rs_property_integer(properties, pid, &value)) {
            fprintf(out, "%s: %s: %lu\n", prefix, v5_properties[i].name, (unsigned long)value);
        }
    }
    for (i = 0; mqtt_rs_property_subscription_id(properties, i, &id); i++) {
        fprintf(out, "%s: subscription-identifier: %lu\n", prefix, (unsigned long)id);
    }
    for (i = 0; mqtt_rs_property_user(properties, i, &k, &kl, &v, &vl); i++) {
        fprintf(out, "%s: user-property: ", prefix);
        print_bytes(out, (const uint8_t *)k, kl);
        fputc(' ', out);
        print_bytes(out, (const uint8_t *)v, vl);
        fputc('\n', out);
    }
}
#endif
