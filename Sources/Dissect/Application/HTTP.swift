/// The start of an HTTP/1.x message: request or status line and the header block, as
/// ranges into the frame's bytes.
public struct HTTPHead: Sendable {
    public enum Kind: Sendable, Equatable { case request, response }
    public var offset: Int
    public var kind: Kind
    /// The first line without its CRLF.
    public var firstLine: Range<Int>
    /// Request: the method; response: the version.
    public var part1: Range<Int>
    /// Request: the URI; response: the status code.
    public var part2: Range<Int>
    /// Request: the version; response: the reason phrase.
    public var part3: Range<Int>
    /// The response status code, or nil for a request.
    public var statusCode: Int?
    /// The header lines after the first line, up to (not including) the blank line;
    /// ends at the captured end if the head is cut short.
    public var headerBlock: Range<Int>
    /// Where the body starts, when the blank line was seen.
    public var bodyStart: Int?
    /// The `Content-Length` value, when present and a valid decimal number.
    public var contentLength: Int?
    /// True when `Transfer-Encoding` names `chunked`.
    public var isChunked: Bool
    /// A NOTIFY request (GENA, SSDP's announcements): Wireshark's "notification", which
    /// is neither counted among the conversation's requests nor answered.
    public var isNotification: Bool

    /// Recognises a request or status line at `offset`.
    ///
    /// Returns `Decoded(nil)` without an issue when the bytes are not HTTP/1.x. When they
    /// start like HTTP (a method and a space, or `HTTP/1.`) but the first line has no line
    /// end before `end`, returns a truncation issue asking for at least one more byte.
    /// A head whose blank line is missing is returned without an issue, with `headerBlock`
    /// running to `end` and `bodyStart` nil: the rest normally follows in the next segment.
    public static func decode(_ bytes: ByteView, at offset: Int, end: Int) -> Decoded<HTTPHead> {
        let end = Swift.min(end, bytes.count)
        guard offset >= 0, offset < end else { return Decoded(nil) }
        let available = end - offset

        let kind: Kind
        let firstToken: Int // length of the method, or of "HTTP/1.x"
        if let n = methodLength(bytes, at: offset, end: end) {
            kind = .request
            firstToken = n
        } else if matches(bytes, "HTTP/1.", at: offset, end: end) {
            guard end - offset >= 9 else { return .failed(.truncated(.http, needed: available + 1, available: available)) }
            guard isDigit(bytes[offset + 7]), bytes[offset + 8] == space else { return Decoded(nil) }
            kind = .response
            firstToken = 8
        } else {
            return Decoded(nil)
        }

        guard let lf = bytes.firstIndex(of: lineFeed, in: offset..<end) else {
            return .failed(.truncated(.http, needed: available + 1, available: available))
        }
        let lineEnd = lf > offset && bytes[lf - 1] == carriageReturn ? lf - 1 : lf
        let part1 = offset..<(offset + firstToken)
        let rest = (offset + firstToken + 1)..<Swift.max(lineEnd, offset + firstToken + 1)
        let part2: Range<Int>, part3: Range<Int>
        var statusCode: Int?
        switch kind {
        case .request:
            // METHOD SP URI SP HTTP/1.x
            guard !rest.isEmpty, let sp = bytes.firstIndex(of: space, in: rest) else { return Decoded(nil) }
            part2 = rest.lowerBound..<sp
            part3 = (sp + 1)..<rest.upperBound
            guard !part2.isEmpty, matches(bytes, "HTTP/1.", at: part3.lowerBound, end: part3.upperBound) else {
                return Decoded(nil)
            }
        case .response:
            // HTTP/1.x SP NNN [SP reason]
            guard rest.count >= 3 else { return Decoded(nil) }
            var code = 0
            for i in rest.lowerBound..<(rest.lowerBound + 3) {
                guard isDigit(bytes[i]) else { return Decoded(nil) }
                code = code * 10 + Int(bytes[i] - UInt8(ascii: "0"))
            }
            let afterCode = rest.lowerBound + 3
            if afterCode < rest.upperBound {
                guard bytes[afterCode] == space else { return Decoded(nil) }
                part3 = (afterCode + 1)..<rest.upperBound
            } else {
                part3 = rest.upperBound..<rest.upperBound
            }
            part2 = rest.lowerBound..<afterCode
            statusCode = code
        }

        var head = HTTPHead(offset: offset, kind: kind, firstLine: offset..<lineEnd,
                            part1: part1, part2: part2, part3: part3, statusCode: statusCode,
                            headerBlock: (lf + 1)..<end, bodyStart: nil,
                            contentLength: nil, isChunked: false,
                            isNotification: kind == .request && matches(bytes, "NOTIFY ", at: offset, end: end))
        // Find the blank line that ends the head.
        var lineStart = lf + 1
        while lineStart < end, let next = bytes.firstIndex(of: lineFeed, in: lineStart..<end) {
            let content = next > lineStart && bytes[next - 1] == carriageReturn ? next - 1 : next
            if content == lineStart {
                head.headerBlock = (lf + 1)..<lineStart
                head.bodyStart = next + 1
                break
            }
            lineStart = next + 1
        }

        var headers = HTTPHeaderIterator(bytes, head.headerBlock)
        while let header = headers.next() {
            if equalsIgnoringCase(bytes, header.name, "Content-Length") {
                head.contentLength = parseDecimal(bytes, header.value)
            } else if equalsIgnoringCase(bytes, header.name, "Transfer-Encoding") {
                head.isChunked = containsIgnoringCase(bytes, header.value, "chunked")
            }
        }
        return Decoded(head)
    }

    /// Wireshark's HTTP heuristic for TCP (`dissect_http_heur_tcp`): the data's first line,
    /// ended by CR or LF within `payload`, starts with "HTTP/1." or ends with an 8-byte
    /// "HTTP/1.x" token (case-insensitive), and is not exactly 8 bytes long. Returns
    /// whether the line is a request (it ends with the token), or nil when it is not HTTP.
    public static func heuristicFirstLine(_ bytes: ByteView, _ payload: Range<Int>) -> Bool? {
        let payload = payload.clamped(to: 0..<bytes.count)
        guard !payload.isEmpty else { return nil }
        var lineEnd: Int?
        for i in payload where bytes[i] == lineFeed || bytes[i] == carriageReturn {
            lineEnd = i
            break
        }
        guard let end = lineEnd else { return nil }
        let length = end - payload.lowerBound
        guard length != 8 else { return nil }
        func token(at start: Int) -> Bool {
            guard start >= payload.lowerBound, start + 7 <= end else { return false }
            return equalsIgnoringCase(bytes, start..<start + 7, "HTTP/1.")
        }
        if token(at: end - 8) { return true }
        if token(at: payload.lowerBound) { return false }
        return nil
    }

    /// The value of the first header called `name` (compared without regard to case),
    /// trimmed of surrounding whitespace.
    public func value(of name: StaticString, in bytes: ByteView) -> Range<Int>? {
        var headers = HTTPHeaderIterator(bytes, headerBlock)
        while let header = headers.next() {
            if HTTPHead.equalsIgnoringCase(bytes, header.name, name) { return header.value }
        }
        return nil
    }

    /// The header lines, read from `bytes` (the frame this head was decoded from).
    public func headers(_ bytes: ByteView) -> HTTPHeaderIterator {
        HTTPHeaderIterator(bytes, headerBlock)
    }

    // MARK: - Byte helpers

    static let space = UInt8(ascii: " ")
    static let tab = UInt8(ascii: "\t")
    static let lineFeed = UInt8(ascii: "\n")
    static let carriageReturn = UInt8(ascii: "\r")

    static func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }

    /// True when `literal` is at `offset` and ends by `end`.
    static func matches(_ bytes: ByteView, _ literal: StaticString, at offset: Int, end: Int) -> Bool {
        offset >= 0 && literal.utf8CodeUnitCount <= end - offset && bytes.hasBytes(literal, at: offset)
    }

    /// The length of a known method followed by a space at `offset`.
    static func methodLength(_ bytes: ByteView, at offset: Int, end: Int) -> Int? {
        func method(_ m: StaticString) -> Int? {
            let n = m.utf8CodeUnitCount
            return matches(bytes, m, at: offset, end: end) && n < end - offset && bytes[offset + n] == space ? n : nil
        }
        // The methods of RFC 9110, WebDAV and GENA/SSDP (UPnP) that Wireshark's HTTP
        // dissector recognises.
        switch bytes[offset] {
        case UInt8(ascii: "G"): return method("GET")
        case UInt8(ascii: "H"): return method("HEAD")
        case UInt8(ascii: "P"): return method("POST") ?? method("PUT") ?? method("PATCH") ?? method("PROPFIND") ?? method("PROPPATCH")
        case UInt8(ascii: "D"): return method("DELETE")
        case UInt8(ascii: "O"): return method("OPTIONS")
        case UInt8(ascii: "T"): return method("TRACE")
        case UInt8(ascii: "C"): return method("CONNECT") ?? method("COPY") ?? method("CHECKOUT")
        case UInt8(ascii: "L"): return method("LOCK")
        case UInt8(ascii: "M"): return method("M-SEARCH") ?? method("MKCOL") ?? method("MOVE") ?? method("MERGE")
        case UInt8(ascii: "N"): return method("NOTIFY")
        case UInt8(ascii: "R"): return method("REPORT")
        case UInt8(ascii: "S"): return method("SUBSCRIBE") ?? method("SEARCH")
        case UInt8(ascii: "U"): return method("UNSUBSCRIBE") ?? method("UNLOCK")
        default: return nil
        }
    }

    static func lowercased(_ c: UInt8) -> UInt8 {
        c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z") ? c | 0x20 : c
    }

    public static func equalsIgnoringCase(_ bytes: ByteView, _ range: Range<Int>, _ literal: StaticString) -> Bool {
        let n = literal.utf8CodeUnitCount
        guard range.count == n else { return false }
        let p = literal.utf8Start
        for i in 0..<n where lowercased(bytes[range.lowerBound + i]) != lowercased(p[i]) { return false }
        return true
    }

    static func containsIgnoringCase(_ bytes: ByteView, _ range: Range<Int>, _ literal: StaticString) -> Bool {
        let n = literal.utf8CodeUnitCount
        guard range.count >= n else { return false }
        for start in range.lowerBound...(range.upperBound - n)
        where equalsIgnoringCase(bytes, start..<(start + n), literal) {
            return true
        }
        return false
    }

    /// A non-negative decimal number filling `range`, or nil (empty, other bytes, overflow).
    static func parseDecimal(_ bytes: ByteView, _ range: Range<Int>) -> Int? {
        guard !range.isEmpty else { return nil }
        var value = 0
        for i in range {
            let c = bytes[i]
            guard isDigit(c) else { return nil }
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(Int(c - UInt8(ascii: "0")))
            guard !o1, !o2 else { return nil }
            value = sum
        }
        return value
    }
}

/// Walks the header lines of a head without allocating, yielding each field's name and
/// its value trimmed of optional whitespace. Lines without a colon, continuation lines and
/// a last line cut short (no line feed) are skipped.
public struct HTTPHeaderIterator: Sequence, IteratorProtocol, Sendable {
    private let bytes: ByteView
    private var position: Int
    private let end: Int

    public init(_ bytes: ByteView, _ headerBlock: Range<Int>) {
        self.bytes = bytes
        position = Swift.max(headerBlock.lowerBound, 0)
        end = Swift.min(headerBlock.upperBound, bytes.count)
    }

    public mutating func next() -> (name: Range<Int>, value: Range<Int>)? {
        while position < end {
            guard let lf = bytes.firstIndex(of: HTTPHead.lineFeed, in: position..<end) else {
                position = end
                return nil
            }
            let lineStart = position
            position = lf + 1
            var lineEnd = lf > lineStart && bytes[lf - 1] == HTTPHead.carriageReturn ? lf - 1 : lf
            let first = bytes[lineStart]
            guard first != HTTPHead.space, first != HTTPHead.tab,
                  let colon = bytes.firstIndex(of: UInt8(ascii: ":"), in: lineStart..<lineEnd) else { continue }
            var nameEnd = colon
            while nameEnd > lineStart, isWhitespace(bytes[nameEnd - 1]) { nameEnd -= 1 }
            var valueStart = colon + 1
            while valueStart < lineEnd, isWhitespace(bytes[valueStart]) { valueStart += 1 }
            while lineEnd > valueStart, isWhitespace(bytes[lineEnd - 1]) { lineEnd -= 1 }
            return (lineStart..<nameEnd, valueStart..<lineEnd)
        }
        return nil
    }

    private func isWhitespace(_ c: UInt8) -> Bool { c == HTTPHead.space || c == HTTPHead.tab }
}
