import Foundation
import Testing
import Dissect
import Follow
import Views

@Suite struct HTTPTransactionTests {
    static func transactions(_ file: String, bodies: Bool = false) -> [HTTPTransaction] {
        var options = FollowerOptions()
        options.keepHTTPTransactions = true
        options.httpBodyLimit = bodies ? 1 << 20 : 0
        let follower = Follower(options: options)
        var result: [HTTPTransaction] = []
        follower.httpTransaction = { result.append($0) }
        _ = renderFile(Paths.fixtures.appendingPathComponent(file).path, follower: follower) { _, _ in }
        follower.finish()
        return result
    }

    @Test func keepAlivePairsChunkedAndLargeBodies() throws {
        let t = Self.transactions("http-keepalive.pcap", bodies: true)
        try #require(t.count == 2)
        #expect(t[0].request?.uri == "/chunked")
        #expect(t[0].response?.isChunked == true)
        #expect(t[0].response?.statusCode == 200)
        #expect(t[0].response.map { String(decoding: $0.body ?? [], as: UTF8.self) }?.hasPrefix("first chunk") == true)
        #expect(t[1].request?.uri == "/big")
        #expect(t[1].response?.contentLength == 204_800)
        #expect(t[1].response?.bodyLength == 204_800)
        #expect(t[1].response?.lastFrame == 207)
    }

    @Test func singleGet() throws {
        let t = Self.transactions("http-get.pcap")
        try #require(t.count == 1)
        #expect(t[0].request?.method == "GET")
        #expect(t[0].request?.host == "10.77.0.15")
        #expect(t[0].response?.contentType == "text/html")
        #expect(t[0].response?.bodyLength == 172)
    }

    /// python's http.server on port 8000: no port says HTTP, tshark's heuristic (a first
    /// line ending in "HTTP/1.1") does, and so does tcpwatch's.
    @Test func heuristicFindsHTTPOnPort8000() throws {
        let t = Self.transactions("http-8000.pcap", bodies: true)
        try #require(t.count == 2)
        #expect(t.map { $0.request?.uri } == ["/", "/hallo.txt"])
        #expect(t.map { $0.response?.statusCode } == [200, 200])
        #expect(t[1].response?.contentType == "text/plain")
        #expect(t[1].response.map { String(decoding: $0.body ?? [], as: UTF8.self) } == "Hallo van de webserver\n")
    }

    /// Packet text is escaped before its column is cut, so the cut's "…" stays one character.
    @Test func httpTableEscapesBeforeCutting() {
        let request = HTTPMessage(isResponse: false, firstLine: [], method: "GET",
                                  uri: "/\u{1b}[31m/a-long-path-that-does-not-fit", host: "example",
                                  isChunked: false, firstFrame: 1, lastFrame: 1)
        let out = OutputBuffer(fileDescriptor: nil)
        HTTPView(width: 80).write(HTTPTransaction(stream: 0, request: request, response: nil), to: out)
        #expect(out.text.contains("example/\\x1b[31m/a-"))
        #expect(out.text.contains("\u{2026} -    -"))
        #expect(!out.text.contains("\u{1b}"))
        #expect(!out.text.contains("\\xe2"))
    }

    @Test(arguments: [
        ("/../../etc/passwd", "passwd"), ("/a/b/..", "index"), ("/", "index"), ("/x?y=../../z", "x"),
        ("/%2e%2e%2fshadow", "_2e_2e_2fshadow"), ("/.hidden", "hidden"), ("/\u{1b}]0;x\u{07}", "__0_x_"),
    ])
    func exportNamesStayInsideTheDirectory(uri: String, expected: String) {
        let request = HTTPMessage(isResponse: false, firstLine: [], method: "GET", uri: uri, isChunked: false,
                                  firstFrame: 1, lastFrame: 1)
        let name = HTTPView.exportName(for: HTTPTransaction(stream: 3, request: request, response: nil), index: 7)
        #expect(name == "3-7-\(expected)")
        #expect(!name.contains("/"))
        #expect(!name.hasPrefix("."))
    }
}
