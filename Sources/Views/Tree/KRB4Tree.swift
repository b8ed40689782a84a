import Dissect

/// Kerberos version 4 as tshark 4.0 shows it (packet-kerberos4.c): the version, the type
/// and byte order byte with its two bit fields, then the type's strings, times, counts
/// and blobs. The Info column is the type's name.
enum KRB4Tree {
    static let version = HeaderField("krb4.version", "Version", .uint8, blurb: "Kerberos(v4) version number")
    static let authMsgType = HeaderField("krb4.auth_msg_type", "Msg Type", .uint8, .hex, blurb: "Message Type/Byte Order")
    static let mType = HeaderField("krb4.m_type", "M Type", .uint8, .hex, mask: 0xFE, names: .values([
        1: "KDC Request", 2: "KDC Reply", 3: "Appl Request", 4: "Appl Request Mutual", 5: "Err Reply",
        6: "Private", 7: "Safe", 8: "Appl Err", 63: "Die",
    ]), blurb: "Message Type")
    static let byteOrder = HeaderField("krb4.byte_order", "Byte Order", .uint8, .hex, mask: 0x01,
                                       names: .values([0: "Big Endian", 1: "Little Endian"]))
    static let name = HeaderField("krb4.name", "Name", .string)
    static let instance = HeaderField("krb4.instance", "Instance", .string)
    static let realm = HeaderField("krb4.realm", "Realm", .string)
    static let timeSec = HeaderField("krb4.time_sec", "Time Sec", .absoluteTime)
    static let expDate = HeaderField("krb4.exp_date", "Exp Date", .absoluteTime)
    static let reqDate = HeaderField("krb4.req_date", "Req Date", .absoluteTime)
    static let lifetime = HeaderField("krb4.lifetime", "Lifetime", .uint8, blurb: "Lifetime (in 5 min units)")
    static let serviceName = HeaderField("krb4.s_name", "Service Name", .string)
    static let serviceInstance = HeaderField("krb4.s_instance", "Service Instance", .string)
    static let kvno = HeaderField("krb4.kvno", "Kvno", .uint8, blurb: "Key Version No")
    static let length = HeaderField("krb4.length", "Length", .uint32, blurb: "Length of encrypted blob")
    static let ticketLength = HeaderField("krb4.ticket.length", "Ticket Length", .uint8, blurb: "Length of ticket")
    static let requestLength = HeaderField("krb4.request.length", "Request Length", .uint8, blurb: "Length of request")
    static let ticketBlob = HeaderField("krb4.ticket.blob", "Ticket Blob", .bytes)
    static let requestBlob = HeaderField("krb4.request.blob", "Request Blob", .bytes)
    static let encryptedBlob = HeaderField("krb4.encrypted_blob", "Encrypted Blob", .bytes)
    static let transarcBlob = HeaderField("krb4.unknown_transarc_blob", "Unknown Transarc Blob", .bytes,
                                          blurb: "Unknown blob only present in Transarc packets")

    static let declaration = ProtocolDeclaration("krb4", "Kerberos v4", fields: [
        version, authMsgType, mType, byteOrder, name, instance, realm, timeSec, expDate, reqDate, lifetime,
        serviceName, serviceInstance, kvno, length, ticketLength, requestLength, ticketBlob, requestBlob,
        encryptedBlob, transarcBlob,
    ])

    /// Transarc's messages have their type's name prefixed, as the dissector writes it.
    static func typeName(_ m: KRB4Message) -> String {
        (m.version == KRB4Message.transarcVersion ? "TRANSARC-" : "") + m.kind.name
    }

    static func writeInfo(_ m: KRB4Message, to out: OutputBuffer) {
        out.string(typeName(m))
    }

    static func dissect(_ m: KRB4Message, _ tree: inout TreeBuilder) {
        let bytes = tree.bytes
        let o = m.offset
        tree.open(declaration, o..<m.end, label: "Kerberos v4")
        defer { tree.close() }
        tree.add(version, o..<o + 1, .uint(UInt64(m.version)))
        let type = UInt64(m.typeByte)
        tree.open(authMsgType, o + 1..<o + 2, .uint(type),
                  display: "0x\(hex(type, digits: 2)) \(typeName(m)) (\(m.littleEndian ? "Little Endian" : "Big Endian"))")
        tree.bits(mType, o + 1..<o + 2, container: type)
        tree.bits(byteOrder, o + 1..<o + 2, container: type)
        tree.close()
        var items = m.items(bytes)
        while let item = items.next() {
            switch item {
            case .text(let which, let r):
                let field: HeaderField = switch which {
                case .name: name
                case .instance: instance
                case .realm: realm
                case .serviceName: serviceName
                case .serviceInstance: serviceInstance
                }
                let text = r.lowerBound..<r.upperBound - 1
                let value = String(String.UnicodeScalarView(text.map { bytes[$0] < 0x80 ? Unicode.Scalar(bytes[$0]) : "\u{FFFD}" }))
                tree.add(field, r, .string(value), display: DNSName.escapedASCII(bytes, text))
            case .time(let which, let r, let seconds):
                let field: HeaderField = switch which {
                case .timeSec: timeSec
                case .expDate: expDate
                case .reqDate: reqDate
                }
                tree.add(field, r, .absoluteTime(Timestamp(seconds: Int64(seconds), nanoseconds: 0)))
            case .count(let which, let r, let v):
                switch which {
                case .kvno: tree.add(kvno, r, .uint(UInt64(v)))
                case .lifetime: tree.add(lifetime, r, .uint(UInt64(v)), display: "\(v) (\(v * 5) minutes)")
                case .ticketLength: tree.add(ticketLength, r, .uint(UInt64(v)))
                case .requestLength: tree.add(requestLength, r, .uint(UInt64(v)))
                case .length: tree.add(length, r, .uint(UInt64(v)))
                }
            case .blob(let which, let r):
                let field: HeaderField = switch which {
                case .transarc: transarcBlob
                case .encrypted: encryptedBlob
                case .ticket: ticketBlob
                case .request: requestBlob
                }
                tree.add(field, r, .bytes(r))
            }
        }
    }
}

extension Frame {
    /// The Kerberos 4 message the decoder found in this frame's UDP payload.
    var krb4Message: KRB4Message? {
        guard let udp, protocols.last == .krb4 else { return nil }
        return KRB4Message.decode(bytes, at: udp.payload.lowerBound, end: udp.payload.upperBound)
    }
}
