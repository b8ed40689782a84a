import Testing
@testable import Dissect

@Suite struct PcapReaderTests {
    /// Two records in every combination of magic and byte order.
    @Test(arguments: [
        (UInt32(0xA1B2_C3D4), false, CaptureFormat.pcap),
        (UInt32(0xA1B2_C3D4), true, CaptureFormat.pcap),
        (UInt32(0xA1B2_3C4D), false, CaptureFormat.pcapNanosecond),
        (UInt32(0xA1B2_3C4D), true, CaptureFormat.pcapNanosecond),
    ])
    func readsEveryMagic(magic: UInt32, bigEndian: Bool, format: CaptureFormat) {
        let nano = format == .pcapNanosecond
        let bytes = Capture.pcapHeader(magic: magic, bigEndian: bigEndian, snapLength: 1500, linkType: 101)
            + Capture.pcapRecord(bigEndian: bigEndian, seconds: 1_700_000_000, fraction: nano ? 123_456_789 : 123_456,
                                 data: Capture.payload(60), originalLength: 1514)
            + Capture.pcapRecord(bigEndian: bigEndian, seconds: 4_000_000_000, fraction: 5, data: Capture.payload(3, seed: 9))
        let r = Capture.read(bytes)
        #expect(r.error == nil)
        #expect(r.format == format)
        #expect(r.frames.count == 2)
        #expect(r.frames[0].bytes == Capture.payload(60))
        #expect(r.frames[0].originalLength == 1514)
        #expect(r.frames[0].linkType == .raw)
        #expect(r.frames[0].fileOffset == 24)
        #expect(r.frames[0].timestamp == Timestamp(seconds: 1_700_000_000, nanoseconds: nano ? 123_456_789 : 123_456_000))
        // Seconds are unsigned: past 2038 is fine.
        #expect(r.frames[1].timestamp == Timestamp(seconds: 4_000_000_000, nanoseconds: nano ? 5 : 5000))
        #expect(r.frames[1].bytes == Capture.payload(3, seed: 9))
        #expect(r.frames[1].fileOffset == 24 + 16 + 60)
        #expect(r.interfaces == [CaptureInterface(linkType: .raw, snapLength: 1500,
                                                  timestampResolution: nano ? .nanoseconds : .microseconds)])
        #expect(r.bytesConsumed == Int64(bytes.count))
    }

    @Test(arguments: [false, true])
    func readsModifiedFormat(bigEndian: Bool) {
        let bytes = Capture.pcapHeader(magic: 0xA1B2_CD34, bigEndian: bigEndian, linkType: 1)
            + Capture.pcapRecord(bigEndian: bigEndian, seconds: 1, fraction: 2, data: Capture.payload(42), modified: true)
            + Capture.pcapRecord(bigEndian: bigEndian, seconds: 3, fraction: 4, data: Capture.payload(20), modified: true)
        let r = Capture.read(bytes)
        #expect(r.error == nil)
        #expect(r.format == .pcapModified)
        #expect(r.frames.map(\.bytes) == [Capture.payload(42), Capture.payload(20)])
        #expect(r.frames.map(\.fileOffset) == [24, 24 + 24 + 42])
        #expect(r.frames[1].timestamp == Timestamp(seconds: 3, nanoseconds: 4000))
    }

    @Test func masksFCSBitsOfTheLinkType() {
        // FCS present (bit 26), 2 sixteen-bit words of FCS (bits 28-31), link type 1.
        let bytes = Capture.pcapHeader(magic: 0xA1B2_C3D4, linkType: 0x2400_0001)
            + Capture.pcapRecord(seconds: 0, fraction: 0, data: Capture.payload(64))
        let r = Capture.read(bytes)
        #expect(r.error == nil)
        #expect(r.frames.first?.linkType == .ethernet)
        #expect(r.interfaces.first?.fcsLength == 4)

        let plain = Capture.read(Capture.pcapHeader(magic: 0xA1B2_C3D4, linkType: 113))
        #expect(plain.interfaces.first?.fcsLength == nil)
        #expect(plain.interfaces.first?.linkType == .linuxSLL)
    }

    @Test func capturedLengthAboveOriginalIsKept() {
        let bytes = Capture.pcapHeader(magic: 0xA1B2_C3D4)
            + Capture.pcapRecord(seconds: 0, fraction: 0, data: Capture.payload(98), originalLength: 20)
        let r = Capture.read(bytes)
        #expect(r.error == nil)
        #expect(r.frames.first?.originalLength == 20)
        #expect(r.frames.first?.bytes.count == 98)
    }

    @Test func capturedLengthAboveSnaplenIsNotTrimmed() {
        let bytes = Capture.pcapHeader(magic: 0xA1B2_C3D4, snapLength: 40)
            + Capture.pcapRecord(seconds: 0, fraction: 0, data: Capture.payload(98))
        #expect(Capture.read(bytes).frames.first?.bytes.count == 98)
    }

    @Test func oversizedCaptureLengthIsAnErrorNotAnAllocation() {
        let bytes = Capture.pcapHeader(magic: 0xA1B2_C3D4)
            + Capture.pcapRecord(seconds: 0, fraction: 0, data: Capture.payload(10))
            + Capture.pcapRecord(seconds: 0, fraction: 0, data: Capture.payload(10), captureLength: 0xFFFF_FFF0)
        let r = Capture.read(bytes)
        #expect(r.frames.count == 1)
        #expect(r.error == .captureLengthTooLarge(packet: 2, offset: 50, captureLength: 0xFFFF_FFF0, limit: 262_144))
        #expect(r.error?.description == "packet 2 at byte offset 50: capture length 4294967280 is larger than the maximum of 262144")

        // Just above the limit, with the bytes really there, is still an error.
        let big = Capture.pcapHeader(magic: 0xA1B2_C3D4, snapLength: 300_000)
            + Capture.pcapRecord(seconds: 0, fraction: 0, data: Capture.payload(262_145))
        #expect(Capture.read(big).error == .captureLengthTooLarge(packet: 1, offset: 24, captureLength: 262_145, limit: 262_144))
    }

    @Test func truncatedFileYieldsGoodPacketsThenAnError() {
        let full = Capture.pcapHeader(magic: 0xA1B2_C3D4)
            + Capture.pcapRecord(seconds: 1, fraction: 0, data: Capture.payload(30))
            + Capture.pcapRecord(seconds: 2, fraction: 0, data: Capture.payload(30))
            + Capture.pcapRecord(seconds: 3, fraction: 0, data: Capture.payload(100))
        let cut = Array(full.prefix(full.count - 60))
        let r = Capture.read(cut)
        #expect(r.frames.count == 2)
        #expect(r.error == .truncatedRecord(packet: 3, offset: 116, needed: 116, available: 56))
        #expect(r.error?.description == "truncated file: packet 3 at byte offset 116 needs 116 bytes, only 56 available")

        // Cut inside a record header.
        let inHeader = Capture.read(Array(full.prefix(24 + 46 + 5)))
        #expect(inHeader.frames.count == 1)
        #expect(inHeader.error == .truncatedRecord(packet: 2, offset: 70, needed: 16, available: 5))
    }

    @Test func truncatedAndEmptyHeaders() {
        let header = Capture.pcapHeader(magic: 0xA1B2_C3D4)
        #expect(Capture.read(Array(header.prefix(16))).error == .truncatedFileHeader(needed: 24, available: 16))
        #expect(Capture.read(Array(header.prefix(2))).error == .truncatedFileHeader(needed: 4, available: 2))
        let empty = Capture.read([])
        #expect(empty.error == .truncatedFileHeader(needed: 4, available: 0))
        #expect(empty.error?.description == "empty file: no capture file header")
        // A header and nothing else is a valid, empty capture.
        let r = Capture.read(header)
        #expect(r.error == nil && r.frames.isEmpty)
    }

    @Test func unknownMagic() {
        let r = Capture.read([0xDE, 0xAD, 0xBE, 0xEF] + Array(repeating: 0, count: 40))
        #expect(r.error == .unknownFileFormat(magic: 0xDEAD_BEEF))
        #expect(r.error?.description.hasPrefix("unknown file format (magic 0xdeadbeef)") == true)
    }

    @Test func oldVersions() {
        #expect(Capture.read(Capture.pcapHeader(magic: 0xA1B2_C3D4, major: 1, minor: 0)).error
                == .unsupportedVersion(format: .pcap, major: 1, minor: 0, offset: 0))
        // Before 2.3 the two lengths were written the other way round.
        let swapped = Capture.pcapHeader(magic: 0xA1B2_C3D4, minor: 2)
            + Capture.pcapRecord(seconds: 0, fraction: 0, data: Capture.payload(20), captureLength: 100, originalLength: 20)
        let r = Capture.read(swapped)
        #expect(r.error == nil)
        #expect(r.frames.first?.originalLength == 100)
        #expect(r.frames.first?.bytes.count == 20)
    }

    @Test func outOfRangeMicrosecondsCarryIntoSeconds() {
        let bytes = Capture.pcapHeader(magic: 0xA1B2_C3D4)
            + Capture.pcapRecord(seconds: 10, fraction: 2_500_000, data: [])
        #expect(Capture.read(bytes).frames.first?.timestamp == Timestamp(seconds: 12, nanoseconds: 500_000_000))
    }

    @Test func errorIsSticky() throws {
        let path = Capture.temporaryFile(Capture.pcapHeader(magic: 0xA1B2_C3D4) + [1, 2, 3])
        let reader = try CaptureFileReader(path: path)
        #expect(throws: CaptureFileError.truncatedRecord(packet: 1, offset: 24, needed: 16, available: 3)) { try reader.next() }
        #expect(throws: CaptureFileError.truncatedRecord(packet: 1, offset: 24, needed: 16, available: 3)) { try reader.next() }
    }

    @Test func cannotOpen() {
        let r = Capture.read(path: "/nonexistent/file.pcap")
        guard case let .cannotOpen(path, reason, _)? = r.error else {
            Issue.record("expected cannotOpen, got \(String(describing: r.error))")
            return
        }
        #expect(path == "/nonexistent/file.pcap")
        #expect(reason == "No such file or directory")
        #expect(r.error?.description == "cannot open /nonexistent/file.pcap: No such file or directory")
        #expect(CaptureFileError.cannotOpen(path: "x", reason: "Permission denied", errno: 13).description
                == "cannot open x: Permission denied (check the file's permissions)")
    }
}
