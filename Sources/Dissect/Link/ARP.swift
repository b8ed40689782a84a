/// An ARP packet (RFC 826). Addresses are read for the Ethernet/IPv4 case only.
public struct ARP: Sendable {
    public var offset: Int
    public var hardwareType: UInt16
    public var protocolType: UInt16
    public var hardwareSize: UInt8
    public var protocolSize: UInt8
    public var opcode: UInt16
    public var senderMAC: MACAddress?
    public var senderIP: IPv4Address?
    public var targetMAC: MACAddress?
    public var targetIP: IPv4Address?

    /// A request or reply that announces the sender's own address (sender IP = target IP).
    public var isGratuitous: Bool {
        guard opcode == 1 || opcode == 2, let s = senderIP, let t = targetIP else { return false }
        return s == t
    }

    /// RFC 5227 section 2.1: a request with an unset sender IP and target MAC, asking
    /// whether anyone holds the target address.
    public var isProbe: Bool {
        opcode == 1 && targetMAC?.rawValue == 0 && senderIP?.rawValue == 0
    }

    /// RFC 5227 section 2.3: a request with an unset target MAC that claims the sender IP.
    public var isAnnouncement: Bool {
        opcode == 1 && targetMAC?.rawValue == 0 && isGratuitous
    }

    private enum Field {
        static let hardwareType = 0
        static let protocolType = 2
        static let hardwareSize = 4
        static let protocolSize = 5
        static let opcode = 6
        static let fixedLength = 8
        // Addresses, for hardware size 6 and protocol size 4.
        static let senderMAC = 8
        static let senderIP = 14
        static let targetMAC = 18
        static let targetIP = 24
        static let ethernetIPv4Length = 28
    }

    /// Decodes the 8-byte fixed part, and the addresses when they are 6-byte hardware and
    /// 4-byte protocol addresses. Addresses of other sizes are left nil. When the
    /// addresses (of any size) are cut short, they are left nil and a truncated issue
    /// gives the full length `8 + 2 * (hardware size + protocol size)` as needed.
    public static func decode(_ bytes: ByteView, at offset: Int, end: Int) -> Decoded<ARP> {
        let end = Swift.min(end, bytes.count)
        let available = offset >= 0 ? Swift.max(0, end - offset) : 0
        guard available >= Field.fixedLength else {
            return .failed(.truncated(.arp, needed: Field.fixedLength, available: available))
        }
        var arp = ARP(
            offset: offset,
            hardwareType: bytes.u16be(offset + Field.hardwareType),
            protocolType: bytes.u16be(offset + Field.protocolType),
            hardwareSize: bytes[offset + Field.hardwareSize],
            protocolSize: bytes[offset + Field.protocolSize],
            opcode: bytes.u16be(offset + Field.opcode)
        )
        let needed = Field.fixedLength + 2 * (Int(arp.hardwareSize) + Int(arp.protocolSize))
        guard available >= needed else {
            return Decoded(arp, issue: .truncated(.arp, needed: needed, available: available))
        }
        if arp.hardwareSize == 6 && arp.protocolSize == 4 {
            arp.senderMAC = MACAddress(bytes, at: offset + Field.senderMAC)
            arp.senderIP = IPv4Address(bytes, at: offset + Field.senderIP)
            arp.targetMAC = MACAddress(bytes, at: offset + Field.targetMAC)
            arp.targetIP = IPv4Address(bytes, at: offset + Field.targetIP)
        }
        return Decoded(arp)
    }
}
