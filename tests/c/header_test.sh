#!/bin/sh
# header_test.sh c|cxx COMPILER INCLUDE_DIR SCRATCH_DIR
# Compiles the public header standalone: as strict C99, or as C++ with a
# check (via nm, when available) that the functions have C linkage.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
MODE=$1
COMPILER=$2
INCLUDE=$3
SCRATCH=$4
mkdir -p "$SCRATCH"

case $MODE in
c)
    "$COMPILER" -std=c99 -Wall -Wextra -Werror -pedantic -I"$INCLUDE" \
        -c "$HERE/header_c99.c" -o "$SCRATCH/header_c99.o"
    echo "ok: mqtt_rs.h compiles as C99 (-std=c99 -Wall -Wextra -Werror -pedantic), included twice"
    ;;
cxx)
    "$COMPILER" -std=c++11 -Wall -Wextra -Werror -pedantic -I"$INCLUDE" \
        -c "$HERE/header_cxx.cpp" -o "$SCRATCH/header_cxx.o"
    echo "ok: mqtt_rs.h compiles as C++11, included twice"
    if command -v nm >/dev/null 2>&1; then
        undefined=$(nm -u "$SCRATCH/header_cxx.o" | awk '{print $NF}' | grep mqtt_rs_ || true)
        for sym in mqtt_rs_result_str mqtt_rs_connect_options_init; do
            # Mach-O prefixes C symbols with an underscore.
            if ! printf '%s\n' "$undefined" | grep -Eq "^_?$sym\$"; then
                echo "FAIL: $sym does not have C linkage in C++ (missing extern \"C\" in mqtt_rs.h?)" >&2
                echo "undefined symbols: $undefined" >&2
                exit 1
            fi
        done
        echo "ok: functions have C linkage (extern \"C\")"
    fi
    ;;
*)
    echo "usage: $0 c|cxx COMPILER INCLUDE_DIR SCRATCH_DIR" >&2
    exit 2
    ;;
esac
