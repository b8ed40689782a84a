import Dissect
import Follow

extension FieldInput {
    /// `frame.protocols` as Wireshark reports it: the decoder's layers, with the layers
    /// above TCP or UDP replaced by the follower's verdict (a segment of a PDU that a
    /// later frame completes has none; the completing frame has the whole message's).
    public var protocols: ProtocolStack {
        if case .asDecoded = analysis.application { return frame.protocols }
        var stack = ProtocolStack()
        // The innermost TCP or UDP: a tunnel (VXLAN, Geneve) has an outer UDP below it.
        var transport = frame.protocols.count - 1
        while transport > 0, frame.protocols[transport] != .tcp, frame.protocols[transport] != .udp { transport -= 1 }
        for i in 0..<max(transport + 1, 0) { stack.append(frame.protocols[i]) }
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
