import Dissect

enum TransportFields {
    /// `tcp.flags.str`: one character per flag bit, `·` when clear, as tshark prints it.
    static func flagString(_ flags: TCPFlags, into out: OutputBuffer) {
        for bit in 0..<12 {
            if flags.rawValue & (0x800 >> UInt16(bit)) != 0 {
                out.byte(flagLetters[bit])
            } else {
                out.byte(0xC2)
                out.byte(0xB7)
            }
        }
    }

    static func flag(_ name: String, _ flag: TCPFlags) -> FieldDefinition {
        field("tcp.flags.\(name)", "TCP \(name) flag", .boolean) { i, o in o.boolean(anyTCP(i).map { $0.flags.contains(flag) }) }
    }

    /// The frame's TCP header, or the one quoted in an ICMP error: tshark shows the
    /// quoted header's fields too.
    static func anyTCP(_ i: FieldInput) -> TCP? { i.frame.tcp ?? i.frame.quoted?.tcp }

    /// The quoted header when the ICMP error quotes all 20 bytes of it, not just eight.
    static func quotedFull(_ i: FieldInput) -> TCP? {
        guard let tcp = i.frame.quoted?.tcp, tcp.offset + 20 <= i.frame.bytes.count else { return nil }
        return tcp
    }

    static let all: [FieldDefinition] = [
        field("tcp.srcport", "TCP source port") { i, o in
            o.decimal(i.frame.tcp?.sourcePort ?? CutTransportHeader.tcpPorts(i.frame)?.source)
            o.decimal(i.frame.quoted?.tcp?.sourcePort)
        },
        field("tcp.dstport", "TCP destination port") { i, o in
            o.decimal(i.frame.tcp?.destinationPort ?? CutTransportHeader.tcpPorts(i.frame)?.destination)
            o.decimal(i.frame.quoted?.tcp?.destinationPort)
        },
        field("tcp.port", "TCP source or destination port") { i, o in
            o.decimal(i.frame.tcp?.sourcePort ?? CutTransportHeader.tcpPorts(i.frame)?.source)
            o.decimal(i.frame.tcp?.destinationPort ?? CutTransportHeader.tcpPorts(i.frame)?.destination)
            o.decimal(i.frame.quoted?.tcp?.sourcePort)
            o.decimal(i.frame.quoted?.tcp?.destinationPort)
        },
        field("tcp.stream", "TCP stream index") { i, o in o.decimal(i.analysis.tcpStream ?? i.analysis.quotedTCPStream) },
        field("tcp.seq", "Relative sequence number") { i, o in
            // A quoted header is not part of the stream's analysis: tshark shows it raw.
            if i.frame.tcp != nil { o.decimal(i.analysis.relativeSeq) } else { o.decimal(i.frame.quoted?.tcp?.sequenceNumber) }
        },
        field("tcp.seq_raw", "Sequence number") { i, o in o.decimal(i.frame.tcp?.sequenceNumber) },
        field("tcp.nxtseq", "Next relative sequence number") { i, o in
            guard i.frame.tcp != nil else { return }
            o.decimal(i.analysis.nextSeq)
        },
        field("tcp.ack", "Relative acknowledgment number") { i, o in
            if let tcp = i.frame.tcp {
                // Without the ACK flag a nonzero field is shown raw, as the tree shows it.
                o.decimal(tcp.flags.contains(.ack) || tcp.acknowledgmentNumber == 0 ? i.analysis.relativeAck : tcp.acknowledgmentNumber)
            } else {
                o.decimal(i.frame.quoted?.tcp?.acknowledgmentNumber)
            }
        },
        field("tcp.ack_raw", "Acknowledgment number") { i, o in o.decimal(anyTCP(i)?.acknowledgmentNumber) },
        field("tcp.hdr_len", "TCP header length") { i, o in o.decimal(anyTCP(i)?.headerLength) },
        field("tcp.flags", "TCP flags") { i, o in o.hex(anyTCP(i)?.flags.rawValue, width: 4) },
        field("tcp.flags.str", "TCP flags as letters", .string) { i, o in
            guard let tcp = anyTCP(i) else { return }
            o.next()
            flagString(tcp.flags, into: o.out)
        },
        flag("syn", .syn), flag("ack", .ack), flag("reset", .rst), flag("fin", .fin),
        flag("push", .psh), flag("urg", .urg), flag("ece", .ece), flag("cwr", .cwr), flag("ae", .ae),
        field("tcp.len", "TCP segment length") { i, o in o.decimal(i.frame.tcp?.segmentLength) },
        field("tcp.window_size_value", "Window field") { i, o in o.decimal(anyTCP(i)?.window) },
        field("tcp.window_size", "Calculated window size") { i, o in
            // A quoted header has no analysis: its window is shown unscaled.
            if i.frame.tcp != nil { o.decimal(i.analysis.windowSize) } else { o.decimal(quotedFull(i)?.window) }
        },
        field("tcp.checksum", "TCP checksum") { i, o in o.hex(i.frame.tcp?.checksum ?? quotedFull(i)?.checksum, width: 4) },
        field("tcp.urgent_pointer", "Urgent pointer") { i, o in o.decimal(i.frame.tcp?.urgentPointer ?? quotedFull(i)?.urgentPointer) },
        field("tcp.options.mss_val", "MSS value") { i, o in o.decimal(anyTCP(i)?.options.mss) },
        field("tcp.options.wscale.shift", "Window scale shift") { i, o in o.decimal(anyTCP(i)?.options.windowScale) },
        field("tcp.options.timestamp.tsval", "Timestamp value") { i, o in o.decimal(anyTCP(i)?.options.timestampValue) },
        field("tcp.options.timestamp.tsecr", "Timestamp echo reply") { i, o in o.decimal(anyTCP(i)?.options.timestampEcho) },
        field("udp.srcport", "UDP source port") { i, o in
            for hop in i.frame.tunnels { o.decimal(hop.udp?.sourcePort) }
            o.decimal(i.frame.udp?.sourcePort)
            o.decimal(i.frame.quoted?.udp?.sourcePort)
        },
        field("udp.dstport", "UDP destination port") { i, o in
            for hop in i.frame.tunnels { o.decimal(hop.udp?.destinationPort) }
            o.decimal(i.frame.udp?.destinationPort)
            o.decimal(i.frame.quoted?.udp?.destinationPort)
        },
        field("udp.port", "UDP source or destination port") { i, o in
            for hop in i.frame.tunnels {
                o.decimal(hop.udp?.sourcePort)
                o.decimal(hop.udp?.destinationPort)
            }
            o.decimal(i.frame.udp?.sourcePort)
            o.decimal(i.frame.udp?.destinationPort)
            o.decimal(i.frame.quoted?.udp?.sourcePort)
            o.decimal(i.frame.quoted?.udp?.destinationPort)
        },
        field("udp.length", "UDP length") { i, o in
            for hop in i.frame.tunnels { o.decimal(hop.udp?.length) }
            o.decimal(i.frame.udp?.length)
            o.decimal(i.frame.quoted?.udp?.length)
        },
        field("udp.stream", "UDP stream index") { i, o in o.decimal(i.analysis.udpStream ?? i.analysis.quotedUDPStream) },
    ]
}

private let flagLetters: [UInt8] = Array(tcpFlagLetters.utf8)
