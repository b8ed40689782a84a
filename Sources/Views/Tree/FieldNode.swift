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
    /// Which of the frame's data sources `range` points into: 0 is the frame itself,
    /// others are ``PacketDetails/sources`` (reassembled data).
    public var source: Int = 0
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
    /// Data sources beyond the frame, as Wireshark's bytes pane tabs them
    /// ("Reassembled TCP (316 bytes)"); a node's `source` 1 is the first of these.
    public var sources: [DataSource] = []

    public init(roots: [FieldNode], sources: [DataSource] = []) {
        self.roots = roots
        self.sources = sources
    }

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

/// Bytes a dissector made that are not the frame's own: a reassembled PDU.
public struct DataSource: Sendable {
    public var name: String
    public var bytes: [UInt8]
    public init(name: String, bytes: [UInt8]) {
        self.name = name
        self.bytes = bytes
    }
}
