#!/bin/sh
# mqtt5_tools.sh REQUEST_RESPONSE: the C tools with MQTT 5.0 (-V 5, -D) against
# mosquitto's own clients both ways, session expiry and maximum packet size honoured
# by the broker, the -D refusals, the will options (3.1.1, and 5.0 with -D will
# properties and a will delay), and the request/response example (also answering
# mosquitto_pub's request). Needs a library built with MQTT_RS_MQTT5.
. "$(dirname "$0")/lib.sh"

RR=${1:?usage: mqtt5_tools.sh REQUEST_RESPONSE}
MOSQ_SUB_PID=

# start_mosquitto_sub NAME ARGS...: mosquitto_sub -V 5 -d in the background (output in
# $W/NAME.out); returns once its SUBACK arrived ("Subscribed (mid: ...").
start_mosquitto_sub() {
    name=$1
    shift
    # Line-buffered: its debug lines reach the file as they are printed.
    stdbuf -oL mosquitto_sub -V 5 -d -h "$HOST" -p "$PORT_PLAIN" "$@" >"$W/$name.out" 2>"$W/$name.err" &
    MOSQ_SUB_PID=$!
    await_line "$MOSQ_SUB_PID" "$W/$name.out" '^Subscribed (mid' 10 "mosquitto_sub (subscribing)"
}

# 1. mqtt_pub -V 5 -> mosquitto_sub -V 5: every property arrives as sent.
start_mosquitto_sub to_mosq -t "$TOPIC/to_mosq" -C 1 -W 10 -F 'MSG|%t|%p|%C|%D|%E|%F|%P|%R'
pub -V 5 -t "$TOPIC/to_mosq" -q 1 -m 'hello v5' \
    -D publish user-property unit celsius -D publish user-property site 'lab 2' \
    -D publish content-type text/plain -D publish correlation-data req-42 \
    -D publish response-topic "$TOPIC/reply" -D publish message-expiry-interval 3600 \
    -D publish payload-format-indicator 1
wait "$MOSQ_SUB_PID" || fail "mosquitto_sub exited with $?"
# The broker forwards the expiry interval minus the time the message waited: 3600 or 3599.
got=$(grep '^MSG|' "$W/to_mosq.out" | sed 's/|3599|1|/|3600|1|/')
[ "$got" = "MSG|$TOPIC/to_mosq|hello v5|text/plain|req-42|3600|1|unit:celsius site:lab 2|$TOPIC/reply" ] ||
    fail "mosquitto_sub printed '$got'"
echo "ok: mqtt_pub -V 5 -> mosquitto_sub -V 5: 2 user properties, content type, correlation data, response topic, expiry, format"

# 2. mosquitto_pub -V 5 -> mqtt_sub -V 5 -d: the properties printed, reason codes shown.
start_sub from_mosq -p "$PORT_PLAIN" -V 5 -t "$TOPIC/from_mosq" -q 1 -C 1 -W 10 -v \
    -D subscribe subscription-identifier 7
mosquitto_pub -V 5 -h "$HOST" -p "$PORT_PLAIN" -t "$TOPIC/from_mosq" -q 1 -m 'from mosquitto' \
    -D publish user-property k1 v1 -D publish user-property k2 v2 -D publish content-type application/json \
    -D publish correlation-data corr-7 -D publish message-expiry-interval 600 -D publish response-topic r/t ||
    fail "mosquitto_pub exited with $?"
wait_sub
[ "$SUB_STATUS" -eq 0 ] || fail "from_mosq: mqtt_sub exited with $SUB_STATUS"
expect_lines "$W/from_mosq.out" "$TOPIC/from_mosq from mosquitto"
for line in "mqtt_sub: connected: success (session present: 0) (reason code 0x00)" \
    "mqtt_sub: subscribed: $TOPIC/from_mosq (granted QoS 1, reason code 0x01)" \
    "mqtt_sub: received PUBLISH (q1, r0, '$TOPIC/from_mosq', 14 bytes)" \
    "mqtt_sub: content-type: application/json" "mqtt_sub: correlation-data: corr-7" \
    "mqtt_sub: response-topic: r/t" "mqtt_sub: subscription-identifier: 7" \
    "mqtt_sub: user-property: k1 v1" "mqtt_sub: user-property: k2 v2" \
    "mqtt_sub: disconnected: success (reason code 0x00)"; do
    grep -qxF -- "$line" "$W/from_mosq.err" || fail "mqtt_sub -d did not print '$line'"
done
grep -Eq '^mqtt_sub: message-expiry-interval: (600|599)$' "$W/from_mosq.err" ||
    fail "mqtt_sub -d did not print the message expiry"
echo "ok: mosquitto_pub -V 5 -> mqtt_sub -V 5 -d: 10 lines (reason codes, 7 properties) as expected"

# 3. Between the tools, 3.1.1 and 5.0 side by side: -V 311 and -V mqttv5 spellings,
#    and the 3.1.1 debug lines unchanged (no reason codes).
start_sub mixed -p "$PORT_PLAIN" -V mqttv311 -t "$TOPIC/mixed" -q 1 -C 2 -W 10
pub -V mqttv5 -t "$TOPIC/mixed" -q 1 -m five -D publish user-property a b
pub -V 311 -t "$TOPIC/mixed" -q 1 -m three
wait_sub
expect_lines "$W/mixed.out" five three
grep -qxF "mqtt_sub: subscribed: $TOPIC/mixed (granted QoS 1)" "$W/mixed.err" ||
    fail "the 3.1.1 subscribe line changed"
echo "ok: -V mqttv5 and -V 311 publishers to a -V mqttv311 subscriber"

# 4. Session expiry (-D connect session-expiry-interval) kept the session across a
#    disconnect: a QoS 1 message published meanwhile arrives on reconnect.
ID="mqtt5-tools-$$"
start_sub session1 -p "$PORT_PLAIN" -V 5 -c -i "$ID" -t "$TOPIC/session" -q 1 \
    -D connect session-expiry-interval 60 -D connect user-property device probe
kill -s INT "$SUB_PID"
wait_sub
pub -V 5 -t "$TOPIC/session" -q 1 -m queued
start_sub session2 -p "$PORT_PLAIN" -V 5 -c -i "$ID" -t "$TOPIC/session" -q 1 -C 1 -W 10 \
    -D connect session-expiry-interval 0
wait_sub
[ "$SUB_STATUS" -eq 0 ] || fail "session: mqtt_sub exited with $SUB_STATUS"
expect_lines "$W/session2.out" queued
grep -q "^mqtt_sub: connected: success (session present: 1)" "$W/session2.err" ||
    fail "session: not resumed"
# The second connection set the expiry to 0: its session ended with it.
start_sub session3 -p "$PORT_PLAIN" -V 5 -c -i "$ID" -t "$TOPIC/session" -q 1 -D connect session-expiry-interval 0
kill -s INT "$SUB_PID"
wait_sub
grep -q "^mqtt_sub: connected: success (session present: 0)" "$W/session3.err" ||
    fail "session: kept after session-expiry-interval 0"
echo "ok: -D connect session-expiry-interval 60: session resumed, queued message delivered; 0: session gone"

# 5. -D connect maximum-packet-size: the broker does not send a larger message.
start_sub maxsize -p "$PORT_PLAIN" -V 5 -t "$TOPIC/max" -q 1 -C 1 -W 10 \
    -D connect maximum-packet-size 128 -D connect receive-maximum 4
head -c 300 /dev/zero | tr '\0' x >"$W/big"
pub -V 5 -t "$TOPIC/max" -q 1 -f "$W/big"
pub -V 5 -t "$TOPIC/max" -q 1 -m small
wait_sub
[ "$SUB_STATUS" -eq 0 ] || fail "maxsize: mqtt_sub exited with $SUB_STATUS"
expect_lines "$W/maxsize.out" small
echo "ok: -D connect maximum-packet-size 128: the 300-byte message was withheld by the broker"

# 6. Refusals: each exits 1 before connecting and names what it refuses.
refusals=0
refuse() { # refuse TOOL EXPECTED-STDERR-LINE ARGS...
    tool=$1
    want=$2
    shift 2
    if "$tool" -h "$HOST" -p "$PORT_PLAIN" "$@" >"$W/refuse.out" 2>"$W/refuse.err"; then
        fail "$(basename "$tool") $* succeeded"
    else
        status=$?
    fi
    [ "$status" -eq 1 ] || fail "$(basename "$tool") $*: status $status, expected 1"
    line=$(head -n 1 "$W/refuse.err")
    [ "$line" = "$want" ] || fail "$(basename "$tool") $*: printed '$line', expected '$want'"
    refusals=$((refusals + 1))
}
refuse "$MQTT_PUB" "mqtt_pub: -V: mqttv5 (5) or mqttv311 (311), not 6" -V 6 -t t -m x
refuse "$MQTT_PUB" "mqtt_pub: -D: invalid command: publsh" -V 5 -t t -m x -D publsh content-type a
refuse "$MQTT_PUB" "mqtt_pub: -D publish: invalid property name: colour" -V 5 -t t -m x -D publish colour red
refuse "$MQTT_PUB" "mqtt_pub: -D: content-type is not allowed for connect" -V 5 -t t -m x -D connect content-type a
refuse "$MQTT_PUB" "mqtt_pub: -D: topic-alias for publish is not supported by this tool" -V 5 -t t -m x -D publish topic-alias 1
refuse "$MQTT_PUB" "mqtt_pub: -D publish message-expiry-interval: invalid value: soon" -V 5 -t t -m x -D publish message-expiry-interval soon
refuse "$MQTT_PUB" "mqtt_pub: -D publish user-property: not enough arguments (KEY VALUE)" -V 5 -t t -m x -D publish user-property k
refuse "$MQTT_PUB" "mqtt_pub: -D: properties need MQTT 5.0 (-V 5)" -t t -m x -D publish content-type a
refuse "$MQTT_SUB" "mqtt_sub: -D subscribe subscription-identifier: invalid value: 0" -V 5 -t t -D subscribe subscription-identifier 0
refuse "$MQTT_SUB" "mqtt_sub: -D connect receive-maximum: invalid value: 0" -V 5 -t t -D connect receive-maximum 0
refuse "$MQTT_SUB" "mqtt_sub: -D: invalid command: foo" -V 5 -t t -D foo user-property a b
echo "ok: $refusals -D/-V refusals, each naming what it refused"

# 6b. The will options. 3.1.1: mqtt_sub killed (no DISCONNECT) -> the broker publishes
#     its retained will at once; a later subscriber gets it as retained.
start_sub will311 -p "$PORT_PLAIN" -V 311 -t "$TOPIC/unused" --will-topic "$TOPIC/will311" \
    --will-payload 'gone 3.1.1' --will-qos 1 --will-retain
kill -s KILL "$SUB_PID"
wait "$SUB_PID" 2>/dev/null || true
i=0
until mosquitto_sub -h "$HOST" -p "$PORT_PLAIN" -t "$TOPIC/will311" -q 1 -C 1 -W 2 -F '%r|%q|%p' >"$W/will311.out" 2>/dev/null; do
    i=$((i + 1))
    [ "$i" -lt 5 ] || fail "3.1.1 will: no retained will on $TOPIC/will311"
done
[ "$(cat "$W/will311.out")" = "1|1|gone 3.1.1" ] || fail "3.1.1 will: mosquitto_sub printed '$(cat "$W/will311.out")'"
mosquitto_pub -h "$HOST" -p "$PORT_PLAIN" -t "$TOPIC/will311" -r -n || fail "clearing the retained will failed"
echo "ok: --will-topic/--will-payload/--will-qos/--will-retain (3.1.1): retained QoS 1 will after a kill"

#     5.0: -D will properties and a 2 s will delay with a 60 s session: nothing during
#     the first second after the kill, then the will with every property.
start_mosquitto_sub will5 -t "$TOPIC/will5" -q 1 -C 1 -W 15 -F 'MSG|%t|%p|%q|%C|%D|%E|%F|%P|%R'
start_sub will5_client -p "$PORT_PLAIN" -V 5 -i "will5-$$" -t "$TOPIC/unused" \
    --will-topic "$TOPIC/will5" --will-payload 'gone 5' --will-qos 1 \
    -D will will-delay-interval 2 -D will message-expiry-interval 600 -D will content-type text/plain \
    -D will response-topic "$TOPIC/ask" -D will correlation-data dev-7 -D will payload-format-indicator 1 \
    -D will user-property why power -D will user-property unit 7 -D connect session-expiry-interval 60
killed_at=$(date +%s%N)
kill -s KILL "$SUB_PID"
wait "$SUB_PID" 2>/dev/null || true
sleep 1
grep -q '^MSG|' "$W/will5.out" && fail "5.0 will: published before its 2 s delay"
wait "$MOSQ_SUB_PID" || fail "5.0 will: mosquitto_sub exited with $? (no will within 15 s)"
delay_ms=$((($(date +%s%N) - killed_at) / 1000000))
[ "$delay_ms" -ge 1900 ] || fail "5.0 will: arrived after $delay_ms ms, before its 2 s delay"
got=$(grep '^MSG|' "$W/will5.out" | sed 's/|59[0-9]|1|/|600|1|/')
[ "$got" = "MSG|$TOPIC/will5|gone 5|1|text/plain|dev-7|600|1|why:power unit:7|$TOPIC/ask" ] ||
    fail "5.0 will: mosquitto_sub printed '$got'"
refuse "$MQTT_SUB" "mqtt_sub: -D will: will properties need --will-topic" -V 5 -t t -D will will-delay-interval 5
refuse "$MQTT_SUB" "mqtt_sub: --will-payload, --will-qos and --will-retain need --will-topic" -t t --will-qos 1
refuse "$MQTT_PUB" "mqtt_pub: invalid will QoS (0, 1 or 2): 3" -t t -m x --will-topic w --will-qos 3
echo "ok: -D will (5.0): the will after $delay_ms ms (delay 2 s) with expiry, content type, correlation data, format, 2 user properties, response topic; 3 will refusals"

# 7. Request/response: the requester gets its correlation data back from the responder ...
"$RR" responder -h "$HOST" -p "$PORT_PLAIN" -t "$TOPIC/rr" -C 4 >"$W/responder.out" 2>"$W/responder.err" &
RESPONDER_PID=$!
await_line "$RESPONDER_PID" "$W/responder.out" '^responder: waiting' 10 "the responder"
"$RR" request -h "$HOST" -p "$PORT_PLAIN" -t "$TOPIC/rr" -m ping -n 3 >"$W/request.out" 2>"$W/request.err" ||
    fail "request_response request exited with $? ($(cat "$W/request.err"))"
tail -n 1 "$W/request.out" | grep -qxF "3 requests, 3 replies with their correlation data" ||
    fail "requester: $(cat "$W/request.out")"
[ "$(grep -c "^reply 'PING' (correlation data rr-[0-9]*:[123])$" "$W/request.out")" -eq 3 ] ||
    fail "requester: $(cat "$W/request.out")"
echo "ok: request_response: 3 requests, 3 replies with their correlation data"

# ... and answers mosquitto_pub's request: mosquitto_sub sees the echoed correlation data.
start_mosquitto_sub rr_reply -t "$TOPIC/rr-reply" -C 1 -W 10 -F 'MSG|%p|%D'
mosquitto_pub -V 5 -h "$HOST" -p "$PORT_PLAIN" -t "$TOPIC/rr" -q 1 -m hello \
    -D publish response-topic "$TOPIC/rr-reply" -D publish correlation-data mosq-1 ||
    fail "mosquitto_pub exited with $?"
wait "$MOSQ_SUB_PID" || fail "mosquitto_sub exited with $?"
wait "$RESPONDER_PID" || fail "the responder exited with $?"
[ "$(grep '^MSG|' "$W/rr_reply.out")" = "MSG|HELLO|mosq-1" ] ||
    fail "reply to mosquitto_pub: $(grep '^MSG|' "$W/rr_reply.out")"
echo "ok: request_response responder -> mosquitto_sub: reply HELLO with correlation data mosq-1"

# 8. mqtt_sub -V 5 -d against a scripted broker: the SUBACK's reason string and user
#    property, the broker's DISCONNECT with its reason string and server reference.
python3 "$(dirname "$0")/v5_ack_broker.py" >"$W/acks_broker.out" 2>"$W/acks_broker.err" &
BROKER_PID=$!
await_line "$BROKER_PID" "$W/acks_broker.out" '^[0-9]' 10 "the scripted broker"
# It exits with the error that ended the connection (use another server).
"$MQTT_SUB" -d -h 127.0.0.1 -p "$(head -n 1 "$W/acks_broker.out")" -V 5 -t a/b -q 1 >"$W/acks.out" 2>"$W/acks.err" || true
wait "$BROKER_PID" || fail "the scripted broker exited with $?"
for line in "mqtt_sub: received SUBACK (packet id 1): success (reason codes 0x01)" \
    "mqtt_sub: reason-string: granted with care" "mqtt_sub: user-property: trace t-9" \
    "mqtt_sub: disconnected: the broker asks the client to use another server (reason code 0x9c)" \
    "mqtt_sub: server-reference: b.example:1883" "mqtt_sub: reason-string: maintenance"; do
    grep -qxF -- "$line" "$W/acks.err" || fail "mqtt_sub -d did not print '$line'"
done
echo "ok: mqtt_sub -V 5 -d: the SUBACK's and the DISCONNECT's reason strings, user property, server reference"
