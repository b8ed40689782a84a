import Testing
import Dissect
import Follow

/// A response to HEAD has no body whatever its Content-Length says (RFC 9110 §9.3.2): the
/// follower must end it at its head, or the next response on the connection is lost in
/// a body that never comes. Checked with and without kept transactions (the `http` view
/// keeps them; `read` only tracks which waiting requests were HEAD).
struct HTTPHeadResponseTests {
    /// HEAD /a, then GET /b, pipelined; the responses follow. Returns the frames whose
    /// follower analysis carried a completed HTTP message, with its first line.
    static func completedMessages(keepTransactions: Bool) -> [(frame: Int, line: String)] {
        var options = FollowerOptions()
        options.keepHTTPTransactions = keepTransactions
        let follower = Follower(options: options)
        let client: UInt32 = 0x0A00_0001, server: UInt32 = 0x0A00_0002
        let requests = Array("HEAD /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n".utf8)
        let responses = Array(("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n"
            + "HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok").utf8)
        var seen: [(Int, String)] = []
        func feed(_ number: Int, fromClient: Bool, seq: UInt32, ack: UInt32, flags: UInt8, _ payload: [UInt8] = []) {
            let analysis = withTCPSegment(src: fromClient ? client : server, dst: fromClient ? server : client,
                                          sport: fromClient ? 40000 : 80, dport: fromClient ? 80 : 40000,
                                          seq: seq, ack: ack, flags: flags, payload: payload, time: 1, number: number) {
                follower.process($0)
            }
            if let message = analysis.http { seen.append((number, String(decoding: message.firstLine, as: UTF8.self))) }
        }
        feed(1, fromClient: true, seq: 100, ack: 0, flags: 0x02)
        feed(2, fromClient: false, seq: 500, ack: 101, flags: 0x12)
        feed(3, fromClient: true, seq: 101, ack: 501, flags: 0x10)
        feed(4, fromClient: true, seq: 101, ack: 501, flags: 0x18, requests)
        feed(5, fromClient: false, seq: 501, ack: 101 + UInt32(requests.count), flags: 0x18, responses)
        follower.finish()
        return seen
    }

    @Test(arguments: [false, true])
    func theResponseAfterAHEADResponseIsFound(keepTransactions: Bool) {
        let messages = Self.completedMessages(keepTransactions: keepTransactions)
        // Frame 4 completes both requests, frame 5 both responses; the last one completed in
        // a frame is the one the frame reports.
        #expect(messages.map(\.frame) == [4, 5])
        #expect(messages.last?.line == "HTTP/1.1 201 Created")
    }
}
