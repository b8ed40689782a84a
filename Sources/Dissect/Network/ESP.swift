/// The clear start of an Encapsulating Security Payload packet (RFC 4303): the SPI and
/// the sequence number. The rest is encrypted, and tcpwatch, like tshark without keys,
/// does not look at it.
public struct ESP: Sendable {
    public var offset: Int
    public var spi: UInt32
    public var sequence: UInt32
    public static let headerLength = 8

    public static func decode(_ bytes: ByteView, at offset: Int, end: Int) -> Decoded<ESP> {
        let end = Swift.min(end, bytes.count)
        guard offset >= 0, offset < end else { return Decoded(nil) }
        guard end - offset >= headerLength else {
            return .failed(.truncated(.esp, needed: headerLength, available: end - offset))
        }
        return Decoded(ESP(offset: offset, spi: bytes.u32be(offset), sequence: bytes.u32be(offset + 4)))
    }
}
