/// Just enough DER (X.690) to name a certificate (RFC 5280): serial number, issuer and
/// subject attributes, and the extensions, as ranges into the bytes.
public struct X509: Sendable {
    public struct Attribute: Sendable, Equatable {
        /// The OID's content bytes (`55 04 03` for id-at-commonName).
        public var oid: Range<Int>
        /// The DER tag of the value (0x0c UTF8String, 0x13 PrintableString, …) and its content.
        public var tag: UInt8
        public var value: Range<Int>
    }

    public var serialNumber: Range<Int>
    public var issuer: [Attribute]
    public var subject: [Attribute]
    /// Each extension's OID content bytes and its extnValue contents.
    public var extensions: [(oid: Range<Int>, value: Range<Int>)]

    /// Reads a DER tag and length at `p`; the content's range, or nil past `end`.
    public static func tlv(_ bytes: ByteView, at p: Int, end: Int) -> (tag: UInt8, content: Range<Int>)? {
        guard p + 2 <= end else { return nil }
        let tag = bytes[p]
        var length = Int(bytes[p + 1])
        var q = p + 2
        if length & 0x80 != 0 {
            let n = length & 0x7f
            guard n >= 1, n <= 3, q + n <= end else { return nil }
            length = 0
            for i in 0..<n { length = length << 8 | Int(bytes[q + i]) }
            q += n
        }
        guard q + length <= end else { return nil }
        return (tag, q..<(q + length))
    }

    public static func decode(_ bytes: ByteView, _ range: Range<Int>) -> X509? {
        let end = min(range.upperBound, bytes.count)
        guard let cert = tlv(bytes, at: range.lowerBound, end: end), cert.tag == 0x30,
              let tbs = tlv(bytes, at: cert.content.lowerBound, end: cert.content.upperBound), tbs.tag == 0x30 else { return nil }
        var p = tbs.content.lowerBound
        let e = tbs.content.upperBound
        var items: [(tag: UInt8, content: Range<Int>)] = []
        while p < e, let item = tlv(bytes, at: p, end: e) {
            items.append(item)
            p = item.content.upperBound
        }
        // [0] version is optional: serial, signature, issuer, validity, subject, spki follow.
        let first = items.first?.tag == 0xa0 ? 1 : 0
        guard items.count >= first + 6 else { return nil }
        var x = X509(serialNumber: items[first].content, issuer: names(bytes, items[first + 2].content),
                     subject: names(bytes, items[first + 4].content), extensions: [])
        if let ext = items.dropFirst(first + 6).first(where: { $0.tag == 0xa3 }),
           let list = tlv(bytes, at: ext.content.lowerBound, end: ext.content.upperBound) {
            var q = list.content.lowerBound
            while q < list.content.upperBound, let one = tlv(bytes, at: q, end: list.content.upperBound) {
                q = one.content.upperBound
                guard let oid = tlv(bytes, at: one.content.lowerBound, end: one.content.upperBound), oid.tag == 6 else { continue }
                var r = oid.content.upperBound
                if let maybeCritical = tlv(bytes, at: r, end: one.content.upperBound), maybeCritical.tag == 1 {
                    r = maybeCritical.content.upperBound
                }
                guard let value = tlv(bytes, at: r, end: one.content.upperBound), value.tag == 4 else { continue }
                x.extensions.append((oid.content, value.content))
            }
        }
        return x
    }

    /// The attributes of a Name (a SEQUENCE OF SET OF AttributeTypeAndValue), in order.
    public static func names(_ bytes: ByteView, _ range: Range<Int>) -> [Attribute] {
        var out: [Attribute] = []
        var p = range.lowerBound
        while p < range.upperBound, let rdn = tlv(bytes, at: p, end: range.upperBound) {
            p = rdn.content.upperBound
            var q = rdn.content.lowerBound
            while q < rdn.content.upperBound, let atv = tlv(bytes, at: q, end: rdn.content.upperBound) {
                q = atv.content.upperBound
                guard let oid = tlv(bytes, at: atv.content.lowerBound, end: atv.content.upperBound), oid.tag == 6,
                      let value = tlv(bytes, at: oid.content.upperBound, end: atv.content.upperBound) else { continue }
                out.append(Attribute(oid: oid.content, tag: value.tag, value: value.content))
            }
        }
        return out
    }
}
