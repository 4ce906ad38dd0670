#!/bin/sh
# tls_reject.sh LISTENER RESULT DETAIL [ARGS...]: connecting to the TLS
# listener LISTENER with --cafile ca.crt plus ARGS must fail in the TLS
# handshake, for mqtt_pub and mqtt_sub alike: non-zero exit status, first
# line "<tool>: connect: RESULT" (the mqtt_rs_result_str() text of the
# expected result code, not just any failure) and a "<tool>: detail:"
# line matching the grep -i pattern DETAIL.
. "$(dirname "$0")/lib.sh"
need_pki
LISTENER=$1
RESULT=$2
DETAIL=$3
shift 3
PORT=$(tls_port "$LISTENER")

expect_tls_failure "$MQTT_PUB" pub "$RESULT" "$DETAIL" -p "$PORT" --cafile "$PKI/ca.crt" "$@" -t "$TOPIC" -m x -q 1
expect_tls_failure "$MQTT_SUB" sub "$RESULT" "$DETAIL" -p "$PORT" --cafile "$PKI/ca.crt" "$@" -t "$TOPIC" -W 5
