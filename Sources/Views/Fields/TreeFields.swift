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
        var definition = FieldDefinition(name: name, summary: declared.blurb.isEmpty ? declared.label : declared.blurb,
                                         kind: kind(declared.type)) { input, occurrences in
            let details = cache.details(for: input)
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

/// The last frame's tree. Several fields of one frame ask for it in a row; the key is
/// what identifies a frame within one pass (its number, time and length).
final class TreeCache: Sendable {
    private struct Entry {
        var number: Int
        var time: Timestamp
        var length: Int
        var details: PacketDetails
    }
    private let last = Mutex<Entry?>(nil)

    func details(for input: FieldInput) -> PacketDetails {
        let raw = input.frame.raw
        if let hit = last.withLock({ entry -> PacketDetails? in
            guard let e = entry, e.number == input.frame.number, e.time == raw.timestamp, e.length == raw.capturedLength
            else { return nil }
            return e.details
        }) { return hit }
        let details = PacketTree.build(input)
        last.withLock { $0 = Entry(number: input.frame.number, time: raw.timestamp, length: raw.capturedLength, details: details) }
        return details
    }
}
