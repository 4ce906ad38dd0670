#!/bin/sh
# big_file.sh QOS [ARGS...]: a 1 MiB random file sent with mqtt_pub -f arrives
# byte-identical through mqtt_sub (which gets it in receive-buffer-sized
# chunks and prints them back to back, then one newline). ARGS go to both
# programs (e.g. -p TLS-PORT --cafile ca.crt for the same over TLS).
. "$(dirname "$0")/lib.sh"
QOS=${1:-1}
[ $# -eq 0 ] || shift
SIZE=1048576

head -c "$SIZE" /dev/urandom >"$W/big.bin"
start_sub sub -p "$PORT_PLAIN" -t "$TOPIC" -q "$QOS" -C 1 -W 30 "$@"
pub -t "$TOPIC" -q "$QOS" -f "$W/big.bin" "$@"
wait_sub
[ "$SUB_STATUS" -eq 0 ] || fail "mqtt_sub exited with $SUB_STATUS"
got=$(wc -c <"$W/sub.out" | tr -d ' ')
[ "$got" -eq $((SIZE + 1)) ] || fail "received $got bytes, expected $SIZE + newline"
head -c "$SIZE" "$W/sub.out" | cmp -s - "$W/big.bin" || fail "payload differs"
[ "$(tail -c 1 "$W/sub.out" | od -An -c | tr -d ' ')" = '\n' ] || fail "no newline after the payload"
echo "ok: 1 MiB payload at QoS $QOS arrived byte-identical${*:+ ($*)}"
