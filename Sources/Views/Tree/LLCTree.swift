import Dissect

/// IEEE 802.2 LLC as tshark 4.0 shows it: each SAP with its bits, and the control field
/// of an unnumbered frame (the only kind LAN protocols such as the spanning tree send).
enum LLCTree {
    static let dsap = HeaderField("llc.dsap", "DSAP", .uint8, .hex, names: .values(sapNames))
    static let dsapSAP = HeaderField("llc.dsap.sap", "SAP", .uint8, mask: 0xFE)
    static let dsapIG = HeaderField("llc.dsap.ig", "IG Bit", .boolean, width: 8, mask: 0x01, names: .trueFalse("Group", "Individual"))
    static let ssap = HeaderField("llc.ssap", "SSAP", .uint8, .hex, names: .values(sapNames))
    static let ssapSAP = HeaderField("llc.ssap.sap", "SAP", .uint8, mask: 0xFE)
    static let ssapCR = HeaderField("llc.ssap.cr", "CR Bit", .boolean, width: 8, mask: 0x01, names: .trueFalse("Response", "Command"))
    static let control = HeaderField("llc.control", "Control", .uint16, .hex)
    static let command = HeaderField("llc.control.u_modifier_cmd", "Command", .uint8, .hex, mask: 0xEC, names: .values(commandNames))
    static let response = HeaderField("llc.control.u_modifier_resp", "Response", .uint8, .hex, mask: 0xEC, names: .values(responseNames))
    static let frameType = HeaderField("llc.control.ftype", "Frame type", .uint8, .hex, mask: 0x03, names: .values([3: "Unnumbered frame"]))

    static let declaration = ProtocolDeclaration("llc", "Logical-Link Control", fields: [
        dsap, dsapSAP, dsapIG, ssap, ssapSAP, ssapCR, control, command, response, frameType,
    ])

    /// Wireshark's `sap_vals`, by the SAP with its low bit cleared.
    static let sapNames: [UInt64: String] = [
        0x00: "NULL LSAP", 0x02: "LLC Sub-Layer Management", 0x04: "SNA Path Control", 0x06: "TCP/IP",
        0x08: "SNA", 0x0C: "SNA", 0x0E: "PROWAY (IEC955) Network Management and Initialization", 0x18: "Texas Instruments",
        0x42: "Spanning Tree BPDU", 0x4E: "EIA RS-511 Manufacturing Message Service",
        0x7E: "ISO 8208 (X.25 over 802.2)", 0x80: "XNS", 0x86: "Nestar", 0x8E: "PROWAY (IEC955) Active Station List",
        0x98: "ARP", 0xAA: "SNAP", 0xBA: "Banyan VINES", 0xBC: "Banyan VINES", 0xE0: "NetWare", 0xF0: "NetBIOS",
        0xF4: "IBM Net Management", 0xF8: "HP Extended LLC", 0xFA: "Ungermann-Bass", 0xFE: "ISO Network Layer (OSLAN 1)",
        0xFF: "Global LSAP",
    ]
    /// The U-frame modifier bits (mask 0xEC), as commands and as responses.
    static let commandNames: [UInt64: String] = [
        0x00: "Unnumbered Information", 0x20: "Unnumbered Poll", 0x04: "Set Initialization Mode", 0x80: "Set Normal Response Mode",
        0x40: "Disconnect", 0x08: "Set Asynchronous Response Mode", 0x48: "Set Asynchronous Balance Mode",
        0xCC: "Set Normal Response Mode Extended", 0x4C: "Set Asynchronous Response Mode Extended",
        0x6C: "Set Asynchronous Balance Mode Extended", 0xC4: "Reset", 0xAC: "Exchange identification", 0xE0: "Test",
    ]
    static let responseNames: [UInt64: String] = [
        0x00: "Unnumbered Information", 0x60: "Unnumbered Acknowledge", 0x04: "Request Initialization",
        0x40: "Request Disconnect", 0x0C: "Disconnected Mode", 0x84: "Frame Reject", 0xAC: "Exchange identification",
        0xE0: "Test",
    ]
    /// Short names of the U-frame functions, for the control field's line.
    static let functionNames: [UInt8: String] = [
        0x00: "UI", 0x20: "UP", 0x04: "SIM", 0x80: "SNRM", 0x40: "DISC", 0x08: "SARM", 0x48: "SABM", 0xCC: "SNRME",
        0x4C: "SARME", 0x6C: "SABME", 0xC4: "RSET", 0xAC: "XID", 0xE0: "TEST", 0x60: "UA", 0x0C: "DM", 0x84: "FRMR",
    ]

    static func dissect(_ llc: LLC, _ tree: inout TreeBuilder) {
        let o = llc.offset
        tree.open(declaration, o..<llc.payload.lowerBound, label: "Logical-Link Control")
        defer { tree.close() }
        sap(dsap, dsapSAP, dsapIG, llc.dsap, o, &tree)
        sap(ssap, ssapSAP, ssapCR, llc.ssap, o + 1, &tree)
        let c = o + 2
        guard llc.isUnnumbered else {
            tree.add(control, c..<c + 2, .uint(UInt64(llc.control)))
            return
        }
        let value = UInt64(llc.control)
        let modifier = UInt8(llc.control) & 0xEC
        let function = functionNames[modifier].map { "func=\($0)" } ?? "func=0x\(hex(UInt64(modifier), digits: 2))"
        tree.open(control, c..<c + 1, .uint(value), label: "Control field: U, \(function) (0x\(hex(value, digits: 2)))")
        let isResponse = llc.ssap & 0x01 != 0
        let modifierField = isResponse ? response : command
        let names = isResponse ? responseNames : commandNames
        tree.bits(modifierField, c..<c + 1, container: value,
                  display: "\(names[UInt64(modifier)] ?? "Unknown") (0x\(hex(UInt64(modifier), digits: 2)))")
        tree.bits(frameType, c..<c + 1, container: value, display: "Unnumbered frame (0x3)")
        tree.close()
    }

    private static func sap(_ field: HeaderField, _ sapField: HeaderField, _ bit: HeaderField, _ value: UInt8, _ at: Int,
                            _ tree: inout TreeBuilder) {
        let v = UInt64(value)
        let name = sapNames[v & 0xFE] ?? "Unknown"
        tree.open(field, at..<at + 1, .uint(v), display: "\(name) (0x\(hex(v, digits: 2)))")
        tree.bits(sapField, at..<at + 1, container: v, display: name)
        tree.bits(bit, at..<at + 1, container: v)
        tree.close()
    }
}
