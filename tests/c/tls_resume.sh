#!/bin/sh
# tls_resume.sh LISTENER [ARGS...]: mqtt_pub --repeat 3 --reconnect makes
# three TLS connections with one client: the first is a full handshake, the
# second and third resume the session saved by the one before (mqtt_pub -d
# prints "mqtt_pub: tls: full handshake|resumed" from
# mqtt_rs_client_tls_resumed()). All three messages arrive, and the TLS
# heap is empty after mqtt_rs_client_deinit().
. "$(dirname "$0")/lib.sh"
need_pki
LISTENER=$1
shift
PORT=$(tls_port "$LISTENER")

start_sub sub -p "$PORT_PLAIN" -t "$TOPIC" -q 1 -C 3 -W 10
pub -d -p "$PORT" --cafile "$PKI/ca.crt" "$@" -t "$TOPIC" -q 1 -m again --repeat 3 --reconnect
wait_sub
[ "$SUB_STATUS" -eq 0 ] || fail "mqtt_sub exited with $SUB_STATUS"
expect_lines "$W/sub.out" again again again

grep '^mqtt_pub: tls: ' "$W/pub.err" >"$W/handshakes"
expect_lines "$W/handshakes" "mqtt_pub: tls: full handshake" "mqtt_pub: tls: resumed" "mqtt_pub: tls: resumed"
grep -q '^mqtt_pub: TLS heap peak .*, 0 in use after deinit$' "$W/pub.err" ||
    fail "TLS heap not empty after mqtt_rs_client_deinit"
echo "ok: reconnects over TLS ($LISTENER${*:+ $*}) resumed the session"
