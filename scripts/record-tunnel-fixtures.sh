#!/usr/bin/env bash
# Records the fragment and tunnel captures of issue 14 into Fixtures/pcaps/ and runs
# make-references.sh on them.
#
#   scripts/record-tunnel-fixtures.sh              # every scenario (as root)
#   scripts/record-tunnel-fixtures.sh frag-udp     # only these
#   scripts/record-tunnel-fixtures.sh --list
#
# Its own namespaces and veth pair (MTU 1500); traffic stays between them:
#
#   twtun-a  tt-a  10.79.0.1/24  fd00:79::1/64   (client)
#   twtun-b  tt-b  10.79.0.2/24  fd00:79::2/64   (server)
#
# Tunnels between the two (captured on tt-a, so the outer headers are on the wire):
#   gre   192.168.79.1/30 ↔ .2     (GRE with key 42 and sequence numbers, RFC 2890)
#   pptp  192.168.83.1/30 ↔ .2     (PPTP's enhanced GRE, PPP inside, acknowledgments)
#   ipip  192.168.81.1/30 ↔ .2     (IP-in-IP, IP proto 4)
#   sit   fd00:82::1/64 ↔ ::2      (IPv6-in-IPv4, proto 41)
#   vxlan 192.168.80.1/24 ↔ .2     (ip link type vxlan id 42 dstport 4789)
#   geneve 192.168.84.1/24 ↔ .2    (Geneve VNI 42 on UDP 6081 with OVN's option, Ethernet inside)
# Each carries one TCP connection: curl to python's http.server on port 8080.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PCAPS="$ROOT/Fixtures/pcaps"
NSA=twtun-a NSB=twtun-b IFA=tt-a IFB=tt-b
A4=10.79.0.1 B4=10.79.0.2 A6=fd00:79::1 B6=fd00:79::2
PY=$(command -v python3)

ALL=(frag-udp frag-icmp frag-ipv6 gre-tcp pptp-tcp ipip-tcp sit-tcp vxlan-tcp geneve-tcp)
if [[ "${1:-}" == "--list" ]]; then printf '%s\n' "${ALL[@]}"; exit 0; fi
if [[ $(id -u) -ne 0 ]]; then echo "record-tunnel-fixtures.sh must run as root" >&2; exit 1; fi

TMP="" BG=() CAP="" TUNNELS=()
log() { printf '[record-tunnel] %s\n' "$*" >&2; }
bg() { local ns=$1; shift; ip netns exec "$ns" "$@" >>"$TMP/bg.log" 2>&1 & BG+=($!); }
stop_bg() { local p; for p in "${BG[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; BG=(); }
cleanup() {
  set +e
  [[ -n $CAP ]] && kill -INT "$CAP" 2>/dev/null && wait "$CAP"
  stop_bg
  BG=("${TUNNELS[@]}"); stop_bg; TUNNELS=()
  ip netns del "$NSA" 2>/dev/null; ip netns del "$NSB" 2>/dev/null
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

# tunnel MODE TUN ADDR_A ADDR_B: a userspace tunnel between the namespaces (a TAP device
# for geneve, which carries Ethernet frames; a TUN device for the others).
tunnel() {
  local mode=$1 tun=$2 aa=$3 ab=$4 ns dev=tun
  [[ $mode == geneve ]] && dev=tap
  for ns in "$NSA" "$NSB"; do
    ip -n "$ns" tuntap add mode "$dev" name "$tun"
    # Fixed inner MAC addresses (02:00:00:00:84:01 in A, :02 in B), so the static neighbours below hold.
    [[ $dev == tap ]] && ip -n "$ns" link set "$tun" address "02:00:00:00:84:0$([[ $ns == "$NSA" ]] && echo 1 || echo 2)"
    ip netns exec "$ns" sysctl -qw "net.ipv6.conf.$tun.accept_dad=0" 2>/dev/null || true
    ip -n "$ns" link set "$tun" mtu 1400 up
  done
  local opt=(); [[ $aa == *:* ]] && opt=(nodad)
  ip -n "$NSA" addr add "$aa" dev "$tun" "${opt[@]}"; ip -n "$NSB" addr add "$ab" dev "$tun" "${opt[@]}"
  bg "$NSA" "$PY" "$ROOT/scripts/lab/tun_tunnel.py" "$mode" "$tun" "$A4" "$B4"
  bg "$NSB" "$PY" "$ROOT/scripts/lab/tun_tunnel.py" "$mode" "$tun" "$B4" "$A4"
  TUNNELS+=("${BG[@]: -2}")
}

setup() {
  ip netns del "$NSA" 2>/dev/null || true; ip netns del "$NSB" 2>/dev/null || true
  ip netns add "$NSA"; ip netns add "$NSB"
  ip link add "$IFA" netns "$NSA" type veth peer name "$IFB" netns "$NSB"
  local ns
  for ns in "$NSA" "$NSB"; do
    ip netns exec "$ns" sysctl -qw net.ipv4.ip_local_port_range="50000 53999" net.ipv6.conf.default.accept_dad=0 net.ipv6.conf.all.accept_dad=0
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=0 net.ipv6.conf.default.disable_ipv6=0
    # No router solicitations or link-local addresses chattering into the captures.
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.default.router_solicitations=0 net.ipv6.conf.all.router_solicitations=0
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.default.addr_gen_mode=1
    ip -n "$ns" link set lo up
  done
  ip netns exec "$NSA" ethtool -K "$IFA" tx off tso off gso off gro off >/dev/null 2>&1 || true
  ip netns exec "$NSB" ethtool -K "$IFB" tx off tso off gso off gro off >/dev/null 2>&1 || true
  ip -n "$NSA" link set "$IFA" mtu 1500; ip -n "$NSB" link set "$IFB" mtu 1500
  ip -n "$NSA" addr add "$A4/24" dev "$IFA"; ip -n "$NSB" addr add "$B4/24" dev "$IFB"
  ip -n "$NSA" addr add "$A6/64" dev "$IFA" nodad; ip -n "$NSB" addr add "$B6/64" dev "$IFB" nodad
  ip -n "$NSA" link set "$IFA" up; ip -n "$NSB" link set "$IFB" up
  local maca macb
  maca=$(ip -n "$NSA" -br link show "$IFA" | awk '{print $3}'); macb=$(ip -n "$NSB" -br link show "$IFB" | awk '{print $3}')
  ip -n "$NSA" neigh replace "$B4" lladdr "$macb" dev "$IFA" nud permanent
  ip -n "$NSB" neigh replace "$A4" lladdr "$maca" dev "$IFB" nud permanent
  ip -n "$NSA" neigh replace "$B6" lladdr "$macb" dev "$IFA" nud permanent
  ip -n "$NSB" neigh replace "$A6" lladdr "$maca" dev "$IFB" nud permanent
  # The tunnels. This kernel may lack the gre, ipip and sit modules, so those are
  # userspace tunnels (scripts/lab/tun_tunnel.py: TUN device + raw socket, the kernel's
  # own TCP inside); VXLAN is the kernel's.
  tunnel gre  tgre  192.168.79.1/30 192.168.79.2/30
  tunnel pptp tpptp 192.168.83.1/30 192.168.83.2/30
  tunnel ipip tipip 192.168.81.1/30 192.168.81.2/30
  tunnel sit  tsit  fd00:82::1/64   fd00:82::2/64
  # This kernel lacks the geneve module too: a TAP device and a UDP socket do its work.
  tunnel geneve tgnv 192.168.84.1/24 192.168.84.2/24
  ip -n "$NSA" neigh replace 192.168.84.2 lladdr 02:00:00:00:84:02 dev tgnv nud permanent
  ip -n "$NSB" neigh replace 192.168.84.1 lladdr 02:00:00:00:84:01 dev tgnv nud permanent
  ip netns exec "$NSA" sysctl -qw net.ipv6.conf.tgnv.disable_ipv6=1; ip netns exec "$NSB" sysctl -qw net.ipv6.conf.tgnv.disable_ipv6=1
  ip -n "$NSA" link add vx0 type vxlan id 42 local "$A4" remote "$B4" dstport 4789 dev "$IFA"
  ip -n "$NSB" link add vx0 type vxlan id 42 local "$B4" remote "$A4" dstport 4789 dev "$IFB"
  ip -n "$NSA" addr add 192.168.80.1/24 dev vx0; ip -n "$NSB" addr add 192.168.80.2/24 dev vx0
  ip -n "$NSA" link set vx0 up; ip -n "$NSB" link set vx0 up
  ip netns exec "$NSA" ethtool -K vx0 tx off tso off gso off gro off >/dev/null 2>&1 || true
  ip netns exec "$NSB" ethtool -K vx0 tx off tso off gso off gro off >/dev/null 2>&1 || true
  # Static inner neighbours on the VXLAN, so that no inner ARP precedes the connection.
  ip -n "$NSA" neigh replace 192.168.80.2 lladdr "$(ip -n "$NSB" -br link show vx0 | awk '{print $3}')" dev vx0 nud permanent
  ip -n "$NSB" neigh replace 192.168.80.1 lladdr "$(ip -n "$NSA" -br link show vx0 | awk '{print $3}')" dev vx0 nud permanent
  # Let the MLD reports and router solicitations of the new addresses go by first.
  sleep 4
}

# curl_over NAME SERVER_ADDR [curl options]: one HTTP GET over a tunnel, captured outside it.
curl_over() {
  local name=$1 addr=$2 host=$2; shift 2
  [[ $addr == *:* ]] && host="[$addr]"
  bg "$NSB" "$PY" -m http.server 8080 --bind "$addr" --directory "$ROOT/Fixtures/data"
  wait_port "$NSB" 8080
  cap_start "$name.pcap" "$NSA" "$IFA"
  ip netns exec "$NSA" curl -s -o /dev/null "$@" "http://$host:8080/" || true
  cap_stop; stop_bg
}

sc_frag-udp() {
  bg "$NSB" "$PY" -c 'import socket; s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); s.bind(("'"$B4"'",9999)); d,a=s.recvfrom(65535); s.sendto(d[:3500],a)'
  sleep 0.3
  cap_start frag-udp.pcap "$NSA" "$IFA"
  ip netns exec "$NSA" "$PY" -c 'import socket; s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); s.settimeout(2); s.sendto(bytes(range(256))*16,("'"$B4"'",9999)); print(len(s.recvfrom(65535)[0]))' >/dev/null
  cap_stop; stop_bg
}
sc_frag-icmp() {
  cap_start frag-icmp.pcap "$NSA" "$IFA"
  ip netns exec "$NSA" ping -n -c 2 -i 0.2 -s 3000 "$B4" >/dev/null
  cap_stop
}
sc_frag-ipv6() {
  bg "$NSB" "$PY" -c 'import socket; s=socket.socket(socket.AF_INET6,socket.SOCK_DGRAM); s.bind(("'"$B6"'",9999)); d,a=s.recvfrom(65535); s.sendto(d[:2000],a)'
  sleep 0.3
  cap_start frag-ipv6.pcap "$NSA" "$IFA"
  ip netns exec "$NSA" ping -n -6 -c 1 -s 3000 "$B6" >/dev/null
  ip netns exec "$NSA" "$PY" -c 'import socket; s=socket.socket(socket.AF_INET6,socket.SOCK_DGRAM); s.settimeout(2); s.sendto(bytes(range(256))*12,("'"$B6"'",9999)); print(len(s.recvfrom(65535)[0]))' >/dev/null
  cap_stop; stop_bg
}
sc_gre-tcp() { curl_over gre-tcp 192.168.79.2; }
sc_pptp-tcp() { curl_over pptp-tcp 192.168.83.2; }
sc_ipip-tcp() { curl_over ipip-tcp 192.168.81.2; }
sc_sit-tcp() { curl_over sit-tcp fd00:82::2 -g; }
sc_vxlan-tcp() { curl_over vxlan-tcp 192.168.80.2; }
sc_geneve-tcp() { curl_over geneve-tcp 192.168.84.2; }

trap cleanup EXIT
TMP=$(mktemp -d)
setup; BG=()
if (($#)); then run=("$@"); else run=("${ALL[@]}"); fi
for s in "${run[@]}"; do log "$s"; "sc_$s"; done
trap - EXIT; cleanup
refs=(); for s in "${run[@]}"; do refs+=("$s.pcap"); done
bash "$ROOT/scripts/make-references.sh" "${refs[@]}"
