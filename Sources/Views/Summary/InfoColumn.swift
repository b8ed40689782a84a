import Dissect
import Follow

/// The Info column, written the way tshark writes it for each protocol.
enum InfoColumn {
    /// tshark's `COL_MAX_INFO_LEN` (4096, NUL included): the column keeps at most 4095
    /// bytes. It also bounds the line a hostile frame can make (a DNS message of 60000
    /// compressed questions would otherwise write megabytes).
    static let maximumLength = 4095

    static func write(_ input: FieldInput, to out: OutputBuffer) {
        let start = out.count
        writeUnbounded(input, to: out)
        out.truncate(from: start, toLength: maximumLength)
    }

    private static func writeUnbounded(_ input: FieldInput, to out: OutputBuffer) {
        let raw = input.frame.raw
        if raw.linkType.isPcapngCustomBlock {
            out.ascii("Custom Block: PEN = ")
            out.string(privateEnterpriseNames[raw.customBlockPEN] ?? "Unknown")
            out.ascii(" (")
            out.decimal(raw.customBlockPEN)
            out.ascii(raw.linkType == .pcapngCustom ? "), will be copied" : "), will not be copied")
            return
        }
        let analysis = input.analysis
        if input.frame.tcp != nil { writeAnalysisPrefix(analysis.tcp, to: out) }
        switch analysis.application {
        case .layers(.http, _):
            if analysis.isHTTPContinuation {
                out.ascii("Continuation")
                return writeIssue(input.frame, to: out)
            }
            if let message = analysis.http {
                writeHTTP(message, to: out)
                return
            }
        case .layers(.tls, _), .layers(.ssh, _):
            if let source = RecordSource(input) { return RecordInfo.write(source, to: out) }
        case .asDecoded:
            if let source = RecordSource(input) { return RecordInfo.write(source, to: out) }
        case .layers(.tftp, _):
            if let udp = input.frame.udp { return TFTPInfo.write(input.frame.bytes.slice(udp.payload), to: out) }
        case .transportOnly where analysis.isPDUSegment:
            if let firstLine = analysis.pduFirstLine {
                writeEscaped(firstLine, to: out)
                out.ascii("  [TCP segment of a reassembled PDU]")
            } else if let tcp = input.frame.tcp {
                writeTCP(tcp, input: input, to: out)
                out.ascii(" [TCP segment of a reassembled PDU]")
            }
            return
        default:
            break
        }
        if let http = input.frame.http, analysis.application == .asDecoded {
            writeHTTP(http, frame: input.frame, to: out)
        } else if let dhcp = input.frame.dhcpMessage {
            DHCPInfo.write(dhcp, bytes: input.frame.bytes, to: out)
        } else if let gtp = input.frame.gtpHeader {
            out.string(GTPTree.info(gtp))
        } else if let dhcp = input.frame.dhcpv6Message {
            out.string(DHCPv6Tree.info(payload: dhcp.payload, declaredEnd: dhcp.declaredEnd, bytes: input.frame.bytes))
        } else if let nbns = input.frame.nbnsMessage {
            NBNSTree.writeInfo(nbns, bytes: input.frame.bytes, to: out)
        } else if let browser = input.frame.browserDatagram {
            BrowserTree.writeInfo(browser, bytes: input.frame.bytes, to: out)
        } else if let krb4 = input.frame.krb4Message {
            KRB4Tree.writeInfo(krb4, to: out)
        } else if let l2tp = input.frame.l2tpControl {
            L2TPTree.writeInfo(l2tp, bytes: input.frame.bytes, to: out)
        } else if let rip = input.frame.ripMessage {
            RIPTree.writeInfo(rip, to: out)
        } else if let tcp = input.frame.tcp, let last = input.frame.modbusADUs?.last {
            ModbusTree.writeInfo(last, tcp, bytes: input.frame.bytes, to: out)
        } else if let dns = input.frame.dns {
            DNSInfo.write(dns, frame: input.frame, to: out, limit: out.count + maximumLength)
        } else if let tcp = input.frame.tcp {
            writeTCP(tcp, input: input, to: out)
        } else if let udp = input.frame.udp {
            if input.frame.protocols.last == .echo {
                out.ascii(udp.destinationPort == 7 ? "Request" : "Response")
                return
            }
            if input.frame.protocols.last == .tftp { return TFTPInfo.write(input.frame.bytes.slice(udp.payload), to: out) }
            out.decimal(udp.sourcePort)
            out.ascii(" → ")
            out.decimal(udp.destinationPort)
            out.ascii(" Len=")
            out.decimal(max(udp.length - 8, 0))
        } else if let icmp = input.frame.icmp {
            ICMPInfo.write(icmp, frame: input.frame, to: out)
            writeEchoMatch(analysis, to: out)
        } else if let icmp = input.frame.icmpv6 {
            ICMPInfo.write(icmp, frame: input.frame, to: out)
            writeEchoMatch(analysis, to: out)
        } else if let arp = input.frame.arp {
            writeARP(arp, to: out)
        } else if let eapol = input.frame.eapolMessage {
            EAPOLTree.writeInfo(eapol, bytes: input.frame.bytes, to: out)
        } else if let igmp = input.frame.igmpMessage {
            IGMPInfo.write(igmp, bytes: input.frame.bytes, to: out)
        } else if let esp = input.frame.espHeader {
            ESPTree.writeInfo(esp, to: out)
        } else if let vrrp = input.frame.vrrpMessage {
            VRRPTree.writeInfo(vrrp, to: out)
        } else if let lcp = input.frame.lcpPacket {
            out.string(LCPTree.name(lcp))
        } else if let ospf = input.frame.ospfHeader {
            out.string(OSPFTree.info(ospf))
        } else if let at = input.frame.mobilityHeader {
            MIP6Tree.writeInfo(at: at, bytes: input.frame.bytes, to: out)
        } else if writeFragment(input.frame, to: out) {
            return
        } else if let cut = CutTransportHeader(input.frame) {
            cut.writeInfo(input.frame, to: out)
        } else if let geneve = input.frame.opaqueTunnel?.geneve {
            out.ascii("Encapsulated ")
            if let name = EtherTypeNames.table[UInt64(geneve.protocolType)] {
                out.string(name)
            } else {
                out.ascii("0x")
                out.hex(geneve.protocolType, width: 4, prefix: false)
                out.ascii(" (unknown)")
            }
        } else if let bpdu = input.frame.bpdu {
            STPTree.writeInfo(bpdu, to: out)
        } else if UndecodedEtherType(input.frame) != nil {
            out.ascii("Ethernet II")
        } else if let issue = input.frame.issues.first, input.frame.sizeLimitedIssue == nil {
            if case .malformed(let why) = issue.kind, case .unsupportedLinkType = why {
                out.string(why.description)
            } else {
                out.string(issue.description)
            }
        }
        writeIssue(input.frame, to: out)
    }

    /// tshark's note on a frame a dissector could not finish: a snaplen cut, or damage.
    static func writeIssue(_ frame: Frame, to out: OutputBuffer) {
        if frame.sizeLimitedIssue != nil {
            out.ascii(sizeLimitedNote)
        } else if let issue = frame.issues.first, frame.tcp != nil || frame.udp != nil || frame.ipv4 != nil || frame.ipv6 != nil {
            out.ascii(" [")
            out.string(issue.description)
            out.byte(93)
        }
    }

    /// What tshark appends (with no space before it) when the snaplen cut a dissector short.
    static let sizeLimitedNote: StaticString = "[Packet size limited during capture]"

    /// A fragment whose datagram is not complete yet, as tshark's IP dissectors say it.
    static func writeFragment(_ frame: Frame, to out: OutputBuffer) -> Bool {
        if let ip = frame.ipv4, ip.isFragment {
            out.ascii("Fragmented IP protocol (proto=")
            out.string(IPProtocolNames.table[UInt64(ip.protocolNumber)] ?? "Unknown")
            out.byte(32)
            out.decimal(ip.protocolNumber)
            out.ascii(", off=")
            out.decimal(ip.fragmentOffset)
            out.ascii(", ID=")
            out.hex(ip.identification, width: 4, prefix: false)
            out.byte(41)
            return true
        }
        if let ip = frame.ipv6, let fragment = ip.fragment, ip.isFragment {
            out.ascii("IPv6 fragment (off=")
            out.decimal(fragment.offset)
            out.ascii(fragment.moreFragments ? " more=y ident=0x" : " more=n ident=0x")
            out.hex(fragment.identification, width: 8, prefix: false)
            out.ascii(" nxt=")
            out.decimal(ip.upperLayerProtocol)
            out.byte(41)
            return true
        }
        return false
    }

    /// IANA Private Enterprise Numbers tshark names on the custom blocks seen so far.
    static let privateEnterpriseNames: [UInt32: String] = [
        0: "Reserved", 2: "IBM", 9: "ciscoSystems", 11: "Hewlett-Packard", 311: "Microsoft", 2636: "Juniper Networks, Inc.",
        32473: "Example Enterprise Number for Documentation Use", 36724: "Kaplan Research and Application Prototyping",
    ]

    static func writeEchoMatch(_ analysis: FrameAnalysis, to out: OutputBuffer) {
        guard let request = analysis.echoRequestFrame else { return }
        out.ascii(" (request in ")
        out.decimal(request)
        out.byte(41)
    }

    /// tshark's expert tags, each prepended, so the last one added comes first.
    static func writeAnalysisPrefix(_ analysis: TCPSegmentAnalysis, to out: OutputBuffer) {
        let flags = analysis.flags
        guard !flags.isEmpty else { return }
        for (flag, _) in TCPAnalysisFlags.printOrder.reversed() where flags.contains(flag) {
            switch flag {
            case .reusedPorts: out.ascii("[TCP Port numbers reused] ")
            case .retransmission:
                if !flags.contains(.fastRetransmission) && !flags.contains(.spuriousRetransmission) {
                    out.ascii("[TCP Retransmission] ")
                }
            case .fastRetransmission: out.ascii("[TCP Fast Retransmission] ")
            case .spuriousRetransmission: out.ascii("[TCP Spurious Retransmission] ")
            case .outOfOrder: out.ascii("[TCP Out-Of-Order] ")
            case .lostSegment: out.ascii("[TCP Previous segment not captured] ")
            case .ackLostSegment: out.ascii("[TCP ACKed unseen segment] ")
            case .windowUpdate: out.ascii("[TCP Window Update] ")
            case .windowFull: out.ascii("[TCP Window Full] ")
            case .keepAlive: out.ascii("[TCP Keep-Alive] ")
            case .keepAliveAck: out.ascii("[TCP Keep-Alive ACK] ")
            case .duplicateAck:
                out.ascii("[TCP Dup ACK ")
                out.decimal(analysis.duplicateAckOf ?? 0)
                out.byte(35)
                out.decimal(analysis.duplicateAckNumber ?? 0)
                out.ascii("] ")
            case .zeroWindowProbe: out.ascii("[TCP ZeroWindowProbe] ")
            case .zeroWindow: out.ascii("[TCP ZeroWindow] ")
            case .zeroWindowProbeAck: out.ascii("[TCP ZeroWindowProbeAck] ")
            default: break
            }
        }
    }

    static func writeEscaped(_ bytes: [UInt8], to out: OutputBuffer) {
        bytes.withUnsafeBytes { out.escaped(ByteView($0)) }
    }

    /// `HTTP/1.1 200 OK  (text/html)`: the first line, and the body's type when there is one.
    static func writeHTTP(_ message: HTTPMessage, to out: OutputBuffer) {
        writeEscaped(message.firstLine, to: out)
        out.byte(32)
        if message.bodyLength > 0, let type = message.contentType {
            out.ascii(" (")
            out.escaped(type)
            out.byte(41)
        }
    }

    /// Flag names in tshark's order.
    private static let flagNames: [(TCPFlags, StaticString)] = [
        (.fin, "FIN"), (.syn, "SYN"), (.rst, "RST"), (.psh, "PSH"), (.ack, "ACK"),
        (.urg, "URG"), (.ece, "ECE"), (.cwr, "CWR"), (.ae, "AE"),
    ]

    static func writeFlags(_ flags: TCPFlags, to out: OutputBuffer) {
        out.byte(91)
        var first = true
        for (flag, name) in flagNames where flags.contains(flag) {
            if !first { out.ascii(", ") }
            out.ascii(name)
            first = false
        }
        // Any of the three reserved bits: one "Reserved", last, as tshark's tcp_flags_to_str.
        if !flags.isDisjoint(with: .reserved) {
            if !first { out.ascii(", ") }
            out.ascii("Reserved")
            first = false
        }
        if first { out.ascii("<None>") }
        out.byte(93)
    }

    static func writeTCP(_ tcp: TCP, input: FieldInput, to out: OutputBuffer) {
        let a = input.analysis
        out.decimal(tcp.sourcePort)
        out.ascii(" → ")
        out.decimal(tcp.destinationPort)
        out.byte(32)
        writeFlags(tcp.flags, to: out)
        out.ascii(" Seq=")
        out.decimal(a.relativeSeq)
        if tcp.flags.contains(.ack) {
            out.ascii(" Ack=")
            out.decimal(a.relativeAck)
        }
        out.ascii(" Win=")
        out.decimal(a.windowSize)
        if tcp.flags.contains(.urg) {
            out.ascii(" Urg=")
            out.decimal(tcp.urgentPointer)
        }
        out.ascii(" Len=")
        out.decimal(tcp.segmentLength)
        // Options in the order they appear, as tshark lists them.
        let bytes = input.frame.bytes
        var options = tcp.optionIterator(bytes, end: tcp.payload.lowerBound)
        let peerBase = tcp.acknowledgmentNumber &- a.relativeAck
        while let (kind, range) = options.next() {
            guard range.count >= 2 else { continue }  // NOP and EOL
            let body = (range.lowerBound + 2)..<range.upperBound
            switch kind {
            case 2 where body.count == 2:
                out.ascii(" MSS=")
                out.decimal(bytes.u16be(body.lowerBound))
            case 3 where body.count == 1:
                out.ascii(" WS=")
                out.decimal(1 << Int(min(bytes[body.lowerBound], 14)))
            case 4 where body.isEmpty:
                out.ascii(" SACK_PERM")
            case 5 where body.count >= 8:
                // SACK edges count in the peer's sequence space, relative like the ack.
                var edge = body.lowerBound
                while edge + 8 <= body.upperBound {
                    out.ascii(" SLE=")
                    out.decimal(bytes.u32be(edge) &- peerBase)
                    out.ascii(" SRE=")
                    out.decimal(bytes.u32be(edge + 4) &- peerBase)
                    edge += 8
                }
            case 8 where body.count == 8:
                out.ascii(" TSval=")
                out.decimal(bytes.u32be(body.lowerBound))
                out.ascii(" TSecr=")
                out.decimal(bytes.u32be(body.lowerBound + 4))
            case 34:
                // TCP Fast Open (RFC 7413): a cookie request, or a cookie.
                out.ascii(body.isEmpty ? " TFO=R" : " TFO=C")
            case 254 where body.count >= 2 && bytes.u16be(body.lowerBound) == 0xF989:
                // The experimental form, before kind 34 was assigned (magic 0xF989).
                out.ascii(body.count == 2 ? " TFO=R" : " TFO=C")
            default:
                break
            }
        }
    }

    static func writeHTTP(_ http: HTTPHead, frame: Frame, to out: OutputBuffer) {
        out.escaped(frame.bytes.slice(http.firstLine))
        out.byte(32)
    }

    static func writeARP(_ arp: ARP, to out: OutputBuffer) {
        switch arp.opcode {
        case 1:
            if let target = arp.targetIP, let sender = arp.senderIP {
                // RFC 5227's probe and announcement first, as tshark 4.0 checks them.
                if arp.isProbe {
                    out.ascii("Who has ")
                    out.ipv4(target)
                    out.ascii("? (ARP Probe)")
                } else if arp.isAnnouncement {
                    out.ascii("ARP Announcement for ")
                    out.ipv4(target)
                } else if arp.isGratuitous {
                    out.ascii("Gratuitous ARP for ")
                    out.ipv4(target)
                    out.ascii(" (Request)")
                } else {
                    out.ascii("Who has ")
                    out.ipv4(target)
                    out.ascii("? Tell ")
                    out.ipv4(sender)
                }
                return
            }
        case 2:
            if arp.isGratuitous, let sender = arp.senderIP {
                out.ascii("Gratuitous ARP for ")
                out.ipv4(sender)
                out.ascii(" (Reply)")
                return
            }
            if let sender = arp.senderIP, let mac = arp.senderMAC {
                out.ipv4(sender)
                out.ascii(" is at ")
                out.mac(mac)
                return
            }
        default: break
        }
        out.ascii("ARP opcode ")
        out.decimal(arp.opcode)
    }
}
