#!/usr/bin/env bash
# qemu.sh — the library on microcontrollers: builds and firmware runs under QEMU.
#
#   bash tests/qemu.sh
#
# 1. installs what is missing: the Debian packages of tests/lib.sh (arm-none-eabi-gcc,
#    newlib, qemu-system-arm, riscv64-unknown-elf-gcc...) and the Rust targets below.
#    A target that cannot be installed fails the run; nothing is skipped.
# 2. builds through CMake with cmake/arm-none-eabi.cmake: Cortex-M4F (mps2-an386),
#    Cortex-M33 (mps2-an505), Cortex-M0+ (library only); the RV32IMAC archive with cargo;
#    the TLS build for Cortex-M4 (pure-Rust crypto provider) with the TLS firmware.
# 3. starts its own mosquitto (tests/broker/mosquitto.sh, a free port base of its own),
#    runs each firmware case (CASES below) under a time limit, and checks in the link
#    map that the firmware's memcpy/memset are newlib's, not the Rust archive's.
#
# The last line reads "N passed, N failed". Logs: build-qemu/logs/.
# Environment: MQTT_RS_QEMU_BUILD (build directory, default build-qemu),
# MQTT_RS_QEMU_TIMEOUT (seconds per firmware run, default 60).
set -uo pipefail

ROOT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 1
# shellcheck source=tests/lib.sh
source "$ROOT/tests/lib.sh"

BUILD=${MQTT_RS_QEMU_BUILD:-$ROOT/build-qemu}
TIMEOUT=${MQTT_RS_QEMU_TIMEOUT:-60}
LOGS=$BUILD/logs
RUST_TARGETS=(thumbv7em-none-eabihf thumbv8m.main-none-eabihf thumbv6m-none-eabi riscv32imac-unknown-none-elf)

PASSED=0
FAILED=0
pass() { echo "PASS $*"; PASSED=$((PASSED + 1)); }
fail() { echo "FAIL $*"; FAILED=$((FAILED + 1)); }
finish() {
    [[ -n ${BROKER_DIR:-} ]] && bash tests/broker/mosquitto.sh stop "$BROKER_DIR" >/dev/null 2>&1
    echo "$PASSED passed, $FAILED failed"
    ((FAILED == 0)) && exit 0
    exit 1
}

# --- what is needed ---------------------------------------------------------
mqtt_rs_install_deps || { fail "install Debian packages"; finish; }
mqtt_rs_find_cargo || { fail "cargo"; finish; }
if ! command -v rustup >/dev/null; then
    fail "rustup not found: cannot install the Rust targets ${RUST_TARGETS[*]}"
    finish
fi
if ! rustup target add "${RUST_TARGETS[@]}"; then
    fail "rustup target add ${RUST_TARGETS[*]}"
    finish
fi
mkdir -p "$LOGS"

# --- builds -------------------------------------------------------------------
# cmake_build NAME CPU: the library (plain) and, where QEMU has a board for the
# core, the firmware examples, in $BUILD/NAME.
cmake_build() {
    local name=$1 cpu=$2 log=$LOGS/build-$1.log
    if cmake -S . -B "$BUILD/$name" --toolchain cmake/arm-none-eabi.cmake -DMQTT_RS_ARM_CPU="$cpu" \
            -DCMAKE_BUILD_TYPE=MinSizeRel -DMQTT_RS_TLS=OFF -DMQTT_RS_WARNINGS_AS_ERRORS=ON >"$log" 2>&1 &&
        cmake --build "$BUILD/$name" -j2 >>"$log" 2>&1; then
        pass "build $name ($cpu, Rust target $(sed -n 's/^MQTT_RS_CARGO_TARGET:STRING=//p' "$BUILD/$name/CMakeCache.txt"))"
        return 0
    fi
    tail -30 "$log"
    fail "build $name ($cpu): see $log"
    return 1
}
cmake_build m4 cortex-m4 && M4_OK=1
cmake_build m33 cortex-m33 && M33_OK=1
cmake_build m0plus cortex-m0plus
# The TLS firmware (Cortex-M4): the library with TLS (the pure-Rust provider, chosen by
# target) and the test CA compiled in; the broker started below uses the same PKI.
BROKER_DIR=$BUILD/broker
if bash tests/broker/make-pki.sh "$BROKER_DIR/pki" >"$LOGS/pki.log" 2>&1 &&
    cmake -S . -B "$BUILD/m4-tls" --toolchain cmake/arm-none-eabi.cmake -DMQTT_RS_ARM_CPU=cortex-m4 \
        -DCMAKE_BUILD_TYPE=MinSizeRel -DMQTT_RS_TLS=ON -DMQTT_RS_FW_CA_PEM="$BROKER_DIR/pki/ca.crt" \
        -DMQTT_RS_WARNINGS_AS_ERRORS=ON >"$LOGS/build-m4-tls.log" 2>&1 &&
    cmake --build "$BUILD/m4-tls" -j2 >>"$LOGS/build-m4-tls.log" 2>&1; then
    pass "build m4-tls (cortex-m4, TLS)"
else
    tail -30 "$LOGS/pki.log" "$LOGS/build-m4-tls.log"
    fail "build m4-tls (cortex-m4, TLS): see $LOGS/build-m4-tls.log"
fi
# No QEMU run for RV32 here: the archive must build (Debian's riscv64-unknown-elf-gcc
# compiles the header for it in tests/abi_targets.rs).
if cargo rustc --release --lib --crate-type staticlib --target riscv32imac-unknown-none-elf \
        --target-dir "$BUILD/riscv32/cargo" >"$LOGS/build-riscv32.log" 2>&1; then
    pass "build riscv32imac-unknown-none-elf (cargo)"
else
    tail -30 "$LOGS/build-riscv32.log"
    fail "build riscv32imac-unknown-none-elf: see $LOGS/build-riscv32.log"
fi

# --- the firmware's C library wins ------------------------------------------------
for name in m4 m33; do
    map=$BUILD/$name/c-examples/baremetal/mqtt_rs_selftest.map
    if [[ -f $map ]] && python3 tests/baremetal/libc_symbols.py "$map" >"$LOGS/libc-$name.log" 2>&1; then
        pass "libc symbols $name: $(tr '\n' ';' <"$LOGS/libc-$name.log")"
    else
        cat "$LOGS/libc-$name.log" 2>/dev/null
        fail "libc symbols $name: memcpy/memset must come from newlib ($map)"
    fi
done

# --- broker -----------------------------------------------------------------------
# A port base of our own, away from run-all.sh's shared broker (18800, 19800...).
for base in 24800 25800 26800 27800; do
    if ! mqtt_rs_port_open $((base + 83)) && ! mqtt_rs_port_open $((base + 93)); then
        export MQTT_RS_PORT_BASE=$base
        break
    fi
done
if [[ -z ${MQTT_RS_PORT_BASE:-} ]] || ! bash tests/broker/mosquitto.sh start "$BROKER_DIR" >"$LOGS/broker.log" 2>&1; then
    cat "$LOGS/broker.log"
    fail "start mosquitto"
    finish
fi
eval "$(bash tests/broker/mosquitto.sh ports)" # MQTT_RS_PORT_PLAIN=..., MQTT_RS_PORT_TLS=..., ...
FREE_PORT=$((MQTT_RS_PORT_BASE + 50))          # nothing listens there

# --- firmware cases -----------------------------------------------------------------
# run_case NAME BOARD ELF PORT WANT_STATUS: runs ELF on BOARD with UART0 wired to
# 127.0.0.1:PORT (reconnecting, so a firmware may connect more than once) and the
# semihosting console on stdout; passes when the exit status is WANT_STATUS and,
# for status 0, the log ends with PASS. Log: $LOGS/NAME.log.
run_case() {
    local name=$1 board=$2 elf=$3 port=$4 want=$5 log=$LOGS/$1.log rc
    if [[ ! -f $elf ]]; then
        fail "$name: $elf was not built"
        return
    fi
    timeout -k 5 "$TIMEOUT" qemu-system-arm -M "$board" -nographic -monitor none -semihosting \
        -chardev "socket,id=uart0,host=127.0.0.1,port=$port,reconnect=1" -serial chardev:uart0 \
        -kernel "$elf" </dev/null >"$log" 2>&1
    rc=$?
    if ((rc == 124)); then
        tail -20 "$log"
        fail "$name: no exit within $TIMEOUT s"
    elif ((rc != want)); then
        tail -20 "$log"
        fail "$name: exit status $rc, expected $want"
    elif ((want == 0)) && [[ $(tail -1 "$log") != PASS ]]; then
        tail -20 "$log"
        fail "$name: exit 0 without PASS"
    else
        pass "$name (exit $rc)"
    fi
}

M4_ELF=$BUILD/m4/c-examples/baremetal/mqtt_rs_selftest.elf
M33_ELF=$BUILD/m33/c-examples/baremetal/mqtt_rs_selftest.elf
# The case list: NAME BOARD ELF PORT WANT_STATUS; further firmware is one more line.
CASES=(
    "plain-m4 mps2-an386 $M4_ELF $MQTT_RS_PORT_PLAIN 0"
    "plain-m33 mps2-an505 $M33_ELF $MQTT_RS_PORT_PLAIN 0"
    # No broker behind the UART: CONNECT goes nowhere, the firmware must fail.
    "no-broker-m4 mps2-an386 $M4_ELF $FREE_PORT 1"
    # TLS 1.3 and 1.2, chain and host name verified, second connections resumed.
    "tls-m4 mps2-an386 $BUILD/m4-tls/c-examples/baremetal/mqtt_rs_tls_selftest.elf $MQTT_RS_PORT_TLS 0"
)
for c in "${CASES[@]}"; do
    # shellcheck disable=SC2086 # one case = five words
    run_case $c
done

finish
