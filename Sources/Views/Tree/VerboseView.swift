import Dissect

/// `-V`: the details tree as tshark prints it, four spaces per level, generated fields
/// in brackets, hidden fields left out, a blank line after each frame.
public enum VerboseView {
    public static func write(_ details: PacketDetails, bytes: ByteView, to out: OutputBuffer) {
        for root in details.roots { write(root, depth: 0, bytes: bytes, to: out) }
        out.byte(10)
    }

    private static func write(_ node: FieldNode, depth: Int, bytes: ByteView, to out: OutputBuffer) {
        guard !node.isHidden else { return }
        for _ in 0..<depth { out.ascii("    ") }
        out.string(node.displayLabel)
        out.byte(10)
        // tshark -V dumps the bytes of the data protocol under its line.
        if node.field == "data", let range = node.range, !range.isEmpty {
            out.byte(10)
            HexDump.write(bytes.slice(range), to: out, trailingBlankLine: false)
        }
        for child in node.children { write(child, depth: depth + 1, bytes: bytes, to: out) }
    }
}
