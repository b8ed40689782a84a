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
        ReassemblyTree.declaration, DNSTree.declaration, DNSTree.mdnsDeclaration, DNSTree.llmnrDeclaration, HTTPTree.declaration, HTTPTree.ssdpDeclaration, BodyTree.textDeclaration,
        BodyTree.mediaDeclaration, TLSTree.declaration, SSHTree.declaration, X509Tree.declaration,
        EchoTree.declaration, TFTPTree.declaration, DataTree.declaration, ExpertFields.declaration,
        MalformedTree.declaration, MalformedTree.shortDeclaration, IPv6FragmentHeaderTree.declaration, GRETree.declaration, PPPTree.declaration,
        VXLANTree.declaration, GeneveTree.declaration, PPPoETree.declaration, IGMPTree.declaration,
        ESPTree.declaration, VRRPTree.declaration, DHCPTree.cachedDeclaration, NBNSTree.declaration, ModbusTree.mbtcpDeclaration, ModbusTree.modbusDeclaration, EAPOLTree.declaration, EAPTree.declaration, BrowserTree.nbdgmDeclaration, BrowserTree.smbDeclaration, BrowserTree.mailslotDeclaration, BrowserTree.browserDeclaration, IPv6OptionsTree.hopDeclaration, IPv6OptionsTree.dstDeclaration,
        NFLOGTree.declaration, LLCTree.declaration, STPTree.declaration, KRB4Tree.declaration, L2TPTree.declaration, LCPTree.declaration, RIPTree.declaration,
        OSPFTree.declaration, MIP6Tree.declaration, DHCPv6Tree.declaration, GTPTree.declaration,
    ]

    /// Every declared field and protocol node, by name.
    public static let fieldsByName: [String: HeaderField] = {
        // Fields first: a few names are both a pseudo-protocol and a field (`tcp.segments`).
        var table: [String: HeaderField] = [:]
        for proto in protocols {
            for field in proto.fields where table[field.name] == nil { table[field.name] = field }
        }
        for proto in protocols where table[proto.node.name] == nil { table[proto.node.name] = proto.node }
        return table
    }()

    public static func build(_ input: FieldInput) -> PacketDetails {
        let frame = input.frame
        var tree = TreeBuilder(bytes: frame.bytes)
        FrameTree.dissect(input, &tree)
        // A tunnel's outer layers (TunnelHop) come first; the frame's Ethernet header is
        // the outer one unless the tunnel carries Ethernet (VXLAN, Geneve, GRE bridging).
        let ethernetInside = frame.tunnels.contains { $0.ethernet != nil }
        if !ethernetInside, let eth = frame.ethernet { EthernetTree.dissect(eth, frame: frame, &tree) }
        if let sll = frame.sll { SLLTree.dissect(sll, &tree) }
        if let null = frame.null { NullTree.dissect(null, &tree) }
        if let nflog = frame.nflog { NFLOGTree.dissect(nflog, &tree) }
        if let llc = frame.llc { LLCTree.dissect(llc, &tree) }
        if let bpdu = frame.bpdu { STPTree.dissect(bpdu, &tree) }
        let tags = frame.vlans.kept
        for (i, tag) in tags.enumerated() { VLANTree.dissect(tag, trailingOf: i == tags.count - 1 ? frame : nil, &tree) }
        if let pppoe = frame.pppoe { PPPoETree.dissect(pppoe, &tree) }
        if let ppp = frame.ppp { PPPTree.dissect(ppp, &tree) }
        if !frame.tunnels.isEmpty { tunnels(input, &tree) }
        if let lcp = frame.lcpPacket { LCPTree.dissect(lcp, &tree) }
        if ethernetInside, let eth = frame.ethernet { EthernetTree.dissect(eth, frame: frame, &tree) }
        if let arp = frame.arp { ARPTree.dissect(arp, &tree) }
        if let eapol = frame.eapolMessage { EAPOLTree.dissect(eapol, analysis: input.analysis, &tree) }
        if let ip = frame.ipv4 { IPv4Tree.dissect(ip, reassembled: frame.reassembled, &tree) }
        if let ip = frame.ipv6 { IPv6Tree.dissect(ip, reassembled: frame.reassembled, &tree) }
        if let icmp = frame.icmp { ICMPTree.dissect(icmp, input, &tree) }
        if let icmp = frame.icmpv6 { ICMPv6Tree.dissect(icmp, input, &tree) }
        if let igmp = frame.igmpMessage { IGMPTree.dissect(igmp, &tree) }
        if let esp = frame.espHeader { ESPTree.dissect(esp, check: input.analysis.espSequence, &tree) }
        if let vrrp = frame.vrrpMessage { VRRPTree.dissect(vrrp, frame: frame, &tree) }
        if let ospf = frame.ospfHeader { OSPFTree.dissect(ospf, frame: frame, &tree) }
        if frame.ipv6?.upperLayerProtocol == 62, let at = frame.mobilityHeader { MIP6Tree.dissect(at: at, &tree) }
        if let tcp = frame.tcp { TCPTree.dissect(tcp, input, &tree) } else { CutTransportHeader(frame)?.addTCP(frame, &tree) }
        if let udp = frame.udp { UDPTree.dissect(udp, input.analysis, overIPv6: frame.ipv6 != nil, &tree) }
        application(input, &tree)
        if let cut = frame.sizeLimitedIssue {
            MalformedTree.addSizeLimited(cut, &tree)
        } else {
            for issue in frame.issues { MalformedTree.add(issue, &tree) }
        }
        return tree.details
    }

    /// Each tunnel hop's outer layers, outermost first, then its encapsulation header.
    private static func tunnels(_ input: FieldInput, _ tree: inout TreeBuilder) {
        for hop in input.frame.tunnels {
            if let eth = hop.ethernet { EthernetTree.dissect(eth, frame: input.frame, &tree) }
            if let ip = hop.ipv4 { IPv4Tree.dissect(ip, &tree) }
            if let ip = hop.ipv6 { IPv6Tree.dissect(ip, &tree) }
            if let udp = hop.udp {
                var outer = input.analysis
                outer.udpStream = outer.tunnelUDPStream
                outer.streamTimes = outer.tunnelStreamTimes
                UDPTree.dissect(udp, outer, overIPv6: hop.ipv6 != nil, &tree)
            }
            if let gre = hop.gre { GRETree.dissect(gre, &tree) }
            if let l2tp = hop.l2tp { L2TPTree.dissect(l2tp, &tree) }
            if let ppp = hop.ppp { PPPTree.dissect(ppp, &tree) }
            if let vxlan = hop.vxlan { VXLANTree.dissect(vxlan, &tree) }
            if let geneve = hop.geneve { GeneveTree.dissect(geneve, &tree) }
            if let gtp = hop.gtp { GTPTree.dissect(gtp, &tree) }
        }
    }

    /// The layers above TCP or UDP, as the follower decided them for this frame.
    private static func application(_ input: FieldInput, _ tree: inout TreeBuilder) {
        let frame = input.frame
        let a = input.analysis
        if a.isPDUSegment || a.application == .transportOnly { return }
        if frame.tcp == nil, frame.udp == nil, let quoted = frame.quoted?.udp {
            return quotedApplication(quoted, a, &tree)
        }
        if a.isHTTPContinuation { return HTTPTree.continuation(frame.transportPayload.clamped(to: 0..<frame.bytes.count), &tree) }
        if let source = RecordSource(input) {
            if source.layer == .tls { TLSTree.dissect(source, input, &tree) } else { SSHTree.dissect(source, input, &tree) }
            return
        }
        if let dhcp = frame.dhcpMessage { return DHCPTree.dissect(dhcp, &tree) }
        if let gtp = frame.gtpHeader { return GTPTree.dissect(gtp, &tree) }
        if let dhcp = frame.dhcpv6Message { return DHCPv6Tree.dissect(payload: dhcp.payload, declaredEnd: dhcp.declaredEnd, &tree) }
        if let nbns = frame.nbnsMessage { return NBNSTree.dissect(nbns, &tree) }
        if let browser = frame.browserDatagram { return BrowserTree.dissect(browser, &tree) }
        if let krb4 = frame.krb4Message { return KRB4Tree.dissect(krb4, &tree) }
        if let l2tp = frame.l2tpControl { return L2TPTree.dissect(l2tp, &tree) }
        if let rip = frame.ripMessage { return RIPTree.dissect(rip, &tree) }
        if let adus = frame.modbusADUs { return ModbusTree.dissect(adus, input, &tree) }
        if let dns = frame.dns {
            let flavor: DNSTree.Flavor = frame.protocols.contains(.mdns) ? .mdns : frame.protocols.contains(.llmnr) ? .llmnr : .dns
            DNSTree.dissect(dns, a, cut: frame.sizeLimitedIssue?.layer == .dns, flavor: flavor, &tree)
            return
        }
        if let message = a.http, message.segments.count > 1 || message.firstFrame != frame.number {
            reassembled(message, &tree)
            return
        }
        // A conversation made HTTP by the heuristic: the decoder, which looks at ports, left
        // the head to the follower's message.
        let heuristicHead = frame.http == nil && a.http != nil && frame.tcp != nil
            ? HTTPHead.decode(frame.bytes, at: frame.transportPayload.lowerBound, end: frame.transportPayload.upperBound).layer : nil
        if let http = frame.http ?? heuristicHead {
            let node = frame.protocols.last == .ssdp ? HTTPTree.ssdpDeclaration : HTTPTree.declaration
            if let body = HTTPTree.dissect(http, message: a.http, payloadEnd: frame.transportPayload.upperBound, &tree, as: node) {
                BodyTree.dissect(body, &tree)
            }
            return
        }
        let stack = input.protocols
        var payload = frame.transportPayload.clamped(to: 0..<frame.bytes.count)
        // A fragment of a datagram not complete yet: its payload is data.
        if frame.tcp == nil, frame.udp == nil, frame.reassembled == nil {
            if let ip = frame.ipv4, ip.isFragment { payload = ip.payload } else if let ip = frame.ipv6, ip.isFragment { payload = ip.payload }
            if let carried = frame.opaqueTunnel?.carried { payload = carried.clamped(to: 0..<frame.bytes.count) }
        }
        switch stack.last {
        case .data?: DataTree.dissect(payload, &tree)
        case .echo?:
            let toServer = frame.udp?.destinationPort == 7 || frame.tcp?.destinationPort == 7
            EchoTree.dissect(payload, toServer: toServer, &tree)
        case .tftp?: TFTPTree.dissect(payload, request: a.tftpRequest, &tree)
        default: break
        }
    }
}

extension PacketTree {
    /// The datagram an ICMP error quotes, when it quotes its payload too: tshark hands it
    /// to the protocol above, whose tree then follows the ICMP message at the top level.
    static func quotedApplication(_ udp: UDP, _ a: FrameAnalysis, _ tree: inout TreeBuilder) {
        let payload = udp.payload.clamped(to: 0..<tree.bytes.count)
        guard !payload.isEmpty else { return }
        if a.application == .layers(.tftp, nil) {
            TFTPTree.dissect(payload, request: a.tftpRequest, &tree)
        } else if udp.sourcePort == 53 || udp.destinationPort == 53,
                  let dns = DNS.decode(tree.bytes, at: payload.lowerBound, end: payload.upperBound, overTCP: false).layer {
            DNSTree.dissect(dns, FrameAnalysis(), &tree)
        }
    }

    /// An HTTP message the follower put together from several segments: the segment
    /// list, then HTTP over the reassembled bytes, a data source of its own.
    static func reassembled(_ message: HTTPMessage, _ tree: inout TreeBuilder) {
        guard let pdu = message.pdu else {
            HTTPTree.dissectWithoutBytes(message, &tree)
            return
        }
        pdu.withUnsafeBytes { raw in
            let view = ByteView(raw)
            var nested = ReassemblyTree.builder(for: view, frames: message.segments.map { ($0.frame, $0.length) },
                                                unlisted: message.segmentsNotListed, &tree)
            if let head = HTTPHead.decode(view, at: 0, end: view.count).layer,
               let body = HTTPTree.dissect(head, message: message, &nested) {
                BodyTree.dissect(body, &nested)
            }
            tree.graft(nested.details.roots)
        }
    }
}

/// What went wrong while decoding, as Wireshark's `_ws.malformed` expert item.
enum MalformedTree {
    static let malformed = HeaderField("_ws.malformed", "Malformed Packet", .none)
    static let declaration = ProtocolDeclaration("_ws.malformed", "Malformed Packet", fields: [malformed])

    static func add(_ issue: DecodeIssue, _ tree: inout TreeBuilder) {
        tree.add(malformed, nil, .string(issue.description), label: "[Malformed Packet: \(issue)]")
    }

    /// A layer cut by the snaplen, as Wireshark's `_ws.short` ("Short Frame") item.
    static let short = HeaderField("_ws.short", "Short Frame", .none)
    static let shortDeclaration = ProtocolDeclaration("_ws.short", "Short Frame", fields: [short])

    static func addSizeLimited(_ issue: DecodeIssue, _ tree: inout TreeBuilder) {
        let label = "[Packet size limited during capture: \(issue.layer.shortName) truncated]"
        tree.add(short, nil, .string(label), label: label)
    }
}
