/// A VXLAN header (RFC 7348, UDP port 4789), with the Group Policy extension's fields
/// read as Wireshark reads them. An Ethernet frame follows.
public struct VXLAN: Sendable {
    public var offset: Int
    /// The first two bytes (`vxlan.flags`): I (0x0800) says the VNI is valid.
    public var flags: UInt16
    /// Bytes 2–3: the group policy ID (`vxlan.gpid`), reserved in plain VXLAN.
    public var groupPolicyID: UInt16
    /// The 24-bit network identifier (`vxlan.vni`).
    public var vni: UInt32
    public var reserved: UInt8
    public var payload: Range<Int>

    public static let headerLength = 8
    public static let port: UInt16 = 4789

    public static func decode(_ bytes: ByteView, at offset: Int, end: Int) -> Decoded<VXLAN> {
        let end = Swift.min(end, bytes.count)
        let available = Swift.max(0, end - offset)
        guard offset >= 0, available >= headerLength else {
            return .failed(.truncated(.vxlan, needed: headerLength, available: available))
        }
        let word = bytes.u32be(offset + 4)
        return Decoded(VXLAN(offset: offset, flags: bytes.u16be(offset), groupPolicyID: bytes.u16be(offset + 2),
                             vni: word >> 8, reserved: UInt8(truncatingIfNeeded: word),
                             payload: (offset + headerLength)..<end))
    }
}
