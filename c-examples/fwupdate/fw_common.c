/* fw_common.c - see fw_common.h. */
#include "fw_common.h"

#include <stdio.h>
#include <string.h>

int fw_conn_parse(struct fw_conn *c, const char *prog, const char *arg, const char *val)
{
    unsigned long n;
    int tls = example_tls_parse(&c->tls, prog, arg, val);

    if (tls != 0) {
        return tls;
    }
    if (val == NULL) {
        return 0;
    }
    if (example_is_opt(arg, "-h", "--host")) {
        c->host = val;
    } else if (example_is_opt(arg, "-p", "--port")) {
        if (!example_parse_ulong(val, 1, 65535, &n)) {
            fprintf(stderr, "%s: invalid port: %s\n", prog, val);
            return -1;
        }
        c->port = (uint16_t)n;
    } else if (example_is_opt(arg, "-t", "--topic-prefix")) {
        c->prefix = val;
    } else if (example_is_opt(arg, "-i", "--id")) {
        c->client_id = val;
    } else {
        return 0;
    }
    return 1;
}

void fw_topic(char *out, size_t cap, const struct fw_conn *c, const char *name)
{
    (void)snprintf(out, cap, "%s/%s", c->prefix, name);
}

bool fw_client_init(struct fw_client *c, const struct fw_conn *conn, const char *default_id,
                    mqtt_rs_message_cb on_message, void *userdata, const char *prog)
{
    mqtt_rs_client_config cfg;
    mqtt_rs_result rc;

    memset(&cfg, 0, sizeof cfg);
    mqtt_rs_posix_net_init(&c->net, &cfg.net);
    cfg.tx_buf = c->tx;
    cfg.tx_len = sizeof c->tx;
    cfg.rx_buf = c->rx;
    cfg.rx_len = sizeof c->rx;
    cfg.slots = c->slots;
    cfg.slot_count = sizeof c->slots / sizeof c->slots[0];
    cfg.on_message = on_message;
    cfg.userdata = userdata;
    rc = mqtt_rs_client_init(&c->client, &cfg);
    if (rc != MQTT_RS_OK) {
        example_report(prog, "init", rc, NULL);
        return false;
    }
    if (example_tls_apply(&conn->tls, &c->client, prog) != MQTT_RS_OK) {
        return false;
    }
    mqtt_rs_connect_options_init(&c->opt);
    c->opt.host = conn->host;
    c->opt.port = conn->port;
    c->opt.client_id = conn->client_id != NULL ? conn->client_id : default_id;
    return true;
}
