import Dissect

/// IPv6 Hop-by-Hop and Destination Options headers (RFC 8200 section 4.2) as packet-ipv6.c
/// shows them: next header and length, then each option with its type split into action,
/// may-change bit and low-order bits. MLD messages carry a Router Alert here (RFC 2711).
enum IPv6OptionsTree {
    static let hopNext = HeaderField("ipv6.hopopts.nxt", "Next Header", .uint8, names: .values(IPProtocolNames.table))
    static let hopLength = HeaderField("ipv6.hopopts.len", "Length", .uint8)
    static let hopOctets = HeaderField("ipv6.hopopts.len_oct", "Length", .uint16)
    static let dstNext = HeaderField("ipv6.dstopts.nxt", "Next Header", .uint8, names: .values(IPProtocolNames.table))
    static let dstLength = HeaderField("ipv6.dstopts.len", "Length", .uint8)
    static let dstOctets = HeaderField("ipv6.dstopts.len_oct", "Length", .uint16)
    static let option = HeaderField("ipv6.opt", "IPv6 Option", .none)
    static let type = HeaderField("ipv6.opt.type", "Type", .uint8, .hex)
    static let action = HeaderField("ipv6.opt.type.action", "Action", .uint8, mask: 0xC0, names: .values([
        0: "Skip and continue", 1: "Discard", 2: "Discard and send ICMP Parameter Problem",
        3: "Discard and send ICMP if not multicast",
    ]))
    static let change = HeaderField("ipv6.opt.type.change", "May Change", .boolean, width: 8, mask: 0x20, names: .yesNo)
    static let rest = HeaderField("ipv6.opt.type.rest", "Low-Order Bits", .uint8, .hex, mask: 0x1F)
    static let length = HeaderField("ipv6.opt.length", "Length", .uint8)
    static let pad1 = HeaderField("ipv6.opt.pad1", "Pad1", .none)
    static let padN = HeaderField("ipv6.opt.padn", "PadN", .bytes)
    static let routerAlert = HeaderField("ipv6.opt.router_alert", "Router Alert", .uint16,
                                         names: .values([0: "MLD", 1: "RSVP", 2: "Active Networks"]))
    static let tunnelLimit = HeaderField("ipv6.opt.tel", "Tunnel Encapsulation Limit", .uint8)
    static let jumbo = HeaderField("ipv6.opt.jumbo", "Payload Length", .uint32)
    static let homeAddress = HeaderField("ipv6.opt.mipv6.home_address", "MIPv6 Home Address", .ipv6)
    static let experimental = HeaderField("ipv6.opt.experimental", "Experimental Option", .bytes)
    static let unknown = HeaderField("ipv6.opt.unknown", "Unknown Option Payload", .bytes)

    static let hopDeclaration = ProtocolDeclaration("ipv6.hopopts", "IPv6 Hop-by-Hop Option", fields: [
        hopNext, hopLength, hopOctets,
    ])
    static let dstDeclaration = ProtocolDeclaration("ipv6.dstopts", "Destination Options for IPv6", fields: [
        dstNext, dstLength, dstOctets,
    ])
    /// The option fields, shared by both headers (they are ipv6's own in Wireshark).
    static let fields = [option, type, action, change, rest, length, pad1, padN, routerAlert, tunnelLimit, jumbo,
                         homeAddress, experimental, unknown]

    static let names: [UInt8: String] = [
        0x00: "Pad1", 0x01: "PadN", 0x04: "Tunnel Encapsulation Limit", 0x05: "Router Alert", 0x07: "CALIPSO",
        0x08: "SMF_DPD", 0x26: "Quick-Start", 0x63: "RPL Option", 0x6D: "MPL Option", 0x8A: "Endpoint Identification",
        0x8B: "ILNP Nonce", 0x8C: "Line-Identification Option", 0xC2: "Jumbo Payload", 0xC9: "Home Address",
        0xEE: "IP_DFF",
    ]

    /// RFC 4727's experimental option types.
    static func isExperimental(_ code: UInt8) -> Bool { code & 0x1F == 0x1E }

    /// One Hop-by-Hop (`hopByHop`) or Destination Options header at `o`, `octets` long.
    static func dissect(at o: Int, octets: Int, hopByHop: Bool, ip: IPv6, _ tree: inout TreeBuilder) {
        let bytes = tree.bytes
        let end = min(bytes.count, o + octets)
        guard o + 2 <= end else { return }
        let declaration = hopByHop ? hopDeclaration : dstDeclaration
        tree.open(declaration, o..<end, label: declaration.node.label)
        defer { tree.close() }
        tree.add(hopByHop ? hopNext : dstNext, o..<o + 1, .uint(UInt64(bytes[o])))
        tree.add(hopByHop ? hopLength : dstLength, o + 1..<o + 2, .uint(UInt64(bytes[o + 1])))
        tree.add(hopByHop ? hopOctets : dstOctets, nil, .uint(UInt64(octets)), display: "\(octets) bytes", generated: true)
        var at = o + 2
        while at < end {
            let code = bytes[at]
            if code == 0 {
                tree.open(option, at..<at + 1, .none, label: "Pad1")
                tree.add(type, at..<at + 1, .uint(0), display: "Pad1 (0x00)")
                tree.add(pad1, at..<at + 1, .none, label: "Pad1")
                tree.close()
                at += 1
                continue
            }
            guard at + 2 <= end else { return }
            let n = Int(bytes[at + 1])
            let data = at + 2..<min(end, at + 2 + n)
            let name = names[code] ?? (isExperimental(code) ? "Experimental (0x\(hex(UInt64(code), digits: 2).uppercased()))" : nil)
            tree.open(option, at..<data.upperBound, .none, label: name ?? "Unknown IPv6 Option (\(code))")
            let typeText = "\(name ?? "Unknown") (0x\(hex(UInt64(code), digits: 2)))"
            tree.open(type, at..<at + 1, .uint(UInt64(code)), display: typeText)
            tree.bits(action, at..<at + 1, container: UInt64(code))
            tree.bits(change, at..<at + 1, container: UInt64(code))
            tree.bits(rest, at..<at + 1, container: UInt64(code))
            tree.close()
            tree.add(length, at + 1..<at + 2, .uint(UInt64(n)))
            value(code, data, declared: n, ip: ip, &tree)
            tree.close()
            at += 2 + n
        }
    }

    private static func value(_ code: UInt8, _ data: Range<Int>, declared: Int, ip: IPv6, _ tree: inout TreeBuilder) {
        let bytes = tree.bytes
        switch code {
        case 0x01:
            tree.add(padN, data, .bytes(data), display: data.isEmpty ? "<none>" : nil)
        case 0x05 where data.count == 2:
            tree.add(routerAlert, data, .uint(UInt64(bytes.u16be(data.lowerBound))))
        case 0x04 where data.count == 1:
            tree.add(tunnelLimit, data, .uint(UInt64(bytes[data.lowerBound])))
        case 0xC2 where data.count == 4:
            tree.add(jumbo, data, .uint(UInt64(bytes.u32be(data.lowerBound))))
            if ip.payloadLength != 0 {
                tree.expert("ipv6.opt.jumbo.prohibited", .warning, .protocolGroup,
                            "When IPv6 payload length does not equal 0 a Jumbo Payload option must not be present")
            }
        case 0xC9 where data.count == 16:
            tree.add(homeAddress, data, .ipv6(IPv6Address(bytes, at: data.lowerBound)))
        case _ where isExperimental(code):
            tree.add(experimental, data, .bytes(data), display: data.isEmpty ? "<MISSING>" : nil)
        default:
            tree.open(unknown, data, .bytes(data), display: data.isEmpty ? "<MISSING>" : nil)
            tree.expert("ipv6.opt.unknown_data.expert", .note, .undecoded, "Unknown Data (not interpreted)")
            tree.close()
        }
    }
}
