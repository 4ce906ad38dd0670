#!/bin/sh
# auth.sh: passwords over the plain password listener. Without TLS the tools
# refuse to send a password unless --plaintext-password is given: nothing
# reaches the network (a listener counts connections and bytes), and stderr
# says why and how to opt in. With the flag, mqttuser/mqttpass is accepted and
# a wrong password is refused with the CONNACK return code as exit status
# (mosquitto answers "not authorised", 5, for bad credentials under MQTT
# 3.1.1) and "mqtt_pub: connect: <reason>" on stderr.
. "$(dirname "$0")/lib.sh"

REFUSAL="password not sent over a connection without TLS: use TLS, or set allow_plaintext_credentials to send it in clear"

# A listener on a free port counting what reaches it, until told to stop.
start_listener counting <<'PY'
conns = nbytes = 0
for c in connections(60):
    conns += 1
    c.settimeout(1)
    try:
        while True:
            b = c.recv(4096)
            if not b:
                break
            nbytes += len(b)
    except socket.timeout:
        pass
    c.close()
report(conns, nbytes)
PY
LPORT=$LISTENER_PORT

check_plaintext_refused() { # check_plaintext_refused PROGRAM NAME ARGS...
    prog=$1
    name=$2
    shift 2
    if "$prog" -h "$HOST" -p "$LPORT" -u mqttuser -P mqttpass "$@" >"$W/$name.out" 2>"$W/$name.err"; then
        fail "$name: a password went out without TLS"
    fi
    tool=$(basename "$prog")
    line=$(head -n 1 "$W/$name.err")
    [ "$line" = "$tool: connect: $REFUSAL" ] || fail "$name: unexpected message: $line"
    grep -q -- "--plaintext-password" "$W/$name.err" || fail "$name: stderr does not say how to opt in"
    echo "ok: $name -> \"$line\""
}
check_plaintext_refused "$MQTT_PUB" pub_plaintext -t "$TOPIC" -m secret
check_plaintext_refused "$MQTT_SUB" sub_plaintext -t "$TOPIC" -W 5
stop_listener counting
[ "$(cat "$W/counting.counts")" = "0 0" ] ||
    fail "refused connects reached the network (connections bytes: $(cat "$W/counting.counts"))"
echo "ok: nothing reached the network (0 connections, 0 bytes)"

# A user name alone is not a secret: no opt-in needed.
"$MQTT_PUB" -h "$HOST" -p "$PORT_PLAIN" -u just-a-name -t "$TOPIC" -m ok 2>"$W/user_only.err" ||
    fail "a user name without a password was refused (status $?)"

"$MQTT_PUB" -h "$HOST" -p "$PORT_PASSWORD" -u mqttuser -P mqttpass --plaintext-password -t "$TOPIC" -m ok \
    2>"$W/good.err" || fail "correct password refused (status $?)"
echo "ok: --plaintext-password sends it; the broker accepts"

check_refused() { # check_refused PROGRAM NAME ARGS...
    prog=$1
    name=$2
    shift 2
    if "$prog" -h "$HOST" -p "$PORT_PASSWORD" "$@" >"$W/$name.out" 2>"$W/$name.err"; then
        status=0
    else
        status=$?
    fi
    [ "$status" -eq 4 ] || [ "$status" -eq 5 ] ||
        fail "$name: expected exit status 4 or 5 (CONNACK refused), got $status"
    tool=$(basename "$prog")
    line=$(head -n 1 "$W/$name.err")
    case $line in
    "$tool: connect: "?*) ;;
    *) fail "$name: unexpected message: $line" ;;
    esac
    echo "ok: $name -> status $status, \"$line\""
}

check_refused "$MQTT_PUB" pub_wrong_password -u mqttuser -P wrong --plaintext-password -t "$TOPIC" -m x
check_refused "$MQTT_PUB" pub_no_credentials -t "$TOPIC" -m x
check_refused "$MQTT_SUB" sub_wrong_password -u mqttuser -P wrong --plaintext-password -t "$TOPIC" -W 5
