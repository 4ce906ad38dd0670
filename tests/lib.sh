# shellcheck shell=bash
# tests/lib.sh — shell helpers shared by tests/run-all.sh and tests/demo.sh.
# Source it; it defines functions only (plus MQTT_RS_DEBIAN_PACKAGES).

# Debian packages the build and the tests need.
MQTT_RS_DEBIAN_PACKAGES=(
    mosquitto mosquitto-clients cmake make gcc openssl valgrind python3
    libmosquitto-dev libpaho-mqtt-dev pkg-config doxygen libmbedtls-dev
    gcc-arm-none-eabi libnewlib-arm-none-eabi binutils-arm-none-eabi qemu-system-arm
    gcc-riscv64-unknown-elf picolibc-riscv64-unknown-elf llvm gcc-avr
)

mqtt_rs_log() { printf '%s\n' "$*" >&2; }

# Installs the missing Debian packages (apt-get update + install only when
# something is missing). Uses sudo when not root.
mqtt_rs_install_deps() {
    local missing=() p sudo=()
    if ! command -v dpkg-query >/dev/null; then
        mqtt_rs_log "note: not a Debian system; make sure these are installed: ${MQTT_RS_DEBIAN_PACKAGES[*]}"
        return 0
    fi
    for p in "${MQTT_RS_DEBIAN_PACKAGES[@]}"; do
        if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
            missing+=("$p")
        fi
    done
    if ((${#missing[@]} == 0)); then
        return 0
    fi
    mqtt_rs_log "installing missing packages: ${missing[*]}"
    if [[ $(id -u) -ne 0 ]]; then
        if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
            sudo=(sudo -n)
        else
            mqtt_rs_log "error: not root and no password-less sudo; run: apt-get install ${missing[*]}"
            return 1
        fi
    fi
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q </dev/null || return 1
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
        "${missing[@]}" </dev/null || return 1
}

# Makes cargo reachable (rustup's default location) or explains what is missing.
mqtt_rs_find_cargo() {
    if ! command -v cargo >/dev/null && [[ -n ${HOME:-} && -x $HOME/.cargo/bin/cargo ]]; then
        export PATH="$HOME/.cargo/bin:$PATH"
    fi
    if ! command -v cargo >/dev/null; then
        mqtt_rs_log "error: cargo not found. Install a Rust toolchain (rustup, stable) first."
        return 1
    fi
}

# True when something accepts TCP connections on 127.0.0.1:$1.
mqtt_rs_port_open() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Chooses MQTT_RS_PORT_BASE for the shared broker (tests/broker/mosquitto.sh).
# An explicit MQTT_RS_PORT_BASE is kept as is; otherwise the first base among
# 18800, 19800, ... whose ports (base+83, 84, 93..99) are all free is exported.
mqtt_rs_pick_port_base() {
    local base off busy
    if [[ -n ${MQTT_RS_PORT_BASE:-} ]]; then
        export MQTT_RS_PORT_BASE
        return 0
    fi
    for base in 18800 19800 20800 21800 22800 23800; do
        busy=
        for off in 83 84 93 94 95 96 97 98 99; do
            if mqtt_rs_port_open $((base + off)); then busy=$((base + off)); break; fi
        done
        if [[ -z $busy ]]; then
            export MQTT_RS_PORT_BASE=$base
            return 0
        fi
        mqtt_rs_log "note: port $busy is in use, trying another port base"
    done
    mqtt_rs_log "error: no free port base for the test broker"
    return 1
}
