/// IEEE 802.2 Logical Link Control, after an IEEE 802.3 length field: the destination and
/// source service access points and the control field.
public struct LLC: Sendable {
    public var offset: Int
    public var dsap: UInt8
    public var ssap: UInt8
    /// The control field: one byte for unnumbered (U) frames, two for I and S frames
    /// (the first byte in the high half).
    public var control: UInt16
    /// The bytes after the header, up to the end the 802.3 length gives.
    public var payload: Range<Int>

    /// Unnumbered frames (UI, XID, TEST, ...) have the low two control bits set.
    public var isUnnumbered: Bool { control & 0x03 == 0x03 && controlLength == 1 }
    public var controlLength: Int { payload.lowerBound - offset - 2 }

    /// The SAP both sides use for bridge protocol data units (802.1D spanning tree).
    public static let spanningTreeSAP: UInt8 = 0x42
    /// The U-frame command carrying data without a connection.
    public static let unnumberedInformation: UInt16 = 0x03

    public static func decode(_ bytes: ByteView, at offset: Int, end: Int) -> Decoded<LLC> {
        let end = Swift.min(end, bytes.count)
        guard end - offset >= 3 else {
            return .failed(.truncated(.llc, needed: 3, available: Swift.max(0, end - offset)))
        }
        let first = bytes[offset + 2]
        if first & 0x03 == 0x03 {
            return Decoded(LLC(offset: offset, dsap: bytes[offset], ssap: bytes[offset + 1], control: UInt16(first),
                               payload: offset + 3..<end))
        }
        guard end - offset >= 4 else { return .failed(.truncated(.llc, needed: 4, available: end - offset)) }
        return Decoded(LLC(offset: offset, dsap: bytes[offset], ssap: bytes[offset + 1], control: bytes.u16be(offset + 2),
                           payload: offset + 4..<end))
    }
}
