import Dissect

/// Geneve (RFC 8926). Options are shown as one block of bytes.
enum GeneveTree {
    static let version = HeaderField("geneve.version", "Version", .uint8, mask: 0xC0)
    static let optionLength = HeaderField("geneve.option_length", "Length", .uint8, mask: 0x3F)
    static let flags = HeaderField("geneve.flags", "Flags", .uint8, .hex)
    static let flagOAM = HeaderField("geneve.flags.oam", "Operations, Administration and Management Frame", .boolean,
                                     width: 8, mask: 0x80, names: .trueFalse)
    static let flagCritical = HeaderField("geneve.flags.critical", "Critical Options Present", .boolean,
                                          width: 8, mask: 0x40, names: .trueFalse)
    static let flagReserved = HeaderField("geneve.flags.reserved", "Reserved", .boolean, width: 8, mask: 0x3F, names: .trueFalse)
    static let protoType = HeaderField("geneve.proto_type", "Protocol Type", .uint16, .hex, names: .values(GRETree.protocolNames))
    static let vni = HeaderField("geneve.vni", "Virtual Network Identifier (VNI)", .uint24, .hexDec)
    static let reserved = HeaderField("geneve.reserved", "Reserved", .uint8, .hex)
    static let options = HeaderField("geneve.options", "Options", .bytes)

    static let declaration = ProtocolDeclaration("geneve", "Generic Network Virtualization Encapsulation", fields: [
        version, optionLength, flags, flagOAM, flagCritical, flagReserved, protoType, vni, reserved, options,
    ])

    static func dissect(_ geneve: Geneve, _ tree: inout TreeBuilder) {
        let o = geneve.offset
        let end = min(tree.bytes.count, geneve.options.upperBound)
        tree.open(declaration, o..<end,
                  label: "Generic Network Virtualization Encapsulation, VNI: 0x\(hex(UInt64(geneve.vni), digits: 6))")
        let first = UInt64(tree.bytes[o])
        tree.bits(version, o..<o + 1, container: first)
        tree.bits(optionLength, o..<o + 1, container: first, value: .uint(UInt64(geneve.optionsLength)),
                  display: "\(geneve.optionsLength) bytes")
        let f = UInt64(geneve.flags)
        tree.open(flags, o + 1..<o + 2, .uint(f))
        tree.bits(flagOAM, o + 1..<o + 2, container: f)
        tree.bits(flagCritical, o + 1..<o + 2, container: f)
        tree.bits(flagReserved, o + 1..<o + 2, container: f)
        tree.close()
        tree.add(protoType, o + 2..<o + 4, .uint(UInt64(geneve.protocolType)))
        tree.add(vni, o + 4..<o + 7, .uint(UInt64(geneve.vni)))
        tree.add(reserved, o + 7..<o + 8, .uint(UInt64(geneve.reserved)))
        if !geneve.options.isEmpty { tree.add(options, geneve.options, .bytes(geneve.options)) }
        tree.close()
    }
}
