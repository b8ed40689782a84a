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
        if let expected = controlBlockTTL(ip.destination.rawValue), expected != ip.ttl {
            tree.open(ttl, o + 8..<o + 9, .uint(UInt64(ip.ttl)))
            tree.expert("ip.ttl.lncb", .note, .sequence,
                        "\"Time To Live\" != \(expected) for a packet sent to the Local Network Control Block (see RFC 3171)")
            tree.close()
        } else {
            tree.add(ttl, o + 8..<o + 9, .uint(UInt64(ip.ttl)))
        }
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

/// epan/ipproto.c's names of IP protocol numbers (`ipproto_val`), as tshark 4.0 lists
/// them (`tshark -G values`): the IPv4 protocol and IPv6 next-header lines, and the Info
/// column of a fragment.
extension IPv4Tree {
    /// The TTL packet-ip.c expects of a packet to 224.0.0.0/24 (RFC 3171's Local Network
    /// Control Block): 1, but 255 for VRRP (224.0.0.18), GLBP (.102) and mDNS (.251); nil
    /// for any other address and for LLMNR (.252), which may use any.
    static func controlBlockTTL(_ destination: UInt32) -> UInt8? {
        guard destination & 0xFFFF_FF00 == 0xE000_0000 else { return nil }
        switch destination & 0xFF {
        case 18, 102, 251: return 255
        case 252: return nil
        default: return 1
        }
    }
}

enum IPProtocolNames {
    static let table: [UInt64: String] = [
        0: "IPv6 Hop-by-Hop Option", 1: "ICMP", 2: "IGMP", 3: "GGP", 4: "IPIP", 5: "Stream", 6: "TCP", 7: "CBT",
        8: "EGP", 9: "IGRP", 10: "BBN RCC", 11: "Network Voice", 12: "PUP", 13: "ARGUS", 14: "EMCON", 15: "XNET",
        16: "CHAOS", 17: "UDP", 18: "Multiplex", 19: "DCN Measurement", 20: "Host Monitoring", 21: "Packet radio",
        22: "IDP", 23: "Trunk-1", 24: "Trunk-2", 25: "Leaf-1", 26: "Leaf-2", 27: "Reliable Data", 28: "IRT",
        29: "ISO TP4", 30: "Bulk Data", 31: "MFE NSP", 32: "Merit Internodal",
        33: "Datagram Congestion Control Protocol", 34: "3rd Party Connect",
        35: "Inter-Domain Policy Routing Protocol", 36: "XTP", 37: "Datagram delivery", 38: "Control Message",
        39: "TP++", 40: "IL", 41: "IPv6", 42: "Source demand routing", 43: "Routing Header for IPv6",
        44: "Fragment Header for IPv6", 45: "Inter-Domain Routing Protocol", 46: "Reservation Protocol",
        47: "Generic Routing Encapsulation", 48: "Dynamic source routing", 49: "BNA", 50: "Encap Security Payload",
        51: "Authentication Header", 52: "INSLP", 53: "SWIPE", 54: "NBMA ARP", 55: "IP Mobility",
        56: "TLSP Kryptonet", 57: "SKIP", 58: "ICMPv6", 59: "No Next Header for IPv6",
        60: "Destination Options for IPv6", 61: "any host internal protocol", 62: "Mobile IPv6 (old)",
        63: "any local network", 64: "SATNET EXPAK", 65: "Kryptolan", 66: "Remote Virtual Disk", 67: "IPPC",
        68: "any distributed file system", 69: "SATNET Monitoring", 70: "VISA", 71: "IPCV", 72: "CPNX", 73: "CPHB",
        74: "Wang Span", 75: "Packet Video", 76: "Backroom SATNET Mon", 77: "Sun ND Protocol", 78: "Wideband Mon",
        79: "Wideband Expak", 80: "ISO Internet Protocol", 81: "VMTP", 82: "Secure VMTP", 83: "VINES", 84: "TTP",
        85: "NSFNET IGP", 86: "Dissimilar Gateway", 87: "TCF", 88: "EIGRP", 89: "OSPF IGP", 90: "Sprite RPC",
        91: "Locus ARP", 92: "Multicast Transport", 93: "AX.25 Frames", 94: "IP in IP", 95: "MICP", 96: "Semaphore",
        97: "Ether in IP", 98: "ENCAP", 99: "any private encryption scheme", 100: "GMTP", 101: "Ipsilon Flow",
        102: "PNNI over IP", 103: "PIM", 104: "ARIS", 105: "SCPS", 106: "QNX", 107: "Active Networks", 108: "IPComp",
        109: "Sitara Networks", 110: "Compaq Peer", 111: "IPX IN IP", 112: "VRRP", 113: "PGM",
        114: "any 0-hop protocol", 115: "Layer 2 Tunneling", 116: "DDX", 117: "IATP", 118: "STP", 119: "SpectraLink",
        120: "UTI", 121: "SMP", 122: "SM", 123: "PTP", 124: "ISIS over IP", 125: "FIRE", 126: "CRTP", 127: "CRUDP",
        128: "SSCOPMCE", 129: "IPLT", 130: "Secure Packet", 131: "PIPE", 132: "SCTP", 133: "Fibre Channel",
        134: "RSVP E2EI", 135: "Mobile IPv6", 136: "UDPLite", 137: "MPLS in IP", 138: "MANET", 139: "HIP",
        140: "Shim6 header", 141: "WESP", 142: "ROHC", 143: "Ethernet", 144: "Unassigned", 145: "Unassigned",
        146: "Unassigned", 147: "Unassigned", 148: "Unassigned", 149: "Unassigned", 150: "Unassigned",
        151: "Unassigned", 152: "Unassigned", 153: "Unassigned", 154: "Unassigned", 155: "Unassigned",
        156: "Unassigned", 157: "Unassigned", 158: "Unassigned", 159: "Unassigned", 160: "Unassigned",
        161: "Unassigned", 162: "Unassigned", 163: "Unassigned", 164: "Unassigned", 165: "Unassigned",
        166: "Unassigned", 167: "Unassigned", 168: "Unassigned", 169: "Unassigned", 170: "Unassigned",
        171: "Unassigned", 172: "Unassigned", 173: "AX/4000 Testframe", 174: "Unassigned", 175: "Unassigned",
        176: "Unassigned", 177: "Unassigned", 178: "Unassigned", 179: "Unassigned", 180: "Unassigned",
        181: "Unassigned", 182: "Unassigned", 183: "Unassigned", 184: "Unassigned", 185: "Unassigned",
        186: "Unassigned", 187: "Unassigned", 188: "Unassigned", 189: "Unassigned", 190: "Unassigned",
        191: "Unassigned", 192: "Unassigned", 193: "Unassigned", 194: "Unassigned", 195: "Unassigned",
        196: "Unassigned", 197: "Unassigned", 198: "Unassigned", 199: "Unassigned", 200: "Unassigned",
        201: "Unassigned", 202: "Unassigned", 203: "Unassigned", 204: "Unassigned", 205: "Unassigned",
        206: "Unassigned", 207: "Unassigned", 208: "Unassigned", 209: "Unassigned", 210: "Unassigned",
        211: "Unassigned", 212: "Unassigned", 213: "Unassigned", 214: "Unassigned", 215: "Unassigned",
        216: "Unassigned", 217: "Unassigned", 218: "Unassigned", 219: "Unassigned", 220: "Unassigned",
        221: "Unassigned", 222: "Unassigned", 223: "Unassigned", 224: "Novell NCS Heartbeat",
    ]
}
