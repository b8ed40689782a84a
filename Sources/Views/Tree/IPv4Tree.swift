import Dissect

/// IPv4 (RFC 791), with the DSCP/ECN and flags subtrees Wireshark shows.
enum IPv4Tree {
    static let version = HeaderField("ip.version", "Version", .uint8, mask: 0xF0)
    static let hdrLen = HeaderField("ip.hdr_len", "Header Length", .uint8, mask: 0x0F)
    static let dsfield = HeaderField("ip.dsfield", "Differentiated Services Field", .uint8, .hex)
    static let dscp = HeaderField("ip.dsfield.dscp", "Differentiated Services Codepoint", .uint8, mask: 0xFC, names: .values(DSCP.long))
    static let ecn = HeaderField("ip.dsfield.ecn", "Explicit Congestion Notification", .uint8, mask: 0x03, names: .values(ECN.long))
    static let len = HeaderField("ip.len", "Total Length", .uint16)
    static let id = HeaderField("ip.id", "Identification", .uint16, .hexDec)
    static let flags = HeaderField("ip.flags", "Flags", .uint8, .hex, mask: 0xE0)
    static let flagRB = HeaderField("ip.flags.rb", "Reserved bit", .boolean, width: 8, mask: 0x80, names: .setNotSet)
    static let flagDF = HeaderField("ip.flags.df", "Don't fragment", .boolean, width: 8, mask: 0x40, names: .setNotSet)
    static let flagMF = HeaderField("ip.flags.mf", "More fragments", .boolean, width: 8, mask: 0x20, names: .setNotSet)
    static let fragOffset = HeaderField("ip.frag_offset", "Fragment Offset", .uint16, mask: 0x1FFF)
    static let ttl = HeaderField("ip.ttl", "Time to Live", .uint8)
    static let proto = HeaderField("ip.proto", "Protocol", .uint8, names: .values(IPProtocolNames.table))
    static let checksum = HeaderField("ip.checksum", "Header Checksum", .uint16, .hex)
    static let checksumStatus = HeaderField("ip.checksum.status", "Header checksum status", .uint8, .none, names: .values([2: "Unverified"]))
    static let src = HeaderField("ip.src", "Source Address", .ipv4)
    static let dst = HeaderField("ip.dst", "Destination Address", .ipv4)
    static let addr = HeaderField("ip.addr", "Source or Destination Address", .ipv4)
    static let srcHost = HeaderField("ip.src_host", "Source Host", .string)
    static let dstHost = HeaderField("ip.dst_host", "Destination Host", .string)
    static let host = HeaderField("ip.host", "Source or Destination Host", .string)

    static let declaration = ProtocolDeclaration("ip", "Internet Protocol Version 4", fields: [
        version, hdrLen, dsfield, dscp, ecn, len, id, flags, flagRB, flagDF, flagMF, fragOffset, ttl, proto,
        checksum, checksumStatus, src, dst, addr, srcHost, dstHost, host,
    ] + IPFragmentTree.ipv4.all + IPv4OptionsTree.fields)

    static func dissect(_ ip: IPv4, reassembled: ReassembledDatagram? = nil, _ tree: inout TreeBuilder) {
        let o = ip.offset
        let bytes = tree.bytes
        tree.open(declaration, o..<min(bytes.count, o + max(ip.totalLength, ip.headerLength)),
                  label: "Internet Protocol Version 4, Src: \(ip.source), Dst: \(ip.destination)")
        let first = UInt64(bytes[o])
        tree.bits(version, o..<o + 1, container: first)
        tree.bits(hdrLen, o..<o + 1, container: first, value: .uint(UInt64(ip.headerLength)),
                  display: "\(ip.headerLength) bytes (\(ip.headerLength / 4))")
        let ds = UInt64(ip.dsfield)
        tree.open(dsfield, o + 1..<o + 2, .uint(ds),
                  display: "0x\(hex(ds, digits: 2)) (DSCP: \(DSCP.short[ds >> 2] ?? "Unknown"), ECN: \(ECN.short[ds & 3] ?? ""))")
        tree.bits(dscp, o + 1..<o + 2, container: ds)
        tree.bits(ecn, o + 1..<o + 2, container: ds)
        tree.close()
        tree.add(len, o + 2..<o + 4, .uint(UInt64(ip.totalLength)))
        tree.add(id, o + 4..<o + 6, .uint(UInt64(ip.identification)))
        let flagByte = UInt64(bytes[o + 6])
        var flagText = "0x\(ip.flags)"
        if ip.flags & 0b100 != 0 { flagText += ", Reserved bit" }
        if ip.dontFragment { flagText += ", Don't fragment" }
        if ip.moreFragments { flagText += ", More fragments" }
        tree.bits(flags, o + 6..<o + 7, container: flagByte, display: flagText, open: true)
        tree.bits(flagRB, o + 6..<o + 7, container: flagByte)
        tree.bits(flagDF, o + 6..<o + 7, container: flagByte)
        tree.bits(flagMF, o + 6..<o + 7, container: flagByte)
        tree.close()
        // tshark 4.0: the value is the 13-bit field (8-byte units), the line shows bytes.
        tree.bits(fragOffset, o + 6..<o + 8, container: UInt64(bytes.u16be(o + 6)), display: "\(ip.fragmentOffset)")
        tree.add(ttl, o + 8..<o + 9, .uint(UInt64(ip.ttl)))
        tree.add(proto, o + 9..<o + 10, .uint(UInt64(ip.protocolNumber)))
        tree.add(checksum, o + 10..<o + 12, .uint(UInt64(ip.checksum)), display: "0x\(hex(UInt64(ip.checksum), digits: 4)) [validation disabled]")
        tree.add(checksumStatus, nil, .uint(2), generated: true)
        address(ip.source, o + 12..<o + 16, field: src, hostField: srcHost, &tree)
        address(ip.destination, o + 16..<o + 20, field: dst, hostField: dstHost, &tree)
        IPv4OptionsTree.dissect(ip.optionsRange, &tree)
        if let reassembled { IPFragmentTree.dissect(reassembled, v6: false, &tree) }
        tree.close()
    }

    private static func address(_ a: IPv4Address, _ range: Range<Int>, field: HeaderField, hostField: HeaderField,
                                _ tree: inout TreeBuilder) {
        tree.add(field, range, .ipv4(a))
        tree.add(addr, range, .ipv4(a), hidden: true)
        tree.add(hostField, range, .string(a.description), hidden: true)
        tree.add(host, range, .string(a.description), hidden: true)
    }
}

/// DSCP names: the long ones of the subtree and the short ones of the summary.
enum DSCP {
    static let long: [UInt64: String] = [
        0: "Default", 1: "Lower Effort", 8: "Class Selector 1", 10: "Assured Forwarding 11", 12: "Assured Forwarding 12",
        14: "Assured Forwarding 13", 16: "Class Selector 2", 18: "Assured Forwarding 21", 20: "Assured Forwarding 22",
        22: "Assured Forwarding 23", 24: "Class Selector 3", 26: "Assured Forwarding 31", 28: "Assured Forwarding 32",
        30: "Assured Forwarding 33", 32: "Class Selector 4", 34: "Assured Forwarding 41", 36: "Assured Forwarding 42",
        38: "Assured Forwarding 43", 40: "Class Selector 5", 44: "Voice Admit", 46: "Expedited Forwarding",
        48: "Class Selector 6", 56: "Class Selector 7",
    ]
    static let short: [UInt64: String] = [
        0: "CS0", 1: "LE", 8: "CS1", 10: "AF11", 12: "AF12", 14: "AF13", 16: "CS2", 18: "AF21", 20: "AF22", 22: "AF23",
        24: "CS3", 26: "AF31", 28: "AF32", 30: "AF33", 32: "CS4", 34: "AF41", 36: "AF42", 38: "AF43", 40: "CS5",
        44: "VOICE-ADMIT", 46: "EF", 48: "CS6", 56: "CS7",
    ]
}

enum ECN {
    static let long: [UInt64: String] = [
        0: "Not ECN-Capable Transport", 1: "ECN-Capable Transport codepoint '01'",
        2: "ECN-Capable Transport codepoint '10'", 3: "Congestion Experienced",
    ]
    static let short: [UInt64: String] = [0: "Not-ECT", 1: "ECT(1)", 2: "ECT(0)", 3: "CE"]
}

/// IP protocol numbers, as Wireshark names them.
enum IPProtocolNames {
    static let table: [UInt64: String] = [
        0: "IPv6 Hop-by-Hop Option", 1: "ICMP", 2: "IGMP", 4: "IPIP", 6: "TCP", 17: "UDP", 41: "IPv6",
        43: "Routing Header for IPv6", 44: "Fragment Header for IPv6", 47: "Generic Routing Encapsulation",
        48: "Dynamic source routing", 50: "Encap Security Payload", 51: "Authentication Header", 58: "ICMPv6",
        59: "No Next Header for IPv6", 60: "Destination Options for IPv6", 62: "Mobile IPv6 (old)", 89: "OSPF IGP",
        103: "PIM", 112: "VRRP", 132: "SCTP", 135: "Mobile IPv6",
    ]
}
