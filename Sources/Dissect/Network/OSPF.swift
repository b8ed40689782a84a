/// An OSPF packet (RFC 2328 version 2, RFC 5340 version 3), carried straight in IP
/// (protocol 89): the common header read in place; the body is walked by the views.
public struct OSPFHeader: Sendable {
    public var offset: Int
    /// The end of the captured IP payload.
    public var end: Int
    /// The length the IP header declares for its payload.
    public var declaredLength: Int
    public var version: UInt8
    /// 1 Hello, 2 DB Description, 3 LS Request, 4 LS Update, 5 LS Acknowledge.
    public var type: UInt8
    /// The packet length the OSPF header declares (without a version 2 digest or LLS block).
    public var packetLength: Int

    /// 24 bytes for version 2, 16 for version 3; packet-ospf.c reads 14 of any other.
    public var headerLength: Int {
        switch version {
        case 2: 24
        case 3: 16
        default: 14
        }
    }

    public static func decode(_ bytes: ByteView, at offset: Int, end: Int, declaredLength: Int) -> Decoded<OSPFHeader> {
        let end = Swift.min(end, bytes.count)
        guard offset >= 0, offset < end else { return Decoded(nil) }
        let available = end - offset
        // Version, type and length come first; the tree reads the rest as far as it goes.
        guard available >= 4 else { return .failed(.truncated(.ospf, needed: 4, available: available)) }
        let header = OSPFHeader(offset: offset, end: end, declaredLength: declaredLength, version: bytes[offset],
                                type: bytes[offset + 1], packetLength: Int(bytes.u16be(offset + 2)))
        let needed = header.version == 2 || header.version == 3 ? header.headerLength : 14
        if available < needed { return Decoded(header, issue: .truncated(.ospf, needed: needed, available: available)) }
        return Decoded(header)
    }
}
