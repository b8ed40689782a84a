import Dissect

/// How much the follower keeps, and its memory caps.
public struct FollowerOptions: Sendable {
    /// Live conversations kept at once (TCP and UDP each); the least recently active are
    /// evicted beyond this, counted in ``Follower/evictions``.
    public var maxLiveConversations = 100_000
    /// Reassemble the byte streams of these TCP streams (nil: none beyond HTTP tracking).
    public var reassembleStreams: Set<Int>? = nil
    /// Reassemble every TCP stream.
    public var reassembleAll = false
    /// Follow HTTP/1.x messages on HTTP ports, so the frame that completes a message is
    /// the HTTP frame, as in Wireshark.
    public var trackHTTP = true
    /// Follow TLS records and SSH packets (on their ports, by Decode As and TLS's
    /// heuristic), so the frame that completes one shows it, as in Wireshark.
    public var trackRecords = true
    /// Run Wireshark's sequence analysis (`tcp.analysis.*`, `tcp.completeness`). Views that
    /// only report conversations turn it off.
    public var analyzeSequences = true
    /// Keep request/response pairs (and up to `httpBodyLimit` body bytes each) for the `http` view.
    public var keepHTTPTransactions = false
    public var httpBodyLimit = 0
    /// Keep up to this many bytes of each HTTP message as it crossed the wire, with the
    /// frames it came in, for the details tree's reassembled data (0: keep none).
    public var pduBytesLimit = 0
    /// Total out-of-order bytes buffered across all streams.
    public var reassemblyBudget = 64 << 20
    /// Segments held for `tcp.analysis.acks_frame` / `ack_rtt` across all conversations
    /// (about 40 bytes each): 10 MiB by default.
    public var unackedLimit = 1 << 18
    /// Seconds of capture time a closed TCP conversation is kept for stragglers (late
    /// ACKs, retransmitted FINs) before it is reported and forgotten.
    public var closedLinger: Int64 = 60
    /// Seconds of capture time after which a silent TCP or UDP conversation is reported and
    /// forgotten, as Zeek's tcp/udp_inactivity_timeout (5 min, 1 min). Wireshark never
    /// forgets; a packet after this long starts a new stream here.
    public var tcpIdleTimeout: Int64 = 300
    public var udpIdleTimeout: Int64 = 60
    /// The number the first TCP conversation gets (0, as in Wireshark). A follower that is
    /// handed the frames of one stream only, numbered elsewhere (``TCPStreamNumbering``),
    /// starts at that stream's number.
    public var firstTCPStream = 0
    public init() {}
}

/// Follows conversations in one pass over the frames, as Wireshark does while it
/// dissects: numbers TCP and UDP streams, makes sequence numbers relative, flags
/// retransmissions and friends, keeps Zeek's connection state, and reassembles streams.
public final class Follower {
    public let options: FollowerOptions
    // Hot per-packet state of a final class that never crosses threads: skip the dynamic
    // exclusivity checks.
    @exclusivity(unchecked) private var tcp: ConversationTable<TCPConversation>
    @exclusivity(unchecked) private var udp: ConversationTable<UDPConversation>
    @exclusivity(unchecked) private var nextTCPStream = 0
    @exclusivity(unchecked) private var nextUDPStream = 0
    @exclusivity(unchecked) private var nextOrdinal = 0
    private let budget: ReassemblyBudget
    /// Segments waiting in every conversation's unacked lists, and the most there may be:
    /// each list holds up to Wireshark's 10 000, and a capture of many connections that
    /// never acknowledge must not add up to gigabytes. Past the total, new segments are
    /// not listed (their ACKs name no frame), as when one of Wireshark's lists is full.
    @exclusivity(unchecked) private(set) var unackedEntries = 0
    /// DNS queries over UDP and TCP waiting for their answer, by stream and transaction id.
    @exclusivity(unchecked) private var dnsQueries: [DNSQueryKey: DNSTransaction] = [:]
    @exclusivity(unchecked) private var echoRequests: [EchoKey: (frame: Int, time: Timestamp)] = [:]
    /// TFTP clients after a read or write request, and the `udp.stream` their other
    /// packets share (nil until the first one), as Wireshark's wildcard conversation.
    @exclusivity(unchecked) private var tftpPeers: [TFTPPeer: TFTPClient] = [:]
    /// Each ESP SPI's last sequence number and frame (``trackESP``).
    @exclusivity(unchecked) var espSequences: [UInt32: (sequence: UInt32, frame: Int)] = [:]
    /// SSDP's numbered requests and responses, by `udp.stream` (``trackSSDP``).
    @exclusivity(unchecked) var ssdpConversations: [Int: SSDPConversation] = [:]
    /// 802.1X exchanges by their two stations (``trackEAP``).
    @exclusivity(unchecked) var eapExchanges: [EAPPeers: EAPExchange] = [:]
    /// Modbus/TCP queries by stream, transaction, unit and function (``trackModbus``).
    @exclusivity(unchecked) var modbusRequests: [ModbusRequestKey: (frame: Int, time: Timestamp, reference: UInt16, count: UInt16)] = [:]
    @exclusivity(unchecked) private var lastFrame = 0
    @exclusivity(unchecked) private var now = Timestamp.zero
    @exclusivity(unchecked) private var nextSweep = Timestamp.zero
    /// Closed TCP conversations waiting out their linger time, oldest first.
    @exclusivity(unchecked) private var closing: [(slot: Int, stream: Int)] = []
    @exclusivity(unchecked) private var closingHead = 0
    /// No closed conversation is due before this (a few seconds before the closing queue's
    /// head is), so that most frames skip the queue; the check itself stays exact. Any TCP
    /// conversation that ends, and the first to join an empty queue, reset it.
    @exclusivity(unchecked) private var lingerDue = Timestamp.zero

    /// Called with each conversation that ends: evicted, replaced by a new stream on the
    /// same 4-tuple, or still open when ``finish()`` runs.
    public var conversationEnded: ((Conversation) -> Void)?
    /// Called with reassembled stream data of the streams being reassembled. `fromA` is the
    /// direction of the conversation's first packet; `fromClient` the originator's.
    public var streamData: ((_ stream: Int, _ fromA: Bool, _ fromClient: Bool, _ chunk: StreamChunk) -> Void)?
    /// Called with each completed HTTP transaction (when `keepHTTPTransactions`).
    public var httpTransaction: ((HTTPTransaction) -> Void)?
    /// Called, when the conversation ends, for each HTTP head too long to parse: its
    /// messages are missing from ``httpTransaction``, and the view should say so.
    public var httpHeadTooLarge: ((HTTPHeadTooLarge) -> Void)?

    /// IP fragments waiting for the rest of their datagram, with their caps and counters.
    /// The decoder feeds it (``PacketLoop`` passes it to ``FrameDecoder``), on the thread
    /// that decodes, which in a pipeline may not be the one that follows: nothing in the
    /// follower itself touches it, so the follower only owns it.
    public let fragments = IPFragments()

    public init(options: FollowerOptions = FollowerOptions()) {
        self.options = options
        tcp = ConversationTable(capacity: options.maxLiveConversations)
        udp = ConversationTable(capacity: options.maxLiveConversations)
        budget = ReassemblyBudget(limit: options.reassemblyBudget)
        nextTCPStream = options.firstTCPStream
    }

    /// Conversations evicted to stay under ``FollowerOptions/maxLiveConversations``.
    public var evictions: Int { tcp.evictions + udp.evictions }
    public var liveTCPConversations: Int { tcp.liveCount }
    /// Streams numbered so far.
    public var tcpStreamCount: Int { nextTCPStream }
    public var udpStreamCount: Int { nextUDPStream }
    /// Times a reassembly cap was reached (bytes skipped instead of buffered).
    public var reassemblyCapHits: Int { budget.refusals }

    public func process(_ frame: Frame) -> FrameAnalysis {
        var analysis = FrameAnalysis()
        process(frame, into: &analysis)
        return analysis
    }

    /// Follows `frame` and writes what the follower says into `analysis`, which starts out empty.
    public func process(_ frame: Frame, into analysis: inout FrameAnalysis) {
        lastFrame = frame.number
        if frame.raw.timestamp > now { now = frame.raw.timestamp }
        if closingHead < closing.count && now >= lingerDue || now >= nextSweep { retireFinished() }
        if !frame.tunnels.isEmpty { followTunnels(frame, into: &analysis) }
        guard let (src, dst) = frame.ipAddresses else {
            // 802.1X frames carry no IP.
            if frame.ethernet != nil, frame.protocols.contains(.eapol) { trackEAP(frame, into: &analysis) }
            return
        }
        if let segment = frame.tcp {
            follow(segment, from: Endpoint(address: src, port: segment.sourcePort),
                   to: Endpoint(address: dst, port: segment.destinationPort), frame: frame, into: &analysis)
            trackDNS(segment, frame: frame, into: &analysis)
            if segment.sourcePort == ModbusADU.port || segment.destinationPort == ModbusADU.port {
                trackModbus(segment, frame: frame, into: &analysis)
            }
        } else if let datagram = frame.udp {
            follow(datagram, from: Endpoint(address: src, port: datagram.sourcePort),
                   to: Endpoint(address: dst, port: datagram.destinationPort), frame: frame, into: &analysis)
        } else if let quoted = frame.quoted {
            lookUpQuoted(quoted, time: frame.raw.timestamp, into: &analysis)
        } else if frame.protocols.last == .esp {
            trackESP(frame, into: &analysis)
        }
        if frame.icmp != nil || frame.icmpv6 != nil { matchEcho(frame, src: src, dst: dst, into: &analysis) }
    }

    /// Ends every live conversation (handing each to ``conversationEnded``, in stream
    /// order) and flushes the reassembled streams.
    public func finish() {
        // One conversation at a time, so no second copy of the whole table is made.
        for slot in tcp.slotsInStreamOrder() {
            guard let c = tcp.remove(slot) else { continue }
            c.streams?.finish(frame: lastFrame)
            end(.tcp(c))
        }
        for slot in udp.slotsInStreamOrder() {
            if let c = udp.remove(slot) { end(.udp(c)) }
        }
    }

    /// A live capture's clock tick: reports conversations that closed (or went silent)
    /// long enough before `time` even when no packet arrives to move the capture's clock,
    /// so a live view prints a conversation soon after it ends.
    public func retire(at time: Timestamp) {
        if time > now { now = time }
        retireFinished()
    }

    /// Reports and forgets conversations that closed long enough ago, and (every so
    /// often) ones that went silent, so memory follows the live conversations only.
    private func retireFinished() {
        let linger = options.closedLinger * 1_000_000_000
        while closingHead < closing.count {
            let (slot, stream) = closing[closingHead]
            // Read the table's columns: binding the conversation would copy it.
            guard tcp.isLive(slot, stream: stream) else {
                closingHead += 1
                continue
            }
            let lastTime = tcp.lastTimes[slot]
            guard now.nanoseconds(since: lastTime) >= linger else {
                lingerDue = Timestamp(seconds: lastTime.seconds &+ options.closedLinger &- 5, nanoseconds: 0)
                break
            }
            closingHead += 1
            if tcp.update(slot, { $0.isClosed }), let done = tcp.remove(slot) {
                done.streams?.finish(frame: lastFrame)
                end(.tcp(done))
            }
        }
        if closingHead > 4096 && closingHead * 2 > closing.count {
            closing.removeFirst(closingHead)
            closingHead = 0
        }
        guard now >= nextSweep else { return }
        let period = max(min(options.tcpIdleTimeout, options.udpIdleTimeout) / 4, 1)
        nextSweep = Timestamp(seconds: now.seconds &+ period, nanoseconds: now.nanoseconds)
        for slot in tcp.slots(idleSince: Timestamp(seconds: now.seconds &- options.tcpIdleTimeout, nanoseconds: now.nanoseconds)) {
            if let done = tcp.remove(slot) {
                done.streams?.finish(frame: lastFrame)
                end(.tcp(done))
            }
        }
        for slot in udp.slots(idleSince: Timestamp(seconds: now.seconds &- options.udpIdleTimeout, nanoseconds: now.nanoseconds)) {
            if let done = udp.remove(slot) { end(.udp(done)) }
        }
    }

    private func end(_ conversation: Conversation) {
        if case .tcp = conversation { lingerDue = .zero }
        if case .tcp(let c) = conversation { unackedEntries -= c.analyzer.unackedCount }
        if case .tcp(let c) = conversation, let streams = c.streams, options.keepHTTPTransactions {
            for t in streams.transactions { httpTransaction?(t) }
        }
        if case .tcp(let c) = conversation, let streams = c.streams, let httpHeadTooLarge {
            for head in streams.oversizedHTTPHeads { httpHeadTooLarge(head) }
        }
        conversationEnded?(conversation)
    }

    // MARK: TCP

    private func follow(_ segment: TCP, from source: Endpoint, to destination: Endpoint, frame: Frame,
                        into analysis: inout FrameAnalysis) {
        let key = FlowKey.make(source: source, destination: destination, proto: 6).key
        let isSYN = segment.flags.contains(.syn) && !segment.flags.contains(.ack)
        var slot = tcp.slot(for: key)
        if let existing = slot {
            let reused = tcp.update(existing) { c -> Bool in
                let forward = c.sideA == source ? c.aToB : c.bToA
                // A new SYN with a new ISN on a reused 4-tuple starts a new stream.
                return isSYN && forward.baseSeqSet && forward.baseSeq != segment.sequenceNumber
            }
            if reused { slot = nil }
        }
        let index = slot ?? newTCPConversation(key, a: source, b: destination, frame: frame)
        tcp.touch(index, now: frame.number, time: frame.raw.timestamp)
        let (found, closedNow) = tcp.update(index) { c -> (TCPStreams?, Bool) in
            let wasClosed = c.isClosed
            let unackedBefore = c.analyzer.unackedCount
            c.update(with: segment, from: source, frame: SegmentContext(frame, tcp: true), analyze: options.analyzeSequences,
                     unackedRoom: unackedEntries < options.unackedLimit, analysis: &analysis)
            unackedEntries += c.analyzer.unackedCount - unackedBefore
            if c.isClosed { c.analyzer.giveBackUnackedRoom() }
            return (c.streams, !wasClosed && c.isClosed)
        }
        if closedNow {
            if closingHead == closing.count { lingerDue = .zero }
            closing.append((index, analysis.tcpStream ?? -1))
        }
        var streams = found
        if streams == nil, let cut = tcp.update(index, { $0.httpGivenUp }) {
            // The HTTP streams were spent: only the snaplen rule can still say something.
            var state = cut
            let fromA = tcp.update(index) { $0.sideA == source }
            HTTPSnaplenCut.apply(segment, fromA: fromA, state: &state, frame: frame, into: &analysis)
            tcp.update(index) { $0.httpGivenUp = state }
        } else if streams == nil, options.trackRecords, !segment.payload.isEmpty,
           !Self.portClaimed(segment.sourcePort), !Self.portClaimed(segment.destinationPort),
           let layer = Self.heuristicLayer(frame.bytes, segment.payload) {
            // tshark's TLS heuristic: a record header where the data starts makes the conversation TLS
            // (and, when turned on, an SSH banner makes it SSH).
            streams = tcp.update(index) { c -> TCPStreams in
                let s = TCPStreams(stream: c.stream, budget: budget, http: false, bodyLimit: 0, keepTransactions: false,
                                   aIsClientGuess: true, consumer: nil, records: layer,
                                   aIsClient: c.connection.flipped ? false : true)
                c.streams = s
                return s
            }
        } else if streams == nil, options.trackHTTP, !segment.payload.isEmpty,
                  !Self.portClaimed(segment.sourcePort), !Self.portClaimed(segment.destinationPort),
                  let isRequest = HTTPHead.heuristicFirstLine(frame.bytes, segment.payload) {
            // tshark's HTTP heuristic (on by default): a first line that starts or ends with
            // "HTTP/1." makes the conversation HTTP from this segment on (python's http.server
            // on port 8000, say). Its sender is the client when the line is a request.
            streams = tcp.update(index) { c -> TCPStreams in
                let fromA = c.sideA == source
                let s = TCPStreams(stream: c.stream, budget: budget, http: true, bodyLimit: options.httpBodyLimit,
                                   pduLimit: options.pduBytesLimit, keepTransactions: options.keepHTTPTransactions,
                                   aIsClientGuess: fromA == isRequest, consumer: nil)
                c.streams = s
                return s
            }
        }
        if let streams {
            let fromA = tcp.update(index) { $0.sideA == source }
            let payload = frame.bytes.slice(segment.payload)
            let (verdict, message, firstLine) = streams.add(segment, payload: payload, payloadRange: segment.payload,
                                                            fromA: fromA, frame: frame.number, time: frame.raw.timestamp)
            analysis.application = verdict
            analysis.http = message
            analysis.pduFirstLine = firstLine
            if streams.tracksHTTP {
                HTTPSnaplenCut.apply(segment, fromA: fromA, state: &streams.cut, frame: frame, into: &analysis)
                if streams.isSpent {
                    let cut = streams.cut
                    tcp.update(index) { $0.spentHTTP(cut) }
                }
            }
            if let records = streams.lastRecords,
               !records.pdus.isEmpty || records.startsPDU || records.encryptedTail != nil {
                analysis.records = records
                analysis.application = .layers(records.layer, nil)
            } else if let tracker = streams.records, !tracker.abandoned, !segment.payload.isEmpty {
                // Data inside a record shown elsewhere, or held back by the reassembly.
                analysis.application = .transportOnly
            }
        }
        if analysis.tcp.flags.hidesPayload && !segment.payload.isEmpty {
            analysis.application = .transportOnly
        }
    }

    private func newTCPConversation(_ key: FlowKey, a: Endpoint, b: Endpoint, frame: Frame) -> Int {
        var conversation = TCPConversation(stream: nextTCPStream, ordinal: nextOrdinal, a: a, b: b, frame: frame.number,
                                           time: frame.raw.timestamp)
        nextOrdinal += 1
        let wanted = options.reassembleAll || options.reassembleStreams?.contains(nextTCPStream) == true
        let records = options.trackRecords ? FrameDecoder.recordLayer(tcpPorts: a.port, b.port) : nil
        let http = records == nil && options.trackHTTP && (FrameDecoder.isHTTPPort(a.port) || FrameDecoder.isHTTPPort(b.port))
        if wanted || http || records != nil {
            let stream = nextTCPStream
            let consumer: TCPStreams.Consumer? = wanted ? { [weak self] fromA, chunk in
                self?.deliver(stream: stream, fromA: fromA, chunk: chunk)
            } : nil
            conversation.streams = TCPStreams(
                stream: stream, budget: budget, http: http, bodyLimit: options.httpBodyLimit, pduLimit: options.pduBytesLimit,
                keepTransactions: options.keepHTTPTransactions, aIsClientGuess: !FrameDecoder.isHTTPPort(a.port),
                consumer: consumer, records: records, aIsClient: Self.isClientSide(a: a, b: b))
        }
        nextTCPStream += 1
        return tcp.insert(conversation, key: key, now: frame.number) { end(.tcp($0)) }
    }

    /// The protocol a conversation's first data shows by heuristics.
    static func heuristicLayer(_ bytes: ByteView, _ payload: Range<Int>) -> Layer? {
        if TLSRecord.isHeader(bytes, at: payload.lowerBound) { return .tls }
        if DecodeAs.currentHeuristics.contains(.ssh),
           payload.count >= 4, bytes.hasBytes("SSH-", at: payload.lowerBound) { return .ssh }
        return nil
    }

    /// Ports whose protocol tshark picks before trying heuristics (DNS, echo).
    static func portClaimed(_ port: UInt16) -> Bool { port == 53 || port == 7 }

    /// Whether side A is the client of a TLS or SSH conversation: the side that talks to
    /// the protocol's port (as Wireshark decides SSH's direction), else the first sender.
    static func isClientSide(a: Endpoint, b: Endpoint) -> Bool {
        let aServer = FrameDecoder.recordLayer(tcpPorts: a.port, a.port) != nil
        let bServer = FrameDecoder.recordLayer(tcpPorts: b.port, b.port) != nil
        if aServer && !bServer { return false }
        return true
    }

    private func deliver(stream: Int, fromA: Bool, chunk: StreamChunk) {
        guard let streamData else { return }
        // Report direction as client/server; the conversation may have been flipped.
        var fromClient = fromA
        if let slot = currentSlot(stream: stream) {
            fromClient = tcp.update(slot) { $0.connection.flipped ? !fromA : fromA }
        }
        streamData(stream, fromA, fromClient, chunk)
    }

    /// Every conversation still in the tables (a live view's table of open ones), TCP first.
    public func forEachOpenConversation(_ body: (Conversation) -> Void) {
        for case let c? in tcp.slots { body(.tcp(c)) }
        for case let c? in udp.slots { body(.udp(c)) }
    }

    /// The live TCP conversation with this stream number, if it is still in the table.
    public func tcpConversation(stream: Int) -> TCPConversation? {
        guard let slot = currentSlot(stream: stream) else { return nil }
        return tcp.slots[slot]
    }

    private var streamSlots: [Int: Int] = [:]

    private func currentSlot(stream: Int) -> Int? {
        // The table's columns: reading a conversation would copy it.
        if let slot = streamSlots[stream], tcp.isLive(slot, stream: stream) { return slot }
        guard let slot = tcp.slots.indices.first(where: { tcp.isLive($0, stream: stream) }) else { return nil }
        streamSlots[stream] = slot
        return slot
    }

    /// Finds the conversation of the packet an ICMP error quotes, without creating one.
    private func lookUpQuoted(_ quoted: QuotedPacket, time: Timestamp, into analysis: inout FrameAnalysis) {
        let addresses: (IPAddress, IPAddress)
        if let ip = quoted.ipv4 {
            addresses = (IPAddress(ip.source), IPAddress(ip.destination))
        } else if let ip = quoted.ipv6 {
            addresses = (IPAddress(ip.source), IPAddress(ip.destination))
        } else {
            return
        }
        if let segment = quoted.tcp {
            let key = FlowKey.make(source: Endpoint(address: addresses.0, port: segment.sourcePort),
                                   destination: Endpoint(address: addresses.1, port: segment.destinationPort), proto: 6).key
            if let slot = tcp.slot(for: key) {
                analysis.quotedTCPStream = tcp.update(slot) { $0.stream }
                analysis.completeness = tcp.update(slot) { $0.completeness }
                // tshark times the quoted segment within its stream, like one of the stream's own.
                analysis.streamTimes = tcp.update(slot) {
                    StreamTimes(sinceFirst: time.nanoseconds(since: $0.startTime), sincePrevious: time.nanoseconds(since: $0.lastTime))
                }
            }
        } else if let datagram = quoted.udp {
            let key = FlowKey.make(source: Endpoint(address: addresses.0, port: datagram.sourcePort),
                                   destination: Endpoint(address: addresses.1, port: datagram.destinationPort), proto: 17).key
            let client = Endpoint(address: addresses.0, port: datagram.sourcePort)
            let server = Endpoint(address: addresses.1, port: datagram.destinationPort)
            if let slot = udp.slot(for: key) {
                analysis.quotedUDPStream = udp.update(slot) { $0.stream }
            } else if let peer = tftpPeer(source: client, destination: server), let shared = tftpPeers[peer] {
                analysis.quotedUDPStream = shared.stream?.number
            }
            if !datagram.payload.isEmpty, let peer = tftpPeer(source: client, destination: server) {
                analysis.application = .layers(.tftp, nil)
                analysis.tftpRequest = tftpPeers[peer]?.request
            }
        }
    }

    // MARK: UDP

    /// A VXLAN or Geneve tunnel's outer UDP is a conversation of its own (tshark numbers
    /// it in `udp.stream`); the inner packet is followed as usual after it.
    private func followTunnels(_ frame: Frame, into analysis: inout FrameAnalysis) {
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
                   to: Endpoint(address: addresses.1, port: datagram.destinationPort), frame: frame,
                   ipLength: length, into: &analysis)
            analysis.tunnelUDPStream = analysis.udpStream
            analysis.tunnelStreamTimes = analysis.streamTimes
        }
    }

    private func follow(_ datagram: UDP, from source: Endpoint, to destination: Endpoint, frame: Frame,
                        ipLength: Int? = nil, into analysis: inout FrameAnalysis) {
        let key = FlowKey.make(source: source, destination: destination, proto: 17).key
        let index: Int
        if let existing = udp.slot(for: key) {
            index = existing
        } else {
            // Each 4-tuple is its own conversation (as in tshark's conversation table), but
            // packets of a TFTP client share one stream number.
            let peer = tftpPeer(source: source, destination: destination)
            var stream = nextUDPStream
            if let peer, let shared = tftpPeers[peer]?.stream {
                stream = shared.number
            } else {
                nextUDPStream += 1
                if let peer {
                    tftpPeers[peer]?.stream = TFTPStream(number: stream, firstTime: frame.raw.timestamp, lastTime: frame.raw.timestamp)
                }
            }
            index = udp.insert(UDPConversation(stream: stream, ordinal: nextOrdinal, a: source, b: destination,
                                               frame: frame.number, time: frame.raw.timestamp),
                               key: key, now: frame.number) { end(.udp($0)) }
            nextOrdinal += 1
        }
        udp.touch(index, now: frame.number, time: frame.raw.timestamp)
        udp.update(index) { c in
            c.update(fromA: c.sideA == source, payloadLength: max(datagram.length - 8, 0),
                     frame: SegmentContext(frame, ipBytes: ipLength), analysis: &analysis)
        }
        // A TFTP client's 4-tuples share one stream and so one clock (Wireshark's wildcard
        // conversation holds both): the times count from the stream's first frame.
        if let peer = tftpPeer(source: source, destination: destination), var shared = tftpPeers[peer]?.stream,
           shared.number == analysis.udpStream {
            let now = frame.raw.timestamp
            analysis.streamTimes = StreamTimes(sinceFirst: now.nanoseconds(since: shared.firstTime),
                                               sincePrevious: now.nanoseconds(since: shared.lastTime))
            shared.lastTime = now
            tftpPeers[peer]?.stream = shared
        }
        trackTFTP(datagram, source: source, destination: destination, frame: frame, into: &analysis)
        trackDNS(datagram, frame: frame, into: &analysis)
        trackSSDP(datagram, frame: frame, into: &analysis)
    }

    /// A TFTP read or write request makes the client's port TFTP for any server port, as
    /// Wireshark's TFTP conversations do (the server answers from a new port).
    private func trackTFTP(_ datagram: UDP, source: Endpoint, destination: Endpoint, frame: Frame,
                           into analysis: inout FrameAnalysis) {
        let payload = datagram.payload
        if datagram.destinationPort == 69, payload.count >= 2 {
            let opcode = frame.bytes.u16be(payload.lowerBound)
            if opcode == 1 || opcode == 2 {
                if tftpPeers.count > 10_000 { tftpPeers.removeAll() }
                let peer = TFTPPeer(client: source, server: destination.address)
                let name = payload.lowerBound + 2..<(frame.bytes.firstIndex(of: 0, in: payload.lowerBound + 2..<payload.upperBound)
                                                      ?? payload.upperBound)
                // At most a line's worth of the name is kept: that is all a line shows.
                let request = TFTPRequest(frame: frame.number, isWrite: opcode == 2,
                                          fileName: Array(frame.bytes.slice(name.prefix(256))))
                if tftpPeers[peer] == nil { tftpPeers[peer] = TFTPClient(request: request) }
            }
        }
        if !payload.isEmpty, let peer = tftpPeer(source: source, destination: destination) {
            analysis.application = .layers(.tftp, nil)
            let opcode = payload.count >= 2 ? frame.bytes.u16be(payload.lowerBound) : 0
            if opcode != 1 && opcode != 2 { analysis.tftpRequest = tftpPeers[peer]?.request }
        }
    }

    private func isTFTP(source: Endpoint, destination: Endpoint) -> Bool {
        tftpPeer(source: source, destination: destination) != nil
    }

    private func tftpPeer(source: Endpoint, destination: Endpoint) -> TFTPPeer? {
        guard !tftpPeers.isEmpty else { return nil }
        let forward = TFTPPeer(client: source, server: destination.address)
        if tftpPeers[forward] != nil { return forward }
        let backward = TFTPPeer(client: destination, server: source.address)
        return tftpPeers[backward] != nil ? backward : nil
    }

}

extension Follower {
    // MARK: ICMP echo

    private func matchEcho(_ frame: Frame, src: IPAddress, dst: IPAddress, into analysis: inout FrameAnalysis) {
        let type: UInt8, isRequest: Bool, isReply: Bool, identifier: UInt16, sequence: UInt16
        if let icmp = frame.icmp {
            type = icmp.type
            isRequest = type == 8
            isReply = type == 0
            identifier = icmp.identifier
            sequence = icmp.sequenceNumber
        } else if let icmp = frame.icmpv6 {
            type = icmp.type
            isRequest = type == 128
            isReply = type == 129
            identifier = icmp.identifier
            sequence = icmp.sequenceNumber
        } else {
            return
        }
        if isRequest {
            if echoRequests.count > 65_536 { echoRequests.removeAll() }
            echoRequests[EchoKey(requester: src, responder: dst, identifier: identifier, sequence: sequence)] = (frame.number, frame.raw.timestamp)
        } else if isReply {
            if let request = echoRequests[EchoKey(requester: dst, responder: src, identifier: identifier, sequence: sequence)] {
                analysis.echoRequestFrame = request.frame
                analysis.echoResponseTime = frame.raw.timestamp.nanoseconds(since: request.time)
            }
        }
    }
}

private struct DNSQueryKey: Hashable {
    /// The stream, whether it is TCP's (TCP and UDP number their streams apart: stream 0
    /// of each is not the same) and the id, in one word: tens of thousands of queries
    /// wait in the table for their answers' retransmissions.
    private let bits: UInt64

    init(overTCP: Bool = false, stream: Int, id: UInt16) {
        bits = UInt64(truncatingIfNeeded: stream) << 17 | (overTCP ? 1 << 16 : 0) | UInt64(id)
    }
}

extension Follower {
    /// Pairs a DNS response with its query (`dns.response_to`, `dns.time`), as Wireshark
    /// matches them: same UDP stream, same transaction id. Read from the first bytes of
    /// the payload, so it works without the DNS layer decoded.
    fileprivate func trackDNS(_ datagram: UDP, frame: Frame, into analysis: inout FrameAnalysis) {
        // Compared, not looked up in a Set: a Set literal here was built for every datagram.
        func isDNSPort(_ port: UInt16) -> Bool { port == 53 || port == 5353 || port == 5355 }
        guard isDNSPort(datagram.sourcePort) || isDNSPort(datagram.destinationPort)
                || FrameDecoder.isHeuristicDNS(datagram, frame.bytes),
              let stream = analysis.udpStream else { return }
        let payload = datagram.payload
        guard payload.count >= 12, payload.upperBound <= frame.bytes.count else { return }
        let key = DNSQueryKey(stream: stream, id: frame.bytes.u16be(payload.lowerBound))
        pairDNS(key, isResponse: frame.bytes[payload.lowerBound + 2] & 0x80 != 0, frame: frame, into: &analysis)
    }

    /// DNS over TCP pairs within its TCP stream, as over UDP within its UDP stream. A
    /// segment that starts with a message (its two-byte length, then the header) carries
    /// the id and the response bit.
    fileprivate func trackDNS(_ segment: TCP, frame: Frame, into analysis: inout FrameAnalysis) {
        guard segment.sourcePort == 53 || segment.destinationPort == 53, let stream = analysis.tcpStream else { return }
        let payload = segment.payload
        guard payload.count >= 14, payload.upperBound <= frame.bytes.count else { return }
        let key = DNSQueryKey(overTCP: true, stream: stream, id: frame.bytes.u16be(payload.lowerBound + 2))
        pairDNS(key, isResponse: frame.bytes[payload.lowerBound + 4] & 0x80 != 0, frame: frame, into: &analysis)
    }

    /// packet-dns.c's transactions: a query starts one, unless it repeats an unanswered
    /// query of the same id within 5 seconds (a retransmission); a response answers the
    /// conversation's latest query of its id, repeats the answer it had (a retransmission),
    /// or has none (unsolicited).
    fileprivate func pairDNS(_ key: DNSQueryKey, isResponse: Bool, frame: Frame, into analysis: inout FrameAnalysis) {
        let now = frame.raw.timestamp
        if isResponse {
            guard var transaction = dnsQueries[key] else {
                analysis.dnsUnsolicited = true
                return
            }
            if let answer = transaction.responseFrame {
                analysis.dnsRetransmissionOf = answer
            } else {
                transaction.responseFrame = frame.number
                dnsQueries[key] = transaction
                analysis.dnsQueryFrame = transaction.requestFrame
                analysis.dnsResponseTime = now.nanoseconds(since: transaction.requestTime)
            }
            return
        }
        if let earlier = dnsQueries[key], earlier.responseFrame == nil,
           now.nanoseconds(since: earlier.requestTime) < Self.dnsRetransmissionTimer {
            analysis.dnsRetransmissionOf = earlier.requestFrame
            return
        }
        // Bounded like the echo table: a flood of queries forgets them all.
        if dnsQueries.count > 65_536 { dnsQueries.removeAll() }
        dnsQueries[key] = DNSTransaction(requestFrame: frame.number, requestTime: now)
    }

    /// packet-dns.c's `retransmission_timer` preference (5 seconds).
    static let dnsRetransmissionTimer: Int64 = 5_000_000_000
}

/// A DNS query and the frame of its first answer.
private struct DNSTransaction {
    var requestFrame: Int
    /// The frame of the first answer, 0 before one (frames count from 1): 32 bytes a
    /// query in the table rather than 40.
    private var answer = 0
    var requestTime: Timestamp

    init(requestFrame: Int, requestTime: Timestamp) {
        self.requestFrame = requestFrame
        self.requestTime = requestTime
    }

    var responseFrame: Int? {
        get { answer == 0 ? nil : answer }
        set { answer = newValue ?? 0 }
    }
}

private struct EchoKey: Hashable {
    var requester: IPAddress
    var responder: IPAddress
    var identifier: UInt16
    var sequence: UInt16
}

struct TFTPPeer: Hashable {
    var client: Endpoint
    var server: IPAddress
}

/// What a TFTP client asked for, and the stream its datagrams share once it has one.
private struct TFTPClient {
    var request: TFTPRequest
    var stream: TFTPStream?
}

/// The stream a TFTP client's datagrams share, and its clock.
private struct TFTPStream {
    var number: Int
    var firstTime: Timestamp
    var lastTime: Timestamp
}

extension Conversation {
    var isUDP: Bool { if case .udp = self { true } else { false } }
}

extension Frame {
    /// The outer IP packet's length as its header gives it (for Zeek's ip_bytes).
    var ipTotalLength: Int {
        if let ip = ipv4 { return ip.totalLength }
        if let ip = ipv6 { return ip.payloadLength + 40 }
        return 0
    }
}

extension TCPConversation {
    /// Both sides sent FIN, or one reset: nothing more belongs to this conversation.
    public var isClosed: Bool { (aToB.sawFIN && bToA.sawFIN) || aToB.sawRST || bToA.sawRST }

    mutating func update(with segment: TCP, from source: Endpoint, frame: SegmentContext, analyze: Bool, unackedRoom: Bool,
                         analysis: inout FrameAnalysis) {
        let fromA = source == sideA
        analysis.tcpStream = stream
        var forward = fromA ? aToB : bToA
        var reverse = fromA ? bToA : aToB
        let flags = segment.flags

        if !forward.baseSeqSet {
            // Without the SYN, count from one before the first sequence number seen.
            forward.baseSeq = flags.contains(.syn) ? segment.sequenceNumber : segment.sequenceNumber &- 1
            forward.baseSeqSet = true
        } else if flags.contains(.syn) && flags.contains(.ack) && forward.baseSeq != segment.sequenceNumber {
            // A SYN-ACK with a new ISN (after a RST, say): tshark counts from it, as the
            // sequence analyzer does when it marks the ports reused.
            forward.baseSeq = segment.sequenceNumber
        }
        // The peer's ISN comes from the first ACK (usually the SYN-ACK), not from a SYN's
        // ack field, which need not be zero.
        if !reverse.baseSeqSet && flags.contains(.ack) {
            reverse.baseSeq = segment.acknowledgmentNumber &- 1
            reverse.baseSeqSet = true
        }
        analysis.relativeSeq = segment.sequenceNumber &- forward.baseSeq
        analysis.relativeAck = flags.contains(.ack) ? segment.acknowledgmentNumber &- reverse.baseSeq : 0
        var length = UInt32(truncatingIfNeeded: segment.segmentLength)
        if flags.contains(.syn) { length &+= 1 }
        if flags.contains(.fin) { length &+= 1 }
        // tshark 4.0 shows tcp.nxtseq on every segment; on one without data it equals tcp.seq.
        analysis.nextSeq = analysis.relativeSeq &+ length

        if flags.contains(.syn) {
            if !frame.headerCut { forward.sawSYN = true }
            forward.windowScale = segment.options.windowScale
        }
        // Scaling applies when this side's SYN carried the option and the peer's SYN did
        // too or was not seen (a capture that starts at the SYN-ACK, as Wireshark keeps
        // the peer's scale "unknown" rather than "none"), and never to a SYN.
        let scales = forward.windowScale != nil && (reverse.windowScale != nil || !reverse.sawSYN)
        if !flags.contains(.syn), scales, let shift = forward.windowScale {
            analysis.windowSize = Int(segment.window) << Int(min(shift, 14))
        } else {
            analysis.windowSize = Int(segment.window)
        }
        if !flags.contains(.syn) {
            if scales, let shift = forward.windowScale {
                analysis.windowScaleFactor = 1 << Int(min(shift, 14))
            } else if analyze, analyzer.scalingUnused(fromClient: fromA) {
                // The peer's SYN without the option settles it for this side too (an
                // RST-ACK answering nmap's SYN), as Wireshark decides it.
                analysis.windowScaleFactor = -2
            } else {
                analysis.windowScaleFactor = forward.sawSYN && reverse.sawSYN ? -2 : -1
            }
        }
        if flags.contains(.fin) {
            analysis.finInitiatesClose = !reverse.sawFIN
            forward.sawFIN = true
        }
        if flags.contains(.rst) { forward.sawRST = true }
        forward.packets += 1
        forward.payloadBytes += segment.segmentLength
        forward.frameBytes += frame.originalLength
        forward.ipBytes += frame.ipBytes

        if fromA {
            aToB = forward
            bToA = reverse
        } else {
            bToA = forward
            aToB = reverse
        }

        connection.observeTCP(isOriginator: fromA, flags: flags, seq: segment.sequenceNumber,
                              ack: segment.acknowledgmentNumber, payloadLength: segment.segmentLength,
                              window: segment.window,
                              payloadCaptured: segment.payload.count >= segment.segmentLength)
        if analyze {
            // tshark shows the completeness as it stood before this segment.
            analysis.completeness = analyzer.completeness
            let headerCut = frame.headerCut
            analysis.tcp = analyzer.analyze(
                frame: frame.number, time: frame.time, fromClient: fromA, flags: flags,
                seq: segment.sequenceNumber, ack: segment.acknowledgmentNumber, window: segment.window,
                windowScaleOption: segment.options.windowScale, segmentLength: segment.segmentLength,
                sackedBytes: segment.options.sackBlocks.count > 0 ? segment.options.sackBlocks.sackedBytes : nil,
                headerCut: headerCut, unackedRoom: unackedRoom)
            // tshark keeps the state but shows no analysis (flags, acks, bytes in flight)
            // on a segment whose header the snaplen cut: it stops before printing it.
            if headerCut { analysis.tcp = TCPSegmentAnalysis() }
        }
        analysis.fromClient = connection.flipped ? !fromA : fromA
        analysis.streamTimes = StreamTimes(sinceFirst: frame.time.nanoseconds(since: startTime),
                                           sincePrevious: frame.time.nanoseconds(since: lastTime))
        lastFrame = frame.number
        lastTime = frame.time
    }
}

extension UDPConversation {
    mutating func update(fromA: Bool, payloadLength: Int, frame: SegmentContext, analysis: inout FrameAnalysis) {
        connection.observeUDP(isOriginator: fromA, payloadLength: payloadLength)
        if fromA {
            aPackets += 1
            aFrameBytes += frame.originalLength
            aIPBytes += frame.ipBytes
        } else {
            bPackets += 1
            bFrameBytes += frame.originalLength
            bIPBytes += frame.ipBytes
        }
        lastFrame = frame.number
        analysis.streamTimes = StreamTimes(sinceFirst: frame.time.nanoseconds(since: startTime),
                                           sincePrevious: frame.time.nanoseconds(since: lastTime))
        lastTime = frame.time
        analysis.udpStream = stream
        analysis.fromClient = connection.flipped ? !fromA : fromA
    }
}

/// What a conversation counts of the frame that carries its segment or datagram.
struct SegmentContext {
    var number: Int
    var time: Timestamp
    /// `frame.len`.
    var originalLength: Int
    /// The IP packet's length as its header gives it (Zeek's ip_bytes).
    var ipBytes: Int
    /// The snaplen cut the TCP header.
    var headerCut = false

    init(number: Int, time: Timestamp, originalLength: Int, ipBytes: Int, headerCut: Bool = false) {
        self.number = number
        self.time = time
        self.originalLength = originalLength
        self.ipBytes = ipBytes
        self.headerCut = headerCut
    }

    init(_ frame: Frame, ipBytes: Int? = nil, tcp: Bool = false) {
        number = frame.number
        time = frame.raw.timestamp
        originalLength = frame.raw.originalLength
        self.ipBytes = ipBytes ?? frame.ipTotalLength
        headerCut = tcp && frame.sizeLimitedIssue?.layer == .tcp
    }
}

/// How tshark shows HTTP on a direction the snaplen cut. It cannot put a cut segment
/// together with others, so it dissects each segment of that direction by itself: one
/// that starts with a request or status line is that message's start; anything else is
/// `Continuation`, except the client's first data, which stays plain TCP.
enum HTTPSnaplenCut {
    static func apply(_ segment: TCP, fromA: Bool, state: inout HTTPCutState, frame: Frame, into analysis: inout FrameAnalysis) {
        if segment.payload.count < segment.segmentLength {
            if fromA { state.fromA = true } else { state.fromB = true }
        }
        guard fromA ? state.fromA : state.fromB else {
            if analysis.hasHTTP || analysis.application == .layers(.http, nil) { state.shownHTTP = true }
            return
        }
        analysis.http = nil
        analysis.pduFirstLine = nil
        analysis.application = .asDecoded
        let payload = segment.payload
        guard !payload.isEmpty else { return }
        if HTTPHead.decode(frame.bytes, at: payload.lowerBound, end: payload.upperBound).layer != nil {
            state.shownHTTP = true
        } else if state.shownHTTP || FrameDecoder.isHTTPPort(segment.sourcePort) {
            // The first data of a conversation, from the client, is not taken for HTTP.
            analysis.application = .layers(.http, .data)
            analysis.isHTTPContinuation = true
            state.shownHTTP = true
        }
    }
}

/// What ``HTTPSnaplenCut`` remembers of an HTTP conversation.
struct HTTPCutState: Sendable {
    /// Per direction (A→B, B→A): a segment the snaplen cut was seen. tshark cannot put
    /// such a direction's segments together, so from then on it shows each segment by itself.
    var fromA = false
    var fromB = false
    /// Some frame of the conversation was shown as HTTP.
    var shownHTTP = false
}
