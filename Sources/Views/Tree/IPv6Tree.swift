import Dissect

/// IPv6 (RFC 8200): the fixed header; extension headers are listed by name.
enum IPv6Tree {
    static let version = HeaderField("ipv6.version", "Version", .uint8, mask: 0xF0)
    static let tclass = HeaderField("ipv6.tclass", "Traffic Class", .uint32, .hex, mask: 0x0FF0_0000)
    static let dscp = HeaderField("ipv6.tclass.dscp", "Differentiated Services Codepoint", .uint32, mask: 0x0FC0_0000, names: .values(DSCP.long))
    static let ecn = HeaderField("ipv6.tclass.ecn", "Explicit Congestion Notification", .uint32, mask: 0x0030_0000, names: .values(ECN.long))
    static let flow = HeaderField("ipv6.flow", "Flow Label", .uint24, .hex, mask: 0x0F_FFFF)
    static let plen = HeaderField("ipv6.plen", "Payload Length", .uint16)
    static let nxt = HeaderField("ipv6.nxt", "Next Header", .uint8, names: .values(IPProtocolNames.table))
    static let hlim = HeaderField("ipv6.hlim", "Hop Limit", .uint8)
    static let src = HeaderField("ipv6.src", "Source Address", .ipv6)
    static let dst = HeaderField("ipv6.dst", "Destination Address", .ipv6)
    static let addr = HeaderField("ipv6.addr", "Source or Destination Address", .ipv6)
    static let srcHost = HeaderField("ipv6.src_host", "Source Host", .string)
    static let dstHost = HeaderField("ipv6.dst_host", "Destination Host", .string)
    static let host = HeaderField("ipv6.host", "Source or Destination Host", .string)

    static let srcSLAACMAC = HeaderField("ipv6.src_slaac_mac", "Source SLAAC MAC", .ether)
    static let dstSLAACMAC = HeaderField("ipv6.dst_slaac_mac", "Destination SLAAC MAC", .ether)
    static let slaacMAC = HeaderField("ipv6.slaac_mac", "SLAAC MAC", .ether)
    static let declaration = ProtocolDeclaration("ipv6", "Internet Protocol Version 6", fields: [
        version, tclass, dscp, ecn, flow, plen, nxt, hlim, src, dst, addr, srcHost, dstHost, host,
        srcSLAACMAC, dstSLAACMAC, slaacMAC,
    ] + IPFragmentTree.ipv6.all + IPv6OptionsTree.fields)

    static func dissect(_ ip: IPv6, reassembled: ReassembledDatagram? = nil, _ tree: inout TreeBuilder) {
        let o = ip.offset
        let bytes = tree.bytes
        tree.open(declaration, o..<min(bytes.count, o + 40 + ip.payloadLength),
                  label: "Internet Protocol Version 6, Src: \(ip.source), Dst: \(ip.destination)")
        let word = UInt64(bytes.u32be(o))
        tree.bits(version, o..<o + 1, container: UInt64(bytes[o]))
        // Wireshark adds the IPv4 name too, hidden, so `ip.version == 6` matches.
        tree.bits(IPv4Tree.version, o..<o + 1, container: UInt64(bytes[o]), hidden: true)
        let tc = UInt64(ip.trafficClass)
        tree.bits(tclass, o..<o + 4, container: word,
                  display: "0x\(hex(tc, digits: 2)) (DSCP: \(DSCP.short[tc >> 2] ?? "Unknown"), ECN: \(ECN.short[tc & 3] ?? ""))", open: true)
        tree.bits(dscp, o..<o + 4, container: word)
        tree.bits(ecn, o..<o + 4, container: word)
        tree.close()
        tree.bits(flow, o + 1..<o + 4, container: word & 0xFF_FFFF, display: "0x" + hex(UInt64(ip.flowLabel), digits: 5))
        tree.add(plen, o + 4..<o + 6, .uint(UInt64(ip.payloadLength)))
        tree.add(nxt, o + 6..<o + 7, .uint(UInt64(ip.nextHeader)))
        tree.add(hlim, o + 7..<o + 8, .uint(UInt64(ip.hopLimit)))
        address(ip.source, o + 8..<o + 24, field: src, hostField: srcHost, &tree)
        address(ip.destination, o + 24..<o + 40, field: dst, hostField: dstHost, &tree)
        slaac(o + 8, field: srcSLAACMAC, &tree)
        slaac(o + 24, field: dstSLAACMAC, &tree)
        extensionHeaders(ip, &tree)
        if let reassembled { IPFragmentTree.dissect(reassembled, v6: true, &tree) }
        tree.close()
    }

    /// The extension headers in order: options headers and the fragment header have
    /// trees of their own; the walk stops at one it cannot read.
    private static func extensionHeaders(_ ip: IPv6, _ tree: inout TreeBuilder) {
        let bytes = tree.bytes
        var at = ip.offset + 40
        for header in ip.extensionHeaders {
            guard at + 2 <= bytes.count else { return }
            let octets: Int
            switch header {
            case 44: octets = 8
            case 51: octets = (Int(bytes[at + 1]) + 2) * 4
            default: octets = (Int(bytes[at + 1]) + 1) * 8
            }
            switch header {
            case 0, 60: IPv6OptionsTree.dissect(at: at, octets: octets, hopByHop: header == 0, ip: ip, &tree)
            case 44: IPv6FragmentHeaderTree.dissect(at: at, &tree)
            case 135: MIP6Tree.dissect(at: at, &tree)
            default: break
            }
            at += octets
        }
    }

    /// An interface identifier made from a universal MAC address (RFC 4291 appendix A:
    /// ff:fe in the middle, the universal/local bit set) gives that MAC back, as tshark shows.
    private static func slaac(_ at: Int, field: HeaderField, _ tree: inout TreeBuilder) {
        let bytes = tree.bytes
        guard at + 16 <= bytes.count, bytes[at + 11] == 0xFF, bytes[at + 12] == 0xFE, bytes[at + 8] & 0x02 != 0 else { return }
        let raw = UInt64(bytes[at + 8] ^ 0x02) << 40 | UInt64(bytes[at + 9]) << 32 | UInt64(bytes[at + 10]) << 24
            | UInt64(bytes[at + 13]) << 16 | UInt64(bytes[at + 14]) << 8 | UInt64(bytes[at + 15])
        let mac = MACAddress(rawValue: raw)
        tree.add(field, at + 8..<at + 16, .ether(mac), generated: true)
        tree.add(slaacMAC, at + 8..<at + 16, .ether(mac), generated: true, hidden: true)
    }

    private static func address(_ a: IPv6Address, _ range: Range<Int>, field: HeaderField, hostField: HeaderField,
                                _ tree: inout TreeBuilder) {
        tree.add(field, range, .ipv6(a))
        tree.add(addr, range, .ipv6(a), hidden: true)
        tree.add(hostField, range, .string(a.description), hidden: true)
        tree.add(host, range, .string(a.description), hidden: true)
    }
}
