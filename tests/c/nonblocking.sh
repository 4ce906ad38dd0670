#!/bin/sh
# nonblocking.sh QOS COUNT [SIZE]: the non-blocking superloop example sends COUNT
# messages to itself at QOS and gets all of them completed (QoS 1/2:
# acknowledged) and back.
. "$(dirname "$0")/lib.sh"
: "${NONBLOCKING:?NONBLOCKING not set}"
QOS=$1
COUNT=$2
SIZE=${3:-}

"$NONBLOCKING" -h "$HOST" -p "$PORT_PLAIN" -t "$TOPIC" -n "$COUNT" -q "$QOS" ${SIZE:+-s "$SIZE"} >"$W/nb.out" 2>"$W/nb.err" ||
    fail "nonblocking exited with $?: $(cat "$W/nb.out")"
cat "$W/nb.out"
grep -q "sent $COUNT, completed $COUNT, received $COUNT of $COUNT" "$W/nb.out" || fail "unexpected summary"
