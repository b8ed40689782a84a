import Dissect

/// VXLAN (RFC 7348) with the Group Based Policy flags Wireshark shows.
enum VXLANTree {
    static let flags = HeaderField("vxlan.flags", "Flags", .uint16, .hex)
    static let flagG = HeaderField("vxlan.flag_g", "GBP Extension", .boolean, width: 16, mask: 0x8000,
                                   names: .trueFalse("Defined", "Not defined"))
    static let flagI = HeaderField("vxlan.flag_i", "VXLAN Network ID (VNI)", .boolean, width: 16, mask: 0x0800, names: .trueFalse)
    static let flagD = HeaderField("vxlan.flag_d", "Don't Learn", .boolean, width: 16, mask: 0x0040, names: .trueFalse)
    static let flagA = HeaderField("vxlan.flag_a", "Policy Applied", .boolean, width: 16, mask: 0x0008, names: .trueFalse)
    static let flagsReserved = HeaderField("vxlan.flags_reserved", "Reserved(R)", .uint16, .hex, mask: 0x77B7)
    static let gbp = HeaderField("vxlan.gbp", "Group Policy ID", .uint16)
    static let vni = HeaderField("vxlan.vni", "VXLAN Network Identifier (VNI)", .uint24)
    static let reserved = HeaderField("vxlan.reserved8", "Reserved", .uint8)

    static let declaration = ProtocolDeclaration("vxlan", "Virtual eXtensible Local Area Network", fields: [
        flags, flagG, flagI, flagD, flagA, flagsReserved, gbp, vni, reserved,
    ])

    static func dissect(_ vxlan: VXLAN, _ tree: inout TreeBuilder) {
        let o = vxlan.offset
        tree.open(declaration, o..<min(tree.bytes.count, o + VXLAN.headerLength), label: "Virtual eXtensible Local Area Network")
        let word = UInt64(vxlan.flags)
        var names: [String] = []
        if word & 0x8000 != 0 { names.append("GBP Extension") }
        if word & 0x0800 != 0 { names.append("VXLAN Network ID (VNI)") }
        if word & 0x0040 != 0 { names.append("Don't Learn") }
        if word & 0x0008 != 0 { names.append("Policy Applied") }
        let display = "0x\(hex(word, digits: 4))" + (names.isEmpty ? "" : ", " + names.joined(separator: ", "))
        tree.open(flags, o..<o + 2, .uint(word), display: display)
        tree.bits(flagG, o..<o + 2, container: word)
        tree.bits(flagI, o..<o + 2, container: word)
        tree.bits(flagD, o..<o + 2, container: word)
        tree.bits(flagA, o..<o + 2, container: word)
        tree.bits(flagsReserved, o..<o + 2, container: word)
        tree.close()
        tree.add(gbp, o + 2..<o + 4, .uint(UInt64(vxlan.groupPolicyID)))
        tree.add(vni, o + 4..<o + 7, .uint(UInt64(vxlan.vni)))
        tree.add(reserved, o + 7..<o + 8, .uint(UInt64(vxlan.reserved)))
        tree.close()
    }
}
