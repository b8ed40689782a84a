/// The Linux "cooked" header libpcap writes for `-i any`: LINUX_SLL (16 bytes) or
/// LINUX_SLL2 (20 bytes, with the interface index).
public struct LinuxSLL: Sendable {
    public enum Version: Sendable { case v1, v2 }
    public var version: Version
    /// Packet type (`sll.pkttype`): 0 to us, 1 broadcast, 2 multicast, 3 to another host, 4 sent by us.
    public var packetType: UInt16
    public var arphrdType: UInt16
    public var addressLength: UInt16
    /// The link-layer address bytes (up to 8), left-aligned.
    public var address: UInt64
    /// The protocol type (`sll.etype`), an EtherType for Ethernet-like devices.
    public var protocolType: UInt16
    /// The interface index (`sll.ifindex`), LINUX_SLL2 only.
    public var interfaceIndex: UInt32?

    public var headerLength: Int { version == .v1 ? 16 : 20 }

    public static func decode(_ bytes: ByteView, at offset: Int, end: Int, version: Version) -> Decoded<LinuxSLL> {
        let need = version == .v1 ? 16 : 20
        guard end - offset >= need else {
            return .failed(.truncated(.sll, needed: need, available: end - offset))
        }
        switch version {
        case .v1:
            return Decoded(LinuxSLL(
                version: .v1, packetType: bytes.u16be(offset), arphrdType: bytes.u16be(offset + 2),
                addressLength: bytes.u16be(offset + 4), address: bytes.u64be(offset + 6),
                protocolType: bytes.u16be(offset + 14), interfaceIndex: nil))
        case .v2:
            return Decoded(LinuxSLL(
                version: .v2, packetType: UInt16(bytes[offset + 10]), arphrdType: bytes.u16be(offset + 8),
                addressLength: UInt16(bytes[offset + 11]), address: bytes.u64be(offset + 12),
                protocolType: bytes.u16be(offset), interfaceIndex: bytes.u32be(offset + 4)))
        }
    }
}
