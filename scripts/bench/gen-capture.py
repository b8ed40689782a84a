#!/usr/bin/env python3
"""Deterministic generator of a realistic busy-LAN capture, for benchmarks.

    gen-capture.py --packets 1000000 --seed 1 -o bench/out/lan-1m.pcap
    gen-capture.py --packets 1000000 --seed 1 --format pcapng -o lan-1m.pcapng
    gen-capture.py --packets 1000000 --seed 1 --profile busy -o busy-1m.pcap

Same seed and packet count, same bytes (the standard library's
random.Random is the only source of randomness; no wall clock, no hashing
order). Python standard library only.

Traffic, interleaved by a discrete-event scheduler over ~64 live sessions:
  * HTTP/1.1 over TCP: three-way handshake (MSS, SACK-permitted, window
    scale), one to several keep-alive request/response exchanges, the
    responses cut into MSS-sized segments, the client ACKing every second
    segment; some segments lost and retransmitted after duplicate ACKs,
    some reordered, some spuriously retransmitted; FIN/ACK close or RST.
  * refused SYNs (answered by RST/ACK) and filtered SYNs (unanswered,
    retried after 1 s and 3 s);
  * UDP DNS queries and answers (A and AAAA, well-formed messages);
  * ICMP echo request/reply (ICMPv6 on IPv6), and ICMP port unreachable
    quoting a UDP datagram sent to a closed port.
  * about 10% of sessions over IPv6, about 6% 802.1Q VLAN-tagged.

Profile "busy" (issue 18): the same traffic over ~3000 live sessions instead of
~64 (tens of thousands of conversations in 1M packets, thousands open at once),
and TCP stream 0 is a keep-alive HTTP session that never closes, so a view of
stream 0 cannot stop before the end of the file.

Checksums (IPv4 header, TCP, UDP, ICMP, ICMPv6) are computed and valid.
Frames are written whole (caplen == len), timestamps in microseconds,
strictly increasing.
"""

import argparse
import heapq
import itertools
import random
import struct
import sys

ETH_IPV4 = 0x0800
ETH_IPV6 = 0x86DD
ETH_VLAN = 0x8100

FIN, SYN, RST, PSH, ACK = 0x01, 0x02, 0x04, 0x08, 0x10

_pack_ipv4 = struct.Struct("!BBHHHBBH4s4s").pack
_pack_ipv6 = struct.Struct("!IHBB16s16s").pack
_pack_tcp = struct.Struct("!HHIIBBHHH").pack
_pack_udp = struct.Struct("!HHHH").pack
_pack_rec = struct.Struct("<IIII").pack


def _csum(data):
    """Internet checksum of `data` (ones' complement sum, via modulo 0xFFFF)."""
    if len(data) & 1:
        data += b"\0"
    r = int.from_bytes(data, "big") % 0xFFFF
    return (~(r or 0xFFFF)) & 0xFFFF


class Endpoint:
    """One L2+L3 path (src -> dst), with precomputed header parts."""

    __slots__ = ("v6", "src", "dst", "eth", "ttl", "ip_id", "ps")

    def __init__(self, v6, src, dst, smac, dmac, vlan, ttl, ip_id):
        self.v6, self.src, self.dst, self.ttl, self.ip_id = v6, src, dst, ttl, ip_id
        etype = ETH_IPV6 if v6 else ETH_IPV4
        if vlan is not None:
            self.eth = dmac + smac + struct.pack("!HHH", ETH_VLAN, vlan, etype)
        else:
            self.eth = dmac + smac + struct.pack("!H", etype)
        self.ps = src + dst  # pseudo-header addresses

    def ip(self, proto, l4):
        """Ethernet + IP header + l4 (l4 already has its checksum)."""
        if self.v6:
            return self.eth + _pack_ipv6(0x60000000, len(l4), proto, self.ttl,
                                         self.src, self.dst) + l4
        self.ip_id = (self.ip_id + 1) & 0xFFFF
        h = _pack_ipv4(0x45, 0, 20 + len(l4), self.ip_id, 0x4000, self.ttl,
                       proto, 0, self.src, self.dst)
        c = _csum(h)
        return self.eth + h[:10] + c.to_bytes(2, "big") + h[12:] + l4

    def pseudo(self, proto, n):
        if self.v6:
            return self.ps + struct.pack("!IxxxB", n, proto)
        return self.ps + struct.pack("!xBH", proto, n)

    def tcp(self, sport, dport, seq, ack, flags, win, payload=b"", opts=b""):
        off = (20 + len(opts)) // 4
        h = _pack_tcp(sport, dport, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF,
                      off << 4, flags, win, 0, 0) + opts
        c = _csum(self.pseudo(6, len(h) + len(payload)) + h + payload)
        return self.ip(6, h[:16] + c.to_bytes(2, "big") + h[18:] + payload)

    def udp(self, sport, dport, payload):
        n = 8 + len(payload)
        c = _csum(self.pseudo(17, n) + _pack_udp(sport, dport, n, 0) + payload) or 0xFFFF
        return self.ip(17, _pack_udp(sport, dport, n, c) + payload)

    def icmp(self, typ, code, rest):
        if self.v6:
            body = bytes((typ, code, 0, 0)) + rest
            c = _csum(self.pseudo(58, len(body)) + body)
            return self.ip(58, body[:2] + c.to_bytes(2, "big") + body[4:])
        body = bytes((typ, code, 0, 0)) + rest
        c = _csum(body)
        return self.ip(1, body[:2] + c.to_bytes(2, "big") + body[4:])


class Net:
    """Hosts, servers and the shared random source."""

    def __init__(self, rng):
        self.rng = rng
        self.clients4 = [bytes((10, 1, i // 250, 1 + i % 250)) for i in range(400)]
        self.servers4 = [bytes((10, 2, 0, 1 + i)) for i in range(24)]
        self.clients6 = [bytes.fromhex("fd000000000000010000000000%06x" % (0x100 + i))
                         for i in range(60)]
        self.servers6 = [bytes.fromhex("fd000000000000020000000000%06x" % (0x10 + i))
                         for i in range(8)]
        self.dns4 = bytes((10, 2, 255, 53))
        self.dns6 = bytes.fromhex("fd000000000000020000000000000053")
        self.gw4 = bytes((10, 1, 255, 254))
        self.gw6 = bytes.fromhex("fd0000000000000100000000000000fe")
        self.router_mac = bytes.fromhex("0200000000fe")
        self.names = ["www.example.com", "api.example.net", "cdn.example.org",
                      "mail.example.com", "updates.example.net", "static.example.org",
                      "login.example.com", "img.example.net", "search.example.org",
                      "ntp.example.com"]
        self.ports = 32768

    @staticmethod
    def mac(addr):
        return b"\x02" + (b"\0\0\0\0\0" + addr)[-5:]

    def pick(self, v6, server=False):
        r = self.rng
        if v6:
            return r.choice(self.servers6 if server else self.clients6)
        return r.choice(self.servers4 if server else self.clients4)

    def eport(self):
        self.ports += 1 + self.rng.randrange(7)
        if self.ports > 60999:
            self.ports = 32768 + self.rng.randrange(64)
        return self.ports

    def pair(self, v6, a, b, vlan):
        """Two endpoints a->b and b->a across the router (LAN capture point)."""
        r = self.rng
        ma, mb = self.mac(a), self.mac(b)
        ea = Endpoint(v6, a, b, ma, mb, vlan, 64, r.randrange(65536))
        eb = Endpoint(v6, b, a, mb, ma, vlan, 64 if v6 else 63, r.randrange(65536))
        return ea, eb


PAYLOAD = None  # pseudo-text body pool, built once from the seed


def build_pool(rng):
    words = [b"lorem", b"ipsum", b"dolor", b"sit", b"amet", b"tcp", b"packet",
             b"stream", b"window", b"segment", b"latency", b"byte", b"frame",
             b"<div>", b"</div>", b"{\"id\":", b"42,", b"\"ok\"}", b"\n"]
    out = bytearray()
    while len(out) < 1 << 18:
        out += rng.choice(words) + b" "
    return bytes(out)


def body(rng, n):
    off = rng.randrange(len(PAYLOAD) - 2048)
    out = bytearray()
    while len(out) < n:
        take = min(n - len(out), len(PAYLOAD) - off)
        out += PAYLOAD[off:off + take]
        off = 0
    return bytes(out)


# ---------------------------------------------------------------- sessions
# Each session is a generator of (delay_seconds, frame): the frame is sent
# `delay` after the previous frame of the same session.

def http_session(net, v6, vlan, forever=False):
    r = net.rng
    cli, srv = net.pick(v6), net.pick(v6, True)
    c, s = net.pair(v6, cli, srv, vlan)
    cp, sp = net.eport(), r.choice((80, 80, 80, 8080))
    rtt = r.choice((0.0002, 0.0004, 0.001, 0.003, 0.012, 0.040)) * (0.8 + 0.4 * r.random())
    mss = 1440 if v6 else 1460
    cseq, sseq = r.getrandbits(32), r.getrandbits(32)
    ws = 7
    synopt = struct.pack("!BBH", 2, 4, mss) + b"\x04\x02" + b"\x01\x03\x03" + bytes((ws,)) + b"\x01\x01"
    # synopt: MSS(4) SACK_PERM(2) NOP WS(3) NOP NOP = 12 bytes
    synopt = synopt[:12]
    yield 0.0, c.tcp(cp, sp, cseq, 0, SYN, 64240, opts=synopt)
    yield rtt / 2, s.tcp(sp, cp, sseq, cseq + 1, SYN | ACK, 65160, opts=synopt)
    cseq += 1
    sseq += 1
    yield rtt / 2, c.tcp(cp, sp, cseq, sseq, ACK, 502)
    win_c, win_s = 502, 509
    host = r.choice(net.names)
    nreq = 1 + min(int(r.expovariate(0.6)), 8)
    for i in (itertools.count() if forever else range(nreq)):
        path = "/%s/%d" % (r.choice(("static", "api/v1/items", "img", "index.html", "assets/app.js")),
                           r.randrange(100000))
        req = ("GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: bench/1.0\r\n"
               "Accept: */*\r\nConnection: keep-alive\r\n\r\n" % (path, host)).encode()
        yield (0.0005 if i == 0 else r.expovariate(1 / 0.05)), c.tcp(cp, sp, cseq, sseq, PSH | ACK, win_c, req)
        cseq += len(req)
        # response size: mostly small-to-medium, a heavy tail
        x = r.random()
        if x < 0.55:
            n = r.randrange(200, 3000)
        elif x < 0.92:
            n = r.randrange(3000, 24000)
        else:
            n = r.randrange(30000, 200000)
        status = b"200 OK" if r.random() < 0.95 else b"404 Not Found"
        ctype = r.choice((b"text/plain", b"application/octet-stream"))
        hdr = (b"HTTP/1.1 " + status + b"\r\nServer: bench\r\nContent-Type: " + ctype +
               b"\r\nContent-Length: " + str(n).encode() + b"\r\n\r\n")
        resp = hdr + body(r, n)
        # server ACKs the request quickly if the response is not instant
        think = r.expovariate(1 / 0.002)
        if think > 0.001:
            yield rtt / 2, s.tcp(sp, cp, sseq, cseq, ACK, win_s)
            think_d = think
        else:
            think_d = rtt / 2 + think
        segs = []
        off = 0
        while off < len(resp):
            segs.append((off, resp[off:off + mss]))
            off += mss
        # network effects: loss (retransmitted after 3 later segments),
        # reordering (swap neighbours), spurious duplicate
        order = []
        pending = []  # (emit_after_index, seg)
        i2 = 0
        while i2 < len(segs):
            seg = segs[i2]
            x = r.random()
            if x < 0.006 and 0 < i2 < len(segs) - 1:
                pending.append([3, seg, True])  # lost, retransmitted later
            elif x < 0.010 and 0 < i2 < len(segs) - 1:
                order.append((segs[i2 + 1], False))
                order.append((seg, False))
                i2 += 1
            else:
                order.append((seg, False))
                if x > 0.998:
                    order.append((seg, True))
            for p in pending:
                p[0] -= 1
            while pending and pending[0][0] <= 0:
                order.append((pending.pop(0)[1], True))
            i2 += 1
        for p in pending:
            order.append((p[1], True))
        # receiver model: cumulative ACK, every second segment or on a hole
        rcv = 0
        ooo = {}
        unacked = 0
        first = True
        base = sseq
        total = len(resp)
        for (off, data), retrans in order:
            d = think_d if first else (r.expovariate(1 / 0.00012) + (0.2 * rtt if retrans else 0))
            first = False
            flags = PSH | ACK if off + len(data) == total else ACK
            yield d, s.tcp(sp, cp, base + off, cseq, flags, win_s, data)
            if off == rcv:
                rcv += len(data)
                while rcv in ooo:
                    rcv += ooo.pop(rcv)
                unacked += 1
                if unacked >= 2 or rcv == total or retrans:
                    yield rtt / 2, c.tcp(cp, sp, cseq, base + rcv, ACK, win_c)
                    unacked = 0
            elif off > rcv:
                ooo[off] = len(data)
                yield 0.00003, c.tcp(cp, sp, cseq, base + rcv, ACK, win_c)  # dup ACK
                unacked = 0
            else:  # spurious retransmission of data already received
                yield 0.00003, c.tcp(cp, sp, cseq, base + rcv, ACK, win_c)
                unacked = 0
        sseq += total
    # close
    x = r.random()
    idle = r.expovariate(1 / 0.2)
    if x < 0.70:  # client closes
        yield idle, c.tcp(cp, sp, cseq, sseq, FIN | ACK, win_c)
        yield rtt / 2, s.tcp(sp, cp, sseq, cseq + 1, FIN | ACK, win_s)
        yield rtt / 2, c.tcp(cp, sp, cseq + 1, sseq + 1, ACK, win_c)
    elif x < 0.85:  # server closes (keep-alive timeout)
        yield idle, s.tcp(sp, cp, sseq, cseq, FIN | ACK, win_s)
        yield rtt / 2, c.tcp(cp, sp, cseq, sseq + 1, ACK, win_c)
        yield 0.0001, c.tcp(cp, sp, cseq, sseq + 1, FIN | ACK, win_c)
        yield rtt / 2, s.tcp(sp, cp, sseq + 1, cseq + 1, ACK, win_s)
    elif x < 0.95:  # client aborts
        yield idle, c.tcp(cp, sp, cseq, sseq, RST | ACK, 0)
    else:  # server resets
        yield idle, s.tcp(sp, cp, sseq, 0, RST, 0)


def refused_syn(net, v6, vlan):
    r = net.rng
    c, s = net.pair(v6, net.pick(v6), net.pick(v6, True), vlan)
    cp, sp = net.eport(), r.choice((22, 443, 3306, 5432, 6379, 8443))
    seq = r.getrandbits(32)
    opt = struct.pack("!BBH", 2, 4, 1460)
    yield 0.0, c.tcp(cp, sp, seq, 0, SYN, 64240, opts=opt)
    yield r.uniform(0.0001, 0.002), s.tcp(sp, cp, 0, seq + 1, RST | ACK, 0)


def filtered_syn(net, v6, vlan):
    r = net.rng
    c, s = net.pair(v6, net.pick(v6), net.pick(v6, True), vlan)
    cp, sp = net.eport(), r.choice((25, 135, 445, 8000, 9000))
    seq = r.getrandbits(32)
    opt = struct.pack("!BBH", 2, 4, 1460)
    yield 0.0, c.tcp(cp, sp, seq, 0, SYN, 64240, opts=opt)
    yield 1.0 + r.uniform(0, 0.01), c.tcp(cp, sp, seq, 0, SYN, 64240, opts=opt)
    yield 2.0 + r.uniform(0, 0.01), c.tcp(cp, sp, seq, 0, SYN, 64240, opts=opt)


def dns_name(name):
    out = bytearray()
    for label in name.split("."):
        out.append(len(label))
        out += label.encode()
    out.append(0)
    return bytes(out)


def dns_session(net, v6, vlan):
    r = net.rng
    cli = net.pick(v6)
    c, s = net.pair(v6, cli, net.dns6 if v6 else net.dns4, vlan)
    cp = net.eport()
    for _ in range(1 + (r.random() < 0.5)):
        qid = r.randrange(65536)
        name = r.choice(net.names)
        aaaa = r.random() < (0.6 if v6 else 0.3)
        qtype = 28 if aaaa else 1
        q = struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 0) + dns_name(name) + struct.pack("!HH", qtype, 1)
        yield r.uniform(0, 0.001), c.udp(cp, 53, q)
        nx = r.random() < 0.05
        if nx:
            a = struct.pack("!HHHHHH", qid, 0x8183, 1, 0, 0, 0) + q[12:]
        else:
            n = 1 + r.randrange(3)
            a = struct.pack("!HHHHHH", qid, 0x8180, 1, n, 0, 0) + q[12:]
            for k in range(n):
                if aaaa:
                    rd = bytes.fromhex("20010db8000000000000000000%06x" % r.randrange(1 << 24))
                else:
                    rd = bytes((198, 51, 100, r.randrange(1, 255)))
                a += struct.pack("!HHHIH", 0xC00C, qtype, 1, r.randrange(30, 3600), len(rd)) + rd
        yield r.uniform(0.0002, 0.03), s.udp(53, cp, a)


def ping_session(net, v6, vlan):
    r = net.rng
    c, s = net.pair(v6, net.pick(v6), net.pick(v6, True), vlan)
    ident = r.randrange(65536)
    data = bytes(range(16, 64))  # 48 bytes after an 8-byte timestamp
    req_t, rep_t = (128, 129) if v6 else (8, 0)
    rtt = r.uniform(0.0002, 0.005)
    for i in range(1 + r.randrange(4)):
        rest = struct.pack("!HHII", ident, i + 1, 1700000000 + i, r.randrange(1000000)) + data
        yield (0.0 if i == 0 else 1.0), c.icmp(req_t, 0, rest)
        yield rtt, s.icmp(rep_t, 0, rest)


def unreachable_session(net, v6, vlan):
    r = net.rng
    c, s = net.pair(v6, net.pick(v6), net.pick(v6, True), vlan)
    cp, sp = net.eport(), 33434 + r.randrange(90)
    payload = body(r, r.randrange(8, 64))
    frame = c.udp(cp, sp, payload)
    ethlen = len(c.eth)
    quoted = frame[ethlen:]
    if v6:
        # ICMPv6 destination unreachable, port unreachable (1/4): unused + as much as fits
        yield 0.0, frame
        yield r.uniform(0.0001, 0.002), s.icmp(1, 4, b"\0\0\0\0" + quoted[:1232])
    else:
        # ICMP type 3 code 3: unused(4) + original IP header + 8 bytes of datagram
        yield 0.0, frame
        yield r.uniform(0.0001, 0.002), s.icmp(3, 3, b"\0\0\0\0" + quoted[:28])


KINDS = ((http_session, 42), (dns_session, 33), (ping_session, 7),
         (refused_syn, 8), (filtered_syn, 4), (unreachable_session, 6))


# Sessions under way at once, per profile.
LIVE_SESSIONS = {"lan": 64, "busy": 3000}


def generate(packets, seed, out, fmt, profile="lan"):
    global PAYLOAD
    rng = random.Random(seed)
    PAYLOAD = build_pool(random.Random(seed ^ 0x5EED))
    net = Net(rng)
    kinds = [k for k, w in KINDS for _ in range(w)]
    vlans = (10, 20, 30, 100)

    def new_session(t):
        v6 = rng.random() < 0.10
        vlan = rng.choice(vlans) if rng.random() < 0.06 else None
        return rng.choice(kinds)(net, v6, vlan)

    t0 = 1700000000.0
    heap = []
    seq = 0
    LIVE = LIVE_SESSIONS[profile]
    if profile == "busy":
        # TCP stream 0: first on the wire, open until the end.
        gen = http_session(net, False, None, forever=True)
        d, f = next(gen)
        heapq.heappush(heap, (0.0, seq, gen, f))
        seq += 1
        LIVE -= 1
    for i in range(LIVE):
        gen = new_session(0.0)
        d, f = next(gen)
        heapq.heappush(heap, (rng.uniform(0, 0.01), seq, gen, f))
        seq += 1

    if fmt == "pcapng":
        shb_body = struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1)
        out.write(struct.pack("<II", 0x0A0D0D0A, 12 + len(shb_body)) + shb_body +
                  struct.pack("<I", 12 + len(shb_body)))
        # IDB: linktype 1, snaplen 262144, option if_tsresol=6 (microseconds), end
        opts = struct.pack("<HHB3x", 9, 1, 6) + struct.pack("<HH", 0, 0)
        idb_body = struct.pack("<HHI", 1, 0, 262144) + opts
        out.write(struct.pack("<II", 1, 12 + len(idb_body)) + idb_body +
                  struct.pack("<I", 12 + len(idb_body)))
    else:
        out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1))

    buf = []
    last_us = -1
    written = 0
    pcapng = fmt == "pcapng"
    pack_epb = struct.Struct("<IIIIIII").pack
    while written < packets:
        t, _, gen, frame = heapq.heappop(heap)
        us = int(t * 1e6)
        if us <= last_us:
            us = last_us + 1
        last_us = us
        ts = int(t0 * 1e6) + us
        n = len(frame)
        if pcapng:
            pad = (-n) & 3
            blen = 32 + n + pad
            buf.append(pack_epb(6, blen, 0, ts >> 32, ts & 0xFFFFFFFF, n, n))
            buf.append(frame)
            buf.append(b"\0" * pad + blen.to_bytes(4, "little"))
        else:
            buf.append(_pack_rec(ts // 1000000, ts % 1000000, n, n))
            buf.append(frame)
        written += 1
        if len(buf) >= 30000:
            out.write(b"".join(buf))
            buf.clear()
        try:
            d, f = next(gen)
            heapq.heappush(heap, (t + d, seq, gen, f))
        except StopIteration:
            gen = new_session(t)
            d, f = next(gen)
            # busy LAN: a new session starts soon after one ends
            heapq.heappush(heap, (t + rng.expovariate(1 / 0.0004), seq, gen, f))
        seq += 1
    out.write(b"".join(buf))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--packets", type=int, default=1000000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--format", choices=("pcap", "pcapng"), default="pcap")
    ap.add_argument("--profile", choices=sorted(LIVE_SESSIONS), default="lan",
                    help="lan: ~64 live sessions; busy: ~3000, stream 0 open to the end")
    ap.add_argument("-o", "--output", default="-", help="output file ('-' for stdout)")
    a = ap.parse_args()
    if a.output == "-":
        generate(a.packets, a.seed, sys.stdout.buffer, a.format, a.profile)
    else:
        with open(a.output + ".tmp", "wb") as f:
            generate(a.packets, a.seed, f, a.format, a.profile)
        import os
        os.replace(a.output + ".tmp", a.output)


if __name__ == "__main__":
    main()
