import Dissect
@testable import Follow
import Testing

// Table-driven checks of the rules and their precedence. Every row is also a scenario in
// TSharkVectors.swift, where tshark 4.0.17 gave these same answers.

/// One segment of a row and what the analysis must say about it.
struct Step: Sendable {
    var segment: Segment
    var flags: TCPAnalysisFlags
    var dupAck: (number: Int, of: Int)?
    var acks: Int?
}

/// Client-to-server segment; `t` in microseconds.
func c(_ f: String, _ seq: UInt32, _ ack: UInt32, win: UInt16 = 8192, len: Int = 0, t: Int64, ws: UInt8? = nil,
       _ flags: TCPAnalysisFlags = [], dup: (Int, Int)? = nil, acks: Int? = nil) -> Step {
    Step(segment: Segment(true, f, seq, ack, win, len, timeMicros: t, windowScale: ws), flags: flags,
         dupAck: dup.map { (number: $0.0, of: $0.1) }, acks: acks)
}

/// Server-to-client segment; `t` in microseconds.
func s(_ f: String, _ seq: UInt32, _ ack: UInt32, win: UInt16 = 8192, len: Int = 0, t: Int64, ws: UInt8? = nil,
       _ flags: TCPAnalysisFlags = [], dup: (Int, Int)? = nil, acks: Int? = nil) -> Step {
    Step(segment: Segment(false, f, seq, ack, win, len, timeMicros: t, windowScale: ws), flags: flags,
         dupAck: dup.map { (number: $0.0, of: $0.1) }, acks: acks)
}

/// SYN at 1 ms, SYN-ACK and ACK `rtt` apart; client ISN 1000, server ISN 5000.
func handshake(rtt: Int64 = 1000, ws: UInt8? = nil, clientWindow: UInt16 = 8192) -> [Step] {
    [c("S", 1000, 0, win: 65535, t: 1000, ws: ws),
     s("SA", 5000, 1001, win: 65535, t: 1000 + rtt / 2, ws: ws, acks: 1),
     c("A", 1001, 5001, win: clientWindow, t: 1000 + rtt, acks: 2)]
}

struct Row: Sendable, CustomTestStringConvertible {
    var name: String
    var steps: [Step]
    var completeness: UInt8
    var testDescription: String { name }
}

let rows: [Row] = [
    Row(name: "handshake, data both ways, FIN both ways: complete with data (31)", steps: handshake() + [
        c("PA", 1001, 5001, len: 100, t: 3000),
        s("A", 5001, 1101, t: 4000, acks: 4),
        s("PA", 5001, 1101, len: 50, t: 5000),
        c("A", 1101, 5051, t: 6000, acks: 6),
        c("FA", 1101, 5051, t: 7000),
        s("FA", 5051, 1102, t: 8000, acks: 8),
        c("A", 1102, 5052, t: 9000, acks: 9),
    ], completeness: 31),
    Row(name: "handshake and FINs, no data (23)", steps: handshake() + [
        c("FA", 1001, 5001, t: 3000),
        s("FA", 5001, 1002, t: 4000, acks: 4),
        c("A", 1002, 5002, t: 5000, acks: 5),
    ], completeness: 23),
    Row(name: "SYN answered by RST-ACK (1+4+32 = 37)", steps: [
        c("S", 1000, 0, win: 65535, t: 1000),
        s("RA", 0, 1001, win: 0, t: 2000, acks: 1),
    ], completeness: 37),
    Row(name: "SYN answered by a bare RST (33)", steps: [
        c("S", 1000, 0, win: 65535, t: 1000),
        s("R", 0, 0, win: 0, t: 2000),
    ], completeness: 33),
    Row(name: "no SYN seen: the first segment adds nothing (4+16 = 20)", steps: [
        c("PA", 1001, 5001, len: 100, t: 1000),
        s("A", 5001, 1101, t: 2000, acks: 1),
        c("FA", 1101, 5001, t: 3000),
    ], completeness: 20),
    Row(name: "TCP Fast Open: data on the SYN (1+8, then 15)", steps: [
        c("S", 1000, 0, win: 65535, len: 20, t: 1000),
        s("SA", 5000, 1021, win: 65535, t: 2000, acks: 1),
        c("A", 1021, 5001, t: 3000, acks: 2),
    ], completeness: 15),
    Row(name: "retransmission after a timeout", steps: handshake() + [
        c("PA", 1001, 5001, len: 100, t: 3000),
        c("PA", 1001, 5001, len: 100, t: 203_000, .retransmission),
    ], completeness: 15),
    Row(name: "retransmitted SYN, and the ACK names the original", steps: [
        c("S", 1000, 0, win: 65535, t: 1000),
        c("S", 1000, 0, win: 65535, t: 1_001_000, .retransmission),
        s("SA", 5000, 1001, win: 65535, t: 1_002_000, acks: 1),
        c("A", 1001, 5001, t: 1_003_000, acks: 3),
    ], completeness: 7),
    Row(name: "retransmitted SYN-ACK makes the repeated ACK a duplicate", steps: handshake() + [
        s("SA", 5000, 1001, win: 65535, t: 502_000, .retransmission),
        c("A", 1001, 5001, t: 503_000, .duplicateAck, dup: (1, 3), acks: 4),
    ], completeness: 7),
    Row(name: "new ISN on the same ports: reused ports, completeness starts again", steps: handshake() + [
        c("FA", 1001, 5001, t: 3000),
        s("FA", 5001, 1002, t: 4000, acks: 4),
        c("A", 1002, 5002, t: 5000, acks: 5),
        c("S", 9000, 0, win: 65535, t: 5_005_000, .reusedPorts),
        s("SA", 7000, 9001, win: 65535, t: 5_006_000, acks: 7),
        c("A", 9001, 7001, t: 5_007_000, acks: 8),
        c("PA", 9001, 7001, len: 10, t: 5_008_000),
    ], completeness: 15),
    Row(name: "SYN-ACK with another ISN", steps: [
        c("S", 1000, 0, win: 65535, t: 1000),
        s("SA", 5000, 1001, win: 65535, t: 2000, acks: 1),
        s("SA", 6000, 1001, win: 65535, t: 302_000, [.lostSegment, .reusedPorts]),
        c("A", 1001, 6001, t: 303_000, .ackLostSegment, acks: 3),
    ], completeness: 7),
    Row(name: "hole filled within 3 ms (no handshake RTT): out-of-order", steps: [
        c("PA", 1001, 5001, len: 100, t: 1000),
        c("PA", 1201, 5001, len: 100, t: 2000, .lostSegment),
        c("PA", 1101, 5001, len: 100, t: 2500, .outOfOrder),
    ], completeness: 8),
    Row(name: "hole filled after 10 ms (no handshake RTT): retransmission", steps: [
        c("PA", 1001, 5001, len: 100, t: 1000),
        c("PA", 1201, 5001, len: 100, t: 2000, .lostSegment),
        c("PA", 1101, 5001, len: 100, t: 12000, .retransmission),
    ], completeness: 8),
    Row(name: "the reorder window is the handshake RTT (50 ms): 20 ms late is out-of-order", steps: handshake(rtt: 50000) + [
        c("PA", 1001, 5001, len: 100, t: 52000),
        c("PA", 1201, 5001, len: 100, t: 53000, .lostSegment),
        c("PA", 1101, 5001, len: 100, t: 73000, .outOfOrder),
    ], completeness: 15),
    Row(name: "beyond the handshake RTT it is a retransmission", steps: handshake(rtt: 50000) + [
        c("PA", 1001, 5001, len: 100, t: 52000),
        c("PA", 1201, 5001, len: 100, t: 53000, .lostSegment),
        c("PA", 1101, 5001, len: 100, t: 113_000, .retransmission),
    ], completeness: 15),
    Row(name: "a copy ending at nextseq is never out-of-order", steps: handshake(rtt: 50000) + [
        c("PA", 1001, 5001, len: 100, t: 52000),
        c("PA", 1101, 5001, len: 100, t: 53000),
        c("PA", 1101, 5001, len: 100, t: 53500, .retransmission),
    ], completeness: 15),
    Row(name: "three duplicate ACKs, then fast retransmission within 20 ms", steps: handshake() + [
        c("PA", 1001, 5001, len: 100, t: 2100),
        c("PA", 1101, 5001, len: 100, t: 2200),
        c("PA", 1201, 5001, len: 100, t: 2300),
        c("PA", 1301, 5001, len: 100, t: 2400),
        s("A", 5001, 1101, t: 12400, acks: 4),
        s("A", 5001, 1101, t: 12500, .duplicateAck, dup: (1, 8)),
        s("A", 5001, 1101, t: 12600, .duplicateAck, dup: (2, 8)),
        s("A", 5001, 1101, t: 12700, .duplicateAck, dup: (3, 8)),
        c("PA", 1101, 5001, len: 100, t: 13700, .fastRetransmission),
        s("A", 5001, 1401, t: 23700, acks: 7),
    ], completeness: 15),
    Row(name: "one duplicate ACK is not enough for fast retransmission", steps: handshake() + [
        c("PA", 1001, 5001, len: 100, t: 2100),
        c("PA", 1101, 5001, len: 100, t: 2200),
        c("PA", 1201, 5001, len: 100, t: 2300),
        s("A", 5001, 1101, t: 12300, acks: 4),
        s("A", 5001, 1101, t: 12400, .duplicateAck, dup: (1, 7)),
        c("PA", 1101, 5001, len: 100, t: 13400, .retransmission),
    ], completeness: 15),
    Row(name: "30 ms after the last duplicate ACK it is a plain retransmission", steps: handshake() + [
        c("PA", 1001, 5001, len: 100, t: 2100),
        c("PA", 1101, 5001, len: 100, t: 2200),
        c("PA", 1201, 5001, len: 100, t: 2300),
        c("PA", 1301, 5001, len: 100, t: 2400),
        s("A", 5001, 1101, t: 12400, acks: 4),
        s("A", 5001, 1101, t: 12500, .duplicateAck, dup: (1, 8)),
        s("A", 5001, 1101, t: 12600, .duplicateAck, dup: (2, 8)),
        c("PA", 1101, 5001, len: 100, t: 42600, .retransmission),
    ], completeness: 15),
    Row(name: "data already acknowledged: spurious retransmission", steps: handshake() + [
        c("PA", 1001, 5001, len: 100, t: 3000),
        s("A", 5001, 1101, t: 4000, acks: 4),
        c("PA", 1001, 5001, len: 100, t: 304_000, .spuriousRetransmission),
    ], completeness: 15),
    Row(name: "a gap, then the ACK that covers it", steps: handshake() + [
        c("PA", 1001, 5001, len: 100, t: 3000),
        c("PA", 1201, 5001, len: 100, t: 4000, .lostSegment),
        s("A", 5001, 1301, t: 5000, .ackLostSegment, acks: 5),
        c("PA", 1301, 5001, len: 100, t: 6000),
        s("A", 5001, 1401, t: 7000, acks: 7),
    ], completeness: 15),
    Row(name: "ACKs of data never seen are reported once", steps: handshake() + [
        s("A", 5001, 3001, t: 3000, .ackLostSegment),
        s("A", 5001, 4001, t: 4000),
        c("PA", 1001, 5001, len: 100, t: 5000, .spuriousRetransmission),
    ], completeness: 15),
    Row(name: "keep-alives (0 and 1 byte) and their ACKs; a keep-alive is no retransmission", steps: handshake() + [
        c("PA", 1001, 5001, len: 100, t: 3000),
        s("A", 5001, 1101, t: 4000, acks: 4),
        c("A", 1100, 5001, t: 45_004_000, .keepAlive),
        s("A", 5001, 1101, t: 45_005_000, .keepAliveAck),
        c("A", 1100, 5001, len: 1, t: 90_005_000, .keepAlive),
        s("A", 5001, 1101, t: 90_006_000, .keepAliveAck, acks: 8),
    ], completeness: 15),
    Row(name: "zero window, probes and their ACKs, window update", steps: handshake() + [
        c("PA", 1001, 5001, len: 100, t: 3000),
        s("A", 5001, 1101, win: 0, t: 4000, .zeroWindow, acks: 4),
        c("A", 1101, 5001, len: 1, t: 204_000, .zeroWindowProbe),
        s("A", 5001, 1101, win: 0, t: 205_000, [.zeroWindow, .zeroWindowProbeAck]),
        c("A", 1101, 5001, len: 1, t: 605_000, .zeroWindowProbe),
        s("A", 5001, 1102, win: 0, t: 606_000, [.zeroWindow, .ackLostSegment], acks: 6),
        s("A", 5001, 1102, win: 4096, t: 706_000, .windowUpdate),
        // Probes do not move nextseq, so the byte the receiver took leaves a "gap".
        c("PA", 1102, 5001, len: 100, t: 707_000, .lostSegment),
    ], completeness: 15),
    Row(name: "window update, then the same ACK again is a duplicate", steps: handshake() + [
        c("PA", 1001, 5001, len: 100, t: 3000),
        s("A", 5001, 1101, win: 1000, t: 4000, acks: 4),
        s("A", 5001, 1101, win: 9000, t: 5000, .windowUpdate),
        s("A", 5001, 1101, win: 9000, t: 6000, .duplicateAck, dup: (1, 5)),
    ], completeness: 15),
    Row(name: "window full, no scaling", steps: handshake(clientWindow: 200) + [
        s("A", 5001, 1001, win: 300, t: 3000, .windowUpdate),
        c("PA", 1001, 5001, len: 100, t: 4000),
        c("PA", 1101, 5001, len: 200, t: 5000, .windowFull),
        s("A", 5001, 1301, win: 0, t: 6000, .zeroWindow, acks: 6),
    ], completeness: 15),
    Row(name: "window full with scaling (shift 2: 100 << 2 = 400 bytes)", steps: handshake(ws: 2, clientWindow: 50) + [
        c("PA", 1001, 5001, len: 100, t: 2100),
        s("A", 5001, 1001, win: 100, t: 3100, .windowUpdate),
        c("PA", 1101, 5001, len: 300, t: 3200, .windowFull),
    ], completeness: 15),
    Row(name: "the SYN-ACK's window is never scaled", steps: [
        c("S", 1000, 0, win: 65535, t: 1000, ws: 3),
        s("SA", 5000, 1001, win: 1000, t: 2000, ws: 3, acks: 1),
        c("PA", 1001, 5001, win: 512, len: 1000, t: 3000, .windowFull, acks: 2),
    ], completeness: 11),
    Row(name: "sequence numbers wrapping at 2^32", steps: [
        c("S", 0xFFFF_FF00, 0, win: 65535, t: 1000),
        s("SA", 0xFFFF_FFF0, 0xFFFF_FF01, win: 65535, t: 1500, acks: 1),
        c("A", 0xFFFF_FF01, 0xFFFF_FFF1, t: 2000, acks: 2),
        c("PA", 0xFFFF_FF01, 0xFFFF_FFF1, len: 200, t: 3000),
        c("PA", 0xFFFF_FFC9, 0xFFFF_FFF1, len: 200, t: 4000),  // crosses zero: ends at 145
        s("PA", 0xFFFF_FFF1, 145, len: 100, t: 5000, acks: 5),  // ends at 85
        c("A", 145, 85, t: 6000, acks: 6),
        c("PA", 0xFFFF_FFC9, 85, len: 200, t: 306_000, .spuriousRetransmission),
        c("PA", 345, 85, len: 100, t: 307_000, .lostSegment),
        c("PA", 145, 85, len: 100, t: 607_000, .retransmission),
    ], completeness: 15),
    Row(name: "an ACK after a retransmission names the original frame", steps: handshake() + [
        c("PA", 1001, 5001, len: 100, t: 3000),
        c("PA", 1001, 5001, len: 100, t: 303_000, .retransmission),
        s("A", 5001, 1101, t: 304_000, acks: 4),
    ], completeness: 15),
    Row(name: "a RST is never a lost segment", steps: handshake() + [
        c("PA", 1001, 5001, len: 100, t: 3000),
        c("RA", 5000, 5001, win: 0, t: 4000),
    ], completeness: 47),
]

@Suite struct TCPAnalysisTests {
    @Test(arguments: rows) func row(_ row: Row) {
        var analyzer = TCPSequenceAnalyzer()
        for (i, step) in row.steps.enumerated() {
            let a = step.segment.run(on: &analyzer, frame: i + 1)
            #expect(a.flags == step.flags, "frame \(i + 1): \(step.segment)")
            #expect(a.duplicateAckNumber == step.dupAck?.number, "frame \(i + 1)")
            #expect(a.duplicateAckOf == step.dupAck?.of, "frame \(i + 1)")
            #expect(a.ackedFrame == step.acks, "frame \(i + 1)")
        }
        #expect(analyzer.completeness == row.completeness)
    }

    @Test func sequenceComparisonsWrap() {
        #expect(SeqNum.lt(0xFFFF_FFF0, 0x10))
        #expect(SeqNum.gt(0x10, 0xFFFF_FFF0))
        #expect(SeqNum.le(5, 5) && !SeqNum.lt(5, 5) && !SeqNum.gt(5, 5))
        #expect(SeqNum.gt(0x8000_0000 &- 1, 0))
        // Exactly half way round, each number is "greater" than the other (as in Wireshark).
        #expect(SeqNum.gt(0x8000_0000, 0) && SeqNum.gt(0, 0x8000_0000))
    }

    @Test func fieldNamesAddRetransmissionForFastAndSpurious() {
        #expect(TCPAnalysisFlags.fastRetransmission.fieldNames
                == ["tcp.analysis.fast_retransmission", "tcp.analysis.retransmission"])
        #expect(TCPAnalysisFlags.spuriousRetransmission.showsRetransmissionField)
        #expect(TCPAnalysisFlags([.zeroWindow, .windowUpdate]).fieldNames
                == ["tcp.analysis.window_update", "tcp.analysis.zero_window"])
        #expect(TCPAnalysisFlags.retransmission.rawValue == 0x0001)
        #expect(TCPAnalysisFlags.spuriousRetransmission.rawValue == 0x4000)
    }

    @Test func completenessLabels() {
        #expect(TCPCompleteness.describe(31) == "Complete, WITH_DATA (31)")
        #expect(TCPCompleteness.describe(23) == "Complete, NO_DATA (23)")
        #expect(TCPCompleteness.describe(7) == "Incomplete, ESTABLISHED (7)")
        #expect(TCPCompleteness.describe(37) == "Incomplete (37)")
    }

    @Test func initialRTTAndWindowShift() {
        var analyzer = TCPSequenceAnalyzer()
        #expect(analyzer.initialRTT == nil)
        #expect(analyzer.windowShift(fromClient: true) == nil)
        for (i, step) in handshake(rtt: 40000, ws: 7).enumerated() {
            _ = step.segment.run(on: &analyzer, frame: i + 1)
        }
        #expect(analyzer.initialRTT == 40_000_000)
        #expect(analyzer.windowShift(fromClient: true) == 7)
        #expect(analyzer.windowShift(fromClient: false) == 7)

        // The SYN-ACK lacks the option: neither side scales.
        var plain = TCPSequenceAnalyzer()
        _ = c("S", 1000, 0, t: 1000, ws: 7).segment.run(on: &plain, frame: 1)
        _ = s("SA", 5000, 1001, t: 2000).segment.run(on: &plain, frame: 2)
        #expect(plain.windowShift(fromClient: true) == 0)
        #expect(plain.windowShift(fromClient: false) == 0)
    }

    @Test func ackRTTAndTheUnackedLimit() {
        var analyzer = TCPSequenceAnalyzer()
        var frame = 0
        func send(_ step: Step) -> TCPSegmentAnalysis {
            frame += 1
            return step.segment.run(on: &analyzer, frame: frame)
        }
        for step in handshake() { _ = send(step) }
        // 136 segments in flight: the list keeps the first 128 (Wireshark's own policy when
        // its list is full), so ACKs of segments 129... name no frame.
        let sent = 136
        for k in 0..<sent {
            _ = send(c("PA", 1001 + UInt32(k) * 10, 5001, len: 10, t: 10_000 + Int64(k) * 10))
        }
        let first = send(s("A", 5001, 1011, t: 20_000))
        #expect(first.ackedFrame == 4)
        #expect(first.ackRTT == 10_000_000)
        let last = send(s("A", 5001, 1001 + UInt32(sent) * 10, t: 21_000))
        #expect(last.ackedFrame == nil)
        #expect(last.flags.isEmpty)
    }

    @Test func analyzerStaysInline() {
        // The state is a plain value; no per-segment storage grows.
        #expect(MemoryLayout<TCPSequenceAnalyzer>.size < 4096)
    }
}
