#!/usr/bin/env bash
# Manual check (not CI) that per-file processing time grows linearly with the file
# (issue 7): generates busy-LAN captures of 1x, 2x and 4x BASE packets with
# scripts/bench/gen-capture.py, times `tcpwatch read` and `tcpwatch conversations` on
# each with the release build, and prints the time ratios (linear: about 2 and 4).
#
#   scripts/linear-check.sh [BASE]     BASE packets (default 200000)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BASE=${1:-200000}
OUT=$ROOT/.build/linear-check
mkdir -p "$OUT"
swift build -c release --package-path "$ROOT" --product tcpwatch >/dev/null
BIN=$ROOT/.build/release/tcpwatch

seconds() {  # seconds COMMAND...: wall time of one run, output discarded
    local start end
    start=$(date +%s.%N)
    "$@" >/dev/null
    end=$(date +%s.%N)
    echo "$end - $start" | bc -l
}

for view in read conversations; do
    first=
    for k in 1 2 4; do
        n=$((BASE * k))
        f=$OUT/lan-$n.pcap
        [ -f "$f" ] || python3 "$ROOT/scripts/bench/gen-capture.py" --packets "$n" --seed 1 -o "$f"
        t=$(seconds "$BIN" "$view" "$f")
        first=${first:-$t}
        printf '%-14s %8d packets  %7.2f s  ratio %.2f\n' "$view" "$n" "$t" "$(echo "$t / $first" | bc -l)"
    done
done
