#!/usr/bin/env bash
# The handout's "two ssh sessions" exercise, inside two private namespaces (root only):
# sshd in twlab-ssh-s on 10.79.0.15:22, two `ssh -N` sessions from twlab-ssh-c, then
# `ss -tn`, `tcpwatch sockets` and a capture of both handshakes. Keys and config live in
# a temporary directory; nothing outside the namespaces is contacted.
#   scripts/lab/ssh-two-sessions.sh OUT.pcap
set -euo pipefail
OUT=${1:?usage: ssh-two-sessions.sh OUT.pcap}
TW="$(cd "$(dirname "$0")/../.." && pwd)/.build/debug/tcpwatch"
C=twlab-ssh-c S=twlab-ssh-s
TMP=$(mktemp -d)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; ip netns del $C 2>/dev/null; ip netns del $S 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT
ip netns add $C; ip netns add $S
ip link add tls-c netns $C type veth peer name tls-s netns $S
ip -n $C addr add 10.79.0.4/24 dev tls-c; ip -n $S addr add 10.79.0.15/24 dev tls-s
for ns in $C $S; do ip -n $ns link set lo up; done
ip -n $C link set tls-c up; ip -n $S link set tls-s up
ssh-keygen -q -t ed25519 -N '' -f "$TMP/host"; ssh-keygen -q -t ed25519 -N '' -f "$TMP/client"
cp "$TMP/client.pub" "$TMP/authorized_keys"; chmod 600 "$TMP/authorized_keys"
mkdir -p /run/sshd
cat >"$TMP/sshd_config" <<CFG
Port 22
ListenAddress 10.79.0.15
HostKey $TMP/host
AuthorizedKeysFile $TMP/authorized_keys
PasswordAuthentication no
PermitRootLogin prohibit-password
StrictModes no
UsePAM no
PidFile $TMP/sshd.pid
CFG
ip netns exec $S /usr/sbin/sshd -D -f "$TMP/sshd_config" & PIDS+=($!)
sleep 1
ip netns exec $C tcpdump -i tls-c -n -s 0 -U -w "$OUT" >/dev/null 2>&1 & CAP=$!
sleep 1
echo "## ss -tn before"; ip netns exec $C ss -tn
SSH=(ssh -N -i "$TMP/client" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes -o LogLevel=ERROR root@10.79.0.15)
ip netns exec $C "${SSH[@]}" & PIDS+=($!)
sleep 1
echo "## ss -tn after the first session"; ip netns exec $C ss -tn
ip netns exec $C "${SSH[@]}" & PIDS+=($!)
sleep 1
echo "## ss -tnp after the second session"; ip netns exec $C ss -tnp
echo "## tcpwatch sockets -t (client namespace)"; ip netns exec $C "$TW" sockets -t --color never
sleep 0.5; kill -INT $CAP; wait $CAP 2>/dev/null || true
