import Dissect
import Follow

/// The three packets that open a TCP connection, by frame number.
public struct Handshake: Sendable, Equatable {
    /// The client's SYN.
    public var syn: Int?
    /// The server's SYN-ACK.
    public var synAck: Int?
    /// The client's ACK of the SYN-ACK.
    public var ack: Int?

    public init(syn: Int? = nil, synAck: Int? = nil, ack: Int? = nil) {
        self.syn = syn
        self.synAck = synAck
        self.ack = ack
    }

    /// True when SYN, SYN-ACK and the final ACK were all seen, in that order.
    public var isComplete: Bool { syn != nil && synAck != nil && ack != nil }
}

/// A TCP conversation in a ``Capture``: who talked, how it went (Zeek's state and
/// history), and what each side sent.
public struct TCPSession: Sendable {
    /// The Wireshark `tcp.stream` index.
    public let stream: Int
    public let client: Endpoint
    public let server: Endpoint
    /// Zeek's `conn_state`: `.SF` for a normal open and close, `.REJ` when refused, ...
    public let state: ConnState
    /// Zeek's history letters, e.g. `ShADadFf`.
    public let history: String
    public let handshake: Handshake
    /// The bytes the client sent, reassembled in order (up to ``Capture/maxStreamBytes``).
    public let clientBytes: [UInt8]
    /// The bytes the server sent, reassembled in order.
    public let serverBytes: [UInt8]
    /// The first frame with RST, and which side sent it.
    public let reset: (frame: Int, byClient: Bool)?
    /// The first FIN, and which side sent it.
    public let firstFIN: (frame: Int, byClient: Bool)?
    public let firstFrame: Int
    public let lastFrame: Int
    public let packets: Int
    /// HTTP requests and responses on this conversation.
    public let http: [HTTPTransaction]

    /// The client's bytes as text (invalid UTF-8 replaced).
    public var clientText: String { String(decoding: clientBytes, as: UTF8.self) }
    public var serverText: String { String(decoding: serverBytes, as: UTF8.self) }
}

/// A UDP conversation in a ``Capture``.
public struct UDPSession: Sendable {
    public let stream: Int
    public let client: Endpoint
    public let server: Endpoint
    public let state: ConnState
    public let clientPackets: Int
    public let serverPackets: Int

    init(_ c: UDPConversation) {
        stream = c.stream
        client = c.client
        server = c.server
        state = c.state
        let clientIsA = c.client == c.sideA
        clientPackets = clientIsA ? c.aPackets : c.bPackets
        serverPackets = clientIsA ? c.bPackets : c.aPackets
    }
}

/// Collects one TCP stream while the capture is read.
struct SessionBuilder {
    var conversation: TCPConversation?
    var clientBytes: [UInt8] = []
    var serverBytes: [UInt8] = []
    var handshake = Handshake()
    var reset: (frame: Int, byClient: Bool)?
    var firstFIN: (frame: Int, byClient: Bool)?
    /// The client's side as seen in the handshake (a SYN without ACK).
    var synFromClient = true

    mutating func append(_ bytes: ByteView, fromClient: Bool) {
        if fromClient {
            let room = Capture.maxStreamBytes - clientBytes.count
            if room > 0 { bytes.slice(0..<min(room, bytes.count)).withUnsafeBytes { clientBytes.append(contentsOf: $0) } }
        } else {
            let room = Capture.maxStreamBytes - serverBytes.count
            if room > 0 { bytes.slice(0..<min(room, bytes.count)).withUnsafeBytes { serverBytes.append(contentsOf: $0) } }
        }
    }

    mutating func observe(_ tcp: TCP, analysis: FrameAnalysis, frame: Int) {
        let flags = tcp.flags, fromClient = analysis.fromClient
        if flags.contains(.syn) && !flags.contains(.ack) && fromClient && handshake.syn == nil {
            handshake.syn = frame
        } else if flags.contains(.syn) && flags.contains(.ack) && !fromClient && handshake.syn != nil && handshake.synAck == nil {
            handshake.synAck = frame
        } else if !flags.contains(.syn) && flags.contains(.ack) && fromClient && handshake.synAck != nil && handshake.ack == nil {
            handshake.ack = frame
        }
        if flags.contains(.rst) && reset == nil { reset = (frame, fromClient) }
        if flags.contains(.fin) && firstFIN == nil { firstFIN = (frame, fromClient) }
    }

    func build() -> TCPSession? {
        guard let c = conversation else { return nil }
        return TCPSession(
            stream: c.stream, client: c.client, server: c.server, state: c.state, history: c.history,
            handshake: handshake, clientBytes: clientBytes, serverBytes: serverBytes, reset: reset,
            firstFIN: firstFIN, firstFrame: c.firstFrame, lastFrame: c.lastFrame, packets: c.packets,
            http: c.httpTransactions)
    }
}
