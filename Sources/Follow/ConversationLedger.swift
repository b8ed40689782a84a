import Dissect

/// The conversations of a capture as ``Follower`` keeps them (the same streams, ordinals,
/// counters, Zeek state and history, ended at the same frames and in the same order) for
/// views that report conversations and nothing per frame (`conversations`), without the
/// rest of the follower's work: no sequence analysis, reassembly, HTTP, TLS records, DNS
/// or ICMP matching, and no decoding of most frames.
///
/// Each raw frame is looked at with ``TransportProbe``; only frames it is unsure of are
/// decoded (to the transport layer, fragments reassembled) and taken as the follower
/// takes them. The conversations themselves are the follower's types, changed by the same
/// functions (`TCPConversation.update`, `UDPConversation.update`, `ConnectionState`);
/// when they end is decided by the follower's rules over the same ``ConversationTable``:
/// replaced by a new SYN, evicted past ``FollowerOptions/maxLiveConversations``, closed and
/// silent for ``FollowerOptions/closedLinger``, silent for the idle timeouts, or still open
/// at ``finish()``. `ConversationLedgerTests` checks every conversation against the follower's.
public final class ConversationLedger {
    public let options: FollowerOptions
    @exclusivity(unchecked) private var tcp: ConversationTable<TCPConversation>
    @exclusivity(unchecked) private var udp: ConversationTable<UDPConversation>
    @exclusivity(unchecked) private var nextTCPStream = 0
    @exclusivity(unchecked) private var nextUDPStream = 0
    @exclusivity(unchecked) private var nextOrdinal = 0
    @exclusivity(unchecked) private var now = Timestamp.zero
    @exclusivity(unchecked) private var nextSweep = Timestamp.zero
    @exclusivity(unchecked) private var closing: [(slot: Int, stream: Int)] = []
    @exclusivity(unchecked) private var closingHead = 0
    /// No closed conversation is due before this: the queue's head was not (see ``retireFinished()``).
    @exclusivity(unchecked) private var lingerDue = Timestamp.zero
    @exclusivity(unchecked) private var tftpPeers: [TFTPPeer: Int?] = [:]
    /// What the conversations write about each frame, which nobody reads here.
    @exclusivity(unchecked) private var scratch = FrameAnalysis()
    /// Frames the probe is unsure of are decoded here, fragments reassembled in order.
    private let fragments = IPFragments()
    private let frame = Frame()

    /// Called with each conversation that ends, as ``Follower/conversationEnded``.
    public var conversationEnded: ((Conversation) -> Void)?

    public init(options: FollowerOptions = FollowerOptions()) {
        self.options = options
        tcp = ConversationTable(capacity: options.maxLiveConversations)
        udp = ConversationTable(capacity: options.maxLiveConversations)
    }

    /// Conversations evicted to stay under ``FollowerOptions/maxLiveConversations``.
    public var evictions: Int { tcp.evictions + udp.evictions }
    public var tcpStreamCount: Int { nextTCPStream }
    public var udpStreamCount: Int { nextUDPStream }

    /// What ``look(_:number:)`` found in a raw frame, for ``take(_:)``: made on any thread,
    /// taken in capture order on the ledger's. Small and free of references, since a pass
    /// hands a million of them from one thread to the other.
    public struct Item {
        public enum Kind: UInt8 {
            /// Neither TCP nor UDP.
            case other
            /// A TCP segment or UDP datagram (``segment``).
            case segment
            /// A frame the probe is unsure of (``bytes``, ``linkType``), to decode when it is
            /// taken: its bytes must still be valid then.
            case frame
        }
        public var kind: Kind
        /// A TFTP read or write request (the follower then knows the client).
        public var tftpRequest = false
        public var linkType = LinkType.ethernet
        public var number: Int
        public var time: Timestamp
        public var originalLength: Int
        public var segment: TransportProbe.Segment?
        public var bytes = ByteView.empty
    }

    /// Looks at raw frame number `number` (pure: any thread may).
    public static func look(_ raw: RawFrame, number: Int) -> Item {
        var item = Item(kind: .other, number: number, time: raw.timestamp, originalLength: raw.originalLength)
        switch TransportProbe.probe(raw) {
        case .other:
            break
        case .segment(let segment):
            item.kind = .segment
            item.segment = segment
            // A read or write request makes the client a TFTP peer (Follower.trackTFTP).
            if !segment.isTCP, segment.destinationPort == 69, segment.capturedPayload >= 2 {
                let opcode = raw.bytes.u16be(Int(segment.payloadStart))
                item.tftpRequest = opcode == 1 || opcode == 2
            }
        case .unsure:
            item.kind = .frame
            item.bytes = raw.bytes
            item.linkType = raw.linkType
        }
        return item
    }

    /// Takes raw frame number `number`; every frame of the capture must come here, in order.
    public func process(_ raw: RawFrame, number: Int) {
        take(Self.look(raw, number: number))
    }

    /// Takes what ``look(_:number:)`` found; every frame of the capture, in order.
    public func take(_ item: Item) {
        if item.time > now { now = item.time }
        if closingHead < closing.count && now >= lingerDue || now >= nextSweep { retireFinished() }
        switch item.kind {
        case .other:
            return
        case .segment:
            guard let s = item.segment else { return }
            let source = Endpoint(address: IPAddress(s.source), port: s.sourcePort)
            let destination = Endpoint(address: IPAddress(s.destination), port: s.destinationPort)
            let frame = SegmentContext(number: item.number, time: item.time, originalLength: item.originalLength,
                                       ipBytes: Int(s.ipBytes))
            if s.isTCP {
                // The options only feed the per-segment analysis (window scaling), which no
                // conversation shows: the segment goes without them.
                follow(s.tcp, from: source, to: destination, frame: frame)
            } else {
                follow(udpFrom: source, to: destination, length: Int(s.length), frame: frame, tftpRequest: item.tftpRequest)
            }
        case .frame:
            let raw = RawFrame(bytes: item.bytes, timestamp: item.time, originalLength: item.originalLength,
                               linkType: item.linkType)
            FrameDecoder.decode(raw, number: item.number, into: frame, depth: .transport, fragments: fragments)
            processDecoded(frame)
        }
    }

    /// A decoded frame, as ``Follower/process(_:into:)`` takes it for its conversations.
    private func processDecoded(_ frame: Frame) {
        for hop in frame.tunnels {
            guard let datagram = hop.udp else { continue }
            let addresses: (IPAddress, IPAddress), length: Int
            if let ip = hop.ipv4 {
                addresses = (IPAddress(ip.source), IPAddress(ip.destination))
                length = ip.totalLength
            } else if let ip = hop.ipv6 {
                addresses = (IPAddress(ip.source), IPAddress(ip.destination))
                length = ip.payloadLength + 40
            } else {
                continue
            }
            follow(udpFrom: Endpoint(address: addresses.0, port: datagram.sourcePort),
                   to: Endpoint(address: addresses.1, port: datagram.destinationPort), length: datagram.length,
                   frame: SegmentContext(frame, ipBytes: length), tftpRequest: Self.isTFTPRequest(datagram, frame.bytes))
        }
        guard let (source, destination) = frame.ipAddresses else { return }
        if let segment = frame.tcp {
            follow(segment, from: Endpoint(address: source, port: segment.sourcePort),
                   to: Endpoint(address: destination, port: segment.destinationPort),
                   frame: SegmentContext(frame, tcp: true))
        } else if let datagram = frame.udp {
            follow(udpFrom: Endpoint(address: source, port: datagram.sourcePort),
                   to: Endpoint(address: destination, port: datagram.destinationPort), length: datagram.length,
                   frame: SegmentContext(frame), tftpRequest: Self.isTFTPRequest(datagram, frame.bytes))
        }
    }

    /// Ends every live conversation: TCP, then UDP, each in the order they began.
    public func finish() {
        for slot in tcp.slotsInStreamOrder() {
            if let c = tcp.remove(slot) { endTCP(c) }
        }
        for slot in udp.slotsInStreamOrder() {
            if let c = udp.remove(slot) { conversationEnded?(.udp(c)) }
        }
    }

    // MARK: The follower's rules

    private func retireFinished() {
        let linger = options.closedLinger * 1_000_000_000
        while closingHead < closing.count {
            let (slot, stream) = closing[closingHead]
            guard tcp.isLive(slot, stream: stream) else {
                closingHead += 1
                continue
            }
            guard now.nanoseconds(since: tcp.lastTimes[slot]) >= linger else {
                // Nothing is due before the head is; any TCP conversation that ends resets this.
                lingerDue = Timestamp(seconds: tcp.lastTimes[slot].seconds &+ options.closedLinger &- 5, nanoseconds: 0)
                break
            }
            closingHead += 1
            if tcp.update(slot, { $0.isClosed }), let done = tcp.remove(slot) { endTCP(done) }
        }
        if closingHead > 4096 && closingHead * 2 > closing.count {
            closing.removeFirst(closingHead)
            closingHead = 0
        }
        guard now >= nextSweep else { return }
        let period = max(min(options.tcpIdleTimeout, options.udpIdleTimeout) / 4, 1)
        nextSweep = Timestamp(seconds: now.seconds &+ period, nanoseconds: now.nanoseconds)
        for slot in tcp.slots(idleSince: Timestamp(seconds: now.seconds &- options.tcpIdleTimeout, nanoseconds: now.nanoseconds)) {
            if let done = tcp.remove(slot) { endTCP(done) }
        }
        for slot in udp.slots(idleSince: Timestamp(seconds: now.seconds &- options.udpIdleTimeout, nanoseconds: now.nanoseconds)) {
            if let done = udp.remove(slot) { conversationEnded?(.udp(done)) }
        }
    }

    private func follow(_ segment: TCP, from source: Endpoint, to destination: Endpoint, frame: SegmentContext) {
        let key = FlowKey.make(source: source, destination: destination, proto: 6).key
        var slot = tcp.slot(for: key)
        if let existing = slot, segment.flags.contains(.syn) && !segment.flags.contains(.ack) {
            let reused = tcp.update(existing) { c -> Bool in
                let forward = c.sideA == source ? c.aToB : c.bToA
                return forward.baseSeqSet && forward.baseSeq != segment.sequenceNumber
            }
            if reused { slot = nil }
        }
        let index: Int
        if let slot {
            index = slot
        } else {
            let conversation = TCPConversation(stream: nextTCPStream, ordinal: nextOrdinal, a: source, b: destination,
                                               frame: frame.number, time: frame.time)
            nextOrdinal += 1
            nextTCPStream += 1
            index = tcp.insert(conversation, key: key, now: frame.number) { conversationEnded?(.tcp($0)) }
        }
        tcp.touch(index, now: frame.number, time: frame.time)
        let (stream, closedNow) = tcp.update(index) { c -> (Int, Bool) in
            let wasClosed = c.isClosed
            c.update(with: segment, from: source, frame: frame, analyze: false, unackedRoom: false, analysis: &scratch)
            return (c.stream, !wasClosed && c.isClosed)
        }
        if closedNow {
            if closingHead == closing.count { lingerDue = .zero }
            closing.append((index, stream))
        }
    }

    /// A TFTP read or write request (Follower.trackTFTP).
    static func isTFTPRequest(_ datagram: UDP, _ bytes: ByteView) -> Bool {
        let payload = datagram.payload
        guard datagram.destinationPort == 69, payload.count >= 2 else { return false }
        let opcode = bytes.u16be(payload.lowerBound)
        return opcode == 1 || opcode == 2
    }

    private func endTCP(_ conversation: TCPConversation) {
        lingerDue = .zero
        conversationEnded?(.tcp(conversation))
    }

    /// A UDP datagram whose header gives `length`.
    private func follow(udpFrom source: Endpoint, to destination: Endpoint, length: Int, frame: SegmentContext,
                        tftpRequest: Bool) {
        let key = FlowKey.make(source: source, destination: destination, proto: 17).key
        let index: Int
        if let existing = udp.slot(for: key) {
            index = existing
        } else {
            // A TFTP client's packets share one stream, as in the follower.
            let peer = tftpPeer(source: source, destination: destination)
            var stream = nextUDPStream
            if let peer, let shared = tftpPeers[peer], let shared {
                stream = shared
            } else {
                nextUDPStream += 1
                if let peer { tftpPeers[peer] = stream }
            }
            index = udp.insert(UDPConversation(stream: stream, ordinal: nextOrdinal, a: source, b: destination,
                                               frame: frame.number, time: frame.time),
                               key: key, now: frame.number) { conversationEnded?(.udp($0)) }
            nextOrdinal += 1
        }
        udp.touch(index, now: frame.number, time: frame.time)
        udp.update(index) { c in
            c.update(fromA: c.sideA == source, payloadLength: max(length - 8, 0), frame: frame, analysis: &scratch)
        }
        // A read or write request makes the client a TFTP peer (Follower.trackTFTP).
        if tftpRequest {
            if tftpPeers.count > 10_000 { tftpPeers.removeAll() }
            let peer = TFTPPeer(client: source, server: destination.address)
            if tftpPeers[peer] == nil { tftpPeers[peer] = .some(nil) }
        }
    }

    private func tftpPeer(source: Endpoint, destination: Endpoint) -> TFTPPeer? {
        guard !tftpPeers.isEmpty else { return nil }
        let forward = TFTPPeer(client: source, server: destination.address)
        if tftpPeers[forward] != nil { return forward }
        let backward = TFTPPeer(client: destination, server: source.address)
        return tftpPeers[backward] != nil ? backward : nil
    }
}
