import Dissect

// The small link-layer headers that come before IP on the lab's captures: Linux cooked
// capture (v1 and v2), BSD loopback and 802.1Q tags. Each is a few fields, one enum each.

/// Linux cooked capture (`-i any`), v1 and v2.
enum SLLTree {
    static let pkttype = HeaderField("sll.pkttype", "Packet type", .uint16, names: .values([
        0: "Unicast to us", 1: "Broadcast", 2: "Multicast", 3: "Unicast to another host", 4: "Sent by us",
    ]))
    static let hatype = HeaderField("sll.hatype", "Link-layer address type", .uint16, names: .values([
        1: "Ethernet", 32: "InfiniBand", 512: "PPP", 768: "IPIP tunnel", 772: "Loopback", 776: "IPv6-in-IPv4",
        778: "GRE over IP", 803: "IEEE 802.11 + radiotap header", 805: "IEEE 802.15.4", 824: "Netlink",
    ]))
    static let halen = HeaderField("sll.halen", "Link-layer address length", .uint8)
    static let src = HeaderField("sll.src.eth", "Source", .ether)
    static let srcIPv4 = HeaderField("sll.src.ipv4", "Source", .ipv4)
    static let srcOther = HeaderField("sll.src.other", "Source", .bytes)
    static let unused = HeaderField("sll.unused", "Unused", .bytes)
    static let gretype = HeaderField("sll.gretype", "Protocol", .uint16, .hex, names: .values(GRETree.protocolNames))
    static let etype = HeaderField("sll.etype", "Protocol", .uint16, .hex, names: .values(EtherTypeNames.table))
    static let ifindex = HeaderField("sll.ifindex", "Interface index", .uint32)

    static let declaration = ProtocolDeclaration("sll", "Linux cooked capture", fields: [
        pkttype, hatype, halen, src, srcIPv4, srcOther, unused, gretype, etype, ifindex,
    ])

    static func dissect(_ sll: LinuxSLL, _ tree: inout TreeBuilder) {
        let v1 = sll.version == .v1
        tree.open(declaration, 0..<sll.headerLength, label: v1 ? "Linux cooked capture v1" : "Linux cooked capture v2")
        // v1: type, hatype, halen, address(8), protocol. v2: protocol, reserved, ifindex, hatype, type, halen, address(8).
        let (typeAt, hatypeAt, halenAt, addrAt) = v1 ? (0, 2, 4, 6) : (10, 8, 11, 12)
        if !v1 {
            tree.add(etype, 0..<2, .uint(UInt64(sll.protocolType)))
            // Bytes 2-3 are reserved; tshark 4.0 declares no field for them and shows no line.
            if let index = sll.interfaceIndex { tree.add(ifindex, 4..<8, .uint(UInt64(index))) }
            tree.add(hatype, hatypeAt..<hatypeAt + 2, .uint(UInt64(sll.arphrdType)))
            tree.add(pkttype, typeAt..<typeAt + 1, .uint(UInt64(sll.packetType)))
        } else {
            tree.add(pkttype, typeAt..<typeAt + 2, .uint(UInt64(sll.packetType)))
            tree.add(hatype, hatypeAt..<hatypeAt + 2, .uint(UInt64(sll.arphrdType)))
        }
        tree.add(halen, halenAt..<halenAt + (v1 ? 2 : 1), .uint(UInt64(sll.addressLength)))
        // The header has room for 8 address bytes: a longer address (InfiniBand's 20) is
        // cut to 8, as libpcap writes it and tshark shows it.
        let shown = min(Int(sll.addressLength), 8)
        if sll.addressLength == 6 {
            tree.add(src, addrAt..<addrAt + 6, .ether(MACAddress(rawValue: sll.address >> 16)))
        } else if sll.addressLength == 4 && sll.arphrdType == 778 {
            tree.add(srcIPv4, addrAt..<addrAt + 4, .ipv4(IPv4Address(rawValue: UInt32(truncatingIfNeeded: sll.address >> 32))))
        } else if shown > 0 {
            tree.add(srcOther, addrAt..<addrAt + shown, .bytes(addrAt..<addrAt + shown))
        }
        if shown < 8 { tree.add(unused, addrAt + shown..<addrAt + 8, .bytes(addrAt + shown..<addrAt + 8)) }
        if v1 {
            tree.add(sll.arphrdType == 778 ? gretype : etype, 14..<16, .uint(UInt64(sll.protocolType)))
        }
        tree.close()
    }
}

/// BSD loopback (`DLT_NULL`): a four-byte address family in host order.
enum NullTree {
    static let family = HeaderField("null.family", "Family", .uint32, names: .values([2: "IP", 10: "IPv6", 24: "IPv6", 28: "IPv6", 30: "IPv6"]))
    static let declaration = ProtocolDeclaration("null", "Null/Loopback", fields: [family])

    static func dissect(_ null: NullLoopback, _ tree: inout TreeBuilder) {
        tree.open(declaration, 0..<4, label: "Null/Loopback")
        tree.add(family, 0..<4, .uint(UInt64(null.family)))
        tree.close()
    }
}

/// IEEE 802.1Q tags.
enum VLANTree {
    static let priority = HeaderField("vlan.priority", "Priority", .uint16, mask: 0xE000, names: .values([
        0: "Best Effort (default)", 1: "Background", 2: "Excellent Effort", 3: "Critical Applications",
        4: "Video, < 100ms latency and jitter", 5: "Voice, < 10ms latency and jitter", 6: "Internetwork Control",
        7: "Network Control",
    ]))
    static let dei = HeaderField("vlan.dei", "DEI", .boolean, width: 16, mask: 0x1000, names: .trueFalse("Eligible", "Ineligible"))
    static let id = HeaderField("vlan.id", "ID", .uint16, mask: 0x0FFF)
    static let etype = HeaderField("vlan.etype", "Type", .uint16, .hex, names: .values(EtherTypeNames.table))
    static let declaration = ProtocolDeclaration("vlan", "802.1Q Virtual LAN", fields: [priority, dei, id, etype])

    static func dissect(_ tag: VLANTag, trailingOf frame: Frame? = nil, _ tree: inout TreeBuilder) {
        let o = tag.offset
        tree.open(declaration, o..<o + 4, label: "802.1Q Virtual LAN, PRI: \(tag.priority), DEI: \(tag.dropEligible ? 1 : 0), ID: \(tag.id)")
        let tci = UInt64(tag.tci)
        tree.bits(priority, o..<o + 2, container: tci)
        tree.bits(dei, o..<o + 2, container: tci)
        tree.bits(id, o..<o + 2, container: tci)
        tree.add(etype, o + 2..<o + 4, .uint(UInt64(tag.etherType)))
        if let frame { EthernetTree.addTrailingBytes(frame, &tree) }
        tree.close()
    }
}
