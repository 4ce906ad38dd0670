#!/usr/bin/env bash
# doxygen.sh [OUT_DIR] — renders the C API reference (include/mqtt_rs.h) as
# HTML with Doxygen (docs/Doxyfile) and fails on any Doxygen warning.
# Output: OUT_DIR/html/index.html (default OUT_DIR: build/doxygen).
set -euo pipefail
ROOT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
OUT=$(realpath -m "${1:-$ROOT/build/doxygen}")
command -v doxygen >/dev/null || { echo "doxygen not installed (Debian package doxygen)" >&2; exit 1; }
rm -rf "$OUT"
mkdir -p "$OUT"
VERSION=$(sed -n 's/^version = "\([^"]*\)".*/\1/p' "$ROOT/Cargo.toml" | head -n 1)
cd "$ROOT"
status=0
MQTT_RS_DOXYGEN_OUT=$OUT MQTT_RS_VERSION=$VERSION doxygen docs/Doxyfile || status=$?
if [[ -s $OUT/warnings.log ]]; then
    echo "Doxygen warnings ($(wc -l <"$OUT/warnings.log") lines):" >&2
    cat "$OUT/warnings.log" >&2
    exit 1
fi
((status == 0)) || { echo "doxygen failed (exit $status)" >&2; exit "$status"; }
[[ -f $OUT/html/index.html ]] || { echo "no HTML produced" >&2; exit 1; }
echo "ok: API reference without warnings: $OUT/html/index.html ($(find "$OUT/html" -name '*.html' | wc -l) pages)"
