import Testing
@testable import Dissect

@Suite struct HTTPTests {
    typealias V = TransportVectors

    static func headers(_ head: HTTPHead, _ b: ByteView) -> [String] {
        var it = head.headers(b)
        var out: [String] = []
        while let h = it.next() { out.append("\(V.string(b, h.name))=\(V.string(b, h.value))") }
        return out
    }

    static func firstIndex(of pattern: String, in bytes: [UInt8], from: Int = 0) -> Int? {
        let p = Array(pattern.utf8)
        guard bytes.count >= p.count else { return nil }
        return (from...(bytes.count - p.count)).first { Array(bytes[$0..<($0 + p.count)]) == p }
    }

    // tshark -r dpkt__http.pcap -Y frame.number==4 -T fields -e http.request.method -e http.request.uri
    //   -e http.request.version -e http.host -e http.user_agent -e http.request.line
    @Test func request() {
        V.with(V.httpRequest) { b in
            let d = HTTPHead.decode(b, at: 54, end: b.count)
            #expect(d.issue == nil)
            let h = try! #require(d.layer)
            #expect(h.offset == 54)
            #expect(h.kind == .request)
            #expect(V.string(b, h.firstLine) == "GET /download.html HTTP/1.1")
            #expect(V.string(b, h.part1) == "GET")
            #expect(V.string(b, h.part2) == "/download.html")
            #expect(V.string(b, h.part3) == "HTTP/1.1")
            #expect(h.statusCode == nil)
            #expect(h.bodyStart == 533)
            #expect(h.headerBlock.lowerBound == 54 + 29)
            #expect(h.headerBlock.upperBound == 531)
            #expect(h.contentLength == nil)
            #expect(!h.isChunked)
            #expect(Self.headers(h, b) == [
                "Host=www.ethereal.com",
                "User-Agent=Mozilla/5.0 (Windows; U; Windows NT 5.1; en-US; rv:1.6) Gecko/20040113",
                "Accept=text/xml,application/xml,application/xhtml+xml,text/html;q=0.9,text/plain;q=0.8,image/png,image/jpeg,image/gif;q=0.2,*/*;q=0.1",
                "Accept-Language=en-us,en;q=0.5",
                "Accept-Encoding=gzip,deflate",
                "Accept-Charset=ISO-8859-1,utf-8;q=0.7,*;q=0.7",
                "Keep-Alive=300",
                "Connection=keep-alive",
                "Referer=http://www.ethereal.com/development.html",
            ])
            #expect(h.value(of: "host", in: b).map { V.string(b, $0) } == "www.ethereal.com")
            #expect(h.value(of: "USER-AGENT", in: b).map { V.string(b, $0) }?.hasSuffix("Gecko/20040113") == true)
            #expect(h.value(of: "Cookie", in: b) == nil)
            #expect(h.value(of: "Hos", in: b) == nil)
        }
    }

    // tshark -r dpkt__http.pcap -o tcp.desegment_tcp_streams:FALSE -Y frame.number==6
    @Test func response() {
        V.with(V.httpResponse) { b in
            let d = HTTPHead.decode(b, at: 54, end: b.count)
            #expect(d.issue == nil)
            let h = try! #require(d.layer)
            #expect(h.kind == .response)
            #expect(V.string(b, h.firstLine) == "HTTP/1.1 200 OK")
            #expect(V.string(b, h.part1) == "HTTP/1.1")
            #expect(V.string(b, h.part2) == "200")
            #expect(V.string(b, h.part3) == "OK")
            #expect(h.statusCode == 200)
            #expect(h.contentLength == 18070)
            #expect(!h.isChunked)
            let blank = Self.firstIndex(of: "\r\n\r\n", in: V.httpResponse)!
            #expect(h.headerBlock == (54 + 17)..<(blank + 2))
            #expect(h.bodyStart == blank + 4)
            #expect(V.string(b, h.bodyStart!..<(h.bodyStart! + 5)) == "<?xml")
            #expect(Self.headers(h, b) == [
                "Date=Thu, 13 May 2004 10:17:12 GMT",
                "Server=Apache",
                "Last-Modified=Tue, 20 Apr 2004 13:17:00 GMT",
                "ETag=\"9a01a-4696-7e354b00\"",
                "Accept-Ranges=bytes",
                "Content-Length=18070",
                "Keep-Alive=timeout=15, max=100",
                "Connection=Keep-Alive",
                "Content-Type=text/html; charset=ISO-8859-1",
            ])
            #expect(h.value(of: "content-type", in: b).map { V.string(b, $0) } == "text/html; charset=ISO-8859-1")
        }
    }

    static func decode(_ text: String) -> (Decoded<HTTPHead>, [UInt8]) {
        let bytes = [0xff, 0xfe] + V.bytes(text)
        return (V.with(bytes) { HTTPHead.decode($0, at: 2, end: $0.count) }, bytes)
    }

    @Test(arguments: ["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "TRACE", "CONNECT", "PATCH"])
    func everyMethod(method: String) {
        let (d, bytes) = Self.decode("\(method) /x?y=1 HTTP/1.0\r\nHost: a\r\n\r\n")
        V.with(bytes) { b in
            let h = try! #require(d.layer)
            #expect(V.string(b, h.part1) == method)
            #expect(V.string(b, h.part2) == "/x?y=1")
            #expect(V.string(b, h.part3) == "HTTP/1.0")
            #expect(h.bodyStart == bytes.count)
        }
    }

    @Test func chunkedResponseWithOWSAndNoReason() {
        let text = "HTTP/1.1 204\r\nTransfer-Encoding:\t gzip, Chunked \t\r\nX-Empty:\r\ncontent-length: 12\r\n\r\nbody"
        let (d, bytes) = Self.decode(text)
        V.with(bytes) { b in
            let h = try! #require(d.layer)
            #expect(h.statusCode == 204)
            #expect(h.part3.isEmpty)
            #expect(h.isChunked)
            #expect(h.contentLength == 12)
            #expect(Self.headers(h, b) == ["Transfer-Encoding=gzip, Chunked", "X-Empty=", "content-length=12"])
            #expect(V.string(b, h.bodyStart!..<b.count) == "body")
        }
    }

    @Test func bareLineFeeds() {
        let (d, bytes) = Self.decode("HTTP/1.0 404 Not Found\nServer: x\n\nnope")
        V.with(bytes) { b in
            let h = try! #require(d.layer)
            #expect(V.string(b, h.part3) == "Not Found")
            #expect(Self.headers(h, b) == ["Server=x"])
            #expect(V.string(b, h.bodyStart!..<b.count) == "nope")
        }
    }

    @Test func badContentLength() {
        for value in ["-1", "12a", "", "99999999999999999999999"] {
            let (d, _) = Self.decode("HTTP/1.1 200 OK\r\nContent-Length: \(value)\r\n\r\n")
            #expect(d.layer?.contentLength == nil)
        }
    }

    @Test func headCutShort() {
        // Cut in the middle of the User-Agent line.
        let cut = 54 + 29 + 24 + 30
        V.with(Array(V.httpRequest[..<cut])) { b in
            let d = HTTPHead.decode(b, at: 54, end: b.count)
            #expect(d.issue == nil)
            let h = try! #require(d.layer)
            #expect(V.string(b, h.firstLine) == "GET /download.html HTTP/1.1")
            #expect(h.headerBlock == (54 + 29)..<cut)
            #expect(h.bodyStart == nil)
            #expect(Self.headers(h, b) == ["Host=www.ethereal.com"])  // the partial line is left out
        }
    }

    @Test func firstLineCutShort() {
        V.with(Array(V.httpRequest[..<70])) { b in
            let d = HTTPHead.decode(b, at: 54, end: b.count)
            #expect(d.layer == nil)
            #expect(d.issue == .truncated(.http, needed: 17, available: 16))
        }
    }

    @Test(arguments: [
        "SSH-2.0-OpenSSH_8.9\r\n",
        "GETX / HTTP/1.1\r\n\r\n",
        "get / HTTP/1.1\r\n\r\n",
        "GET / HTTP/2.0\r\n\r\n",
        "GET /\r\n\r\n",
        "GET  HTTP/1.1\r\n\r\n",
        "HTTP/2 200\r\n\r\n",
        "HTTP/1.1 20\r\n\r\n",
        "HTTP/1.1 2000\r\n\r\n",
        "HTTP/1.1 abc OK\r\n\r\n",
        "HTTP/1.x 200 OK\r\n\r\n",
        "\u{16}\u{03}\u{01}\u{02}\u{00}\u{01}",
        "",
    ])
    func notHTTP(text: String) {
        let (d, _) = Self.decode(text)
        #expect(d.layer == nil)
        #expect(d.issue == nil)
    }

    @Test(arguments: [
        (TransportVectors.httpRequest, 54),
        (TransportVectors.httpResponse, 54),
    ])
    func truncatedAtEveryByte(frame: [UInt8], offset: Int) {
        let lineEnd = Self.firstIndex(of: "\r\n", in: frame, from: offset)! + 2
        let headEnd = Self.firstIndex(of: "\r\n\r\n", in: frame, from: offset)! + 4
        let recognisedAt = offset + (frame[offset] == UInt8(ascii: "G") ? 4 : 7)
        V.with(frame) { b in
            for cut in 0...frame.count {
                let d = HTTPHead.decode(b, at: offset, end: cut)
                let available = max(cut - offset, 0)
                if cut < recognisedAt {
                    #expect(d.layer == nil && d.issue == nil)
                } else if cut < lineEnd {
                    #expect(d.layer == nil)
                    // Recognisably HTTP but the first line has no end yet: asks for one more byte.
                    #expect(d.issue == .truncated(.http, needed: available + 1, available: available))
                } else {
                    #expect(d.issue == nil)
                    let h = try! #require(d.layer)
                    #expect(h.firstLine.upperBound == lineEnd - 2)
                    if cut < headEnd {
                        #expect(h.bodyStart == nil)
                        #expect(h.headerBlock == lineEnd..<cut)
                    } else {
                        #expect(h.bodyStart == headEnd)
                        #expect(h.headerBlock == lineEnd..<(headEnd - 2))
                    }
                    var it = h.headers(b)
                    while it.next() != nil {}
                }
            }
        }
    }

    @Test func garbageNeverTraps() {
        var rng = SystemRandomNumberGenerator()
        let alphabet = Array("GET HTTP/1.1 200 :\r\n\t abc".utf8)
        for _ in 0..<3000 {
            let n = Int.random(in: 0..<60, using: &rng)
            var bytes = (0..<n).map { _ in alphabet.randomElement(using: &rng)! }
            if Bool.random(using: &rng) { bytes = Array("GET / HTTP/1.1\r\n".utf8) + bytes }
            V.with(bytes) { b in
                if let h = HTTPHead.decode(b, at: 0, end: b.count).layer {
                    var it = h.headers(b)
                    while it.next() != nil {}
                    _ = h.value(of: "content-length", in: b)
                }
            }
        }
    }
}
