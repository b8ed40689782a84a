#!/usr/bin/env bash
# tcpwatch side-by-side benchmarks: tcpwatch vs tcpdump vs tshark vs a C floor.
#
#   scripts/bench/run.sh              # 1M packets (~740 MB), median of 5 paired runs
#   scripts/bench/run.sh --quick      # 200k packets, 3 runs: for development
#   scripts/bench/run.sh --memory     # also peak RSS on 100k / 1M / 5M-packet files
#
# Options:
#   --quick            200k packets and 3 runs (unless --packets / --runs say otherwise)
#   --runs N           runs per command (default 5); the median is reported
#   --packets N        size of the main capture (default 1000000)
#   --seed S           generator seed (default 1)
#   --memory           add the memory table (100k, 1M, 5M packets; one run each)
#   --memory-tshark    in the memory table, run tshark on the 5M file too (~1.5 min, ~6 GB)
#   --no-tshark        skip the tshark rows (fast iteration on tcpwatch)
#   --no-build         do not run `swift build -c release` (use the existing binary)
#   --only GROUPS      comma-separated subset of: read,fields,conv,follow,pcapng
#   --profile P        the generated traffic: lan (default; ~64 live sessions) or busy
#                      (~3000 live sessions, tens of thousands of conversations, tcp.stream 0
#                      open until the end of the file; see gen-capture.py)
#   --profiles P,Q     every row on each profile in turn, in one run (e.g. lan,busy)
#
# Environment: TCPWATCH (binary, default .build/release/tcpwatch), TSHARK, TCPDUMP.
#
# Captures are generated once and cached under bench/out/ (git-ignored).
# Runs are paired: within a group the commands run round-robin A B C A B C ...
# so that a noisy neighbour hurts all of them alike. Wall time is taken by the
# shell (EPOCHREALTIME), peak RSS by /usr/bin/time -v. Timings never go into
# unit tests.
set -euo pipefail

cd "$(dirname "$0")/../.."
ROOT=$PWD
OUT=$ROOT/bench/out
mkdir -p "$OUT"

RUNS=""
PACKETS=""
SEED=1
QUICK=0
MEMORY=0
MEMORY_TSHARK=0
TSHARK_ON=1
BUILD=1
ONLY="read,fields,conv,follow,pcapng"
PROFILE=lan
PROFILES=""
ARGS=("$@")
while [ $# -gt 0 ]; do
  case "$1" in
    --profile) PROFILE=$2; shift ;;
    --profiles) PROFILES=$2; shift ;;
    --quick) QUICK=1 ;;
    --runs) RUNS=$2; shift ;;
    --packets) PACKETS=$2; shift ;;
    --seed) SEED=$2; shift ;;
    --memory) MEMORY=1 ;;
    --memory-tshark) MEMORY=1; MEMORY_TSHARK=1 ;;
    --no-tshark) TSHARK_ON=0 ;;
    --no-build) BUILD=0 ;;
    --only) ONLY=$2; shift ;;
    -h|--help) sed -n '2,29p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option: $1 (see --help)" >&2; exit 64 ;;
  esac
  shift
done
case $PROFILE in lan|busy) ;; *) echo "unknown profile: $PROFILE (lan or busy)" >&2; exit 64 ;; esac
if [ -n "$PROFILES" ]; then
  # Each profile in turn, built once; the tables follow one another.
  rest=()
  skip=0
  for a in "${ARGS[@]}"; do
    if [ "$skip" = 1 ]; then skip=0; continue; fi
    case $a in --profiles|--profile) skip=1; continue ;; esac
    rest+=("$a")
  done
  first=1
  for p in ${PROFILES//,/ }; do
    if [ "$first" = 1 ]; then "$0" "${rest[@]}" --profile "$p"; first=0
    else "$0" "${rest[@]}" --no-build --profile "$p"; fi
  done
  exit 0
fi
if [ "$QUICK" = 1 ]; then
  : "${RUNS:=3}" "${PACKETS:=200000}"
else
  : "${RUNS:=5}" "${PACKETS:=1000000}"
fi

TW=${TCPWATCH:-$ROOT/.build/release/tcpwatch}
TSHARK=${TSHARK:-tshark}
TCPDUMP=${TCPDUMP:-tcpdump}
FLOOR=$OUT/floor
TIME=/usr/bin/time
if [ ! -x "$TIME" ]; then
  echo "installing GNU time (/usr/bin/time)" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null
fi
log() { printf '%s\n' "$*" >&2; }

# ---------------------------------------------------------------- captures
capture() { # capture PACKETS FORMAT -> path (generated once)
  local n=$1 fmt=$2 f="$OUT/$PROFILE-$1-s$SEED.$2"
  if [ ! -s "$f" ]; then
    log "generating $f"
    python3 "$ROOT/scripts/bench/gen-capture.py" --packets "$n" --seed "$SEED" --format "$fmt" \
      --profile "$PROFILE" -o "$f"
  fi
  printf '%s\n' "$f"
}

# ---------------------------------------------------------------- builds
if [ "$BUILD" = 1 ]; then
  log "building tcpwatch (release)"
  swift build -c release >&2
fi
[ -x "$TW" ] || { log "no tcpwatch binary at $TW"; exit 2; }
cc -O2 -o "$FLOOR" "$ROOT/scripts/bench/floor.c"

F=$(capture "$PACKETS" pcap)
FNG=""
case ",$ONLY," in *,pcapng,*) FNG=$(capture "$PACKETS" pcapng) ;; esac
SMALL=$(capture 2000 pcap)
BYTES=$(stat -c %s "$F")
cat "$F" $FNG >/dev/null   # warm the page cache

# ---------------------------------------------------------------- rows
# id | label | command ($F, $FNG, $TW... expanded at run time)
ROWS=(
  "floor|C floor (5-tuple table)|\$FLOOR \$F"
  "tw_read|tcpwatch read|\$TW read \$F"
  "td_read|tcpdump -n -r|\$TCPDUMP -n -r \$F"
  "ts_read|tshark -n -r|\$TSHARK -n -r \$F"
  "tw_fields|tcpwatch read -T fields -e tcp.stream -e tcp.flags|\$TW read \$F -T fields -e tcp.stream -e tcp.flags"
  "ts_fields|tshark -n -r -T fields -e tcp.stream -e tcp.flags|\$TSHARK -n -r \$F -T fields -e tcp.stream -e tcp.flags"
  "tw_conv|tcpwatch conversations|\$TW conversations \$F"
  "ts_conv|tshark -q -z conv,tcp|\$TSHARK -q -z conv,tcp -r \$F"
  "tw_follow|tcpwatch follow --stream 0|\$TW follow \$F --stream 0"
  "ts_follow|tshark -q -z follow,tcp,raw,0|\$TSHARK -q -z follow,tcp,raw,0 -r \$F"
  "tw_read_ng|tcpwatch read (pcapng)|\$TW read \$FNG"
  "td_read_ng|tcpdump -n -r (pcapng)|\$TCPDUMP -n -r \$FNG"
)
declare -A GROUP=(
  [read]="floor tw_read td_read ts_read"
  [fields]="tw_fields ts_fields"
  [conv]="tw_conv ts_conv"
  [follow]="tw_follow ts_follow"
  [pcapng]="tw_read_ng td_read_ng"
)
declare -A LABEL CMD STATUS
for r in "${ROWS[@]}"; do
  IFS='|' read -r id label cmd <<<"$r"
  LABEL[$id]=$label
  CMD[$id]=$cmd
done

W=$(mktemp -d "$OUT/run.XXXXXX")
trap 'rm -rf "$W"' EXIT

# Is the row runnable? tcpwatch subcommands that do not exist yet (or reject
# the options) are "n/a": the preflight runs the command on a 2000-packet file.
available() {
  local id=$1 F=$SMALL FNG=$SMALL sub
  case $id in ts_*) [ "$TSHARK_ON" = 1 ] || return 1 ;; esac
  case $id in
    tw_*)
      sub=$(eval "set -- ${CMD[$id]}"; echo "$2")
      "$TW" "$sub" --help >/dev/null 2>&1 || return 1
      ;;
  esac
  local rc=0
  eval "${CMD[$id]}" >/dev/null 2>"$W/$id.preflight" || rc=$?
  # tcpwatch: 0 clean, 1 damaged but read; anything else (64 usage) is n/a
  [ "$rc" -le 1 ]
}

# measure ID FILE: one timed run; appends seconds and peak KiB
measure() {
  local id=$1 t0 t1 rc=0
  F=$2 FNG=${3:-}
  t0=$EPOCHREALTIME
  eval "$TIME -f '%M %U %S' -o \"$W/$id.rss1\" ${CMD[$id]}" >/dev/null 2>"$W/$id.err" || rc=$?
  t1=$EPOCHREALTIME
  if [ "$rc" -gt 1 ]; then
    log "  $id failed (exit $rc): $(tail -n 2 "$W/$id.err" | tr '\n' ' ')"
    STATUS[$id]="fail($rc)"
  fi
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f\n", b - a }' >>"$W/$id.t"
  tail -n 1 "$W/$id.rss1" | awk '{ print $1 }' >>"$W/$id.rss"
  tail -n 1 "$W/$id.rss1" | awk '{ printf "%.2f\n", $2 + $3 }' >>"$W/$id.cpu"
}

median() { sort -g "$1" | awk '{ v[NR] = $1 } END { if (NR == 0) exit; if (NR % 2) print v[(NR + 1) / 2]; else printf "%.6f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
maxof() { sort -g "$1" | tail -n 1; }

LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
log "capture: $F ($PACKETS packets, $((BYTES / 1000000)) MB), $RUNS runs per command"
ORDER=()
for g in read fields conv follow pcapng; do
  case ",$ONLY," in *,$g,*) ;; *) continue ;; esac
  ids=()
  for id in ${GROUP[$g]}; do
    if available "$id"; then ids+=("$id"); ORDER+=("$id"); else STATUS[$id]="n/a"; ORDER+=("$id"); fi
  done
  [ ${#ids[@]} -gt 0 ] || continue
  log "group $g: ${ids[*]}"
  for ((i = 1; i <= RUNS; i++)); do
    for id in "${ids[@]}"; do
      measure "$id" "$F" "$FNG"
      log "  run $i $id $(tail -n 1 "$W/$id.t") s, $(tail -n 1 "$W/$id.rss") KiB"
    done
  done
done

# ---------------------------------------------------------------- table
ref_td=$( [ -s "$W/td_read.t" ] && median "$W/td_read.t" || echo "")
ref_floor=$( [ -s "$W/floor.t" ] && median "$W/floor.t" || echo "")
ref_td_cpu=$( [ -s "$W/td_read.cpu" ] && median "$W/td_read.cpu" || echo "")
ref_floor_cpu=$( [ -s "$W/floor.cpu" ] && median "$W/floor.cpu" || echo "")
printf '\n'
printf 'Capture (profile %s): %s packets, %s MB (%s), seed %s; median of %s paired runs; %s\n\n' \
  "$PROFILE" "$PACKETS" "$(awk -v b="$BYTES" 'BEGIN { printf "%.0f", b / 1e6 }')" "$(basename "$F")" "$SEED" "$RUNS" \
  "$(date -u +%Y-%m-%d)"
printf '| command | median s | min–max s | CPU s | packets/s | MB/s | peak RSS MiB | × tcpdump wall / CPU | × C floor wall / CPU |\n'
printf '|---|--:|--:|--:|--:|--:|--:|--:|--:|\n'
for id in "${ORDER[@]}"; do
  st=${STATUS[$id]:-}
  if [ "$st" = "n/a" ] || [ ! -s "$W/$id.t" ]; then
    printf '| `%s` | n/a | | | | | | | |\n' "${LABEL[$id]}"
    continue
  fi
  med=$(median "$W/$id.t")
  lo=$(sort -g "$W/$id.t" | head -n 1)
  hi=$(sort -g "$W/$id.t" | tail -n 1)
  rss=$(maxof "$W/$id.rss")
  cpu=$(median "$W/$id.cpu")
  bytes=$BYTES
  case $id in *_ng) bytes=$(stat -c %s "$FNG") ;; esac
  awk -v id="${LABEL[$id]}" -v m="$med" -v lo="$lo" -v hi="$hi" -v p="$PACKETS" -v b="$bytes" \
      -v rss="$rss" -v cpu="$cpu" -v td="$ref_td" -v fl="$ref_floor" -v tdc="$ref_td_cpu" -v flc="$ref_floor_cpu" -v st="$st" 'BEGIN {
    ratio_td = (td == "" ? "" : sprintf("%.2f", m / td)) (tdc + 0 > 0 ? sprintf(" / %.2f", cpu / tdc) : "")
    ratio_fl = (fl == "" ? "" : sprintf("%.1f", m / fl)) (flc + 0 > 0 ? sprintf(" / %.1f", cpu / flc) : "")
    note = (st == "" ? "" : " " st)
    printf "| `%s`%s | %.3f | %.3f–%.3f | %.2f | %.0f k | %.0f | %.1f | %s | %s |\n",
      id, note, m, lo, hi, cpu, p / m / 1000, b / 1e6 / m, rss / 1024, ratio_td, ratio_fl
  }'
done
printf '\nmedian s: wall clock; CPU s: median user+sys (less sensitive to other load on the machine).\n'
printf '× tcpdump = median time / median time of `tcpdump -n -r` on the same pcap, by wall clock and by CPU time; × C floor likewise with scripts/bench/floor.c.\n'
printf 'Load average before: %s; after: %s.\n' "$LOAD0" "$(cut -d' ' -f1-3 /proc/loadavg)"

# ---------------------------------------------------------------- memory
if [ "$MEMORY" = 1 ]; then
  MEM_IDS=(tw_read tw_conv td_read ts_read floor)
  printf '\nPeak RSS (MiB) and time (s) against file size, one run each:\n\n'
  printf '| packets | file MB |'
  for id in "${MEM_IDS[@]}"; do printf ' `%s` |' "${LABEL[$id]}"; done
  printf '\n|--:|--:|'
  for id in "${MEM_IDS[@]}"; do printf -- '--:|'; done
  printf '\n'
  for n in 100000 1000000 5000000; do
    M=$(capture "$n" pcap)
    cat "$M" >/dev/null
    printf '| %s | %.0f |' "$n" "$(awk -v b="$(stat -c %s "$M")" 'BEGIN { print b / 1e6 }')"
    for id in "${MEM_IDS[@]}"; do
      if [ "${STATUS[$id]:-}" = "n/a" ] || { [ "$id" = ts_read ] && { [ "$TSHARK_ON" = 0 ] || { [ "$n" -gt 1000000 ] && [ "$MEMORY_TSHARK" = 0 ]; }; }; }; then
        printf ' n/a |'
        continue
      fi
      if [ -z "${STATUS[$id]:-}" ] && ! available "$id"; then STATUS[$id]="n/a"; printf ' n/a |'; continue; fi
      rm -f "$W/m.t" "$W/m.rss"
      CMD[m]=${CMD[$id]}
      measure m "$M"
      log "  memory $n $id $(cat "$W/m.t") s $(cat "$W/m.rss") KiB"
      printf ' %.1f MiB, %.2f s |' "$(awk -v k="$(cat "$W/m.rss")" 'BEGIN { print k / 1024 }')" "$(cat "$W/m.t")"
    done
    printf '\n'
  done
fi
