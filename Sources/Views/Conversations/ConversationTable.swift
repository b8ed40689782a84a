import Dissect
import Follow

extension ConversationsView {
    /// tcpwatch's own table: a header, then one row per conversation (``writeTableRow``).
    public func writeTable(_ conversations: [ConversationSummary], reference: Timestamp, to out: OutputBuffer) {
        writeTableHeader(to: out)
        for c in conversations { writeTableRow(c, reference: reference, to: out) }
    }

    // Fixed columns take 45 characters (53 with the start time, shown when there is room);
    // the two endpoints share the rest. Widths depend on the terminal only, so rows can be
    // written one by one as conversations end.
    private var showStart: Bool { width >= 100 }
    private var endpointWidth: Int { max(12, (width - (showStart ? 53 : 45)) / 2) }

    public func writeTableHeader(to out: OutputBuffer) {
        var header = pad("", 3) + " " + pad("#", 3, right: true) + " " + pad("client", endpointWidth) + "   "
            + pad("server", endpointWidth) + " " + pad("state", 6) + " " + pad("history", 8) + " "
            + pad("pkts", 7, right: true) + " " + pad("bytes", 9, right: true)
        if showStart { header += " " + pad("start", 7, right: true) }
        if color { out.ascii("\u{1b}[1m") }
        out.string(header)
        if color { out.ascii("\u{1b}[0m") }
        out.byte(10)
    }

    public func writeTableRow(_ c: ConversationSummary, reference: Timestamp, to out: OutputBuffer) {
        let endpointWidth = endpointWidth
        if color, let code = Self.color(for: c.state) { out.string(code) }
        var row = c.transport.rawValue + " " + pad(String(c.stream), 3, right: true) + " "
        row += pad(Self.shorten(c.client.description, endpointWidth), endpointWidth) + " → "
        row += pad(Self.shorten(c.server.description, endpointWidth), endpointWidth) + " "
        row += pad(c.state.rawValue, 6) + " " + pad(Self.shorten(c.history, 8), 8) + " "
        row += pad("\(c.clientPackets)/\(c.serverPackets)", 7, right: true) + " "
        row += pad("\(Self.compact(c.clientPayload))/\(Self.compact(c.serverPayload))", 9, right: true)
        out.string(row)
        if let owner = c.owner {
            out.byte(32)
            out.escaped(owner)
        }
        if showStart {
            let start = OutputBuffer(fileDescriptor: nil)
            start.seconds(nanoseconds: c.start.nanoseconds(since: reference), digits: 3)
            out.byte(32)
            out.string(pad(start.text, 7, right: true))
        }
        if color, Self.color(for: c.state) != nil { out.ascii("\u{1b}[0m") }
        out.byte(10)
    }

    /// Keeps both ends of a long address (the port matters most): `2001:db8:…:1]:443`.
    static func shorten(_ text: String, _ width: Int) -> String {
        guard text.count > width, width > 4 else { return text }
        let tail = (width - 1) * 2 / 3
        return String(text.prefix(width - 1 - tail)) + "…" + String(text.suffix(tail))
    }

    /// 1234567 → 1.2M, for narrow byte columns.
    static func compact(_ value: UInt64) -> String {
        switch value {
        case ..<10_000: return String(value)
        case ..<10_000_000: return "\(value / 1000)k"
        case ..<10_000_000_000: return "\(value / 1_000_000)M"
        default: return "\(value / 1_000_000_000)G"
        }
    }

    static func color(for state: ConnState) -> String? {
        switch state {
        case .SF: nil
        case .REJ, .RSTO, .RSTR, .RSTOS0, .RSTRH: "\u{1b}[31m"
        case .S0, .SH, .SHR: "\u{1b}[33m"
        default: "\u{1b}[36m"
        }
    }
}
