import Dissect
import Follow

/// One conversation as the conversation views print it: small, copied out of the
/// follower when the conversation ends, so views keep no follower state.
public struct ConversationSummary: Sendable {
    public enum Transport: String, Sendable { case tcp, udp }
    public var transport: Transport
    public var stream: Int
    /// The order in which the conversation began (``Conversation/ordinal``).
    public var ordinal: Int
    /// Wireshark's A (first packet's source) and B.
    public var a: Endpoint
    public var b: Endpoint
    /// Zeek's originator and responder.
    public var client: Endpoint
    public var server: Endpoint
    public var aFrames = 0, aBytes = 0, bFrames = 0, bBytes = 0
    public var clientPackets = 0, serverPackets = 0
    public var clientIPBytes = 0, serverIPBytes = 0
    public var clientPayload: UInt64 = 0, serverPayload: UInt64 = 0
    public var missedBytes: UInt64 = 0
    public var state: ConnState
    public var history: String
    public var start: Timestamp
    public var end: Timestamp
    public var firstFrame: Int
    public var service: String?
    /// The local programs at each end, found during a live capture (`1234/curl -> 99/python3`,
    /// `-` for an end not on this machine).
    public var owner: String?

    public var duration: Int64 { end.nanoseconds(since: start) }
    /// Frame bytes (whole frames, as Wireshark's Conversations counts them) per side.
    public var clientFrameBytes: Int { client == a ? aBytes : bBytes }
    public var serverFrameBytes: Int { client == a ? bBytes : aBytes }
    public var frames: Int { aFrames + bFrames }

    public init(_ conversation: Conversation) {
        switch conversation {
        case .tcp(let c):
            transport = .tcp
            stream = c.stream
            ordinal = c.ordinal
            a = c.sideA
            b = c.sideB
            client = c.client
            server = c.server
            aFrames = c.aToB.packets
            aBytes = c.aToB.frameBytes
            bFrames = c.bToA.packets
            bBytes = c.bToA.frameBytes
            clientPackets = c.clientToServer.packets
            serverPackets = c.serverToClient.packets
            clientIPBytes = c.clientToServer.ipBytes
            serverIPBytes = c.serverToClient.ipBytes
            clientPayload = c.connection.originatorBytes
            serverPayload = c.connection.responderBytes
            missedBytes = c.connection.missedBytes
            state = c.state
            history = c.history
            start = c.startTime
            end = c.lastTime
            firstFrame = c.firstFrame
            // Zeek names a service only once it saw the protocol talk: here, both sides sent data.
            let talked = c.clientToServer.payloadBytes > 0 && c.serverToClient.payloadBytes > 0
            service = !c.httpTransactions.isEmpty ? "http" : talked ? Self.service(tcpPort: c.server.port) : nil
        case .udp(let c):
            transport = .udp
            stream = c.stream
            ordinal = c.ordinal
            a = c.sideA
            b = c.sideB
            client = c.client
            server = c.server
            aFrames = c.aPackets
            aBytes = c.aFrameBytes
            bFrames = c.bPackets
            bBytes = c.bFrameBytes
            let clientIsA = c.client == c.sideA
            clientPackets = clientIsA ? c.aPackets : c.bPackets
            serverPackets = clientIsA ? c.bPackets : c.aPackets
            clientIPBytes = clientIsA ? c.aIPBytes : c.bIPBytes
            serverIPBytes = clientIsA ? c.bIPBytes : c.aIPBytes
            clientPayload = c.connection.originatorBytes
            serverPayload = c.connection.responderBytes
            state = c.state
            history = c.connection.history
            start = c.startTime
            end = c.lastTime
            firstFrame = c.firstFrame
            service = c.aPackets > 0 && c.bPackets > 0 ? Self.service(udpPort: c.server.port) : nil
        }
    }

    static func service(tcpPort port: UInt16) -> String? {
        switch port {
        case 80, 8080, 8000, 3128: "http"
        case 443: "ssl"
        case 22: "ssh"
        case 25: "smtp"
        case 53: "dns"
        case 21: "ftp"
        default: nil
        }
    }

    static func service(udpPort port: UInt16) -> String? {
        switch port {
        case 53, 5353: "dns"
        case 67, 68: "dhcp"
        case 123: "ntp"
        case 69: "tftp"
        default: nil
        }
    }
}
