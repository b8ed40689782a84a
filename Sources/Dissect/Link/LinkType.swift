/// A LINKTYPE_ value from a pcap header, a pcapng IDB or libpcap (tcpdump.org/linktypes.html).
public struct LinkType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let null = LinkType(rawValue: 0)
    /// Not link types: a pcapng Custom Block (block type 0x00000BAD, may be copied, or
    /// 0x40000BAD, must not be), which tshark lists as a frame of its own (`PCAPNG`).
    public static let pcapngCustom = LinkType(rawValue: 0x0000_0BAD)
    public static let pcapngCustomNoCopy = LinkType(rawValue: 0x4000_0BAD)
    public var isPcapngCustomBlock: Bool { self == .pcapngCustom || self == .pcapngCustomNoCopy }
    public static let ethernet = LinkType(rawValue: 1)
    public static let ppp = LinkType(rawValue: 9)
    public static let raw = LinkType(rawValue: 101)
    public static let ieee802_11 = LinkType(rawValue: 105)
    public static let frameRelay = LinkType(rawValue: 107)
    public static let loop = LinkType(rawValue: 108)
    public static let linuxSLL = LinkType(rawValue: 113)
    public static let nflog = LinkType(rawValue: 239)
    public static let ipv4 = LinkType(rawValue: 228)
    public static let ipv6 = LinkType(rawValue: 229)
    public static let pktap = LinkType(rawValue: 258)
    public static let linuxSLL2 = LinkType(rawValue: 276)

    /// The DLT name tcpdump prints (`EN10MB`, `LINUX_SLL2`, ...), or nil when unknown.
    public var name: String? {
        switch rawValue {
        case 0: "NULL"
        case 1: "EN10MB"
        case 6: "IEEE802"
        case 8: "SLIP"
        case 9: "PPP"
        case 10: "FDDI"
        case 50: "PPP_HDLC"
        case 51: "PPP_ETHER"
        case 101: "RAW"
        case 104: "C_HDLC"
        case 105: "IEEE802_11"
        case 107: "FRELAY"
        case 108: "LOOP"
        case 113: "LINUX_SLL"
        case 119: "PRISM_HEADER"
        case 127: "IEEE802_11_RADIO"
        case 143: "DOCSIS"
        case 147...162: "USER\(rawValue - 147)"
        case 189: "USB_LINUX"
        case 195: "IEEE802_15_4"
        case 220: "USB_LINUX_MMAPPED"
        case 228: "IPV4"
        case 229: "IPV6"
        case 239: "NFLOG"
        case 249: "NETANALYZER"
        case 258: "PKTAP"
        case 276: "LINUX_SLL2"
        default: nil
        }
    }

    public var description: String { name.map { "\($0) (\(rawValue))" } ?? "\(rawValue)" }
}
