import Dissect
import Follow

/// HTTP/1.x (RFC 9112): the first line with its parts, each header line with the
/// headers Wireshark names as fields, and the message the follower reassembled.
enum HTTPTree {
    static let request = HeaderField("http.request", "Request", .boolean)
    static let response = HeaderField("http.response", "Response", .boolean)
    static let method = HeaderField("http.request.method", "Request Method", .string)
    static let uri = HeaderField("http.request.uri", "Request URI", .string)
    static let requestVersion = HeaderField("http.request.version", "Request Version", .string)
    static let responseVersion = HeaderField("http.response.version", "Response Version", .string)
    static let code = HeaderField("http.response.code", "Status Code", .uint16)
    static let codeDesc = HeaderField("http.response.code.desc", "Status Code Description", .string)
    static let phrase = HeaderField("http.response.phrase", "Response Phrase", .string)
    static let host = HeaderField("http.host", "Host", .string)
    static let userAgent = HeaderField("http.user_agent", "User-Agent", .string)
    static let accept = HeaderField("http.accept", "Accept", .string)
    static let server = HeaderField("http.server", "Server", .string)
    static let date = HeaderField("http.date", "Date", .string)
    static let contentType = HeaderField("http.content_type", "Content-Type", .string)
    static let contentLengthHeader = HeaderField("http.content_length_header", "Content-Length", .string)
    static let contentLength = HeaderField("http.content_length", "Content length", .uint64)
    static let connection = HeaderField("http.connection", "Connection", .string)
    static let transferEncoding = HeaderField("http.transfer_encoding", "Transfer-Encoding", .string)
    static let location = HeaderField("http.location", "Location", .string)
    static let cookie = HeaderField("http.cookie", "Cookie", .string)
    static let setCookie = HeaderField("http.set_cookie", "Set-Cookie", .string)
    static let referer = HeaderField("http.referer", "Referer", .string)
    static let unknownHeader = HeaderField("http.unknown_header", "Unknown header", .string)
    static let lineField = HeaderField("http.request.line", "Request line", .string)
    static let responseLine = HeaderField("http.response.line", "Response line", .string)
    static let fullURI = HeaderField("http.request.full_uri", "Full request URI", .string)
    static let fileData = HeaderField("http.file_data", "File Data", .bytes)

    static let declaration = ProtocolDeclaration("http", "Hypertext Transfer Protocol", fields: [
        request, response, method, uri, requestVersion, responseVersion, code, codeDesc, phrase, host, userAgent,
        accept, server, date, contentType, contentLengthHeader, contentLength, connection, transferEncoding, location,
        cookie, setCookie, referer, unknownHeader, lineField, responseLine, fullURI, fileData,
    ])

    /// Headers that have fields of their own, by lower-case name.
    static let namedHeaders: [String: HeaderField] = [
        "host": host, "user-agent": userAgent, "accept": accept, "server": server, "date": date,
        "content-type": contentType, "content-length": contentLengthHeader, "connection": connection,
        "transfer-encoding": transferEncoding, "location": location, "cookie": cookie, "set-cookie": setCookie,
        "referer": referer,
    ]

    static func dissect(_ head: HTTPHead, _ input: FieldInput, _ tree: inout TreeBuilder) {
        let bytes = tree.bytes
        let end = min(bytes.count, head.bodyStart.map { $0 + (head.contentLength ?? 0) } ?? head.headerBlock.upperBound)
        tree.open(declaration, head.offset..<max(end, head.firstLine.upperBound), label: "Hypertext Transfer Protocol")
        let first = string(bytes, head.firstLine)
        let isRequest = head.kind == .request
        tree.add(isRequest ? request : response, nil, .bool(true), hidden: true)
        tree.openText(first + "\\r\\n", range: head.firstLine.lowerBound..<min(bytes.count, head.firstLine.upperBound + 2))
        if isRequest {
            tree.add(method, head.part1, .string(string(bytes, head.part1)))
            tree.add(uri, head.part2, .string(string(bytes, head.part2)))
            tree.add(requestVersion, head.part3, .string(string(bytes, head.part3)))
        } else {
            tree.add(responseVersion, head.part1, .string(string(bytes, head.part1)))
            if let status = head.statusCode {
                tree.add(code, head.part2, .uint(UInt64(status)))
                tree.add(codeDesc, nil, .string(string(bytes, head.part3)), generated: true)
            }
            tree.add(phrase, head.part3, .string(string(bytes, head.part3)))
        }
        tree.close()
        var hostValue: String?
        var headers = head.headers(bytes)
        while let (name, value) = headers.next() {
            let line = name.lowerBound..<min(bytes.count, value.upperBound + 2)
            let nameText = string(bytes, name), valueText = string(bytes, value)
            let label = "\(nameText): \(valueText)\\r\\n"
            let lower = nameText.lowercased()
            if lower == "host" { hostValue = valueText }
            let field = namedHeaders[lower] ?? unknownHeader
            if lower == "content-length", let length = UInt64(valueText) {
                tree.open(field, line, .string(valueText), label: label)
                tree.add(contentLength, value, .uint(length), generated: true)
                tree.close()
            } else {
                tree.add(field, line, .string(field == unknownHeader ? "\(nameText): \(valueText)\\r\\n" : valueText), label: label)
            }
            tree.add(isRequest ? lineField : responseLine, line, .string("\(nameText): \(valueText)\r\n"), hidden: true)
        }
        if let body = head.bodyStart {
            tree.text("\\r\\n", range: body - 2..<body)
        }
        if isRequest, let hostValue {
            tree.add(fullURI, nil, .string("http://\(hostValue)\(string(bytes, head.part2))"), generated: true)
        }
        if let body = head.bodyStart, body < end {
            tree.add(fileData, body..<end, .bytes(body..<end), label: "File Data: \(end - body) bytes")
        }
        tree.close()
    }

    /// A message the follower reassembled from earlier segments: its bytes are not all in
    /// this frame, so its lines have no byte ranges.
    static func dissect(_ message: HTTPMessage, _ tree: inout TreeBuilder) {
        tree.open(declaration, nil, label: "Hypertext Transfer Protocol")
        tree.add(message.isResponse ? response : request, nil, .bool(true), hidden: true)
        let first = String(decoding: message.firstLine, as: UTF8.self)
        tree.openText(first + "\\r\\n")
        if let m = message.method { tree.add(method, nil, .string(m)) }
        if let u = message.uri { tree.add(uri, nil, .string(u)) }
        if let status = message.statusCode { tree.add(code, nil, .uint(UInt64(status))) }
        tree.close()
        if let host = message.host { tree.add(self.host, nil, .string(host), label: "Host: \(host)\\r\\n") }
        if let type = message.contentType { tree.add(contentType, nil, .string(type), label: "Content-Type: \(type)\\r\\n") }
        if let length = message.contentLength {
            tree.add(contentLength, nil, .uint(UInt64(length)), label: "[Content length: \(length)]", generated: true)
        }
        tree.close()
    }

    static func string(_ bytes: ByteView, _ range: Range<Int>) -> String {
        let r = range.clamped(to: 0..<bytes.count)
        return String(decoding: bytes.slice(r), as: UTF8.self)
    }
}
