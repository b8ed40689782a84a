import Testing
@testable import Dissect

@Suite struct PcapngReaderTests {
    @Test(arguments: [false, true])
    func readsEnhancedPacketBlocks(bigEndian: Bool) {
        let be = bigEndian
        let bytes = Capture.shb(bigEndian: be)
            + Capture.idb(bigEndian: be, linkType: 1, snapLength: 262_144,
                          options: [(2, Array("eth0".utf8)), (3, Array("uplink\0".utf8))])
            + Capture.epb(bigEndian: be, units: 1_700_000_000_123_456, data: Capture.payload(61), originalLength: 1000)
            + Capture.epb(bigEndian: be, units: 1_700_000_001_000_000, data: Capture.payload(4))
        let r = Capture.read(bytes)
        #expect(r.error == nil)
        #expect(r.format == .pcapng)
        #expect(r.frames.count == 2)
        #expect(r.frames[0].bytes == Capture.payload(61))
        #expect(r.frames[0].originalLength == 1000)
        #expect(r.frames[0].timestamp == Timestamp(seconds: 1_700_000_000, nanoseconds: 123_456_000))
        #expect(r.frames[0].fileOffset == Int64(Capture.shb().count + r.interfaces.count * 0 + idbLength(options: ["eth0", "uplink\0"])))
        #expect(r.frames[1].timestamp == Timestamp(seconds: 1_700_000_001, nanoseconds: 0))
        #expect(r.interfaces == [CaptureInterface(linkType: .ethernet, snapLength: 262_144, name: "eth0", description: "uplink")])
        #expect(r.bytesConsumed == Int64(bytes.count))
    }

    private func idbLength(options: [String]) -> Int {
        Capture.idb(options: options.map { (UInt16(2), Array($0.utf8)) }).count
    }

    @Test func interfacesAreKnownBeforeTheFirstPacket() throws {
        let path = Capture.temporaryFile(Capture.shb() + Capture.idb(linkType: 113) + Capture.idb(linkType: 276)
                                         + Capture.epb(interface: 1, units: 0, data: [1]))
        let reader = try CaptureFileReader(path: path)
        #expect(reader.interfaces.map(\.linkType) == [.linuxSLL, .linuxSLL2])
        #expect(reader.framesRead == 0)
        let frame = try reader.next()
        #expect(frame?.linkType == .linuxSLL2)
        #expect(frame?.interfaceID == 1)
        #expect(reader.framesRead == 1)
        #expect(try reader.next() == nil)
    }

    @Test func sectionsOfDifferentByteOrder() {
        let bytes = Capture.shb(bigEndian: false)
            + Capture.idb(bigEndian: false, linkType: 1)
            + Capture.epb(bigEndian: false, units: 1_000_000, data: [1, 2, 3])
            + Capture.shb(bigEndian: true)
            + Capture.idb(bigEndian: true, linkType: 101)
            + Capture.idb(bigEndian: true, linkType: 228)
            + Capture.epb(bigEndian: true, interface: 1, units: 2_000_000, data: [4, 5])
            + Capture.epb(bigEndian: true, interface: 0, units: 3_000_000, data: [6])
            + Capture.shb(bigEndian: false)
            + Capture.idb(bigEndian: false, linkType: 229)
            + Capture.spb(bigEndian: false, originalLength: 1, data: [7])
        let r = Capture.read(bytes)
        #expect(r.error == nil)
        #expect(r.frames.map(\.bytes) == [[1, 2, 3], [4, 5], [6], [7]])
        #expect(r.frames.map(\.interfaceID) == [0, 2, 1, 3])
        #expect(r.frames.map(\.linkType) == [.ethernet, .ipv4, .raw, .ipv6])
        #expect(r.frames.map(\.timestamp.seconds) == [1, 2, 3, 0])
        #expect(r.interfaces.map(\.section) == [0, 1, 1, 2])
    }

    @Test func timestampResolutions() {
        let bytes = Capture.shb()
            + Capture.idb(options: [(9, [3])])            // milliseconds
            + Capture.idb(options: [(9, [0x80 | 10])])    // 1/1024 s
            + Capture.idb(options: [(9, [9]), (14, le64(-100))])
            + Capture.idb(options: [(9, [12])])           // picoseconds: truncated to ns
            + Capture.epb(interface: 0, units: 1_500, data: [])
            + Capture.epb(interface: 1, units: 3 * 1024 + 512, data: [])
            + Capture.epb(interface: 2, units: 1_000_000_000_500, data: [])
            + Capture.epb(interface: 3, units: 2_000_000_000_001_999, data: [])
        let r = Capture.read(bytes)
        #expect(r.error == nil)
        #expect(r.frames.map(\.timestamp) == [
            Timestamp(seconds: 1, nanoseconds: 500_000_000),
            Timestamp(seconds: 3, nanoseconds: 500_000_000),
            Timestamp(seconds: 1000 - 100, nanoseconds: 500),
            Timestamp(seconds: 2000, nanoseconds: 1),
        ])
        #expect(r.interfaces.map(\.timestampResolution) == [
            .decimal(exponent: 3), .binary(exponent: 10), .nanoseconds, .decimal(exponent: 12),
        ])
        #expect(r.interfaces[2].timestampOffset == -100)
    }

    private func le64(_ v: Int64) -> [UInt8] {
        var b = ByteBuilder()
        b.u64(UInt64(bitPattern: v))
        return b.bytes
    }

    @Test func timestampsPast2106() {
        // 2200-01-01T00:00:00Z = 7258118400 s: does not fit in 32 bits.
        let seconds: UInt64 = 7_258_118_400
        let bytes = Capture.shb() + Capture.idb(options: [(9, [9])])
            + Capture.epb(units: seconds * 1_000_000_000 + 42, data: [0])
        #expect(Capture.read(bytes).frames.first?.timestamp == Timestamp(seconds: 7_258_118_400, nanoseconds: 42))
    }

    @Test func simplePacketBlocks() {
        let bytes = Capture.shb() + Capture.idb(linkType: 1, snapLength: 8)
            + Capture.spb(originalLength: 20, data: Capture.payload(12))   // snaplen wins: 8
            + Capture.spb(originalLength: 3, data: Capture.payload(4))     // original length wins: 3
            + Capture.spb(originalLength: 6, data: Capture.payload(6))     // padded to 8 in the block
        let r = Capture.read(bytes)
        #expect(r.error == nil)
        #expect(r.frames.map(\.bytes) == [Capture.payload(8), Capture.payload(3), Capture.payload(6)])
        #expect(r.frames.map(\.originalLength) == [20, 3, 6])

        // With no snaplen, the block body bounds the captured length.
        let unlimited = Capture.shb() + Capture.idb(linkType: 1, snapLength: 0)
            + Capture.spb(originalLength: 1500, data: Capture.payload(64))
        #expect(Capture.read(unlimited).frames.first?.bytes == Capture.payload(64))
    }

    @Test func obsoletePacketBlock() {
        let bytes = Capture.shb() + Capture.idb(linkType: 1) + Capture.idb(linkType: 0)
            + Capture.pb(interface: 1, units: 5_000_001, data: Capture.payload(9), originalLength: 99)
        let r = Capture.read(bytes)
        #expect(r.error == nil)
        #expect(r.frames.first?.bytes == Capture.payload(9))
        #expect(r.frames.first?.originalLength == 99)
        #expect(r.frames.first?.linkType == .null)
        #expect(r.frames.first?.timestamp == Timestamp(seconds: 5, nanoseconds: 1000))
    }

    @Test func blocksWithoutPacketsAreSkipped() {
        var isb = ByteBuilder()
        isb.u32(0); isb.u32(0); isb.u32(0)
        isb.raw(Capture.options([(2, [0, 0, 0, 0, 0, 0, 0, 0]), (4, [1, 0, 0, 0, 0, 0, 0, 0])]))
        let bytes = Capture.shb() + Capture.idb()
            + Capture.block(4, body: [1, 0, 4, 0, 10, 0, 0, 1] + Array("x\0".utf8) + [0, 0, 0, 0])   // NRB
            + Capture.epb(units: 0, data: [1])
            + Capture.block(5, body: isb.bytes)                                                    // ISB
            + Capture.block(0x0000_0BAD, body: [0x00, 0x00, 0x7E, 0xD9] + Capture.payload(7))     // CB
            + Capture.block(0x4000_0BAD, body: [0x00, 0x00, 0x7E, 0xD9])                          // DCB
            + Capture.block(0x0000_000A, body: [0x4B, 0x53, 0x4C, 0x54, 0, 0, 0, 2, 0, 0])          // DSB
            + Capture.block(0x1234_5678, body: Capture.payload(33))                                // unknown
            + Capture.epb(units: 0, data: [2])
            + Capture.block(0x0000_0BAD, body: [])                                                 // bare minimum
        let r = Capture.read(bytes)
        #expect(r.error == nil)
        // Custom Blocks are frames, as tshark lists them: their data after the PEN (with
        // the block's padding); one too short to hold a PEN is skipped.
        #expect(r.frames.map(\.bytes) == [[1], Capture.payload(7) + [0], [], [2]])
        #expect(r.frames.map(\.linkType) == [.ethernet, .pcapngCustom, .pcapngCustomNoCopy, .ethernet])

    }

    @Test func optionsRunningPastTheBlockAreIgnored() {
        var body = ByteBuilder()
        body.u16(1); body.u16(0); body.u32(0)
        body.u16(2); body.u16(200); body.raw(Array("eth0".utf8))   // claims 200 bytes, has 4
        let bytes = Capture.shb() + Capture.block(1, body: body.bytes) + Capture.epb(units: 0, data: [9])
        let r = Capture.read(bytes)
        #expect(r.error == nil)
        #expect(r.interfaces.first?.name == nil)
        #expect(r.frames.count == 1)
    }

    @Test func zeroAndHugeBlockLengths() {
        let start = Capture.shb() + Capture.idb() + Capture.epb(units: 0, data: [1])
        let offset = Int64(start.count)
        var zero = ByteBuilder()
        zero.u32(6); zero.u32(0); zero.u32(0)
        let r = Capture.read(start + zero.bytes)
        #expect(r.frames.count == 1)
        #expect(r.error == .invalidBlockLength(packet: 2, offset: offset, length: 0, problem: .tooSmall(minimum: 32)))

        var huge = ByteBuilder()
        huge.u32(6); huge.u32(0xFFFF_FFF0); huge.raw(Capture.payload(40))
        let h = Capture.read(start + huge.bytes)
        #expect(h.frames.count == 1)
        #expect(h.error == .invalidBlockLength(packet: 2, offset: offset, length: 0xFFFF_FFF0,
                                               problem: .tooLarge(limit: PcapngBlockReader.maximumBlockLength)))

        // Large but allowed: longer than the file, so the file is truncated.
        var long = ByteBuilder()
        long.u32(0xBAD); long.u32(64 << 20); long.raw(Capture.payload(40))
        #expect(Capture.read(start + long.bytes).error
                == .truncatedRecord(packet: 2, offset: offset, needed: 64 << 20, available: 48))

        var odd = ByteBuilder()
        odd.u32(5); odd.u32(21); odd.raw(Capture.payload(13))
        #expect(Capture.read(start + odd.bytes).error
                == .invalidBlockLength(packet: 2, offset: offset, length: 21, problem: .notMultipleOfFour))

        let unknownTooSmall = Capture.read(start + [0x99, 0, 0, 0, 8, 0, 0, 0, 8, 0, 0, 0])
        #expect(unknownTooSmall.error == .invalidBlockLength(packet: 2, offset: offset, length: 8, problem: .tooSmall(minimum: 12)))
    }

    @Test func trailerMismatch() {
        let first = Capture.shb() + Capture.idb() + Capture.epb(units: 0, data: [1])
        let r = Capture.read(first + Capture.epb(units: 0, data: [2], trailer: 12345))
        #expect(r.frames.map(\.bytes) == [[1]])
        let length = UInt32(Capture.epb(units: 0, data: [2]).count)
        #expect(r.error == .blockTrailerMismatch(packet: 2, offset: Int64(first.count), leading: length, trailing: 12345))
        #expect(r.error?.description == "packet 2: pcapng block at byte offset \(first.count) has length \(length) but trailing length 12345")

        let skipped = Capture.read(first + Capture.block(0x0BAD, body: [0, 0, 0, 0], trailer: 7))
        #expect(skipped.error == .blockTrailerMismatch(packet: 2, offset: Int64(first.count), leading: 16, trailing: 7))
    }

    @Test func capturedLengthBeyondTheBlock() {
        let head = Capture.shb() + Capture.idb()
        let epb = Capture.epb(units: 0, data: Capture.payload(8), captureLength: 65535)
        let r = Capture.read(head + epb)
        #expect(r.error == .invalidBlockLength(packet: 1, offset: Int64(head.count), length: UInt32(epb.count),
                                               problem: .tooSmallForPacket(captureLength: 65535)))
    }

    @Test func badInterfaceIDs() {
        let head = Capture.shb() + Capture.idb()
        let r = Capture.read(head + Capture.epb(units: 0, data: [1]) + Capture.epb(interface: 1, units: 0, data: [2]))
        #expect(r.frames.count == 1)
        #expect(r.error == .badInterfaceID(packet: 2, offset: Int64(head.count + Capture.epb(units: 0, data: [1]).count), interfaceID: 1, interfaceCount: 1))

        // Interfaces of an earlier section do not count.
        let second = Capture.read(head + Capture.shb() + Capture.epb(units: 0, data: [1]))
        #expect(second.error == .badInterfaceID(packet: 1, offset: Int64(head.count + Capture.shb().count),
                                                interfaceID: 0, interfaceCount: 0))

        let spb = Capture.read(Capture.shb() + Capture.spb(originalLength: 1, data: [1]))
        #expect(spb.error == .badInterfaceID(packet: 1, offset: Int64(Capture.shb().count), interfaceID: 0, interfaceCount: 0))
    }

    @Test func unsupportedSectionVersions() {
        let atStart = Capture.read(Capture.shb(major: 0, minor: 1) + Capture.idb())
        #expect(atStart.error == .unsupportedVersion(format: .pcapng, major: 0, minor: 1, offset: 0))

        let first = Capture.shb() + Capture.idb() + Capture.epb(units: 0, data: [1])
        let later = Capture.read(first + Capture.shb(major: 2, minor: 0) + Capture.idb() + Capture.epb(units: 0, data: [2]))
        #expect(later.frames.count == 1)
        #expect(later.error == .unsupportedVersion(format: .pcapng, major: 2, minor: 0, offset: Int64(first.count)))
        #expect(later.error?.description == "unsupported pcapng version 2.0 at byte offset \(first.count)")

        #expect(Capture.read(Capture.shb(major: 1, minor: 2) + Capture.idb()).error == nil)
    }

    @Test func badByteOrderMagic() {
        var shb = Capture.shb()
        shb[8] = 0x11
        #expect(Capture.read(shb).error == .badByteOrderMagic(packet: 1, offset: 0, value: 0x113C_2B1A))
    }

    @Test func truncatedInsideABlock() {
        let head = Capture.shb() + Capture.idb() + Capture.epb(units: 0, data: Capture.payload(100))
        let second = Capture.epb(units: 0, data: Capture.payload(300))
        let r = Capture.read(head + second.prefix(30))
        #expect(r.frames.count == 1)
        #expect(r.error == .truncatedRecord(packet: 2, offset: Int64(head.count), needed: Int64(second.count), available: 30))
        let tail = Capture.read(head + [6, 0, 0])
        #expect(tail.error == .truncatedRecord(packet: 2, offset: Int64(head.count), needed: 8, available: 3))
        // Cut inside the first SHB.
        #expect(Capture.read(Array(Capture.shb().prefix(10))).error == .truncatedRecord(packet: 1, offset: 0, needed: 12, available: 10))
    }

    @Test func emptyCaptures() {
        let onlySection = Capture.read(Capture.shb())
        #expect(onlySection.error == nil && onlySection.frames.isEmpty && onlySection.interfaces.isEmpty)
        let withInterface = Capture.read(Capture.shb() + Capture.idb())
        #expect(withInterface.error == nil && withInterface.frames.isEmpty && withInterface.interfaces.count == 1)
    }
}
