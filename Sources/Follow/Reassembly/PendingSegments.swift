/// The out-of-order segments of one direction, sorted by start and not overlapping.
///
/// Kept in chunks of at most `chunkCapacity` segments, so that an insert anywhere costs a
/// binary search, at most one chunk's worth of moves and, once per `chunkCapacity / 2`
/// inserts, a split that moves the chunk list. Segments arriving in descending or random
/// order then cost about what ascending ones do; with one flat array, each segment that
/// arrived before all the others moved every buffered one (quadratic).
struct PendingSegments {
    struct Segment {
        var start: Int64
        var bytes: [UInt8]
        var frame: Int
        /// How far this segment proves the sender sent (past `end` when the snaplen cut it).
        var sentEnd: Int64
        var end: Int64 { start + Int64(bytes.count) }
    }

    /// Where a segment is, or would be inserted; invalidated by every insert and removal.
    struct Position: Equatable {
        var chunk: Int
        var slot: Int
    }

    static let chunkCapacity = 128

    private var chunks: [[Segment]] = []
    private(set) var count = 0
    /// Segments and chunk references moved by inserts, splits and removals: the work that
    /// grew quadratically before, counted so tests can bound it without a clock.
    private(set) var moves = 0

    var isEmpty: Bool { count == 0 }
    var first: Segment? { chunks.first?.first }
    var last: Segment? { chunks.last?.last }

    /// The segment at `position`, or nil at the end.
    func segment(at position: Position) -> Segment? {
        position.chunk < chunks.count ? chunks[position.chunk][position.slot] : nil
    }

    /// The first segment that ends after `offset` (the end position if none does).
    func firstPosition(endingAfter offset: Int64) -> Position {
        var lo = 0, hi = chunks.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if chunks[mid][chunks[mid].count - 1].end <= offset { lo = mid + 1 } else { hi = mid }
        }
        guard lo < chunks.count else { return Position(chunk: chunks.count, slot: 0) }
        let chunk = chunks[lo]
        var a = 0, b = chunk.count
        while a < b {
            let mid = (a + b) / 2
            if chunk[mid].end <= offset { a = mid + 1 } else { b = mid }
        }
        return Position(chunk: lo, slot: a)
    }

    /// The segment that holds `offset`, if one does.
    func position(containing offset: Int64) -> Position? {
        let p = firstPosition(endingAfter: offset)
        guard let s = segment(at: p), s.start <= offset else { return nil }
        return p
    }

    mutating func raiseSentEnd(at position: Position, to end: Int64) {
        chunks[position.chunk][position.slot].sentEnd = max(chunks[position.chunk][position.slot].sentEnd, end)
    }

    /// Inserts `segment` before `position` (as `firstPosition(endingAfter:)` found it).
    mutating func insert(_ segment: Segment, at position: Position) {
        count += 1
        guard position.chunk < chunks.count else {
            if chunks.isEmpty || chunks[chunks.count - 1].count >= Self.chunkCapacity {
                chunks.append([segment])
            } else {
                chunks[chunks.count - 1].append(segment)
            }
            return
        }
        let c = position.chunk
        moves += chunks[c].count - position.slot
        chunks[c].insert(segment, at: position.slot)
        guard chunks[c].count > Self.chunkCapacity else { return }
        let half = chunks[c].count / 2
        let upper = Array(chunks[c][half...])
        chunks[c].removeSubrange(half...)
        moves += upper.count + (chunks.count - c - 1)
        chunks.insert(upper, at: c + 1)
    }

    /// Removes and returns the first segment.
    mutating func removeFirst() -> Segment? {
        guard !chunks.isEmpty else { return nil }
        count -= 1
        moves += chunks[0].count - 1
        let segment = chunks[0].removeFirst()
        if chunks[0].isEmpty {
            moves += chunks.count - 1
            chunks.removeFirst()
        }
        return segment
    }
}
