/// A decoded frame: the captured bytes once, and a view for each layer that decoded.
///
/// Layers are small value types holding offsets and scalars read from `bytes`; nothing is
/// copied. A Frame is a reference so that the packet loop can decode into one frame and
/// hand it to the follower and the views without copying its ~1 KB of layers for every
/// packet (Swift copies a large struct whenever it passes one out of a mutable place).
/// Like the bytes, a Frame from a capture source is valid only until the source reads
/// the next frame: the decoder then overwrites it.
public final class Frame {
    // Written only by the decoder, read by everyone. Inlinable getters over unchecked
    // storage: other modules would otherwise check exclusivity dynamically at every read,
    // which costs more than the reads themselves.
    @usableFromInline @exclusivity(unchecked) var _number: Int
    @inlinable public var number: Int { _number }
    @usableFromInline @exclusivity(unchecked) var _raw: RawFrame
    @inlinable public var raw: RawFrame { _raw }
    /// The protocols in order, as Wireshark lists them in `frame.protocols`.
    @usableFromInline @exclusivity(unchecked) var _protocols = ProtocolStack()
    @inlinable public var protocols: ProtocolStack { _protocols }
    /// Set by the decoder for ``FrameDecoder/Depth/transport``: no layer above TCP or UDP.
    @exclusivity(unchecked) var stopsAtTransport = false

    @usableFromInline @exclusivity(unchecked) var _ethernet: Ethernet?
    @inlinable public var ethernet: Ethernet? { _ethernet }
    @usableFromInline @exclusivity(unchecked) var _vlans = VLANTags()
    @inlinable public var vlans: VLANTags { _vlans }
    @usableFromInline @exclusivity(unchecked) var _sll: LinuxSLL?
    @inlinable public var sll: LinuxSLL? { _sll }
    @usableFromInline @exclusivity(unchecked) var _null: NullLoopback?
    @inlinable public var null: NullLoopback? { _null }
    @usableFromInline @exclusivity(unchecked) var _nflog: NFLOG?
    @inlinable public var nflog: NFLOG? { _nflog }
    @usableFromInline @exclusivity(unchecked) var _llc: LLC?
    @inlinable public var llc: LLC? { _llc }
    @usableFromInline @exclusivity(unchecked) var _bpdu: BPDU?
    @inlinable public var bpdu: BPDU? { _bpdu }
    /// PPP over Ethernet and the PPP header it carries, between the Ethernet (or VLAN)
    /// header and the IP packet.
    @usableFromInline @exclusivity(unchecked) var _pppoe: PPPoESession?
    @inlinable public var pppoe: PPPoESession? { _pppoe }
    @usableFromInline @exclusivity(unchecked) var _ppp: PPP?
    @inlinable public var ppp: PPP? { _ppp }
    @usableFromInline @exclusivity(unchecked) var _arp: ARP?
    @inlinable public var arp: ARP? { _arp }
    @usableFromInline @exclusivity(unchecked) var _ipv4: IPv4?
    @inlinable public var ipv4: IPv4? { _ipv4 }
    @usableFromInline @exclusivity(unchecked) var _ipv6: IPv6?
    @inlinable public var ipv6: IPv6? { _ipv6 }
    @usableFromInline @exclusivity(unchecked) var _icmp: ICMPv4?
    @inlinable public var icmp: ICMPv4? { _icmp }
    @usableFromInline @exclusivity(unchecked) var _icmpv6: ICMPv6?
    @inlinable public var icmpv6: ICMPv6? { _icmpv6 }
    @usableFromInline @exclusivity(unchecked) var _tcp: TCP?
    @inlinable public var tcp: TCP? { _tcp }
    @usableFromInline @exclusivity(unchecked) var _udp: UDP?
    @inlinable public var udp: UDP? { _udp }
    @usableFromInline @exclusivity(unchecked) var _dns: DNS?
    @inlinable public var dns: DNS? { _dns }
    @usableFromInline @exclusivity(unchecked) var _http: HTTPHead?
    @inlinable public var http: HTTPHead? { _http }
    /// The packet quoted inside an ICMP or ICMPv6 error.
    /// The packet an ICMP error quotes: none or one. In an array, whose room a reused frame
    /// keeps, rather than inline, where its 490 bytes sat in every decoded frame.
    @usableFromInline @exclusivity(unchecked) var _quotedStorage: [QuotedPacket] = []
    @inlinable public var quoted: QuotedPacket? { _quotedStorage.first }
    @usableFromInline var _quoted: QuotedPacket? {
        get { _quotedStorage.first }
        set {
            _quotedStorage.removeAll(keepingCapacity: true)
            if let newValue { _quotedStorage.append(newValue) }
        }
    }
    /// The outer layers of a tunnelled packet, outermost first; the slots above hold the
    /// innermost packet (see ``TunnelHop``).
    @usableFromInline @exclusivity(unchecked) var _tunnels = TunnelStack()
    @inlinable public var tunnels: TunnelStack { _tunnels }
    /// What went wrong, layer by layer; the layers listed above still decoded.
    @usableFromInline @exclusivity(unchecked) var _issues = IssueList()
    @inlinable public var issues: IssueList { _issues }

    /// The bytes the layers are decoded over: the raw bytes, except on a frame that
    /// completes a fragmented IP datagram, where they are this frame's bytes up to the IP
    /// payload followed by the reassembled payload (``reassembled``), so that every layer
    /// view keeps reading `bytes` at its offsets. `raw.bytes` stays what was captured.
    @usableFromInline @exclusivity(unchecked) var _bytes: ByteView = .empty
    /// Set on the frame that completed a fragmented datagram: its fragments' frames and
    /// the reassembled payload's range in ``bytes``.
    @exclusivity(unchecked) public internal(set) var reassembled: ReassembledDatagram?
    /// The reassembler the decoder feeds fragments to (nil: fragments are shown as data).
    @exclusivity(unchecked) var fragmentSink: IPFragments?
    /// Storage for the reassembled bytes, kept across frames (grown, never shrunk).
    @exclusivity(unchecked) private var datagramStorage: UnsafeMutableRawBufferPointer?

    public init(number: Int, raw: RawFrame) {
        self._number = number
        self._raw = raw
        self._bytes = raw.bytes
    }

    deinit { datagramStorage?.deallocate() }

    /// Makes ``bytes`` this frame's first `prefixLength` bytes followed by `payload`;
    /// returns the payload's range in them.
    func useReassembled(prefixLength: Int, payload: [UInt8], fragments: [IPFragment]) -> Range<Int> {
        let need = prefixLength + payload.count
        if (datagramStorage?.count ?? 0) < need {
            datagramStorage?.deallocate()
            datagramStorage = UnsafeMutableRawBufferPointer.allocate(byteCount: Swift.max(need, 2048), alignment: 8)
        }
        let storage = datagramStorage!
        let raw = _raw.bytes
        for i in 0..<prefixLength { storage[i] = raw[i] }
        payload.withUnsafeBytes { storage.baseAddress!.advanced(by: prefixLength).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        _bytes = ByteView(start: UnsafeRawPointer(storage.baseAddress!), count: need)
        let range = prefixLength..<need
        reassembled = ReassembledDatagram(fragments: fragments, payload: range)
        return range
    }

    /// An empty frame for a decoder to fill.
    public convenience init() {
        self.init(number: 0, raw: RawFrame(bytes: .empty, timestamp: .zero, originalLength: 0, linkType: .ethernet))
    }

    /// Forgets every layer, ready for the next frame's.
    func reset(number: Int, raw: RawFrame) {
        _number = number
        _raw = raw
        _bytes = raw.bytes
        if reassembled != nil { reassembled = nil }
        _protocols = ProtocolStack()
        _vlans = VLANTags()
        _issues = IssueList()
        // Clear only what the last frame set: assigning nil to a large optional copies a
        // whole empty value, and most frames set only a few layers.
        if _ethernet != nil { _ethernet = nil }
        if _sll != nil { _sll = nil }
        if _null != nil { _null = nil }
        if _nflog != nil { _nflog = nil }
        if _llc != nil { _llc = nil }
        if _bpdu != nil { _bpdu = nil }
        if _pppoe != nil { _pppoe = nil; _ppp = nil }
        if _arp != nil { _arp = nil }
        if _ipv4 != nil { _ipv4 = nil }
        if _ipv6 != nil { _ipv6 = nil }
        if _icmp != nil { _icmp = nil }
        if _icmpv6 != nil { _icmpv6 = nil }
        if _tcp != nil { _tcp = nil }
        if _udp != nil { _udp = nil }
        if _dns != nil { _dns = nil }
        if _http != nil { _http = nil }
        if !_quotedStorage.isEmpty { _quotedStorage.removeAll(keepingCapacity: true) }
        if !_tunnels.isEmpty { _tunnels.removeAll() }
    }

    @inlinable public var bytes: ByteView { _bytes }

    /// The issue of the layer the snapshot length cut short, when that is what stopped the
    /// decoding (see ``DecodeIssue/isSnaplenCut(uncaptured:)``): not damage, and shown as
    /// tshark shows it, `[Packet size limited during capture]`.
    public var sizeLimitedIssue: DecodeIssue? {
        let uncaptured = _raw.originalLength - _raw.bytes.count
        guard uncaptured > 0 else { return nil }
        for issue in _issues where issue.isSnaplenCut(uncaptured: uncaptured) { return issue }
        return nil
    }

    /// The issues that are damage: all but a snaplen cut.
    public var damage: [DecodeIssue] {
        let uncaptured = _raw.originalLength - _raw.bytes.count
        return _issues.filter { !$0.isSnaplenCut(uncaptured: uncaptured) }
    }

    /// The transport payload (TCP or UDP), or an empty range.
    public var transportPayload: Range<Int> {
        tcp?.payload ?? udp?.payload ?? 0..<0
    }
}

/// A fragmented IP datagram put back together on the frame that completed it.
public struct ReassembledDatagram: Sendable {
    /// Its fragments, in the order they arrived (`ip.fragment`).
    public var fragments: [IPFragment]
    /// The reassembled payload in the frame's ``Frame/bytes``.
    public var payload: Range<Int>
    public var length: Int { payload.count }
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

/// The `frame.protocols` chain, stored inline (up to 32 layers: a TLS certificate chain
/// adds an x509 layer for each name and extension).
public struct ProtocolStack: Sendable, Sequence, Equatable {
    public private(set) var count = 0
    private var low: UInt64 = 0
    private var high: UInt64 = 0
    private var third: UInt64 = 0
    private var fourth: UInt64 = 0
    public static let capacity = 32
    public init() {}

    public mutating func append(_ layer: Layer) {
        guard count < Self.capacity else { return }
        let shift = UInt64(count % 8) * 8
        switch count / 8 {
        case 0: low |= UInt64(layer.rawValue) << shift
        case 1: high |= UInt64(layer.rawValue) << shift
        case 2: third |= UInt64(layer.rawValue) << shift
        default: fourth |= UInt64(layer.rawValue) << shift
        }
        count += 1
    }

    public subscript(i: Int) -> Layer {
        precondition(i >= 0 && i < count)
        let word = i < 8 ? low : i < 16 ? high : i < 24 ? third : fourth
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
