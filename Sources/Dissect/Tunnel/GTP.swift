/// A GPRS Tunnelling Protocol header (3GPP TS 29.060 version 1, GSM 09.60 version 0) on
/// UDP 2123 (control), 2152 (user data) or 3386 (version 0), read in place. A T-PDU
/// (message type 255) carries an IP packet.
public struct GTPHeader: Sendable {
    public var offset: Int
    public var flags: UInt8
    public var type: UInt8
    /// The length field: the bytes after the mandatory header (8 bytes in version 1, 20 in version 0).
    public var length: Int
    /// The whole header: version 1's optional sequence number, N-PDU number and extension
    /// header types (4 bytes) are counted when any of E, S, PN is set.
    public var headerLength: Int
    /// What the header carries, to the captured end.
    public var payload: Range<Int>

    public static let controlPort: UInt16 = 2123
    public static let userPort: UInt16 = 2152
    public static let version0Port: UInt16 = 3386
    public static let tpdu: UInt8 = 255

    public var version: UInt8 { flags >> 5 }

    public static func isPort(_ port: UInt16) -> Bool {
        port == controlPort || port == userPort || port == version0Port
    }

    public static func decode(_ bytes: ByteView, at offset: Int, end: Int) -> Decoded<GTPHeader> {
        let end = Swift.min(end, bytes.count)
        guard offset >= 0, offset < end else { return Decoded(nil) }
        let available = end - offset
        guard available >= 8 else { return .failed(.truncated(.gtp, needed: 8, available: available)) }
        let flags = bytes[offset]
        let version = flags >> 5
        // Version 0 and 1 of GTP proper (protocol type 1); GTP' and GTPv2 are not read here.
        guard version <= 1, flags & 0x10 != 0 else { return Decoded(nil) }
        let headerLength = version == 0 ? 20 : (flags & 0x07 != 0 ? 12 : 8)
        guard available >= headerLength else {
            return .failed(.truncated(.gtp, needed: headerLength, available: available))
        }
        return Decoded(GTPHeader(offset: offset, flags: flags, type: bytes[offset + 1], length: Int(bytes.u16be(offset + 2)),
                                 headerLength: headerLength, payload: offset + headerLength..<end))
    }
}
