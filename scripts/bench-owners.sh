#!/usr/bin/env bash
# Live owner attribution benchmark (issues 16 and 18 item 8): how many short connections
# `tcpwatch conversations -i lo` names the program of, at both ends, and the CPU time it
# spends, in a private network namespace. Two loads: 40 connections opened at once, and
# 200 connections per second for SECONDS; each lasts about 50 ms. Needs root. Not a test:
# it prints one line per load.
#
#   scripts/bench-owners.sh [SECONDS]              # default 5
#   TCPWATCH=/path/to/tcpwatch scripts/bench-owners.sh
#   ONLY=burst|rate KEEP=/tmp/dir scripts/bench-owners.sh   # one load; keep the outputs
set -euo pipefail
SECS=${1:-5}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TCPWATCH=${TCPWATCH:-$ROOT/.build/debug/tcpwatch}
NS=twc-owners-$$
WORK=$(mktemp -d /tmp/twc-owners.XXXXXX)
[[ $(id -u) -eq 0 ]] || { echo "bench-owners.sh: needs root" >&2; exit 1; }
cleanup() { ip netns pids "$NS" 2>/dev/null | xargs -r kill 2>/dev/null || true; ip netns del "$NS" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
ip netns add "$NS"
ip -n "$NS" link set lo up

cat >"$WORK/load.py" <<'PY'
import socket, sys, threading, time
mode, count, rate = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('127.0.0.1', 6900)); s.listen(1024)
def handle(c):
    c.recv(10); c.sendall(b'y'); c.close()
def serve():
    for _ in range(count):
        c, _ = s.accept(); threading.Thread(target=handle, args=(c,)).start()
def client():
    c = socket.create_connection(('127.0.0.1', 6900)); time.sleep(0.05); c.sendall(b'x'); c.recv(10); c.close()
t = threading.Thread(target=serve); t.start()
clients = []
for i in range(count):
    if mode == 'rate': time.sleep(max(0, i / rate - (time.monotonic() - start)) if i else 0)
    if i == 0: start = time.monotonic()
    k = threading.Thread(target=client); k.start(); clients.append(k)
for k in clients: k.join()
t.join()
PY

run() {  # NAME MODE COUNT RATE
    local name=$1 mode=$2 count=$3 rate=$4
    ip netns exec "$NS" "$TCPWATCH" conversations -i lo >"$WORK/out" 2>"$WORK/err" &
    local pid=$!
    for _ in $(seq 100); do grep -q "capturing on" "$WORK/err" 2>/dev/null && break; sleep 0.1; done
    local t0; t0=$(awk '{print $14+$15}' /proc/$pid/stat)
    ip netns exec "$NS" python3 "$WORK/load.py" "$mode" "$count" "$rate"
    for _ in $(seq 150); do [[ $(grep -c ':6900' "$WORK/out" || true) -ge $count ]] && break; sleep 0.1; done
    local t1; t1=$(awk '{print $14+$15}' /proc/$pid/stat)
    kill -INT $pid; wait $pid || true
    # KEEP=DIR keeps each run's rows and messages, to see which connections were not named.
    if [[ -n ${KEEP:-} ]]; then cp "$WORK/out" "$KEEP/$mode.out"; cp "$WORK/err" "$KEEP/$mode.err"; fi
    local rows both
    rows=$(grep -c ':6900' "$WORK/out" || true)
    both=$(grep ':6900' "$WORK/out" | grep -c 'python3 -> [0-9]*/python3' || true)
    local ticks; ticks=$(getconf CLK_TCK)
    printf '%-28s %4d of %4d connections named at both ends; CPU %.2f s\n' "$name" "$both" "$rows" \
        "$(echo "($t1 - $t0) / $ticks" | bc -l)"
}
[[ ${ONLY:-burst} == burst ]] && run "40 at once" burst 40 0
[[ ${ONLY:-rate} == rate ]] && run "200/s for ${SECS}s" rate $((200 * SECS)) 200
exit 0
