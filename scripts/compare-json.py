#!/usr/bin/env python3
"""Compares `tcpwatch read -T json` with `tshark -T json`: the same structure (an array of
{_index, _type, _score, _source: {layers}}) and the share of leaf keys and values that are
equal, per frame, as multisets of (path, value) (tshark repeats keys, so pairs are kept).

    scripts/compare-json.py [--show N] CAPTURE...
"""
import collections, json, os, subprocess, sys

env = dict(os.environ, TZ="UTC", LC_ALL="C.UTF-8")
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
binary = os.environ.get("TCPWATCH", os.path.join(root, ".build/debug/tcpwatch"))
args = sys.argv[1:]
show = 0
if args[:1] == ["--show"]:
    show, args = int(args[1]), args[2:]

def load(cmd):
    text = subprocess.run(cmd, capture_output=True, text=True, env=env, errors="replace").stdout
    return json.loads(text, object_pairs_hook=lambda pairs: pairs)

def leaves(node, path, out):
    if isinstance(node, list) and all(isinstance(p, tuple) for p in node):
        for key, value in node:
            leaves(value, path + "/" + key, out)
    else:
        out[(path, json.dumps(node))] += 1

total = same = 0
missing = collections.Counter()
for capture in args:
    theirs, ours = load(["tshark", "-n", "-r", capture, "-T", "json"]), load([binary, "read", capture, "-T", "json"])
    assert len(theirs) == len(ours), f"{capture}: {len(theirs)} frames from tshark, {len(ours)} from tcpwatch"
    for t, o in zip(theirs, ours):
        assert [k for k, _ in t] == [k for k, _ in o], f"{capture}: keys {[k for k, _ in o]}"
        a, b = collections.Counter(), collections.Counter()
        leaves(dict(t)["_source"], "", a)
        leaves(dict(o)["_source"], "", b)
        total += sum(a.values())
        same += sum((a & b).values())
        for (path, value), n in (a - b).items():
            missing[path] += n
    print(f"{os.path.basename(capture):28} ok")
print(f"leaves: {total}; equal: {same} ({100 * same / max(total, 1):.1f}%)")
for path, n in missing.most_common(show):
    print(f"  {n:6} {path}")
