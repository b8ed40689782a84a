import Dissect
import Follow

/// `-V`: the packet-details tree, as tshark -V and Wireshark's middle pane show it.
public enum DetailTree {
    public static func write(_ input: FieldInput, to out: OutputBuffer) {
        var tree = TreeWriter(out: out)
        let frame = input.frame
        let raw = frame.raw
        tree.line(0, "Frame \(frame.number): \(raw.originalLength) bytes on wire (\(raw.originalLength * 8) bits), \(raw.capturedLength) bytes captured (\(raw.capturedLength * 8) bits) on interface \(raw.interfaceID)")
        tree.line(1, "Encapsulation type: \(raw.linkType)")
        tree.line(1, "Epoch Time: \(text { $0.epoch(raw.timestamp) }) seconds")
        tree.line(1, "Time since reference or first frame: \(text { $0.seconds(nanoseconds: raw.timestamp.nanoseconds(since: input.reference)) }) seconds")
        tree.line(1, "Frame Number: \(frame.number)")
        tree.line(1, "Frame Length: \(raw.originalLength) bytes (\(raw.originalLength * 8) bits)")
        tree.line(1, "Capture Length: \(raw.capturedLength) bytes (\(raw.capturedLength * 8) bits)")
        tree.line(1, "[Protocols in frame: \(frame.protocols.map(\.description).joined(separator: ":"))]")
        if let eth = frame.ethernet {
            tree.line(0, "Ethernet II, Src: \(eth.source), Dst: \(eth.destination)")
            tree.line(1, "Destination: \(eth.destination)")
            tree.line(1, "Source: \(eth.source)")
            tree.line(1, "Type: \(etherTypeName(eth.etherType)) (0x\(hex4(eth.etherType)))")
        }
        for tag in [frame.vlans.outer, frame.vlans.inner].compactMap({ $0 }) {
            tree.line(0, "802.1Q Virtual LAN, PRI: \(tag.priority), DEI: \(tag.dropEligible ? 1 : 0), ID: \(tag.id)")
            tree.line(1, "ID: \(tag.id)")
            tree.line(1, "Type: \(etherTypeName(tag.etherType)) (0x\(hex4(tag.etherType)))")
        }
        if let sll = frame.sll {
            tree.line(0, sll.version == .v1 ? "Linux cooked capture v1" : "Linux cooked capture v2")
            tree.line(1, "Packet type: \(packetTypeName(sll.packetType)) (\(sll.packetType))")
            if let index = sll.interfaceIndex { tree.line(1, "Interface index: \(index)") }
            tree.line(1, "Link-layer address type: \(sll.arphrdType)")
            tree.line(1, "Protocol: \(etherTypeName(sll.protocolType)) (0x\(hex4(sll.protocolType)))")
        }
        if let null = frame.null {
            tree.line(0, "Null/Loopback")
            tree.line(1, "Family: \(null.ipVersion == 4 ? "IP" : null.ipVersion == 6 ? "IPv6" : "Unknown") (\(null.family))")
        }
        if let arp = frame.arp {
            tree.line(0, "Address Resolution Protocol (\(arp.opcode == 1 ? "request" : arp.opcode == 2 ? "reply" : "opcode \(arp.opcode)"))")
            tree.line(1, "Hardware type: \(arp.hardwareType)")
            tree.line(1, "Protocol type: 0x\(hex4(arp.protocolType))")
            tree.line(1, "Opcode: \(arp.opcode)")
            if let mac = arp.senderMAC { tree.line(1, "Sender MAC address: \(mac)") }
            if let ip = arp.senderIP { tree.line(1, "Sender IP address: \(ip)") }
            if let mac = arp.targetMAC { tree.line(1, "Target MAC address: \(mac)") }
            if let ip = arp.targetIP { tree.line(1, "Target IP address: \(ip)") }
        }
        if let ip = frame.ipv4 { writeIPv4(ip, &tree, depth: 0) }
        if let ip = frame.ipv6 { writeIPv6(ip, &tree, depth: 0) }
        if let icmp = frame.icmp {
            tree.line(0, "Internet Control Message Protocol")
            tree.line(1, "Type: \(icmp.type)")
            tree.line(1, "Code: \(icmp.code)")
            tree.line(1, "Checksum: 0x\(hex4(icmp.checksum))")
            if icmp.type == 0 || icmp.type == 8 {
                tree.line(1, "Identifier (BE): \(icmp.identifier) (0x\(hex4(icmp.identifier)))")
                tree.line(1, "Sequence Number (BE): \(icmp.sequenceNumber) (0x\(hex4(icmp.sequenceNumber)))")
            }
        }
        if let icmp = frame.icmpv6 {
            tree.line(0, "Internet Control Message Protocol v6")
            tree.line(1, "Type: \(icmp.type)")
            tree.line(1, "Code: \(icmp.code)")
            tree.line(1, "Checksum: 0x\(hex4(icmp.checksum))")
            if let target = icmp.ndpTarget { tree.line(1, "Target Address: \(target)") }
        }
        if let quoted = frame.quoted {
            if let ip = quoted.ipv4 { writeIPv4(ip, &tree, depth: 1) }
            if let ip = quoted.ipv6 { writeIPv6(ip, &tree, depth: 1) }
            if let tcp = quoted.tcp {
                tree.line(1, "Transmission Control Protocol, Src Port: \(tcp.sourcePort), Dst Port: \(tcp.destinationPort)")
                tree.line(2, "Sequence Number (raw): \(tcp.sequenceNumber)")
            }
            if let udp = quoted.udp {
                tree.line(1, "User Datagram Protocol, Src Port: \(udp.sourcePort), Dst Port: \(udp.destinationPort)")
            }
        }
        if let tcp = frame.tcp { writeTCP(tcp, input.analysis, &tree) }
        if let udp = frame.udp {
            tree.line(0, "User Datagram Protocol, Src Port: \(udp.sourcePort), Dst Port: \(udp.destinationPort)")
            tree.line(1, "Source Port: \(udp.sourcePort)")
            tree.line(1, "Destination Port: \(udp.destinationPort)")
            tree.line(1, "Length: \(udp.length)")
            tree.line(1, "Checksum: 0x\(hex4(udp.checksum))")
            if let stream = input.analysis.udpStream { tree.line(1, "[Stream index: \(stream)]") }
        }
        if let dns = frame.dns {
            tree.line(0, "Domain Name System (\(dns.isResponse ? "response" : "query"))")
            tree.line(1, "Transaction ID: 0x\(hex4(dns.id))")
            tree.line(1, "Flags: 0x\(hex4(dns.flags))")
            tree.line(1, "Questions: \(dns.questionCount)")
            tree.line(1, "Answer RRs: \(dns.answerCount)")
            tree.line(1, "Authority RRs: \(dns.authorityCount)")
            tree.line(1, "Additional RRs: \(dns.additionalCount)")
            let bytes = frame.bytes
            var questions = dns.questions(bytes)
            if dns.questionCount > 0 { tree.line(1, "Queries") }
            while let q = questions.next() {
                let name = text { out in q.name.write(bytes) { out.byte($0) } }
                tree.line(2, "\(name): type \(DNS.typeName(q.type) ?? String(q.type)), class \(DNS.className(q.questionClass) ?? String(q.questionClass))")
            }
            var records = dns.records(bytes)
            var section: DNSSection?
            while let r = records.next() {
                if r.section != section {
                    section = r.section
                    tree.line(1, r.section == .answer ? "Answers" : r.section == .authority ? "Authoritative nameservers" : "Additional records")
                }
                let name = text { out in r.name.write(bytes) { out.byte($0) } }
                let data = text { out in DNSInfo.writeRecordData(r, bytes, to: out) }
                tree.line(2, "\(name.isEmpty ? "<Root>" : name): type \(DNS.typeName(r.type) ?? String(r.type)), class \(DNS.className(r.recordClass) ?? String(r.recordClass)), ttl \(r.ttl)\(data.isEmpty ? "" : ", " + data.trimmingLeadingSpace)")
            }
        }
        if let http = frame.http {
            tree.line(0, "Hypertext Transfer Protocol")
            tree.line(1, text { $0.escaped(frame.bytes.slice(http.firstLine)); $0.ascii("\\r\\n") })
            var headers = http.headers(frame.bytes)
            while let (name, value) = headers.next() {
                tree.line(1, text { out in
                    out.escaped(frame.bytes.slice(name))
                    out.ascii(": ")
                    out.escaped(frame.bytes.slice(value))
                    out.ascii("\\r\\n")
                })
            }
            if http.bodyStart != nil { tree.line(1, "\\r\\n") }
        }
        for issue in frame.issues {
            tree.line(0, "[Malformed Packet: \(issue)]")
        }
        out.byte(10)
    }

    static func writeIPv4(_ ip: IPv4, _ tree: inout TreeWriter, depth: Int) {
        tree.line(depth, "Internet Protocol Version 4, Src: \(ip.source), Dst: \(ip.destination)")
        tree.line(depth + 1, "0100 .... = Version: 4")
        tree.line(depth + 1, ".... \(bits(UInt(ip.headerLength / 4), width: 4)) = Header Length: \(ip.headerLength) bytes (\(ip.headerLength / 4))")
        tree.line(depth + 1, "Differentiated Services Field: 0x\(hex2(ip.dsfield))")
        tree.line(depth + 1, "Total Length: \(ip.totalLength)")
        tree.line(depth + 1, "Identification: 0x\(hex4(ip.identification)) (\(ip.identification))")
        tree.line(depth + 1, "Flags: 0x\(hex2(ip.flags << 5))\(ip.dontFragment ? ", Don't fragment" : "")\(ip.moreFragments ? ", More fragments" : "")")
        tree.line(depth + 1, "Fragment Offset: \(ip.fragmentOffset)")
        tree.line(depth + 1, "Time to Live: \(ip.ttl)")
        tree.line(depth + 1, "Protocol: \(protocolName(ip.protocolNumber)) (\(ip.protocolNumber))")
        tree.line(depth + 1, "Header Checksum: 0x\(hex4(ip.checksum))")
        tree.line(depth + 1, "Source Address: \(ip.source)")
        tree.line(depth + 1, "Destination Address: \(ip.destination)")
    }

    static func writeIPv6(_ ip: IPv6, _ tree: inout TreeWriter, depth: Int) {
        tree.line(depth, "Internet Protocol Version 6, Src: \(ip.source), Dst: \(ip.destination)")
        tree.line(depth + 1, "0110 .... = Version: 6")
        tree.line(depth + 1, "Traffic Class: 0x\(hex2(ip.trafficClass))")
        tree.line(depth + 1, "Flow Label: 0x\(String(ip.flowLabel, radix: 16))")
        tree.line(depth + 1, "Payload Length: \(ip.payloadLength)")
        tree.line(depth + 1, "Next Header: \(protocolName(ip.nextHeader)) (\(ip.nextHeader))")
        tree.line(depth + 1, "Hop Limit: \(ip.hopLimit)")
        tree.line(depth + 1, "Source Address: \(ip.source)")
        tree.line(depth + 1, "Destination Address: \(ip.destination)")
    }

    static let flagDescriptions: [(TCPFlags, String, String)] = [
        (.ae, "...1 .... ....", "Accurate ECN"), (.cwr, ".... 1... ....", "Congestion Window Reduced"),
        (.ece, ".... .1.. ....", "ECN-Echo"), (.urg, ".... ..1. ....", "Urgent"),
        (.ack, ".... ...1 ....", "Acknowledgment"), (.psh, ".... .... 1...", "Push"),
        (.rst, ".... .... .1..", "Reset"), (.syn, ".... .... ..1.", "Syn"), (.fin, ".... .... ...1", "Fin"),
    ]

    static func writeTCP(_ tcp: TCP, _ a: FrameAnalysis, _ tree: inout TreeWriter) {
        tree.line(0, "Transmission Control Protocol, Src Port: \(tcp.sourcePort), Dst Port: \(tcp.destinationPort), Seq: \(a.relativeSeq)\(tcp.flags.contains(.ack) ? ", Ack: \(a.relativeAck)" : ""), Len: \(tcp.segmentLength)")
        tree.line(1, "Source Port: \(tcp.sourcePort)")
        tree.line(1, "Destination Port: \(tcp.destinationPort)")
        if let stream = a.tcpStream { tree.line(1, "[Stream index: \(stream)]") }
        tree.line(1, "[TCP Segment Len: \(tcp.segmentLength)]")
        tree.line(1, "Sequence Number: \(a.relativeSeq)    (relative sequence number)")
        tree.line(1, "Sequence Number (raw): \(tcp.sequenceNumber)")
        if a.nextSeq != 0 { tree.line(1, "[Next Sequence Number: \(a.nextSeq)    (relative sequence number)]") }
        tree.line(1, "Acknowledgment Number: \(a.relativeAck)\(tcp.flags.contains(.ack) ? "    (relative ack number)" : "")")
        tree.line(1, "Acknowledgment number (raw): \(tcp.acknowledgmentNumber)")
        tree.line(1, "\(bits(UInt(tcp.headerLength / 4), width: 4)) .... = Header Length: \(tcp.headerLength) bytes (\(tcp.headerLength / 4))")
        let names = flagDescriptions.reversed().filter { tcp.flags.contains($0.0) }.map { $0.2 == "Acknowledgment" ? "ACK" : $0.2.uppercased() }
        tree.line(1, "Flags: 0x\(String(tcp.flags.rawValue, radix: 16).leftPadded(3)) (\(names.isEmpty ? "<None>" : names.joined(separator: ", ")))")
        tree.line(2, "000. .... .... = Reserved: \(tcp.flags.rawValue & 0xE00 != 0 ? "Set" : "Not set")")
        for (flag, pattern, name) in flagDescriptions {
            let set = tcp.flags.contains(flag)
            tree.line(2, "\(set ? pattern : pattern.replacingOne("1", with: "0")) = \(name): \(set ? "Set" : "Not set")")
        }
        tree.line(2, "[TCP Flags: \(text { TransportFields.flagString(tcp.flags, into: $0) })]")
        tree.line(1, "Window: \(tcp.window)")
        tree.line(1, "[Calculated window size: \(a.windowSize)]")
        tree.line(1, "Checksum: 0x\(hex4(tcp.checksum)) [unverified]")
        tree.line(1, "Urgent Pointer: \(tcp.urgentPointer)")
        let o = tcp.options
        if tcp.headerLength > 20 {
            tree.line(1, "Options: (\(tcp.headerLength - 20) bytes)")
            if let mss = o.mss { tree.line(2, "TCP Option - Maximum segment size: \(mss) bytes") }
            if o.sackPermitted { tree.line(2, "TCP Option - SACK permitted") }
            if let tsval = o.timestampValue, let tsecr = o.timestampEcho {
                tree.line(2, "TCP Option - Timestamps: TSval \(tsval), TSecr \(tsecr)")
            }
            if let ws = o.windowScale { tree.line(2, "TCP Option - Window scale: \(ws) (multiply by \(1 << Int(min(ws, 14))))") }
            for i in 0..<o.sackBlocks.count {
                let block = o.sackBlocks[i]
                tree.line(2, "TCP Option - SACK \(block.left)-\(block.right)")
            }
        }
        if !tcp.payload.isEmpty { tree.line(1, "TCP payload (\(tcp.segmentLength) bytes)") }
    }

    static func text(_ body: (OutputBuffer) -> Void) -> String {
        let buffer = OutputBuffer(fileDescriptor: nil)
        body(buffer)
        return buffer.text
    }

    static func hex4<T: BinaryInteger>(_ v: T) -> String { String(v, radix: 16).leftPadded(4) }
    static func hex2<T: BinaryInteger>(_ v: T) -> String { String(v, radix: 16).leftPadded(2) }

    static func bits(_ value: UInt, width: Int) -> String {
        String(String(value, radix: 2).leftPadded(width).suffix(width))
    }

    static func etherTypeName(_ type: UInt16) -> String {
        switch type {
        case EtherType.ipv4: "IPv4"
        case EtherType.ipv6: "IPv6"
        case EtherType.arp: "ARP"
        case EtherType.vlan: "802.1Q Virtual LAN"
        case EtherType.qinq: "802.1ad Provider Bridge (Q-in-Q)"
        default: "Unknown"
        }
    }

    static func protocolName(_ number: UInt8) -> String {
        switch number {
        case 1: "ICMP"
        case 6: "TCP"
        case 17: "UDP"
        case 58: "ICMPv6"
        case 0: "IPv6 Hop-by-Hop Option"
        case 43: "Routing Header for IPv6"
        case 44: "Fragment Header for IPv6"
        case 59: "No Next Header for IPv6"
        case 60: "Destination Options for IPv6"
        default: "Unknown"
        }
    }

    static func packetTypeName(_ type: UInt16) -> String {
        switch type {
        case 0: "Unicast to us"
        case 1: "Broadcast"
        case 2: "Multicast"
        case 3: "Unicast to another host"
        case 4: "Sent by us"
        default: "Unknown"
        }
    }
}

/// Indented lines of a details tree.
struct TreeWriter {
    let out: OutputBuffer
    mutating func line(_ depth: Int, _ text: String) {
        for _ in 0..<depth { out.ascii("    ") }
        out.string(text)
        out.byte(10)
    }
}

extension String {
    var trimmingLeadingSpace: String { String(drop { $0 == " " }) }

    func leftPadded(_ width: Int, with pad: Character = "0") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }

    func replacingOne(_ target: Character, with replacement: Character) -> String {
        guard let index = firstIndex(of: target) else { return self }
        var copy = self
        copy.replaceSubrange(index...index, with: String(replacement))
        return copy
    }
}
