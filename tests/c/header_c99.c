/* header_c99.c: include/mqtt_rs.h must compile on its own as strict C99
 * (-std=c99 -Wall -Wextra -Werror -pedantic), twice (include guard), and
 * declare what the C examples rely on. Compiled only, never run. */
#include "mqtt_rs.h"
#include "mqtt_rs.h" /* a second time: the include guard must hold */

/* Compile-time checks in C99 (no _Static_assert): a negative array size fails. */
#define MQTT_RS_TEST_ASSERT(name, cond) typedef char name[(cond) ? 1 : -1]

MQTT_RS_TEST_ASSERT(client_size_matches_macro, sizeof(mqtt_rs_client) == MQTT_RS_CLIENT_SIZE);
MQTT_RS_TEST_ASSERT(slot_size_matches_macro, sizeof(mqtt_rs_inflight_slot) == MQTT_RS_INFLIGHT_SLOT_SIZE);
MQTT_RS_TEST_ASSERT(io_codes_negative,
                    MQTT_RS_IO_WOULD_BLOCK < 0 && MQTT_RS_IO_CLOSED < 0 && MQTT_RS_IO_ERROR < 0);
MQTT_RS_TEST_ASSERT(ok_is_zero, MQTT_RS_OK == 0);

/* Every function the examples call, with the signature they expect. */
void header_c99_uses(void);
void header_c99_uses(void)
{
    /* Called, not taken by address: the parameter is int32_t in the
     * generated header (an mqtt_rs_result converts implicitly). */
    const char *result_text = mqtt_rs_result_str(MQTT_RS_NOT_CONNECTED);
    void (*options_init)(mqtt_rs_connect_options *) = mqtt_rs_connect_options_init;
    mqtt_rs_result (*init)(mqtt_rs_client *, const mqtt_rs_client_config *) = mqtt_rs_client_init;
    mqtt_rs_result (*connect)(mqtt_rs_client *, const mqtt_rs_connect_options *, uint32_t, bool *) =
        mqtt_rs_client_connect;
    mqtt_rs_result (*publish)(mqtt_rs_client *, const char *, const uint8_t *, size_t, uint8_t, bool,
                              uint32_t) = mqtt_rs_client_publish;
    mqtt_rs_result (*subscribe)(mqtt_rs_client *, const mqtt_rs_subscription *, size_t, uint8_t *,
                                uint32_t) = mqtt_rs_client_subscribe;
    mqtt_rs_result (*unsubscribe)(mqtt_rs_client *, const char *const *, size_t, uint32_t) =
        mqtt_rs_client_unsubscribe;
    mqtt_rs_result (*wait)(mqtt_rs_client *, uint32_t) = mqtt_rs_client_wait;
    mqtt_rs_result (*disconnect)(mqtt_rs_client *, uint32_t) = mqtt_rs_client_disconnect;
    mqtt_rs_result (*begin_connect)(mqtt_rs_client *, const mqtt_rs_connect_options *) =
        mqtt_rs_client_begin_connect;
    mqtt_rs_result (*begin_publish)(mqtt_rs_client *, const char *, const uint8_t *, size_t, uint8_t, bool,
                                    uint16_t *) = mqtt_rs_client_begin_publish;
    mqtt_rs_result (*begin_subscribe)(mqtt_rs_client *, const mqtt_rs_subscription *, size_t, uint16_t *) =
        mqtt_rs_client_begin_subscribe;
    mqtt_rs_result (*begin_unsubscribe)(mqtt_rs_client *, const char *const *, size_t, uint16_t *) =
        mqtt_rs_client_begin_unsubscribe;
    mqtt_rs_result (*begin_disconnect)(mqtt_rs_client *) = mqtt_rs_client_begin_disconnect;
    mqtt_rs_result (*poll)(mqtt_rs_client *, uint32_t *) = mqtt_rs_client_poll;
    bool (*is_connected)(const mqtt_rs_client *) = mqtt_rs_client_is_connected;
    size_t (*inflight_count)(const mqtt_rs_client *) = mqtt_rs_client_inflight_count;
    void (*deinit)(mqtt_rs_client *) = mqtt_rs_client_deinit;
    void (*tls_options_init)(mqtt_rs_tls_options *) = mqtt_rs_tls_options_init;
    mqtt_rs_result (*use_tls)(mqtt_rs_client *, const mqtt_rs_tls_options *) = mqtt_rs_client_use_tls;
    mqtt_rs_result (*set_platform)(const mqtt_rs_tls_platform *) = mqtt_rs_tls_set_platform;
    size_t (*tls_error_detail)(const mqtt_rs_client *, char *, size_t) = mqtt_rs_client_tls_error_detail;
    mqtt_rs_result (*heap_stats_get)(mqtt_rs_heap_stats *) = mqtt_rs_heap_stats_get;
    mqtt_rs_result (*sha256_init)(mqtt_rs_sha256_ctx *) = mqtt_rs_sha256_init;
    mqtt_rs_result (*sha256_update)(mqtt_rs_sha256_ctx *, const uint8_t *, size_t) = mqtt_rs_sha256_update;
    mqtt_rs_result (*sha256_final)(mqtt_rs_sha256_ctx *, uint8_t *) = mqtt_rs_sha256_final;
    mqtt_rs_result (*signature_verify)(int32_t, const uint8_t *, size_t, const uint8_t *, size_t, const uint8_t *,
                                       size_t) = mqtt_rs_signature_verify;
    mqtt_rs_connect_options connect_options;
    mqtt_rs_tls_options tls;
    mqtt_rs_tls_platform platform;
    mqtt_rs_message_cb message_cb = 0;
    mqtt_rs_event_cb event_cb = 0;
    mqtt_rs_client_config cfg;
    mqtt_rs_message msg;
    mqtt_rs_event ev;
    mqtt_rs_will will;

    /* Fields the examples use. */
    cfg.net.ctx = 0;
    cfg.tx_buf = 0;
    cfg.tx_len = 0;
    cfg.rx_buf = 0;
    cfg.rx_len = 0;
    cfg.slots = 0;
    cfg.slot_count = 0;
    cfg.on_message = message_cb;
    cfg.on_event = event_cb;
    cfg.userdata = 0;
    msg.topic = 0;
    msg.topic_len = msg.payload_len = msg.offset = msg.total_len = 0;
    msg.payload = 0;
    msg.qos = 0;
    msg.retain = msg.dup = false;
    msg.packet_id = 0;
    ev.kind = MQTT_RS_EVENT_PUBLISH_DONE;
    ev.result = MQTT_RS_IN_PROGRESS;
    ev.packet_id = 0;
    ev.session_present = false;
    ev.granted_qos = 0;
    ev.granted_count = 0;
    will.topic = 0;
    will.payload = 0;
    will.payload_len = 0;
    will.qos = 0;
    will.retain = false;

    (void)result_text;
    (void)options_init;
    (void)init;
    (void)connect;
    (void)publish;
    (void)subscribe;
    (void)unsubscribe;
    (void)wait;
    (void)disconnect;
    (void)begin_connect;
    (void)begin_publish;
    (void)begin_subscribe;
    (void)begin_unsubscribe;
    (void)begin_disconnect;
    (void)poll;
    (void)is_connected;
    (void)inflight_count;
    (void)sha256_init;
    (void)sha256_update;
    (void)sha256_final;
    (void)signature_verify;
    connect_options.allow_plaintext_credentials = false;
    (void)connect_options;
    tls.ca = 0;
    tls.ca_len = 0;
    tls.cert = tls.key = 0;
    tls.cert_len = tls.key_len = 0;
    tls.alpn = 0;
    tls.alpn_count = 0;
    tls.min_version = MQTT_RS_TLS_VERSION_1_2;
    tls.max_version = MQTT_RS_TLS_VERSION_1_3;
    platform.alloc = 0;
    platform.free = 0;
    platform.unix_time = 0;
    platform.entropy = 0;
    (void)deinit;
    (void)tls_options_init;
    (void)use_tls;
    (void)set_platform;
    (void)tls_error_detail;
    (void)heap_stats_get;
    (void)tls;
    (void)platform;
    (void)cfg;
    (void)msg;
    (void)ev;
    (void)will;
}
