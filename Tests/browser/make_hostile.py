#!/usr/bin/env python3
"""Writes a capture whose HTTP request line, headers, response body, DNS names and TCP
payload hold markup and terminal escapes, to prove the page shows packet text as text.
Usage: make_hostile.py OUT.pcap"""
import struct, sys

SCRIPT = b"<script>window.__pwned=1</script>"
IMG = b"<img src=x onerror=\"window.__pwned=2\">"
ESC = b"\x1b[31mRED\x1b]0;title\x07"

def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff

def ip4(src, dst, proto, payload):
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 1, 0x4000, 64, proto, 0,
                      bytes(src), bytes(dst))
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    return hdr + payload

def tcp(src, dst, sport, dport, seq, ack, flags, data=b""):
    hdr = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags, 65535, 0, 0)
    pseudo = struct.pack("!4s4sBBH", bytes(src), bytes(dst), 0, 6, len(hdr) + len(data))
    c = csum(pseudo + hdr + data)
    hdr = hdr[:16] + struct.pack("!H", c) + hdr[18:]
    return ip4(src, dst, 6, hdr + data)

def udp(src, dst, sport, dport, data):
    hdr = struct.pack("!HHHH", sport, dport, 8 + len(data), 0)
    pseudo = struct.pack("!4s4sBBH", bytes(src), bytes(dst), 0, 17, 8 + len(data))
    c = csum(pseudo + hdr + data) or 0xffff
    return ip4(src, dst, 17, hdr[:6] + struct.pack("!H", c) + data)

def eth(payload):
    return b"\x02\x00\x00\x00\x00\x02" + b"\x02\x00\x00\x00\x00\x01" + b"\x08\x00" + payload

def dns_name(labels):
    return b"".join(bytes([len(l)]) + l for l in labels) + b"\0"

C, S = [10, 66, 0, 1], [10, 66, 0, 2]
frames = []
cs, ss = 1000, 5000
frames.append(tcp(C, S, 40000, 80, cs, 0, 0x02))
frames.append(tcp(S, C, 80, 40000, ss, cs + 1, 0x12))
frames.append(tcp(C, S, 40000, 80, cs + 1, ss + 1, 0x10))
req = (b"GET /" + SCRIPT.replace(b" ", b"") + b"<img/src=x/onerror=window.__pwned=3>" + b" HTTP/1.1\r\nHost: " + IMG + b"\r\nUser-Agent: " + ESC + SCRIPT +
       b"\r\nX-Evil: " + IMG + b"\r\n\r\n")
frames.append(tcp(C, S, 40000, 80, cs + 1, ss + 1, 0x18, req))
body = b"<html>" + SCRIPT + IMG + ESC + b"</html>"
resp = (b"HTTP/1.1 200 " + SCRIPT + b"\r\nContent-Type: text/html\r\nServer: " + IMG +
        b"\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
frames.append(tcp(S, C, 80, 40000, ss + 1, cs + 1 + len(req), 0x18, resp))
frames.append(tcp(C, S, 40000, 80, cs + 1 + len(req), ss + 1 + len(resp), 0x11))
frames.append(tcp(S, C, 80, 40000, ss + 1 + len(resp), cs + 2 + len(req), 0x11))
frames.append(tcp(C, S, 40000, 80, cs + 2 + len(req), ss + 2 + len(resp), 0x10))
# Plain TCP payload on another port.
frames.append(tcp(C, S, 40001, 7, 1, 1, 0x18, SCRIPT + IMG + ESC))
# DNS query and answer with hostile labels.
name = dns_name([b"<script>alert(1)</script>", b"<img src=x onerror=alert(2)>", ESC, b"example"])
q = struct.pack("!HHHHHH", 0x1234, 0x0100, 1, 0, 0, 0) + name + struct.pack("!HH", 1, 1)
frames.append(udp(C, S, 53000, 53, q))
a = (struct.pack("!HHHHHH", 0x1234, 0x8180, 1, 1, 0, 0) + name + struct.pack("!HH", 1, 1) +
     b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 60, 4) + bytes([10, 66, 0, 9]))
frames.append(udp(S, C, 53, 53000, a))

with open(sys.argv[1], "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 262144, 1))
    for i, payload in enumerate(frames):
        p = eth(payload)
        f.write(struct.pack("<IIII", 1700000000, i * 1000, len(p), len(p)))
        f.write(p)
