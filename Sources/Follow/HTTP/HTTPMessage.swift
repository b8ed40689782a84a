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
    /// The message's bytes as sent, head and body with any chunk framing, when the
    /// follower keeps them (``FollowerOptions/pduBytesLimit``); cut at that limit.
    public var pdu: [UInt8]?
    /// Its length on the wire, and the frames that carried it in order.
    public var pduLength = 0
    public var segments: [PDUSegment] = []
    /// Segments past ``maxSegments``, counted but not listed.
    public var segmentsNotListed = 0
    public static let maxSegments = 4096
    /// The message's number among its conversation's requests (or responses), from 1,
    /// and the frame that completed the one before it.
    public var number = 0
    public var previousFrame: Int?
    /// The capture time of the frame that completed the message.
    public var completedAt = Timestamp.zero
    /// For a response: the request it answers (its completing frame, time, full URI).
    public var requestFrame: Int?
    public var requestTime: Timestamp?
    public var requestURI: String?
    /// For a response: the request before the one it answers.
    public var previousRequestFrame: Int?

    /// `http.request.full_uri`: the Host header and the request target.
    public var fullURI: String? {
        guard let uri else { return nil }
        if uri.hasPrefix("http://") || uri.hasPrefix("https://") { return uri }
        guard let host else { return nil }
        return "http://" + host + uri
    }

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
        // No Content-Type: packet-http.c calls the data dissector, not the media one.
        guard let type = contentType else { return .data }
        // Compared as ASCII without case, on the UTF-8 bytes: no lower-cased copy per message.
        let bytes = type.utf8
        func starts(_ prefix: StaticString) -> Bool { Self.matches(bytes.prefix(prefix.utf8CodeUnitCount), prefix) }
        func ends(_ suffix: StaticString) -> Bool { Self.matches(bytes.suffix(suffix.utf8CodeUnitCount), suffix) }
        if starts("text/") { return .dataTextLines }
        if (bytes.count == 16 && starts("application/json")) || ends("+json") { return .json }
        if ends("/xml") || ends("+xml") { return .xml }
        if bytes.count == 33 && starts("application/x-www-form-urlencoded") { return .urlencodedForm }
        return .media
    }

    /// True when `bytes` spell `literal` (lower case) in any case.
    private static func matches(_ bytes: some Collection<UInt8>, _ literal: StaticString) -> Bool {
        guard bytes.count == literal.utf8CodeUnitCount else { return false }
        var i = 0
        for b in bytes {
            let lower = b >= 65 && b <= 90 ? b | 0x20 : b
            guard lower == literal.utf8Start[i] else { return false }
            i += 1
        }
        return true
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

/// One frame's share of a reassembled message.
public struct PDUSegment: Sendable, Equatable {
    public var frame: Int
    public var length: Int
    public init(frame: Int, length: Int) {
        self.frame = frame
        self.length = length
    }
}
