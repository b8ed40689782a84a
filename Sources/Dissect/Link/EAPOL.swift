/// An IEEE 802.1X authentication frame (EAPOL, EtherType 0x888E): version, packet type
/// and body length, then the body (an EAP packet, a key descriptor, nothing for Start
/// and Logoff), read in place after the Ethernet header.
public struct EAPOL: Sendable, Equatable {
    public var offset: Int
    public var version: UInt8
    public var type: UInt8
    /// The body length the header declares.
    public var length: Int
    /// The end of the captured body: the declared length, or less when the frame is cut.
    public var end: Int

    public static let etherType: UInt16 = 0x888E
    public static let headerLength = 4
    public var body: Range<Int> { offset + EAPOL.headerLength..<end }

    public static func decode(_ bytes: ByteView, at offset: Int, end: Int) -> Decoded<EAPOL> {
        let end = Swift.min(end, bytes.count)
        guard offset >= 0, offset <= end else { return Decoded(nil) }
        guard end - offset >= headerLength else {
            return .failed(.truncated(.eapol, needed: headerLength, available: end - offset))
        }
        let length = Int(bytes.u16be(offset + 2))
        return Decoded(EAPOL(offset: offset, version: bytes[offset], type: bytes[offset + 1], length: length,
                             end: Swift.min(end, offset + headerLength + length)))
    }
}
