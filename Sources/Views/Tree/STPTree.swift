import Dissect

/// The spanning tree's BPDUs (IEEE 802.1D, 802.1w) as tshark 4.0 shows them: identifiers
/// split into priority, VLAN extension and MAC, the flags an RST BPDU adds, and the Info
/// column ("Conf. Root = 32768/0/… Cost = 0  Port = 0x8002").
enum STPTree {
    static let protocolID = HeaderField("stp.protocol", "Protocol Identifier", .uint16, .hex, names: .values([0: "Spanning Tree Protocol"]))
    static let version = HeaderField("stp.version", "Protocol Version Identifier", .uint8, names: .values([
        0: "Spanning Tree", 2: "Rapid Spanning Tree", 3: "Multiple Spanning Tree", 4: "Shortest Path Tree",
    ]))
    static let type = HeaderField("stp.type", "BPDU Type", .uint8, .hex, names: .values([
        0x00: "Configuration", 0x02: "Rapid/Multiple Spanning Tree", 0x80: "Topology Change Notification",
    ]))
    static let flags = HeaderField("stp.flags", "BPDU flags", .uint8, .hex)
    static let yesNo = ValueNames.trueFalse("Yes", "No")
    static let tcAck = HeaderField("stp.flags.tcack", "Topology Change Acknowledgment", .boolean, width: 8, mask: 0x80, names: yesNo)
    static let agreement = HeaderField("stp.flags.agreement", "Agreement", .boolean, width: 8, mask: 0x40, names: yesNo)
    static let forwarding = HeaderField("stp.flags.forwarding", "Forwarding", .boolean, width: 8, mask: 0x20, names: yesNo)
    static let learning = HeaderField("stp.flags.learning", "Learning", .boolean, width: 8, mask: 0x10, names: yesNo)
    static let portRole = HeaderField("stp.flags.port_role", "Port Role", .uint8, mask: 0x0C, names: .values(roleNames))
    static let proposal = HeaderField("stp.flags.proposal", "Proposal", .boolean, width: 8, mask: 0x02, names: yesNo)
    static let tc = HeaderField("stp.flags.tc", "Topology Change", .boolean, width: 8, mask: 0x01, names: yesNo)
    static let rootPriority = HeaderField("stp.root.prio", "Root Bridge Priority", .uint16)
    static let rootExtension = HeaderField("stp.root.ext", "Root Bridge System ID Extension", .uint16)
    static let rootMAC = HeaderField("stp.root.hw", "Root Bridge System ID", .ether)
    static let rootCost = HeaderField("stp.root.cost", "Root Path Cost", .uint32)
    static let bridgePriority = HeaderField("stp.bridge.prio", "Bridge Priority", .uint16)
    static let bridgeExtension = HeaderField("stp.bridge.ext", "Bridge System ID Extension", .uint16)
    static let bridgeMAC = HeaderField("stp.bridge.hw", "Bridge System ID", .ether)
    static let port = HeaderField("stp.port", "Port identifier", .uint16, .hex)
    static let messageAge = HeaderField("stp.msg_age", "Message Age", .double)
    static let maxAge = HeaderField("stp.max_age", "Max Age", .double)
    static let hello = HeaderField("stp.hello", "Hello Time", .double)
    static let forwardDelay = HeaderField("stp.forward", "Forward Delay", .double)
    static let version1Length = HeaderField("stp.version_1_length", "Version 1 Length", .uint8)

    static let roleNames: [UInt64: String] = [0: "Unknown", 1: "Alternate or Backup", 2: "Root", 3: "Designated"]

    static let declaration = ProtocolDeclaration("stp", "Spanning Tree Protocol", fields: [
        protocolID, version, type, flags, tcAck, agreement, forwarding, learning, portRole, proposal, tc,
        rootPriority, rootExtension, rootMAC, rootCost, bridgePriority, bridgeExtension, bridgeMAC, port,
        messageAge, maxAge, hello, forwardDelay, version1Length,
    ])

    /// A bridge identifier's parts: 4-bit priority (in units of 4096), 12-bit extension, MAC.
    static func parts(_ id: UInt64) -> (priority: UInt64, ext: UInt64, mac: MACAddress) {
        (id >> 48 & 0xF000, id >> 48 & 0x0FFF, MACAddress(rawValue: id & 0xFFFF_FFFF_FFFF))
    }

    static func dissect(_ b: BPDU, _ tree: inout TreeBuilder) {
        let o = b.offset
        let end = b.isTopologyChangeNotification ? o + 4 : o + (b.version1Length == nil ? 35 : 36)
        tree.open(declaration, o..<end, label: "Spanning Tree Protocol")
        defer { tree.close() }
        tree.add(protocolID, o..<o + 2, .uint(UInt64(b.protocolID)))
        tree.add(version, o + 2..<o + 3, .uint(UInt64(b.version)))
        tree.add(type, o + 3..<o + 4, .uint(UInt64(b.type)))
        guard !b.isTopologyChangeNotification else { return }
        let f = UInt64(b.flags)
        let rapid = b.type == BPDU.rapidSpanningTree
        var names: [String] = []
        if f & 0x80 != 0 { names.append("Topology Change Acknowledgment") }
        if rapid {
            if f & 0x40 != 0 { names.append("Agreement") }
            if f & 0x20 != 0 { names.append("Forwarding") }
            if f & 0x10 != 0 { names.append("Learning") }
            if f & 0x0C != 0 { names.append("Port Role: " + (roleNames[f >> 2 & 3] ?? "Unknown")) }
            if f & 0x02 != 0 { names.append("Proposal") }
        }
        if f & 0x01 != 0 { names.append("Topology Change") }
        tree.open(flags, o + 4..<o + 5, .uint(f), display: (["0x" + hex(f, digits: 2)] + names).joined(separator: ", "))
        let bits = rapid ? [tcAck, agreement, forwarding, learning, portRole, proposal, tc] : [tcAck, tc]
        for field in bits { tree.bits(field, o + 4..<o + 5, container: f) }
        tree.close()
        identifier("Root Identifier", b.rootID, o + 5, rootPriority, rootExtension, rootMAC, &tree)
        tree.add(rootCost, o + 13..<o + 17, .uint(UInt64(b.rootPathCost)))
        identifier("Bridge Identifier", b.bridgeID, o + 17, bridgePriority, bridgeExtension, bridgeMAC, &tree)
        tree.add(port, o + 25..<o + 27, .uint(UInt64(b.portID)))
        for (field, value, at) in [(messageAge, b.messageAge, 27), (maxAge, b.maxAge, 29), (hello, b.helloTime, 31),
                                   (forwardDelay, b.forwardDelay, 33)] {
            // Units of 1/256 s, shown as Wireshark's %g of the seconds.
            let seconds = Double(value) / 256
            let text = shortDecimal(seconds)
            let decimals = text.split(separator: ".").dropFirst().first?.count ?? 0
            tree.add(field, o + at..<o + at + 2, .double(seconds, decimals: decimals), display: text)
        }
        if let length = b.version1Length { tree.add(version1Length, o + 35..<o + 36, .uint(UInt64(length))) }
    }

    private static func identifier(_ label: String, _ id: UInt64, _ at: Int, _ priority: HeaderField, _ ext: HeaderField,
                                   _ mac: HeaderField, _ tree: inout TreeBuilder) {
        let p = parts(id)
        tree.openText("\(label): \(p.priority) / \(p.ext) / \(p.mac)", range: at..<at + 8)
        tree.add(priority, at..<at + 2, .uint(p.priority))
        tree.add(ext, at..<at + 2, .uint(p.ext))
        tree.add(mac, at + 2..<at + 8, .ether(p.mac))
        tree.close()
    }

    /// `%g` of a multiple of 1/256 below 256: a whole number without a point, else Swift's
    /// shortest form (exact for these values, which need at most eight decimals).
    static func shortDecimal(_ v: Double) -> String {
        v == v.rounded() ? String(Int(v)) : String(v)
    }

    /// packet-stp.c's Info text.
    static func writeInfo(_ b: BPDU, to out: OutputBuffer) {
        if b.isTopologyChangeNotification { return out.ascii("Topology Change Notification") }
        out.ascii(b.type == BPDU.rapidSpanningTree ? (b.version >= 3 ? "MST. " : "RST. ") : "Conf. ")
        if b.flags & 0x01 != 0 { out.ascii("TC + ") }
        let root = parts(b.rootID)
        out.ascii("Root = ")
        out.decimal(root.priority)
        out.byte(47)
        out.decimal(root.ext)
        out.byte(47)
        out.string(root.mac.description)
        out.ascii("  Cost = ")
        out.decimal(b.rootPathCost)
        out.ascii("  Port = ")
        out.hex(b.portID, width: 4)
    }
}
