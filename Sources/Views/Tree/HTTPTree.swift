import Dissect
import Follow

/// HTTP/1.x (RFC 9112): the first line with its parts, each header line with the
/// headers Wireshark names as fields, what the conversation says about the message
/// (its number, the request a response answers), the chunks and the body.
enum HTTPTree {
    static let notification = HeaderField("http.notification", "Notification", .boolean)
    static let request = HeaderField("http.request", "Request", .boolean)
    static let response = HeaderField("http.response", "Response", .boolean)
    static let method = HeaderField("http.request.method", "Request Method", .string)
    static let uri = HeaderField("http.request.uri", "Request URI", .string)
    static let uriPath = HeaderField("http.request.uri.path", "Request URI Path", .string)
    static let uriQuery = HeaderField("http.request.uri.query", "Request URI Query", .string)
    static let uriQueryParameter = HeaderField("http.request.uri.query.parameter", "Request URI Query Parameter", .string)
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
    static let authorization = HeaderField("http.authorization", "Authorization", .string)
    static let proxyAuthenticate = HeaderField("http.proxy_authenticate", "Proxy-Authenticate", .string)
    static let proxyAuthorization = HeaderField("http.proxy_authorization", "Proxy-Authorization", .string)
    static let wwwAuthenticate = HeaderField("http.www_authenticate", "WWW-Authenticate", .string)
    static let contentEncoding = HeaderField("http.content_encoding", "Content-Encoding", .string)
    static let upgrade = HeaderField("http.upgrade", "Upgrade", .string)
    static let acceptLanguage = HeaderField("http.accept_language", "Accept-Language", .string)
    static let acceptEncoding = HeaderField("http.accept_encoding", "Accept Encoding", .string)
    static let cacheControl = HeaderField("http.cache_control", "Cache-Control", .string)
    static let lastModified = HeaderField("http.last_modified", "Last-Modified", .string)
    static let xForwardedFor = HeaderField("http.x_forwarded_for", "X-Forwarded-For", .string)
    static let webSocketAccept = HeaderField("http.sec_websocket_accept", "Sec-WebSocket-Accept", .string)
    static let webSocketExtensions = HeaderField("http.sec_websocket_extensions", "Sec-WebSocket-Extensions", .string)
    static let webSocketKey = HeaderField("http.sec_websocket_key", "Sec-WebSocket-Key", .string)
    static let webSocketProtocol = HeaderField("http.sec_websocket_protocol", "Sec-WebSocket-Protocol", .string)
    static let webSocketVersion = HeaderField("http.sec_websocket_version", "Sec-WebSocket-Version", .string)
    static let unknownHeader = HeaderField("http.unknown_header", "Unknown header", .string)
    static let requestLine = HeaderField("http.request.line", "Request line", .string)
    static let responseLine = HeaderField("http.response.line", "Response line", .string)
    static let fullURI = HeaderField("http.request.full_uri", "Full request URI", .string)
    static let requestNumber = HeaderField("http.request_number", "Request number", .uint32)
    static let responseNumber = HeaderField("http.response_number", "Response number", .uint32)
    static let prevRequestIn = HeaderField("http.prev_request_in", "Prev request in frame", .frameNumber)
    static let prevResponseIn = HeaderField("http.prev_response_in", "Prev response in frame", .frameNumber)
    static let requestIn = HeaderField("http.request_in", "Request in frame", .frameNumber)
    static let time = HeaderField("http.time", "Time since request", .relativeTime)
    static let responseForURI = HeaderField("http.response_for.uri", "Request URI", .string)
    static let fileData = HeaderField("http.file_data", "File Data", .string)
    static let chunkedResponse = HeaderField("http.chunked_response", "HTTP chunked response", .none)
    static let chunkSize = HeaderField("http.chunk_size", "Chunk size", .uint32)
    static let chunkData = HeaderField("http.chunk_data", "Chunk data", .bytes)
    static let chunkBoundary = HeaderField("http.chunk_boundary", "Chunk boundary", .bytes)
    static let chat = HeaderField("http.chat", "Chat", .none)

    static let declaration = ProtocolDeclaration("http", "Hypertext Transfer Protocol", fields: [
        notification, request, response, method, uri, uriPath, uriQuery, uriQueryParameter, requestVersion, responseVersion, code, codeDesc, phrase, host, userAgent,
        accept, server, date, contentType, contentLengthHeader, contentLength, connection, transferEncoding, location,
        cookie, setCookie, referer, authorization, proxyAuthenticate, proxyAuthorization, wwwAuthenticate,
        contentEncoding, upgrade, acceptLanguage, acceptEncoding, cacheControl, lastModified, xForwardedFor,
        webSocketAccept, webSocketExtensions, webSocketKey, webSocketProtocol, webSocketVersion, unknownHeader, requestLine, responseLine, fullURI, requestNumber, responseNumber,
        prevRequestIn, prevResponseIn, requestIn, time, responseForURI, fileData, chunkedResponse, chunkSize,
        chunkData, chunkBoundary, chat,
    ])

    /// Headers that have fields of their own, by lower-case name.
    static let namedHeaders: [String: HeaderField] = [
        "host": host, "user-agent": userAgent, "accept": accept, "server": server, "date": date,
        "content-type": contentType, "content-length": contentLengthHeader, "connection": connection,
        "transfer-encoding": transferEncoding, "location": location, "cookie": cookie, "set-cookie": setCookie,
        "referer": referer, "authorization": authorization, "proxy-authenticate": proxyAuthenticate,
        "proxy-authorization": proxyAuthorization, "www-authenticate": wwwAuthenticate,
        "content-encoding": contentEncoding, "upgrade": upgrade, "accept-language": acceptLanguage,
        "accept-encoding": acceptEncoding, "cache-control": cacheControl, "last-modified": lastModified,
        "x-forwarded-for": xForwardedFor, "sec-websocket-accept": webSocketAccept,
        "sec-websocket-extensions": webSocketExtensions, "sec-websocket-key": webSocketKey,
        "sec-websocket-protocol": webSocketProtocol, "sec-websocket-version": webSocketVersion,
    ]

    /// SSDP (UPnP discovery) is HTTP over UDP: tshark shows it with HTTP's fields under a
    /// node of its own.
    static let ssdpDeclaration = ProtocolDeclaration("ssdp", "Simple Service Discovery Protocol", fields: [])

    static let statusText: [Int: String] = [
        100: "Continue", 101: "Switching Protocols", 200: "OK", 201: "Created", 202: "Accepted", 204: "No Content",
        206: "Partial Content", 301: "Moved Permanently", 302: "Found", 303: "See Other", 304: "Not Modified",
        307: "Temporary Redirect", 308: "Permanent Redirect", 400: "Bad Request", 401: "Unauthorized",
        403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed", 408: "Request Time-out", 413: "Request Entity Too Large",
        429: "Too Many Requests", 500: "Internal Server Error", 501: "Not Implemented", 502: "Bad Gateway",
        503: "Service Unavailable", 504: "Gateway Time-out",
    ]

    /// The request URI; one with a query opens its path, its query and each `&`-separated
    /// parameter, as tshark 4.0 does.
    static func requestURI(_ r: Range<Int>, _ bytes: ByteView, _ tree: inout TreeBuilder) {
        guard let q = bytes.firstIndex(of: UInt8(ascii: "?"), in: r) else {
            return tree.add(uri, r, .string(string(bytes, r)))
        }
        tree.open(uri, r, .string(string(bytes, r)))
        tree.add(uriPath, r.lowerBound..<q, .string(string(bytes, r.lowerBound..<q)))
        let query = q + 1..<r.upperBound
        tree.open(uriQuery, query, .string(string(bytes, query)))
        var start = query.lowerBound
        while start <= query.upperBound {
            let end = bytes.firstIndex(of: UInt8(ascii: "&"), in: start..<query.upperBound) ?? query.upperBound
            tree.add(uriQueryParameter, start..<end, .string(string(bytes, start..<end)))
            start = end + 1
        }
        tree.close()
        tree.close()
    }

    /// One message whose bytes are all in `tree.bytes` (the frame, or the reassembled
    /// PDU), with what the follower knows about it when it completed here.
    /// Returns the body, de-chunked, for the protocol that follows HTTP (Line-based
    /// text data, Media Type): the caller adds it beside the HTTP node.
    @discardableResult
    static func dissect(_ head: HTTPHead, message: HTTPMessage?, payloadEnd: Int? = nil, _ tree: inout TreeBuilder,
                        as node: ProtocolDeclaration = declaration) -> HTTPBody? {
        let bytes = tree.bytes
        // The transport payload can end before the frame does (NFLOG pads its TLVs).
        let limit = min(bytes.count, payloadEnd ?? bytes.count)
        let messageEnd = min(limit, end(of: head, limit: limit))
        tree.open(node, head.offset..<max(messageEnd, min(bytes.count, head.firstLine.upperBound)), label: node.node.label)
        let first = string(bytes, head.firstLine)
        let isRequest = head.kind == .request
        // Wireshark's notification (NOTIFY) lists its headers without the request lines.
        let listsLines = !head.isNotification
        let lineRange = head.firstLine.lowerBound..<min(bytes.count, head.firstLine.upperBound + 2)
        tree.openText(first + "\\r\\n", range: lineRange)
        tree.expert("http.chat", .chat, .sequence, first + "\\r\\n")
        if isRequest {
            tree.add(method, head.part1, .string(string(bytes, head.part1)))
            requestURI(head.part2, bytes, &tree)
            tree.add(requestVersion, head.part3, .string(string(bytes, head.part3)))
        } else {
            tree.add(responseVersion, head.part1, .string(string(bytes, head.part1)))
            if let status = head.statusCode {
                tree.add(code, head.part2, .uint(UInt64(status)))
                tree.add(codeDesc, nil, .string(statusText[status] ?? string(bytes, head.part3)), generated: true)
            }
            tree.add(phrase, head.part3, .string(string(bytes, head.part3)))
        }
        tree.close()
        var hostValue: String?
        var headers = head.headers(bytes)
        while let (name, trimmed) = headers.next() {
            // Wireshark keeps trailing blanks in the value: take it up to the line's end.
            let lineEnd = bytes.firstIndex(of: 10, in: trimmed.upperBound..<bytes.count) ?? trimmed.upperBound
            let valueEnd = lineEnd > trimmed.upperBound && bytes[lineEnd - 1] == 13 ? lineEnd - 1 : lineEnd
            let value = trimmed.lowerBound..<max(trimmed.upperBound, valueEnd)
            let line = name.lowerBound..<min(bytes.count, lineEnd + 1)
            let nameText = string(bytes, name), valueText = string(bytes, value)
            // The line as sent (tshark's label and line value), not rebuilt from its parts.
            let label = string(bytes, name.lowerBound..<valueEnd) + "\\r\\n"
            let lineText = string(bytes, line)
            let lower = nameText.lowercased()
            if lower == "host" { hostValue = valueText }
            let lineField = isRequest ? requestLine : responseLine
            // packet-http.c: a known header is its field, then the line as a hidden
            // request/response line; an unknown one is the line itself, or, in a
            // notification, an "Unknown header" (with the escaped CRLF in its value).
            guard let field = namedHeaders[lower] else {
                if listsLines {
                    tree.add(lineField, line, .string(lineText), label: label)
                } else {
                    tree.add(unknownHeader, line, .string(label), label: label)
                }
                continue
            }
            if lower == "content-length", let length = UInt64(valueText) {
                tree.open(field, line, .string(valueText), label: label)
                tree.add(contentLength, value, .uint(length), generated: true)
                tree.close()
            } else {
                tree.add(field, line, .string(valueText), label: label)
            }
            if listsLines { tree.add(lineField, line, .string(lineText), hidden: true) }
        }
        if let body = head.bodyStart { tree.text("\\r\\n", range: body - 2..<body) }
        if isRequest, let hostValue {
            tree.add(fullURI, nil, .string(fullRequestURI(host: hostValue, target: string(bytes, head.part2))), generated: true)
        }
        tree.add(head.isNotification ? notification : isRequest ? request : response, nil, .bool(true), hidden: true)
        if let message { conversationLines(message, isRequest: isRequest, &tree) }
        var result: HTTPBody?
        if let bodyStart = head.bodyStart, bodyStart < messageEnd {
            result = body(bodyStart..<messageEnd, chunked: head.isChunked, &tree)
            result?.contentType = contentTypeValue(head, bytes)
            // Without a Content-Type, packet-http.c hands the body to the data dissector,
            // under HTTP's own tree.
            if result?.contentType == nil {
                if let range = result?.range { DataTree.dissect(range, &tree) }
                result = nil
            }
        }
        tree.close()
        return result
    }

    /// The Content-Type value without parameters.
    static func contentTypeValue(_ head: HTTPHead, _ bytes: ByteView) -> String? {
        var headers = head.headers(bytes)
        while let (name, value) = headers.next() {
            guard string(bytes, name).lowercased() == "content-type" else { continue }
            return String(string(bytes, value).prefix { $0 != ";" }).trimmingCharacters(in: " ")
        }
        return nil
    }

    /// Where the message ends: its Content-Length, or `limit` (the end of the bytes it is in).
    static func end(of head: HTTPHead, limit: Int) -> Int {
        guard let body = head.bodyStart else { return head.headerBlock.upperBound }
        if let length = head.contentLength, !head.isChunked { return body + length }
        return limit
    }

    static func fullRequestURI(host: String, target: String) -> String {
        target.hasPrefix("http://") || target.hasPrefix("https://") ? target : "http://" + host + target
    }

    /// `[HTTP request 1/1]`, `[Request in frame: 6]` and the like, in Wireshark's order.
    private static func conversationLines(_ m: HTTPMessage, isRequest: Bool, _ tree: inout TreeBuilder) {
        guard m.number > 0 else { return }
        if isRequest {
            tree.add(requestNumber, nil, .uint(UInt64(m.number)), label: "HTTP request \(m.number)/\(m.number)", generated: true)
            if let prev = m.previousFrame { tree.add(prevRequestIn, nil, .uint(UInt64(prev)), generated: true) }
            return
        }
        tree.add(responseNumber, nil, .uint(UInt64(m.number)), label: "HTTP response \(m.number)/\(m.number)", generated: true)
        if let requestTime = m.requestTime {
            tree.add(time, nil, .relativeTime(m.completedAt.nanoseconds(since: requestTime)), generated: true)
        }
        if let prevRequest = m.previousRequestFrame { tree.add(prevRequestIn, nil, .uint(UInt64(prevRequest)), generated: true) }
        if let prev = m.previousFrame { tree.add(prevResponseIn, nil, .uint(UInt64(prev)), generated: true) }
        if let request = m.requestFrame { tree.add(requestIn, nil, .uint(UInt64(request)), generated: true) }
        if let uri = m.requestURI { tree.add(responseForURI, nil, .string(uri), generated: true) }
    }

    /// The body: chunks as sent, then the file data and the protocol for its type.
    private static func body(_ range: Range<Int>, chunked: Bool, _ tree: inout TreeBuilder) -> HTTPBody {
        let bytes = tree.bytes
        var data: [UInt8] = []
        if chunked {
            tree.open(chunkedResponse, range, .none, label: "HTTP chunked response")
            var at = range.lowerBound
            while at < range.upperBound {
                guard let lineEnd = bytes.firstIndex(of: 10, in: at..<range.upperBound),
                      let size = HTTPChunk.size(bytes, at..<lineEnd) else { break }
                let dataStart = lineEnd + 1
                if size == 0 {
                    tree.openText("End of chunked encoding", range: at..<dataStart)
                    tree.add(chunkSize, at..<lineEnd + 1, .uint(0), display: "0 octets")
                    tree.close()
                    if dataStart + 2 <= range.upperBound { tree.text("\\r\\n", range: dataStart..<dataStart + 2) }
                    break
                }
                let dataEnd = min(dataStart + size, range.upperBound)
                tree.openText("Data chunk (\(size) octets)", range: at..<min(dataEnd + 2, range.upperBound))
                tree.add(chunkSize, at..<lineEnd + 1, .uint(UInt64(size)), display: "\(size) octets")
                tree.add(chunkData, dataStart..<dataEnd, .bytes(dataStart..<dataEnd))
                bytes.slice(dataStart..<dataEnd).withUnsafeBytes { data.append(contentsOf: $0) }
                if dataEnd + 2 <= range.upperBound { tree.add(chunkBoundary, dataEnd..<dataEnd + 2, .bytes(dataEnd..<dataEnd + 2)) }
                tree.close()
                at = dataEnd + 2
            }
            tree.close()
        } else {
            bytes.slice(range).withUnsafeBytes { data.append(contentsOf: $0) }
        }
        tree.add(fileData, chunked ? nil : range, .string(String(decoding: data, as: UTF8.self)), label: "File Data: \(data.count) bytes")
        return HTTPBody(data: data, range: chunked ? nil : range, contentType: nil)
    }

    /// A segment tshark shows by itself as `Continuation` (a direction the snaplen cut):
    /// its captured bytes as the file data.
    static func continuation(_ range: Range<Int>, _ tree: inout TreeBuilder) {
        guard !range.isEmpty else { return }
        var data: [UInt8] = []
        tree.bytes.slice(range).withUnsafeBytes { data.append(contentsOf: $0) }
        tree.open(declaration, range, label: "Hypertext Transfer Protocol")
        tree.add(fileData, range, .string(String(decoding: data, as: UTF8.self)), label: "File Data: \(data.count) bytes")
        DataTree.dissect(range, &tree)
        tree.close()
    }

    /// A message completed from earlier segments whose bytes were not kept: what the
    /// follower knows of it, without byte ranges.
    static func dissectWithoutBytes(_ message: HTTPMessage, _ tree: inout TreeBuilder) {
        tree.open(declaration, nil, label: "Hypertext Transfer Protocol")
        let first = String(decoding: message.firstLine, as: UTF8.self)
        tree.openText(first + "\\r\\n")
        if let m = message.method { tree.add(method, nil, .string(m)) }
        if let u = message.uri { tree.add(uri, nil, .string(u)) }
        if let status = message.statusCode { tree.add(code, nil, .uint(UInt64(status))) }
        tree.close()
        if let host = message.host { tree.add(self.host, nil, .string(host), label: "Host: \(host)\\r\\n") }
        if let type = message.contentType { tree.add(contentType, nil, .string(type), label: "Content-Type: \(type)\\r\\n") }
        tree.add(message.isResponse ? response : request, nil, .bool(true), hidden: true)
        conversationLines(message, isRequest: !message.isResponse, &tree)
        tree.close()
    }

    static func string(_ bytes: ByteView, _ range: Range<Int>) -> String {
        let r = range.clamped(to: 0..<bytes.count)
        return String(decoding: bytes.slice(r), as: UTF8.self)
    }
}

/// A chunk-size line (RFC 9112 section 7.1): hex digits, then extensions or CRLF.
enum HTTPChunk {
    static func size(_ bytes: ByteView, _ line: Range<Int>) -> Int? {
        var size = 0, digits = 0
        for i in line {
            let b = bytes[i]
            let v: Int
            switch b {
            case 48...57: v = Int(b) - 48
            case 65...70: v = Int(b) - 55
            case 97...102: v = Int(b) - 87
            default:
                guard digits > 0 else { return nil }
                return size
            }
            guard digits < 15 else { return nil }
            size = size * 16 + v
            digits += 1
        }
        return digits > 0 ? size : nil
    }
}

/// A message body as the protocol after HTTP sees it.
struct HTTPBody {
    var data: [UInt8]
    /// Where it is in the data source, when it is there as one run (not chunked).
    var range: Range<Int>?
    var contentType: String?
}

extension String {
    /// Without leading and trailing copies of `character` (no Foundation).
    func trimmingCharacters(in character: Character) -> String {
        String(drop { $0 == character }.reversed().drop { $0 == character }.reversed())
    }
}
