#!/usr/bin/env bash
# Records the socket-lab captures (issue 16) into Fixtures/pcaps/, next to nmap's own
# -oN output, and then runs make-references.sh on them.
#
#   scripts/record-lab-fixtures.sh                 # every scenario (as root)
#   scripts/record-lab-fixtures.sh loopback-two    # only these
#   scripts/record-lab-fixtures.sh --list
#
# Its own namespaces and veth pair (so it never disturbs record-fixtures.sh running
# beside it); traffic stays between them and on their loopback:
#
#   twlab-c  tl-c  10.78.0.4/24   (the student's VM: nmap, clients)
#   twlab-s  tl-s  10.78.0.15/24  (the server: listeners, the firewall)
#
# Server firewall (nft, in twlab-s) for the scans: tcp port 25 dropped only in the
# "dropped" scenario, and in the range scan; 22 and 80 listen, everything else closed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LAB="$ROOT/scripts/lab"
PCAPS="$ROOT/Fixtures/pcaps"
NSC=twlab-c NSS=twlab-s IFC=tl-c IFS_=tl-s
C4=10.78.0.4 S4=10.78.0.15
PY=$(command -v python3)

ALL=(loopback-two nmap-p25-closed-lo nmap-p25-open nmap-p25-closed nmap-p25-dropped nmap-1-1024)
if [[ "${1:-}" == "--list" ]]; then printf '%s\n' "${ALL[@]}"; exit 0; fi
# tshark's -z follow,tcp,ascii references (F.ascii-N.txt) for a few captures; no root needed.
if [[ "${1:-}" == "--ascii-references" ]]; then
  cd "$PCAPS"
  export TZ=UTC LC_ALL=C.UTF-8
  for f in echo.pcap escapes.pcap http-get.pcap two-conns.pcap loopback-two.pcap lossy.pcap nc-file.pcap; do
    for n in $(tshark -n -r "$f" -Y tcp -T fields -e tcp.stream 2>/dev/null | sort -n | uniq); do
      tshark -n -r "$f" -q -z "follow,tcp,ascii,$n" 2>/dev/null >"$f.ascii-$n.txt"
    done
  done
  exit 0
fi
if [[ $(id -u) -ne 0 ]]; then echo "record-lab-fixtures.sh must run as root" >&2; exit 1; fi

TMP="" BG=() CAP=""
log() { printf '[record-lab] %s\n' "$*" >&2; }
bg() { local ns=$1; shift; ip netns exec "$ns" "$@" >>"$TMP/bg.log" 2>&1 & BG+=($!); }
stop_bg() { local p; for p in "${BG[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; BG=(); }
cleanup() {
  set +e
  [[ -n $CAP ]] && kill -INT "$CAP" 2>/dev/null && wait "$CAP"
  stop_bg
  ip netns del "$NSC" 2>/dev/null; ip netns del "$NSS" 2>/dev/null
  [[ -n $TMP ]] && rm -rf "$TMP"
}
wait_port() { # NS PORT
  for _ in $(seq 200); do [[ -n "$(ip netns exec "$1" ss -Hltn "sport = :$2")" ]] && return 0; sleep 0.05; done
  echo "port $2 never listened in $1" >&2; return 1
}
cap_start() { # FILE NS IFACE
  rm -f "$PCAPS/$1"
  ip netns exec "$2" tcpdump -i "$3" -n -s 0 -B 32768 -U --immediate-mode -Z root -w "$PCAPS/$1" >"$TMP/cap.log" 2>&1 &
  CAP=$!
  for _ in $(seq 100); do grep -q "listening on" "$TMP/cap.log" && break; sleep 0.05; done
  sleep 0.3
}
cap_stop() { sleep 0.5; kill -INT "$CAP"; wait "$CAP" || true; CAP=""; chmod 644 "$PCAPS"/*.pcap; grep -E "dropped|captured" "$TMP/cap.log" | tr "\n" " " >&2; echo >&2; }

setup() {
  ip netns del "$NSC" 2>/dev/null || true; ip netns del "$NSS" 2>/dev/null || true
  ip netns add "$NSC"; ip netns add "$NSS"
  ip link add "$IFC" netns "$NSC" type veth peer name "$IFS_" netns "$NSS"
  local ns
  for ns in "$NSC" "$NSS"; do
    ip netns exec "$ns" sysctl -qw net.ipv4.ip_local_port_range="50000 53999" net.ipv6.conf.all.disable_ipv6=1
    ip netns exec "$ns" ethtool -K lo tx off tso off gso off >/dev/null 2>&1 || true
    ip -n "$ns" link set lo up
  done
  ip netns exec "$NSC" ethtool -K "$IFC" tx off tso off gso off >/dev/null 2>&1 || true
  ip netns exec "$NSS" ethtool -K "$IFS_" tx off tso off gso off >/dev/null 2>&1 || true
  ip -n "$NSC" addr add "$C4/24" dev "$IFC"; ip -n "$NSS" addr add "$S4/24" dev "$IFS_"
  ip -n "$NSC" link set "$IFC" up; ip -n "$NSS" link set "$IFS_" up
  ip -n "$NSC" neigh replace "$S4" lladdr "$(ip -n "$NSS" -br link show "$IFS_" | awk '{print $3}')" dev "$IFC" nud permanent
  ip -n "$NSS" neigh replace "$C4" lladdr "$(ip -n "$NSC" -br link show "$IFC" | awk '{print $3}')" dev "$IFS_" nud permanent
  sleep 1
}

firewall() { # "drop25" or "none"
  ip netns exec "$NSS" nft delete table inet twlab 2>/dev/null || true
  [[ $1 == drop25 ]] || return 0
  ip netns exec "$NSS" nft -f - <<'EOF'
table inet twlab {
  chain input { type filter hook input priority 0; policy accept; tcp dport 25 drop; }
}
EOF
}

# nmap_to NAME NS IFACE TARGET PORTS: nmap as the lab types it (a SYN scan as root),
# with -n -Pn so that no name lookup or ping leaves the namespace.
nmap_to() {
  local name=$1 ns=$2 ifc=$3 target=$4 ports=$5
  cap_start "$name.pcap" "$ns" "$ifc"
  ip netns exec "$NSC" nmap -n -Pn -p "$ports" -oN "$TMP/$name.nmap" "$target" >/dev/null
  cap_stop
  cp "$TMP/$name.nmap" "$PCAPS/$name.nmap.txt"
  grep -E '^[0-9]+/tcp|Not shown' "$PCAPS/$name.nmap.txt" | tr '\n' ';' >&2; echo >&2
}

sc_loopback-two() {
  bg "$NSC" "$PY" "$LAB/tcp_server.py" --bind 127.0.0.1 --port 6789 --mode sink --count 2
  wait_port "$NSC" 6789
  cap_start loopback-two.pcap "$NSC" lo
  ip netns exec "$NSC" "$PY" "$LAB/tcp_client.py" 127.0.0.1 6789 two 'first\n' 'second\n' >/dev/null
  cap_stop; stop_bg
}
# The lab's own exercise: `nmap localhost -p25` on a machine without a mail server.
sc_nmap-p25-closed-lo() { nmap_to nmap-p25-closed-lo "$NSC" lo 127.0.0.1 25; }
sc_nmap-p25-open() {
  firewall none
  bg "$NSS" "$PY" "$LAB/httpd.py" --port 25
  wait_port "$NSS" 25
  nmap_to nmap-p25-open "$NSC" "$IFC" "$S4" 25
  stop_bg
}
sc_nmap-p25-closed() { firewall none; nmap_to nmap-p25-closed "$NSC" "$IFC" "$S4" 25; }
sc_nmap-p25-dropped() { firewall drop25; nmap_to nmap-p25-dropped "$NSC" "$IFC" "$S4" 25; firewall none; }
sc_nmap-1-1024() {
  firewall drop25
  bg "$NSS" "$PY" "$LAB/httpd.py" --port 80
  bg "$NSS" "$PY" "$LAB/tcp_server.py" --port 22 --mode sink
  wait_port "$NSS" 80; wait_port "$NSS" 22
  nmap_to nmap-1-1024 "$NSC" "$IFC" "$S4" 1-1024
  stop_bg; firewall none
}

main() {
  TMP=$(mktemp -d /tmp/tw-record-lab.XXXXXX)
  trap cleanup EXIT
  local todo=("$@") s
  ((${#todo[@]})) || todo=("${ALL[@]}")
  setup
  for s in "${todo[@]}"; do log "== $s"; "sc_$s"; done
  (cd "$PCAPS" && "$ROOT/scripts/make-references.sh" $(printf '%s.pcap ' "${todo[@]}"))
  # a range scan has a stream per probe and nothing to follow: keep no follow references
  rm -f "$PCAPS"/nmap-1-1024.pcap.follow-*.txt
}
main "$@"
