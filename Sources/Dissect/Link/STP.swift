/// An IEEE 802.1D/802.1w bridge protocol data unit: the spanning tree's configuration and
/// rapid spanning tree BPDUs, and topology change notifications.
public struct BPDU: Sendable {
    public var offset: Int
    public var protocolID: UInt16
    public var version: UInt8
    /// 0x00 configuration, 0x02 rapid/multiple spanning tree, 0x80 topology change notification.
    public var type: UInt8
    public var flags: UInt8
    /// Bridge identifiers: a 4-bit priority, a 12-bit system ID extension (the VLAN), a MAC.
    public var rootID: UInt64
    public var rootPathCost: UInt32
    public var bridgeID: UInt64
    public var portID: UInt16
    /// Times in 1/256 s.
    public var messageAge: UInt16
    public var maxAge: UInt16
    public var helloTime: UInt16
    public var forwardDelay: UInt16
    /// RST and MST BPDUs: the length of the (absent) version 1 information.
    public var version1Length: UInt8?

    public static let topologyChangeNotification: UInt8 = 0x80
    public static let rapidSpanningTree: UInt8 = 0x02

    public var isTopologyChangeNotification: Bool { type == Self.topologyChangeNotification }

    public static func decode(_ bytes: ByteView, at offset: Int, end: Int) -> Decoded<BPDU> {
        let end = Swift.min(end, bytes.count)
        let available = Swift.max(0, end - offset)
        guard available >= 4 else { return .failed(.truncated(.stp, needed: 4, available: available)) }
        var bpdu = BPDU(offset: offset, protocolID: bytes.u16be(offset), version: bytes[offset + 2], type: bytes[offset + 3],
                        flags: 0, rootID: 0, rootPathCost: 0, bridgeID: 0, portID: 0, messageAge: 0, maxAge: 0,
                        helloTime: 0, forwardDelay: 0, version1Length: nil)
        if bpdu.isTopologyChangeNotification { return Decoded(bpdu) }
        guard available >= 35 else { return .failed(.truncated(.stp, needed: 35, available: available)) }
        bpdu.flags = bytes[offset + 4]
        bpdu.rootID = bytes.u64be(offset + 5)
        bpdu.rootPathCost = bytes.u32be(offset + 13)
        bpdu.bridgeID = bytes.u64be(offset + 17)
        bpdu.portID = bytes.u16be(offset + 25)
        bpdu.messageAge = bytes.u16be(offset + 27)
        bpdu.maxAge = bytes.u16be(offset + 29)
        bpdu.helloTime = bytes.u16be(offset + 31)
        bpdu.forwardDelay = bytes.u16be(offset + 33)
        if bpdu.type == rapidSpanningTree && available >= 36 { bpdu.version1Length = bytes[offset + 35] }
        return Decoded(bpdu)
    }
}
