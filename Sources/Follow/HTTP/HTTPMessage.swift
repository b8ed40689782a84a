import Dissect

/// One HTTP/1.x request or response as it crossed a reassembled TCP stream.
public struct HTTPMessage: Sendable {
    public var isResponse: Bool
    /// The request or status line, without CRLF, as sent (not escaped).
    public var firstLine: [UInt8]
    public var method: String?
    public var uri: String?
    public var statusCode: Int?
    public var host: String?
    /// The Content-Type value without parameters (`text/html`).
    public var contentType: String?
    public var contentLength: Int?
    public var isChunked: Bool
    /// Body bytes after de-chunking.
    public var bodyLength = 0
    /// The de-chunked body, when the follower was asked to keep bodies (capped).
    public var body: [UInt8]?
    public var bodyTruncated = false
    public var firstFrame: Int
    public var lastFrame: Int

    public init(isResponse: Bool, firstLine: [UInt8], method: String? = nil, uri: String? = nil,
                statusCode: Int? = nil, host: String? = nil, contentType: String? = nil,
                contentLength: Int? = nil, isChunked: Bool, firstFrame: Int, lastFrame: Int) {
        self.isResponse = isResponse
        self.firstLine = firstLine
        self.method = method
        self.uri = uri
        self.statusCode = statusCode
        self.host = host
        self.contentType = contentType
        self.contentLength = contentLength
        self.isChunked = isChunked
        self.firstFrame = firstFrame
        self.lastFrame = lastFrame
    }

    /// The layer Wireshark puts under HTTP for this body (`data-text-lines`, `media`, ...).
    public var bodyLayer: Layer? {
        guard bodyLength > 0 else { return nil }
        guard let type = contentType?.lowercased() else { return .media }
        if type.hasPrefix("text/") { return .dataTextLines }
        if type == "application/json" || type.hasSuffix("+json") { return .json }
        if type.hasSuffix("/xml") || type.hasSuffix("+xml") { return .xml }
        if type == "application/x-www-form-urlencoded" { return .urlencodedForm }
        return .media
    }
}

/// A request and the response that answered it.
public struct HTTPTransaction: Sendable {
    public var stream: Int
    public var request: HTTPMessage?
    public var response: HTTPMessage?

    public init(stream: Int, request: HTTPMessage?, response: HTTPMessage?) {
        self.stream = stream
        self.request = request
        self.response = response
    }
}
