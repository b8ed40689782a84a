#!/usr/bin/env bash
# Records tcpwatch's lab captures into Fixtures/pcaps/.
#
#   sudo scripts/record-fixtures.sh              # every scenario
#   sudo scripts/record-fixtures.sh echo dns     # only these scenarios
#   sudo scripts/record-fixtures.sh --list       # scenario names
#
# Builds two network namespaces joined by a veth pair and sends traffic only
# between them (and on their own loopback). Nothing leaves this machine:
#
#   tw-client  tw-c  02:77:00:00:00:04  10.77.0.4/24  fd77::4/64
#   tw-server  tw-s  02:77:00:00:00:15  10.77.0.15/24 fd77::15/64
#
# Offloads (TSO/GSO/tx checksum) are off on the veths so that captured segments
# are MTU-sized and carry correct checksums. Neighbour entries are permanent
# (no ARP/NDP noise) except in the scenarios that want to show ARP/NDP.
# Idempotent: tears down anything left from an earlier run first, and always
# cleans up (namespaces, background processes) on exit.
# Afterwards run scripts/make-references.sh.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LAB="$ROOT/scripts/lab"
PCAPS="$ROOT/Fixtures/pcaps"
DATA="$ROOT/Fixtures/data"

NSC=tw-client NSS=tw-server
IFC=tw-c IFS_=tw-s
MACC=02:77:00:00:00:04 MACS=02:77:00:00:00:15
C4=10.77.0.4 S4=10.77.0.15 C6=fd77::4 S6=fd77::15

ALL_SCENARIOS=(http-get http-keepalive http-8000 echo nc-file two-conns loopback-v4 loopback-v6
  any-sll any-sll2 two-interfaces dns nmap-ss nmap-st nmap-sa nmap-sf nmap-sn nmap-sx
  nmap-su escapes refused filtered udp-echo icmp-ping lossy dhcp)

if [[ "${1:-}" == "--list" ]]; then printf '%s\n' "${ALL_SCENARIOS[@]}"; exit 0; fi
if [[ $(id -u) -ne 0 ]]; then echo "record-fixtures.sh must run as root (sudo)" >&2; exit 1; fi

log() { printf '\033[1m[record]\033[0m %s\n' "$*" >&2; }

# ---------------------------------------------------------------- dependencies
install_deps() {
  local need=() pair cmd pkg
  for pair in tcpdump:tcpdump dumpcap:tshark tshark:tshark capinfos:tshark nmap:nmap \
              nft:nftables nc:netcat-openbsd curl:curl python3:python3 ip:iproute2 \
              dnsmasq:dnsmasq-base dig:bind9-dnsutils ethtool:ethtool ping:iputils-ping \
              sha256sum:coreutils ss:iproute2; do
    cmd=${pair%%:*} pkg=${pair#*:}
    command -v "$cmd" >/dev/null 2>&1 || need+=("$pkg")
  done
  if ((${#need[@]})); then
    log "installing: ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${need[@]}" >/dev/null
  fi
}

PY=/usr/bin/python3
[[ -x $PY ]] || PY=$(command -v python3)

# ---------------------------------------------------------------- processes
TMP=""
BG_PIDS=()
CAP_PID=""

# bg NS LOGNAME CMD...: starts CMD in namespace NS in the background.
bg() {
  local ns=$1 name=$2; shift 2
  ip netns exec "$ns" "$@" >"$TMP/$name.log" 2>&1 &
  BG_PIDS+=($!)
  LAST_PID=$!
}

stop_pid() {
  local p=$1
  if kill -0 "$p" 2>/dev/null; then
    kill -TERM "$p" 2>/dev/null || true
    for _ in $(seq 20); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$p" 2>/dev/null || true
  fi
  wait "$p" 2>/dev/null || true
}

stop_bg() {
  local p
  for p in "${BG_PIDS[@]}"; do stop_pid "$p"; done
  BG_PIDS=()
}

cleanup() {
  set +e
  [[ -n "$CAP_PID" ]] && kill -INT "$CAP_PID" 2>/dev/null && wait "$CAP_PID" 2>/dev/null
  stop_bg
  ip netns del "$NSC" 2>/dev/null
  ip netns del "$NSS" 2>/dev/null
  [[ -n "$TMP" ]] && rm -rf "$TMP"
}

# wait_for FILE PATTERN [SECONDS]
wait_for() {
  local f=$1 pat=$2 t=${3:-10} i
  for ((i = 0; i < t * 20; i++)); do
    grep -q -- "$pat" "$f" 2>/dev/null && return 0
    sleep 0.05
  done
  echo "timeout waiting for '$pat' in $f:" >&2; cat "$f" >&2 || true
  return 1
}

# wait_port NS tcp|udp PORT
wait_port() {
  local ns=$1 proto=$2 port=$3 i flag=-Hltn
  [[ $proto == udp ]] && flag=-Hlun
  for ((i = 0; i < 200; i++)); do
    [[ -n "$(ip netns exec "$ns" ss $flag "sport = :$port")" ]] && return 0
    sleep 0.05
  done
  echo "timeout waiting for $proto port $port in $ns" >&2; return 1
}

# cap_start FILE NS IFACE [extra tcpdump args]: tcpdump into Fixtures/pcaps/FILE
cap_start() {
  local file=$1 ns=$2 ifc=$3; shift 3
  rm -f "$PCAPS/$file"
  ip netns exec "$ns" tcpdump -i "$ifc" -n -s 0 -U --immediate-mode -Z root "$@" \
    -w "$PCAPS/$file" >"$TMP/cap.log" 2>&1 &
  CAP_PID=$!
  wait_for "$TMP/cap.log" "listening on"
  sleep 0.3
}

# dumpcap variant (pcapng, several interfaces): dumpcap_start FILE NS -i A -i B
dumpcap_start() {
  local file=$1 ns=$2; shift 2
  rm -f "$PCAPS/$file"
  ip netns exec "$ns" dumpcap -q "$@" -s 0 -w "$PCAPS/$file" >"$TMP/cap.log" 2>&1 &
  CAP_PID=$!
  wait_for "$TMP/cap.log" "Capturing on"
  sleep 0.5
}

cap_stop() {
  sleep 0.7
  kill -INT "$CAP_PID"
  wait "$CAP_PID" || true
  CAP_PID=""
  chmod 644 "$PCAPS"/*.pcap* 2>/dev/null || true
  grep -E "packets (captured|received)|Packets" "$TMP/cap.log" | tr '\n' ' ' >&2 || true
  echo >&2
}

# ---------------------------------------------------------------- topology
nft_server_rules() {
  ip netns exec "$NSS" nft -f - <<'EOF'
table inet tw
delete table inet tw
table inet tw {
  chain input {
    type filter hook input priority 0; policy accept;
    tcp dport 25 drop
    tcp dport 26 reject with icmp type admin-prohibited
    tcp dport 27 reject with icmp type port-unreachable
    tcp dport 28 reject with icmp type host-unreachable
    tcp dport 29 reject with icmpx type no-route
    tcp dport 30 reject with tcp reset
    udp dport 69 drop
  }
}
EOF
}

ns_sysctls() {
  local ns=$1
  ip netns exec "$ns" sh -c '
    for k in all default; do
      sysctl -qw net.ipv6.conf.$k.accept_dad=0 net.ipv6.conf.$k.router_solicitations=0 \
                 net.ipv6.conf.$k.accept_ra=0 net.ipv6.conf.$k.dad_transmits=0
    done
    sysctl -qw net.ipv4.icmp_ratelimit=0 net.ipv6.icmp.ratelimit=0 \
               net.ipv4.icmp_echo_ignore_broadcasts=1
    # ephemeral ports that no tshark 4.0 dissector claims by port number
    sysctl -qw net.ipv4.ip_local_port_range="50000 53999"'
}

offloads_off() {
  ip netns exec "$1" ethtool -K "$2" tx off tso off gso off gro off >/dev/null 2>&1 || true
}

neigh_permanent() {
  ip -n "$NSC" neigh replace "$S4" lladdr "$MACS" dev "$IFC" nud permanent
  ip -n "$NSC" neigh replace "$S6" lladdr "$MACS" dev "$IFC" nud permanent
  ip -n "$NSS" neigh replace "$C4" lladdr "$MACC" dev "$IFS_" nud permanent
  ip -n "$NSS" neigh replace "$C6" lladdr "$MACC" dev "$IFS_" nud permanent
}

neigh_cold() {
  ip -n "$NSC" neigh flush dev "$IFC" nud all 2>/dev/null || true
  ip -n "$NSS" neigh flush dev "$IFS_" nud all 2>/dev/null || true
  ip -n "$NSC" neigh del "$S4" dev "$IFC" 2>/dev/null || true
  ip -n "$NSC" neigh del "$S6" dev "$IFC" 2>/dev/null || true
  ip -n "$NSS" neigh del "$C4" dev "$IFS_" 2>/dev/null || true
  ip -n "$NSS" neigh del "$C6" dev "$IFS_" 2>/dev/null || true
}

setup_net() {
  ip netns del "$NSC" 2>/dev/null || true
  ip netns del "$NSS" 2>/dev/null || true
  ip netns add "$NSC"
  ip netns add "$NSS"
  ns_sysctls "$NSC"
  ns_sysctls "$NSS"
  ip link add "$IFC" netns "$NSC" address "$MACC" type veth peer name "$IFS_" netns "$NSS" address "$MACS"
  local ns ifc a4 a6
  for ns in "$NSC" "$NSS"; do
    if [[ $ns == "$NSC" ]]; then ifc=$IFC a4=$C4 a6=$C6; else ifc=$IFS_ a4=$S4 a6=$S6; fi
    ip netns exec "$ns" sysctl -qw "net.ipv6.conf.$ifc.accept_dad=0" "net.ipv6.conf.$ifc.router_solicitations=0"
    offloads_off "$ns" "$ifc"
    offloads_off "$ns" lo
    ip -n "$ns" addr add "$a4/24" dev "$ifc"
    ip -n "$ns" addr add "$a6/64" dev "$ifc" nodad
    ip -n "$ns" link set lo up
    ip -n "$ns" link set "$ifc" up
  done
  nft_server_rules
  neigh_permanent
  # let link-up chatter (MLD reports) pass before the first capture
  sleep 3
}

# ---------------------------------------------------------------- scenarios
sc_http-get() {
  bg "$NSS" httpd "$PY" "$LAB/httpd.py" --port 80
  wait_port "$NSS" tcp 80
  neigh_cold
  cap_start http-get.pcap "$NSC" "$IFC"
  ip netns exec "$NSC" curl -sS -o "$TMP/index.html" "http://$S4/"
  cap_stop
  neigh_permanent
  stop_bg
}

sc_http-keepalive() {
  bg "$NSS" httpd "$PY" "$LAB/httpd.py" --port 80
  wait_port "$NSS" tcp 80
  cap_start http-keepalive.pcap "$NSC" "$IFC"
  ip netns exec "$NSC" curl -sS -o "$TMP/chunked.txt" -o "$TMP/big.txt" \
    "http://$S4/chunked" "http://$S4/big" 2>"$TMP/curl.log"
  cap_stop
  stop_bg
}

# python's own http.server on port 8000, which no dissector claims by port: tshark (and
# tcpwatch) find HTTP by its heuristic, the first line ending in "HTTP/1.1".
sc_http-8000() {
  mkdir -p "$TMP/www"
  printf 'Hallo van de webserver\n' >"$TMP/www/hallo.txt"
  bg "$NSS" httpserver "$PY" -m http.server --bind "$S4" --directory "$TMP/www" 8000
  wait_port "$NSS" tcp 8000
  cap_start http-8000.pcap "$NSC" "$IFC"
  ip netns exec "$NSC" curl -sS -o "$TMP/listing.html" "http://$S4:8000/"
  ip netns exec "$NSC" curl -sS -o "$TMP/hallo.txt" "http://$S4:8000/hallo.txt"
  cap_stop
  stop_bg
}

# dnsmasq hands out a lease: DISCOVER, OFFER, REQUEST, ACK (broadcast), then a RELEASE.
sc_dhcp() {
  bg "$NSS" dnsmasq dnsmasq --no-daemon --conf-file=/dev/null --port=0 --interface="$IFS_" --bind-interfaces \
    --dhcp-range=10.77.0.100,10.77.0.150,255.255.255.0,12h --dhcp-authoritative \
    --dhcp-option=option:router,10.77.0.15 --dhcp-option=option:dns-server,10.77.0.15 \
    --domain=lab.test --dhcp-leasefile="$TMP/dnsmasq.leases"
  wait_port "$NSS" udp 67
  # A client without an address sends from 0.0.0.0, as dhclient does.
  ip -n "$NSC" -4 addr flush dev "$IFC"
  cap_start dhcp.pcap "$NSC" "$IFC" udp port 67 or udp port 68
  ip netns exec "$NSC" "$PY" "$LAB/dhcp_client.py" "$IFC" "$MACC" labpc >"$TMP/dhcp.log"
  cap_stop
  ip -n "$NSC" addr add "$C4/24" dev "$IFC"
  stop_bg
}

sc_echo() {
  bg "$NSS" echo "$PY" "$LAB/tcp_server.py" --port 6789 --mode hello
  wait_port "$NSS" tcp 6789
  cap_start echo.pcap "$NSC" "$IFC"
  ip netns exec "$NSC" "$PY" "$LAB/tcp_client.py" "$S4" 6789 send "Hello server"
  cap_stop
  stop_bg
}

sc_nc-file() {
  [[ -f "$DATA/services.txt" ]] || cp /etc/services "$DATA/services.txt"
  (cd "$DATA" && sha256sum services.txt >services.txt.sha256)
  ip netns exec "$NSS" nc -l 4444 </dev/null >"$TMP/services.rx" 2>"$TMP/nc.log" &
  BG_PIDS+=($!)
  local ncpid=$!
  wait_port "$NSS" tcp 4444
  cap_start nc-file.pcap "$NSC" "$IFC"
  ip netns exec "$NSC" nc -N "$S4" 4444 <"$DATA/services.txt"
  for _ in $(seq 50); do kill -0 "$ncpid" 2>/dev/null || break; sleep 0.1; done
  cap_stop
  stop_bg
  cmp "$DATA/services.txt" "$TMP/services.rx" && log "nc-file: received file matches"
}

sc_two-conns() {
  bg "$NSS" sink "$PY" "$LAB/tcp_server.py" --port 6789 --mode sink --count 2
  wait_port "$NSS" tcp 6789
  cap_start two-conns.pcap "$NSC" "$IFC"
  ip netns exec "$NSC" "$PY" "$LAB/tcp_client.py" "$S4" 6789 two \
    'first connection: apples\n' 'second connection: oranges and lemons\n'
  cap_stop
  stop_bg
}

# loopback_exchange FILE ADDR
loopback_exchange() {
  local file=$1 addr=$2
  bg "$NSC" lo-echo "$PY" "$LAB/tcp_server.py" --bind "$addr" --port 6789 --mode hello
  wait_port "$NSC" tcp 6789
  cap_start "$file" "$NSC" lo
  ip netns exec "$NSC" "$PY" "$LAB/tcp_client.py" "$addr" 6789 send "Hello server"
  cap_stop
  stop_bg
}
sc_loopback-v4() { loopback_exchange loopback-v4.pcap 127.0.0.1; }
sc_loopback-v6() { loopback_exchange loopback-v6.pcap ::1; }

# any_exchange FILE LINKTYPE: echo over the veth plus a UDP datagram on lo, seen on "any"
any_exchange() {
  local file=$1 lt=$2
  bg "$NSS" echo "$PY" "$LAB/tcp_server.py" --port 6789 --mode hello
  bg "$NSC" lo-udp "$PY" "$LAB/udp_echo.py" --bind 127.0.0.1 --port 7
  wait_port "$NSS" tcp 6789
  wait_port "$NSC" udp 7
  cap_start "$file" "$NSC" any -y "$lt"
  ip netns exec "$NSC" "$PY" "$LAB/tcp_client.py" "$S4" 6789 send "Hello server"
  ip netns exec "$NSC" "$PY" "$LAB/udp_client.py" 127.0.0.1 7 "on loopback"
  cap_stop
  stop_bg
}
sc_any-sll() { any_exchange any-sll.pcap LINUX_SLL; }
sc_any-sll2() { any_exchange any-sll2.pcap LINUX_SLL2; }

sc_two-interfaces() {
  bg "$NSS" echo "$PY" "$LAB/tcp_server.py" --port 6789 --mode hello
  bg "$NSC" lo-echo "$PY" "$LAB/tcp_server.py" --bind 127.0.0.1 --port 6790 --mode hello
  wait_port "$NSS" tcp 6789
  wait_port "$NSC" tcp 6790
  dumpcap_start two-interfaces.pcapng "$NSC" -i "$IFC" -i lo
  ip netns exec "$NSC" "$PY" "$LAB/tcp_client.py" "$S4" 6789 send "Hello server"
  ip netns exec "$NSC" "$PY" "$LAB/tcp_client.py" 127.0.0.1 6790 send "Hello loopback"
  cap_stop
  stop_bg
}

sc_dns() {
  bg "$NSS" dnsmasq dnsmasq --keep-in-foreground --conf-file=/dev/null --pid-file= \
    --user=root --group=root --no-resolv --no-hosts --no-poll --bind-interfaces \
    --listen-address="$S4" --port=53 --log-facility=- --log-queries \
    --local=/lab.test/ --local-ttl=300 \
    --host-record=www.lab.test,10.77.0.80,fd77::80 \
    --host-record=mail.lab.test,10.77.0.25 \
    --cname=web.lab.test,www.lab.test \
    --mx-host=lab.test,mail.lab.test,10 \
    --txt-record=lab.test,"v=spf1 mx -all" \
    --ptr-record=15.0.77.10.in-addr.arpa,server.lab.test
  wait_port "$NSS" udp 53
  wait_port "$NSS" tcp 53
  local q out="$PCAPS/dns.dig.txt"
  : >"$out"
  cap_start dns.pcap "$NSC" "$IFC"
  while read -r q; do
    echo ";; ==== dig @$S4 $q" >>"$out"
    # shellcheck disable=SC2086
    ip netns exec "$NSC" dig -4 +tries=1 +time=2 +nocmd +noall +answer +comments @"$S4" $q \
      >>"$out" 2>&1 || true
    sleep 0.1
  done <<'EOF'
www.lab.test A
www.lab.test AAAA
web.lab.test A
lab.test MX
lab.test TXT
-x 10.77.0.80
-x 10.77.0.15
nosuch.lab.test A
+tcp www.lab.test A
EOF
  cap_stop
  stop_bg
}

# nmap_scan NAME NMAP-ARGS...
nmap_scan() {
  local name=$1; shift
  bg "$NSS" httpd "$PY" "$LAB/httpd.py" --port 80
  bg "$NSS" udp-echo "$PY" "$LAB/udp_echo.py" --port 7
  wait_port "$NSS" tcp 80
  wait_port "$NSS" udp 7
  cap_start "$name.pcap" "$NSC" "$IFC"
  ip netns exec "$NSC" nmap "$@" -n -Pn --max-retries 1 -T4 --host-timeout 60s \
    -oN "$PCAPS/$name.nmap.txt" "$S4" >/dev/null
  cap_stop
  stop_bg
  grep -E '^[0-9]+/(tcp|udp)' "$PCAPS/$name.nmap.txt" | tr -s ' ' | tr '\n' ';' >&2; echo >&2
}
NMAP_TCP_PORTS=25-30,80,81
sc_nmap-ss() { nmap_scan nmap-ss -sS -p "$NMAP_TCP_PORTS"; }
sc_nmap-st() { nmap_scan nmap-st -sT -p "$NMAP_TCP_PORTS"; }
sc_nmap-sa() { nmap_scan nmap-sa -sA -p "$NMAP_TCP_PORTS"; }
sc_nmap-sf() { nmap_scan nmap-sf -sF -p "$NMAP_TCP_PORTS"; }
sc_nmap-sn() { nmap_scan nmap-sn -sN -p "$NMAP_TCP_PORTS"; }
sc_nmap-sx() { nmap_scan nmap-sx -sX -p "$NMAP_TCP_PORTS"; }
# UDP: 7 open (python echo), 9 closed (ICMP port unreachable), 69 dropped by nft
sc_nmap-su() { nmap_scan nmap-su -sU -p 7,9,69; }

sc_escapes() {
  bg "$NSS" escapes "$PY" "$LAB/tcp_server.py" --port 2323 --mode escapes
  wait_port "$NSS" tcp 2323
  cap_start escapes.pcap "$NSC" "$IFC"
  ip netns exec "$NSC" "$PY" "$LAB/tcp_client.py" "$S4" 2323 send \
    'login \x1b[1mroot\x1b[0m\x07\r\n'
  cap_stop
  stop_bg
}

sc_refused() {
  cap_start refused.pcap "$NSC" "$IFC"
  ip netns exec "$NSC" "$PY" "$LAB/tcp_client.py" "$S4" 81 connect 3
  cap_stop
}

sc_filtered() {
  cap_start filtered.pcap "$NSC" "$IFC"
  ip netns exec "$NSC" "$PY" "$LAB/tcp_client.py" "$S4" 25 connect 3.5
  cap_stop
}

sc_udp-echo() {
  bg "$NSS" udp-echo "$PY" "$LAB/udp_echo.py" --port 7
  wait_port "$NSS" udp 7
  cap_start udp-echo.pcap "$NSC" "$IFC"
  ip netns exec "$NSC" "$PY" "$LAB/udp_client.py" "$S4" 7 "ping 1" "ping 2, a bit longer" "ping 3"
  cap_stop
  stop_bg
}

sc_icmp-ping() {
  neigh_cold
  cap_start icmp-ping.pcap "$NSC" "$IFC"
  ip netns exec "$NSC" ping -n -c 3 -i 0.2 "$S4" >/dev/null
  ip netns exec "$NSC" ping -n -6 -c 3 -i 0.2 "$S6" >/dev/null
  cap_stop
  neigh_permanent
}

make_lossy_file() {
  local f="$DATA/lossy.bin"
  [[ -f $f ]] || "$PY" - "$f" <<'EOF'
import hashlib, sys
out = bytearray()
n = 0
while len(out) < 300 * 1024:
    out += b"block %06d %s\n" % (n, hashlib.sha256(b"tcpwatch %d" % n).hexdigest().encode())
    n += 1
open(sys.argv[1], "wb").write(bytes(out[:300 * 1024]))
EOF
  (cd "$DATA" && sha256sum lossy.bin >lossy.bin.sha256)
}

# lossy: the client's frames reach the server's stack through an impairing relay
# (scripts/lab/impair.py) inside tw-server:
#   tw-c ==veth== tw-s -[impair.py]- tw-x0 ==veth== tw-x1 (10.77.0.15, fd77::15)
# tw-s and tw-x0 carry no addresses and an nft netdev ingress "drop" keeps the
# server's stack off them; capture is on tw-x1, after the impairment, so lost
# segments are really missing from the capture. Must run last: it rewires tw-server.
sc_lossy() {
  make_lossy_file
  ip -n "$NSS" addr flush dev "$IFS_"
  ip netns exec "$NSS" sysctl -qw "net.ipv6.conf.$IFS_.disable_ipv6=1"
  ip -n "$NSS" link add tw-x0 address 02:77:00:00:01:15 type veth peer name tw-x1 address "$MACS"
  ip netns exec "$NSS" sysctl -qw net.ipv6.conf.tw-x0.disable_ipv6=1 net.ipv6.conf.tw-x1.accept_dad=0
  offloads_off "$NSS" tw-x0
  offloads_off "$NSS" tw-x1
  ip -n "$NSS" addr add "$S4/24" dev tw-x1
  ip -n "$NSS" addr add "$S6/64" dev tw-x1 nodad
  ip -n "$NSS" link set tw-x0 promisc on up
  ip -n "$NSS" link set "$IFS_" promisc on
  ip -n "$NSS" link set tw-x1 up
  ip -n "$NSS" neigh replace "$C4" lladdr "$MACC" dev tw-x1 nud permanent
  ip -n "$NSS" neigh replace "$C6" lladdr "$MACC" dev tw-x1 nud permanent
  ip netns exec "$NSS" nft -f - <<EOF
table netdev twrelay {
  chain s_in { type filter hook ingress device "$IFS_" priority 0; policy drop; }
  chain x0_in { type filter hook ingress device "tw-x0" priority 0; policy drop; }
}
EOF
  sleep 3
  bg "$NSS" impair "$PY" -u "$LAB/impair.py" "$IFS_" tw-x0 --port 7070 --drop 3 --reorder 2 --seed 77
  local relay=$LAST_PID
  wait_for "$TMP/impair.log" ready
  bg "$NSS" save "$PY" "$LAB/tcp_server.py" --port 7070 --mode save --out "$TMP/lossy.rx"
  local srv=$LAST_PID
  wait_port "$NSS" tcp 7070
  cap_start lossy.pcap "$NSS" tw-x1
  ip netns exec "$NSC" "$PY" "$LAB/tcp_client.py" "$S4" 7070 file "$DATA/lossy.bin"
  for _ in $(seq 50); do kill -0 "$srv" 2>/dev/null || break; sleep 0.1; done
  cap_stop
  kill -INT "$relay" 2>/dev/null || true
  sleep 0.3
  stop_bg
  cat "$TMP/impair.log" >&2
  cmp "$DATA/lossy.bin" "$TMP/lossy.rx" && log "lossy: received file matches"
}

# ---------------------------------------------------------------- main
main() {
  install_deps
  mkdir -p "$PCAPS" "$DATA"
  TMP=$(mktemp -d /tmp/tw-record.XXXXXX)
  trap cleanup EXIT
  trap 'exit 130' INT TERM
  local todo=("$@") s
  ((${#todo[@]})) || todo=("${ALL_SCENARIOS[@]}")
  for s in "${todo[@]}"; do
    declare -F "sc_$s" >/dev/null || { echo "unknown scenario: $s (see --list)" >&2; exit 2; }
  done
  setup_net
  for s in "${todo[@]}"; do
    [[ $s == lossy ]] && continue
    log "== $s"
    "sc_$s"
  done
  for s in "${todo[@]}"; do
    [[ $s == lossy ]] || continue
    log "== $s"
    sc_lossy
  done
  log "done: $(ls "$PCAPS" | grep -cE '\.pcap(ng)?$') captures in $PCAPS"
}

main "$@"
