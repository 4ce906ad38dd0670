#!/bin/sh
# doc_snippets.sh CC INCLUDE_DIR FILE.md... — the C snippets the documentation
# promises compile do compile: every ```c block preceded by the line
# `<!-- compile -->` is compiled on its own against mqtt_rs.h as strict C99
# (-std=c99 -pedantic -Wall -Wextra -Werror). Each snippet is a complete
# translation unit after the standard headers and mqtt_rs.h; each file must
# have at least one. (The "before" snippets of other libraries are not marked.)
set -eu
CC=$1
INCLUDE=$2
shift 2
SCRATCH=$(mktemp -d)
trap 'rm -rf "$SCRATCH"' EXIT
total=0
for doc in "$@"; do
    name=$(basename "$doc" .md)
    # Writes snippet N of the file to $SCRATCH/NAME-N.c, with its line number.
    awk -v dir="$SCRATCH" -v name="$name" '
        /^<!-- compile -->$/ { armed = 1; next }
        armed && /^```c$/ { n++; out = sprintf("%s/%s-%d.c", dir, name, n); inside = 1; armed = 0
            print "#include <stdbool.h>\n#include <stddef.h>\n#include <stdint.h>\n#include <stdio.h>\n#include <string.h>\n#include \"mqtt_rs.h\"" > out
            printf "#line %d \"%s\"\n", NR + 1, FILENAME > out; next }
        inside && /^```$/ { inside = 0; close(out); next }
        inside { print > out; next }
        { armed = 0 }
    ' "$doc"
    count=$(find "$SCRATCH" -name "$name-*.c" | wc -l)
    if [ "$count" -eq 0 ]; then
        echo "FAIL: $doc has no snippet marked <!-- compile -->" >&2
        exit 1
    fi
    for src in "$SCRATCH/$name"-*.c; do
        "$CC" -std=c99 -pedantic -Wall -Wextra -Werror -fsyntax-only -I"$INCLUDE" "$src"
    done
    echo "ok: $count snippet(s) of $doc compile as C99"
    total=$((total + count))
done
echo "ok: $total snippets compile"
