/// An ICMPv6 message (RFC 4443), including Neighbor Discovery (RFC 4861).
public struct ICMPv6: Sendable {
    public var offset: Int
    public var type: UInt8
    public var code: UInt8
    public var checksum: UInt16
    /// Bytes 4..<8 of the message.
    public var restOfHeader: UInt32
    /// The bytes after the 8-byte header (the quoted packet of an error message).
    public var payload: Range<Int>
    /// Target address of a neighbor solicitation or advertisement (types 135, 136).
    public var ndpTarget: IPv6Address?

    public var identifier: UInt16 { UInt16(truncatingIfNeeded: restOfHeader >> 16) }
    public var sequenceNumber: UInt16 { UInt16(truncatingIfNeeded: restOfHeader) }
    /// Destination unreachable, packet too big, time exceeded, parameter problem.
    public var isError: Bool { type >= 1 && type <= 4 }

    /// Neighbor solicitation, neighbor advertisement: a target address follows the header.
    public var isNeighborDiscovery: Bool { type == 135 || type == 136 }

    private enum Field {
        static let type = 0
        static let code = 1
        static let checksum = 2
        static let restOfHeader = 4
        static let headerLength = 8
        static let ndpTarget = 8
        static let ndpLength = 24
    }

    /// Decodes the 8-byte header; the rest up to `end` is the payload. For an error
    /// message (types 1-4) the payload is the quoted packet, to be decoded with
    /// ``IPv6/decode(_:at:end:)``. A neighbor solicitation or advertisement cut short
    /// before the end of its target address yields the layer without `ndpTarget`
    /// and a truncated issue (needed 24).
    public static func decode(_ bytes: ByteView, at offset: Int, end: Int) -> Decoded<ICMPv6> {
        let end = Swift.min(end, bytes.count)
        let available = offset >= 0 ? Swift.max(0, end - offset) : 0
        guard available >= Field.headerLength else {
            return .failed(.truncated(.icmpv6, needed: Field.headerLength, available: available))
        }
        var icmp = ICMPv6(
            offset: offset,
            type: bytes[offset + Field.type],
            code: bytes[offset + Field.code],
            checksum: bytes.u16be(offset + Field.checksum),
            restOfHeader: bytes.u32be(offset + Field.restOfHeader),
            payload: (offset + Field.headerLength)..<end,
            ndpTarget: nil
        )
        var issue: DecodeIssue?
        if icmp.isNeighborDiscovery {
            if available >= Field.ndpLength {
                icmp.ndpTarget = IPv6Address(bytes, at: offset + Field.ndpTarget)
            } else {
                issue = .truncated(.icmpv6, needed: Field.ndpLength, available: available)
            }
        }
        return Decoded(icmp, issue: issue)
    }
}
