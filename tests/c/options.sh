#!/bin/sh
# options.sh: --repeat, several -t filters, -n (empty message), -s (stdin),
# and SIGINT/SIGTERM ending mqtt_sub cleanly with status 0.
. "$(dirname "$0")/lib.sh"

# --repeat
start_sub repeat -p "$PORT_PLAIN" -t "$TOPIC/repeat" -q 1 -C 4 -W 10
pub -t "$TOPIC/repeat" -q 1 -m again --repeat 4 --repeat-delay 0.05
wait_sub
[ "$SUB_STATUS" -eq 0 ] || fail "repeat: mqtt_sub exited with $SUB_STATUS"
expect_lines "$W/repeat.out" again again again again
echo "ok: --repeat 4"

# Several filters in one subscription, wildcards, -n, -s.
start_sub multi -p "$PORT_PLAIN" -t "$TOPIC/a" -t "$TOPIC/b/+" -q 1 -C 3 -W 10 -v
pub -t "$TOPIC/a" -q 1 -m first
pub -t "$TOPIC/b/x" -q 1 -n
printf 'from stdin' | pub -t "$TOPIC/a" -q 1 -s
wait_sub
[ "$SUB_STATUS" -eq 0 ] || fail "multi: mqtt_sub exited with $SUB_STATUS"
expect_lines "$W/multi.out" "$TOPIC/a first" "$TOPIC/b/x " "$TOPIC/a from stdin"
echo "ok: two filters, -n and -s"

# Signals: no -C and no -W, so only a signal ends it.
for sig in INT TERM; do
    start_sub "sig$sig" -p "$PORT_PLAIN" -t "$TOPIC/signal"
    kill -s "$sig" "$SUB_PID"
    wait_sub
    [ "$SUB_STATUS" -eq 0 ] || fail "SIG$sig: mqtt_sub exited with $SUB_STATUS"
    echo "ok: SIG$sig ends mqtt_sub with status 0"
done

# Usage errors.
if "$MQTT_PUB" -t "$TOPIC" >/dev/null 2>&1; then fail "mqtt_pub without a message succeeded"; fi
if "$MQTT_PUB" -t "$TOPIC" -m x -q 3 >/dev/null 2>&1; then fail "mqtt_pub -q 3 succeeded"; fi
if "$MQTT_SUB" -c -t "$TOPIC" >/dev/null 2>&1; then fail "mqtt_sub -c without -i succeeded"; fi
"$MQTT_PUB" --help >/dev/null || fail "mqtt_pub --help"
"$MQTT_SUB" --help >/dev/null || fail "mqtt_sub --help"
echo "ok: usage errors"
