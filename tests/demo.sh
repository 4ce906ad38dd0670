#!/usr/bin/env bash
# demo.sh — the README's demo:   bash tests/demo.sh
#
# Builds the C examples with CMake, starts the test broker, and sends one
# message over TLS from build/c-examples/mqtt_pub to build/c-examples/mqtt_sub
# (both verify the broker's certificate against the throwaway test CA).
set -euo pipefail

ROOT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
# shellcheck source=tests/lib.sh
source "$ROOT/tests/lib.sh"

step() { printf '\n>>> %s\n' "$*"; }

step "checking dependencies"
mqtt_rs_install_deps
mqtt_rs_find_cargo

step "building (cmake -S . -B build && cmake --build build)"
mqtt_rs_pick_port_base
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DMQTT_RS_PORT_BASE="$MQTT_RS_PORT_BASE" >/dev/null
cmake --build build -j"${MQTT_RS_BUILD_JOBS:-2}"

SUB=build/c-examples/mqtt_sub
PUB=build/c-examples/mqtt_pub
for tool in "$SUB" "$PUB"; do
    [[ -x $tool ]] || { echo "error: $tool was not built" >&2; exit 1; }
done

BROKER_DIR=build/demo-broker
eval "$(bash tests/broker/mosquitto.sh ports)"
PKI=$BROKER_DIR/pki
OUT=$(mktemp)
SUB_PID=
cleanup() {
    [[ -n $SUB_PID ]] && kill "$SUB_PID" 2>/dev/null
    bash tests/broker/mosquitto.sh stop "$BROKER_DIR"
    rm -f "$OUT"
}
trap cleanup EXIT

step "starting mosquitto (TLS listener on 127.0.0.1:$MQTT_RS_PORT_TLS)"
bash tests/broker/mosquitto.sh start "$BROKER_DIR"

TOPIC=demo/hello
MESSAGE="Hello from mqtt_rs over TLS"

step "$SUB -h 127.0.0.1 -p $MQTT_RS_PORT_TLS --cafile $PKI/ca.crt -t $TOPIC -q 1 -C 1 -W 10 -v &"
"$SUB" -h 127.0.0.1 -p "$MQTT_RS_PORT_TLS" --cafile "$PKI/ca.crt" \
    -t "$TOPIC" -q 1 -C 1 -W 10 -v >"$OUT" 2>&1 </dev/null &
SUB_PID=$!

# Publish only once the broker has the subscription (its log lists packets).
for ((i = 0; i < 100; i++)); do
    grep -q "Received SUBSCRIBE" "$BROKER_DIR/mosquitto.log" && break
    kill -0 "$SUB_PID" 2>/dev/null || break
    sleep 0.1
done

step "$PUB -h 127.0.0.1 -p $MQTT_RS_PORT_TLS --cafile $PKI/ca.crt -t $TOPIC -q 1 -m \"$MESSAGE\""
"$PUB" -h 127.0.0.1 -p "$MQTT_RS_PORT_TLS" --cafile "$PKI/ca.crt" -t "$TOPIC" -q 1 -m "$MESSAGE" </dev/null

rc=0
wait "$SUB_PID" || rc=$?
SUB_PID=
step "mqtt_sub received:"
cat "$OUT"
if [[ $rc -eq 0 ]] && grep -qF "$MESSAGE" "$OUT"; then
    step "demo OK: the message went through mosquitto over TLS"
else
    echo "demo FAILED (mqtt_sub exit $rc); broker log tail:" >&2
    tail -n 20 "$BROKER_DIR/mosquitto.log" >&2
    exit 1
fi
