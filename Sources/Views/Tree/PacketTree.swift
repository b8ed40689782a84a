import Dissect
import Follow

/// Builds a frame's details tree from the protocol declarations, in Wireshark's order.
/// This runs only for the frames and views that ask for a tree (`-V`, `-T json`/`ek`,
/// the web view's details pane, fields that the fast registry lacks); the summary line,
/// `-T fields` of common fields and the follower read the typed layers directly.
public enum PacketTree {
    /// Every protocol's declaration: `tcpwatch fields`, completion and filters list them.
    public static let protocols: [ProtocolDeclaration] = [
        FrameTree.declaration, EthernetTree.declaration, SLLTree.declaration, NullTree.declaration,
        VLANTree.declaration, ARPTree.declaration, IPv4Tree.declaration, IPv6Tree.declaration,
        ICMPTree.declaration, ICMPv6Tree.declaration, TCPTree.declaration, UDPTree.declaration,
        DNSTree.declaration, HTTPTree.declaration, TLSTree.declaration, SSHTree.declaration, X509Tree.declaration,
        ReassemblyTree.declaration, DataTree.declaration, MalformedTree.declaration,
    ]

    /// Every declared field and protocol node, by name.
    public static let fieldsByName: [String: HeaderField] = {
        var table: [String: HeaderField] = [:]
        for proto in protocols {
            table[proto.node.name] = proto.node
            for field in proto.fields where table[field.name] == nil { table[field.name] = field }
        }
        return table
    }()

    public static func build(_ input: FieldInput) -> PacketDetails {
        let frame = input.frame
        var tree = TreeBuilder(bytes: frame.bytes)
        FrameTree.dissect(input, &tree)
        if let eth = frame.ethernet { EthernetTree.dissect(eth, frame: frame, &tree) }
        if let sll = frame.sll { SLLTree.dissect(sll, &tree) }
        if let null = frame.null { NullTree.dissect(null, &tree) }
        for tag in frame.vlans.kept { VLANTree.dissect(tag, &tree) }
        if let arp = frame.arp { ARPTree.dissect(arp, &tree) }
        if let ip = frame.ipv4 { IPv4Tree.dissect(ip, &tree) }
        if let ip = frame.ipv6 { IPv6Tree.dissect(ip, &tree) }
        if let icmp = frame.icmp { ICMPTree.dissect(icmp, input, &tree) }
        if let icmp = frame.icmpv6 { ICMPv6Tree.dissect(icmp, input, &tree) }
        if let tcp = frame.tcp { TCPTree.dissect(tcp, input, &tree) }
        if let udp = frame.udp { UDPTree.dissect(udp, input.analysis, &tree) }
        application(input, &tree)
        for issue in frame.issues { MalformedTree.add(issue, &tree) }
        return tree.details
    }

    /// The layers above TCP or UDP, as the follower decided them for this frame.
    private static func application(_ input: FieldInput, _ tree: inout TreeBuilder) {
        let frame = input.frame
        let a = input.analysis
        if a.isPDUSegment || a.application == .transportOnly { return }
        if let source = RecordSource(input) {
            if source.layer == .tls { TLSTree.dissect(source, input, &tree) } else { SSHTree.dissect(source, input, &tree) }
            return
        }
        if let dns = frame.dns { DNSTree.dissect(dns, a, &tree); return }
        if let message = a.http, frame.http == nil || message.firstFrame != frame.number {
            HTTPTree.dissect(message, &tree)
            return
        }
        if let http = frame.http { HTTPTree.dissect(http, input, &tree); return }
        let stack = input.protocols
        if stack.last == .data { DataTree.dissect(frame.transportPayload.clamped(to: 0..<frame.bytes.count), &tree) }
    }
}

/// What went wrong while decoding, as Wireshark's `_ws.malformed` expert item.
enum MalformedTree {
    static let malformed = HeaderField("_ws.malformed", "Malformed Packet", .none)
    static let declaration = ProtocolDeclaration("_ws.malformed", "Malformed Packet", fields: [malformed])

    static func add(_ issue: DecodeIssue, _ tree: inout TreeBuilder) {
        tree.add(malformed, nil, .string(issue.description), label: "[Malformed Packet: \(issue)]")
    }
}
