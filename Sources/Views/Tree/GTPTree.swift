import Dissect

/// GTP version 0 and 1 headers as tshark 4.0 shows them (packet-gtp.c): the flags, the
/// message type, the length, version 1's TEID and optional sequence and N-PDU numbers,
/// version 0's sequence number, flow label, LLC number and TID. A T-PDU's IP packet
/// follows as the inner packet; the information elements of control messages are not
/// decoded here.
enum GTPTree {
    static let messageNames: [UInt64: String] = [
        0: "For future use", 1: "Echo request", 2: "Echo response", 3: "Version not supported", 4: "Node alive request",
        5: "Node alive response", 6: "Redirection request", 7: "Redirection response", 16: "Create PDP context request",
        17: "Create PDP context response", 18: "Update PDP context request", 19: "Update PDP context response",
        20: "Delete PDP context request", 21: "Delete PDP context response", 22: "Initiate PDP Context Activation Request",
        23: "Initiate PDP Context Activation Response", 24: "Delete AA PDP Context Request", 25: "Delete AA PDP Context Response",
        26: "Error indication", 27: "PDU notification request", 28: "PDU notification response",
        29: "PDU notification reject request", 30: "PDU notification reject response",
        31: "Supported extension header notification", 32: "Send routing information for GPRS request",
        33: "Send routing information for GPRS response", 34: "Failure report request", 35: "Failure report response",
        36: "Note MS GPRS present request", 37: "Note MS GPRS present response", 48: "Identification request",
        49: "Identification response", 50: "SGSN context request", 51: "SGSN context response",
        52: "SGSN context acknowledgement", 53: "Forward relocation request", 54: "Forward relocation response",
        55: "Forward relocation complete", 56: "Relocation cancel request", 57: "Relocation cancel response",
        58: "Forward SRNS context", 59: "Forward relocation complete acknowledge", 60: "Forward SRNS context acknowledge",
        61: "UE Registration Query Request", 62: "UE Registration Query Response", 70: "RAN Information Relay",
        96: "MBMS Notification Request", 97: "MBMS Notification Response", 98: "MBMS Notification Reject Request",
        99: "MBMS Notification Reject Response", 100: "Create MBMS Context Request", 101: "Create MBMS Context Response",
        102: "Update MBMS Context Request", 103: "Update MBMS Context Response", 104: "Delete MBMS Context Request",
        105: "Delete MBMS Context Response", 112: "MBMS Registration Request", 113: "MBMS Registration Response",
        114: "MBMS De-Registration Request", 115: "MBMS De-Registration Response", 116: "MBMS Session Start Request",
        117: "MBMS Session Start Response", 118: "MBMS Session Stop Request", 119: "MBMS Session Stop Response",
        120: "MBMS Session Update Request", 121: "MBMS Session Update Response", 128: "MS Info Change Notification Request",
        129: "MS Info Change Notification Response", 240: "Data record transfer request", 241: "Data record transfer response",
        254: "End Marker", 255: "T-PDU",
    ]
    static let flags = HeaderField("gtp.flags", "Flags", .uint8, .hex, blurb: "Ver/PT/Spare...")
    static let version = HeaderField("gtp.flags.version", "Version", .uint8, mask: 0xE0, names: .values([
        0: "GTP release 97/98 version", 1: "GTP release 99 version", 2: "GTPv2-C", 3: "None", 4: "None", 5: "None",
        6: "None", 7: "None",
    ]), blurb: "GTP Version")
    static let protocolType = HeaderField("gtp.flags.payload", "Protocol type", .uint8, mask: 0x10, names: .values([0: "GTP'", 1: "GTP"]))
    static let reserved0 = HeaderField("gtp.flags.reserved", "Reserved", .uint8, mask: 0x0E, blurb: "Reserved (shall be sent as '111' )")
    /// Version 1's spare bit, under the same name.
    static let reserved1 = HeaderField("gtp.flags.reserved", "Reserved", .uint8, mask: 0x08)
    static let snn = HeaderField("gtp.flags.snn", "Is SNDCP N-PDU included?", .boolean, width: 8, mask: 0x01, names: .yesNo)
    static let extensionFlag = HeaderField("gtp.flags.e", "Is Next Extension Header present?", .boolean, width: 8, mask: 0x04, names: .yesNo)
    static let sequenceFlag = HeaderField("gtp.flags.s", "Is Sequence Number present?", .boolean, width: 8, mask: 0x02, names: .yesNo)
    static let npduFlag = HeaderField("gtp.flags.pn", "Is N-PDU number present?", .boolean, width: 8, mask: 0x01, names: .yesNo)
    static let message = HeaderField("gtp.message", "Message Type", .uint8, .hex, names: .values(messageNames), blurb: "GTP Message Type")
    static let length = HeaderField("gtp.length", "Length", .uint16, blurb: "Length (i.e. number of octets after TID or TEID)")
    static let teid = HeaderField("gtp.teid", "TEID", .uint32, .hexDec, blurb: "Tunnel Endpoint Identifier")
    static let sequence = HeaderField("gtp.seq_number", "Sequence number", .uint16, .hexDec)
    static let npdu = HeaderField("gtp.npdu_number", "N-PDU Number", .uint8, .hex)
    static let nextExtension = HeaderField("gtp.ext_hdr.next", "Next extension header type", .uint8, .hex)
    static let flowLabel = HeaderField("gtp.flow_label", "Flow label", .uint16, .hex)
    static let llcNumber = HeaderField("gtp.sndcp_number", "SNDCP N-PDU LLC Number", .uint8, .hex)
    static let tid = HeaderField("gtp.tid", "TID", .string, blurb: "Tunnel Identifier")

    static let declaration = ProtocolDeclaration("gtp", "GPRS Tunneling Protocol", fields: [
        flags, version, protocolType, reserved0, snn, extensionFlag, sequenceFlag, npduFlag, message, length, teid,
        sequence, npdu, nextExtension, flowLabel, llcNumber, tid,
    ])

    static func dissect(_ g: GTPHeader, _ tree: inout TreeBuilder) {
        let bytes = tree.bytes
        let o = g.offset
        tree.open(declaration, o..<g.payload.upperBound, label: "GPRS Tunneling Protocol")
        defer { tree.close() }
        let f = UInt64(g.flags)
        tree.open(flags, o..<o + 1, .uint(f))
        tree.bits(version, o..<o + 1, container: f)
        tree.bits(protocolType, o..<o + 1, container: f)
        if g.version == 0 {
            tree.bits(reserved0, o..<o + 1, container: f)
            tree.bits(snn, o..<o + 1, container: f)
        } else {
            tree.bits(reserved1, o..<o + 1, container: f)
            tree.bits(extensionFlag, o..<o + 1, container: f)
            tree.bits(sequenceFlag, o..<o + 1, container: f)
            tree.bits(npduFlag, o..<o + 1, container: f)
        }
        tree.close()
        tree.add(message, o + 1..<o + 2, .uint(UInt64(g.type)))
        tree.add(length, o + 2..<o + 4, .uint(UInt64(g.length)))
        if g.version == 0 {
            tree.add(sequence, o + 4..<o + 6, .uint(UInt64(bytes.u16be(o + 4))))
            tree.add(flowLabel, o + 6..<o + 8, .uint(UInt64(bytes.u16be(o + 6))))
            tree.add(llcNumber, o + 8..<o + 9, .uint(UInt64(bytes[o + 8])))
            // The TID is the IMSI and NSAPI in TBCD: each byte's low digit first.
            var digits = ""
            for i in o + 12..<o + 20 {
                digits += hex(UInt64(bytes[i] & 0x0F), digits: 1) + hex(UInt64(bytes[i] >> 4), digits: 1)
            }
            tree.add(tid, o + 12..<o + 20, .string(digits))
            return
        }
        tree.add(teid, o + 4..<o + 8, .uint(UInt64(bytes.u32be(o + 4))))
        guard g.headerLength == 12 else { return }
        if g.flags & 0x02 != 0 { tree.add(sequence, o + 8..<o + 10, .uint(UInt64(bytes.u16be(o + 8)))) }
        if g.flags & 0x01 != 0 { tree.add(npdu, o + 10..<o + 11, .uint(UInt64(bytes[o + 10]))) }
        if g.flags & 0x04 != 0 { tree.add(nextExtension, o + 11..<o + 12, .uint(UInt64(bytes[o + 11]))) }
    }

    /// The Info column of a message that is not a T-PDU: its type.
    static func info(_ g: GTPHeader) -> String {
        messageNames[UInt64(g.type)] ?? "Unknown message"
    }
}

extension Frame {
    /// The GTP header of a frame whose UDP payload is GTP and not a tunnelled packet.
    var gtpHeader: GTPHeader? {
        guard let udp, protocols.last == .gtp || protocols.last == .gtpprime else { return nil }
        return GTPHeader.decode(bytes, at: udp.payload.lowerBound, end: udp.payload.upperBound).layer
    }
}
