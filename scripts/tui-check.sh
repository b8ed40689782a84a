#!/usr/bin/env bash
# Runs the main commands in an 80-column tmux window and checks that no line wraps:
# every screen line must be shorter than the window. Needs tmux (apt-get install tmux).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v tmux >/dev/null || { echo "tui-check: tmux is not installed (apt-get install -y tmux)"; exit 2; }
BIN=${BIN:-.build/debug/tcpwatch}
[ -x "$BIN" ] || swift build >/dev/null
session=tw-tui-$$
fail=0
check() {
  local cmd="$*" out
  tmux new-session -d -s "$session" -x 80 -y 50 "COLUMNS=80 $BIN $cmd; sleep 3"
  sleep 1.5
  out=$(tmux capture-pane -p -J -t "$session")
  tmux kill-session -t "$session" 2>/dev/null || true
  # With -J, wrapped lines are joined: any line longer than 80 columns wrapped.
  local long
  long=$(printf '%s\n' "$out" | python3 -c 'import sys; print(sum(1 for l in sys.stdin.read().split("\n") if len(l) > 80))')
  if [ "$long" -gt 0 ]; then
    echo "WRAPS ($long lines): tcpwatch $cmd"
    printf '%s\n' "$out" | python3 -c 'import sys; [print(l) for l in sys.stdin.read().split("\n") if len(l) > 80][:3]' | head -3
    fail=1
  else
    echo "fits:  tcpwatch $cmd"
  fi
}
check read Fixtures/pcaps/echo.pcap
check read Fixtures/pcaps/loopback-v6.pcap
check read Fixtures/pcaps/icmp-ping.pcap
check conversations Fixtures/pcaps/nmap-ss.pcap
check conversations Fixtures/pcaps/loopback-v6.pcap
check conversations Fixtures/pcaps/dns.pcap
check flow Fixtures/pcaps/echo.pcap --stream 0
check flow Fixtures/pcaps/nmap-ss.pcap
check http Fixtures/pcaps/http-keepalive.pcap
check sockets
exit $fail
