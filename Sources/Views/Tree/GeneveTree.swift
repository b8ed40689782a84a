import Dissect

/// Geneve (RFC 8926) as tshark 4.0 shows it: the header, then each option with its class
/// named from the IANA registry, and the three options Google Cloud sends decoded.
enum GeneveTree {
    static let version = HeaderField("geneve.version", "Version", .uint8)
    /// Wireshark declares one length, in bytes, for the header's options and for each option.
    static let length = HeaderField("geneve.option.length", "Length", .uint8)
    static let flags = HeaderField("geneve.flags", "Flags", .uint8, .hex)
    static let flagOAM = HeaderField("geneve.flags.oam", "Operations, Administration and Management Frame", .boolean,
                                     width: 8, mask: 0x80, names: .trueFalse)
    static let flagCritical = HeaderField("geneve.flags.critical", "Critical Options Present", .boolean,
                                          width: 8, mask: 0x40, names: .trueFalse)
    static let flagReserved = HeaderField("geneve.flags.reserved", "Reserved", .boolean, width: 8, mask: 0x3F, names: .trueFalse)
    static let protoType = HeaderField("geneve.proto_type", "Protocol Type", .uint16, .hex, names: .values(EtherTypeNames.table))
    static let vni = HeaderField("geneve.vni", "Virtual Network Identifier (VNI)", .uint24, .hexDec)
    static let reserved = HeaderField("geneve.reserved", "Reserved", .uint8, .hex)
    static let options = HeaderField("geneve.options", "Geneve Options", .bytes)
    static let option = HeaderField("geneve.option", "Option", .bytes)
    static let optionClass = HeaderField("geneve.option.class", "Class", .uint16, .hex, names: .ranges(classNames))
    static let optionType = HeaderField("geneve.option.type", "Type", .uint8, .hex)
    static let optionCritical = HeaderField("geneve.option.type.critical", "Critical Option", .boolean,
                                            width: 8, mask: 0x80, names: .trueFalse)
    static let optionFlags = HeaderField("geneve.option.flags", "Flags", .uint8, .hex)
    static let optionFlagsReserved = HeaderField("geneve.option.flags.reserved", "Reserved", .boolean,
                                                 width: 8, mask: 0xE0, names: .trueFalse)
    static let gcpVNID = HeaderField("geneve.option.gcp.vnid", "GCP Virtual Network ID", .uint32, mask: 0xFFFF_FFF0)
    static let gcpReserved = HeaderField("geneve.option.gcp.reserved", "GCP Reserved bits", .boolean,
                                         width: 32, mask: 0x0000_000E, names: .trueFalse)
    static let gcpDirection = HeaderField("geneve.option.gcp.direction", "GCP Traffic Direction", .boolean,
                                          width: 32, mask: 0x0000_0001, names: .trueFalse("Egress", "Ingress"))
    static let gcpEndpoint = HeaderField("geneve.option.gcp.endpoint", "GCP Endpoint ID", .bytes)
    static let gcpProfile = HeaderField("geneve.option.gcp.profile", "GCP Profile ID", .uint64)
    static let unknownData = HeaderField("geneve.option.unknown.data", "Unknown Option Data", .bytes)

    static let declaration = ProtocolDeclaration("geneve", "Generic Network Virtualization Encapsulation", fields: [
        version, length, flags, flagOAM, flagCritical, flagReserved, protoType, vni, reserved, options, option,
        optionClass, optionType, optionCritical, optionFlags, optionFlagsReserved, gcpVNID, gcpReserved, gcpDirection,
        gcpEndpoint, gcpProfile, unknownData,
    ])

    /// IANA's Geneve option classes as tshark 4.0 names them (its `class_id_names`,
    /// checked class by class against tshark: 0x012a–0x012f and 0xff00–0xffef are "Unknown").
    static let classNames: [(ClosedRange<UInt64>, String)] = [
        (0x0000...0x00FF, "Standard"), (0x0100...0x0100, "Linux"), (0x0101...0x0101, "Open vSwitch"),
        (0x0102...0x0102, "Open Virtual Networking (OVN)"), (0x0103...0x0103, "In-band Network Telemetry (INT)"),
        (0x0104...0x0104, "VMware"), (0x0105...0x0105, "Amazon.com, Inc."), (0x0106...0x0106, "Cisco Systems, Inc."),
        (0x0107...0x0107, "Oracle Corporation"), (0x0108...0x0110, "Amazon.com, Inc."), (0x0111...0x0118, "IBM"),
        (0x0119...0x0128, "Ericsson"), (0x0129...0x0129, "Oxide Computer Company"),
        (0x0130...0x0131, "Cisco Systems, Inc."), (0x0132...0x0135, "Google LLC"),
        (0x0136...0x0136, "InfoQuick Global Connection Tech Ltd."), (0x0137...0xFEFF, "Unassigned"),
        (0xFFF0...0xFFFF, "Experimental"),
    ]

    /// The options tshark decodes, keyed by class and type.
    enum KnownOption: UInt32 {
        case gcpVNID = 0x013201, gcpEndpoint = 0x013202, gcpProfile = 0x013203

        var name: String {
            switch self {
            case .gcpVNID: "GCP Virtual Network ID"
            case .gcpEndpoint: "GCP Endpoint ID"
            case .gcpProfile: "GCP Profile ID"
            }
        }
    }

    static func dissect(_ geneve: Geneve, _ tree: inout TreeBuilder) {
        let o = geneve.offset
        let end = min(tree.bytes.count, geneve.options.upperBound)
        let oam = geneve.flags & 0x80 != 0 ? ", OAM" : ""
        tree.open(declaration, o..<end,
                  label: "Generic Network Virtualization Encapsulation, VNI: 0x\(hex(UInt64(geneve.vni), digits: 6))\(oam)")
        tree.add(version, o..<o + 1, .uint(UInt64(geneve.version)))
        if geneve.version != 0 {
            let message = "Unknown version \(geneve.version)"
            tree.openText(message, range: o..<o + 1)
            tree.expert("geneve.version.unknown", .warning, .protocolGroup, message)
            tree.close()
        }
        tree.add(length, o..<o + 1, .uint(UInt64(geneve.optionsLength)), display: bytesText(geneve.optionsLength))
        let f = UInt64(geneve.flags)
        // proto_tree_add_bitmask: the line names every flag that is set.
        let set = [flagOAM, flagCritical, flagReserved].filter { f & $0.mask != 0 }.map { ", " + $0.label }
        tree.open(flags, o + 1..<o + 2, .uint(f), display: "0x\(hex(f, digits: 2))" + set.joined())
        tree.bits(flagOAM, o + 1..<o + 2, container: f)
        tree.bits(flagCritical, o + 1..<o + 2, container: f)
        tree.bits(flagReserved, o + 1..<o + 2, container: f)
        tree.close()
        tree.add(protoType, o + 2..<o + 4, .uint(UInt64(geneve.protocolType)))
        tree.add(vni, o + 4..<o + 7, .uint(UInt64(geneve.vni)))
        tree.add(reserved, o + 7..<o + 8, .uint(UInt64(geneve.reserved)), hidden: geneve.reserved == 0)
        if !geneve.options.isEmpty { dissectOptions(geneve, &tree) }
        tree.close()
    }

    static func dissectOptions(_ geneve: Geneve, _ tree: inout TreeBuilder) {
        tree.open(options, geneve.options, .bytes(geneve.options), label: "Options: (\(geneve.options.count) bytes)")
        let (found, overrun) = geneve.walkOptions(tree.bytes)
        for each in found { dissect(each, &tree) }
        if let overrun {
            let message = "\(optionName(overrun)) (length of \(overrun.length) is past end of options)"
            tree.openText(message, range: overrun.offset + 3..<overrun.offset + 4)
            tree.expert("geneve.option.length.invalid", .warning, .protocolGroup, message)
            tree.close()
        }
        tree.close()
    }

    static func dissect(_ opt: Geneve.Option, _ tree: inout TreeBuilder) {
        let o = opt.offset
        let critical = opt.isCritical ? "Critical" : "Non-critical"
        tree.open(option, o..<o + opt.length, .bytes(o..<o + opt.length), label: "\(optionName(opt)) (\(critical))")
        tree.add(optionClass, o..<o + 2, .uint(UInt64(opt.optionClass)))
        let type = UInt64(opt.type)
        tree.add(optionType, o + 2..<o + 3, .uint(type), display: "0x\(hex(type, digits: 2)) (\(critical))")
        tree.add(optionCritical, o + 2..<o + 3, .bool(opt.isCritical), hidden: true)
        // The flags' value is the three bits shifted down; the line shows only when one is set.
        let flagByte = UInt64(tree.bytes[o + 3])
        tree.open(optionFlags, o + 3..<o + 4, .uint(UInt64(opt.flags)),
                  display: "0x\(hex(UInt64(opt.flags), digits: 2))" + (opt.flags != 0 ? " (RSVD)" : ""), hidden: opt.flags == 0)
        tree.bits(optionFlagsReserved, o + 3..<o + 4, container: flagByte)
        tree.close()
        tree.add(length, o + 3..<o + 4, .uint(UInt64(opt.length)), display: bytesText(opt.length))
        let data = opt.data
        switch KnownOption(rawValue: opt.classAndType) {
        case .gcpVNID:
            // proto_tree_add_bits_item: 28 bits, the pattern spaced by nibble and by byte.
            let word = UInt64(tree.bytes.u32be(data.lowerBound))
            let vnid = word >> 4
            tree.add(gcpVNID, data.lowerBound..<data.lowerBound + 4, .uint(vnid),
                     label: "\(bitsItemPattern(word, bits: 28, width: 32)) = \(gcpVNID.label): \(vnid)")
            tree.bits(gcpDirection, data.lowerBound..<data.lowerBound + 4, container: word)
            tree.bits(gcpReserved, data.lowerBound..<data.lowerBound + 4, container: word)
        case .gcpEndpoint:
            tree.add(gcpEndpoint, data, .bytes(data), display: data.isEmpty ? "<MISSING>" : nil)
        case .gcpProfile:
            profile(data, &tree)
        case nil:
            tree.add(unknownData, data, .bytes(data), display: data.isEmpty ? "<MISSING>" : nil)
        }
        tree.close()
    }

    /// The profile is an unsigned integer of the option's length; tshark 4.0 reads at most
    /// 8 bytes of a longer one, and warns, and cannot read an empty one.
    static func profile(_ data: Range<Int>, _ tree: inout TreeBuilder) {
        if data.isEmpty {
            tree.expert("_ws.type_length.mismatch", .error, .malformed, "Trying to fetch an unsigned integer with length 0")
            return
        }
        if data.count > 8 {
            tree.expert("_ws.type_length.mismatch", .warning, .malformed,
                        "Trying to fetch an unsigned integer with length \(data.count)")
        }
        var value: UInt64 = 0
        for i in data.lowerBound..<min(data.upperBound, data.lowerBound + 8) { value = value << 8 | UInt64(tree.bytes[i]) }
        tree.add(gcpProfile, data, .uint(value))
    }

    /// "Unknown, Class: Open Virtual Networking (OVN) (0x0102) Type: 0x80".
    static func optionName(_ opt: Geneve.Option) -> String {
        let name = KnownOption(rawValue: opt.classAndType)?.name ?? "Unknown"
        let className = ValueNames.ranges(classNames).name(for: UInt64(opt.optionClass)) ?? "Unknown"
        return "\(name), Class: \(className) (0x\(hex(UInt64(opt.optionClass), digits: 4))) Type: 0x\(hex(UInt64(opt.type), digits: 2))"
    }

    static func bytesText(_ n: Int) -> String { n == 1 ? "1 byte" : "\(n) bytes" }

    /// Wireshark's `decode_bits_in_field` for the first `bits` bits of a `width`-bit word:
    /// a space after every 4 bits and two after every 8.
    static func bitsItemPattern(_ word: UInt64, bits: Int, width: Int) -> String {
        var s = ""
        for i in 0..<width {
            if i > 0 { s += i % 8 == 0 ? "  " : (i % 4 == 0 ? " " : "") }
            s += i < bits ? (word >> UInt64(width - 1 - i) & 1 == 0 ? "0" : "1") : "."
        }
        return s
    }
}
