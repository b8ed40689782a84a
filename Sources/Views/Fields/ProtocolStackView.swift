import Dissect
import Follow

extension FieldInput {
    /// `frame.protocols` as Wireshark reports it: the decoder's layers, with the layers
    /// above TCP or UDP replaced by the follower's verdict (a segment of a PDU that a
    /// later frame completes has none; the completing frame has the whole message's).
    public var protocols: ProtocolStack {
        if case .asDecoded = analysis.application { return frame.protocols }
        var stack = ProtocolStack()
        for layer in frame.protocols {
            stack.append(layer)
            if layer == .tcp || layer == .udp { break }
        }
        if let source = RecordSource(self) {
            for layer in source.layers { stack.append(layer) }
            return stack
        }
        if case .layers(let first, let second) = analysis.application {
            stack.append(first)
            if let second { stack.append(second) }
        }
        return stack
    }
}
