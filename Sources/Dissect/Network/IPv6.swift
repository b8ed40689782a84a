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

    public var isFragment: Bool { fragment.map { $0.offset != 0 || $0.moreFragments } ?? false }

    public static func decode(_ bytes: ByteView, at offset: Int, end: Int) -> Decoded<IPv6> {
        .failed(.truncated(.ipv6, needed: 40, available: 0)) // TODO: implemented on the layers branch
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
