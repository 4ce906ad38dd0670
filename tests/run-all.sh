#!/usr/bin/env bash
# run-all.sh — the project's test command:   bash tests/run-all.sh
#
# 1. installs missing Debian packages (see tests/lib.sh),
# 2. cargo test                      (all Rust tests; each test starts its own broker),
#    then again with --features tls,posix (the TLS build), and the TLS tests
#    once more with the pure-Rust crypto provider (crypto-rustcrypto) and with
#    the PSA Crypto provider over Debian's Mbed TLS (crypto-psa, psa-count)
# 3. cmake configure + build in build/ (with MQTT 5.0, -DMQTT_RS_MQTT5=ON)
# 4. ctest --test-dir build          (the C tests; the mqtt_rs_broker fixture runs
#                                     tests/broker/mosquitto.sh on build/broker)
#    then tests/consumer.sh (install, find_package, add_subdirectory, pkg-config)
# 5. extra stages, each run only when its script exists:
#      tests/lint.sh, tests/doxygen.sh, tests/sanitizers.sh, bench/run.sh --quick, fuzz/run-short.sh,
#      tests/qemu.sh
#
# Every stage runs even if an earlier one failed (except when a later stage
# needs the earlier one's output, e.g. ctest after a failed build). Exits
# non-zero when any stage failed; the last line reads "N passed, N failed".
#
# Environment:
#   MQTT_RS_PORT_BASE       port base of the shared broker (default: first free
#                           of 18800, 19800, ...; ports are base+83, 84, 93..99)
#   MQTT_RS_SKIP            stage names to skip, e.g. "bench fuzz"
#   MQTT_RS_STAGE_TIMEOUT   seconds before a stage is killed (default 1800)
#   MQTT_RS_BUILD_JOBS      parallel build jobs (default 2)
set -uo pipefail

ROOT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 1
# shellcheck source=tests/lib.sh
source "$ROOT/tests/lib.sh"

STAGE_TIMEOUT=${MQTT_RS_STAGE_TIMEOUT:-1800}
JOBS=${MQTT_RS_BUILD_JOBS:-2}
export RUST_BACKTRACE=${RUST_BACKTRACE:-1}
# Disk: the run builds a dozen feature sets and cross targets; with everything kept it
# filled a CI machine's disk (~10 GB). No incremental caches (of no use to one run) and
# line tables only in test builds (backtraces keep file and line); on CI, ci_prune below
# removes a stage's build outputs once no later stage reads them.
export CARGO_INCREMENTAL=${CARGO_INCREMENTAL:-0}
export CARGO_PROFILE_DEV_DEBUG=${CARGO_PROFILE_DEV_DEBUG:-line-tables-only}

PASSED=()
FAILED=()
SKIPPED=()

banner() { printf '\n==== %s ====\n' "$*"; }

skipped_by_user() { # skipped_by_user NAME
    [[ " ${MQTT_RS_SKIP:-} " == *" $1 "* ]]
}

# stage NAME COMMAND [ARGS...] — runs one stage under a timeout, records the result.
stage() {
    local name=$1 start rc
    shift
    if skipped_by_user "$name"; then
        SKIPPED+=("$name (MQTT_RS_SKIP)")
        return 0
    fi
    banner "stage $name: $*"
    start=$SECONDS
    timeout -k 30 "$STAGE_TIMEOUT" "$@" </dev/null
    rc=$?
    if ((rc == 0)); then
        PASSED+=("$name")
        echo "---- stage $name passed ($((SECONDS - start)) s, $(disk_free) free)"
    else
        ((rc == 124)) && echo "---- stage $name timed out after $STAGE_TIMEOUT s"
        FAILED+=("$name")
        echo "---- stage $name FAILED (exit $rc, $((SECONDS - start)) s, $(disk_free) free)"
    fi
    return $rc
}

disk_free() { df -h . | awk 'NR == 2 { print $4 }'; }

# ci_prune DIR...: on CI (CI=true) removes build outputs no later stage reads; kept
# elsewhere, where the next run reuses them.
ci_prune() {
    [[ ${CI:-} == true ]] || return 0
    rm -rf -- "$@"
    echo "---- CI: removed $*, $(disk_free) free"
}

summary_and_exit() {
    local s
    banner "summary"
    for s in "${PASSED[@]}"; do echo "  passed   $s"; done
    for s in "${FAILED[@]}"; do echo "  FAILED   $s"; done
    for s in "${SKIPPED[@]}"; do echo "  skipped  $s"; done
    echo "${#PASSED[@]} passed, ${#FAILED[@]} failed"
    ((${#FAILED[@]} == 0))
    exit $?
}

# --- preparation ---------------------------------------------------------
banner "dependencies"
if ! mqtt_rs_install_deps; then
    FAILED+=("dependencies")
    summary_and_exit
fi
if ! mqtt_rs_find_cargo; then
    FAILED+=("cargo toolchain")
    summary_and_exit
fi
cargo --version

# A broker left behind by an interrupted earlier run would hold our ports.
bash tests/broker/mosquitto.sh stop build/broker
bash tests/broker/mosquitto.sh stop build/demo-broker
# Debian's own mosquitto service (port 1883) is left alone: we never use 1883.
if ! mqtt_rs_pick_port_base; then
    FAILED+=("broker ports")
    summary_and_exit
fi
echo "shared broker port base: $MQTT_RS_PORT_BASE"

# --- Rust ----------------------------------------------------------------
stage cargo-test cargo test
# The TLS build: rustls over the same callbacks, against the TLS listeners.
# With the persistence hooks, as CMake builds for hosts (the engine reports the PUBREC step;
# tests/persist_restart.rs: an incoming QoS 2 message across a kill, restored from the store,
# and the QoS 0 offline queue kept in the store with persist_qos0).
stage cargo-test-tls cargo test --features tls,posix,persist
# MQTT 5.0 (feature mqtt5): the codec (round trips, malformed classes, proptests, no-panic
# proof), the engine against a scripted broker, the C API against mosquitto, and the 3.1.1
# engine and fake-broker tests with v5 compiled in; with the persistence hooks, as CMake
# builds for hosts (persist_v5: a restored flow resent with its properties; persist_restart:
# the incoming QoS 2 and QoS 0 restarts with the v5 record layout compiled in; the two
# engine_v5_*_properties binaries: offline and restored flows with properties, each in a
# process where no publish_v5 has set the property encoder's hook).
stage cargo-test-mqtt5 cargo test --features mqtt5,persist --test mqtt5_codec --test mqtt5_properties --test mqtt5_no_panic \
    --test engine_v5 --test mqtt5_broker --test mqtt5_scripted --test engine --test fake_broker \
    --test engine_v5_auth --test mqtt5_auth_scripted --test persist_v5 --test persist_restart \
    --test engine_v5_offline_properties --test engine_v5_restored_properties
# The same TLS tests with the pure-Rust crypto provider (the bare-metal default).
stage cargo-test-rustcrypto cargo test --features tls,posix,crypto-rustcrypto \
    --test tls_client --test tls_handshake --test tls_errors --test tls_chains --test tls_heap --test tls_hooks --test device_crypto
# And with the PSA Crypto provider over the system's Mbed TLS (libmbedtls-dev), the PSA
# calls counted (tests/tls_psa.rs: every primitive went through PSA).
# One test thread: the PSA core of Mbed TLS 2.28 is not thread-safe (key slots, even with
# MBEDTLS_THREADING_C), so parallel tests made concurrent PSA calls that failed at random.
stage cargo-test-psa cargo test --features tls,posix,crypto-psa,psa-count \
    --test tls_client --test tls_handshake --test tls_errors --test tls_chains --test tls_heap --test tls_hooks --test device_crypto \
    --test tls_psa -- --test-threads=1
# The TLS diet (tests/tls_diet.rs): one build per feature with the pure-Rust provider, one
# without the default feature tls12 (TLS 1.3 only), and ring without RSA (its client keys).
stage cargo-test-diet bash -c 'for args in "--features tls,posix,crypto-rustcrypto,tls-no-rsa" \
        "--features tls,posix,crypto-rustcrypto,tls-no-p384" "--features tls,posix,crypto-rustcrypto,tls-no-sha384" \
        "--no-default-features --features tls,posix,crypto-rustcrypto" "--features tls,posix,tls-no-rsa"; do
    cargo test $args --test tls_diet || exit 1
done'

# --- C (CMake) -----------------------------------------------------------
if [[ -f CMakeLists.txt ]]; then
    # shellcheck disable=SC2016 # expanded by the inner bash
    # With MQTT 5.0 built in: the C tests run the 3.1.1 paths with v5 compiled in, and the
    # tools' -V 5 / -D and the request/response example (c_mqtt5_tools); the sanitizer
    # builds (no MQTT 5.0) check the tools' refusals (c_mqtt5_not_built).
    if stage cmake-build bash -c 'cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DMQTT_RS_MQTT5=ON \
            -DMQTT_RS_PORT_BASE="$MQTT_RS_PORT_BASE" && cmake --build build -j"$1"' _ "$JOBS"; then
        stage ctest ctest --test-dir build --output-on-failure --timeout 300
    elif ! skipped_by_user cmake-build; then
        SKIPPED+=("ctest (build failed)")
    fi
    # Whatever happened, leave no broker running.
    bash tests/broker/mosquitto.sh stop build/broker
    # mqtt_rs as a dependency: installed + find_package, add_subdirectory,
    # Makefile + pkg-config, each running minimal.c (reuses build/'s archive).
    stage consumer bash tests/consumer.sh build
elif skipped_by_user cmake-build; then
    SKIPPED+=("cmake-build (MQTT_RS_SKIP)")
else
    # The C library, examples and tests are part of the project: their
    # absence is a failure, not something to skip silently.
    echo "ERROR: no CMakeLists.txt at the repository root (set MQTT_RS_SKIP=cmake-build to skip)"
    FAILED+=("cmake-build (no CMakeLists.txt)")
fi

# --- optional stages: plug in by adding the script -------------------------
run_optional() { # run_optional NAME SCRIPT [ARGS...]
    local name=$1 script=$2
    shift 2
    if [[ -f $script ]]; then
        stage "$name" bash "$script" "$@"
    else
        SKIPPED+=("$name (no $script)")
    fi
}
# Style and static checks: cargo fmt --check, clippy -D warnings per feature set, the header as C99.
run_optional lint tests/lint.sh
ci_prune target # the cargo test stages' and clippy's builds (bench builds its own)
run_optional doxygen tests/doxygen.sh
run_optional sanitizers tests/sanitizers.sh
ci_prune build-asan build-valgrind build-sanitizer-control
run_optional bench bench/run.sh --quick
ci_prune build/bench
run_optional fuzz fuzz/run-short.sh
ci_prune fuzz/target
# Microcontroller builds and the bare-metal firmware under QEMU (on CI each build keeps
# only its archives and firmware once built).
run_optional qemu tests/qemu.sh

summary_and_exit
