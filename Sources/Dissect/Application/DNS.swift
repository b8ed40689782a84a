/// A DNS message header (RFC 1035). Names and records are read lazily from the frame's
/// bytes when a view asks for them, so decoding a frame allocates nothing.
public struct DNS: Sendable {
    /// Where the message starts in the frame (after the 2-byte length prefix over TCP).
    public var offset: Int
    /// The end of the message's bytes in the frame.
    public var end: Int
    public var id: UInt16
    public var flags: UInt16
    public var questionCount: UInt16
    public var answerCount: UInt16
    public var authorityCount: UInt16
    public var additionalCount: UInt16

    public var isResponse: Bool { flags & 0x8000 != 0 }
    public var opcode: UInt8 { UInt8(flags >> 11 & 0xf) }
    public var responseCode: UInt8 { UInt8(flags & 0xf) }

    /// Decodes the 12-byte header. `overTCP` means a 2-byte length prefix comes first.
    public static func decode(_ bytes: ByteView, at offset: Int, end: Int, overTCP: Bool) -> Decoded<DNS> {
        .failed(.truncated(.dns, needed: 12, available: 0)) // TODO: implemented on the layers branch
    }
}
