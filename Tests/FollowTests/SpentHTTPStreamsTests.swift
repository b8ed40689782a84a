import Testing
import Dissect
@testable import Follow

/// A closed HTTP conversation whose streams can say nothing more (both FINs reached,
/// nothing buffered, no message open) gives them up, keeping only what the snaplen rule
/// needs. Every later segment must be shown as before: checked against a follower that
/// keeps HTTP transactions, which never gives its streams up.
struct SpentHTTPStreamsTests {
    struct Shown: Equatable {
        var application: ApplicationVerdict
        var message: String?
        var pduFirstLine: [UInt8]?
        var continuation: Bool
        var flags: TCPAnalysisFlags
    }

    /// One HTTP exchange closed by both sides, then stragglers: a retransmitted response
    /// segment, data past the server's FIN, a retransmitted FIN, and a response-like
    /// segment the snaplen cut.
    static func run(keepTransactions: Bool) -> (shown: [Shown], gaveUp: Bool) {
        var options = FollowerOptions()
        options.keepHTTPTransactions = keepTransactions
        let follower = Follower(options: options)
        let client: UInt32 = 0x0A00_0001, server: UInt32 = 0x0A00_0002
        let request = Array("GET /a HTTP/1.1\r\nHost: x\r\n\r\n".utf8)
        let response = Array("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok".utf8)
        let requestEnd = 101 + UInt32(request.count), responseEnd = 501 + UInt32(response.count)
        var shown: [Shown] = []
        func feed(_ number: Int, fromClient: Bool, seq: UInt32, ack: UInt32, flags: UInt8, _ payload: [UInt8] = [],
                  cutBytes: Int = 0) {
            let analysis = withTCPSegment(src: fromClient ? client : server, dst: fromClient ? server : client,
                                          sport: fromClient ? 40000 : 80, dport: fromClient ? 80 : 40000,
                                          seq: seq, ack: ack, flags: flags, payload: payload, time: 1, number: number,
                                          cutBytes: cutBytes) {
                follower.process($0)
            }
            shown.append(Shown(application: analysis.application,
                               message: analysis.http.map { String(decoding: $0.firstLine, as: UTF8.self) },
                               pduFirstLine: analysis.pduFirstLine, continuation: analysis.isHTTPContinuation,
                               flags: analysis.tcp.flags))
        }
        feed(1, fromClient: true, seq: 100, ack: 0, flags: 0x02)
        feed(2, fromClient: false, seq: 500, ack: 101, flags: 0x12)
        feed(3, fromClient: true, seq: 101, ack: 501, flags: 0x10)
        feed(4, fromClient: true, seq: 101, ack: 501, flags: 0x18, request)
        feed(5, fromClient: false, seq: 501, ack: requestEnd, flags: 0x18, response)
        feed(6, fromClient: true, seq: requestEnd, ack: responseEnd, flags: 0x11)
        feed(7, fromClient: false, seq: responseEnd, ack: requestEnd + 1, flags: 0x11)
        feed(8, fromClient: true, seq: requestEnd + 1, ack: responseEnd + 1, flags: 0x10)
        let gaveUp = follower.tcpConversation(stream: 0).map { $0.streams == nil && $0.httpGivenUp != nil } ?? false
        feed(9, fromClient: false, seq: 501, ack: requestEnd + 1, flags: 0x18, response)
        feed(10, fromClient: false, seq: responseEnd + 1, ack: requestEnd + 1, flags: 0x18, Array("late".utf8))
        feed(11, fromClient: false, seq: responseEnd, ack: requestEnd + 1, flags: 0x11)
        feed(12, fromClient: false, seq: responseEnd + 1, ack: requestEnd + 1, flags: 0x18,
             Array("HTTP/1.1 200 OK\r\n".utf8), cutBytes: 100)
        feed(13, fromClient: false, seq: responseEnd + 118, ack: requestEnd + 1, flags: 0x18,
             Array("more".utf8), cutBytes: 10)
        follower.finish()
        return (shown, gaveUp)
    }

    @Test func aSpentConversationGivesItsStreamsUp() {
        #expect(Self.run(keepTransactions: false).gaveUp)
        // Kept transactions keep the streams (the `http` view reads them at the end).
        #expect(!Self.run(keepTransactions: true).gaveUp)
    }

    @Test func laterSegmentsAreShownAsBefore() {
        let spent = Self.run(keepTransactions: false).shown
        let kept = Self.run(keepTransactions: true).shown
        #expect(spent.count == kept.count)
        for (i, (a, b)) in zip(spent, kept).enumerated() {
            #expect(a == b, "frame \(i + 1)")
        }
        // The exchange itself: frame 5 completes the response; the snaplen rule still runs
        // after the streams were given up (frame 13 is a cut segment of no message).
        #expect(spent[4].message == "HTTP/1.1 200 OK")
        #expect(spent[12].continuation)
    }
}
