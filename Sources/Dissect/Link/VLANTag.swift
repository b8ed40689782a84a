/// An 802.1Q or 802.1ad tag: the 4 bytes after a VLAN TPID.
public struct VLANTag: Sendable, Equatable {
    public static let length = 4
    public var offset: Int
    /// Tag control information: priority (3 bits), DEI (1), VLAN id (12).
    public var tci: UInt16
    /// The type of what follows the tag (`vlan.etype`).
    public var etherType: UInt16

    public var id: UInt16 { tci & 0x0FFF }
    public var priority: UInt8 { UInt8(tci >> 13) }
    public var dropEligible: Bool { tci & 0x1000 != 0 }

    public static func decode(_ bytes: ByteView, at offset: Int, end: Int) -> Decoded<VLANTag> {
        guard end - offset >= length else {
            return .failed(.truncated(.vlan, needed: length, available: end - offset))
        }
        return Decoded(VLANTag(offset: offset, tci: bytes.u16be(offset), etherType: bytes.u16be(offset + 2)))
    }
}

/// Up to two VLAN tags stored inline (802.1Q, or QinQ's outer and inner tag).
public struct VLANTags: Sendable {
    public private(set) var count = 0
    public private(set) var outer: VLANTag?
    public private(set) var inner: VLANTag?
    public init() {}

    public mutating func append(_ tag: VLANTag) {
        if count == 0 { outer = tag } else if count == 1 { inner = tag }
        count += 1
    }

    /// The tags kept (at most two); deeper stacks are counted but not kept.
    public var kept: [VLANTag] { [outer, inner].compactMap { $0 } }
}
