import Dissect
import Follow

extension ConversationsView {
    /// tcpwatch's own table: a header, then one row per conversation (``writeTableRow``).
    public func writeTable(_ conversations: [ConversationSummary], reference: Timestamp, to out: OutputBuffer) {
        writeTableHeader(to: out)
        for c in conversations { writeTableRow(c, reference: reference, to: out) }
    }

    // Fixed columns take 50 characters (58 with the start time, shown when there is room);
    // the two endpoints share the rest. Widths depend on the terminal only, so rows can be
    // written one by one as conversations end.
    private var showStart: Bool { width >= 100 }
    private var endpointWidth: Int { max(12, (width - (showStart ? 58 : 50)) / 2) }

    public func writeTableHeader(to out: OutputBuffer) {
        var header = pad("", 3) + " " + pad("#", 3, right: true) + " " + pad("client", endpointWidth) + "   "
            + pad("server", endpointWidth) + " " + pad("state", 6) + " " + pad("history", 8) + " "
            + pad("pkts c/s", 8, right: true) + " " + pad(byteCount == .frame ? "frame B c/s" : "payload B c/s", 13, right: true)
        if showStart { header += " " + pad("start", 7, right: true) }
        if showOwners { header += " programs (client -> server)" }
        if color { out.ascii("\u{1b}[1m") }
        out.string(header)
        if color { out.ascii("\u{1b}[0m") }
        out.byte(10)
    }

    /// One row, written straight into `out` (a capture can end tens of thousands of
    /// conversations, so no Strings are built for them).
    public func writeTableRow(_ c: ConversationSummary, reference: Timestamp, to out: OutputBuffer) {
        let endpointWidth = endpointWidth
        let colored = color ? Self.color(for: c.state) : nil
        if let colored { out.string(colored) }
        out.ascii(c.transport == .tcp ? "tcp" : "udp")
        out.byte(32)
        column(out, 3, right: true) { out.decimal(c.stream) }
        out.byte(32)
        fitted(out, endpointWidth) { Self.writeEndpoint(c.client, to: out) }
        out.ascii(" → ")
        fitted(out, endpointWidth) { Self.writeEndpoint(c.server, to: out) }
        out.byte(32)
        column(out, 6) { out.string(c.state.rawValue) }
        out.byte(32)
        fitted(out, 8) { out.string(c.history) }
        out.byte(32)
        column(out, 8, right: true) {
            out.decimal(c.clientPackets)
            out.byte(47)
            out.decimal(c.serverPackets)
        }
        out.byte(32)
        column(out, 13, right: true) {
            switch byteCount {
            case .frame:
                Self.writeCompact(UInt64(c.clientFrameBytes), to: out)
                out.byte(47)
                Self.writeCompact(UInt64(c.serverFrameBytes), to: out)
            case .payload:
                Self.writeCompact(c.clientPayload, to: out)
                out.byte(47)
                Self.writeCompact(c.serverPayload, to: out)
            }
        }
        if showStart {
            out.byte(32)
            column(out, 7, right: true) { out.seconds(nanoseconds: c.start.nanoseconds(since: reference), digits: 3) }
        }
        if showOwners || c.owner != nil {
            out.byte(32)
            out.escaped(c.owner ?? "-")
        }
        if colored != nil { out.ascii("\u{1b}[0m") }
        out.byte(10)
    }

    /// ASCII written by `body`, padded with spaces to `width`.
    private func column(_ out: OutputBuffer, _ width: Int, right: Bool = false, _ body: () -> Void) {
        let start = out.count
        body()
        out.pad(from: start, to: width, rightAlign: right)
    }

    /// ASCII written by `body`, shortened (``shorten(_:_:)``) or padded to `width`.
    private func fitted(_ out: OutputBuffer, _ width: Int, _ body: () -> Void) {
        let start = out.count
        body()
        if out.count - start > width, !out.shortenASCII(from: start, to: width) {
            let text = String(decoding: out.sink.copy(from: start), as: UTF8.self)
            out.truncate(to: start)
            out.string(Self.shorten(text, width))
        }
        out.pad(from: start, to: width)
    }

    /// `10.0.0.1:80`, `[2001:db8::1]:443`, as ``Endpoint/description`` spells it.
    static func writeEndpoint(_ endpoint: Endpoint, to out: OutputBuffer) {
        if let v4 = endpoint.address.ipv4 {
            out.ipv4(v4)
        } else {
            out.byte(91)
            out.ipv6(IPv6Address(high: endpoint.address.high, low: endpoint.address.low))
            out.byte(93)
        }
        out.byte(58)
        out.decimal(endpoint.port)
    }

    /// 1234567 → 1M, for the narrow byte columns.
    static func writeCompact(_ value: UInt64, to out: OutputBuffer) {
        switch value {
        case ..<10_000: out.decimal(value)
        case ..<10_000_000:
            out.decimal(value / 1000)
            out.byte(107)
        case ..<10_000_000_000:
            out.decimal(value / 1_000_000)
            out.byte(77)
        default:
            out.decimal(value / 1_000_000_000)
            out.byte(71)
        }
    }

    /// Keeps both ends of a long address (the port matters most): `2001:db8:…:1]:443`.
    static func shorten(_ text: String, _ width: Int) -> String {
        guard text.count > width, width > 4 else { return text }
        let tail = (width - 1) * 2 / 3
        return String(text.prefix(width - 1 - tail)) + "…" + String(text.suffix(tail))
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
