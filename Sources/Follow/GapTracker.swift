/// The part of Zeek's TCP reassembler (`TCP_Reassembler`, `Reassembler`, `DataBlockList`) that
/// decides content gaps: what has been delivered in order and which data waits above a hole.
/// Sequence numbers are relative (1 = first data octet).
///
/// The waiting ranges are found by binary search and merged in place. At most
/// `maxPendingRanges` are kept: past that, the farthest one is dropped, so its bytes are
/// counted in the gap when the peer acknowledges past them (as Zeek counts data it could
/// not keep). Captures with fewer disjoint holes than that behave exactly as before.
struct GapTracker: Sendable {
    static let maxPendingRanges = 1024

    /// `last_reassem_seq`: everything below was delivered (or declared a gap).
    private(set) var lastReassemSeq: UInt64 = 1
    /// `trim_seq`: the highest acknowledgment processed.
    private(set) var trimSeq: UInt64 = 1
    /// Undelivered data above holes: sorted, disjoint, non-adjacent, all above lastReassemSeq.
    private(set) var pending: [Range<UInt64>] = []
    /// Ranges dropped because `maxPendingRanges` were waiting.
    var droppedRanges: Int { Int(dropped) }
    private var dropped: UInt32 = 0
    /// Ranges moved inside `pending` by inserts and removals (for tests of its cost).
    var moves: Int { Int(moved) }
    /// 32 bits (wrapping) with ``dropped``, where two `Int`s made every TCP side 8 bytes longer.
    private var moved: UInt32 = 0

    /// `TCP_Reassembler::DataSent` + `Reassembler::NewBlock` + `BlockInserted`.
    /// `ack` is what the peer has acknowledged of this side (relative).
    mutating func dataSent(seq: UInt64, length: UInt64, ack: UInt64) {
        var lower = seq
        let upper = seq &+ length
        if lower < ack {
            if upper <= ack { return } // already delivered and acknowledged
            lower = ack
        }
        guard upper > lower else { return }
        if upper <= trimSeq { return }
        if lower < trimSeq { lower = trimSeq }
        if upper <= lastReassemSeq { return } // old data
        if lower <= lastReassemSeq {
            lastReassemSeq = upper
            deliverContiguous()
        } else {
            insert(lower..<upper)
        }
    }

    /// `TCP_Reassembler::AckReceived` (after the FIN clamp) → `Trim` → `Undelivered`.
    /// Returns the gaps (start, length) in order.
    mutating func ackReceived(_ seq: UInt64, isPartialConnection: Bool) -> [(start: UInt64, length: UInt64)] {
        guard seq > trimSeq else { return [] }
        var gaps: [(start: UInt64, length: UInt64)] = []
        if seq > lastReassemSeq {
            if seq <= 2 && isPartialConnection {
                // The faked-up initial sequence of a partial connection; ignored.
            } else {
                var passed = 0
                while passed < pending.count, pending[passed].lowerBound < seq {
                    gaps.append((lastReassemSeq, pending[passed].lowerBound - lastReassemSeq))
                    lastReassemSeq = pending[passed].upperBound
                    passed += 1
                }
                removeFirst(passed)
                if seq > lastReassemSeq {
                    gaps.append((lastReassemSeq, seq - lastReassemSeq))
                    lastReassemSeq = seq
                }
            }
        }
        // Sorted and disjoint: the ranges wholly below `seq` are a prefix.
        removeFirst(firstIndex { $0.upperBound > seq })
        deliverContiguous()
        trimSeq = seq
        return gaps
    }

    private mutating func deliverContiguous() {
        var delivered = 0
        while delivered < pending.count, pending[delivered].lowerBound <= lastReassemSeq {
            lastReassemSeq = max(lastReassemSeq, pending[delivered].upperBound)
            delivered += 1
        }
        removeFirst(delivered)
    }

    /// Adds `r` (above `lastReassemSeq`), merged with every range it overlaps or touches.
    private mutating func insert(_ r: Range<UInt64>) {
        let first = firstIndex { $0.upperBound >= r.lowerBound }
        var last = first
        while last < pending.count, pending[last].lowerBound <= r.upperBound { last += 1 }
        if first == last {
            moved &+= UInt32(truncatingIfNeeded: pending.count - first)
            pending.insert(r, at: first)
        } else {
            let merged = min(r.lowerBound, pending[first].lowerBound)..<max(r.upperBound, pending[last - 1].upperBound)
            moved &+= UInt32(truncatingIfNeeded: last - first > 1 ? pending.count - last : 0)
            pending.replaceSubrange(first..<last, with: CollectionOfOne(merged))
        }
        if pending.count > Self.maxPendingRanges {
            pending.removeLast()
            dropped &+= 1
        }
    }

    /// The first index whose range satisfies `isPast`, which holds for a suffix of `pending`.
    private func firstIndex(where isPast: (Range<UInt64>) -> Bool) -> Int {
        var lo = 0, hi = pending.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if isPast(pending[mid]) { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }

    private mutating func removeFirst(_ n: Int) {
        guard n > 0 else { return }
        moved &+= UInt32(truncatingIfNeeded: pending.count - n)
        pending.removeFirst(n)
    }
}

extension GapTracker: Equatable {
    /// The counters of work and of dropped ranges are not part of the state.
    static func == (a: GapTracker, b: GapTracker) -> Bool {
        a.lastReassemSeq == b.lastReassemSeq && a.trimSeq == b.trimSeq && a.pending == b.pending
    }
}
