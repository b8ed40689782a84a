import Testing
@testable import Dissect

@Suite struct ICMPv6Tests {
    static func decode(_ frame: [UInt8], at offset: Int = 54, end: Int? = nil) -> Decoded<ICMPv6> {
        NetTestSupport.view(frame) { ICMPv6.decode($0, at: offset, end: end ?? frame.count) }
    }

    /// zeek ipv6-http-atomic-frag.pcap frame 2: neighbor solicitation for 2001:db8:1::1
    /// with a source link-layer address option.
    static let solicitation: [UInt8] = [
        0x33, 0x33, 0xff, 0x00, 0x00, 0x01, 0x00, 0x10, 0x18, 0x95, 0x31, 0x6a, 0x86, 0xdd, 0x60, 0x00,
        0x00, 0x00, 0x00, 0x20, 0x3a, 0xff, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x01, 0xff, 0x00, 0x00, 0x01, 0x87, 0x00, 0xd4, 0x17, 0x00, 0x00, 0x00, 0x00, 0x20, 0x01,
        0x0d, 0xb8, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x01, 0x01,
        0x00, 0x10, 0x18, 0x95, 0x31, 0x6a,
    ]

    /// Frame 1 of the same capture: the neighbor advertisement (solicited, override).
    static let advertisement: [UInt8] = [
        0x00, 0x10, 0x18, 0x95, 0x31, 0x6a, 0xaa, 0x00, 0x04, 0x00, 0x0a, 0x04, 0x86, 0xdd, 0x60, 0x00,
        0x00, 0x00, 0x00, 0x20, 0x3a, 0xff, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x88, 0x00, 0x54, 0x6c, 0xe0, 0x00, 0x00, 0x00, 0x20, 0x01,
        0x0d, 0xb8, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x01,
        0xaa, 0x00, 0x04, 0x00, 0x0a, 0x04,
    ]

    /// zeek icmp/icmp6-timeexceeded.pcap: time exceeded quoting an IPv6/UDP packet.
    static let timeExceeded: [UInt8] = [
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x86, 0xdd, 0x60, 0x00,
        0x00, 0x00, 0x00, 0x3c, 0x3a, 0x40, 0xfe, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0xde, 0xad, 0xfe, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0xbe, 0xef, 0x03, 0x00, 0xf0, 0xba, 0x00, 0x00, 0x00, 0x00, 0x60, 0x00,
        0x00, 0x00, 0x00, 0x0c, 0x11, 0x40, 0xfe, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0xbe, 0xef, 0xfe, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0xde, 0xad, 0x75, 0x30, 0x32, 0xc8, 0x00, 0x0c, 0x0c, 0x8e, 0x58, 0x58,
        0x58, 0x58,
    ]

    /// tcpdump icmpv6-rfc7112.pcap: parameter problem (code 3, RFC 7112: first fragment has
    /// an incomplete header chain) quoting an IPv6 first fragment.
    static let parameterProblem: [UInt8] = [
        0xac, 0x1f, 0x6b, 0x46, 0x9e, 0xda, 0x00, 0xa0, 0x98, 0x15, 0xec, 0xe7, 0x86, 0xdd, 0x60, 0x00,
        0x00, 0x00, 0x00, 0x48, 0x3a, 0x40, 0x20, 0x01, 0x06, 0x30, 0x00, 0x42, 0x01, 0x10, 0x02, 0xa0,
        0x98, 0xff, 0xfe, 0x15, 0xec, 0xe7, 0x20, 0x01, 0x06, 0x30, 0x00, 0x42, 0x01, 0x10, 0xae, 0x1f,
        0x6b, 0xff, 0xfe, 0x46, 0x9e, 0xda, 0x04, 0x03, 0x99, 0x4c, 0x00, 0x00, 0x00, 0x30, 0x60, 0x00,
        0x00, 0x00, 0x00, 0x18, 0x2c, 0x40, 0x20, 0x01, 0x06, 0x30, 0x00, 0x42, 0x01, 0x10, 0xae, 0x1f,
        0x6b, 0xff, 0xfe, 0x46, 0x9e, 0xda, 0x20, 0x01, 0x06, 0x30, 0x00, 0x42, 0x01, 0x10, 0x02, 0xa0,
        0x98, 0xff, 0xfe, 0x15, 0xec, 0xe7, 0x29, 0x00, 0x00, 0x01, 0x00, 0x00, 0xd6, 0xb1, 0x62, 0x27,
        0x60, 0x5c, 0x78, 0x30, 0x30, 0x5c, 0x78, 0x30, 0x30, 0x5c, 0x78, 0x30, 0x30, 0x5c,
    ]

    @Test func decodesEchoRequest() throws {
        let d = Self.decode(IPv6Tests.ping)
        #expect(d.issue == nil)
        let icmp = try #require(d.layer)
        // tshark: icmpv6.type 128, icmpv6.checksum 0x2910, identifier 0x0001, sequence 3.
        #expect(icmp.offset == 54)
        #expect(icmp.type == 128 && icmp.code == 0)
        #expect(icmp.checksum == 0x2910)
        #expect(icmp.restOfHeader == 0x0001_0003)
        #expect(icmp.identifier == 1 && icmp.sequenceNumber == 3)
        #expect(!icmp.isError)
        #expect(icmp.ndpTarget == nil)
        #expect(icmp.payload == 62..<94)
    }

    @Test func neighborSolicitationTarget() throws {
        let d = Self.decode(Self.solicitation)
        #expect(d.issue == nil)
        let icmp = try #require(d.layer)
        #expect(icmp.type == 135 && icmp.code == 0 && icmp.checksum == 0xd417)
        #expect(icmp.restOfHeader == 0) // reserved
        #expect(!icmp.isError)
        #expect(icmp.ndpTarget?.description == "2001:db8:1::1")
        #expect(icmp.payload == 62..<86)
    }

    @Test func neighborAdvertisementTarget() throws {
        let d = Self.decode(Self.advertisement)
        #expect(d.issue == nil)
        let icmp = try #require(d.layer)
        #expect(icmp.type == 136 && icmp.checksum == 0x546c)
        #expect(icmp.restOfHeader == 0xe000_0000) // router, solicited, override
        #expect(icmp.ndpTarget?.description == "2001:db8:1::1")
    }

    @Test func noTargetForOtherTypes() throws {
        var bytes = Self.solicitation
        bytes[54] = 133 // router solicitation
        let d = Self.decode(bytes)
        #expect(d.issue == nil)
        #expect(d.layer?.ndpTarget == nil)
    }

    @Test(arguments: [(UInt8(1), true), (2, true), (3, true), (4, true),
                      (0, false), (5, false), (127, false), (128, false), (135, false)])
    func errorTypes(_ type: UInt8, _ isError: Bool) throws {
        var bytes = IPv6Tests.ping
        bytes[54] = type
        #expect(try #require(Self.decode(bytes).layer).isError == isError)
    }

    @Test func timeExceededQuotesIPv6AndUDP() throws {
        let outer = try #require(IPv6Tests.decode(Self.timeExceeded).layer)
        let icmp = try #require(Self.decode(Self.timeExceeded, at: outer.payload.lowerBound, end: outer.payload.upperBound).layer)
        #expect(icmp.type == 3 && icmp.code == 0 && icmp.isError && icmp.checksum == 0xf0ba)
        #expect(icmp.payload == 62..<114)
        let inner = try #require(IPv6Tests.decode(Self.timeExceeded, at: 62, end: icmp.payload.upperBound).layer)
        #expect(inner.source.description == "fe80::beef")
        #expect(inner.upperLayerProtocol == 17)
        #expect(inner.payload == 102..<114)
    }

    @Test func parameterProblemQuotesAFirstFragment() throws {
        let outer = try #require(IPv6Tests.decode(Self.parameterProblem).layer)
        let icmp = try #require(Self.decode(Self.parameterProblem, at: outer.payload.lowerBound, end: outer.payload.upperBound).layer)
        // tshark: icmpv6.type 4, code 3, checksum 0x994c, pointer 48.
        #expect(icmp.type == 4 && icmp.code == 3 && icmp.checksum == 0x994c && icmp.isError)
        #expect(icmp.restOfHeader == 48)
        let d = IPv6Tests.decode(Self.parameterProblem, at: icmp.payload.lowerBound, end: icmp.payload.upperBound)
        #expect(d.issue == nil)
        let inner = try #require(d.layer)
        #expect(inner.source.description == "2001:630:42:110:ae1f:6bff:fe46:9eda")
        #expect(Array(inner.extensionHeaders) == [44])
        #expect(inner.fragment == IPv6.Fragment(offset: 0, moreFragments: true, identification: 0xd6b1))
        #expect(inner.isFragment && !inner.isNonFirstFragment)
        #expect(inner.upperLayerProtocol == 41)
        #expect(inner.payload == 110..<126)
    }

    @Test func quotedPacketCutShort() throws {
        // The time-exceeded message cut inside the quoted IPv6 header and inside its UDP header.
        let a = IPv6Tests.decode(Self.timeExceeded, at: 62, end: 90)
        #expect(a.layer == nil && a.issue == .truncated(.ipv6, needed: 40, available: 28))
        let b = try #require(IPv6Tests.decode(Self.timeExceeded, at: 62, end: 106).layer)
        #expect(b.upperLayerProtocol == 17 && b.payload == 102..<106)
    }

    @Test func solicitationTruncatedAtEveryByte() {
        NetTestSupport.everyCut(Self.solicitation, offset: 54, decode: { ICMPv6.decode($0, at: $1, end: $2) }) { cut, available, d in
            switch available {
            case ..<8:
                #expect(d.layer == nil, "cut \(cut)")
                #expect(d.issue == .truncated(.icmpv6, needed: 8, available: available), "cut \(cut)")
            case 8..<24:
                #expect(d.layer?.type == 135, "cut \(cut)")
                #expect(d.layer?.ndpTarget == nil, "cut \(cut)")
                #expect(d.layer?.payload == 62..<cut, "cut \(cut)")
                #expect(d.issue == .truncated(.icmpv6, needed: 24, available: available), "cut \(cut)")
            default:
                #expect(d.issue == nil, "cut \(cut)")
                #expect(d.layer?.ndpTarget?.description == "2001:db8:1::1", "cut \(cut)")
                #expect(d.layer?.payload == 62..<cut, "cut \(cut)")
            }
        }
    }

    @Test func echoTruncatedAtEveryByte() {
        NetTestSupport.everyCut(IPv6Tests.ping, offset: 54, decode: { ICMPv6.decode($0, at: $1, end: $2) }) { cut, available, d in
            if available < 8 {
                #expect(d.layer == nil, "cut \(cut)")
                #expect(d.issue == .truncated(.icmpv6, needed: 8, available: available), "cut \(cut)")
            } else {
                #expect(d.issue == nil, "cut \(cut)")
                #expect(d.layer?.sequenceNumber == 3, "cut \(cut)")
                #expect(d.layer?.payload == 62..<cut, "cut \(cut)")
            }
        }
    }
}
