#!/usr/bin/env python3
"""Turns bench/run.sh's results (JSON lines) into BENCHMARKS.md.

  report.py RESULTS.jsonl META.json COMMANDS.txt OUT.md
  report.py --section tls_diet RESULTS.jsonl   one section's markdown, on stdout

Every number in the output comes from RESULTS.jsonl of the same run; nothing
is copied from elsewhere. Missing measurements print as "n/a (reason)".
"""
import json
import statistics
import sys
from collections import defaultdict
from pathlib import Path

PEERS = ['libmosquitto', 'paho']
NAMES = {'mqtt_rs': 'mqtt_rs', 'libmosquitto': 'libmosquitto', 'paho': 'Paho C', 'raw': 'raw writer'}
TLS_NA = 'n/a (TLS not built)'

# Targets of the project (from the benchmark issue); reported, never enforced.
TARGET_SHARE = 8 * 1024
TARGET_CLIENT = 256
TARGET_IR = {0: 470, 1: 930}
TARGET_RAW_RATIO = 0.95


def load(path):
    rows = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line:
                rows.append(json.loads(line))
    return rows


def fmt_int(n):
    return 'n/a' if n is None else f'{int(round(n)):,}'


def fmt_bytes(n):
    return 'n/a' if n is None else f'{int(n):,} B'


def fmt_ratio(x):
    return 'n/a' if x is None else f'{x:.2f}×'


def met(ok):
    return '' if ok is None else (' ✅' if ok else ' ❌ missed')


def target_label(r):
    """A target row's name in the tables: its Rust triple, and the protocol when it is MQTT 5.0."""
    return f"`{r['triple']}`" + (' MQTT 5.0' if r['name'].endswith('-v5') else '')


def v5_addition(rows):
    """Bytes (text + rodata) MQTT 5.0 adds to the Cortex-M4 minimal client, or None if a row is missing."""
    shares = {r['name']: r['data']['share']['libmqtt_rs.a'] for r in rows if r['name'] in ('m4-s', 'm4-s-v5')}
    if len(shares) < 2:
        return None
    return sum(shares['m4-s-v5'][c] - shares['m4-s'][c] for c in ('code', 'rodata'))


class Report:
    def __init__(self, rows, meta, commands):
        self.meta = meta
        self.commands = commands
        self.by = defaultdict(list)
        for r in rows:
            self.by[r['section']].append(r)
        self.out = []
        self.summary = []  # rows of the summary table

    def w(self, line=''):
        self.out.append(line)

    def table(self, header, rows):
        self.w('| ' + ' | '.join(header) + ' |')
        self.w('|' + '|'.join(' --- ' for _ in header) + '|')
        for r in rows:
            self.w('| ' + ' | '.join(str(c) for c in r) + ' |')
        self.w()

    def find(self, section, **kw):
        return [r for r in self.by.get(section, []) if all(r.get(k) == v for k, v in kw.items())]

    # ---------------------------------------------------------------- 1
    def footprint(self):
        self.w('## 1. Footprint')
        self.w()
        self.w('A minimal client (connect, subscribe, publish, loop until its message came back, '
               'disconnect; `bench/c/min_*.c`) built with `-Os -ffunction-sections -fdata-sections '
               '-Wl,--gc-sections`, stripped, x86_64. "Library share" is the sum of the input '
               'sections the linker kept from the library archive (from the link map): code, '
               'read-only data, unwind tables (`.eh_frame`), data, bss.')
        self.w()
        rows = []
        share_ours = None
        for lib in ['mqtt_rs', 'libmosquitto', 'paho']:
            r = self.find('footprint', lib=lib, variant='plain')
            if not r:
                rows.append([NAMES[lib], 'n/a (build failed)', '', '', '', ''])
                continue
            d = r[0]['data']
            b = d['binary']
            binary = f"{b['text'] + b['data'] + b['bss']:,} ({b['text']:,} / {b['data']:,} / {b['bss']:,})"
            works = '' if r[0]['works'] else ' (did not run!)'
            if lib == 'mqtt_rs':
                s = d['share']['libmqtt_rs.a']
                p = d['share']['posix_net.o']
                share_ours = s['code'] + s['rodata'] + s['eh'] + s['data'] + s['bss']
                rows.append([NAMES[lib] + works, binary, f"**{share_ours:,}**",
                             f"{s['code']:,} / {s['rodata']:,} / {s['eh']:,} / {s['data']:,} / {s['bss']:,}",
                             f"{s['code'] + s['rodata'] + s['data'] + s['bss']:,}",
                             f"POSIX port (application side): {p['code'] + p['rodata'] + p['eh'] + p['data'] + p['bss']:,}"])
            elif lib == 'paho':
                s = d['share']['libpaho-mqtt3c.a']
                tot = s['code'] + s['rodata'] + s['eh'] + s['data'] + s['bss']
                rows.append([NAMES[lib] + works, binary, f"{tot:,}",
                             f"{s['code']:,} / {s['rodata']:,} / {s['eh']:,} / {s['data']:,} / {s['bss']:,}",
                             f"{s['code'] + s['rodata'] + s['data'] + s['bss']:,}",
                             'static `libpaho-mqtt3c.a`; bss is mostly its trace/heap-tracking tables'])
            else:
                so = self.find('footprint_so', lib='libmosquitto')
                if so:
                    z = so[0]['data']['size']
                    tot = z['text'] + z['data'] + z['bss']
                    rows.append([NAMES[lib] + works, binary + ' (dynamically linked)', f'{tot:,}',
                                 f"{z['text']:,} (text incl. rodata, eh) / – / – / {z['data']:,} / {z['bss']:,}", '–',
                                 f"whole `{so[0]['data']['file']}`: Debian ships no static library, "
                                 f"nothing is garbage-collected; it also loads {so[0]['data']['deps'].strip()}"])
                else:
                    rows.append([NAMES[lib], binary, 'n/a', '', '', ''])
        tls = self.find('footprint', lib='mqtt_rs', variant='tls')
        if tls:
            d = tls[0]['data']
            b = d['binary']
            s = d['share']['libmqtt_rs.a']
            p = d['share']['posix_net.o']
            hooks = d['share'].get('posix_tls_platform.o', {})
            tot = s['code'] + s['rodata'] + s['eh'] + s['data'] + s['bss']
            port = sum(p.values()) + sum(hooks.values())
            works = '' if tls[0]['works'] else ' (did not run!)'
            rows.append(['mqtt_rs, TLS build' + works, f"{b['text'] + b['data'] + b['bss']:,} ({b['text']:,} / {b['data']:,} / {b['bss']:,})",
                         f'**{tot:,}**',
                         f"{s['code']:,} / {s['rodata']:,} / {s['eh']:,} / {s['data']:,} / {s['bss']:,}",
                         f"{s['code'] + s['rodata'] + s['data'] + s['bss']:,}",
                         f'cargo feature `tls` (rustls, ring), TLS 1.3 connection to the broker; POSIX port and '
                         f'platform hooks (application side): {port:,}'])
            tls_share = f'{tot:,} B'
        else:
            note = ('the `tls` feature builds, but the header has no TLS C API yet'
                    if self.meta.get('tls_feature') else 'Cargo.toml has no `tls` feature on this branch')
            rows.append(['mqtt_rs, TLS build', TLS_NA, TLS_NA, '', '', note])
            tls_share = TLS_NA
        for variant, label, base in (('plain-lto', 'mqtt_rs, staticlib-only build', 'plain'),
                                     ('tls-lto', 'mqtt_rs, TLS, staticlib-only build', 'tls')):
            r = self.find('footprint', lib='mqtt_rs', variant=variant)
            ref = self.find('footprint', lib='mqtt_rs', variant=base)
            if not r:
                continue
            d = r[0]['data']
            b = d['binary']
            s = d['share']['libmqtt_rs.a']
            tot = s['code'] + s['rodata'] + s['eh'] + s['data'] + s['bss']
            delta = ''
            if ref:
                rs = ref[0]['data']['share']['libmqtt_rs.a']
                delta = (f"; {tot - sum(rs[k] for k in ('code', 'rodata', 'eh', 'data', 'bss')):+,} B against the "
                         f"{'plain' if base == 'plain' else 'TLS'} build as shipped")
            rows.append([label + ('' if r[0]['works'] else ' (did not run!)'),
                         f"{b['text'] + b['data'] + b['bss']:,} ({b['text']:,} / {b['data']:,} / {b['bss']:,})",
                         f'{tot:,}', f"{s['code']:,} / {s['rodata']:,} / {s['eh']:,} / {s['data']:,} / {s['bss']:,}",
                         f"{s['code'] + s['rodata'] + s['data'] + s['bss']:,}",
                         ('`cargo rustc --release --crate-type staticlib` with its unwind tables (CMake\'s '
                          '`MQTT_RS_UNWIND_TABLES=ON`)' if base == 'plain' else
                          '`cargo rustc --release --crate-type staticlib`: one LTO object instead of one per crate')
                         + delta])
        self.table(['client', 'stripped binary, bytes (text / data / bss)', 'library share, bytes',
                    'share: code / rodata / eh_frame / data / bss', 'share without eh_frame', 'note'], rows)
        self.w('The plain library is built as CMake ships it: `cargo rustc --release --lib --crate-type '
               'staticlib` (one LTO object for the crate and `core`), its unwind tables (`.eh_frame`) '
               'left out on ELF hosts (`cmake/unwind-tables.cmake`; nothing unwinds through a '
               '`panic = "abort"` library called from C), with the features of `cargo build` (no '
               '`persist`). The TLS build is `cargo build --release --features tls`: with '
               '`crate-type = ["staticlib", "rlib"]` in Cargo.toml that archive carries each crate\'s '
               'own object (core, rustls, ring, ...) next to the LTO module instead of one object '
               'optimised as a whole; the "staticlib-only" rows (full runs only) show what building '
               'the static library alone saves for TLS, and what the unwind tables cost the plain build.')
        self.w()
        for variant, label in (('plain', 'plain'), ('tls', 'TLS')):
            r = self.find('footprint', lib='mqtt_rs', variant=variant)
            crates = r[0]['data'].get('crates') if r else None
            if not crates:
                continue
            parts = sorted(crates.items(), key=lambda kv: -sum(kv[1].values()))
            self.w(f'Inside the mqtt_rs share ({label} build), by crate of the archive (code + rodata + eh_frame + data/bss): ' +
                   '; '.join(f"`{k}` {sum(v.values()):,} ({v['code']:,} + {v['rodata']:,} + {v['eh']:,} + {v['data'] + v['bss']:,})"
                             for k, v in parts if sum(v.values()) > 0) + '.' +
                   (' Most of `core` is the panic and formatting machinery the prebuilt `core` brings along '
                    '(`Formatter::pad_integral`, `str::count`, digit tables, panic messages) and `str::from_utf8`.'
                    if variant == 'plain' else ''))
            self.w()
        und = self.find('undefined', lib='mqtt_rs', variant='plain')
        if und:
            self.w('Undefined symbols of `libmqtt_rs.a`, plain build (what the C side must provide): ' +
                   ', '.join(f'`{s}`' for s in und[0]['data']) + '. No allocator, socket, thread or '
                   'stdio symbol.')
            self.w()
        und = self.find('undefined', lib='mqtt_rs', variant='tls')
        if und:
            self.w('Undefined symbols of the TLS build (feature `tls`, x86_64 Linux): ' +
                   ', '.join(f'`{s}`' for s in und[0]['data']) + '. The file and thread symbols come from '
                   'the `getrandom` crate under ring (its `/dev/urandom` fallback); heap, clock and '
                   'entropy of rustls go through the platform hooks.')
            self.w()
        self.summary.append(['Footprint: library share, plain (target ≤ 8 kB)',
                             f'{share_ours:,} B' + met(share_ours <= TARGET_SHARE) if share_ours else 'n/a',
                             self._cell_fp('libmosquitto'), self._cell_fp('paho'), ''])
        self.summary.append(['Footprint: library share, TLS', tls_share, 'OpenSSL, shared', '–', ''])

    def _cell_fp(self, lib):
        if lib == 'libmosquitto':
            so = self.find('footprint_so', lib=lib)
            if so:
                z = so[0]['data']['size']
                return f"{z['text'] + z['data'] + z['bss']:,} B (.so)"
            return 'n/a'
        r = self.find('footprint', lib=lib, variant='plain')
        if not r:
            return 'n/a'
        s = r[0]['data']['share']['libpaho-mqtt3c.a']
        return f"{s['code'] + s['rodata'] + s['eh'] + s['data'] + s['bss']:,} B"

    # ---------------------------------------------------------------- 2
    def ram(self):
        self.w('## 2. RAM')
        self.w()
        stack = self.find('stack', lib='mqtt_rs', variant='plain')
        st = stack[0]['data'] if stack else {}
        stack_tls = self.find('stack', lib='mqtt_rs', variant='tls')
        st_tls = stack_tls[0]['data'] if stack_tls else {}
        objs = {}
        for lib in ['mqtt_rs', 'libmosquitto', 'paho']:
            r = self.find('heap', lib=lib)
            objs[lib] = dict(r[0]['data']) if r else None
            # mallinfo2() sees nothing under valgrind: the object size comes from a native run.
            native = self.find('thr', lib=lib)
            if objs[lib] is not None and native:
                objs[lib]['object_heap_bytes'] = native[0]['data']['pub']['object_heap_bytes']
        size_client = st.get('sizeof_client')
        size_slot = st.get('sizeof_slot')
        rows = []
        ours = objs.get('mqtt_rs')
        static_ours = ours['run']['static_bytes'] if ours else None
        rows.append(['client object',
                     f"{size_client} B (`mqtt_rs_client`, caller storage){met(size_client <= TARGET_CLIENT) if size_client else ''}"
                     if size_client else 'n/a',
                     self._obj('libmosquitto', objs) + ' (heap, `mosquitto_new`)',
                     self._obj('paho', objs) + ' (heap, `MQTTClient_create`)'])
        rows.append(['per in-flight flow', f'{size_slot} B per slot' if size_slot else 'n/a',
                     'heap per message (copy of topic and payload)', 'heap per message (copy of topic and payload)'])
        rows.append(['buffers', 'tx ≥ 64 B, rx ≥ 64 B (caller\'s; min. client below: 256 + 256 B, 2 slots)',
                     'internal, heap', 'internal, heap'])
        rows.append(['state in the speed runs', f'{static_ours:,} B static: tx 16 KiB + rx 4 KiB + 24 slots + client + port'
                     if static_ours else 'n/a', '–', '–'])
        rows.append(['heap peak of the process, QoS 1 run (dhat)'] +
                     [self._heap(objs.get(l)) for l in ['mqtt_rs', 'libmosquitto', 'paho']])
        rows.append(['heap allocations per QoS 1 publish (dhat)'] +
                     [self._allocs(objs.get(l)) for l in ['mqtt_rs', 'libmosquitto', 'paho']])
        # The P-256 chain of the broker's TLS 1.3 and 1.2 listeners (§6 shows the RSA-2048 one).
        tls_heap = [r for r in self.find('tls', lib='mqtt_rs')
                    if r['data'].get('heap_peak_bytes') and r['label'] in ('tls13', 'tls12')]
        if tls_heap:
            top = max(tls_heap, key=lambda r: r['data']['heap_peak_bytes'])
            con = max(r['data'].get('heap_connected_bytes', 0) for r in tls_heap)
            tls_heap_cell = (f"{top['data']['heap_peak_bytes']:,} B peak (TLS {top['data']['tls'][4:]} "
                             f"{top['kind']} handshake), {con:,} B while connected (§6)")
        else:
            tls_heap_cell = TLS_NA
        rows.append(['heap peak, TLS (allocator hook)', tls_heap_cell, '–', '–'])
        self.tls_heap_cell = tls_heap_cell
        self.table(['', 'mqtt_rs', 'libmosquitto', 'Paho C'], rows)
        self.w('The heap rows are whole-process figures from `valgrind --tool=dhat` over a QoS 1 '
               'throughput run: for mqtt_rs they are the C side (`getaddrinfo` in the POSIX port, '
               'stdio), the library itself has no allocator to call.')
        self.w()
        if st:
            self.w('### Stack per API call (mqtt_rs)')
            self.w()
            self.w('Measured, not estimated: each call runs on its own stack filled with a pattern '
                   '(`bench/c/stack_mqtt_rs.c`, makecontext/swapcontext), against the real broker over '
                   'the POSIX port; the lowest overwritten byte is the deepest point reached. "total" '
                   'includes the POSIX port callbacks and the libc functions they call (`getaddrinfo` '
                   'in connect is the big one); "library frames at a callback" is how deep the stack '
                   'already was when the library entered a network, clock or application callback. '
                   f"Entering the separate stack ({st.get('baseline')} B) is subtracted.")
            self.w()
            if st_tls:
                self.w('The TLS columns: the same calls with the TLS build over a TLS 1.3 connection '
                       '(handshake inside connect and poll, records in every call that does I/O).')
                self.w()
            rows = []
            worst_lib = 0
            for k, v in st.items():
                if isinstance(v, dict):
                    name, _, extra = k.partition(' (')
                    row = [f'`{name}`' + (f' ({extra}' if extra else ''),
                           f"{v['total']:,}", f"{v['at_callback']:,}" if v['at_callback'] else '–']
                    if st_tls:
                        t = st_tls.get(k)
                        row += [f"{t['total']:,}", f"{t['at_callback']:,}" if t['at_callback'] else '–'] if t else ['–', '–']
                    rows.append(row)
                    worst_lib = max(worst_lib, v['at_callback'])
            if st_tls:
                t = st_tls.get('mqtt_rs_client_use_tls')
                if t:
                    rows.insert(2, ['`mqtt_rs_client_use_tls`', '–', '–', f"{t['total']:,}", '–'])
            header = ['call', 'total, bytes', 'library frames at a callback, bytes']
            if st_tls:
                header += ['TLS: total', 'TLS: library frames at a callback']
            self.table(header, rows)
            worst = max(v['total'] for v in st.values() if isinstance(v, dict))
            self.summary.append(['RAM: client object (target ≤ 256 B + slots)',
                                 f'{size_client} B + {size_slot} B/slot{met(size_client <= TARGET_CLIENT)}',
                                 self._obj('libmosquitto', objs), self._obj('paho', objs), 'heap for the peers'])
            self.summary.append(['RAM: deepest stack of any API call (incl. port + libc) / library frames at callbacks',
                                 f'{worst:,} B / {worst_lib:,} B', 'not measured', 'not measured', ''])
            if st_tls:
                tw = max(v['total'] for v in st_tls.values() if isinstance(v, dict))
                tl = max(v['at_callback'] for v in st_tls.values() if isinstance(v, dict))
                self.summary.append(['RAM: the same over TLS 1.3 (TLS build)', f'{tw:,} B / {tl:,} B', 'not measured',
                                     'not measured', ''])
        self.summary.append(['RAM: heap peak of the process, QoS 1 run'] +
                            [self._heap(objs.get(l)) for l in ['mqtt_rs', 'libmosquitto', 'paho']] + ['dhat'])
        self.summary.append(['RAM: heap peak with TLS (allocator hook)', self.tls_heap_cell, '–', '–', ''])

    @staticmethod
    def _obj(lib, objs):
        o = objs.get(lib)
        return f"{o['object_heap_bytes']:,} B" if o and 'object_heap_bytes' in o else 'n/a'

    @staticmethod
    def _heap(o):
        return f"{o['peak_bytes']:,} B in {o['peak_blocks']:,} blocks" if o else 'n/a'

    @staticmethod
    def _allocs(o):
        return f"{o['total_blocks'] / o['n']:.1f}" if o else 'n/a'

    # ---------------------------------------------------------------- 3
    def throughput(self):
        reps = self.meta.get('reps')
        self.w('## 3. Throughput')
        self.w()
        thr = self.find('thr')
        n = thr[0]['data']['pub']['n'] if thr else 0
        self.w(f'{n:,} publishes of {thr[0]["data"]["pub"]["payload"] if thr else 64}-byte payloads through the '
               'local mosquitto, at most 20 QoS 1/2 messages outstanding (mosquitto\'s limit for 3.1.1 '
               'clients), counted by a separate subscriber (`bench/c/sub_count.c`, plain socket, '
               'subscribed at QoS 0). Messages per second from the first publish to the last arrival, '
               'median of the runs (min–max in brackets); the clients take turns within each '
               'repetition. The ratio columns compare with the best peer and with the raw writer of '
               'the same runs. mqtt_rs uses the non-blocking API (`begin_publish` + `poll`, tx buffer '
               '16 KiB); libmosquitto `mosquitto_publish` + `mosquitto_loop`; Paho C `MQTTClient_publish` '
               'with its receive thread; the raw writer copies pre-encoded packets into a 64 KiB buffer '
               'and writes it with one `send`.')
        self.w()
        placements = [('split', '**Broker alone on one CPU, publisher and subscriber on the other** (`taskset`; '
                                'used in the summary), {n} repetitions:'),
                      ('free', 'Unpinned (the scheduler places broker, publisher and subscriber on the '
                               f'{self.meta.get("ncpu")} vCPUs as it likes), ' + '{n} repetitions:')]
        primary = next((p for p, _ in placements if any(r.get('placement') == p for r in thr)), None)
        for placement, title in placements:
            runs = [r for r in thr if r.get('placement') == placement]
            if not runs:
                continue
            nrep = len({r['rep'] for r in runs})
            self.w(title.format(n=nrep))
            self.w()
            rates = defaultdict(list)
            for r in runs:
                d = r['data']
                if d['sub']['arrived'] != d['pub']['n']:
                    continue
                dt = (d['sub']['t_last_ns'] - d['pub']['t_start_ns']) / 1e9
                if dt > 0:
                    rates[(r['lib'], r['qos'])].append(d['pub']['n'] / dt)
            rows = []
            for q in (0, 1, 2):
                med = {lib: statistics.median(rates[(lib, q)]) if rates[(lib, q)] else None
                       for lib in ['raw', 'mqtt_rs'] + PEERS}
                cells = []
                for lib in ['raw', 'mqtt_rs'] + PEERS:
                    v = rates[(lib, q)]
                    cells.append(f'{med[lib]:,.0f} ({min(v):,.0f}–{max(v):,.0f})' if v else 'n/a')
                peers = [med[p] for p in PEERS if med[p]]
                best = max(peers) if peers else None
                r_best = med['mqtt_rs'] / best if med['mqtt_rs'] and best else None
                r_raw = med['mqtt_rs'] / med['raw'] if med['mqtt_rs'] and med['raw'] else None
                rows.append([f'QoS {q}'] + cells +
                            [fmt_ratio(r_best), fmt_ratio(r_raw) + met(r_raw >= TARGET_RAW_RATIO if r_raw else None)])
                if placement == primary:
                    self.summary.append([f'Throughput QoS {q}, msg/s (target ≥ 0.95× raw writer)',
                                         f"{med['mqtt_rs']:,.0f} ({fmt_ratio(r_raw)} raw){met(r_raw >= TARGET_RAW_RATIO if r_raw else None)}"
                                         if med['mqtt_rs'] else 'n/a',
                                         f"{med['libmosquitto']:,.0f}" if med['libmosquitto'] else 'n/a',
                                         f"{med['paho']:,.0f}" if med['paho'] else 'n/a',
                                         f'{fmt_ratio(r_best)} best peer; raw writer {med["raw"]:,.0f}' if med['raw'] else ''])
            self.table(['', 'raw writer (ceiling)', 'mqtt_rs', 'libmosquitto', 'Paho C',
                        'mqtt_rs / best peer', 'mqtt_rs / raw'], rows)
            bad = [r for r in runs if r['data']['sub']['arrived'] != r['data']['pub']['n']]
            if bad:
                self.w(f'{len(bad)} run(s) lost messages and are left out: ' +
                       ', '.join(f"{r['lib']} QoS {r['qos']} ({r['data']['sub']['arrived']}/{r['data']['pub']['n']})"
                                 for r in bad))
                self.w()

    def window(self):
        r = self.find('window', lib='mqtt_rs')
        if not r:
            return
        d = r[0]['data']
        ok = d['max_outstanding'] <= 20 and d['completed'] == d['n']
        self.w(f"**In-flight window.** With the application offering up to {d['window']:,} outstanding QoS 2 "
               f"publishes and mqtt_rs left at its default limit (`max_inflight = 0`), at most "
               f"**{d['max_outstanding']}** were ever outstanding and all {d['completed']:,} of {d['n']:,} "
               f"completed without mosquitto dropping the connection (its 3.1.1 limit is 20){met(ok)}.")
        self.w()
        self.summary.append(['In-flight window honours the broker (20)',
                             f"max {d['max_outstanding']} outstanding of {d['window']:,} offered{met(ok)}",
                             '–', '–', 'QoS 2, default `max_inflight`'])

    # ---------------------------------------------------------------- 4
    def latency(self):
        self.w('## 4. Latency')
        self.w()
        lat = self.find('lat')
        n = next((r['data']['n'] for r in lat if r['lib'] == 'mqtt_rs'), 0)
        self.w(f'Publish-to-receive round trip through the broker: the client subscribes to its own '
               f'topic, publishes one 64-byte message and waits until it arrives (and, at QoS 1, '
               f'until its PUBACK), {n:,} times after a warm-up; client and broker pinned to the same CPU '
               f'(`taskset`). p50 / p99 in microseconds, median over {self.meta.get("reps")} runs.')
        self.w()
        vals = defaultdict(lambda: defaultdict(list))
        for r in lat:
            vals[(r['lib'], r['qos'])]['p50'].append(r['data']['p50_us'])
            vals[(r['lib'], r['qos'])]['p99'].append(r['data']['p99_us'])

        def cell(lib, q):
            v = vals.get((lib, q))
            if not v:
                return 'n/a'
            return f"{statistics.median(v['p50']):,.1f} / {statistics.median(v['p99']):,.1f}"
        rows = []
        for q in (0, 1):
            nag = cell('paho-nagle', q) if q == 1 else '–'
            rows.append([f'QoS {q}', cell('raw', q), cell('mqtt_rs', q), cell('libmosquitto', q), cell('paho', q), nag])
            self.summary.append([f'Latency QoS {q}, p50 / p99 µs', cell('mqtt_rs', q), cell('libmosquitto', q),
                                 cell('paho', q), f"raw {cell('raw', q)}"])
        self.table(['', 'raw socket', 'mqtt_rs', 'libmosquitto', 'Paho C (TCP_NODELAY shim)', 'Paho C as shipped (Nagle on)'], rows)

    # ---------------------------------------------------------------- 5
    def cpu(self):
        self.w('## 5. CPU')
        self.w()
        cpu = self.find('cpu')
        n = cpu[0]['n'] if cpu else 0
        self.w(f'Client instructions per publish, counted by `valgrind --tool=callgrind` over {n:,} '
               'stop-and-wait publishes (publish one message, wait until it is written (QoS 0) or '
               'acknowledged (QoS 1: PUBACK, QoS 2: PUBCOMP), repeat), after a warm-up; only the '
               'measured loop is collected (`CALLGRIND_TOGGLE_COLLECT`); median of '
               f'{max((len([x for x in cpu if x["lib"] == l and x["qos"] == 0]) for l in ["mqtt_rs"]), default=0)} '
               'run(s). User space only: the kernel '
               'is not counted. "library" is the code of the client library (for mqtt_rs: '
               '`libmqtt_rs.a` plus the POSIX port, which does the socket work the peers do inside '
               'their libraries); "total" adds libc and the benchmark\'s own loop.')
        self.w()
        per = {}
        reps_of = defaultdict(list)
        for r in cpu:
            reps_of[(r['lib'], r['qos'])].append(r)
        for key, runs in reps_of.items():
            def med(field):
                return statistics.median((x['data'][field] if isinstance(field, str) else
                                          sum(x['data'][f] for f in field)) / x['n'] for x in runs)
            per[key] = (med(('library', 'port')), med('total'), med('libc'))
        cpu_reps = max((len(v) for v in reps_of.values()), default=0)
        rows = []
        for q in sorted({r['qos'] for r in cpu}):
            cells = []
            for lib in ['raw', 'mqtt_rs'] + PEERS:
                v = per.get((lib, q))
                if v and lib == 'raw':
                    cells.append(f'– / {fmt_int(v[1])}')
                else:
                    cells.append(f'{fmt_int(v[0])} / {fmt_int(v[1])}' if v else 'n/a')
            t = TARGET_IR.get(q)
            ours = per.get(('mqtt_rs', q))
            rows.append([f'QoS {q}'] + cells + [f'≤ {t:,}{met(ours[1] <= t) if ours else ""}' if t else '–'])
            if q in (0, 1):
                self.summary.append([f'CPU: instructions per QoS {q} publish, library / total (target ≤ {t:,})',
                                     (f'{fmt_int(ours[0])} / {fmt_int(ours[1])}' + met(ours[1] <= t)) if ours else 'n/a',
                                     f"{fmt_int(per[('libmosquitto', q)][0])} / {fmt_int(per[('libmosquitto', q)][1])}"
                                     if ('libmosquitto', q) in per else 'n/a',
                                     f"{fmt_int(per[('paho', q)][0])} / {fmt_int(per[('paho', q)][1])}"
                                     if ('paho', q) in per else 'n/a', 'callgrind, stop-and-wait'])
        self.table(['instructions per publish (library / total)', 'raw socket', 'mqtt_rs', 'libmosquitto',
                    'Paho C', 'target (total)'], rows)
        cpub = {r['call']: r['data'] for r in self.by.get('cpub', [])}
        if cpub:
            self.w('Blocking calls (`mqtt_rs_client_publish` of `bench/c/blocking_mqtt_rs.c`, callgrind on '
                   'N and 2N calls, the difference divided by N), library / library + port: ' +
                   ', '.join(f'{label} {fmt_int(cpub[c]["library"])} / {fmt_int(cpub[c]["library"] + cpub[c]["port"])}'
                             for c, label in (('pub0', 'QoS 0'), ('pub1', 'QoS 1')) if c in cpub) + '.')
            self.w()
        top = [r for r in cpu if r['lib'] == 'mqtt_rs' and r['qos'] == 0][:1]
        if top:
            k = top[0]['n']
            items = [t for t in top[0]['data']['top'] if t[0] in ('library', 'port')][:8]
            self.w('Where mqtt_rs spends them (QoS 0, self cost per publish): ' +
                   ', '.join(f'`{demangle(t[1])}` {t[2] / k:,.0f}' for t in items) + '.')
            self.w()
        # syscalls
        sysr = self.find('sys')
        if sysr:
            self.w('System calls per publish, from `strace -c -f` (run with N and 2N publishes, the '
                   'difference divided by N, so connecting and subscribing cancel out): '
                   '"stop-and-wait" is the loop above, "pipelined" the throughput loop (window 20, '
                   'no subscriber on the client). write = write/writev/sendto/sendmsg, '
                   'read = read/recvfrom/recvmsg (including the ones that find nothing: EAGAIN), '
                   'wait = poll/ppoll/select/pselect6, other = everything else (futex, clock, ...). '
                   'strace slows every system call down, which lets more packets pile up per call '
                   'in the pipelined runs than without it.')
            self.w()
            rows = []
            for q in (0, 1):
                for mode, label in (('cpu', 'stop-and-wait'), ('thr', 'pipelined')):
                    cells = []
                    for lib in ['raw', 'mqtt_rs'] + PEERS:
                        r = [x for x in sysr if x['lib'] == lib and x['qos'] == q and x['mode'] == mode]
                        cells.append(sys_cell(r[0]) if r else 'n/a')
                    rows.append([f'QoS {q} {label}'] + cells)
            self.table(['write / read / wait / other', 'raw socket', 'mqtt_rs', 'libmosquitto', 'Paho C'], rows)
            for q in (0, 1):
                cells = []
                for lib in ['mqtt_rs'] + PEERS:
                    r = [x for x in sysr if x['lib'] == lib and x['qos'] == q and x['mode'] == 'thr']
                    cells.append(sys_cell(r[0]) if r else 'n/a')
                self.summary.append([f'Syscalls per QoS {q} publish, pipelined (write / read / wait / other)'] + cells + ['strace'])
        blocking = self.find('sysb')
        if blocking:
            self.w('System calls per blocking mqtt_rs call (`bench/c/blocking_mqtt_rs.c`: one call '
                   'after the other, 64-byte payload, same N / 2N difference): a QoS 0 publish '
                   'returns once its bytes are written, without reading; QoS 1 and subscribe '
                   'write their request first, then read until their acknowledgement (a read '
                   'that finds nothing yet waits with poll and reads again).')
            self.w()
            names = {'pub0': 'mqtt_rs_client_publish, QoS 0', 'pub1': 'mqtt_rs_client_publish, QoS 1',
                     'sub': 'mqtt_rs_client_subscribe, one filter'}
            rows = [[names.get(r['call'], r['call']), sys_cell(r)] for r in blocking]
            self.table(['blocking call', 'write / read / wait / other'], rows)

    # ---------------------------------------------------------------- 6
    def tls(self):
        self.w('## 6. TLS connection set-up')
        self.w()
        self.w('Time from connect to CONNACK, bytes each way on the TCP connection up to CONNACK '
               '(`TCP_INFO`; the MQTT CONNECT/CONNACK alone are the "no TLS" row), and client '
               'instructions per connect (callgrind over 3 connects after a first one), median time '
               'of repeated connects to the local mosquitto (ECDSA P-256 server certificate from '
               '`tests/broker/make-pki.sh`). "resumed" connects after a first full handshake and '
               'offers the session it got. The "RSA-2048 chain" rows connect mqtt_rs to a TLS 1.3 '
               'listener that presents the chain most cloud brokers do (`rsa2048-ca` and '
               '`server-rsa2048`: RSA-2048 CA and server key); the heap rows are the largest peak of '
               'the library\'s allocator (`mqtt_rs_heap_stats_get`) over the connects of a run.')
        self.w()
        t = {(r['lib'], r['label'], r['kind']): r for r in self.find('tls')}

        def cell(lib, label, kind):
            r = t.get((lib, label, kind))
            if r is None:
                if lib == 'mqtt_rs':
                    return '–' if label == 'none' else TLS_NA
                if label == 'tls13rsa':
                    return 'not measured (mqtt_rs only)'
                return 'n/a (failed)'
            d = r['data']
            if not d.get('supported', True):
                return 'not supported: ' + d.get('why', '')
            extra = ' (resumed)' if kind == 'resumed' and d.get('resumed') else (
                ' (**not** resumed)' if kind == 'resumed' else '')
            want = {'tls13': 'TLSv1.3', 'tls12': 'TLSv1.2'}.get(label)
            if d.get('negotiated') and want and d['negotiated'] != want:
                extra += f" (**negotiated {d['negotiated']}**)"
            return (f"{d['bytes_out']:,} / {d['bytes_in']:,} B, {d['median_us']:,.0f} µs, "
                    f"{fmt_int(r['instructions'])} instr.{extra}")
        # Full runs add the other crypto providers (bench/run.sh TLS_PROVIDERS) as columns.
        providers = [p for p in ('rustcrypto', 'psa') if any(lib == f'mqtt_rs-{p}' for lib, _, _ in t)]
        rows = []
        for label, kind, name in (('none', 'full', 'no TLS (MQTT only)'),
                                  ('tls13', 'full', 'TLS 1.3, full handshake'),
                                  ('tls13', 'resumed', 'TLS 1.3, resumed handshake'),
                                  ('tls12', 'full', 'TLS 1.2, full handshake'),
                                  ('tls12', 'resumed', 'TLS 1.2, resumed handshake'),
                                  ('tls13rsa', 'full', 'TLS 1.3, full handshake, RSA-2048 chain'),
                                  ('tls13rsa', 'resumed', 'TLS 1.3, resumed handshake, RSA-2048 chain')):
            rows.append([name, cell('mqtt_rs', label, kind)] +
                        [cell(f'mqtt_rs-{p}', label, kind) if label != 'none' else 'as ring' for p in providers] +
                        [cell('libmosquitto', label, kind)])

        def heap(lib, label):
            peaks = [t.get((lib, label, kind), {}).get('data', {}).get('heap_peak_bytes') for kind in ('full', 'resumed')]
            return ' / '.join(fmt_int(p) for p in peaks) if any(peaks) else 'n/a'
        for label, name in (('tls13', 'TLS heap peak, TLS 1.3 full / resumed, P-256 chain (B)'),
                            ('tls13rsa', 'TLS heap peak, TLS 1.3 full / resumed, RSA-2048 chain (B)')):
            rows.append([name, heap('mqtt_rs', label)] + [heap(f'mqtt_rs-{p}', label) for p in providers] + ['–'])
        names = {'rustcrypto': 'mqtt_rs (rustls, pure-Rust provider)', 'psa': 'mqtt_rs (rustls, PSA: Mbed TLS 2.28)'}
        self.table(['bytes out / in, time, client instructions', 'mqtt_rs (rustls, ring)'] +
                   [names[p] for p in providers] + ['libmosquitto (OpenSSL)'], rows)
        for kind in ('full', 'resumed'):
            self.summary.append([f'TLS 1.3 {kind} handshake: bytes out / in, time, instructions',
                                 cell('mqtt_rs', 'tls13', kind),
                                 cell('libmosquitto', 'tls13', kind).split(':')[0], '–', ''])

    def tls_diet(self):
        """Section 6's size table per crypto provider and diet (bench/tls_diet.sh, full runs only)."""
        rows = self.by.get('tls_diet', [])
        if not rows:
            return
        self.w('### TLS size per crypto provider and diet')
        self.w()
        self.w('`bench/tls_diet.sh`: the static library as CMake ships it (`cargo rustc --release --lib '
               '--crate-type staticlib`, LTO, `panic = "abort"`) for each crypto provider, with each diet '
               'feature alone and all four together, linked with gcc `-Os -ffunction-sections '
               '-fdata-sections -Wl,--gc-sections` into the minimal TLS client: '
               '`bench/c/min_mqtt_rs_tls_fw.c` on Cortex-M4F (newlib-nano), `bench/c/min_mqtt_rs_tls.c` '
               'with the POSIX port on x86_64. Library share from the link map: code + rodata on '
               'Cortex-M4F (as the TLS rows of section 7), code + rodata + eh_frame + data + bss on x86_64 '
               '(as section 1). The diets: `tls-no-rsa` (no RSA signatures), `tls-no-p384` (no P-384 keys '
               'or key exchange), `tls-no-sha384` (no signatures over SHA-384/512; ring: no AES-256-GCM '
               'suites either), `tls13-only` (built without the default feature `tls12`: no TLS 1.2 in '
               'this library nor in rustls), `all-four` (the four together); CMake options '
               '`MQTT_RS_TLS_NO_RSA`, `MQTT_RS_TLS_NO_P384`, `MQTT_RS_TLS_NO_SHA384`, '
               '`MQTT_RS_TLS13_ONLY`. PSA rows: the '
               'library alone; on x86_64 Debian\'s static `libmbedcrypto.a` (Mbed TLS 2.28, its default '
               'configuration) is linked after it, on Cortex-M4F Mbed TLS 2.28 cross-built with the firmware\'s '
               'PSA configuration (`tests/mbedtls-cross.sh`, `c-examples/baremetal/psa/mbedtls_config.h`); '
               'its share (code + rodata on Cortex-M4F, all sections on x86_64) is the last column. '
               'Goals (issue 10): Cortex-M4F ≤ 250,000 B pure-Rust, ≤ 150,000 B PSA; x86_64 with ring '
               '≤ 450,000 B; the mark is for the smallest diet.')
        self.w()
        diets = []
        for r in rows:
            if r['diet'] not in diets:
                diets.append(r['diet'])
        goals = {('thumbv7em', 'rustcrypto'): 250_000, ('thumbv7em', 'psa'): 150_000,
                 ('x86_64', 'ring'): 450_000}
        keys = []
        for r in rows:
            k = (r['triple'], r['opt'], r['provider'])
            if k not in keys:
                keys.append(k)
        table = []
        for triple, opt, provider in keys:
            cells, sizes, mbed = [], [], None
            for diet in diets:
                got = [r for r in rows if (r['triple'], r['opt'], r['provider'], r['diet']) == (triple, opt, provider, diet)]
                share = got[0]['data']['share'] if got else {}
                lib = next((v for k, v in share.items() if k.endswith('.a') and k != 'libmbedcrypto.a'), None)
                if lib is None:
                    cells.append('n/a')
                    continue
                size = lib['code'] + lib['rodata'] + (0 if triple.startswith('thumb') else lib['eh'] + lib['data'] + lib['bss'])
                sizes.append(size)
                cells.append(f'{size:,}')
                m = share.get('libmbedcrypto.a')
                if m and diet == diets[0] and sum(m.values()):
                    mbed = m['code'] + m['rodata'] if triple.startswith('thumb') else sum(m.values())
            goal = goals.get((triple.split('-')[0], provider))
            mark = f'≤ {goal:,}{met(min(sizes) <= goal)}' if goal and sizes else '–'
            table.append([f'`{triple}`', f'"{opt}"', provider] + cells + [mark, fmt_int(mbed) if mbed else '–'])
        self.table(['target', 'opt-level', 'provider'] + [f'{d}' for d in diets] +
                   ['goal', 'Mbed TLS share (full)'], table)

    # ---------------------------------------------------------------- notes, machine
    def notes(self):
        self.w('## What the figures show, and what they do not')
        self.w()
        for line in NOTES:
            self.w('- ' + line)
        if self.meta.get('tls_api'):
            self.w('- **TLS**: libmosquitto can only do full handshakes (a new `SSL` per connect). mqtt_rs\'s '
                   '"full" rows switch resumption off (`resumption = false`), so the client offers no '
                   'session ticket and a TLS 1.2 server sends none — that is part of why its TLS 1.2 '
                   'bytes in are lower than OpenSSL\'s; the "resumed" rows keep it on. The time includes '
                   'TCP connect and MQTT CONNECT/CONNACK on loopback; the instruction counts are the '
                   'client process only (the broker\'s work is not in them). Stack and heap of the TLS '
                   'build are in §2; the TLS build\'s heap comes from the platform hooks of '
                   '`c-examples/port/posix_tls_platform.c`, counted by the library '
                   '(`mqtt_rs_heap_stats_get`).')
        else:
            self.w('- **TLS**: libmosquitto can only do full handshakes. mqtt_rs has no TLS C API on this '
                   'branch, so its rows say n/a; `bench/README.md` lists the programs that fill them in.')
        self.w('- Everything runs on 127.0.0.1 with one broker; no network, no packet loss, no reconnects. '
               'Medians hide outliers on purpose; min–max and p99 are there to show the spread.')
        self.w()

    def machine(self):
        m = self.meta
        self.w('## Machine, versions, commands')
        self.w()
        self.w(f"Run {m.get('date')} on commit `{m.get('commit')}`, {'quick mode' if m.get('quick') else 'full mode'}, "
               f"{m.get('reps')} repetition(s), {m.get('elapsed_s')} s in total.")
        if not m.get('quick'):
            self.w()
            self.w(f"Before each of the {m.get('timed_runs')} timed runs (throughput, latency) the suite waited "
                   f"until the machine was at least 90 % idle; {m.get('busy_runs')} had to start after 20 s "
                   'without that (other work on the machine).')
        self.w()
        rows = [['CPU', f"{m.get('cpu')} ({m.get('ncpu')} vCPU)"], ['memory', m.get('mem')],
                ['OS', f"{m.get('os')}, kernel {m.get('kernel')}"]]
        for k, v in m.get('versions', {}).items():
            rows.append([k, v])
        self.table(['', ''], rows)
        self.w('Commands, in the order run (paths relative to the repository root; the broker '
               'configuration is written by `bench/run.sh`):')
        self.w()
        self.w('<details><summary>all commands</summary>')
        self.w()
        self.w('```sh')
        self.w('bash bench/run.sh' + (' --quick' if m.get('quick') else ''))
        for c in self.commands:
            self.w(c)
        self.w('```')
        self.w()
        self.w('</details>')
        self.w()

    # ---------------------------------------------------------------- 7
    def targets(self):
        rows = self.by.get('target', [])
        self.w('## 7. On microcontrollers')
        self.w()
        if not rows:
            self.w('No target rows (bench/target.sh did not run or failed).')
            self.w()
            return
        self.w('The plain library (no TLS; LTO, `panic = "abort"`) built through CMake with the '
               'project\'s toolchain files (`cmake/arm-none-eabi.cmake`, `cmake/riscv64-unknown-elf.cmake`), '
               'linked into a minimal firmware (`bench/c/min_mqtt_rs_fw.c`: connect, subscribe, publish '
               'QoS 1, wait, disconnect over the UART port of `c-examples/baremetal/`) with the target\'s '
               'gcc `-Os -ffunction-sections -fdata-sections -Wl,--gc-sections` (newlib-nano on Arm, '
               'picolibc on RISC-V). Library share from the link map as in section 1; "exidx" is '
               '`.ARM.exidx`. The archive\'s memcpy/memset are local (`cmake/bare-metal-archive.cmake`), '
               'so the C library\'s are used and not counted here.')
        self.w()
        table = []
        for r in rows:
            d = r['data']
            s = d['share']['libmqtt_rs.a']
            m = d['min_fw']
            table.append([target_label(r), f"\"{r['opt']}\"", f"**{s['code'] + s['rodata']:,}**",
                          f"{s['code']:,} / {s['rodata']:,} / {s['eh']:,} / {s['data']:,} / {s['bss']:,}",
                          f"{m['text']:,} / {m['data']:,} / {m['bss']:,}"])
        table.append(['wolfMQTT 2.1.0, Cortex-M4 (outside figure)', '`-Os`', '**7,079**',
                       'text + rodata', 'not measured here'])
        self.table(['target', 'opt-level', 'library share: code + rodata (B)',
                    'code / rodata / exidx / data / bss', 'minimal firmware text / data / bss'], table)
        v5 = v5_addition(rows)
        if v5 is not None:
            self.w(f'MQTT 5.0 built in and connecting with 5.0 adds **{v5:,} B** to the Cortex-M4 minimal client '
                   f'(goal ≤ 8,000 B: {v5 - 8000:+,} B{met(v5 <= 8000)}); the 3.1.1 row is the build without it.')
            self.w()
        self.w('wolfMQTT is an outside measurement (the same five calls built for Cortex-M4 with '
               'arm-none-eabi-gcc -Os; wolfMQTT is not installed here), printed as the anchor. Before '
               'the archive stopped exporting compiler_builtins\' memcpy/memmove/memset the Cortex-M4 '
               'share was 17,164 B (15,224 code + 1,940 rodata, opt-level "s").')
        self.w()
        fw = [r for r in rows if r['data'].get('fw')]
        if fw:
            self.w('The example firmware (`c-examples/baremetal/main.c`: connect, subscribe, QoS 0/1/2 '
                   'and a 1,500-byte payload through 256-byte buffers, every byte checked, disconnect), '
                   'as linked by CMake (`MinSizeRel`), run under QEMU against the broker. Flash = text + '
                   'data; RAM = data + bss, of which 16,384 B are the reserved main stack.')
            self.w()
            self.table(['target', 'opt-level', 'QEMU board', 'flash (B)', 'RAM (B)', 'RAM without the stack reserve'],
                       [[target_label(r), f"\"{r['opt']}\"", f"`{r['board']}`",
                         f"{r['data']['fw']['text'] + r['data']['fw']['data']:,}",
                         f"{r['data']['fw']['data'] + r['data']['fw']['bss']:,}",
                         f"{r['data']['fw']['data'] + r['data']['fw']['bss'] - r['data']['stack_reserved']:,}"]
                        for r in fw])
        st = [r for r in rows if r['data'].get('stack')]
        if st:
            calls = list(st[0]['data']['stack'].keys())
            self.w('Stack high-water per API call on the target (bytes below the caller\'s stack pointer; '
                   'painted stack, `c-examples/baremetal/stack_probe.c`; includes the SysTick exception '
                   'frames taken during the call). `wait` is the largest of its calls.')
            self.w()
            self.table(['target', 'opt-level'] + [f'`{c}`' for c in calls],
                       [[target_label(r), f"\"{r['opt']}\""] + [f"{r['data']['stack'].get(c, 0):,}" for c in calls]
                        for r in st])
        self.w('The minimal firmware\'s bss holds the 16 KiB stack reserve of the Arm linker script. '
               'No run for RV32 and Cortex-M0+: the example\'s start-up, SysTick and UART code '
               'are Cortex-M and MPS2, Debian\'s RISC-V QEMU is another package (qemu-system-misc), and QEMU '
               '7.2 has no MPS2 (CMSDK UART) board with a Cortex-M0+; those rows are links only.')
        self.w()

    def targets_tls(self):
        """Section 7's TLS rows (full runs only): nothing at all when there are none."""
        rows = [r for r in self.by.get('target_tls', []) if (r.get('data') or {}).get('share')]
        if not rows:
            return
        self.w('### TLS on microcontrollers')
        self.w()
        self.w('The TLS build (CMake `-DMQTT_RS_TLS=ON`: feature `tls` with the pure-Rust "rustcrypto" '
               'provider, which the bare-metal targets get automatically; no TLS on Cortex-M0+), linked '
               'into a minimal TLS firmware (`bench/c/min_mqtt_rs_tls_fw.c`: the same five calls plus the '
               'TLS platform hooks of `c-examples/baremetal/tls_platform.c`, `mqtt_rs_client_use_tls` with '
               'a CA and `mqtt_rs_client_deinit`) with the same flags as the plain rows above (on RV32: '
               'picolibc, whose malloc draws on the same arena, and the RISC-V semihosting sequence of '
               '`semihosting.c` for clock and entropy; linked, never run). Library share from the link map; '
               'the firmware\'s heap arena (64 KiB, `tls_platform.h`) is in its bss.')
        self.w()
        table = []
        for r in rows:
            d = r['data']
            s = (d.get('share') or {}).get('libmqtt_rs.a')
            m = d.get('min_fw')
            if not s:
                continue
            table.append([f"`{r.get('triple')}`", f"\"{r.get('opt')}\"", f"**{s['code'] + s['rodata']:,}**",
                          f"{s['code']:,} / {s['rodata']:,} / {s['eh']:,} / {s['data']:,} / {s['bss']:,}",
                          f"{m['text']:,} / {m['data']:,} / {m['bss']:,}" if m else 'n/a'])
        self.table(['target', 'opt-level', 'TLS library share: code + rodata (B)',
                    'code / rodata / exidx / data / bss', 'minimal TLS firmware text / data / bss'], table)
        run = [r for r in rows if r['data'].get('fw') and r['data'].get('stack')]
        if run:
            self.w('The TLS self-test firmware (`c-examples/baremetal/tls_main.c`: TLS 1.3 then TLS 1.2 to '
                   'mosquitto\'s TLS listener of `tests/broker/mosquitto.sh`, chain and host name verified '
                   'against the CA compiled in, QoS 0/1/2 and a 1,500-byte payload through 512-byte '
                   'buffers, then a second connection that resumes the session), as linked by CMake '
                   '(`MinSizeRel`), run under QEMU. Flash = text + data; RAM = data + bss (16,384 B stack '
                   'reserve and the 64 KiB heap arena included). Heap peak: the largest '
                   '`heap peak` the firmware logs over the four connections (`mqtt_rs_heap_stats`: what the '
                   'library\'s allocator, over the platform hooks and so the arena, has out at most; the peak is '
                   'reset before each connect and read after its CONNACK, so it includes what '
                   '`mqtt_rs_client_use_tls` keeps allocated; it moves by some bytes between runs with the '
                   'sizes the broker sends). Stack: '
                   'the largest high-water of each call over the four connections (painted stack, '
                   'SysTick frames included); `connect` (the handshake) is the deepest call, to be compared '
                   'with the 16,384 B stack reserve.')
            self.w()
            self.table(['target', 'opt-level', 'QEMU board', 'flash (B)', 'RAM (B)', 'TLS heap peak (B)'],
                       [[f"`{r.get('triple')}`", f"\"{r.get('opt')}\"", f"`{r.get('board')}`",
                         f"{r['data']['fw']['text'] + r['data']['fw']['data']:,}",
                         f"{r['data']['fw']['data'] + r['data']['fw']['bss']:,}",
                         fmt_int(r['data'].get('heap_peak'))] for r in run])
            calls = []
            for r in run:
                calls += [c for c in r['data']['stack'] if c not in calls]
            self.table(['target', 'opt-level'] + [f'`{c}`' for c in calls],
                       [[f"`{r.get('triple')}`", f"\"{r.get('opt')}\""] +
                        [fmt_int(r['data']['stack'].get(c)) for c in calls] for r in run])
        missing = [r for r in rows if not (r['data'].get('fw') and r['data'].get('stack'))]
        if missing:
            self.w('No TLS firmware run for ' + ', '.join(f"`{r.get('triple')}`" for r in missing) +
                   ': size rows only (no QEMU board with a CMSDK UART for the core; see the plain rows).')
            self.w()
        self.w('No TLS row for Cortex-M0+ (`thumbv6m-none-eabi` has no TLS build). '
               'TLS rows come from full runs only (`bench/target.sh` with QUICK=0).')
        self.w()

    def lean_goals(self):
        """Issue 11's goals beside this run's figures, then bench/lean-history.md verbatim."""
        self.w('## 8. Lean-engine goals (issue 11)')
        self.w()
        self.w('Each goal beside this run\'s figure and the distance left (negative: met). Footprint: '
               'library share of the minimal client (x86_64: code + rodata + eh + data, section 1; '
               'Cortex-M4: text + rodata of the minimal firmware, opt-level "s", section 7). '
               'Instructions: library + POSIX port per stop-and-wait publish (callgrind, section 5). '
               'The byte budgets of `bench/budgets.txt` hold the footprint rows where they are.')
        self.w()
        rows = []

        def row(goal, target, value, unit='', digits=0):
            if value is None:
                rows.append([goal, f'≤ {target:,}{unit}', 'n/a', 'n/a'])
            else:
                rows.append([goal, f'≤ {target:,}{unit}', f'{value:,.{digits}f}{unit}' + met(value <= target),
                             f'{value - target:+,.{digits}f}{unit}'])
        fp = self.find('footprint', lib='mqtt_rs', variant='plain')
        share = fp[0]['data']['share'].get('libmqtt_rs.a') if fp else None
        row('footprint, x86_64 library share', 12000,
            sum(share[c] for c in ('code', 'rodata', 'eh', 'data')) if share else None, ' B')
        m4 = [r for r in self.by.get('target', []) if r.get('name') == 'm4-s']
        m4share = m4[0]['data']['share'].get('libmqtt_rs.a') if m4 else None
        row('footprint, Cortex-M4 text + rodata', 7000, m4share['code'] + m4share['rodata'] if m4share else None, ' B')
        cpub = {r['call']: r['data'] for r in self.by.get('cpub', [])}
        cpu = defaultdict(list)
        for r in self.find('cpu', lib='mqtt_rs'):
            cpu[r['qos']].append((r['data']['library'] + r['data']['port']) / r['n'])
        for q, call, blocking_goal, nonblocking_goal in ((0, 'pub0', 1000, 470), (1, 'pub1', 1800, 930)):
            b = cpub.get(call)
            row(f'instructions, blocking QoS {q} publish', blocking_goal, b['library'] + b['port'] if b else None)
            row(f'instructions, non-blocking QoS {q} publish', nonblocking_goal,
                statistics.median(cpu[q]) if cpu[q] else None)
        for call, label, target in (('pub0', 'QoS 0', 1), ('pub1', 'QoS 1', 3)):
            r = self.find('sysb', call=call)
            row(f'system calls (all kinds), blocking {label} publish', target,
                sum(float(x) for x in sys_cell(r[0]).split(' / ')) if r else None, digits=2)
        self.table(['goal', 'target', 'this run', 'distance'], rows)
        history = Path(__file__).with_name('lean-history.md')
        if history.exists():
            self.w(history.read_text().rstrip())
            self.w()

    def render(self):
        self.footprint()
        self.ram()
        self.throughput()
        self.window()
        self.latency()
        self.cpu()
        self.tls()
        self.tls_diet()
        self.targets()
        self.targets_tls()
        self.lean_goals()
        body = self.out
        self.out = []
        m = self.meta
        self.w('# Benchmarks')
        self.w()
        self.w('mqtt_rs against the C peers libmosquitto and Paho C (Debian packages), all driven by '
               'the same C harness (`bench/c/`), on loopback through a local mosquitto. Produced by '
               '`bash bench/run.sh`' + (' --quick (a smoke run: too few samples to compare)' if m.get('quick') else '') +
               f"; machine and versions at the end. Ratios compare runs of the same invocation.")
        self.w()
        self.table(['', 'mqtt_rs', 'libmosquitto', 'Paho C', 'note'], self.summary)
        self.out.extend(body)
        self.notes()
        self.machine()
        return '\n'.join(self.out).rstrip() + '\n'


def sys_cell(r):
    n = r['n']
    small, large = r['data']['small'], r['data']['large']

    def diff(names):
        # strace counts of two runs; tiny negative differences are noise (e.g. futex)
        return max(0.0, sum(large.get(s, 0) - small.get(s, 0) for s in names) / n)
    writes = ('write', 'writev', 'sendto', 'sendmsg', 'send')
    reads = ('read', 'readv', 'recvfrom', 'recvmsg', 'recv')
    waits = ('poll', 'ppoll', 'select', 'pselect6', 'epoll_wait', 'epoll_pwait')
    keys = set(small) | set(large)
    other = diff([k for k in keys if k not in writes + reads + waits])
    return f'{diff(writes):.2f} / {diff(reads):.2f} / {diff(waits):.2f} / {other:.2f}'


def demangle(sym):
    """Readable name for a Rust legacy-mangled symbol (enough for the report)."""
    if sym.startswith('_ZN') and sym.endswith('E'):
        parts, s = [], sym[3:-1]
        while s and s[0].isdigit():
            i = 0
            while s[i].isdigit():
                i += 1
            ln = int(s[:i])
            parts.append(s[i:i + ln])
            s = s[i + ln:]
        if parts and parts[-1].startswith('h') and len(parts[-1]) == 17:
            parts = parts[:-1]
        name = '::'.join(parts)
        for a, b in (('$LT$', '<'), ('$GT$', '>'), ('$u20$', ' '), ('..', '::'), ('$u7b$', '{'), ('$u7d$', '}')):
            name = name.replace(a, b)
        return name
    if sym.startswith('_RNv'):
        return sym.rsplit('_', 1)[-1].lstrip('0123456789') or sym
    return sym


NOTES = [
    '**Footprint** is x86_64 code built for size; Thumb-2 code for a Cortex-M is denser, so firmware '
    'figures will be lower (this machine has no Rust ARM target, so the suite does not build one). `.eh_frame` (unwind tables) exists because the host Rust target '
    'emits them even with `panic = "abort"`; bare-metal targets do not, hence the "without eh_frame" '
    'column. CMake leaves them out of the archive on ELF hosts, so the plain row has none; the TLS '
    'rows, built with cargo alone, keep them. The binary sizes include the C side (POSIX port, libc stubs); libmosquitto\'s share is '
    'its whole shared object and leaves out OpenSSL, which it loads even for plain TCP.',
    '**RAM**: the client object of the peers is what their create call allocates (`mallinfo2` '
    'before and after); they allocate more per connection and per message, which the dhat rows '
    'show. The stack figures are one run along the normal paths (connect, QoS 0/1/2 both ways, '
    '(un)subscribe, disconnect); error paths and reconnects with a session to resend are not '
    'exercised, and the numbers are for this x86_64 build.',
    '**Throughput** is end to end through one mosquitto on the same small machine as the clients '
    'and the subscriber: when the broker is the bottleneck (QoS 0 especially) every client, even the '
    'raw writer, shows the broker\'s speed, and differences between clients shrink. It shows whether '
    'a client keeps the pipe full within the 20-message window, not how fast it could go against a '
    'faster broker. Where the processes run changes the result: with the broker on its own CPU, a '
    'client that writes every packet at once as it goes (libmosquitto) keeps the broker busier than '
    'one that batches a window\'s worth per write (the raw writer, mqtt_rs) — so the raw writer is '
    'the ceiling for batching clients, not for every client. Other work on the machine can halve a '
    'run\'s figure; the suite waits for an idle machine before each timed run (see the last section '
    'for how many started anyway), and the min–max ranges show what is left. Paho C runs with a TCP_NODELAY shim (`bench/c/nodelay.c`); its synchronous '
    'client cannot keep a window open without callbacks, so it runs with its own receive thread.',
    '**Latency** is dominated by the broker and the loopback wake-ups (the raw socket row is the '
    'floor); the client\'s share is the difference to that row. Pinning both processes to one CPU '
    'removes cross-CPU wake-ups; unpinned figures are higher and noisier. "Paho C as shipped" shows '
    'the Nagle/delayed-ACK stall of a client without TCP_NODELAY (a handful of samples only).',
    '**CPU** counts user-space instructions (no kernel, no cycles, no cache effects); the '
    'stop-and-wait loop makes the counts repeatable, but a pipelined application pays less per '
    'message for reads and waits (see the system-call table). Paho C\'s count includes its receive '
    'thread and the hand-over to the harness thread (mutex, condition variable).',
]


def write(results, meta, commands, out):
    rows = load(results)
    with open(meta) as f:
        m = json.load(f)
    with open(commands) as f:
        cmds = [l.rstrip('\n') for l in f if l.strip()]
    text = Report(rows, m, cmds).render()
    with open(out, 'w') as f:
        f.write(text)


def section(name, results):
    """Prints one section's markdown from RESULTS (to refresh it after its script ran alone)."""
    report = Report(load(results), {}, [])
    getattr(report, name)()
    print('\n'.join(report.out).rstrip())


if __name__ == '__main__':
    if len(sys.argv) == 4 and sys.argv[1] == '--section':
        section(sys.argv[2], sys.argv[3])
        sys.exit(0)
    if len(sys.argv) != 5:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    write(*sys.argv[1:5])
