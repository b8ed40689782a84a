/// An IPv6 header (RFC 8200) and the chain of extension headers after it.
public struct IPv6: Sendable {
    public var offset: Int
    public var trafficClass: UInt8
    public var flowLabel: UInt32
    /// The payload-length field as written (`ipv6.plen`).
    public var payloadLength: Int
    /// The next-header field of the fixed header (`ipv6.nxt`).
    public var nextHeader: UInt8
    public var hopLimit: UInt8
    public var source: IPv6Address
    public var destination: IPv6Address
    /// The extension headers in order, as their next-header numbers (0, 43, 44, 60, 51, ...).
    public var extensionHeaders: ExtensionHeaderList
    /// The protocol after the extension headers (6 TCP, 17 UDP, 58 ICMPv6, 59 none, ...).
    public var upperLayerProtocol: UInt8
    /// Fragment header fields, when there is one.
    public var fragment: Fragment?
    /// The upper-layer payload in the frame, after the extension headers.
    public var payload: Range<Int>

    public struct Fragment: Sendable, Equatable {
        public var offset: Int
        public var moreFragments: Bool
        public var identification: UInt32
    }

    /// The jumbo payload length from a Hop-by-Hop Jumbo Payload option (RFC 2675), if any.
    public var jumboPayloadLength: UInt32?

    public var isFragment: Bool { fragment.map { $0.offset != 0 || $0.moreFragments } ?? false }

    /// True for a fragment other than the first: the bytes after the fragment header are
    /// the middle of the datagram, not the header of `upperLayerProtocol`.
    public var isNonFirstFragment: Bool { (fragment?.offset ?? 0) != 0 }

    private enum Field {
        static let versionClassFlow = 0
        static let payloadLength = 4
        static let nextHeader = 6
        static let hopLimit = 7
        static let source = 8
        static let destination = 24
        static let fixedLength = 40
    }

    /// Field offsets common to the extension headers, and those of the fragment header.
    private enum ExtensionField {
        static let nextHeader = 0
        static let length = 1
        static let fragmentOffsetAndFlags = 2
        static let fragmentIdentification = 4
    }

    /// The extension-header numbers the decoder walks.
    public enum ExtensionHeader {
        public static let hopByHop: UInt8 = 0
        public static let routing: UInt8 = 43
        public static let fragment: UInt8 = 44
        public static let esp: UInt8 = 50
        public static let authentication: UInt8 = 51
        public static let noNextHeader: UInt8 = 59
        public static let destinationOptions: UInt8 = 60
        public static let mobility: UInt8 = 135
    }

    /// Decodes the fixed header at `offset` and walks the extension headers after it.
    ///
    /// The walk stops at the first header that is not an extension header (TCP, UDP,
    /// ICMPv6, ...), at ESP (opaque: `upperLayerProtocol` 50, `payload` from the ESP
    /// header), at No Next Header (59), and after the fragment header of a non-first
    /// fragment. When an extension header is cut short, or there are more than
    /// ``ExtensionHeaderList/capacity`` of them, the walk stops at that header:
    /// it is not added to `extensionHeaders`, `upperLayerProtocol` is its number and
    /// `payload` runs from its start; the issue says what went wrong. A truncated
    /// Hop-by-Hop, Routing, Fragment or Destination Options header is reported on its
    /// own layer (`ipv6.hopopts`, ...) with `needed`/`available` counted from that
    /// header's start; a truncated Authentication or Mobility header on `.ipv6`, counted
    /// from the IPv6 header's start.
    public static func decode(_ bytes: ByteView, at offset: Int, end: Int) -> Decoded<IPv6> {
        let end = Swift.min(end, bytes.count)
        guard offset >= 0, offset < end else {
            return .failed(.truncated(.ipv6, needed: Field.fixedLength, available: 0))
        }
        let available = end - offset
        let version = bytes[offset + Field.versionClassFlow] >> 4
        guard version == 6 else { return .failed(.malformed(.ipv6, .badVersion(version))) }
        guard available >= Field.fixedLength else {
            return .failed(.truncated(.ipv6, needed: Field.fixedLength, available: available))
        }

        let word0 = bytes.u32be(offset + Field.versionClassFlow)
        let payloadLength = Int(bytes.u16be(offset + Field.payloadLength))
        let nextHeader = bytes[offset + Field.nextHeader]
        // Payload length 0 means a jumbogram (or TSO): the packet runs to the end.
        let limit = payloadLength == 0 ? end : Swift.min(offset + Field.fixedLength + payloadLength, end)

        var ip = IPv6(
            offset: offset,
            trafficClass: UInt8(truncatingIfNeeded: word0 >> 20),
            flowLabel: word0 & 0x000f_ffff,
            payloadLength: payloadLength,
            nextHeader: nextHeader,
            hopLimit: bytes[offset + Field.hopLimit],
            source: IPv6Address(bytes, at: offset + Field.source),
            destination: IPv6Address(bytes, at: offset + Field.destination),
            extensionHeaders: ExtensionHeaderList(),
            upperLayerProtocol: nextHeader,
            fragment: nil,
            payload: 0..<0,
            jumboPayloadLength: nil
        )

        var next = nextHeader
        var position = offset + Field.fixedLength
        var issue: DecodeIssue?
        walk: while true {
            let room = limit - position // >= 0: each header is checked to fit before the next
            let length: Int
            switch next {
            case ExtensionHeader.hopByHop, ExtensionHeader.routing, ExtensionHeader.destinationOptions,
                 ExtensionHeader.mobility:
                // Length in 8-byte units, not counting the first 8. The minimum until it is there.
                length = room >= 2 ? (Int(bytes[position + ExtensionField.length]) + 1) * 8 : 8
            case ExtensionHeader.authentication:
                // Length in 4-byte units, minus 2.
                length = room >= 2 ? (Int(bytes[position + ExtensionField.length]) + 2) * 4 : 8
            case ExtensionHeader.fragment:
                length = 8
            default:
                // ESP, No Next Header, or an upper-layer protocol: the walk ends here.
                break walk
            }
            guard ip.extensionHeaders.count < ExtensionHeaderList.capacity else {
                issue = .malformed(.ipv6, .extensionHeaderChain)
                break walk
            }
            guard length <= room else {
                if let layer = extensionLayer(next) {
                    issue = .truncated(layer, needed: length, available: room)
                } else {
                    issue = .truncated(.ipv6, needed: position - offset + length, available: limit - offset)
                }
                break walk
            }

            let header = position
            if next == ExtensionHeader.hopByHop {
                ip.jumboPayloadLength = jumboOption(bytes, in: (header + 2)..<(header + length))
            }
            ip.extensionHeaders.append(next)
            position += length
            let isFragmentHeader = next == ExtensionHeader.fragment
            next = bytes[header + ExtensionField.nextHeader]
            if isFragmentHeader {
                let offsetAndFlags = bytes.u16be(header + ExtensionField.fragmentOffsetAndFlags)
                let fragment = Fragment(
                    offset: Int(offsetAndFlags >> 3) * 8,
                    moreFragments: offsetAndFlags & 1 != 0,
                    identification: bytes.u32be(header + ExtensionField.fragmentIdentification)
                )
                ip.fragment = fragment
                // A later fragment carries the middle of the datagram, not more headers.
                if fragment.offset != 0 { break walk }
            }
        }
        ip.upperLayerProtocol = next
        let start = Swift.min(position, limit)
        ip.payload = start..<Swift.max(start, limit)
        return Decoded(ip, issue: issue)
    }

    private static func extensionLayer(_ header: UInt8) -> Layer? {
        switch header {
        case ExtensionHeader.hopByHop: .ipv6Hopopts
        case ExtensionHeader.routing: .ipv6Routing
        case ExtensionHeader.fragment: .ipv6Fraghdr
        case ExtensionHeader.destinationOptions: .ipv6Dstopts
        default: nil
        }
    }

    /// The value of a Jumbo Payload option (type 0xC2, length 4) among the TLV options in
    /// `range`, which lies inside `bytes`.
    private static func jumboOption(_ bytes: ByteView, in range: Range<Int>) -> UInt32? {
        var i = range.lowerBound
        while i < range.upperBound {
            let type = bytes[i]
            if type == 0 { i += 1; continue } // Pad1
            guard i + 2 <= range.upperBound else { return nil }
            let length = Int(bytes[i + 1])
            guard i + 2 + length <= range.upperBound else { return nil }
            if type == 0xC2 && length == 4 { return bytes.u32be(i + 2) }
            i += 2 + length
        }
        return nil
    }
}

/// Up to eight extension-header numbers stored inline, so decoding allocates nothing.
public struct ExtensionHeaderList: Sendable, Equatable, Sequence {
    public private(set) var count: Int = 0
    private var packed: UInt64 = 0

    public init() {}

    public static let capacity = 8

    /// Appends `header`; returns false when the list is full.
    @discardableResult
    public mutating func append(_ header: UInt8) -> Bool {
        guard count < Self.capacity else { return false }
        packed |= UInt64(header) << (8 * UInt64(count))
        count += 1
        return true
    }

    public subscript(i: Int) -> UInt8 {
        precondition(i >= 0 && i < count)
        return UInt8(truncatingIfNeeded: packed >> (8 * UInt64(i)))
    }

    public struct Iterator: IteratorProtocol {
        var list: ExtensionHeaderList
        var index = 0
        public mutating func next() -> UInt8? {
            guard index < list.count else { return nil }
            defer { index += 1 }
            return list[index]
        }
    }

    public func makeIterator() -> Iterator { Iterator(list: self) }
}
