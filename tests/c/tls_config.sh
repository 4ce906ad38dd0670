#!/bin/sh
# tls_config.sh: TLS settings the library (or the example) refuses before
# any handshake, each with its own message; and the inputs it must accept
# (DER files, a CA bundle).
. "$(dirname "$0")/lib.sh"
need_pki
printf 'not a certificate\n' >"$W/garbage.pem"

# expect_refused NAME "EXPECTED FIRST LINE" ARGS...: mqtt_pub ARGS fails with status 1
# and prints EXPECTED FIRST LINE first on stderr.
expect_refused() {
    name=$1
    expected=$2
    shift 2
    if "$MQTT_PUB" -h "$HOST" -p "$PORT_TLS" -t "$TOPIC" -m x "$@" >"$W/$name.out" 2>"$W/$name.err"; then
        fail "$name: mqtt_pub succeeded"
    else
        status=$?
    fi
    [ "$status" -eq 1 ] || fail "$name: expected exit status 1, got $status"
    line=$(head -n 1 "$W/$name.err")
    [ "$line" = "$expected" ] || fail "$name: expected \"$expected\", got \"$line\""
    echo "ok: $name -> \"$line\""
}

CA="--cafile $PKI/ca.crt"
# shellcheck disable=SC2086 # $CA is split on purpose (no spaces in the parts)
{
expect_refused ca_missing "mqtt_pub: --cafile $W/nothing.crt: No such file or directory" --cafile "$W/nothing.crt"
expect_refused ca_garbage "mqtt_pub: tls: the CA certificate cannot be parsed (PEM or DER expected)" --cafile "$W/garbage.pem"
expect_refused ca_is_a_key "mqtt_pub: tls: the CA certificate cannot be parsed (PEM or DER expected)" --cafile "$PKI/client.key"
expect_refused cert_garbage "mqtt_pub: tls: the client certificate cannot be parsed (PEM or DER expected)" \
    $CA --cert "$W/garbage.pem" --key "$PKI/client.key"
expect_refused key_garbage "mqtt_pub: tls: the client key is unusable: encrypted, of an unsupported type, or not matching the certificate" \
    $CA --cert "$PKI/client.crt" --key "$W/garbage.pem"
expect_refused key_mismatch "mqtt_pub: tls: the client key is unusable: encrypted, of an unsupported type, or not matching the certificate" \
    $CA --cert "$PKI/client.crt" --key "$PKI/client-rsa.key"
expect_refused alpn_empty "mqtt_pub: tls: an ALPN protocol name is empty or longer than 255 bytes" $CA --tls-alpn ""
expect_refused server_name_invalid "mqtt_pub: tls: the TLS server name is neither a host name nor an IP address" $CA --tls-server-name "not a name!"
# Usage errors of the example itself.
expect_refused cert_without_key "mqtt_pub: --cert and --key go together" $CA --cert "$PKI/client.crt"
# Any TLS option turns TLS on, and then the CA is missing.
expect_refused tls_without_ca "mqtt_pub: tls: TLS needs a trusted CA certificate and none was configured" --tls-version tlsv1.3
expect_refused bad_version "mqtt_pub: --tls-version: tlsv1.2 or tlsv1.3, not tlsv1.1" $CA --tls-version tlsv1.1
}

# mqtt_sub shares the code; one case is enough to see it wired up.
if "$MQTT_SUB" -h "$HOST" -p "$PORT_TLS" --cafile "$W/garbage.pem" -t "$TOPIC" -W 1 >"$W/sub.out" 2>"$W/sub.err"; then
    fail "mqtt_sub with a garbage CA file succeeded"
fi
[ "$(head -n 1 "$W/sub.err")" = "mqtt_sub: tls: the CA certificate cannot be parsed (PEM or DER expected)" ] ||
    fail "mqtt_sub: unexpected message: $(head -n 1 "$W/sub.err")"
echo "ok: mqtt_sub refuses a garbage CA file"

# Accepted inputs: DER CA, DER client certificate and PKCS#8 DER key; a PEM
# bundle of two CAs (trusts both the test CA and the other CA's listener).
pub -p "$PORT_MTLS" --cafile "$PKI/ca.der" --cert "$PKI/client.der" --key "$PKI/client.key.der" -t "$TOPIC" -m der -q 1
echo "ok: DER CA, certificate and key"
pub -p "$PORT_TLS" --cafile "$PKI/ca-bundle.crt" -t "$TOPIC" -m bundle -q 1
pub -p "$PORT_UNKNOWNCA" --cafile "$PKI/ca-bundle.crt" -t "$TOPIC" -m bundle -q 1
echo "ok: a CA bundle trusts every CA in it"
