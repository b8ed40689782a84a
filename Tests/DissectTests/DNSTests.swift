import Testing
@testable import Dissect

@Suite struct DNSTests {
    typealias V = TransportVectors

    /// A synthetic response built with Python and checked with tshark:
    /// `example.com: type MX, class IN, preference 10, mx mail.example.com`.
    static let mxFrame = V.bytes(hex: """
        00112233445566778899aabb08004500004e000100004011669c0a0000010a000002003514e9003a0000beef8180
        0001000100000000076578616d706c6503636f6d00000f0001c00c000f000100000e100009000a046d61696cc00c
        """)

    /// Renders a record the way tshark's tree line does (`name: type A, class IN, addr ...`).
    static func line(_ r: DNSRecord, _ b: ByteView) -> String {
        var s = "\(r.name.string(b)): type \(DNS.typeName(r.type) ?? "\(r.type)")"
        if r.type == DNSType.opt { return s }
        s += ", class \(DNS.className(r.recordClass) ?? "\(r.recordClass)")"
        if let a = r.ipv4Address(b) { s += ", addr \(a)" }
        if let a = r.ipv6Address(b) { s += ", addr \(a)" }
        if let n = r.domainName(b) {
            switch r.type {
            case DNSType.ns: s += ", ns \(n.string(b))"
            case DNSType.cname: s += ", cname \(n.string(b))"
            default: s += ", \(n.string(b))"
            }
        }
        if let mx = r.mx(b) { s += ", preference \(mx.preference), mx \(mx.exchange.string(b))" }
        if let soa = r.soa(b) { s += ", mname \(soa.mname.string(b))" }
        return s
    }

    static func decodeAll(_ b: ByteView, at offset: Int, overTCP: Bool = false)
        -> (dns: DNS, questions: [DNSQuestion], records: [DNSRecord], issue: DecodeIssue?) {
        let d = DNS.decode(b, at: offset, end: b.count, overTCP: overTCP)
        let dns = d.layer!
        var q = dns.questions(b)
        var questions: [DNSQuestion] = []
        while let x = q.next() { questions.append(x) }
        var r = dns.records(b)
        var records: [DNSRecord] = []
        while let x = r.next() { records.append(x) }
        return (dns, questions, records, d.issue ?? q.issue ?? r.issue)
    }

    // tshark -r tcpdump__dns_udp.pcap -Y frame.number==2 -O dns -V
    static let tcpdumpOrgLines = [
        "www.tcpdump.org: type A, class IN, addr 192.139.46.66",
        "www.tcpdump.org: type A, class IN, addr 198.199.88.104",
        "tcpdump.org: type NS, class IN, ns sns.cooperix.net",
        "tcpdump.org: type NS, class IN, ns nic.sandelman.ca",
        "nic.sandelman.ca: type A, class IN, addr 209.87.249.18",
        "nic.sandelman.ca: type AAAA, class IN, addr 2607:f0b0:f::babe:f00d",
        "sns.cooperix.net: type A, class IN, addr 97.107.133.15",
        "sns.cooperix.net: type AAAA, class IN, addr 2600:3c03::f03c:91ff:fe96:e8ef",
        "<Root>: type OPT",
    ]

    @Test func responseOverUDP() {
        V.with(V.dnsResponseUDP) { b in
            let d = DNS.decode(b, at: 42, end: b.count, overTCP: false)
            #expect(d.issue == nil)
            let dns = try! #require(d.layer)
            #expect(dns.offset == 42)
            #expect(dns.end == 266)
            #expect(dns.lengthPrefix == nil)
            #expect(dns.id == 0x5934)
            #expect(dns.flags == 0x8500)
            #expect(dns.isResponse)
            #expect(dns.opcode == 0)
            #expect(dns.responseCode == 0)
            #expect(!dns.isTruncated)
            #expect(dns.questionCount == 1)
            #expect(dns.answerCount == 2)
            #expect(dns.authorityCount == 2)
            #expect(dns.additionalCount == 5)

            let all = Self.decodeAll(b, at: 42)
            #expect(all.issue == nil)
            let q = try! #require(all.questions.first)
            #expect(all.questions.count == 1)
            #expect(q.name.string(b) == "www.tcpdump.org")
            #expect(q.name.displayLength == 15)   // [Name Length: 15]
            #expect(q.name.labelCount == 3)        // [Label Count: 3]
            #expect(q.name.wireLength == 17)
            #expect(q.name.offset == 54)
            #expect(q.name.nextOffset == 71)
            #expect(q.type == 1)
            #expect(q.questionClass == 1)
            #expect(q.range == 54..<75)

            #expect(all.records.map { Self.line($0, b) } == Self.tcpdumpOrgLines)
            #expect(all.records.map(\.section) == [.answer, .answer, .authority, .authority,
                                                  .additional, .additional, .additional, .additional, .additional])
            // dns.resp.ttl (tshark leaves out OPT's) and dns.resp.len
            #expect(all.records.dropLast().map(\.ttl) == [60, 60, 86400, 86400, 300, 300, 7200, 7200])
            #expect(all.records.map(\.rdata.count) == [4, 4, 18, 18, 4, 16, 4, 16, 0])
            let opt = all.records.last!
            #expect(opt.recordClass == 4096)  // UDP payload size
            #expect(opt.range.upperBound == 266)
            #expect(all.records.first!.name.nextOffset == all.records.first!.name.offset + 2) // a pointer
        }
    }

    @Test func queryOverUDP() {
        V.with(V.dnsQueryUDP) { b in
            let all = Self.decodeAll(b, at: 42)
            #expect(all.issue == nil)
            #expect(all.dns.id == 0x5934)
            #expect(all.dns.flags == 0x0120)
            #expect(!all.dns.isResponse)
            #expect(all.questions.map { $0.name.string(b) } == ["www.tcpdump.org"])
            #expect(all.records.map { Self.line($0, b) } == ["<Root>: type OPT"])
            #expect(all.records[0].name.isRoot)
            #expect(all.records[0].rdata.count == 12)
        }
    }

    // tshark -r tcpdump__dns_tcp.pcap -Y frame.number==4 / 6: dns.length 56 / 224.
    @Test func queryOverTCP() {
        V.with(V.dnsQueryTCP) { b in
            let d = DNS.decode(b, at: 54, end: b.count, overTCP: true)
            #expect(d.issue == nil)
            let dns = try! #require(d.layer)
            #expect(dns.lengthPrefix == 56)
            #expect(dns.offset == 56)
            #expect(dns.layerStart == 54)
            #expect(dns.end == 112)
            #expect(dns.id == 0x4319)
            let all = Self.decodeAll(b, at: 54, overTCP: true)
            #expect(all.issue == nil)
            #expect(all.questions.map { "\($0.name.string(b)) \($0.type) \($0.questionClass)" } == ["www.tcpdump.org 1 1"])
            #expect(all.records.map { Self.line($0, b) } == ["<Root>: type OPT"])
        }
    }

    @Test func responseOverTCP() {
        V.with(V.dnsResponseTCP) { b in
            let all = Self.decodeAll(b, at: 54, overTCP: true)
            #expect(all.issue == nil)
            #expect(all.dns.lengthPrefix == 224)
            #expect(all.dns.end == 54 + 2 + 224)
            var expected = Self.tcpdumpOrgLines
            expected.swapAt(2, 3)
            #expect(all.records.map { Self.line($0, b) } == expected)
        }
    }

    @Test func tcpPrefixBeyondCaptureAndTooSmall() {
        V.with(Array(V.dnsQueryTCP[..<80])) { b in
            let d = DNS.decode(b, at: 54, end: b.count, overTCP: true)
            #expect(d.issue == .truncated(.dns, needed: 58, available: 26))
            #expect(d.layer?.end == 80)
            #expect(d.layer?.id == 0x4319)
        }
        var small = V.dnsQueryTCP
        small[54] = 0; small[55] = 11
        V.with(small) { b in
            #expect(DNS.decode(b, at: 54, end: b.count, overTCP: true).issue == .malformed(.dns, .lengthFieldTooSmall(11)))
        }
        // The prefix declares less than the segment holds: the message ends where it says.
        var short = V.dnsQueryTCP
        short[55] = 33  // the question only
        V.with(short) { b in
            let all = Self.decodeAll(b, at: 54, overTCP: true)
            #expect(all.dns.end == 56 + 33)
            #expect(all.questions.count == 1)
            #expect(all.records.isEmpty)
            #expect(all.issue == .truncated(.dns, needed: 36, available: 35))
        }
    }

    // tshark -r dpkt__dns_icmp.pcap -Y frame.number==2
    @Test func ptrAnswer() {
        V.with(V.dnsPTR) { b in
            let all = Self.decodeAll(b, at: 42)
            #expect(all.issue == nil)
            #expect(all.dns.id == 0x528e)
            let q = all.questions[0]
            #expect(q.name.string(b) == "8.8.8.8.in-addr.arpa")
            #expect(q.name.displayLength == 20)
            #expect(q.name.labelCount == 6)
            #expect(q.type == DNSType.ptr)
            #expect(all.records.map { Self.line($0, b) } == [
                "8.8.8.8.in-addr.arpa: type PTR, class IN, google-public-dns-a.google.com",
            ])
            #expect(all.records[0].ttl == 44215)
            #expect(all.records[0].rdata.count == 32)
        }
    }

    // tshark -r dpkt__nb6-http.pcap -Y frame.number==2 (PPPoE: DNS at 50)
    @Test func cnameAndSOA() {
        V.with(V.dnsCNAMESOA) { b in
            let all = Self.decodeAll(b, at: 50)
            #expect(all.issue == nil)
            #expect(all.questions.map { $0.name.string(b) } == ["ncdn.nb6dsl.neufbox.neuf.fr"])
            #expect(all.questions[0].name.labelCount == 5)
            #expect(all.questions[0].name.displayLength == 27)
            #expect(all.records.map { Self.line($0, b) } == [
                "ncdn.nb6dsl.neufbox.neuf.fr: type CNAME, class IN, cname http.service-ncdn.sfr.net",
                "service-ncdn.sfr.net: type SOA, class IN, mname ns1.9services.com",
            ])
            #expect(all.records.map(\.ttl) == [47605, 2426])
            #expect(all.records.map(\.rdata.count) == [27, 47])
            let soa = try! #require(all.records[1].soa(b))
            #expect(soa.mname.string(b) == "ns1.9services.com")
            #expect(soa.rname.string(b) == "admin.9services.com")
            #expect(soa.serial == 2_011_051_006)
            #expect(soa.refresh == 43200)
            #expect(soa.retry == 3600)
            #expect(soa.expire == 604_800)
            #expect(soa.minimum == 3600)
            // Accessors for other types say no.
            #expect(all.records[1].domainName(b) == nil)
            #expect(all.records[0].soa(b) == nil)
            #expect(all.records[0].ipv4Address(b) == nil)
        }
    }

    // tshark -r tcpdump__dns-badcookie.pcap -Y frame.number==4 (loopback: DNS at 32)
    @Test func rootSOA() {
        V.with(V.dnsRootSOA) { b in
            let all = Self.decodeAll(b, at: 32)
            #expect(all.issue == nil)
            #expect(all.dns.flags == 0x81a0)
            let q = all.questions[0]
            #expect(q.name.string(b) == "<Root>")
            #expect(q.name.isRoot)
            #expect(q.name.displayLength == 6)
            #expect(all.records.map { Self.line($0, b) } == [
                "<Root>: type SOA, class IN, mname a.root-servers.net",
                "<Root>: type OPT",
            ])
            let soa = try! #require(all.records[0].soa(b))
            #expect(soa.rname.string(b) == "nstld.verisign-grs.com")
            #expect(soa.serial == 2_019_021_202)
            #expect(soa.refresh == 1800)
            #expect(soa.retry == 900)
            #expect(soa.expire == 604_800)
            #expect(soa.minimum == 86400)
            #expect(all.records[0].ttl == 85758)
        }
    }

    // tshark -r zeek__dns-txt-multiple.pcap -Y frame.number==2
    @Test func txtWithTwoStrings() {
        V.with(V.dnsTXT) { b in
            let all = Self.decodeAll(b, at: 42)
            #expect(all.issue == nil)
            #expect(all.records.count == 13)
            #expect(all.records.prefix(5).map { Self.line($0, b) } == [
                "flkr._domainkey.flickr.com: type CNAME, class IN, cname fa14._domainkey.flickr.com",
                "fa14._domainkey.flickr.com: type CNAME, class IN, cname fa14._domainkey.yahoo.com",
                "fa14._domainkey.yahoo.com: type TXT, class IN",
                "_domainkey.yahoo.com: type NS, class IN, ns ns5.yahoo.com",
                "_domainkey.yahoo.com: type NS, class IN, ns ns4.yahoo.com",
            ])
            #expect(Self.line(all.records[12], b) == "ns5.yahoo.com: type A, class IN, addr 119.160.247.124")
            #expect(all.records.map(\.ttl) == [900, 900, 7200, 172800, 172800, 172800, 172800, 172800,
                                              1_209_600, 1_209_600, 1_209_600, 1_209_600, 1_209_600])
            #expect(all.records.map(\.rdata.count) == [7, 24, 227, 6, 6, 6, 6, 6, 4, 4, 4, 4, 4])
            var strings = try! #require(all.records[2].txtStrings(b))
            var texts: [String] = []
            while let r = strings.next() { texts.append(V.string(b, r)) }
            #expect(strings.issue == nil)
            #expect(texts.map(\.count) == [127, 98])
            #expect(texts[0].hasPrefix("k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDPdPfyJM2R2GqMyZM1flTzFeDIU+e7Km"))
            #expect(texts[1] == "HSrDI23PU+HOuqJ6ergE1IOsL6LOEgG6YT53vMb8Z6UiBSsYPlrDEC+8CUIkTLMLXJauRK5bNRKV1ATGzGFpf3TjZtWwIDAQAB")
            #expect(all.records[0].txtStrings(b) == nil)
        }
    }

    @Test func mxAnswer() {
        V.with(Self.mxFrame) { b in
            let all = Self.decodeAll(b, at: 42)
            #expect(all.issue == nil)
            #expect(all.records.map { Self.line($0, b) } == [
                "example.com: type MX, class IN, preference 10, mx mail.example.com",
            ])
            let mx = try! #require(all.records[0].mx(b))
            #expect(mx.preference == 10)
            #expect(mx.exchange.labelCount == 3)
            #expect(mx.exchange.nextOffset == all.records[0].rdata.upperBound)
            #expect(all.records[0].ttl == 3600)
        }
    }

    // MARK: - Names

    /// A message at offset 4 of a frame (four junk bytes first) with the given body after
    /// a header with `counts` (qd, an, ns, ar).
    static func message(_ body: [UInt8], counts: (UInt16, UInt16, UInt16, UInt16) = (1, 0, 0, 0)) -> [UInt8] {
        func be(_ v: UInt16) -> [UInt8] { [UInt8(v >> 8), UInt8(v & 0xff)] }
        return [0xde, 0xad, 0xbe, 0xef] + [0x12, 0x34, 0x81, 0x80] + be(counts.0) + be(counts.1) + be(counts.2) + be(counts.3) + body
    }

    static func name(in frame: [UInt8], at offset: Int) -> DNSName {
        V.with(frame) { b in
            let dns = DNS.decode(b, at: 4, end: b.count, overTCP: false).layer!
            return dns.name(b, at: offset)
        }
    }

    @Test func selfPointerIsALoop() {
        let f = Self.message([0xc0, 0x0c, 0, 1, 0, 1])
        let n = Self.name(in: f, at: 16)
        #expect(n.issue == .malformed(.dns, .dnsNameLoop))
        #expect(n.nextOffset == 18)   // the question's fields can still be found
        V.with(f) { b in
            let all = Self.decodeAll(b, at: 4)
            #expect(all.questions.count == 1)
            #expect(all.questions[0].type == 1)
            #expect(all.issue == .malformed(.dns, .dnsNameLoop))
            #expect(all.questions[0].name.string(b) == "")
        }
    }

    @Test func twoPointersPointingAtEachOtherAreALoop() {
        // at 12 (message offset): C0 0E -> 14; at 14: C0 0C -> 12. Reading from 14.
        let f = Self.message([0xc0, 0x0e, 0xc0, 0x0c])
        let n = Self.name(in: f, at: 4 + 14)
        #expect(n.issue == .malformed(.dns, .dnsNameLoop))
        // A label then a pointer back to that label is a loop too.
        let g = Self.message([0x01, 0x61, 0xc0, 0x0c])
        #expect(Self.name(in: g, at: 16).issue == .malformed(.dns, .dnsNameLoop))
        // And a pointer into a name that leads back to the pointer.
        let h = Self.message([0x01, 0x61, 0xc0, 0x10, 0x01, 0x62, 0xc0, 0x0c])
        #expect(Self.name(in: h, at: 4 + 16).issue == .malformed(.dns, .dnsNameLoop))
    }

    @Test func forwardPointer() {
        let f = Self.message([0xc0, 0x12, 0, 1, 0, 1, 0x01, 0x61, 0x00])
        let n = Self.name(in: f, at: 16)
        #expect(n.issue == .malformed(.dns, .dnsForwardPointer(0x12)))
    }

    @Test func pointerChainBackwards() {
        // "a" at 12, "b" + ptr(12) at 15, "c" + ptr(15) at 19: reading at 19 gives c.b.a.
        let f = Self.message([0x01, 0x61, 0x00, 0x01, 0x62, 0xc0, 0x0c, 0x01, 0x63, 0xc0, 0x0f])
        let n = Self.name(in: f, at: 4 + 19)
        #expect(n.issue == nil)
        #expect(n.labelCount == 3)
        #expect(n.wireLength == 7)
        #expect(n.nextOffset == 4 + 23)
        V.with(f) { b in #expect(n.string(b) == "c.b.a") }
    }

    @Test func nameLongerThan255() {
        let label: [UInt8] = [63] + Array(repeating: 0x61, count: 63)
        // Four 63-byte labels: 4 * 64 + 1 = 257 bytes on the wire.
        let f = Self.message(label + label + label + label + [0, 0, 1, 0, 1])
        let n = Self.name(in: f, at: 16)
        #expect(n.issue == .malformed(.dns, .dnsNameTooLong))
        // Exactly 255: three 63-byte labels, one of 61, terminator.
        let ok = Self.message(label + label + label + [61] + Array(repeating: 0x62, count: 61) + [0, 0, 1, 0, 1])
        let m = Self.name(in: ok, at: 16)
        #expect(m.issue == nil)
        #expect(m.wireLength == 255)
        // Made long through pointers: each name adds a label and points to the previous one.
        var body: [UInt8] = label + [0]
        var previous = 12
        for _ in 0..<4 {
            let here = 12 + body.count
            body += label + [0xc0, UInt8(previous)]
            previous = here
        }
        let p = Self.name(in: Self.message(body), at: 4 + previous)
        #expect(p.issue == .malformed(.dns, .dnsNameTooLong))
    }

    @Test func extendedLabelTypes() {
        let f = Self.message([0x41, 0x00, 0x00])
        #expect(Self.name(in: f, at: 16).issue == .malformed(.dns, .dnsLabelType(0x41)))
        let g = Self.message([0x80, 0x00, 0x00])
        #expect(Self.name(in: g, at: 16).issue == .malformed(.dns, .dnsLabelType(0x80)))
    }

    /// Wireshark 4.0.17 (`tshark -T fields -e dns.qry.name`) on query names with these labels.
    static let escapes: [([UInt8], String)] = [
        ([0x61, 0x01, 0x7f, 0xff, 0x20, 0x2e], "a\\001\\177\u{FFFD} ."),
        ([0x62, 0x5c, 0x63], "b\\c"),
        ([0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1b, 0x22], "\\a\\b\\t\\n\\v\\f\\r\\033\""),
        ([0xc3, 0xa9, 0x78, 0xc3], "éx\u{FFFD}"),
        ([0xe2, 0x82, 0xac, 0xe2, 0x82, 0x41], "€\u{FFFD}A"),
        ([0xed, 0xa0, 0x80, 0xc0, 0x80], "\u{FFFD}\\u0000"),
        ([0xf0, 0x9f, 0x98, 0x80, 0x80, 0x80, 0x7a], "😀\u{FFFD}\u{FFFD}z"),
        ([0xf4, 0x90, 0x80, 0x80, 0xc2, 0x85], "\u{FFFD}\\u0085"),
    ]

    @Test(arguments: escapes)
    func binaryLabelsEscapedLikeWireshark(label: [UInt8], expected: String) {
        let f = Self.message([UInt8(label.count)] + label + [3, 0x63, 0x6f, 0x6d, 0, 0, 1, 0, 1])
        let n = Self.name(in: f, at: 16)
        #expect(n.issue == nil)
        #expect(n.labelCount == 2)
        #expect(n.displayLength == label.count + 4)
        V.with(f) { b in
            #expect(n.string(b) == expected + ".com")
            // The sink sees the same bytes, one at a time, without a String in between.
            var count = 0
            n.write(b) { _ in count += 1 }
            #expect(count == (expected + ".com").utf8.count)
        }
    }

    // MARK: - Lying counts and truncation

    @Test func countsLargerThanTheData() {
        var f = V.dnsPTR
        f[42 + 7] = 9  // ancount 1 -> 9
        V.with(f) { b in
            let all = Self.decodeAll(b, at: 42)
            #expect(all.records.count == 1)
            #expect(all.issue == .truncated(.dns, needed: b.count - 42 + 1, available: b.count - 42))
        }
        var g = V.dnsPTR
        g[42 + 4] = 0xff; g[42 + 5] = 0xff  // qdcount 65535
        V.with(g) { b in
            let all = Self.decodeAll(b, at: 42)
            #expect(all.questions.count == 3)  // the question, then the answer read as two more
            #expect(all.records.isEmpty)
            if case .truncated(let needed, let available)? = all.issue?.kind {
                #expect(available == b.count - 42)
                #expect(needed > available)
            } else {
                Issue.record("expected truncation, got \(String(describing: all.issue))")
            }
        }
        // All counts at 65535 and nothing after the header.
        let h = Self.message([], counts: (0xffff, 0xffff, 0xffff, 0xffff))
        V.with(h) { b in
            let all = Self.decodeAll(b, at: 4)
            #expect(all.questions.isEmpty && all.records.isEmpty)
            #expect(all.issue == .truncated(.dns, needed: 13, available: 12))
        }
    }

    @Test func headerTruncation() {
        V.with(V.dnsQueryUDP) { b in
            #expect(DNS.decode(b, at: 42, end: 53, overTCP: false).issue == .truncated(.dns, needed: 12, available: 11))
            #expect(DNS.decode(b, at: 42, end: 54, overTCP: false).issue == nil)
            #expect(DNS.decode(b, at: 42, end: 40, overTCP: false).issue == .truncated(.dns, needed: 12, available: 0))
        }
    }

    @Test(arguments: [
        (TransportVectors.dnsResponseUDP, 42),
        (TransportVectors.dnsTXT, 42),
        (TransportVectors.dnsCNAMESOA, 50),
        (TransportVectors.dnsRootSOA, 32),
        (DNSTests.mxFrame, 42),
    ])
    func truncatedAtEveryByteOverUDP(frame: [UInt8], offset: Int) {
        V.with(frame) { full in
            let complete = Self.decodeAll(full, at: offset)
            #expect(complete.issue == nil)
            for cut in 0...frame.count {
                let d = DNS.decode(full, at: offset, end: cut, overTCP: false)
                let available = max(cut - offset, 0)
                guard available >= 12 else {
                    #expect(d.layer == nil)
                    #expect(d.issue == .truncated(.dns, needed: 12, available: available))
                    continue
                }
                #expect(d.issue == nil)
                let dns = try! #require(d.layer)
                #expect(dns.end == cut)
                var q = dns.questions(full)
                var questions = 0
                while q.next() != nil { questions += 1 }
                var r = dns.records(full)
                var records: [DNSRecord] = []
                while let x = r.next() {
                    records.append(x)
                    // Typed readers never trap on a cut message either.
                    _ = Self.line(x, full)
                    if var t = x.txtStrings(full) { while t.next() != nil {} }
                }
                let issue = q.issue ?? r.issue
                if cut == frame.count {
                    #expect(issue == nil)
                } else if case .truncated(let needed, let avail)? = issue?.kind {
                    #expect(avail == available)
                    #expect(needed > avail)
                    #expect(questions + records.count < complete.questions.count + complete.records.count)
                } else {
                    Issue.record("cut at \(cut): expected truncation, got \(String(describing: issue))")
                }
                // What was read matches the full message.
                for (i, rec) in records.enumerated() {
                    #expect(rec.range == complete.records[i].range)
                }
            }
        }
    }

    @Test func truncatedAtEveryByteOverTCP() {
        V.with(V.dnsResponseTCP) { full in
            for cut in 0...full.count {
                let d = DNS.decode(full, at: 54, end: cut, overTCP: true)
                let available = max(cut - 54, 0)
                if available < 14 {
                    #expect(d.layer == nil)
                    #expect(d.issue == .truncated(.dns, needed: 14, available: available))
                } else if available < 226 {
                    #expect(d.layer?.id == 0x4319)
                    #expect(d.issue == .truncated(.dns, needed: 226, available: available))
                    var r = d.layer!.records(full)
                    while r.next() != nil {}
                    if case .truncated(let needed, let avail)? = r.issue?.kind {
                        #expect(avail == available && needed > avail)
                    } else {
                        Issue.record("cut at \(cut): \(String(describing: r.issue))")
                    }
                } else {
                    #expect(d.issue == nil)
                }
            }
        }
    }

    @Test func garbageNeverTraps() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<3000 {
            let n = Int.random(in: 0..<120, using: &rng)
            // Bias towards pointer and small-length bytes.
            let bytes = (0..<n).map { _ -> UInt8 in
                switch Int.random(in: 0..<4, using: &rng) {
                case 0: 0xc0
                case 1: UInt8.random(in: 0...16, using: &rng)
                default: UInt8.random(in: 0...255, using: &rng)
                }
            }
            V.with(bytes) { b in
                for overTCP in [false, true] {
                    guard let dns = DNS.decode(b, at: 0, end: b.count, overTCP: overTCP).layer else { continue }
                    var q = dns.questions(b)
                    while let x = q.next() { _ = x.name.string(b) }
                    var r = dns.records(b)
                    var count = 0
                    while let x = r.next() {
                        _ = Self.line(x, b)
                        if var t = x.txtStrings(b) { while t.next() != nil {} }
                        count += 1
                    }
                    #expect(count <= b.count)
                }
            }
        }
    }

    @Test func typeNames() {
        #expect(DNS.typeName(1) == "A")
        #expect(DNS.typeName(28) == "AAAA")
        #expect(DNS.typeName(5) == "CNAME")
        #expect(DNS.typeName(15) == "MX")
        #expect(DNS.typeName(16) == "TXT")
        #expect(DNS.typeName(6) == "SOA")
        #expect(DNS.typeName(12) == "PTR")
        #expect(DNS.typeName(41) == "OPT")
        #expect(DNS.typeName(65) == "HTTPS")
        #expect(DNS.typeName(255) == "ANY")
        #expect(DNS.typeName(54) == nil)
        #expect(DNS.className(0x8001) == "IN")
    }
}
