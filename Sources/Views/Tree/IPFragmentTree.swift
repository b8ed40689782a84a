import Dissect

/// The fragments of a reassembled IPv4 or IPv6 datagram, shown inside the IP header of
/// the frame that completed it, as Wireshark's reassembly code shows them (one pass:
/// `ip.reassembled_in` on the earlier fragments needs a second pass, so it is not shown).
enum IPFragmentTree {
    struct Fields {
        let fragments, fragment, count, length, data: HeaderField
        var all: [HeaderField] { [fragments, fragment, count, length, data] }
    }

    static let ipv4 = Fields(
        fragments: HeaderField("ip.fragments", "IPv4 Fragments", .bytes),
        fragment: HeaderField("ip.fragment", "IPv4 Fragment", .frameNumber),
        count: HeaderField("ip.fragment.count", "Fragment count", .uint32),
        length: HeaderField("ip.reassembled.length", "Reassembled IPv4 length", .uint32),
        data: HeaderField("ip.reassembled.data", "Reassembled IPv4 data", .bytes))
    static let ipv6 = Fields(
        fragments: HeaderField("ipv6.fragments", "IPv6 Fragments", .bytes),
        fragment: HeaderField("ipv6.fragment", "IPv6 Fragment", .frameNumber),
        count: HeaderField("ipv6.fragment.count", "Fragment count", .uint32),
        length: HeaderField("ipv6.reassembled.length", "Reassembled IPv6 length", .uint32),
        data: HeaderField("ipv6.reassembled.data", "Reassembled IPv6 data", .bytes))

    static func dissect(_ datagram: ReassembledDatagram, v6: Bool, _ tree: inout TreeBuilder) {
        let f = v6 ? ipv6 : ipv4
        let name = v6 ? "IPv6" : "IPv4"
        let list = datagram.fragments.map { "#\($0.frame)(\($0.length))" }.joined(separator: ", ")
        let n = datagram.fragments.count
        tree.open(f.fragments, datagram.payload, .bytes(datagram.payload),
                  label: "\(n) \(name) Fragment\(n == 1 ? "" : "s") (\(datagram.length) bytes): \(list)", generated: true)
        for fragment in datagram.fragments {
            let last = fragment.offset + fragment.length - 1
            tree.add(f.fragment, nil, .uint(UInt64(fragment.frame)),
                     label: "Frame: \(fragment.frame), payload: \(fragment.offset)-\(last) (\(fragment.length) byte\(fragment.length == 1 ? "" : "s"))",
                     generated: true)
        }
        tree.add(f.count, nil, .uint(UInt64(n)), generated: true)
        tree.add(f.length, nil, .uint(UInt64(datagram.length)), generated: true)
        tree.add(f.data, datagram.payload, .bytes(datagram.payload), generated: true)
        tree.close()
    }
}

/// The IPv6 Fragment extension header (RFC 8200 §4.5), when it directly follows the
/// fixed header (the usual place; other extension headers are not in the tree yet).
enum IPv6FragmentHeaderTree {
    static let nxt = HeaderField("ipv6.fraghdr.nxt", "Next header", .uint8, names: .values(IPProtocolNames.table))
    static let reservedOctet = HeaderField("ipv6.fraghdr.reserved_octet", "Reserved octet", .uint8, .hex)
    static let offset = HeaderField("ipv6.fraghdr.offset", "Offset", .uint16, mask: 0xFFF8)
    static let reservedBits = HeaderField("ipv6.fraghdr.reserved_bits", "Reserved bits", .uint16, mask: 0x0006)
    static let more = HeaderField("ipv6.fraghdr.more", "More Fragments", .boolean, width: 16, mask: 0x0001, names: .yesNo)
    static let ident = HeaderField("ipv6.fraghdr.ident", "Identification", .uint32, .hex)

    static let declaration = ProtocolDeclaration("ipv6.fraghdr", "Fragment Header for IPv6", fields: [
        nxt, reservedOctet, offset, reservedBits, more, ident,
    ])

    static func dissect(at o: Int, _ tree: inout TreeBuilder) {
        guard o + 8 <= tree.bytes.count else { return }
        let bytes = tree.bytes
        tree.open(declaration, o..<o + 8, label: "Fragment Header for IPv6")
        tree.add(nxt, o..<o + 1, .uint(UInt64(bytes[o])))
        tree.add(reservedOctet, o + 1..<o + 2, .uint(UInt64(bytes[o + 1])))
        let word = UInt64(bytes.u16be(o + 2))
        tree.bits(offset, o + 2..<o + 4, container: word, display: "\(word >> 3) (\((word >> 3) * 8) bytes)")
        tree.bits(reservedBits, o + 2..<o + 4, container: word)
        tree.bits(more, o + 2..<o + 4, container: word)
        tree.add(ident, o + 4..<o + 8, .uint(UInt64(bytes.u32be(o + 4))))
        tree.close()
    }
}
