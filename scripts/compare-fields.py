#!/usr/bin/env python3
"""Measures tcpwatch's fields against tshark's on captures, as issue 14 counts them.

    scripts/compare-fields.py [--show N] CAPTURE...

1. The names: every field name that `tshark -T pdml` emits on the captures (geninfo and
   wrapper pseudo-fields left out), and how many of them `tcpwatch fields` lists.
2. The cells: for each accepted name and frame, `-T fields -E occurrence=a` from both,
   compared cell by cell.
--show N prints the N fields with the most differing cells, with an example.
Needs tshark. Writes nothing.
"""
import collections, os, re, subprocess, sys

env = dict(os.environ, TZ="UTC", LC_ALL="C.UTF-8")
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
binary = os.environ.get("TCPWATCH", os.path.join(root, ".build/debug/tcpwatch"))
args = sys.argv[1:]
show = 0
if args[:1] == ["--show"]:
    show, args = int(args[1]), args[2:]

def run(cmd):
    return subprocess.run(cmd, capture_output=True, text=True, env=env, errors="replace").stdout

names = set()
for capture in args:
    pdml = run(["tshark", "-n", "-r", capture, "-T", "pdml"])
    for proto in re.findall(r'<proto name="([^"]+)"', pdml):
        names.add(proto)
    names.update(re.findall(r'<field name="([^"]+)"', pdml))
names -= {"geninfo", "num", "len", "caplen", "timestamp", "fake-field-wrapper", ""}
names = {n for n in names if not n.startswith("_ws.") and not n.startswith("expert")}
ours = {line.split("\t")[2] for line in run([binary, "fields"]).splitlines() if line.count("\t") >= 2}
accepted = sorted(n for n in names if n in ours)
print(f"field names tshark emits: {len(names)}; accepted by tcpwatch: {len(accepted)} "
      f"({100 * len(accepted) / max(len(names), 1):.1f}%)")

cells = same = 0
bad = collections.Counter()
example = {}
for capture in args:
    for i in range(0, len(accepted), 150):
        chunk = accepted[i:i + 150]
        flags = [x for n in chunk for x in ("-e", n)]
        theirs = run(["tshark", "-n", "-r", capture, "-T", "fields", "-E", "occurrence=a", *flags]).split("\n")
        mine = run([binary, "read", capture, "-T", "fields", "-E", "occurrence=a", *flags]).split("\n")
        for t, m in zip(theirs, mine):
            if not t and not m:
                continue
            tc, mc = t.split("\t"), m.split("\t")
            for j, name in enumerate(chunk):
                a = tc[j] if j < len(tc) else ""
                b = mc[j] if j < len(mc) else ""
                cells += 1
                if a == b:
                    same += 1
                else:
                    bad[name] += 1
                    example.setdefault(name, (os.path.basename(capture), a[:80], b[:80]))
print(f"cells: {cells}; equal: {same} ({100 * same / max(cells, 1):.2f}%)")
for name, count in bad.most_common(show):
    cap, a, b = example[name]
    print(f"  {count:6} {name:40} {cap}: tshark {a!r} tcpwatch {b!r}")
missing = sorted(names - set(accepted))
if show:
    print("not accepted:", " ".join(missing[:200]))
