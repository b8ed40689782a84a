import Dissect

/// `-V`: the details tree as tshark prints it, four spaces per level, generated fields
/// in brackets, hidden fields left out, a blank line after each frame.
public enum VerboseView {
    public static func write(_ details: PacketDetails, to out: OutputBuffer) {
        for root in details.roots { write(root, depth: 0, to: out) }
        out.byte(10)
    }

    private static func write(_ node: FieldNode, depth: Int, to out: OutputBuffer) {
        guard !node.isHidden else { return }
        for _ in 0..<depth { out.ascii("    ") }
        out.string(node.displayLabel)
        out.byte(10)
        for child in node.children { write(child, depth: depth + 1, to: out) }
    }
}
