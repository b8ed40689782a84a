import Testing
import Dissect
@testable import Follow

/// The unacked list against a literal transcription of Wireshark's walk (newest to
/// oldest, at the end of `tcp_analyze_sequence_number`), on random sends and ACKs: the
/// sorted list must acknowledge the same frame every time.
@Suite struct UnackedSegmentsTests {
    /// Wireshark's list and loop, as written in packet-tcp.c.
    struct WiresharkList {
        var segments: [TCPUnackedSegment] = []

        mutating func append(_ segment: TCPUnackedSegment) {
            if segments.count < TCPUnackedSegments.capacity { segments.append(segment) }
        }

        mutating func acknowledge(_ ack: UInt32) -> TCPUnackedSegment? {
            var acked: TCPUnackedSegment?
            var i = segments.count - 1
            while i >= 0 {
                let seg = segments[i]
                if ack == seg.nextSeq {
                    acked = seg
                } else if SeqNum.gt(ack, seg.seq) && SeqNum.le(ack, seg.nextSeq) {
                    segments[i].seq = ack
                    i -= 1
                    continue
                } else if SeqNum.gt(seg.nextSeq, ack) {
                    i -= 1
                    continue
                }
                segments.remove(at: i)
                i -= 1
            }
            return acked
        }
    }

    /// A small deterministic generator, so a failure names its seed.
    struct Rng {
        var state: UInt64
        mutating func next(_ bound: UInt32) -> UInt32 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return UInt32(truncatingIfNeeded: state >> 33) % bound
        }
    }

    @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8] as [UInt64])
    func sameAcknowledgmentsAsWireshark(seed: UInt64) {
        var rng = Rng(state: seed)
        var sorted = TCPUnackedSegments()
        var reference = WiresharkList()
        // Start near the wrap so that modular comparisons matter.
        let start: UInt32 = seed.isMultiple(of: 2) ? 0xFFFF_F000 : 1000
        var sent: UInt32 = 0
        var history: [(seq: UInt32, len: UInt32)] = []
        var checked = 0
        for step in 0..<20_000 {
            if rng.next(3) > 0 {
                // In order mostly; sometimes a retransmission or an out-of-order segment.
                var seq = start &+ sent
                var len = 1 + rng.next(1460)
                switch rng.next(10) {
                case 0: seq = start &+ (sent > 0 ? rng.next(sent) : 0)
                case 1: seq = start &+ sent &+ rng.next(4000)
                case 2 where !history.isEmpty:
                    // A retransmission of an earlier segment: same start, same end.
                    (seq, len) = history[Int(rng.next(UInt32(history.count)))]
                default: break
                }
                history.append((seq, len))
                if history.count > 64 { history.removeFirst() }
                let segment = TCPUnackedSegment(frame: step, seq: seq, nextSeq: seq &+ len, time: .zero)
                sorted.append(segment)
                reference.append(segment)
                if seq &+ len &- start > sent && seq &+ len &- start < 1 << 30 { sent = seq &+ len &- start }
            } else {
                // An ACK at a segment's end, inside one, behind, or far ahead.
                let ack: UInt32
                switch rng.next(4) {
                case 0: ack = reference.segments.isEmpty ? start : reference.segments[Int(rng.next(UInt32(reference.segments.count)))].nextSeq
                case 1: ack = start &+ (sent > 0 ? rng.next(sent) : 0)
                case 2: ack = start &+ sent
                default: ack = start &+ sent &+ rng.next(100_000)
                }
                let expected = reference.acknowledge(ack)?.frame
                #expect(sorted.acknowledge(ack)?.frame == expected, "seed \(seed), step \(step), ack \(ack)")
                #expect(sorted.count == reference.segments.count, "seed \(seed), step \(step)")
                checked += 1
            }
        }
        #expect(checked > 5000)
    }

    /// A full list takes nothing new until an ACK makes room, as Wireshark's does.
    @Test func fullListTakesNoMore() {
        var list = TCPUnackedSegments()
        for i in 0..<TCPUnackedSegments.capacity + 5 {
            list.append(TCPUnackedSegment(frame: i, seq: UInt32(i * 10), nextSeq: UInt32(i * 10 + 10), time: .zero))
        }
        #expect(list.count == TCPUnackedSegments.capacity)
        #expect(list.acknowledge(UInt32(TCPUnackedSegments.capacity * 10 + 50)) == nil)
        #expect(list.count == 0)
        #expect(list.acknowledge(10) == nil)
    }
}

/// Many connections that send and are never acknowledged: the follower lists at most
/// `unackedLimit` segments in all, and gives the room back when a conversation ends.
@Suite struct UnackedBudgetTests {
    @Test func unackedSegmentsStayWithinTheFollowersLimit() {
        var options = FollowerOptions()
        options.unackedLimit = 1000
        let follower = Follower(options: options)
        var number = 0
        func send(_ port: UInt16, seq: UInt32, ack: UInt32 = 0, flags: UInt8, payload: Int = 0, fromClient: Bool = true) -> FrameAnalysis {
            number += 1
            return withTCPSegment(src: fromClient ? 0x0A00_0001 : 0x0A00_0002, dst: fromClient ? 0x0A00_0002 : 0x0A00_0001,
                                  sport: fromClient ? port : 80, dport: fromClient ? 80 : port, seq: seq, ack: ack, flags: flags,
                                  payload: [UInt8](repeating: 0x61, count: payload), time: 1_000, number: number) { follower.process($0) }
        }
        // 20 connections of 100 segments each: 2000 wanted, 1000 allowed.
        for c in 0..<20 {
            let port = UInt16(40_000 + c)
            _ = send(port, seq: 100, flags: 0x02)
            _ = send(port, seq: 500, ack: 101, flags: 0x12, fromClient: false)
            for k in 0..<100 { _ = send(port, seq: 101 + UInt32(k) * 10, ack: 501, flags: 0x18, payload: 10) }
        }
        #expect(follower.unackedEntries == 1000)
        // The first connection's segments are listed: its server's ACK names the frame.
        let acked = send(40_000, seq: 501, ack: 111, flags: 0x10, fromClient: false)
        #expect(acked.tcp.ackedFrame == 3)
        #expect(follower.unackedEntries == 999)
        // A connection that started after the total was reached listed nothing.
        let late = send(40_019, seq: 501, ack: 111, flags: 0x10, fromClient: false)
        #expect(late.tcp.ackedFrame == nil)
        // Ending every conversation gives all the room back.
        follower.finish()
        #expect(follower.unackedEntries == 0)
    }
}
