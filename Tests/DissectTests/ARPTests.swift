import Testing
@testable import Dissect

@Suite struct ARPTests {
    /// zeek arp-who-has.pcap frame 1: who has 10.0.0.1? tell 10.0.0.2 (42 bytes, no padding).
    static let request: [UInt8] = [
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x78, 0x31, 0xc1, 0xc6, 0x3f, 0xc2, 0x08, 0x06, 0x00, 0x01,
        0x08, 0x00, 0x06, 0x04, 0x00, 0x01, 0x78, 0x31, 0xc1, 0xc6, 0x3f, 0xc2, 0x0a, 0x00, 0x00, 0x02,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x01,
    ]

    /// zeek arp-who-has.pcap frame 2: the reply, padded to 60 bytes with a non-zero trailer.
    static let reply: [UInt8] = [
        0x78, 0x31, 0xc1, 0xc6, 0x3f, 0xc2, 0xf8, 0xed, 0xa5, 0xc0, 0xa4, 0xf1, 0x08, 0x06, 0x00, 0x01,
        0x08, 0x00, 0x06, 0x04, 0x00, 0x02, 0xf8, 0xed, 0xa5, 0xc0, 0xa4, 0xf1, 0x0a, 0x00, 0x00, 0x01,
        0x78, 0x31, 0xc1, 0xc6, 0x3f, 0xc2, 0x0a, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x1f, 0x0b, 0x60, 0xce,
    ]

    static func decode(_ frame: [UInt8], end: Int? = nil) -> Decoded<ARP> {
        NetTestSupport.view(frame) { ARP.decode($0, at: 14, end: end ?? frame.count) }
    }

    @Test func decodesRequest() throws {
        let d = Self.decode(Self.request)
        #expect(d.issue == nil)
        let arp = try #require(d.layer)
        // tshark: arp.hw.type 1, arp.proto.type 0x0800, sizes 6/4, arp.opcode 1,
        // arp.src.hw_mac 78:31:c1:c6:3f:c2, arp.src.proto_ipv4 10.0.0.2,
        // arp.dst.hw_mac 00:00:00:00:00:00, arp.dst.proto_ipv4 10.0.0.1.
        #expect(arp.offset == 14)
        #expect(arp.hardwareType == 1)
        #expect(arp.protocolType == 0x0800)
        #expect(arp.hardwareSize == 6)
        #expect(arp.protocolSize == 4)
        #expect(arp.opcode == 1)
        #expect(arp.senderMAC?.description == "78:31:c1:c6:3f:c2")
        #expect(arp.senderIP == IPv4Address("10.0.0.2"))
        #expect(arp.targetMAC == MACAddress(rawValue: 0))
        #expect(arp.targetIP == IPv4Address("10.0.0.1"))
    }

    @Test func decodesPaddedReply() throws {
        let d = Self.decode(Self.reply)
        #expect(d.issue == nil)
        let arp = try #require(d.layer)
        #expect(arp.opcode == 2)
        #expect(arp.senderMAC?.description == "f8:ed:a5:c0:a4:f1")
        #expect(arp.senderIP == IPv4Address("10.0.0.1"))
        #expect(arp.targetMAC?.description == "78:31:c1:c6:3f:c2")
        #expect(arp.targetIP == IPv4Address("10.0.0.2"))
    }

    @Test func otherAddressSizesAreLeftNil() throws {
        // Hardware size 8 (e.g. EUI-64), protocol size 4: 8 + 2 * 12 = 32 bytes needed.
        var bytes = Self.reply
        bytes[18] = 8
        let d = Self.decode(bytes)
        #expect(d.issue == nil)
        let arp = try #require(d.layer)
        #expect(arp.hardwareSize == 8)
        #expect(arp.senderMAC == nil && arp.senderIP == nil && arp.targetMAC == nil && arp.targetIP == nil)

        // The same cut short: the issue gives the full length.
        let cut = Self.decode(bytes, end: 40)
        #expect(cut.layer?.opcode == 2)
        #expect(cut.issue == .truncated(.arp, needed: 32, available: 26))

        // Sizes of 255 cannot run past the bytes either.
        bytes[18] = 255; bytes[19] = 255
        #expect(Self.decode(bytes).issue == .truncated(.arp, needed: 8 + 2 * 510, available: 46))
    }

    @Test func truncatedAtEveryByte() {
        NetTestSupport.everyCut(Self.request, offset: 14, decode: { ARP.decode($0, at: $1, end: $2) }) { cut, available, d in
            switch available {
            case ..<8:
                #expect(d.layer == nil, "cut \(cut)")
                #expect(d.issue == .truncated(.arp, needed: 8, available: available), "cut \(cut)")
            case 8..<28:
                #expect(d.layer?.opcode == 1, "cut \(cut)")
                #expect(d.layer?.protocolType == 0x0800, "cut \(cut)")
                #expect(d.layer?.senderMAC == nil && d.layer?.targetIP == nil, "cut \(cut)")
                #expect(d.issue == .truncated(.arp, needed: 28, available: available), "cut \(cut)")
            default:
                #expect(d.issue == nil, "cut \(cut)")
                #expect(d.layer?.targetIP == IPv4Address("10.0.0.1"), "cut \(cut)")
            }
        }
    }
}
