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
