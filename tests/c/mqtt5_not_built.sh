#!/bin/sh
# mqtt5_not_built.sh: the C tools built against a library without MQTT 5.0 refuse
# -V 5 with the library's own result (MQTT_RS_MQTT5_NOT_BUILT, nothing sent) and -D
# while parsing; -V 311 still works.
. "$(dirname "$0")/lib.sh"

checked=0
expect_refusal() { # expect_refusal TOOL EXPECTED-FIRST-STDERR-LINE ARGS...
    tool=$1
    want=$2
    shift 2
    if "$tool" -h "$HOST" -p "$PORT_PLAIN" "$@" >"$W/out" 2>"$W/err"; then
        fail "$(basename "$tool") $* succeeded without MQTT 5.0"
    fi
    line=$(head -n 1 "$W/err")
    [ "$line" = "$want" ] || fail "$(basename "$tool") $*: printed '$line', expected '$want'"
    checked=$((checked + 1))
}
expect_refusal "$MQTT_PUB" "mqtt_pub: connect: library built without MQTT 5.0" -V 5 -t "$TOPIC" -m x
expect_refusal "$MQTT_SUB" "mqtt_sub: connect: library built without MQTT 5.0" -V mqttv5 -t "$TOPIC" -W 1
expect_refusal "$MQTT_PUB" "mqtt_pub: -D: library built without MQTT 5.0" -V 5 -t "$TOPIC" -m x \
    -D publish content-type text/plain
pub -V 311 -t "$TOPIC" -m x
echo "ok: $checked refusals without MQTT 5.0, -V 311 publishes"
