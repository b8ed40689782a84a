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

/// A Geneve header (RFC 8926, UDP port 6081): version, options length, O and C flags,
/// the protocol of the payload as an EtherType, the VNI, then the options.
public struct Geneve: Sendable {
    public var offset: Int
    public var version: UInt8
    /// Length of the options in bytes (the field counts 4-byte words).
    public var optionsLength: Int
    /// The flag byte: O (0x80) control packet, C (0x40) critical options present.
    public var flags: UInt8
    public var protocolType: UInt16
    public var vni: UInt32
    public var reserved: UInt8
    public var options: Range<Int>
    public var payload: Range<Int>

    public static let fixedLength = 8
    public static let port: UInt16 = 6081

    public static func decode(_ bytes: ByteView, at offset: Int, end: Int) -> Decoded<Geneve> {
        let end = Swift.min(end, bytes.count)
        let available = Swift.max(0, end - offset)
        guard offset >= 0, available >= fixedLength else {
            return .failed(.truncated(.geneve, needed: fixedLength, available: available))
        }
        let first = bytes[offset]
        let optionsLength = Int(first & 0x3f) * 4
        let headerLength = fixedLength + optionsLength
        guard available >= headerLength else {
            return .failed(.truncated(.geneve, needed: headerLength, available: available))
        }
        let word = bytes.u32be(offset + 4)
        let optionsStart = offset + fixedLength
        return Decoded(Geneve(offset: offset, version: first >> 6, optionsLength: optionsLength, flags: bytes[offset + 1],
                              protocolType: bytes.u16be(offset + 2), vni: word >> 8, reserved: UInt8(truncatingIfNeeded: word),
                              options: optionsStart..<(optionsStart + optionsLength),
                              payload: (offset + headerLength)..<end))
    }
}
