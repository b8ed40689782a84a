/// An Ethernet II header. VLAN tags that follow it are separate ``VLANTag`` layers.
public struct Ethernet: Sendable {
    public static let headerLength = 14
    public var destination: MACAddress
    public var source: MACAddress
    /// The type field as written (`eth.type`); 0x8100 when a VLAN tag follows.
    /// Values up to 1500 are an 802.3 length, not a type.
    public var etherType: UInt16
    /// Where the header starts: 0, or inside a tunnel (VXLAN, Geneve, GRE bridging).
    public var offset: Int = 0

    private enum Field {
        static let destination = 0
        static let source = 6
        static let etherType = 12
    }

    public static func decode(_ bytes: ByteView, at offset: Int, end: Int) -> Decoded<Ethernet> {
        guard end - offset >= headerLength else {
            return .failed(.truncated(.eth, needed: headerLength, available: end - offset))
        }
        return Decoded(Ethernet(
            destination: MACAddress(bytes, at: offset + Field.destination),
            source: MACAddress(bytes, at: offset + Field.source),
            etherType: bytes.u16be(offset + Field.etherType), offset: offset))
    }
}

/// EtherType values tcpwatch follows.
public enum EtherType {
    public static let ipv4: UInt16 = 0x0800
    public static let arp: UInt16 = 0x0806
    public static let vlan: UInt16 = 0x8100
    public static let qinq: UInt16 = 0x88A8
    public static let qinqOld: UInt16 = 0x9100
    public static let ipv6: UInt16 = 0x86DD

    public static func isVLAN(_ type: UInt16) -> Bool { type == vlan || type == qinq || type == qinqOld }
}
