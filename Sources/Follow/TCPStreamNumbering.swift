import Dissect

/// `tcp.stream` numbers exactly as ``Follower`` gives them, and nothing else: a view that
/// wants the segments of one stream (`follow --stream N`) numbers every frame with this
/// and hands only that stream's frames to a follower.
///
/// The rules are the follower's, in the same order, over the same ``ConversationTable``:
/// streams count up in order of first appearance; a SYN (without ACK) whose sequence
/// number differs from the one its direction started with replaces the conversation with
/// a new stream; a conversation closed by both FINs or a RST is forgotten once it has been
/// silent for ``FollowerOptions/closedLinger`` seconds of capture time; one silent for
/// ``FollowerOptions/tcpIdleTimeout`` goes at the next sweep; past
/// ``FollowerOptions/maxLiveConversations`` the least recently active eighth is evicted.
/// A forgotten conversation's next packet starts a new stream. `SelectedStreamTests`
/// checks the numbers against the follower's, frame by frame.
public final class TCPStreamNumbering {
    struct Entry: TableEntry {
        let stream: Int
        let ordinal: Int
        let lastTime: Timestamp
        let sideA: Endpoint
        let sideB: Endpoint
        var aBase: UInt32 = 0
        var bBase: UInt32 = 0
        var aBaseSet = false
        var bBaseSet = false
        var aFIN = false
        var bFIN = false
        var reset = false
        var isClosed: Bool { (aFIN && bFIN) || reset }

        var key: FlowKey { FlowKey.make(source: sideA, destination: sideB, proto: 6).key }
        @inline(__always)
        func hasKey(_ key: FlowKey) -> Bool {
            sideA == key.low ? sideB == key.high : sideA == key.high && sideB == key.low
        }
    }

    private let options: FollowerOptions
    @exclusivity(unchecked) private var table: ConversationTable<Entry>
    @exclusivity(unchecked) private var nextStream = 0
    @exclusivity(unchecked) private var nextOrdinal = 0
    @exclusivity(unchecked) private var now = Timestamp.zero
    @exclusivity(unchecked) private var nextSweep = Timestamp.zero
    @exclusivity(unchecked) private var closing: [(slot: Int, stream: Int)] = []
    @exclusivity(unchecked) private var closingHead = 0
    /// No closed conversation is due before this (see ``ConversationLedger``).
    @exclusivity(unchecked) private var lingerDue = Timestamp.zero
    /// Where the watched stream lives while it does (see ``watch(_:)``).
    @exclusivity(unchecked) private var watchedSlot: Int?
    @exclusivity(unchecked) private var watched = -1

    /// Fragments are decoded (and reassembled) by the decoder only, all of them, in order:
    /// the probe leaves every fragment to it.
    private let fragments = IPFragments()
    /// The last frame numbered, when ``number(_:frame:)`` had to decode it.
    private let frame = Frame()
    @exclusivity(unchecked) private var decodedFrame = -1

    /// True once the watched stream has ended: forgotten, evicted or replaced. No later
    /// frame can belong to it.
    public private(set) var watchedEnded = false

    public init(options: FollowerOptions = FollowerOptions()) {
        self.options = options
        table = ConversationTable(capacity: options.maxLiveConversations)
    }

    /// Streams numbered so far (``Follower/tcpStreamCount``).
    public var streamCount: Int { nextStream }

    /// Keeps track of stream `stream`: ``watchedEnded`` and ``watchedIsClosed``.
    public func watch(_ stream: Int) { watched = stream }

    /// Whether the watched stream is live and has closed (both FINs, or a RST), as
    /// ``TCPConversation/isClosed`` of the follower's conversation.
    public var watchedIsClosed: Bool {
        guard let slot = watchedSlot, let entry = table.slots[slot] else { return false }
        return entry.isClosed
    }

    /// The `tcp.stream` of raw frame number `number` (nil when it holds no TCP segment).
    /// Every frame of the capture must come here, in order. Most are only probed
    /// (``TCPProbe``); the others are decoded to the transport layer, as the follower sees them.
    public func number(_ raw: RawFrame, frame number: Int) -> Int? {
        advance(to: raw.timestamp)
        switch TCPProbe.probe(raw) {
        case .notTCP:
            return nil
        case .tcp(let s):
            return self.number(source: Endpoint(address: IPAddress(s.source), port: s.sourcePort),
                               destination: Endpoint(address: IPAddress(s.destination), port: s.destinationPort),
                               flags: s.flags, seq: s.sequenceNumber, ack: s.acknowledgmentNumber,
                               frame: number, time: raw.timestamp)
        case .unsure:
            FrameDecoder.decode(raw, number: number, into: frame, depth: .transport, fragments: fragments)
            decodedFrame = number
            // What the follower reads of a frame to number it.
            guard let (source, destination) = frame.ipAddresses, let tcp = frame.tcp else { return nil }
            return self.number(source: Endpoint(address: source, port: tcp.sourcePort),
                               destination: Endpoint(address: destination, port: tcp.destinationPort),
                               flags: tcp.flags, seq: tcp.sequenceNumber, ack: tcp.acknowledgmentNumber,
                               frame: number, time: raw.timestamp)
        }
    }

    /// The last raw frame given to ``number(_:frame:)``, decoded to the transport layer as
    /// the follower's pass decodes it. Valid until the next call to either.
    public func decoded(_ raw: RawFrame, frame number: Int) -> Frame {
        if decodedFrame != number {
            // The probe was sure, so this is no fragment: the reassembly stays untouched.
            FrameDecoder.decode(raw, number: number, into: frame, depth: .transport, fragments: fragments)
            decodedFrame = number
        }
        return frame
    }

    /// Every frame, before it is numbered, in capture order: moves the capture's clock and
    /// forgets what the follower forgets at this frame.
    @inline(__always)
    func advance(to time: Timestamp) {
        if time > now { now = time }
        if closingHead < closing.count && now >= lingerDue || now >= nextSweep { retireFinished() }
    }

    /// The stream of a TCP segment from `source` to `destination`, after ``advance(to:)``.
    func number(source: Endpoint, destination: Endpoint, flags: TCPFlags, seq: UInt32, ack: UInt32,
                       frame: Int, time: Timestamp) -> Int {
        let key = FlowKey.make(source: source, destination: destination, proto: 6).key
        var slot = table.slot(for: key)
        if let existing = slot, flags.contains(.syn) && !flags.contains(.ack) {
            let reused = table.update(existing) { e -> Bool in
                // A new SYN with a new ISN on a reused 4-tuple starts a new stream.
                e.sideA == source ? e.aBaseSet && e.aBase != seq : e.bBaseSet && e.bBase != seq
            }
            if reused { slot = nil }
        }
        let index: Int
        if let slot {
            index = slot
        } else {
            index = table.insert(Entry(stream: nextStream, ordinal: nextOrdinal, lastTime: time, sideA: source,
                                       sideB: destination),
                                 key: key, now: frame) { ended($0) }
            if nextStream == watched { watchedSlot = index }
            nextStream += 1
            nextOrdinal += 1
        }
        table.touch(index, now: frame, time: time)
        let (stream, closedNow) = table.update(index) { e -> (Int, Bool) in
            let wasClosed = e.isClosed
            let fromA = e.sideA == source
            // Each side's base: its first segment (the ISN on a SYN, else one before),
            // or the peer's first ACK, as the follower keeps them.
            if fromA {
                if !e.aBaseSet { e.aBase = flags.contains(.syn) ? seq : seq &- 1; e.aBaseSet = true }
                if !e.bBaseSet && flags.contains(.ack) { e.bBase = ack &- 1; e.bBaseSet = true }
                if flags.contains(.fin) { e.aFIN = true }
            } else {
                if !e.bBaseSet { e.bBase = flags.contains(.syn) ? seq : seq &- 1; e.bBaseSet = true }
                if !e.aBaseSet && flags.contains(.ack) { e.aBase = ack &- 1; e.aBaseSet = true }
                if flags.contains(.fin) { e.bFIN = true }
            }
            if flags.contains(.rst) { e.reset = true }
            return (e.stream, !wasClosed && e.isClosed)
        }
        if closedNow {
            if closingHead == closing.count { lingerDue = .zero }
            closing.append((index, stream))
        }
        return stream
    }

    private func ended(_ entry: Entry) {
        lingerDue = .zero
        if entry.stream == watched {
            watchedEnded = true
            watchedSlot = nil
        }
    }

    /// ``Follower``'s `retireFinished`, for TCP: closed conversations after their linger
    /// time, oldest first, and (every so often) silent ones.
    private func retireFinished() {
        let linger = options.closedLinger * 1_000_000_000
        while closingHead < closing.count {
            let (slot, stream) = closing[closingHead]
            guard table.isLive(slot, stream: stream) else {
                closingHead += 1
                continue
            }
            guard now.nanoseconds(since: table.lastTimes[slot]) >= linger else {
                lingerDue = Timestamp(seconds: table.lastTimes[slot].seconds &+ options.closedLinger &- 5, nanoseconds: 0)
                break
            }
            closingHead += 1
            if table.update(slot, { $0.isClosed }), let done = table.remove(slot) { ended(done) }
        }
        if closingHead > 4096 && closingHead * 2 > closing.count {
            closing.removeFirst(closingHead)
            closingHead = 0
        }
        guard now >= nextSweep else { return }
        let period = max(min(options.tcpIdleTimeout, options.udpIdleTimeout) / 4, 1)
        nextSweep = Timestamp(seconds: now.seconds &+ period, nanoseconds: now.nanoseconds)
        let cutoff = Timestamp(seconds: now.seconds &- options.tcpIdleTimeout, nanoseconds: now.nanoseconds)
        for slot in table.slots(idleSince: cutoff) {
            if let done = table.remove(slot) { ended(done) }
        }
    }
}
