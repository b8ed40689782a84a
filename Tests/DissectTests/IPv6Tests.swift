import Testing
@testable import Dissect

@Suite struct IPv6Tests {
    static func decode(_ frame: [UInt8], at offset: Int = 14, end: Int? = nil) -> Decoded<IPv6> {
        NetTestSupport.view(frame) { IPv6.decode($0, at: offset, end: end ?? frame.count) }
    }

    /// zeek icmp/icmp6-ping.pcap frame 1: echo request, no extension headers.
    static let ping: [UInt8] = [
        0xb0, 0xc6, 0x9a, 0xda, 0x32, 0x80, 0x00, 0x23, 0xae, 0xa0, 0x0b, 0x33, 0x86, 0xdd, 0x60, 0x00,
        0x00, 0x00, 0x00, 0x28, 0x3a, 0x80, 0x26, 0x20, 0x00, 0x00, 0x0e, 0x00, 0x40, 0x0e, 0x0d, 0x1d,
        0xdb, 0x37, 0x0b, 0xeb, 0x5a, 0xac, 0x20, 0x01, 0x48, 0x60, 0x80, 0x06, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x63, 0x80, 0x00, 0x29, 0x10, 0x00, 0x01, 0x00, 0x03, 0x61, 0x62,
        0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f, 0x70, 0x71, 0x72,
        0x73, 0x74, 0x75, 0x76, 0x77, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69,
    ]

    /// tcpdump bigtcp-ipv6-hbh.pcap frame 1 (80094 bytes), cut after 100 bytes: payload
    /// length 0, Hop-by-Hop header with a Jumbo Payload option of 80040, then TCP.
    static let jumbo: [UInt8] = [
        0x06, 0x00, 0xde, 0xad, 0xbe, 0xef, 0xb8, 0xce, 0xf6, 0x04, 0x8b, 0x14, 0x86, 0xdd, 0x60, 0x0a,
        0x31, 0xee, 0x00, 0x00, 0x00, 0x40, 0x26, 0x04, 0x13, 0x80, 0x40, 0x91, 0xce, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x0d, 0x26, 0x04, 0x13, 0x80, 0x40, 0x91, 0xce, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x0b, 0x06, 0x00, 0xc2, 0x04, 0x00, 0x01, 0x38, 0xa8, 0xa3, 0x7b,
        0xab, 0x89, 0x23, 0x55, 0xb9, 0x12, 0x95, 0xc7, 0xc0, 0x29, 0x80, 0x18, 0x08, 0x50, 0xc8, 0xeb,
        0x00, 0x00, 0x01, 0x01, 0x08, 0x0a, 0x46, 0xbd, 0xbe, 0x60, 0xfc, 0x8c, 0xfa, 0x38, 0x6e, 0x65,
        0x74, 0x70, 0x65, 0x72,
    ]

    /// zeek ip6_esp.pcap frame 1: MLDv2 report behind a Hop-by-Hop header (Router Alert, PadN).
    static let hopByHop: [UInt8] = [
        0x33, 0x33, 0x00, 0x00, 0x00, 0x16, 0x00, 0x11, 0x43, 0x4a, 0xd7, 0x0a, 0x86, 0xdd, 0x60, 0x00,
        0x00, 0x00, 0x00, 0x4c, 0x00, 0x01, 0xfe, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x11,
        0x43, 0xff, 0xfe, 0x4a, 0xd7, 0x0a, 0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x16, 0x3a, 0x00, 0x05, 0x02, 0x00, 0x00, 0x01, 0x00, 0x8f, 0x00,
        0x7a, 0x19, 0x00, 0x00, 0x00, 0x03, 0x04, 0x00, 0x00, 0x00, 0xff, 0x02, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0xff, 0x00, 0x00, 0x01, 0x04, 0x00, 0x00, 0x00, 0xff, 0x02,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0xff, 0x00, 0x00, 0x00, 0x04, 0x00,
        0x00, 0x00, 0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0xff, 0x4a,
        0xd7, 0x0a,
    ]

    /// zeek chksums/ip6-route0-udp-good-chksum.pcap: a 40-byte type 0 Routing header, then UDP.
    static let routing: [UInt8] = [
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x86, 0xdd, 0x60, 0x00,
        0x00, 0x00, 0x00, 0x34, 0x2b, 0x40, 0x20, 0x01, 0x04, 0xf8, 0x00, 0x04, 0x00, 0x07, 0x02, 0xe0,
        0x81, 0xff, 0xfe, 0x52, 0xff, 0xff, 0x20, 0x01, 0x04, 0xf8, 0x00, 0x04, 0x00, 0x07, 0x02, 0xe0,
        0x81, 0xff, 0xfe, 0x52, 0x9a, 0x6b, 0x11, 0x04, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x20, 0x01,
        0x00, 0x78, 0x00, 0x01, 0x00, 0x32, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x20, 0x01,
        0x00, 0x78, 0x00, 0x01, 0x00, 0x32, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x75, 0x30,
        0x32, 0xc8, 0x00, 0x0c, 0xde, 0x48, 0x58, 0x58, 0x58, 0x58,
    ]

    /// zeek chksums/ip6-hoa-tcp-good-chksum.pcap: a 24-byte Destination Options header
    /// (Home Address option), then a TCP SYN.
    static let destinationOptions: [UInt8] = [
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x86, 0xdd, 0x60, 0x00,
        0x00, 0x00, 0x00, 0x2c, 0x3c, 0x40, 0x20, 0x01, 0x04, 0xf8, 0x00, 0x04, 0x00, 0x07, 0x02, 0xe0,
        0x81, 0xff, 0xfe, 0x52, 0xff, 0xff, 0x20, 0x01, 0x04, 0xf8, 0x00, 0x04, 0x00, 0x07, 0x02, 0xe0,
        0x81, 0xff, 0xfe, 0x52, 0x9a, 0x6b, 0x06, 0x02, 0x01, 0x02, 0x00, 0x00, 0xc9, 0x10, 0x20, 0x01,
        0x00, 0x78, 0x00, 0x01, 0x00, 0x32, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x75, 0x30,
        0x00, 0x50, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x50, 0x02, 0x20, 0x00, 0xb7, 0x13,
        0x00, 0x00,
    ]

    /// zeek ipv6-http-atomic-frag.pcap frame 13: an atomic fragment (offset 0, M clear), then TCP.
    static let atomicFragment: [UInt8] = [
        0xaa, 0x00, 0x04, 0x00, 0x0a, 0x04, 0x00, 0x10, 0x18, 0x95, 0x31, 0x6a, 0x86, 0xdd, 0x60, 0x00,
        0x00, 0x00, 0x00, 0x1c, 0x2c, 0x40, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x06, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xe9, 0x2e,
        0x00, 0x50, 0x69, 0x81, 0x79, 0x05, 0x00, 0x00, 0x00, 0x00, 0x50, 0x02, 0x20, 0x00, 0x68, 0x66,
        0x00, 0x00,
    ]

    /// zeek ip6_esp.pcap frame 2 (170 bytes), cut after 70: ESP straight after the header.
    static let esp: [UInt8] = [
        0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x11, 0x43, 0x4a, 0xd7, 0x0a, 0x86, 0xdd, 0x60, 0x00,
        0x00, 0x00, 0x00, 0x74, 0x32, 0x40, 0x3f, 0xfe, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x3f, 0xfe, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x00, 0x01, 0x97, 0x1f,
        0x47, 0x36, 0x3b, 0x98, 0xb4, 0xc7,
    ]

    /// zeek chksums/mip6-good-mh-chksum.pcap: a 24-byte Mobility header (binding update), nothing after.
    static let mobility: [UInt8] = [
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x86, 0xdd, 0x60, 0x00,
        0x00, 0x00, 0x00, 0x18, 0x87, 0x40, 0x20, 0x01, 0x04, 0xf8, 0x00, 0x04, 0x00, 0x07, 0x02, 0xe0,
        0x81, 0xff, 0xfe, 0x52, 0xff, 0xff, 0x20, 0x01, 0x04, 0xf8, 0x00, 0x04, 0x00, 0x07, 0x02, 0xe0,
        0x81, 0xff, 0xfe, 0x52, 0x9a, 0x6b, 0x3b, 0x02, 0x07, 0x00, 0xb0, 0xd8, 0x01, 0x00, 0x20, 0x01,
        0x00, 0x78, 0x00, 0x01, 0x00, 0x32, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
    ]

    /// tcpdump ipv6_no_next_header.pcap: next header 59 and 20 bytes after the header.
    static let noNextHeader: [UInt8] = [
        0x00, 0x50, 0x56, 0xc0, 0x00, 0x08, 0x00, 0x0c, 0x29, 0x78, 0x25, 0x49, 0x86, 0xdd, 0x60, 0x00,
        0x00, 0x00, 0x00, 0x14, 0x3b, 0x40, 0x20, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x20, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    ]

    /// The routing frame with its Routing header replaced by a 24-byte Authentication header
    /// (payload length field 4: (4 + 2) * 4 bytes). Synthetic: the corpus has no AH packet.
    static let authentication: [UInt8] = {
        var f = Array(routing[0..<54])
        f[19] = 24 + 12 // payload length
        f[20] = 51      // next header: AH
        f += [0x11, 0x04, 0x00, 0x00, 0x00, 0x00, 0x10, 0x01, 0x00, 0x00, 0x00, 0x07] // UDP, len, SPI, seq
        f += [UInt8](repeating: 0xa5, count: 12)                                        // ICV
        f += routing[94...]                                                            // the UDP datagram
        return f
    }()

    /// The no-next-header frame's fixed header followed by `count` 8-byte Destination Options
    /// headers (PadN) and then an 8-byte UDP header.
    static func chain(_ count: Int) -> [UInt8] {
        var f = Array(noNextHeader[0..<54])
        let payloadLength = 8 * count + 8
        f[18] = UInt8(payloadLength >> 8); f[19] = UInt8(payloadLength & 0xff)
        f[20] = count > 0 ? 60 : 17
        for i in 0..<count { f += [i == count - 1 ? 17 : 60, 0x00, 0x01, 0x04, 0, 0, 0, 0] }
        f += [0x30, 0x39, 0x00, 0x35, 0x00, 0x08, 0x00, 0x00]
        return f
    }

    @Test func decodesEveryFieldOfThePing() throws {
        let d = Self.decode(Self.ping)
        #expect(d.issue == nil)
        let ip = try #require(d.layer)
        #expect(ip.offset == 14)
        #expect(ip.trafficClass == 0)
        #expect(ip.flowLabel == 0)
        #expect(ip.payloadLength == 40)
        #expect(ip.nextHeader == 58)
        #expect(ip.hopLimit == 128)
        #expect(ip.source.description == "2620:0:e00:400e:d1d:db37:beb:5aac")
        #expect(ip.destination.description == "2001:4860:8006::63")
        #expect(ip.extensionHeaders.count == 0)
        #expect(ip.upperLayerProtocol == 58)
        #expect(ip.fragment == nil && !ip.isFragment && !ip.isNonFirstFragment)
        #expect(ip.jumboPayloadLength == nil)
        #expect(ip.payload == 54..<94)
    }

    @Test func trafficClassAndFlowLabel() throws {
        var bytes = Self.ping
        bytes[14...17] = [0x6b, 0x8f, 0xed, 0xcb] // class 0xb8 (EF), flow label 0xfedcb
        let ip = try #require(Self.decode(bytes).layer)
        #expect(ip.trafficClass == 0xb8)
        #expect(ip.flowLabel == 0xfedcb)
    }

    @Test func hopByHopJumboRunsToTheEnd() throws {
        let d = Self.decode(Self.jumbo)
        #expect(d.issue == nil)
        let ip = try #require(d.layer)
        // tshark: ipv6.flow 0x0a31ee, ipv6.plen 0, ipv6.nxt 0, ipv6.hlim 64, ipv6.opt.jumbo 80040.
        #expect(ip.trafficClass == 0)
        #expect(ip.flowLabel == 0x0a31ee)
        #expect(ip.payloadLength == 0)
        #expect(ip.nextHeader == 0)
        #expect(ip.hopLimit == 64)
        #expect(ip.source.description == "2604:1380:4091:ce00::d")
        #expect(ip.destination.description == "2604:1380:4091:ce00::b")
        #expect(Array(ip.extensionHeaders) == [0])
        #expect(ip.jumboPayloadLength == 80040)
        #expect(ip.upperLayerProtocol == 6)
        #expect(ip.payload == 62..<100)
    }

    @Test func hopByHop() throws {
        let d = Self.decode(Self.hopByHop)
        #expect(d.issue == nil)
        let ip = try #require(d.layer)
        #expect(ip.hopLimit == 1)
        #expect(ip.destination.description == "ff02::16")
        #expect(Array(ip.extensionHeaders) == [0])
        #expect(ip.jumboPayloadLength == nil) // Router Alert and PadN only
        #expect(ip.upperLayerProtocol == 58)
        #expect(ip.payload == 62..<130)
    }

    @Test func routing() throws {
        let d = Self.decode(Self.routing)
        #expect(d.issue == nil)
        let ip = try #require(d.layer)
        #expect(Array(ip.extensionHeaders) == [43])
        #expect(ip.upperLayerProtocol == 17)
        #expect(ip.payload == 94..<106)
    }

    @Test func destinationOptions() throws {
        let d = Self.decode(Self.destinationOptions)
        #expect(d.issue == nil)
        let ip = try #require(d.layer)
        #expect(Array(ip.extensionHeaders) == [60])
        #expect(ip.upperLayerProtocol == 6)
        #expect(ip.payload == 78..<98)
    }

    @Test func atomicFragment() throws {
        let d = Self.decode(Self.atomicFragment)
        #expect(d.issue == nil)
        let ip = try #require(d.layer)
        #expect(Array(ip.extensionHeaders) == [44])
        #expect(ip.fragment == IPv6.Fragment(offset: 0, moreFragments: false, identification: 0))
        #expect(!ip.isFragment && !ip.isNonFirstFragment)
        #expect(ip.upperLayerProtocol == 6)
        #expect(ip.payload == 62..<82)
    }

    @Test func firstAndLaterFragments() throws {
        // First fragment: offset 0, M set. The walk goes on after the fragment header.
        var first = Self.atomicFragment
        first[56...61] = [0x00, 0x01, 0x8e, 0x5f, 0x32, 0x01]
        let a = try #require(Self.decode(first).layer)
        #expect(a.fragment == IPv6.Fragment(offset: 0, moreFragments: true, identification: 0x8e5f_3201))
        #expect(a.isFragment && !a.isNonFirstFragment)
        #expect(a.upperLayerProtocol == 6 && a.payload == 62..<82)

        // Later fragment whose data happens to look like a Destination Options header:
        // the walk must stop at the fragment header.
        var later = Self.atomicFragment
        later[54] = 60
        later[56...61] = [0x05, 0xa8, 0x00, 0x00, 0x00, 0x07] // offset 181 * 8 = 1448, M clear
        let d = Self.decode(later)
        #expect(d.issue == nil)
        let b = try #require(d.layer)
        #expect(b.fragment == IPv6.Fragment(offset: 1448, moreFragments: false, identification: 7))
        #expect(b.isFragment && b.isNonFirstFragment)
        #expect(Array(b.extensionHeaders) == [44])
        #expect(b.upperLayerProtocol == 60)
        #expect(b.payload == 62..<82)
    }

    @Test func authenticationHeader() throws {
        let d = Self.decode(Self.authentication)
        #expect(d.issue == nil)
        let ip = try #require(d.layer)
        #expect(Array(ip.extensionHeaders) == [51])
        #expect(ip.upperLayerProtocol == 17)
        #expect(ip.payload == 78..<90)

        let cut = Self.decode(Self.authentication, end: 70)
        #expect(cut.issue == .truncated(.ipv6, needed: 64, available: 56))
        #expect(cut.layer?.upperLayerProtocol == 51)
        #expect(cut.layer?.payload == 54..<70)
    }

    @Test func espIsOpaque() throws {
        let d = Self.decode(Self.esp)
        #expect(d.issue == nil)
        let ip = try #require(d.layer)
        #expect(ip.payloadLength == 116)
        #expect(ip.extensionHeaders.count == 0)
        #expect(ip.upperLayerProtocol == 50)
        #expect(ip.payload == 54..<70)
    }

    @Test func noNextHeader() throws {
        let d = Self.decode(Self.noNextHeader)
        #expect(d.issue == nil)
        let ip = try #require(d.layer)
        #expect(ip.extensionHeaders.count == 0)
        #expect(ip.upperLayerProtocol == 59)
        #expect(ip.payload == 54..<74)
    }

    @Test func mobility() throws {
        let d = Self.decode(Self.mobility)
        #expect(d.issue == nil)
        let ip = try #require(d.layer)
        #expect(Array(ip.extensionHeaders) == [135])
        #expect(ip.upperLayerProtocol == 59)
        #expect(ip.payload == 78..<78)
    }

    @Test func eightExtensionHeadersAreFine() throws {
        let frame = Self.chain(ExtensionHeaderList.capacity)
        let d = Self.decode(frame)
        #expect(d.issue == nil)
        let ip = try #require(d.layer)
        #expect(Array(ip.extensionHeaders) == [UInt8](repeating: 60, count: 8))
        #expect(ip.upperLayerProtocol == 17)
        #expect(ip.payload == 118..<126)
    }

    @Test func extensionHeaderChainTooLong() throws {
        let frame = Self.chain(ExtensionHeaderList.capacity + 3)
        let d = Self.decode(frame)
        #expect(d.issue == .malformed(.ipv6, .extensionHeaderChain))
        let ip = try #require(d.layer)
        #expect(ip.extensionHeaders.count == ExtensionHeaderList.capacity)
        #expect(ip.upperLayerProtocol == 60)
        #expect(ip.payload == 118..<150) // from the ninth header
    }

    @Test func payloadLengthTrimsPaddingAndBoundsTheWalk() throws {
        // Ethernet padding after the payload is dropped.
        let padded = Self.noNextHeader + [0, 0, 0, 0]
        #expect(Self.decode(padded).layer?.payload == 54..<74)

        // A payload length too small for the Routing header: the header is cut short.
        var bytes = Self.routing
        bytes[19] = 20
        let d = Self.decode(bytes)
        #expect(d.issue == .truncated(.ipv6Routing, needed: 40, available: 20))
        #expect(d.layer?.extensionHeaders.count == 0)
        #expect(d.layer?.upperLayerProtocol == 43)
        #expect(d.layer?.payload == 54..<74)
    }

    @Test func payloadLengthZeroWithoutJumboRunsToTheEnd() throws {
        var bytes = Self.ping
        bytes[18] = 0; bytes[19] = 0
        let d = Self.decode(bytes)
        #expect(d.issue == nil)
        #expect(d.layer?.payload == 54..<94)
        #expect(d.layer?.jumboPayloadLength == nil)
    }

    @Test func badVersion() {
        var bytes = Self.ping
        bytes[14] = 0x45
        let d = Self.decode(bytes)
        #expect(d.layer == nil)
        #expect(d.issue == .malformed(.ipv6, .badVersion(4)))
        #expect(Self.decode(bytes, end: 15).issue == .malformed(.ipv6, .badVersion(4)))
    }

    @Test func malformedHopByHopOptionsDoNotTrap() throws {
        // An option whose length runs past the header, and one with a bogus jumbo length.
        var bytes = Self.jumbo
        bytes[57] = 0xff
        let a = try #require(Self.decode(bytes).layer)
        #expect(a.jumboPayloadLength == nil)
        #expect(a.upperLayerProtocol == 6)
        bytes[57] = 0x03
        #expect(try #require(Self.decode(bytes).layer).jumboPayloadLength == nil)
    }

    @Test func offsetsOutsideTheViewDoNotTrap() {
        NetTestSupport.view(Self.ping) { v in
            #expect(IPv6.decode(v, at: 94, end: 94).issue == .truncated(.ipv6, needed: 40, available: 0))
            #expect(IPv6.decode(v, at: -1, end: 94).issue == .truncated(.ipv6, needed: 40, available: 0))
            #expect(IPv6.decode(v, at: 14, end: 1000).layer?.payload == 54..<94)
        }
    }

    /// Cuts a frame with one extension header of `length` bytes at every byte and checks the
    /// decoder reports that header, on `layer`, as cut short.
    func checkEveryCut(_ frame: [UInt8], header: UInt8, length: Int, layer: Layer, upper: UInt8) {
        let extStart = 54, extEnd = 54 + length
        NetTestSupport.everyCut(frame, offset: 14, decode: { IPv6.decode($0, at: $1, end: $2) }) { cut, available, d in
            switch cut {
            case ..<54:
                #expect(d.layer == nil, "cut \(cut)")
                #expect(d.issue == .truncated(.ipv6, needed: 40, available: available), "cut \(cut)")
            case ..<extEnd:
                // Before the length byte is there, the minimum length (8) is needed.
                let needed = cut - extStart < 2 ? 8 : length
                #expect(d.issue == .truncated(layer, needed: needed, available: cut - extStart), "cut \(cut)")
                #expect(d.layer?.extensionHeaders.count == 0, "cut \(cut)")
                #expect(d.layer?.upperLayerProtocol == header, "cut \(cut)")
                #expect(d.layer?.payload == extStart..<cut, "cut \(cut)")
            default:
                #expect(d.issue == nil, "cut \(cut)")
                #expect(d.layer.map { Array($0.extensionHeaders) } == [header], "cut \(cut)")
                #expect(d.layer?.upperLayerProtocol == upper, "cut \(cut)")
                #expect(d.layer?.payload == extEnd..<cut, "cut \(cut)")
            }
        }
    }

    @Test func hopByHopTruncatedAtEveryByte() {
        checkEveryCut(Self.jumbo, header: 0, length: 8, layer: .ipv6Hopopts, upper: 6)
    }

    @Test func routingTruncatedAtEveryByte() {
        checkEveryCut(Self.routing, header: 43, length: 40, layer: .ipv6Routing, upper: 17)
    }

    @Test func fragmentTruncatedAtEveryByte() {
        // The fragment header is always 8 bytes, whatever its second byte says.
        checkEveryCut(Self.atomicFragment, header: 44, length: 8, layer: .ipv6Fraghdr, upper: 6)
    }

    @Test func destinationOptionsTruncatedAtEveryByte() {
        checkEveryCut(Self.destinationOptions, header: 60, length: 24, layer: .ipv6Dstopts, upper: 6)
    }

    @Test func mobilityTruncatedAtEveryByte() {
        // No layer of its own: reported on .ipv6, counted from the IPv6 header.
        NetTestSupport.everyCut(Self.mobility, offset: 14, decode: { IPv6.decode($0, at: $1, end: $2) }) { cut, available, d in
            switch cut {
            case ..<54:
                #expect(d.layer == nil && d.issue == .truncated(.ipv6, needed: 40, available: available), "cut \(cut)")
            case ..<78:
                let needed = cut - 54 < 2 ? 48 : 64
                #expect(d.issue == .truncated(.ipv6, needed: needed, available: available), "cut \(cut)")
                #expect(d.layer?.upperLayerProtocol == 135, "cut \(cut)")
            default:
                #expect(d.issue == nil, "cut \(cut)")
                #expect(d.layer?.upperLayerProtocol == 59, "cut \(cut)")
            }
        }
    }

    @Test func pingTruncatedAtEveryByte() {
        NetTestSupport.everyCut(Self.ping, offset: 14, decode: { IPv6.decode($0, at: $1, end: $2) }) { cut, available, d in
            if available < 40 {
                #expect(d.layer == nil, "cut \(cut)")
                #expect(d.issue == .truncated(.ipv6, needed: 40, available: available), "cut \(cut)")
            } else {
                #expect(d.issue == nil, "cut \(cut)")
                #expect(d.layer?.destination.description == "2001:4860:8006::63", "cut \(cut)")
                #expect(d.layer?.payload == 54..<cut, "cut \(cut)")
            }
        }
    }
}
