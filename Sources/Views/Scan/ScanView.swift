import Dissect
import Follow
import Sockets

/// `scan`: a table per scanned target in port order, or one JSON object per port.
public struct ScanView: Sendable {
    public init() {}

    /// How a scan type is named in the table heading.
    public static func title(_ type: ScanType) -> String {
        switch type {
        case .syn: "SYN scan (half-open, like nmap -sS)"
        case .connect: "connect scan (full handshake, like nmap -sT)"
        case .ack: "ACK scan (like nmap -sA)"
        case .fin: "FIN scan (like nmap -sF)"
        case .null: "NULL scan (like nmap -sN)"
        case .xmas: "Xmas scan (like nmap -sX)"
        case .maimon: "Maimon scan (like nmap -sM)"
        case .udp: "UDP scan (like nmap -sU)"
        }
    }

    /// Ports in one state are left out of the table, as nmap does, once more than this
    /// many share it (never open ones): "Not shown: 1021 closed tcp ports (reset)".
    public var hideAbove = 25
    /// List every port, even the common state nmap leaves out.
    public var showAll = false
    /// The `--min-ports` in force, for the heading of probes that are not called a scan.
    public var minimumPorts = 3
    /// SERVICE names from /etc/services (nmap uses its own nmap-services; the two agree
    /// on the well-known ports), or a built-in table without that file.
    public var services = ServiceNames.system

    public func writeTable(_ reports: [ScanReport], to out: OutputBuffer) {
        if reports.isEmpty {
            out.ascii("No port scan or probe found.\n")
            return
        }
        for (n, report) in reports.enumerated() {
            if n > 0 { out.byte(10) }
            let proto = report.transport.rawValue.uppercased()
            if report.isScan {
                out.string("Scan of \(report.target) by \(report.scanner): \(Self.title(report.scanType)), ")
                out.string("\(report.ports.count) \(proto) ports, frames \(report.firstFrame)-\(report.lastFrame)\n")
            } else {
                let ports = report.ports.count == 1 ? "1 \(proto) port" : "\(report.ports.count) \(proto) ports"
                out.string("Probe of \(report.target) by \(report.scanner): \(Self.title(report.scanType)), \(ports), ")
                out.string("frames \(report.firstFrame)-\(report.lastFrame) (fewer than --min-ports \(minimumPorts): not called a scan)\n")
            }
            let hidden = showAll ? [] : Self.hiddenStates(report.ports, above: hideAbove)
            if let line = Self.notShown(report.ports, hidden: hidden, transport: report.transport) { out.string(line + "\n") }
            let rows = report.ports.filter { !hidden.contains($0.state) }.map { p -> [String] in
                ["\(p.port)/\(p.transport.rawValue)", p.state.rawValue, Self.service(p, services),
                 p.reason.rawValue, "\(p.probeCount)", "\(p.retries)", Self.duration(p.waited), Self.frameList(p.frames),
                 Self.evidence(p)]
            }
            let header = ["PORT", "STATE", "SERVICE", "REASON", "PROBES", "RETRIES", "WAITED", "FRAMES", "EVIDENCE"]
            var widths = header.map(\.count)
            for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
            for row in [header] + rows {
                for (i, cell) in row.enumerated() {
                    let start = out.count
                    out.string(cell)
                    if i < row.count - 1 {
                        out.pad(from: start, to: widths[i] + 2)
                    }
                }
                out.byte(10)
                out.flushIfFull()
            }
            if report.ports.contains(where: \.closedByReset) {
                out.ascii("Note: a closed port answers with RST. A firewall rule `reject with tcp reset` sends the same RST: the packets cannot tell them apart.\n")
            }
            let renewed = report.ports.filter(\.retriedFromNewSourcePort)
            if !renewed.isEmpty {
                out.string("Note: retries from a new source port are the same probe again (nmap changes the source port per retry); ports: \(Self.portList(renewed.map(\.port))).\n")
            }
        }
    }

    /// nmap prints "unknown" for a port without a name.
    public static func service(_ p: PortVerdict, _ names: ServiceNames) -> String {
        names.name(port: p.port, proto: p.transport == .tcp ? .tcp : .udp) ?? "unknown"
    }

    /// The states nmap would leave out: not open, and shared by more than `above` ports.
    static func hiddenStates(_ ports: [PortVerdict], above: Int) -> Set<PortState> {
        var counts: [PortState: Int] = [:]
        for p in ports { counts[p.state, default: 0] += 1 }
        return Set(counts.filter { $0.key != .open && $0.value > above }.map(\.key))
    }

    /// nmap's line for the ports left out: "Not shown: 1021 closed tcp ports (reset)", with
    /// "(600 no-response, 4 admin-prohibited)" when their reasons differ.
    static func notShown(_ ports: [PortVerdict], hidden: Set<PortState>, transport: ScanTransport) -> String? {
        guard !hidden.isEmpty else { return nil }
        var parts: [String] = []
        for state in PortState.allCases where hidden.contains(state) {
            let members = ports.filter { $0.state == state }
            var reasons: [(ScanReason, Int)] = []
            for m in members {
                if let i = reasons.firstIndex(where: { $0.0 == m.reason }) { reasons[i].1 += 1 } else { reasons.append((m.reason, 1)) }
            }
            let why = reasons.count == 1 ? reasons[0].0.rawValue
                : reasons.sorted { $0.1 > $1.1 }.map { "\($0.1) \($0.0.rawValue)" }.joined(separator: ", ")
            parts.append("\(members.count) \(state.rawValue) \(transport.rawValue) ports (\(why))")
        }
        return "Not shown: " + parts.joined(separator: ", ")
    }

    /// "1-24,26-79,81" for a set of ports.
    public static func portList(_ ports: [UInt16]) -> String {
        let sorted = Array(Set(ports)).sorted()
        var parts: [String] = []
        var i = 0
        while i < sorted.count {
            var j = i
            while j + 1 < sorted.count && sorted[j + 1] == sorted[j] + 1 { j += 1 }
            parts.append(i == j ? "\(sorted[i])" : "\(sorted[i])-\(sorted[j])")
            i = j + 1
        }
        return parts.joined(separator: ",")
    }

    /// What the memory caps turned away, or nil when nothing was.
    public static func capNote(_ detector: ScanDetector) -> String? {
        guard detector.evicted else { return nil }
        var parts: [String] = []
        if detector.dropped > 0 {
            parts.append("\(detector.dropped) probes of ports beyond the first \(detector.maxRecords) were not judged")
        }
        if detector.untrackedProbes > 0 {
            parts.append("\(detector.untrackedProbes) probes were counted without their frames or answers")
        }
        return "note: scan memory cap reached: " + parts.joined(separator: "; ")
    }

    /// One JSON object per port: target, port, proto, state, reason, probes, frames,
    /// scan_type, plus scanner, retries, waited_ms and response.
    public func writeJSON(_ reports: [ScanReport], to out: OutputBuffer) {
        for report in reports {
            for p in report.ports {
                out.string("{\"target\":\"\(p.target)\",\"port\":\(p.port),\"proto\":\"\(p.transport.rawValue)\",")
                out.string("\"state\":\"\(p.state.rawValue)\",\"reason\":\"\(p.reason.rawValue)\",\"probes\":\(p.probeCount),")
                out.string("\"frames\":[\(p.frames.map(String.init).joined(separator: ","))],\"scan_type\":\"\(p.scanType.rawValue)\",")
                out.string("\"scanner\":\"\(p.scanner)\",\"retries\":\(p.retries),\"waited_ms\":\(Self.milliseconds(p.waited)),")
                out.string("\"service\":\"\(Self.service(p, services))\",\"is_scan\":\(report.isScan)")
                if let r = p.response {
                    out.string(",\"response\":{\"frame\":\(r.frame),\"what\":\"\(Self.responseName(r.kind))\",\"from\":\"\(r.source)\"}")
                }
                out.ascii("}\n")
                out.flushIfFull()
            }
        }
    }

    static func milliseconds(_ ns: Int64) -> String {
        let us = (ns + 500) / 1000
        let ms = us / 1000, frac = us % 1000
        let f = String(frac)
        return "\(ms).\(String(repeating: "0", count: 3 - f.count))\(f)"
    }

    /// "0.02 ms", "1.10 s".
    public static func duration(_ ns: Int64, decimalSeparator: String = ".") -> String {
        func fixed(_ value: Double, _ digits: Int) -> String {
            var scale = 1.0
            for _ in 0..<digits { scale *= 10 }
            let n = Int64((value * scale).rounded())
            let whole = n / Int64(scale), frac = n % Int64(scale)
            if digits == 0 { return "\(whole)" }
            let f = String(frac)
            return "\(whole)\(decimalSeparator)\(String(repeating: "0", count: digits - f.count))\(f)"
        }
        if ns >= 1_000_000_000 { return fixed(Double(ns) / 1e9, ns >= 10_000_000_000 ? 1 : 2) + " s" }
        if ns >= 100_000_000 { return fixed(Double(ns) / 1e9, 2) + " s" }
        return fixed(Double(ns) / 1e6, 2) + " ms"
    }

    static func frameList(_ frames: [Int]) -> String {
        frames.map(String.init).joined(separator: ",")
    }

    /// nmap-style names of what came back: "SYN-ACK", "RST", "ICMP 3/13", "UDP".
    public static func responseName(_ kind: ScanResponse.Kind) -> String {
        switch kind {
        case .tcp(let flags): return tcpFlagsName(flags)
        case .udp: return "UDP"
        case .icmp(let type, let code, let v6): return "\(v6 ? "ICMPv6" : "ICMP") \(type)/\(code)"
        }
    }

    public static func tcpFlagsName(_ flags: TCPFlags) -> String {
        let names: [(TCPFlags, String)] = [(.syn, "SYN"), (.fin, "FIN"), (.rst, "RST"), (.psh, "PSH"), (.ack, "ACK"), (.urg, "URG")]
        let text = names.filter { flags.contains($0.0) }.map(\.1).joined(separator: "-")
        return text.isEmpty ? "no flags" : text
    }

    /// A short account: what went out, what came back, what the scanner did next.
    static func evidence(_ p: PortVerdict) -> String {
        var parts: [String] = []
        let probeName: String
        switch p.scanType {
        case .syn, .connect: probeName = "SYN"
        case .ack: probeName = "ACK"
        case .fin: probeName = "FIN"
        case .null: probeName = "NULL"
        case .xmas: probeName = "FIN-PSH-URG"
        case .maimon: probeName = "FIN-ACK"
        case .udp: probeName = "UDP"
        }
        parts.append("\(probeName) in \(p.probes.map { String($0.frame) }.joined(separator: ","))")
        if let r = p.response {
            var text = "\(responseName(r.kind)) in \(r.frame)"
            if r.source != p.target { text += " from \(r.source)" }
            parts.append(text)
        } else {
            parts.append("no answer")
        }
        if !p.followUps.isEmpty {
            parts.append("then " + p.followUps.map { "\(tcpFlagsName($0.flags)) in \($0.frame)" }.joined(separator: ", "))
        }
        return parts.joined(separator: "; ")
    }
}
