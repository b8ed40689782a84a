import Dissect

/// One piece of a reassembled byte stream, in stream order.
public enum StreamChunk: Sendable {
    /// Bytes the capture holds, from the segment in frame `frame`. The view is valid only
    /// during the sink call: copy what must outlive it (`Array(bytes)`). In-order data is
    /// a view straight into the frame; buffered data a view into the reassembler's copy.
    case data(frame: Int, bytes: ByteView)
    /// `bytes` sequence positions the sender sent but the capture does not hold
    /// (Wireshark's "[N bytes missing in capture file]"). Nothing is invented for them.
    case gap(bytes: Int)
    /// `bytes` sequence positions skipped because a memory cap stopped reassembly while
    /// `segments` out-of-order segments were buffered. The capture may well hold these
    /// bytes (they arrive later, behind the delivery point, and are then dropped as
    /// duplicates), so this is never to be shown as missing from the capture.
    case limitReached(bytes: Int, segments: Int)
}

/// What a reassembler has done so far. All counts are bytes unless named otherwise.
public struct ReassemblyCounters: Sendable, Equatable {
    /// Bytes handed to the sink as `.data`.
    public var deliveredBytes = 0
    /// Bytes reported as `.gap` (holes proven by ACK, by the snaplen, or at finish) or as
    /// `.limitReached` (skipped by a cap).
    public var missingBytes = 0
    /// Number of `.gap` and `.limitReached` chunks.
    public var gaps = 0
    /// Of `missingBytes`, those skipped because a cap was reached (`.limitReached`): they
    /// may be in the capture after all.
    public var bytesSkippedAtLimit = 0
    /// Bytes that arrived behind the delivery point after a cap had skipped their place:
    /// in the capture, but not reassembled. Also counted in `duplicateBytes`.
    public var bytesAfterLimit = 0
    /// Bytes that arrived again: behind the delivery point, or over bytes already buffered.
    /// Includes data that arrives after its hole was skipped.
    public var duplicateBytes = 0
    /// Of the duplicate bytes that could be compared (with a buffered copy, or with the
    /// history of delivered bytes), how many differ from the first copy, which wins.
    public var inconsistentBytes = 0
    /// Segments with at least one inconsistent byte.
    public var inconsistentSegments = 0
    /// Duplicate bytes that could not be compared: delivered too long ago for the history.
    public var uncheckedBytes = 0
    /// Segments of which at least one byte was copied into the out-of-order buffer.
    public var outOfOrderSegments = 0
    /// Bytes in the out-of-order buffer now, and the most there ever were.
    public var bufferedBytes = 0
    public var peakBufferedBytes = 0
    /// Segments in the out-of-order buffer now. Each is charged
    /// `StreamReassembler.segmentOverhead` bytes on top of its payload.
    public var bufferedSegments = 0
    /// Times a segment could not be buffered because the per-direction cap or the shared
    /// budget was reached, so that a hole was skipped.
    public var capHits = 0
    /// Bytes before the first sequence number seen in a capture started mid-stream.
    public var bytesBeforeStart = 0
    /// Bytes at or past the FIN's sequence number, dropped: the first FIN closes the direction.
    public var bytesAfterFIN = 0
    public init() {}
}

/// One direction of a TCP conversation rebuilt byte-exact, as Wireshark's Follow TCP
/// Stream and gopacket's `reassembly` package do.
///
/// Policies:
/// - Sequence space: the first SYN sets the ISN and data starts at ISN+1; without a SYN
///   the first segment's sequence number starts the stream. SYN and FIN each take one
///   sequence number. Offsets are 64-bit, so streams may pass 2^32 bytes and wrap.
/// - In-order data goes to the sink at once, as a view of the frame. Out-of-order data is
///   copied and released in order when the hole before it fills.
/// - First copy wins: a later copy of bytes already delivered or buffered is dropped;
///   where it differs from the first it counts as `inconsistentBytes`.
/// - Holes are never filled with invented bytes. A hole is skipped, and reported as a
///   `.gap`, when the peer has acknowledged past it (`acknowledged(upTo:)`), when it is
///   the uncaptured tail of a segment cut by the snaplen, when a memory cap forces it,
///   or at `finish()`.
/// - Memory caps, always on: at most `maxBufferedBytes` of out-of-order data per
///   direction, and whatever the shared ``ReassemblyBudget`` grants, each buffered segment
///   charged its payload plus `segmentOverhead`; at most `maxBufferedSegments` segments.
///   When a segment does not fit, the reassembler skips its first hole (as a gap) and
///   delivers the buffered data behind it up to the next hole, as gopacket does, until the
///   segment fits or can be delivered itself; it never grows past a cap. Each such
///   segment is a `capHit`, and each skipped hole a `.limitReached` chunk, never a
///   `.gap`: the bytes of a hole skipped at a cap may still be in the capture.
///
/// A value with one owner: do not copy it and use both copies (they share one budget
/// lease). Its budget share is given back by `finish()`, or when it is dropped.
public struct StreamReassembler {
    public static let defaultMaxBufferedBytes = 4 << 20
    public static let defaultHistoryBytes = 64 << 10
    /// What one buffered segment costs besides its payload: its entry in the pending list
    /// (32 bytes) and its own array's heap header and allocation rounding. Charged to the
    /// caps, so that 1-byte segments cannot hold 80 times the memory the caps state.
    public static let segmentOverhead = 80
    /// At most this many segments are buffered per direction, whatever their size.
    public static let defaultMaxBufferedSegments = 1 << 15

    /// The cap on out-of-order bytes buffered in this direction.
    public let maxBufferedBytes: Int
    /// The most delivered bytes kept to compare retransmissions with (0 disables it).
    public let maxHistoryBytes: Int
    /// The cap on out-of-order segments buffered in this direction.
    public let maxBufferedSegments: Int
    public private(set) var counters = ReassemblyCounters()
    /// True once the SYN was seen.
    public private(set) var sawSYN = false
    /// True once the FIN was reached in sequence (or skipped past by a gap).
    public private(set) var finReached = false
    public private(set) var isFinished = false

    private let sink: (StreamChunk) -> Void
    private let lease: BudgetLease
    private var started = false
    /// The sequence number at offset 0.
    private var base: UInt32 = 0
    /// The next offset to deliver.
    private var next: Int64 = 0
    /// Everything before this offset is known to have been sent (ACK, snaplen).
    private var proven: Int64 = 0
    /// The offset the FIN takes, once a FIN was seen.
    private var fin: Int64?
    /// Out-of-order data, sorted and not overlapping, all after `next`.
    private var pending = PendingSegments()
    /// The end of the last stretch a cap skipped: data that arrives before it, behind
    /// the delivery point, was in the capture but not reassembled (`bytesAfterLimit`).
    private var limitEnd: Int64 = 0
    private var history = DeliveredHistory()

    public init(
        budget: ReassemblyBudget,
        maxBufferedBytes: Int = StreamReassembler.defaultMaxBufferedBytes,
        maxHistoryBytes: Int = StreamReassembler.defaultHistoryBytes,
        maxBufferedSegments: Int = StreamReassembler.defaultMaxBufferedSegments,
        sink: @escaping (StreamChunk) -> Void
    ) {
        precondition(maxBufferedBytes >= 0 && maxHistoryBytes >= 0 && maxBufferedSegments >= 0)
        self.maxBufferedBytes = maxBufferedBytes
        self.maxHistoryBytes = maxHistoryBytes
        self.maxBufferedSegments = maxBufferedSegments
        self.lease = BudgetLease(budget)
        self.sink = sink
    }

    /// The absolute sequence number expected next, once the stream has started.
    public var nextSequence: UInt32? { started ? base &+ UInt32(truncatingIfNeeded: next) : nil }
    /// Sequence positions consumed so far (data, gaps, SYN and FIN), counted from the ISN.
    public var streamOffset: Int64 { next }
    /// What the buffered segments are charged against the caps: payload plus overhead.
    public var chargedBytes: Int { counters.bufferedBytes + counters.bufferedSegments * Self.segmentOverhead }
    /// Segments moved inside the out-of-order buffer so far (for tests of its cost).
    var pendingMoves: Int { pending.moves }

    // MARK: - Input

    /// Feeds one segment of this direction, in capture order.
    /// - Parameters:
    ///   - seq: the raw (absolute) sequence number.
    ///   - payload: the captured payload; only valid during the call.
    ///   - segmentLength: the payload length the IP header implies (`tcp.len`); the part
    ///     past the captured payload was cut by the snaplen and becomes a gap.
    ///   - frame: the frame number, carried on the delivered chunks.
    public mutating func add(seq: UInt32, flags: TCPFlags, payload: ByteView, segmentLength: Int, frame: Int) {
        guard !isFinished else { return }
        let syn = flags.contains(.syn)
        let wireLength = max(segmentLength, 0)
        let captured = min(payload.count, wireLength)
        if !started {
            started = true
            base = seq
            next = syn ? 1 : 0
            proven = next
            history.reset(at: next)
        }
        if syn { sawSYN = true }
        let dataStart = offset(of: seq) + (syn ? 1 : 0)
        let capturedEnd = dataStart + Int64(captured)
        let wireEnd = dataStart + Int64(wireLength)
        // The first FIN wins, as the first copy of data does.
        if flags.contains(.fin), fin == nil, !finReached, wireEnd >= next { fin = wireEnd }

        if captured > 0 {
            place(payload.slice(0..<captured), at: dataStart, frame: frame)
        }
        if wireEnd > capturedEnd {
            if capturedEnd <= next {
                proven = max(proven, wireEnd)
            } else if let p = pending.position(containing: capturedEnd - 1) {
                pending.raiseSentEnd(at: p, to: wireEnd)
            }
            // An out-of-order segment with nothing captured proves nothing we can keep:
            // its hole is resolved later by an ACK or at finish.
        }
        drain()
    }

    /// Feeds one segment whose payload was captured whole.
    public mutating func add(seq: UInt32, flags: TCPFlags, payload: ByteView, frame: Int) {
        add(seq: seq, flags: flags, payload: payload, segmentLength: payload.count, frame: frame)
    }

    /// The peer acknowledged everything before `ack` (its raw ACK number), so that data
    /// was sent: holes before it will not be filled and are skipped as gaps.
    public mutating func acknowledged(upTo ack: UInt32) {
        guard started, !isFinished else { return }
        let offset = offset(of: ack)
        guard offset > proven else { return }
        proven = offset
        drain()
    }

    /// The end of the capture (or of the conversation): delivers everything buffered,
    /// skipping the remaining holes as gaps, and gives the budget share back.
    public mutating func finish() {
        guard !isFinished else { return }
        if let last = pending.last { proven = max(proven, last.sentEnd) }
        if let f = fin, !finReached { proven = max(proven, f + 1) }
        drain()
        precondition(pending.isEmpty)
        history.clear()
        lease.releaseAll()
        counters.bufferedBytes = 0
        counters.bufferedSegments = 0
        isFinished = true
    }

    // MARK: - Sequence space

    /// The 64-bit offset of `seq`, taken as the one within 2^31 of the delivery point.
    private func offset(of seq: UInt32) -> Int64 {
        let here = base &+ UInt32(truncatingIfNeeded: next)
        return next + Int64(Int32(bitPattern: seq &- here))
    }

    // MARK: - Placing data

    /// Delivers, buffers or drops the captured bytes `view` that start at `start`.
    private mutating func place(_ view: ByteView, at start: Int64, frame: Int) {
        var end = start + Int64(view.count)
        // Nothing goes past the FIN: the first FIN closes the direction.
        if let f = fin, end > f {
            let after = Int(end - max(f, start))
            counters.bytesAfterFIN += after
            end -= Int64(after)
        }
        var cursor = start
        var mismatched = 0
        var buffered = false

        while cursor < end {
            // Behind the delivery point: already delivered (or skipped). First copy wins.
            if cursor < next {
                let upTo = min(end, next)
                if cursor < 0 {
                    let before = Int(min(upTo, 0) - cursor)
                    counters.bytesBeforeStart += before
                    cursor += Int64(before)
                }
                if cursor < upTo {
                    let old = view.slice(Int(cursor - start)..<Int(upTo - start))
                    let (checked, differ) = history.compare(old, at: cursor)
                    counters.duplicateBytes += old.count
                    if cursor < limitEnd { counters.bytesAfterLimit += Int(min(upTo, limitEnd) - cursor) }
                    counters.uncheckedBytes += old.count - checked
                    mismatched += differ
                }
                cursor = upTo
                continue
            }
            // Over a buffered segment: compare, keep the buffered copy.
            if let buffered = pending.segment(at: pending.firstPosition(endingAfter: cursor)),
               buffered.start <= cursor {
                let upTo = min(end, buffered.end)
                buffered.bytes.withUnsafeBytes { raw in
                    let existing = ByteView(raw)
                    let first = buffered.start
                    var o = cursor
                    while o < upTo {
                        if existing[Int(o - first)] != view[Int(o - start)] { mismatched += 1 }
                        o += 1
                    }
                }
                counters.duplicateBytes += Int(upTo - cursor)
                cursor = upTo
                continue
            }
            // A hole: the piece up to the next buffered segment is new. Deliver what is
            // contiguous first (that moves `next` and shrinks the buffer, so look again).
            drain()
            if cursor < next { continue } // a proven hole was skipped under it
            let j = pending.firstPosition(endingAfter: cursor)
            let pieceEnd = pending.segment(at: j).map { min(end, $0.start) } ?? end
            let piece = view.slice(Int(cursor - start)..<Int(pieceEnd - start))
            if cursor == next {
                deliver(piece, frame: frame)
            } else {
                switch buffer(piece, at: cursor, frame: frame, index: j) {
                case .buffered: buffered = true
                case .delivered: break
                case .overtaken: continue // the delivery point passed it: look again
                }
            }
            cursor = pieceEnd
        }

        if buffered { counters.outOfOrderSegments += 1 }
        if mismatched > 0 {
            counters.inconsistentBytes += mismatched
            counters.inconsistentSegments += 1
        }
    }

    private enum Placement { case buffered, delivered, overtaken }

    /// Copies `piece` (which overlaps nothing buffered, and starts after `next`) into the
    /// buffer at `index`, or, when a cap is reached, skips holes until it fits or can be
    /// delivered.
    private mutating func buffer(_ piece: ByteView, at start: Int64, frame: Int,
                                 index: PendingSegments.Position) -> Placement {
        let n = piece.count
        if fits(n) {
            insert(piece, at: start, frame: frame, index: index)
            return .buffered
        }
        counters.capHits += 1
        while true {
            guard let first = pending.first, first.start < start else {
                // Nothing buffered before it: skip to it and deliver it from the frame.
                skip(to: start, atLimit: true)
                if next != start { return .overtaken }
                deliver(piece, frame: frame)
                return .delivered
            }
            // gopacket's policy: give up on the first hole and flush what follows it.
            skip(to: first.start, atLimit: true)
            drain()
            if next > start || finReached { return .overtaken }
            if next == start {
                deliver(piece, frame: frame)
                return .delivered
            }
            if fits(n) {
                insert(piece, at: start, frame: frame, index: pending.firstPosition(endingAfter: start))
                return .buffered
            }
        }
    }

    /// Whether a segment of `n` bytes fits under the caps; reserves its charge if so.
    private func fits(_ n: Int) -> Bool {
        let charge = n + Self.segmentOverhead
        return pending.count < maxBufferedSegments && charge <= maxBufferedBytes - chargedBytes
            && lease.reserveBuffer(charge)
    }

    /// Stores a copy of `piece`; its charge was already reserved.
    private mutating func insert(_ piece: ByteView, at start: Int64, frame: Int, index: PendingSegments.Position) {
        pending.insert(.init(start: start, bytes: Array(piece), frame: frame,
                             sentEnd: start + Int64(piece.count)), at: index)
        counters.bufferedBytes += piece.count
        counters.bufferedSegments += 1
        counters.peakBufferedBytes = max(counters.peakBufferedBytes, counters.bufferedBytes)
    }

    // MARK: - Output

    /// Delivers what is contiguous at `next` (buffered data, the FIN) and skips holes the
    /// peer proved were sent, until neither applies.
    private mutating func drain() {
        while true {
            if finReached {
                // The direction is closed: whatever is still buffered lies past the FIN.
                while let entry = pending.removeFirst() {
                    counters.bytesAfterFIN += entry.bytes.count
                    release(entry.bytes.count)
                }
                return
            }
            if let f = fin, f == next {
                next += 1
                finReached = true
                history.reset(at: next)
                continue
            }
            if let first = pending.first, first.start <= next, let entry = pending.removeFirst() {
                release(entry.bytes.count)
                let stop = min(entry.end, fin ?? entry.end)
                if stop > next {
                    let from = Int(next - entry.start), to = Int(stop - entry.start)
                    entry.bytes.withUnsafeBytes { raw in
                        deliver(ByteView(raw).slice(from..<to), frame: entry.frame)
                    }
                }
                counters.bytesAfterFIN += Int(max(0, entry.end - max(stop, next)))
                proven = max(proven, min(entry.sentEnd, fin ?? entry.sentEnd))
                continue
            }
            if next < proven {
                let holeEnd = pending.first.map { min(proven, $0.start) } ?? proven
                skip(to: holeEnd)
                continue
            }
            return
        }
    }

    /// Gives back the charge of one buffered segment of `n` bytes.
    private mutating func release(_ n: Int) {
        counters.bufferedBytes -= n
        counters.bufferedSegments -= 1
        lease.releaseBuffer(n + Self.segmentOverhead)
    }

    /// Reports the positions from `next` to `target` as missing (the FIN's position, if it
    /// falls inside, is not a missing byte); `atLimit` when a cap forced it.
    private mutating func skip(to target: Int64, atLimit: Bool = false) {
        guard target > next else { return }
        if let f = fin, !finReached, f >= next, f < target {
            gap(Int(f - next), atLimit: atLimit)
            next = f + 1
            finReached = true
            history.reset(at: next)
            return
        }
        gap(Int(target - next), atLimit: atLimit)
        if atLimit { limitEnd = max(limitEnd, target) }
        next = target
        history.reset(at: next)
    }

    private mutating func gap(_ n: Int, atLimit: Bool) {
        guard n > 0 else { return }
        counters.missingBytes += n
        counters.gaps += 1
        if atLimit {
            counters.bytesSkippedAtLimit += n
            sink(.limitReached(bytes: n, segments: counters.bufferedSegments))
        } else {
            sink(.gap(bytes: n))
        }
    }

    private mutating func deliver(_ bytes: ByteView, frame: Int) {
        guard !bytes.isEmpty else { return }
        sink(.data(frame: frame, bytes: bytes))
        counters.deliveredBytes += bytes.count
        remember(bytes)
        next += Int64(bytes.count)
    }

    private mutating func remember(_ bytes: ByteView) {
        guard maxHistoryBytes > 0 else {
            history.reset(at: next + Int64(bytes.count))
            return
        }
        let want = history.count + bytes.count
        if want > history.capacity, history.capacity < maxHistoryBytes {
            var size = max(4096, history.capacity * 2)
            while size < want { size *= 2 }
            size = min(size, maxHistoryBytes)
            if lease.reserveHistory(size - history.capacity) { history.grow(to: size) }
        }
        history.append(bytes, at: next)
    }
}
