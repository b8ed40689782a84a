import Dissect

/// Live conversations by symmetric key, in reusable slots, with a cap. When the cap is
/// reached the least recently active eighth is evicted (handed to `evict`), so memory
/// stays bounded however many flows a capture holds.
struct ConversationTable<Conversation: TableEntry> {
    private(set) var slots = ChunkedSlots<Conversation>()
    private var lastActive: [Int] = []
    /// Each slot's last packet time, beside the slots so that reading it copies no
    /// conversation. The keys, stream numbers and ordinals are read from the slots in place
    /// (a column of each cost 64 bytes a conversation: 2.9 MB on a capture of 45,000).
    private(set) var lastTimes: [Timestamp] = []
    private var free: [Int] = []
    private var index = FlowIndex()
    let capacity: Int
    private(set) var evictions = 0

    init(capacity: Int) {
        self.capacity = max(capacity, 8)
    }

    var liveCount: Int { index.count }

    @inline(__always)
    func slot(for key: FlowKey) -> Int? { index.find(key) { slots.holds($0, key) } }

    /// Whether `slot` holds the conversation of `stream` (copies no conversation).
    @inline(__always)
    func isLive(_ slot: Int, stream: Int) -> Bool {
        slot >= 0 && slot < slots.count && slots.stream(at: slot) == stream
    }

    /// Stores a new conversation under `key` (replacing any live one, which is returned
    /// through `evict` first) and returns its slot.
    mutating func insert(_ conversation: Conversation, key: FlowKey, now: Int, evict: (Conversation) -> Void) -> Int {
        if let old = slot(for: key) {
            if let c = slots[old] { evict(c) }
            release(old)
        }
        if index.count >= capacity { evictIdle(now: now, evict: evict) }
        let slot: Int
        if let reused = free.popLast() {
            slot = reused
            slots[slot] = conversation
            lastTimes[slot] = conversation.lastTime
            lastActive[slot] = now
        } else {
            slot = slots.count
            slots.append(conversation)
            lastTimes.append(conversation.lastTime)
            lastActive.append(now)
        }
        index.insert(key, slot: slot)
        return slot
    }

    mutating func touch(_ slot: Int, now: Int, time: Timestamp) {
        lastActive[slot] = now
        lastTimes[slot] = time
    }

    /// Runs `body` on the conversation in `slot`, in place.
    @inline(__always)
    mutating func update<R>(_ slot: Int, _ body: (inout Conversation) -> R) -> R {
        slots.modify(slot, body)
    }

    /// Takes the conversation out of `slot` and frees the slot.
    mutating func remove(_ slot: Int) -> Conversation? {
        guard slots.indices.contains(slot), let c = slots[slot] else { return nil }
        release(slot)
        return c
    }

    /// The slots whose conversation was last active at or before `cutoff`, for periodic
    /// sweeps, in the order they began: the index's own order changes with the hash seed,
    /// and the conversations are reported in this order. Reads the time in place: binding
    /// each conversation would copy it.
    func slots(idleSince cutoff: Timestamp) -> [Int] {
        liveSlots.filter { !(cutoff < lastTimes[$0]) }.sorted { slots.ordinal(at: $0)! < slots.ordinal(at: $1)! }
    }

    /// The live slots in the order their conversations began (which is stream order).
    func slotsInStreamOrder() -> [Int] {
        liveSlots.sorted { slots.ordinal(at: $0)! < slots.ordinal(at: $1)! }
    }

    /// The slots that hold a conversation, in no particular order.
    private var liveSlots: [Int] { slots.indices.filter { slots.ordinal(at: $0) != nil } }

    private mutating func release(_ slot: Int) {
        if let key = slots.key(at: slot) { index.remove(key, slot: slot) }
        slots[slot] = nil
        free.append(slot)
    }

    private mutating func evictIdle(now: Int, evict: (Conversation) -> Void) {
        let live = liveSlots.sorted { (lastActive[$0], slots.ordinal(at: $0)!) < (lastActive[$1], slots.ordinal(at: $1)!) }
        for slot in live.prefix(max(1, live.count / 8)) {
            if let c = slots[slot] { evict(c) }
            release(slot)
            evictions += 1
        }
    }

}

/// What the table reads of a conversation without copying it out.
protocol TableEntry {
    var stream: Int { get }
    var ordinal: Int { get }
    var lastTime: Timestamp { get }
    /// The table's key for this conversation (its two sides and protocol).
    var key: FlowKey { get }
    /// Whether `key` is this conversation's key (each table holds one protocol).
    func hasKey(_ key: FlowKey) -> Bool
}

extension TCPConversation: TableEntry {
    var key: FlowKey { FlowKey.make(source: sideA, destination: sideB, proto: 6).key }
    @inline(__always)
    func hasKey(_ key: FlowKey) -> Bool {
        sideA == key.low ? sideB == key.high : sideA == key.high && sideB == key.low
    }
}

extension UDPConversation: TableEntry {
    var key: FlowKey { FlowKey.make(source: sideA, destination: sideB, proto: 17).key }
    @inline(__always)
    func hasKey(_ key: FlowKey) -> Bool {
        sideA == key.low ? sideB == key.high : sideA == key.high && sideB == key.low
    }
}

/// The table's conversations, in chunks of 1024 slots: an array of half a million
/// conversations would double (and for a moment exist twice) as it grows, and leave up to
/// half its room unused; chunks grow one at a time and never move.
struct ChunkedSlots<Element>: Sequence {
    private static var shift: Int { 10 }
    private static var chunkSize: Int { 1 << shift }
    private var chunks: [[Element?]] = []
    private(set) var count = 0

    var indices: Range<Int> { 0..<count }

    mutating func append(_ element: Element?) {
        if count & (Self.chunkSize - 1) == 0 {
            var chunk: [Element?] = []
            chunk.reserveCapacity(Self.chunkSize)
            chunks.append(chunk)
        }
        chunks[count >> Self.shift].append(element)
        count += 1
    }

    subscript(i: Int) -> Element? {
        get { chunks[i >> Self.shift][i & (Self.chunkSize - 1)] }
        set { chunks[i >> Self.shift][i & (Self.chunkSize - 1)] = newValue }
    }

    /// Runs `body` on the element in slot `i` (which must hold one), in place.
    @inline(__always)
    mutating func modify<R>(_ i: Int, _ body: (inout Element) -> R) -> R {
        body(&chunks[i >> Self.shift][i & (Self.chunkSize - 1)]!)
    }

    func makeIterator() -> FlattenSequence<[[Element?]]>.Iterator { chunks.joined().makeIterator() }
}

extension ChunkedSlots where Element: TableEntry {
    // Read in place: the nested arrays' subscripts project into their storage, where
    // binding the element would copy it (and count its references).
    @inline(__always)
    func holds(_ i: Int, _ key: FlowKey) -> Bool {
        chunks[i >> Self.shift][i & (Self.chunkSize - 1)]?.hasKey(key) ?? false
    }

    @inline(__always)
    func stream(at i: Int) -> Int? { chunks[i >> Self.shift][i & (Self.chunkSize - 1)]?.stream }

    /// The slot's ordinal; nil when the slot is free.
    @inline(__always)
    func ordinal(at i: Int) -> Int? { chunks[i >> Self.shift][i & (Self.chunkSize - 1)]?.ordinal }

    func key(at i: Int) -> FlowKey? { chunks[i >> Self.shift][i & (Self.chunkSize - 1)]?.key }
}
