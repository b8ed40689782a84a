import Dissect

/// Ethernet II, with the address subtrees Wireshark adds (LG and IG bits).
enum EthernetTree {
    static let dst = HeaderField("eth.dst", "Destination", .ether)
    static let dstResolved = HeaderField("eth.dst_resolved", "Destination (resolved)", .string)
    static let dstOUI = HeaderField("eth.dst.oui", "Destination OUI", .uint24)
    static let src = HeaderField("eth.src", "Source", .ether)
    static let srcResolved = HeaderField("eth.src_resolved", "Source (resolved)", .string)
    static let srcOUI = HeaderField("eth.src.oui", "Source OUI", .uint24)
    static let addr = HeaderField("eth.addr", "Address", .ether)
    static let addrResolved = HeaderField("eth.addr_resolved", "Address (resolved)", .string)
    static let addrOUI = HeaderField("eth.addr.oui", "Address OUI", .uint24)
    static let lgNames = ValueNames.trueFalse("Locally administered address (this is NOT the factory default)",
                                              "Globally unique address (factory default)")
    static let igNames = ValueNames.trueFalse("Group address (multicast/broadcast)", "Individual address (unicast)")
    static let dstLG = HeaderField("eth.dst.lg", "LG bit", .boolean, width: 24, mask: 0x020000, names: lgNames)
    static let dstIG = HeaderField("eth.dst.ig", "IG bit", .boolean, width: 24, mask: 0x010000, names: igNames)
    static let srcLG = HeaderField("eth.src.lg", "LG bit", .boolean, width: 24, mask: 0x020000, names: lgNames)
    static let srcIG = HeaderField("eth.src.ig", "IG bit", .boolean, width: 24, mask: 0x010000, names: igNames)
    static let lg = HeaderField("eth.lg", "LG bit", .boolean, width: 24, mask: 0x020000, names: lgNames)
    static let ig = HeaderField("eth.ig", "IG bit", .boolean, width: 24, mask: 0x010000, names: igNames)
    static let type = HeaderField("eth.type", "Type", .uint16, .hex, names: .values(EtherTypeNames.table))
    static let length = HeaderField("eth.len", "Length", .uint16)
    static let padding = HeaderField("eth.padding", "Padding", .bytes)
    static let trailer = HeaderField("eth.trailer", "Trailer", .bytes)

    static let declaration = ProtocolDeclaration("eth", "Ethernet", fields: [
        dst, dstResolved, dstOUI, src, srcResolved, srcOUI, addr, addrResolved, addrOUI,
        dstLG, dstIG, srcLG, srcIG, lg, ig, type, length, padding, trailer,
    ])

    static func dissect(_ eth: Ethernet, frame: Frame, _ tree: inout TreeBuilder) {
        let o = eth.offset
        // A type of 1500 or less is an IEEE 802.3 length (tshark's label keeps its trailing space).
        let is8023 = eth.etherType <= 1500
        tree.open(declaration, o..<o + 14, label: is8023 ? "IEEE 802.3 Ethernet " : "Ethernet II, Src: \(eth.source), Dst: \(eth.destination)")
        address(eth.destination, o..<o + 6, field: dst, resolved: dstResolved, oui: dstOUI, lgBit: dstLG, igBit: dstIG, &tree)
        address(eth.source, o + 6..<o + 12, field: src, resolved: srcResolved, oui: srcOUI, lgBit: srcLG, igBit: srcIG, &tree)
        if is8023 {
            tree.add(length, o + 12..<o + 14, .uint(UInt64(eth.etherType)))
            let end = o + 14 + Int(eth.etherType), captured = frame.raw.bytes.count
            if end < captured { addPaddingAndTrailer(end..<captured, wire: frame.raw.originalLength, &tree) }
            return tree.close()
        }
        tree.add(type, o + 12..<o + 14, .uint(UInt64(eth.etherType)))
        // With VLAN tags, the innermost tag's tree has them (its EtherType found the payload).
        if frame.vlans.count == 0 { addTrailingBytes(frame, &tree) }
        tree.close()
    }

    /// Padding and trailer after the payload, when the payload's length is known.
    static func addTrailingBytes(_ frame: Frame, _ tree: inout TreeBuilder) {
        guard let after = paddingRange(frame), !after.isEmpty else { return }
        addPaddingAndTrailer(after, wire: frame.raw.originalLength, &tree)
    }

    static let paddingBad = "Didn't find padding of zeros, and an undecoded trailer exists. There may be padding of non-zeros."

    /// packet-eth.c's `add_ethernet_trailer` with its default preference (padding of
    /// zeros): in a frame of 60 bytes or more, zeros that bring it up to 60 are padding;
    /// what follows them, or follows the payload of a shorter frame, is a trailer.
    static func addPaddingAndTrailer(_ after: Range<Int>, wire: Int, _ tree: inout TreeBuilder) {
        let bytes = tree.bytes
        let maybePadded = wire >= 60 && after.lowerBound < 60
        var pad = maybePadded ? min(60, after.upperBound) - after.lowerBound : 0
        if pad > 0, (after.lowerBound..<after.lowerBound + pad).contains(where: { bytes[$0] != 0 }) { pad = 0 }
        if pad > 0 { tree.add(padding, after.lowerBound..<after.lowerBound + pad, .bytes(after.lowerBound..<after.lowerBound + pad)) }
        let rest = after.lowerBound + pad..<after.upperBound
        guard !rest.isEmpty else { return }
        if maybePadded && pad == 0 {
            tree.open(trailer, rest, .bytes(rest))
            tree.expert("eth.padding_bad", .note, .protocolGroup, paddingBad)
            tree.close()
        } else {
            tree.add(trailer, rest, .bytes(rest))
        }
    }

    /// Bytes after the IP datagram that pad a short Ethernet frame to 60 bytes.
    static func paddingRange(_ frame: Frame) -> Range<Int>? {
        let end: Int
        // A bogus IPv4 length, or an IPv6 jumbogram (a zero length and a Hop-by-Hop
        // header), stops tshark before the trailer.
        if let ip = frame.ipv4 { guard ip.totalLength >= ip.headerLength else { return nil }; end = ip.offset + ip.totalLength }
        else if let ip = frame.ipv6 {
            guard ip.payloadLength > 0 || ip.nextHeader != 0 else { return nil }
            end = ip.offset + 40 + ip.payloadLength
        }
        else if let eapol = frame.eapolMessage { end = eapol.offset + EAPOL.headerLength + eapol.length }
        else if let arp = frame.arp { end = arp.offset + 8 + 2 * Int(arp.hardwareSize) + 2 * Int(arp.protocolSize) }
        else { return nil }
        // The captured bytes, not `frame.bytes`: those hold a reassembled datagram's payload.
        if frame.reassembled != nil { return nil }
        let captured = frame.raw.bytes.count
        return end < captured ? end..<captured : nil
    }

    static func address(_ mac: MACAddress, _ range: Range<Int>, field: HeaderField, resolved: HeaderField,
                        oui: HeaderField, lgBit: HeaderField, igBit: HeaderField, _ tree: inout TreeBuilder) {
        let text = mac.description
        let ouiValue = UInt64(mac.rawValue >> 24)
        tree.open(field, range, .ether(mac))
        if field == src, mac.rawValue & 0x010000_000000 != 0 {
            tree.expert("eth.src_not_group", .warning, .protocolGroup,
                        "Source MAC must not be a group address: IEEE 802.3-2002, Section 3.2.3(b)")
        }
        tree.add(resolved, range, .string(text), hidden: true)
        tree.add(oui, range.lowerBound..<range.lowerBound + 3, .uint(ouiValue), hidden: true)
        tree.add(addr, range, .ether(mac))
        tree.add(addrResolved, range, .string(text), hidden: true)
        tree.add(addrOUI, range.lowerBound..<range.lowerBound + 3, .uint(ouiValue), hidden: true)
        tree.bits(lgBit, range.lowerBound..<range.lowerBound + 3, container: ouiValue)
        tree.add(lg, range.lowerBound..<range.lowerBound + 3, .bool(mac.rawValue & 0x020000_000000 != 0), hidden: true)
        tree.bits(igBit, range.lowerBound..<range.lowerBound + 3, container: ouiValue)
        tree.add(ig, range.lowerBound..<range.lowerBound + 3, .bool(mac.rawValue & 0x010000_000000 != 0), hidden: true)
        tree.close()
    }
}

/// EtherType names, as Wireshark's `etype_vals`.
enum EtherTypeNames {
    static let table: [UInt64: String] = [
        0x0800: "IPv4", 0x86DD: "IPv6", 0x0806: "ARP", 0x8100: "802.1Q Virtual LAN",
        0x88A8: "802.1ad Provider Bridge (Q-in-Q)", 0x8035: "RARP", 0x88CC: "802.1 Link Layer Discovery Protocol (LLDP)",
        0x8847: "MPLS label switched packet", 0x8863: "PPPoE Discovery", 0x8864: "PPPoE Session",
        0x6558: "Transparent Ethernet bridging", 0x888E: "802.1X Authentication",
    ]
}
