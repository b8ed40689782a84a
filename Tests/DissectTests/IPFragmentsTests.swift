import Testing
@testable import Dissect

@Suite struct IPFragmentsTests {
    static func payload(_ n: Int, _ fill: UInt8 = 0xAB) -> [UInt8] { [UInt8](repeating: fill, count: n) }

    static func add(_ r: IPFragments, id: UInt32, offset: Int, more: Bool, _ data: [UInt8], frame: Int = 1,
                    seconds: Int64 = 0) -> IPFragments.Completed? {
        data.withUnsafeBytes { raw in
            r.add(source: IPv6Address(high: 0, low: 1), destination: IPv6Address(high: 0, low: 2), identification: id,
                  proto: 17, v6: false, offset: offset, more: more, data: ByteView(raw), frame: frame,
                  time: Timestamp(seconds: seconds, nanoseconds: 0))
        }
    }

    @Test func inOrderAndOutOfOrder() throws {
        let a = (0..<24).map { UInt8($0) }
        for order in [[0, 1, 2], [2, 0, 1], [1, 2, 0]] {
            let r = IPFragments()
            var done: IPFragments.Completed?
            for i in order {
                done = Self.add(r, id: 7, offset: i * 8, more: i != 2, Array(a[(i * 8)..<(i * 8 + 8)]), frame: i + 1)
                if i != order.last { #expect(done == nil) }
            }
            let d = try #require(done)
            #expect(d.payload == a)
            #expect(d.fragments.map(\.frame) == order.map { $0 + 1 })
            #expect(r.inProgress == 0)
            #expect(r.bufferedBytes == 0)
        }
    }

    @Test func firstCopyOfOverlapWins() throws {
        let r = IPFragments()
        #expect(Self.add(r, id: 1, offset: 0, more: true, Self.payload(16, 1)) == nil)
        let d = try #require(Self.add(r, id: 1, offset: 8, more: false, Self.payload(16, 2)))
        #expect(d.payload == Self.payload(16, 1) + Self.payload(8, 2))
    }

    @Test func beyondMaximumIsRefused() {
        let r = IPFragments()
        #expect(Self.add(r, id: 1, offset: 65_528, more: true, Self.payload(16)) == nil)
        #expect(r.refused == 1)
        #expect(r.inProgress == 0)
    }

    /// A flood of first fragments that never complete: memory stays at the caps, every
    /// datagram past them is counted as evicted.
    @Test func floodStaysWithinCaps() {
        let r = IPFragments(maxDatagrams: 64, maxBytes: 40_000)
        for id in 0..<20_000 {
            _ = Self.add(r, id: UInt32(id), offset: 0, more: true, Self.payload(1_000), frame: id)
            #expect(r.inProgress <= 64)
            #expect(r.bufferedBytes <= 40_000)
        }
        #expect(r.evicted == 20_000 - r.inProgress)
        #expect(r.inProgress == 40)
        // Still working after the flood.
        _ = Self.add(r, id: 99_999, offset: 0, more: true, Self.payload(8), frame: 1)
        #expect(Self.add(r, id: 99_999, offset: 8, more: false, Self.payload(8), frame: 2)?.payload.count == 16)
    }

    @Test func incompleteDatagramsTimeOut() {
        let r = IPFragments(timeout: 30_000_000_000)
        _ = Self.add(r, id: 1, offset: 0, more: true, Self.payload(8), seconds: 0)
        _ = Self.add(r, id: 2, offset: 0, more: true, Self.payload(8), seconds: 20)
        #expect(r.inProgress == 2)
        _ = Self.add(r, id: 3, offset: 0, more: true, Self.payload(8), seconds: 45)
        #expect(r.timedOut == 1)
        #expect(r.inProgress == 2)
        #expect(r.bufferedBytes == 16)
    }

    /// The decoder with a reassembler: the last fragment carries UDP, decoded over the
    /// reassembled bytes; the earlier ones are data.
    @Test func decoderReassemblesUDP() throws {
        // Ethernet + IPv4 (id 0x1234, proto 17) fragments of a 24-byte UDP datagram (8 + 16).
        func fragment(offset: Int, more: Bool, _ body: [UInt8]) -> [UInt8] {
            let total = 20 + body.count
            let flags = UInt16(more ? 0x2000 : 0) | UInt16(offset / 8)
            return [UInt8](repeating: 0, count: 12) + [0x08, 0x00] +
                [0x45, 0, UInt8(total >> 8), UInt8(total & 0xFF), 0x12, 0x34, UInt8(flags >> 8), UInt8(flags & 0xFF),
                 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2] + body
        }
        let udp: [UInt8] = [0x13, 0x88, 0x27, 0x0F, 0x00, 0x18, 0x00, 0x00] + (0..<16).map { UInt8($0) }
        let first = fragment(offset: 0, more: true, Array(udp[0..<16]))
        let last = fragment(offset: 16, more: false, Array(udp[16..<24]))
        let fragments = IPFragments()
        let frame = Frame()
        for (n, bytes) in [first, last].enumerated() {
            bytes.withUnsafeBytes { raw in
                let rawFrame = RawFrame(bytes: ByteView(raw), timestamp: .zero, originalLength: bytes.count, linkType: .ethernet)
                FrameDecoder.decode(rawFrame, number: n + 1, into: frame, fragments: fragments)
                if n == 0 {
                    #expect(frame.udp == nil)
                    #expect(frame.protocols.last == .data)
                    #expect(frame.reassembled == nil)
                } else {
                    #expect(frame.udp?.sourcePort == 5000)
                    #expect(frame.udp?.destinationPort == 9999)
                    #expect(frame.udp?.length == 24)
                    #expect(frame.reassembled?.fragments.map(\.frame) == [1, 2])
                    #expect(frame.reassembled?.length == 24)
                    #expect(frame.raw.bytes.count == bytes.count)
                    #expect(frame.bytes.count == 34 + 24)
                }
            }
        }
        // The next frame reads its own bytes again.
        first.withUnsafeBytes { raw in
            let rawFrame = RawFrame(bytes: ByteView(raw), timestamp: .zero, originalLength: first.count, linkType: .ethernet)
            FrameDecoder.decode(rawFrame, number: 3, into: frame)
            #expect(frame.reassembled == nil)
            #expect(frame.bytes.count == first.count)
        }
    }
}
