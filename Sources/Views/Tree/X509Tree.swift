import Dissect

/// A certificate's names, as Wireshark's x509af/x509if/x509sat/x509ce dissectors show the
/// parts tcpwatch reads: serial number, issuer and subject attributes, DNS names.
enum X509Tree {
    static let serialNumber = HeaderField("x509af.serialNumber", "serialNumber", .string)
    static let issuer = HeaderField("x509af.issuer", "issuer", .none)
    static let subject = HeaderField("x509af.subject", "subject", .none)
    static let rdnSequence = HeaderField("x509if.rdnSequence", "rdnSequence", .uint32)
    static let utf8String = HeaderField("x509sat.uTF8String", "uTF8String", .string)
    static let printableString = HeaderField("x509sat.printableString", "printableString", .string)
    static let countryName = HeaderField("x509sat.CountryName", "CountryName", .string)
    static let extensionID = HeaderField("x509af.extension.id", "Extension Id", .string)
    static let dnsName = HeaderField("x509ce.dNSName", "dNSName", .string)

    static let declaration = ProtocolDeclaration("x509af", "X.509 Authentication Framework", fields: [
        serialNumber, issuer, subject, rdnSequence, utf8String, printableString, countryName, extensionID, dnsName,
    ])

    static let attributeNames: [[UInt8]: String] = [
        [0x55, 4, 3]: "id-at-commonName", [0x55, 4, 6]: "id-at-countryName", [0x55, 4, 7]: "id-at-localityName",
        [0x55, 4, 8]: "id-at-stateOrProvinceName", [0x55, 4, 10]: "id-at-organizationName",
        [0x55, 4, 11]: "id-at-organizationalUnitName", [0x55, 4, 5]: "id-at-serialNumber",
    ]

    static func oid(_ bytes: ByteView, _ r: Range<Int>) -> [UInt8] { r.map { bytes[$0] } }

    static func text(_ bytes: ByteView, _ r: Range<Int>) -> String { HTTPTree.string(bytes, r) }

    /// `id-at-commonName=lab.test,id-at-organizationName=…`, last RDN first, as Wireshark labels a Name.
    static func summary(_ bytes: ByteView, _ attributes: [X509.Attribute]) -> String {
        attributes.reversed().map { a in
            "\(attributeNames[oid(bytes, a.oid)] ?? "id-at")=\(text(bytes, a.value))"
        }.joined(separator: ",")
    }

    static func dissect(_ bytes: ByteView, _ range: Range<Int>, _ tree: inout TreeBuilder) {
        guard let x = X509.decode(bytes, range) else { return }
        tree.openText("signedCertificate")
        let serial = x.serialNumber.map { hex(UInt64(bytes[$0]), digits: 2) }.joined()
        tree.add(serialNumber, x.serialNumber, .string(serial), display: "0x" + serial)
        name(issuer, "issuer", x.issuer, bytes, &tree)
        name(subject, "subject", x.subject, bytes, &tree)
        if !x.extensions.isEmpty {
            tree.openText("extensions: \(x.extensions.count) item\(x.extensions.count == 1 ? "" : "s")")
            for ext in x.extensions {
                let id = oid(bytes, ext.oid)
                tree.openText("Extension")
                if id == [0x55, 0x1d, 0x11], let seq = X509.tlv(bytes, at: ext.value.lowerBound, end: ext.value.upperBound) {
                    var p = seq.content.lowerBound
                    while p < seq.content.upperBound, let gn = X509.tlv(bytes, at: p, end: seq.content.upperBound) {
                        p = gn.content.upperBound
                        if gn.tag == 0x82 { tree.add(dnsName, gn.content, .string(text(bytes, gn.content))) }
                    }
                }
                tree.close()
            }
            tree.close()
        }
        tree.close()
    }

    static func name(_ field: HeaderField, _ label: String, _ attributes: [X509.Attribute], _ bytes: ByteView,
                     _ tree: inout TreeBuilder) {
        tree.open(field, nil, .none, label: "\(label): rdnSequence (0)")
        tree.add(rdnSequence, nil, .uint(UInt64(attributes.count)),
                 label: "rdnSequence: \(attributes.count) item\(attributes.count == 1 ? "" : "s") (\(summary(bytes, attributes)))")
        for a in attributes {
            let value = text(bytes, a.value)
            if oid(bytes, a.oid) == [0x55, 4, 6] {
                tree.add(countryName, a.value, .string(value))
            } else if a.tag == 0x0c {
                tree.add(utf8String, a.value, .string(value))
            } else if a.tag == 0x13 {
                tree.add(printableString, a.value, .string(value))
            }
        }
        tree.close()
    }
}

extension X509 {
    /// The subject as Wireshark shows it after a certificate's bytes.
    static func subjectSummary(_ bytes: ByteView, _ range: Range<Int>) -> String {
        guard let x = decode(bytes, range) else { return "" }
        return X509Tree.summary(bytes, x.subject)
    }

    /// The `frame.protocols` entries a certificate adds: x509sat for each name attribute,
    /// x509ce for each extension, as tshark 4.0 lists them.
    static func layers(_ bytes: ByteView, _ range: Range<Int>) -> [Layer] {
        guard let x = decode(bytes, range) else { return [] }
        return Array(repeating: .x509sat, count: x.issuer.count + x.subject.count)
            + Array(repeating: .x509ce, count: x.extensions.count)
    }
}
