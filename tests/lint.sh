#!/usr/bin/env bash
# lint.sh — style and static checks, each run even if an earlier one failed:
#
#   cargo fmt --check                                  (rustfmt.toml)
#   cargo clippy --all-targets -- -D warnings          for each feature set:
#                                                      plain (MQTT only), tls,posix,persist (ring),
#                                                      mqtt5, the rustcrypto and psa providers, and
#                                                      the whole TLS diet with each of those two
#   the header as strict C99: -std=c99 -pedantic -Wall -Wextra -Werror
#   RUSTDOCFLAGS=-D warnings cargo doc --no-deps         (no broken doc links)
#
# Exits non-zero when any check failed; the last line says which.
# Usage: bash tests/lint.sh        (MQTT_RS_LINT_SKIP="fmt clippy-plain" to leave some out)
set -uo pipefail
ROOT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 1
CC=${CC:-cc}
failed=()

check() { # check NAME COMMAND... — runs one check and records a failure
    local name=$1
    shift
    if [[ " ${MQTT_RS_LINT_SKIP:-} " == *" $name "* ]]; then
        echo "---- $name skipped"
        return
    fi
    echo "---- $name: $*"
    if "$@"; then
        echo "---- $name passed"
    else
        echo "---- $name FAILED"
        failed+=("$name")
    fi
}

check fmt cargo fmt --check
check clippy-plain cargo clippy --all-targets -- -D warnings
check clippy-tls cargo clippy --all-targets --features tls,posix,persist -- -D warnings
check clippy-mqtt5 cargo clippy --all-targets --features mqtt5 -- -D warnings
check clippy-rustcrypto cargo clippy --all-targets --features tls,posix,crypto-rustcrypto -- -D warnings
check clippy-psa cargo clippy --all-targets --features tls,posix,crypto-psa,psa-count -- -D warnings
# The whole TLS diet (tls-no-rsa, tls-no-p384, tls-no-sha384, no tls12), pure-Rust and PSA.
check clippy-diet cargo clippy --all-targets --no-default-features \
    --features tls,posix,crypto-rustcrypto,tls-no-rsa,tls-no-p384,tls-no-sha384 -- -D warnings
check clippy-diet-psa cargo clippy --all-targets --no-default-features \
    --features tls,posix,crypto-psa,tls-no-rsa,tls-no-p384,tls-no-sha384 -- -D warnings
check header-c99 "$CC" -std=c99 -pedantic -Wall -Wextra -Werror -fsyntax-only -x c include/mqtt_rs.h
check rustdoc env RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --features tls,posix,mqtt5

if ((${#failed[@]})); then
    echo "lint: FAILED: ${failed[*]}"
    exit 1
fi
echo "lint: all checks passed"
