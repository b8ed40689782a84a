import Dissect

/// GRE (RFC 2784, RFC 2890's key and sequence number) and PPTP's enhanced GRE (RFC 2637),
/// with the PPP header PPTP carries.
enum GRETree {
    static let flagsAndVersion = HeaderField("gre.flags_and_version", "Flags and Version", .uint16, .hex)
    static let flagChecksum = HeaderField("gre.flags.checksum", "Checksum Bit", .boolean, width: 16, mask: 0x8000, names: .yesNo)
    static let flagRouting = HeaderField("gre.flags.routing", "Routing Bit", .boolean, width: 16, mask: 0x4000, names: .yesNo)
    static let flagKey = HeaderField("gre.flags.key", "Key Bit", .boolean, width: 16, mask: 0x2000, names: .yesNo)
    static let flagSequence = HeaderField("gre.flags.sequence_number", "Sequence Number Bit", .boolean, width: 16, mask: 0x1000, names: .yesNo)
    static let flagStrict = HeaderField("gre.flags.strict_source_route", "Strict Source Route Bit", .boolean, width: 16, mask: 0x0800, names: .yesNo)
    static let flagRecursion = HeaderField("gre.flags.recursion_control", "Recursion control", .uint16, mask: 0x0700)
    static let flagAck = HeaderField("gre.flags.ack", "Acknowledgment", .boolean, width: 16, mask: 0x0080, names: .yesNo)
    static let flagReserved = HeaderField("gre.flags.reserved", "Flags (Reserved)", .uint16, mask: 0x00F8)
    static let flagReservedPPP = HeaderField("gre.flags.reserved", "Flags (Reserved)", .uint16, mask: 0x0078)
    static let flagVersion = HeaderField("gre.flags.version", "Version", .uint16, mask: 0x0007,
                                         names: .values([0: "GRE", 1: "Enhanced GRE"]))
    static let proto = HeaderField("gre.proto", "Protocol Type", .uint16, .hex, names: .values(protocolNames))
    static let checksum = HeaderField("gre.checksum", "Checksum", .uint16, .hex)
    static let offset = HeaderField("gre.offset", "Offset", .uint16)
    static let key = HeaderField("gre.key", "Key", .uint32, .hex)
    static let payloadLength = HeaderField("gre.key.payload_length", "Payload Length", .uint16)
    static let callID = HeaderField("gre.key.call_id", "Call ID", .uint16)
    static let sequence = HeaderField("gre.sequence_number", "Sequence Number", .uint32)
    static let ack = HeaderField("gre.ack_number", "Acknowledgment Number", .uint32)

    static let protocolNames: [UInt64: String] = [
        0x0800: "IP", 0x86DD: "IPv6", 0x6558: "Transparent Ethernet bridging", 0x880B: "PPP", 0x0806: "ARP",
        0x8847: "MPLS label switched packet", 0x88BE: "ERSPAN", 0x22EB: "ERSPAN",
    ]

    static let declaration = ProtocolDeclaration("gre", "Generic Routing Encapsulation", fields: [
        flagsAndVersion, flagChecksum, flagRouting, flagKey, flagSequence, flagStrict, flagRecursion, flagAck,
        flagReserved, flagVersion, proto, checksum, offset, key, payloadLength, callID, sequence, ack,
    ])

    static func dissect(_ gre: GRE, _ tree: inout TreeBuilder) {
        let o = gre.offset
        let name = protocolNames[UInt64(gre.protocolType)] ?? "0x\(hex(UInt64(gre.protocolType), digits: 4))"
        tree.open(declaration, o..<min(tree.bytes.count, o + gre.headerLength), label: "Generic Routing Encapsulation (\(name))")
        let word = UInt64(gre.flagsAndVersion)
        tree.open(flagsAndVersion, o..<o + 2, .uint(word))
        tree.bits(flagChecksum, o..<o + 2, container: word)
        tree.bits(flagRouting, o..<o + 2, container: word)
        tree.bits(flagKey, o..<o + 2, container: word)
        tree.bits(flagSequence, o..<o + 2, container: word)
        tree.bits(flagStrict, o..<o + 2, container: word)
        tree.bits(flagRecursion, o..<o + 2, container: word)
        if gre.version == 1 {
            tree.bits(flagAck, o..<o + 2, container: word)
            tree.bits(flagReservedPPP, o..<o + 2, container: word)
        } else {
            tree.bits(flagReserved, o..<o + 2, container: word)
        }
        tree.bits(flagVersion, o..<o + 2, container: word)
        tree.close()
        tree.add(proto, o + 2..<o + 4, .uint(UInt64(gre.protocolType)))
        var at = o + 4
        if let sum = gre.checksum {
            tree.add(checksum, at..<at + 2, .uint(UInt64(sum)))
            tree.add(offset, at + 2..<at + 4, .uint(UInt64(gre.reserved1 ?? 0)))
            at += 4
        }
        if let k = gre.key {
            if gre.version == 1 {
                tree.add(payloadLength, at..<at + 2, .uint(UInt64(k >> 16)))
                tree.add(callID, at + 2..<at + 4, .uint(UInt64(k & 0xFFFF)))
            } else {
                tree.add(key, at..<at + 4, .uint(UInt64(k)))
            }
            at += 4
        }
        if let s = gre.sequenceNumber { tree.add(sequence, at..<at + 4, .uint(UInt64(s))); at += 4 }
        if let a = gre.acknowledgmentNumber { tree.add(ack, at..<at + 4, .uint(UInt64(a))) }
        tree.close()
    }
}

/// PPP (RFC 1661) inside PPTP's GRE.
enum PPPTree {
    static let address = HeaderField("ppp.address", "Address", .uint8, .hex)
    static let control = HeaderField("ppp.control", "Control", .uint8, .hex)
    static let proto = HeaderField("ppp.protocol", "Protocol", .uint16, .hex, names: .values([
        0x0021: "Internet Protocol version 4", 0x0057: "Internet Protocol version 6", 0xC021: "Link Control Protocol",
        0x8021: "Internet Protocol Control Protocol", 0xC023: "Password Authentication Protocol",
        0xC223: "Challenge Handshake Authentication Protocol", 0x80FD: "Compression Control Protocol",
    ]))
    static let declaration = ProtocolDeclaration("ppp", "Point-to-Point Protocol", fields: [address, control, proto])

    static func dissect(_ ppp: PPP, _ tree: inout TreeBuilder) {
        let o = ppp.offset
        tree.open(declaration, o..<min(tree.bytes.count, o + ppp.headerLength), label: "Point-to-Point Protocol")
        var at = o
        if ppp.hasAddressControl {
            tree.add(address, at..<at + 1, .uint(0xFF))
            tree.add(control, at + 1..<at + 2, .uint(0x03))
            at += 2
        }
        tree.add(proto, at..<(o + ppp.headerLength), .uint(UInt64(ppp.protocolNumber)))
        tree.close()
    }
}
