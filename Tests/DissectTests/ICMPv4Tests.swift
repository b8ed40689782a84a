import Testing
@testable import Dissect

@Suite struct ICMPv4Tests {
    static func decode(_ frame: [UInt8], at offset: Int = 34, end: Int? = nil) -> Decoded<ICMPv4> {
        NetTestSupport.view(frame) { ICMPv4.decode($0, at: offset, end: end ?? frame.count) }
    }

    /// zeek icmp/icmp-destunreach-ip.pcap: port unreachable quoting a bare 20-byte IPv4 header.
    static let unreachableQuotingIP: [UInt8] = [
        0x00, 0x10, 0xdb, 0x88, 0xd2, 0xef, 0xc8, 0xbc, 0xc8, 0x96, 0xd2, 0xa0, 0x08, 0x00, 0x45, 0x00,
        0x00, 0x30, 0x00, 0x01, 0x00, 0x00, 0x40, 0x01, 0x66, 0xca, 0x0a, 0x00, 0x00, 0x01, 0x0a, 0x00,
        0x00, 0x02, 0x03, 0x00, 0xfc, 0xff, 0x00, 0x00, 0x00, 0x00, 0x45, 0x00, 0x00, 0x14, 0x00, 0x01,
        0x00, 0x00, 0x40, 0x00, 0x66, 0xe7, 0x0a, 0x00, 0x00, 0x02, 0x0a, 0x00, 0x00, 0x01,
    ]

    /// zeek icmp/icmp-destunreach-udp.pcap: port unreachable quoting a whole UDP/DNS datagram.
    static let unreachableQuotingUDP: [UInt8] = [
        0x00, 0x19, 0xe3, 0xe7, 0x5d, 0x23, 0x00, 0x0b, 0xdb, 0x63, 0x58, 0xa6, 0x08, 0x00, 0x45, 0x00,
        0x00, 0xb0, 0x28, 0x1e, 0x00, 0x00, 0x80, 0x01, 0x8e, 0x77, 0xc0, 0xa8, 0x01, 0x66, 0xc0, 0xa8,
        0x01, 0x01, 0x03, 0x03, 0x03, 0xbb, 0x00, 0x00, 0x00, 0x00, 0x45, 0x00, 0x00, 0xa3, 0x37, 0x11,
        0x00, 0x00, 0x40, 0x11, 0xbf, 0x81, 0xc0, 0xa8, 0x01, 0x01, 0xc0, 0xa8, 0x01, 0x66, 0x00, 0x35,
        0xe7, 0x47, 0x00, 0x8f, 0x76, 0xd2, 0x98, 0xa4, 0x81, 0x80, 0x00, 0x01, 0x00, 0x01, 0x00, 0x04,
        0x00, 0x00, 0x06, 0x73, 0x65, 0x63, 0x75, 0x72, 0x65, 0x03, 0x65, 0x64, 0x34, 0x03, 0x6e, 0x65,
        0x74, 0x00, 0x00, 0x01, 0x00, 0x01, 0xc0, 0x0c, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x01, 0x2c,
        0x00, 0x04, 0xd0, 0x5e, 0x14, 0x0e, 0xc0, 0x13, 0x00, 0x02, 0x00, 0x01, 0x00, 0x00, 0x01, 0x2c,
        0x00, 0x0f, 0x05, 0x64, 0x6e, 0x73, 0x30, 0x32, 0x06, 0x65, 0x78, 0x6f, 0x64, 0x75, 0x73, 0xc0,
        0x17, 0xc0, 0x13, 0x00, 0x02, 0x00, 0x01, 0x00, 0x00, 0x01, 0x2c, 0x00, 0x08, 0x05, 0x64, 0x6e,
        0x73, 0x30, 0x31, 0xc0, 0x42, 0xc0, 0x13, 0x00, 0x02, 0x00, 0x01, 0x00, 0x00, 0x01, 0x2c, 0x00,
        0x08, 0x05, 0x64, 0x6e, 0x73, 0x30, 0x34, 0xc0, 0x42, 0xc0, 0x13, 0x00, 0x02, 0x00, 0xc9, 0x14,
        0x6f, 0x2d,
    ]

    /// Port unreachable quoting, as RFC 792 asks, only the IP header and the first 8 bytes of
    /// the offending TCP SYN (zeek communityid/tcp.pcap frame 1: IP total length 60, a
    /// 40-byte TCP header). Outer Ethernet/IP/ICMP headers from icmp-destunreach-ip.pcap with
    /// the IP total length set to 56 (checksums not recomputed: the decoders do not check them).
    static let unreachableQuotingTCP: [UInt8] = [
        0x00, 0x10, 0xdb, 0x88, 0xd2, 0xef, 0xc8, 0xbc, 0xc8, 0x96, 0xd2, 0xa0, 0x08, 0x00, 0x45, 0x00,
        0x00, 0x38, 0x00, 0x01, 0x00, 0x00, 0x40, 0x01, 0x66, 0xca, 0x0a, 0x00, 0x00, 0x01, 0x0a, 0x00,
        0x00, 0x02, 0x03, 0x03, 0xfc, 0xfc, 0x00, 0x00, 0x00, 0x00,
        // quoted IPv4 header
        0x45, 0x00, 0x00, 0x3c, 0x69, 0x8b, 0x40, 0x00, 0x40, 0x06, 0xa4, 0xe0, 0x80, 0xe8, 0x6e, 0x78,
        0x42, 0x23, 0xfa, 0xcc,
        // first 8 bytes of the TCP header: ports and sequence number
        0x88, 0x27, 0x00, 0x50, 0xbe, 0xcb, 0xf6, 0x85,
    ]

    @Test func decodesEchoRequest() throws {
        let d = Self.decode(IPv4Tests.ping)
        #expect(d.issue == nil)
        let icmp = try #require(d.layer)
        // tshark: icmp.type 8, icmp.code 0, icmp.checksum 0xef24, icmp.ident 1226, icmp.seq 1.
        #expect(icmp.offset == 34)
        #expect(icmp.type == 8)
        #expect(icmp.code == 0)
        #expect(icmp.checksum == 0xef24)
        #expect(icmp.restOfHeader == 0x04ca_0001)
        #expect(icmp.identifier == 1226)
        #expect(icmp.sequenceNumber == 1)
        #expect(!icmp.isError)
        #expect(icmp.payload == 42..<98)
    }

    @Test func payloadEndsWhereTheIPPayloadEnds() throws {
        let ip = try #require(NetTestSupport.decodeIPv4(IPv4Tests.ping).layer)
        // As the decoder chain calls it: end = the IP payload's end, not the frame's.
        let icmp = try #require(Self.decode(IPv4Tests.ping, at: ip.payload.lowerBound, end: ip.payload.upperBound - 6).layer)
        #expect(icmp.payload == 42..<92)
    }

    @Test(arguments: [(UInt8(3), true), (4, true), (5, true), (11, true), (12, true),
                      (0, false), (8, false), (13, false), (14, false), (255, false)])
    func errorTypes(_ type: UInt8, _ isError: Bool) throws {
        var bytes = IPv4Tests.ping
        bytes[34] = type
        #expect(try #require(Self.decode(bytes).layer).isError == isError)
    }

    @Test func errorQuotingBareIPHeader() throws {
        let icmp = try #require(Self.decode(Self.unreachableQuotingIP).layer)
        #expect(icmp.type == 3 && icmp.code == 0 && icmp.isError)
        #expect(icmp.checksum == 0xfcff)
        #expect(icmp.payload == 42..<62)
        let d = NetTestSupport.decodeIPv4(Self.unreachableQuotingIP, at: icmp.payload.lowerBound, end: icmp.payload.upperBound)
        #expect(d.issue == nil)
        let inner = try #require(d.layer)
        #expect(inner.source == IPv4Address("10.0.0.2"))
        #expect(inner.destination == IPv4Address("10.0.0.1"))
        #expect(inner.protocolNumber == 0)
        #expect(inner.totalLength == 20)
        #expect(inner.payload == 62..<62)
    }

    @Test func errorQuotingWholeUDPDatagram() throws {
        let outer = try #require(NetTestSupport.decodeIPv4(Self.unreachableQuotingUDP).layer)
        let icmp = try #require(Self.decode(Self.unreachableQuotingUDP, at: outer.payload.lowerBound, end: outer.payload.upperBound).layer)
        #expect(icmp.type == 3 && icmp.code == 3 && icmp.checksum == 0x03bb)
        #expect(icmp.payload == 42..<190) // outer total length 176 ends at 190; 4 bytes trailer dropped
        let inner = try #require(NetTestSupport.decodeIPv4(Self.unreachableQuotingUDP, at: 42, end: icmp.payload.upperBound).layer)
        #expect(inner.protocolNumber == 17)
        #expect(inner.totalLength == 163)
        #expect(inner.payload == 62..<190) // 170 bytes announced, 148 quoted
        #expect(inner.missingLength == 15)
    }

    @Test func errorQuotingTruncatedIPAndTCPHeader() throws {
        let frame = Self.unreachableQuotingTCP
        let outer = try #require(NetTestSupport.decodeIPv4(frame).layer)
        #expect(outer.payload == 34..<70)
        let icmp = try #require(Self.decode(frame, at: 34, end: outer.payload.upperBound).layer)
        #expect(icmp.isError && icmp.type == 3 && icmp.code == 3)
        #expect(icmp.payload == 42..<70)

        // The quoted datagram announces 60 bytes; only 28 are there. Still a usable header.
        let d = NetTestSupport.decodeIPv4(frame, at: icmp.payload.lowerBound, end: icmp.payload.upperBound)
        #expect(d.issue == nil)
        let inner = try #require(d.layer)
        #expect(inner.totalLength == 60)
        #expect(inner.protocolNumber == 6)
        #expect(inner.source == IPv4Address("128.232.110.120"))
        #expect(inner.destination == IPv4Address("66.35.250.204"))
        #expect(inner.dontFragment)
        #expect(inner.payload == 62..<70) // the 8 quoted TCP bytes
        #expect(inner.missingLength == 32)
        #expect(NetTestSupport.view(frame) { $0.u16be(inner.payload.lowerBound + 2) } == 80)
    }

    @Test func quotedDatagramCutAtEveryByte() {
        // The quoted IPv4 header starts at 42; cut the ICMP payload anywhere.
        let frame = Self.unreachableQuotingTCP
        NetTestSupport.everyCut(frame, offset: 42, decode: { IPv4.decode($0, at: $1, end: $2) }) { cut, available, d in
            if available < 20 {
                #expect(d.layer == nil && d.issue == .truncated(.ip, needed: 20, available: available), "cut \(cut)")
            } else {
                #expect(d.issue == nil, "cut \(cut)")
                #expect(d.layer?.payload == 62..<cut, "cut \(cut)")
                #expect(d.layer?.missingLength == 102 - cut, "cut \(cut)")
            }
        }
    }

    @Test func truncatedAtEveryByte() {
        NetTestSupport.everyCut(IPv4Tests.ping, offset: 34, decode: { ICMPv4.decode($0, at: $1, end: $2) }) { cut, available, d in
            if available < 8 {
                #expect(d.layer == nil, "cut \(cut)")
                #expect(d.issue == .truncated(.icmp, needed: 8, available: available), "cut \(cut)")
            } else {
                #expect(d.issue == nil, "cut \(cut)")
                #expect(d.layer?.identifier == 1226 && d.layer?.sequenceNumber == 1, "cut \(cut)")
                #expect(d.layer?.payload == 42..<cut, "cut \(cut)")
            }
        }
    }
}
