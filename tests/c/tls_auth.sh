#!/bin/sh
# tls_auth.sh: user name and password over TLS (listener TLS_PASSWORD). The
# right password gets through; a wrong one, or none, is refused by the
# broker's CONNACK after a successful handshake: exit status 4 or 5 and
# "<tool>: connect: connection refused: ...", with no detail line.
. "$(dirname "$0")/lib.sh"
need_pki
TLS_ARGS="-p $PORT_TLS_PASSWORD --cafile $PKI/ca.crt"

# shellcheck disable=SC2086 # TLS_ARGS is split on purpose (no spaces in the parts)
pub $TLS_ARGS -u mqttuser -P mqttpass -t "$TOPIC" -m ok -q 1
echo "ok: right password accepted over TLS"

check_refused() { # check_refused PROGRAM NAME ARGS...
    prog=$1
    name=$2
    shift 2
    tool=$(basename "$prog")
    # shellcheck disable=SC2086
    if "$prog" -h "$HOST" $TLS_ARGS "$@" >"$W/$name.out" 2>"$W/$name.err"; then
        status=0
    else
        status=$?
    fi
    [ "$status" -eq 4 ] || [ "$status" -eq 5 ] ||
        fail "$name: expected exit status 4 or 5 (CONNACK refused), got $status"
    line=$(head -n 1 "$W/$name.err")
    case $line in
    "$tool: connect: connection refused: "?*) ;;
    *) fail "$name: unexpected message: $line" ;;
    esac
    ! grep -q ": detail: " "$W/$name.err" || fail "$name: a TLS failure was reported for a CONNACK refusal"
    echo "ok: $name -> status $status, \"$line\""
}
check_refused "$MQTT_PUB" pub_wrong_password -u mqttuser -P wrong -t "$TOPIC" -m x
check_refused "$MQTT_PUB" pub_no_credentials -t "$TOPIC" -m x
check_refused "$MQTT_SUB" sub_wrong_password -u mqttuser -P wrong -t "$TOPIC" -W 5
