#!/usr/bin/env bash
# Records tshark 4.0's `-z io,stat` tables for Fixtures/iostat/cases.txt (NNN.txt, NNN = the
# case's number) and its messages for Fixtures/iostat/errors.txt (errors.expected), so the
# tests compare byte for byte without tshark. Run from the repository root.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 scripts/make-iostat-fixtures.py Fixtures/iostat
n=0
grep -v '^#' Fixtures/iostat/cases.txt | while IFS=$'\t' read -r capture clock argument; do
    n=$((n + 1))
    out=$(printf 'Fixtures/iostat/%03d.txt' "$n")
    # TZ=UTC: tshark prints local times with -t a/ad; tcpwatch prints UTC.
    TZ=UTC tshark -r "$capture" -q -t "$clock" -z "$argument" >"$out" 2>/dev/null
done
: >Fixtures/iostat/errors.expected
grep -v '^#' Fixtures/iostat/errors.txt | while IFS= read -r argument; do
    message=$(tshark -r Fixtures/pcaps/echo.pcap -q -z "$argument" 2>&1 >/dev/null | sed -n "s/^tshark: //p" | head -n 1 || true)
    printf '%s\t%s\n' "$argument" "$message" >>Fixtures/iostat/errors.expected
done
