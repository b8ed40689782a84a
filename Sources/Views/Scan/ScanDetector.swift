import Dissect
import Follow

/// Finds port scans in a capture and infers each probed port's state with nmap's rules.
///
/// Feed it every frame (``observe(_:)``), then call ``finish()``. A probe is a SYN, or a
/// bare FIN, NULL, Xmas, ACK or FIN-ACK segment that opens a new TCP stream, or a UDP
/// datagram. Answers are matched to probes by address and ports; ICMP errors by the IP
/// and TCP/UDP header they quote. Every probed port gets a verdict; a scanner that probes
/// at least ``minimumPorts`` ports of one target with one kind of probe is, in addition,
/// reported as a scan. Retries are grouped by the probed port whatever their source port.
///
/// Memory is bounded by three caps, like the follower's: ports tracked, probe flows
/// (source ports) matched to answers, and probes remembered per port. What a cap turns
/// away is counted (``dropped``, ``untrackedProbes``) so that the views can say so.
public final class ScanDetector {
    /// Distinct ports one scanner must probe on one target to count as a scan.
    public var minimumPorts: Int
    /// Probed ports (scanner, target, port, probe kind) kept at most; probes of further
    /// ports are ignored and counted in `dropped`.
    public let maxRecords: Int
    /// Probe flows (a probe's source port) kept for matching answers; beyond it a probe
    /// still counts for its port but its answer cannot be matched (counted in `untrackedProbes`).
    public let maxFlows: Int
    /// Probes remembered per port with their frame numbers; further ones are only counted.
    public let maxProbesPerPort: Int
    /// Probes of ports beyond `maxRecords`.
    public private(set) var dropped = 0
    /// Probes counted but not remembered (beyond `maxFlows` or `maxProbesPerPort`).
    public private(set) var untrackedProbes = 0
    /// True when a cap turned anything away.
    public var evicted: Bool { dropped > 0 || untrackedProbes > 0 }

    private struct PortKey: Hashable {
        var scanner: IPAddress
        var target: IPAddress
        var transport: ScanTransport
        var port: UInt16
        var kind: ProbeKind
    }

    /// What a probe looks like; a SYN probe becomes a SYN or connect scan at the end.
    enum ProbeKind: Hashable, Sendable {
        case syn, ack, fin, null, xmas, maimon, udp
    }

    /// scanner, target, transport, probed port and the probe's source port.
    private struct FlowKey: Hashable {
        var scanner: IPAddress
        var target: IPAddress
        var transport: ScanTransport
        var port: UInt16
        var sourcePort: UInt16
    }

    private struct Record {
        var key: PortKey
        var probes: [ScanProbe] = []
        /// Probes beyond `maxProbesPerPort`, counted only.
        var uncountedProbes = 0
        var probeSeqs: [UInt32] = []
        var response: ScanResponse?
        var followUps: [(frame: Int, flags: TCPFlags)] = []
        /// The scanner sent payload after the handshake: a real connection, not a probe.
        var carriedData = false
        /// The SYN carried options only a kernel stack sends (timestamps, window scale, SACK).
        var kernelOptions = false
        var lastTime: Timestamp
        var lastFrame: Int
    }

    private var records: [Record] = []
    private var recordIndex: [PortKey: Int] = [:]
    private var flows: [FlowKey: Int] = [:]
    private var nextTCPStream = 0

    /// The default caps keep a million-SYN capture under 256 MiB together with the
    /// follower (issue 18): a full 65535-port scan of one target fits.
    public init(minimumPorts: Int = 3, maxRecords: Int = 65_536, maxFlows: Int = 131_072, maxProbesPerPort: Int = 16) {
        self.minimumPorts = minimumPorts
        self.maxRecords = maxRecords
        self.maxFlows = maxFlows
        self.maxProbesPerPort = maxProbesPerPort
    }

    public func observe(_ input: FieldInput) {
        let frame = input.frame
        guard let (src, dst) = frame.ipAddresses else { return }
        let time = frame.raw.timestamp
        if let tcp = frame.tcp {
            var isNewStream = false
            if let stream = input.analysis.tcpStream, stream >= nextTCPStream {
                isNewStream = true
                nextTCPStream = stream + 1
            }
            observeTCP(tcp, src: src, dst: dst, frame: frame.number, time: time,
                       stream: input.analysis.tcpStream, isNewStream: isNewStream)
        } else if let udp = frame.udp {
            observeUDP(udp, src: src, dst: dst, frame: frame.number, time: time, stream: input.analysis.udpStream)
        } else if let quoted = frame.quoted {
            if let icmp = frame.icmp, icmp.type == 3 || icmp.type == 11 {
                observeError(quoted, type: icmp.type, code: icmp.code, v6: false, src: src, dst: dst, frame: frame.number, time: time)
            } else if let icmp = frame.icmpv6, icmp.type == 1 || icmp.type == 3 {
                observeError(quoted, type: icmp.type, code: icmp.code, v6: true, src: src, dst: dst, frame: frame.number, time: time)
            }
        }
    }

    private func observeTCP(_ tcp: TCP, src: IPAddress, dst: IPAddress, frame: Int, time: Timestamp,
                            stream: Int?, isNewStream: Bool) {
        let flags = tcp.flags
        // An answer from the probed port to the probe's source port.
        if let i = flows[FlowKey(scanner: dst, target: src, transport: .tcp, port: tcp.sourcePort, sourcePort: tcp.destinationPort)] {
            if records[i].response == nil {
                records[i].response = ScanResponse(frame: frame, time: time, kind: .tcp(flags), source: src,
                                                   answeredPort: tcp.destinationPort)
            }
            touch(i, frame: frame, time: time)
            return
        }
        let kind = Self.probeKind(flags, payload: tcp.segmentLength, isNewStream: isNewStream)
        let flowKey = FlowKey(scanner: src, target: dst, transport: .tcp, port: tcp.destinationPort, sourcePort: tcp.sourcePort)
        if let i = flows[flowKey] {
            if let kind, kind == records[i].key.kind, records[i].response == nil {
                // The same probe again from the same port: a retry.
                remember(ScanProbe(frame: frame, time: time, sourcePort: tcp.sourcePort, stream: stream),
                         seq: tcp.sequenceNumber, in: i)
            } else {
                if records[i].response != nil { records[i].followUps.append((frame, flags)) }
                if tcp.segmentLength > 0 { records[i].carriedData = true }
            }
            touch(i, frame: frame, time: time)
            return
        }
        guard let kind else { return }
        let options = tcp.options
        let kernel = options.timestampValue != nil || options.windowScale != nil || options.sackPermitted
        addProbe(PortKey(scanner: src, target: dst, transport: .tcp, port: tcp.destinationPort, kind: kind),
                 flow: flowKey, probe: ScanProbe(frame: frame, time: time, sourcePort: tcp.sourcePort, stream: stream),
                 seq: tcp.sequenceNumber, kernelOptions: kernel)
    }

    private func observeUDP(_ udp: UDP, src: IPAddress, dst: IPAddress, frame: Int, time: Timestamp, stream: Int?) {
        if let i = flows[FlowKey(scanner: dst, target: src, transport: .udp, port: udp.sourcePort, sourcePort: udp.destinationPort)] {
            if records[i].response == nil {
                records[i].response = ScanResponse(frame: frame, time: time, kind: .udp, source: src,
                                                   answeredPort: udp.destinationPort)
            }
            touch(i, frame: frame, time: time)
            return
        }
        let flowKey = FlowKey(scanner: src, target: dst, transport: .udp, port: udp.destinationPort, sourcePort: udp.sourcePort)
        let probe = ScanProbe(frame: frame, time: time, sourcePort: udp.sourcePort, stream: stream)
        addProbe(PortKey(scanner: src, target: dst, transport: .udp, port: udp.destinationPort, kind: .udp),
                 flow: flowKey, probe: probe, seq: 0, kernelOptions: false)
    }

    private func addProbe(_ key: PortKey, flow: FlowKey, probe: ScanProbe, seq: UInt32, kernelOptions: Bool) {
        let i: Int
        if let existing = recordIndex[key] {
            i = existing
        } else {
            guard records.count < maxRecords else {
                dropped += 1
                return
            }
            records.append(Record(key: key, lastTime: probe.time, lastFrame: probe.frame))
            i = records.count - 1
            recordIndex[key] = i
        }
        let kept = remember(probe, seq: seq, in: i)
        if kernelOptions { records[i].kernelOptions = true }
        if flows.count < maxFlows {
            flows[flow] = i
        } else if kept {
            untrackedProbes += 1   // counted once: remember() counted it when not kept
        }
        touch(i, frame: probe.frame, time: probe.time)
    }

    @discardableResult
    private func remember(_ probe: ScanProbe, seq: UInt32, in i: Int) -> Bool {
        if records[i].probes.count < maxProbesPerPort {
            records[i].probes.append(probe)
            records[i].probeSeqs.append(seq)
            return true
        }
        records[i].uncountedProbes += 1
        untrackedProbes += 1
        return false
    }

    /// An ICMP error sent to the scanner, quoting one of its probes.
    private func observeError(_ quoted: QuotedPacket, type: UInt8, code: UInt8, v6: Bool,
                              src: IPAddress, dst: IPAddress, frame: Int, time: Timestamp) {
        let addresses: (IPAddress, IPAddress)
        if let ip = quoted.ipv4 {
            addresses = (IPAddress(ip.source), IPAddress(ip.destination))
        } else if let ip = quoted.ipv6 {
            addresses = (IPAddress(ip.source), IPAddress(ip.destination))
        } else {
            return
        }
        guard addresses.0 == dst else { return }
        let key: FlowKey
        var seq: UInt32?
        if let tcp = quoted.tcp {
            key = FlowKey(scanner: addresses.0, target: addresses.1, transport: .tcp, port: tcp.destinationPort, sourcePort: tcp.sourcePort)
            seq = tcp.sequenceNumber
        } else if let udp = quoted.udp {
            key = FlowKey(scanner: addresses.0, target: addresses.1, transport: .udp, port: udp.destinationPort, sourcePort: udp.sourcePort)
        } else {
            return
        }
        guard let i = flows[key] else { return }
        // nmap also checks the quoted sequence number against the probe's.
        if let seq, !records[i].probeSeqs.contains(seq) { return }
        if records[i].response == nil {
            records[i].response = ScanResponse(frame: frame, time: time, kind: .icmp(type: type, code: code, v6: v6),
                                               source: src, answeredPort: key.sourcePort)
        }
        touch(i, frame: frame, time: time)
    }

    private func touch(_ i: Int, frame: Int, time: Timestamp) {
        if records[i].lastTime < time { records[i].lastTime = time }
        records[i].lastFrame = max(records[i].lastFrame, frame)
    }

    static func probeKind(_ flags: TCPFlags, payload: Int, isNewStream: Bool) -> ProbeKind? {
        let core = flags.intersection([.fin, .syn, .rst, .psh, .ack, .urg])
        if core.contains(.syn) && !core.contains(.ack) && !core.contains(.rst) { return .syn }
        guard payload == 0, isNewStream else { return nil }
        switch core {
        case []: return .null
        case [.fin]: return .fin
        case [.fin, .psh, .urg]: return .xmas
        case [.ack]: return .ack
        case [.fin, .ack]: return .maimon
        default: return nil
        }
    }

    // MARK: - Verdicts

    private struct GroupKey: Hashable {
        var scanner: IPAddress
        var target: IPAddress
        var kind: ProbeKind
    }

    /// Every probed target, in the order its probes started, each with its ports in port
    /// order; ``ScanReport/isScan`` tells which of them probed enough ports to be a scan.
    public func finish() -> [ScanReport] {
        var groups: [GroupKey: [Int]] = [:]
        for (i, r) in records.enumerated() where !r.carriedData {
            groups[GroupKey(scanner: r.key.scanner, target: r.key.target, kind: r.key.kind), default: []].append(i)
        }
        var reports: [ScanReport] = []
        for (key, members) in groups {
            let scanType = scanType(key.kind, members: members)
            let lastTime = members.map { records[$0].lastTime }.max() ?? .zero
            var ports: [PortVerdict] = []
            for i in members {
                ports.append(verdict(records[i], scanType: scanType, scanEnd: lastTime))
            }
            ports.sort { $0.port < $1.port }
            let frames = ports.flatMap(\.frames)
            reports.append(ScanReport(scanner: key.scanner, target: key.target, scanType: scanType, ports: ports,
                                      firstFrame: frames.min() ?? 0, lastFrame: frames.max() ?? 0,
                                      isScan: ports.count >= minimumPorts))
        }
        return reports.sorted { $0.firstFrame < $1.firstFrame }
    }

    /// SYN probes are a connect scan when the scanner completed handshakes (or its SYNs
    /// carry a kernel's options), a half-open SYN scan when it reset them.
    private func scanType(_ kind: ProbeKind, members: [Int]) -> ScanType {
        switch kind {
        case .ack: return .ack
        case .fin: return .fin
        case .null: return .null
        case .xmas: return .xmas
        case .maimon: return .maimon
        case .udp: return .udp
        case .syn:
            var completed = 0, reset = 0, kernel = 0
            for i in members {
                if records[i].kernelOptions { kernel += 1 }
                guard let first = records[i].followUps.first else { continue }
                if first.flags.contains(.rst) && !first.flags.contains(.ack) { reset += 1 } else if first.flags.contains(.ack) { completed += 1 }
            }
            if completed != reset { return completed > reset ? .connect : .syn }
            return kernel * 2 > members.count ? .connect : .syn
        }
    }

    private func verdict(_ r: Record, scanType: ScanType, scanEnd: Timestamp) -> PortVerdict {
        var state: PortState
        var reason = ScanReason.noResponse
        switch scanType {
        case .syn, .connect, .ack: state = .filtered
        case .fin, .null, .xmas, .maimon, .udp: state = .openFiltered
        }
        var response = r.response
        if let answer = r.response {
            let fromTarget = answer.source == r.key.target
            if let (s, why) = Self.interpret(answer.kind, scanType: scanType, fromTarget: fromTarget) {
                state = s
                reason = why
            } else {
                response = nil
            }
        }
        let waited: Int64
        if let response {
            let answered = r.probes.last { $0.sourcePort == response.answeredPort && $0.time <= response.time } ?? r.probes[0]
            waited = response.time.nanoseconds(since: answered.time)
        } else {
            waited = scanEnd.nanoseconds(since: r.probes[0].time)
        }
        return PortVerdict(scanner: r.key.scanner, target: r.key.target, port: r.key.port, transport: r.key.transport,
                           scanType: scanType, state: state, reason: reason, probes: r.probes, response: r.response,
                           followUps: r.followUps, waited: waited, uncountedProbes: r.uncountedProbes)
    }

    /// nmap's rules (`scan_engine_raw.cc` get_pcap_result, `scan_engine_connect.cc`
    /// handleConnectResult with Linux's ICMP-to-errno mapping). Nil: nmap ignores it.
    public static func interpret(_ kind: ScanResponse.Kind, scanType: ScanType, fromTarget: Bool) -> (PortState, ScanReason)? {
        switch kind {
        case .tcp(let flags):
            let synAck = flags.contains(.syn) && flags.contains(.ack)
            switch scanType {
            case .syn:
                if synAck { return (.open, .synAck) }
                if flags.contains(.rst) { return (.closed, .reset) }
                if flags.contains(.syn) { return (.open, .splitHandshakeSyn) }
                return nil
            case .connect:
                if flags.contains(.syn) { return (.open, .synAck) }
                if flags.contains(.rst) { return (.closed, .connRefused) }
                return nil
            case .ack:
                return flags.contains(.rst) ? (.unfiltered, .reset) : nil
            case .fin, .null, .xmas, .maimon:
                return flags.contains(.rst) ? (.closed, .reset) : nil
            case .udp:
                return nil
            }
        case .udp:
            return scanType == .udp ? (.open, .udpResponse) : nil
        case .icmp(let type, let code, let v6):
            if scanType == .connect { return connectICMP(type: type, code: code, v6: v6) }
            if !v6 {
                if type == 11 { return (.filtered, .timeExceeded) }
                guard type == 3 else { return nil }
                switch code {
                case 0: return (.filtered, .netUnreach)
                case 1: return (.filtered, .hostUnreach)
                case 2: return (.filtered, .protoUnreach)
                case 3: return (fromTarget && scanType == .udp ? .closed : .filtered, .portUnreach)
                case 9: return (.filtered, .netProhibited)
                case 10: return (.filtered, .hostProhibited)
                case 13: return (.filtered, .adminProhibited)
                default: return nil
                }
            }
            // ICMPv6 time exceeded: nmap ignores it; treated like ICMPv4's.
            if type == 3 { return (.filtered, .timeExceeded) }
            guard type == 1 else { return nil }
            switch code {
            case 0: return (.filtered, .noRoute)
            case 1, 5: return (.filtered, .adminProhibited)
            case 2: return (.filtered, .beyondScope)
            case 3: return (.filtered, .hostUnreach)
            case 4: return (fromTarget && scanType == .udp ? .closed : .filtered, .portUnreach)
            case 6: return (.filtered, .rejectRoute)
            default: return nil
            }
        }
    }

    /// A connect scan learns the answer from connect()'s errno: Linux turns the ICMP
    /// error into an errno (`icmp_err_convert`, `icmpv6_err_convert`) and nmap reads that.
    static func connectICMP(type: UInt8, code: UInt8, v6: Bool) -> (PortState, ScanReason)? {
        if !v6 {
            if type == 11 { return (.filtered, .hostUnreach) }                 // EHOSTUNREACH
            guard type == 3 else { return nil }
            switch code {
            case 3: return (.closed, .connRefused)                             // ECONNREFUSED
            case 2: return (.filtered, .protoUnreach)                          // ENOPROTOOPT
            case 0, 6, 9, 11: return (.filtered, .netUnreach)                  // ENETUNREACH
            case 7: return (.filtered, .noResponse)                            // EHOSTDOWN
            case 8: return (.filtered, .destUnreach)                           // ENONET
            case 1, 10, 12, 13, 14, 15: return (.filtered, .hostUnreach)       // EHOSTUNREACH
            default: return nil
            }
        }
        if type == 3 { return (.filtered, .hostUnreach) }
        guard type == 1 else { return nil }
        switch code {
        case 0: return (.filtered, .netUnreach)                                // ENETUNREACH
        case 1, 5, 6: return (.filtered, .adminProhibited)                     // EACCES
        case 4: return (.closed, .connRefused)                                 // ECONNREFUSED
        default: return (.filtered, .hostUnreach)                              // EHOSTUNREACH
        }
    }
}
