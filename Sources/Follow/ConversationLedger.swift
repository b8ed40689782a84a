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

    /// Takes raw frame number `number`; every frame of the capture must come here, in order.
    public func process(_ raw: RawFrame, number: Int) {
        if raw.timestamp > now { now = raw.timestamp }
        if closingHead < closing.count || now >= nextSweep { retireFinished() }
        switch TransportProbe.probe(raw) {
        case .other:
            return
        case .tcp(let segment, let source, let destination, let ipBytes):
            follow(segment, from: Endpoint(address: IPAddress(source), port: segment.sourcePort),
                   to: Endpoint(address: IPAddress(destination), port: segment.destinationPort),
                   frame: SegmentContext(number: number, time: raw.timestamp, originalLength: raw.originalLength,
                                         ipBytes: ipBytes))
        case .udp(let datagram, let source, let destination, let ipBytes):
            follow(datagram, from: Endpoint(address: IPAddress(source), port: datagram.sourcePort),
                   to: Endpoint(address: IPAddress(destination), port: datagram.destinationPort),
                   frame: SegmentContext(number: number, time: raw.timestamp, originalLength: raw.originalLength,
                                         ipBytes: ipBytes), bytes: raw.bytes)
        case .unsure:
            FrameDecoder.decode(raw, number: number, into: frame, depth: .transport, fragments: fragments)
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
            follow(datagram, from: Endpoint(address: addresses.0, port: datagram.sourcePort),
                   to: Endpoint(address: addresses.1, port: datagram.destinationPort),
                   frame: SegmentContext(frame, ipBytes: length), bytes: frame.bytes)
        }
        guard let (source, destination) = frame.ipAddresses else { return }
        if let segment = frame.tcp {
            follow(segment, from: Endpoint(address: source, port: segment.sourcePort),
                   to: Endpoint(address: destination, port: segment.destinationPort),
                   frame: SegmentContext(frame, tcp: true))
        } else if let datagram = frame.udp {
            follow(datagram, from: Endpoint(address: source, port: datagram.sourcePort),
                   to: Endpoint(address: destination, port: datagram.destinationPort),
                   frame: SegmentContext(frame), bytes: frame.bytes)
        }
    }

    /// Ends every live conversation: TCP, then UDP, each in the order they began.
    public func finish() {
        for slot in tcp.slotsInStreamOrder() {
            if let c = tcp.remove(slot) { conversationEnded?(.tcp(c)) }
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
            guard tcp.slots.indices.contains(slot), tcp.slots[slot] != nil, tcp.streams[slot] == stream else {
                closingHead += 1
                continue
            }
            guard now.nanoseconds(since: tcp.lastTimes[slot]) >= linger else { break }
            closingHead += 1
            if tcp.slots[slot]?.isClosed == true, let done = tcp.remove(slot) { conversationEnded?(.tcp(done)) }
        }
        if closingHead > 4096 && closingHead * 2 > closing.count {
            closing.removeFirst(closingHead)
            closingHead = 0
        }
        guard now >= nextSweep else { return }
        let period = max(min(options.tcpIdleTimeout, options.udpIdleTimeout) / 4, 1)
        nextSweep = Timestamp(seconds: now.seconds &+ period, nanoseconds: now.nanoseconds)
        for slot in tcp.slots(idleSince: Timestamp(seconds: now.seconds &- options.tcpIdleTimeout, nanoseconds: now.nanoseconds)) {
            if let done = tcp.remove(slot) { conversationEnded?(.tcp(done)) }
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
        if closedNow { closing.append((index, stream)) }
    }

    private func follow(_ datagram: UDP, from source: Endpoint, to destination: Endpoint, frame: SegmentContext,
                        bytes: ByteView) {
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
            c.update(fromA: c.sideA == source, payloadLength: max(datagram.length - 8, 0), frame: frame,
                     analysis: &scratch)
        }
        // A read or write request makes the client a TFTP peer (Follower.trackTFTP).
        let payload = datagram.payload
        if datagram.destinationPort == 69, payload.count >= 2 {
            let opcode = bytes.u16be(payload.lowerBound)
            if opcode == 1 || opcode == 2 {
                if tftpPeers.count > 10_000 { tftpPeers.removeAll() }
                let peer = TFTPPeer(client: source, server: destination.address)
                if tftpPeers[peer] == nil { tftpPeers[peer] = .some(nil) }
            }
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
