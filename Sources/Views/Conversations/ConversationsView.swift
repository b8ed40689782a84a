import Dissect
import Follow

/// `conversations`: the table of conversations, tcpwatch's own or tshark's `-z conv`
/// layout, or Zeek's conn.log as JSON lines.
public struct ConversationsView {
    public enum Style: String, Sendable, CaseIterable { case table, tshark, json }

    public var style: Style
    public var color: Bool
    /// Terminal width for the table (long addresses are shortened to fit).
    public var width: Int

    /// What the table's byte column counts: whole frames (Wireshark's Conversations
    /// statistics, the default) or TCP/UDP payload (Zeek's orig_bytes/resp_bytes).
    public enum ByteCount: String, Sendable, CaseIterable { case frame, payload }
    public var byteCount: ByteCount = .frame
    /// Live: a last column names the local program at each end (client → server).
    public var showOwners = false

    public init(style: Style, color: Bool = false, width: Int = 80) {
        self.style = style
        self.color = color
        self.width = width
    }

    /// Zeek's conn.log entry, one JSON object per line, plus `stream`.
    public func writeJSON(_ c: ConversationSummary, to out: OutputBuffer) {
        out.ascii("{\"ts\":")
        out.epoch(c.start, digits: 6)
        out.ascii(",\"uid\":\"")
        out.string(Self.uid(c))
        out.ascii("\",\"id.orig_h\":\"")
        out.string(c.client.address.description)
        out.ascii("\",\"id.orig_p\":")
        out.decimal(c.client.port)
        out.ascii(",\"id.resp_h\":\"")
        out.string(c.server.address.description)
        out.ascii("\",\"id.resp_p\":")
        out.decimal(c.server.port)
        out.ascii(",\"proto\":\"")
        out.string(c.transport.rawValue)
        out.byte(34)
        if let service = c.service {
            out.ascii(",\"service\":\"")
            out.string(service)
            out.byte(34)
        }
        if c.duration > 0 {
            out.ascii(",\"duration\":")
            out.seconds(nanoseconds: c.duration, digits: 6)
            out.ascii(",\"orig_bytes\":")
            out.decimal(c.clientPayload)
            out.ascii(",\"resp_bytes\":")
            out.decimal(c.serverPayload)
        }
        out.ascii(",\"conn_state\":\"")
        out.string(c.state.rawValue)
        out.ascii("\",\"missed_bytes\":")
        out.decimal(c.missedBytes)
        out.ascii(",\"history\":\"")
        out.string(c.history)
        out.ascii("\",\"orig_pkts\":")
        out.decimal(c.clientPackets)
        out.ascii(",\"orig_ip_bytes\":")
        out.decimal(c.clientIPBytes)
        out.ascii(",\"resp_pkts\":")
        out.decimal(c.serverPackets)
        out.ascii(",\"resp_ip_bytes\":")
        out.decimal(c.serverIPBytes)
        out.ascii(",\"stream\":")
        out.decimal(c.stream)
        if let owner = c.owner {
            out.ascii(",\"owner\":")
            JSONView().writeString(Array(owner.utf8)[...], to: out)
        }
        out.ascii("}\n")
    }

    /// A Zeek-style uid: `C` and 17 base-62 characters, stable for a stream and its endpoints.
    static func uid(_ c: ConversationSummary) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ v: UInt64) {
            for shift in stride(from: 0, to: 64, by: 8) {
                hash ^= (v >> UInt64(shift)) & 0xff
                hash &*= 0x100_0000_01b3
            }
        }
        mix(UInt64(c.stream))
        mix(c.client.address.high)
        mix(c.client.address.low)
        mix(UInt64(c.client.port) << 16 | UInt64(c.server.port))
        mix(UInt64(bitPattern: c.start.seconds))
        let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
        var text = "C"
        var value = hash
        for i in 0..<17 {
            if i == 11 { value = hash &* 0x9E37_79B9_7F4A_7C15 }
            text.append(alphabet[Int(value % 62)])
            value /= 62
        }
        return text
    }

    /// tshark's `-q -z conv,tcp` (or udp) block, sorted as tshark sorts: by frames, descending.
    public func writeTshark(_ conversations: [ConversationSummary], transport: ConversationSummary.Transport,
                            reference: Timestamp, to out: OutputBuffer) {
        let rule = String(repeating: "=", count: 80)
        out.string(rule)
        out.ascii("\n")
        out.string(transport == .tcp ? "TCP Conversations\n" : "UDP Conversations\n")
        out.ascii("Filter:<No Filter>\n")
        out.ascii("                                                           |       <-      | |       ->      | |     Total     |    Relative    |   Duration   |\n")
        out.ascii("                                                           | Frames  Bytes | | Frames  Bytes | | Frames  Bytes |      Start     |              |\n")
        let sorted = conversations.enumerated().sorted { lhs, rhs in
            lhs.element.frames != rhs.element.frames ? lhs.element.frames > rhs.element.frames : lhs.offset < rhs.offset
        }.map(\.element)
        for c in sorted {
            var start = out.count
            out.string("\(c.a.address):\(c.a.port)")
            out.pad(from: start, to: 26)
            out.ascii(" <-> ")
            start = out.count
            out.string("\(c.b.address):\(c.b.port)")
            out.pad(from: start, to: 26)
            for (frames, bytes) in [(c.bFrames, c.bBytes), (c.aFrames, c.aBytes), (c.frames, c.aBytes + c.bBytes)] {
                out.ascii("  ")
                start = out.count
                out.decimal(frames)
                out.pad(from: start, to: 6, rightAlign: true)
                out.byte(32)
                start = out.count
                Self.writeSize(bytes, to: out)
                out.pad(from: start, to: 9)
            }
            out.ascii("  ")
            start = out.count
            out.seconds(nanoseconds: c.start.nanoseconds(since: reference))
            out.pad(from: start, to: 14, rightAlign: true)
            out.byte(32)
            start = out.count
            Self.writeDuration(c.duration, to: out)
            out.pad(from: start, to: 14, rightAlign: true)
            out.byte(10)
        }
        out.string(rule)
        out.ascii("\n")
    }

    /// Wireshark's format_size with SI units: `703 bytes`, `16 kB`, `321 MB`.
    static func writeSize(_ bytes: Int, to out: OutputBuffer) {
        let units = ["bytes", "kB", "MB", "GB", "TB", "PB"]
        var value = bytes, unit = 0
        while value >= 10_000 && unit < units.count - 1 {
            value /= 1000
            unit += 1
        }
        out.decimal(unit == 0 ? bytes : value)
        out.byte(32)
        out.string(units[unit])
    }

    /// Seconds with four decimals, rounded as printf's %.4f.
    static func writeDuration(_ nanoseconds: Int64, to out: OutputBuffer) {
        let tenThousandths = (nanoseconds + 50_000) / 100_000
        out.decimal(tenThousandths / 10_000)
        out.byte(46)
        out.decimal(UInt64(tenThousandths % 10_000), width: 4)
    }
}
