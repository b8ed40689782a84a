import Testing
import Dissect
import Follow

/// Conversations that go silent together are reported in the order they began, whatever
/// order the flow table's hash seed gives them: the output must not change from run to run.
struct IdleSweepOrderTests {
    @Test func silentConversationsEndInStreamOrder() {
        let follower = Follower()
        var ended: [Int] = []
        follower.conversationEnded = { ended.append($0.ordinal) }
        let client: UInt32 = 0x0A00_0001, server: UInt32 = 0x0A00_0002
        // 64 unanswered SYNs, then one frame ten minutes later, past the idle timeout.
        for i in 0..<64 {
            withTCPSegment(src: client, dst: server, sport: UInt16(40000 + i), dport: 80, seq: 1000,
                           flags: 0x02, time: 0, number: i + 1) { _ = follower.process($0) }
        }
        withTCPSegment(src: client, dst: server, sport: 50000, dport: 80, seq: 1000,
                       flags: 0x02, time: 600, number: 65) { _ = follower.process($0) }
        #expect(ended == Array(0..<64))
        follower.finish()
        #expect(ended == Array(0..<65))
    }
}

extension IdleSweepOrderTests {
    /// nmap's UDP scan: tshark gives the replies to the port 7 and port 9 probes one UDP
    /// stream number, so stream order alone leaves their order to the hash seed.
    @Test func conversationsSharingAStreamNumberEndInTheOrderTheyBegan() throws {
        let path = #filePath.split(separator: "/").dropLast(3).joined(separator: "/")
        let reader = try CaptureFileReader(path: "/" + path + "/Fixtures/pcaps/nmap-su.pcap")
        let follower = Follower()
        var ended: [Int] = []
        follower.conversationEnded = { ended.append($0.ordinal) }
        var number = 0
        while let raw = try reader.next() {
            number += 1
            _ = follower.process(FrameDecoder.decode(raw, number: number))
        }
        follower.finish()
        #expect(ended == Array(0..<ended.count))
        #expect(ended.count == 4)
    }
}
