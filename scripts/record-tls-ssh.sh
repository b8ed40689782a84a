#!/usr/bin/env bash
# Records the TLS and SSH lab captures into Fixtures/pcaps/ (a sibling of
# record-fixtures.sh, with namespaces of its own so both can run at once).
#
#   sudo scripts/record-tls-ssh.sh              # every scenario
#   sudo scripts/record-tls-ssh.sh tls13 ssh    # only these scenarios
#   sudo scripts/record-tls-ssh.sh --list       # scenario names
#
#   twt-client  twt-c  02:77:00:00:00:04  10.77.0.4/24
#   twt-server  twt-s  02:77:00:00:00:15  10.77.0.15/24
#
# Scenarios:
#   tls12     curl --tls-max 1.2 → openssl s_server -www on 443 (CA + leaf chain, SNI lab.test)
#   tls13     curl --tlsv1.3      → openssl s_server -www on 443
#   tls-8443  curl --tlsv1.3      → openssl s_server -www on 8443 (heuristics, --decode-as)
#   ssh       two ssh sessions (`echo hi`) against a private sshd on 22: default
#             algorithms, then ecdh-sha2-nistp256 / aes128-ctr / hmac-sha2-256
#   ssh-2222  one ssh session against the same sshd on port 2222 (heuristics)
#
# Keys, certificates and the sshd configuration are made fresh in a temp dir on
# every run; sshd runs from /usr/sbin/sshd with that configuration only, and
# logs in root with a throwaway key. Nothing leaves the two namespaces.
# Afterwards run scripts/make-references.sh tls12.pcap tls13.pcap ...
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PCAPS="$ROOT/Fixtures/pcaps"

NSC=twt-client NSS=twt-server
IFC=twt-c IFS_=twt-s
MACC=02:77:00:00:00:04 MACS=02:77:00:00:00:15
C4=10.77.0.4 S4=10.77.0.15

ALL_SCENARIOS=(tls12 tls13 tls-8443 ssh ssh-2222)

if [[ "${1:-}" == "--list" ]]; then printf '%s\n' "${ALL_SCENARIOS[@]}"; exit 0; fi
if [[ $(id -u) -ne 0 ]]; then echo "record-tls-ssh.sh must run as root (sudo)" >&2; exit 1; fi

log() { printf '\033[1m[record]\033[0m %s\n' "$*" >&2; }

TMP=""
BG_PIDS=()
CAP_PID=""

bg() {
  local ns=$1 name=$2; shift 2
  ip netns exec "$ns" "$@" >"$TMP/$name.log" 2>&1 &
  BG_PIDS+=($!)
}

stop_bg() {
  local p
  for p in "${BG_PIDS[@]}"; do
    kill -TERM "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
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

wait_for() {
  local f=$1 pat=$2 i
  for ((i = 0; i < 200; i++)); do
    grep -q -- "$pat" "$f" 2>/dev/null && return 0
    sleep 0.05
  done
  echo "timeout waiting for '$pat' in $f:" >&2; cat "$f" >&2 || true
  return 1
}

wait_port() {
  local ns=$1 port=$2 i
  for ((i = 0; i < 200; i++)); do
    [[ -n "$(ip netns exec "$ns" ss -Hltn "sport = :$port")" ]] && return 0
    sleep 0.05
  done
  echo "timeout waiting for tcp port $port in $ns" >&2; return 1
}

cap_start() {
  local file=$1
  rm -f "$PCAPS/$file"
  ip netns exec "$NSC" tcpdump -i "$IFC" -n -s 0 -U --immediate-mode -Z root \
    -w "$PCAPS/$file" >"$TMP/cap.log" 2>&1 &
  CAP_PID=$!
  wait_for "$TMP/cap.log" "listening on"
  sleep 0.3
}

cap_stop() {
  sleep 0.7
  kill -INT "$CAP_PID"
  wait "$CAP_PID" || true
  CAP_PID=""
  chmod 644 "$PCAPS"/*.pcap 2>/dev/null || true
  grep -E "packets captured" "$TMP/cap.log" >&2 || true
}

setup_net() {
  ip netns del "$NSC" 2>/dev/null || true
  ip netns del "$NSS" 2>/dev/null || true
  ip netns add "$NSC"
  ip netns add "$NSS"
  ip link add "$IFC" netns "$NSC" address "$MACC" type veth peer name "$IFS_" netns "$NSS" address "$MACS"
  local ns ifc a4
  for ns in "$NSC" "$NSS"; do
    if [[ $ns == "$NSC" ]]; then ifc=$IFC a4=$C4; else ifc=$IFS_ a4=$S4; fi
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
    ip netns exec "$ns" sysctl -qw net.ipv4.ip_local_port_range="50000 53999"
    ip netns exec "$ns" ethtool -K "$ifc" tx off tso off gso off gro off >/dev/null 2>&1 || true
    ip -n "$ns" addr add "$a4/24" dev "$ifc"
    ip -n "$ns" link set lo up
    ip -n "$ns" link set "$ifc" up
  done
  ip -n "$NSC" neigh replace "$S4" lladdr "$MACS" dev "$IFC" nud permanent
  ip -n "$NSS" neigh replace "$C4" lladdr "$MACC" dev "$IFS_" nud permanent
  sleep 1
}

make_keys() {
  local d=$TMP/pki
  mkdir -p "$d"
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/O=tcpwatch lab/CN=tcpwatch lab CA" \
    -keyout "$d/ca.key" -out "$d/ca.pem" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/C=NL/O=tcpwatch lab/CN=lab.test" \
    -keyout "$d/leaf.key" -out "$d/leaf.csr" 2>/dev/null
  printf 'subjectAltName=DNS:lab.test\n' >"$d/ext.cnf"
  openssl x509 -req -in "$d/leaf.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" -CAcreateserial \
    -days 3650 -extfile "$d/ext.cnf" -out "$d/leaf.pem" 2>/dev/null
  ssh-keygen -q -t ed25519 -N '' -f "$TMP/ssh_host_ed25519_key"
  ssh-keygen -q -t ed25519 -N '' -f "$TMP/client_key"
  cp "$TMP/client_key.pub" "$TMP/authorized_keys"
}

# tls_exchange FILE PORT SERVER-VERSION-FLAG CURL-VERSION-FLAGS...
tls_exchange() {
  local file=$1 port=$2 sflag=$3; shift 3
  local d=$TMP/pki
  bg "$NSS" s_server openssl s_server -accept "$port" -cert "$d/leaf.pem" -key "$d/leaf.key" \
    -cert_chain "$d/ca.pem" -www "$sflag"
  wait_port "$NSS" "$port"
  cap_start "$file"
  local url="https://lab.test/" resolve="lab.test:443:$S4"
  if [[ $port != 443 ]]; then url="https://lab.test:$port/"; resolve="lab.test:$port:$S4"; fi
  ip netns exec "$NSC" curl -sS --http1.1 --cacert "$d/ca.pem" --resolve "$resolve" "$@" \
    -o "$TMP/$file.html" "$url"
  cap_stop
  stop_bg
  grep -q "Ciphers supported" "$TMP/$file.html" && log "$file: s_server page received"
}

sc_tls12() { tls_exchange tls12.pcap 443 -tls1_2 --tlsv1.2 --tls-max 1.2; }
sc_tls13() { tls_exchange tls13.pcap 443 -tls1_3 --tlsv1.3; }
sc_tls-8443() { tls_exchange tls-8443.pcap 8443 -tls1_3 --tlsv1.3; }

start_sshd() {
  mkdir -p /run/sshd
  cat >"$TMP/sshd_config" <<EOF
Port 22
Port 2222
ListenAddress $S4
HostKey $TMP/ssh_host_ed25519_key
AuthorizedKeysFile $TMP/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PidFile none
EOF
  bg "$NSS" sshd /usr/sbin/sshd -D -e -f "$TMP/sshd_config"
  wait_port "$NSS" 22
}

ssh_run() {
  ip netns exec "$NSC" ssh -F /dev/null -i "$TMP/client_key" -o StrictHostKeyChecking=no \
    -o UserKnownHostsFile=/dev/null -o BatchMode=yes -o LogLevel=ERROR "$@" root@"$S4" echo hi
}

sc_ssh() {
  start_sshd
  cap_start ssh.pcap
  ssh_run
  ssh_run -o KexAlgorithms=ecdh-sha2-nistp256 -o Ciphers=aes128-ctr -o MACs=hmac-sha2-256
  cap_stop
  stop_bg
}

sc_ssh-2222() {
  start_sshd
  cap_start ssh-2222.pcap
  ssh_run -p 2222
  cap_stop
  stop_bg
}

main() {
  mkdir -p "$PCAPS"
  TMP=$(mktemp -d /tmp/tw-record-tls.XXXXXX)
  chmod 755 "$TMP"
  trap cleanup EXIT
  trap 'exit 130' INT TERM
  local todo=("$@") s
  ((${#todo[@]})) || todo=("${ALL_SCENARIOS[@]}")
  for s in "${todo[@]}"; do
    declare -F "sc_$s" >/dev/null || { echo "unknown scenario: $s (see --list)" >&2; exit 2; }
  done
  setup_net
  make_keys
  for s in "${todo[@]}"; do
    log "== $s"
    "sc_$s"
  done
}

main "$@"
