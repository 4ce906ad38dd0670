#!/bin/sh
# persist_sub.sh PERSIST_SUB [COUNT]: c-examples/persist/persist_sub takes COUNT QoS 2
# messages that mosquitto_pub publishes through the broker, and is killed with SIGKILL
# twice in the middle of the stream and restarted from its journal each time (held
# incoming ids restored, the broker's resends acknowledged, not taken again). Counts
# what the application took: no message may be lost or duplicated. Prints the counts.
. "$(dirname "$0")/lib.sh"
PERSIST_SUB=$1
COUNT=${2:-1000}
JOURNAL="$W/journal"

# taken: messages in the journal (all runs), 0 before it exists.
taken() {
    if [ -f "$JOURNAL" ]; then grep -c '^m ' "$JOURNAL" || true; else echo 0; fi
}

run=1
$PERSIST_SUB "$HOST" "$PORT_PLAIN" "$TOPIC/q2" "$JOURNAL" "$COUNT" >"$W/sub$run.out" 2>"$W/sub$run.err" &
pid=$!
await_line "$pid" "$W/sub$run.err" '^persist_sub: subscribed' 10 "persist_sub (subscribing)"

# The feed: one connection, COUNT QoS 2 messages (payload: the message number) in bursts
# of 20, paced so that the kills land in the middle of the stream.
i=0
while [ "$i" -lt "$COUNT" ]; do
    echo "$i"
    i=$((i + 1))
    [ $((i % 20)) -ne 0 ] || sleep 0.1
done | mosquitto_pub -h "$HOST" -p "$PORT_PLAIN" -t "$TOPIC/q2" -q 2 -l -i "mqtt_rs-persist-feed-$$" 2>"$W/feed.err" &
FEED_PID=$!

# held: incoming ids the journal holds (taken, not yet released by the broker).
held() {
    awk '$1 == "m" && $2 != 0 { h[$2] = 1 } $1 == "r" { delete h[$2] } END { n = 0; for (k in h) n++; print n }' "$JOURNAL"
}

kills=0
for stop_at in $((COUNT / 3)) $((2 * COUNT / 3)); do
    i=0
    while [ "$(taken)" -lt "$stop_at" ]; do
        kill -0 "$pid" 2>/dev/null || fail "persist_sub ended before message $stop_at"
        i=$((i + 1))
        [ "$i" -le 3000 ] || fail "persist_sub did not reach message $stop_at in 60 s"
        sleep 0.02
    done
    # Kill it while it holds ids, the case the store is for: freeze it (SIGSTOP), look
    # at its journal, and kill it frozen if it holds some, else let it run a moment more
    # (after 100 looks, about half a second, it is killed anyway).
    i=0
    while :; do
        kill -STOP "$pid" 2>/dev/null || fail "persist_sub ended before it was killed"
        [ "$(held)" -eq 0 ] && [ "$i" -lt 100 ] || break
        kill -CONT "$pid"
        i=$((i + 1))
        sleep 0.005
    done
    kill -9 "$pid"
    wait "$pid" 2>/dev/null || true
    kills=$((kills + 1))
    echo "killed after $(taken) of $COUNT messages with $(held) incoming ids held"
    run=$((run + 1))
    $PERSIST_SUB "$HOST" "$PORT_PLAIN" "$TOPIC/q2" "$JOURNAL" "$COUNT" >"$W/sub$run.out" 2>"$W/sub$run.err" &
    pid=$!
done
wait "$pid" || fail "the last persist_sub run exited with $? ($(taken) messages taken)"
cat "$W/sub$run.out"
wait "$FEED_PID" || fail "mosquitto_pub exited with $?"

all=$(taken)
unique=$(awk '$1 == "m" { print $3 }' "$JOURNAL" | sort -un | wc -l)
restored=$(sed -n 's/^persist_sub: restored \([0-9]*\) held.*/\1/p' "$W"/sub*.err | awk '{ s += $1 } END { print s + 0 }')
echo "persist_sub: $kills SIGKILLs, $restored held incoming ids restored; QoS 2: $COUNT sent, $unique received," \
    "$((COUNT - unique)) lost, $((all - unique)) duplicated at the application"
[ "$unique" -eq "$COUNT" ] || fail "QoS 2 messages lost: $((COUNT - unique))"
[ "$all" -eq "$COUNT" ] || fail "QoS 2 messages duplicated: $((all - unique))"
bad=$(awk -v n="$COUNT" '$1 == "m" && ($3 !~ /^[0-9]+$/ || $3 >= n)' "$JOURNAL" | head -n 3)
[ -z "$bad" ] || fail "unexpected messages: $bad"
echo "ok: 0 QoS 2 messages lost or duplicated across $kills SIGKILLs of the subscriber"
