#!/usr/bin/env python3
"""Writes Fixtures/pcaps/geneve-options.pcap: Geneve frames whose options and flags the
recorded capture (geneve-tcp.pcap, one OVN option) does not reach, each aimed at one
branch of tshark 4.0's Geneve dissector: Google Cloud's three options, reserved option
flags, an OAM frame with the reserved byte set, an empty option, an option whose length
runs past the options, an unknown version, every reserved flag, IPv4 and an unknown
protocol inside, a zero UDP checksum over IPv6 and a real one over IPv4.
Run scripts/make-references.sh geneve-options.pcap after it.
Usage: scripts/make-geneve-fixture.py [OUT]"""
import os, struct, sys

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "Fixtures", "pcaps", "geneve-options.pcap")
ETH_A, ETH_B = bytes.fromhex("020000000001"), bytes.fromhex("020000000002")
ARP = ETH_B + ETH_A + b"\x08\x06" + bytes.fromhex("0001080006040001020000000001c0a80001000000000000c0a80002")
ICMP_IN_IP = bytes.fromhex("4500001c000100004001f6cc0a0000010a000002") + bytes.fromhex("0800f7ff00000000")

def checksum(data):
    if len(data) % 2: data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16: s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF

def option(cls, typ, data, flags=0):
    return struct.pack("!HBB", cls, typ, (flags << 5) | (len(data) // 4)) + data

def geneve(options=b"", flags=0, version=0, reserved=0, proto=0x6558, inner=ARP, words=None):
    length = len(options) // 4 if words is None else words
    return struct.pack("!BBHI", (version << 6) | length, flags, proto, (42 << 8) | reserved) + options + inner

def over_ipv4(payload, udp_checksum=False):
    src, dst = bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2])
    udp = struct.pack("!HHHH", 40000, 6081, 8 + len(payload), 0) + payload
    if udp_checksum:
        pseudo = src + dst + struct.pack("!BBH", 0, 17, len(udp))
        udp = udp[:6] + struct.pack("!H", checksum(pseudo + udp) or 0xFFFF) + udp[8:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 1, 0, 64, 17, 0, src, dst)
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    return ETH_B + ETH_A + b"\x08\x00" + ip + udp

def over_ipv6(payload):
    udp = struct.pack("!HHHH", 40000, 6081, 8 + len(payload), 0) + payload
    ip6 = struct.pack("!IHBB16s16s", 0x60000000, len(udp), 17, 64, bytes.fromhex("fd00000000000000000000000000000" + "1"),
                      bytes.fromhex("fd00000000000000000000000000000" + "2"))
    return ETH_B + ETH_A + b"\x86\xdd" + ip6 + udp

frames = [
    over_ipv4(geneve(option(0x0132, 0x01, struct.pack("!I", 123456 << 4 | 1)) + option(0x0132, 0x02, bytes(range(8)))
                     + option(0x0132, 0x03, struct.pack("!Q", 987654321))), udp_checksum=True),
    over_ipv4(geneve(option(0x0101, 0x05, b"\xde\xad\xbe\xef", flags=5), flags=0x80, reserved=7)),
    over_ipv4(geneve(option(0xFFF0, 0x7F, b"") + struct.pack("!HBB", 0x0100, 0x81, 3), flags=0x40)),
    over_ipv4(geneve(version=1)),
    over_ipv4(geneve(flags=0x3F)),
    over_ipv4(geneve(option(0x0132, 0x01, struct.pack("!I", 5 << 4)) + option(0x0132, 0x03, struct.pack("!I", 77))
                     + option(0x012A, 0x00, bytes(4)) + option(0xFF00, 0x80, bytes(4)))),
    over_ipv4(geneve(proto=0x0800, inner=ICMP_IN_IP)),
    over_ipv4(geneve(proto=0x1234, inner=b"abcd")),
    over_ipv6(geneve(option(0x0102, 0x80, struct.pack("!HH", 1, 2)), flags=0x40)),
]
with open(OUT, "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
    for i, frame in enumerate(frames):
        f.write(struct.pack("<IIII", 1700000000 + i, 250000 * i % 1000000, len(frame), len(frame)) + frame)
