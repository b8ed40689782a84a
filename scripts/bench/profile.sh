#!/usr/bin/env bash
# Profiles `tcpwatch read` and `read -T fields` on a generated capture.
#
#   scripts/bench/profile.sh            # callgrind on 20k packets, perf on 1M if it works
#   scripts/bench/profile.sh --packets 50000 --no-perf
#
# callgrind counts instructions (Ir), so its numbers are stable on a noisy
# machine; perf samples cpu-clock (hardware counters are often missing in VMs).
# Builds a release binary with debug info in .build-prof (so it does not touch
# .build/release). Outputs land in bench/out/: cg.*.out (open with
# callgrind_annotate or kcachegrind), perf.*.data, and *.top.txt summaries.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
OUT=$ROOT/bench/out
mkdir -p "$OUT"
PACKETS=20000
PERF=1
while [ $# -gt 0 ]; do
  case "$1" in
    --packets) PACKETS=$2; shift ;;
    --no-perf) PERF=0 ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 64 ;;
  esac
  shift
done

swift build -c release --scratch-path "$ROOT/.build-prof" -Xswiftc -g >&2
TW=$ROOT/.build-prof/release/tcpwatch
small=$OUT/lan-$PACKETS-s1.pcap
[ -s "$small" ] || python3 "$ROOT/scripts/bench/gen-capture.py" --packets "$PACKETS" --seed 1 -o "$small"

demangle() { if command -v swift-demangle >/dev/null; then swift-demangle --simplified; else cat; fi; }

run_cg() { # name args...
  local name=$1; shift
  valgrind --tool=callgrind --callgrind-out-file="$OUT/cg.$name.out" "$TW" "$@" >/dev/null 2>"$OUT/cg.$name.log"
  {
    echo "## callgrind: tcpwatch $* ($PACKETS packets)"
    grep -h "Collected" "$OUT/cg.$name.log" | sed 's/^==[0-9]*== //'
    echo; echo "### self"
    callgrind_annotate "$OUT/cg.$name.out" 2>/dev/null | sed -n '/file:function/,$p' | sed -n '3,27p'
    echo; echo "### inclusive"
    callgrind_annotate --inclusive=yes "$OUT/cg.$name.out" 2>/dev/null | sed -n '/file:function/,$p' | sed -n '3,40p'
  } | sed 's#\[/[^]]*\]##; s#/work/[^:]*/Sources/##' | demangle | cut -c1-220 >"$OUT/cg.$name.top.txt"
  cat "$OUT/cg.$name.top.txt"
}
run_cg read read "$small"
run_cg fields read "$small" -T fields -e tcp.stream -e tcp.flags

if [ "$PERF" = 1 ] && command -v perf >/dev/null && perf record -e cpu-clock -o /dev/null true >/dev/null 2>&1; then
  big=$OUT/lan-1000000-s1.pcap
  [ -s "$big" ] || python3 "$ROOT/scripts/bench/gen-capture.py" --packets 1000000 --seed 1 -o "$big"
  set +o pipefail   # `head` closes the report pipes early
  for name in read fields; do
    args=(read "$big"); [ $name = fields ] && args+=(-T fields -e tcp.stream -e tcp.flags)
    perf record -q -e cpu-clock -F 2000 -o "$OUT/perf.$name.data" -- "$TW" "${args[@]}" >/dev/null 2>/dev/null
    { echo "## perf cpu-clock: tcpwatch ${args[*]}"
      perf report -i "$OUT/perf.$name.data" --stdio --no-children --sort dso,symbol 2>/dev/null | grep -v '^#' | grep -v '^$' | head -30
    } | demangle | cut -c1-200 >"$OUT/perf.$name.top.txt"
    cat "$OUT/perf.$name.top.txt"
  done
fi
