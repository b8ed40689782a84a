import Dissect
import Follow
import Synchronization

/// Fields that only the details tree declares: the registry's fast writers cover the
/// common fields; every other declared field (and every protocol name, as tshark takes
/// `-e tcp`) is read from the frame's tree, built once per frame and kept for the
/// frame's other fields.
enum TreeFields {
    static func definition(for name: String) -> FieldDefinition? {
        guard let declared = PacketTree.fieldsByName[name] else { return nil }
        let scope = TreeScope(name)
        var definition = FieldDefinition(name: name, summary: declared.blurb.isEmpty ? declared.label : declared.blurb,
                                         kind: kind(declared.type)) { input, occurrences in
            let details = cache.details(for: input, scope: scope)
            for root in details.roots {
                root.walk { node, _ in
                    guard node.field == name else { return }
                    occurrences.next()
                    let text = node.value ?? protocolText(node, declared, input)
                    writeEscaped(declared.type == .none && text.isEmpty ? "1" : text, to: occurrences.out)
                }
            }
        }
        definition.needs = .everything
        return definition
    }

    /// What tshark writes for a protocol name: its line when the dissector gave it one
    /// beyond the protocol's name, the bare name otherwise; `data` as its bytes in hex.
    static func protocolText(_ node: FieldNode, _ declared: HeaderField, _ input: FieldInput) -> String {
        guard declared.type == .protocolNode else { return "1" }
        if declared.name == "data", let range = node.range {
            var s = ""
            for i in range.clamped(to: 0..<input.frame.bytes.count) { s += hex(UInt64(input.frame.bytes[i]), digits: 2) }
            return s
        }
        return node.label == declared.label ? declared.name : node.label
    }

    /// tshark's field text escapes the control characters that would break a line.
    static func writeEscaped(_ text: String, to out: OutputBuffer) {
        for byte in text.utf8 {
            switch byte {
            case 13: out.ascii("\\r")
            case 10: out.ascii("\\n")
            case 9: out.ascii("\\t")
            default: out.byte(byte)
            }
        }
    }

    static func kind(_ type: FieldType) -> FieldKind {
        switch type {
        case .boolean: .boolean
        case .ipv4: .ipv4
        case .ipv6: .ipv6
        case .ether: .mac
        case .relativeTime: .time
        case .uint8, .uint16, .uint24, .uint32, .uint64, .int32, .frameNumber: .unsigned
        default: .string
        }
    }

    static let cache = TreeCache()
}

/// How much of a frame's tree a field needs: the whole tree, or, for a name that only
/// TCP's subtree holds, that subtree (`tcp`, `tcp.options.mss_val`), or only its SEQ/ACK
/// analysis (`tcp.analysis.flags`). The smaller trees hold the same nodes with that name,
/// in the same order, as the whole one: `-T fields -e tcp.analysis.flags` no longer
/// formats every line of every layer (the payload's hex among them) for each frame.
enum TreeScope {
    case whole, tcp, tcpAnalysis

    init(_ name: String) {
        self = Self.analysisNames.contains(name) ? .tcpAnalysis : Self.tcpNames.contains(name) ? .tcp : .whole
    }

    /// The names that only TCP's own subtree holds: no other protocol declares them, and
    /// no other dissector adds them.
    static let tcpNames: Set<String> = {
        var names = Set(TCPTree.declaration.fields.map(\.name))
        names.insert(TCPTree.declaration.node.name)
        for proto in PacketTree.protocols where proto.node.name != TCPTree.declaration.node.name {
            names.remove(proto.node.name)
            for field in proto.fields { names.remove(field.name) }
        }
        return names
    }()

    /// The names of those that only the SEQ/ACK analysis (`TCPTree.addAnalysis`) adds.
    static let analysisNames: Set<String> = tcpNames.intersection(TCPTree.analysisFieldNames)
}

/// The last frame's tree, for each scope. Several fields of one frame ask for it in a row;
/// the key is what identifies a frame within one pass (its number, time and length).
final class TreeCache: Sendable {
    private struct Entry {
        var number: Int
        var time: Timestamp
        var length: Int
        var details: PacketDetails
    }
    private let lastWhole = Mutex<Entry?>(nil)
    private let lastTCP = Mutex<Entry?>(nil)
    private let lastAnalysis = Mutex<Entry?>(nil)

    private func cached(_ scope: TreeScope, _ frame: Frame) -> PacketDetails? {
        switch scope {
        case .whole: lastWhole.withLock { Self.match($0, frame) }
        case .tcp: lastTCP.withLock { Self.match($0, frame) }
        case .tcpAnalysis: lastAnalysis.withLock { Self.match($0, frame) }
        }
    }

    private static func match(_ entry: Entry?, _ frame: Frame) -> PacketDetails? {
        guard let e = entry, e.number == frame.number, e.time == frame.raw.timestamp, e.length == frame.raw.capturedLength
        else { return nil }
        return e.details
    }

    private func keep(_ details: PacketDetails, _ scope: TreeScope, _ frame: Frame) {
        let entry = Entry(number: frame.number, time: frame.raw.timestamp, length: frame.raw.capturedLength, details: details)
        switch scope {
        case .whole: lastWhole.withLock { $0 = entry }
        case .tcp: lastTCP.withLock { $0 = entry }
        case .tcpAnalysis: lastAnalysis.withLock { $0 = entry }
        }
    }

    func details(for input: FieldInput, scope: TreeScope = .whole) -> PacketDetails {
        let frame = input.frame
        if scope != .whole {
            // The whole tree adds TCP nodes in three places: the frame's TCP header, a
            // header cut short (`CutTransportHeader`, ports only) and the header an ICMP
            // error quotes. A frame with either of the last two takes the whole tree.
            if frame.icmp != nil || frame.icmpv6 != nil || frame.quoted != nil { return details(for: input) }
            if frame.tcp == nil {
                if scope == .tcp, CutTransportHeader(frame) != nil { return details(for: input) }
                return PacketDetails(roots: [], sources: [])
            }
        }
        if let hit = cached(scope, frame) { return hit }
        let details: PacketDetails
        switch scope {
        case .whole: details = PacketTree.build(input)
        case .tcp, .tcpAnalysis:
            var tree = TreeBuilder(bytes: frame.bytes)
            if let tcp = frame.tcp {
                if scope == .tcp { TCPTree.dissect(tcp, input, &tree) } else { TCPTree.addAnalysis(tcp, input.analysis, emptyNode: false, &tree) }
            }
            details = tree.details
        }
        keep(details, scope, frame)
        return details
    }
}
