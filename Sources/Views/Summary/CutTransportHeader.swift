import Dissect

/// A TCP, UDP or ICMP header the snaplen cut before its fixed part ended. The decoder
/// keeps no layer then, but tshark still names the protocol and shows what it read:
/// the ports (`50602 → 6789[Packet size limited during capture]`) or the ICMP type.
struct CutTransportHeader {
    let layer: Layer
    /// Where the header starts in the frame's bytes, and how many of its bytes were captured.
    let offset: Int
    let available: Int

    init?(_ frame: Frame) {
        guard frame.tcp == nil, frame.udp == nil, frame.icmp == nil, frame.icmpv6 == nil,
              let issue = frame.sizeLimitedIssue else { return nil }
        switch issue.layer {
        case .tcp, .udp, .icmp, .icmpv6: layer = issue.layer
        default: return nil
        }
        if let ip = frame.ipv6, !ip.isFragment {
            offset = ip.payload.lowerBound
        } else if let ip = frame.ipv4, !ip.isFragment {
            offset = ip.payload.lowerBound
        } else {
            return nil
        }
        available = frame.bytes.count - offset
        guard available > 0 else { return nil }
    }

    var hasPorts: Bool { (layer == .tcp || layer == .udp) && available >= 4 }

    /// The ports of a cut TCP header, for `tcp.srcport`, `tcp.dstport` and `tcp.port`.
    static func tcpPorts(_ frame: Frame) -> (source: UInt16, destination: UInt16)? {
        guard frame.tcp == nil, let cut = CutTransportHeader(frame), cut.layer == .tcp, cut.hasPorts else { return nil }
        return (frame.bytes.u16be(cut.offset), frame.bytes.u16be(cut.offset + 2))
    }

    /// The protocol column: tshark's short name for the layer it stopped in.
    var protocolName: String { layer.shortName }

    func writeInfo(_ frame: Frame, to out: OutputBuffer) {
        let bytes = frame.bytes
        if hasPorts {
            out.decimal(bytes.u16be(offset))
            out.ascii(" → ")
            out.decimal(bytes.u16be(offset + 2))
        } else if layer == .icmpv6 {
            out.string(ICMPv6Tree.typeNames[UInt64(bytes[offset])] ?? "Unknown")
        } else if layer == .icmp {
            out.string(ICMPTree.typeNames[UInt64(bytes[offset])] ?? "Unknown")
        }
    }

    /// What tshark's TCP tree shows of such a header: the ports, before it gives up.
    func addTCP(_ frame: Frame, _ tree: inout TreeBuilder) {
        guard layer == .tcp, hasPorts else { return }
        let bytes = frame.bytes
        let source = bytes.u16be(offset), destination = bytes.u16be(offset + 2)
        tree.open(TCPTree.declaration, offset..<offset + available,
                  label: "Transmission Control Protocol, Src Port: \(source), Dst Port: \(destination)")
        tree.add(TCPTree.srcport, offset..<offset + 2, .uint(UInt64(source)))
        tree.add(TCPTree.dstport, offset + 2..<offset + 4, .uint(UInt64(destination)))
        tree.close()
    }
}
