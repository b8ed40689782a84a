import Testing
@testable import Dissect

@Suite struct TimestampResolutionTests {
    @Test func decimal() {
        #expect(TimestampResolution.microseconds.timestamp(units: 1_500_000) == Timestamp(seconds: 1, nanoseconds: 500_000_000))
        #expect(TimestampResolution.nanoseconds.timestamp(units: 1_000_000_007) == Timestamp(seconds: 1, nanoseconds: 7))
        #expect(TimestampResolution.decimal(exponent: 0).timestamp(units: 42) == Timestamp(seconds: 42, nanoseconds: 0))
        // Finer than nanoseconds is truncated.
        #expect(TimestampResolution.decimal(exponent: 15).timestamp(units: 2_000_000_123_456_789)
                == Timestamp(seconds: 2, nanoseconds: 123))
        #expect(TimestampResolution.decimal(exponent: 19).timestamp(units: UInt64.max)
                == Timestamp(seconds: 1, nanoseconds: 844_674_407))
        // Absurd exponents do not trap.
        #expect(TimestampResolution.decimal(exponent: 25).timestamp(units: UInt64.max).seconds == 0)
        #expect(TimestampResolution.decimal(exponent: 127).timestamp(units: UInt64.max) == .zero)
        #expect(TimestampResolution.decimal(exponent: 0).timestamp(units: UInt64.max).seconds == Int64.max)
    }

    @Test func binary() {
        #expect(TimestampResolution.binary(exponent: 1).timestamp(units: 3) == Timestamp(seconds: 1, nanoseconds: 500_000_000))
        #expect(TimestampResolution.binary(exponent: 30).timestamp(units: (5 << 30) | (1 << 28))
                == Timestamp(seconds: 5, nanoseconds: 250_000_000))
        #expect(TimestampResolution.binary(exponent: 63).timestamp(units: UInt64.max)
                == Timestamp(seconds: 1, nanoseconds: 999_999_999))
        #expect(TimestampResolution.binary(exponent: 64).timestamp(units: 1 << 63) == Timestamp(seconds: 0, nanoseconds: 500_000_000))
        #expect(TimestampResolution.binary(exponent: 127).timestamp(units: UInt64.max) == .zero)
        #expect(TimestampResolution.binary(exponent: 0).timestamp(units: 9) == Timestamp(seconds: 9, nanoseconds: 0))
    }

    @Test func optionByte() {
        #expect(TimestampResolution(optionByte: 6) == .microseconds)
        #expect(TimestampResolution(optionByte: 0x8A) == .binary(exponent: 10))
        #expect(TimestampResolution.binary(exponent: 10).optionByte == 0x8A)
        #expect(TimestampResolution.nanoseconds.optionByte == 9)
    }

    @Test func offsetSaturates() {
        let i = CaptureInterface(linkType: .ethernet, snapLength: 0, timestampResolution: .decimal(exponent: 0),
                                 timestampOffset: Int64.max)
        #expect(i.timestamp(units: 10).seconds == Int64.max)
        let back = CaptureInterface(linkType: .ethernet, snapLength: 0, timestampOffset: -3)
        #expect(back.timestamp(units: 5_000_000) == Timestamp(seconds: 2, nanoseconds: 0))
    }
}

@Suite struct CaptureFileErrorTests {
    @Test func descriptionsAreOneLine() {
        let errors: [CaptureFileError] = [
            .cannotOpen(path: "a.pcap", reason: "Permission denied", errno: 13),
            .unknownFileFormat(magic: 0x1234),
            .truncatedFileHeader(needed: 24, available: 10),
            .truncatedFileHeader(needed: 4, available: 0),
            .unsupportedVersion(format: .pcap, major: 1, minor: 0, offset: 0),
            .badByteOrderMagic(packet: 3, offset: 100, value: 1),
            .truncatedRecord(packet: 2, offset: 174, needed: 282, available: 140),
            .captureLengthTooLarge(packet: 1, offset: 24, captureLength: 1 << 30, limit: 262_144),
            .invalidBlockLength(packet: 1, offset: 28, length: 0, problem: .tooSmall(minimum: 12)),
            .invalidBlockLength(packet: 1, offset: 28, length: 13, problem: .notMultipleOfFour),
            .invalidBlockLength(packet: 1, offset: 28, length: 1 << 31, problem: .tooLarge(limit: 134_348_832)),
            .invalidBlockLength(packet: 1, offset: 28, length: 48, problem: .tooSmallForPacket(captureLength: 99)),
            .blockTrailerMismatch(packet: 5, offset: 500, leading: 32, trailing: 36),
            .badInterfaceID(packet: 9, offset: 900, interfaceID: 4, interfaceCount: 1),
            .ioError(offset: 4096, reason: "Input/output error", errno: 5),
        ]
        for error in errors {
            #expect(!error.description.contains("\n"))
            #expect(!error.description.isEmpty)
        }
        #expect(CaptureFileError.unknownFileFormat(magic: 0x1234).description.hasPrefix("unknown file format (magic 0x00001234)"))
        #expect(CaptureFileError.truncatedRecord(packet: 2, offset: 174, needed: 282, available: 140).description
                == "truncated file: packet 2 at byte offset 174 needs 282 bytes, only 140 available")
        #expect(CaptureFileError.invalidBlockLength(packet: 1, offset: 28, length: 13, problem: .notMultipleOfFour).description
                == "packet 1: invalid pcapng block length 13 at byte offset 28: not a multiple of 4")
    }
}
