#!/usr/bin/env python3
"""A userspace point-to-point tunnel for recording fixtures where the kernel has no
gre/ipip/sit modules: IP packets read from a TUN device are sent to the peer inside
GRE (RFC 2784/2890, with key and sequence number), PPTP's enhanced GRE (RFC 2637, PPP
inside, with acknowledgments), IP-in-IP (proto 4) or IPv6-in-IPv4 (proto 41) through a
raw socket; the kernel writes the outer IPv4 header. What comes back is unwrapped and
written to the TUN device. The TCP connection inside is the kernel's own.

Mode geneve is the kernel's geneve device done by hand, for kernels without the module:
Ethernet frames from a TAP device go inside Geneve (RFC 8926, protocol type 0x6558, VNI
42) over a UDP socket on port 6081, with the one option OVN sends (class 0x0102, type
0x80 with the critical bit, 4 bytes: the logical ingress and egress ports), so the
header's C flag is set as the RFC requires.

    tun_tunnel.py MODE TUN LOCAL REMOTE     (MODE: gre, pptp, ipip, sit, geneve)
"""
import fcntl, os, select, socket, struct, sys

mode, tun_name, local, remote = sys.argv[1:5]
TUNSETIFF, IFF_TUN, IFF_TAP, IFF_NO_PI = 0x400454CA, 0x0001, 0x0002, 0x1000
GENEVE_PORT, VNI = 6081, 42
tun = os.open("/dev/net/tun", os.O_RDWR)
kind = IFF_TAP if mode == "geneve" else IFF_TUN
fcntl.ioctl(tun, TUNSETIFF, struct.pack("16sH", tun_name.encode(), kind | IFF_NO_PI))
if mode == "geneve":
    raw = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    raw.bind((local, GENEVE_PORT))
else:
    raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, {"gre": 47, "pptp": 47, "ipip": 4, "sit": 41}[mode])
    raw.bind((local, 0))
seq = 0
peer_seq = None  # the last sequence number received (PPTP acknowledges it)
acked = None
CALL_ID = 0x1234

def wrap(pkt):
    global seq, acked
    if mode == "geneve":
        option = struct.pack("!HBB", 0x0102, 0x80, 1) + struct.pack("!HH", 1, 2)
        return struct.pack("!BBHI", len(option) // 4, 0x40, 0x6558, VNI << 8) + option + pkt
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
    if mode == "geneve":
        return datagram[8 + (datagram[0] & 0x3F) * 4:]
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
        if mode == "geneve" and pkt:
            raw.sendto(wrap(pkt), (remote, GENEVE_PORT))
        elif pkt and pkt[0] >> 4 in (4, 6):
            raw.sendto(wrap(pkt), (remote, 0))
    if raw in ready:
        inner = unwrap(raw.recv(65535))
        if inner:
            os.write(tun, inner)
