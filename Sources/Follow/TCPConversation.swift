import Dissect

/// What the follower knows about one direction of a TCP conversation.
public struct TCPDirection: Sendable {
    /// The sequence number that relative numbers count from (the ISN when the SYN was seen).
    public var baseSeq: UInt32 = 0
    public var baseSeqSet = false
    /// The window-scale shift this side announced in its SYN, if any.
    public var windowScale: UInt8?
    /// A SYN whose options were captured: a snaplen cut leaves the scaling unknown.
    public var sawSYN = false
    public var sawFIN = false
    public var sawRST = false
    public var packets = 0
    /// Payload bytes (sum of `tcp.len`).
    public var payloadBytes = 0
    /// Bytes on the wire (`frame.len`), as `-z conv,tcp` counts them.
    public var frameBytes = 0
    /// IP bytes (IP total lengths), as Zeek's `orig_ip_bytes` counts them.
    public var ipBytes = 0
    public init() {}
}

/// One TCP conversation, numbered as Wireshark numbers `tcp.stream`.
public struct TCPConversation {
    public let stream: Int
    /// See ``Conversation/ordinal``.
    public let ordinal: Int
    /// The side whose packet was seen first (Wireshark's "A"), and the other side.
    public let sideA: Endpoint
    public let sideB: Endpoint
    /// Set when HTTP tracking gave its spent streams up (``TCPStreams/isSpent``): what the
    /// snaplen rule still needs for later segments. (Here, it fills the padding after
    /// ``sideB``: at the end it would make every slot 8 bytes longer.)
    var httpGivenUp: HTTPCutState?
    public var aToB = TCPDirection()
    public var bToA = TCPDirection()
    /// Zeek's view: connection state, history, originator.
    public var connection: ConnectionState
    var analyzer = TCPSequenceAnalyzer()
    public var firstFrame: Int
    public var lastFrame: Int
    public var startTime: Timestamp
    public var lastTime: Timestamp
    /// Reassembled streams and HTTP, when the follower was asked to keep them.
    var streams: TCPStreams?

    init(stream: Int, ordinal: Int, a: Endpoint, b: Endpoint, frame: Int, time: Timestamp) {
        self.stream = stream
        self.ordinal = ordinal
        sideA = a
        sideB = b
        connection = ConnectionState(transport: .tcp, originatorPort: a.port, responderPort: b.port)
        firstFrame = frame
        lastFrame = frame
        startTime = time
        lastTime = time
    }

    /// Drops the spent HTTP streams, keeping what the snaplen rule needs.
    mutating func spentHTTP(_ cut: HTTPCutState) {
        streams = nil
        httpGivenUp = cut
    }

    /// The originator: the side that sent the first SYN, or Zeek's choice without one.
    public var client: Endpoint { connection.flipped ? sideB : sideA }
    public var server: Endpoint { connection.flipped ? sideA : sideB }
    public var clientToServer: TCPDirection { connection.flipped ? bToA : aToB }
    public var serverToClient: TCPDirection { connection.flipped ? aToB : bToA }
    public var state: ConnState { connection.state }
    public var history: String { connection.history }
    public var packets: Int { aToB.packets + bToA.packets }
    /// `tcp.completeness` for the whole conversation.
    public var completeness: UInt8 { analyzer.completeness }
    /// Nanoseconds from the first to the last frame.
    public var duration: Int64 { lastTime.nanoseconds(since: startTime) }
    /// Byte counters of the reassembled streams (client → server, server → client), when kept.
    public var reassembly: (client: ReassemblyCounters, server: ReassemblyCounters)? {
        guard let streams else { return nil }
        let (ab, ba) = streams.counters
        return connection.flipped ? (ba, ab) : (ab, ba)
    }
    /// HTTP transactions seen on this conversation, in order.
    public var httpTransactions: [HTTPTransaction] { streams?.transactions ?? [] }
}

/// One UDP conversation, numbered as Wireshark numbers `udp.stream`.
public struct UDPConversation: Sendable {
    public let stream: Int
    /// See ``Conversation/ordinal``.
    public let ordinal: Int
    public let sideA: Endpoint
    public let sideB: Endpoint
    public var aPackets = 0
    public var bPackets = 0
    public var aFrameBytes = 0
    public var bFrameBytes = 0
    public var aIPBytes = 0
    public var bIPBytes = 0
    public var connection = ConnectionState(transport: .udp)
    public var firstFrame: Int
    public var lastFrame: Int
    public var startTime: Timestamp
    public var lastTime: Timestamp

    init(stream: Int, ordinal: Int, a: Endpoint, b: Endpoint, frame: Int, time: Timestamp) {
        self.stream = stream
        self.ordinal = ordinal
        sideA = a
        sideB = b
        firstFrame = frame
        lastFrame = frame
        startTime = time
        lastTime = time
    }

    public var client: Endpoint { connection.flipped ? sideB : sideA }
    public var server: Endpoint { connection.flipped ? sideA : sideB }
    public var state: ConnState { connection.state }
    public var duration: Int64 { lastTime.nanoseconds(since: startTime) }
}

/// A finished conversation of either kind, as the follower hands it over.
public enum Conversation {
    case tcp(TCPConversation)
    case udp(UDPConversation)

    /// The conversation's place among all conversations, TCP and UDP, in the order they
    /// began: 0, 1, 2, ... with no gaps, so a view can print them in that order as they end.
    public var ordinal: Int {
        switch self {
        case .tcp(let c): c.ordinal
        case .udp(let c): c.ordinal
        }
    }

    public var stream: Int {
        switch self {
        case .tcp(let c): c.stream
        case .udp(let c): c.stream
        }
    }
}
