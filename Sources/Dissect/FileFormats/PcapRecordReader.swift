/// Reads the records of a classic pcap file, one frame per call. A class: the file reader
/// calls it for every frame, and would copy a struct of this size each time.
final class PcapRecordReader {
    let header: PcapFileHeader
    let interface: CaptureInterface
    private let maximumCaptureLength: Int
    private let unitsPerSecond: UInt32

    init(header: PcapFileHeader) {
        self.header = header
        interface = header.interface
        maximumCaptureLength = header.linkType.maximumCaptureLength
        unitsPerSecond = header.format == .pcapNanosecond ? 1_000_000_000 : 1_000_000
    }

    /// The next frame, or nil at a clean end of input. `packet` is its 1-based number.
    func next(from input: ReadBuffer, packet: Int) throws(CaptureFileError) -> RawFrame? {
        let recordOffset = input.offset
        let headerLength = header.recordHeaderLength
        // Nearly every record is already buffered whole: ask the buffer only when it is not.
        if input.available < headerLength {
            if try input.isAtEnd() { return nil }
            try input.require(headerLength, packet: packet, recordOffset: recordOffset)
        }
        let record = input.view(count: headerLength)
        let bigEndian = header.bigEndian
        let seconds = record.u32(0, bigEndian: bigEndian)
        let fraction = record.u32(4, bigEndian: bigEndian)
        var captureLength = record.u32(8, bigEndian: bigEndian)
        var originalLength = record.u32(12, bigEndian: bigEndian)
        switch header.lengthOrder {
        case .normal:
            break
        case .swappedIfCapturedExceedsOriginal where captureLength <= originalLength:
            break
        case .swapped, .swappedIfCapturedExceedsOriginal:
            swap(&captureLength, &originalLength)
        }
        // tshark rejects a length above the link type's maximum; it does not trim to the
        // header's snaplen (libpcap does), so neither do we.
        guard captureLength <= maximumCaptureLength else {
            throw .captureLengthTooLarge(packet: packet, offset: recordOffset,
                                         captureLength: captureLength, limit: maximumCaptureLength)
        }
        let total = headerLength &+ Int(captureLength)
        if input.available < total { try input.require(total, packet: packet, recordOffset: recordOffset) }
        let bytes = input.view(at: headerLength, count: Int(captureLength))
        input.advance(total)
        return RawFrame(bytes: bytes, timestamp: timestamp(seconds: seconds, fraction: fraction),
                        originalLength: Int(originalLength), linkType: header.linkType,
                        interfaceID: 0, fileOffset: recordOffset,
                        timestampDigits: unitsPerSecond == 1_000_000 ? 6 : 9)
    }

    /// An out-of-range fraction (a damaged or odd writer) carries into the seconds.
    private func timestamp(seconds: UInt32, fraction: UInt32) -> Timestamp {
        // Two divisions per record are worth skipping when, as nearly always, there is no carry.
        let carry = fraction < unitsPerSecond ? 0 : fraction / unitsPerSecond
        let rest = fraction < unitsPerSecond ? fraction : fraction % unitsPerSecond
        let nanoseconds = unitsPerSecond == 1_000_000 ? rest &* 1000 : rest
        return Timestamp(seconds: Int64(seconds) &+ Int64(carry), nanoseconds: nanoseconds)
    }
}
