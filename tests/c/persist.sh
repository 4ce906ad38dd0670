#!/bin/sh
# persist.sh PERSIST_PUB [COUNT]: c-examples/persist/persist_pub is killed with SIGKILL
# twice in the middle of COUNT QoS 1 and COUNT QoS 2 messages and restarted from its
# file store each time; a subscriber (QoS 2) counts what arrives: no QoS 1 message may
# be lost, no QoS 2 message lost or duplicated. Prints the counts.
. "$(dirname "$0")/lib.sh"
PERSIST_PUB=$1
COUNT=${2:-1000}
TOTAL=$((2 * COUNT))
STORE="$W/store"

start_counting_sub 2

# progress: the publisher's counter file (next message number), 0 before it exists.
progress() {
    cat "$STORE/next" 2>/dev/null || echo 0
}

run=0
kills=0
for stop_at in $((TOTAL / 3)) $((2 * TOTAL / 3)); do
    run=$((run + 1))
    $PERSIST_PUB "$HOST" "$PORT_PLAIN" "$TOPIC" "$STORE" "$COUNT" >"$W/pub$run.out" 2>"$W/pub$run.err" &
    pid=$!
    i=0
    while [ "$(progress)" -lt "$stop_at" ]; do
        kill -0 "$pid" 2>/dev/null || fail "persist_pub ended before message $stop_at"
        i=$((i + 1))
        [ "$i" -le 600 ] || fail "persist_pub did not reach message $stop_at in 60 s"
        sleep 0.1
    done
    kill -9 "$pid"
    wait "$pid" 2>/dev/null || true
    kills=$((kills + 1))
    records=$(ls "$STORE" | grep -c '\.rec$' || true)
    echo "killed at message $(progress) of $TOTAL with $records unfinished flows in the store"
done
run=$((run + 1))
$PERSIST_PUB "$HOST" "$PORT_PLAIN" "$TOPIC" "$STORE" "$COUNT" >"$W/pub$run.out" 2>"$W/pub$run.err" ||
    fail "the last run exited with $?"
cat "$W/pub$run.out"

stop_counting_sub "$TOTAL"

q1_all=$(grep -c "^$TOPIC/q1 " "$W/sub.out" || true)
q2_all=$(grep -c "^$TOPIC/q2 " "$W/sub.out" || true)
q1=$(grep "^$TOPIC/q1 " "$W/sub.out" | sort -u | wc -l)
q2=$(grep "^$TOPIC/q2 " "$W/sub.out" | sort -u | wc -l)
restored=$(sed -n 's/^persist_pub: restored \([0-9]*\) unfinished.*/\1/p' "$W"/pub*.err | awk '{ s += $1 } END { print s + 0 }')
echo "persist: $kills SIGKILLs, $restored unfinished flows restored from the store and resent; QoS 1: $COUNT sent, $q1 received, $((COUNT - q1)) lost, $((q1_all - q1)) duplicated (allowed);" \
    "QoS 2: $COUNT sent, $q2 received, $((COUNT - q2)) lost, $((q2_all - q2)) duplicated"
[ "$q1" -eq "$COUNT" ] || fail "QoS 1 messages lost: $((COUNT - q1))"
[ "$q2" -eq "$COUNT" ] || fail "QoS 2 messages lost: $((COUNT - q2))"
[ "$q2_all" -eq "$COUNT" ] || fail "QoS 2 messages duplicated: $((q2_all - q2))"
# Payloads are the message numbers: QoS 1 the even ones, QoS 2 the odd ones.
bad=$(awk -v t="$TOPIC" '($1 == t "/q1" && $2 % 2 != 0) || ($1 == t "/q2" && $2 % 2 != 1) || $2 >= '"$TOTAL" "$W/sub.out" | head -n 3)
[ -z "$bad" ] || fail "unexpected messages: $bad"
echo "ok: 0 QoS 1 lost, 0 QoS 2 lost or duplicated across $kills SIGKILLs"
