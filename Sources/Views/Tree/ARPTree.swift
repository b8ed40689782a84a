import Dissect

/// ARP (RFC 826).
enum ARPTree {
    static let hwType = HeaderField("arp.hw.type", "Hardware type", .uint16, names: .values([1: "Ethernet"]))
    static let protoType = HeaderField("arp.proto.type", "Protocol type", .uint16, .hex, names: .values(EtherTypeNames.table))
    static let hwSize = HeaderField("arp.hw.size", "Hardware size", .uint8)
    static let protoSize = HeaderField("arp.proto.size", "Protocol size", .uint8)
    static let opcode = HeaderField("arp.opcode", "Opcode", .uint16, names: .values([1: "request", 2: "reply", 3: "reverse request", 4: "reverse reply"]))
    static let srcHw = HeaderField("arp.src.hw_mac", "Sender MAC address", .ether)
    static let srcProto = HeaderField("arp.src.proto_ipv4", "Sender IP address", .ipv4)
    static let dstHw = HeaderField("arp.dst.hw_mac", "Target MAC address", .ether)
    static let dstProto = HeaderField("arp.dst.proto_ipv4", "Target IP address", .ipv4)
    static let isGratuitous = HeaderField("arp.isgratuitous", "Is gratuitous", .boolean, names: .trueFalse)
    static let isProbe = HeaderField("arp.isprobe", "Is probe", .boolean, names: .trueFalse)
    static let isAnnouncement = HeaderField("arp.isannouncement", "Is announcement", .boolean, names: .trueFalse)
    static let declaration = ProtocolDeclaration("arp", "Address Resolution Protocol", fields: [
        hwType, protoType, hwSize, protoSize, opcode, srcHw, srcProto, dstHw, dstProto, isGratuitous, isProbe, isAnnouncement,
    ])

    static func dissect(_ arp: ARP, _ tree: inout TreeBuilder) {
        let o = arp.offset
        let op = arp.opcode == 1 ? "request" : arp.opcode == 2 ? "reply" : "opcode \(arp.opcode)"
        let kind = arp.isProbe ? "ARP Probe" : arp.isAnnouncement ? "ARP Announcement"
            : arp.isGratuitous ? "\(op)/gratuitous ARP" : op
        tree.open(declaration, o..<min(tree.bytes.count, o + 28), label: "Address Resolution Protocol (\(kind))")
        tree.add(hwType, o..<o + 2, .uint(UInt64(arp.hardwareType)))
        tree.add(protoType, o + 2..<o + 4, .uint(UInt64(arp.protocolType)))
        tree.add(hwSize, o + 4..<o + 5, .uint(UInt64(arp.hardwareSize)))
        tree.add(protoSize, o + 5..<o + 6, .uint(UInt64(arp.protocolSize)))
        tree.add(opcode, o + 6..<o + 8, .uint(UInt64(arp.opcode)))
        if arp.isGratuitous { tree.add(isGratuitous, nil, .bool(true), generated: true) }
        if arp.isProbe { tree.add(isProbe, nil, .bool(true), generated: true) }
        if arp.isAnnouncement { tree.add(isAnnouncement, nil, .bool(true), generated: true) }
        if let mac = arp.senderMAC { tree.add(srcHw, o + 8..<o + 14, .ether(mac)) }
        if let ip = arp.senderIP { tree.add(srcProto, o + 14..<o + 18, .ipv4(ip)) }
        if let mac = arp.targetMAC { tree.add(dstHw, o + 18..<o + 24, .ether(mac)) }
        if let ip = arp.targetIP { tree.add(dstProto, o + 24..<o + 28, .ipv4(ip)) }
        tree.close()
    }
}
