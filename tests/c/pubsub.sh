#!/bin/sh
# pubsub.sh QOS [-v]: three messages published with mqtt_pub at QOS reach a
# mqtt_sub subscribed at QOS, complete and in order (with -v: "topic payload").
. "$(dirname "$0")/lib.sh"
QOS=$1
VERBOSE=${2:-}

start_sub sub -p "$PORT_PLAIN" -t "$TOPIC" -q "$QOS" -C 3 -W 10 $VERBOSE
pub -t "$TOPIC" -q "$QOS" -m "one"
pub -t "$TOPIC" -q "$QOS" -m "two words"
pub -t "$TOPIC" -q "$QOS" -m "three"
wait_sub
[ "$SUB_STATUS" -eq 0 ] || fail "mqtt_sub exited with $SUB_STATUS"
if [ -n "$VERBOSE" ]; then
    expect_lines "$W/sub.out" "$TOPIC one" "$TOPIC two words" "$TOPIC three"
else
    expect_lines "$W/sub.out" "one" "two words" "three"
fi
echo "ok: QoS $QOS ${VERBOSE:+verbose }publish/subscribe"
