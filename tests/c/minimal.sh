#!/bin/sh
# minimal.sh BINARY HOST PORT: runs c-examples/minimal.c's program against a
# broker and checks it printed exactly the expected tour output and exited 0
# (its message came back). Used by ctest (c_minimal) and tests/consumer.sh.
# MQTT_RS_TEST_LAUNCHER (optional, e.g. valgrind and options) runs the binary.
set -eu
BIN=$1
HOST=$2
PORT=$3
TOPIC="mqtt_rs/minimal/$$"

# shellcheck disable=SC2086 # the launcher is a command with its options
out=$(${MQTT_RS_TEST_LAUNCHER:-} "$BIN" "$HOST" "$PORT" "$TOPIC") || {
    echo "FAIL: $BIN exited with $?; output:" >&2
    printf '%s\n' "$out" >&2
    exit 1
}
expected="connected to $HOST:$PORT
subscribed to $TOPIC
publishing 18 bytes
received on $TOPIC: hello from mqtt_rs
disconnected"
if [ "$out" != "$expected" ]; then
    echo "FAIL: unexpected output of $BIN" >&2
    printf -- '--- expected\n%s\n--- got\n%s\n' "$expected" "$out" >&2
    exit 1
fi
echo "ok: minimal connected, subscribed, published and got its message back ($BIN)"
