import Dissect

/// The two reassembled byte streams of one TCP conversation, and what runs on them:
/// the HTTP message parser and an optional consumer (the `follow` view).
final class TCPStreams {
    /// Chunks of stream data as they become available: direction A→B is `fromA`.
    typealias Consumer = (_ fromA: Bool, _ chunk: StreamChunk) -> Void

    // Hot per-segment state of a final class that never crosses threads: skip the dynamic
    // exclusivity checks, which cost more than the work itself.
    @exclusivity(unchecked) private var aToB: StreamReassembler!
    @exclusivity(unchecked) private var bToA: StreamReassembler!
    private let httpA: HTTPStreamParser?
    private let httpB: HTTPStreamParser?
    private let consumer: Consumer?
    @exclusivity(unchecked) private(set) var transactions: [HTTPTransaction] = []
    @exclusivity(unchecked) private var pendingRequests: [Int] = []  // indexes into transactions awaiting a response
    /// Without kept transactions: whether each request still awaiting a response was HEAD,
    /// from `waitingStart` on. A client that pipelines without end keeps the last ones only.
    @exclusivity(unchecked) private var waitingHEAD: [WaitingRequest] = []
    @exclusivity(unchecked) private var waitingStart = 0
    static let maxWaitingRequests = 4096
    let stream: Int
    let keepTransactions: Bool

    /// Messages so far in each direction, and the frame of the last one, for Wireshark's
    /// `[HTTP request 2/2]` and `[Prev request in frame: 4]`.
    @exclusivity(unchecked) private var requestCount = 0
    @exclusivity(unchecked) private var responseCount = 0
    @exclusivity(unchecked) private var lastRequestFrame: Int?
    @exclusivity(unchecked) private var lastResponseFrame: Int?
    @exclusivity(unchecked) private var currentTime = Timestamp.zero

    // What happened while delivering the current frame.
    @exclusivity(unchecked) private var completed: [HTTPMessage] = []
    @exclusivity(unchecked) private var touchedMessage = false
    @exclusivity(unchecked) private var headReadThisFrame = false

    /// Whether HTTP messages are parsed on this conversation.
    var tracksHTTP: Bool { httpA != nil }
    /// What ``HTTPSnaplenCut`` keeps of the conversation (``Follower`` decides how).
    @exclusivity(unchecked) var cut = HTTPCutState()

    /// TLS records or SSH packets, when the conversation carries them.
    let records: RecordTracker?
    /// Whether side A is the client, for the record tracker.
    let aIsClient: Bool
    /// What the last frame fed showed of its records.
    @exclusivity(unchecked) private(set) var lastRecords: StreamRecords?

    init(stream: Int, budget: ReassemblyBudget, http: Bool, bodyLimit: Int, pduLimit: Int = 0, keepTransactions: Bool,
         aIsClientGuess: Bool, consumer: Consumer?, records: Layer? = nil, aIsClient: Bool = true) {
        self.stream = stream
        self.consumer = consumer
        self.records = records.map { RecordTracker(layer: $0, budget: budget) }
        self.aIsClient = aIsClient
        self.keepTransactions = keepTransactions
        httpA = http ? HTTPStreamParser(isResponseSide: !aIsClientGuess, bodyLimit: bodyLimit, pduLimit: pduLimit) : nil
        httpB = http ? HTTPStreamParser(isResponseSide: aIsClientGuess, bodyLimit: bodyLimit, pduLimit: pduLimit) : nil
        // The history of delivered bytes only serves to count inconsistent retransmissions,
        // which matters when the stream itself is shown, not for finding HTTP messages.
        let history = consumer == nil ? 0 : 64 * 1024
        aToB = StreamReassembler(budget: budget, maxHistoryBytes: history) { [unowned self] chunk in self.deliver(chunk, fromA: true) }
        bToA = StreamReassembler(budget: budget, maxHistoryBytes: history) { [unowned self] chunk in self.deliver(chunk, fromA: false) }
    }

    var counters: (ReassemblyCounters, ReassemblyCounters) { (aToB.counters, bToA.counters) }

    /// True when no segment can make these streams say anything again: HTTP tracking
    /// alone (no records, no consumer, no kept transactions), both directions past their
    /// FIN with nothing buffered (later data is a duplicate or beyond the FIN, and is
    /// dropped), no message open and no head too long to report. Every later segment
    /// would get `.asDecoded` and no message, so a closed conversation gives these streams
    /// up and keeps only ``cut`` (tens of thousands of closed conversations linger in a
    /// busy capture, about 1.5 KB each with the two parsers).
    var isSpent: Bool {
        guard aToB.finReached, bToA.finReached, let httpA, let httpB,
              records == nil, consumer == nil, !keepTransactions,
              aToB.counters.bufferedSegments == 0, bToA.counters.bufferedSegments == 0,
              !httpA.inMessage, !httpB.inMessage,
              httpA.oversizedHead == nil, httpB.oversizedHead == nil else { return false }
        return true
    }

    /// HTTP heads too long to parse (see ``HTTPStreamParser/maxHeadBytes``), per direction.
    var oversizedHTTPHeads: [HTTPHeadTooLarge] {
        [(httpA, true), (httpB, false)].compactMap { parser, fromA in
            parser?.oversizedHead.map {
                HTTPHeadTooLarge(stream: stream, firstFrame: $0.firstFrame, bytesRead: $0.bytes,
                                 isResponse: parser?.isResponseSide ?? !fromA)
            }
        }
    }

    /// Feeds one segment; returns what the stream says about the frame's application layer.
    func add(_ tcp: TCP, payload: ByteView, payloadRange: Range<Int> = 0..<0, fromA: Bool, frame: Int, time: Timestamp = .zero)
        -> (ApplicationVerdict, HTTPMessage?, [UInt8]?) {
        currentTime = time
        // Not keeping the capacity: tens of thousands of conversations would each hold
        // room for a message between their messages.
        if !completed.isEmpty { completed = [] }
        touchedMessage = false
        headReadThisFrame = false
        records?.begin(frame: frame, payload: payloadRange, fromClient: fromA == aIsClient)
        defer { lastRecords = records?.end() }
        if fromA {
            aToB.add(seq: tcp.sequenceNumber, flags: tcp.flags, payload: payload, segmentLength: tcp.segmentLength, frame: frame)
            if tcp.flags.contains(.ack) { bToA.acknowledged(upTo: tcp.acknowledgmentNumber) }
            if aToB.finReached { httpA?.streamEnded(frame: frame) { self.handle($0, fromA: true) } }
        } else {
            bToA.add(seq: tcp.sequenceNumber, flags: tcp.flags, payload: payload, segmentLength: tcp.segmentLength, frame: frame)
            if tcp.flags.contains(.ack) { aToB.acknowledged(upTo: tcp.acknowledgmentNumber) }
            if bToA.finReached { httpB?.streamEnded(frame: frame) { self.handle($0, fromA: false) } }
        }
        if let last = completed.popLast() {
            // Moved out (the list is done with): the earlier ones, if any, are not shown.
            completed = []
            return (.layers(.http, last.bodyLayer), last, nil)
        }
        let parser = fromA ? httpA : httpB
        if touchedMessage, let parser, parser.inMessage {
            let showFirstLine = parser.isChunkedOrHead || headReadThisFrame
            return (.transportOnly, nil, showFirstLine ? parser.currentFirstLine : nil)
        }
        return (.asDecoded, nil, nil)
    }

    /// The capture ended: flush what is buffered and end bodies that run until close.
    func finish(frame: Int) {
        aToB.finish()
        bToA.finish()
        httpA?.streamEnded(frame: frame) { handle($0, fromA: true) }
        httpB?.streamEnded(frame: frame) { handle($0, fromA: false) }
    }

    private func deliver(_ chunk: StreamChunk, fromA: Bool) {
        consumer?(fromA, chunk)
        if let records, case .data(let frame, let bytes) = chunk {
            records.consume(bytes, frame: frame, fromClient: fromA == aIsClient)
        }
        guard case .data(let frame, let bytes) = chunk,
              let parser = fromA ? httpA : httpB, !parser.isAbandoned else { return }
        parser.consume(bytes, frame: frame, requestWasHEAD: nextRequestWasHEAD) { handle($0, fromA: fromA) }
        touchedMessage = touchedMessage || parser.inMessage || !completed.isEmpty
    }

    private func nextRequestWasHEAD() -> Bool {
        guard keepTransactions else { return waitingStart < waitingHEAD.count && waitingHEAD[waitingStart].isHEAD }
        guard let index = pendingRequests.first else { return false }
        return transactions[index].request?.method == "HEAD"
    }

    private func handle(_ event: HTTPStreamParser.Event, fromA: Bool) {
        switch event {
        case .headRead:
            headReadThisFrame = true
            touchedMessage = true
        case .completed(var message):
            number(&message)
            touchedMessage = true
            record(message)
            // Its last use: moved into the list, not copied (a message holds strings and
            // arrays, each a reference to count).
            completed.append(consume message)
        }
    }

    /// Numbers the message within its conversation and ties a response to its request.
    private func number(_ message: inout HTTPMessage) {
        message.completedAt = currentTime
        if message.isResponse {
            responseCount += 1
            message.number = responseCount
            message.previousFrame = lastResponseFrame
            lastResponseFrame = message.lastFrame
            if waitingStart < waitingHEAD.count {
                let request = waitingHEAD[waitingStart]
                message.requestFrame = request.frame
                message.requestTime = request.time
                message.requestURI = request.uri
                message.previousRequestFrame = request.previousFrame
            }
        } else {
            requestCount += 1
            message.number = requestCount
            message.previousFrame = lastRequestFrame
            lastRequestFrame = message.lastFrame
        }
    }

    private func record(_ message: HTTPMessage) {
        // Which requests wait for a response, in order: whether each was HEAD (its
        // response has no body) and what the response shows of it.
        if !message.isResponse {
            if waitingHEAD.count - waitingStart >= Self.maxWaitingRequests { waitingStart += 1 }
            waitingHEAD.append(WaitingRequest(isHEAD: message.method == "HEAD", frame: message.lastFrame,
                                              time: currentTime, uri: message.fullURI, previousFrame: message.previousFrame))
        } else if waitingStart < waitingHEAD.count {
            waitingStart += 1
        }
        if waitingStart == waitingHEAD.count {
            // Every request answered: give the room back (a closed conversation keeps none).
            waitingHEAD = []
            waitingStart = 0
        } else if waitingStart > 64 && waitingStart * 2 > waitingHEAD.count {
            waitingHEAD.removeFirst(waitingStart)
            waitingStart = 0
        }
        guard keepTransactions else { return }
        if !message.isResponse {
            transactions.append(HTTPTransaction(stream: stream, request: message, response: nil))
            pendingRequests.append(transactions.count - 1)
        } else if !pendingRequests.isEmpty {
            let index = pendingRequests.removeFirst()
            transactions[index].response = message
        } else {
            transactions.append(HTTPTransaction(stream: stream, request: nil, response: message))
        }
    }
}

/// A request still waiting for its response.
private struct WaitingRequest {
    var isHEAD: Bool
    var frame: Int
    var time: Timestamp
    var uri: String?
    var previousFrame: Int?
}
