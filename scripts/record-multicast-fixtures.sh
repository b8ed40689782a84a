#!/usr/bin/env bash
# Records Fixtures/pcaps/igmp.pcap: IGMP as Linux sends it, and runs make-references.sh.
#
#   sudo scripts/record-multicast-fixtures.sh
#
# Its own namespaces and veth pair; nothing leaves them:
#
#   twmc-a  br0 (mc-a)  10.85.0.1/24   a bridge that is the IGMP querier (mcast_querier 1)
#   twmc-b  mc-b        10.85.0.2/24   a host that joins and leaves groups
#
# Captured on mc-b (filter "igmp"): with both at version 3, the bridge's general and
# group-specific queries and the host's reports of a join and leave of 239.1.2.4 and of
# a source-specific join and leave of 232.1.1.1 from 10.85.0.1; then, with both at
# version 2 (force_igmp_version=2; a host that has heard a v2 query stays at v2 for a
# while, so v3 comes first), the v2 queries and the report and leave of 239.1.2.3.
# Every packet carries the Router Alert IP option (RFC 2113).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PCAPS="$ROOT/Fixtures/pcaps"
JOIN="$ROOT/scripts/lab/mcast_join.py"
NSA=twmc-a NSB=twmc-b
if [[ $(id -u) -ne 0 ]]; then echo "record-multicast-fixtures.sh must run as root" >&2; exit 1; fi

CAP=""
cleanup() {
  set +e
  [[ -n $CAP ]] && kill -INT "$CAP" 2>/dev/null && wait "$CAP"
  ip netns del "$NSA" 2>/dev/null; ip netns del "$NSB" 2>/dev/null
  return 0
}
cleanup
trap cleanup EXIT

ip netns add "$NSA"
ip netns add "$NSB"
for ns in "$NSA" "$NSB"; do
  ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
  ip -n "$ns" link set lo up
done
ip link add mc-a netns "$NSA" type veth peer name mc-b netns "$NSB"
# Timers in centiseconds: one startup query, a query every 3 s, 1 s to answer; queries
# from the bridge's address rather than 0.0.0.0.
ip -n "$NSA" link add br0 type bridge mcast_snooping 1 mcast_querier 1 mcast_igmp_version 3 \
  mcast_query_interval 300 mcast_startup_query_interval 100 mcast_startup_query_count 1 \
  mcast_query_response_interval 100 mcast_last_member_count 1 mcast_last_member_interval 100 \
  mcast_query_use_ifaddr 1
ip -n "$NSA" link set mc-a master br0
ip -n "$NSA" addr add 10.85.0.1/24 dev br0
ip -n "$NSB" addr add 10.85.0.2/24 dev mc-b
ip -n "$NSB" link set mc-b up

rm -f "$PCAPS/igmp.pcap"
ip netns exec "$NSB" tcpdump -i mc-b -n -s 0 -U -w "$PCAPS/igmp.pcap" igmp >/tmp/twmc-cap.log 2>&1 &
CAP=$!
for _ in $(seq 100); do grep -q "listening on" /tmp/twmc-cap.log && break; sleep 0.05; done
sleep 0.3

ip -n "$NSA" link set mc-a up
ip -n "$NSA" link set br0 up
sleep 1.5
ip netns exec "$NSB" python3 "$JOIN" 10.85.0.2 239.1.2.4 1
ip netns exec "$NSB" python3 "$JOIN" 10.85.0.2 232.1.1.1 10.85.0.1 1
sleep 1
ip netns exec "$NSB" sysctl -qw net.ipv4.conf.mc-b.force_igmp_version=2
ip -n "$NSA" link set br0 type bridge mcast_igmp_version 2
sleep 3.2
ip netns exec "$NSB" python3 "$JOIN" 10.85.0.2 239.1.2.3 1
sleep 1.5

kill -INT "$CAP"; wait "$CAP" || true; CAP=""
grep -E "captured|dropped" /tmp/twmc-cap.log >&2 || true
chmod 644 "$PCAPS/igmp.pcap"
"$ROOT/scripts/make-references.sh" igmp.pcap
