import Dissect

/// RIP as tshark 4.0 shows it (packet-rip.c): command and version, then each entry as a
/// line of its own ("IP Address: 10.0.0.0, Metric: 1", "Address not specified, Metric:
/// 16") with the family, a version 2 entry's route tag, netmask and next hop, and the
/// metric; an authentication entry with its password or keyed-MD5 fields and trailer.
enum RIPTree {
    static let command = HeaderField("rip.command", "Command", .uint8, names: .values([
        1: "Request", 2: "Response", 3: "Traceon", 4: "Traceoff", 5: "Vendor specific (Sun)",
    ]))
    static let version = HeaderField("rip.version", "Version", .uint8, names: .values([1: "RIPv1", 2: "RIPv2"]))
    static let ip = HeaderField("rip.ip", "IP Address", .ipv4)
    static let netmask = HeaderField("rip.netmask", "Netmask", .ipv4)
    static let nextHop = HeaderField("rip.next_hop", "Next Hop", .ipv4)
    static let metric = HeaderField("rip.metric", "Metric", .uint16)
    static let authType = HeaderField("rip.auth.type", "Authentication type", .uint16, names: .values([
        1: "IP Route", 2: "Simple Password", 3: "Keyed Message Digest",
    ]))
    static let password = HeaderField("rip.auth.passwd", "Password", .string)
    static let family = HeaderField("rip.family", "Address Family", .uint16, names: .values([0: "Unspecified", 2: "IP"]))
    static let routeTag = HeaderField("rip.route_tag", "Route Tag", .uint16)
    static let zeroPadding = HeaderField("rip.zero_padding", "Zero adding", .string)
    static let digestOffset = HeaderField("rip.digest_offset", "Digest Offset", .uint16)
    static let keyID = HeaderField("rip.key_id", "Key ID", .uint8)
    static let authDataLength = HeaderField("rip.auth_data_len", "Auth Data Len", .uint8)
    static let sequence = HeaderField("rip.seq_num", "Seq num", .uint32)
    static let authData = HeaderField("rip.authentication_data", "Authentication Data", .bytes)
    static let unknownFamily = HeaderField("rip.unknown_address_family", "Unknown address family", .none)

    static let declaration = ProtocolDeclaration("rip", "Routing Information Protocol", fields: [
        command, version, ip, netmask, nextHop, metric, authType, password, family, routeTag, zeroPadding,
        digestOffset, keyID, authDataLength, sequence, authData, unknownFamily,
    ])

    static func protocolName(_ m: RIPMessage) -> String {
        m.version == 1 ? "RIPv1" : m.version == 2 ? "RIPv2" : "RIP"
    }

    static func writeInfo(_ m: RIPMessage, to out: OutputBuffer) {
        out.string(command.names?.name(for: UInt64(m.command)) ?? "Unknown command (\(m.command))")
    }

    static func dissect(_ m: RIPMessage, _ tree: inout TreeBuilder) {
        let bytes = tree.bytes
        let o = m.offset
        tree.open(declaration, o..<m.end, label: "Routing Information Protocol")
        defer { tree.close() }
        tree.add(command, o..<o + 1, .uint(UInt64(m.command)))
        tree.add(version, o + 1..<o + 2, .uint(UInt64(m.version)))
        let v2 = m.version == 2
        for entry in m.entries(bytes) {
            let e = entry.lowerBound
            let familyValue = bytes.u16be(e)
            let metricValue = bytes.u32be(e + 16)
            switch familyValue {
            case 0, 2:
                let address = IPv4Address(rawValue: bytes.u32be(e + 4))
                tree.openText(familyValue == 0 ? "Address not specified, Metric: \(metricValue)" : "IP Address: \(address), Metric: \(metricValue)",
                              range: entry)
                tree.add(family, e..<e + 2, .uint(UInt64(familyValue)))
                if v2 { tree.add(routeTag, e + 2..<e + 4, .uint(UInt64(bytes.u16be(e + 2)))) }
                if familyValue == 2 { tree.add(ip, e + 4..<e + 8, .ipv4(address)) }
                if v2 {
                    tree.add(netmask, e + 8..<e + 12, .ipv4(IPv4Address(rawValue: bytes.u32be(e + 8))))
                    tree.add(nextHop, e + 12..<e + 16, .ipv4(IPv4Address(rawValue: bytes.u32be(e + 12))))
                }
                tree.add(metric, e + 16..<e + 20, .uint(UInt64(metricValue)))
                tree.close()
            case 0xFFFF where e == o + RIPMessage.headerLength:
                authentication(entry, message: m, bytes, &tree)
            default:
                let text = "Unknown address family \(familyValue)"
                tree.open(unknownFamily, entry, .none, label: text)
                tree.expert("rip.unknown_address_family", .warning, .protocolGroup, text)
                tree.close()
            }
        }
    }

    private static func authentication(_ entry: Range<Int>, message m: RIPMessage, _ bytes: ByteView, _ tree: inout TreeBuilder) {
        let e = entry.lowerBound
        let type = UInt64(bytes.u16be(e + 2))
        tree.openText("Authentication: \(authType.names?.name(for: type) ?? "Unknown (\(type))")", range: entry)
        defer { tree.close() }
        tree.add(authType, e + 2..<e + 4, .uint(type))
        switch type {
        case 2:
            let text = e + 4..<e + 20
            let end = text.first { bytes[$0] == 0 } ?? text.upperBound
            tree.add(password, text, .string(DNSName.escapedASCII(bytes, text.lowerBound..<end)))
        case 3:
            let digest = Int(bytes.u16be(e + 4))
            tree.add(digestOffset, e + 4..<e + 6, .uint(UInt64(digest)))
            tree.add(keyID, e + 6..<e + 7, .uint(UInt64(bytes[e + 6])))
            tree.add(authDataLength, e + 7..<e + 8, .uint(UInt64(bytes[e + 7])))
            tree.add(sequence, e + 8..<e + 12, .uint(UInt64(bytes.u32be(e + 8))))
            tree.add(zeroPadding, e + 12..<e + 20, .string(""))
            // The trailer's place is the digest offset, counted from the RIP header.
            let trailer = m.offset + digest
            guard trailer + 20 <= m.end else { return }
            tree.openText("Authentication Data Trailer", range: trailer..<trailer + 20)
            tree.add(authData, trailer + 4..<trailer + 20, .bytes(trailer + 4..<trailer + 20))
            tree.close()
        default:
            break
        }
    }
}

extension Frame {
    /// The RIP message in this frame's UDP payload.
    var ripMessage: RIPMessage? {
        guard let udp, protocols.last == .rip else { return nil }
        return RIPMessage.decode(bytes, at: udp.payload.lowerBound, end: udp.payload.upperBound).layer
    }
}
