/// Tunnels: GRE (with PPTP's PPP inside), IP-in-IP, IPv6-in-IPv4, VXLAN and Geneve.
/// The outer layers move into a ``TunnelHop`` and the inner packet is decoded into the
/// frame's ordinary slots (see ``TunnelHop`` for why).
extension FrameDecoder {
    /// Moves the outer IP header (and UDP header, and the Ethernet header when an
    /// Ethernet frame follows) into `hop`, clears their slots, and pushes the hop.
    private static func enter(_ frame: Frame, _ hop: TunnelHop, udp: Bool = false, ethernet: Bool = false) {
        var hop = hop
        if let ip = frame._ipv4 { hop.ipv4 = ip; frame._ipv4 = nil }
        if let ip = frame._ipv6 { hop.ipv6 = ip; frame._ipv6 = nil }
        if udp, let layer = frame._udp { hop.udp = layer; frame._udp = nil }
        if ethernet, let eth = frame._ethernet { hop.ethernet = eth; frame._ethernet = nil }
        frame._tunnels.append(hop)
    }

    /// IP protocol 4 (IPv4 inside), 41 (IPv6 inside) or 47 (GRE).
    static func decodeIPTunnel(_ frame: Frame, _ proto: UInt8, payload: Range<Int>) {
        // Nested deeper than the stack holds: the rest is data.
        guard !frame._tunnels.isFull else { return appendData(frame, payload) }
        let start = payload.lowerBound, end = payload.upperBound
        switch proto {
        case 4:
            enter(frame, TunnelHop())
            decodeIPv4(frame, at: start, end: end)
        case 41:
            enter(frame, TunnelHop())
            decodeIPv6(frame, at: start, end: end)
        default:
            let result = GRE.decode(frame.bytes, at: start, end: end)
            frame._issues.append(result.issue)
            guard let gre = result.layer else { return }
            frame._protocols.append(.gre)
            var hop = TunnelHop()
            hop.gre = gre
            switch gre.protocolType {
            case GRE.ProtocolType.ppp:
                let ppp = PPP.decode(frame.bytes, at: gre.payload.lowerBound, end: gre.payload.upperBound)
                frame._issues.append(ppp.issue)
                guard let layer = ppp.layer else { return enter(frame, hop) }
                hop.ppp = layer
                frame._protocols.append(.ppp)
                enter(frame, hop)
                decodePPPPayload(frame, layer, end: end)
            case GRE.ProtocolType.erspan, GRE.ProtocolType.erspan3:
                guard let length = gre.erspanHeaderLength(frame.bytes) else {
                    frame._issues.append(.truncated(.erspan, needed: 8, available: gre.payload.count))
                    return enter(frame, hop)
                }
                if length > 0 { frame._protocols.append(.erspan) }
                enter(frame, hop, ethernet: true)
                decodeEthernet(frame, at: gre.payload.lowerBound + length, end: end)
            case GRE.ProtocolType.transparentEthernet:
                enter(frame, hop, ethernet: true)
                decodeEthernet(frame, at: gre.payload.lowerBound, end: end)
            default:
                enter(frame, hop)
                decodeEtherType(frame, gre.protocolType, at: gre.payload.lowerBound, end: end)
            }
        }
    }

    /// VXLAN (UDP port 4789), Geneve (6081), L2TP (1701) and a GTP T-PDU carrying IP: true
    /// when `udp` carried one, whose packet is then decoded as the inner packet.
    static func decodeUDPTunnel(_ frame: Frame, _ udp: UDP) -> Bool {
        if udp.sourcePort == L2TP.port || udp.destinationPort == L2TP.port, decodeL2TP(frame, udp) { return true }
        if let gtp = gtpHeader(frame, udp), gtp.type == GTPHeader.tpdu, !gtp.payload.isEmpty, !frame._tunnels.isFull {
            let inner = gtp.payload
            let version = frame.bytes[inner.lowerBound] >> 4
            guard version == 4 || version == 6 else { return false }
            frame._protocols.append(gtpLayer(udp))
            var hop = TunnelHop()
            hop.gtp = gtp
            enter(frame, hop, udp: true)
            if version == 4 { decodeIPv4(frame, at: inner.lowerBound, end: inner.upperBound) } else {
                decodeIPv6(frame, at: inner.lowerBound, end: inner.upperBound)
            }
            return true
        }
        let port = udp.destinationPort
        guard port == VXLAN.port || port == Geneve.port, !frame._tunnels.isFull else { return false }
        let payload = udp.payload
        var hop = TunnelHop()
        if port == VXLAN.port {
            let result = VXLAN.decode(frame.bytes, at: payload.lowerBound, end: payload.upperBound)
            frame._issues.append(result.issue)
            guard let vxlan = result.layer else { return true }
            hop.vxlan = vxlan
            frame._protocols.append(.vxlan)
            enter(frame, hop, udp: true, ethernet: true)
            decodeEthernet(frame, at: vxlan.payload.lowerBound, end: payload.upperBound)
        } else {
            let result = Geneve.decode(frame.bytes, at: payload.lowerBound, end: payload.upperBound)
            frame._issues.append(result.issue)
            guard let geneve = result.layer else { return true }
            hop.geneve = geneve
            frame._protocols.append(.geneve)
            if geneve.protocolType == GRE.ProtocolType.transparentEthernet {
                enter(frame, hop, udp: true, ethernet: true)
                decodeEthernet(frame, at: geneve.payload.lowerBound, end: payload.upperBound)
            } else {
                enter(frame, hop, udp: true)
                decodeEtherType(frame, geneve.protocolType, at: geneve.payload.lowerBound, end: payload.upperBound)
            }
        }
        return true
    }

    /// L2TP version 2: a control message is the frame's last layer; a data message's PPP
    /// frame is a tunnel, its IP packet decoded as the frame's own.
    private static func decodeL2TP(_ frame: Frame, _ udp: UDP) -> Bool {
        let payload = udp.payload
        guard let result = L2TP.decode(frame.bytes, at: payload.lowerBound, end: payload.upperBound) else { return false }
        frame._protocols.append(.l2tp)
        frame._issues.append(result.issue)
        guard let l2tp = result.layer, !l2tp.isControl, !l2tp.payload.isEmpty, !frame._tunnels.isFull else { return true }
        var hop = TunnelHop()
        hop.l2tp = l2tp
        let ppp = PPP.decode(frame.bytes, at: l2tp.payload.lowerBound, end: l2tp.payload.upperBound)
        frame._issues.append(ppp.issue)
        guard let layer = ppp.layer else {
            enter(frame, hop, udp: true)
            return true
        }
        hop.ppp = layer
        frame._protocols.append(.ppp)
        enter(frame, hop, udp: true)
        decodePPPPayload(frame, layer, end: l2tp.payload.upperBound)
        return true
    }

    /// The GTP header of a datagram on one of GTP's ports.
    static func gtpHeader(_ frame: Frame, _ udp: UDP) -> GTPHeader? {
        guard GTPHeader.isPort(udp.sourcePort) || GTPHeader.isPort(udp.destinationPort) else { return nil }
        return GTPHeader.decode(frame.bytes, at: udp.payload.lowerBound, end: udp.payload.upperBound).layer
    }

    /// Wireshark lists GTP on UDP 3386 as "gtpprime", where it hands version 0 on.
    static func gtpLayer(_ udp: UDP) -> Layer {
        udp.sourcePort == GTPHeader.version0Port || udp.destinationPort == GTPHeader.version0Port ? .gtpprime : .gtp
    }
}
