import Dissect

/// DNS Info text as tshark writes it: `Standard query response 0x1a2b A www.lab.test A 10.77.0.80 OPT`.
enum DNSInfo {
    /// Stops adding questions and records once the buffer passes `limit` (the Info
    /// column's cap), so a message of thousands of names costs no more than the column.
    static func write(_ dns: DNS, frame: Frame, to out: OutputBuffer, limit: Int = .max) {
        let bytes = frame.bytes
        out.ascii(dns.isResponse ? "Standard query response " : "Standard query ")
        out.hex(dns.id, width: 4)
        if dns.isResponse, dns.responseCode != 0 {
            out.byte(32)
            out.string(DNS.responseCodeName(dns.responseCode) ?? "Unknown error")
        }
        // Multicast DNS (RFC 6762) uses the class's top bit: a question asks for a unicast
        // ("QU") or multicast ("QM") answer, a record tells caches to flush older ones.
        let mdns = frame.protocols.contains(.mdns)
        var questions = dns.questions(bytes)
        while out.count < limit, let question = questions.next() {
            out.byte(32)
            writeType(question.type, to: out)
            out.byte(32)
            writeName(question.name, bytes, to: out)
            if mdns { out.ascii(question.questionClass & 0x8000 != 0 ? ", \"QU\" question" : ", \"QM\" question") }
        }
        guard dns.isResponse || dns.answerCount > 0 || dns.authorityCount > 0 || dns.additionalCount > 0 else { return }
        var records = dns.records(bytes)
        while out.count < limit, let record = records.next() {
            out.byte(32)
            writeType(record.type, to: out)
            if mdns && record.type != DNSType.opt && record.recordClass & 0x8000 != 0 { out.ascii(", cache flush") }
            writeRecordData(record, bytes, to: out)
        }
        if let type = records.cutRecordType {
            out.byte(32)
            writeType(type, to: out)
        }
    }

    static func writeType(_ type: UInt16, to out: OutputBuffer) {
        if let name = DNS.typeName(type) { out.string(name) } else {
            out.ascii("Unknown (")
            out.decimal(type)
            out.byte(41)
        }
    }

    static func writeName(_ name: DNSName, _ bytes: ByteView, to out: OutputBuffer) {
        name.write(bytes) { out.byte($0) }
    }

    static func writeRecordData(_ record: DNSRecord, _ bytes: ByteView, to out: OutputBuffer) {
        if let a = record.ipv4Address(bytes) {
            out.byte(32)
            out.ipv4(a)
        } else if let aaaa = record.ipv6Address(bytes) {
            out.byte(32)
            out.ipv6(aaaa)
        } else if let name = record.domainName(bytes) {
            out.byte(32)
            writeName(name, bytes, to: out)
        } else if let mx = record.mx(bytes) {
            out.byte(32)
            out.decimal(mx.preference)
            out.byte(32)
            writeName(mx.exchange, bytes, to: out)
        } else if let soa = record.soa(bytes) {
            out.byte(32)
            writeName(soa.mname, bytes, to: out)
        } else if let srv = record.srv(bytes) {
            for number in [srv.priority, srv.weight, srv.port] {
                out.byte(32)
                out.decimal(number)
            }
            out.byte(32)
            writeName(srv.target, bytes, to: out)
        } else if let next = record.nsecNextName(bytes) {
            out.byte(32)
            writeName(next, bytes, to: out)
        }
    }
}
