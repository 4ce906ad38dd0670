#!/bin/sh
# persistent.sh: mqtt_sub -c -i ID keeps its session: a QoS 1 message
# published while it is away is delivered when it comes back.
. "$(dirname "$0")/lib.sh"
ID="mqtt_rs-ctest-$$"

# First visit: subscribe, then leave (-W 1 ends it with 27).
start_sub first -p "$PORT_PLAIN" -c -i "$ID" -t "$TOPIC" -q 1 -W 1
wait_sub
[ "$SUB_STATUS" -eq 27 ] || fail "first visit: expected 27, got $SUB_STATUS"

pub -t "$TOPIC" -q 1 -m "while you were away"

# Second visit: the broker still has the subscription and the message.
"$MQTT_SUB" -h "$HOST" -p "$PORT_PLAIN" -c -i "$ID" -t "$TOPIC" -q 1 -C 1 -W 10 \
    >"$W/second.out" 2>"$W/second.err" || fail "second visit exited with $?"
expect_lines "$W/second.out" "while you were away"

# Clean up the session on the broker: connect once with a clean session.
"$MQTT_SUB" -h "$HOST" -p "$PORT_PLAIN" -i "$ID" -t "$TOPIC" -W 1 >/dev/null 2>&1 || true
echo "ok: persistent session delivered a queued QoS 1 message"
