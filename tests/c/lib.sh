# Shared helpers for the C example tests; sourced by tests/c/*.sh.
#
# Environment (set by tests/c/CMakeLists.txt and tests/broker/ctest-broker.cmake):
#   MQTT_PUB, MQTT_SUB, NONBLOCKING  the example binaries
#   MQTT_RS_HOST, MQTT_RS_PORT_PLAIN, MQTT_RS_PORT_PASSWORD
#                                    the test broker (defaults: 127.0.0.1 and
#                                    MQTT_RS_PORT_BASE (18800) + 83 / + 84)
#   MQTT_RS_PORT_TLS ... _UNKNOWNCA  its TLS listeners (+93 ... +99, see
#                                    tests/broker/mosquitto.sh)
#   MQTT_RS_PKI                      its test PKI (ca.crt, client.crt, ...)
#   TEST_TMPDIR                      scratch directory for this test (emptied first)
#   MQTT_RS_TEST_LAUNCHER            optional command (e.g. valgrind and options) that
#                                    runs each example binary (tests/sanitizers.sh)
set -eu

: "${MQTT_PUB:?MQTT_PUB not set}"
: "${MQTT_SUB:?MQTT_SUB not set}"
: "${TEST_TMPDIR:?TEST_TMPDIR not set}"

HOST=${MQTT_RS_HOST:-127.0.0.1}
BASE=${MQTT_RS_PORT_BASE:-18800}
PORT_PLAIN=${MQTT_RS_PORT_PLAIN:-$((BASE + 83))}       # anonymous
PORT_PASSWORD=${MQTT_RS_PORT_PASSWORD:-$((BASE + 84))} # mqttuser / mqttpass
PORT_TLS=${MQTT_RS_PORT_TLS:-$((BASE + 93))}                   # TLS 1.2 and 1.3
PORT_TLS13=${MQTT_RS_PORT_TLS13:-$((BASE + 94))}               # TLS 1.3 only
PORT_MTLS=${MQTT_RS_PORT_MTLS:-$((BASE + 95))}                 # client certificate required
PORT_TLS_PASSWORD=${MQTT_RS_PORT_TLS_PASSWORD:-$((BASE + 96))} # TLS + mqttuser / mqttpass
PORT_EXPIRED=${MQTT_RS_PORT_EXPIRED:-$((BASE + 97))}           # expired server certificate
PORT_WRONGHOST=${MQTT_RS_PORT_WRONGHOST:-$((BASE + 98))}       # certificate for wrong.example
PORT_UNKNOWNCA=${MQTT_RS_PORT_UNKNOWNCA:-$((BASE + 99))}       # certificate from other-ca
PKI=${MQTT_RS_PKI:-}
# A topic tree of our own: parallel tests and earlier runs never interfere.
TOPIC="mqtt_rs/ctest/$(basename "$0" .sh)/$$"

rm -rf "$TEST_TMPDIR"
mkdir -p "$TEST_TMPDIR"
W=$TEST_TMPDIR

# Run the examples under MQTT_RS_TEST_LAUNCHER: small wrapper scripts take their place.
if [ -n "${MQTT_RS_TEST_LAUNCHER:-}" ]; then
    for var in MQTT_PUB MQTT_SUB NONBLOCKING; do
        eval "bin=\${$var:-}"
        [ -n "$bin" ] || continue
        mkdir -p "$W/launch"
        wrapper="$W/launch/$(basename "$bin")" # same name: messages name the tool
        printf '#!/bin/sh\nexec %s "%s" "$@"\n' "$MQTT_RS_TEST_LAUNCHER" "$bin" >"$wrapper"
        chmod +x "$wrapper"
        eval "$var=\$wrapper"
    done
fi

SUB_PID=
cleanup() {
    if [ -n "$SUB_PID" ]; then
        kill "$SUB_PID" 2>/dev/null || true
    fi
}
trap cleanup EXIT

fail() {
    echo "FAIL: $*" >&2
    for f in "$W"/*.err; do
        [ -s "$f" ] || continue
        echo "---- $f" >&2
        cat "$f" >&2
    done
    exit 1
}

# start_sub NAME ARGS...: runs mqtt_sub -d ARGS in the background with
# stdout in $W/NAME.out and stderr in $W/NAME.err, and returns once it has
# subscribed (it prints "mqtt_sub: subscribed: ..." with -d), so that what
# is published afterwards is sure to reach it.
start_sub() {
    name=$1
    shift
    "$MQTT_SUB" -d -h "$HOST" "$@" >"$W/$name.out" 2>"$W/$name.err" &
    SUB_PID=$!
    await_line "$SUB_PID" "$W/$name.err" '^mqtt_sub: subscribed:' 10 "mqtt_sub (subscribing)"
}

# await_line PID FILE PATTERN SECONDS WHAT: waits until FILE, written by the background
# process PID, has a line matching PATTERN; fails when PID ends first or SECONDS pass.
await_line() {
    i=0
    while ! grep -q "$3" "$2" 2>/dev/null; do
        if ! kill -0 "$1" 2>/dev/null; then
            # It may have printed the line and exited between the two checks: look once more.
            grep -q "$3" "$2" 2>/dev/null && break
            fail "$5 exited before it was ready"
        fi
        i=$((i + 1))
        [ "$i" -le $(($4 * 10)) ] || fail "$5 was not ready within $4 s"
        sleep 0.1
    done
}

# wait_file FILE WHAT: waits up to 10 s for FILE (written by a helper WHAT started).
wait_file() {
    i=0
    while [ ! -f "$1" ]; do
        i=$((i + 1))
        [ "$i" -le 100 ] || fail "$2 did not start"
        sleep 0.1
    done
}

# start_counting_sub QOS: mosquitto_sub on "$TOPIC/#" at QOS in the background (SUB_PID),
# each message a line "topic payload" in $W/sub.out; returns once it is running.
start_counting_sub() {
    mosquitto_sub -h "$HOST" -p "$PORT_PLAIN" -t "$TOPIC/#" -q "$1" -v -i "mqtt_rs-$(basename "$0" .sh)-sub-$$" \
        >"$W/sub.out" 2>"$W/sub.err" &
    SUB_PID=$!
    sleep 1
    kill -0 "$SUB_PID" 2>/dev/null || fail "mosquitto_sub did not start"
}

# stop_counting_sub N: waits (at most 20 s) until the subscriber of start_counting_sub has
# N distinct payloads, and a little more for late duplicates, then stops it.
stop_counting_sub() {
    i=0
    while [ "$(cut -d' ' -f2 "$W/sub.out" | sort -un | wc -l)" -lt "$1" ] && [ "$i" -lt 200 ]; do
        i=$((i + 1))
        sleep 0.1
    done
    sleep 0.5
    kill "$SUB_PID" 2>/dev/null || true
    wait "$SUB_PID" 2>/dev/null || true
    SUB_PID=
}

# wait_sub: waits for the background mqtt_sub, sets SUB_STATUS.
wait_sub() {
    if wait "$SUB_PID"; then SUB_STATUS=0; else SUB_STATUS=$?; fi
    SUB_PID=
}

# pub ARGS...: mqtt_pub against the plain listener unless -p is given later.
pub() {
    "$MQTT_PUB" -h "$HOST" -p "$PORT_PLAIN" "$@" 2>>"$W/pub.err" || fail "mqtt_pub $* exited with $?"
}

# expect_file FILE then the expected lines as arguments.
expect_lines() {
    file=$1
    shift
    : >"$W/expected"
    for line in "$@"; do
        printf '%s\n' "$line" >>"$W/expected"
    done
    if ! cmp -s "$W/expected" "$file"; then
        echo "---- expected" >&2
        cat "$W/expected" >&2
        echo "---- got ($file)" >&2
        cat "$file" >&2
        fail "output differs"
    fi
}

# tls_port NAME: the port of listener NAME (TLS, TLS13, MTLS, ...).
tls_port() {
    case $1 in
    TLS) echo "$PORT_TLS" ;;
    TLS13) echo "$PORT_TLS13" ;;
    MTLS) echo "$PORT_MTLS" ;;
    TLS_PASSWORD) echo "$PORT_TLS_PASSWORD" ;;
    EXPIRED) echo "$PORT_EXPIRED" ;;
    WRONGHOST) echo "$PORT_WRONGHOST" ;;
    UNKNOWNCA) echo "$PORT_UNKNOWNCA" ;;
    *) fail "unknown TLS listener $1" ;;
    esac
}

# need_pki: fails unless the broker's PKI (MQTT_RS_PKI) is there.
need_pki() {
    [ -n "$PKI" ] || fail "MQTT_RS_PKI not set"
    [ -f "$PKI/ca.crt" ] || fail "no $PKI/ca.crt (is the broker fixture running?)"
}

# expect_tls_failure PROGRAM NAME RESULT DETAIL_PATTERN ARGS...: runs
# PROGRAM -h $HOST ARGS, which must fail with a non-zero exit status, print
# exactly "<tool>: connect: RESULT" (the mqtt_rs_result_str text) as its
# first line on stderr, and a "<tool>: detail: ..." line matching the
# grep -i pattern DETAIL_PATTERN (the library's detailed reason).
expect_tls_failure() {
    prog=$1
    name=$2
    result=$3
    detail=$4
    shift 4
    tool=$(basename "$prog")
    if "$prog" -h "$HOST" "$@" >"$W/$name.out" 2>"$W/$name.err"; then
        fail "$name: $tool succeeded, expected \"$result\""
    else
        status=$?
    fi
    line=$(head -n 1 "$W/$name.err")
    [ "$line" = "$tool: connect: $result" ] ||
        fail "$name: expected \"$tool: connect: $result\", got \"$line\" (status $status)"
    grep "^$tool: detail: " "$W/$name.err" | grep -qi -- "$detail" ||
        fail "$name: no \"$tool: detail:\" line matching \"$detail\""
    echo "ok: $name -> status $status, \"$line\""
    sed -n "s/^/      /; /: detail: /p" "$W/$name.err"
}

# start_listener NAME [ARGS...] <<'PY' ... PY: runs the Python program on stdin in the
# background, after a preamble that gives it `s`, a socket listening on a free loopback
# port (published in $W/NAME.port), `w` ($W), `args` (ARGS), `connections(seconds)`
# (what `s` accepts until $W/NAME.stop exists or `seconds` pass) and `report(*counts)`
# (writes them to $W/NAME.counts). Returns once the port is published: the port in
# LISTENER_PORT, the process in LISTENER_PID.
start_listener() {
    listener=$1
    shift
    {
        cat <<'PY'
import os, socket, sys, time
w, name, args = sys.argv[1], sys.argv[2], sys.argv[3:]
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(8)
s.settimeout(0.1)
with open("%s/%s.tmp" % (w, name), "w") as f:
    f.write(str(s.getsockname()[1]))
os.rename("%s/%s.tmp" % (w, name), "%s/%s.port" % (w, name))


def connections(seconds):
    deadline = time.time() + seconds
    while not os.path.exists("%s/%s.stop" % (w, name)) and time.time() < deadline:
        try:
            c, _ = s.accept()
        except socket.timeout:
            continue
        yield c


def report(*counts):
    with open("%s/%s.counts" % (w, name), "w") as f:
        f.write(" ".join(str(int(n)) for n in counts) + "\n")

PY
        cat
    } >"$W/$listener.py"
    python3 "$W/$listener.py" "$W" "$listener" "$@" &
    LISTENER_PID=$!
    wait_file "$W/$listener.port" "the $listener listener"
    LISTENER_PORT=$(cat "$W/$listener.port")
}

# stop_listener NAME: tells the listener to stop and waits for it (fails if it failed).
stop_listener() {
    touch "$W/$1.stop"
    wait "$LISTENER_PID" || fail "the $1 listener failed"
}
