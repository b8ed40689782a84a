#!/usr/bin/env python3
"""Compares `tcpwatch read -V` with tshark's -V, line for line as multisets, per capture.

    scripts/compare-verbose.py [--show N] CAPTURE...

Prints, for each capture, tshark's line count and how many of them tcpwatch prints
identically; with --show, the N most common lines that differ on each side. Needs tshark.
"""
import collections, os, subprocess, sys

def lines(cmd):
    env = dict(os.environ, TZ="UTC", LC_ALL="C.UTF-8")
    return subprocess.run(cmd, capture_output=True, text=True, env=env).stdout.splitlines()

show = 0
args = sys.argv[1:]
if args[:1] == ["--show"]:
    show, args = int(args[1]), args[2:]
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
binary = os.environ.get("TCPWATCH", os.path.join(root, ".build/debug/tcpwatch"))
total = same_total = 0
for capture in args:
    ours = collections.Counter(lines([binary, "read", "-V", capture]))
    theirs = collections.Counter(lines(["tshark", "-n", "-r", capture, "-V"]))
    same = sum((ours & theirs).values())
    n = sum(theirs.values())
    total += n
    same_total += same
    print(f"{os.path.basename(capture):28} tshark {n:7} lines  identical {same:7}  {100 * same / max(n, 1):5.1f}%")
    if show:
        for line, count in (theirs - ours).most_common(show):
            print(f"   - {count:5} {line}")
        for line, count in (ours - theirs).most_common(show):
            print(f"   + {count:5} {line}")
print(f"{'all':28} tshark {total:7} lines  identical {same_total:7}  {100 * same_total / max(total, 1):5.1f}%")
