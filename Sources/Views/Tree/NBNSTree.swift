import Dissect

/// NBNS (RFC 1002) as packet-nbns.c shows it: DNS's header with NBNS's flag names, and
/// names decoded from the first-level encoding with their type ("Workstation/Redirector").
enum NBNSTree {
    static let id = HeaderField("nbns.id", "Transaction ID", .uint16, .hex)
    static let flags = HeaderField("nbns.flags", "Flags", .uint16, .hex)
    static let response = HeaderField("nbns.flags.response", "Response", .boolean, width: 16, mask: 0x8000,
                                      names: .trueFalse("Message is a response", "Message is a query"))
    static let opcode = HeaderField("nbns.flags.opcode", "Opcode", .uint16, mask: 0x7800, names: .values(opcodes))
    static let authoritative = HeaderField("nbns.flags.authoritative", "Authoritative", .boolean, width: 16, mask: 0x0400,
                                           names: .trueFalse("Server is an authority for domain", "Server is not an authority for domain"))
    static let truncated = HeaderField("nbns.flags.truncated", "Truncated", .boolean, width: 16, mask: 0x0200,
                                       names: .trueFalse("Message is truncated", "Message is not truncated"))
    static let recdesired = HeaderField("nbns.flags.recdesired", "Recursion desired", .boolean, width: 16, mask: 0x0100,
                                        names: .trueFalse("Do query recursively", "Don't do query recursively"))
    static let recavail = HeaderField("nbns.flags.recavail", "Recursion available", .boolean, width: 16, mask: 0x0080,
                                      names: .trueFalse("Server can do recursive queries", "Server can't do recursive queries"))
    static let broadcast = HeaderField("nbns.flags.broadcast", "Broadcast", .boolean, width: 16, mask: 0x0010,
                                       names: .trueFalse("Broadcast packet", "Not a broadcast packet"))
    static let rcode = HeaderField("nbns.flags.rcode", "Reply code", .uint16, mask: 0x000F, names: .values(replyCodes))
    static let queries = HeaderField("nbns.count.queries", "Questions", .uint16)
    static let answers = HeaderField("nbns.count.answers", "Answer RRs", .uint16)
    static let authority = HeaderField("nbns.count.auth_rr", "Authority RRs", .uint16)
    static let additional = HeaderField("nbns.count.add_rr", "Additional RRs", .uint16)
    static let name = HeaderField("nbns.name", "Name", .string)
    static let type = HeaderField("nbns.type", "Type", .uint16, names: .values([32: "NB", 33: "NBSTAT"]))
    static let recordClass = HeaderField("nbns.class", "Class", .uint16, names: .values([1: "IN"]))
    static let ttl = HeaderField("nbns.ttl", "Time to live", .uint32)
    static let dataLength = HeaderField("nbns.data_length", "Data length", .uint16)
    static let nbFlags = HeaderField("nbns.nb_flags", "Name flags", .uint16, .hex)
    static let group = HeaderField("nbns.nb_flags.group", "Name type", .boolean, width: 16, mask: 0x8000,
                                   names: .trueFalse("Group name", "Unique name"))
    static let ont = HeaderField("nbns.nb_flags.ont", "ONT", .uint16, mask: 0x6000, names: .values(ontNames))
    static let address = HeaderField("nbns.addr", "Addr", .ipv4)

    static let declaration = ProtocolDeclaration("nbns", "NetBIOS Name Service", fields: [
        id, flags, response, opcode, authoritative, truncated, recdesired, recavail, broadcast, rcode, queries, answers,
        authority, additional, name, type, recordClass, ttl, dataLength, nbFlags, group, ont, address,
    ])

    static let opcodes: [UInt64: String] = [
        0: "Name query", 5: "Registration", 6: "Release", 7: "Wait for acknowledgment", 8: "Refresh",
        9: "Refresh (alternate opcode)", 15: "Multi-homed registration",
    ]
    static let replyCodes: [UInt64: String] = [
        0: "No error", 1: "Request was invalidly formatted", 2: "Server failure", 3: "Requested name does not exist",
        4: "Request is not implemented", 5: "Request was refused", 6: "Name is owned by another node",
        7: "Name is active", 8: "Name is in conflict",
    ]
    static let ontNames: [UInt64: String] = [0: "B-node", 1: "P-node", 2: "M-node", 3: "Unknown"]
    /// The name's type, by its suffix (packet-nbns.c's `nb_name_type_vals`, the common ones).
    static let suffixNames: [UInt8: String] = [
        0x00: "Workstation/Redirector", 0x01: "Browser", 0x02: "Workstation/Redirector", 0x03: "Messenger service/Main name",
        0x05: "Forwarded name", 0x06: "RAS Server service", 0x1B: "Domain Master Browser", 0x1C: "Domain Controllers",
        0x1D: "Local Master Browser", 0x1E: "Browser Election Service", 0x1F: "Net DDE Service", 0x20: "Server service",
        0x21: "RAS client service",
    ]

    static func dissect(_ m: DNS, _ tree: inout TreeBuilder) {
        let bytes = tree.bytes
        let o = m.offset
        tree.open(declaration, o..<min(bytes.count, m.end), label: "NetBIOS Name Service")
        defer { tree.close() }
        tree.add(id, o..<o + 2, .uint(UInt64(m.id)))
        let f = UInt64(m.flags)
        var summary = "0x\(hex(f, digits: 4))"
        if m.isResponse { summary += ", Response" }
        summary += ", Opcode: " + (opcodes[UInt64(m.opcode)] ?? "Unknown operation")
        if m.isResponse, f & 0x0400 != 0 { summary += ", Authoritative" }
        if f & 0x0200 != 0 { summary += ", Truncated" }
        if f & 0x0100 != 0 { summary += ", Recursion desired" }
        if m.isResponse, f & 0x0080 != 0 { summary += ", Recursion available" }
        if f & 0x0010 != 0 { summary += ", Broadcast" }
        if m.isResponse { summary += ", " + (replyCodes[UInt64(m.responseCode)] ?? "Unknown error") }
        let r = o + 2..<o + 4
        tree.open(flags, r, .uint(f), display: summary)
        tree.bits(response, r, container: f)
        tree.bits(opcode, r, container: f)
        if m.isResponse { tree.bits(authoritative, r, container: f) }
        tree.bits(truncated, r, container: f)
        tree.bits(recdesired, r, container: f)
        if m.isResponse { tree.bits(recavail, r, container: f) }
        tree.bits(broadcast, r, container: f)
        if m.isResponse { tree.bits(rcode, r, container: f) }
        tree.close()
        tree.add(queries, o + 4..<o + 6, .uint(UInt64(m.questionCount)))
        tree.add(answers, o + 6..<o + 8, .uint(UInt64(m.answerCount)))
        tree.add(authority, o + 8..<o + 10, .uint(UInt64(m.authorityCount)))
        tree.add(additional, o + 10..<o + 12, .uint(UInt64(m.additionalCount)))
        var questions = m.questions(bytes)
        var opened = false
        while let q = questions.next() {
            if !opened { tree.openText("Queries"); opened = true }
            let (text, suffix) = NetBIOSName.text(q.name, bytes) ?? (DNSTree.text(q.name, bytes), nil)
            tree.openText("\(text): type \(typeName(q.type)), class \(className(q.questionClass))", range: q.range)
            tree.add(name, q.name.offset..<q.name.offset + q.name.wireLength, .string(text), display: nameDisplay(text, suffix))
            tree.add(type, nil, .uint(UInt64(q.type)))
            tree.add(recordClass, nil, .uint(UInt64(q.questionClass)))
            tree.close()
        }
        if opened { tree.close() }
        var section: DNSSection?
        var records = m.records(bytes)
        while let rec = records.next() {
            if section != rec.section {
                if section != nil { tree.close() }
                section = rec.section
                tree.openText(rec.section == .answer ? "Answers" : rec.section == .authority ? "Authoritative nameservers" : "Additional records")
            }
            record(rec, &tree)
        }
        if section != nil { tree.close() }
    }

    private static func record(_ rec: DNSRecord, _ tree: inout TreeBuilder) {
        let bytes = tree.bytes
        let (text, suffix) = NetBIOSName.text(rec.name, bytes) ?? (DNSTree.text(rec.name, bytes), nil)
        tree.openText("\(text): type \(typeName(rec.type)), class \(className(rec.recordClass))", range: rec.range)
        defer { tree.close() }
        // packet-nbns.c gives a record's name its type in the value too.
        let shown = nameDisplay(text, suffix)
        tree.add(name, rec.name.offset..<rec.name.offset + rec.name.wireLength, .string(shown), display: shown)
        tree.add(type, nil, .uint(UInt64(rec.type)))
        tree.add(recordClass, nil, .uint(UInt64(rec.recordClass)))
        tree.add(ttl, nil, .uint(UInt64(rec.ttl)), display: DHCPTree.durationText(UInt64(rec.ttl)))
        let data = rec.rdata
        tree.add(dataLength, nil, .uint(UInt64(data.count)))
        guard rec.type == 32 else { return }
        var at = data.lowerBound
        while at + 6 <= data.upperBound {
            let f = UInt64(bytes.u16be(at))
            let isGroup = f & 0x8000 != 0
            let ontValue = (f >> 13) & 3
            let node = ["B-node", "P-node", "M-node", "H-node"][Int(ontValue)]
            let display = "0x\(hex(f, digits: 4))" + (isGroup ? ", Name type" : "")
                + ", ONT: \(ontNames[ontValue] ?? "Unknown") (\(node), \(isGroup ? "group" : "unique"))"
            tree.open(nbFlags, at..<at + 2, .uint(f), display: display)
            tree.bits(group, at..<at + 2, container: f)
            tree.bits(ont, at..<at + 2, container: f)
            tree.close()
            tree.add(address, at + 2..<at + 6, .ipv4(IPv4Address(bytes, at: at + 2)))
            at += 6
        }
    }

    static func nameDisplay(_ text: String, _ suffix: UInt8?) -> String {
        guard let suffix else { return text }
        return "\(text) (\(suffixNames[suffix] ?? "Unknown"))"
    }

    static func typeName(_ t: UInt16) -> String { t == 32 ? "NB" : t == 33 ? "NBSTAT" : "Unknown (\(t))" }
    static func className(_ c: UInt16) -> String { c == 1 ? "IN" : "Unknown (\(c))" }

    /// "Name query NB WORKGROUP<1d>", "Registration NB DJP95S0J<00>".
    static func writeInfo(_ m: DNS, bytes: ByteView, to out: OutputBuffer) {
        out.string(opcodes[UInt64(m.opcode)] ?? "Unknown operation (\(m.opcode))")
        if m.isResponse {
            out.ascii(" response")
            if m.responseCode != 0 {
                out.ascii(", ")
                out.string(replyCodes[UInt64(m.responseCode)] ?? "Unknown error")
            }
        }
        var questions = m.questions(bytes)
        while let q = questions.next() {
            out.byte(32)
            out.string(typeName(q.type))
            out.byte(32)
            out.escaped(NetBIOSName.text(q.name, bytes)?.text ?? DNSTree.text(q.name, bytes))
        }
        guard m.isResponse else { return }
        var records = m.records(bytes)
        while let rec = records.next() {
            guard rec.section == .answer else { break }
            out.byte(32)
            out.string(typeName(rec.type))
            if rec.type == 32, rec.rdata.count >= 6 {
                out.byte(32)
                out.ipv4(IPv4Address(bytes, at: rec.rdata.lowerBound + 2))
            }
        }
    }
}

extension Frame {
    /// The NBNS message of this frame, read again from the UDP payload with DNS's decoder.
    var nbnsMessage: DNS? {
        guard let udp, protocols.last == .nbns else { return nil }
        return DNS.decode(bytes, at: udp.payload.lowerBound, end: udp.payload.upperBound, overTCP: false).layer
    }
}
