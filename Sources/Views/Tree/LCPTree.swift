import Dissect

/// PPP's Link Control Protocol as tshark 4.0 shows it (packet-ppp.c): code, identifier
/// and length (named `ppp.*`, as the dissector shares them with the other control
/// protocols), then the options of a configuration packet or an echo's magic number.
enum LCPTree {
    static let codeNames: [UInt64: String] = [
        1: "Configuration Request", 2: "Configuration Ack", 3: "Configuration Nak", 4: "Configuration Reject",
        5: "Termination Request", 6: "Termination Ack", 7: "Code Reject", 8: "Protocol Reject", 9: "Echo Request",
        10: "Echo Reply", 11: "Discard Request", 12: "Identification", 13: "Time Remaining",
    ]
    static let code = HeaderField("ppp.code", "Code", .uint8, names: .values(codeNames))
    static let identifier = HeaderField("ppp.identifier", "Identifier", .uint8, .decHex)
    static let length = HeaderField("ppp.length", "Length", .uint16)
    static let magicNumber = HeaderField("lcp.magic_number", "Magic Number", .uint32, .hex)
    static let data = HeaderField("lcp.data", "Data", .bytes)
    static let optionType = HeaderField("lcp.opt.type", "Type", .uint8, names: .values(optionNames))
    static let optionLength = HeaderField("lcp.opt.length", "Length", .uint8)
    static let optionData = HeaderField("lcp.opt.data", "Data", .bytes)
    static let mru = HeaderField("lcp.opt.mru", "Maximum Receive Unit", .uint16)
    static let optionMagic = HeaderField("lcp.opt.magic_number", "Magic Number", .uint32, .hex)
    static let operation = HeaderField("lcp.opt.operation", "Operation", .uint8, names: .values([
        0: "Location is determined by user authentication", 1: "Message is dialing string",
        2: "Message is location identifier", 3: "Message is E.164", 4: "Message is distinguished name",
        5: "unassigned", 6: "Location is determined during CBCP negotiation",
    ]))
    static let mrru = HeaderField("lcp.opt.mrru", "MRRU", .uint16)
    static let asyncMap = HeaderField("lcp.opt.asyncmap", "Async Control Character Map", .uint32, .hex)
    /// The 32 control characters, US (bit 31) first, as the dissector lists them.
    static let asyncMapBits: [HeaderField] = [
        "NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL", "BS", "HT", "LF", "VT", "FF", "CR", "SO", "SI", "DLE",
        "DC1 (XON)", "DC2", "DC3 (XOFF)", "DC4", "NAK", "SYN", "ETB", "CAN", "EM", "SUB", "ESC", "FS", "GS", "RS", "US",
    ].enumerated().reversed().map { bit, name in
        let key = name.prefix { $0 != " " }.lowercased()
        return HeaderField("lcp.opt.asyncmap.\(key)", name, .boolean, width: 32, mask: 1 << UInt64(bit),
                           names: .trueFalse("True", "False"))
    }
    static let authProtocol = HeaderField("lcp.opt.auth_protocol", "Authentication Protocol", .uint16, .hex,
                                          names: PPPTree.proto.names)
    static let algorithm = HeaderField("lcp.opt.algorithm", "Algorithm", .uint8, names: .values([5: "CHAP with MD5"]))
    static let endpointClass = HeaderField("lcp.opt.ep_disc_class", "Class", .uint8, names: .values([
        0: "Null", 1: "Locally assigned address", 2: "Internet Protocol (IP) address",
        3: "IEEE 802.1 globally assigned MAC address", 4: "PPP magic-number block",
        5: "Public switched network directory number",
    ]))

    /// The options decoded here, by type: their item's field and name.
    static let optionNames: [UInt64: String] = [
        1: "Maximum Receive Unit", 2: "Async Control Character Map", 3: "Authentication Protocol",
        4: "Quality Protocol", 5: "Magic Number", 7: "Protocol Field Compression",
        8: "Address and Control Field Compression", 13: "Callback", 17: "Multilink MRRU",
        19: "Multilink Endpoint Discriminator",
    ]
    static let optionFields: [UInt8: HeaderField] = [
        1: HeaderField("lcp.opt.mru_bytes", "Maximum Receive Unit", .bytes),
        2: HeaderField("lcp.opt.asyncmap_bytes", "Async Control Character Map", .bytes),
        3: HeaderField("lcp.opt.auth_protocol_bytes", "Authentication Protocol", .bytes),
        5: HeaderField("lcp.opt.magic_number_bytes", "Magic Number", .bytes),
        7: HeaderField("lcp.opt.field_compress", "Protocol Field Compression", .bytes),
        8: HeaderField("lcp.opt.addr_field_compress", "Address and Control Field Compression", .bytes),
        13: HeaderField("lcp.opt.callback", "Callback", .bytes),
        17: HeaderField("lcp.opt.multilink_mrru", "Multilink MRRU", .bytes),
        19: HeaderField("lcp.opt.multilink_ep_disc", "Multilink Endpoint Discriminator", .bytes),
    ]

    /// An option this file does not decode: its type and length only.
    static let unknownOption = HeaderField("lcp.opt.unknown", "Unknown", .bytes)

    static let declaration = ProtocolDeclaration("lcp", "PPP Link Control Protocol", fields: [
        code, identifier, length, magicNumber, data, optionType, optionLength, optionData, mru, optionMagic,
        operation, mrru, endpointClass, asyncMap, authProtocol, algorithm, unknownOption,
    ] + asyncMapBits + optionFields.keys.sorted().compactMap { optionFields[$0] })

    static func name(_ p: LCPPacket) -> String { codeNames[UInt64(p.code)] ?? "Unknown" }

    static func dissect(_ p: LCPPacket, _ tree: inout TreeBuilder) {
        let bytes = tree.bytes
        let o = p.offset
        tree.open(declaration, o..<p.data.upperBound, label: "PPP Link Control Protocol")
        defer { tree.close() }
        tree.add(code, o..<o + 1, .uint(UInt64(p.code)))
        tree.add(identifier, o + 1..<o + 2, .uint(UInt64(p.identifier)))
        tree.add(length, o + 2..<o + 4, .uint(UInt64(p.length)))
        if p.carriesMagicNumber, p.data.count >= 4 {
            tree.add(magicNumber, p.data.lowerBound..<p.data.lowerBound + 4, .uint(UInt64(bytes.u32be(p.data.lowerBound))))
            let rest = p.data.lowerBound + 4..<p.data.upperBound
            if !rest.isEmpty { tree.add(data, rest, .bytes(rest)) }
            return
        }
        guard p.carriesOptions, !p.data.isEmpty else { return }
        var names: [String] = []
        var options = p.options(bytes)
        while let option = options.next() { names.append(optionNames[UInt64(option.type)] ?? "Unknown") }
        tree.openText("Options: (\(p.data.count) bytes), " + names.joined(separator: ", "), range: p.data)
        options = p.options(bytes)
        while let option = options.next() { dissectOption(option, bytes, &tree) }
        tree.close()
    }

    private static func dissectOption(_ option: LCPOption, _ bytes: ByteView, _ tree: inout TreeBuilder) {
        let whole = option.offset..<option.value.upperBound
        let value = option.value
        let field = optionFields[option.type] ?? unknownOption
        var label = field.label
        switch option.type {
        case 1 where value.count >= 2: label += ": \(bytes.u16be(value.lowerBound))"
        case 5 where value.count >= 4: label += ": 0x\(hex(UInt64(bytes.u32be(value.lowerBound)), digits: 8))"
        case 2 where value.count >= 4:
            let map = bytes.u32be(value.lowerBound)
            label += ": 0x\(hex(UInt64(map), digits: 8))" + (map == 0 ? " (None)" : "")
        case 3 where value.count >= 2:
            let proto = UInt64(bytes.u16be(value.lowerBound))
            label += ": \(authProtocol.names?.name(for: proto) ?? "Unknown") (0x\(hex(proto, digits: 4)))"
        case 13 where value.count >= 1: label += ": " + (operation.names?.name(for: UInt64(bytes[value.lowerBound])) ?? "Unknown")
        case 17 where value.count >= 2: label += ": \(bytes.u16be(value.lowerBound))"
        case 19 where value.count >= 1: label += ": Class: " + (endpointClass.names?.name(for: UInt64(bytes[value.lowerBound])) ?? "Unknown")
        default: break
        }
        tree.open(field, whole, .bytes(whole), label: label)
        defer { tree.close() }
        tree.add(optionType, option.offset..<option.offset + 1, .uint(UInt64(option.type)))
        tree.add(optionLength, option.offset + 1..<option.offset + 2, .uint(UInt64(option.length)))
        switch option.type {
        case 1 where value.count >= 2: tree.add(mru, value.lowerBound..<value.lowerBound + 2, .uint(UInt64(bytes.u16be(value.lowerBound))))
        case 2 where value.count >= 4:
            let map = UInt64(bytes.u32be(value.lowerBound))
            let r = value.lowerBound..<value.lowerBound + 4
            tree.open(asyncMap, r, .uint(map), display: "0x\(hex(map, digits: 8))" + (map == 0 ? " (None)" : ""))
            for bit in asyncMapBits { tree.bits(bit, r, container: map) }
            tree.close()
        case 3 where value.count >= 2:
            tree.add(authProtocol, value.lowerBound..<value.lowerBound + 2, .uint(UInt64(bytes.u16be(value.lowerBound))))
            if value.count >= 3 { tree.add(algorithm, value.lowerBound + 2..<value.lowerBound + 3, .uint(UInt64(bytes[value.lowerBound + 2]))) }
        case 5 where value.count >= 4: tree.add(optionMagic, value.lowerBound..<value.lowerBound + 4, .uint(UInt64(bytes.u32be(value.lowerBound))))
        case 13 where value.count >= 1:
            tree.add(operation, value.lowerBound..<value.lowerBound + 1, .uint(UInt64(bytes[value.lowerBound])))
        case 17 where value.count >= 2: tree.add(mrru, value.lowerBound..<value.lowerBound + 2, .uint(UInt64(bytes.u16be(value.lowerBound))))
        case 19 where value.count >= 1:
            tree.add(endpointClass, value.lowerBound..<value.lowerBound + 1, .uint(UInt64(bytes[value.lowerBound])))
            let rest = value.lowerBound + 1..<value.upperBound
            if !rest.isEmpty { tree.add(optionData, rest, .bytes(rest)) }
        case 7, 8: break
        default: break
        }
    }
}

extension Frame {
    /// The LCP packet in this frame's innermost PPP frame (over PPPoE, GRE or L2TP; an
    /// L2TP tunnel can itself run over PPPoE).
    var lcpPacket: LCPPacket? {
        guard protocols.last == .lcp, let ppp = tunnels.last?.ppp ?? ppp else { return nil }
        return LCPPacket.decode(bytes, at: ppp.payload.lowerBound, end: ppp.payload.upperBound).layer
    }
}
