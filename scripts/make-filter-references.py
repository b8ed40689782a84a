#!/usr/bin/env python3
"""Records what tshark 4.0 does with every display filter in Fixtures/filters/filters.txt,
once, into Fixtures/filters/references.tsv. The Swift tests compare tcpwatch with that file
and never run tshark.

    scripts/make-filter-references.py           # write references.tsv
    scripts/make-filter-references.py --check   # report rows where the file and tshark differ

Each output row is CAPTURE, FILTER, then either `frames` and the comma-separated frame
numbers tshark prints, or `error`, tshark's message, and the zero-based column and length
of its caret (-1 and 0 when tshark prints no caret). A third input column (`unknown`) is
copied: the filter names a field tcpwatch does not have yet.

Absolute times are read in local time by both tools: the script runs tshark with TZ=UTC
and the tests run tcpwatch with TZ=UTC.
"""
import os, subprocess, sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FILTERS = os.path.join(ROOT, "Fixtures/filters/filters.txt")
REFERENCES = os.path.join(ROOT, "Fixtures/filters/references.tsv")
PCAPS = os.path.join(ROOT, "Fixtures/pcaps")
ENV = {**os.environ, "LC_ALL": "C.UTF-8", "TZ": "UTC"}


def version():
    out = subprocess.run(["tshark", "--version"], capture_output=True, text=True, env=ENV).stdout
    line = out.splitlines()[0]
    if " 4.0." not in line:
        raise SystemExit(f"the references are tshark 4.0's; this is {line}")
    return line


def record(capture, filter_text):
    result = subprocess.run(
        ["tshark", "-n", "-r", os.path.join(PCAPS, capture), "-Y", filter_text, "-T", "fields", "-e", "frame.number"],
        capture_output=True, text=True, env=ENV)
    if result.returncode == 0:
        return ["frames", ",".join(result.stdout.split())]
    lines = [l for l in result.stderr.splitlines() if not l.startswith("Running as user")]
    if not lines or not lines[0].startswith("tshark: "):
        raise SystemExit(f"unexpected tshark output for {filter_text!r}: {result.stderr}")
    message = lines[0][len("tshark: "):]
    column, length = -1, 0
    # tshark 4.0: the filter on the next line, indented by 4, then `^~~~` under the mistake.
    if len(lines) >= 3 and lines[2].lstrip().startswith("^"):
        caret = lines[2]
        column = caret.index("^") - 4
        length = len(caret.strip())
    return ["error", message, str(column), str(length)]


def rows():
    for number, line in enumerate(open(FILTERS, encoding="utf-8"), 1):
        line = line.rstrip("\n")
        if not line or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) not in (2, 3):
            raise SystemExit(f"{FILTERS}:{number}: expected CAPTURE<TAB>FILTER[<TAB>unknown]")
        yield parts[0], parts[1], parts[2] if len(parts) == 3 else ""


def main():
    header = f"# {version()}; written by scripts/make-filter-references.py from filters.txt\n"
    out = [header]
    for capture, filter_text, note in rows():
        out.append("\t".join([capture, filter_text, note] + record(capture, filter_text)) + "\n")
    text = "".join(out)
    if "--check" in sys.argv:
        old = open(REFERENCES, encoding="utf-8").read()
        differ = [l for l in set(text.splitlines()[1:]) ^ set(old.splitlines()[1:])]
        for l in sorted(differ):
            print(l)
        sys.exit(1 if differ else 0)
    open(REFERENCES, "w", encoding="utf-8").write(text)
    print(f"{len(out) - 1} filters recorded in {os.path.relpath(REFERENCES, ROOT)}")


main()
