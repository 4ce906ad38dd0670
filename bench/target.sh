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
# painted-stack high-water of each API call. QUICK=1: the Cortex-M4F row only.
set -uo pipefail
W=$1 RES=$2 CMDS=$3 PORT=$4 QUICK=$5
ROOT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 1
T=$W/targets
mkdir -p "$T"
FAILED=0
log() { printf '[bench target] %s\n' "$*" >&2; }
run() { printf '%s\n' "$*" >>"$CMDS"; "$@"; }
emit() { printf '{"section": "%s", %s, "data": %s}\n' "$1" "$2" "$3" >>"$RES"; }

FW=c-examples/baremetal
ARM_PORT=("$FW/startup.c" "$FW/semihosting.c" "$FW/systick.c" "$FW/cmsdk_uart.c" "$FW/uart_net.c")
# NAME TRIPLE OPT TOOLCHAIN CMAKE_ARG CC "CFLAGS" BOARD (board: QEMU machine, - for none)
ROWS=(
    "m4-s thumbv7em-none-eabihf s cmake/arm-none-eabi.cmake -DMQTT_RS_ARM_CPU=cortex-m4 arm-none-eabi-gcc|-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16 mps2-an386"
    "m4-z thumbv7em-none-eabihf z cmake/arm-none-eabi.cmake -DMQTT_RS_ARM_CPU=cortex-m4 arm-none-eabi-gcc|-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16 mps2-an386"
    "m33-s thumbv8m.main-none-eabihf s cmake/arm-none-eabi.cmake -DMQTT_RS_ARM_CPU=cortex-m33 arm-none-eabi-gcc|-mcpu=cortex-m33 -mthumb -mfloat-abi=hard -mfpu=fpv5-sp-d16 mps2-an505"
    "m0plus-s thumbv6m-none-eabi s cmake/arm-none-eabi.cmake -DMQTT_RS_ARM_CPU=cortex-m0plus arm-none-eabi-gcc|-mcpu=cortex-m0plus -mthumb -mfloat-abi=soft -"
    "rv32-s riscv32imac-unknown-none-elf s cmake/riscv64-unknown-elf.cmake -DMQTT_RS_RISCV_ARCH=rv32imac riscv64-unknown-elf-gcc|-march=rv32imac -mabi=ilp32 -"
)
((QUICK)) && ROWS=("${ROWS[0]}")
targets=()
for row in "${ROWS[@]}"; do targets+=("$(awk '{print $2}' <<<"$row")"); done
if ! rustup target add "${targets[@]}" >&2; then
    log "FAILED: rustup target add ${targets[*]}"
    exit 1
fi

size_json() { # size_json SIZE_TOOL ELF
    "$1" "$2" | awk 'NR==2{printf "{\"text\": %d, \"data\": %d, \"bss\": %d}", $1, $2, $3}'
}

for row in "${ROWS[@]}"; do
    head=${row%%|*} tail=${row#*|}
    read -r name triple opt toolchain cmake_arg cc <<<"$head"
    board=${tail##* } cflags=${tail% *}
    dir=$T/$name
    log "$name: $triple opt-level $opt"
    if ! run cmake -S . -B "$dir" --toolchain "$toolchain" "$cmake_arg" -DCMAKE_BUILD_TYPE=MinSizeRel \
            -DMQTT_RS_TLS=OFF >"$dir.log" 2>&1 ||
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
    if [[ $triple == riscv32* ]]; then
        link=(--specs=picolibc.specs "$FW/systick.c" "$FW/cmsdk_uart.c" "$FW/uart_net.c")
    else
        link=(-DBOARD_MPS2_AN386 --specs=nano.specs --specs=nosys.specs -nostartfiles -L"$FW" -T"$FW/mps2-an386.ld" "${ARM_PORT[@]}")
    fi
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
exit $FAILED
