/// The session stage of PPP over Ethernet (RFC 2516, EtherType 0x8864): a six-byte header,
/// then a PPP frame without address and control bytes, as DSL links carry IP.
public struct PPPoESession: Sendable {
    public var offset: Int
    /// Version and type share the first byte; both are 1 in RFC 2516.
    public var version: UInt8
    public var type: UInt8
    /// 0x00 for session data.
    public var code: UInt8
    public var sessionID: UInt16
    /// The PPP frame's length as the header states it.
    public var length: UInt16
    /// The PPP frame: the stated length, within what was captured.
    public var payload: Range<Int>

    public static let headerLength = 6
    public static let etherType: UInt16 = 0x8864

    public static func decode(_ bytes: ByteView, at offset: Int, end: Int) -> Decoded<PPPoESession> {
        let end = Swift.min(end, bytes.count)
        let available = Swift.max(0, end - offset)
        guard offset >= 0, available >= headerLength else {
            return .failed(.truncated(.pppoes, needed: headerLength, available: available))
        }
        let length = bytes.u16be(offset + 4)
        let start = offset + headerLength
        return Decoded(PPPoESession(offset: offset, version: bytes[offset] >> 4, type: bytes[offset] & 0x0F,
                                    code: bytes[offset + 1], sessionID: bytes.u16be(offset + 2), length: length,
                                    payload: start..<Swift.min(end, start + Int(length))))
    }
}
