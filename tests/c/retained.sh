#!/bin/sh
# retained.sh: a retained message reaches a subscriber that arrives later;
# clearing it (-r -n) leaves nothing for the next one.
. "$(dirname "$0")/lib.sh"

pub -t "$TOPIC" -q 1 -r -m "last known value"
start_sub late -p "$PORT_PLAIN" -t "$TOPIC" -q 1 -C 1 -W 10 -v
wait_sub
[ "$SUB_STATUS" -eq 0 ] || fail "late subscriber exited with $SUB_STATUS"
expect_lines "$W/late.out" "$TOPIC last known value"

# A zero-length retained message clears it.
pub -t "$TOPIC" -q 1 -r -n
start_sub after_clear -p "$PORT_PLAIN" -t "$TOPIC" -C 1 -W 1
wait_sub
[ "$SUB_STATUS" -eq 27 ] || fail "expected the timeout status 27 after clearing, got $SUB_STATUS"
[ ! -s "$W/after_clear.out" ] || fail "retained message still delivered after clearing"
echo "ok: retained message for a late subscriber, cleared by an empty retained message"
