/// An ICMP message (RFC 792). Error messages quote the start of the offending datagram,
/// which the decoder reads as a nested IP layer.
public struct ICMPv4: Sendable {
    public var offset: Int
    public var type: UInt8
    public var code: UInt8
    public var checksum: UInt16
    /// Bytes 4..<8: identifier and sequence number for echo, unused or MTU for errors.
    public var restOfHeader: UInt32
    /// The bytes after the 8-byte header: echo data or the quoted datagram.
    public var payload: Range<Int>

    public var identifier: UInt16 { UInt16(truncatingIfNeeded: restOfHeader >> 16) }
    public var sequenceNumber: UInt16 { UInt16(truncatingIfNeeded: restOfHeader) }
    /// Destination unreachable, source quench, redirect, time exceeded, parameter problem.
    public var isError: Bool {
        switch type {
        case 3, 4, 5, 11, 12: true
        default: false
        }
    }

    /// Whether the bytes after the header are opaque data, as packet-icmp.c hands them to
    /// the data dissector: an echo's, and a router advertisement's whose address entries
    /// are not the standard two words. Queries carry fields, extended echo its extensions.
    public func carriesData(_ bytes: ByteView) -> Bool {
        switch type {
        case 0, 8: true
        case 9: bytes[offset + 5] != 2
        default: false
        }
    }

    private enum Field {
        static let type = 0
        static let code = 1
        static let checksum = 2
        static let restOfHeader = 4
        static let headerLength = 8
    }

    /// Decodes the 8-byte header; the rest up to `end` is the payload. For an error
    /// message the payload is the quoted datagram, to be decoded with ``IPv4/decode(_:at:end:)``.
    public static func decode(_ bytes: ByteView, at offset: Int, end: Int) -> Decoded<ICMPv4> {
        let end = Swift.min(end, bytes.count)
        let available = offset >= 0 ? Swift.max(0, end - offset) : 0
        guard available >= Field.headerLength else {
            return .failed(.truncated(.icmp, needed: Field.headerLength, available: available))
        }
        return Decoded(ICMPv4(
            offset: offset,
            type: bytes[offset + Field.type],
            code: bytes[offset + Field.code],
            checksum: bytes.u16be(offset + Field.checksum),
            restOfHeader: bytes.u32be(offset + Field.restOfHeader),
            payload: (offset + Field.headerLength)..<end
        ))
    }
}
