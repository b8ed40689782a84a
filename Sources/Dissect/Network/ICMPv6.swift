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

    public static func decode(_ bytes: ByteView, at offset: Int, end: Int) -> Decoded<ICMPv6> {
        .failed(.truncated(.icmpv6, needed: 8, available: 0)) // TODO: implemented on the layers branch
    }
}
