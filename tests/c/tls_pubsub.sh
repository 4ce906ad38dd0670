#!/bin/sh
# tls_pubsub.sh LISTENER QOS [ARGS...]: pubsub.sh over TLS. mqtt_sub and
# mqtt_pub connect to the TLS listener LISTENER (TLS, TLS13, MTLS, ... see
# tests/broker/mosquitto.sh) with --cafile ca.crt plus ARGS (client
# certificate, --tls-version, -u/-P, ...; later options win, so ARGS may
# also replace -h or --cafile). Three messages at QOS arrive complete and in
# order, and both programs report a TLS handshake.
. "$(dirname "$0")/lib.sh"
need_pki
LISTENER=$1
QOS=$2
shift 2
PORT=$(tls_port "$LISTENER")

start_sub sub -p "$PORT" --cafile "$PKI/ca.crt" "$@" -t "$TOPIC" -q "$QOS" -C 3 -W 10
for m in one "two words" three; do
    pub -d -p "$PORT" --cafile "$PKI/ca.crt" "$@" -t "$TOPIC" -q "$QOS" -m "$m"
done
wait_sub
[ "$SUB_STATUS" -eq 0 ] || fail "mqtt_sub exited with $SUB_STATUS"
expect_lines "$W/sub.out" "one" "two words" "three"
grep -q '^mqtt_sub: tls: full handshake$' "$W/sub.err" || fail "mqtt_sub did not report a TLS handshake"
[ "$(grep -c '^mqtt_pub: tls: ' "$W/pub.err")" -eq 3 ] || fail "mqtt_pub did not report 3 TLS handshakes"
# Every TLS allocation is returned by mqtt_rs_client_deinit().
[ "$(grep -c '^mqtt_pub: TLS heap peak .*, 0 in use after deinit$' "$W/pub.err")" -eq 3 ] ||
    fail "TLS heap not empty after mqtt_rs_client_deinit"
echo "ok: QoS $QOS publish/subscribe over TLS ($LISTENER${*:+ $*})"
