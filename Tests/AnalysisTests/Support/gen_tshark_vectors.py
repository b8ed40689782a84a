#!/usr/bin/env python3
"""Builds TCP conversations, asks tshark for its TCP analysis, and writes the answers
as test vectors for TCPSequenceAnalyzer (Tests/AnalysisTests/TSharkVectors.swift).

    python3 Tests/AnalysisTests/Support/gen_tshark_vectors.py [COUNT [SEED]]   # needs tshark (4.0.x)

Every scenario is one conversation on its own client port, all in one pcap written to
/tmp. The expected values are whatever tshark says in a single pass: flags, duplicate-ACK
number/frame, acks_frame, ack_rtt, and tcp.completeness (which tshark shows as it was before
each frame, so a sentinel frame closes every conversation).
"""
import json, os, random, struct, subprocess, sys

FL = {'F': 1, 'S': 2, 'R': 4, 'P': 8, 'A': 16, 'U': 32}
NAMES = ['retransmission', 'fast_retransmission', 'spurious_retransmission', 'out_of_order',
         'duplicate_ack', 'lost_segment', 'ack_lost_segment', 'keep_alive', 'keep_alive_ack',
         'zero_window', 'zero_window_probe', 'zero_window_probe_ack', 'window_update',
         'window_full', 'reused_ports']


def csum(b):
    if len(b) % 2:
        b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff


def packet(seg, cport):
    c, s = bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2])
    src, dst, sp, dp = (c, s, cport, 80) if seg['d'] == 'c' else (s, c, 80, cport)
    opts = bytes([1, 3, 3, seg['ws']]) if seg.get('ws') is not None else b''
    flags = 0
    for ch in seg['f']:
        flags |= FL[ch]
    hl = 20 + len(opts)
    tcp = struct.pack('!HHIIBBHHH', sp, dp, seg['seq'] & 0xffffffff, seg['ack'] & 0xffffffff,
                      (hl // 4) << 4, flags, seg['win'], 0, 0) + opts + b'x' * seg['len']
    ck = csum(src + dst + struct.pack('!BBH', 0, 6, len(tcp)) + tcp)
    tcp = tcp[:16] + struct.pack('!H', ck) + tcp[18:]
    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(tcp), 1, 0, 64, 6, 0, src, dst)
    ip = ip[:10] + struct.pack('!H', csum(ip)) + ip[12:]
    return b'\0\0\0\0\0\2' + b'\0\0\0\0\0\1' + b'\x08\x00' + ip + tcp


def write_pcap(path, frames):
    with open(path, 'wb') as f:
        f.write(struct.pack('<IHHiIII', 0xa1b23c4d, 2, 4, 0, 0, 65535, 1))
        for us, p in frames:
            f.write(struct.pack('<IIII', us // 1_000_000, (us % 1_000_000) * 1000, len(p), len(p)))
            f.write(p)


def keys(o, acc):
    if isinstance(o, dict):
        for k, v in o.items():
            acc.append(k)
            keys(v, acc)
    elif isinstance(o, list):
        for v in o:
            keys(v, acc)
    return acc


def merge_duplicates(pairs):
    # tshark -T json repeats keys (e.g. two "_ws.expert" entries for a fast retransmission).
    d = {}
    for k, v in pairs:
        if k in d:
            d[k] = (d[k] if isinstance(d[k], list) else [d[k]]) + [v]
        else:
            d[k] = v
    return d


def tshark(path, two_pass):
    args = ['tshark', '-r', path, '-T', 'json'] + (['-2'] if two_pass else [])
    return json.loads(subprocess.run(args, capture_output=True, text=True, check=True).stdout,
                      object_pairs_hook=merge_duplicates)


def field(v):
    if isinstance(v, list):
        v = v[0]
    return v


# ---------------------------------------------------------------- scenario builders

class Conv:
    """A conversation under construction: times in microseconds from its start."""

    def __init__(self, name, cisn=1000, sisn=5000):
        self.name, self.segs, self.t = name, [], 0
        self.c, self.s = cisn, sisn

    def add(self, d, f, seq, ack, win=8192, ln=0, dt=1000, ws=None):
        self.t += dt
        seg = dict(d=d, f=f, seq=seq & 0xffffffff, ack=ack & 0xffffffff, win=win, len=ln, t=self.t)
        if ws is not None:
            seg['ws'] = ws
        self.segs.append(seg)
        return self

    def handshake(self, ws=None, rtt=1000, win=8192):
        self.add('c', 'S', self.c, 0, 65535, 0, 1000, ws)
        self.add('s', 'SA', self.s, self.c + 1, 65535, 0, rtt // 2, ws)
        self.add('c', 'A', self.c + 1, self.s + 1, win, 0, rtt - rtt // 2)
        self.c += 1
        self.s += 1
        return self


def named_scenarios():
    out = []
    C = lambda name, **kw: out.append(Conv(name, **kw)) or out[-1]

    v = C('handshake data fin: completeness 31').handshake()
    v.add('c', 'PA', 1001, 5001, ln=100).add('s', 'A', 5001, 1101)
    v.add('s', 'PA', 5001, 1101, ln=50).add('c', 'A', 1101, 5051)
    v.add('c', 'FA', 1101, 5051).add('s', 'FA', 5051, 1102).add('c', 'A', 1102, 5052)

    v = C('handshake no data fin: 23').handshake()
    v.add('c', 'FA', 1001, 5001).add('s', 'FA', 5001, 1002).add('c', 'A', 1002, 5002)

    v = C('syn then rst-ack')
    v.add('c', 'S', 1000, 0, 65535).add('s', 'RA', 0, 1001, 0)

    v = C('syn then rst')
    v.add('c', 'S', 1000, 0, 65535).add('s', 'R', 0, 0, 0)

    v = C('syn only')
    v.add('c', 'S', 1000, 0, 65535)

    v = C('syn synack only')
    v.add('c', 'S', 1000, 0, 65535).add('s', 'SA', 5000, 1001, 65535)

    v = C('handshake data rst').handshake()
    v.add('c', 'PA', 1001, 5001, ln=10).add('s', 'RA', 5001, 1011, 0)

    v = C('midstream start: no syn')
    v.add('c', 'PA', 1001, 5001, ln=100).add('s', 'A', 5001, 1101).add('c', 'FA', 1101, 5001)

    v = C('tcp fast open syn with data')
    v.add('c', 'S', 1000, 0, 65535, ln=20).add('s', 'SA', 5000, 1021, 65535).add('c', 'A', 1021, 5001)

    v = C('plain retransmission after rto').handshake()
    v.add('c', 'PA', 1001, 5001, ln=100).add('c', 'PA', 1001, 5001, ln=100, dt=200000)

    v = C('retransmitted syn')
    v.add('c', 'S', 1000, 0, 65535).add('c', 'S', 1000, 0, 65535, dt=1000000)
    v.add('s', 'SA', 5000, 1001, 65535).add('c', 'A', 1001, 5001)

    v = C('retransmitted syn-ack').handshake()
    v.add('s', 'SA', 5000, 1001, 65535, dt=500000).add('c', 'A', 1001, 5001)

    v = C('retransmitted fin').handshake()
    v.add('c', 'FA', 1001, 5001).add('c', 'FA', 1001, 5001, dt=300000)

    v = C('reused ports: new syn with new isn').handshake()
    v.add('c', 'FA', 1001, 5001).add('s', 'FA', 5001, 1002).add('c', 'A', 1002, 5002)
    v.add('c', 'S', 9000, 0, 65535, dt=5000000).add('s', 'SA', 7000, 9001, 65535).add('c', 'A', 9001, 7001)
    v.add('c', 'PA', 9001, 7001, ln=10)

    v = C('syn-ack with a different isn')
    v.add('c', 'S', 1000, 0, 65535).add('s', 'SA', 5000, 1001, 65535).add('s', 'SA', 6000, 1001, 65535, dt=300000)
    v.add('c', 'A', 1001, 6001)

    v = C('out of order within 3 ms (no rtt)')
    v.add('c', 'PA', 1001, 5001, ln=100).add('c', 'PA', 1201, 5001, ln=100).add('c', 'PA', 1101, 5001, ln=100, dt=500)

    v = C('late fill of hole is a retransmission (no rtt)')
    v.add('c', 'PA', 1001, 5001, ln=100).add('c', 'PA', 1201, 5001, ln=100).add('c', 'PA', 1101, 5001, ln=100, dt=10000)

    v = C('reorder window is the handshake rtt').handshake(rtt=50000)
    v.add('c', 'PA', 1001, 5001, ln=100).add('c', 'PA', 1201, 5001, ln=100).add('c', 'PA', 1101, 5001, ln=100, dt=20000)

    v = C('reorder beyond the handshake rtt').handshake(rtt=50000)
    v.add('c', 'PA', 1001, 5001, ln=100).add('c', 'PA', 1201, 5001, ln=100).add('c', 'PA', 1101, 5001, ln=100, dt=60000)

    v = C('out of order ending at nextseq is a retransmission').handshake(rtt=50000)
    v.add('c', 'PA', 1001, 5001, ln=100).add('c', 'PA', 1101, 5001, ln=100).add('c', 'PA', 1101, 5001, ln=100, dt=500)

    v = C('fast retransmission after 3 dup acks').handshake()
    for i in range(4):
        v.add('c', 'PA', 1001 + 100 * i, 5001, ln=100, dt=100)
    v.add('s', 'A', 5001, 1101, dt=10000).add('s', 'A', 5001, 1101, dt=100).add('s', 'A', 5001, 1101, dt=100)
    v.add('s', 'A', 5001, 1101, dt=100).add('c', 'PA', 1101, 5001, ln=100, dt=1000)
    v.add('s', 'A', 5001, 1401, dt=10000)

    v = C('one dup ack is not enough for fast retransmission').handshake()
    for i in range(3):
        v.add('c', 'PA', 1001 + 100 * i, 5001, ln=100, dt=100)
    v.add('s', 'A', 5001, 1101, dt=10000).add('s', 'A', 5001, 1101, dt=100)
    v.add('c', 'PA', 1101, 5001, ln=100, dt=1000)

    v = C('fast retransmission too late (>20ms) is a retransmission').handshake()
    for i in range(4):
        v.add('c', 'PA', 1001 + 100 * i, 5001, ln=100, dt=100)
    v.add('s', 'A', 5001, 1101, dt=10000).add('s', 'A', 5001, 1101, dt=100).add('s', 'A', 5001, 1101, dt=100)
    v.add('c', 'PA', 1101, 5001, ln=100, dt=30000)

    v = C('spurious retransmission of acked data').handshake()
    v.add('c', 'PA', 1001, 5001, ln=100).add('s', 'A', 5001, 1101).add('c', 'PA', 1001, 5001, ln=100, dt=300000)

    v = C('lost segment and acked unseen segment').handshake()
    v.add('c', 'PA', 1001, 5001, ln=100).add('c', 'PA', 1201, 5001, ln=100).add('s', 'A', 5001, 1301)
    v.add('c', 'PA', 1301, 5001, ln=100).add('s', 'A', 5001, 1401)

    v = C('ack of data never seen').handshake()
    v.add('s', 'A', 5001, 3001).add('s', 'A', 5001, 4001).add('c', 'PA', 1001, 5001, ln=100)

    v = C('keep-alive and its ack').handshake()
    v.add('c', 'PA', 1001, 5001, ln=100).add('s', 'A', 5001, 1101)
    v.add('c', 'A', 1100, 5001, dt=45000000).add('s', 'A', 5001, 1101)
    v.add('c', 'A', 1100, 5001, ln=1, dt=45000000).add('s', 'A', 5001, 1101)

    v = C('keep-alive is not a retransmission').handshake()
    v.add('c', 'PA', 1001, 5001, ln=100).add('c', 'A', 1100, 5001, ln=1, dt=1000)

    v = C('zero window, probe, probe ack, window update').handshake()
    v.add('c', 'PA', 1001, 5001, ln=100).add('s', 'A', 5001, 1101, win=0)
    v.add('c', 'A', 1101, 5001, ln=1, dt=200000).add('s', 'A', 5001, 1101, win=0)
    v.add('c', 'A', 1101, 5001, ln=1, dt=400000).add('s', 'A', 5001, 1102, win=0)
    v.add('s', 'A', 5001, 1102, win=4096, dt=100000).add('c', 'PA', 1102, 5001, ln=100)

    v = C('window update').handshake()
    v.add('c', 'PA', 1001, 5001, ln=100).add('s', 'A', 5001, 1101, win=1000)
    v.add('s', 'A', 5001, 1101, win=9000).add('s', 'A', 5001, 1101, win=9000)

    v = C('window full, unscaled').handshake(win=200)
    v.add('s', 'A', 5001, 1001, win=300)
    v.add('c', 'PA', 1001, 5001, ln=100).add('c', 'PA', 1101, 5001, ln=200).add('s', 'A', 5001, 1301, win=0)

    v = C('window full, scaled (first ack unscaled)').handshake(ws=2, win=50)
    v.add('c', 'PA', 1001, 5001, ln=100, dt=100).add('s', 'A', 5001, 1001, win=100)
    v.add('c', 'PA', 1101, 5001, ln=300, dt=100)

    v = C('window full right after syn-ack (syn window unscaled)')
    v.add('c', 'S', 1000, 0, 65535, ws=3).add('s', 'SA', 5000, 1001, 1000, ws=3)
    v.add('c', 'PA', 1001, 5001, 512, ln=1000)

    v = C('duplicate acks counted, frame of first ack').handshake()
    v.add('c', 'PA', 1001, 5001, ln=100).add('s', 'A', 5001, 1101).add('s', 'A', 5001, 1101)
    v.add('s', 'A', 5001, 1101).add('s', 'A', 5001, 1101).add('s', 'A', 5001, 1101, win=100)

    v = C('wrap at 2^32', cisn=0xFFFFFF00, sisn=0xFFFFFFF0).handshake()
    c0 = 0xFFFFFF01
    v.add('c', 'PA', c0, 0xFFFFFFF1, ln=200).add('c', 'PA', c0 + 200, 0xFFFFFFF1, ln=200)
    v.add('s', 'PA', 0xFFFFFFF1, c0 + 400, ln=100).add('c', 'A', c0 + 400, 0xFFFFFFF1 + 100)
    v.add('c', 'PA', c0 + 200, 0xFFFFFFF1 + 100, ln=200, dt=300000)
    v.add('c', 'PA', c0 + 600, 0xFFFFFFF1 + 100, ln=100)
    v.add('c', 'PA', c0 + 400, 0xFFFFFFF1 + 100, ln=100, dt=300000)

    v = C('ack of a retransmitted segment names the original frame').handshake()
    v.add('c', 'PA', 1001, 5001, ln=100).add('c', 'PA', 1001, 5001, ln=100, dt=300000).add('s', 'A', 5001, 1101)

    v = C('clock going backwards in the handshake: any reorder counts as out-of-order')
    v.add('c', 'S', 1000, 0, 65535, 0, 1000).add('s', 'SA', 5000, 1001, 65535, 0, 500).add('c', 'A', 1001, 5001, dt=-900)
    v.add('c', 'PA', 1001, 5001, ln=100, dt=2000).add('c', 'PA', 1201, 5001, ln=100).add('c', 'PA', 1101, 5001, ln=100, dt=500000)

    v = C('segment stamped before the highest one is not out-of-order')
    v.add('c', 'PA', 1001, 5001, ln=100).add('c', 'PA', 1201, 5001, ln=100).add('c', 'PA', 1101, 5001, ln=100, dt=-500)

    v = C('rst does not count as lost segment').handshake()
    v.add('c', 'PA', 1001, 5001, ln=100).add('c', 'RA', 5000, 5001, 0)
    return out


def random_scenario(rng, idx):
    cisn = rng.choice([1000, rng.randrange(1 << 32), 0xFFFFFFFF - rng.randrange(3000)])
    sisn = rng.choice([5000, rng.randrange(1 << 32), 0xFFFFFFFF - rng.randrange(3000)])
    v = Conv('random %d' % idx, cisn, sisn)
    mss = rng.choice([1, 10, 100])
    shift = {'c': 0, 's': 0}
    if rng.random() < 0.8:
        ws = rng.choice([None, 0, 2, 7]) if rng.random() < 0.7 else None
        ws2 = ws if rng.random() < 0.8 else rng.choice([None, 3])
        v.add('c', 'S', v.c, 0, 65535, 0, 1000, ws)
        if rng.random() < 0.9:
            v.add('s', 'SA', v.s, v.c + 1, 65535, 0, rng.choice([200, 2000, 40000]), ws2)
            if ws is not None and ws2 is not None:
                shift = {'c': ws, 's': ws2}
        v.c += 1
        v.s += 1
        v.add('c', 'A', v.c, v.s, rng.choice([8192, 100, 50]), 0, rng.choice([200, 2000, 40000]))
    sent = {'c': v.c, 's': v.s}   # highest next seq each side sent
    acked = {'c': v.s, 's': v.c}  # what each side acknowledges
    wins = {'c': 8192, 's': 8192}
    for _ in range(rng.randrange(5, 30)):
        d = rng.choice('cs')
        o = 's' if d == 'c' else 'c'
        dt = rng.choice([100, 500, 2000, 2900, 3100, 10000, 19000, 21000, 30000, 300000])
        r = rng.random()
        if rng.random() < 0.15:
            wins[d] = rng.choice([0, 1, 50, 100, 8192, 300])
        win = wins[d]
        if r < 0.30:      # new data
            ln = rng.choice([mss, mss, 2 * mss, 1])
            seq = sent[d]
            if rng.random() < 0.1:
                seq += mss            # a hole
            v.add(d, 'PA', seq, acked[d], win, ln, dt)
            sent[d] = (seq + ln) & 0xffffffff
        elif r < 0.40:    # old data again (or what the peer asks for)
            if rng.random() < 0.5:
                seq = acked[o]
            else:
                seq = sent[d] - rng.choice([mss, 2 * mss, 1])
            v.add(d, 'PA', seq, acked[d], win, rng.choice([mss, 1, 2 * mss]), dt)
        elif r < 0.45:    # fill the peer's window exactly
            edge = (acked[o] + (wins[o] << shift[o])) & 0xffffffff
            ln = (edge - sent[d]) & 0xffffffff
            if 0 < ln < 5000:
                v.add(d, 'PA', sent[d], acked[d], win, ln, dt)
                sent[d] = edge
        elif r < 0.68:    # an ack (new or the same again), sometimes a burst
            if rng.random() < 0.6:
                acked[d] = sent[o] if rng.random() < 0.7 else (sent[o] - rng.choice([mss, 1])) & 0xffffffff
            if rng.random() < 0.05:
                acked[d] = (acked[d] + 1000) & 0xffffffff
            for _ in range(rng.choice([1, 1, 1, 3])):
                v.add(d, 'A', sent[d], acked[d], win, 0, dt)
                dt = rng.choice([100, 1000])
        elif r < 0.76:    # keep-alive
            v.add(d, 'A', sent[d] - 1, acked[d], win, rng.choice([0, 1]), dt)
        elif r < 0.84:    # one byte (probe?)
            v.add(d, 'A', sent[d], acked[d], win, 1, dt)
            if rng.random() < 0.5:
                sent[d] = (sent[d] + 1) & 0xffffffff
        elif r < 0.90:    # fin
            v.add(d, 'FA', sent[d], acked[d], win, 0, dt)
            sent[d] = (sent[d] + 1) & 0xffffffff
        elif r < 0.94:    # rst
            v.add(d, rng.choice(['R', 'RA']), sent[d], acked[d], 0, 0, dt)
        else:             # repeated syn / syn-ack
            if d == 'c':
                v.add('c', 'S', rng.choice([cisn, cisn + 7]), 0, 65535, 0, dt)
            else:
                v.add('s', 'SA', rng.choice([sisn, sisn + 7]), acked[d], 65535, 0, dt)
    return v


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out_path = os.path.join(here, '..', 'TSharkVectors.swift')
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    rng = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 20240601)
    convs = named_scenarios() + [random_scenario(rng, i) for i in range(count)]
    frames, owner = [], []
    base = 1_700_000_000 * 1_000_000
    for i, v in enumerate(convs):
        for j, seg in enumerate(v.segs):
            frames.append((base + i * 1000_000_000 + seg['t'], packet(seg, 20000 + i)))
            owner.append((i, j))
        # A sentinel that changes no completeness bit (PSH alone): tshark shows, on each
        # frame, the completeness from before that frame, so this one shows the final value.
        sentinel = dict(d='c', f='P', seq=0, ack=0, win=1, len=0, t=v.t + 1000)
        frames.append((base + i * 1000_000_000 + sentinel['t'], packet(sentinel, 20000 + i)))
        owner.append((i, len(v.segs)))
    pcap = '/tmp/tcpwatch-analysis-vectors.pcap'
    write_pcap(pcap, frames)
    one = tshark(pcap, False)
    exp = [[None] * len(v.segs) for v in convs]
    comps = [[None] * (len(v.segs) + 1) for v in convs]
    for n, p in enumerate(one):
        i, j = owner[n]
        tcp = p['_source']['layers']['tcp']
        comp = field(tcp.get('tcp.completeness'))
        if isinstance(comp, dict):
            comp = list(comp.values())[0]
        comps[i][j] = comp
        if j == len(convs[i].segs):
            continue
        a = tcp.get('tcp.analysis', {})
        if not isinstance(a, dict):
            a = {}
        ks = set(k[len('tcp.analysis.'):] for k in keys(a.get('tcp.analysis.flags', {}), []) if k.startswith('tcp.analysis.'))
        flags = [x for x in NAMES if x in ks]
        first = owner.index((i, 0)) + 1   # frame numbers are made relative to the scenario
        rel = lambda f: str(int(field(f)) - first + 1) if f is not None else '-'
        rtt = field(a.get('tcp.analysis.ack_rtt'))
        rtt_ns = '-' if rtt is None else str(round(float(rtt) * 1e9))
        exp[i][j] = [','.join(flags) or '-', field(a.get('tcp.analysis.duplicate_ack_num')) or '-',
                     rel(a.get('tcp.analysis.duplicate_ack_frame')), rel(a.get('tcp.analysis.acks_frame')), rtt_ns]
    lines = []
    for i, v in enumerate(convs):
        lines.append('# %s | completeness %s' % (v.name, comps[i][-1]))
        for j, s in enumerate(v.segs):
            # completeness after this segment = what tshark shows on the next frame, except
            # when the next frame starts a new conversation (reused ports).
            after = comps[i][j + 1]
            if j + 1 < len(v.segs) and 'reused_ports' in exp[i][j + 1][0] and v.segs[j + 1]['f'] == 'S':
                after = '-'
            lines.append('%s %s %d %d %d %d %d %s | %s %s' % (s['d'], s['f'], s['seq'], s['ack'], s['win'], s['len'], s['t'],
                                                           s['ws'] if s.get('ws') is not None else '-', ' '.join(exp[i][j]), after))
    ver = subprocess.run(['tshark', '--version'], capture_output=True, text=True).stdout.splitlines()[0]
    with open(out_path, 'w') as f:
        f.write('// Generated by Support/gen_tshark_vectors.py from %s; do not edit.\n' % ver)
        f.write('// Per scenario: "# name | completeness N" (the final value), then one line per segment:\n')
        f.write('// dir flags seq ack window len time_us wscale | flags dupAckNum dupAckFrame acksFrame ackRTTns completenessAfter\n')
        f.write('// (frame numbers count from 1 within the scenario; "-" is none).\n\n')
        f.write('let tsharkVectors = """\n')
        f.write('\n'.join(lines))
        f.write('\n"""\n')
    print('wrote %d scenarios, %d segments' % (len(convs), len(frames)))


if __name__ == '__main__':
    main()
