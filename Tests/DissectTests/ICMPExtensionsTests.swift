import Testing
@testable import Dissect

/// RFC 4884 / RFC 5837: an ICMP time-exceeded whose 128-byte quote is followed by an
/// interface information object (ifIndex 5, 10.0.0.254, "eth0", MTU 1500). tshark 4.0
/// decodes it as "Interface Information Object" with every sub-object.
@Suite struct ICMPExtensionsTests {
    static let timeExceeded: [UInt8] = [
        0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x08, 0x00, 0x45, 0x00,
        0x00, 0xbc, 0x00, 0x01, 0x00, 0x00, 0x40, 0x01, 0x65, 0x42, 0x0a, 0x00, 0x00, 0xfe, 0x0a, 0x00,
        0x00, 0x01, 0x0b, 0x00, 0xef, 0x6d, 0x00, 0x20, 0x00, 0x00, 0x45, 0x00, 0x00, 0x50, 0x00, 0x07,
        0x00, 0x00, 0x01, 0x11, 0xa5, 0x8d, 0x0a, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x09, 0x82, 0x9a,
        0x82, 0x9b, 0x00, 0x3c, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x20, 0x00, 0x20, 0x27, 0x00, 0x1c,
        0x02, 0x0f, 0x00, 0x00, 0x00, 0x05, 0x00, 0x01, 0x00, 0x00, 0x0a, 0x00, 0x00, 0xfe, 0x08, 0x65,
        0x74, 0x68, 0x30, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0xdc,
    ]

    @Test func interfaceInformation() throws {
        try TransportVectors.with(Self.timeExceeded) { b in
            let icmp = 34
            let original = ICMPExtensions.originalDatagramLength(b, icmpOffset: icmp, v6: false)
            #expect(original == 128)
            let e = try #require(ICMPExtensions.decode(b, payload: (icmp + 8)..<b.count, originalLength: original))
            #expect(e.offset == icmp + 8 + 128)
            #expect(e.version == 2)
            #expect(e.checksum == 0x2027)
            let objects = Array(e.objects(b))
            #expect(objects.count == 1)
            let object = try #require(objects.first)
            #expect(object.classNumber == 2)
            #expect(object.cType == 0x0F)
            #expect(object.length == 28)
            let info = try #require(ICMPExtensions.InterfaceInformation.decode(b, object))
            #expect(info.role == 0)
            #expect(info.ifIndex == 5)
            #expect(info.afi == 1)
            #expect(info.address.map { IPv4Address(b, at: $0.lowerBound).description } == "10.0.0.254")
            #expect(info.name.map { String(decoding: b.slice($0), as: UTF8.self) } == "eth0")
            #expect(info.nameLength == 8)
            #expect(info.mtu == 1500)
        }
    }

    /// Cut anywhere, the parser returns what is whole and never reads past the end.
    @Test func truncatedAtEveryByte() {
        TransportVectors.with(Self.timeExceeded) { b in
            for cut in 0...b.count {
                let view = b.slice(0..<cut)
                let original = ICMPExtensions.originalDatagramLength(view, icmpOffset: 34, v6: false)
                guard let e = ICMPExtensions.decode(view, payload: min(42, cut)..<cut, originalLength: original) else {
                    #expect(cut < 34 + 8 + 128 + 4)
                    continue
                }
                for object in e.objects(view) {
                    #expect(object.offset + object.length <= cut)
                    if let info = ICMPExtensions.InterfaceInformation.decode(view, object) { #expect(info.ifIndex == 5) }
                }
                if cut == b.count { #expect(Array(e.objects(view)).count == 1) }
                if cut < b.count { #expect(Array(e.objects(view)).isEmpty) }
            }
        }
    }

    @Test func noLengthNoExtensions() {
        var bytes = Self.timeExceeded
        bytes[34 + 5] = 0
        TransportVectors.with(bytes) { b in
            #expect(ICMPExtensions.decode(b, payload: 42..<b.count, originalLength: 0) == nil)
        }
    }
}
