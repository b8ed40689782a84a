import Testing
@testable import Dissect

@Suite struct UDPTests {
    typealias V = TransportVectors

    // tshark -r tcpdump__dns_udp.pcap -Y frame.number==1 -V
    @Test func dnsQuery() {
        V.with(V.dnsQueryUDP) { b in
            let d = UDP.decode(b, at: 34, end: b.count)
            #expect(d.issue == nil)
            let u = try! #require(d.layer)
            #expect(u.offset == 34)
            #expect(u.sourcePort == 43966)
            #expect(u.destinationPort == 53)
            #expect(u.length == 64)
            #expect(u.checksum == 0x7824)
            #expect(u.payload == 42..<98)
        }
    }

    @Test func paddingAfterLengthIsDropped() {
        V.with(V.dnsQueryUDP + [0, 0, 0, 0]) { b in
            let d = UDP.decode(b, at: 34, end: b.count)
            #expect(d.issue == nil)
            #expect(d.layer?.payload == 42..<98)
        }
    }

    @Test(arguments: [0, 1, 7])
    func lengthBelowHeader(length: UInt8) {
        let h: [UInt8] = [0x00, 0x35, 0x00, 0x35, 0x00, length, 0x12, 0x34, 1, 2, 3]
        V.with(h) { b in
            let d = UDP.decode(b, at: 0, end: b.count)
            #expect(d.issue == .malformed(.udp, .lengthFieldTooSmall(Int(length))))
            #expect(d.layer?.sourcePort == 53)
            #expect(d.layer?.length == Int(length))
            #expect(d.layer?.payload == 8..<8)
        }
    }

    @Test func lengthBeyondCapture() {
        let h: [UInt8] = [0x00, 0x35, 0x00, 0x35, 0x01, 0x00, 0x12, 0x34, 1, 2, 3]
        V.with(h) { b in
            let d = UDP.decode(b, at: 0, end: b.count)
            #expect(d.issue == .truncated(.udp, needed: 256, available: 11))
            #expect(d.layer?.payload == 8..<11)
        }
    }

    @Test func truncatedAtEveryByte() {
        V.with(V.dnsQueryUDP) { b in
            for cut in 0...b.count {
                let d = UDP.decode(b, at: 34, end: cut)
                let available = max(cut - 34, 0)
                if available < 8 {
                    #expect(d.layer == nil)
                    #expect(d.issue == .truncated(.udp, needed: 8, available: available))
                } else if available < 64 {
                    #expect(d.layer?.payload == 42..<cut)
                    #expect(d.issue == .truncated(.udp, needed: 64, available: available))
                } else {
                    #expect(d.issue == nil)
                    #expect(d.layer?.payload == 42..<98)
                }
            }
        }
    }
}

/// issue 18: a snapshot length is not damage. A UDP datagram cut by the snaplen (the
/// frame's wire length is longer than what was captured) decodes without an issue, as a
/// TCP segment cut the same way does; a UDP length beyond the IP payload still is one.
@Suite struct UDPSnaplenTests {
    typealias V = TransportVectors

    func decode(_ bytes: [UInt8], captured: Int) -> Frame {
        bytes.withUnsafeBytes { all in
            let view = ByteView(UnsafeRawBufferPointer(rebasing: all[0..<captured]))
            let raw = RawFrame(bytes: view, timestamp: Timestamp(seconds: 0, nanoseconds: 0),
                               originalLength: bytes.count, linkType: .ethernet)
            return FrameDecoder.decode(raw, number: 1)
        }
    }

    @Test func cutBySnaplenIsNotDamage() {
        // Ethernet 14 + IPv4 20 + UDP 8 = 42: cut inside the DNS payload, as -s 60 does.
        let frame = decode(V.dnsQueryUDP, captured: 60)
        #expect(frame.udp != nil)
        #expect(frame.udp?.payload == 42..<60)
        #expect(!frame.issues.contains { $0.description.contains("udp") }, "\(Array(frame.issues))")
    }

    @Test func lengthBeyondTheIPPayloadIsStillDamage() {
        var bytes = V.dnsQueryUDP
        bytes[38] = 0x01  // UDP length 0x01xx: beyond the IP total length
        let frame = decode(bytes, captured: bytes.count)
        #expect(frame.issues.contains { $0.description.contains("udp") }, "\(Array(frame.issues))")
    }
}
