import Dissect

/// PPP over Ethernet's session stage (RFC 2516), as tshark 4.0 declares it: the fields
/// are `pppoe.*` and the protocol node is `pppoes`.
enum PPPoETree {
    static let version = HeaderField("pppoe.version", "Version", .uint8, mask: 0xF0)
    static let type = HeaderField("pppoe.type", "Type", .uint8, mask: 0x0F)
    static let code = HeaderField("pppoe.code", "Code", .uint8, .hex, names: .values([
        0x00: "Session Data", 0x07: "Offer", 0x09: "Initiation", 0x19: "Request", 0x65: "Session-confirmation",
        0xA7: "Terminate",
    ]))
    static let sessionID = HeaderField("pppoe.session_id", "Session ID", .uint16, .hex)
    static let payloadLength = HeaderField("pppoe.payload_length", "Payload Length", .uint16)

    static let declaration = ProtocolDeclaration("pppoes", "PPP-over-Ethernet Session", fields: [
        version, type, code, sessionID, payloadLength,
    ])

    static func dissect(_ pppoe: PPPoESession, _ tree: inout TreeBuilder) {
        let o = pppoe.offset
        tree.open(declaration, o..<min(tree.bytes.count, o + PPPoESession.headerLength), label: "PPP-over-Ethernet Session")
        let first = UInt64(tree.bytes[o])
        tree.bits(version, o..<o + 1, container: first)
        tree.bits(type, o..<o + 1, container: first)
        tree.add(code, o + 1..<o + 2, .uint(UInt64(pppoe.code)))
        tree.add(sessionID, o + 2..<o + 4, .uint(UInt64(pppoe.sessionID)))
        tree.add(payloadLength, o + 4..<o + 6, .uint(UInt64(pppoe.length)))
        tree.close()
    }
}
