#!/usr/bin/env bash
# bench/tls_diet.sh WORKDIR RESULTS COMMANDS — the TLS library's size per crypto provider and
# per diet (cargo features tls-no-rsa, tls-no-p384, tls-no-sha384; TLS 1.3 only, the build
# without the default feature tls12; and all four together),
# on Cortex-M4F (opt-level "s" and "z") and x86_64. Called by run.sh in full runs (section 6);
# runs on its own too (MQTT_RS_BENCH_DIET_ROWS="m4-s-rustcrypto ..." limits the rows,
# MQTT_RS_BENCH_DIETS="full no-rsa ..." the diets).
#
# Each build is the static library as CMake ships it (`cargo rustc --release --lib
# --crate-type staticlib`, LTO), linked with gcc -Os and --gc-sections into the minimal TLS
# client of the footprint section: bench/c/min_mqtt_rs_tls_fw.c with the TLS platform hooks of
# c-examples/baremetal/ on Cortex-M4F, bench/c/min_mqtt_rs_tls.c with the POSIX port on x86_64.
# The library's share comes from the link map. Nothing is run: sizes only.
#
# The PSA rows link the PSA Crypto implementation after the library: Debian's static
# libmbedcrypto on x86_64, on Cortex-M4F Mbed TLS cross-built with the firmware's PSA
# configuration (tests/mbedtls-cross.sh, c-examples/baremetal/psa/); its own share is
# reported beside the library's.
# Result lines: section tls_diet, one per (row, diet).
set -uo pipefail
W=$1 RES=$2 CMDS=$3
# shellcheck source=bench/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh" diet
D=$W/diet
mkdir -p "$D"

# LABEL|FEATURES|CARGO FLAGS (TLS 1.3 only is the build without the default feature tls12)
DIETS=(
    "full||"
    "no-rsa|tls-no-rsa|"
    "no-p384|tls-no-p384|"
    "no-sha384|tls-no-sha384|"
    "tls13-only||--no-default-features"
    "all-four|tls-no-rsa,tls-no-p384,tls-no-sha384|--no-default-features"
)
# NAME TRIPLE OPT PROVIDER
ROWS=(
    "m4-s-rustcrypto thumbv7em-none-eabihf s rustcrypto"
    "m4-z-rustcrypto thumbv7em-none-eabihf z rustcrypto"
    "m4-s-psa thumbv7em-none-eabihf s psa"
    "m4-z-psa thumbv7em-none-eabihf z psa"
    "x86-ring x86_64-unknown-linux-gnu s ring"
    "x86-rustcrypto x86_64-unknown-linux-gnu s rustcrypto"
    "x86-psa x86_64-unknown-linux-gnu s psa"
)
if [[ -n ${MQTT_RS_BENCH_DIETS:-} ]]; then
    keep=()
    for diet in "${DIETS[@]}"; do
        [[ " $MQTT_RS_BENCH_DIETS " == *" ${diet%%|*} "* ]] && keep+=("$diet")
    done
    DIETS=("${keep[@]}")
fi
if [[ -n ${MQTT_RS_BENCH_DIET_ROWS:-} ]]; then
    keep=()
    for row in "${ROWS[@]}"; do
        [[ " $MQTT_RS_BENCH_DIET_ROWS " == *" ${row%% *} "* ]] && keep+=("$row")
    done
    ROWS=("${keep[@]}")
fi

FW=c-examples/baremetal
ARM_FLAGS=(-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16 -Os -ffunction-sections -fdata-sections -std=c99 -Wall
    -Iinclude -I"$FW" -DBOARD_MPS2_AN386 --specs=nano.specs --specs=nosys.specs -nostartfiles -L"$FW" -T"$FW/mps2-an386.ld")
ARM_SRCS=(bench/c/min_mqtt_rs_tls_fw.c "$FW/startup.c" "$FW/semihosting.c" "$FW/systick.c" "$FW/cmsdk_uart.c" "$FW/uart_net.c"
    "$FW/tls_platform.c")
X86_FLAGS=(-Os -ffunction-sections -fdata-sections -std=c99 -Wall -Iinclude -Ic-examples/port)
X86_SRCS=(bench/c/min_mqtt_rs_tls.c c-examples/port/posix_net.c c-examples/port/posix_tls_platform.c)

HOST=$(rustc -vV | sed -n 's/^host: //p')
# The Cortex-M4F PSA implementation, built once when a PSA row needs it.
M4_MBEDTLS=
m4_mbedtls() {
    [[ -n $M4_MBEDTLS ]] && return 0
    run bash tests/mbedtls-cross.sh "$D/mbedtls-m4" arm-none-eabi-gcc "${ARM_FLAGS[@]:0:4}" >"$D/mbedtls-m4.log" 2>&1 &&
        M4_MBEDTLS=$D/mbedtls-m4/libmbedcrypto.a
}
for row in "${ROWS[@]}"; do
    read -r name triple opt provider <<<"$row"
    for diet in "${DIETS[@]}"; do
        IFS='|' read -r label extra flags <<<"$diet"
        features="tls,crypto-$provider${extra:+,$extra}"
        tag="$name-${label// /-}"
        log "$tag: $triple opt-level $opt, features $features $flags"
        # One cargo target directory: the dependencies are built once per target and
        # opt-level, each diet rebuilds only this crate. The host target is built as run.sh
        # builds it (no --target).
        target=(--target "$triple") out=$D/cargo/$triple/release
        [[ $triple == "$HOST" ]] && target=() out=$D/cargo/release
        # shellcheck disable=SC2086 # flags: none or one word
        if ! CARGO_TARGET_DIR=$D/cargo CARGO_PROFILE_RELEASE_OPT_LEVEL=$opt run cargo rustc --release --quiet --lib \
                --crate-type staticlib "${target[@]}" $flags --features "$features" >"$D/$tag.log" 2>&1; then
            log "FAILED: build $tag (see $D/$tag.log)"
            FAILED=1
            continue
        fi
        lib=$D/$tag.a
        cp "$out/libmqtt_rs.a" "$lib"
        map=$D/$tag.map
        if [[ $triple == thumbv7em* ]]; then
            link=(arm-none-eabi-gcc "${ARM_FLAGS[@]}" -o "$D/$tag.elf" "${ARM_SRCS[@]}" "$lib")
            if [[ $provider == psa ]]; then
                m4_mbedtls || { log "FAILED: tests/mbedtls-cross.sh (see $D/mbedtls-m4.log)"; FAILED=1; continue; }
                link+=("$FW/psa/hardware_poll.c" "$M4_MBEDTLS")
            fi
        else
            link=(gcc "${X86_FLAGS[@]}" -o "$D/$tag.elf" "${X86_SRCS[@]}" "$lib")
            [[ $provider == psa ]] && link+=(-l:libmbedcrypto.a)
            link+=(-lm -lpthread)
        fi
        if ! run "${link[@]}" -Wl,--gc-sections -Wl,-Map="$map" >>"$D/$tag.log" 2>&1; then
            log "FAILED: link $tag (see $D/$tag.log)"
            FAILED=1
            continue
        fi
        share=$(python3 bench/tools.py mapshare "$map" "$tag.a" libmbedcrypto.a)
        crates=$(python3 bench/tools.py mapcrates "$map" "$tag.a")
        emit tls_diet "\"name\": \"$name\", \"triple\": \"$triple\", \"opt\": \"$opt\", \"provider\": \"$provider\", \"diet\": \"$label\", \"features\": \"$features\", \"flags\": \"$flags\"" \
            "{\"share\": $share, \"crates\": $crates}"
    done
done
exit $FAILED
