"""Joins an IPv4 multicast group on an interface, waits, and leaves it, so that the kernel
sends IGMP membership reports and a leave (scripts/record-multicast-fixtures.sh).

    mcast_join.py LOCAL_ADDRESS GROUP [SOURCE] SECONDS

With SOURCE the join is source-specific (IP_ADD_SOURCE_MEMBERSHIP, RFC 3678): IGMPv3
reports then name the source.
"""
import socket, sys, time

local, group, rest = sys.argv[1], sys.argv[2], sys.argv[3:]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
if len(rest) == 2:
    source, secs = rest
    # struct ip_mreq_source: imr_multiaddr, imr_interface, imr_sourceaddr (Linux order)
    mreq = socket.inet_aton(group) + socket.inet_aton(local) + socket.inet_aton(source)
    s.setsockopt(socket.IPPROTO_IP, 39, mreq)  # IP_ADD_SOURCE_MEMBERSHIP
    time.sleep(float(secs))
    s.setsockopt(socket.IPPROTO_IP, 40, mreq)  # IP_DROP_SOURCE_MEMBERSHIP
else:
    secs = rest[0]
    mreq = socket.inet_aton(group) + socket.inet_aton(local)
    s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, mreq)
    time.sleep(float(secs))
    s.setsockopt(socket.IPPROTO_IP, socket.IP_DROP_MEMBERSHIP, mreq)
time.sleep(0.3)
