#!/usr/bin/env python3
"""A userspace point-to-point tunnel for recording fixtures where the kernel has no
gre/ipip/sit modules: IP packets read from a TUN device are sent to the peer inside
GRE (RFC 2784/2890, with key and sequence number), PPTP's enhanced GRE (RFC 2637, PPP
inside, with acknowledgments), IP-in-IP (proto 4) or IPv6-in-IPv4 (proto 41) through a
raw socket; the kernel writes the outer IPv4 header. What comes back is unwrapped and
written to the TUN device. The TCP connection inside is the kernel's own.

    tun_tunnel.py MODE TUN LOCAL REMOTE     (MODE: gre, pptp, ipip, sit)
"""
import fcntl, os, select, socket, struct, sys

mode, tun_name, local, remote = sys.argv[1:5]
TUNSETIFF, IFF_TUN, IFF_NO_PI = 0x400454CA, 0x0001, 0x1000
tun = os.open("/dev/net/tun", os.O_RDWR)
fcntl.ioctl(tun, TUNSETIFF, struct.pack("16sH", tun_name.encode(), IFF_TUN | IFF_NO_PI))
proto = {"gre": 47, "pptp": 47, "ipip": 4, "sit": 41}[mode]
raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, proto)
raw.bind((local, 0))
seq = 0
peer_seq = None  # the last sequence number received (PPTP acknowledges it)
acked = None
CALL_ID = 0x1234

def wrap(pkt):
    global seq, acked
    version = pkt[0] >> 4
    if mode == "gre":
        seq += 1
        ptype = 0x0800 if version == 4 else 0x86DD
        return struct.pack("!HHII", 0x3000, ptype, 42, seq) + pkt
    if mode == "pptp":
        seq += 1
        ppp = b"\xff\x03\x00\x21" + pkt
        ack = peer_seq is not None and peer_seq != acked
        flags = 0x3001 | (0x0080 if ack else 0)
        hdr = struct.pack("!HHHHI", flags, 0x880B, len(ppp), CALL_ID, seq)
        if ack:
            hdr += struct.pack("!I", peer_seq)
            acked = peer_seq
        return hdr + ppp
    return pkt

def unwrap(datagram):
    global peer_seq
    ihl = (datagram[0] & 0x0F) * 4
    if datagram[12:16] != socket.inet_aton(remote):
        return None
    body = datagram[ihl:]
    if mode == "gre":
        flags, _ = struct.unpack("!HH", body[:4])
        off = 4 + (4 if flags & 0x8000 else 0) + (4 if flags & 0x2000 else 0) + (4 if flags & 0x1000 else 0)
        return body[off:]
    if mode == "pptp":
        flags, _, plen, _ = struct.unpack("!HHHH", body[:8])
        off = 8
        if flags & 0x1000:
            peer_seq = struct.unpack("!I", body[off:off + 4])[0]
            off += 4
        if flags & 0x0080:
            off += 4
        ppp = body[off:off + plen]
        return ppp[4:] if ppp[:4] == b"\xff\x03\x00\x21" else None
    return body

while True:
    ready, _, _ = select.select([tun, raw], [], [])
    if tun in ready:
        pkt = os.read(tun, 65535)
        if pkt and pkt[0] >> 4 in (4, 6):
            raw.sendto(wrap(pkt), (remote, 0))
    if raw in ready:
        inner = unwrap(raw.recv(65535))
        if inner:
            os.write(tun, inner)
