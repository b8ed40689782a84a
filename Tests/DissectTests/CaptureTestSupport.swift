import Foundation
import Testing
@testable import Dissect

/// Builds capture-file bytes field by field, in either byte order.
struct ByteBuilder {
    var bytes: [UInt8] = []
    var bigEndian = false

    init(bigEndian: Bool = false) { self.bigEndian = bigEndian }

    mutating func u8(_ v: UInt8) { bytes.append(v) }
    mutating func u16(_ v: UInt16) { put(v) }
    mutating func u32(_ v: UInt32) { put(v) }
    mutating func u64(_ v: UInt64) { put(v) }
    mutating func raw(_ v: [UInt8]) { bytes.append(contentsOf: v) }
    mutating func pad4() { while bytes.count % 4 != 0 { bytes.append(0) } }

    private mutating func put<T: FixedWidthInteger>(_ v: T) {
        let ordered = bigEndian ? v.bigEndian : v.littleEndian
        withUnsafeBytes(of: ordered) { bytes.append(contentsOf: $0) }
    }
}

/// A frame copied out of the reader, so it outlives the next call.
struct ReadFrame: Equatable {
    var bytes: [UInt8]
    var timestamp: Timestamp
    var originalLength: Int
    var linkType: LinkType
    var interfaceID: Int
    var fileOffset: Int64
}

struct ReadResult {
    var frames: [ReadFrame] = []
    var error: CaptureFileError?
    var format: CaptureFormat?
    var interfaces: [CaptureInterface] = []
    var bytesConsumed: Int64 = 0
}

enum Capture {
    static func payload(_ n: Int, seed: UInt8 = 0) -> [UInt8] { (0..<n).map { UInt8(truncatingIfNeeded: $0 &+ Int(seed)) } }

    // MARK: pcap

    static func pcapHeader(magic: UInt32, bigEndian: Bool = false, major: UInt16 = 2, minor: UInt16 = 4,
                           snapLength: UInt32 = 65535, linkType: UInt32 = 1) -> [UInt8] {
        var b = ByteBuilder(bigEndian: bigEndian)
        b.u32(magic); b.u16(major); b.u16(minor); b.u32(0); b.u32(0); b.u32(snapLength); b.u32(linkType)
        return b.bytes
    }

    static func pcapRecord(bigEndian: Bool = false, seconds: UInt32, fraction: UInt32, data: [UInt8],
                           captureLength: UInt32? = nil, originalLength: UInt32? = nil, modified: Bool = false) -> [UInt8] {
        var b = ByteBuilder(bigEndian: bigEndian)
        b.u32(seconds); b.u32(fraction)
        b.u32(captureLength ?? UInt32(data.count)); b.u32(originalLength ?? UInt32(data.count))
        if modified { b.u32(7); b.u16(0x0800); b.u8(0); b.u8(0) }
        b.raw(data)
        return b.bytes
    }

    // MARK: pcapng

    static func block(_ type: UInt32, bigEndian: Bool = false, body: [UInt8], length: UInt32? = nil, trailer: UInt32? = nil) -> [UInt8] {
        var b = ByteBuilder(bigEndian: bigEndian)
        var padded = body
        while padded.count % 4 != 0 { padded.append(0) }
        let total = UInt32(12 + padded.count)
        b.u32(type); b.u32(length ?? total); b.raw(padded); b.u32(trailer ?? length ?? total)
        return b.bytes
    }

    static func options(bigEndian: Bool = false, _ list: [(UInt16, [UInt8])]) -> [UInt8] {
        guard !list.isEmpty else { return [] }
        var b = ByteBuilder(bigEndian: bigEndian)
        for (code, value) in list {
            b.u16(code); b.u16(UInt16(value.count)); b.raw(value); b.pad4()
        }
        b.u32(0)
        return b.bytes
    }

    static func shb(bigEndian: Bool = false, major: UInt16 = 1, minor: UInt16 = 0) -> [UInt8] {
        var b = ByteBuilder(bigEndian: bigEndian)
        b.u32(0x1A2B_3C4D); b.u16(major); b.u16(minor); b.u64(UInt64.max)
        b.raw(options(bigEndian: bigEndian, [(4, Array("test".utf8))]))
        return block(0x0A0D_0D0A, bigEndian: bigEndian, body: b.bytes)
    }

    static func idb(bigEndian: Bool = false, linkType: UInt16 = 1, snapLength: UInt32 = 0,
                    options list: [(UInt16, [UInt8])] = []) -> [UInt8] {
        var b = ByteBuilder(bigEndian: bigEndian)
        b.u16(linkType); b.u16(0); b.u32(snapLength)
        b.raw(options(bigEndian: bigEndian, list))
        return block(1, bigEndian: bigEndian, body: b.bytes)
    }

    static func epb(bigEndian: Bool = false, interface: UInt32 = 0, units: UInt64, data: [UInt8],
                    captureLength: UInt32? = nil, originalLength: UInt32? = nil, trailer: UInt32? = nil) -> [UInt8] {
        var b = ByteBuilder(bigEndian: bigEndian)
        b.u32(interface); b.u32(UInt32(units >> 32)); b.u32(UInt32(truncatingIfNeeded: units))
        b.u32(captureLength ?? UInt32(data.count)); b.u32(originalLength ?? UInt32(data.count))
        b.raw(data); b.pad4()
        b.raw(options(bigEndian: bigEndian, [(1, Array("a comment".utf8))]))
        return block(6, bigEndian: bigEndian, body: b.bytes, trailer: trailer)
    }

    static func pb(bigEndian: Bool = false, interface: UInt16 = 0, units: UInt64, data: [UInt8], originalLength: UInt32? = nil) -> [UInt8] {
        var b = ByteBuilder(bigEndian: bigEndian)
        b.u16(interface); b.u16(0); b.u32(UInt32(units >> 32)); b.u32(UInt32(truncatingIfNeeded: units))
        b.u32(UInt32(data.count)); b.u32(originalLength ?? UInt32(data.count))
        b.raw(data)
        return block(2, bigEndian: bigEndian, body: b.bytes)
    }

    static func spb(bigEndian: Bool = false, originalLength: UInt32, data: [UInt8]) -> [UInt8] {
        var b = ByteBuilder(bigEndian: bigEndian)
        b.u32(originalLength); b.raw(data)
        return block(3, bigEndian: bigEndian, body: b.bytes)
    }

    // MARK: reading

    static func temporaryFile(_ bytes: [UInt8]) -> String {
        let path = NSTemporaryDirectory() + "tcpwatch-test-\(UUID().uuidString)"
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
        return path
    }

    static func read(path: String) -> ReadResult {
        var result = ReadResult()
        do {
            let reader = try CaptureFileReader(path: path)
            result.format = reader.format
            defer { result.interfaces = reader.interfaces; result.bytesConsumed = reader.bytesConsumed }
            while let f = try reader.next() {
                result.frames.append(ReadFrame(bytes: Array(f.bytes), timestamp: f.timestamp,
                                               originalLength: f.originalLength, linkType: f.linkType,
                                               interfaceID: f.interfaceID, fileOffset: f.fileOffset))
                #expect(reader.framesRead == result.frames.count)
            }
        } catch {
            result.error = error
        }
        return result
    }

    /// Writes `bytes` to a temporary file and reads it back.
    static func read(_ bytes: [UInt8]) -> ReadResult {
        let path = temporaryFile(bytes)
        defer { try? FileManager.default.removeItem(atPath: path) }
        return read(path: path)
    }
}
