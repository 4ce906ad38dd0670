#!/bin/sh
# messages.sh: the tools' failures read as sentences a person can act on. A
# name that does not resolve and a port where nothing listens get different
# results; a TLS client on the plain port and a plain client on the TLS port
# are hinted at; an encrypted client key is named with how to decrypt it;
# no "tls: TLS:" doubled prefix and no Rust debug text anywhere.
#   messages.sh tls|plain   (plain: the library was built without TLS)
. "$(dirname "$0")/lib.sh"
BUILD=${1:-plain}

# expect NAME PATTERN ARGS...: mqtt_pub ARGS must fail, and its stderr must
# contain the fixed string PATTERN; prints what it said.
expect() {
    name=$1
    pattern=$2
    shift 2
    if "$MQTT_PUB" -t "$TOPIC" -m x "$@" >/dev/null 2>"$W/$name.err"; then
        fail "$name: mqtt_pub succeeded"
    fi
    grep -qF -- "$pattern" "$W/$name.err" || fail "$name: no \"$pattern\" in: $(cat "$W/$name.err")"
    if grep -qE 'TLS: TLS|tls: TLS|\{|\("|DnsName\(|Other\(' "$W/$name.err"; then
        fail "$name: doubled prefix or debug text in: $(cat "$W/$name.err")"
    fi
    echo "ok: $name"
    sed 's/^/      /' "$W/$name.err"
}

# A name with an empty label fails in the resolver itself: no DNS query leaves the host.
expect unresolvable "mqtt_pub: connect: host name did not resolve" -h no-such-host..invalid -p "$PORT_PLAIN"
# Port 1 (tcpmux) on loopback: nothing listens there.
expect refused "mqtt_pub: connect: connection refused: nothing listens on that host and port" -h 127.0.0.1 -p 1

if [ "$BUILD" = tls ]; then
    need_pki
    expect tls_on_plain_port "plain MQTT port" -h "$HOST" -p "$PORT_PLAIN" --cafile "$PKI/ca.crt"
    expect plain_on_tls_port "If this is a TLS port" -h "$HOST" -p "$PORT_TLS"
    expect encrypted_key "openssl pkey -in" -h "$HOST" -p "$PORT_MTLS" --cafile "$PKI/ca.crt" \
        --cert "$PKI/client.crt" --key "$PKI/client-encrypted.key"
    grep -q "^mqtt_pub: tls: the client key is unusable" "$W/encrypted_key.err" ||
        fail "encrypted_key: first line is not the plain result"
fi
