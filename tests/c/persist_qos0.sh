#!/bin/sh
# persist_qos0.sh PERSIST_PUB [COUNT]: c-examples/persist/persist_pub --qos0 COUNT, with no
# broker reachable, keeps COUNT QoS 0 messages in its offline queue and (persist_qos0) in
# its file store, one file per message; it is killed with SIGKILL before it ever connects
# and restarted from its store against the broker. A subscriber counts what arrives:
# every message once and in order (0 lost, 0 duplicated), and the store ends empty.
. "$(dirname "$0")/lib.sh"
PERSIST_PUB=$1
COUNT=${2:-200}
STORE="$W/store"

start_counting_sub 0

qos0_records() {
    ls "$STORE" | grep -c '^q0-.*\.rec$' || true
}

# Offline: a port nothing listens on.
DEAD_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
$PERSIST_PUB "$HOST" "$DEAD_PORT" "$TOPIC" "$STORE" 0 --qos0 "$COUNT" >"$W/pub1.out" 2>"$W/pub1.err" &
pid=$!
await_line "$pid" "$W/pub1.err" "QoS 0 messages kept offline" 30 "persist_pub (offline)"
kill -9 "$pid"
wait "$pid" 2>/dev/null || true
stored=$(qos0_records)
echo "killed while offline with $stored QoS 0 records in the store"
[ "$stored" -eq "$COUNT" ] || fail "$stored QoS 0 records stored, expected $COUNT"

$PERSIST_PUB "$HOST" "$PORT_PLAIN" "$TOPIC" "$STORE" 0 --qos0 "$COUNT" >"$W/pub2.out" 2>"$W/pub2.err" ||
    fail "the restarted run exited with $?"
cat "$W/pub2.out"

stop_counting_sub "$COUNT"

received=$(grep -c "^$TOPIC/q0 " "$W/sub.out" || true)
unique=$(grep "^$TOPIC/q0 " "$W/sub.out" | sort -u | wc -l)
# In order: the payloads are 0, 1, 2, ... as published.
in_order=$(awk -v t="$TOPIC/q0" '$1 == t { if ($2 != n) bad = 1; n++ } END { print bad ? "no" : "yes" }' "$W/sub.out")
restored=$(sed -n 's/.* and \([0-9]*\) QoS 0 messages, continuing.*/\1/p' "$W/pub2.err")
left=$(qos0_records)
echo "persist_qos0: $COUNT QoS 0 kept offline, 1 SIGKILL, ${restored:-?} restored from the store and sent;" \
    "$received received, $((COUNT - unique)) lost, $((received - unique)) duplicated, in order: $in_order; $left records left in the store"
[ "$unique" -eq "$COUNT" ] || fail "QoS 0 messages lost: $((COUNT - unique))"
[ "$received" -eq "$COUNT" ] || fail "QoS 0 messages duplicated: $((received - unique))"
[ "$in_order" = yes ] || fail "QoS 0 messages out of order"
[ "$restored" = "$COUNT" ] || fail "restored ${restored:-?} QoS 0 records, expected $COUNT"
[ "$left" -eq 0 ] || fail "$left QoS 0 records left in the store"
echo "ok: $COUNT QoS 0 messages kept offline across a SIGKILL: 0 lost, 0 duplicated, in order"
