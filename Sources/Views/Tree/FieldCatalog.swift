/// `tcpwatch fields`: every protocol and field, in the layout of `tshark -G fields`
/// (`P` lines for protocols, `F` lines for fields: label, name, type, protocol, base or
/// width, bitmask, description), so scripts written for tshark's list read it too.
public enum FieldCatalog {
    public struct Entry: Sendable {
        public let name: String
        public let label: String
        public let type: String
        public let protocolName: String
        public let description: String
    }

    /// Every name the field tree and the fast registry know, each once, protocols first
    /// within their protocol.
    public static func entries(prefix: String = "") -> [Entry] {
        var seen = Set<String>()
        var list: [Entry] = []
        for proto in PacketTree.protocols {
            for field in [proto.node] + proto.fields where field.name.hasPrefix(prefix) && seen.insert(field.name).inserted {
                list.append(Entry(name: field.name, label: field.label, type: field.type.rawValue,
                                  protocolName: String(field.protocolName), description: field.blurb))
            }
        }
        for field in FieldRegistry.all where field.name.hasPrefix(prefix) && seen.insert(field.name).inserted {
            list.append(Entry(name: field.name, label: field.summary, type: FilterType(field.kind).ftName(width: 4),
                              protocolName: String(field.name.prefix { $0 != "." }), description: field.summary))
        }
        return list
    }

    /// The lines of `tshark -G fields` for the entries.
    public static func lines(prefix: String = "") -> [String] {
        var out: [String] = []
        for proto in PacketTree.protocols where proto.node.name.hasPrefix(prefix) {
            out.append("P\t\(proto.node.label)\t\(proto.node.name)")
        }
        for entry in entries(prefix: prefix) where entry.type != FieldType.protocolNode.rawValue {
            let declared = PacketTree.fieldsByName[entry.name]
            let base = declared.map { $0.type == .boolean ? String($0.width) : $0.type.isInteger ? $0.base.rawValue : "BASE_NONE" } ?? "BASE_NONE"
            let mask = "0x" + String(declared?.mask ?? 0, radix: 16)
            out.append("F\t\(entry.label)\t\(entry.name)\t\(entry.type)\t\(entry.protocolName)\t\(base)\t\(mask)\t\(entry.description)")
        }
        return out
    }
}
