#!/usr/bin/env bash
# make-pki.sh OUTDIR — generate a throwaway test PKI with openssl.
#
# Idempotent: does nothing when OUTDIR/.done exists and records the current
# PKI_VERSION (bump it whenever the set of files below changes, so stale
# directories from older checkouts get regenerated).
# Safe against concurrent runs: everything is generated in a private
# temporary directory next to OUTDIR and renamed into place at the end.
#
# Files (keys are PKCS#8 PEM unless noted):
#   ca.crt/key              test CA (ECDSA P-256)
#   other-ca.crt/key        a second, unrelated CA (ECDSA P-256)
#   server.crt/key          SAN DNS:localhost, IP:127.0.0.1, signed by ca
#   expired.crt/key         as server, but valid 2020-01-01..2020-01-02 only
#   wronghost.crt/key       SAN DNS:wrong.example only, signed by ca
#   unknownca.crt/key       as server, but signed by other-ca
#   cnonly.crt/key          CN=localhost, no subjectAltName (v3), signed by ca
#   v1.crt/key              CN=localhost, X.509 v1 (`x509 -req` without -extfile), signed by ca
#   client-encrypted.key    client.key encrypted with AES-256 (passphrase "secret")
#   client.crt/key          ECDSA P-256, CN=mqtt-rs-client, signed by ca
#   client-rsa.crt/key      RSA 2048, CN=mqtt-rs-client-rsa, signed by ca
#   client-ed25519.crt/key  Ed25519, CN=mqtt-rs-client-ed25519, signed by ca
#   client-otherca.crt/key  ECDSA P-256, CN=mqtt-rs-client-otherca, signed by other-ca
#   rsa-ca.crt/key          a CA with an RSA 4096 key
#   server-rsa.crt/key      RSA 2048, as server, signed by rsa-ca (an all-RSA chain)
#   rsa2048-ca.crt/key      a CA with an RSA 2048 key (the chain most cloud brokers present)
#   server-rsa2048.crt/key  RSA 2048, as server, signed by rsa2048-ca
#   server-p384.crt/key     ECDSA P-384, as server, signed by ca
#   server-ed25519.crt/key  Ed25519, as server, signed by ca
#   ca.der, client.der      DER copies of ca.crt and client.crt
#   client.key.der          client.key as PKCS#8 DER
#   ca-bundle.crt           ca.crt + other-ca.crt (a two-certificate PEM file)
#   *.p256 / *.csr / serial files are not kept.
set -euo pipefail

PKI_VERSION=4
DAYS=3650

if [[ $# -ne 1 || -z "$1" ]]; then
    echo "usage: $0 OUTDIR" >&2
    exit 2
fi
OUT=$1

if [[ -f "$OUT/.done" ]] && [[ "$(cat "$OUT/.done")" == "pki-version $PKI_VERSION" ]]; then
    exit 0
fi

command -v openssl >/dev/null || { echo "make-pki.sh: openssl not found" >&2; exit 1; }

parent=$(dirname -- "$OUT")
mkdir -p -- "$parent"
TMP=$(mktemp -d "$parent/.pki-tmp.XXXXXX")
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() { rm -rf -- "$TMP"; }
trap cleanup EXIT

cd "$TMP"
umask 077

ossl() {
    # Keep openssl quiet unless it fails.
    local log
    if ! log=$(openssl "$@" 2>&1); then
        echo "make-pki.sh: openssl $* failed:" >&2
        echo "$log" >&2
        exit 1
    fi
}

# Extension sections used when signing.
cat >ext.cnf <<'EOF'
[ca_ext]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash

[server_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = DNS:localhost, IP:127.0.0.1

[wronghost_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = DNS:wrong.example

[cnonly_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid

[client_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF

# Minimal `openssl ca` configuration: only used for the back-dated
# certificate, because `openssl x509 -req` (OpenSSL 3.0) cannot set a start
# date in the past.
mkdir -p ca-db
: >ca-db/index.txt
echo 1000 >ca-db/serial
cat >ca.cnf <<'EOF'
[ca]
default_ca = test_ca

[test_ca]
dir = ./ca-db
database = $dir/index.txt
serial = $dir/serial
new_certs_dir = $dir
certificate = ./ca.crt
private_key = ./ca.key
default_md = sha256
policy = policy_any
unique_subject = no
copy_extensions = none
email_in_dn = no

[policy_any]
organizationName = optional
commonName = supplied

[server_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = DNS:localhost, IP:127.0.0.1
EOF

genkey() { # genkey NAME TYPE
    case $2 in
        p256) ossl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1.key" ;;
        p384) ossl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out "$1.key" ;;
        rsa) ossl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1.key" ;;
        rsa4096) ossl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:4096 -out "$1.key" ;;
        ed25519) ossl genpkey -algorithm ED25519 -out "$1.key" ;;
        *) echo "bad key type $2" >&2; exit 1 ;;
    esac
}

make_ca() { # make_ca NAME CN [KEYTYPE]
    genkey "$1" "${3:-p256}"
    ossl req -new -x509 -key "$1.key" -out "$1.crt" -days "$DAYS" -sha256 \
        -subj "/O=mqtt_rs test/CN=$2" \
        -extensions ca_ext -config ext.cnf
}

sign() { # sign NAME KEYTYPE CN ISSUER EXTSECTION
    genkey "$1" "$2"
    ossl req -new -key "$1.key" -out "$1.csr" -subj "/O=mqtt_rs test/CN=$3"
    ossl x509 -req -in "$1.csr" -out "$1.crt" -days "$DAYS" -sha256 \
        -CA "$4.crt" -CAkey "$4.key" -CAserial "$4.srl" -CAcreateserial \
        -extfile ext.cnf -extensions "$5"
}

make_ca ca "mqtt_rs test CA"
make_ca other-ca "mqtt_rs other test CA"
make_ca rsa-ca "mqtt_rs test RSA CA" rsa4096
make_ca rsa2048-ca "mqtt_rs test RSA-2048 CA" rsa

sign server         p256    localhost               ca       server_ext
sign wronghost      p256    wrong.example           ca       wronghost_ext
sign unknownca      p256    localhost               other-ca server_ext
sign cnonly         p256    localhost               ca       cnonly_ext
sign client         p256    mqtt-rs-client          ca       client_ext
sign client-rsa     rsa     mqtt-rs-client-rsa      ca       client_ext
sign client-ed25519 ed25519 mqtt-rs-client-ed25519  ca       client_ext
sign client-otherca p256    mqtt-rs-client-otherca  other-ca client_ext
sign server-rsa     rsa     localhost               rsa-ca   server_ext
sign server-rsa2048 rsa     localhost               rsa2048-ca server_ext
sign server-p384    p384    localhost               ca       server_ext
sign server-ed25519 ed25519 localhost               ca       server_ext

# Expired server certificate (valid for one day in January 2020).
genkey expired p256
ossl req -new -key expired.key -out expired.csr -subj "/O=mqtt_rs test/CN=localhost"
ossl ca -batch -config ca.cnf -notext -md sha256 \
    -startdate 20200101000000Z -enddate 20200102000000Z \
    -extensions server_ext -in expired.csr -out expired.crt

# The way many MQTT TLS tutorials make a broker certificate: no extensions at
# all, which makes OpenSSL write an X.509 v1 certificate.
genkey v1 p256
ossl req -new -key v1.key -out v1.csr -subj "/O=mqtt_rs test/CN=localhost"
ossl x509 -req -in v1.csr -out v1.crt -days "$DAYS" -sha256 \
    -CA ca.crt -CAkey ca.key -CAserial ca.srl -CAcreateserial

# An encrypted client key (not supported: the error must say so).
ossl pkey -in client.key -aes256 -passout pass:secret -out client-encrypted.key

# DER copies for the DER-loading tests.
ossl x509 -in ca.crt -outform DER -out ca.der
ossl x509 -in client.crt -outform DER -out client.der
ossl pkcs8 -topk8 -nocrypt -in client.key -outform DER -out client.key.der
cat ca.crt other-ca.crt >ca-bundle.crt

# Sanity checks: the chains we expect to verify do verify.
ossl verify -CAfile rsa-ca.crt server-rsa.crt
ossl verify -CAfile rsa2048-ca.crt server-rsa2048.crt
for c in server wronghost cnonly v1 client client-rsa client-ed25519 server-p384 server-ed25519; do
    ossl verify -CAfile ca.crt "$c.crt"
done
for c in unknownca client-otherca; do
    ossl verify -CAfile other-ca.crt "$c.crt"
done

rm -rf ca-db ca.cnf ext.cnf ./*.csr ./*.srl
# Readable by the unprivileged user a root-started mosquitto may switch to.
chmod 755 .
chmod 644 ./*
echo "pki-version $PKI_VERSION" >.done
chmod 644 .done

cd /
# Publish atomically. A rename onto an existing non-empty directory fails, so
# an older/partial OUTDIR is moved aside first; if another process won the
# race and finished OUTDIR meanwhile, keep theirs.
for _ in 1 2 3; do
    if mv -T -- "$TMP" "$OUT" 2>/dev/null; then
        trap - EXIT
        exit 0
    fi
    if [[ -f "$OUT/.done" ]] && [[ "$(cat "$OUT/.done")" == "pki-version $PKI_VERSION" ]]; then
        exit 0
    fi
    old=$(mktemp -d "$parent/.pki-old.XXXXXX")
    mv -T -- "$OUT" "$old/x" 2>/dev/null || true
    rm -rf -- "$old"
done
echo "make-pki.sh: could not move the new PKI into $OUT" >&2
exit 1
