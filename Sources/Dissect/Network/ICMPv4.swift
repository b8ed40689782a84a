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
    public var isError: Bool { [3, 4, 5, 11, 12].contains(type) }

    public static func decode(_ bytes: ByteView, at offset: Int, end: Int) -> Decoded<ICMPv4> {
        .failed(.truncated(.icmp, needed: 8, available: 0)) // TODO: implemented on the layers branch
    }
}
