import Dissect

/// What Wireshark's HTTP dissector remembers of one UDP conversation of SSDP (HTTP over
/// UDP port 1900): its requests and responses are numbered as over TCP
/// (`[HTTP request 2/2]`, `[Prev request in frame: 299]`), and a response is paired with
/// the request before it in the same conversation. NOTIFY announcements are
/// notifications: neither numbered nor answered.
struct SSDPConversation {
    var requests = 0
    var responses = 0
    var lastRequestFrame: Int?
    var lastResponseFrame: Int?
    /// The last request not answered yet.
    var pending: (frame: Int, time: Timestamp, uri: String?)?
}

extension Follower {
    /// Numbers an SSDP message by its UDP stream. Read from the payload's bytes, as the
    /// DNS pairing is, so that it works on frames decoded to the transport layer only.
    func trackSSDP(_ datagram: UDP, frame: Frame, into analysis: inout FrameAnalysis) {
        guard datagram.sourcePort == 1900 || datagram.destinationPort == 1900,
              let stream = analysis.udpStream else { return }
        let bytes = frame.bytes
        let payload = datagram.payload.clamped(to: 0..<bytes.count)
        guard !payload.isEmpty,
              let head = HTTPHead.decode(bytes, at: payload.lowerBound, end: payload.upperBound).layer,
              !head.isNotification else { return }
        func text(_ range: Range<Int>) -> String { String(decoding: bytes.slice(range.clamped(to: 0..<bytes.count)), as: UTF8.self) }
        let isRequest = head.kind == .request
        var message = HTTPMessage(
            isResponse: !isRequest, firstLine: Array(bytes.slice(head.firstLine.clamped(to: 0..<bytes.count))),
            method: isRequest ? text(head.part1) : nil, uri: isRequest ? text(head.part2) : nil,
            statusCode: head.statusCode, host: head.value(of: "Host", in: bytes).map(text),
            contentLength: head.contentLength, isChunked: head.isChunked,
            firstFrame: frame.number, lastFrame: frame.number)
        message.completedAt = frame.raw.timestamp
        // Bounded like the DNS and echo tables: a flood of conversations forgets them all.
        if ssdpConversations[stream] == nil, ssdpConversations.count >= 65_536 { ssdpConversations.removeAll() }
        var state = ssdpConversations[stream] ?? SSDPConversation()
        if isRequest {
            state.requests += 1
            message.number = state.requests
            message.previousFrame = state.lastRequestFrame
            state.lastRequestFrame = frame.number
            state.pending = (frame.number, frame.raw.timestamp, message.fullURI)
        } else {
            state.responses += 1
            message.number = state.responses
            message.previousFrame = state.lastResponseFrame
            state.lastResponseFrame = frame.number
            if let request = state.pending {
                message.requestFrame = request.frame
                message.requestTime = request.time
                message.requestURI = request.uri
                state.pending = nil
            }
        }
        ssdpConversations[stream] = state
        analysis.http = message
    }
}
