#!/usr/bin/env bash
# Builds the libFuzzer targets in Fuzz/ and runs them (issue 7, "Fuzzing").
#
#   scripts/fuzz.sh [SECONDS]   build, replay, then fuzz each target for SECONDS (default 60)
#   scripts/fuzz.sh --smoke     build, replay, then fuzz the targets for 20 s, all side by side
#                               (about a minute in all once built)
#   scripts/fuzz.sh --replay    build, then only replay ../shared/corpus/malformed and
#                               Fuzz/regressions/ through the targets
#   scripts/fuzz.sh --build     build only
#
# Targets (each Fuzz/Fuzz<Name>.swift + the shared Common.swift, Views.swift, JSONCheck.swift):
#   capture  the pcap/pcapng reader (from a regular file and from a pipe)
#   decode   FrameDecoder for every supported link type, and every view
#   follow   Follower, StreamReassembler and ConnectionState over synthesized segments
#   filter   the display-filter parser, and its evaluation over fixed fixture frames
#
# The modules Dissect, Follow and Views are compiled by swiftc (not SwiftPM) with
# -sanitize=fuzzer,address into .build/fuzz/obj and linked into each target. Seeds are
# generated from Fixtures/pcaps and ../shared/corpus into .build/fuzz/seeds; what the
# fuzzer finds grows .build/fuzz/corpus/<target>. Crashes land in .build/fuzz/artifacts.
# Environment: SWIFTC (default swiftc), FUZZ_JOBS (fuzzers side by side: 1, or all with --smoke),
# FUZZ_TARGETS (default "capture decode follow filter").
# Exit status: 1 when a replayed file crashes or a fuzzer finds a crash (or a build fails);
# 3 when nothing crashed but an input timed out or ran out of memory under ASan (reported
# as TIMEOUT / OUT OF MEMORY, not as a crash); 0 when all is clean.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
OUT=$ROOT/.build/fuzz
SWIFTC=${SWIFTC:-swiftc}
TARGETS=${FUZZ_TARGETS:-capture decode follow filter}
SHARED=$ROOT/../shared/corpus
MALFORMED=$SHARED/malformed
# Swift's own crash backtracer fights ASan over the crashed process; libFuzzer reports.
export SWIFT_BACKTRACE=enable=no
LIBFUZZER_FLAGS=(-timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=2048 -print_final_stats=1)

mode=run
seconds=60
case "${1:-}" in
    --smoke) mode=smoke; seconds=20; FUZZ_JOBS=${FUZZ_JOBS:-$(wc -w <<<"$TARGETS")} ;;
    --replay) mode=replay ;;
    --build) mode=build ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    '') ;;
    *[!0-9]*) echo "usage: scripts/fuzz.sh [SECONDS | --smoke | --replay | --build]" >&2; exit 64 ;;
    *) seconds=$1 ;;
esac

mkdir -p "$OUT/obj" "$OUT/modules" "$OUT/logs" "$OUT/artifacts" "$OUT/corpus"
# The linker: lld when the toolchain has it (gold warns about every ASan symbol).
LD=()
if command -v ld.lld >/dev/null 2>&1 || [ -x "$(dirname "$(command -v "$SWIFTC")")/ld.lld" ]; then LD=(-use-ld=lld); fi
SWIFT_FLAGS=(-parse-as-library -O -sanitize=fuzzer,address -enable-testing -swift-version 6)

# newer OUTPUT INPUT...: true when OUTPUT is missing or older than an input.
stale() {
    local out=$1; shift
    [ -f "$out" ] || return 0
    [ -n "$(find "$@" -newer "$out" -print -quit)" ]
}

build_module() {
    local name=$1; shift
    local deps=("$@") dep_objs=()
    for dep in "${deps[@]}"; do dep_objs+=("$OUT/obj/$dep.o"); done
    if ! stale "$OUT/obj/$name.o" "Sources/$name" "${dep_objs[@]}"; then return; fi
    echo "fuzz: compiling $name"
    mapfile -t sources < <(find "Sources/$name" -name '*.swift' | sort)
    "$SWIFTC" "${SWIFT_FLAGS[@]}" -wmo -module-name "$name" -I "$OUT/modules" \
        -emit-module -emit-module-path "$OUT/modules/$name.swiftmodule" \
        -c "${sources[@]}" -o "$OUT/obj/$name.o"
}

# Views once more without comparison tracing (-sanitize-coverage without trace-cmp and
# indirect-calls), for the targets that only render with it (capture, decode, follow).
# libFuzzer uses traced comparisons of 4 and 8 bytes as a dictionary and the rest only
# with -use_value_profile; in the views they are a third of the time of an execution and
# find nothing the decoder's own do not. The filter target keeps them: the filter parser
# compares the input with keywords and field names.
build_views_render() {
    local obj=$OUT/obj/Views-render.o
    if ! stale "$obj" Sources/Views "$OUT/obj/Views.o"; then return; fi
    echo "fuzz: compiling Views (render: no comparison tracing)"
    mapfile -t sources < <(find Sources/Views -name '*.swift' | sort)
    "$SWIFTC" "${SWIFT_FLAGS[@]}" -sanitize-coverage=edge,inline-8bit-counters,pc-table -wmo -module-name Views \
        -I "$OUT/modules" -c "${sources[@]}" -o "$obj"
}

# A target is Fuzz/Fuzz<Target>.swift plus the shared Fuzz/*.swift (those not named Fuzz*).
build_target() {
    local target=$1 main
    main=Fuzz/Fuzz${target^}.swift
    local bin=$OUT/fuzz-$target
    mapfile -t shared < <(find Fuzz -maxdepth 1 -name '*.swift' ! -name 'Fuzz*.swift' | sort)
    if ! stale "$bin" "$main" "${shared[@]}" "$OUT"/obj/*.o; then return; fi
    local views=$OUT/obj/Views-render.o
    [ "$target" = filter ] && views=$OUT/obj/Views.o
    echo "fuzz: linking fuzz-$target"
    "$SWIFTC" "${SWIFT_FLAGS[@]}" "${LD[@]}" -module-name "Fuzz${target^}" -I "$OUT/modules" \
        "$main" "${shared[@]}" "$OUT"/obj/{Dissect,Follow,Sockets}.o "$views" -o "$bin"
}

build_module Dissect
build_module Follow Dissect
# Views names services from the socket module's /etc/services table (scan).
build_module Sockets
build_module Views Dissect Follow Sockets
if [[ " $TARGETS " == *" capture "* || " $TARGETS " == *" decode "* || " $TARGETS " == *" follow "* ]]; then
    build_views_render
fi
for t in $TARGETS; do build_target "$t"; done
[ "$mode" = build ] && exit 0

max_len() {
    case $1 in
        capture) echo 65536 ;;
        decode) echo 16384 ;;
        follow) echo 16384 ;;
        filter) echo 4096 ;;
    esac
}

status=0
# A timeout (or running out of memory) under ASan is not a crash: ASan makes the code
# several times slower, so an input that takes 10 s here may take 1 s in the release
# build. It is still worth a look (a real hang looks the same), so it is reported, in
# its own words, with exit status 3 when nothing crashed.
slow=0

# verdict LOG: crash, timeout, oom or clean, from libFuzzer's and ASan's own words.
verdict() {
    local log=$1
    if grep -qE 'ERROR: libFuzzer: timeout|^SUMMARY: libFuzzer: timeout' "$log"; then echo timeout
    elif grep -qE 'ERROR: libFuzzer: out-of-memory|^SUMMARY: libFuzzer: out-of-memory|malloc\(.*\) exceeds' "$log"; then echo oom
    elif grep -qE '^==[0-9]+== ?ERROR|^SUMMARY: (libFuzzer|AddressSanitizer)|deadly signal|Fatal error' "$log"; then echo crash
    else echo clean; fi
}

# report WHAT LOG: one line for a failed run, by its verdict, and sets the exit status.
report() {
    local what=$1 log=$2 input
    input=$(sed -n 's/^Running: //p' "$log" | tail -n 1)
    case $(verdict "$log") in
        timeout)
            echo "fuzz: $what: TIMEOUT (over ${LIBFUZZER_FLAGS[0]#-timeout=} s under ASan: slow, not a crash)${input:+ on $input} (see $log)"
            slow=1 ;;
        oom)
            echo "fuzz: $what: OUT OF MEMORY (past the 2048 MB limit under ASan, not a crash)${input:+ on $input} (see $log)"
            slow=1 ;;
        *)
            echo "fuzz: $what: CRASH${input:+ on $input} (see $log)"
            grep -E 'Test unit written|ERROR|Fatal error|deadly signal' "$log" | head -n 5 || true
            status=1 ;;
    esac
}

# finish: the exit status: 1 on a crash, 3 when only timeouts or OOMs, else 0.
finish() {
    if [ $status -ne 0 ]; then exit $status; fi
    if [ $slow -ne 0 ]; then exit 3; fi
    exit 0
}

# replay TARGET LABEL FILE...: runs each file once through the target.
replay() {
    local target=$1 label=$2; shift 2
    [ $# -gt 0 ] || return 0
    local log=$OUT/logs/replay-$target-$label.log
    if "$OUT/fuzz-$target" "${LIBFUZZER_FLAGS[@]}" -artifact_prefix="$OUT/artifacts/$target-" "$@" >"$log" 2>&1; then
        echo "fuzz: replay $label through $target: $# files clean"
    else
        report "replay $label through $target" "$log"
    fi
}

if [[ " $TARGETS " != *" capture "* ]]; then
    echo "fuzz: capture is not among the targets; skipping the replay of $MALFORMED"
elif [ -d "$MALFORMED" ]; then
    mapfile -t files < <(find "$MALFORMED" -maxdepth 1 -type f | sort)
    FUZZ_PIPELINE=1 replay capture malformed "${files[@]}"
else
    echo "fuzz: $MALFORMED is absent; skipping its replay"
fi
for t in $TARGETS; do
    if [ -d "Fuzz/regressions/$t" ]; then
        mapfile -t files < <(find "Fuzz/regressions/$t" -type f ! -name '*.md' | sort)
        replay "$t" regressions "${files[@]}"
    fi
done
[ "$mode" = replay ] && finish

# Seeds: regenerated when the generator or the fixtures change.
if command -v python3 >/dev/null 2>&1; then
    if stale "$OUT/seeds/.stamp" Fuzz/make-seeds.py Fixtures/pcaps Fixtures/filters Tests README.md docs; then
        echo "fuzz: generating seeds"
        mapfile -t captures < <( { find Fixtures/pcaps -maxdepth 1 -type f; \
            [ -d "$SHARED" ] && find "$SHARED/pcap" "$SHARED/pcapng" "$MALFORMED" -maxdepth 1 -type f; } \
            2>/dev/null | grep -E '\.pcap(ng)?$' | sort)
        python3 Fuzz/make-seeds.py "$OUT/seeds" "${captures[@]}"
        touch "$OUT/seeds/.stamp"
    fi
else
    echo "fuzz: python3 not found; fuzzing without generated seeds"
    mkdir -p "$OUT/seeds/capture" "$OUT/seeds/decode" "$OUT/seeds/follow" "$OUT/seeds/filter"
fi

# One fuzzer per target, FUZZ_JOBS at a time.
run_target() {
    local t=$1 log=$OUT/logs/fuzz-$t.log
    mkdir -p "$OUT/corpus/$t"
    local dirs=("$OUT/corpus/$t" "$OUT/seeds/$t")
    [ -d "Fuzz/regressions/$t" ] && dirs+=("Fuzz/regressions/$t")
    # ASan keeps no allocation stacks and a smaller quarantine while fuzzing (a tenth
    # faster); replaying a crash's input (--replay, or by hand) gives the full report.
    ASAN_OPTIONS=${ASAN_OPTIONS:-malloc_context_size=0:quarantine_size_mb=32} \
    "$OUT/fuzz-$t" "${LIBFUZZER_FLAGS[@]}" -max_total_time="$seconds" -max_len="$(max_len "$t")" \
        -artifact_prefix="$OUT/artifacts/$t-" "${dirs[@]}" >"$log" 2>&1
}

echo "fuzz: running each of [$TARGETS] for ${seconds}s"
pids=() names=()
for t in $TARGETS; do
    run_target "$t" & pids+=($!); names+=("$t")
    if [ ${#pids[@]} -ge "${FUZZ_JOBS:-1}" ]; then
        wait "${pids[0]}" || true
        pids=("${pids[@]:1}")
    fi
done
wait || true

for t in $TARGETS; do
    log=$OUT/logs/fuzz-$t.log
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    if [ "$(verdict "$log")" = clean ]; then
        echo "fuzz: $t: ${runs:-?} executions clean"
    else
        report "$t after ${runs:-?} executions" "$log"
    fi
done
finish
