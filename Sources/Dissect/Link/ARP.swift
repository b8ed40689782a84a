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

    public static func decode(_ bytes: ByteView, at offset: Int, end: Int) -> Decoded<ARP> {
        .failed(.truncated(.arp, needed: 8, available: 0)) // TODO: implemented on the layers branch
    }
}
