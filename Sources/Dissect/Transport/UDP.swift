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

    public static let headerLength = 8

    /// Field offsets from the start of the header.
    private enum Field {
        static let sourcePort = 0
        static let destinationPort = 2
        static let length = 4
        static let checksum = 6
    }

    /// Decodes the header at `offset`. A length field below 8 is malformed (empty payload);
    /// one beyond the bytes the lower layer gives is reported as truncation and the payload
    /// is what was captured.
    ///
    /// With `ipPayloadLength` (the bytes the IP header says it carries), a datagram that
    /// fits in it but was cut by the snapshot length is not damage, as TCP's payload is
    /// not and as tshark shows it: only a length field beyond the IP payload is reported.
    public static func decode(_ bytes: ByteView, at offset: Int, end: Int, ipPayloadLength: Int? = nil) -> Decoded<UDP> {
        let end = Swift.min(end, bytes.count)
        let available = Swift.max(end - offset, 0)
        guard offset >= 0, available >= headerLength else {
            return .failed(.truncated(.udp, needed: headerLength, available: available))
        }
        let length = Int(bytes.u16be(offset + Field.length))
        let start = offset + headerLength
        var udp = UDP(
            offset: offset,
            sourcePort: bytes.u16be(offset + Field.sourcePort),
            destinationPort: bytes.u16be(offset + Field.destinationPort),
            length: length,
            checksum: bytes.u16be(offset + Field.checksum),
            payload: start..<start
        )
        guard length >= headerLength else {
            return Decoded(udp, issue: .malformed(.udp, .lengthFieldTooSmall(length)))
        }
        udp.payload = start..<Swift.min(offset + length, end)
        if let ipPayloadLength {
            if length > ipPayloadLength {
                return Decoded(udp, issue: .truncated(.udp, needed: length, available: ipPayloadLength))
            }
            return Decoded(udp)
        }
        if length > available {
            return Decoded(udp, issue: .truncated(.udp, needed: length, available: available))
        }
        return Decoded(udp)
    }
}
