#!/usr/bin/env bash
# fuzz/run-short.sh [SECONDS] — builds the cargo-fuzz targets and runs each one for
# SECONDS (default 40, or MQTT_RS_FUZZ_SECONDS), starting from the committed seeds
# (fuzz/seeds/<target>) and the corpus earlier runs left in fuzz/corpus/<target>.
# Installs cargo-fuzz when it is missing (nightly Rust is needed for the sanitizer
# build). Exits non-zero when a target crashes; the crashing input is in
# fuzz/artifacts/<target>/. tests/run-all.sh runs this as its "fuzz" stage.
#
# Longer runs: see fuzz/README.md, e.g.
#   cargo +nightly fuzz run engine fuzz/corpus/engine fuzz/seeds/engine -- -max_total_time=3600
set -euo pipefail
cd "$(dirname -- "${BASH_SOURCE[0]}")"

SECS=${1:-${MQTT_RS_FUZZ_SECONDS:-40}}
TARGETS=(decode decode_v5 engine c_api)
CARGO_FUZZ_VERSION=0.13.2

if ! command -v cargo >/dev/null && [[ -n ${HOME:-} && -x $HOME/.cargo/bin/cargo ]]; then
    export PATH="$HOME/.cargo/bin:$PATH"
fi
if ! cargo +nightly --version >/dev/null 2>&1; then
    echo "fuzz: no nightly toolchain; trying: rustup toolchain install nightly --profile minimal"
    rustup toolchain install nightly --profile minimal || {
        echo "fuzz: ERROR: cargo fuzz needs nightly Rust (rustup toolchain install nightly)"
        exit 1
    }
fi
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
    echo "fuzz: installing cargo-fuzz $CARGO_FUZZ_VERSION from crates.io"
    cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked
fi
cargo +nightly --version
cargo +nightly fuzz --version

cargo +nightly fuzz build

failed=()
for t in "${TARGETS[@]}"; do
    mkdir -p "corpus/$t"
    log=$(mktemp)
    echo "== fuzz $t for ${SECS}s"
    # First corpus directory receives new inputs; the committed seeds are only read.
    if cargo +nightly fuzz run "$t" "corpus/$t" "seeds/$t" -- \
        -max_total_time="$SECS" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 >"$log" 2>&1; then
        execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
        echo "fuzz $t: ok, ${execs:-?} inputs in ${SECS}s, corpus $(find "corpus/$t" -type f | wc -l) files"
    else
        echo "fuzz $t: CRASH (or build failure); last lines of its log:"
        tail -n 60 "$log"
        echo "fuzz $t: the input is in fuzz/artifacts/$t/; after the fix, copy it to"
        echo "fuzz/regressions/$t/ so tests/fuzz_regressions.rs keeps checking it."
        failed+=("$t")
    fi
    rm -f "$log"
done

if ((${#failed[@]})); then
    echo "fuzz: crashed: ${failed[*]}"
    exit 1
fi
echo "fuzz: all ${#TARGETS[@]} targets ran ${SECS}s without a crash"
