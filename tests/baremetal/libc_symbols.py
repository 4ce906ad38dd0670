#!/usr/bin/env python3
"""libc_symbols.py MAP: which object file defines memcpy & co. in a GNU ld link map.

Fails when any of them comes from the Rust archive (libmqtt_rs.a) instead of the
firmware's C library: the archive must not override the firmware's memcpy
(cmake/bare-metal-archive.cmake). Prints one line per symbol found.
"""
import re
import sys

SYMBOLS = {"memcpy", "memmove", "memset", "memcmp", "__aeabi_memcpy", "__aeabi_memset", "__aeabi_memclr"}


def definitions(map_text):
    """Yields (symbol, object) for global symbols listed in the memory map."""
    section = re.compile(r"^ \S*\s+0x[0-9a-f]+\s+0x[0-9a-f]+ (\S.*)$")
    wrapped = re.compile(r"^\s+0x[0-9a-f]+\s+0x[0-9a-f]+ (\S.*)$")
    symbol = re.compile(r"^\s+0x[0-9a-f]+\s+(\S+)$")
    in_layout = False
    current = None
    for line in map_text.splitlines():
        if line.startswith("Linker script and memory map"):
            in_layout = True
            continue
        if not in_layout:
            continue
        m = section.match(line) or wrapped.match(line)
        if m:
            current = m.group(1)
            continue
        m = symbol.match(line)
        if m and current is not None:
            yield m.group(1), current


def main():
    if len(sys.argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    with open(sys.argv[1], encoding="utf-8", errors="replace") as f:
        found = {s: o for s, o in definitions(f.read()) if s in SYMBOLS}
    if "memcpy" not in found and "memset" not in found:
        print("FAIL: the map defines neither memcpy nor memset (did the firmware use them?)")
        return 1
    bad = 0
    for sym in sorted(found):
        origin = found[sym]
        from_rust = "libmqtt_rs" in origin
        bad += from_rust
        print(f"{'FAIL' if from_rust else 'ok'}: {sym} from {origin.rsplit('/', 1)[-1]}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
