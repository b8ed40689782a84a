import Dissect

/// `-V`: the details tree as tshark prints it, four spaces per level, generated fields
/// in brackets, hidden fields left out, a blank line after each frame.
public enum VerboseView {
    /// `bytes` are the frame's; a node over reassembled data reads its own data source.
    public static func write(_ details: PacketDetails, bytes: ByteView, to out: OutputBuffer) {
        for root in details.roots { write(root, depth: 0, details: details, bytes: bytes, to: out) }
        out.byte(10)
    }

    private static func write(_ node: FieldNode, depth: Int, details: PacketDetails, bytes: ByteView, to out: OutputBuffer) {
        guard !node.isHidden else { return }
        for _ in 0..<depth { out.ascii("    ") }
        out.string(node.displayLabel)
        out.byte(10)
        // tshark -V dumps the bytes of the data protocol under its line.
        if node.field == "data", let range = node.range, !range.isEmpty {
            if node.source == 0 {
                if range.upperBound <= bytes.count { dump(bytes.slice(range), to: out) }
            } else if node.source <= details.sources.count {
                let source = details.sources[node.source - 1].bytes
                if range.upperBound <= source.count {
                    source.withUnsafeBytes { dump(ByteView($0).slice(range), to: out) }
                }
            }
        }
        for child in node.children { write(child, depth: depth + 1, details: details, bytes: bytes, to: out) }
    }

    private static func dump(_ bytes: ByteView, to out: OutputBuffer) {
        out.byte(10)
        HexDump.write(bytes, to: out, trailingBlankLine: false)
    }
}
