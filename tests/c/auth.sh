#!/bin/sh
# auth.sh: the password listener accepts mqttuser/mqttpass and refuses a
# wrong password with the CONNACK return code as exit status (mosquitto
# answers "not authorised", 5, for bad credentials under MQTT 3.1.1) and
# "mqtt_pub: connect: <reason>" on stderr.
. "$(dirname "$0")/lib.sh"

"$MQTT_PUB" -h "$HOST" -p "$PORT_PASSWORD" -u mqttuser -P mqttpass -t "$TOPIC" -m ok 2>"$W/good.err" ||
    fail "correct password refused (status $?)"

check_refused() { # check_refused PROGRAM NAME ARGS...
    prog=$1
    name=$2
    shift 2
    if "$prog" -h "$HOST" -p "$PORT_PASSWORD" "$@" >"$W/$name.out" 2>"$W/$name.err"; then
        status=0
    else
        status=$?
    fi
    [ "$status" -eq 4 ] || [ "$status" -eq 5 ] ||
        fail "$name: expected exit status 4 or 5 (CONNACK refused), got $status"
    tool=$(basename "$prog")
    line=$(head -n 1 "$W/$name.err")
    case $line in
    "$tool: connect: "?*) ;;
    *) fail "$name: unexpected message: $line" ;;
    esac
    echo "ok: $name -> status $status, \"$line\""
}

check_refused "$MQTT_PUB" pub_wrong_password -u mqttuser -P wrong -t "$TOPIC" -m x
check_refused "$MQTT_PUB" pub_no_credentials -t "$TOPIC" -m x
check_refused "$MQTT_SUB" sub_wrong_password -u mqttuser -P wrong -t "$TOPIC" -W 5
