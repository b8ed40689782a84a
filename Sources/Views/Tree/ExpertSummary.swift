import Dissect

/// `-z expert`: the expert items of every frame's tree, counted by severity, group,
/// protocol and message, in tshark 4.0's layout (Errors, Warns, Notes, Chats; each a count
/// and a table of frequency, group, protocol and summary).
public struct ExpertSummary {
    private struct Key: Hashable {
        var severity: Int
        var group: String
        var protocolName: String
        var message: String
    }
    private var counts: [Key: Int] = [:]
    /// Keys in the order first seen: tshark lists a section's rows in that order.
    private var order: [Key] = []

    public init() {}

    /// Adds the expert items of one frame's tree.
    public mutating func add(_ details: PacketDetails) {
        // Wireshark does not count the expert items of a packet quoted in an ICMP error.
        for root in details.roots where root.field != "icmp" && root.field != "icmpv6" {
            let proto = Self.shortName(root.field ?? "")
            root.walk { node, _ in
                guard node.field == "_ws.expert", !Self.treeOnly(node) else { return }
                var severity = 0, group = "", message = ""
                for child in node.children {
                    switch child.field {
                    case "_ws.expert.severity": severity = Int(child.value ?? "") ?? 0
                    case "_ws.expert.group": group = ExpertGroup(rawValue: Int(child.value ?? "") ?? 0)?.name ?? ""
                    case "_ws.expert.message": message = child.value ?? ""
                    default: break
                    }
                }
                let key = Key(severity: severity, group: group, protocolName: proto, message: message)
                if counts[key] == nil { order.append(key) }
                counts[key, default: 0] += 1
            }
        }
    }

    public func write(to out: OutputBuffer) {
        let sections: [(ExpertSeverity, String)] = [(.error, "Errors"), (.warning, "Warns"), (.note, "Notes"), (.chat, "Chats")]
        for (severity, title) in sections {
            let keys = order.filter { $0.severity == severity.rawValue }
            guard !keys.isEmpty else { continue }
            let total = keys.reduce(0) { $0 + counts[$1]! }
            out.string("\n\(title) (\(total))\n=============\n")
            out.string(Self.row("Frequency", "Group", "Protocol", "Summary"))
            for key in keys {
                out.string(Self.row(String(counts[key]!), key.group, key.protocolName, key.message))
            }
        }
    }

    private static func row(_ frequency: String, _ group: String, _ proto: String, _ summary: String) -> String {
        pad(frequency, 12) + " " + pad(group, 10) + " " + pad(proto, 18) + "  " + summary + "\n"
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
    }

    /// Wireshark's short protocol names, as the expert table shows them.
    /// Items a dissector raises only while it builds a tree: Geneve reads its options only
    /// then (`if (tree && opts_len)`), and `tshark -z expert` builds none, so it never sees
    /// an option's items (in tcpwatch, the type-length one comes only from Geneve's options).
    static let treeOnlyItems: Set<String> = ["geneve.option.length.invalid", "_ws.type_length.mismatch"]

    static func treeOnly(_ expert: FieldNode) -> Bool {
        expert.children.first?.field.map(treeOnlyItems.contains) ?? false
    }

    static func shortName(_ field: String) -> String {
        switch field {
        case "ip": "IPv4"
        case "ipv6": "IPv6"
        case "icmpv6": "ICMPv6"
        case "tls": "TLS"
        case "ssh": "SSH"
        case "geneve": "Geneve"
        case "pppoes": "PPPoES"
        default: field.uppercased()
        }
    }
}
