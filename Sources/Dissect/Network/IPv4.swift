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
    /// Empty (at the end of the captured header) when the header itself is cut short or
    /// the total length is smaller than the header.
    public var payload: Range<Int>

    public var dontFragment: Bool { flags & 0b010 != 0 }
    public var moreFragments: Bool { flags & 0b001 != 0 }
    public var isFragment: Bool { moreFragments || fragmentOffset != 0 }
    /// The options area, clipped to the captured bytes (it is shorter than
    /// `headerLength - 20` only when the header was cut short, which `decode` reports).
    public var optionsRange: Range<Int> { (offset + 20)..<Swift.max(offset + 20, payload.lowerBound) }

    /// How many bytes of the datagram the total length announces beyond what was
    /// captured (the frame was cut by the snaplen, or an ICMP error quotes only the
    /// start of the datagram). 0 when it is all there, or when the total length is 0
    /// (TSO) or too small. Not reported as an issue of this layer: the layer above
    /// reports its own truncation.
    public var missingLength: Int {
        guard totalLength >= headerLength else { return 0 }
        return Swift.max(0, offset + totalLength - payload.upperBound)
    }

    private enum Field {
        static let versionAndIHL = 0
        static let dsfield = 1
        static let totalLength = 2
        static let identification = 4
        static let flagsAndFragmentOffset = 6
        static let ttl = 8
        static let protocolNumber = 9
        static let checksum = 10
        static let source = 12
        static let destination = 16
        static let fixedLength = 20
    }

    /// Decodes the header at `offset`; `end` is the end of the bytes the lower layer gives it.
    ///
    /// The version and header-length checks need only the first byte, so a bad version
    /// or header length is reported as such even when fewer than 20 bytes are there.
    public static func decode(_ bytes: ByteView, at offset: Int, end: Int) -> Decoded<IPv4> {
        let end = Swift.min(end, bytes.count)
        guard offset >= 0, offset < end else {
            return .failed(.truncated(.ip, needed: Field.fixedLength, available: 0))
        }
        let available = end - offset

        let versionAndIHL = bytes[offset + Field.versionAndIHL]
        let version = versionAndIHL >> 4
        guard version == 4 else { return .failed(.malformed(.ip, .badVersion(version))) }
        let headerLength = Int(versionAndIHL & 0x0f) * 4
        guard headerLength >= Field.fixedLength else {
            return .failed(.malformed(.ip, .headerLengthTooSmall(headerLength)))
        }
        guard available >= Field.fixedLength else {
            return .failed(.truncated(.ip, needed: Field.fixedLength, available: available))
        }

        let totalLength = Int(bytes.u16be(offset + Field.totalLength))
        let flagsAndFragment = bytes.u16be(offset + Field.flagsAndFragmentOffset)
        let headerEnd = offset + headerLength

        var issue: DecodeIssue?
        let payload: Range<Int>
        if totalLength != 0 && totalLength < headerLength {
            // Wireshark: "Bogus IP length"; nothing after the header is dissected.
            issue = .malformed(.ip, .lengthFieldTooSmall(totalLength))
            let start = Swift.min(headerEnd, end)
            payload = start..<start
        } else if headerEnd > end {
            // Options cut short: the fixed fields are still good.
            issue = .truncated(.ip, needed: headerLength, available: available)
            payload = end..<end
        } else if totalLength == 0 {
            // TSO: the NIC fills in the length later; the payload runs to the end.
            payload = headerEnd..<end
        } else {
            payload = headerEnd..<Swift.min(offset + totalLength, end)
        }

        let ip = IPv4(
            offset: offset,
            headerLength: headerLength,
            dsfield: bytes[offset + Field.dsfield],
            totalLength: totalLength,
            identification: bytes.u16be(offset + Field.identification),
            flags: UInt8(truncatingIfNeeded: flagsAndFragment >> 13),
            fragmentOffset: Int(flagsAndFragment & 0x1fff) * 8,
            ttl: bytes[offset + Field.ttl],
            protocolNumber: bytes[offset + Field.protocolNumber],
            checksum: bytes.u16be(offset + Field.checksum),
            source: IPv4Address(bytes, at: offset + Field.source),
            destination: IPv4Address(bytes, at: offset + Field.destination),
            payload: payload
        )
        return Decoded(ip, issue: issue)
    }
}
