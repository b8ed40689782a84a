/// An IPv4 header (RFC 791), read in place from a frame's bytes.
public struct IPv4: Sendable {
    /// Where the header starts in the frame.
    public var offset: Int
    public var headerLength: Int
    public var dsfield: UInt8
    /// The total-length field as written (`ip.len`); 0 in TSO captures.
    public var totalLength: Int
    public var identification: UInt16
    /// The three flag bits (reserved, DF, MF) in the low bits.
    public var flags: UInt8
    /// Fragment offset in bytes.
    public var fragmentOffset: Int
    public var ttl: UInt8
    public var protocolNumber: UInt8
    public var checksum: UInt16
    public var source: IPv4Address
    public var destination: IPv4Address
    /// The payload in the frame: trimmed to the total length (Ethernet padding dropped),
    /// or to the captured bytes when the packet was cut short or the total length is 0.
    public var payload: Range<Int>

    public var dontFragment: Bool { flags & 0b010 != 0 }
    public var moreFragments: Bool { flags & 0b001 != 0 }
    public var isFragment: Bool { moreFragments || fragmentOffset != 0 }
    public var optionsRange: Range<Int> { (offset + 20)..<(offset + headerLength) }

    /// Decodes the header at `offset`; `end` is the end of the bytes the lower layer gives it.
    public static func decode(_ bytes: ByteView, at offset: Int, end: Int) -> Decoded<IPv4> {
        .failed(.truncated(.ip, needed: 20, available: 0)) // TODO: implemented on the layers branch
    }
}
