import Dissect
import Follow

/// `flow`: a ladder diagram of the conversation, one lane per endpoint, one arrow per
/// packet labelled with flags, relative seq/ack and length, as Wireshark's Flow Graph.
public final class FlowView {
    public struct Arrow: Sendable {
        public var frame: Int
        public var time: Int64
        public var from: Int
        public var to: Int
        public var label: String
        public var kind: Kind
    }

    public enum Kind: Sendable { case handshake, data, close, reset, problem, other }

    /// One end of an arrow: an address, and its port when the transport has one.
    struct Endpoint: Hashable {
        var address: IPAddress
        var port: UInt16?
    }

    private struct PendingArrow {
        var frame: Int
        var time: Int64
        var from: Endpoint
        var to: Endpoint
        var label: String
        var kind: Kind
    }

    private var pending: [PendingArrow] = []
    /// Addresses that were both ends of one packet (loopback, a host talking to itself):
    /// one lane per host would draw such a packet from a lane to itself, so these
    /// addresses get one lane per endpoint (address and port) instead.
    private var sharedAddresses: Set<IPAddress> = []
    /// Arrows kept at most; a longer flow is cut, with a note.
    public let limit: Int
    public private(set) var omitted = 0

    /// One lane per host (ports go into the labels), as Wireshark's general flow, except
    /// for addresses shared by both ends of a packet; otherwise one lane per address and
    /// port, for a single conversation.
    public let lanesByHost: Bool

    public init(lanesByHost: Bool, limit: Int = 20_000) {
        self.lanesByHost = lanesByHost
        self.limit = limit
    }

    /// Adds the frame's arrow when it is TCP, UDP or ICMP between IP endpoints.
    public func add(_ input: FieldInput) {
        let frame = input.frame
        guard let (src, dst) = frame.ipAddresses else { return }
        let ports: (UInt16, UInt16)?
        if let tcp = frame.tcp { ports = (tcp.sourcePort, tcp.destinationPort) } else if let udp = frame.udp {
            ports = (udp.sourcePort, udp.destinationPort)
        } else { ports = nil }
        if src == dst { sharedAddresses.insert(src) }
        guard pending.count < limit else {
            omitted += 1
            return
        }
        let (label, kind) = Self.label(input)
        pending.append(PendingArrow(frame: frame.number, time: frame.raw.timestamp.nanoseconds(since: input.reference),
                                    from: Endpoint(address: src, port: ports?.0), to: Endpoint(address: dst, port: ports?.1),
                                    label: label, kind: kind))
    }

    /// The lanes, left to right in order of first appearance. Known only once every
    /// frame is in: a later loopback packet splits an address into endpoint lanes.
    public var lanes: [String] { layout().lanes }

    /// The arrows between ``lanes``.
    public var arrows: [Arrow] { layout().arrows }

    private func layout() -> (lanes: [String], arrows: [Arrow]) {
        var lanes: [String] = []
        var index: [String: Int] = [:]
        func lane(_ endpoint: Endpoint) -> Int {
            let name = Self.name(endpoint.address, laneHasPort(endpoint) ? endpoint.port : nil)
            if let i = index[name] { return i }
            lanes.append(name)
            index[name] = lanes.count - 1
            return lanes.count - 1
        }
        var arrows: [Arrow] = []
        arrows.reserveCapacity(pending.count)
        for p in pending {
            let from = lane(p.from), to = lane(p.to)
            var label = p.label
            // Ports that no lane shows go into the label.
            if let sp = p.from.port, let dp = p.to.port, !laneHasPort(p.from) || !laneHasPort(p.to) {
                label = "\(sp) → \(dp) " + label
            }
            arrows.append(Arrow(frame: p.frame, time: p.time, from: from, to: to, label: label, kind: p.kind))
        }
        return (lanes, arrows)
    }

    private func laneHasPort(_ endpoint: Endpoint) -> Bool {
        endpoint.port != nil && (!lanesByHost || sharedAddresses.contains(endpoint.address))
    }

    static func name(_ address: IPAddress, _ port: UInt16?) -> String {
        let host = address.isIPv4 ? address.description : "[\(address)]"
        return port.map { "\(host):\($0)" } ?? host
    }

    static func label(_ input: FieldInput) -> (String, Kind) {
        let frame = input.frame, a = input.analysis
        if let tcp = frame.tcp {
            let names: [(TCPFlags, String)] = [(.syn, "SYN"), (.fin, "FIN"), (.rst, "RST"), (.psh, "PSH"), (.ack, "ACK"), (.urg, "URG")]
            var text = names.filter { tcp.flags.contains($0.0) }.map(\.1).joined(separator: ", ")
            if text.isEmpty { text = "<none>" }
            text += " Seq=\(a.relativeSeq)"
            if tcp.flags.contains(.ack) { text += " Ack=\(a.relativeAck)" }
            text += " Len=\(tcp.segmentLength)"
            let problems: [(TCPAnalysisFlags, String)] = [
                (.retransmission, "Retransmission"), (.fastRetransmission, "Fast Retransmission"),
                (.outOfOrder, "Out-Of-Order"), (.lostSegment, "Previous segment lost"), (.duplicateAck, "Dup ACK"),
                (.zeroWindow, "ZeroWindow"), (.keepAlive, "Keep-Alive"),
            ]
            let tags = problems.filter { a.tcp.flags.contains($0.0) }.map(\.1)
            if !tags.isEmpty { text = "[\(tags.joined(separator: ", "))] " + text }
            if let http = a.http {
                text = String(decoding: http.firstLine, as: UTF8.self) + "  " + text
            }
            let kind: Kind = !tags.isEmpty ? .problem
                : tcp.flags.contains(.rst) ? .reset
                : tcp.flags.contains(.syn) ? .handshake
                : tcp.flags.contains(.fin) ? .close
                : tcp.segmentLength > 0 ? .data : .other
            return (text, kind)
        }
        if let udp = frame.udp {
            let what = frame.dns != nil ? (frame.dns!.isResponse ? "DNS response" : "DNS query") : "UDP"
            return ("\(what) Len=\(max(udp.length - 8, 0))", .data)
        }
        let out = OutputBuffer(fileDescriptor: nil)
        if let icmp = frame.icmp { ICMPInfo.write(icmp, frame: frame, to: out) }
        if let icmp = frame.icmpv6 { ICMPInfo.write(icmp, frame: frame, to: out) }
        let isError = frame.icmp?.isError == true || frame.icmpv6?.isError == true
        return (out.text, isError ? .problem : .other)
    }

    // MARK: text

    /// The diagram in `width` columns: the time, then the lanes spread across the rest.
    public func writeText(to out: OutputBuffer, width: Int, color: Bool) {
        let (lanes, arrows) = layout()
        guard !lanes.isEmpty else {
            out.ascii("no TCP, UDP or ICMP packets to draw\n")
            return
        }
        let timeWidth = 11
        let area = max(width - timeWidth - 1, 20 * max(lanes.count - 1, 1))
        let gap = lanes.count > 1 ? (area - 1) / (lanes.count - 1) : area
        let position = { (lane: Int) in timeWidth + 1 + lane * gap }
        var header = Array(repeating: Character(" "), count: position(lanes.count - 1) + 40)
        for (i, name) in lanes.enumerated() {
            let shortened = name.count > gap - 2 && i < lanes.count - 1 ? String(name.prefix(max(gap - 3, 4))) + "…" : name
            var start = position(i) - shortened.count / 2
            if i == 0 { start = position(0) }
            if i == lanes.count - 1 && i > 0 { start = max(position(i) - shortened.count + 1, position(i - 1) + 2) }
            for (k, ch) in shortened.enumerated() where start + k < header.count && start + k >= 0 { header[start + k] = ch }
        }
        out.string(String(header).replacingTrailingSpaces())
        out.byte(10)
        for arrow in arrows {
            var line = Array(repeating: Character(" "), count: position(lanes.count - 1) + 1)
            let time = OutputBuffer(fileDescriptor: nil)
            time.seconds(nanoseconds: arrow.time, digits: 6)
            for (k, ch) in time.text.enumerated() where k < timeWidth { line[k] = ch }
            for lane in 0..<lanes.count { line[position(lane)] = "|" }
            let left = position(min(arrow.from, arrow.to)), right = position(max(arrow.from, arrow.to))
            if left == right {
                line[left] = "o"
            } else {
                for x in (left + 1)..<right { line[x] = "-" }
                if arrow.from < arrow.to { line[right - 1] = ">" } else { line[left + 1] = "<" }
                let room = right - left - 5
                let label = arrow.label.count > room ? String(arrow.label.prefix(max(room - 1, 0))) + "…" : arrow.label
                let start = left + 1 + (right - left - 1 - label.count) / 2
                for (k, ch) in label.enumerated() { line[start + k] = ch }
                if !label.isEmpty {
                    line[start - 1] = " "
                    line[start + label.count] = " "
                }
            }
            if color, let code = Self.color(arrow.kind) { out.string(code) }
            out.string(String(line))
            if color, Self.color(arrow.kind) != nil { out.ascii("\u{1b}[0m") }
            out.byte(10)
        }
        if omitted > 0 {
            out.string("… \(omitted) more packets not drawn (use --stream to pick one conversation)\n")
        }
    }

    static func color(_ kind: Kind) -> String? {
        switch kind {
        case .handshake, .close: "\u{1b}[90m"
        case .reset, .problem: "\u{1b}[31m"
        case .data: nil
        case .other: "\u{1b}[36m"
        }
    }

    // MARK: SVG

    /// The same diagram as a standalone SVG document, for reports.
    public func svg() -> String {
        let (lanes, arrows) = layout()
        let laneGap = 260, top = 60, rowHeight = 24, left = 110
        let width = left + max(lanes.count - 1, 1) * laneGap + 120
        let height = top + arrows.count * rowHeight + 40
        var s = """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" font-family="monospace" font-size="12">
        <defs><marker id="head" markerWidth="8" markerHeight="8" refX="8" refY="4" orient="auto"><path d="M0,0 L8,4 L0,8 z"/></marker></defs>
        <rect width="100%" height="100%" fill="white"/>

        """
        for (i, name) in lanes.enumerated() {
            let x = left + i * laneGap
            s += "<text x=\"\(x)\" y=\"30\" text-anchor=\"middle\" font-weight=\"bold\">\(Self.xml(name))</text>\n"
            s += "<line x1=\"\(x)\" y1=\"40\" x2=\"\(x)\" y2=\"\(height - 20)\" stroke=\"#999\"/>\n"
        }
        for (row, arrow) in arrows.enumerated() {
            let y = top + row * rowHeight
            let x1 = left + arrow.from * laneGap, x2 = left + arrow.to * laneGap
            let time = OutputBuffer(fileDescriptor: nil)
            time.seconds(nanoseconds: arrow.time, digits: 6)
            let stroke = switch arrow.kind {
            case .reset, .problem: "#c00"
            case .handshake, .close: "#555"
            case .data: "#000"
            case .other: "#068"
            }
            s += "<text x=\"5\" y=\"\(y + 4)\">\(time.text)</text>\n"
            s += "<line x1=\"\(x1)\" y1=\"\(y)\" x2=\"\(x2)\" y2=\"\(y)\" stroke=\"\(stroke)\" marker-end=\"url(#head)\"/>\n"
            s += "<text x=\"\((x1 + x2) / 2)\" y=\"\(y - 4)\" text-anchor=\"middle\" fill=\"\(stroke)\">\(Self.xml(arrow.label))</text>\n"
        }
        s += "</svg>\n"
        return s
    }

    static func xml(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "\"": out += "&quot;"
            case _ where scalar.value < 0x20 || scalar.value == 0x7f: out += "\\x" + String(scalar.value, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

extension String {
    func replacingTrailingSpaces() -> String {
        var s = Substring(self)
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
