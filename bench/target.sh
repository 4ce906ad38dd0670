#!/usr/bin/env bash
# bench/target.sh WORKDIR RESULTS COMMANDS PORT QUICK — section 7 of bench/run.sh:
# the library on microcontroller targets. Called by run.sh with its broker's plain port.
#
# Per row (Rust target, opt-level): builds the plain library through CMake with the
# project's toolchain file (cmake/), links the minimal firmware bench/c/min_mqtt_rs_fw.c
# (connect, subscribe, publish QoS 1, wait, disconnect over the UART port) with the
# target's gcc -Os and --gc-sections, and reads the library's share from the link map.
# Where QEMU has a board for the core it also runs the example firmware
# (c-examples/baremetal/main.c) against the broker: flash and RAM of the image, and the
# painted-stack high-water of each API call. A row named *-v5 builds the library with MQTT 5.0
# (CMake MQTT_RS_MQTT5) and its firmware connects with 5.0: beside its 3.1.1 row, what v5
# adds. QUICK=1: the Cortex-M4F rows (3.1.1 and v5) only.
#
# Full run only (QUICK=0), the TLS build (feature tls; on bare metal the pure-Rust
# "rustcrypto" provider, chosen by target) for the rows in TLS_ROWS: the library's share
# of the minimal TLS firmware bench/c/min_mqtt_rs_tls_fw.c (the five calls plus the TLS
# platform hooks of c-examples/baremetal/tls_platform.c, use_tls with a CA, deinit; on
# RV32 linked with picolibc and RISC-V semihosting, never run), and
# where QEMU has a board, the TLS self-test firmware (c-examples/baremetal/tls_main.c)
# against a broker of tests/broker/mosquitto.sh (its TLS listener, its PKI's CA compiled
# in): flash and RAM, TLS heap peak and stack per call. Result lines: section target_tls.
# MQTT_RS_BENCH_TARGETS="m4-s m4-s-tls ...": only these rows (default: all of the mode),
# e.g. to run the TLS rows on their own.
set -uo pipefail
W=$1 RES=$2 CMDS=$3 PORT=$4 QUICK=$5
# shellcheck source=bench/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh" target
T=$W/targets
mkdir -p "$T"

FW=c-examples/baremetal
ARM_PORT=("$FW/startup.c" "$FW/semihosting.c" "$FW/systick.c" "$FW/cmsdk_uart.c" "$FW/uart_net.c")
# NAME TRIPLE OPT TOOLCHAIN CMAKE_ARG CC "CFLAGS" BOARD (board: QEMU machine, - for none)
ROWS=(
    "m4-s thumbv7em-none-eabihf s cmake/arm-none-eabi.cmake -DMQTT_RS_ARM_CPU=cortex-m4 arm-none-eabi-gcc|-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16 mps2-an386"
    "m4-s-v5 thumbv7em-none-eabihf s cmake/arm-none-eabi.cmake -DMQTT_RS_ARM_CPU=cortex-m4 arm-none-eabi-gcc|-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16 mps2-an386"
    "m4-z thumbv7em-none-eabihf z cmake/arm-none-eabi.cmake -DMQTT_RS_ARM_CPU=cortex-m4 arm-none-eabi-gcc|-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16 mps2-an386"
    "m33-s thumbv8m.main-none-eabihf s cmake/arm-none-eabi.cmake -DMQTT_RS_ARM_CPU=cortex-m33 arm-none-eabi-gcc|-mcpu=cortex-m33 -mthumb -mfloat-abi=hard -mfpu=fpv5-sp-d16 mps2-an505"
    "m0plus-s thumbv6m-none-eabi s cmake/arm-none-eabi.cmake -DMQTT_RS_ARM_CPU=cortex-m0plus arm-none-eabi-gcc|-mcpu=cortex-m0plus -mthumb -mfloat-abi=soft -"
    "rv32-s riscv32imac-unknown-none-elf s cmake/riscv64-unknown-elf.cmake -DMQTT_RS_RISCV_ARCH=rv32imac riscv64-unknown-elf-gcc|-march=rv32imac -mabi=ilp32 -"
)
ALL_ROWS=("${ROWS[@]}")
((QUICK)) && ROWS=("${ROWS[0]}" "${ROWS[1]}")
# TLS rows: a row above with -tls. Not on Cortex-M0+ (no TLS there).
TLS_ROWS=()
((QUICK)) || TLS_ROWS=(m4-s-tls m33-s-tls rv32-s-tls)
# The TLS rows whose self-test firmware runs under QEMU (the rows with an MPS2 board).
TLS_QEMU=(m4-s-tls m33-s-tls)
if [[ -n ${MQTT_RS_BENCH_TARGETS:-} ]]; then
    keep=() keep_tls=()
    for row in "${ROWS[@]}"; do
        [[ " $MQTT_RS_BENCH_TARGETS " == *" ${row%% *} "* ]] && keep+=("$row")
    done
    for name in "${TLS_ROWS[@]}"; do
        [[ " $MQTT_RS_BENCH_TARGETS " == *" $name "* ]] && keep_tls+=("$name")
    done
    ROWS=("${keep[@]}") TLS_ROWS=("${keep_tls[@]}")
fi
row_of() { # row_of NAME — the entry of ALL_ROWS named NAME
    local r
    for r in "${ALL_ROWS[@]}"; do
        [[ ${r%% *} == "$1" ]] && { printf '%s\n' "$r"; return 0; }
    done
    return 1
}
targets=()
for row in "${ROWS[@]}"; do targets+=("$(awk '{print $2}' <<<"$row")"); done
for name in "${TLS_ROWS[@]}"; do targets+=("$(row_of "${name%-tls}" | awk '{print $2}')"); done
if ! rustup target add "${targets[@]}" >&2; then
    log "FAILED: rustup target add ${targets[*]}"
    exit 1
fi

# port_link TRIPLE: the C library and the bare-metal port sources a minimal firmware
# links with (picolibc and its start-up code on RISC-V, with flash and RAM regions as
# large as the MPS2 boards': picolibc.ld's defaults, 64 KiB and 32 KiB, cannot hold the
# TLS build; newlib-nano and startup.c on Arm).
port_link() {
    if [[ $1 == riscv32* ]]; then
        printf '%s\n' --specs=picolibc.specs -Wl,--defsym=__flash_size=4M -Wl,--defsym=__ram_size=256K \
            "$FW/semihosting.c" "$FW/systick.c" "$FW/cmsdk_uart.c" "$FW/uart_net.c"
    else
        printf '%s\n' -DBOARD_MPS2_AN386 --specs=nano.specs --specs=nosys.specs -nostartfiles -L"$FW" \
            -T"$FW/mps2-an386.ld" "${ARM_PORT[@]}"
    fi
}

size_json() { # size_json SIZE_TOOL ELF
    "$1" "$2" | awk 'NR==2{printf "{\"text\": %d, \"data\": %d, \"bss\": %d}", $1, $2, $3}'
}

for row in "${ROWS[@]}"; do
    head=${row%%|*} tail=${row#*|}
    read -r name triple opt toolchain cmake_arg cc <<<"$head"
    board=${tail##* } cflags=${tail% *}
    dir=$T/$name
    log "$name: $triple opt-level $opt"
    v5=OFF
    [[ $name == *-v5 ]] && v5=ON
    if ! run cmake -S . -B "$dir" --toolchain "$toolchain" "$cmake_arg" -DCMAKE_BUILD_TYPE=MinSizeRel \
            -DMQTT_RS_TLS=OFF -DMQTT_RS_MQTT5=$v5 >"$dir.log" 2>&1 ||
        ! CARGO_PROFILE_RELEASE_OPT_LEVEL=$opt run cmake --build "$dir" -j2 >>"$dir.log" 2>&1; then
        log "FAILED: build $name (see $dir.log)"
        FAILED=1
        continue
    fi
    lib=$dir/libmqtt_rs.a
    sizetool=${cc%-gcc}-size
    # The minimal firmware: the five calls over the UART port, -Os, --gc-sections.
    # shellcheck disable=SC2206 # cflags holds several words
    flags=($cflags -Os -ffunction-sections -fdata-sections -std=c99 -Wall -Iinclude -I"$FW")
    [[ $v5 == ON ]] && flags+=(-DMQTT_RS_MQTT5)
    mapfile -t link < <(port_link "$triple")
    if ! run "$cc" "${flags[@]}" -o "$dir/min_fw.elf" bench/c/min_mqtt_rs_fw.c "${link[@]}" "$lib" \
            -Wl,--gc-sections -Wl,-Map="$dir/min_fw.map" >>"$dir.log" 2>&1; then
        log "FAILED: link the minimal firmware for $name (see $dir.log)"
        FAILED=1
        continue
    fi
    share=$(python3 bench/tools.py mapshare "$dir/min_fw.map" libmqtt_rs.a)
    crates=$(python3 bench/tools.py mapcrates "$dir/min_fw.map" libmqtt_rs.a)
    fw=null stack=null
    elf=$dir/c-examples/baremetal/mqtt_rs_selftest.elf
    if [[ $board != - && -f $elf ]]; then
        fw=$(size_json "$sizetool" "$elf")
        out=$dir/selftest.log
        if timeout -k 5 60 qemu-system-arm -M "$board" -nographic -monitor none -semihosting \
                -chardev "socket,id=uart0,host=127.0.0.1,port=$PORT,reconnect=1" -serial chardev:uart0 \
                -kernel "$elf" </dev/null >"$out" 2>&1 && [[ $(tail -1 "$out") == PASS ]]; then
            stack=$(awk '$1 == "stack" {printf "%s\"%s\": %d", sep, $2, $3; sep = ", "} BEGIN {printf "{"} END {printf "}"}' "$out")
        else
            log "FAILED: the example firmware on $board (see $out)"
            FAILED=1
        fi
        printf '%s\n' "qemu-system-arm -M $board -nographic -monitor none -semihosting -chardev socket,id=uart0,host=127.0.0.1,port=PORT,reconnect=1 -serial chardev:uart0 -kernel $elf" >>"$CMDS"
    fi
    emit target "\"name\": \"$name\", \"triple\": \"$triple\", \"opt\": \"$opt\", \"board\": \"$board\", \"cc\": \"$($cc --version | head -1)\"" \
        "{\"share\": $share, \"crates\": $crates, \"min_fw\": $(size_json "$sizetool" "$dir/min_fw.elf"), \"fw\": $fw, \"stack\": $stack, \"stack_reserved\": 16384}"
done

# --- TLS (full run only) ------------------------------------------------------------------
BROKER_DIR=
stop_tls_broker() {
    [[ -n $BROKER_DIR ]] && bash tests/broker/mosquitto.sh stop "$BROKER_DIR" >/dev/null 2>&1
    BROKER_DIR=
}
TLS_PORT=
# start_tls_broker: tests/broker/mosquitto.sh on a port base of its own (away from run.sh's,
# run-all.sh's and tests/qemu.sh's), with the PKI whose CA the firmware has compiled in.
start_tls_broker() {
    local base
    [[ -n $TLS_PORT ]] && return 0
    for base in 28800 29800 30800 31800; do
        if MQTT_RS_PORT_BASE=$base bash tests/broker/mosquitto.sh start "$PKI_DIR" >>"$T/tls-broker.log" 2>&1; then
            BROKER_DIR=$PKI_DIR
            TLS_PORT=$(MQTT_RS_PORT_BASE=$base bash tests/broker/mosquitto.sh ports | sed -n 's/^MQTT_RS_PORT_TLS=//p')
            return 0
        fi
    done
    return 1
}
if ((${#TLS_ROWS[@]})); then
    trap stop_tls_broker EXIT
    mkdir -p "$T/tls-broker"
    PKI_DIR=$(cd "$T/tls-broker" && pwd) # absolute: CMake compiles the CA in from it
    if ! bash tests/broker/make-pki.sh "$PKI_DIR/pki" >"$T/tls-pki.log" 2>&1; then
        log "FAILED: tests/broker/make-pki.sh (see $T/tls-pki.log)"
        exit 1
    fi
fi
for name in "${TLS_ROWS[@]}"; do
    row=$(row_of "${name%-tls}") || { log "FAILED: no row ${name%-tls}"; FAILED=1; continue; }
    head=${row%%|*} tail=${row#*|}
    read -r _ triple opt toolchain cmake_arg cc <<<"$head"
    board=${tail##* } cflags=${tail% *}
    dir=$T/$name
    log "$name: $triple opt-level $opt, TLS"
    if ! run cmake -S . -B "$dir" --toolchain "$toolchain" "$cmake_arg" -DCMAKE_BUILD_TYPE=MinSizeRel \
            -DMQTT_RS_TLS=ON -DMQTT_RS_FW_CA_PEM="$PKI_DIR/pki/ca.crt" >"$dir.log" 2>&1 ||
        ! CARGO_PROFILE_RELEASE_OPT_LEVEL=$opt run cmake --build "$dir" -j2 >>"$dir.log" 2>&1; then
        log "FAILED: build $name (see $dir.log)"
        FAILED=1
        continue
    fi
    sizetool=${cc%-gcc}-size
    # The minimal TLS firmware: as the plain one, plus the TLS platform hooks.
    # shellcheck disable=SC2206 # cflags holds several words
    flags=($cflags -Os -ffunction-sections -fdata-sections -std=c99 -Wall -Iinclude -I"$FW")
    mapfile -t link < <(port_link "$triple")
    link+=("$FW/tls_platform.c")
    if ! run "$cc" "${flags[@]}" -o "$dir/min_fw_tls.elf" bench/c/min_mqtt_rs_tls_fw.c "${link[@]}" "$dir/libmqtt_rs.a" \
            -Wl,--gc-sections -Wl,-Map="$dir/min_fw_tls.map" >>"$dir.log" 2>&1; then
        log "FAILED: link the minimal TLS firmware for $name (see $dir.log)"
        FAILED=1
        continue
    fi
    share=$(python3 bench/tools.py mapshare "$dir/min_fw_tls.map" libmqtt_rs.a)
    crates=$(python3 bench/tools.py mapcrates "$dir/min_fw_tls.map" libmqtt_rs.a)
    fw=null stack=null heap=null
    elf=$dir/c-examples/baremetal/mqtt_rs_tls_selftest.elf
    [[ -f $elf ]] && fw=$(size_json "$sizetool" "$elf")
    if [[ $board != - && -f $elf && " ${TLS_QEMU[*]} " == *" $name "* ]]; then
        out=$dir/tls_selftest.log
        if ! start_tls_broker; then
            log "FAILED: tests/broker/mosquitto.sh start (see $T/tls-broker.log)"
            FAILED=1
        elif timeout -k 5 120 qemu-system-arm -M "$board" -nographic -monitor none -semihosting \
                -chardev "socket,id=uart0,host=127.0.0.1,port=$TLS_PORT,reconnect=1" -serial chardev:uart0 \
                -kernel "$elf" </dev/null >"$out" 2>&1 && [[ $(tail -1 "$out") == PASS ]]; then
            # Largest of each call's lines (TLS 1.3 and 1.2, full and resumed), in log order.
            stack=$(awk '$1 == "stack" {if (!($2 in m)) o[n++] = $2; if ($3 > m[$2]) m[$2] = $3}
                END {printf "{"; for (i = 0; i < n; i++) printf "%s\"%s\": %d", (i ? ", " : ""), o[i], m[o[i]]; printf "}"}' "$out")
            heap=$(awk '$1 == "heap" && $2 == "peak" && $3 > m {m = $3} END {print m + 0}' "$out")
        else
            log "FAILED: the TLS self-test firmware on $board (see $out)"
            FAILED=1
        fi
        printf '%s\n' "bash tests/broker/mosquitto.sh start DIR   # MQTT_RS_PORT_BASE=28800 or the next free base; its PKI's ca.crt is MQTT_RS_FW_CA_PEM" >>"$CMDS"
        printf '%s\n' "qemu-system-arm -M $board -nographic -monitor none -semihosting -chardev socket,id=uart0,host=127.0.0.1,port=TLS_PORT,reconnect=1 -serial chardev:uart0 -kernel $elf" >>"$CMDS"
    fi
    emit target_tls "\"name\": \"$name\", \"triple\": \"$triple\", \"opt\": \"$opt\", \"board\": \"$board\", \"cc\": \"$($cc --version | head -1)\"" \
        "{\"share\": $share, \"crates\": $crates, \"min_fw\": $(size_json "$sizetool" "$dir/min_fw_tls.elf"), \"fw\": $fw, \"stack\": $stack, \"heap_peak\": $heap, \"stack_reserved\": 16384}"
done
stop_tls_broker
exit $FAILED
