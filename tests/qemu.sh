#!/usr/bin/env bash
# qemu.sh — the library on microcontrollers: builds and firmware runs under QEMU.
#
#   bash tests/qemu.sh
#
# 1. installs what is missing: the Debian packages of tests/lib.sh (arm-none-eabi-gcc,
#    newlib, qemu-system-arm, riscv64-unknown-elf-gcc...) and the Rust targets below.
#    A target that cannot be installed fails the run; nothing is skipped.
# 2. builds through CMake with the toolchain files in cmake/: Cortex-M4F (mps2-an386),
#    Cortex-M33 (mps2-an505), Cortex-M0+ and RV32IMAC (library only); checks the Rust
#    triple derived from each toolchain's flags; the TLS build for Cortex-M4 and M33
#    (pure-Rust crypto provider) with the TLS firmware; the Cortex-M4 TLS build also
#    builds the firmware update device (c-examples/fwupdate's device logic, a throwaway
#    release key made in the build tree), and fw_push is taken from the host build; the
#    Cortex-M4 TLS build with the PSA provider over Mbed TLS cross-built by
#    tests/mbedtls-cross.sh; the Cortex-M4 build with the persistence hooks
#    (MQTT_RS_PERSIST) and its firmware.
# 3. starts its own mosquitto (tests/broker/mosquitto.sh, a free port base of its own),
#    runs each firmware case (CASES below) under a time limit, and checks in the link
#    map that the firmware's memcpy/memset are newlib's, not the Rust archive's. The
#    persistence case is reset by a simulated power cut halfway and must finish from
#    its flash store; a subscriber counts its messages at the broker. The update case
#    (fw-m4) has the host's fw_push publish signed releases over the mutual-TLS listener:
#    one signed by another key (refused), then a 48 KiB image through a power cut halfway.
#
# The last line reads "N passed, N failed". Logs: build-qemu/logs/.
# Environment: MQTT_RS_QEMU_BUILD (build directory, default build-qemu),
# MQTT_RS_QEMU_TIMEOUT (seconds per firmware run, default 60),
# MQTT_RS_QEMU_ONLY="m4-persist persist-m4 ..." (only these builds and cases, e.g. to
# run one case while working on it; the default and CI: everything),
# MQTT_RS_FW_PUSH (the host's fw_push; default: build/c-examples/fw_push of the CMake host
# build that tests/run-all.sh makes first, else built here in $BUILD/host).
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
# selected NAME: true unless MQTT_RS_QEMU_ONLY is set and does not list NAME.
selected() { [[ -z ${MQTT_RS_QEMU_ONLY:-} || " $MQTT_RS_QEMU_ONLY " == *" $1 "* ]]; }
[[ -n ${MQTT_RS_QEMU_ONLY:-} ]] && echo "MQTT_RS_QEMU_ONLY: only $MQTT_RS_QEMU_ONLY (other builds and cases skipped)"
pass() { echo "PASS $*"; PASSED=$((PASSED + 1)); }
fail() { echo "FAIL $*"; FAILED=$((FAILED + 1)); }
finish() {
    [[ -n ${COUNTER_PID:-} ]] && kill "$COUNTER_PID" 2>/dev/null
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
# The Rust triple each C toolchain maps to (cmake/rust-target.cmake).
if cmake -P tests/baremetal/rust_target_test.cmake >"$LOGS/rust-target.log" 2>&1; then
    pass "Rust triple derived from the C flags (tests/baremetal/rust_target_test.cmake)"
else
    cat "$LOGS/rust-target.log"
    fail "Rust triple derived from the C flags"
fi
# A core it cannot map stops the configure step, naming the variable to set.
if cmake -S . -B "$BUILD/unknown-core" -DCMAKE_SYSTEM_NAME=Generic -DCMAKE_C_COMPILER=arm-none-eabi-gcc \
        -DCMAKE_TRY_COMPILE_TARGET_TYPE=STATIC_LIBRARY -DCMAKE_C_FLAGS=-mcpu=cortex-r5 >"$LOGS/unknown-core.log" 2>&1; then
    fail "configure for a Cortex-R5 succeeded without MQTT_RS_CARGO_TARGET"
elif grep -q "Set MQTT_RS_CARGO_TARGET" "$LOGS/unknown-core.log"; then
    pass "configure for an unknown core stops and names MQTT_RS_CARGO_TARGET"
else
    tail -20 "$LOGS/unknown-core.log"
    fail "configure for an unknown core failed without naming MQTT_RS_CARGO_TARGET"
fi

# prune_cargo NAME: on CI (CI=true) removes what cargo kept in $BUILD/NAME beside the
# archives (host build scripts, dependency rlibs: ~150 MB a build) once NAME is built.
prune_cargo() {
    [[ ${CI:-} == true && -d $BUILD/$1/cargo ]] || return 0
    find "$BUILD/$1/cargo" -type f ! -name '*.a' -delete
}

# cmake_build NAME TOOLCHAIN [CMAKE ARGS...]: the library (plain) and, where QEMU has
# a board for the core, the firmware examples, in $BUILD/NAME.
cmake_build() {
    local name=$1 toolchain=$2 log=$LOGS/build-$1.log
    shift 2
    selected "$name" || return 0
    if cmake -S . -B "$BUILD/$name" --toolchain "$toolchain" "$@" -DCMAKE_BUILD_TYPE=MinSizeRel \
            -DMQTT_RS_TLS=OFF -DMQTT_RS_WARNINGS_AS_ERRORS=ON >"$log" 2>&1 &&
        cmake --build "$BUILD/$name" -j2 >>"$log" 2>&1; then
        pass "build $name ($*: Rust target $(sed -n 's/^MQTT_RS_CARGO_TARGET:STRING=//p' "$BUILD/$name/CMakeCache.txt"))"
        prune_cargo "$name"
        return 0
    fi
    tail -30 "$log"
    fail "build $name: see $log"
    return 1
}
cmake_build m4 cmake/arm-none-eabi.cmake -DMQTT_RS_ARM_CPU=cortex-m4
cmake_build m33 cmake/arm-none-eabi.cmake -DMQTT_RS_ARM_CPU=cortex-m33
cmake_build m0plus cmake/arm-none-eabi.cmake -DMQTT_RS_ARM_CPU=cortex-m0plus
# RV32: library only (no RISC-V QEMU board with a CMSDK UART; Debian's QEMU for RISC-V
# is another package). tests/abi_targets.rs compiles the header for it.
cmake_build rv32imac cmake/riscv64-unknown-elf.cmake -DMQTT_RS_RISCV_ARCH=rv32imac
# The persistence hooks (off by default on bare metal) and their firmware.
cmake_build m4-persist cmake/arm-none-eabi.cmake -DMQTT_RS_ARM_CPU=cortex-m4 -DMQTT_RS_PERSIST=ON
# The TLS firmware (Cortex-M4 and M33): the library with TLS (the pure-Rust provider,
# chosen by target) and the test CA compiled in; the broker started below uses the same PKI.
BROKER_DIR=$BUILD/broker
if ! bash tests/broker/make-pki.sh "$BROKER_DIR/pki" >"$LOGS/pki.log" 2>&1; then
    tail -30 "$LOGS/pki.log"
    fail "tests/broker/make-pki.sh: see $LOGS/pki.log"
fi
# tls_build NAME CPU [CMAKE ARGS...]: the TLS library and firmware for Arm core CPU, in $BUILD/NAME.
tls_build() {
    local name=$1 cpu=$2 log=$LOGS/build-$1.log
    shift 2
    selected "$name" || return 0
    if [[ -f $BROKER_DIR/pki/ca.crt ]] &&
        cmake -S . -B "$BUILD/$name" --toolchain cmake/arm-none-eabi.cmake -DMQTT_RS_ARM_CPU="$cpu" \
            -DCMAKE_BUILD_TYPE=MinSizeRel -DMQTT_RS_TLS=ON -DMQTT_RS_FW_CA_PEM="$BROKER_DIR/pki/ca.crt" \
            -DMQTT_RS_WARNINGS_AS_ERRORS=ON "$@" >"$log" 2>&1 &&
        cmake --build "$BUILD/$name" -j2 >>"$log" 2>&1; then
        pass "build $name ($cpu, TLS $*)"
        prune_cargo "$name"
    else
        tail -30 "$log"
        fail "build $name ($cpu, TLS $*): see $log"
    fi
}
# The Cortex-M4 one also builds the update device (fw_device_main.c), with the client
# certificate for the mutual-TLS listener.
tls_build m4-tls cortex-m4 -DMQTT_RS_FW_CLIENT_CERT_PEM="$BROKER_DIR/pki/client.crt" \
    -DMQTT_RS_FW_CLIENT_KEY_PEM="$BROKER_DIR/pki/client.key"
tls_build m33-tls cortex-m33
# The PSA provider on the firmware: Mbed TLS 2.28 cross-built as its PSA Crypto
# implementation (tests/mbedtls-cross.sh: sources from crates.io, the firmware's config).
if selected m4-tls-psa; then
    M4_FLAGS=(-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16)
    if bash tests/mbedtls-cross.sh "$BUILD/mbedtls-m4" arm-none-eabi-gcc "${M4_FLAGS[@]}" >"$LOGS/mbedtls-m4.log" 2>&1; then
        pass "cross-build $(head -1 "$LOGS/mbedtls-m4.log") for Cortex-M4 (PSA Crypto implementation)"
        tls_build m4-tls-psa cortex-m4 -DMQTT_RS_CRYPTO=psa -DMQTT_RS_PSA_LIBS="$BUILD/mbedtls-m4/libmbedcrypto.a"
    else
        tail -30 "$LOGS/mbedtls-m4.log"
        fail "cross-build Mbed TLS for Cortex-M4: see $LOGS/mbedtls-m4.log"
    fi
fi

# The host's fw_push for the update case: from the CMake host build when there is one
# (tests/run-all.sh builds it before this stage), else built here (the host library
# with TLS: a few minutes once).
FW_PUSH=${MQTT_RS_FW_PUSH:-$ROOT/build/c-examples/fw_push}
if selected fw-m4 && [[ ! -x $FW_PUSH ]]; then
    FW_PUSH=$BUILD/host/c-examples/fw_push
    if cmake -S . -B "$BUILD/host" -DCMAKE_BUILD_TYPE=Release >"$LOGS/build-host.log" 2>&1 &&
        cmake --build "$BUILD/host" -j2 --target fw_push >>"$LOGS/build-host.log" 2>&1; then
        pass "build fw_push for the host"
    else
        tail -30 "$LOGS/build-host.log"
        fail "build fw_push for the host: see $LOGS/build-host.log"
    fi
fi

# --- the firmware's C library wins ------------------------------------------------
for name in m4 m33; do
    selected "$name" || continue
    map=$BUILD/$name/c-examples/baremetal/mqtt_rs_selftest.map
    if [[ -f $map ]] && python3 tests/baremetal/libc_symbols.py "$map" >"$LOGS/libc-$name.log" 2>&1; then
        pass "libc symbols $name: $(tr '\n' ';' <"$LOGS/libc-$name.log")"
    else
        cat "$LOGS/libc-$name.log" 2>/dev/null
        fail "libc symbols $name: memcpy/memset must come from newlib ($map)"
    fi
done

# The same firmware linked against the archive as cargo leaves it: compiler_builtins'
# memcpy/memset take over, and the check above must say so.
fw=$BUILD/m4/c-examples/baremetal
raw=$BUILD/m4/cargo/thumbv7em-none-eabihf/release/libmqtt_rs.a
if ! selected m4; then
    : # the m4 build was skipped
elif arm-none-eabi-gcc -mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16 -nostartfiles \
        --specs=nano.specs --specs=nosys.specs -Wl,--gc-sections -L"$ROOT/c-examples/baremetal" \
        -T"$ROOT/c-examples/baremetal/mps2-an386.ld" -Wl,--undefined=Reset_Handler \
        -o "$BUILD/unlocalized.elf" "$fw/CMakeFiles/mqtt_rs_selftest.dir/main.c.obj" \
        "$fw/libmqtt_rs_baremetal_platform.a" "$raw" -Wl,-Map="$BUILD/unlocalized.map" >"$LOGS/unlocalized.log" 2>&1; then
    if python3 tests/baremetal/libc_symbols.py "$BUILD/unlocalized.map" >>"$LOGS/unlocalized.log" 2>&1; then
        fail "libc symbols: the check passes a firmware linked with the unmodified archive"
    else
        pass "libc symbols: without the localize step the archive's memcpy/memset win ($(grep -c FAIL "$LOGS/unlocalized.log") caught)"
    fi
else
    tail -20 "$LOGS/unlocalized.log"
    fail "link the firmware against the unmodified archive"
fi

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
# run_case NAME BOARD ELF PORT WANT_STATUS [CHECK [SECONDS]]: runs ELF on BOARD with UART0
# wired to 127.0.0.1:PORT (reconnecting, so a firmware may connect more than once) and the
# semihosting console on stdout; passes when the exit status is WANT_STATUS and,
# for status 0, the log ends with PASS, and CHECK (a function, called with "start NAME"
# before the run and "finish NAME" after it) agrees. SECONDS: the time limit when it is
# longer than $TIMEOUT. Log: $LOGS/NAME.log.
run_case() {
    local name=$1 board=$2 elf=$3 port=$4 want=$5 check=${6:-} limit=${7:-0} log=$LOGS/$1.log rc verdict=
    ((limit < TIMEOUT)) && limit=$TIMEOUT
    selected "$name" || return 0
    if [[ ! -f $elf ]]; then
        fail "$name: $elf was not built"
        return
    fi
    if [[ -n $check ]] && ! "$check" start "$name"; then
        fail "$name: $check did not start"
        return
    fi
    timeout -k 5 "$limit" qemu-system-arm -M "$board" -nographic -monitor none -semihosting \
        -chardev "socket,id=uart0,host=127.0.0.1,port=$port,reconnect=1" -serial chardev:uart0 \
        -kernel "$elf" </dev/null >"$log" 2>&1
    rc=$?
    if ((rc == 124)); then
        verdict="no exit within $limit s"
    elif ((rc != want)); then
        verdict="exit status $rc, expected $want"
    elif ((want == 0)) && [[ $(tail -1 "$log") != PASS ]]; then
        verdict="exit 0 without PASS"
    fi
    if [[ -n $check ]] && ! "$check" finish "$name" && [[ -z $verdict ]]; then
        verdict="$check found the messages wrong"
    fi
    if [[ -n $verdict ]]; then
        tail -20 "$log"
        fail "$name: $verdict"
    else
        pass "$name (exit $rc)"
    fi
}

# count_persist start|finish NAME: a subscriber (QoS 2) counts at the broker what the
# persistence firmware (persist_main.c) publishes: PERSIST_COUNT messages at QoS 1 on
# .../q1 and as many at QoS 2 on .../q2, each payload its number (QoS 1 even, QoS 2 odd),
# and PERSIST_QOS0 messages at QoS 0 on .../q0 (numbered 0 .. PERSIST_QOS0-1, kept
# offline in the flash store across a power cut). finish prints the counts; it fails
# when a QoS 1 message is missing, a QoS 2 message is missing or came twice (QoS 1 may
# come twice), or a QoS 0 message is missing, came twice or out of order.
# Log: $LOGS/NAME-sub.log.
PERSIST_TOPIC=mqtt_rs/fw/persist
PERSIST_COUNT=100
PERSIST_QOS0=10
count_persist() {
    local out=$LOGS/$2-sub.log i counts
    if [[ $1 == start ]]; then
        stdbuf -oL mosquitto_sub -h 127.0.0.1 -p "$MQTT_RS_PORT_PLAIN" -t "$PERSIST_TOPIC/#" -q 2 -v -d \
            -i "mqtt_rs-qemu-counter-$$" >"$out" 2>&1 &
        COUNTER_PID=$!
        for ((i = 0; i < 50; i++)); do # subscribed before the firmware starts
            grep -q "received SUBACK" "$out" && return 0
            sleep 0.1
        done
        return 1
    fi
    # The last messages may still be on their way: wait for all (at most 5 s).
    for ((i = 0; i < 50; i++)); do
        (($(grep -c "^$PERSIST_TOPIC/q[012] " "$out") >= 2 * PERSIST_COUNT + PERSIST_QOS0)) && break
        sleep 0.1
    done
    sleep 0.3 # a duplicate would come now
    kill "$COUNTER_PID" 2>/dev/null
    wait "$COUNTER_PID" 2>/dev/null
    counts=$(awk -v t="$PERSIST_TOPIC" -v n="$PERSIST_COUNT" -v n0="$PERSIST_QOS0" '
        BEGIN { last0 = -1 }
        $1 == t "/q0" {
            all[0]++
            if (!seen[0, $2]++) unique[0]++
            if ($2 !~ /^[0-9]+$/ || $2 >= n0) odd++
            else if ($2 + 0 <= last0) disorder++
            else last0 = $2 + 0
        }
        $1 == t "/q1" || $1 == t "/q2" {
            q = $1 == t "/q1" ? 1 : 2
            all[q]++
            if (!seen[q, $2]++) unique[q]++
            if ($2 !~ /^[0-9]+$/ || $2 >= 2 * n || $2 % 2 != q - 1) odd++
        }
        END {
            printf "QoS 1: %d sent, %d received, %d lost, %d duplicated (allowed); ", n, unique[1], n - unique[1], all[1] - unique[1]
            printf "QoS 2: %d sent, %d received, %d lost, %d duplicated; ", n, unique[2], n - unique[2], all[2] - unique[2]
            printf "QoS 0: %d sent, %d received, %d lost, %d duplicated, %d out of order; ", n0, unique[0], n0 - unique[0], all[0] - unique[0], disorder
            printf "%d unexpected\n", odd
            exit !(unique[1] == n && unique[2] == n && all[2] == n && unique[0] == n0 && all[0] == n0 && disorder == 0 && odd == 0)
        }' "$out")
    i=$?
    echo "$2: $(grep -h '^power cut\|^restored\|torn by\|^boot [0-9]*:' "$LOGS/$2.log" | tail -7 | tr '\n' ' ')"
    echo "$2: $counts"
    return "$i"
}

# fw_update start|finish NAME: the releases the update firmware (fw_device_main.c)
# receives, published by the host's fw_push over the mutual-TLS listener once the
# firmware has subscribed: first a 48 KiB image v2 signed by another key (only its first
# two chunks sent), which the device must refuse (bad-signature); then v2 signed by the
# release key whose public half the firmware has compiled in, 1 KiB chunks. The firmware
# cuts its power halfway and resumes from its .noinit progress. finish checks both
# fw_push outcomes and that the firmware's flash holds the image (its SHA-256 read back),
# and prints the counts. Files: $BUILD/fw-m4/, logs $LOGS/NAME-push*.log.
FW_DIR=$BUILD/fw-m4
fw_update() {
    local key=$BUILD/m4-tls/fwupdate-keys/release.key log=$LOGS/$2.log i
    local tls=(-h 127.0.0.1 -p "$MQTT_RS_PORT_MTLS" -t mqtt_rs/fwm4 --cafile "$BROKER_DIR/pki/ca.crt"
        --cert "$BROKER_DIR/pki/client.crt" --key "$BROKER_DIR/pki/client.key")
    if [[ $1 == start ]]; then
        mkdir -p "$FW_DIR"
        rm -f "$log" # an earlier run's log must not say "subscribed"
        head -c 49152 /dev/urandom >"$FW_DIR/v2.bin"
        [[ -x $FW_PUSH && -f $key ]] &&
            openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$FW_DIR/other.key" 2>/dev/null &&
            "$FW_PUSH" --make-manifest --image "$FW_DIR/v2.bin" --fw-version 2 --chunk-size 1024 >"$FW_DIR/v2.txt" &&
            openssl dgst -sha256 -sign "$key" -out "$FW_DIR/v2.sig" "$FW_DIR/v2.txt" &&
            openssl dgst -sha256 -sign "$FW_DIR/other.key" -out "$FW_DIR/v2-other.sig" "$FW_DIR/v2.txt" || return 1
        (
            for ((i = 0; i < 1200; i++)); do # the firmware subscribed (a handshake: some seconds)
                grep -q "subscribed" "$log" 2>/dev/null && break
                sleep 0.1
            done
            "$FW_PUSH" "${tls[@]}" -i mqtt_rs-fw-push-other --manifest "$FW_DIR/v2.txt" \
                --signature "$FW_DIR/v2-other.sig" --image "$FW_DIR/v2.bin" --truncate 2048 --wait 60 \
                >"$LOGS/$2-push-other.log" 2>&1
            echo "exit $?" >>"$LOGS/$2-push-other.log"
            "$FW_PUSH" "${tls[@]}" -i mqtt_rs-fw-push --manifest "$FW_DIR/v2.txt" --signature "$FW_DIR/v2.sig" \
                --image "$FW_DIR/v2.bin" --wait 90 >"$LOGS/$2-push.log" 2>&1
            echo "exit $?" >>"$LOGS/$2-push.log"
        ) &
        COUNTER_PID=$!
        return 0
    fi
    # fw_push has its outcome by the time the firmware exits; if it has not (the firmware
    # failed), it and the script around it go after 10 s.
    for ((i = 0; i < 100; i++)); do
        kill -0 "$COUNTER_PID" 2>/dev/null || break
        sleep 0.1
    done
    pkill -P "$COUNTER_PID" 2>/dev/null
    kill "$COUNTER_PID" 2>/dev/null
    wait "$COUNTER_PID" 2>/dev/null
    COUNTER_PID=
    local want verdict=0 sent resent
    want=$(sha256sum "$FW_DIR/v2.bin" | cut -d' ' -f1)
    sent=$(sed -n 's/.*chunks sent \([0-9]*\), resent \([0-9]*\).*/\1/p' "$LOGS/$2-push.log")
    resent=$(sed -n 's/.*chunks sent \([0-9]*\), resent \([0-9]*\).*/\2/p' "$LOGS/$2-push.log")
    echo "$2: $(grep -h '^power cut\|^kept manifest\|^boot ' "$log" | tr '\n' ' ')"
    echo "$2: fw_push: other key: $(grep -h 'outcome' "$LOGS/$2-push-other.log"); release key: chunks sent ${sent:-?}, resent ${resent:-?} ($(grep -h 'outcome' "$LOGS/$2-push.log" | sed 's/.*outcome //'))"
    if ! grep -q "refused: bad-signature" "$LOGS/$2-push-other.log" || ! grep -q "^exit 3" "$LOGS/$2-push-other.log"; then
        echo "$2: the image signed by another key was not refused"
        verdict=1
    fi
    if ! grep -q "^exit 0" "$LOGS/$2-push.log"; then
        echo "$2: fw_push of the release did not end with ready"
        verdict=1
    fi
    if ! grep -q "^flash sha256 $want\$" "$log"; then
        echo "$2: the flash does not hold the image (sha256 $want)"
        verdict=1
    fi
    if ! grep -q "^power cut while writing chunk" "$log" || ! grep -q "verified again, resuming" "$log"; then
        echo "$2: no power cut halfway, or no resume from the kept progress"
        verdict=1
    fi
    return "$verdict"
}

M4_ELF=$BUILD/m4/c-examples/baremetal/mqtt_rs_selftest.elf
M33_ELF=$BUILD/m33/c-examples/baremetal/mqtt_rs_selftest.elf
# The case list: NAME BOARD ELF PORT WANT_STATUS [CHECK]; further firmware is one more line.
CASES=(
    "plain-m4 mps2-an386 $M4_ELF $MQTT_RS_PORT_PLAIN 0"
    "plain-m33 mps2-an505 $M33_ELF $MQTT_RS_PORT_PLAIN 0"
    # No broker behind the UART: CONNECT goes nowhere, the firmware must fail.
    "no-broker-m4 mps2-an386 $M4_ELF $FREE_PORT 1"
    # TLS 1.3 and 1.2, chain and host name verified, second connections resumed.
    "tls-m4 mps2-an386 $BUILD/m4-tls/c-examples/baremetal/mqtt_rs_tls_selftest.elf $MQTT_RS_PORT_TLS 0"
    "tls-m33 mps2-an505 $BUILD/m33-tls/c-examples/baremetal/mqtt_rs_tls_selftest.elf $MQTT_RS_PORT_TLS 0"
    # The same through the PSA provider: every primitive in the cross-built Mbed TLS.
    "tls-psa-m4 mps2-an386 $BUILD/m4-tls-psa/c-examples/baremetal/mqtt_rs_tls_selftest.elf $MQTT_RS_PORT_TLS 0"
    # A power cut (reset) halfway through 100 QoS 1 and 100 QoS 2 messages, a second one
    # while 10 QoS 0 messages are kept offline; finished from the flash store.
    "persist-m4 mps2-an386 $BUILD/m4-persist/c-examples/baremetal/mqtt_rs_persist_selftest.elf $MQTT_RS_PORT_PLAIN 0 count_persist"
    # The firmware update device: a release signed by another key refused, then an image
    # installed through a power cut halfway (fw_update above publishes them); about 40 s.
    "fw-m4 mps2-an386 $BUILD/m4-tls/c-examples/baremetal/mqtt_rs_fw_device.elf $MQTT_RS_PORT_MTLS 0 fw_update 150"
)
for c in "${CASES[@]}"; do
    # shellcheck disable=SC2086 # one case = five to seven words
    run_case $c
done

finish
