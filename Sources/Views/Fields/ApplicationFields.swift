import Dissect

enum ApplicationFields {
    static let all: [FieldDefinition] = [
        field("dns.id", "DNS transaction id") { i, o in o.hex(i.frame.dns?.id, width: 4) },
        field("dns.flags.response", "DNS response flag") { i, o in o.boolean(i.frame.dns?.isResponse) },
        field("dns.flags.rcode", "DNS reply code") { i, o in o.decimal(i.frame.dns.map { $0.isResponse ? $0.responseCode : nil } ?? nil) },
        field("dns.count.queries", "DNS questions") { i, o in o.decimal(i.frame.dns?.questionCount) },
        field("dns.count.answers", "DNS answers") { i, o in o.decimal(i.frame.dns?.answerCount) },
    ]
}
