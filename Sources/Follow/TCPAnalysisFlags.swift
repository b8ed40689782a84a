/// The `tcp.analysis.*` expert flags Wireshark attaches to a segment.
///
/// The raw values are Wireshark's `TCP_A_*` bits (packet-tcp.c), so a mask can be
/// compared with Wireshark's `ta->flags` directly.
public struct TCPAnalysisFlags: OptionSet, Sendable, Hashable {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    /// `tcp.analysis.retransmission` (`TCP_A_RETRANSMISSION`, 0x0001).
    public static let retransmission = TCPAnalysisFlags(rawValue: 0x0001)
    /// `tcp.analysis.lost_segment`: "Previous segment not captured" (`TCP_A_LOST_PACKET`).
    public static let lostSegment = TCPAnalysisFlags(rawValue: 0x0002)
    /// `tcp.analysis.ack_lost_segment`: "ACKed unseen segment" (`TCP_A_ACK_LOST_PACKET`).
    public static let ackLostSegment = TCPAnalysisFlags(rawValue: 0x0004)
    /// `tcp.analysis.keep_alive` (`TCP_A_KEEP_ALIVE`).
    public static let keepAlive = TCPAnalysisFlags(rawValue: 0x0008)
    /// `tcp.analysis.duplicate_ack` (`TCP_A_DUPLICATE_ACK`).
    public static let duplicateAck = TCPAnalysisFlags(rawValue: 0x0010)
    /// `tcp.analysis.zero_window` (`TCP_A_ZERO_WINDOW`).
    public static let zeroWindow = TCPAnalysisFlags(rawValue: 0x0020)
    /// `tcp.analysis.zero_window_probe` (`TCP_A_ZERO_WINDOW_PROBE`).
    public static let zeroWindowProbe = TCPAnalysisFlags(rawValue: 0x0040)
    /// `tcp.analysis.zero_window_probe_ack` (`TCP_A_ZERO_WINDOW_PROBE_ACK`).
    public static let zeroWindowProbeAck = TCPAnalysisFlags(rawValue: 0x0080)
    /// `tcp.analysis.keep_alive_ack` (`TCP_A_KEEP_ALIVE_ACK`).
    public static let keepAliveAck = TCPAnalysisFlags(rawValue: 0x0100)
    /// `tcp.analysis.out_of_order` (`TCP_A_OUT_OF_ORDER`).
    public static let outOfOrder = TCPAnalysisFlags(rawValue: 0x0200)
    /// `tcp.analysis.fast_retransmission` (`TCP_A_FAST_RETRANSMISSION`).
    public static let fastRetransmission = TCPAnalysisFlags(rawValue: 0x0400)
    /// `tcp.analysis.window_update` (`TCP_A_WINDOW_UPDATE`).
    public static let windowUpdate = TCPAnalysisFlags(rawValue: 0x0800)
    /// `tcp.analysis.window_full` (`TCP_A_WINDOW_FULL`).
    public static let windowFull = TCPAnalysisFlags(rawValue: 0x1000)
    /// `tcp.analysis.reused_ports` (`TCP_A_REUSED_PORTS`).
    public static let reusedPorts = TCPAnalysisFlags(rawValue: 0x2000)
    /// `tcp.analysis.spurious_retransmission` (`TCP_A_SPURIOUS_RETRANSMISSION`).
    public static let spuriousRetransmission = TCPAnalysisFlags(rawValue: 0x4000)

    /// Every flag, in the order Wireshark prints them
    /// (`tcp_print_sequence_number_analysis`).
    public static let printOrder: [(flag: TCPAnalysisFlags, field: String)] = [
        (.reusedPorts, "tcp.analysis.reused_ports"),
        (.retransmission, "tcp.analysis.retransmission"),
        (.fastRetransmission, "tcp.analysis.fast_retransmission"),
        (.spuriousRetransmission, "tcp.analysis.spurious_retransmission"),
        (.outOfOrder, "tcp.analysis.out_of_order"),
        (.lostSegment, "tcp.analysis.lost_segment"),
        (.ackLostSegment, "tcp.analysis.ack_lost_segment"),
        (.windowUpdate, "tcp.analysis.window_update"),
        (.windowFull, "tcp.analysis.window_full"),
        (.keepAlive, "tcp.analysis.keep_alive"),
        (.keepAliveAck, "tcp.analysis.keep_alive_ack"),
        (.duplicateAck, "tcp.analysis.duplicate_ack"),
        (.zeroWindowProbe, "tcp.analysis.zero_window_probe"),
        (.zeroWindow, "tcp.analysis.zero_window"),
        (.zeroWindowProbeAck, "tcp.analysis.zero_window_probe_ack"),
    ]

    /// True when tshark shows the `tcp.analysis.retransmission` field: Wireshark adds
    /// that expert item for fast and spurious retransmissions too.
    public var showsRetransmissionField: Bool {
        !isDisjoint(with: [.retransmission, .fastRetransmission, .spuriousRetransmission])
    }

    /// The `tcp.analysis.*` filter fields tshark shows for these flags, in print order
    /// (with `tcp.analysis.retransmission` added for fast and spurious retransmissions).
    public var fieldNames: [String] {
        var names: [String] = []
        for (flag, field) in Self.printOrder where contains(flag) {
            names.append(field)
            if flag == .fastRetransmission || flag == .spuriousRetransmission,
               !contains(.retransmission), !names.contains("tcp.analysis.retransmission") {
                names.append("tcp.analysis.retransmission")
            }
        }
        return names
    }
}

/// What the sequence analysis found for one segment (Wireshark's `struct tcp_acked`).
public struct TCPSegmentAnalysis: Sendable, Equatable {
    public var flags: TCPAnalysisFlags = []
    /// `tcp.analysis.duplicate_ack_num`: the number of this duplicate ACK (1, 2, ...),
    /// set only with `.duplicateAck`.
    public var duplicateAckNumber: Int?
    /// `tcp.analysis.duplicate_ack_frame`: the frame of the last non-duplicate ACK this
    /// one repeats, set only with `.duplicateAck`.
    public var duplicateAckOf: Int?
    /// `tcp.analysis.acks_frame`: the frame of the segment (in the other direction) whose
    /// end this segment's ACK number matches exactly.
    public var ackedFrame: Int?
    /// `tcp.analysis.ack_rtt` in nanoseconds: the time since `ackedFrame` (nil when zero,
    /// as tshark then omits the field).
    public var ackRTT: Int64?
    /// `tcp.analysis.initial_rtt` in nanoseconds, once the handshake has given it.
    public var initialRTT: Int64?
    /// `tcp.analysis.bytes_in_flight`: data sent and not yet acknowledged, for segments with data.
    public var bytesInFlight: Int?
    /// `tcp.analysis.push_bytes_sent`: data sent since the last PSH, for segments with data.
    public var pushBytesSent: Int?
    /// `tcp.analysis.rto` in nanoseconds and `tcp.analysis.rto_frame`: for a plain
    /// retransmission, the time since the frame that last advanced this side's highest
    /// sequence number, and that frame.
    public var rto: Int64?
    public var rtoFrame: Int?

    public init(flags: TCPAnalysisFlags = [], duplicateAckNumber: Int? = nil, duplicateAckOf: Int? = nil,
                ackedFrame: Int? = nil, ackRTT: Int64? = nil) {
        self.flags = flags
        self.duplicateAckNumber = duplicateAckNumber
        self.duplicateAckOf = duplicateAckOf
        self.ackedFrame = ackedFrame
        self.ackRTT = ackRTT
    }
}

/// `tcp.completeness` bits (Wireshark's `TCP_COMPLETENESS_*`).
public enum TCPCompleteness {
    public static let synSent: UInt8 = 0x01
    public static let synAck: UInt8 = 0x02
    public static let ack: UInt8 = 0x04
    public static let data: UInt8 = 0x08
    public static let fin: UInt8 = 0x10
    public static let rst: UInt8 = 0x20

    /// The label Wireshark shows for a completeness value (`conversation_completeness_fill`).
    public static func describe(_ value: UInt8) -> String {
        switch value {
        case 1: return "Incomplete, SYN_SENT (1)"
        case 3: return "Incomplete, CLIENT_ESTABLISHED (3)"
        case 7: return "Incomplete, ESTABLISHED (7)"
        case 15: return "Incomplete, DATA (15)"
        case 31, 47, 63: return "Complete, WITH_DATA (\(value))"
        case 23, 39, 55: return "Complete, NO_DATA (\(value))"
        default: return "Incomplete (\(value))"
        }
    }
}
