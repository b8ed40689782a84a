import Testing
@testable import Follow

/// `GapTracker` under many disjoint holes: work counted (ranges moved), never timed.
@Suite struct GapTrackerTests {
    /// `n` one-byte ranges with a hole below each, in descending order (each new range is
    /// the lowest), nothing acknowledged; returns the tracker.
    static func descendingHoles(_ n: Int) -> GapTracker {
        var t = GapTracker()
        for i in (0..<n).reversed() {
            t.dataSent(seq: UInt64(3 + 2 * i), length: 1, ack: 1)
            precondition(t.pending.count <= GapTracker.maxPendingRanges)
        }
        return t
    }

    @Test func descendingHolesCostLinearWorkAndStayCapped() {
        let n = 4 * GapTracker.maxPendingRanges
        let small = Self.descendingHoles(n)
        let large = Self.descendingHoles(4 * n)
        for (t, count) in [(small, n), (large, 4 * n)] {
            #expect(t.pending.count == GapTracker.maxPendingRanges)
            #expect(t.droppedRanges == count - GapTracker.maxPendingRanges)
            #expect(t.moves <= count * GapTracker.maxPendingRanges)
        }
        #expect(large.moves <= 5 * small.moves, "\(small.moves) → \(large.moves)")
    }

    /// The dropped (farthest) ranges count as missing when the peer acknowledges past
    /// them; the kept ones do not.
    @Test func droppedRangesBecomeGapsWhenAcknowledged() {
        let cap = GapTracker.maxPendingRanges
        var t = GapTracker()
        for i in 0..<(cap + 10) { t.dataSent(seq: UInt64(3 + 2 * i), length: 1, ack: 1) }
        #expect(t.pending.count == cap && t.droppedRanges == 10)
        let end = UInt64(3 + 2 * (cap + 10))
        let gaps = t.ackReceived(end, isPartialConnection: false)
        let missing = gaps.reduce(0) { $0 + $1.length }
        // Everything below the ACK but the kept ranges' bytes: the dropped ones are missing.
        #expect(missing == end - 1 - UInt64(cap))
        #expect(t.pending.isEmpty && t.lastReassemSeq == end)
    }

    @Test func mergesAsBefore() {
        var t = GapTracker()
        t.dataSent(seq: 10, length: 5, ack: 1)   // 10..<15
        t.dataSent(seq: 20, length: 5, ack: 1)   // 20..<25
        t.dataSent(seq: 30, length: 5, ack: 1)   // 30..<35
        t.dataSent(seq: 15, length: 5, ack: 1)   // touches both sides: 10..<25
        #expect(t.pending == [10..<25, 30..<35])
        t.dataSent(seq: 5, length: 40, ack: 1)   // covers all
        #expect(t.pending == [5..<45])
        t.dataSent(seq: 1, length: 4, ack: 1)    // fills the hole: delivered
        #expect(t.pending.isEmpty && t.lastReassemSeq == 45)
        t.dataSent(seq: 50, length: 1, ack: 1)
        t.dataSent(seq: 60, length: 1, ack: 1)
        #expect(t.ackReceived(55, isPartialConnection: false).map(\.length) == [5, 4])
        #expect(t.pending == [60..<61])
    }
}
