/// A decoded frame: the captured bytes once, and a view for each layer that decoded.
///
/// Layers are small value types holding offsets and scalars read from `bytes`; nothing is
/// copied. Like the bytes, a Frame from a capture source is valid only until the source
/// reads the next frame.
public struct Frame {
    public var number: Int
    public var raw: RawFrame
    /// The protocols in order, as Wireshark lists them in `frame.protocols`.
    public var protocols = ProtocolStack()

    public var ethernet: Ethernet?
    public var vlans = VLANTags()
    public var sll: LinuxSLL?
    public var null: NullLoopback?
    public var arp: ARP?
    public var ipv4: IPv4?
    public var ipv6: IPv6?
    public var icmp: ICMPv4?
    public var icmpv6: ICMPv6?
    public var tcp: TCP?
    public var udp: UDP?
    public var dns: DNS?
    public var http: HTTPHead?
    /// The packet quoted inside an ICMP or ICMPv6 error. Kept out of line: it is rare and
    /// as large as the rest of the frame, which is copied and cleared for every packet.
    public var quoted: QuotedPacket? {
        get { quotedBox?.packet }
        set { quotedBox = newValue.map(QuotedBox.init) }
    }
    private var quotedBox: QuotedBox?
    /// What went wrong, layer by layer; the layers listed above still decoded.
    public var issues = IssueList()

    public init(number: Int, raw: RawFrame) {
        self.number = number
        self.raw = raw
    }

    @inlinable public var bytes: ByteView { raw.bytes }

    /// The transport payload (TCP or UDP), or an empty range.
    public var transportPayload: Range<Int> {
        tcp?.payload ?? udp?.payload ?? 0..<0
    }
}

final class QuotedBox {
    let packet: QuotedPacket
    init(_ packet: QuotedPacket) { self.packet = packet }
}

/// The IP header and transport header that an ICMP error quotes.
public struct QuotedPacket: Sendable {
    public var ipv4: IPv4?
    public var ipv6: IPv6?
    public var tcp: TCP?
    public var udp: UDP?
    public var icmp: ICMPv4?
    public var icmpv6: ICMPv6?
    public init() {}
}

/// The `frame.protocols` chain, stored inline (up to 16 layers).
public struct ProtocolStack: Sendable, Sequence, Equatable {
    public private(set) var count = 0
    private var low: UInt64 = 0
    private var high: UInt64 = 0
    public static let capacity = 16
    public init() {}

    public mutating func append(_ layer: Layer) {
        guard count < Self.capacity else { return }
        let shift = UInt64(count % 8) * 8
        if count < 8 { low |= UInt64(layer.rawValue) << shift } else { high |= UInt64(layer.rawValue) << shift }
        count += 1
    }

    public subscript(i: Int) -> Layer {
        precondition(i >= 0 && i < count)
        let word = i < 8 ? low : high
        return Layer(rawValue: UInt8(truncatingIfNeeded: word >> (UInt64(i % 8) * 8))) ?? .data
    }

    public var last: Layer? { count == 0 ? nil : self[count - 1] }

    public func contains(_ layer: Layer) -> Bool {
        for i in 0..<count where self[i] == layer { return true }
        return false
    }

    public struct Iterator: IteratorProtocol {
        let stack: ProtocolStack
        var index = 0
        public mutating func next() -> Layer? {
            guard index < stack.count else { return nil }
            defer { index += 1 }
            return stack[index]
        }
    }

    public func makeIterator() -> Iterator { Iterator(stack: self) }
}

/// Up to four issues per frame, stored inline; more are counted.
public struct IssueList: Sendable, Sequence {
    public private(set) var count = 0
    private var storage: (DecodeIssue?, DecodeIssue?, DecodeIssue?, DecodeIssue?) = (nil, nil, nil, nil)
    public init() {}

    public var isEmpty: Bool { count == 0 }

    public mutating func append(_ issue: DecodeIssue?) {
        guard let issue else { return }
        switch count {
        case 0: storage.0 = issue
        case 1: storage.1 = issue
        case 2: storage.2 = issue
        case 3: storage.3 = issue
        default: break
        }
        count += 1
    }

    public var first: DecodeIssue? { storage.0 }

    public struct Iterator: IteratorProtocol {
        let list: IssueList
        var index = 0
        public mutating func next() -> DecodeIssue? {
            defer { index += 1 }
            switch index {
            case 0: return list.storage.0
            case 1: return list.storage.1
            case 2: return list.storage.2
            case 3: return list.storage.3
            default: return nil
            }
        }
    }

    public func makeIterator() -> Iterator { Iterator(list: self) }
}
