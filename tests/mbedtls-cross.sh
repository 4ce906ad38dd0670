#!/usr/bin/env bash
# mbedtls-cross.sh OUTDIR CC CFLAGS... — builds Mbed TLS 2.28's crypto library as the PSA
# Crypto implementation of a firmware: OUTDIR/libmbedcrypto.a and OUTDIR/include.
#
# The sources: Mbed TLS 2.28 as vendored by the crates.io package mbedtls-sys-auto
# (MBEDTLS_SYS_VERSION below; Mbed TLS 2.28.10 with the package's small vendor patches),
# fetched by cargo into its registry cache (Debian's source package would need deb-src
# entries this machine's apt has not). Configuration:
# c-examples/baremetal/psa/mbedtls_config.h (only what mqtt_rs's PSA provider uses).
# Every library source is compiled with CC and CFLAGS (-Os, one section per function:
# the firmware's --gc-sections keeps what is called); what the configuration leaves out
# compiles to nothing.
set -euo pipefail
OUT=${1:?usage: mbedtls-cross.sh OUTDIR CC CFLAGS...}
CC=${2:?usage: mbedtls-cross.sh OUTDIR CC CFLAGS...}
shift 2
ROOT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
MBEDTLS_SYS_VERSION=2.28.15
CONFIG=$ROOT/c-examples/baremetal/psa/mbedtls_config.h

mkdir -p "$OUT/fetch/src" "$OUT/obj"
OUT=$(cd "$OUT" && pwd)
# A throw-away manifest whose only dependency is the source package; `cargo fetch`
# downloads it (checksum-verified) without building it.
cat >"$OUT/fetch/Cargo.toml" <<TOML
[package]
name = "mqtt-rs-fetch-mbedtls"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
mbedtls-sys-auto = { version = "=$MBEDTLS_SYS_VERSION", default-features = false }

[workspace]
TOML
: >"$OUT/fetch/src/lib.rs"
cargo fetch --quiet --manifest-path "$OUT/fetch/Cargo.toml"
SRC=$(cargo metadata --format-version 1 --manifest-path "$OUT/fetch/Cargo.toml" |
    python3 -c 'import json, sys; print(next(p["manifest_path"] for p in json.load(sys.stdin)["packages"] if p["name"] == "mbedtls-sys-auto"))')
SRC=$(dirname "$SRC")/vendor
[[ -f $SRC/include/mbedtls/version.h ]] || { echo "mbedtls-cross.sh: no Mbed TLS sources in $SRC" >&2; exit 1; }

rm -rf "$OUT/include" "$OUT/obj"/*.o "$OUT/libmbedcrypto.a"
cp -R "$SRC/include" "$OUT/include"
cp "$CONFIG" "$OUT/include/mqtt_rs_mbedtls_config.h"
objs=()
for c in "$SRC"/library/*.c; do
    name=$(basename "$c" .c)
    # TLS, X.509 and the network and timing glue are not the crypto library.
    case $name in ssl_* | x509* | net_sockets | debug | certs | pkcs11 | timing | mps_*) continue ;; esac
    "$CC" "$@" -Os -ffunction-sections -fdata-sections -std=c99 \
        -I"$OUT/include" -I"$SRC/library" '-DMBEDTLS_CONFIG_FILE="mqtt_rs_mbedtls_config.h"' \
        -c -o "$OUT/obj/$name.o" "$c"
    objs+=("$OUT/obj/$name.o")
done
"${CC%gcc}ar" rcs "$OUT/libmbedcrypto.a" "${objs[@]}"
grep -m1 'MBEDTLS_VERSION_STRING ' "$SRC/include/mbedtls/version.h" | awk '{print "Mbed TLS", $3}' | tr -d '"'
echo "$OUT/libmbedcrypto.a"
