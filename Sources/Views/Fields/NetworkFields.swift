import Dissect

enum NetworkFields {
    // Each IP field lists a tunnel's outer headers, then the frame's (inner) header, then the one
    // quoted in an ICMP error, as tshark does.

    static func ipv4<T: BinaryInteger & SendableMetatype>(_ name: String, _ summary: String,
                                       _ value: @escaping @Sendable (IPv4) -> T) -> FieldDefinition {
        field(name, summary) { i, o in
            for hop in i.frame.tunnels { o.decimal(hop.ipv4.map(value)) }
            o.decimal(i.frame.ipv4.map(value))
            o.decimal(i.frame.quoted?.ipv4.map(value))
        }
    }

    static func ipv6<T: BinaryInteger & SendableMetatype>(_ name: String, _ summary: String,
                                       _ value: @escaping @Sendable (IPv6) -> T) -> FieldDefinition {
        field(name, summary) { i, o in
            for hop in i.frame.tunnels { o.decimal(hop.ipv6.map(value)) }
            o.decimal(i.frame.ipv6.map(value))
            o.decimal(i.frame.quoted?.ipv6.map(value))
        }
    }

    static func ipv4Address(_ name: String, _ summary: String, _ sides: [@Sendable (IPv4) -> IPv4Address]) -> FieldDefinition {
        field(name, summary, .ipv4) { i, o in
            for hop in i.frame.tunnels { for side in sides { o.ipv4(hop.ipv4.map(side)) } }
            for side in sides { o.ipv4(i.frame.ipv4.map(side)) }
            for side in sides { o.ipv4(i.frame.quoted?.ipv4.map(side)) }
        }
    }

    static func ipv6Address(_ name: String, _ summary: String, _ sides: [@Sendable (IPv6) -> IPv6Address]) -> FieldDefinition {
        field(name, summary, .ipv6) { i, o in
            for hop in i.frame.tunnels { for side in sides { o.ipv6(hop.ipv6.map(side)) } }
            for side in sides { o.ipv6(i.frame.ipv6.map(side)) }
            for side in sides { o.ipv6(i.frame.quoted?.ipv6.map(side)) }
        }
    }

    static let all: [FieldDefinition] = [
        ipv4Address("ip.src", "IPv4 source", [\.source]),
        ipv4Address("ip.dst", "IPv4 destination", [\.destination]),
        ipv4Address("ip.addr", "IPv4 source or destination", [\.source, \.destination]),
        ipv4("ip.proto", "IPv4 protocol") { $0.protocolNumber },
        ipv4("ip.ttl", "IPv4 time to live") { $0.ttl },
        ipv4("ip.len", "IPv4 total length") { $0.totalLength },
        field("ip.id", "IPv4 identification") { i, o in
            for hop in i.frame.tunnels { o.hex(hop.ipv4?.identification, width: 4) }
            o.hex(i.frame.ipv4?.identification, width: 4)
            o.hex(i.frame.quoted?.ipv4?.identification, width: 4)
        },
        ipv4("ip.hdr_len", "IPv4 header length") { $0.headerLength },
        field("ip.flags.df", "Don't fragment", .boolean) { i, o in
            for hop in i.frame.tunnels { o.boolean(hop.ipv4?.dontFragment) }
            o.boolean(i.frame.ipv4?.dontFragment)
            o.boolean(i.frame.quoted?.ipv4?.dontFragment)
        },
        field("ip.flags.mf", "More fragments", .boolean) { i, o in
            for hop in i.frame.tunnels { o.boolean(hop.ipv4?.moreFragments) }
            o.boolean(i.frame.ipv4?.moreFragments)
            o.boolean(i.frame.quoted?.ipv4?.moreFragments)
        },
        ipv4("ip.frag_offset", "Fragment offset") { $0.fragmentOffset / 8 },  // the field, in 8-byte units
        ipv6Address("ipv6.src", "IPv6 source", [\.source]),
        ipv6Address("ipv6.dst", "IPv6 destination", [\.destination]),
        ipv6Address("ipv6.addr", "IPv6 source or destination", [\.source, \.destination]),
        ipv6("ipv6.nxt", "IPv6 next header") { $0.nextHeader },
        ipv6("ipv6.hlim", "IPv6 hop limit") { $0.hopLimit },
        ipv6("ipv6.plen", "IPv6 payload length") { $0.payloadLength },
        // A 20-bit field that Wireshark declares as 24 bits wide: six hex digits.
        field("ipv6.flow", "IPv6 flow label") { i, o in
            for hop in i.frame.tunnels { o.hex(hop.ipv6?.flowLabel, width: 6) }
            o.hex(i.frame.ipv6?.flowLabel, width: 6)
            o.hex(i.frame.quoted?.ipv6?.flowLabel, width: 6)
        },
        field("icmp.type", "ICMP type") { i, o in o.decimal(i.frame.icmp?.type) },
        field("icmp.code", "ICMP code") { i, o in o.decimal(i.frame.icmp?.code) },
        field("icmpv6.type", "ICMPv6 type") { i, o in o.decimal(i.frame.icmpv6?.type) },
        field("icmpv6.code", "ICMPv6 code") { i, o in o.decimal(i.frame.icmpv6?.code) },
    ]
}
