#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a capture file could not be opened or read any further.
///
/// `packet` is the number (1-based, like tshark's `frame.number`) of the packet the
/// reader was looking for when it failed; `offset` is the byte offset of the record or
/// block it was reading.
public enum CaptureFileError: Error, CustomStringConvertible, Equatable, Sendable {
    /// `open(2)` failed; `reason` is the `strerror` text.
    case cannotOpen(path: String, reason: String, errno: Int32)
    /// The first four bytes are no pcap or pcapng magic.
    case unknownFileFormat(magic: UInt32)
    /// The input ends inside the file header (or is empty).
    case truncatedFileHeader(needed: Int, available: Int)
    /// The file's version is one this reader (and tshark) does not read.
    case unsupportedVersion(format: CaptureFormat, major: UInt16, minor: UInt16, offset: Int64)
    /// A pcapng section header's byte-order magic is neither order of 0x1A2B3C4D.
    case badByteOrderMagic(packet: Int, offset: Int64, value: UInt32)
    /// The input ends inside a record or block.
    case truncatedRecord(packet: Int, offset: Int64, needed: Int64, available: Int64)
    /// A record claims more captured bytes than any frame of its link type may have.
    case captureLengthTooLarge(packet: Int, offset: Int64, captureLength: UInt32, limit: Int)
    /// A pcapng block length is impossible.
    case invalidBlockLength(packet: Int, offset: Int64, length: UInt32, problem: BlockLengthProblem)
    /// A pcapng block's trailing length differs from its leading one.
    case blockTrailerMismatch(packet: Int, offset: Int64, leading: UInt32, trailing: UInt32)
    /// A packet block names an interface its section has not described.
    case badInterfaceID(packet: Int, offset: Int64, interfaceID: UInt32, interfaceCount: Int)
    /// `read(2)` failed.
    case ioError(offset: Int64, reason: String, errno: Int32)

    /// What is wrong with a pcapng block length.
    public enum BlockLengthProblem: Equatable, Sendable {
        /// Shorter than the fixed part of its block type.
        case tooSmall(minimum: Int)
        case notMultipleOfFour
        /// Longer than any block tshark accepts.
        case tooLarge(limit: Int)
        /// Too short for the captured length its packet block claims.
        case tooSmallForPacket(captureLength: UInt32)
    }

    public var description: String {
        switch self {
        case let .cannotOpen(path, reason, code):
            let hint = (code == EACCES || code == EPERM) ? " (check the file's permissions)" : ""
            return "cannot open \(path): \(reason)\(hint)"
        case let .unknownFileFormat(magic):
            return "unknown file format (magic 0x\(hex(magic))): not a pcap or pcapng file"
        case let .truncatedFileHeader(needed, available):
            if available == 0 { return "empty file: no capture file header" }
            return "truncated file header: needed \(needed) bytes, only \(available) available"
        case let .unsupportedVersion(format, major, minor, offset):
            return "unsupported \(format.family) version \(major).\(minor) at byte offset \(offset)"
        case let .badByteOrderMagic(packet, offset, value):
            return "packet \(packet): bad pcapng byte-order magic 0x\(hex(value)) in section header at byte offset \(offset)"
        case let .truncatedRecord(packet, offset, needed, available):
            return "truncated file: packet \(packet) at byte offset \(offset) needs \(needed) bytes, only \(available) available"
        case let .captureLengthTooLarge(packet, offset, captureLength, limit):
            return "packet \(packet) at byte offset \(offset): capture length \(captureLength) is larger than the maximum of \(limit)"
        case let .invalidBlockLength(packet, offset, length, problem):
            let why = switch problem {
            case let .tooSmall(minimum): "shorter than the minimum of \(minimum)"
            case .notMultipleOfFour: "not a multiple of 4"
            case let .tooLarge(limit): "larger than the maximum of \(limit)"
            case let .tooSmallForPacket(captureLength): "too small for \(captureLength) bytes of packet data"
            }
            return "packet \(packet): invalid pcapng block length \(length) at byte offset \(offset): \(why)"
        case let .blockTrailerMismatch(packet, offset, leading, trailing):
            return "packet \(packet): pcapng block at byte offset \(offset) has length \(leading) but trailing length \(trailing)"
        case let .badInterfaceID(packet, offset, interfaceID, interfaceCount):
            return "packet \(packet) at byte offset \(offset): interface id \(interfaceID) but its section describes only \(interfaceCount) interface(s)"
        case let .ioError(offset, reason, _):
            return "read error at byte offset \(offset): \(reason)"
        }
    }

    private func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, 8 - digits.count)) + digits
    }
}
