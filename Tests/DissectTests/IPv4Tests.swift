import Testing
@testable import Dissect

/// Helpers shared by the network-layer decoder tests.
enum NetTestSupport {
    /// Runs `body` on a view of `bytes`.
    static func view<T>(_ bytes: [UInt8], _ body: (ByteView) -> T) -> T {
        bytes.withUnsafeBytes { body(ByteView($0)) }
    }

    /// Decodes `frame` cut at every byte boundary (0...count), twice per cut: once with the
    /// view itself cut (so any read past `end` traps) and once with the whole frame in view
    /// and only `end` cut. Calls `check` with the cut, the bytes available to the layer
    /// (`max(0, cut - offset)`) and each result.
    static func everyCut<L>(
        _ frame: [UInt8], offset: Int,
        decode: (ByteView, Int, Int) -> Decoded<L>,
        check: (_ cut: Int, _ available: Int, Decoded<L>) -> Void
    ) {
        for cut in 0...frame.count {
            let available = Swift.max(0, cut - offset)
            let short = Array(frame.prefix(cut))
            check(cut, available, view(short) { decode($0, offset, cut) })
            check(cut, available, view(frame) { decode($0, offset, cut) })
        }
    }

    static func decodeIPv4(_ frame: [UInt8], at offset: Int = 14, end: Int? = nil) -> Decoded<IPv4> {
        view(frame) { IPv4.decode($0, at: offset, end: end ?? frame.count) }
    }
}

@Suite struct IPv4Tests {
    /// tcpdump IGMP_V2.pcap frame 2: IGMPv2 report with a Router Alert option (header 24 bytes).
    static let igmpWithRouterAlert: [UInt8] = [
        0x01, 0x00, 0x5e, 0x7f, 0xff, 0xfa, 0x00, 0x1c, 0x23, 0xaa, 0xbe, 0xad, 0x08, 0x00, 0x46, 0x00,
        0x00, 0x20, 0x8c, 0x62, 0x00, 0x00, 0x01, 0x02, 0xe6, 0x92, 0xc0, 0xa8, 0x01, 0x40, 0xef, 0xff,
        0xff, 0xfa, 0x94, 0x04, 0x00, 0x00, 0x16, 0x00, 0xfa, 0x04, 0xef, 0xff, 0xff, 0xfa,
    ]

    /// tcpdump IGMP_V2.pcap frame 1: total length 28 in a 60-byte Ethernet frame (18 bytes padding).
    static let igmpPadded: [UInt8] = [
        0x01, 0x00, 0x5e, 0x00, 0x00, 0x01, 0x00, 0x1b, 0x11, 0x10, 0x26, 0x11, 0x08, 0x00, 0x45, 0x00,
        0x00, 0x1c, 0x65, 0x51, 0x00, 0x00, 0x01, 0x02, 0xb2, 0xe3, 0xc0, 0xa8, 0x01, 0x02, 0xe0, 0x00,
        0x00, 0x01, 0x11, 0x64, 0xee, 0x9b, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    ]

    /// zeek icmp_5-pings.pcap frame 1: ICMP echo request, DF set.
    static let ping: [UInt8] = [
        0xa6, 0x83, 0xe7, 0x0c, 0x90, 0x64, 0x00, 0x0c, 0x29, 0xcf, 0x30, 0x15, 0x08, 0x00, 0x45, 0x00,
        0x00, 0x54, 0x94, 0x6a, 0x40, 0x00, 0x40, 0x01, 0xbd, 0x04, 0xac, 0x10, 0x85, 0x02, 0xac, 0xd9,
        0x0b, 0x4e, 0x08, 0x00, 0xef, 0x24, 0x04, 0xca, 0x00, 0x01, 0x8b, 0xcf, 0xcf, 0x5f, 0x00, 0x00,
        0x00, 0x00, 0xdb, 0x0d, 0x0f, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15,
        0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x21, 0x22, 0x23, 0x24, 0x25,
        0x26, 0x27, 0x28, 0x29, 0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35,
        0x36, 0x37,
    ]

    /// zeek ipv4/fragmented-2.pcap frame 1 (first fragment, MF) and frame 2 (offset 48 bytes, last).
    static let firstFragment: [UInt8] = [
        0x00, 0x60, 0x97, 0x12, 0x2f, 0x58, 0x00, 0x20, 0xaf, 0xba, 0x78, 0x65, 0x08, 0x00, 0x45, 0x00,
        0x00, 0x26, 0x00, 0xf2, 0x20, 0x00, 0x40, 0x11, 0x1a, 0xf2, 0xa4, 0x01, 0x7b, 0xa3, 0xa4, 0x01,
        0x7b, 0x3d, 0x00, 0x7b, 0x00, 0x89, 0x00, 0x12, 0xbf, 0xe2, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    ]
    static let lastFragment: [UInt8] = [
        0x00, 0x60, 0x97, 0x12, 0x2f, 0x58, 0x00, 0x20, 0xaf, 0xba, 0x78, 0x65, 0x08, 0x00, 0x45, 0x00,
        0x00, 0x88, 0x00, 0xf2, 0x00, 0x06, 0x40, 0x11, 0x3a, 0x8a, 0xa4, 0x01, 0x7b, 0xa3, 0xa4, 0x01,
        0x7b, 0x3d, 0x00, 0x7b, 0x00, 0x89, 0x00, 0x74, 0xbf, 0x1e,
    ] + [UInt8](repeating: 0, count: 108)

    /// tcpdump bigtcp-ipv4.pcap frame 1 (80066 bytes, TSO: total length 0), cut after 100 bytes.
    static let tso: [UInt8] = [
        0x06, 0x00, 0xde, 0xad, 0xbe, 0xef, 0xb8, 0xce, 0xf6, 0x04, 0x8b, 0x14, 0x08, 0x00, 0x45, 0x00,
        0x00, 0x00, 0x2e, 0xff, 0x40, 0x00, 0x40, 0x06, 0xef, 0xae, 0x0a, 0x19, 0x84, 0x0d, 0x0a, 0x19,
        0x84, 0x0b, 0x8c, 0x1f, 0x8e, 0x49, 0xf7, 0xad, 0xbd, 0x8e, 0x01, 0x03, 0xc2, 0x25, 0x80, 0x18,
        0x02, 0x7b, 0x54, 0xf2, 0x00, 0x00, 0x01, 0x01, 0x08, 0x0a, 0xe9, 0xb7, 0xeb, 0x15, 0xbb, 0xed,
        0xeb, 0x2f, 0x6e, 0x65, 0x74, 0x70, 0x65, 0x72, 0x66, 0x00, 0x6e, 0x65, 0x74, 0x70, 0x65, 0x72,
        0x66, 0x00, 0x6e, 0x65, 0x74, 0x70, 0x65, 0x72, 0x66, 0x00, 0x6e, 0x65, 0x74, 0x70, 0x65, 0x72,
        0x66, 0x00, 0x6e, 0x65,
    ]

    @Test func decodesEveryFieldWithOptions() throws {
        let d = NetTestSupport.decodeIPv4(Self.igmpWithRouterAlert)
        #expect(d.issue == nil)
        let ip = try #require(d.layer)
        // tshark: ip.hdr_len 24, ip.dsfield 0x00, ip.len 32, ip.id 0x8c62, ip.flags 0x00,
        // ip.frag_offset 0, ip.ttl 1, ip.proto 2, ip.checksum 0xe692.
        #expect(ip.offset == 14)
        #expect(ip.headerLength == 24)
        #expect(ip.dsfield == 0)
        #expect(ip.totalLength == 32)
        #expect(ip.identification == 0x8c62)
        #expect(ip.flags == 0)
        #expect(!ip.dontFragment && !ip.moreFragments && !ip.isFragment)
        #expect(ip.fragmentOffset == 0)
        #expect(ip.ttl == 1)
        #expect(ip.protocolNumber == 2)
        #expect(ip.checksum == 0xe692)
        #expect(ip.source == IPv4Address("192.168.1.64"))
        #expect(ip.destination == IPv4Address("239.255.255.250"))
        #expect(ip.optionsRange == 34..<38)
        #expect(Array(Self.igmpWithRouterAlert[ip.optionsRange]) == [0x94, 0x04, 0x00, 0x00]) // Router Alert
        #expect(ip.payload == 38..<46)
        #expect(ip.missingLength == 0)
    }

    @Test func decodesPingWithDontFragment() throws {
        let ip = try #require(NetTestSupport.decodeIPv4(Self.ping).layer)
        #expect(ip.headerLength == 20 && ip.optionsRange.isEmpty)
        #expect(ip.totalLength == 84)
        #expect(ip.identification == 0x946a)
        #expect(ip.flags == 0b010 && ip.dontFragment && !ip.isFragment)
        #expect(ip.ttl == 64 && ip.protocolNumber == 1 && ip.checksum == 0xbd04)
        #expect(ip.source.description == "172.16.133.2")
        #expect(ip.destination.description == "172.217.11.78")
        #expect(ip.payload == 34..<98)
    }

    @Test func trimsEthernetPadding() throws {
        let d = NetTestSupport.decodeIPv4(Self.igmpPadded)
        #expect(d.issue == nil)
        let ip = try #require(d.layer)
        #expect(ip.totalLength == 28)
        #expect(ip.payload == 34..<42) // not 34..<60
    }

    @Test func decodesFragments() throws {
        let first = try #require(NetTestSupport.decodeIPv4(Self.firstFragment).layer)
        #expect(first.identification == 0x00f2)
        #expect(first.flags == 0b001 && first.moreFragments && first.isFragment)
        #expect(first.fragmentOffset == 0)
        #expect(first.payload == 34..<52) // 38 bytes total, padded to 60

        let last = try #require(NetTestSupport.decodeIPv4(Self.lastFragment).layer)
        #expect(last.flags == 0 && !last.moreFragments && last.isFragment)
        #expect(last.fragmentOffset == 48) // field value 6, in 8-byte units
        #expect(last.totalLength == 136)
        #expect(last.payload == 34..<150)

        // Reserved bit and DF + MF together, offset at its maximum.
        var bytes = Self.firstFragment
        bytes[20] = 0xff; bytes[21] = 0xff
        let odd = try #require(NetTestSupport.decodeIPv4(bytes).layer)
        #expect(odd.flags == 0b111)
        #expect(odd.fragmentOffset == 0x1fff * 8)
    }

    @Test func totalLengthZeroIsTSO() throws {
        let d = NetTestSupport.decodeIPv4(Self.tso)
        #expect(d.issue == nil)
        let ip = try #require(d.layer)
        #expect(ip.totalLength == 0)
        #expect(ip.protocolNumber == 6)
        #expect(ip.source.description == "10.25.132.13")
        #expect(ip.payload == 34..<100)
        #expect(ip.missingLength == 0)
    }

    @Test func totalLengthBeyondCapturedBytesRunsToEnd() throws {
        // The ping cut by a 60-byte snaplen.
        let d = NetTestSupport.decodeIPv4(Array(Self.ping.prefix(60)))
        #expect(d.issue == nil)
        let ip = try #require(d.layer)
        #expect(ip.payload == 34..<60)
        #expect(ip.missingLength == 38)
    }

    @Test func totalLengthSmallerThanHeaderIsMalformed() throws {
        var bytes = Self.igmpWithRouterAlert
        bytes[17] = 22; // total length 22 < header length 24
        let d = NetTestSupport.decodeIPv4(bytes)
        #expect(d.issue == .malformed(.ip, .lengthFieldTooSmall(22)))
        let ip = try #require(d.layer)
        #expect(ip.totalLength == 22)
        #expect(ip.payload == 38..<38)
        #expect(ip.optionsRange == 34..<38)
        #expect(ip.missingLength == 0)
    }

    @Test func badVersion() {
        var bytes = Self.ping
        bytes[14] = 0x65
        #expect(NetTestSupport.decodeIPv4(bytes).issue == .malformed(.ip, .badVersion(6)))
        #expect(NetTestSupport.decodeIPv4(bytes).layer == nil)
        // Only the first byte is needed to tell.
        #expect(NetTestSupport.decodeIPv4(bytes, end: 15).issue == .malformed(.ip, .badVersion(6)))
    }

    @Test(arguments: [0, 1, 4, 19])
    func headerLengthTooSmall(_ words: Int) {
        var bytes = Self.ping
        bytes[14] = 0x40 | UInt8(words / 4)
        let d = NetTestSupport.decodeIPv4(bytes)
        #expect(d.layer == nil)
        #expect(d.issue == .malformed(.ip, .headerLengthTooSmall(words / 4 * 4)))
    }

    @Test func maximumHeaderLengthPastEnd() throws {
        var bytes = Self.ping
        bytes[14] = 0x4f // 60-byte header, but the frame holds 84 bytes of IP: fits
        let fits = NetTestSupport.decodeIPv4(bytes)
        #expect(fits.issue == nil)
        #expect(fits.layer?.optionsRange == 34..<74)
        // Now only 50 bytes of IP captured.
        let cut = NetTestSupport.decodeIPv4(Array(bytes.prefix(64)))
        #expect(cut.issue == .truncated(.ip, needed: 60, available: 50))
        let ip = try #require(cut.layer)
        #expect(ip.optionsRange == 34..<64)
        #expect(ip.payload == 64..<64)
    }

    @Test func offsetsOutsideTheViewDoNotTrap() {
        NetTestSupport.view(Self.ping) { v in
            #expect(IPv4.decode(v, at: 200, end: 98).issue == .truncated(.ip, needed: 20, available: 0))
            #expect(IPv4.decode(v, at: -3, end: 98).issue == .truncated(.ip, needed: 20, available: 0))
            #expect(IPv4.decode(v, at: 14, end: 500).layer?.payload == 34..<98)
        }
    }

    @Test func truncatedAtEveryByteWithOptions() {
        let frame = Self.igmpWithRouterAlert
        NetTestSupport.everyCut(frame, offset: 14, decode: { IPv4.decode($0, at: $1, end: $2) }) { cut, available, d in
            switch available {
            case ..<20:
                #expect(d.layer == nil, "cut \(cut)")
                #expect(d.issue == .truncated(.ip, needed: 20, available: available), "cut \(cut)")
            case 20..<24:
                #expect(d.layer?.source == IPv4Address("192.168.1.64"), "cut \(cut)")
                #expect(d.layer?.payload == cut..<cut, "cut \(cut)")
                #expect(d.layer?.optionsRange == 34..<cut, "cut \(cut)")
                #expect(d.issue == .truncated(.ip, needed: 24, available: available), "cut \(cut)")
            default:
                #expect(d.issue == nil, "cut \(cut)")
                #expect(d.layer?.payload == 38..<cut, "cut \(cut)")
                #expect(d.layer?.missingLength == 46 - cut, "cut \(cut)")
            }
        }
    }

    @Test func truncatedAtEveryByte() {
        let frame = Self.ping
        NetTestSupport.everyCut(frame, offset: 14, decode: { IPv4.decode($0, at: $1, end: $2) }) { cut, available, d in
            if available < 20 {
                #expect(d.layer == nil, "cut \(cut)")
                #expect(d.issue == .truncated(.ip, needed: 20, available: available), "cut \(cut)")
            } else {
                #expect(d.issue == nil, "cut \(cut)")
                #expect(d.layer?.totalLength == 84, "cut \(cut)")
                #expect(d.layer?.destination.description == "172.217.11.78", "cut \(cut)")
                #expect(d.layer?.payload == 34..<cut, "cut \(cut)")
            }
        }
    }
}
