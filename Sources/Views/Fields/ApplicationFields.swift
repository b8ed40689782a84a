import Dissect

enum ApplicationFields {
    /// Runs `body` on each question of the frame's DNS message.
    static func questions(_ i: FieldInput, _ body: (DNSQuestion) -> Void) {
        guard let dns = i.frame.dns else { return }
        var questions = dns.questions(i.frame.bytes)
        while let q = questions.next() { body(q) }
    }

    /// Runs `body` on each resource record (answer, authority, additional) of the frame's DNS message.
    static func records(_ i: FieldInput, _ body: (DNSRecord) -> Void) {
        guard let dns = i.frame.dns else { return }
        var records = dns.records(i.frame.bytes)
        while let r = records.next() { body(r) }
    }

    /// One occurrence holding a DNS name, written straight from the frame.
    static func name(_ name: DNSName, _ i: FieldInput, _ o: inout Occurrences) {
        o.next()
        let out = o.out
        name.write(i.frame.bytes) { out.byte($0) }
    }

    static let all: [FieldDefinition] = [
        field("dns.id", "DNS transaction id") { i, o in o.hex(i.frame.dns?.id, width: 4) },
        field("dns.flags.response", "DNS response flag", .boolean) { i, o in o.boolean(i.frame.dns?.isResponse) },
        field("dns.flags.rcode", "DNS reply code") { i, o in o.decimal(i.frame.dns.map { $0.isResponse ? $0.responseCode : nil } ?? nil) },
        field("dns.count.queries", "DNS questions") { i, o in o.decimal(i.frame.dns?.questionCount) },
        field("dns.count.answers", "DNS answers") { i, o in o.decimal(i.frame.dns?.answerCount) },
        field("dns.qry.name", "DNS query name", .string) { i, o in questions(i) { name($0.name, i, &o) } },
        field("dns.qry.type", "DNS query type") { i, o in questions(i) { o.decimal($0.type) } },
        field("dns.resp.name", "DNS record name", .string) { i, o in records(i) { name($0.name, i, &o) } },
        field("dns.resp.type", "DNS record type") { i, o in records(i) { o.decimal($0.type) } },
        field("dns.a", "DNS A address", .ipv4) { i, o in records(i) { o.ipv4($0.ipv4Address(i.frame.bytes)) } },
        field("dns.aaaa", "DNS AAAA address", .ipv6) { i, o in records(i) { o.ipv6($0.ipv6Address(i.frame.bytes)) } },
        field("dns.cname", "DNS CNAME", .string) { i, o in
            records(i) { r in
                guard r.type == DNSType.cname, let cname = r.domainName(i.frame.bytes) else { return }
                name(cname, i, &o)
            }
        },
    ]
}
