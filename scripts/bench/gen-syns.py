#!/usr/bin/env python3
"""Writes a pcap of N unanswered SYNs from one scanner (issue 18's memory cases).

  gen-syns.py --count 1000000 --spread ports -o syns.pcap   # N flows over all ports
  gen-syns.py --count 1000000 --spread one-port -o syn1.pcap  # N SYNs to port 80

Each SYN gets its own source port and address pair cycle, so each is its own flow.
"""
import argparse
import struct


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return ~s & 0xFFFF


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=1000000)
    ap.add_argument("--spread", choices=("ports", "one-port"), default="ports")
    ap.add_argument("-o", "--output", required=True)
    a = ap.parse_args()
    out = open(a.output, "wb")
    out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
    eth = b"\x02\x00\x00\x00\x00\x02" + b"\x02\x00\x00\x00\x00\x01" + b"\x08\x00"
    for i in range(a.count):
        # 10.99.x.y scanners so that (source address, source port) never repeats
        src = bytes((10, 99, (i >> 16) & 0xFF, 1))
        dst = bytes((10, 98, 0, 1))
        sport = 1024 + (i & 0xFFFF) % 64000
        dport = 80 if a.spread == "one-port" else 1 + i % 65535
        tcp = struct.pack("!HHIIBBHHH", sport, dport, i * 7919 & 0xFFFFFFFF, 0, 5 << 4, 0x02, 1024, 0, 0)
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 40, i & 0xFFFF, 0, 64, 6, 0, src, dst)
        ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
        frame = eth + ip + tcp
        ts = i * 10  # 10 µs apart
        out.write(struct.pack("<IIII", ts // 1000000, ts % 1000000, len(frame), len(frame)))
        out.write(frame)
    out.close()


if __name__ == "__main__":
    main()
