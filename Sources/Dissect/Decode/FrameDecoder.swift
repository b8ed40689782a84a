/// Turns a RawFrame into a Frame: link layer, network, transport, application, in one
/// pass over the bytes, with no allocation. A layer that is cut short records an issue
/// and stops the descent; the layers below it stay.
public enum FrameDecoder {
    /// Deepest VLAN stack followed before giving up.
    static let maxVLANTags = 8

    /// How far down the stack to decode.
    public enum Depth: Sendable {
        /// Up to TCP, UDP and ICMP: what the follower needs to track conversations.
        case transport
        /// Every layer tcpwatch knows, as the packet views show them.
        case application
    }

    public static func decode(_ raw: RawFrame, number: Int) -> Frame {
        let frame = Frame(number: number, raw: raw)
        decode(raw, number: number, into: frame)
        return frame
    }

    /// Decodes into `frame`, replacing what it held: the packet loop reuses one Frame.
    /// `fragments`, when given, reassembles fragmented IP datagrams: frames must then be
    /// decoded in capture order, each once.
    public static func decode(_ raw: RawFrame, number: Int, into frame: Frame, depth: Depth = .application,
                              fragments: IPFragments? = nil) {
        frame.reset(number: number, raw: raw)
        if frame.fragmentSink !== fragments { frame.fragmentSink = fragments }
        frame.stopsAtTransport = depth == .transport
        let bytes = raw.bytes
        let end = bytes.count
        switch raw.linkType {
        case .ethernet:
            decodeEthernet(frame, end: end)
        case .linuxSLL, .linuxSLL2:
            let result = LinuxSLL.decode(bytes, at: 0, end: end, version: raw.linkType == .linuxSLL ? .v1 : .v2)
            guard let sll = result.layer else { return frame._issues.append(result.issue) }
            frame._sll = sll
            frame._protocols.append(.sll)
            frame._protocols.append(.ethertype)
            decodeEtherType(frame, sll.protocolType, at: sll.headerLength, end: end)
        case .null, .loop:
            let result = NullLoopback.decode(bytes, at: 0, end: end, networkOrder: raw.linkType == .loop)
            guard let null = result.layer else { return frame._issues.append(result.issue) }
            frame._null = null
            frame._protocols.append(.null)
            switch null.ipVersion {
            case 4: decodeIPv4(frame, at: NullLoopback.headerLength, end: end)
            case 6: decodeIPv6(frame, at: NullLoopback.headerLength, end: end)
            default:
                frame._issues.append(.malformed(.null, .unknownAddressFamily(null.family)))
                appendData(frame, NullLoopback.headerLength..<end)
            }
        case .nflog:
            let result = NFLOG.decode(bytes, at: 0, end: end)
            guard let nflog = result.layer else { return frame._issues.append(result.issue) }
            frame._nflog = nflog
            frame._protocols.append(.nflog)
            guard let payload = nflog.payload else { return }
            // tshark hands the payload to the ethertype table when the packet header names a
            // hardware protocol, else to IPv4 or IPv6 by the netfilter family.
            switch (nflog.hardwareProtocol, nflog.family) {
            case (0, 2): decodeIPv4(frame, at: payload.lowerBound, end: payload.upperBound)
            case (0, 10): decodeIPv6(frame, at: payload.lowerBound, end: payload.upperBound)
            case (0, _): appendData(frame, payload)
            case (let type, _): decodeEtherType(frame, type, at: payload.lowerBound, end: payload.upperBound)
            }
        case .raw:
            frame._protocols.append(.raw)
            decodeIPByVersion(frame, at: 0, end: end)
        case .ipv4:
            decodeIPv4(frame, at: 0, end: end)
        case .ipv6:
            decodeIPv6(frame, at: 0, end: end)
        case .pcapngCustom, .pcapngCustomNoCopy:
            appendData(frame, 0..<end)
        default:
            frame._issues.append(.malformed(.frame, .unsupportedLinkType(raw.linkType)))
        }
    }

    /// Decodes the layers above TCP or UDP of a frame decoded to ``Depth/transport``, as
    /// ``Depth/application`` would have: the follower needs none of them, so a pipeline
    /// can leave them to the thread that views the frame.
    public static func decodeAboveTransport(_ frame: Frame) {
        guard frame.stopsAtTransport else { return }
        frame.stopsAtTransport = false
        if let tcp = frame.tcp {
            decodeTCPPayload(frame, tcp)
        } else if let udp = frame.udp, frame.protocols.last == .udp {
            // Not after a layer the transport pass already found in the payload (L2TP control).
            decodeUDPPayload(frame, udp)
        }
    }

    static func appendData(_ frame: Frame, _ range: Range<Int>) {
        if !range.isEmpty { frame._protocols.append(.data) }
    }

    static func decodeEthernet(_ frame: Frame, at start: Int = 0, end: Int) {
        let bytes = frame.bytes
        let result = Ethernet.decode(bytes, at: start, end: end)
        guard let eth = result.layer else { return frame._issues.append(result.issue) }
        frame._ethernet = eth
        frame._protocols.append(.eth)
        var type = eth.etherType
        var offset = start + Ethernet.headerLength
        if type <= 1500 {
            frame._protocols.append(.llc)
            // An IEEE 802.3 frame: the type is the length of what follows, padding after it.
            let llc = LLC.decode(bytes, at: offset, end: min(end, offset + Int(type)))
            frame._issues.append(llc.issue)
            guard let header = llc.layer else { return }
            frame._llc = header
            if header.dsap == LLC.spanningTreeSAP, header.ssap == LLC.spanningTreeSAP, header.control == LLC.unnumberedInformation {
                let bpdu = BPDU.decode(bytes, at: header.payload.lowerBound, end: header.payload.upperBound)
                frame._issues.append(bpdu.issue)
                if let b = bpdu.layer {
                    frame._bpdu = b
                    frame._protocols.append(.stp)
                }
            }
            return
        }
        frame._protocols.append(.ethertype)
        var depth = 0
        while EtherType.isVLAN(type) && depth < maxVLANTags {
            let tag = VLANTag.decode(bytes, at: offset, end: end)
            guard let vlan = tag.layer else { return frame._issues.append(tag.issue) }
            frame._vlans.append(vlan)
            frame._protocols.append(.vlan)
            frame._protocols.append(.ethertype)
            type = vlan.etherType
            offset += VLANTag.length
            depth += 1
        }
        decodeEtherType(frame, type, at: offset, end: end)
    }

    static func decodeEtherType(_ frame: Frame, _ type: UInt16, at offset: Int, end: Int) {
        switch type {
        case EtherType.ipv4: decodeIPv4(frame, at: offset, end: end)
        case EtherType.ipv6: decodeIPv6(frame, at: offset, end: end)
        case EtherType.arp:
            let result = ARP.decode(frame.bytes, at: offset, end: end)
            frame._issues.append(result.issue)
            if let arp = result.layer {
                frame._arp = arp
                frame._protocols.append(.arp)
            }
        case PPPoESession.etherType:
            decodePPPoE(frame, at: offset, end: end)
        case EAPOL.etherType:
            // 802.1X: EAP packets and keys are listed as eapol alone, as tshark lists them.
            let result = EAPOL.decode(frame.bytes, at: offset, end: end)
            frame._issues.append(result.issue)
            if let eapol = result.layer {
                frame._protocols.append(.eapol)
                // Types other than EAP, Key and MKA go to the data dissector.
                if eapol.type != 0, eapol.type != 3, eapol.type != 5, !eapol.body.isEmpty { frame._protocols.append(.data) }
            }
        default:
            appendData(frame, offset..<end)
        }
    }

    /// PPPoE's session header, the PPP header, then IPv4 or IPv6; other PPP protocols
    /// (LCP, IPCP, authentication) are data.
    static func decodePPPoE(_ frame: Frame, at offset: Int, end: Int) {
        let session = PPPoESession.decode(frame.bytes, at: offset, end: end)
        frame._issues.append(session.issue)
        guard let pppoe = session.layer else { return }
        frame._pppoe = pppoe
        frame._protocols.append(.pppoes)
        let header = PPP.decode(frame.bytes, at: pppoe.payload.lowerBound, end: pppoe.payload.upperBound)
        frame._issues.append(header.issue)
        guard let ppp = header.layer else { return }
        frame._ppp = ppp
        frame._protocols.append(.ppp)
        decodePPPPayload(frame, ppp, end: ppp.payload.upperBound)
    }

    /// What a PPP frame carries (in PPPoE, or in PPTP's GRE): IPv4, IPv6, or data.
    static func decodePPPPayload(_ frame: Frame, _ ppp: PPP, end: Int) {
        switch ppp.protocolNumber {
        case PPP.ipv4: decodeIPv4(frame, at: ppp.payload.lowerBound, end: end)
        case PPP.ipv6: decodeIPv6(frame, at: ppp.payload.lowerBound, end: end)
        case LCPPacket.pppProtocol:
            let result = LCPPacket.decode(frame.bytes, at: ppp.payload.lowerBound, end: end)
            frame._issues.append(result.issue)
            if result.layer != nil { frame._protocols.append(.lcp) }
        default: appendData(frame, ppp.payload)
        }
    }

    private static func decodeIPByVersion(_ frame: Frame, at offset: Int, end: Int) {
        guard offset < end else { return frame._issues.append(.truncated(.ip, needed: 1, available: 0)) }
        switch frame.bytes[offset] >> 4 {
        case 4: decodeIPv4(frame, at: offset, end: end)
        case 6: decodeIPv6(frame, at: offset, end: end)
        case let v: frame._issues.append(.malformed(.ip, .badVersion(v)))
        }
    }

    static func decodeIPv4(_ frame: Frame, at offset: Int, end: Int) {
        let result = IPv4.decode(frame.bytes, at: offset, end: end)
        frame._issues.append(result.issue)
        guard let ip = result.layer else { return }
        frame._ipv4 = ip
        frame._protocols.append(.ip)
        // Like tshark, a fragment's transport header is decoded only after reassembly.
        if ip.isFragment { return decodeFragment(frame, ip) }  // FrameDecoder+Fragments.swift
        let declared = ip.totalLength == 0 ? ip.payload.count : ip.totalLength - ip.headerLength
        decodeTransport(frame, ip.protocolNumber, payload: ip.payload, declaredLength: max(declared, 0))
    }

    static func decodeIPv6(_ frame: Frame, at offset: Int, end: Int) {
        let result = IPv6.decode(frame.bytes, at: offset, end: end)
        frame._issues.append(result.issue)
        guard let ip = result.layer else { return }
        frame._ipv6 = ip
        frame._protocols.append(.ipv6)
        for header in ip.extensionHeaders {
            switch header {
            case 0: frame._protocols.append(.ipv6Hopopts)
            case 43: frame._protocols.append(.ipv6Routing)
            case 44: frame._protocols.append(.ipv6Fraghdr)
            case 60: frame._protocols.append(.ipv6Dstopts)
            case 135: frame._protocols.append(.mipv6)
            default: break
            }
        }
        if result.issue != nil { return }
        if ip.isFragment { return decodeFragment(frame, ip) }  // FrameDecoder+Fragments.swift
        let declared = ip.payloadLength == 0 ? ip.payload.count : ip.payloadLength - (ip.payload.lowerBound - offset - 40)
        decodeTransport(frame, ip.upperLayerProtocol, payload: ip.payload, declaredLength: max(declared, 0))
    }

    static func decodeTransport(_ frame: Frame, _ proto: UInt8, payload: Range<Int>, declaredLength: Int) {
        let bytes = frame.bytes
        let offset = payload.lowerBound, end = payload.upperBound
        switch proto {
        case 6:
            let result = TCP.decode(bytes, at: offset, end: end, ipPayloadLength: declaredLength)
            frame._issues.append(result.issue)
            guard let tcp = result.layer else {
                // Cut inside the fixed header: tshark lists TCP once it has read the ports.
                if case .truncated? = result.issue?.kind, end - offset >= 4 { frame._protocols.append(.tcp) }
                return
            }
            frame._tcp = tcp
            frame._protocols.append(.tcp)
            if !frame.stopsAtTransport { decodeTCPPayload(frame, tcp) }
        case 17:
            let result = UDP.decode(bytes, at: offset, end: end, ipPayloadLength: declaredLength)
            frame._issues.append(result.issue)
            guard let udp = result.layer else { return }
            frame._udp = udp
            frame._protocols.append(.udp)
            // VXLAN and Geneve carry a packet the follower needs, at every depth.
            if decodeUDPTunnel(frame, udp) { return }  // FrameDecoder+Tunnels.swift
            if !frame.stopsAtTransport { decodeUDPPayload(frame, udp) }
        case 1:
            let result = ICMPv4.decode(bytes, at: offset, end: end)
            frame._issues.append(result.issue)
            guard let icmp = result.layer else { return }
            frame._icmp = icmp
            frame._protocols.append(.icmp)
            if icmp.isError {
                frame._quoted = decodeQuoted(frame, at: icmp.payload.lowerBound, end: icmp.payload.upperBound, ipv6: false)
                // tshark dissects the quoted datagram to its declared end: a snaplen cut stops it.
                noteCut(frame, .ip, payload: payload, declaredLength: declaredLength)
            } else if icmp.carriesData(bytes) {
                appendData(frame, icmp.payload)
            }
        case 58:
            let result = ICMPv6.decode(bytes, at: offset, end: end)
            frame._issues.append(result.issue)
            guard let icmp = result.layer else { return }
            frame._icmpv6 = icmp
            frame._protocols.append(.icmpv6)
            if icmp.isError {
                frame._quoted = decodeQuoted(frame, at: icmp.payload.lowerBound, end: icmp.payload.upperBound, ipv6: true)
                noteCut(frame, .ipv6, payload: payload, declaredLength: declaredLength)
            } else if icmp.type == 128 || icmp.type == 129 {
                appendData(frame, icmp.payload)
            } else if (133...137).contains(icmp.type) {
                // Neighbour discovery options are read to the declared end.
                noteCut(frame, .icmpv6, payload: payload, declaredLength: declaredLength)
            }
        case 2:
            let result = IGMPMessage.decode(bytes, at: offset, end: end, declaredLength: declaredLength)
            guard let igmp = result.layer else { return }
            frame._issues.append(result.issue)
            // Wireshark's IGMP dissector hands each type it knows to a version's dissector,
            // which adds the protocol a second time.
            frame._protocols.append(.igmp)
            if igmp.kind != .other { frame._protocols.append(.igmp) }
        case 50, 112:
            // Checked here only for its length: the views read the header again (`Frame.ipPayload`).
            let issue = proto == 50 ? ESP.decode(bytes, at: offset, end: end).issue
                                    : VRRP.decode(bytes, at: offset, end: end, declaredLength: declaredLength).issue
            guard offset < end else { return }
            frame._protocols.append(proto == 50 ? .esp : .vrrp)
            frame._issues.append(issue)
        case 89:
            // The views read the header again (`Frame.ospfHeader`).
            let result = OSPFHeader.decode(bytes, at: offset, end: end, declaredLength: declaredLength)
            guard result.layer != nil else { return appendData(frame, payload) }
            frame._protocols.append(.ospf)
            frame._issues.append(result.issue)
            if result.issue == nil { noteCut(frame, .ospf, payload: payload, declaredLength: declaredLength) }
        case 62:
            // The Mobility Header's first number: tshark decodes it as MIPv6, above IPv6's tree.
            guard offset < end else { return }
            frame._protocols.append(.mipv6)
            noteCut(frame, .mipv6, payload: payload, declaredLength: declaredLength)
        case 59:
            break
        case 4, 41, 47:
            decodeIPTunnel(frame, proto, payload: payload)  // FrameDecoder+Tunnels.swift
        default:
            appendData(frame, payload)
        }
    }

    /// Records that `layer` was cut short when the snaplen kept less of the IP payload
    /// than its length declares (an echo's data is not read, so only layers that are).
    private static func noteCut(_ frame: Frame, _ layer: Layer, payload: Range<Int>, declaredLength: Int) {
        if declaredLength > payload.count {
            frame._issues.append(.truncated(layer, needed: declaredLength, available: payload.count))
        }
    }

    /// Well-known ports where tshark decodes HTTP by default.
    public static func isHTTPPort(_ port: UInt16) -> Bool {
        switch port {
        case 80, 3128, 3132, 5985, 8080, 8088, 11371, 1900, 2869, 2710: true
        default: false
        }
    }

    /// The protocol a TCP conversation between these ports carries by port alone, as
    /// tshark 4.0 chooses it: Decode As first, then TLS's and SSH's registered ports.
    public static func recordLayer(tcpPorts a: UInt16, _ b: UInt16) -> Layer? {
        let table = DecodeAs.current
        if !table.isEmpty, let layer = table[min(a, b)] ?? table[max(a, b)] {
            return layer
        }
        if TLSRecord.isTLSPort(a) || TLSRecord.isTLSPort(b) { return .tls }
        if SSHBanner.isSSHPort(a) || SSHBanner.isSSHPort(b) { return .ssh }
        return nil
    }

    private static func decodeTCPPayload(_ frame: Frame, _ tcp: TCP) {
        let payload = tcp.payload
        // Data on a RST is its cause in text (RFC 1122 4.2.2.12), not a protocol's bytes.
        guard !payload.isEmpty, !tcp.flags.contains(.rst) else { return }
        let bytes = frame.bytes
        if let layer = recordLayer(tcpPorts: tcp.sourcePort, tcp.destinationPort), layer == .tls || layer == .ssh {
            frame._protocols.append(layer)
            return
        }
        if tcp.sourcePort == 53 || tcp.destinationPort == 53 {
            let result = DNS.decode(bytes, at: payload.lowerBound, end: payload.upperBound, overTCP: true)
            if let dns = result.layer {
                frame._dns = dns
                frame._protocols.append(.dns)
                return
            }
        }
        if isHTTPPort(tcp.sourcePort) || isHTTPPort(tcp.destinationPort) {
            // tshark's HTTP reads a segment the snaplen cut to its end, and stops there.
            if payload.count < tcp.segmentLength {
                frame._issues.append(.truncated(.http, needed: tcp.segmentLength, available: payload.count))
            }
            if let head = HTTPHead.decode(bytes, at: payload.lowerBound, end: payload.upperBound).layer {
                frame._http = head
                frame._protocols.append(.http)
                return
            }
        }
        if tcp.sourcePort == 7 || tcp.destinationPort == 7 { return frame._protocols.append(.echo) }
        if tcp.sourcePort == ModbusADU.port || tcp.destinationPort == ModbusADU.port,
           ModbusADU.looksLikeADU(bytes, at: payload.lowerBound, end: payload.upperBound) {
            // Each whole ADU is Modbus/TCP then Modbus; tshark lists mbtcp once.
            let count = ModbusADU.count(bytes, payload: payload)
            if count > 0 {
                frame._protocols.append(.mbtcp)
                for _ in 0..<count { frame._protocols.append(.modbus) }
                return
            }
        }
        if DecodeAs.currentHeuristics.contains(.ssh), HTTPHead.matches(bytes, "SSH-", at: payload.lowerBound, end: payload.upperBound) {
            return frame._protocols.append(.ssh)
        }
        // tshark's TLS heuristic: a record header at the start of the payload.
        frame._protocols.append(TLSRecord.isHeader(bytes, at: payload.lowerBound) ? .tls : .data)
    }

    private static func decodeUDPPayload(_ frame: Frame, _ udp: UDP) {
        let payload = udp.payload
        let ports = (udp.sourcePort, udp.destinationPort)
        let isDNS = ports.0 == 53 || ports.1 == 53
        let isMDNS = ports.0 == 5353 || ports.1 == 5353
        let isLLMNR = ports.0 == 5355 || ports.1 == 5355
        if isDNS || isMDNS || isLLMNR, decodeDNS(frame, udp, as: isDNS ? .dns : isMDNS ? .mdns : .llmnr) { return }
        guard !payload.isEmpty else { return }
        if ports.0 == 67 || ports.1 == 67 || ports.0 == 68 || ports.1 == 68 {
            let result = DHCPMessage.decode(frame.bytes, at: payload.lowerBound, end: payload.upperBound)
            if result.layer != nil {
                frame._protocols.append(.dhcp)
                frame._issues.append(result.issue)
                // A message the snaplen cut: tshark reads its options up to the captured end.
                if result.issue == nil { noteCut(frame, .dhcp, payload: payload, declaredLength: udp.length - UDP.headerLength) }
                return
            }
        }
        if gtpHeader(frame, udp) != nil {
            // GTP's control messages: the header only (T-PDUs are tunnels, FrameDecoder+Tunnels.swift).
            frame._protocols.append(gtpLayer(udp))
            return
        }
        if ports.0 == 546 || ports.1 == 546 || ports.0 == 547 || ports.1 == 547 {
            // packet-dhcpv6.c reads options to the length UDP declares: a snaplen cut stops it.
            frame._protocols.append(.dhcpv6)
            noteCut(frame, .dhcpv6, payload: payload, declaredLength: udp.length - UDP.headerLength)
            return
        }
        if ports.0 == 137 || ports.1 == 137,
           DNS.decode(frame.bytes, at: payload.lowerBound, end: payload.upperBound, overTCP: false).layer != nil {
            frame._protocols.append(.nbns)
            return
        }
        if ports.0 == BrowserDatagram.port || ports.1 == BrowserDatagram.port,
           BrowserDatagram.decode(frame.bytes, at: payload.lowerBound, end: payload.upperBound) != nil {
            frame._protocols.append(.nbdgm)
            frame._protocols.append(.smb)
            frame._protocols.append(.browser)
            return
        }
        if ports.0 == RIPMessage.port || ports.1 == RIPMessage.port {
            let result = RIPMessage.decode(frame.bytes, at: payload.lowerBound, end: payload.upperBound)
            frame._issues.append(result.issue)
            if result.layer != nil { return frame._protocols.append(.rip) }
        }
        if let krb4 = decodeKRB4(frame.bytes, payload, ports: ports) {
            if krb4.viaKerberos { frame._protocols.append(.kerberos) }
            frame._protocols.append(.krb4)
            if let issue = krb4.message.truncation(frame.bytes) { frame._issues.append(issue) }
            return
        }
        if ports.0 == 1900 || ports.1 == 1900,
           let head = HTTPHead.decode(frame.bytes, at: payload.lowerBound, end: payload.upperBound).layer {
            frame._http = head
            frame._protocols.append(.ssdp)
            return
        }
        if let layer = applicationLayer(udpPorts: ports) { return frame._protocols.append(layer) }
        if isHeuristicDNS(udp, frame.bytes), decodeDNS(frame, udp, as: .dns) { return }
        frame._protocols.append(.data)
    }

    /// DNS found by tshark's heuristic off the DNS ports. tshark's heuristics see only the
    /// datagrams no port claims; the follower asks this too, to pair the queries.
    public static func isHeuristicDNS(_ udp: UDP, _ bytes: ByteView) -> Bool {
        DNS.looksLikeDNS(bytes, udp.payload.lowerBound..<min(udp.payload.upperBound, bytes.count))
            && !RegisteredUDPPorts.contains(udp.sourcePort) && !RegisteredUDPPorts.contains(udp.destinationPort)
    }

    /// A DNS, mDNS or LLMNR message in a UDP payload; false when not even its header is there.
    private static func decodeDNS(_ frame: Frame, _ udp: UDP, as layer: Layer) -> Bool {
        let payload = udp.payload
        let result = DNS.decode(frame.bytes, at: payload.lowerBound, end: payload.upperBound, overTCP: false)
        frame._issues.append(result.issue)
        guard let dns = result.layer else { return false }
        frame._dns = dns
        frame._protocols.append(layer)
        // A message the snaplen cut: tshark reads it up to the captured end.
        if result.issue == nil { noteCut(frame, .dns, payload: payload, declaredLength: udp.length - UDP.headerLength) }
        return true
    }

    /// A Kerberos 4 message on its own port (750), or on Kerberos 5's (88) when the first
    /// byte is at most 0x10, as packet-kerberos.c tells the two apart.
    static func decodeKRB4(_ bytes: ByteView, _ payload: Range<Int>, ports: (UInt16, UInt16)) -> (message: KRB4Message, viaKerberos: Bool)? {
        let own = ports.0 == KRB4Message.port || ports.1 == KRB4Message.port
        let viaKerberos = ports.0 == KRB4Message.kerberosPort || ports.1 == KRB4Message.kerberosPort
        guard own || viaKerberos, !payload.isEmpty, payload.lowerBound < bytes.count else { return nil }
        // Port 88 is the lower, so Kerberos 5's dissector decides first (a Transarc message,
        // version 0x63, reaches this one only on port 750 alone).
        if viaKerberos, bytes[payload.lowerBound] > 0x10 { return nil }
        guard let message = KRB4Message.decode(bytes, at: payload.lowerBound, end: payload.upperBound) else { return nil }
        return (message, viaKerberos)
    }

    /// Protocols tshark recognises by a UDP port alone, which tcpwatch names but does not decode.
    static func applicationLayer(udpPorts ports: (UInt16, UInt16)) -> Layer? {
        if ports.0 == 7 || ports.1 == 7 { return .echo }
        if ports.1 == 69 { return .tftp }
        return nil
    }

    /// Decodes the IP header and the start of the transport header quoted in an ICMP error.
    /// The quote is usually cut short, so only what is there is kept, without issues.
    private static func decodeQuoted(_ frame: Frame, at offset: Int, end: Int, ipv6: Bool) -> QuotedPacket? {
        let bytes = frame.bytes
        var quoted = QuotedPacket()
        let payload: Range<Int>, proto: UInt8
        if ipv6 {
            guard let ip = IPv6.decode(bytes, at: offset, end: end).layer else { return nil }
            quoted.ipv6 = ip
            frame._protocols.append(.ipv6)
            payload = ip.payload
            proto = ip.upperLayerProtocol
        } else {
            guard let ip = IPv4.decode(bytes, at: offset, end: end).layer else { return nil }
            quoted.ipv4 = ip
            frame._protocols.append(.ip)
            payload = ip.payload
            proto = ip.protocolNumber
        }
        switch proto {
        case 6:
            if let tcp = TCP.decode(bytes, at: payload.lowerBound, end: payload.upperBound, ipPayloadLength: payload.count).layer {
                quoted.tcp = tcp
            } else if payload.count >= 8 {
                // RFC 792 quotes only 8 bytes: ports and sequence number.
                quoted.tcp = TCP(
                    offset: payload.lowerBound, sourcePort: bytes.u16be(payload.lowerBound),
                    destinationPort: bytes.u16be(payload.lowerBound + 2),
                    sequenceNumber: bytes.u32be(payload.lowerBound + 4), acknowledgmentNumber: 0,
                    headerLength: 0, flags: TCPFlags(rawValue: 0), window: 0, checksum: 0, urgentPointer: 0,
                    options: TCPOptions(), payload: payload.upperBound..<payload.upperBound, segmentLength: 0)
            }
            if quoted.tcp != nil { frame._protocols.append(.tcp) }
        case 17:
            quoted.udp = UDP.decode(bytes, at: payload.lowerBound, end: payload.upperBound).layer
            if let udp = quoted.udp {
                frame._protocols.append(.udp)
                // A quoted DNS message is dissected too (the tree shows it after the ICMP).
                if udp.sourcePort == 53 || udp.destinationPort == 53,
                   DNS.decode(bytes, at: udp.payload.lowerBound, end: udp.payload.upperBound, overTCP: false).layer != nil {
                    frame._protocols.append(.dns)
                }
            }
        case 1:
            quoted.icmp = ICMPv4.decode(bytes, at: payload.lowerBound, end: payload.upperBound).layer
            if quoted.icmp != nil { frame._protocols.append(.icmp) }
        case 58:
            quoted.icmpv6 = ICMPv6.decode(bytes, at: payload.lowerBound, end: payload.upperBound).layer
            if quoted.icmpv6 != nil { frame._protocols.append(.icmpv6) }
        default:
            break
        }
        return quoted
    }
}

/// Wireshark's Decode As (`-d tcp.port==8443,tls`): TCP ports whose conversations are
/// decoded as the named protocol whatever the port tables and heuristics say.
public enum DecodeAs {
    /// Set once by the command line before any frame is decoded, then only read. These
    /// globals skip the dynamic exclusivity checks, which cost more than the reads: every
    /// TCP segment with data looks the table up.
    @exclusivity(unchecked) nonisolated(unsafe) public static var tcpPorts: [UInt16: Layer] = [:]

    /// A table for one task only (tests, an engine per capture), bound with
    /// `DecodeAs.$scoped.withValue(...)`; it replaces ``tcpPorts`` while bound.
    @TaskLocal public static var scoped: [UInt16: Layer]?
    /// Set once anything binds ``scoped``, so that ordinary runs never read the task-local.
    @exclusivity(unchecked) nonisolated(unsafe) public static var scopedInUse = false

    /// Heuristics tshark 4.0 does not have, turned on by `--enable-heuristic` (only `.ssh`:
    /// SSH on any port where a banner starts the data).
    @exclusivity(unchecked) nonisolated(unsafe) public static var heuristics: Set<Layer> = []
    @TaskLocal public static var scopedHeuristics: Set<Layer>?

    public static var currentHeuristics: Set<Layer> {
        if scopedInUse, let scopedHeuristics { return scopedHeuristics }
        return heuristics
    }

    /// The table in force for the current task.
    @inlinable public static var current: [UInt16: Layer] {
        if scopedInUse, let scoped { return scoped }
        return tcpPorts
    }

    /// The protocols Decode As can name.
    public static let protocols: [String: Layer] = ["tls": .tls, "ssl": .tls, "ssh": .ssh]

    /// Parses `tcp.port==8443,tls` (tshark's `-d` syntax; `tcp.port:8443` also works).
    public static func parse(_ spec: String) -> (port: UInt16, layer: Layer)? {
        let parts = spec.split(separator: ",", maxSplits: 1).map { $0.trimmingCharacters(in: " ") }
        guard parts.count == 2, let layer = protocols[parts[1].lowercased()] else { return nil }
        var selector = Substring(parts[0])
        for prefix in ["tcp.port==", "tcp.port:", "tcp.port="] where selector.hasPrefix(prefix) {
            selector = selector.dropFirst(prefix.count)
            guard let port = UInt16(selector) else { return nil }
            return (port, layer)
        }
        return nil
    }
}

private extension Substring {
    func trimmingCharacters(in set: Character) -> String {
        var s = self
        while s.first == set { s.removeFirst() }
        while s.last == set { s.removeLast() }
        return String(s)
    }
}
