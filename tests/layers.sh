#!/bin/bash
# tests/layers.sh [BUILD_DIR]: policyd's files call only downwards.
#
# From the symbols each object defines and uses (nm), the call graph
# between the files of policyd/ must have no cycle, and no file may use one
# of a higher layer (docs/ARCHITECTURE.md): the event loop above routing,
# routing above the verb handlers, and replies, decision logs, policies,
# reload and the store below them.
set -u
B=${1:-build}
cd "$(dirname "$0")/.." || exit 1
python3 - "$B/obj/policyd" <<'PY'
import collections, glob, os, subprocess, sys

LAYERS = [
    ["main.c"],
    ["server.c"],
    ["dispatch.c"],
    ["logon.c", "mfa.c", "passwords.c", "akeys.c", "sessions.c", "report.c",
     "users.c", "status.c", "policies.c", "directory.c", "nss.c"],
    ["reply.c", "jobs.c", "access.c", "reload.c", "costs.c", "identity.c",
     "accounts.c"],
    ["store.c", "workers.c", "keys.c", "sdnotify.c", "detach.c"],
    ["db_sqlite.c", "db_pg.c", "tables.c"],
    ["log.c"],
]
layer = {f: i for i, files in enumerate(LAYERS) for f in files}
objdir = sys.argv[1]
sources = {os.path.basename(p) for p in glob.glob("policyd/*.c")}
fail = 0 if sources else 1
if not sources:
    print("not ok - no policyd/*.c found")
missing = sorted(sources - set(layer))
if missing:
    print("not ok - files in no layer (add them to tests/layers.sh):", " ".join(missing))
    fail += 1
defs, uses = {}, collections.defaultdict(set)
for src in sorted(sources):
    obj = os.path.join(objdir, src[:-2] + ".o")
    out = subprocess.run(["nm", obj], capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        p = line.split()
        if len(p) == 3 and p[1] in "TDBR":
            defs[p[2]] = src
        elif len(p) == 2 and p[0] == "U":
            uses[src].add(p[1])
edges = collections.defaultdict(set)
for src, syms in uses.items():
    for s in syms:
        if s in defs and defs[s] != src:
            edges[src].add((defs[s], s))
for src in sorted(edges):
    for dst, sym in sorted(edges[src]):
        if layer.get(dst, 99) < layer.get(src, 99):
            print(f"not ok - {src} calls up into {dst} ({sym})")
            fail += 1
# cycles, from the strongly connected components (Tarjan)
index, low, stack, on, sccs, n = {}, {}, [], set(), [], [0]
def visit(v):
    index[v] = low[v] = n[0]; n[0] += 1; stack.append(v); on.add(v)
    for w, _ in edges[v]:
        if w not in index:
            visit(w); low[v] = min(low[v], low[w])
        elif w in on:
            low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        comp = []
        while True:
            w = stack.pop(); on.discard(w); comp.append(w)
            if w == v: break
        sccs.append(comp)
for v in sorted(sources):
    if v not in index:
        visit(v)
for comp in sccs:
    if len(comp) > 1:
        print("not ok - call cycle between", " ".join(sorted(comp)))
        fail += 1
if not fail:
    print(f"ok - policyd: {len(sources)} files in {len(LAYERS)} layers, every call downwards, no cycle")
sys.exit(1 if fail else 0)
PY
