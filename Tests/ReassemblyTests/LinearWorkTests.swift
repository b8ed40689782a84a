import Dissect
import Testing
@testable import Follow

/// Adversarial out-of-order input must cost work linear in the number of segments and
/// memory within the caps. Work is counted (segments moved inside the out-of-order
/// buffer), never timed: with one flat array, n segments in descending order moved
/// n²/2 of them (100k one-byte segments took 2.8 s).
@Suite struct ReassemblyLinearWorkTests {
    /// `n` one-byte segments above a one-byte hole, sent in the order `offsets` gives
    /// (0 is the byte right after the hole), then the hole; returns the reassembler.
    static func feed(_ offsets: [Int], maxBuffered: Int = StreamReassembler.defaultMaxBufferedBytes,
                     maxSegments: Int = StreamReassembler.defaultMaxBufferedSegments,
                     budget: ReassemblyBudget = ReassemblyBudget(),
                     each: (StreamReassembler) -> Void = { _ in }) -> StreamReassembler {
        let collector = Collector()
        var r = StreamReassembler(budget: budget, maxBufferedBytes: maxBuffered, maxBufferedSegments: maxSegments,
                                  sink: collector.take)
        apply(.syn(1000), to: &r)
        for offset in offsets {
            apply(.seg(UInt32(1002 + offset), [.ack], [pattern(offset + 1)], length: nil, frame: offset), to: &r)
            each(r)
        }
        apply(.data(1001, "a"), to: &r)
        return r
    }

    static func shuffled(_ n: Int, seed: UInt64) -> [Int] {
        var rng = LCG(seed: seed)
        var offsets = (0..<n).map { $0 * 2 } // every other byte: n disjoint holes
        for i in stride(from: offsets.count - 1, to: 0, by: -1) {
            offsets.swapAt(i, Int(rng.next() % UInt64(i + 1)))
        }
        return offsets
    }

    @Test func descendingSegmentsCostLinearWork() {
        let n = 4000
        let small = Self.feed(Array((0..<n).reversed()))
        let large = Self.feed(Array((0..<(4 * n)).reversed()))
        for (r, count) in [(small, n), (large, 4 * n)] {
            #expect(r.counters.deliveredBytes == count + 1)
            #expect(r.counters.bufferedSegments == 0 && r.counters.capHits == 0)
            // At most a chunk's worth of moves per insert and per removal.
            #expect(r.pendingMoves <= count * 2 * PendingSegments.chunkCapacity)
        }
        // Linear: 4 times the segments, about 4 times the work (quadratic would be 16).
        #expect(large.pendingMoves <= 5 * small.pendingMoves, "\(small.pendingMoves) → \(large.pendingMoves)")
    }

    @Test func segmentsInRandomOrderCostLinearWork() {
        let n = 4000
        let small = Self.feed(Self.shuffled(n, seed: 1))
        let large = Self.feed(Self.shuffled(4 * n, seed: 2))
        #expect(small.counters.outOfOrderSegments == n && large.counters.outOfOrderSegments == 4 * n)
        #expect(small.pendingMoves <= n * 2 * PendingSegments.chunkCapacity)
        #expect(large.pendingMoves <= 5 * small.pendingMoves, "\(small.pendingMoves) → \(large.pendingMoves)")
    }

    /// Each buffered segment is charged its overhead, so 1-byte segments fill the 4 MiB
    /// per-direction cap after about 50k of them, not 4 million; the segment cap comes first.
    @Test func oneByteSegmentsAreChargedTheirOverhead() {
        let budget = ReassemblyBudget()
        let overhead = StreamReassembler.segmentOverhead
        var peakSegments = 0
        let offsets = (0..<40_000).map { $0 * 2 }
        var r = Self.feed(offsets, budget: budget) { r in
            #expect(r.chargedBytes >= r.counters.bufferedSegments * overhead)
            #expect(r.chargedBytes == r.counters.bufferedBytes + r.counters.bufferedSegments * overhead)
            #expect(budget.bufferedBytes == r.chargedBytes)
            peakSegments = max(peakSegments, r.counters.bufferedSegments)
        }
        #expect(peakSegments == StreamReassembler.defaultMaxBufferedSegments)
        #expect(r.counters.capHits > 0)
        r.finish()
        #expect(budget.usedBytes == 0)

        // With a byte cap of 50 segments' worth, 50 one-byte segments fit and no more.
        var most = 0
        _ = Self.feed((0..<1000).map { $0 * 2 }, maxBuffered: 50 * (1 + overhead)) { r in
            #expect(r.chargedBytes <= 50 * (1 + overhead))
            most = max(most, r.counters.bufferedSegments)
        }
        #expect(most == 50)
    }

    @Test func segmentCapIsRespected() {
        var most = 0
        let r = Self.feed(Self.shuffled(1000, seed: 3), maxSegments: 100) { r in
            most = max(most, r.counters.bufferedSegments)
        }
        #expect(most == 100)
        #expect(r.counters.capHits > 0)
        #expect(r.counters.deliveredBytes + r.counters.missingBytes == Int(r.streamOffset) - 1)
    }
}
