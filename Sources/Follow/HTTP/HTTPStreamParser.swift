import Dissect

/// Finds HTTP/1.x message boundaries in one direction of a reassembled TCP stream:
/// head, then a body framed by Content-Length, chunked encoding, or the connection's end.
/// A class: it lives in its stream's ``TCPStreams`` and is fed in place, segment by segment.
final class HTTPStreamParser {
    enum Event {
        /// A message's head was read; its body (if any) follows.
        case headRead
        case completed(HTTPMessage)
    }

    private enum Phase {
        case idle
        case head
        case fixedBody(remaining: Int)
        case chunkSize
        case chunkData(remaining: Int)
        case chunkDataEnd
        case trailer
        case untilClose
        /// The stream is not HTTP (or went wrong beyond repair): stop looking.
        case abandoned
    }

    static let maxHeadBytes = 64 * 1024
    static let maxLineBytes = 4 * 1024

    @exclusivity(unchecked) private var phase = Phase.idle
    @exclusivity(unchecked) private var buffer: [UInt8] = []
    /// The message being read, boxed: inline, its 281 bytes would sit in every parser
    /// between messages (two parsers in each of thousands of open or reset HTTP
    /// conversations). One box a message, filled in place.
    private final class MessageBox {
        @exclusivity(unchecked) var value: HTTPMessage
        init(_ value: HTTPMessage) { self.value = value }
    }
    @exclusivity(unchecked) private var box: MessageBox?
    let isResponseSide: Bool
    /// Keep up to this many body bytes per message (0: keep none).
    let bodyLimit: Int
    /// Keep up to this many of each message's bytes as sent (0: keep none).
    let pduLimit: Int

    init(isResponseSide: Bool, bodyLimit: Int, pduLimit: Int = 0) {
        self.isResponseSide = isResponseSide
        self.bodyLimit = bodyLimit
        self.pduLimit = pduLimit
    }

    /// The head that passed ``maxHeadBytes`` without ending, which stopped the parser:
    /// the frame it started in, and the bytes read of it when the parser gave up.
    private(set) var oversizedHead: (firstFrame: Int, bytes: Int)?

    /// True while a message has started and not ended.
    /// A tag check: `message != nil` copies the whole message (strings, arrays) to compare it.
    var inMessage: Bool { box != nil }
    var currentMessage: HTTPMessage? { box?.value }
    /// The current message's request or status line (without copying the message).
    var currentFirstLine: [UInt8]? { box?.value.firstLine }
    var isAbandoned: Bool { if case .abandoned = phase { true } else { false } }
    var isChunkedOrHead: Bool {
        switch phase {
        case .head, .chunkSize, .chunkData, .chunkDataEnd, .trailer: true
        default: false
        }
    }

    /// Feeds in-order stream bytes. `requestMethodFor` answers which request a response
    /// belongs to, since a response to HEAD has no body.
    func consume(_ bytes: ByteView, frame: Int, requestWasHEAD: () -> Bool, _ emit: (Event) -> Void) {
        var i = 0
        // Where the current message's bytes in this chunk begin, for its segment list.
        var pduStart = 0
        defer { if inMessage { account(bytes, pduStart..<bytes.count, frame: frame) } }
        func finish() {
            account(bytes, pduStart..<i, frame: frame)
            pduStart = i
            finishMessage(frame: frame, emit)
        }
        while i < bytes.count {
            switch phase {
            case .abandoned:
                return
            case .idle:
                // Tolerate stray CRLFs between messages (RFC 9112 §2.2).
                if bytes[i] == 13 || bytes[i] == 10 {
                    i += 1
                    continue
                }
                buffer.removeAll(keepingCapacity: true)
                phase = .head
                pduStart = i
                box = MessageBox(HTTPMessage(isResponse: isResponseSide, firstLine: [], isChunked: false,
                                             firstFrame: frame, lastFrame: frame))
            case .head:
                // Append the rest of the chunk, then look for the blank line that ends the
                // head, starting where the previous search stopped.
                let searchFrom = max(buffer.count - 3, 0)
                // A head that starts and ends in this chunk (the usual case) is copied
                // alone, not with the body bytes that follow it in the segment.
                var take = bytes.count
                if buffer.isEmpty, let end = bytes.withUnsafeBytes({ raw in
                    Self.endOfHead(UnsafeRawBufferPointer(rebasing: raw[i...]), from: 0)
                }) {
                    take = i + end
                }
                bytes.slice(i..<take).withUnsafeBytes { buffer.append(contentsOf: $0) }
                guard let headEnd = Self.endOfHead(buffer, from: searchFrom) else {
                    i = bytes.count
                    if buffer.count > Self.maxHeadBytes && looksLikeHTTP(buffer) {
                        // An HTTP head, only too long to keep: say so rather than drop it unseen.
                        oversizedHead = (box?.value.firstFrame ?? frame, buffer.count)
                        abandon()
                    } else if buffer.count > Self.maxHeadBytes || !looksLikeHTTP(buffer) {
                        abandon()
                    }
                    continue
                }
                // Bytes past the head belong to the body: give them back to the loop.
                i = take - (buffer.count - headEnd)
                buffer.removeSubrange(headEnd...)
                guard parseHead(frame: frame, requestWasHEAD: requestWasHEAD, emit) else {
                    abandon()
                    return
                }
                if case .idle = phase { finish() }
            case .fixedBody(let remaining):
                let n = min(remaining, bytes.count - i)
                appendBody(bytes.slice(i..<(i + n)))
                i += n
                if remaining - n == 0 {
                    phase = .idle
                    finish()
                } else {
                    phase = .fixedBody(remaining: remaining - n)
                }
            case .chunkSize, .trailer:
                let b = bytes[i]
                i += 1
                buffer.append(b)
                guard b == 10 else {
                    if buffer.count > Self.maxLineBytes { abandon() }
                    continue
                }
                let line = buffer
                buffer.removeAll(keepingCapacity: true)
                if case .trailer = phase {
                    if line.count <= 2 {  // the empty line ends the message
                        phase = .idle
                        finish()
                    }
                    continue
                }
                guard let size = Self.chunkSize(line) else { return abandon() }
                phase = size == 0 ? .trailer : .chunkData(remaining: size)
            case .chunkData(let remaining):
                let n = min(remaining, bytes.count - i)
                appendBody(bytes.slice(i..<(i + n)))
                i += n
                phase = remaining - n == 0 ? .chunkDataEnd : .chunkData(remaining: remaining - n)
            case .chunkDataEnd:
                let b = bytes[i]
                i += 1
                if b == 10 { phase = .chunkSize } else if b != 13 { abandon() }
            case .untilClose:
                appendBody(bytes.slice(i..<bytes.count))
                i = bytes.count
            }
        }
    }

    /// The connection closed in this direction: a body that runs until close ends here.
    func streamEnded(frame: Int, _ emit: (Event) -> Void) {
        if case .untilClose = phase {
            phase = .idle
            finishMessage(frame: frame, emit)
        }
    }

    private func abandon() {
        phase = .abandoned
        box = nil
        buffer = []
    }

    /// Notes that `range` of this frame's chunk belongs to the current message: its
    /// segment list (capped like Wireshark's display of it) and, when kept, its bytes.
    private func account(_ bytes: ByteView, _ range: Range<Int>, frame: Int) {
        guard let message = box, !range.isEmpty else { return }
        message.value.pduLength += range.count
        if message.value.segments.count < HTTPMessage.maxSegments {
            message.value.segments.append(PDUSegment(frame: frame, length: range.count))
        } else {
            message.value.segmentsNotListed += 1
        }
        guard pduLimit > 0 else { return }
        let room = pduLimit - (message.value.pdu?.count ?? 0)
        guard room > 0 else { return }
        if message.value.pdu == nil { message.value.pdu = [] }
        bytes.slice(range.lowerBound..<range.lowerBound + min(room, range.count)).withUnsafeBytes {
            message.value.pdu!.append(contentsOf: $0)
        }
    }

    private func appendBody(_ bytes: ByteView) {
        guard let message = box else { return }
        message.value.bodyLength += bytes.count
        guard bodyLimit > 0 else { return }
        let room = bodyLimit - (message.value.body?.count ?? 0)
        if room <= 0 {
            if !bytes.isEmpty { message.value.bodyTruncated = true }
            return
        }
        if message.value.body == nil { message.value.body = [] }
        bytes.slice(0..<min(room, bytes.count)).withUnsafeBytes { message.value.body!.append(contentsOf: $0) }
        if bytes.count > room { message.value.bodyTruncated = true }
    }

    private func finishMessage(frame: Int, _ emit: (Event) -> Void) {
        // Taken out of its box, which goes first: the message's arrays stay unshared.
        guard let taken = box.take() else { return }
        var done = taken.value
        _ = consume taken
        done.lastFrame = frame
        emit(.completed(done))
    }

    /// The index just past the blank line (`\n\n` or `\n\r\n`) ending a head, if any.
    static func endOfHead(_ b: [UInt8], from start: Int) -> Int? {
        b.withUnsafeBytes { endOfHead($0, from: start) }
    }

    static func endOfHead(_ b: UnsafeRawBufferPointer, from start: Int) -> Int? {
        var i = start
        while i < b.count {
            if b[i] == 10 {
                if i + 1 < b.count && b[i + 1] == 10 { return i + 2 }
                if i + 2 < b.count && b[i + 1] == 13 && b[i + 2] == 10 { return i + 3 }
            }
            i += 1
        }
        return nil
    }

    private func looksLikeHTTP(_ b: [UInt8]) -> Bool {
        // Decide early on the first bytes, so a non-HTTP stream is dropped quickly.
        guard b.count >= 8 else { return true }
        return b.withUnsafeBytes { raw in
            let view = ByteView(raw)
            if view.hasBytes("HTTP/1.", at: 0) { return true }
            let head = HTTPHead.decode(view, at: 0, end: view.count)
            return head.issue != nil || head.layer != nil
        }
    }

    /// Parses the buffered head; sets the body phase. False when it is not HTTP.
    private func parseHead(frame: Int, requestWasHEAD: () -> Bool, _ emit: (Event) -> Void) -> Bool {
        let parsed: MessageBox? = buffer.withUnsafeBytes { raw in
            let view = ByteView(raw)
            guard let head = HTTPHead.decode(view, at: 0, end: view.count).layer else { return nil }
            // Filled in its box (a head that does not parse abandons the stream, message and all).
            let box = self.box ?? MessageBox(HTTPMessage(isResponse: isResponseSide, firstLine: [], isChunked: false,
                                                         firstFrame: frame, lastFrame: frame))
            box.value.isResponse = head.kind == .response
            box.value.firstLine = Array(UnsafeRawBufferPointer(rebasing: raw[head.firstLine]))
            if head.kind == .request {
                box.value.method = Self.text(raw, head.part1)
                box.value.uri = Self.text(raw, head.part2)
            } else {
                box.value.statusCode = head.statusCode
            }
            box.value.contentLength = head.contentLength
            box.value.isChunked = head.isChunked
            // One walk over the headers for both names.
            var host: Range<Int>?, contentType: Range<Int>?
            for header in head.headers(view) where host == nil || contentType == nil {
                if host == nil, HTTPHead.equalsIgnoringCase(view, header.name, "Host") {
                    host = header.value
                } else if contentType == nil, HTTPHead.equalsIgnoringCase(view, header.name, "Content-Type") {
                    contentType = header.value
                }
            }
            if let host { box.value.host = Self.text(raw, host) }
            if var range = contentType {
                // The media type without its parameters (`text/html; charset=utf-8`).
                if let semicolon = view.firstIndex(of: UInt8(ascii: ";"), in: range) { range = range.lowerBound..<semicolon }
                while !range.isEmpty, view[range.upperBound - 1] == 32 || view[range.upperBound - 1] == 9 {
                    range = range.lowerBound..<(range.upperBound - 1)
                }
                box.value.contentType = Self.text(raw, range)
            }
            return box
        }
        guard let parsed else { return false }
        let status = parsed.value.statusCode ?? 0
        let isResponse = parsed.value.isResponse, isChunked = parsed.value.isChunked
        let contentLength = parsed.value.contentLength
        box = parsed
        // The head is parsed: its copy's room goes back (a closed conversation keeps none).
        buffer = []
        emit(.headRead)
        if isResponse && (requestWasHEAD() || (100..<200).contains(status) || status == 204 || status == 304) {
            phase = .idle
        } else if isChunked {
            phase = .chunkSize
        } else if let length = contentLength {
            phase = length > 0 ? .fixedBody(remaining: length) : .idle
        } else {
            phase = isResponse ? .untilClose : .idle
        }
        return true
    }

    /// The size of a chunk-size line (`1a;ext=1\r\n`), or nil when it is not hex.
    static func chunkSize(_ line: [UInt8]) -> Int? {
        var size = 0, digits = 0
        for b in line {
            let v: Int
            switch b {
            case 48...57: v = Int(b) - 48
            case 65...70: v = Int(b) - 55
            case 97...102: v = Int(b) - 87
            default:
                guard digits > 0 else { return b == 32 || b == 9 ? nil : nil }
                return size
            }
            digits += 1
            guard digits <= 15 else { return nil }
            size = size << 4 | v
        }
        return digits > 0 ? size : nil
    }
}

extension HTTPStreamParser {
    /// The bytes of `range` as text (invalid UTF-8 repaired), read from contiguous memory.
    static func text(_ raw: UnsafeRawBufferPointer, _ range: Range<Int>) -> String {
        String(decoding: UnsafeRawBufferPointer(rebasing: raw[range]).assumingMemoryBound(to: UInt8.self), as: UTF8.self)
    }
}
