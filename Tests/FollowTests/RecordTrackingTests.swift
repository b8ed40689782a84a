import Testing
import Dissect
@testable import Follow

/// TLS records and SSH packets that span segments: the frame that completes one shows it,
/// and what a tracker holds is charged to the follower's reassembly budget.
@Suite struct RecordTrackingTests {
    static let client: UInt32 = 0x0a00_0004, server: UInt32 = 0x0a00_000f

    /// Sends `chunks` from the client to port `port` after a handshake; the analyses in order.
    static func run(_ follower: Follower, port: UInt16, chunks: [[UInt8]]) -> [FrameAnalysis] {
        var out: [FrameAnalysis] = []
        var number = 1
        func send(_ flags: UInt8, seq: UInt32, ack: UInt32, payload: [UInt8] = [], fromClient: Bool = true) {
            let a = withTCPSegment(src: fromClient ? client : server, dst: fromClient ? server : client,
                                   sport: fromClient ? 50000 : port, dport: fromClient ? port : 50000,
                                   seq: seq, ack: ack, flags: flags, payload: payload, time: 1, number: number) {
                follower.process($0)
            }
            number += 1
            out.append(a)
        }
        send(0x02, seq: 100, ack: 0)
        send(0x12, seq: 500, ack: 101, fromClient: false)
        send(0x10, seq: 101, ack: 501)
        var seq: UInt32 = 101
        for chunk in chunks {
            send(0x18, seq: seq, ack: 501, payload: chunk)
            seq &+= UInt32(chunk.count)
        }
        return Array(out.dropFirst(3))
    }

    static func record(_ type: UInt8, length: Int) -> [UInt8] {
        [type, 3, 3, UInt8(length >> 8), UInt8(length & 0xff)] + Array(repeating: 0x42, count: length)
    }

    @Test func recordSpanningThreeSegmentsShowsOnTheLast() throws {
        let r = Self.record(23, length: 3000)
        let chunks = [Array(r[0..<1000]), Array(r[1000..<2000]), Array(r[2000...])]
        let a = Self.run(Follower(), port: 443, chunks: chunks)
        #expect(a[0].application == .layers(.tls, nil))
        #expect(a[0].records?.startsPDU == true)
        #expect(a[0].records?.pdus.isEmpty == true)
        #expect(a[1].application == .transportOnly)
        let last = try #require(a[2].records)
        #expect(last.pdus.count == 1)
        guard case .reassembled(let bytes, let frames)? = last.pdus.first else { Issue.record("not reassembled"); return }
        #expect(bytes.count == 3005)
        #expect(frames.map(\.frame) == [4, 5, 6])
        #expect(frames.map(\.bytes) == [1000, 1000, 1005])
        #expect(last.segmentData == [54..<(54 + 1005)])
    }

    @Test func recordsInOneSegmentStayInTheFrame() throws {
        let payload = Self.record(20, length: 1) + Self.record(23, length: 40) + Self.record(23, length: 10)
        let a = Self.run(Follower(), port: 443, chunks: [payload])
        let records = try #require(a[0].records)
        #expect(records.pdus.count == 3)
        if case .frame(let r)? = records.pdus.last { #expect(r == (54 + 6 + 45)..<(54 + payload.count)) } else {
            Issue.record("not in frame")
        }
        #expect(!records.startsPDU)
    }

    @Test func heuristicFindsTLSOnAnyPort() {
        let a = Self.run(Follower(), port: 8443, chunks: [Self.record(22, length: 4)])
        #expect(a[0].application == .layers(.tls, nil))
        let b = Self.run(Follower(), port: 8444, chunks: [Array("hello".utf8)])
        #expect(b[0].records == nil)
    }

    @Test func sshPacketsAfterTheBanner() throws {
        let banner = Array("SSH-2.0-test\r\n".utf8)
        // packet_length 12, padding 10, NEWKEYS, padding.
        let newKeys: [UInt8] = [0, 0, 0, 12, 10, 21] + Array(repeating: 0, count: 10)
        let a = Self.run(Follower(), port: 22, chunks: [banner, Array(newKeys[0..<7]), Array(newKeys[7...]), [1, 2, 3, 4, 5]])
        #expect(a[0].records?.pdus.count == 1)
        #expect(a[1].records?.startsPDU == true)
        #expect(a[2].records?.pdus.count == 1)
        #expect(a[2].records?.before.sshVersion == 2)
        // After NEWKEYS the data is encrypted: one blob per segment.
        let last = try #require(a[3].records)
        #expect(last.before.clientNewKeys)
        #expect(last.encryptedTail?.count == 5)
    }

    /// An SSH packet header that announces 200 kB, with a budget of 64 kB: the tracker is
    /// refused, gives its bytes back, and the rest of the conversation is decoded frame by frame.
    @Test func pduInProgressIsChargedToTheBudget() {
        var options = FollowerOptions()
        options.reassemblyBudget = 64 << 10
        let follower = Follower(options: options)
        let banner = Array("SSH-2.0-test\r\n".utf8)
        let header: [UInt8] = [0, 3, 0, 0, 4, 20]
        var chunks = [banner, header + Array(repeating: 0, count: 1400)]
        for _ in 0..<100 { chunks.append(Array(repeating: 0, count: 1400)) }
        let a = Self.run(follower, port: 22, chunks: chunks)
        #expect(follower.reassemblyCapHits >= 1)
        #expect(a.last?.records == nil)
        #expect(a.last?.application == .asDecoded)
    }
}
