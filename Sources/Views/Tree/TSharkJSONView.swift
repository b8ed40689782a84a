import Dissect

/// `-T json` and `-T ek` in tshark's shapes, from the details tree.
///
/// json: an array of `{"_index", "_type", "_score", "_source": {"layers": {...}}}`, each
/// protocol an object of its fields; a field with a subtree is `"name": value` followed
/// by `"name_tree": {...}`; a line of text is keyed by its text. Hidden fields are
/// included and repeated keys stay repeated, as tshark writes them.
///
/// ek: one `{"index": ...}` line and one document line per frame, each protocol's fields
/// flattened to `proto_field_name` keys, repeated keys gathered into arrays.
public final class TSharkJSONView {
    public enum Style: Sendable { case json, ek }
    let style: Style
    private var wroteFrame = false

    public init(style: Style) { self.style = style }

    /// Writes the opening of the document (json's `[`).
    public func begin(to out: OutputBuffer) {
        if style == .json { out.ascii("[\n") }
    }

    /// Writes the closing (json's `]`); an empty capture is `[\n]`, as tshark's.
    public func end(to out: OutputBuffer) {
        guard style == .json else { return }
        if wroteFrame { out.byte(10) }
        out.ascii("]\n")
    }

    public func write(_ details: PacketDetails, timestamp: Timestamp, to out: OutputBuffer) {
        let (y, m, d, _, _, _) = TreeTime.civil(timestamp.seconds)
        let index = "packets-\(y)-\(TreeTime.two(m))-\(TreeTime.two(d))"
        switch style {
        case .json:
            if wroteFrame { out.ascii(",\n") }
            wroteFrame = true
            out.ascii("  {\n    \"_index\": \"")
            out.string(index)
            out.ascii("\",\n    \"_type\": \"doc\",\n    \"_score\": null,\n    \"_source\": {\n      \"layers\": {\n")
            writeObject(details.roots, depth: 4, to: out)
            out.ascii("      }\n    }\n  }")
        case .ek:
            out.ascii("{\"index\":{\"_index\":\"")
            out.string(index)
            out.ascii("\",\"_type\":\"doc\"}}\n{\"timestamp\":\"")
            // A hostile file's time may be Int64.min seconds: saturate, never trap.
            let (whole, overflow) = timestamp.seconds.multipliedReportingOverflow(by: 1000)
            let ms = overflow ? (timestamp.seconds < 0 ? Int64.min : Int64.max)
                              : whole.addingReportingOverflow(Int64(timestamp.nanoseconds / 1_000_000)).partialValue
            out.string(String(ms))
            out.ascii("\",\"layers\":{")
            for (i, root) in details.roots.enumerated() {
                if i > 0 { out.byte(44) }
                string(root.field ?? root.label, to: out)
                out.ascii(":{")
                var pairs: [EKPair] = []
                flatten(root.children, proto: root.field ?? "", into: &pairs)
                writeGrouped(pairs, to: out)
                out.byte(125)
            }
            out.ascii("}}\n")
        }
    }

    // MARK: json

    private func writeObject(_ nodes: [FieldNode], depth: Int, to out: OutputBuffer) {
        let members = nodes.flatMap(members)
        for (i, member) in members.enumerated() {
            indent(depth, out)
            string(member.key, to: out)
            out.ascii(": ")
            switch member.body {
            case .value(let v): string(v, to: out)
            case .object(let children):
                out.ascii("{\n")
                writeObject(children, depth: depth + 1, to: out)
                indent(depth, out)
                out.byte(125)
            }
            if i < members.count - 1 { out.byte(44) }
            out.byte(10)
        }
    }

    private enum Body { case value(String), object([FieldNode]) }

    /// One node becomes one or two JSON members.
    private func members(_ node: FieldNode) -> [(key: String, body: Body)] {
        let key = node.field ?? node.label
        let value = node.field.map { jsonValue(node.value, field: $0) } ?? ""
        if node.children.isEmpty { return [(key, .value(value))] }
        if !value.isEmpty { return [(key, .value(value)), (key + "_tree", .object(node.children))] }
        return [(key, .object(node.children))]
    }

    /// JSON writes bytes with colons between them, where `-T fields` writes plain hex.
    func jsonValue(_ value: String?, field: String) -> String {
        guard let value else { return "" }
        switch PacketTree.fieldsByName[field]?.type {
        case .bytes?:
            var s = ""
            s.reserveCapacity(value.utf8.count * 3 / 2)
            for (i, c) in value.enumerated() {
                if i > 0 && i % 2 == 0 { s.append(":") }
                s.append(c)
            }
            return s
        case .none?: return ""
        default: return value
        }
    }

    private func indent(_ depth: Int, _ out: OutputBuffer) {
        for _ in 0..<depth { out.ascii("  ") }
    }

    // MARK: ek

    private struct EKPair {
        var key: String
        var value: String?
        var isBoolean: Bool
    }

    private func flatten(_ nodes: [FieldNode], proto: String, into pairs: inout [EKPair]) {
        for node in nodes {
            if let field = node.field {
                let isBoolean = PacketTree.fieldsByName[field]?.type == .boolean
                pairs.append(EKPair(key: (proto + "_" + field).replacingDots(), value: jsonValue(node.value, field: field),
                                    isBoolean: isBoolean))
            } else {
                pairs.append(EKPair(key: "text", value: node.label, isBoolean: false))
            }
            flatten(node.children, proto: proto, into: &pairs)
        }
    }

    private func writeGrouped(_ pairs: [EKPair], to out: OutputBuffer) {
        var order: [String] = []
        var values: [String: [String?]] = [:]
        var booleans: Set<String> = []
        for pair in pairs {
            if values[pair.key] == nil { order.append(pair.key) }
            values[pair.key, default: []].append(pair.value)
            if pair.isBoolean { booleans.insert(pair.key) }
        }
        for (i, key) in order.enumerated() {
            if i > 0 { out.byte(44) }
            string(key, to: out)
            out.byte(58)
            let list = values[key]!
            let isBool = booleans.contains(key)
            func one(_ v: String?) {
                guard let v else { out.ascii("null"); return }
                if isBool { out.ascii(v == "1" ? "true" : "false") } else { string(v, to: out) }
            }
            if list.count == 1 { one(list[0]) } else {
                out.byte(91)
                for (j, v) in list.enumerated() {
                    if j > 0 { out.byte(44) }
                    one(v)
                }
                out.byte(93)
            }
        }
    }

    // MARK: strings

    /// The same JSON string escaping as `-T jsonl`.
    private func string(_ s: String, to out: OutputBuffer) {
        JSONView().writeString(Array(s.utf8)[...], to: out)
    }
}

extension String {
    func replacingDots() -> String { String(map { $0 == "." ? "_" : $0 }) }
}
