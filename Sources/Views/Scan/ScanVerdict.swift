import Dissect
import Follow

/// The kind of probe a scanner sends, as nmap's scan types name them.
public enum ScanType: String, Sendable, CaseIterable {
    /// Half-open SYN scan (`nmap -sS`): the scanner answers a SYN-ACK with RST.
    case syn
    /// Connect scan (`nmap -sT`): the scanner's kernel completes the handshake, then resets.
    case connect
    /// ACK scan (`nmap -sA`): tells filtered from unfiltered, never open from closed.
    case ack
    /// FIN scan (`nmap -sF`).
    case fin
    /// NULL scan (`nmap -sN`): no flags at all.
    case null
    /// Xmas scan (`nmap -sX`): FIN, PSH and URG.
    case xmas
    /// Maimon scan (`nmap -sM`): FIN and ACK.
    case maimon
    /// UDP scan (`nmap -sU`).
    case udp

    /// nmap's option for this scan type.
    public var nmapOption: String {
        switch self {
        case .syn: "-sS"
        case .connect: "-sT"
        case .ack: "-sA"
        case .fin: "-sF"
        case .null: "-sN"
        case .xmas: "-sX"
        case .maimon: "-sM"
        case .udp: "-sU"
        }
    }

    public var transport: ScanTransport { self == .udp ? .udp : .tcp }
}

public enum ScanTransport: String, Sendable, Comparable {
    case tcp, udp
    public static func < (a: ScanTransport, b: ScanTransport) -> Bool { a.rawValue < b.rawValue }
}

/// nmap's port states.
public enum PortState: String, Sendable, CaseIterable {
    case open
    case closed
    case filtered
    case unfiltered
    case openFiltered = "open|filtered"
}

/// nmap's reasons (`reason.cc`), in nmap's words.
public enum ScanReason: String, Sendable, CaseIterable {
    case synAck = "syn-ack"
    case splitHandshakeSyn = "split-handshake-syn"
    case reset
    case connRefused = "conn-refused"
    case udpResponse = "udp-response"
    case noResponse = "no-response"
    case netUnreach = "net-unreach"
    case hostUnreach = "host-unreach"
    case protoUnreach = "proto-unreach"
    case portUnreach = "port-unreach"
    case netProhibited = "net-prohibited"
    case hostProhibited = "host-prohibited"
    case adminProhibited = "admin-prohibited"
    case destUnreach = "dest-unreach"
    case timeExceeded = "time-exceeded"
    case noRoute = "no-route"
    case beyondScope = "beyond-scope"
    case rejectRoute = "reject-route"
}

/// One probe the scanner sent: its frame, time and source port.
public struct ScanProbe: Sendable {
    public var frame: Int
    public var time: Timestamp
    public var sourcePort: UInt16
    /// The TCP or UDP stream the follower gave the probe.
    public var stream: Int?
}

/// What came back for a probe.
public struct ScanResponse: Sendable {
    public enum Kind: Sendable, Equatable {
        /// A TCP segment from the probed port, with its flags.
        case tcp(TCPFlags)
        /// A UDP datagram from the probed port.
        case udp
        /// An ICMP (or ICMPv6) error quoting the probe.
        case icmp(type: UInt8, code: UInt8, v6: Bool)
    }
    public var frame: Int
    public var time: Timestamp
    public var kind: Kind
    /// Who sent it (a router's address for an ICMP error from elsewhere).
    public var source: IPAddress
    /// The source port of the probe it answers.
    public var answeredPort: UInt16
}

/// One probed port and nmap's verdict on it, with the evidence.
public struct PortVerdict: Sendable {
    public var scanner: IPAddress
    public var target: IPAddress
    public var port: UInt16
    public var transport: ScanTransport
    public var scanType: ScanType
    public var state: PortState
    public var reason: ScanReason
    public var probes: [ScanProbe]
    public var response: ScanResponse?
    /// What the scanner sent after the answer (the RST of a SYN scan, the ACK and RST of
    /// a connect scan), as frame numbers and flags.
    public var followUps: [(frame: Int, flags: TCPFlags)]
    /// Nanoseconds: from the answered probe to the answer, or, without an answer, from the
    /// first probe to the last frame of the scan.
    public var waited: Int64
    /// Probes beyond the per-port cap: counted, their frames not kept.
    public var uncountedProbes = 0

    /// Probes sent to this port, the uncounted ones included.
    public var probeCount: Int { probes.count + uncountedProbes }
    public var retries: Int { max(probeCount - 1, 0) }
    /// The probe was retried from a source port other than the first one's, as nmap does.
    public var retriedFromNewSourcePort: Bool { Set(probes.map(\.sourcePort)).count > 1 }
    /// Every frame of the evidence, in order.
    public var frames: [Int] {
        (probes.map(\.frame) + (response.map { [$0.frame] } ?? []) + followUps.map(\.frame)).sorted()
    }
    /// True when the answer was a RST from the target: a closed port, or a firewall's
    /// `reject with tcp reset`, which looks exactly the same.
    public var closedByReset: Bool {
        guard let response, case .tcp(let flags) = response.kind else { return false }
        return flags.contains(.rst) && state == .closed
    }
}

/// One scan: a scanner probing ports of one target with one kind of probe.
public struct ScanReport: Sendable {
    public var scanner: IPAddress
    public var target: IPAddress
    public var scanType: ScanType
    /// In port order.
    public var ports: [PortVerdict]
    public var firstFrame: Int
    public var lastFrame: Int
    /// At least `--min-ports` ports were probed: a scan. Fewer ports still get their
    /// verdicts (nmap -p25 probes one port), but are not called a scan.
    public var isScan: Bool
    public var transport: ScanTransport { scanType.transport }
}
