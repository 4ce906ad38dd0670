#!/usr/bin/env bash
# bench/run.sh [--quick] [--out FILE] — the benchmark suite: size, memory,
# speed and CPU of mqtt_rs against libmosquitto and Paho C, in one run.
#
#   bash bench/run.sh            full run (a few minutes); writes BENCHMARKS.md
#   bash bench/run.sh --quick    seconds; proves the suite works (CI); writes
#                                build/bench/BENCHMARKS-quick.md, never BENCHMARKS.md
#
# It installs what is missing (Debian packages, see below), builds the library
# with CMake and cargo and the C programs in bench/c/ with gcc, starts a private
# mosquitto on 127.0.0.1, runs every measurement, prints the markdown table
# and writes it with the machine, the versions and the exact commands.
#
# Sections (see BENCHMARKS.md for what each figure does and does not show):
#   1 footprint   minimal client (plain and TLS), -Os + gc-sections, stripped; library share from the link map
#   2 ram         client object, buffers, heap peak (valgrind dhat), stack per API call (painted stack)
#   3 throughput  N publishes of 64 bytes at QoS 0/1/2 through mosquitto, counted by a subscriber
#   4 latency     publish-to-receive round trip through the broker, client and broker pinned to one CPU
#   5 cpu         instructions per publish (valgrind callgrind; non-blocking loop and blocking calls),
#                 syscalls per publish (strace -c -f)
#   6 tls         full vs resumed handshake: bytes, time, instructions (mqtt_rs with feature tls, libmosquitto);
#                 mqtt_rs also against an RSA-2048 chain (TLS 1.3: instructions and heap peak);
#                 full runs: the same with the rustcrypto and PSA (Mbed TLS) providers, and the library
#                 size per crypto provider and TLS diet (bench/tls_diet.sh)
#   7 targets     Cortex-M4F/M33/M0+ and RV32IMAC: library share of a minimal firmware, the example
#                 firmware's flash/RAM and stack per API call under QEMU (bench/target.sh)
#
# Environment:
#   MQTT_RS_PORT_BASE   port base (default: first free of 18800, 19800, ...); the
#                       broker listens on base+85 (plain), +86 (TLS 1.3), +87 (TLS 1.2),
#                       +88 (TLS 1.3, RSA-2048 chain)
#   MQTT_RS_BENCH_REPS  repetitions of the timed runs (default 5 full, 1 quick)
#
# Exit status: 0 when every measurement ran and every footprint row is within its byte budget
# (bench/budgets.txt, +2 %); 1 otherwise. There are no speed thresholds: instruction counts are
# printed beside the budgets, never checked.
set -uo pipefail

ROOT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 1
# shellcheck source=tests/lib.sh
source "$ROOT/tests/lib.sh"

QUICK=0
OUT=
while (($#)); do
    case $1 in
    --quick) QUICK=1 ;;
    --out) OUT=${2:?--out needs a file}; shift ;;
    -h | --help) sed -n '2,30p' "$0"; exit 0 ;;
    *) echo "bench/run.sh: unknown argument $1" >&2; exit 2 ;;
    esac
    shift
done

W=build/bench               # everything generated goes here (relative: paths in the report stay relative)
BIN=$W/bin
RES=$W/results.jsonl
CMDS=$W/commands.txt
LOGS=$W/logs
if ((QUICK)); then
    OUT=${OUT:-$W/BENCHMARKS-quick.md}
    REPS=${MQTT_RS_BENCH_REPS:-1}
    REPS_FREE=1
    CPU_REPS=1
    N_THR=2000 N_LAT=300 W_LAT=30 N_LAT_NAGLE=10 N_CPU=100 W_CPU=20 N_SYS=100 N_DHAT=200 N_TLS=4
    CPU_QOS="0 1"
else
    OUT=${OUT:-BENCHMARKS.md}
    REPS=${MQTT_RS_BENCH_REPS:-5}
    REPS_FREE=3
    CPU_REPS=3
    N_THR=50000 N_LAT=5000 W_LAT=500 N_LAT_NAGLE=50 N_CPU=2000 W_CPU=200 N_SYS=1000 N_DHAT=5000 N_TLS=21
    CPU_QOS="0 1 2"
fi
PAYLOAD=64
WINDOW=20 # mosquitto's max_inflight_messages for MQTT 3.1.1 clients
LIBS=(mqtt_rs libmosquitto paho)
START=$SECONDS
FAILURES=()

log() { printf '[bench %3ds] %s\n' $((SECONDS - START)) "$*" >&2; }
fail() { FAILURES+=("$*"); log "FAILED: $*"; }

# Records a command in the commands list (what BENCHMARKS.md shows) and runs it.
run() {
    printf '%s\n' "$*" >>"$CMDS"
    "$@"
}

# emit SECTION JSON_FIELDS DATA_JSON — appends one result line.
emit() {
    printf '{"section": "%s", %s, "data": %s}\n' "$1" "$2" "$3" >>"$RES"
}

# Other work on the machine (builds, tests) skews timed runs. Before each
# timed run wait until the machine is at least 90 % idle over 0.2 s (at most
# 20 s); runs that had to start anyway are counted and reported.
BUSY_RUNS=0
TIMED_RUNS=0
wait_quiet() {
    TIMED_RUNS=$((TIMED_RUNS + 1))
    ((QUICK)) && return 0
    python3 - <<'PY' || BUSY_RUNS=$((BUSY_RUNS + 1))
import sys, time
def snap():
    v = [int(x) for x in open('/proc/stat').readline().split()[1:9]]
    return v[3] + v[4], sum(v)
deadline = time.time() + 20
while True:
    i0, t0 = snap()
    time.sleep(0.2)
    i1, t1 = snap()
    if (i1 - i0) / max(1, t1 - t0) >= 0.9:
        sys.exit(0)
    if time.time() > deadline:
        sys.exit(1)
PY
}

binof() { # binof LIB — the benchmark binary of a library
    case $1 in
    libmosquitto) echo "$BIN/bench_mosquitto" ;;
    *) echo "$BIN/bench_$1" ;;
    esac
}
# Paho C has no TCP_NODELAY option; the shim sets it (see bench/c/nodelay.c).
preload() { [[ $1 == paho ]] && echo "LD_PRELOAD=$BIN/nodelay.so" || echo "BENCH_LIB=$1"; }

# --- 0. dependencies ------------------------------------------------------
MQTT_RS_DEBIAN_PACKAGES+=(strace binutils util-linux libc6-dev libssl-dev)
if ! mqtt_rs_install_deps; then
    echo "bench/run.sh: missing packages could not be installed" >&2
    exit 1
fi
mqtt_rs_find_cargo || exit 1
for tool in gcc valgrind strace taskset readelf size strip python3 mosquitto openssl; do
    command -v "$tool" >/dev/null || { echo "bench/run.sh: $tool not found" >&2; exit 1; }
done

rm -rf "$W/bin" "$W/fp" "$W/cg" "$LOGS" "$RES" "$CMDS"
mkdir -p "$BIN" "$W/fp" "$W/cg" "$LOGS"
: >"$RES"
: >"$CMDS"

# --- 1. build -------------------------------------------------------------
# The plain library as CMake ships it (`cargo rustc --crate-type staticlib`, unwind tables
# left out on ELF hosts: cmake/unwind-tables.cmake), with the features of `cargo build`
# (persist, on by default for hosted CMake builds, left out as before).
log "building libmqtt_rs.a (CMake, as shipped)"
{ run cmake -S . -B "$W/cmake-plain" -DCMAKE_BUILD_TYPE=Release -DMQTT_RS_TLS=OFF -DMQTT_RS_PERSIST=OFF \
    -DMQTT_RS_BUILD_EXAMPLES=OFF -DMQTT_RS_BUILD_TESTS=OFF -DMQTT_RS_INSTALL=OFF >"$W/cmake-plain.log" &&
    run cmake --build "$W/cmake-plain" --target mqtt_rs_cargo >>"$W/cmake-plain.log" 2>&1; } ||
    { echo "bench/run.sh: CMake build of the library failed (see $W/cmake-plain.log)" >&2; exit 1; }
LIB=$W/cmake-plain/libmqtt_rs.a
HAVE_TLS_FEATURE=0
TLS_LIB=
TLS_LIBS_LINK=(-lm -lpthread) # what the TLS static library needs from libc (rustc --print native-static-libs)
if grep -Eq '^tls[[:space:]]*=' Cargo.toml; then
    HAVE_TLS_FEATURE=1
    # Feature "tls" alone, as on firmware: heap, clock and entropy come from the
    # application (c-examples/port/posix_tls_platform.c), not from the library.
    log "building the TLS library (cargo build --release --features tls)"
    if CARGO_TARGET_DIR=$W/cargo-tls run cargo build --release --quiet --features tls; then
        TLS_LIB=$W/cargo-tls/release/libmqtt_rs.a
    else
        fail "cargo build --features tls"
    fi
fi
# Full runs: the handshake of section 6 with each crypto provider the host can run, beside
# the default (ring): the pure-Rust one and PSA over Debian's Mbed TLS (libmbedcrypto).
TLS_PROVIDERS=()
((QUICK)) || TLS_PROVIDERS=(rustcrypto psa)
declare -A TLS_PROVIDER_LIB=()
for provider in "${TLS_PROVIDERS[@]}"; do
    ((HAVE_TLS_FEATURE)) || break
    log "building the TLS library with the $provider provider (--features tls,crypto-$provider)"
    if CARGO_TARGET_DIR=$W/cargo-tls-$provider run cargo build --release --quiet --features "tls,crypto-$provider"; then
        TLS_PROVIDER_LIB[$provider]=$W/cargo-tls-$provider/release/libmqtt_rs.a
    else
        fail "cargo build --features tls,crypto-$provider"
    fi
done
# The TLS programs need the TLS C API and the POSIX platform hooks of the port.
TLS_API=0
if [[ -n $TLS_LIB ]] && grep -q 'mqtt_rs_client_use_tls' include/mqtt_rs.h &&
    [[ -f c-examples/port/posix_tls_platform.c && -f bench/c/min_mqtt_rs_tls.c ]]; then
    TLS_API=1
fi

CFLAGS=(-O2 -g -std=c99 -Wall -Wextra -Iinclude -Ic-examples/port -Ibench/c)
log "building the C benchmark programs"
build_ok=1
ccb() { run gcc "$@" || build_ok=0; }
ccb "${CFLAGS[@]}" -c -o "$BIN/posix_net.o" c-examples/port/posix_net.c
ccb "${CFLAGS[@]}" -o "$BIN/bench_mqtt_rs" bench/c/harness.c bench/c/drv_mqtt_rs.c "$BIN/posix_net.o" "$LIB"
ccb "${CFLAGS[@]}" -o "$BIN/bench_blocking_mqtt_rs" bench/c/blocking_mqtt_rs.c "$BIN/posix_net.o" "$LIB"
ccb "${CFLAGS[@]}" -o "$BIN/bench_mosquitto" bench/c/harness.c bench/c/drv_mosquitto.c -lmosquitto
ccb "${CFLAGS[@]}" -o "$BIN/bench_paho" bench/c/harness.c bench/c/drv_paho.c -lpaho-mqtt3c -lpthread
ccb "${CFLAGS[@]}" -o "$BIN/bench_raw" bench/c/harness.c bench/c/drv_raw.c bench/c/rawmqtt.c
ccb "${CFLAGS[@]}" -o "$BIN/sub_count" bench/c/sub_count.c bench/c/rawmqtt.c
ccb "${CFLAGS[@]}" -o "$BIN/stack_mqtt_rs" bench/c/stack_mqtt_rs.c "$BIN/posix_net.o" "$LIB"
ccb "${CFLAGS[@]}" -o "$BIN/tls_libmosquitto" bench/c/tls_mosquitto.c -lmosquitto -lssl
ccb -O2 -Wall -shared -fPIC -o "$BIN/nodelay.so" bench/c/nodelay.c -ldl
if ((TLS_API)); then
    ccb "${CFLAGS[@]}" -c -o "$BIN/posix_tls_platform.o" c-examples/port/posix_tls_platform.c
    ccb "${CFLAGS[@]}" -DBENCH_TLS -o "$BIN/stack_mqtt_rs_tls" bench/c/stack_mqtt_rs.c "$BIN/posix_net.o" \
        "$BIN/posix_tls_platform.o" "$TLS_LIB" "${TLS_LIBS_LINK[@]}"
    ccb "${CFLAGS[@]}" -o "$BIN/tls_mqtt_rs" bench/c/tls_mqtt_rs.c "$BIN/posix_net.o" "$BIN/posix_tls_platform.o" \
        "$TLS_LIB" "${TLS_LIBS_LINK[@]}"
    for provider in "${!TLS_PROVIDER_LIB[@]}"; do
        extra=()
        [[ $provider == psa ]] && extra=(-l:libmbedcrypto.a)
        ccb "${CFLAGS[@]}" -o "$BIN/tls_mqtt_rs-$provider" bench/c/tls_mqtt_rs.c "$BIN/posix_net.o" \
            "$BIN/posix_tls_platform.o" "${TLS_PROVIDER_LIB[$provider]}" "${extra[@]}" "${TLS_LIBS_LINK[@]}"
    done
fi
((build_ok)) || { echo "bench/run.sh: building the C programs failed" >&2; exit 1; }

# --- broker -----------------------------------------------------------------
pick_ports() {
    local base off busy
    for base in ${MQTT_RS_PORT_BASE:-} 18800 19800 20800 21800 22800 23800; do
        busy=0
        for off in 85 86 87 88; do
            mqtt_rs_port_open $((base + off)) && busy=1
        done
        if ((!busy)); then
            PORT=$((base + 85)) PORT_TLS13=$((base + 86)) PORT_TLS12=$((base + 87)) PORT_RSA=$((base + 88))
            return 0
        fi
    done
    return 1
}
pick_ports || { echo "bench/run.sh: no free ports for the broker" >&2; exit 1; }
BROKER_DIR=$W/broker
mkdir -p "$BROKER_DIR"
bash tests/broker/make-pki.sh "$ROOT/$W/pki" || { echo "bench/run.sh: PKI generation failed" >&2; exit 1; }
PKI=$ROOT/$W/pki # absolute for mosquitto's configuration
CA=$W/pki/ca.crt  # relative in the client commands
CA_RSA=$W/pki/rsa2048-ca.crt # the RSA-2048 chain of the listener on PORT_RSA
cat >"$BROKER_DIR/mosquitto.conf" <<EOF
# Generated by bench/run.sh
per_listener_settings false
persistence false
user $(id -un)
log_dest stderr
log_type error
log_type warning
set_tcp_nodelay true
max_queued_messages 0
max_inflight_messages $WINDOW
allow_anonymous true
listener $PORT 127.0.0.1
listener $PORT_TLS13 127.0.0.1
certfile $PKI/server.crt
keyfile $PKI/server.key
tls_version tlsv1.3
listener $PORT_TLS12 127.0.0.1
certfile $PKI/server.crt
keyfile $PKI/server.key
tls_version tlsv1.2
listener $PORT_RSA 127.0.0.1
certfile $PKI/server-rsa2048.crt
keyfile $PKI/server-rsa2048.key
tls_version tlsv1.3
EOF
BROKER_PID=
stop_broker() {
    if [[ -n $BROKER_PID ]] && kill -0 "$BROKER_PID" 2>/dev/null; then
        kill "$BROKER_PID" 2>/dev/null
        wait "$BROKER_PID" 2>/dev/null
    fi
    BROKER_PID=
}
trap stop_broker EXIT
trap 'exit 130' INT TERM
mosquitto -c "$BROKER_DIR/mosquitto.conf" >"$BROKER_DIR/console.log" 2>&1 &
BROKER_PID=$!
for _ in $(seq 50); do
    mqtt_rs_port_open "$PORT" && mqtt_rs_port_open "$PORT_TLS13" && break
    sleep 0.1
done
if ! mqtt_rs_port_open "$PORT"; then
    cat "$BROKER_DIR/console.log" >&2
    echo "bench/run.sh: mosquitto did not start" >&2
    exit 1
fi
# CPUs this process may use (a container may not start at CPU 0).
read -r -a CPUS <<<"$(python3 -c 'import os; print(" ".join(map(str, sorted(os.sched_getaffinity(0)))))')"
NCPU=${#CPUS[@]}
CPU_A=${CPUS[0]}
CPU_B=${CPUS[1]:-${CPUS[0]}}
ALL_CPUS=$(IFS=,; echo "${CPUS[*]}")
if ((NCPU > 1)) && ! taskset -c "$CPU_A" true 2>/dev/null; then
    log "taskset does not work here: nothing is pinned"
    NCPU=1
fi
pin_broker() { # pin_broker CPU|all
    if ((NCPU > 1)); then
        if [[ $1 == all ]]; then taskset -a -p -c "$ALL_CPUS" "$BROKER_PID" >/dev/null
        else taskset -a -p -c "$1" "$BROKER_PID" >/dev/null; fi
    fi
}
PIN0=()
((NCPU > 1)) && PIN0=(taskset -c "$CPU_A")
log "broker pid $BROKER_PID on 127.0.0.1:$PORT (TLS 1.3 :$PORT_TLS13, TLS 1.2 :$PORT_TLS12, RSA-2048 :$PORT_RSA)"

# --- 1. footprint -----------------------------------------------------------
FP=$W/fp
FPFLAGS=(-Os -ffunction-sections -fdata-sections -Wl,--gc-sections -std=c99 -Wall)
footprint() { # footprint LIB VARIANT "RUN ARGS" SOURCE... -- LINKARGS...
    local lib=$1 variant=$2 runargs=$3 name="min_$1_$2" srcs=() share sz crates
    shift 3
    while (($#)) && [[ $1 != -- ]]; do srcs+=("$1"); shift; done
    shift
    if ! run gcc "${FPFLAGS[@]}" -Iinclude -Ic-examples/port -o "$FP/$name" "${srcs[@]}" "$@" \
        -Wl,-Map="$FP/$name.map"; then
        fail "footprint build $name"
        return
    fi
    cp "$FP/$name" "$FP/$name.stripped" && strip "$FP/$name.stripped"
    sz=$(size "$FP/$name.stripped" | awk 'NR==2{printf "{\"text\": %d, \"data\": %d, \"bss\": %d}", $1, $2, $3}')
    share=$(python3 bench/tools.py mapshare "$FP/$name.map" libmqtt_rs.a posix_net.o posix_tls_platform.o libpaho-mqtt3c.a)
    # Inside libmqtt_rs.a, per crate (mqtt_rs, core, rustls, ring, ...).
    crates=$(python3 bench/tools.py mapcrates "$FP/$name.map" libmqtt_rs.a)
    local runs=false
    # shellcheck disable=SC2086 # runargs holds several words
    if timeout 10 "$FP/$name.stripped" $runargs >/dev/null 2>&1; then runs=true; else fail "footprint client $name does not work"; fi
    emit footprint "\"lib\": \"$lib\", \"variant\": \"$variant\", \"works\": $runs" \
        "{\"binary\": $sz, \"share\": $share, \"crates\": $crates}"
}
log "1 footprint"
run gcc "${FPFLAGS[@]}" -Iinclude -Ic-examples/port -c -o "$FP/posix_net.o" c-examples/port/posix_net.c
footprint mqtt_rs plain "$PORT" bench/c/min_mqtt_rs.c "$FP/posix_net.o" -- "$LIB"
if ((TLS_API)); then
    run gcc "${FPFLAGS[@]}" -Iinclude -Ic-examples/port -c -o "$FP/posix_tls_platform.o" c-examples/port/posix_tls_platform.c
    footprint mqtt_rs tls "$PORT_TLS13 $CA" bench/c/min_mqtt_rs_tls.c "$FP/posix_net.o" "$FP/posix_tls_platform.o" \
        -- "$TLS_LIB" "${TLS_LIBS_LINK[@]}"
fi
# The same clients against a library built as a staticlib only: Cargo.toml's
# crate-type = ["staticlib", "rlib"] leaves each crate's own object in the
# archive next to the LTO module; `cargo rustc --crate-type staticlib` does not.
# The plain one keeps its unwind tables: what CMake's MQTT_RS_UNWIND_TABLES=ON ships.
if ((!QUICK)); then
    log "1 footprint: staticlib-only builds (cargo rustc --crate-type staticlib)"
    if CARGO_TARGET_DIR=$W/cargo-lto run cargo rustc --release --quiet --lib --crate-type staticlib; then
        footprint mqtt_rs plain-lto "$PORT" bench/c/min_mqtt_rs.c "$FP/posix_net.o" -- "$W/cargo-lto/release/libmqtt_rs.a"
    else
        fail "cargo rustc --crate-type staticlib"
    fi
    if ((TLS_API)); then
        if CARGO_TARGET_DIR=$W/cargo-lto-tls run cargo rustc --release --quiet --lib --features tls --crate-type staticlib; then
            footprint mqtt_rs tls-lto "$PORT_TLS13 $CA" bench/c/min_mqtt_rs_tls.c "$FP/posix_net.o" \
                "$FP/posix_tls_platform.o" -- "$W/cargo-lto-tls/release/libmqtt_rs.a" "${TLS_LIBS_LINK[@]}"
        else
            fail "cargo rustc --features tls --crate-type staticlib"
        fi
    fi
fi
footprint libmosquitto plain "$PORT" bench/c/min_mosquitto.c -- -lmosquitto
footprint paho plain "$PORT" bench/c/min_paho.c -- -l:libpaho-mqtt3c.a -lpthread
# libmosquitto is only shipped as a shared library: its whole .so is its share.
SO=$(ldd "$FP/min_libmosquitto_plain" | awk '/libmosquitto/{print $3}')
if [[ -n $SO ]]; then
    sz=$(size "$SO" | awk 'NR==2{printf "{\"text\": %d, \"data\": %d, \"bss\": %d}", $1, $2, $3}')
    deps=$(ldd "$SO" | awk '{print $1}' | grep -v -e '^linux-vdso' -e '^/' | tr '\n' ' ')
    emit footprint_so "\"lib\": \"libmosquitto\"" "{\"file\": \"$(basename "$(readlink -f "$SO")")\", \"size\": $sz, \"deps\": \"$deps\"}"
fi
emit undefined "\"lib\": \"mqtt_rs\", \"variant\": \"plain\"" "$(python3 bench/tools.py undefined "$LIB")"
if [[ -n $TLS_LIB ]]; then
    emit undefined "\"lib\": \"mqtt_rs\", \"variant\": \"tls\"" "$(python3 bench/tools.py undefined "$TLS_LIB")"
fi
printf '%s\n' "python3 bench/tools.py undefined $LIB   # readelf -sW: nm reports no symbols for Rust's LLVM objects when the LLVMgold plugin is installed" >>"$CMDS"

# --- 2. RAM ---------------------------------------------------------------------
log "2 ram: stack per API call, heap peak"
if out=$(run timeout 60 "$BIN/stack_mqtt_rs" 127.0.0.1 "$PORT" "bench/stack/$$"); then
    emit stack "\"lib\": \"mqtt_rs\", \"variant\": \"plain\"" "$out"
else
    fail "stack measurement"
fi
if ((TLS_API)); then
    if out=$(run timeout 60 "$BIN/stack_mqtt_rs_tls" 127.0.0.1 "$PORT_TLS13" "bench/stack/$$" "$CA"); then
        emit stack "\"lib\": \"mqtt_rs\", \"variant\": \"tls\"" "$out"
    else
        fail "stack measurement over TLS"
    fi
fi
dhat() { # dhat LIB QOS
    local lib=$1 q=$2 bin pre f=$W/cg/dhat.$1.$2
    bin=$(binof "$lib")
    pre=$(preload "$lib")
    if run env "$pre" valgrind --tool=dhat --dhat-out-file="$f.json" "$bin" thr -p "$PORT" -q "$q" -n "$N_DHAT" \
        -w $WINDOW -s $PAYLOAD -t "bench/dhat/$lib" >"$f.out" 2>"$f.err"; then
        local peak blocks total
        peak=$(sed -n 's/.*At t-gmax: *\([0-9,]*\) bytes.*/\1/p' "$f.err" | tr -d ,)
        blocks=$(sed -n 's/.*At t-gmax: *[0-9,]* bytes in \([0-9,]*\) blocks.*/\1/p' "$f.err" | tr -d ,)
        total=$(sed -n 's/.*Total: *\([0-9,]*\) bytes in \([0-9,]*\) blocks.*/\1 \2/p' "$f.err" | tr -d ,)
        emit heap "\"lib\": \"$lib\", \"qos\": $q" \
            "{\"peak_bytes\": ${peak:-0}, \"peak_blocks\": ${blocks:-0}, \"total_bytes\": ${total% *}, \"total_blocks\": ${total#* }, \"n\": $N_DHAT, \"run\": $(cat "$f.out")}"
    else
        fail "dhat $lib"
    fi
}
for lib in "${LIBS[@]}"; do dhat "$lib" 1; done

# --- 3. throughput --------------------------------------------------------------
thr() { # thr LIB QOS REP PLACEMENT
    local lib=$1 q=$2 rep=$3 placement=$4 bin pre topic ready sub_pid pub sub rc pin=()
    [[ $lib == raw ]] && bin=$BIN/bench_raw || bin=$(binof "$lib")
    pre=$(preload "$lib")
    topic="bench/thr/$lib/$q/$rep/$$"
    ready=$W/sub.ready
    rm -f "$ready"
    [[ $placement == split ]] && pin=("${PIN0[@]}") # CPU_A (the broker is on CPU_B)
    wait_quiet
    "${pin[@]}" "$BIN/sub_count" 127.0.0.1 "$PORT" "$topic" 0 "$N_THR" "$ready" 120 5 >"$W/sub.json" 2>"$LOGS/sub.err" &
    sub_pid=$!
    for _ in $(seq 500); do [[ -f $ready ]] && break; sleep 0.01; done
    if [[ ! -f $ready ]]; then
        kill "$sub_pid" 2>/dev/null; wait "$sub_pid" 2>/dev/null
        fail "throughput $lib QoS $q: subscriber not ready"
        return
    fi
    if ((rep == 1)); then
        printf '%s\n' "${pin[*]} $BIN/sub_count 127.0.0.1 $PORT $topic 0 $N_THR READY_FILE 120 5 &" >>"$CMDS"
        printf '%s\n' "env $pre ${pin[*]} $bin thr -p $PORT -q $q -n $N_THR -w $WINDOW -s $PAYLOAD -t $topic" >>"$CMDS"
    fi
    pub=$(timeout 150 env "$pre" "${pin[@]}" "$bin" thr -p "$PORT" -q "$q" -n "$N_THR" -w $WINDOW -s $PAYLOAD -t "$topic" 2>"$LOGS/pub.err")
    rc=$?
    wait "$sub_pid"
    sub=$(cat "$W/sub.json")
    if ((rc != 0)) || [[ -z $pub || -z $sub ]]; then
        fail "throughput $lib QoS $q rep $rep (publisher exit $rc: $(head -c 300 "$LOGS/pub.err"))"
        return
    fi
    emit thr "\"lib\": \"$lib\", \"qos\": $q, \"rep\": $rep, \"placement\": \"$placement\"" "{\"pub\": $pub, \"sub\": $sub}"
}
# Placement "split": the broker alone on one CPU, publisher and subscriber on another
# (stable; the summary uses it). Placement "free": unpinned, the scheduler
# decides (noisy; full mode only).
if ((NCPU > 1)); then
    log "3 throughput: $N_THR x $PAYLOAD B, window $WINDOW, broker on CPU $CPU_B, clients on CPU $CPU_A, $REPS repetitions"
    pin_broker "$CPU_B"
    for rep in $(seq "$REPS"); do
        for q in 0 1 2; do
            for lib in raw "${LIBS[@]}"; do thr "$lib" "$q" "$rep" split; done
        done
    done
    pin_broker all
fi
if ((NCPU == 1 || !QUICK)); then
    log "3 throughput: unpinned, $REPS_FREE repetitions"
    for rep in $(seq "$REPS_FREE"); do
        for q in 0 1 2; do
            for lib in raw "${LIBS[@]}"; do thr "$lib" "$q" "$rep" free; done
        done
    done
fi

# The library's own in-flight limit: the harness offers 1000 outstanding QoS 2
# publishes, mqtt_rs keeps its default window (max_inflight 0 = min(slots, 20)).
log "3 in-flight window check"
if out=$(run timeout 60 "$BIN/bench_mqtt_rs" thr -p "$PORT" -q 2 -n $((N_THR / 10)) -w 1000 -L 0 -s $PAYLOAD \
    -t "bench/window/$$" 2>"$LOGS/window.err"); then
    emit window "\"lib\": \"mqtt_rs\"" "$out"
else
    fail "window check: $(head -c 300 "$LOGS/window.err")"
fi

# --- 4. latency -------------------------------------------------------------------
lat() { # lat LIB QOS REP N WARMUP [LABEL]
    local lib=$1 q=$2 rep=$3 n=$4 w=$5 label=${6:-$1} bin pre out
    [[ $lib == raw ]] && bin=$BIN/bench_raw || bin=$(binof "$lib")
    pre=$(preload "$lib")
    [[ $label == paho-nagle ]] && pre=BENCH_NAGLE=1
    local cmd=(env "$pre" "${PIN0[@]}" "$bin" lat -p "$PORT" -q "$q" -n "$n" -W "$w" -s $PAYLOAD -t "bench/lat/$label/$$")
    ((rep == 1)) && printf '%s\n' "${cmd[*]}" >>"$CMDS"
    wait_quiet
    if out=$(timeout 120 "${cmd[@]}" 2>"$LOGS/lat.err"); then
        emit lat "\"lib\": \"$label\", \"qos\": $q, \"rep\": $rep" "$out"
    else
        fail "latency $label QoS $q rep $rep: $(head -c 300 "$LOGS/lat.err")"
    fi
}
log "4 latency: $N_LAT round trips, client and broker on CPU $CPU_A"
pin_broker "$CPU_A"
for rep in $(seq "$REPS"); do
    for q in 0 1; do
        for lib in raw "${LIBS[@]}"; do lat "$lib" "$q" "$rep" "$N_LAT" "$W_LAT"; done
    done
done
# Paho as shipped (Nagle on): a few samples show the delayed-ACK stall.
lat paho 1 1 "$N_LAT_NAGLE" 2 paho-nagle
pin_broker all

# --- 5. CPU --------------------------------------------------------------------------
LIBSYMS=$W/cg/libmqtt_rs.syms
PORTSYMS=$W/cg/posix_net.syms
python3 bench/tools.py defined "$LIB" >"$LIBSYMS"
python3 bench/tools.py defined "$BIN/posix_net.o" >"$PORTSYMS"
cpu() { # cpu LIB QOS REP
    local lib=$1 q=$2 rep=$3 bin pre f=$W/cg/cpu.$1.$2.$3 obj=()
    [[ $lib == raw ]] && bin=$BIN/bench_raw || bin=$(binof "$lib")
    pre=$(preload "$lib")
    case $lib in
    libmosquitto) obj=(--lib-object libmosquitto.so) ;;
    paho) obj=(--lib-object libpaho-mqtt3c.so) ;;
    esac
    if run env "$pre" valgrind --tool=callgrind --collect-atstart=no --demangle=no --callgrind-out-file="$f.out" \
        "$bin" cpu -p "$PORT" -q "$q" -n "$N_CPU" -W "$W_CPU" -s $PAYLOAD -t "bench/cpu/$lib/$$" >"$f.json" 2>"$f.err"; then
        emit cpu "\"lib\": \"$lib\", \"qos\": $q, \"rep\": $rep, \"n\": $N_CPU" \
            "$(python3 bench/tools.py callgrind "$f.out" --lib-syms "$LIBSYMS" --port-syms "$PORTSYMS" "${obj[@]}")"
    else
        fail "callgrind $lib QoS $q: $(tail -c 300 "$f.err")"
    fi
}
# sysc LIB QOS MODE — syscalls per publish: strace -c -f on N and 2N publishes, the difference / N.
sysc() {
    local lib=$1 q=$2 mode=$3 bin pre n f=$W/cg/sys.$1.$2.$3 counts=()
    [[ $lib == raw ]] && bin=$BIN/bench_raw || bin=$(binof "$lib")
    pre=$(preload "$lib")
    for n in "$N_SYS" $((2 * N_SYS)); do
        local extra=()
        [[ $mode == cpu ]] && extra=(-W "$W_CPU")
        if ! run env "$pre" strace -f -c -o "$f.$n.txt" "$bin" "$mode" -p "$PORT" -q "$q" -n "$n" "${extra[@]}" \
            -w $WINDOW -s $PAYLOAD -t "bench/sys/$lib/$$" >/dev/null 2>"$f.err"; then
            fail "strace $lib QoS $q $mode: $(tail -c 300 "$f.err")"
            return
        fi
        counts+=("$(python3 bench/tools.py strace "$f.$n.txt")")
    done
    emit sys "\"lib\": \"$lib\", \"qos\": $q, \"mode\": \"$mode\", \"n\": $N_SYS" \
        "{\"small\": ${counts[0]}, \"large\": ${counts[1]}}"
}
log "5 cpu: callgrind ($N_CPU stop-and-wait publishes after $W_CPU, $CPU_REPS repetitions), strace"
for rep in $(seq "$CPU_REPS"); do
    for q in $CPU_QOS; do
        for lib in raw "${LIBS[@]}"; do cpu "$lib" "$q" "$rep"; done
    done
done
for q in 0 1; do
    for lib in raw "${LIBS[@]}"; do
        sysc "$lib" "$q" cpu
        sysc "$lib" "$q" thr
    done
done
# sysb CALL — syscalls per blocking mqtt_rs call (bench/c/blocking_mqtt_rs.c: pub0, pub1,
# sub), strace -c -f on N and 2N calls, the difference / N.
sysb() {
    local call=$1 n f=$W/cg/sysb.$1 counts=()
    for n in "$N_SYS" $((2 * N_SYS)); do
        if ! run strace -f -c -o "$f.$n.txt" "$BIN/bench_blocking_mqtt_rs" "$call" "$PORT" "$n" >/dev/null 2>"$f.err"; then
            fail "strace blocking $call: $(tail -c 300 "$f.err")"
            return
        fi
        counts+=("$(python3 bench/tools.py strace "$f.$n.txt")")
    done
    emit sysb "\"call\": \"$call\", \"n\": $N_SYS" "{\"small\": ${counts[0]}, \"large\": ${counts[1]}}"
}
for call in pub0 pub1 sub; do sysb "$call"; done
# cgb CALL — library instructions per blocking mqtt_rs call: callgrind on N and 2N calls of
# bench_blocking_mqtt_rs, the difference / N (connecting, start-up and leaving cancel out).
cgb() {
    local call=$1 n f=$W/cg/cgb.$1 counts=()
    for n in "$N_SYS" $((2 * N_SYS)); do
        if ! run valgrind --tool=callgrind --demangle=no --callgrind-out-file="$f.$n.out" \
            "$BIN/bench_blocking_mqtt_rs" "$call" "$PORT" "$n" >/dev/null 2>"$f.err"; then
            fail "callgrind blocking $call: $(tail -c 300 "$f.err")"
            return
        fi
        counts+=("$(python3 bench/tools.py callgrind "$f.$n.out" --lib-syms "$LIBSYMS" --port-syms "$PORTSYMS")")
    done
    emit cpub "\"call\": \"$call\", \"n\": $N_SYS" "$(python3 - "$N_SYS" "${counts[@]}" <<'PY'
import json, sys
n, small, large = int(sys.argv[1]), json.loads(sys.argv[2]), json.loads(sys.argv[3])
print(json.dumps({k: (large[k] - small[k]) / n for k in ('library', 'port', 'libc', 'total')}))
PY
)"
}
for call in pub0 pub1; do cgb "$call"; done

# --- 6. TLS ------------------------------------------------------------------------------
# Every TLS program follows one contract (bench/README.md):
#   tls_LIB HOST PORT CAFILE|- TLSVERSION COUNT full|resumed  ->  one JSON object
TLS_LIBS=(libmosquitto)
((TLS_API)) && [[ -x $BIN/tls_mqtt_rs ]] && TLS_LIBS+=(mqtt_rs)
for provider in "${TLS_PROVIDERS[@]}"; do
    ((TLS_API)) && [[ -x $BIN/tls_mqtt_rs-$provider ]] && TLS_LIBS+=("mqtt_rs-$provider")
done
log "6 tls: connection set-up (${TLS_LIBS[*]})"
# libmosquitto's "tlsv1.2" still negotiates TLS 1.3 with a broker that has it:
# pin TLS 1.2 for its process through OpenSSL's configuration.
cat >"$W/openssl-tls12.cnf" <<'EOF'
openssl_conf = openssl_init
[openssl_init]
ssl_conf = ssl_sect
[ssl_sect]
system_default = system_default_sect
[system_default_sect]
MaxProtocol = TLSv1.2
EOF
tls() { # tls LIB LABEL PORT CAFILE VERSION KIND
    local lib=$1 label=$2 kind=$6 out prog=$BIN/tls_$1 cg=$W/cg/tls.$1.$2.$6 ir=null env=(env)
    [[ $lib == libmosquitto && $5 == tlsv1.2 ]] && env=(env "OPENSSL_CONF=$W/openssl-tls12.cnf")
    if ! out=$(run "${env[@]}" timeout 60 "$prog" 127.0.0.1 "$3" "$4" "$5" "$N_TLS" "$kind" 2>"$LOGS/tls.err"); then
        fail "tls $lib $label $kind: $(head -c 300 "$LOGS/tls.err")"
        return
    fi
    if [[ $out == *'"supported": true'* ]]; then
        # Instructions: 4 connects, the first (loading certificates, priming a
        # session) is not collected.
        if run "${env[@]}" valgrind --tool=callgrind --collect-atstart=no --callgrind-out-file="$cg.out" \
            "$prog" 127.0.0.1 "$3" "$4" "$5" 4 "$kind" >/dev/null 2>"$cg.err"; then
            ir=$(sed -n 's/^summary: *//p' "$cg.out")
            ir=$(( ${ir:-0} / 3 ))
        else
            fail "callgrind tls $lib $label $kind"
        fi
    fi
    emit tls "\"lib\": \"$lib\", \"label\": \"$label\", \"kind\": \"$kind\", \"instructions\": $ir" "$out"
}
for lib in "${TLS_LIBS[@]}"; do
    [[ $lib == mqtt_rs-* ]] || tls "$lib" none "$PORT" - none full # MQTT alone: once per library
    for kind in full resumed; do
        tls "$lib" tls13 "$PORT_TLS13" "$CA" tlsv1.3 "$kind"
        tls "$lib" tls12 "$PORT_TLS12" "$CA" tlsv1.2 "$kind"
        # A typical cloud broker's chain (RSA-2048 CA and server): this library only, TLS 1.3.
        [[ $lib == mqtt_rs* ]] && tls "$lib" tls13rsa "$PORT_RSA" "$CA_RSA" tlsv1.3 "$kind"
    done
done

# Full runs: the TLS library's size per crypto provider and per diet (Cortex-M4F and x86_64).
if ((!QUICK && HAVE_TLS_FEATURE)); then
    log "6 tls: size per crypto provider and diet (bench/tls_diet.sh)"
    bash bench/tls_diet.sh "$W" "$RES" "$CMDS" || fail "6 tls: size per provider and diet (bench/tls_diet.sh)"
fi

# --- 7. microcontroller targets ----------------------------------------------------------
log "7 targets: Cortex-M and RISC-V builds, firmware under QEMU"
bash bench/target.sh "$W" "$RES" "$CMDS" "$PORT" "$QUICK" || fail "7 targets (bench/target.sh)"

# Byte budgets of the footprint rows (bench/budgets.txt); the instruction counts are printed beside them.
python3 bench/tools.py budgets bench/budgets.txt "$RES" || fail "byte budgets (bench/budgets.txt)"

stop_broker

# --- report --------------------------------------------------------------------------------
ELAPSED=$((SECONDS - START))
python3 - "$W/meta.json" "$QUICK" "$REPS" "$ELAPSED" "$HAVE_TLS_FEATURE" "$TLS_API" "$BUSY_RUNS" "$TIMED_RUNS" <<'PY'
import json, os, platform, subprocess, sys
def sh(cmd):
    try:
        return subprocess.run(cmd, shell=True, capture_output=True, text=True, timeout=20).stdout.strip()
    except Exception:
        return ''
def pkg(name):
    return sh("dpkg-query -W -f='${Version}' %s 2>/dev/null" % name) or 'not a Debian package'
cpu = sh("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2").strip()
meta = {
    'quick': sys.argv[2] == '1', 'reps': int(sys.argv[3]), 'elapsed_s': int(sys.argv[4]),
    'tls_feature': sys.argv[5] == '1', 'tls_api': sys.argv[6] == '1',
    'busy_runs': int(sys.argv[7]), 'timed_runs': int(sys.argv[8]),
    'date': sh('date -u +%Y-%m-%dT%H:%MZ'),
    'commit': sh('git rev-parse --short HEAD') + (' (with uncommitted changes)' if sh('git status --porcelain --untracked-files=no') else ''),
    'cpu': cpu, 'ncpu': os.cpu_count(), 'kernel': platform.release(),
    'os': sh('. /etc/os-release && echo "$PRETTY_NAME"'),
    'mem': sh("awk '/MemTotal/{printf \"%.1f GiB\", $2/1048576}' /proc/meminfo"),
    'versions': {
        'rustc': sh('rustc --version'), 'cargo': sh('cargo --version'),
        'gcc': sh('gcc --version | head -1'), 'ld': sh('ld --version | head -1'),
        'mosquitto (broker)': pkg('mosquitto'), 'libmosquitto-dev': pkg('libmosquitto-dev'),
        'libpaho-mqtt-dev': pkg('libpaho-mqtt-dev'), 'libssl3': pkg('libssl3'),
        'valgrind': sh('valgrind --version'), 'strace': sh('strace -V | head -1'),
    },
}
json.dump(meta, open(sys.argv[1], 'w'), indent=1)
PY
# No machine paths in the report: commands are relative to the repository root.
sed -i "s|$ROOT/||g" "$CMDS"
if ! python3 bench/report.py "$RES" "$W/meta.json" "$CMDS" "$OUT"; then
    fail "report"
fi
[[ -f $OUT ]] && cat "$OUT"
log "wrote $OUT in $((SECONDS - START)) s"
if ((${#FAILURES[@]})); then
    printf 'bench/run.sh: %d measurement(s) failed:\n' "${#FAILURES[@]}" >&2
    printf '  %s\n' "${FAILURES[@]}" >&2
    exit 1
fi
exit 0
