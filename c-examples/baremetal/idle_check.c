/* idle_check.c: an idle client keeps its connection (see idle_check.h). */
#include "idle_check.h"

#include "semihosting.h"

#define IDLE_MS 5000u

static mqtt_rs_net wrapped;
static uint32_t writes;

static int32_t counting_write(void *ctx, const uint8_t *buf, size_t len, uint32_t timeout_ms)
{
    int32_t n = wrapped.write(ctx, buf, len, timeout_ms);
    if (n > 0) {
        writes++;
    }
    return n;
}

void idle_check_wrap(mqtt_rs_net *net)
{
    wrapped = *net;
    net->write = counting_write;
}

static bool failed(const char *what, mqtt_rs_result rc)
{
    sh_puts("FAIL: ");
    sh_puts(what);
    sh_puts(": ");
    sh_puts(mqtt_rs_result_str(rc));
    sh_puts("\n");
    return false;
}

bool idle_check(mqtt_rs_client *client)
{
    static const uint8_t payload[1] = {1};
    uint32_t writes_before = writes;
    uint32_t host_start = sh_elapsed_ms();
    mqtt_rs_result rc = mqtt_rs_client_wait(client, IDLE_MS);
    uint32_t idle_writes = writes - writes_before;
    sh_puts("idle: 5000 ms wait = ");
    sh_put_u32(sh_elapsed_ms() - host_start);
    sh_puts(" host ms, ");
    sh_put_u32(idle_writes);
    sh_puts(" writes (keepalive 2 s)\n");
    if (rc != MQTT_RS_OK) {
        return failed("idle wait", rc);
    }
    if (idle_writes < IDLE_MS / (IDLE_CHECK_KEEPALIVE_S * 1000u)) {
        sh_puts("FAIL: fewer writes than keepalive periods: pings missing\n");
        return false;
    }
    rc = mqtt_rs_client_publish(client, "mqtt_rs/fw-idle", payload, sizeof payload, 1, false, 5000);
    return rc == MQTT_RS_OK || failed("publish after the idle wait (the broker dropped the client?)", rc);
}
