#!/usr/bin/env python3
"""Reads `crate::a::b` references in a Rust crate's src/ and reports import cycles: between top-level modules, and
between files inside one top-level module. Usage: python3 .ci/layering.py src. Exit 1 if any cycle; prints the cycles.

Copied unchanged (apart from this docstring) from the shared tools of the accord work area (tools/layering.py there),
so that CI on a fresh clone can run it; src/lib.rs's module docs describe the layers it guards."""
import os, re, sys
from itertools import chain

src = sys.argv[1]
files = [os.path.join(d, f) for d, _, fs in os.walk(src) for f in fs if f.endswith(".rs")]

def module_of(path):
    rel = os.path.relpath(path, src)[:-3].split(os.sep)
    if rel[-1] == "mod":
        rel = rel[:-1]
    return rel  # e.g. ['charts', 'sweep']

mods = {tuple(module_of(f)): f for f in files}
ref = re.compile(r"crate::([a-z_][a-z0-9_]*)(?:::([a-z_][a-z0-9_]*))?")
use_block = re.compile(r"use crate::\{([^;]*)\};", re.S)
top_edges, file_edges = {}, {}
for f in files:
    me = module_of(f)
    text = open(f, encoding="utf-8").read()
    text = re.sub(r"#\[cfg\(test\)\]\s*mod tests\s*\{.*", "", text, flags=re.S)  # tests may look anywhere
    text = re.sub(r"//.*", "", text)  # doc links and comments are not imports
    targets = [(m.group(1), m.group(2)) for m in ref.finditer(text)]
    for blk in use_block.finditer(text):
        for part in re.split(r",(?![^{]*\})", blk.group(1)):
            segs = [s.strip() for s in re.split(r"::|\{", part) if s.strip()]
            if segs:
                targets.append((segs[0], segs[1] if len(segs) > 1 else None))
    if len(me) >= 2:  # `super::x` from a file directly inside a top-level module names a sibling file
        targets += [(me[0], m.group(1)) for m in re.finditer(r"super::([a-z_][a-z0-9_]*)", text)]
        for blk in re.finditer(r"use super::\{([^;]*)\};", text, re.S):
            targets += [(me[0], seg.strip().split("::")[0]) for seg in blk.group(1).split(",") if seg.strip()]
    for a, b in targets:
        if not me or a in ("lib", "main"):
            continue
        if a != me[0]:
            top_edges.setdefault(me[0], set()).add(a)
        elif b and (a, b) in mods and len(me) >= 2 and me[1] != b:
            file_edges.setdefault((me[0], me[1]), set()).add((a, b))

def cycles(edges):
    found, seen = [], set()
    def dfs(n, stack):
        if n in stack:
            cyc = stack[stack.index(n):]
            key = frozenset(cyc)
            if key not in seen:
                seen.add(key); found.append(cyc + [n])
            return
        for m in sorted(edges.get(n, ()), key=str):
            dfs(m, stack + [n])
    for n in sorted(edges, key=str):
        dfs(n, [])
    return found

bad = cycles(top_edges) + cycles(file_edges)
for c in bad:
    print("cycle: " + " -> ".join("::".join(x) if isinstance(x, tuple) else x for x in c))
print(f"{len(bad)} import cycles")
sys.exit(1 if bad else 0)
