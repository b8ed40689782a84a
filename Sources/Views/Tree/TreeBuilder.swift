import Dissect

/// A value that a dissector hands to the builder together with its field declaration.
public enum FieldValue {
    case uint(UInt64)
    case int(Int64)
    case bool(Bool)
    case ipv4(IPv4Address)
    case ipv6(IPv6Address)
    case ether(MACAddress)
    case string(String)
    /// The bytes of the frame in this range.
    case bytes(Range<Int>)
    case absoluteTime(Timestamp)
    /// Nanoseconds.
    case relativeTime(Int64)
    case double(Double, decimals: Int)
    case none
}

/// Wireshark's expert severities (`PI_CHAT` …), with the values JSON shows.
public enum ExpertSeverity: Int, Sendable {
    case chat = 0x0020_0000, note = 0x0040_0000, warning = 0x0060_0000, error = 0x0080_0000
    public var name: String {
        switch self {
        case .chat: "Chat"
        case .note: "Note"
        case .warning: "Warning"
        case .error: "Error"
        }
    }
}

/// Wireshark's expert groups (`PI_SEQUENCE` …).
public enum ExpertGroup: Int, Sendable {
    case checksum = 0x0100_0000, sequence = 0x0200_0000, undecoded = 0x0500_0000, malformed = 0x0700_0000, protocolGroup = 0x0900_0000, security = 0x0A00_0000
    public var name: String {
        switch self {
        case .checksum: "Checksum"
        case .sequence: "Sequence"
        case .undecoded: "Undecoded"
        case .malformed: "Malformed"
        case .protocolGroup: "Protocol"
        case .security: "Security"
        }
    }
}

/// Builds one frame's details tree the way a Wireshark dissector does: each call names a
/// declared field, the bytes it covers and its value; the line text, the `-T fields` text
/// and the byte range follow from the declaration, as `proto_tree_add_item` does.
public struct TreeBuilder {
    public let bytes: ByteView
    /// The data source `bytes` is (0: the frame), stamped on every node added.
    public let source: Int
    /// The open subtrees; the first is a synthetic root whose children are the protocols.
    private var stack: [FieldNode] = [FieldNode(label: "")]
    /// Reassembled data added while building.
    public private(set) var sources: [DataSource] = []

    public init(bytes: ByteView, source: Int = 0) {
        self.bytes = bytes
        self.source = source
    }

    /// Wireshark's `ITEM_LABEL_LENGTH`, the longest details line (with its NUL).
    static let itemLabelLength = 240

    public var details: PacketDetails {
        var copy = self
        while copy.stack.count > 1 { copy.close() }
        return PacketDetails(roots: copy.stack[0].children, sources: sources)
    }

    /// Registers reassembled bytes; returns the source number their nodes carry.
    public mutating func addSource(_ source: DataSource) -> Int {
        sources.append(source)
        return sources.count
    }

    /// Adds nodes built by another builder (over another data source) at this level.
    public mutating func graft(_ nodes: [FieldNode]) {
        stack[stack.count - 1].children.append(contentsOf: nodes)
    }

    // MARK: structure

    /// Opens a protocol's node: what follows goes under it until `close()`.
    public mutating func open(_ proto: ProtocolDeclaration, _ range: Range<Int>?, label: String) {
        open(FieldNode(label: label, field: proto.node.name, range: range))
    }

    /// Opens a subtree under a line of text (`[SEQ/ACK analysis]`, `Queries`).
    public mutating func openText(_ label: String, range: Range<Int>? = nil, generated: Bool = false) {
        open(FieldNode(label: Self.marked(label), range: range, isGenerated: generated))
    }

    /// Adds a field and opens it: the next lines are its subtree (`Flags` then its bits).
    public mutating func open(_ field: HeaderField, _ range: Range<Int>?, _ value: FieldValue,
                              label: String? = nil, display: String? = nil, generated: Bool = false, hidden: Bool = false) {
        open(node(field, range, value, label: label, display: display, generated: generated, hidden: hidden))
    }

    /// How many subtrees are open: a dissector that stops early closes back to its own.
    public var depth: Int { stack.count }

    /// Closes subtrees until `depth` are open.
    public mutating func close(to depth: Int) {
        while stack.count > Swift.max(depth, 1) { close() }
    }

    public mutating func close() {
        guard stack.count > 1 else { return }
        let done = stack.removeLast()
        stack[stack.count - 1].children.append(done)
    }

    private mutating func open(_ node: FieldNode) {
        var n = node
        n.source = source
        stack.append(n)
    }

    // MARK: lines

    /// Adds one field. `label` replaces the whole line; `display` replaces the value part.
    public mutating func add(_ field: HeaderField, _ range: Range<Int>?, _ value: FieldValue,
                             label: String? = nil, display: String? = nil,
                             generated: Bool = false, hidden: Bool = false) {
        stack[stack.count - 1].children.append(
            node(field, range, value, label: label, display: display, generated: generated, hidden: hidden))
    }

    /// Wireshark cuts a line at 239 bytes (`ITEM_LABEL_LENGTH`), on a character boundary.
    static func capped(_ label: String) -> String { utf8Prefix(label, itemLabelLength - 1) }

    /// A line of text of ITEM_LABEL_LENGTH bytes or more, as proto.c's `label_mark_truncated`
    /// leaves it: " [truncated]" in front, cut to 238 bytes on a character boundary.
    static func marked(_ label: String) -> String {
        label.utf8.count >= itemLabelLength ? utf8Prefix(" [truncated]" + label, itemLabelLength - 2) : label
    }

    /// The longest prefix of `s` of at most `bytes` UTF-8 bytes that ends on a character.
    static func utf8Prefix(_ s: String, _ bytes: Int) -> String {
        guard s.utf8.count > bytes else { return s }
        var out = ""
        var used = 0
        for ch in s {
            let n = String(ch).utf8.count
            if used + n > bytes { break }
            out.append(ch)
            used += n
        }
        return out
    }

    /// Adds a line of text with no field.
    public mutating func text(_ label: String, range: Range<Int>? = nil, generated: Bool = false) {
        var n = FieldNode(label: Self.marked(label), range: range, isGenerated: generated)
        n.source = source
        stack[stack.count - 1].children.append(n)
    }

    /// An expert item (`expert_add_info`): the message, its severity and group, under the
    /// line it is about. `field` is the expert's own name (`tcp.connection.syn`).
    public mutating func expert(_ field: String, _ severity: ExpertSeverity, _ group: ExpertGroup, _ message: String) {
        let children = [
            FieldNode(label: Self.capped(message), field: field, value: "", isGenerated: true),
            FieldNode(label: "Message", field: "_ws.expert.message", value: message, isGenerated: true, isHidden: true),
            FieldNode(label: "Severity level: \(severity.name)", field: "_ws.expert.severity", value: String(severity.rawValue), isGenerated: true),
            FieldNode(label: "Group: \(group.name)", field: "_ws.expert.group", value: String(group.rawValue), isGenerated: true),
        ]
        stack[stack.count - 1].children.append(
            FieldNode(label: Self.marked("Expert Info (\(severity.name)/\(group.name)): \(message)"), field: "_ws.expert",
                      isGenerated: true, children: children))
    }

    /// A bit field read from the integer of `field.type`'s width at `range`: the line
    /// starts with the bit pattern (`.... ...1 .... = Acknowledgment: Set`).
    /// `value` replaces the masked bits where the dissector stores something else
    /// (`ip.hdr_len` is the length in bytes, not the four bits).
    public mutating func bits(_ field: HeaderField, _ range: Range<Int>, container: UInt64, value override: FieldValue? = nil,
                              display: String? = nil, open: Bool = false, hidden: Bool = false) {
        let shifted = (container & field.mask) >> UInt64(field.mask.trailingZeroBitCount)
        let value: FieldValue = override ?? (field.type == .boolean ? .bool(shifted != 0) : .uint(shifted))
        var n = node(field, range, value, label: nil, display: display, generated: false, hidden: hidden)
        n.label = Self.bitPattern(container, mask: field.mask, width: containerWidth(field, range)) + " = " + n.label
        if open { self.open(n) } else { stack[stack.count - 1].children.append(n) }
    }

    private func containerWidth(_ field: HeaderField, _ range: Range<Int>) -> Int {
        field.type == .boolean ? (field.width > 0 ? field.width : range.count * 8) : field.type.bitWidth
    }

    // MARK: formatting, as Wireshark's proto.c does it

    private func node(_ field: HeaderField, _ range: Range<Int>?, _ value: FieldValue,
                      label: String?, display: String?, generated: Bool, hidden: Bool) -> FieldNode {
        let text = fieldText(field, value)
        var line = label ?? "\(field.label): \(display ?? displayText(field, value))"
        if label == nil, line.utf8.count >= Self.itemLabelLength {
            // Wireshark's ITEM_LABEL_LENGTH: a field's longer line is marked and cut.
            line = Self.utf8Prefix("\(field.label) [truncated]: \(display ?? displayText(field, value))", Self.itemLabelLength - 2)
        } else {
            line = Self.capped(line)
        }
        var n = FieldNode(label: line, field: field.name, value: text, range: range,
                          isGenerated: generated, isHidden: hidden)
        n.source = source
        return n
    }

    /// The value as `-T fields` and JSON write it.
    func fieldText(_ field: HeaderField, _ value: FieldValue) -> String? {
        switch value {
        case .uint(let v):
            switch field.base {
            case .hex, .hexDec: return "0x" + hex(v, digits: field.type.hexDigits)
            default: return String(v)
            }
        case .int(let v): return String(v)
        case .bool(let b): return b ? "1" : "0"
        case .ipv4(let a): return a.description
        case .ipv6(let a): return a.description
        case .ether(let a): return a.description
        case .string(let s): return s
        // -T fields writes bytes as plain hex; JSON adds the colons (see TSharkJSONView).
        case .bytes(let r): return plainHex(r)
        case .absoluteTime(let t): return field.base == .epoch ? TreeTime.epoch(t) : TreeTime.absolute(t)
        case .relativeTime(let ns): return TreeTime.seconds(ns)
        case .double(let d, let decimals): return TreeTime.fixed(d, decimals: decimals)
        case .none: return field.type == .protocolNode ? nil : ""
        }
    }

    /// The value as the details line writes it.
    func displayText(_ field: HeaderField, _ value: FieldValue) -> String {
        switch value {
        case .uint(let v):
            let digits = field.mask != 0 ? (64 - field.mask.leadingZeroBitCount - field.mask.trailingZeroBitCount + 3) / 4
                                         : field.type.hexDigits
            let number: String
            switch field.base {
            case .hex: number = "0x" + hex(v, digits: digits)
            case .hexDec: number = "0x\(hex(v, digits: digits)) (\(v))"
            case .decHex: number = "\(v) (0x\(hex(v, digits: digits)))"
            default: number = String(v)
            }
            if let names = field.names {
                if field.base == .none { return names.name(for: v) ?? "Unknown (\(v))" }
                switch names {
                case .values, .ranges:
                    let base = field.base == .hex || field.base == .hexDec ? "0x" + hex(v, digits: digits) : String(v)
                    return "\(names.name(for: v) ?? "Unknown") (\(base))"
                case .trueFalse:
                    break
                }
            }
            return number
        case .bool(let b):
            return (field.names ?? .trueFalse).name(for: b ? 1 : 0) ?? ""
        case .bytes(let r):
            // Wireshark shows at most 36 bytes of a byte string in a line.
            return r.count > 36 ? plainHex(r.lowerBound..<r.lowerBound + 36) + "\u{2026}" : plainHex(r)
        case .relativeTime(let ns): return TreeTime.seconds(ns) + " seconds"
        default: return fieldText(field, value) ?? ""
        }
    }

    func plainHex(_ r: Range<Int>) -> String {
        var s = ""
        s.reserveCapacity(r.count * 2)
        for i in r { s += hex(UInt64(bytes[i]), digits: 2) }
        return s
    }

    func colonHex(_ r: Range<Int>) -> String {
        var s = ""
        s.reserveCapacity(r.count * 3)
        for i in r {
            if i != r.lowerBound { s += ":" }
            s += hex(UInt64(bytes[i]), digits: 2)
        }
        return s
    }

    static func bitPattern(_ container: UInt64, mask: UInt64, width: Int) -> String {
        var s = ""
        for bit in stride(from: width - 1, through: 0, by: -1) {
            let b = UInt64(1) << UInt64(bit)
            s += mask & b == 0 ? "." : (container & b == 0 ? "0" : "1")
            if bit > 0 && bit % 4 == 0 { s += " " }
        }
        return s
    }
}

func hex(_ v: UInt64, digits: Int) -> String {
    let s = String(v, radix: 16)
    return s.count >= digits ? s : String(repeating: "0", count: digits - s.count) + s
}

/// Times as Wireshark writes them in trees and fields.
enum TreeTime {
    static func seconds(_ ns: Int64) -> String {
        let negative = ns < 0
        let m = ns.magnitude
        let frac = String(m % 1_000_000_000)
        return (negative ? "-" : "") + String(m / 1_000_000_000) + "." + String(repeating: "0", count: 9 - frac.count) + frac
    }

    static func epoch(_ t: Timestamp) -> String {
        let frac = String(t.nanoseconds)
        return String(t.seconds) + "." + String(repeating: "0", count: 9 - frac.count) + frac
    }

    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// `Nov 25, 2026 08:46:49.946081000 UTC`, as tshark prints `frame.time` with TZ=UTC.
    static func absolute(_ t: Timestamp) -> String {
        guard representable.contains(t.seconds) else { return "Not representable" }
        let (y, mo, d, h, mi, s) = civil(t.seconds)
        let frac = String(t.nanoseconds)
        // tshark writes the day as strftime's %e: space-padded ("Dec  7").
        return "\(months[mo - 1]) \(d < 10 ? " \(d)" : String(d)), \(y) \(two(h)):\(two(mi)):\(two(s)).\(String(repeating: "0", count: 9 - frac.count))\(frac) UTC"
    }

    /// `2026-11-25T08:46:49.946081000Z`, as `-T ek` writes `frame.time`.
    static func iso(_ t: Timestamp) -> String {
        guard representable.contains(t.seconds) else { return "Not representable" }
        let (y, mo, d, h, mi, s) = civil(t.seconds)
        let frac = String(t.nanoseconds)
        return "\(y)-\(two(mo))-\(two(d))T\(two(h)):\(two(mi)):\(two(s)).\(String(repeating: "0", count: 9 - frac.count))\(frac)Z"
    }

    static func two(_ v: Int) -> String { v < 10 ? "0\(v)" : String(v) }

    static func fixed(_ d: Double, decimals: Int) -> String {
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let n = (d * scale).rounded()
        guard n.isFinite, abs(n) < 9e18 else { return String(d) }
        let i = Int64(n)
        let whole = String(i.magnitude / UInt64(scale))
        let frac = String(i.magnitude % UInt64(scale))
        let sign = i < 0 ? "-" : ""
        return decimals == 0 ? sign + whole : sign + whole + "." + String(repeating: "0", count: decimals - frac.count) + frac
    }

    /// Times a calendar date can show: years 1 to 9999, as Wireshark's formatter.
    static let representable: ClosedRange<Int64> = -62_135_596_800...253_402_300_799

    /// Days-from-civil inverse (Howard Hinnant's algorithm): no Foundation. A hostile
    /// capture's time beyond years 1…9999 is clamped here; callers say "Not representable".
    static func civil(_ raw: Int64) -> (Int, Int, Int, Int, Int, Int) {
        let seconds = min(max(raw, representable.lowerBound), representable.upperBound)
        let days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400
        let rem = Int(seconds - days * 86400)
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = Int(doy - (153 * mp + 2) / 5 + 1)
        let m = Int(mp < 10 ? mp + 3 : mp - 9)
        let y = Int(yoe + era * 400) + (m <= 2 ? 1 : 0)
        return (y, m, d, rem / 3600, rem % 3600 / 60, rem % 60)
    }
}

/// The expert items' own fields, which `expert()` names: declared so that filters and
/// `-T fields` know them (`tcp.connection.syn`, `http.chat`).
enum ExpertFields {
    static let declaration = ProtocolDeclaration("_ws.expert", "Expert Info", fields: [
        HeaderField("_ws.expert.message", "Message", .string),
        HeaderField("_ws.expert.severity", "Severity level", .uint32),
        HeaderField("_ws.expert.group", "Group", .uint32),
        HeaderField("tcp.connection.syn", "Connection establish request (SYN)", .none),
        HeaderField("tcp.connection.synack", "Connection establish acknowledge (SYN+ACK)", .none),
        HeaderField("tcp.connection.fin", "Connection finish (FIN)", .none),
        HeaderField("tcp.connection.fin_active", "This frame initiates the connection closing", .none),
        HeaderField("tcp.connection.fin_passive", "This frame undergoes the connection closing", .none),
        HeaderField("tcp.connection.rst", "Connection reset (RST)", .none),
    ])
}
