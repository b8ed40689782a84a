import Dissect
import Testing
@testable import Follow

/// One table row: the segments and acks that go in, the bytes and gaps that must come out.
struct Case: Sendable, CustomTestStringConvertible {
    var name: String
    var steps: [Step]
    var want: [Out]
    var counters = Want()
    var maxBuffered = StreamReassembler.defaultMaxBufferedBytes
    var testDescription: String { name }
}

// ISN 1000 throughout: data starts at 1001 ("a" = 1001, "b" = 1002, ...).
let cases: [Case] = [
    Case(name: "in order",
         steps: [.syn(1000), .data(1001, "abc"), .data(1004, "def"), .data(1007, "")],
         want: [.text("abcdef")],
         counters: Want(delivered: 6, missing: 0, duplicate: 0, outOfOrder: 0)),

    Case(name: "out of order, released when the hole fills",
         steps: [.syn(1000), .data(1004, "def"), .data(1010, "jkl"), .data(1007, "ghi"), .data(1001, "abc")],
         want: [.text("abcdefghijkl")],
         counters: Want(delivered: 12, missing: 0, outOfOrder: 3)),

    Case(name: "identical retransmission",
         steps: [.syn(1000), .data(1001, "abcd"), .data(1001, "abcd"), .data(1003, "cd"), .data(1005, "ef")],
         want: [.text("abcdef")],
         counters: Want(delivered: 6, duplicate: 6, inconsistentSegments: 0)),

    Case(name: "retransmission of buffered data",
         steps: [.syn(1000), .data(1004, "def"), .data(1004, "def"), .data(1001, "abc")],
         want: [.text("abcdef")],
         counters: Want(delivered: 6, duplicate: 3, outOfOrder: 1)),

    Case(name: "conflicting overlap with delivered data: first copy wins",
         steps: [.syn(1000), .data(1001, "abcdef"), .data(1004, "XYZghi")],
         want: [.text("abcdefghi")],
         counters: Want(delivered: 9, duplicate: 3, inconsistentBytes: 3, inconsistentSegments: 1)),

    Case(name: "conflicting overlap with buffered data: first copy wins",
         steps: [.syn(1000), .data(1004, "defg"), .data(1006, "FGhi"), .data(1001, "abc")],
         want: [.text("abcdefghi")],
         counters: Want(delivered: 9, duplicate: 2, inconsistentBytes: 2, inconsistentSegments: 1, outOfOrder: 2)),

    Case(name: "partial overlap at both ends of buffered segments",
         // "cd" and "gh" buffered; "bXdefYhi" straddles the start of one and the end of the other.
         steps: [.syn(1000), .data(1003, "cd"), .data(1007, "gh"), .data(1002, "bXdefYhi"), .data(1001, "a")],
         want: [.text("abcdefghi")],
         counters: Want(delivered: 9, duplicate: 4, inconsistentBytes: 2, inconsistentSegments: 1, outOfOrder: 3)),

    Case(name: "partial overlap: head over delivered data, tail over buffered data",
         steps: [.syn(1000), .data(1001, "abc"), .data(1007, "ghi"), .data(1002, "bQdefgZ")],
         want: [.text("abcdefghi")],
         counters: Want(delivered: 9, duplicate: 4, inconsistentBytes: 2, inconsistentSegments: 1, outOfOrder: 1)),

    Case(name: "segment covering several buffered ones, and beyond",
         steps: [.syn(1000), .data(1003, "c"), .data(1005, "e"), .data(1001, "abcdefg")],
         want: [.text("abcdefg")],
         counters: Want(delivered: 7, duplicate: 2)),

    Case(name: "gap proven by ACK",
         steps: [.syn(1000), .data(1001, "abc"), .data(1007, "ghi"), .ack(1004), .ack(1010), .data(1004, "def")],
         want: [.text("abc"), .gap(3), .text("ghi")],
         counters: Want(delivered: 6, missing: 3, duplicate: 3)),

    Case(name: "ACK past a hole only skips up to the ACK",
         steps: [.syn(1000), .data(1001, "ab"), .data(1010, "jk"), .ack(1005), .data(1005, "efghi")],
         want: [.text("ab"), .gap(2), .text("efghijk")],
         counters: Want(delivered: 9, missing: 2)),

    Case(name: "ACK beyond everything seen",
         steps: [.syn(1000), .data(1001, "ab"), .ack(1006)],
         want: [.text("ab"), .gap(3)],
         counters: Want(delivered: 2, missing: 3)),

    Case(name: "gaps at finish",
         steps: [.syn(1000), .data(1001, "abc"), .data(1007, "ghi"), .data(1013, "mno"), .finish],
         want: [.text("abc"), .gap(3), .text("ghi"), .gap(3), .text("mno")],
         counters: Want(delivered: 9, missing: 6, outOfOrder: 2)),

    Case(name: "snaplen-truncated segment in order: the uncaptured tail is a gap",
         steps: [.syn(1000), .data(1001, "abc", length: 6), .data(1007, "ghi")],
         want: [.text("abc"), .gap(3), .text("ghi")],
         counters: Want(delivered: 6, missing: 3)),

    Case(name: "snaplen-truncated segment out of order",
         steps: [.syn(1000), .data(1004, "de", length: 3), .data(1007, "gh"), .data(1001, "abc")],
         want: [.text("abcde"), .gap(1), .text("gh")],
         counters: Want(delivered: 7, missing: 1, outOfOrder: 2)),

    Case(name: "snaplen tail partly covered by buffered data",
         steps: [.syn(1000), .data(1005, "efgh"), .data(1001, "ab", length: 6)],
         want: [.text("ab"), .gap(2), .text("efgh")],
         counters: Want(delivered: 6, missing: 2, duplicate: 0)),

    Case(name: "SYN and FIN each take one sequence number",
         steps: [.syn(1000), .fin(1001, "ab"), .ack(1004), .finish],
         want: [.text("ab")],
         counters: Want(delivered: 2, missing: 0)),

    Case(name: "SYN with data (TFO): data starts at ISN+1",
         steps: [.syn(1000, "xy"), .data(1003, "z")],
         want: [.text("xyz")],
         counters: Want(delivered: 3)),

    Case(name: "FIN out of order is consumed when reached; nothing passes it",
         steps: [.syn(1000), .fin(1004), .data(1001, "abc"), .data(1005, "late")],
         want: [.text("abc")],
         counters: Want(delivered: 3, missing: 0, afterFIN: 4)),

    Case(name: "data buffered past a FIN that arrives later is dropped",
         steps: [.syn(1000), .data(1003, "cdXY"), .fin(1005), .data(1001, "ab")],
         want: [.text("abcd")],
         counters: Want(delivered: 4, outOfOrder: 1, afterFIN: 2)),

    Case(name: "ACK past a hole before the FIN: the FIN is not a missing byte",
         steps: [.syn(1000), .data(1001, "ab"), .fin(1005), .ack(1006)],
         want: [.text("ab"), .gap(2)],
         counters: Want(delivered: 2, missing: 2)),

    Case(name: "wrap across 2^32",
         steps: [.syn(0xFFFF_FFFD), .data(0xFFFF_FFFE, "abcd"), .data(0x0000_0005, "hij"),
                 .data(0x0000_0002, "efg"), .data(0xFFFF_FFFF, "bcdef")],
         want: [.text("abcdefghij")],
         counters: Want(delivered: 10, duplicate: 5, outOfOrder: 1)),

    Case(name: "mid-stream start: the first segment starts the stream",
         steps: [.data(5000, "abc"), .data(5003, "def"), .data(4998, "xyab"), .ack(5006)],
         want: [.text("abcdef")],
         counters: Want(delivered: 6, missing: 0, duplicate: 2, beforeStart: 2)),

    Case(name: "mid-stream start with a gap proven by ACK",
         steps: [.data(5000, "abc"), .data(5006, "ghi"), .ack(5009)],
         want: [.text("abc"), .gap(3), .text("ghi")],
         counters: Want(delivered: 6, missing: 3)),

    Case(name: "per-direction cap: flush up to the first hole, then deliver in order",
         steps: [.syn(1000), .data(1001, "ab"), .data(1006, "fgh"), .data(1009, "ijk"), .data(1012, "lm")],
         want: [.text("ab"), .limit(3), .text("fghijklm")],
         counters: Want(delivered: 10, missing: 3, outOfOrder: 2, capHits: 1),
         maxBuffered: 6 + 2 * StreamReassembler.segmentOverhead),

    Case(name: "per-direction cap: only the first hole is skipped, the second still fills",
         steps: [.syn(1000), .data(1004, "def"), .data(1010, "jkl"), .data(1014, "n"),
                 .data(1007, "ghi"), .data(1013, "m")],
         want: [.limit(3), .text("defghijklmn")],
         counters: Want(delivered: 11, missing: 3, outOfOrder: 3, capHits: 1),
         maxBuffered: 6 + 2 * StreamReassembler.segmentOverhead),

    Case(name: "per-direction cap: a segment larger than the cap",
         steps: [.syn(1000), .data(1005, "efghij"), .data(1001, "abcd")],
         want: [.limit(4), .text("efghij")],
         counters: Want(delivered: 6, missing: 4, duplicate: 4, outOfOrder: 0, capHits: 1),
         maxBuffered: 4 + StreamReassembler.segmentOverhead),
]

@Suite struct StreamReassemblerTests {
    @Test(arguments: cases)
    func table(_ c: Case) {
        let (outs, r, _) = run(c.steps, maxBuffered: c.maxBuffered)
        #expect(outs == c.want, "\(c.name)")
        let bad = c.counters.mismatches(r.counters)
        #expect(bad.isEmpty, "\(c.name): \(bad)")
        #expect(r.counters.bufferedBytes <= c.maxBuffered)
    }

    @Test func synAndFinConsumeSequenceNumbers() {
        let (_, r, _) = run([.syn(1000), .fin(1001, "ab")])
        #expect(r.sawSYN && r.finReached)
        #expect(r.streamOffset == 4) // SYN, "a", "b", FIN
        #expect(r.nextSequence == 1004)
    }

    @Test func sixtyFourBitOffsetsPastTwoToTheThirtyTwo() {
        // ACKs advance the stream through gaps, each within 2^31 of the last position.
        let (outs, r, _) = run([.syn(0), .ack(0x7000_0000), .ack(0xE000_0000), .ack(0x5000_0000),
                                .data(0x5000_0000, "abc")], history: 0)
        #expect(outs == [.gap(0x7000_0000 - 1), .gap(0x7000_0000), .gap(0x7000_0000), .text("abc")])
        #expect(r.streamOffset == (1 << 32) + 0x5000_0000 + 3)
        #expect(r.nextSequence == 0x5000_0003)
    }

    @Test func chunksCarryTheirFrames() {
        let (_, _, col) = run([.syn(1000, frame: 1), .data(1004, "def", frame: 2),
                               .data(1001, "abc", frame: 3), .data(1007, "g", frame: 4)])
        #expect(col.chunks.map(\.frame) == [3, 2, 4])
    }

    @Test func inOrderDataIsAViewOfTheFrameNotACopy() {
        let payload = Array("hello".utf8)
        let collector = Collector()
        var r = StreamReassembler(budget: ReassemblyBudget(), sink: collector.take)
        var frameAddress: UnsafeRawPointer?
        payload.withUnsafeBytes { raw in
            frameAddress = raw.baseAddress
            r.add(seq: 1, flags: [], payload: ByteView(raw), frame: 1)
        }
        #expect(collector.addresses == [frameAddress])
        #expect(r.counters.bufferedBytes == 0 && r.counters.outOfOrderSegments == 0)
    }

    @Test func totalBudgetSharedAcrossTwoStreams() {
        // Room for 10 bytes in two segments: each segment is also charged its overhead.
        let overhead = StreamReassembler.segmentOverhead
        let budget = ReassemblyBudget(limit: 10 + 2 * overhead, historyLimit: 0)
        let a = Collector(), b = Collector()
        var ra = StreamReassembler(budget: budget, sink: a.take)
        var rb = StreamReassembler(budget: budget, sink: b.take)
        apply(.syn(1000), to: &ra)
        apply(.syn(5000), to: &rb)
        apply(.data(1004, "defghij"), to: &ra) // 7 buffered
        #expect(budget.bufferedBytes == 7 + overhead)
        apply(.data(5004, "wxyz"), to: &rb) // 4 more would pass 10: B skips its hole
        #expect(budget.bufferedBytes == 7 + overhead)
        #expect(budget.peakUsedBytes <= 10 + 2 * overhead)
        #expect(budget.refusals == 1)
        #expect(rb.counters.capHits == 1 && ra.counters.capHits == 0)
        #expect(b.outs == [.limit(3), .text("wxyz")])
        apply(.data(1001, "abc"), to: &ra)
        #expect(a.outs == [.text("abcdefghij")])
        #expect(budget.usedBytes == 0)
    }

    @Test func budgetIsGivenBackAtFinishAndWhenDropped() {
        let budget = ReassemblyBudget()
        do {
            let (_, r, _) = run([.syn(1000), .data(1001, "abc"), .data(1010, "xyz")], budget: budget)
            #expect(budget.bufferedBytes == 3 + StreamReassembler.segmentOverhead)
            #expect(budget.historyBytes > 0)
            #expect(r.counters.bufferedBytes == 3)
        }
        #expect(budget.usedBytes == 0)
        var (_, r, _) = run([.syn(1000), .data(1010, "xyz")], budget: budget)
        #expect(budget.bufferedBytes == 3 + StreamReassembler.segmentOverhead)
        r.finish()
        #expect(budget.usedBytes == 0)
        #expect(r.counters.missingBytes == 9)
    }

    @Test func historyLimitsWhatCanBeCompared() {
        // 16 bytes of history: a retransmission of older bytes is dropped unchecked.
        let stream = Array(repeating: UInt8(ascii: "a"), count: 100)
        let (outs, r, _) = run([.syn(0), .seg(1, [], stream, length: nil, frame: 1),
                                .data(1, "XXXX"), .data(90, "aaXX")],
                               history: 16)
        #expect(outs == [.data(stream)])
        #expect(r.counters.duplicateBytes == 8)
        #expect(r.counters.uncheckedBytes == 4)
        #expect(r.counters.inconsistentBytes == 2)
    }

    /// A stream whose holes never fill: every tenth segment is missing and nothing is
    /// acked. Buffering must stay within the cap, every delivered byte must be the real
    /// byte at its offset, and everything must be accounted for as data or gap.
    @Test func neverFilledGapsStayWithinTheCap() {
        let cap = 1000
        let budget = ReassemblyBudget(limit: 1 << 20)
        let segment = 100
        var steps: [Step] = [.syn(7)]
        for i in 0..<500 where i % 10 != 3 {
            let start = 8 + i * segment
            let bytes = (0..<segment).map { pattern(start - 8 + $0) }
            steps.append(.seg(UInt32(start), [.ack], bytes, length: nil, frame: i))
        }
        var maxSeen = 0
        var (outs, r, _) = run(steps, budget: budget, maxBuffered: cap) { r in
            maxSeen = max(maxSeen, r.counters.bufferedBytes)
        }
        #expect(maxSeen <= cap)
        #expect(budget.peakUsedBytes - budget.historyBytes <= cap)
        #expect(r.counters.capHits > 0)
        #expect(Int64(r.counters.deliveredBytes + r.counters.missingBytes) == r.streamOffset - 1)
        r.finish()
        #expect(r.counters.deliveredBytes == 450 * segment)
        #expect(r.counters.missingBytes == 50 * segment)
        #expect(budget.usedBytes == 0)
        _ = outs
    }

    /// Random segmentation, reordering, duplication and corruption of duplicates. Every
    /// delivered byte must be the first copy of that byte in capture order (first copy
    /// wins), every later copy that differs must be counted, and every byte fed in must be
    /// accounted for. With room to buffer and no ACKs, the output is the whole stream; with
    /// a tight cap or ACKs that outrun the capture, data and gaps still cover it exactly.
    @Test(arguments: [1 << 20, 64])
    func randomizedReorderDuplicationAndConflicts(cap: Int) {
        var rng = LCG(seed: UInt64(cap))
        for round in 0..<200 {
            let length = 200 + Int(rng.next() % 800)
            let isn = UInt32(truncatingIfNeeded: rng.next())
            var segments: [(start: Int, bytes: [UInt8])] = []
            var at = 0
            while at < length {
                let n = min(length - at, 1 + Int(rng.next() % 40))
                segments.append((at, (at..<(at + n)).map(pattern)))
                at += n
            }
            // Capture order: each copy sorts near its original position, with noise, so
            // segments arrive a few places early or late, like real reordering.
            var keyed: [(key: Int, start: Int, bytes: [UInt8])] = segments.enumerated().map {
                ($0.offset * 10 + Int(rng.next() % 60), $0.element.start, $0.element.bytes)
            }
            // Duplicates, repacketized (one copy may span up to three originals), shifted to
            // overlap, some corrupted.
            for _ in 0..<(segments.count / 2) {
                let k = Int(rng.next() % UInt64(segments.count))
                let joined = segments[k..<min(segments.count, k + 1 + Int(rng.next() % 3))]
                let (s, bytes) = (joined.first!.start, joined.flatMap(\.bytes))
                let shift = min(s, Int(rng.next() % 5))
                var copy = ((s - shift)..<s).map(pattern) + bytes
                if rng.next() % 3 == 0 { copy[Int(rng.next() % UInt64(copy.count))] ^= 0x5a }
                keyed.append((k * 10 + Int(rng.next() % 60), s - shift, copy))
            }
            let order = keyed.sorted { $0.key < $1.key }.map { ($0.start, $0.bytes) }
            // What first copy wins must produce, and how many later bytes disagree.
            var first = [UInt8?](repeating: nil, count: length)
            var conflicts = 0
            var fed = 0
            var steps: [Step] = [.syn(isn)]
            var highest = 0
            let withAcks = round % 2 == 1
            for (s, bytes) in order {
                for (k, b) in bytes.enumerated() {
                    if let f = first[s + k] { if f != b { conflicts += 1 } } else { first[s + k] = b }
                }
                fed += bytes.count
                steps.append(.seg(isn &+ 1 &+ UInt32(s), [.ack], bytes, length: nil, frame: s))
                highest = max(highest, s + bytes.count)
                if withAcks, rng.next() % 8 == 0 { // the peer acks something already sent
                    steps.append(.ack(isn &+ 1 &+ UInt32(max(0, highest - Int(rng.next() % 50)))))
                }
            }
            steps.append(.fin(isn &+ 1 &+ UInt32(length)))
            steps.append(.finish)

            let (outs, r, _) = run(steps, budget: ReassemblyBudget(limit: 1 << 20), maxBuffered: cap)
            let c = r.counters
            #expect(c.deliveredBytes + c.missingBytes == length, "round \(round)")
            #expect(c.deliveredBytes + c.duplicateBytes + c.bytesAfterFIN + c.bytesBeforeStart == fed,
                    "round \(round)")
            #expect(c.peakBufferedBytes <= cap, "round \(round)")
            #expect(c.bufferedBytes == 0 && r.finReached, "round \(round)")
            if cap >= length && !withAcks {
                #expect(outs == [.data(first.map { $0! })], "round \(round)")
                #expect(c.inconsistentBytes == conflicts, "round \(round)")
                #expect(c.missingBytes == 0 && c.capHits == 0, "round \(round)")
            } else {
                #expect(c.inconsistentBytes <= conflicts, "round \(round)")
            }
            var offset = 0
            for out in outs {
                switch out {
                case .data(let bytes):
                    #expect(bytes == first[offset..<(offset + bytes.count)].map { $0! },
                            "round \(round) at \(offset)")
                    offset += bytes.count
                case .gap(let n), .limit(let n):
                    offset += n
                }
            }
            #expect(offset == length, "round \(round)")
        }
    }
}

func pattern(_ offset: Int) -> UInt8 { UInt8(truncatingIfNeeded: offset &* 31 &+ offset >> 8) }

struct LCG {
    var state: UInt64
    init(seed: UInt64) { state = seed &* 6364136223846793005 &+ 1442695040888963407 }
    mutating func next() -> UInt64 {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return state >> 33
    }
}

/// issue 18: one-byte segments in descending order fill the segment cap. The cap skips a
/// stretch whose bytes then arrive, late, behind the delivery point: that stretch is
/// reported as `.limitReached`, never as a `.gap` (missing from the capture), and the
/// late bytes are counted as arriving after the limit.
@Suite struct ReassemblyLimitTests {
    @Test func descendingSegmentsReachTheLimitInWords() {
        let total = 40, cap = 8
        var steps: [Step] = [.syn(1000)]
        for k in stride(from: total - 1, through: 0, by: -1) {
            steps.append(.data(1001 + UInt32(k), String(UnicodeScalar(UInt8(65 + k % 26)))))
        }
        let (outs, counters) = runSteps(steps, maxSegments: cap)
        #expect(!outs.contains { if case .gap = $0 { true } else { false } }, "\(outs)")
        let skipped = outs.reduce(0) { if case .limit(let n) = $1 { $0 + n } else { $0 } }
        #expect(skipped == total - cap - 1, "\(outs)")
        #expect(counters.bytesSkippedAtLimit == skipped)
        #expect(counters.bytesAfterLimit == skipped, "every skipped byte arrived later")
        #expect(counters.deliveredBytes + skipped == total)
    }

    func runSteps(_ steps: [Step], maxSegments: Int) -> ([Out], ReassemblyCounters) {
        let collector = Collector()
        var r = StreamReassembler(budget: ReassemblyBudget(), maxBufferedSegments: maxSegments, sink: collector.take)
        for step in steps { apply(step, to: &r) }
        r.finish()
        return (collector.outs, r.counters)
    }
}
