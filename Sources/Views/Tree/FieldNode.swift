/// One line of the details tree, as `-V` prints it and the web view shows it.
public struct FieldNode: Sendable {
    /// The whole line as tshark -V prints it, without indentation or brackets.
    public var label: String
    /// The Wireshark field name, or nil for a line of text only.
    public var field: String?
    /// The value as `-T fields` prints it; nil for text lines and protocol nodes.
    public var value: String?
    /// Where the field's bytes are in the frame; nil for generated fields, which have none.
    public var range: Range<Int>?
    /// Wireshark's `[...]` fields: computed by the dissector, not read from the bytes.
    public var isGenerated: Bool
    /// Present for filters and JSON, not shown in the tree (`ip.addr`, `tcp.port`).
    public var isHidden: Bool
    public var children: [FieldNode]

    public init(label: String, field: String? = nil, value: String? = nil, range: Range<Int>? = nil,
                isGenerated: Bool = false, isHidden: Bool = false, children: [FieldNode] = []) {
        self.label = label
        self.field = field
        self.value = value
        self.range = range
        self.isGenerated = isGenerated
        self.isHidden = isHidden
        self.children = children
    }

    /// The line as the tree shows it: generated fields in brackets.
    public var displayLabel: String { isGenerated ? "[\(label)]" : label }

    /// Visits this node and every descendant, depth first, with its depth.
    public func walk(depth: Int = 0, _ body: (FieldNode, Int) -> Void) {
        body(self, depth)
        for child in children { child.walk(depth: depth + 1, body) }
    }
}

/// The tree of one frame: the protocol nodes in order.
public struct PacketDetails: Sendable {
    public var roots: [FieldNode]

    /// Every value of `name`, in tree order (tshark's order for `-T fields -E occurrence=a`).
    public func values(of name: String) -> [String] {
        var found: [String] = []
        for root in roots {
            root.walk { node, _ in
                if node.field == name, let value = node.value { found.append(value) }
            }
        }
        return found
    }

    /// The nodes of `name`, for byte ranges and protocol presence.
    public func nodes(named name: String) -> [FieldNode] {
        var found: [FieldNode] = []
        for root in roots { root.walk { node, _ in if node.field == name { found.append(node) } } }
        return found
    }
}
