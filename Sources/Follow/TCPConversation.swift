import Dissect

/// What the follower knows about one direction of a TCP conversation.
public struct TCPDirection: Sendable {
    /// The sequence number that relative numbers count from (the ISN when the SYN was seen).
    public var baseSeq: UInt32 = 0
    public var baseSeqSet = false
    public var sawSYN = false
    public var sawFIN = false
    public var sawRST = false
    /// The window-scale shift this side announced in its SYN, if any.
    public var windowScale: UInt8?
    public var packets = 0
    /// Payload bytes (sum of `tcp.len`).
    public var bytes = 0
    /// Bytes on the wire (`frame.len`), as `-z conv,tcp` counts them.
    public var frameBytes = 0
    public init() {}
}

/// One TCP conversation, numbered as Wireshark numbers `tcp.stream`.
public struct TCPConversation: Sendable {
    public let stream: Int
    /// The originator: the side that sent the first SYN, or the side seen first.
    public var client: Endpoint
    public var server: Endpoint
    /// True when the first frame was a SYN without ACK, so `client` is certain.
    public var sawHandshakeStart: Bool
    public var clientToServer = TCPDirection()
    public var serverToClient = TCPDirection()
    public var firstFrame: Int
    public var lastFrame: Int
    public var startTime: Timestamp
    public var lastTime: Timestamp

    public var packets: Int { clientToServer.packets + serverToClient.packets }
}

/// One UDP conversation, numbered as Wireshark numbers `udp.stream`.
public struct UDPConversation: Sendable {
    public let stream: Int
    public var client: Endpoint
    public var server: Endpoint
    public var clientPackets = 0
    public var serverPackets = 0
    public var clientFrameBytes = 0
    public var serverFrameBytes = 0
    public var firstFrame: Int
    public var lastFrame: Int
    public var startTime: Timestamp
    public var lastTime: Timestamp
}
