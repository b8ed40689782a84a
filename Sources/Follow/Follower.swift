import Dissect

/// What the follower adds to one frame: stream numbers and relative sequence numbers.
public struct FrameAnalysis: Sendable {
    public var tcpStream: Int?
    public var udpStream: Int?
    /// The stream of the TCP packet quoted in an ICMP error, when it is a known one.
    public var quotedTCPStream: Int?
    public var quotedUDPStream: Int?
    /// True when the frame goes from the conversation's client to its server.
    public var fromClient = false
    public var relativeSeq: UInt32 = 0
    public var relativeAck: UInt32 = 0
    /// The relative sequence number after this segment (`tcp.nxtseq`).
    public var nextSeq: UInt32 = 0
    /// The window in bytes after scaling (`tcp.window_size`), or the raw field when the
    /// scale is unknown.
    public var windowSize: Int = 0
    public init() {}
}

/// Follows conversations in one pass over the frames, as Wireshark does while it
/// dissects: numbers TCP and UDP streams and makes sequence numbers relative.
public final class Follower {
    public private(set) var tcpConversations: [TCPConversation] = []
    public private(set) var udpConversations: [UDPConversation] = []
    private var tcpIndex: [FlowKey: Int] = [:]
    private var udpIndex: [FlowKey: Int] = [:]

    public init() {}

    public func process(_ frame: Frame) -> FrameAnalysis {
        var analysis = FrameAnalysis()
        guard let (src, dst) = frame.ipAddresses else { return analysis }
        if let tcp = frame.tcp {
            follow(tcp, from: Endpoint(address: src, port: tcp.sourcePort),
                   to: Endpoint(address: dst, port: tcp.destinationPort), frame: frame, into: &analysis)
        } else if let udp = frame.udp {
            follow(udp, from: Endpoint(address: src, port: udp.sourcePort),
                   to: Endpoint(address: dst, port: udp.destinationPort), frame: frame, into: &analysis)
        } else if let quoted = frame.quoted {
            lookUpQuoted(quoted, into: &analysis)
        }
        return analysis
    }

    private func follow(_ tcp: TCP, from source: Endpoint, to destination: Endpoint, frame: Frame,
                        into analysis: inout FrameAnalysis) {
        let (key, _) = FlowKey.make(source: source, destination: destination, proto: 6)
        let isSYN = tcp.flags.contains(.syn) && !tcp.flags.contains(.ack)
        var index: Int
        if let existing = tcpIndex[key] {
            index = existing
            let conv = tcpConversations[index]
            let forward = conv.client == source ? conv.clientToServer : conv.serverToClient
            // A new SYN with a new ISN on a reused 4-tuple starts a new stream.
            if isSYN && forward.baseSeqSet && forward.baseSeq != tcp.sequenceNumber {
                index = newTCPConversation(key, client: source, server: destination, frame: frame, syn: true)
            }
        } else {
            index = newTCPConversation(key, client: source, server: destination, frame: frame, syn: isSYN)
        }
        analysis.tcpStream = index
        tcpConversations[index].update(with: tcp, from: source, frame: frame, analysis: &analysis)
    }

    /// Finds the conversation of the packet an ICMP error quotes, without creating one.
    private func lookUpQuoted(_ quoted: QuotedPacket, into analysis: inout FrameAnalysis) {
        let addresses: (IPAddress, IPAddress)
        if let ip = quoted.ipv4 {
            addresses = (IPAddress(ip.source), IPAddress(ip.destination))
        } else if let ip = quoted.ipv6 {
            addresses = (IPAddress(ip.source), IPAddress(ip.destination))
        } else {
            return
        }
        if let tcp = quoted.tcp {
            let key = FlowKey.make(source: Endpoint(address: addresses.0, port: tcp.sourcePort),
                                   destination: Endpoint(address: addresses.1, port: tcp.destinationPort), proto: 6).key
            analysis.quotedTCPStream = tcpIndex[key]
        } else if let udp = quoted.udp {
            let key = FlowKey.make(source: Endpoint(address: addresses.0, port: udp.sourcePort),
                                   destination: Endpoint(address: addresses.1, port: udp.destinationPort), proto: 17).key
            analysis.quotedUDPStream = udpIndex[key]
        }
    }

    private func newTCPConversation(_ key: FlowKey, client: Endpoint, server: Endpoint, frame: Frame, syn: Bool) -> Int {
        let index = tcpConversations.count
        tcpConversations.append(TCPConversation(
            stream: index, client: client, server: server, sawHandshakeStart: syn,
            firstFrame: frame.number, lastFrame: frame.number,
            startTime: frame.raw.timestamp, lastTime: frame.raw.timestamp))
        tcpIndex[key] = index
        return index
    }

    private func follow(_ udp: UDP, from source: Endpoint, to destination: Endpoint, frame: Frame,
                        into analysis: inout FrameAnalysis) {
        let (key, _) = FlowKey.make(source: source, destination: destination, proto: 17)
        let index: Int
        if let existing = udpIndex[key] {
            index = existing
        } else {
            index = udpConversations.count
            udpConversations.append(UDPConversation(
                stream: index, client: source, server: destination, firstFrame: frame.number,
                lastFrame: frame.number, startTime: frame.raw.timestamp, lastTime: frame.raw.timestamp))
            udpIndex[key] = index
        }
        analysis.udpStream = index
        analysis.fromClient = udpConversations[index].client == source
        udpConversations[index].update(fromClient: analysis.fromClient, frame: frame)
    }
}

extension UDPConversation {
    mutating func update(fromClient: Bool, frame: Frame) {
        if fromClient {
            clientPackets += 1
            clientFrameBytes += frame.raw.originalLength
        } else {
            serverPackets += 1
            serverFrameBytes += frame.raw.originalLength
        }
        lastFrame = frame.number
        lastTime = frame.raw.timestamp
    }
}

extension TCPConversation {
    mutating func update(with tcp: TCP, from source: Endpoint, frame: Frame, analysis: inout FrameAnalysis) {
        let fromClient = source == client
        analysis.fromClient = fromClient
        var forward = fromClient ? clientToServer : serverToClient
        var reverse = fromClient ? serverToClient : clientToServer
        let flags = tcp.flags

        if !forward.baseSeqSet {
            // Without the SYN, count from one before the first sequence number seen.
            forward.baseSeq = flags.contains(.syn) ? tcp.sequenceNumber : tcp.sequenceNumber &- 1
            forward.baseSeqSet = true
        }
        // The peer's ISN comes from the first ACK (usually the SYN-ACK), not from a SYN's
        // ack field, which need not be zero.
        if !reverse.baseSeqSet && flags.contains(.ack) {
            reverse.baseSeq = tcp.acknowledgmentNumber &- 1
            reverse.baseSeqSet = true
        }
        analysis.relativeSeq = tcp.sequenceNumber &- forward.baseSeq
        analysis.relativeAck = flags.contains(.ack) ? tcp.acknowledgmentNumber &- reverse.baseSeq : 0
        var length = UInt32(truncatingIfNeeded: tcp.segmentLength)
        if flags.contains(.syn) { length &+= 1 }
        if flags.contains(.fin) { length &+= 1 }
        analysis.nextSeq = length == 0 ? 0 : analysis.relativeSeq &+ length

        if flags.contains(.syn) {
            forward.sawSYN = true
            forward.windowScale = tcp.options.windowScale
        }
        // Scaling applies only when both SYNs carried the option, and never to a SYN.
        if !flags.contains(.syn), let shift = forward.windowScale, reverse.windowScale != nil {
            analysis.windowSize = Int(tcp.window) << Int(min(shift, 14))
        } else {
            analysis.windowSize = Int(tcp.window)
        }
        if flags.contains(.fin) { forward.sawFIN = true }
        if flags.contains(.rst) { forward.sawRST = true }
        forward.packets += 1
        forward.bytes += tcp.segmentLength
        forward.frameBytes += frame.raw.originalLength

        if fromClient {
            clientToServer = forward
            serverToClient = reverse
        } else {
            serverToClient = forward
            clientToServer = reverse
        }
        lastFrame = frame.number
        lastTime = frame.raw.timestamp
    }
}
