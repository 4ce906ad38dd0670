#!/usr/bin/env bash
# consumer.sh [BUILD_DIR] — mqtt_rs as a dependency, the three ways a C
# project takes it, each linking and running c-examples/minimal.c against a
# real mosquitto (tests/consumer/ is the consumer project):
#
#   1. find_package(mqtt_rs CONFIG) after `cmake --install` into a prefix
#   2. add_subdirectory(mqtt_rs), and FetchContent as in the README (pointed at
#      this checkout with FETCHCONTENT_SOURCE_DIR_MQTT_RS, so nothing is downloaded)
#   3. a plain Makefile with `pkg-config --cflags --libs --static mqtt_rs`
#
# plus the installed package's link dependencies for the other builds
# (plain, TLS+POSIX, bare metal; configure and install only, no cargo).
#
# BUILD_DIR (default build/) is an mqtt_rs build tree whose library is
# already built (run-all.sh's cmake-build stage): it is installed from there
# and reused by the add_subdirectory route (MQTT_RS_PREBUILT_LIBRARY), so no
# second cargo build runs. Without a built tree, one is configured and built
# first. Scratch space and the broker live in BUILD_DIR/consumer.
# MQTT_RS_PORT_BASE moves the broker's ports (tests/broker/mosquitto.sh).
set -euo pipefail

ROOT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=$(realpath -m "${1:-$ROOT/build}")
WORK=$BUILD/consumer
BROKER=$WORK/broker
JOBS=${MQTT_RS_BUILD_JOBS:-2}

fail() { echo "FAIL: $*" >&2; exit 1; }
step() { printf '\n--- %s\n' "$*"; }

bash "$ROOT/tests/broker/mosquitto.sh" stop "$BROKER" 2>/dev/null || true
rm -rf "$WORK"
mkdir -p "$WORK"

if [[ ! -f $BUILD/CMakeCache.txt ]]; then
    step "no mqtt_rs build in $BUILD: configuring and building the library"
    cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake --build "$BUILD" -j"$JOBS"   # nothing to do after run-all.sh's cmake-build stage

# A build with MQTT 5.0 (run-all.sh's) must hand MQTT_RS_MQTT5 to its users: the
# installed package and mqtt_rs.pc carry it; the source routes get the option as
# the build had it.
MQTT5=$(sed -n 's/^MQTT_RS_MQTT5:BOOL=//p' "$BUILD/CMakeCache.txt")
MQTT5=${MQTT5:-OFF}

step "cmake --install into a prefix"
PREFIX=$WORK/prefix
cmake --install "$BUILD" --prefix "$PREFIX"
LIB=$(find "$PREFIX" -name libmqtt_rs.a -print -quit)
PCDIR=$(dirname "$(find "$PREFIX" -name mqtt_rs.pc -print -quit)")
[[ -f $LIB && -f $PCDIR/mqtt_rs.pc && -f $PREFIX/include/mqtt_rs.h ]] ||
    fail "the install lacks the archive, the header or mqtt_rs.pc"
[[ -n $(find "$PREFIX" -name mqtt_rsConfig.cmake) && -n $(find "$PREFIX" -name mqtt_rsConfigVersion.cmake) ]] ||
    fail "the install lacks the CMake package files"

step "broker"
bash "$ROOT/tests/broker/mosquitto.sh" start "$BROKER"
trap 'bash "$ROOT/tests/broker/mosquitto.sh" stop "$BROKER"' EXIT
PORT=$(bash "$ROOT/tests/broker/mosquitto.sh" ports | sed -n 's/^MQTT_RS_PORT_PLAIN=//p')

step "1. find_package(mqtt_rs CONFIG REQUIRED) from the prefix"
cmake -S "$ROOT/tests/consumer" -B "$WORK/find_package" -DMQTT_RS_ROUTE=find_package \
    -DCMAKE_PREFIX_PATH="$PREFIX" -DCMAKE_BUILD_TYPE=Release
cmake --build "$WORK/find_package" -j"$JOBS"
sh "$ROOT/tests/c/minimal.sh" "$WORK/find_package/minimal" 127.0.0.1 "$PORT"

step "2. add_subdirectory(mqtt_rs) (the archive built above, not a second cargo run)"
cmake -S "$ROOT/tests/consumer" -B "$WORK/add_subdirectory" -DMQTT_RS_ROUTE=add_subdirectory \
    -DMQTT_RS_PREBUILT_LIBRARY="$LIB" -DMQTT_RS_MQTT5="$MQTT5" -DCMAKE_BUILD_TYPE=Release
cmake --build "$WORK/add_subdirectory" -j"$JOBS"
sh "$ROOT/tests/c/minimal.sh" "$WORK/add_subdirectory/minimal" 127.0.0.1 "$PORT"

step "2b. FetchContent (the README's snippet; FETCHCONTENT_SOURCE_DIR_MQTT_RS: no download)"
cmake -S "$ROOT/tests/consumer" -B "$WORK/fetchcontent" -DMQTT_RS_ROUTE=FetchContent \
    -DFETCHCONTENT_SOURCE_DIR_MQTT_RS="$ROOT" -DMQTT_RS_PREBUILT_LIBRARY="$LIB" -DMQTT_RS_MQTT5="$MQTT5" \
    -DCMAKE_BUILD_TYPE=Release
cmake --build "$WORK/fetchcontent" -j"$JOBS"
sh "$ROOT/tests/c/minimal.sh" "$WORK/fetchcontent/minimal" 127.0.0.1 "$PORT"

step "3. plain Makefile + pkg-config"
echo "pkg-config --cflags --libs --static mqtt_rs: $(PKG_CONFIG_PATH=$PCDIR pkg-config --cflags --libs --static mqtt_rs)"
if [[ $MQTT5 == ON ]]; then
    PKG_CONFIG_PATH=$PCDIR pkg-config --cflags mqtt_rs | grep -q -- -DMQTT_RS_MQTT5 ||
        fail "MQTT 5.0 build: mqtt_rs.pc's Cflags lack -DMQTT_RS_MQTT5"
fi
mkdir -p "$WORK/make"
PKG_CONFIG_PATH="$PCDIR" make -f "$ROOT/tests/consumer/Makefile" OUT="$WORK/make"
sh "$ROOT/tests/c/minimal.sh" "$WORK/make/minimal" 127.0.0.1 "$PORT"

# The package of each build must name exactly the system libraries that
# build needs after the archive: a missing one fails the user's link, an
# extra one (e.g. -lpthread on bare metal) fails it too. The archive is only
# copied here (these variants are configured and installed, not linked).
step "link dependencies of the installed package per build"
expect_libs() { # expect_libs NAME "PKG-CONFIG STATIC LIBS" "CMAKE LINK LIBS" CMAKE-ARGS...
    local name=$1 want_pc=$2 want_cmake=$3 dir=$WORK/variant-$1 got
    shift 3
    cmake -S "$ROOT" -B "$dir/build" -DMQTT_RS_PREBUILT_LIBRARY="$LIB" \
        -DMQTT_RS_BUILD_EXAMPLES=OFF -DMQTT_RS_BUILD_TESTS=OFF "$@" >/dev/null
    cmake --install "$dir/build" --prefix "$dir/prefix" >/dev/null
    got=$(PKG_CONFIG_PATH=$(dirname "$(find "$dir/prefix" -name mqtt_rs.pc)") \
        pkg-config --libs --static mqtt_rs | sed 's/^-L[^ ]* //; s/ *$//')
    [[ $got == "$want_pc" ]] || fail "$name: pkg-config --libs --static gives '$got', expected '$want_pc'"
    got=$(cmake -S "$ROOT/tests/consumer" -B "$dir/consumer" -DMQTT_RS_ROUTE=find_package \
        -DCMAKE_PREFIX_PATH="$dir/prefix" | sed -n 's/.*mqtt_rs::mqtt_rs links: \[\(.*\)\]/\1/p')
    [[ $got == "$want_cmake" ]] || fail "$name: mqtt_rs::mqtt_rs links '$got', expected '$want_cmake'"
    echo "ok: $name: pkg-config '$want_pc', CMake [$want_cmake]"
}
expect_libs plain "-lmqtt_rs" "" -DMQTT_RS_TLS=OFF
expect_libs tls-posix "-lmqtt_rs -lm -lrt -lpthread" "m;rt;pthread" -DMQTT_RS_TLS=ON -DMQTT_RS_POSIX_PLATFORM=ON
expect_libs bare-metal "-lmqtt_rs" "" -DMQTT_RS_TLS=ON -DMQTT_RS_CARGO_TARGET=thumbv7em-none-eabihf

echo
echo "ok: minimal.c built and ran by find_package, add_subdirectory, FetchContent and pkg-config"
