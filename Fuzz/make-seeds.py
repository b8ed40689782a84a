#!/usr/bin/env python3
"""Builds the fuzz targets' seed corpora from capture files (the repo's fixtures and,
when present, ../shared/corpus). Usage: make-seeds.py OUTDIR CAPTURE...

  OUTDIR/capture/  whole capture files of at most 64 KiB
  OUTDIR/decode/   single frames: a link-type selector byte (index into fuzzLinkTypes in
                   Fuzz/Common.swift), an original-length selector byte, the frame bytes
  OUTDIR/follow/   each capture's TCP and UDP segments as FuzzFollow.swift chunks
  OUTDIR/filter/   display filters: every filter of the tests (DisplayFilterTests, the
                   TcpwatchKit and CLI tests), the `-Y` examples of README.md and docs/,
                   and a few shapes the parser must survive (nesting, slices, sets)
"""
import glob, hashlib, os, re, shutil, struct, sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

MAX_CAPTURE = 64 << 10
MAX_FRAMES_PER_FILE = 24
MAX_FOLLOW = 64 << 10
# LINKTYPE -> index in fuzzLinkTypes: EN10MB NULL LOOP RAW IPV4 IPV6 LINUX_SLL LINUX_SLL2
SELECTOR = {1: 0, 0: 1, 108: 2, 101: 3, 228: 4, 229: 5, 113: 6, 276: 7}
UNKNOWN = 8


def frames_pcap(data):
    magic = struct.unpack('<I', data[:4])[0]
    formats = {0xA1B2C3D4: ('<', 16), 0xA1B23C4D: ('<', 16), 0xA1B2CD34: ('<', 24),
               0xD4C3B2A1: ('>', 16), 0x4D3CB2A1: ('>', 16), 0x34CDB2A1: ('>', 24)}
    if magic not in formats or len(data) < 24:
        return
    order, record = formats[magic]
    linktype = struct.unpack(order + 'I', data[20:24])[0] & 0x03FFFFFF
    off = 24
    while off + record <= len(data):
        caplen = struct.unpack(order + 'I', data[off + 8:off + 12])[0]
        off += record
        if caplen > len(data) - off:
            return
        yield linktype, data[off:off + caplen]
        off += caplen


def frames_pcapng(data):
    off, order, links = 0, '<', []
    while off + 12 <= len(data):
        btype = struct.unpack(order + 'I', data[off:off + 4])[0]
        if btype == 0x0A0D0D0A:
            order = '<' if data[off + 8:off + 12] == b'\x4d\x3c\x2b\x1a' else '>'
            links = []
        blen = struct.unpack(order + 'I', data[off + 4:off + 8])[0]
        if blen < 12 or off + blen > len(data):
            return
        body = data[off + 8:off + blen - 4]
        if btype == 1 and len(body) >= 2:
            links.append(struct.unpack(order + 'H', body[:2])[0])
        elif btype == 6 and len(body) >= 20:
            iface, caplen = struct.unpack(order + 'I', body[:4])[0], struct.unpack(order + 'I', body[12:16])[0]
            if iface < len(links):
                yield links[iface], body[20:20 + caplen]
        elif btype == 3 and len(body) >= 4 and links:
            yield links[0], body[4:]
        off += blen


def frames(data):
    if data[:4] == b'\x0a\x0d\x0d\x0a':
        return frames_pcapng(data)
    return frames_pcap(data)


def ip_offset(linktype, f):
    """Offset of the IP header in a frame, or None."""
    if linktype == 1:
        off, etype = 14, f[12:14]
        while etype in (b'\x81\x00', b'\x88\xa8') and len(f) >= off + 4:
            etype, off = f[off + 2:off + 4], off + 4
        return off if etype in (b'\x08\x00', b'\x86\xdd') else None
    if linktype in (0, 108):
        return 4
    if linktype in (101, 228, 229):
        return 0
    if linktype == 113:
        return 16
    if linktype == 276:
        return 20
    return None


def segments(linktype, f):
    """(ipv6, proto, src, dst, sport, dport, seq, ack, flags, window, options, payload)."""
    off = ip_offset(linktype, f)
    if off is None or len(f) < off + 20:
        return None
    v = f[off] >> 4
    if v == 4:
        ihl = (f[off] & 15) * 4
        proto, src, dst = f[off + 9], f[off + 12:off + 16], f[off + 16:off + 20]
        total = struct.unpack('>H', f[off + 2:off + 4])[0]
        end, t = min(len(f), off + total), off + ihl
    elif v == 6 and len(f) >= off + 40:
        proto, src, dst = f[off + 6], f[off + 8:off + 24], f[off + 24:off + 40]
        end, t = min(len(f), off + 40 + struct.unpack('>H', f[off + 4:off + 6])[0]), off + 40
    else:
        return None
    if proto == 6 and end >= t + 20:
        hl = (f[t + 12] >> 4) * 4
        if hl < 20 or t + hl > end:
            return None
        sport, dport, seq, ack = struct.unpack('>HHII', f[t:t + 12])
        return (v == 6, 6, src, dst, sport, dport, seq, ack, f[t + 13], f[t + 14:t + 16],
                f[t + 20:t + hl], f[t + hl:end])
    if proto == 17 and end >= t + 8:
        sport, dport = struct.unpack('>HH', f[t:t + 4])
        return (v == 6, 17, src, dst, sport, dport, 0, 0, 0, b'\0\0', b'', f[t + 8:end])
    return None


def follow_seed(linktype_frames):
    """Encodes a capture's segments as FuzzFollow chunks; endpoints become flows 0-3."""
    out, flows = bytearray(), {}
    for linktype, f in linktype_frames:
        s = segments(linktype, f)
        if s is None:
            continue
        ipv6, proto, src, dst, sport, dport, seq, ack, flags, window, options, payload = s
        a, b = (src, sport), (dst, dport)
        key = (min(a, b), max(a, b), proto)
        if key not in flows:
            flows[key] = (len(flows) % 4, a)
        flow, client = flows[key]
        control = (0 if a == client else 1) | flow << 1 | (16 if ipv6 else 0) | (32 if proto == 17 else 0)
        options = options[:40]
        chunk = bytes([flags, control]) + struct.pack('>II', seq, ack) + window
        chunk += bytes([len(options) // 4]) + struct.pack('>H', len(payload)) + b'\0' + options + payload
        if len(out) + len(chunk) > MAX_FOLLOW:
            break
        out += chunk
    return bytes(out)


def unescape_swift(text):
    """The value of a Swift string literal's body: enough escapes for the tests' filters."""
    return re.sub(r'\\(["\\nt])', lambda m: {'n': '\n', 't': '\t'}.get(m.group(1), m.group(1)), text)


# Shapes the grammar allows that the tests do not write out at length.
EXTRA_FILTERS = [
    '((((tcp.port == 80))))',
    '!!!!tcp',
    'not not not arp',
    'tcp.payload[0:4] == 47:45:54:20',
    'frame[-4:] contains 00',
    'eth.src[0:1,2-3,4:,:1,-1] == 02',
    'http.request.uri matches "^/[a-z]+$"',
    'dns.qry.name ~ "example"',
    'tcp.port in {1..1024, 8080, 0x1F90}',
    'ip.addr == 10.77.0.0/16 || ipv6.addr == fd77::/16',
    'frame.time_relative >= 0.000000001 && frame.time_delta < 1.5',
    'tcp.flags.syn == 1 and tcp.flags.ack == 0 or udp.length > 0xFFFF',
    'http.host == "a\\x41\\101\\u0041\\U00000041"',
    "tcp.payload contains 'a' || tcp.len == '\\x7f'",
]


def filters():
    """Display filters from the tests and docs."""
    found = []
    for path in glob.glob(os.path.join(ROOT, 'Tests', '*', '*.swift')):
        text = open(path, encoding='utf-8').read()
        if 'DisplayFilter' not in text and 'matching:' not in text and '"-Y"' not in text:
            continue
        found += re.findall(r'#"(.*?)"#', text)
        found += [unescape_swift(m) for m in re.findall(r'\("((?:[^"\\]|\\.)*)", \d+, \d+,', text)]
        found += [unescape_swift(m) for m in re.findall(r'matching: "((?:[^"\\]|\\.)*)"', text)]
        found += [unescape_swift(m) for m in re.findall(r'"-Y", "((?:[^"\\]|\\.)*)"', text)]
    for path in [os.path.join(ROOT, 'README.md')] + glob.glob(os.path.join(ROOT, 'docs', '*.md')):
        text = open(path, encoding='utf-8').read()
        found += re.findall(r"-Y +'([^']*)'", text) + re.findall(r'-Y +"([^"]*)"', text)
    # The reference table of issue 15 (Fixtures/filters/filters.txt): CAPTURE<TAB>FILTER.
    table = os.path.join(ROOT, 'Fixtures', 'filters', 'filters.txt')
    if os.path.exists(table):
        for line in open(table, encoding='utf-8'):
            parts = line.rstrip('\n').split('\t')
            if not line.startswith('#') and len(parts) >= 2:
                found.append(parts[1])
    return sorted(set(found + EXTRA_FILTERS))


def save(directory, data):
    name = hashlib.sha1(data).hexdigest()
    with open(os.path.join(directory, name), 'wb') as f:
        f.write(data)


def main():
    outdir, paths = sys.argv[1], sys.argv[2:]
    for sub in ('capture', 'decode', 'follow', 'filter'):
        shutil.rmtree(os.path.join(outdir, sub), ignore_errors=True)
        os.makedirs(os.path.join(outdir, sub))
    for path in paths:
        with open(path, 'rb') as f:
            data = f.read()
        if len(data) <= MAX_CAPTURE:
            save(os.path.join(outdir, 'capture'), data)
        try:
            fs = list(frames(data))
        except (struct.error, IndexError):
            continue
        for linktype, frame in fs[:MAX_FRAMES_PER_FILE]:
            save(os.path.join(outdir, 'decode'), bytes([SELECTOR.get(linktype, UNKNOWN), 0]) + frame)
        seed = follow_seed(fs)
        if seed:
            save(os.path.join(outdir, 'follow'), seed)
    for text in filters():
        save(os.path.join(outdir, 'filter'), text.encode('utf-8'))


main()
