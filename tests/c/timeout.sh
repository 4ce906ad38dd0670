#!/bin/sh
# timeout.sh: mqtt_sub -W on a silent topic exits with status 27 (as
# mosquitto_sub does) after about that many seconds.
. "$(dirname "$0")/lib.sh"

start=$(date +%s)
if "$MQTT_SUB" -h "$HOST" -p "$PORT_PLAIN" -t "$TOPIC/silent" -C 1 -W 1 >"$W/sub.out" 2>"$W/sub.err"; then
    status=0
else
    status=$?
fi
end=$(date +%s)
[ "$status" -eq 27 ] || fail "expected exit status 27, got $status"
[ $((end - start)) -le 5 ] || fail "took $((end - start)) s for -W 1"
[ ! -s "$W/sub.out" ] || fail "printed something on a silent topic"
grep -q '^mqtt_sub: ' "$W/sub.err" || fail "no message on stderr"
echo "ok: -W 1 timed out with status 27"
