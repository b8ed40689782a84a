import Dissect

/// L2TP version 2 as tshark 4.0 shows it (packet-l2tp.c): the flags with their bits, the
/// optional length, the tunnel and session ids, the sequence numbers, and a control
/// message's AVPs, each with its header bits and, for the Control Message AVP, the type.
enum L2TPTree {
    static let flags = HeaderField("l2tp.flags", "Flags", .uint16, .hex)
    static let type = HeaderField("l2tp.type", "Type", .uint16, mask: 0x8000,
                                  names: .values([0: "Data Message", 1: "Control Message"]))
    static let lengthBit = HeaderField("l2tp.length_bit", "Length Bit", .boolean, width: 16, mask: 0x4000,
                                       names: .trueFalse("Length field is present", "Length field is not present"))
    static let sequenceBit = HeaderField("l2tp.seq_bit", "Sequence Bit", .boolean, width: 16, mask: 0x0800,
                                         names: .trueFalse("Ns and Nr fields are present", "Ns and Nr fields are not present"))
    static let offsetBit = HeaderField("l2tp.offset_bit", "Offset bit", .boolean, width: 16, mask: 0x0200,
                                       names: .trueFalse("Offset Size field is present", "Offset size field is not present"))
    static let priority = HeaderField("l2tp.priority", "Priority", .boolean, width: 16, mask: 0x0100,
                                      names: .trueFalse("This data message has priority", "No priority"))
    static let version = HeaderField("l2tp.version", "Version", .uint16, mask: 0x000F)
    static let length = HeaderField("l2tp.length", "Length", .uint16)
    static let tunnel = HeaderField("l2tp.tunnel", "Tunnel ID", .uint16)
    static let session = HeaderField("l2tp.session", "Session ID", .uint16)
    static let ns = HeaderField("l2tp.Ns", "Ns", .uint16)
    static let nr = HeaderField("l2tp.Nr", "Nr", .uint16)
    static let offset = HeaderField("l2tp.offset", "Offset", .uint16)
    static let protocolVersion = HeaderField("l2tp.avp.protocol_version", "Version", .uint8)
    static let protocolRevision = HeaderField("l2tp.avp.protocol_revision", "Revision", .uint8)
    static let hostName = HeaderField("l2tp.avp.host_name", "Host Name", .string)
    static let vendorName = HeaderField("l2tp.avp.vendor_name", "Vendor Name", .string)
    static let assignedTunnel = HeaderField("l2tp.avp.assigned_tunnel_id", "Assigned Tunnel ID", .uint16)
    static let receiveWindow = HeaderField("l2tp.avp.receive_window_size", "Receive Window Size", .uint16)
    static let assignedSession = HeaderField("l2tp.avp.assigned_session_id", "Assigned Session ID", .uint16)
    static let callSerial = HeaderField("l2tp.avp.call_serial_number", "Call Serial Number", .uint32)
    static let mandatory = HeaderField("l2tp.avp.mandatory", "Mandatory", .boolean, width: 16, mask: 0x8000,
                                       names: .trueFalse("True", "False"))
    static let hidden = HeaderField("l2tp.avp.hidden", "Hidden", .boolean, width: 16, mask: 0x4000,
                                    names: .trueFalse("True", "False"))
    static let avpLength = HeaderField("l2tp.avp.length", "Length", .uint16, mask: 0x03FF)
    static let vendorID = HeaderField("l2tp.avp.vendor_id", "Vendor ID", .uint16)
    static let avpTypeNames: [UInt64: String] = [
        0: "Control Message", 1: "Result-Error Code", 2: "Protocol Version", 3: "Framing Capabilities",
        4: "Bearer Capabilities", 5: "Tie Breaker", 6: "Firmware Revision", 7: "Host Name", 8: "Vendor Name",
        9: "Assigned Tunnel ID", 10: "Receive Window Size", 11: "Challenge", 12: "Cause Code", 13: "Challenge Response",
        14: "Assigned Session", 15: "Call Serial Number", 16: "Minimum BPS", 17: "Maximum BPS", 18: "Bearer Type",
        19: "Framing Type", 20: "Reserved", 21: "Called Number", 22: "Calling Number", 23: "Sub-Address",
        24: "Connect Speed", 25: "Physical Channel", 26: "Initial Received LCP CONFREQ", 27: "Last Sent LCP CONFREQ",
        28: "Last Received LCP CONFREQ", 29: "Proxy Authen Type", 30: "Proxy Authen Name", 31: "Proxy Authen Challenge",
        32: "Proxy Authen ID", 33: "Proxy Authen Response", 34: "Call status AVPs", 35: "ACCM", 36: "Random Vector",
        37: "Private group ID", 38: "RxConnect Speed", 39: "Sequencing Required", 46: "PPP Disconnect Cause Code",
    ]
    static let avpType = HeaderField("l2tp.avp.type", "AVP Type", .uint16, names: .values(avpTypeNames))
    static let messageType = HeaderField("l2tp.avp.message_type", "Message Type", .uint16, names: .values([
        1: "Start_Control_Request", 2: "Start_Control_Reply", 3: "Start_Control_Connected",
        4: "Stop_Control_Notification", 5: "Reserved", 6: "Hello", 7: "Outgoing_Call_Request",
        8: "Outgoing_Call_Reply", 9: "Outgoing_Call_Connected", 10: "Incoming_Call_Request",
        11: "Incoming_Call_Reply", 12: "Incoming_Call_Connected", 13: "Reserved", 14: "Call_Disconnect_Notification",
        15: "WAN_Error_Notify", 16: "Set_Link_Info", 17: "Modem_Status", 18: "Service_Relay_Request_Msg",
        19: "Service_Relay_Reply_Message", 20: "Explicit_Acknowledgement", 21: "Failover_Session_Query_Message",
        22: "Failover_Session_Response_Message", 23: "Multicast-Session-Request", 24: "Multicast-Session-Response",
        25: "Multicast-Session-Establishment", 26: "Multicast-Session-Information", 27: "Multicast-Session-End-Notify",
        28: "Connect-Speed-Update-Notification", 29: "Connect-Speed-Update-Request",
    ]))

    static let declaration = ProtocolDeclaration("l2tp", "Layer 2 Tunneling Protocol", fields: [
        flags, type, lengthBit, sequenceBit, offsetBit, priority, version, length, tunnel, session, ns, nr, offset,
        mandatory, hidden, avpLength, vendorID, avpType, messageType, protocolVersion, protocolRevision, hostName,
        vendorName, assignedTunnel, receiveWindow, assignedSession, callSerial,
    ])

    /// packet-l2tp.c's short names for the Info column.
    static let shortNames: [UInt16: String] = [
        1: "SCCRQ", 2: "SCCRP", 3: "SCCCN", 4: "StopCCN", 5: "Reserved", 6: "Hello", 7: "OCRQ", 8: "OCRP", 9: "OCCN",
        10: "ICRQ", 11: "ICRP", 12: "ICCN", 13: "Reserved", 14: "CDN", 15: "WEN", 16: "SLI", 17: "MDMST", 18: "SRRQ",
        19: "SRRP", 20: "ACK", 21: "FSQ", 22: "FSR", 23: "MSRQ", 24: "MSRP", 25: "MSE", 26: "MSI", 27: "MSEN",
        28: "CSUN", 29: "CSURQ",
    ]

    /// `Control Message - Hello (tunnel id=1527, session id=0)`. As packet-l2tp.c, a
    /// message of length 12 is a ZLB acknowledgement (with the dissector's spaces), and the
    /// type is read where the first AVP's would be after the header without an offset field.
    static func writeInfo(_ l: L2TP, bytes: ByteView, to out: OutputBuffer) {
        out.ascii("Control Message")
        if l.length == 12 {
            out.ascii(" - ZLB     ")
        } else {
            let typeAt = l.offset + (l.hasLength ? 4 : 2) + 2 + (l.hasSequence ? 4 : 0) + 6
            if typeAt + 4 <= bytes.count, bytes.u16be(typeAt) == 0 {
                let message = bytes.u16be(typeAt + 2)
                out.ascii(" - ")
                if let name = shortNames[message] { out.string(name) } else {
                    out.ascii("Unknown (")
                    out.decimal(message)
                    out.byte(41)
                }
            }
        }
        out.ascii(" (tunnel id=")
        out.decimal(l.tunnelID)
        out.ascii(", session id=")
        out.decimal(l.sessionID)
        out.byte(41)
    }

    static func dissect(_ l: L2TP, _ tree: inout TreeBuilder) {
        let bytes = tree.bytes
        let o = l.offset
        tree.open(declaration, o..<l.payload.upperBound, label: "Layer 2 Tunneling Protocol")
        defer { tree.close() }
        let f = UInt64(l.flags)
        var summary = "0x\(hex(f, digits: 4)), Type: \(l.isControl ? "Control Message" : "Data Message")"
        if l.hasLength { summary += ", Length Bit" }
        if l.hasSequence { summary += ", Sequence Bit" }
        if l.hasOffset { summary += ", Offset bit" }
        if f & 0x0100 != 0 { summary += ", Priority" }
        tree.open(flags, o..<o + 2, .uint(f), display: summary)
        for bit in [type, lengthBit, sequenceBit, offsetBit, priority, version] { tree.bits(bit, o..<o + 2, container: f) }
        tree.close()
        var at = o + 2
        if let value = l.length {
            tree.add(length, at..<at + 2, .uint(UInt64(value)))
            at += 2
        }
        tree.add(tunnel, at..<at + 2, .uint(UInt64(l.tunnelID)))
        tree.add(session, at + 2..<at + 4, .uint(UInt64(l.sessionID)))
        at += 4
        if let sent = l.ns, let received = l.nr {
            tree.add(ns, at..<at + 2, .uint(UInt64(sent)))
            tree.add(nr, at + 2..<at + 4, .uint(UInt64(received)))
            at += 4
        }
        if let size = l.offsetSize {
            tree.add(offset, at..<at + 2, .uint(UInt64(size)))
            if size > 0 { tree.text("Offset Padding", range: at + 2..<at + 2 + Int(size)) }
        }
        guard l.isControl else { return }
        if l.payload.isEmpty { return tree.text("Zero Length Body message") }
        var avps = l.avps(bytes)
        while let avp = avps.next() {
            let name = avp.vendor == 0 ? avpTypeNames[UInt64(avp.type)] ?? "Unknown" : "Vendor-Specific"
            tree.openText("\(name) AVP", range: avp.offset..<avp.value.upperBound)
            let word = UInt64(avp.flagsAndLength)
            tree.bits(mandatory, avp.offset..<avp.offset + 2, container: word)
            tree.bits(hidden, avp.offset..<avp.offset + 2, container: word)
            tree.bits(avpLength, avp.offset..<avp.offset + 2, container: word)
            let vendor = UInt64(avp.vendor)
            tree.add(vendorID, avp.offset + 2..<avp.offset + 4, .uint(vendor),
                     display: "\(InfoColumn.privateEnterpriseNames[UInt32(vendor)] ?? "Unknown") (\(vendor))")
            if avp.vendor == 0 {
                tree.add(avpType, avp.offset + 4..<avp.offset + 6, .uint(UInt64(avp.type)))
                if !avp.isHidden { addValue(avp, bytes, &tree) }
            }
            tree.close()
        }
    }
}

extension L2TPTree {
    /// The value of the AVPs a tunnel's and a call's setup carry most; the others show
    /// their header only.
    private static func addValue(_ avp: L2TPAVP, _ bytes: ByteView, _ tree: inout TreeBuilder) {
        let v = avp.value
        func u16(_ field: HeaderField) { if v.count >= 2 { tree.add(field, v.lowerBound..<v.lowerBound + 2, .uint(UInt64(bytes.u16be(v.lowerBound)))) } }
        func text(_ field: HeaderField) { tree.add(field, v, .string(DNSName.escapedASCII(bytes, v))) }
        switch avp.type {
        case 0: u16(messageType)
        case 2 where v.count >= 2:
            tree.add(protocolVersion, v.lowerBound..<v.lowerBound + 1, .uint(UInt64(bytes[v.lowerBound])))
            tree.add(protocolRevision, v.lowerBound + 1..<v.lowerBound + 2, .uint(UInt64(bytes[v.lowerBound + 1])))
        case 7: text(hostName)
        case 8: text(vendorName)
        case 9: u16(assignedTunnel)
        case 10: u16(receiveWindow)
        case 14: u16(assignedSession)
        case 15 where v.count >= 4: tree.add(callSerial, v.lowerBound..<v.lowerBound + 4, .uint(UInt64(bytes.u32be(v.lowerBound))))
        default: break
        }
    }
}

extension Frame {
    /// An L2TP control message: the frame's last layer, in its UDP payload.
    var l2tpControl: L2TP? {
        guard let udp, protocols.last == .l2tp else { return nil }
        return L2TP.decode(bytes, at: udp.payload.lowerBound, end: udp.payload.upperBound)?.layer
    }
}
