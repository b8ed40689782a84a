import Dissect

/// What the layers above the transport are, once the follower has seen the stream:
/// Wireshark decides this during reassembly, not from one frame alone.
public enum ApplicationVerdict: Sendable, Equatable {
    /// Whatever the decoder found in this frame alone.
    case asDecoded
    /// Nothing above TCP/UDP: a segment of a PDU completed later, or retransmitted or
    /// out-of-order data, which Wireshark does not hand to the application dissector.
    case transportOnly
    /// These layers above the transport (for example `http`, `data-text-lines`).
    case layers(Layer, Layer?)
}

/// What the follower adds to one frame: stream numbers, relative sequence numbers,
/// the TCP analysis flags, and what the stream says about the application layer.
public struct FrameAnalysis: Sendable {
    public var tcpStream: Int?
    public var udpStream: Int?
    /// The stream of the TCP or UDP packet quoted in an ICMP error, when it is known.
    public var quotedTCPStream: Int?
    public var quotedUDPStream: Int?
    /// True when the frame goes from the conversation's client (originator) to its server.
    public var fromClient = false
    public var relativeSeq: UInt32 = 0
    public var relativeAck: UInt32 = 0
    /// The relative sequence number after this segment (`tcp.nxtseq`); tcp.seq when it carries nothing.
    public var nextSeq: UInt32 = 0
    /// The window in bytes after scaling (`tcp.window_size`), or the raw field when the
    /// scale is unknown.
    public var windowSize: Int = 0
    /// `tcp.window_size_scalefactor` on segments other than SYNs: the multiplier, -1 when
    /// the handshake was not seen, -2 when it was and scaling is not in use.
    public var windowScaleFactor: Int?
    /// Wireshark's `tcp.analysis.*` verdicts for this segment.
    public var tcp = TCPSegmentAnalysis()
    /// `tcp.completeness` as it stood before this frame, as tshark shows it.
    public var completeness: UInt8?
    public var application = ApplicationVerdict.asDecoded
    /// The HTTP message this frame completed, if any. Kept out of line: few frames have one,
    /// and the analysis is built and copied for every frame.
    public var http: HTTPMessage? {
        get { httpBox?.message }
        set {
            // Moved into the box, not copied (a message holds strings and arrays).
            switch consume newValue {
            case .some(let message): httpBox = HTTPMessageBox(message)
            case .none: httpBox = nil
            }
        }
    }
    private var httpBox: HTTPMessageBox?
    /// Whether the frame completed an HTTP message, without copying the message out.
    public var hasHTTP: Bool { httpBox != nil }
    /// The TLS records or SSH packets this frame shows, for frames of such conversations.
    public var records: StreamRecords?
    /// For a segment of an HTTP message completed later: the message's first line, when
    /// tshark shows it in the Info column.
    public var pduFirstLine: [UInt8]?
    /// HTTP data tshark shows by itself as `Continuation`: a segment with no request or
    /// status line, in a direction the snaplen cut (so it could not be put together).
    public var isHTTPContinuation = false
    /// For an ICMP echo reply: the frame of its request.
    public var echoRequestFrame: Int?
    /// The read or write request of the TFTP transfer this datagram belongs to, for
    /// tshark's `[Destination File]` and `[Read Request in frame N]` lines.
    public var tftpRequest: TFTPRequest?
    /// For a DNS response over UDP: the frame of its query and the time since it.
    public var dnsQueryFrame: Int?
    public var dnsResponseTime: Int64?
    /// For a DNS query or response that repeats one: the frame of the original.
    public var dnsRetransmissionOf: Int?
    /// A DNS response with no query of its id in its conversation.
    public var dnsUnsolicited = false
    /// An EAP request or response that repeats the identifier of the one before it.
    public var eapRetransmission = false
    /// For a Modbus/TCP response: each ADU's request, when one was seen.
    public var modbusRequests: [ModbusRequestMatch?]?
    /// For an ESP packet whose sequence number is not one more than its SPI's last.
    public var espSequence: ESPSequenceCheck?
    /// For an ICMP echo reply: nanoseconds since its request.
    public var echoResponseTime: Int64?
    /// For a FIN: whether it starts the close or answers the peer's FIN (Wireshark's
    /// "initiates" / "undergoes the connection closing").
    public var finInitiatesClose: Bool?
    /// Times within the TCP or UDP stream (`tcp.time_relative`, `tcp.time_delta`).
    public var streamTimes: StreamTimes?
    /// The outer UDP conversation of a VXLAN or Geneve tunnel: its `udp.stream` and times
    /// (``streamTimes`` and ``udpStream`` then belong to the inner packet when it has its own).
    public var tunnelUDPStream: Int?
    public var tunnelStreamTimes: StreamTimes?
    public init() {}

    /// True when this frame's data is a segment of a PDU that a later frame completes.
    public var isPDUSegment: Bool { application == .transportOnly && !tcp.flags.hidesPayload }
}

/// Nanoseconds since the stream's first frame and since its previous frame.
public struct StreamTimes: Sendable, Equatable {
    public var sinceFirst: Int64
    public var sincePrevious: Int64
    public init(sinceFirst: Int64, sincePrevious: Int64) {
        self.sinceFirst = sinceFirst
        self.sincePrevious = sincePrevious
    }
}

extension TCPAnalysisFlags {
    /// Flags for which tshark 4.0 does not hand the payload to the application dissector:
    /// plain and spurious retransmissions (data it has seen) and out-of-order segments.
    /// A fast retransmission is dissected (lossy.pcap frame 66, dpkt's http.pcap frame 36).
    public var hidesPayload: Bool {
        !intersection([.retransmission, .spuriousRetransmission, .outOfOrder]).isEmpty
    }

    /// Retransmissions whose payload tshark 4.0 shows as "Retransmitted TCP segment data".
    public var marksRetransmittedData: Bool {
        !intersection([.retransmission, .spuriousRetransmission]).isEmpty
    }
}

final class HTTPMessageBox: Sendable {
    let message: HTTPMessage
    init(_ message: HTTPMessage) { self.message = message }
}

/// Wireshark's ESP sequence analysis (`esp.sequence-analysis.*`): the number expected
/// after the SPI's previous packet, and that packet's frame.
public struct ESPSequenceCheck: Sendable, Equatable {
    public var expected: UInt32
    public var previousFrame: UInt32
}

/// A TFTP read or write request: its frame and the file it names.
public struct TFTPRequest: Sendable, Equatable {
    public var frame: Int
    public var isWrite: Bool
    /// The name's bytes as the request carried them (up to 256).
    public var fileName: [UInt8]
}
