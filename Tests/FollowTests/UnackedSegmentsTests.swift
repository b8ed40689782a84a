import Testing
import Dissect
@testable import Follow

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
