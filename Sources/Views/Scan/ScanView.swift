import Dissect
import Follow

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

    public func writeTable(_ reports: [ScanReport], to out: OutputBuffer) {
        if reports.isEmpty {
            out.ascii("No port scan found.\n")
            return
        }
        for (n, report) in reports.enumerated() {
            if n > 0 { out.byte(10) }
            out.string("Scan of \(report.target) by \(report.scanner): \(Self.title(report.scanType)), ")
            out.string("\(report.ports.count) \(report.transport.rawValue.uppercased()) ports, frames \(report.firstFrame)-\(report.lastFrame)\n")
            let rows = report.ports.map { p -> [String] in
                ["\(p.port)/\(p.transport.rawValue)", p.state.rawValue, p.reason.rawValue, "\(p.probes.count)",
                 "\(p.retries)", Self.duration(p.waited), Self.frameList(p.frames), Self.evidence(p)]
            }
            let header = ["PORT", "STATE", "REASON", "PROBES", "RETRIES", "WAITED", "FRAMES", "EVIDENCE"]
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
            }
            if report.ports.contains(where: \.closedByReset) {
                out.ascii("Note: a closed port answers with RST. A firewall rule `reject with tcp reset` sends the same RST: the packets cannot tell them apart.\n")
            }
        }
    }

    /// One JSON object per port: target, port, proto, state, reason, probes, frames,
    /// scan_type, plus scanner, retries, waited_ms and response.
    public func writeJSON(_ reports: [ScanReport], to out: OutputBuffer) {
        for report in reports {
            for p in report.ports {
                out.string("{\"target\":\"\(p.target)\",\"port\":\(p.port),\"proto\":\"\(p.transport.rawValue)\",")
                out.string("\"state\":\"\(p.state.rawValue)\",\"reason\":\"\(p.reason.rawValue)\",\"probes\":\(p.probes.count),")
                out.string("\"frames\":[\(p.frames.map(String.init).joined(separator: ","))],\"scan_type\":\"\(p.scanType.rawValue)\",")
                out.string("\"scanner\":\"\(p.scanner)\",\"retries\":\(p.retries),\"waited_ms\":\(Self.milliseconds(p.waited))")
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
