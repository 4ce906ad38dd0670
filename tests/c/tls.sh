#!/bin/sh
# tls.sh: the examples over TLS against the test broker's TLS listeners:
# server verification with --cafile, mutual TLS, TLS + password, version
# pinning, the non-blocking loop (also with large payloads), and each kind
# of certificate failure refused with its own reason plus the TLS detail.
. "$(dirname "$0")/lib.sh"
[ -n "$PKI" ] && [ -f "$PKI/ca.crt" ] || fail "MQTT_RS_PKI does not point at the test PKI"
CA="--cafile $PKI/ca.crt"

# Messages through the TLS listener, both clients verifying the broker.
start_sub sub -p "$PORT_TLS" $CA -t "$TOPIC" -q 1 -C 2 -W 10 -v
pub -p "$PORT_TLS" $CA -t "$TOPIC" -q 1 -m "over TLS"
pub -p "$PORT_TLS" $CA -t "$TOPIC" -q 0 -m "and again"
wait_sub
[ "$SUB_STATUS" -eq 0 ] || fail "TLS mqtt_sub exited with $SUB_STATUS"
expect_lines "$W/sub.out" "$TOPIC over TLS" "$TOPIC and again"
echo "ok: publish/subscribe over TLS"

# "localhost" is checked against the certificate's DNS name.
pub -h localhost -p "$PORT_TLS" $CA -t "$TOPIC" -m "by name"
pub -p "$PORT_MTLS" $CA --cert "$PKI/client.crt" --key "$PKI/client.key" -t "$TOPIC" -q 1 -m mtls
pub -p "$PORT_TLS_PASSWORD" $CA -u mqttuser -P mqttpass -t "$TOPIC" -q 1 -m password
pub -p "$PORT_TLS13" $CA --tls-version tlsv1.3 -t "$TOPIC" -m tls13
pub -p "$PORT_TLS" $CA --tls-version tlsv1.2 -t "$TOPIC" -m tls12
echo "ok: server name, mutual TLS, TLS + password, TLS 1.3 and 1.2 pinned"

"$NONBLOCKING" -h "$HOST" -p "$PORT_TLS" $CA -t "$TOPIC/nb" -n 100 -q 1 >"$W/nb.out" 2>"$W/nb.err" ||
    fail "nonblocking over TLS exited with $?"
"$NONBLOCKING" -h "$HOST" -p "$PORT_TLS" $CA -t "$TOPIC/nb" -n 4 -s 1000000 -q 2 >>"$W/nb.out" 2>>"$W/nb.err" ||
    fail "nonblocking over TLS with large payloads exited with $?"
cat "$W/nb.out"

# Refusals: exit status 1, "mqtt_pub: connect: <reason>", then the detail.
refused() { # refused NAME ARGS...: mqtt_pub must fail to connect
    name=$1
    shift
    if "$MQTT_PUB" -h "$HOST" -t "$TOPIC" -m x "$@" >/dev/null 2>"$W/$name.err"; then
        fail "$name: mqtt_pub succeeded"
    else
        status=$?
    fi
    [ "$status" -eq 1 ] || fail "$name: exit status $status, expected 1"
    line=$(head -n 1 "$W/$name.err")
    case $line in
    "mqtt_pub: connect: "?*) ;;
    *) fail "$name: unexpected message: $line" ;;
    esac
    grep -q '^mqtt_pub: detail: ' "$W/$name.err" || fail "$name: no TLS detail"
    echo "ok: $name refused: ${line#mqtt_pub: connect: }"
    printf '%s\n' "$line" >>"$W/reasons"
}
refused expired -p "$PORT_EXPIRED" $CA
refused wronghost -p "$PORT_WRONGHOST" $CA
refused unknownca -p "$PORT_UNKNOWNCA" $CA
refused no_client_cert -p "$PORT_MTLS" $CA
refused version -p "$PORT_TLS13" $CA --tls-version tlsv1.2
[ "$(sort -u "$W/reasons" | wc -l)" -eq 5 ] || fail "the five refusals do not all have their own reason"

# Bad input is caught before connecting.
if "$MQTT_PUB" -p "$PORT_TLS" --cafile "$PKI/client.key" -t "$TOPIC" -m x 2>"$W/badca.err"; then
    fail "a key file was accepted as CA"
fi
grep -q '^mqtt_pub: tls: ' "$W/badca.err" || fail "bad CA: unexpected message: $(cat "$W/badca.err")"
echo "ok: unusable CA file refused before connecting"
