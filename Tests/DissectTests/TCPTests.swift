import Testing
@testable import Dissect

@Suite struct TCPTests {
    typealias V = TransportVectors

    /// Ethernet + 20-byte IPv4 header.
    static let tcpOffset = 34

    /// A 20-byte header at offset 0 followed by `options` (padded with EOL to a multiple of 4).
    static func header(flags: UInt16 = 0x010, dataOffset: Int? = nil, options: [UInt8] = []) -> [UInt8] {
        var opts = options
        while opts.count % 4 != 0 { opts.append(0) }
        let words = UInt16(dataOffset ?? (5 + opts.count / 4))
        let word = words << 12 | flags
        return [0x30, 0x39, 0x00, 0x50,  0, 0, 0, 1,  0, 0, 0, 2,
                UInt8(word >> 8), UInt8(word & 0xff), 0x01, 0x00,  0xab, 0xcd, 0x00, 0x07] + opts
    }

    // tshark -r tcpdump__dns_tcp.pcap -Y frame.number==1 -V
    @Test func synWithEveryCommonOption() {
        V.with(V.tcpSYN) { b in
            let d = TCP.decode(b, at: Self.tcpOffset, end: b.count, ipPayloadLength: 0x3c - 20)
            #expect(d.issue == nil)
            let t = try! #require(d.layer)
            #expect(t.offset == 34)
            #expect(t.sourcePort == 33779)
            #expect(t.destinationPort == 53)
            #expect(t.sequenceNumber == 603_899_916)
            #expect(t.acknowledgmentNumber == 0)
            #expect(t.headerLength == 40)
            #expect(t.flags == .syn)
            #expect(t.flags.rawValue == 0x002)
            #expect(t.window == 64240)
            #expect(t.checksum == 0x0c41)
            #expect(t.urgentPointer == 0)
            #expect(t.options.mss == 1460)
            #expect(t.options.sackPermitted)
            #expect(t.options.timestampValue == 2_044_906_138)
            #expect(t.options.timestampEcho == 0)
            #expect(t.options.windowScale == 7)
            #expect(t.options.sackBlocks.count == 0)
            #expect(t.segmentLength == 0)
            #expect(t.payload == 74..<74)
            #expect(t.optionsRange == 54..<74)

            var it = t.optionIterator(b, end: b.count)
            var seen: [(UInt8, Range<Int>)] = []
            while let o = it.next() { seen.append((o.kind, o.range)) }
            #expect(seen.map(\.0) == [2, 4, 8, 1, 3])
            #expect(seen.map(\.1) == [54..<58, 58..<60, 60..<70, 70..<71, 71..<74])
            #expect(it.issue == nil)
        }
    }

    // tshark -r dpkt__http.pcap -Y frame.number==4: Len=479, PSH+ACK, no options.
    @Test func dataSegment() {
        V.with(V.httpRequest) { b in
            let d = TCP.decode(b, at: 34, end: b.count, ipPayloadLength: 0x207 - 20)
            #expect(d.issue == nil)
            let t = try! #require(d.layer)
            #expect(t.sourcePort == 3372)
            #expect(t.destinationPort == 80)
            #expect(t.sequenceNumber == 0x38af_fe14)
            #expect(t.acknowledgmentNumber == 0x114c_618c)
            #expect(t.headerLength == 20)
            #expect(t.flags == [.psh, .ack])
            #expect(t.window == 9660)
            #expect(t.checksum == 0xa958)
            #expect(t.options == TCPOptions())
            #expect(t.segmentLength == 479)
            #expect(t.payload == 54..<533)
        }
    }

    // tshark -r tcpdump__ssh.pcap -Y frame.number==48: NOPs then SACK SLE=5282 SRE=5283 (relative).
    @Test func sackBlock() {
        V.with(V.tcpSACK) { b in
            let d = TCP.decode(b, at: 34, end: b.count, ipPayloadLength: 0x40 - 20)
            #expect(d.issue == nil)
            let t = try! #require(d.layer)
            #expect(t.sourcePort == 22)
            #expect(t.destinationPort == 62146)
            #expect(t.sequenceNumber == 2_455_222_326)
            #expect(t.acknowledgmentNumber == 4_082_238_874)
            #expect(t.headerLength == 44)
            #expect(t.flags == .ack)
            #expect(t.window == 340)
            #expect(t.checksum == 0xe1f3)
            #expect(t.options.sackBlocks.count == 1)
            #expect(t.options.sackBlocks[0] == (4_082_238_970, 4_082_238_971))
            // Relative to the raw ack (5186), as tshark shows them.
            #expect(t.options.sackBlocks[0].left &- t.acknowledgmentNumber &+ 5186 == 5282)
            var it = t.optionIterator(b, end: b.count)
            var kinds: [UInt8] = []
            while let o = it.next() { kinds.append(o.kind) }
            #expect(kinds == Array(repeating: 1, count: 14) + [5])
        }
    }

    @Test func sackWithFourBlocks() {
        var opts: [UInt8] = [1, 1, 5, 34]
        for i in 0..<8 { opts += [0, 0, 0, UInt8(i + 1)] }
        let h = Self.header(options: opts)
        V.with(h) { b in
            let t = try! #require(TCP.decode(b, at: 0, end: b.count, ipPayloadLength: h.count).layer)
            #expect(t.headerLength == 56)
            #expect(t.options.sackBlocks.count == 4)
            #expect(t.options.sackBlocks[3] == (7, 8))
        }
    }

    // tshark: TFO experimental option kind 254 (length 4), skipped by length.
    @Test func experimentalOptionSkippedByLength() {
        V.with(V.tcpTFO) { b in
            let d = TCP.decode(b, at: 34, end: b.count, ipPayloadLength: 0x2c - 20)
            #expect(d.issue == nil)
            let t = try! #require(d.layer)
            #expect(t.headerLength == 24)
            #expect(t.flags == .syn)
            #expect(t.options == TCPOptions())
            var it = t.optionIterator(b, end: b.count)
            let o = it.next()
            #expect(o?.kind == 254 && o?.range == 54..<58)
            #expect(it.next() == nil)
        }
    }

    // tshark: option kinds 2,4,8,1,3,30 (MP_CAPABLE, length 4) on a Linux cooked capture.
    @Test func mptcpOptionSkippedByLength() {
        V.with(V.tcpMPTCP) { b in
            let d = TCP.decode(b, at: 36, end: b.count, ipPayloadLength: 0x40 - 20)
            #expect(d.issue == nil)
            let t = try! #require(d.layer)
            #expect(t.sourcePort == 33306)
            #expect(t.destinationPort == 10004)
            #expect(t.headerLength == 44)
            #expect(t.options.mss == 1460)
            #expect(t.options.windowScale == 8)
            #expect(t.options.timestampValue == 464_494_241)
            var it = t.optionIterator(b, end: b.count)
            var seen: [(UInt8, Int)] = []
            while let o = it.next() { seen.append((o.kind, o.range.count)) }
            #expect(seen.map(\.0) == [2, 4, 8, 1, 3, 30])
            #expect(seen.map(\.1) == [4, 2, 10, 1, 3, 4])
        }
    }

    @Test func otherOptionsSkippedByLength() {
        // MD5 (19, 18 bytes), UTO (28, 4), TFO (34, 10), experimental 253 (4), then MSS.
        let md5: [UInt8] = [19, 18] + Array(repeating: 0xaa, count: 16)
        let opts = md5 + [28, 4, 0x80, 0x10] + [34, 10, 1, 2, 3, 4, 5, 6, 7, 8] + [253, 4, 0xf9, 0x89] + [2, 4, 0x05, 0xb4]
        let h = Self.header(options: opts)
        V.with(h) { b in
            let d = TCP.decode(b, at: 0, end: b.count, ipPayloadLength: h.count)
            #expect(d.issue == nil)
            let t = try! #require(d.layer)
            #expect(t.options.mss == 1460)
            var it = t.optionIterator(b, end: b.count)
            var kinds: [UInt8] = []
            while let o = it.next() { kinds.append(o.kind) }
            #expect(kinds == [19, 28, 34, 253, 2])
        }
    }

    @Test func endOfListStopsParsing() {
        // EOL then bytes that would be an MSS option: ignored, as Wireshark does.
        let h = Self.header(options: [1, 0, 2, 4, 0x05, 0xb4, 0, 0])
        V.with(h) { b in
            let d = TCP.decode(b, at: 0, end: b.count, ipPayloadLength: h.count)
            #expect(d.issue == nil)
            #expect(d.layer?.options.mss == nil)
            var it = d.layer!.optionIterator(b, end: b.count)
            #expect(it.next()?.kind == 1)
            #expect(it.next()?.kind == 0)
            #expect(it.next() == nil)
        }
    }

    // tshark -r tcpdump__tcp_eight_lowest_weight_flags_set.pcap: flags 0x0ff.
    @Test func allEightLowFlags() {
        V.with(V.tcpAllFlags) { b in
            let t = try! #require(TCP.decode(b, at: 34, end: b.count, ipPayloadLength: 20).layer)
            #expect(t.flags.rawValue == 0x0ff)
            #expect(t.flags == [.fin, .syn, .rst, .psh, .ack, .urg, .ece, .cwr])
            #expect(!t.flags.contains(.ae))
            #expect(t.urgentPointer == 0)
            #expect(t.payload.isEmpty)
        }
    }

    static let flagCases: [(UInt16, TCPFlags)] = [
        (0x029, [.fin, .psh, .urg]), // Xmas
        (0x000, []),                 // NULL
        (0x003, [.syn, .fin]),
        (0x006, [.syn, .rst]),
        (0x100, .ae),
        (0xE00, .reserved),
        (0xFFF, TCPFlags(rawValue: 0xFFF)),
    ]

    @Test(arguments: flagCases)
    func flagCombinations(raw: UInt16, expected: TCPFlags) {
        let h = Self.header(flags: raw)
        V.with(h) { b in
            let d = TCP.decode(b, at: 0, end: b.count, ipPayloadLength: 20)
            #expect(d.issue == nil)
            #expect(d.layer?.flags == expected)
            #expect(d.layer?.flags.rawValue == raw)
        }
    }

    @Test(arguments: [0, 1, 4])
    func dataOffsetTooSmall(words: Int) {
        let h = Self.header(dataOffset: words) + [1, 2, 3, 4]
        V.with(h) { b in
            let d = TCP.decode(b, at: 0, end: b.count, ipPayloadLength: h.count)
            #expect(d.issue == .malformed(.tcp, .headerLengthTooSmall(words * 4)))
            let t = try! #require(d.layer)
            #expect(t.sourcePort == 12345)
            #expect(t.destinationPort == 80)
            #expect(t.headerLength == words * 4)
            #expect(t.payload.isEmpty)
            #expect(t.options == TCPOptions())
        }
    }

    @Test(arguments: [0, 1])
    func optionLengthBelowTwo(length: UInt8) {
        let h = Self.header(options: [2, 4, 0x05, 0xb4, 8, length, 0, 0])
        V.with(h) { b in
            let d = TCP.decode(b, at: 0, end: b.count, ipPayloadLength: h.count)
            #expect(d.issue == .malformed(.tcp, .optionLength(Int(length))))
            let t = try! #require(d.layer)
            #expect(t.options.mss == 1460)  // decoded before the bad one
            #expect(t.payload == 28..<28)
            var it = t.optionIterator(b, end: b.count)
            #expect(it.next()?.kind == 2)
            #expect(it.next() == nil)
            #expect(it.issue == .malformed(.tcp, .optionLength(Int(length))))
        }
    }

    @Test func optionRunningPastHeader() {
        // A timestamps option claiming 10 bytes with only 8 left in the header.
        let h = Self.header(options: [1, 1, 1, 1, 8, 10, 0, 0, 0, 1, 0, 0]) + [0xde, 0xad]
        V.with(h) { b in
            let d = TCP.decode(b, at: 0, end: b.count, ipPayloadLength: h.count)
            #expect(d.issue == .malformed(.tcp, .optionLength(10)))
            #expect(d.layer?.options.timestampValue == nil)
            #expect(d.layer?.payload == 32..<34)
        }
    }

    @Test func lengthByteMissingAtHeaderEnd() {
        let h = Self.header(options: [1, 1, 1, 2])
        V.with(h) { b in
            let d = TCP.decode(b, at: 0, end: b.count, ipPayloadLength: h.count)
            #expect(d.issue == .malformed(.tcp, .optionLength(0)))
        }
    }

    @Test func knownOptionWithWrongLength() {
        // MSS with length 3, then a good window scale.
        let h = Self.header(options: [2, 3, 0x05, 3, 3, 7, 0, 0])
        V.with(h) { b in
            let d = TCP.decode(b, at: 0, end: b.count, ipPayloadLength: h.count)
            #expect(d.issue == .malformed(.tcp, .optionLength(3)))
            #expect(d.layer?.options.mss == nil)
            #expect(d.layer?.options.windowScale == 7)
        }
    }

    @Test func segmentLengthClampedAtZero() {
        V.with(V.tcpSYN) { b in
            #expect(TCP.decode(b, at: 34, end: b.count, ipPayloadLength: 12).layer?.segmentLength == 0)
            #expect(TCP.decode(b, at: 34, end: b.count, ipPayloadLength: 1040).layer?.segmentLength == 1000)
        }
    }

    @Test func optionsCutShortKeepWhatWasCaptured() {
        // Cut inside the timestamps option: MSS and SACK_PERM decoded, timestamps not.
        V.with(Array(V.tcpSYN[..<64])) { b in
            let d = TCP.decode(b, at: 34, end: b.count, ipPayloadLength: 40)
            #expect(d.issue == .truncated(.tcp, needed: 40, available: 30))
            let t = try! #require(d.layer)
            #expect(t.options.mss == 1460)
            #expect(t.options.sackPermitted)
            #expect(t.options.timestampValue == nil)
            #expect(t.payload == 64..<64)
        }
    }

    @Test(arguments: [
        (TransportVectors.tcpSYN, 34, 40),
        (TransportVectors.tcpSACK, 34, 44),
        (TransportVectors.tcpMPTCP, 36, 44),
        (TransportVectors.httpRequest, 34, 20),
    ])
    func truncatedAtEveryByte(frame: [UInt8], offset: Int, headerLength: Int) {
        V.with(frame) { b in
            for cut in 0...b.count {
                let d = TCP.decode(b, at: offset, end: cut, ipPayloadLength: b.count - offset)
                let available = max(cut - offset, 0)
                if available < 20 {
                    #expect(d.layer == nil)
                    #expect(d.issue == .truncated(.tcp, needed: 20, available: available))
                } else if available < headerLength {
                    #expect(d.layer?.headerLength == headerLength)
                    #expect(d.layer?.payload == cut..<cut)
                    #expect(d.issue == .truncated(.tcp, needed: headerLength, available: available))
                } else {
                    #expect(d.issue == nil)
                    #expect(d.layer?.payload == (offset + headerLength)..<cut)
                }
            }
        }
    }

    @Test func garbageNeverTraps() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let n = Int.random(in: 0..<80, using: &rng)
            let bytes = (0..<n).map { _ in UInt8.random(in: 0...255, using: &rng) }
            V.with(bytes) { b in
                let d = TCP.decode(b, at: 0, end: b.count, ipPayloadLength: Int.random(in: -5...100))
                if let t = d.layer {
                    var it = t.optionIterator(b, end: b.count)
                    while it.next() != nil {}
                }
            }
        }
    }
}
