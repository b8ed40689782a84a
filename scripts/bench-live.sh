#!/usr/bin/env bash
# Live-capture benchmark: how many packets tcpwatch, tcpdump and dumpcap capture and
# drop, with their default settings, on loopback inside a private network namespace
# while (1) a flood of small UDP datagrams and (2) one bulk TCP stream run for a fixed
# time. Needs root (network namespaces, capture). Not a test: it prints a table.
#
#   scripts/bench-live.sh [SECONDS]          # default 5 seconds per run
#   TOOLS="tcpwatch tcpdump" scripts/bench-live.sh
#   TCPWATCH=/path/to/tcpwatch scripts/bench-live.sh
#   TCPWATCH_ARGS="-B 2" scripts/bench-live.sh   # try other tcpwatch settings
set -euo pipefail

SECONDS_PER_RUN=${1:-5}
TOOLS=${TOOLS:-"tcpwatch tcpdump dumpcap"}
NS=twc-bench-$$
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d /tmp/twc-bench.XXXXXX)

if [[ $(id -u) -ne 0 ]]; then
    echo "bench-live.sh: needs root (network namespaces and packet capture)" >&2
    exit 1
fi

cleanup() {
    ip netns pids "$NS" 2>/dev/null | xargs -r kill 2>/dev/null || true
    ip netns del "$NS" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

if [[ -z ${TCPWATCH:-} ]]; then
    (cd "$ROOT" && swift build -c release --product tcpwatch >/dev/null)
    TCPWATCH=$ROOT/.build/release/tcpwatch
fi

ip netns add "$NS"
ip -n "$NS" link set lo up
in_ns() { ip netns exec "$NS" "$@"; }

cat >"$WORK/load.py" <<'PY'
import socket, sys, time
kind, seconds = sys.argv[1], float(sys.argv[2])
end = time.monotonic() + seconds
sent = 0
if kind == "udp":
    rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    rx.bind(("127.0.0.1", 9999))          # not read: the socket drops, the tap still sees all
    tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    payload = b"x" * 32                   # 32-byte payload: 74-byte frames on lo
    while time.monotonic() < end:
        for _ in range(1000):
            tx.sendto(payload, ("127.0.0.1", 9999))
        sent += 1000
    print(f"{sent} datagrams")
else:
    import threading
    srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 9998)); srv.listen(1)
    received = [0]
    def drain():
        conn, _ = srv.accept()
        while True:
            data = conn.recv(1 << 20)
            if not data: break
            received[0] += len(data)
    t = threading.Thread(target=drain); t.start()
    c = socket.create_connection(("127.0.0.1", 9998))
    block = b"y" * (1 << 20)
    while time.monotonic() < end:
        c.sendall(block)
    c.close(); t.join()
    print(f"{received[0] / seconds / 1e6:.0f} MB/s")
PY

# Starts one capture tool on lo writing to /dev/null; its stderr goes to $WORK/err.
start_capture() {
    local tool=$1
    case $tool in
        tcpwatch) ip netns exec "$NS" "$TCPWATCH" capture -i lo -w /dev/null ${TCPWATCH_ARGS:-} 2>"$WORK/err" & ;;
        tcpdump)  ip netns exec "$NS" tcpdump -i lo -w /dev/null 2>"$WORK/err" & ;;
        dumpcap)  ip netns exec "$NS" dumpcap -i lo -w /dev/null -q 2>"$WORK/err" & ;;
    esac
    CAPTURE_PID=$!
    for _ in $(seq 100); do   # wait until it listens
        grep -qiE "capturing on|listening on|^Capturing on|File:" "$WORK/err" 2>/dev/null && break
        sleep 0.05
    done
    sleep 0.3
}

# Stops it with SIGINT and prints "captured dropped" from its closing counters.
stop_capture() {
    local tool=$1
    sleep 0.5
    kill -INT "$CAPTURE_PID"
    wait "$CAPTURE_PID" || true
}

counters() {
    local tool=$1
    case $tool in
        tcpwatch|tcpdump)
            local captured dropped
            captured=$(awk '/packets captured/ {print $(NF-2)}' "$WORK/err" | tail -1)
            dropped=$(awk '/packets dropped by kernel/ {print $(NF-4)}' "$WORK/err" | tail -1)
            echo "${captured:-?} ${dropped:-?}" ;;
        dumpcap)
            # "Packets received/dropped on interface 'lo': 123/4 (pcap:4/dumpcap:0/flushed:0/ps_ifdrop:0) (96.9%)"
            sed -n "s/.*received\/dropped on interface '[^']*': \([0-9]*\)\/\([0-9]*\).*/\1 \2/p" "$WORK/err" | tail -1 ;;
    esac
}

printf "%-9s %-5s %12s %10s %8s   %s\n" tool load captured dropped "drop%" "load"
for load in udp tcp; do
    for tool in $TOOLS; do
        command -v "$tool" >/dev/null 2>&1 || [[ $tool == tcpwatch ]] || { echo "$tool: not installed, skipped"; continue; }
        start_capture "$tool"
        rate=$(in_ns python3 "$WORK/load.py" "$load" "$SECONDS_PER_RUN")
        stop_capture "$tool"
        read -r captured dropped < <(counters "$tool")
        pct=$(awk -v c="$captured" -v d="$dropped" 'BEGIN { t = c + d; printf "%.2f", t ? 100 * d / t : 0 }')
        printf "%-9s %-5s %12s %10s %8s   %s\n" "$tool" "$load" "$captured" "$dropped" "$pct" "$rate"
    done
done
