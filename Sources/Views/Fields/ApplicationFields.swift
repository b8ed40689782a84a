import Dissect

enum ApplicationFields {
    static let all: [FieldDefinition] = [
        field("dns.id", "DNS transaction id") { i, o in o.hex(i.frame.dns?.id, width: 4) },
        field("dns.flags.response", "DNS response flag", .boolean) { i, o in o.boolean(i.frame.dns?.isResponse) },
        field("dns.flags.rcode", "DNS reply code") { i, o in o.decimal(i.frame.dns.map { $0.isResponse ? $0.responseCode : nil } ?? nil) },
        field("dns.count.queries", "DNS questions") { i, o in o.decimal(i.frame.dns?.questionCount) },
        field("dns.count.answers", "DNS answers") { i, o in o.decimal(i.frame.dns?.answerCount) },
        field("dns.qry.name", "DNS query name", .string) { i, o in
            guard let dns = i.frame.dns else { return }
            var questions = dns.questions(i.frame.bytes)
            while let q = questions.next() {
                o.next()
                q.name.write(i.frame.bytes) { o.out.byte($0) }
            }
        },
        field("dns.qry.type", "DNS query type") { i, o in
            guard let dns = i.frame.dns else { return }
            var questions = dns.questions(i.frame.bytes)
            while let q = questions.next() { o.decimal(q.type) }
        },
        field("dns.resp.name", "DNS record name", .string) { i, o in
            guard let dns = i.frame.dns else { return }
            var records = dns.records(i.frame.bytes)
            while let r = records.next() {
                o.next()
                r.name.write(i.frame.bytes) { o.out.byte($0) }
            }
        },
        field("dns.resp.type", "DNS record type") { i, o in
            guard let dns = i.frame.dns else { return }
            var records = dns.records(i.frame.bytes)
            while let r = records.next() { o.decimal(r.type) }
        },
        field("dns.a", "DNS A address", .ipv4) { i, o in
            guard let dns = i.frame.dns else { return }
            var records = dns.records(i.frame.bytes)
            while let r = records.next() { o.ipv4(r.ipv4Address(i.frame.bytes)) }
        },
        field("dns.aaaa", "DNS AAAA address", .ipv6) { i, o in
            guard let dns = i.frame.dns else { return }
            var records = dns.records(i.frame.bytes)
            while let r = records.next() { o.ipv6(r.ipv6Address(i.frame.bytes)) }
        },
        field("dns.cname", "DNS CNAME", .string) { i, o in
            guard let dns = i.frame.dns else { return }
            var records = dns.records(i.frame.bytes)
            while let r = records.next() {
                guard r.type == DNSType.cname, let name = r.domainName(i.frame.bytes) else { continue }
                o.next()
                name.write(i.frame.bytes) { o.out.byte($0) }
            }
        },
    ]
}
