#!/usr/bin/env bash
# tests/sanitizers.sh — the C examples and C tests under AddressSanitizer +
# UndefinedBehaviorSanitizer, and under valgrind memcheck: 0 errors, 0 leaks.
# tests/run-all.sh runs it as the "sanitizers" stage; alone: bash tests/sanitizers.sh
#
#   build-asan/      C code built with -fsanitize=address,undefined; ctest runs every
#                    C test (examples against the shared broker, the POSIX port test).
#                    Reports go to build-asan/sanitizer-logs/ (a file there = failure,
#                    also for runs a test expected to fail).
#   build-valgrind/  C code built -O1 -g; ctest runs every example and test binary as
#                    valgrind --leak-check=full (MQTT_RS_TEST_LAUNCHER); each run's log
#                    in build-valgrind/valgrind-logs/ must say 0 errors (leaks count).
#
# ASan links the Rust library as cargo builds it for CMake (features tls,posix on
# Linux, the same target directory build/cargo, so after run-all's cmake-build stage
# nothing is rebuilt), so the TLS examples and tests run too. valgrind runs the plain
# (MQTT_RS_TLS=OFF) build: in the TLS build memcheck reports uninitialised bytes in
# the ClientHello session id and then in ring's AEAD tag check; that is open (see
# "Reliability" in README.md) and kept out of this stage until it is understood.
#
# Each part first proves that it catches something: a small program with a heap
# overflow (ASan), an overflowing shift (UBSan) and a leak (valgrind) must be reported.
# The Rust side has its own checks: cargo fuzz under ASan (fuzz/run-short.sh) and the
# tests in tests/.
#
# Environment: MQTT_RS_PORT_BASE (broker ports, as in run-all.sh),
# MQTT_RS_SANITIZERS="asan valgrind" (which parts to run).
set -uo pipefail
ROOT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 1
# shellcheck source=tests/lib.sh
source "$ROOT/tests/lib.sh"
mqtt_rs_find_cargo || exit 1
mqtt_rs_pick_port_base || exit 1
PARTS=${MQTT_RS_SANITIZERS:-asan valgrind}
JOBS=${MQTT_RS_BUILD_JOBS:-2}
FAILED=()
PASSED=()

command -v valgrind >/dev/null || { echo "sanitizers: valgrind missing (apt-get install valgrind)"; exit 1; }

# --- the Rust library, as CMake's cargo step builds it ---------------------
echo "== cargo build --release --features tls,posix (target dir build/cargo)"
if ! CARGO_TARGET_DIR=$ROOT/build/cargo cargo build --release --features tls,posix --quiet; then
    echo "sanitizers: the TLS library does not build"
    exit 1
fi
TLS_LIB=$ROOT/build/cargo/release/libmqtt_rs.a
echo "== cargo build --release (plain, target dir build-valgrind/cargo)"
if ! CARGO_TARGET_DIR=$ROOT/build-valgrind/cargo cargo build --release --quiet; then
    echo "sanitizers: the plain library does not build"
    exit 1
fi
PLAIN_LIB=$ROOT/build-valgrind/cargo/release/libmqtt_rs.a

# configure_build DIR LIBRARY CFLAGS [CMAKE ARGS...]
configure_build() {
    local dir=$1 lib=$2 flags=$3
    shift 3
    cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Debug \
        -DMQTT_RS_PREBUILT_LIBRARY="$lib" \
        -DMQTT_RS_PORT_BASE="$MQTT_RS_PORT_BASE" \
        -DCMAKE_C_FLAGS="$flags" -DCMAKE_CXX_FLAGS="$flags" \
        -DCMAKE_EXE_LINKER_FLAGS="$flags" "$@" >"$dir.configure.log" 2>&1 &&
        cmake --build "$dir" -j"$JOBS" >"$dir.build.log" 2>&1 ||
        { tail -n 40 "$dir.configure.log" "$dir.build.log"; return 1; }
}

# run_ctest DIR: every C test with the shared broker fixture; the broker is stopped after.
run_ctest() {
    local rc
    ctest --test-dir "$1" --output-on-failure --timeout 300
    rc=$?
    bash tests/broker/mosquitto.sh stop "$1/broker" >/dev/null 2>&1
    return $rc
}

# The controls: a C program with three planted bugs, in build-sanitizer-control/.
CONTROL=$ROOT/build-sanitizer-control
rm -rf "$CONTROL"
mkdir -p "$CONTROL"
cat >"$CONTROL/bugs.c" <<'C'
#include <stdlib.h>
#include <string.h>
int main(int argc, char **argv) {
    char *volatile p = malloc(8);
    if (argc > 1 && strcmp(argv[1], "overflow") == 0) p[8] = 1;             /* ASan */
    if (argc > 1 && strcmp(argv[1], "shift") == 0) {                        /* UBSan */
        volatile int s = argc + 30;
        return 1 << s;
    }
    p = 0;                                                                    /* leak */
    return 0;
}
C

# --- AddressSanitizer + UndefinedBehaviorSanitizer ---------------------------
if [[ " $PARTS " == *" asan "* ]]; then
    echo "== AddressSanitizer + UndefinedBehaviorSanitizer (build-asan)"
    rm -rf build-asan/sanitizer-logs
    mkdir -p build-asan
    LOGS=$ROOT/build-asan/sanitizer-logs
    mkdir -p "$LOGS"
    SAN="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -g -O1"
    # The control: each planted bug must be found the way the real run looks for
    # reports: ASan/LSan write files under log_path; UBSan (whose runtime ignores
    # log_path next to ASan) prints "runtime error:" on stderr, which the test logs keep.
    # shellcheck disable=SC2086
    cc $SAN -O0 "$CONTROL/bugs.c" -o "$CONTROL/bugs-asan"
    caught=0
    for bug in overflow shift leak; do
        rm -f "$CONTROL"/report.*
        ASAN_OPTIONS="detect_leaks=1:log_path=$CONTROL/report" UBSAN_OPTIONS="halt_on_error=1" \
            "$CONTROL/bugs-asan" "$bug" >/dev/null 2>"$CONTROL/stderr.$bug"
        if compgen -G "$CONTROL/report.*" >/dev/null || grep -q "runtime error:" "$CONTROL/stderr.$bug"; then
            caught=$((caught + 1))
        else
            echo "control: $bug not reported"
        fi
    done
    echo "asan+ubsan control: $caught of 3 planted bugs reported"
    if configure_build build-asan "$TLS_LIB" "$SAN" -DMQTT_RS_TLS=ON; then
        export ASAN_OPTIONS="detect_leaks=1:log_path=$LOGS/asan:strict_string_checks=1:detect_stack_use_after_return=1"
        export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
        export LSAN_OPTIONS="log_path=$LOGS/lsan"
        run_ctest build-asan
        rc=$?
        unset ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS
        # UBSan findings: its "runtime error:" lines, in ctest's log of every test's
        # output and in the stderr files the test scripts keep.
        grep -rl "runtime error:" build-asan/Testing/Temporary/LastTest.log build-asan/tests/c/scratch \
            2>/dev/null | while read -r f; do cp "$f" "$LOGS/ubsan-from-$(basename "$f")"; done
        reports=$(find "$LOGS" -type f | wc -l)
        if ((reports > 0)); then
            echo "sanitizers: $reports ASan/UBSan/LSan report(s):"
            find "$LOGS" -type f -exec sh -c 'echo "---- $1"; grep -m 20 -A 12 -E "ERROR|runtime error" "$1"' _ {} \;
        fi
        tests=$(ctest --test-dir build-asan -N | sed -n 's/^Total Tests: //p')
        echo "asan+ubsan: ctest exit $rc, $tests tests, $reports sanitizer reports"
        if ((rc == 0 && reports == 0 && caught == 3)); then PASSED+=(asan+ubsan); else FAILED+=(asan+ubsan); fi
    else
        FAILED+=("asan+ubsan (build)")
    fi
fi

# --- valgrind memcheck ---------------------------------------------------------
if [[ " $PARTS " == *" valgrind "* ]]; then
    echo "== valgrind memcheck (build-valgrind)"
    mkdir -p build-valgrind
    VLOGS=$ROOT/build-valgrind/valgrind-logs
    rm -rf "$VLOGS"
    mkdir -p "$VLOGS"
    LAUNCHER="valgrind;--quiet;--error-exitcode=99;--leak-check=full;--show-leak-kinds=definite,indirect,possible"
    LAUNCHER+=";--errors-for-leak-kinds=definite,indirect,possible;--track-fds=no;--log-file=$VLOGS/vg.%p.log"
    cc -g -O0 "$CONTROL/bugs.c" -o "$CONTROL/bugs-plain"
    if valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite "$CONTROL/bugs-plain" leak >/dev/null 2>&1; then
        vcaught=0
        echo "valgrind control: the planted leak was NOT reported"
    else
        vcaught=1
        echo "valgrind control: the planted leak is reported"
    fi
    if configure_build build-valgrind "$PLAIN_LIB" "-g -O1" -DMQTT_RS_TLS=OFF -DMQTT_RS_TEST_LAUNCHER="$LAUNCHER"; then
        run_ctest build-valgrind
        rc=$?
        runs=$(find "$VLOGS" -name 'vg.*.log' | wc -l)
        # --quiet leaves a log empty unless valgrind found something.
        bad=$(find "$VLOGS" -name 'vg.*.log' -size +0 | wc -l)
        if ((bad > 0)); then
            echo "valgrind: $bad run(s) with findings:"
            find "$VLOGS" -name 'vg.*.log' -size +0 -exec sh -c 'echo "---- $1"; head -n 60 "$1"' _ {} \;
        fi
        echo "valgrind: ctest exit $rc, $runs program runs under memcheck, $bad with errors or leaks"
        if ((rc == 0 && bad == 0 && runs > 0 && vcaught == 1)); then PASSED+=(valgrind); else FAILED+=(valgrind); fi
    else
        FAILED+=("valgrind (build)")
    fi
fi

echo "sanitizers: passed: ${PASSED[*]:-none}; failed: ${FAILED[*]:-none}"
((${#FAILED[@]} == 0))
