#!/usr/bin/env python3
"""Helpers of bench/run.sh: parse linker maps, callgrind and strace output,
symbol tables, and assemble BENCHMARKS.md from the JSON results.

  tools.py mapshare MAP PATTERN...     sizes of input sections from files matching PATTERN
  tools.py mapcrates MAP ARCHIVE       the same for one archive, per member crate
  tools.py callgrind OUT [--lib-syms F] [--port-syms F] [--lib-object SUBSTR]...
  tools.py strace FILE                 syscall counts from `strace -c -f` output
  tools.py undefined ARCHIVE           undefined symbols of a static library (as JSON list)
  tools.py defined OBJ|ARCHIVE         defined symbols, one per line (plain text)
  tools.py report RESULTS.jsonl META.json OUT.md

Everything prints JSON (except report, which writes markdown).
"""
import json
import re
import statistics
import subprocess
import sys
from collections import defaultdict

# ---------------------------------------------------------------------------
# linker map: bytes contributed by some input files, by output-section class
# ---------------------------------------------------------------------------

def section_class(name):
    """Classify an input section name: code, rodata, eh (unwind tables), data, bss.
    `size` (Berkeley format) counts code + rodata + eh as text."""
    if name.startswith(('.bss', '.tbss')) or name == 'COMMON':
        return 'bss'
    if name.startswith(('.data', '.tdata', '.init_array', '.fini_array', '.got')):
        return 'data'
    if name.startswith(('.text', '.init', '.fini')):
        return 'code'
    if name.startswith('.rodata'):
        return 'rodata'
    if name.startswith(('.eh_frame', '.gcc_except_table', '.ARM.exidx', '.ARM.extab')):
        return 'eh'
    return None  # debug info, notes, comments: not loaded


def mapshare(path, patterns):
    """Sums sizes of input sections from files whose name contains any pattern.

    Only the "Linker script and memory map" part counts, so sections discarded by
    --gc-sections (listed earlier, under "Discarded input sections") are excluded."""
    sizes = {p: {'code': 0, 'rodata': 0, 'eh': 0, 'data': 0, 'bss': 0} for p in patterns}
    in_map = False
    pending = None  # input-section name whose size/file is on the next line
    line_re = re.compile(r'^\s*(\S+)?\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S.*)$')
    with open(path, errors='replace') as f:
        for raw in f:
            line = raw.rstrip('\n')
            if line.startswith('Linker script and memory map'):
                in_map = True
                continue
            if not in_map:
                continue
            # An input section line: " .text.foo  0xADDR  0xSIZE  file"
            # (long names wrap: the name alone, then the numbers on the next line)
            if line.startswith(' ') and not line.startswith('  ') and len(line.split()) == 1 \
                    and line.strip().startswith(('.', 'COMMON')):
                pending = line.strip()
                continue
            m = line_re.match(line)
            if not m or not line.startswith(' '):
                pending = None
                continue
            name = m.group(1) or pending
            pending = None
            if name is None:
                continue
            size = int(m.group(3), 16)
            rest = m.group(4).strip()
            if size == 0 or rest.startswith('0x'):
                continue
            cls = section_class(name)
            if cls is None:
                continue
            for p in patterns:
                if p in rest:
                    sizes[p][cls] += size
                    break
    return sizes

def mapcrates(path, archive):
    """Like mapshare for one archive, grouped by member: the crate name is the
    member's file name up to its first '-' (mqtt_rs-…, core-…, rustls-…)."""
    sizes = defaultdict(lambda: {'code': 0, 'rodata': 0, 'eh': 0, 'data': 0, 'bss': 0})
    member_re = re.compile(re.escape(archive) + r'\(([^)]*)\)')
    in_map = False
    pending = None
    line_re = re.compile(r'^\s*(\S+)?\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S.*)$')
    with open(path, errors='replace') as f:
        for raw in f:
            line = raw.rstrip('\n')
            if line.startswith('Linker script and memory map'):
                in_map = True
                continue
            if not in_map:
                continue
            if line.startswith(' ') and not line.startswith('  ') and len(line.split()) == 1 \
                    and line.strip().startswith(('.', 'COMMON')):
                pending = line.strip()
                continue
            m = line_re.match(line)
            if not m or not line.startswith(' '):
                pending = None
                continue
            name = m.group(1) or pending
            pending = None
            mm = member_re.search(m.group(4))
            size = int(m.group(3), 16)
            if name is None or mm is None or size == 0:
                continue
            cls = section_class(name)
            if cls is None:
                continue
            member = mm.group(1)
            crate = member.split('-', 1)[0]
            if re.fullmatch(r'[0-9a-f]{16}', crate):
                crate = 'ring C/asm'  # C and assembly objects built by ring's build script
            sizes[crate][cls] += size
    return dict(sizes)


# ---------------------------------------------------------------------------
# callgrind: self cost per object / per function class
# ---------------------------------------------------------------------------

def read_symbols(path):
    if not path:
        return set()
    with open(path) as f:
        return {l.strip() for l in f if l.strip()}


def callgrind(path, lib_syms=(), port_syms=(), lib_objects=()):
    names = {'ob': {}, 'fl': {}, 'fn': {}}

    def name(kind, value):
        m = re.match(r'\((\d+)\)(?:\s+(.*))?$', value)
        if not m:
            return value
        key, text = m.group(1), m.group(2)
        if text is not None:
            names[kind][key] = text
        return names[kind].get(key, value)

    ob = fn = fl = ''
    skip_next = False
    self_cost = defaultdict(int)  # (object, function, file) -> Ir
    total = 0
    with open(path, errors='replace') as f:
        for raw in f:
            line = raw.strip()
            if not line:
                continue
            c = line[0]
            if c.isdigit() or c in '+-*':
                if skip_next:
                    skip_next = False
                    continue
                parts = line.split()
                if len(parts) >= 2:
                    self_cost[(ob, fn, fl)] += int(parts[1])
                continue
            if line.startswith(('summary:', 'totals:')):
                total = int(line.split(':', 1)[1].split()[0])
                continue
            key, _, value = line.partition('=')
            if key == 'ob':
                ob = name('ob', value)
            elif key in ('fl', 'fi', 'fe'):
                v = name('fl', value)
                if key == 'fl':
                    fl = v
            elif key == 'fn':
                fn = name('fn', value)
            elif key in ('cob',):
                name('ob', value)
            elif key in ('cfi', 'cfl'):
                name('fl', value)
            elif key == 'cfn':
                name('fn', value)
            elif key == 'calls':
                skip_next = True
    out = {'total': 0, 'library': 0, 'port': 0, 'libc': 0, 'other': 0}
    top = defaultdict(int)
    for (o, fnname, fl), cost in self_cost.items():
        out['total'] += cost
        base = o.rsplit('/', 1)[-1]
        if fnname in lib_syms or any(s in base for s in lib_objects):
            cls = 'library'
        elif fnname in port_syms:
            cls = 'port'
        elif base.startswith(('libc.so', 'libc-', 'ld-linux', 'libpthread')):
            cls = 'libc'
        else:
            cls = 'other'
        out[cls] += cost
        top[(cls, fnname)] += cost
    out['summary'] = total
    out['top'] = [[cls, fnname, cost] for (cls, fnname), cost in sorted(top.items(), key=lambda kv: -kv[1])[:25]]
    return out

# ---------------------------------------------------------------------------
# strace -c -f: calls per syscall
# ---------------------------------------------------------------------------

def strace_counts(path):
    counts = {}
    with open(path, errors='replace') as f:
        for line in f:
            parts = line.split()
            # % time, seconds, usecs/call, calls, [errors], syscall
            if len(parts) >= 5 and re.match(r'^[\d.]+$', parts[0]) and parts[-1] != 'total':
                try:
                    calls = int(parts[3])
                except ValueError:
                    continue
                counts[parts[-1]] = calls
    return counts

# ---------------------------------------------------------------------------
# nm: undefined symbols of an archive (those no member defines)
# ---------------------------------------------------------------------------

def elf_symbols(path):
    """(undefined, defined) symbol names of an object or archive, read with
    readelf: binutils' nm hands Rust's LLVM objects to the LLVMgold bfd plugin
    when one is installed, fails, and then reports "no symbols"."""
    out = subprocess.run(['readelf', '-sW', path], capture_output=True, text=True, check=True).stdout
    undef, defined = set(), set()
    for line in out.splitlines():
        parts = line.split()
        # Num: Value Size Type Bind Vis Ndx Name
        if len(parts) < 8 or not parts[0].endswith(':') or not parts[0][:-1].isdigit():
            continue
        typ, ndx, sym = parts[3], parts[6], parts[7]
        if typ in ('FILE', 'SECTION'):
            continue
        if ndx == 'UND':
            undef.add(sym)
        else:
            defined.add(sym)
    return undef, defined


def undefined(archive):
    undef, defined = elf_symbols(archive)
    return sorted(undef - defined)


def defined_functions(path):
    return sorted(elf_symbols(path)[1])


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    cmd = argv[1]
    if cmd == 'mapshare':
        print(json.dumps(mapshare(argv[2], argv[3:])))
    elif cmd == 'mapcrates':
        print(json.dumps(mapcrates(argv[2], argv[3])))
    elif cmd == 'callgrind':
        args = argv[3:]
        opts = {'--lib-syms': None, '--port-syms': None}
        objs = []
        i = 0
        while i < len(args):
            if args[i] == '--lib-object':
                objs.append(args[i + 1])
            else:
                opts[args[i]] = args[i + 1]
            i += 2
        print(json.dumps(callgrind(argv[2], read_symbols(opts['--lib-syms']),
                                   read_symbols(opts['--port-syms']), objs)))
    elif cmd == 'strace':
        print(json.dumps(strace_counts(argv[2])))
    elif cmd == 'undefined':
        print(json.dumps(undefined(argv[2])))
    elif cmd == 'defined':
        print('\n'.join(defined_functions(argv[2])))
    elif cmd == 'report':
        import report
        report.write(argv[2], argv[3], argv[4])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
