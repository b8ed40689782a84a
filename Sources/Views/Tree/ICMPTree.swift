import Dissect
import Follow

/// ICMP (RFC 792) and ICMPv6 (RFC 4443): type and code with names, the checksum checked
/// as Wireshark does, echo identifiers, and the packet an error quotes.
enum ICMPTree {
    static let type = HeaderField("icmp.type", "Type", .uint8, names: .values(typeNames))
    static let code = HeaderField("icmp.code", "Code", .uint8)
    static let checksum = HeaderField("icmp.checksum", "Checksum", .uint16, .hex)
    static let checksumStatus = HeaderField("icmp.checksum.status", "Checksum Status", .uint8, .none,
                                            names: .values([0: "Bad", 1: "Good", 2: "Unverified"]))
    static let ident = HeaderField("icmp.ident", "Identifier (BE)", .uint16, .decHex)
    static let identLE = HeaderField("icmp.ident_le", "Identifier (LE)", .uint16, .decHex)
    static let seq = HeaderField("icmp.seq", "Sequence Number (BE)", .uint16, .decHex)
    static let seqLE = HeaderField("icmp.seq_le", "Sequence Number (LE)", .uint16, .decHex)
    static let respIn = HeaderField("icmp.resp_in", "Response frame", .frameNumber)
    static let respTo = HeaderField("icmp.resp_to", "Request frame", .frameNumber)
    static let unused = HeaderField("icmp.unused", "Unused", .bytes)

    static let declaration = ProtocolDeclaration("icmp", "Internet Control Message Protocol", fields: [
        type, code, checksum, checksumStatus, ident, identLE, seq, seqLE, respIn, respTo, unused,
    ])

    static let typeNames: [UInt64: String] = [
        0: "Echo (ping) reply", 3: "Destination unreachable", 4: "Source quench (flow control)", 5: "Redirect",
        8: "Echo (ping) request", 9: "Router advertisement", 10: "Router solicitation", 11: "Time-to-live exceeded",
        12: "Parameter problem", 13: "Timestamp request", 14: "Timestamp reply",
    ]

    static func dissect(_ icmp: ICMPv4, _ input: FieldInput, _ tree: inout TreeBuilder) {
        let o = icmp.offset
        let bytes = tree.bytes
        let end = min(bytes.count, icmp.payload.upperBound)
        tree.open(declaration, o..<end, label: "Internet Control Message Protocol")
        tree.add(type, o..<o + 1, .uint(UInt64(icmp.type)))
        let codeText = ICMPCodes.name(type: icmp.type, code: icmp.code)
        tree.add(code, o + 1..<o + 2, .uint(UInt64(icmp.code)), display: codeText.map { "\(icmp.code) (\($0))" })
        let good = InternetChecksum.verifies(bytes, o..<end)
        tree.add(checksum, o + 2..<o + 4, .uint(UInt64(icmp.checksum)),
                 display: "0x\(hex(UInt64(icmp.checksum), digits: 4)) [\(good ? "correct" : "incorrect")]")
        tree.add(checksumStatus, nil, .uint(good ? 1 : 0), generated: true)
        if icmp.type == 0 || icmp.type == 8 {
            let id = UInt64(icmp.identifier), sq = UInt64(icmp.sequenceNumber)
            tree.add(ident, o + 4..<o + 6, .uint(id))
            tree.add(identLE, o + 4..<o + 6, .uint(UInt64(UInt16(id).byteSwapped)))
            tree.add(seq, o + 6..<o + 8, .uint(sq))
            tree.add(seqLE, o + 6..<o + 8, .uint(UInt64(UInt16(sq).byteSwapped)))
            if let request = input.analysis.echoRequestFrame {
                tree.add(respTo, nil, .uint(UInt64(request)), generated: true)
            }
            DataTree.dissect(icmp.payload.lowerBound..<end, &tree)
        } else if icmp.isError {
            tree.add(unused, o + 4..<o + 8, .bytes(o + 4..<o + 8))
            QuotedTree.dissect(input.frame.quoted, input, &tree)
        }
        tree.close()
    }
}

enum ICMPv6Tree {
    static let type = HeaderField("icmpv6.type", "Type", .uint8, names: .values(typeNames))
    static let code = HeaderField("icmpv6.code", "Code", .uint8)
    static let checksum = HeaderField("icmpv6.checksum", "Checksum", .uint16, .hex)
    static let ndTarget = HeaderField("icmpv6.nd.ns.target_address", "Target Address", .ipv6)
    static let echoID = HeaderField("icmpv6.echo.identifier", "Identifier", .uint16, .hexDec)
    static let echoSeq = HeaderField("icmpv6.echo.sequence_number", "Sequence", .uint16)
    static let declaration = ProtocolDeclaration("icmpv6", "Internet Control Message Protocol v6", fields: [
        type, code, checksum, ndTarget, echoID, echoSeq,
    ])

    static let typeNames: [UInt64: String] = [
        1: "Destination Unreachable", 2: "Packet Too Big", 3: "Time Exceeded", 4: "Parameter Problem",
        128: "Echo (ping) request", 129: "Echo (ping) reply", 133: "Router Solicitation", 134: "Router Advertisement",
        135: "Neighbor Solicitation", 136: "Neighbor Advertisement", 137: "Redirect", 143: "Multicast Listener Report Message v2",
    ]

    static func dissect(_ icmp: ICMPv6, _ input: FieldInput, _ tree: inout TreeBuilder) {
        let o = icmp.offset
        let end = min(tree.bytes.count, icmp.payload.upperBound)
        tree.open(declaration, o..<end, label: "Internet Control Message Protocol v6")
        tree.add(type, o..<o + 1, .uint(UInt64(icmp.type)))
        tree.add(code, o + 1..<o + 2, .uint(UInt64(icmp.code)))
        tree.add(checksum, o + 2..<o + 4, .uint(UInt64(icmp.checksum)))
        if icmp.type == 128 || icmp.type == 129 {
            tree.add(echoID, o + 4..<o + 6, .uint(UInt64(icmp.identifier)))
            tree.add(echoSeq, o + 6..<o + 8, .uint(UInt64(icmp.sequenceNumber)))
        }
        if let target = icmp.ndpTarget { tree.add(ndTarget, o + 8..<o + 24, .ipv6(target)) }
        if icmp.isError { QuotedTree.dissect(input.frame.quoted, input, &tree) }
        tree.close()
    }
}

/// The IP packet an ICMP error quotes: its IP header and transport header, nested.
enum QuotedTree {
    static func dissect(_ quoted: QuotedPacket?, _ input: FieldInput, _ tree: inout TreeBuilder) {
        guard let quoted else { return }
        if let ip = quoted.ipv4 { IPv4Tree.dissect(ip, &tree) }
        if let ip = quoted.ipv6 { IPv6Tree.dissect(ip, &tree) }
        if let tcp = quoted.tcp {
            let o = tcp.offset
            let end = min(tree.bytes.count, o + tcp.headerLength)
            tree.open(TCPTree.declaration, o..<end, label: "Transmission Control Protocol, Src Port: \(tcp.sourcePort), Dst Port: \(tcp.destinationPort), Seq: \(tcp.sequenceNumber)")
            tree.add(TCPTree.srcport, o..<o + 2, .uint(UInt64(tcp.sourcePort)))
            tree.add(TCPTree.dstport, o + 2..<o + 4, .uint(UInt64(tcp.destinationPort)))
            tree.add(TCPTree.port, o..<o + 2, .uint(UInt64(tcp.sourcePort)), hidden: true)
            tree.add(TCPTree.port, o + 2..<o + 4, .uint(UInt64(tcp.destinationPort)), hidden: true)
            if let s = input.analysis.quotedTCPStream { tree.add(TCPTree.stream, nil, .uint(UInt64(s)), generated: true) }
            tree.add(TCPTree.seq, o + 4..<o + 8, .uint(UInt64(tcp.sequenceNumber)))
            tree.add(TCPTree.seqRaw, o + 4..<o + 8, .uint(UInt64(tcp.sequenceNumber)))
            tree.close()
        }
        if let udp = quoted.udp {
            tree.open(UDPTree.declaration, udp.offset..<min(tree.bytes.count, udp.offset + 8),
                      label: "User Datagram Protocol, Src Port: \(udp.sourcePort), Dst Port: \(udp.destinationPort)")
            UDPTree.header(udp, &tree)
            if let s = input.analysis.quotedUDPStream { tree.add(UDPTree.stream, nil, .uint(UInt64(s)), generated: true) }
            tree.close()
        }
    }
}

/// The ones' complement sum of RFC 1071, to check a checksum as Wireshark does.
enum InternetChecksum {
    static func verifies(_ bytes: ByteView, _ range: Range<Int>) -> Bool {
        var sum: UInt32 = 0
        var i = range.lowerBound
        while i + 1 < range.upperBound {
            sum &+= UInt32(bytes.u16be(i))
            i += 2
        }
        if i < range.upperBound { sum &+= UInt32(bytes[i]) << 8 }
        while sum > 0xFFFF { sum = (sum & 0xFFFF) + (sum >> 16) }
        return sum == 0xFFFF
    }
}

/// ICMP code names for the types the lab meets.
enum ICMPCodes {
    static func name(type: UInt8, code: UInt8) -> String? {
        switch (type, code) {
        case (3, 0): "Network unreachable"
        case (3, 1): "Host unreachable"
        case (3, 2): "Protocol unreachable"
        case (3, 3): "Port unreachable"
        case (3, 4): "Fragmentation needed"
        case (3, 9): "Network administratively prohibited"
        case (3, 10): "Host administratively prohibited"
        case (3, 13): "Communication administratively filtered"
        case (11, 0): "Time to live exceeded in transit"
        default: nil
        }
    }
}
