import Dissect

/// The `frame` pseudo-protocol: what the capture file says about the frame.
enum FrameTree {
    static let encapType = HeaderField("frame.encap_type", "Encapsulation type", .int32, .dec, names: .values(encapsulationNames))
    static let time = HeaderField("frame.time", "Arrival Time", .absoluteTime)
    static let offsetShift = HeaderField("frame.offset_shift", "Time shift for this packet", .relativeTime)
    static let timeEpoch = HeaderField("frame.time_epoch", "Epoch Time", .absoluteTime, .epoch)
    static let timeDelta = HeaderField("frame.time_delta", "Time delta from previous captured frame", .relativeTime)
    static let timeDeltaDisplayed = HeaderField("frame.time_delta_displayed", "Time delta from previous displayed frame", .relativeTime)
    static let timeRelative = HeaderField("frame.time_relative", "Time since reference or first frame", .relativeTime)
    static let number = HeaderField("frame.number", "Frame Number", .uint32)
    static let len = HeaderField("frame.len", "Frame Length", .uint32)
    static let capLen = HeaderField("frame.cap_len", "Capture Length", .uint32)
    static let marked = HeaderField("frame.marked", "Frame is marked", .boolean)
    static let ignored = HeaderField("frame.ignored", "Frame is ignored", .boolean)
    static let protocols = HeaderField("frame.protocols", "Protocols in frame", .string)
    static let interfaceID = HeaderField("frame.interface_id", "Interface id", .uint32)
    static let interfaceName = HeaderField("frame.interface_name", "Interface name", .string)
    static let interfaceDescription = HeaderField("frame.interface_description", "Interface description", .string)
    static let sectionNumber = HeaderField("frame.section_number", "Section number", .uint32)

    static let declaration = ProtocolDeclaration("frame", "Frame", fields: [
        encapType, time, offsetShift, timeEpoch, timeDelta, timeDeltaDisplayed, timeRelative, number, len, capLen,
        marked, ignored, protocols, interfaceID, interfaceName, interfaceDescription, sectionNumber,
    ])

    /// Wireshark's `WTAP_ENCAP_*` numbers and names for the link types we read.
    static let encapsulationNames: [UInt64: String] = [
        1: "Ethernet", 7: "Raw IP", 15: "NULL/Loopback", 25: "Linux cooked-mode capture v1",
        210: "Linux cooked-mode capture v2", 129: "Raw IPv4", 130: "Raw IPv6", 141: "NFLOG",
    ]

    static func encapsulation(_ link: LinkType) -> UInt64 {
        switch link {
        case .ethernet: 1
        case .raw: 7
        case .null, .loop: 15
        case .linuxSLL: 25
        case .linuxSLL2: 210
        case .ipv4: 129
        case .ipv6: 130
        case .nflog: 141
        default: 0
        }
    }

    static func dissect(_ input: FieldInput, _ tree: inout TreeBuilder) {
        let raw = input.frame.raw
        let wire = raw.originalLength, captured = raw.capturedLength
        var head = "Frame \(input.frame.number): \(wire) bytes on wire (\(wire * 8) bits), \(captured) bytes captured (\(captured * 8) bits)"
        let label = raw.interfaceLabel
        if raw.hasInterfaceID { head += " on interface \(label?.name ?? String(raw.interfaceID)), id \(raw.interfaceID)" }
        tree.open(declaration, 0..<raw.bytes.count, label: head)
        if let label {
            tree.add(sectionNumber, nil, .uint(UInt64(label.section + 1)))
        }
        if raw.hasInterfaceID {
            let id = UInt64(raw.interfaceID)
            tree.open(interfaceID, nil, .uint(id), label: "Interface id: \(raw.interfaceID)" + (label?.name.map { " (\($0))" } ?? ""))
            if let name = label?.name { tree.add(interfaceName, nil, .string(name)) }
            if let text = label?.description { tree.add(interfaceDescription, nil, .string(text)) }
            tree.close()
        }
        tree.add(encapType, nil, .uint(encapsulation(raw.linkType)))
        tree.add(time, nil, .absoluteTime(raw.timestamp))
        tree.add(offsetShift, nil, .relativeTime(0), generated: true)
        tree.add(timeEpoch, nil, .absoluteTime(raw.timestamp), display: TreeTime.epoch(raw.timestamp) + " seconds")
        tree.add(timeDelta, nil, .relativeTime(raw.timestamp.nanoseconds(since: input.previous)), generated: true)
        tree.add(timeDeltaDisplayed, nil, .relativeTime(input.sincePreviousDisplayed), generated: true)
        tree.add(timeRelative, nil, .relativeTime(raw.timestamp.nanoseconds(since: input.reference)), generated: true)
        tree.add(number, nil, .uint(UInt64(input.frame.number)))
        tree.add(len, nil, .uint(UInt64(wire)), display: "\(wire) bytes (\(wire * 8) bits)")
        tree.add(capLen, nil, .uint(UInt64(captured)), display: "\(captured) bytes (\(captured * 8) bits)")
        tree.add(marked, nil, .bool(false), generated: true)
        tree.add(ignored, nil, .bool(false), generated: true)
        tree.add(protocols, nil, .string(input.protocols.map(\.description).joined(separator: ":")), generated: true)
        tree.close()
    }
}
