#!/usr/bin/env python3
"""Checks the display-filter table in Tests/ViewsTests/DisplayFilterTests.swift against
tshark: for every row, `tshark -r F -Y FILTER -T fields -e frame.number` must list the
frames the row expects.

    scripts/check-display-filters.py           # report rows that disagree (exit 1 if any)
    scripts/check-display-filters.py --update  # rewrite the expected lists from tshark
"""
import os, re, subprocess, sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TESTS = os.path.join(ROOT, "Tests/ViewsTests/DisplayFilterTests.swift")
PCAPS = os.path.join(ROOT, "Fixtures/pcaps")
ROW = re.compile(r'Row\("([^"]+)", #"(.*?)"#, \[([0-9, ]*)\]\)')


def tshark(capture, filter_text):
    result = subprocess.run(
        ["tshark", "-n", "-r", os.path.join(PCAPS, capture), "-Y", filter_text, "-T", "fields", "-e", "frame.number"],
        capture_output=True, text=True, env={**os.environ, "LC_ALL": "C.UTF-8"})
    if result.returncode != 0:
        raise SystemExit(f"tshark rejects {filter_text!r} on {capture}: {result.stderr.strip()}")
    return [int(line) for line in result.stdout.split()]


def main():
    update = "--update" in sys.argv
    source = open(TESTS, encoding="utf-8").read()
    mismatches = 0
    rows = 0

    def replace(match):
        nonlocal mismatches, rows
        capture, filter_text, expected_text = match.groups()
        rows += 1
        expected = [int(n) for n in expected_text.replace(" ", "").split(",") if n]
        actual = tshark(capture, filter_text)  # Swift raw strings: the text is literal
        if actual != expected:
            mismatches += 1
            print(f"{capture}: {filter_text}\n  table  {expected}\n  tshark {actual}")
        return f'Row("{capture}", #"{filter_text}"#, [{", ".join(map(str, actual))}])'

    updated = ROW.sub(replace, source)
    print(f"{rows} rows, {mismatches} differ from tshark")
    if update and updated != source:
        open(TESTS, "w", encoding="utf-8").write(updated)
    sys.exit(1 if mismatches and not update else 0)


main()
