import Dissect

enum NetworkFields {
    // Each IP field lists the outer header, then the one quoted in an ICMP error, as tshark does.
    static let all: [FieldDefinition] = [
        field("ip.src", "IPv4 source", .ipv4) { i, o in
            o.ipv4(i.frame.ipv4?.source)
            o.ipv4(i.frame.quoted?.ipv4?.source)
        },
        field("ip.dst", "IPv4 destination", .ipv4) { i, o in
            o.ipv4(i.frame.ipv4?.destination)
            o.ipv4(i.frame.quoted?.ipv4?.destination)
        },
        field("ip.addr", "IPv4 source or destination", .ipv4) { i, o in
            o.ipv4(i.frame.ipv4?.source)
            o.ipv4(i.frame.ipv4?.destination)
            o.ipv4(i.frame.quoted?.ipv4?.source)
            o.ipv4(i.frame.quoted?.ipv4?.destination)
        },
        field("ip.proto", "IPv4 protocol") { i, o in
            o.decimal(i.frame.ipv4?.protocolNumber)
            o.decimal(i.frame.quoted?.ipv4?.protocolNumber)
        },
        field("ip.ttl", "IPv4 time to live") { i, o in
            o.decimal(i.frame.ipv4?.ttl)
            o.decimal(i.frame.quoted?.ipv4?.ttl)
        },
        field("ip.len", "IPv4 total length") { i, o in
            o.decimal(i.frame.ipv4?.totalLength)
            o.decimal(i.frame.quoted?.ipv4?.totalLength)
        },
        field("ip.id", "IPv4 identification") { i, o in
            o.hex(i.frame.ipv4?.identification, width: 4)
            o.hex(i.frame.quoted?.ipv4?.identification, width: 4)
        },
        field("ip.hdr_len", "IPv4 header length") { i, o in
            o.decimal(i.frame.ipv4?.headerLength)
            o.decimal(i.frame.quoted?.ipv4?.headerLength)
        },
        field("ip.flags.df", "Don't fragment", .boolean) { i, o in o.boolean(i.frame.ipv4?.dontFragment) },
        field("ip.flags.mf", "More fragments", .boolean) { i, o in o.boolean(i.frame.ipv4?.moreFragments) },
        field("ip.frag_offset", "Fragment offset") { i, o in o.decimal(i.frame.ipv4?.fragmentOffset) },
        field("ipv6.src", "IPv6 source", .ipv6) { i, o in
            o.ipv6(i.frame.ipv6?.source)
            o.ipv6(i.frame.quoted?.ipv6?.source)
        },
        field("ipv6.dst", "IPv6 destination", .ipv6) { i, o in
            o.ipv6(i.frame.ipv6?.destination)
            o.ipv6(i.frame.quoted?.ipv6?.destination)
        },
        field("ipv6.addr", "IPv6 source or destination", .ipv6) { i, o in
            o.ipv6(i.frame.ipv6?.source)
            o.ipv6(i.frame.ipv6?.destination)
            o.ipv6(i.frame.quoted?.ipv6?.source)
            o.ipv6(i.frame.quoted?.ipv6?.destination)
        },
        field("ipv6.nxt", "IPv6 next header") { i, o in
            o.decimal(i.frame.ipv6?.nextHeader)
            o.decimal(i.frame.quoted?.ipv6?.nextHeader)
        },
        field("ipv6.hlim", "IPv6 hop limit") { i, o in
            o.decimal(i.frame.ipv6?.hopLimit)
            o.decimal(i.frame.quoted?.ipv6?.hopLimit)
        },
        field("ipv6.plen", "IPv6 payload length") { i, o in
            o.decimal(i.frame.ipv6?.payloadLength)
            o.decimal(i.frame.quoted?.ipv6?.payloadLength)
        },
        field("ipv6.flow", "IPv6 flow label") { i, o in o.hex(i.frame.ipv6?.flowLabel, width: 5) },
        field("icmp.type", "ICMP type") { i, o in o.decimal(i.frame.icmp?.type) },
        field("icmp.code", "ICMP code") { i, o in o.decimal(i.frame.icmp?.code) },
        field("icmpv6.type", "ICMPv6 type") { i, o in o.decimal(i.frame.icmpv6?.type) },
        field("icmpv6.code", "ICMPv6 code") { i, o in o.decimal(i.frame.icmpv6?.code) },
    ]
}
