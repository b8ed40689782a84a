/// A UDP header (RFC 768).
public struct UDP: Sendable {
    public var offset: Int
    public var sourcePort: UInt16
    public var destinationPort: UInt16
    /// The length field as written (`udp.length`).
    public var length: Int
    public var checksum: UInt16
    /// The payload in the frame, trimmed to the length field and the captured bytes.
    public var payload: Range<Int>

    public static func decode(_ bytes: ByteView, at offset: Int, end: Int) -> Decoded<UDP> {
        .failed(.truncated(.udp, needed: 8, available: 0)) // TODO: implemented on the layers branch
    }
}
