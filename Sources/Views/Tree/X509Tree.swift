import Dissect

/// A certificate's names, as Wireshark's x509af/x509if/x509sat/x509ce dissectors show the
/// parts tcpwatch reads: serial number, issuer and subject attributes, DNS names.
enum X509Tree {
    static let serialNumber = HeaderField("x509af.serialNumber", "serialNumber", .bytes)
    static let issuer = HeaderField("x509af.issuer", "issuer", .uint32)
    static let subject = HeaderField("x509af.subject", "subject", .uint32)
    static let rdnSequence = HeaderField("x509if.rdnSequence", "rdnSequence", .uint32)
    static let utf8String = HeaderField("x509sat.uTF8String", "uTF8String", .string)
    static let printableString = HeaderField("x509sat.printableString", "printableString", .string)
    static let countryName = HeaderField("x509sat.CountryName", "CountryName", .string)
    static let extensionID = HeaderField("x509af.extension.id", "Extension Id", .string)
    static let dnsName = HeaderField("x509ce.dNSName", "dNSName", .string)

    static let declaration = ProtocolDeclaration("x509af", "X.509 Authentication Framework", fields: [
        serialNumber, issuer, subject, rdnSequence, utf8String, printableString, countryName, extensionID, dnsName,
        version, algorithmID, rdnItem, rdnAttribute, attributeID, directoryString, utcTime, subjectPublicKey, modulus,
        publicExponent, critical, generalNames, generalName, subjectKeyIdentifier, keyIdentifier, cA, padding, encrypted,
        signedCertificate, validity, notBefore, notAfter, extensions, extensionElement, algorithmIdentifier,
        signatureElement, algorithmElement, subjectPublicKeyInfo, authorityKeyIdentifier, basicConstraints,
        subjectRDNSequence,
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

    static let signedCertificate = HeaderField("x509af.signedCertificate_element", "signedCertificate", .none)
    static let validity = HeaderField("x509af.validity_element", "validity", .none)
    static let notBefore = HeaderField("x509af.notBefore", "notBefore", .uint32)
    static let notAfter = HeaderField("x509af.notAfter", "notAfter", .uint32)
    static let extensions = HeaderField("x509af.extensions", "extensions", .uint32)
    static let extensionElement = HeaderField("x509af.Extension_element", "Extension", .none)
    static let algorithmIdentifier = HeaderField("x509af.algorithmIdentifier_element", "algorithmIdentifier", .none)
    static let signatureElement = HeaderField("x509af.signature_element", "signature", .none)
    static let algorithmElement = HeaderField("x509af.algorithm_element", "algorithm", .none)
    static let subjectPublicKeyInfo = HeaderField("x509af.subjectPublicKeyInfo_element", "subjectPublicKeyInfo", .none)
    static let authorityKeyIdentifier = HeaderField("x509ce.AuthorityKeyIdentifier_element", "AuthorityKeyIdentifier", .none)
    static let basicConstraints = HeaderField("x509ce.BasicConstraintsSyntax_element", "BasicConstraintsSyntax", .none)
    static let subjectRDNSequence = HeaderField("x509af.rdnSequence", "rdnSequence", .uint32)
    static let version = HeaderField("x509af.version", "version", .int32, names: .values([0: "v1", 1: "v2", 2: "v3"]))
    static let algorithmID = HeaderField("x509af.algorithm.id", "Algorithm Id", .string)
    static let rdnItem = HeaderField("x509if.RDNSequence_item", "RDNSequence item", .uint32)
    static let rdnAttribute = HeaderField("x509if.RelativeDistinguishedName_item_element", "RelativeDistinguishedName item", .none)
    static let attributeID = HeaderField("x509if.oid", "Object Id", .string)
    static let directoryString = HeaderField("x509sat.DirectoryString", "DirectoryString", .uint32)
    static let utcTime = HeaderField("x509af.utcTime", "utcTime", .string)
    static let subjectPublicKey = HeaderField("x509af.subjectPublicKey", "subjectPublicKey", .bytes)
    static let modulus = HeaderField("pkcs1.modulus", "modulus", .bytes)
    static let publicExponent = HeaderField("pkcs1.publicExponent", "publicExponent", .int32)
    static let critical = HeaderField("x509af.critical", "critical", .boolean)
    static let generalNames = HeaderField("x509ce.GeneralNames", "GeneralNames", .uint32)
    static let generalName = HeaderField("x509ce.GeneralName", "GeneralName", .uint32)
    static let subjectKeyIdentifier = HeaderField("x509ce.SubjectKeyIdentifier", "SubjectKeyIdentifier", .bytes)
    static let keyIdentifier = HeaderField("x509ce.keyIdentifier", "keyIdentifier", .bytes)
    static let cA = HeaderField("x509ce.cA", "cA", .boolean)
    static let padding = HeaderField("ber.bitstring.padding", "Padding", .uint8)
    static let encrypted = HeaderField("x509af.encrypted", "encrypted", .bytes)

    static let oidNames: [String: String] = [
        "1.2.840.113549.1.1.1": "rsaEncryption", "1.2.840.113549.1.1.5": "sha1WithRSAEncryption",
        "1.2.840.113549.1.1.11": "sha256WithRSAEncryption", "1.2.840.113549.1.1.12": "sha384WithRSAEncryption",
        "1.2.840.113549.1.1.13": "sha512WithRSAEncryption", "1.2.840.113549.1.1.10": "id-RSASSA-PSS",
        "1.2.840.10045.2.1": "id-ecPublicKey", "1.2.840.10045.4.3.2": "ecdsa-with-SHA256",
        "1.2.840.10045.4.3.3": "ecdsa-with-SHA384", "1.3.101.112": "id-Ed25519",
        "2.5.4.3": "id-at-commonName", "2.5.4.6": "id-at-countryName", "2.5.4.7": "id-at-localityName",
        "2.5.4.8": "id-at-stateOrProvinceName", "2.5.4.10": "id-at-organizationName",
        "2.5.4.11": "id-at-organizationalUnitName", "2.5.4.5": "id-at-serialNumber",
        "2.5.29.14": "id-ce-subjectKeyIdentifier", "2.5.29.15": "id-ce-keyUsage", "2.5.29.17": "id-ce-subjectAltName",
        "2.5.29.19": "id-ce-basicConstraints", "2.5.29.35": "id-ce-authorityKeyIdentifier",
        "2.5.29.37": "id-ce-extKeyUsage", "2.5.29.31": "id-ce-cRLDistributionPoints",
        "2.5.29.32": "id-ce-certificatePolicies",
    ]

    /// An OID's content bytes in dotted form (`1.2.840.113549.1.1.11`).
    static func dotted(_ bytes: ByteView, _ r: Range<Int>) -> String {
        guard !r.isEmpty else { return "" }
        var parts: [UInt64] = []
        var value: UInt64 = 0
        for i in r {
            value = value << 7 | UInt64(bytes[i] & 0x7f)
            if bytes[i] & 0x80 == 0 {
                parts.append(value)
                value = 0
            }
        }
        guard let first = parts.first else { return "" }
        let head = first < 40 ? [0, first] : first < 80 ? [1, first - 40] : [2, first - 80]
        return (head + parts.dropFirst()).map(String.init).joined(separator: ".")
    }

    static func oidLabel(_ bytes: ByteView, _ r: Range<Int>) -> (dotted: String, name: String?) {
        let d = dotted(bytes, r)
        return (d, oidNames[d])
    }

    /// `Algorithm Id: 1.2.840.113549.1.1.11 (sha256WithRSAEncryption)` under `label (name)`.
    static func algorithm(_ field: HeaderField, _ label: String, _ bytes: ByteView, _ seq: Range<Int>, _ tree: inout TreeBuilder) {
        guard let oid = X509.tlv(bytes, at: seq.lowerBound, end: seq.upperBound), oid.tag == 6 else { return }
        let (d, name) = oidLabel(bytes, oid.content)
        tree.open(field, seq, .none, label: "\(label) (\(name ?? d))")
        tree.add(algorithmID, oid.content, .string(d), display: "\(d) (\(name ?? d))")
        tree.close()
    }

    /// `261207025108Z` as `2026-12-07 02:51:08 (UTC)`.
    static func utc(_ text: String) -> String {
        let c = Array(text)
        guard c.count >= 12 else { return text }
        let yy = Int(String(c[0..<2])) ?? 0
        let year = yy < 50 ? 2000 + yy : 1900 + yy
        return "\(year)-\(String(c[2..<4]))-\(String(c[4..<6])) \(String(c[6..<8])):\(String(c[8..<10])):\(String(c[10..<12])) (UTC)"
    }

    static func dissect(_ bytes: ByteView, _ range: Range<Int>, _ tree: inout TreeBuilder) {
        let end = min(range.upperBound, bytes.count)
        guard let cert = X509.tlv(bytes, at: range.lowerBound, end: end), cert.tag == 0x30,
              let tbs = X509.tlv(bytes, at: cert.content.lowerBound, end: cert.content.upperBound), tbs.tag == 0x30
        else { return }
        var items: [(tag: UInt8, content: Range<Int>)] = []
        var p = tbs.content.lowerBound
        while p < tbs.content.upperBound, let item = X509.tlv(bytes, at: p, end: tbs.content.upperBound) {
            items.append(item)
            p = item.content.upperBound
        }
        tree.open(signedCertificate, tbs.content, .none, label: "signedCertificate")
        var i = 0
        if items.first?.tag == 0xa0, let v = X509.tlv(bytes, at: items[0].content.lowerBound, end: items[0].content.upperBound) {
            let n = v.content.reduce(0) { $0 << 8 | UInt64(bytes[$1]) }
            tree.add(version, v.content, .uint(n))
            i = 1
        }
        guard items.count >= i + 6 else { tree.close(); return }
        let serial = items[i].content.map { hex(UInt64(bytes[$0]), digits: 2) }.joined()
        tree.add(serialNumber, items[i].content, .bytes(items[i].content), display: "0x" + serial)
        algorithm(signatureElement, "signature", bytes, items[i + 1].content, &tree)
        name(issuer, "issuer", X509.names(bytes, items[i + 2].content), bytes, &tree)
        tree.open(validity, items[i + 3].content, .none, label: "validity")
        var q = items[i + 3].content.lowerBound
        for label in ["notBefore", "notAfter"] {
            guard let t = X509.tlv(bytes, at: q, end: items[i + 3].content.upperBound) else { break }
            q = t.content.upperBound
            let text = text(bytes, t.content)
            let timeField = label == "notBefore" ? notBefore : notAfter
            if t.tag == 0x17 {
                tree.open(timeField, t.content, .uint(0), label: "\(label): utcTime (0)")
                tree.add(utcTime, t.content, .string(utc(text)))
            } else {
                tree.open(timeField, t.content, .uint(1), label: "\(label): generalTime (1)")
                tree.add(utcTime, t.content, .string(text), label: "generalTime: \(text)")
            }
            tree.close()
        }
        tree.close()
        name(subject, "subject", X509.names(bytes, items[i + 4].content), bytes, &tree)
        publicKeyInfo(bytes, items[i + 5].content, &tree)
        if let ext = items.dropFirst(i + 6).first(where: { $0.tag == 0xa3 }),
           let list = X509.tlv(bytes, at: ext.content.lowerBound, end: ext.content.upperBound) {
            var exts: [Range<Int>] = []
            var r = list.content.lowerBound
            while r < list.content.upperBound, let one = X509.tlv(bytes, at: r, end: list.content.upperBound) {
                exts.append(one.content)
                r = one.content.upperBound
            }
            tree.open(extensions, list.content, .uint(UInt64(exts.count)), label: "extensions: \(exts.count) item\(exts.count == 1 ? "" : "s")")
            for e in exts { self.extensionItem(bytes, e, &tree) }
            tree.close()
        }
        tree.close()
        // After the TBSCertificate: the signature algorithm and the signature bits.
        var rest = tbs.content.upperBound
        if let alg = X509.tlv(bytes, at: rest, end: cert.content.upperBound), alg.tag == 0x30 {
            algorithm(algorithmIdentifier, "algorithmIdentifier", bytes, alg.content, &tree)
            rest = alg.content.upperBound
        }
        if let sig = X509.tlv(bytes, at: rest, end: cert.content.upperBound), sig.tag == 3, !sig.content.isEmpty {
            tree.add(padding, sig.content.lowerBound..<sig.content.lowerBound + 1, .uint(UInt64(bytes[sig.content.lowerBound])))
            let bits = sig.content.lowerBound + 1..<sig.content.upperBound
            tree.add(encrypted, bits, .bytes(bits))
        }
    }

    static func publicKeyInfo(_ bytes: ByteView, _ spki: Range<Int>, _ tree: inout TreeBuilder) {
        tree.open(subjectPublicKeyInfo, spki, .none, label: "subjectPublicKeyInfo")
        guard let alg = X509.tlv(bytes, at: spki.lowerBound, end: spki.upperBound) else { tree.close(); return }
        algorithm(algorithmElement, "algorithm", bytes, alg.content, &tree)
        if let key = X509.tlv(bytes, at: alg.content.upperBound, end: spki.upperBound), key.tag == 3, !key.content.isEmpty {
            let bits = key.content.lowerBound + 1..<key.content.upperBound
            tree.open(subjectPublicKey, bits, .bytes(bits))
            if let rsa = X509.tlv(bytes, at: bits.lowerBound, end: bits.upperBound), rsa.tag == 0x30,
               let n = X509.tlv(bytes, at: rsa.content.lowerBound, end: rsa.content.upperBound), n.tag == 2,
               let e = X509.tlv(bytes, at: n.content.upperBound, end: rsa.content.upperBound), e.tag == 2 {
                tree.add(modulus, n.content, .bytes(n.content), display: "0x" + TLSTree.ellipsized(bytes, n.content))
                let exponent = e.content.reduce(0) { $0 << 8 | UInt64(bytes[$1]) }
                tree.add(publicExponent, e.content, .uint(exponent))
            }
            tree.close()
        }
        tree.close()
    }

    static func extensionItem(_ bytes: ByteView, _ e: Range<Int>, _ tree: inout TreeBuilder) {
        guard let oid = X509.tlv(bytes, at: e.lowerBound, end: e.upperBound), oid.tag == 6 else { return }
        let (d, oidName) = oidLabel(bytes, oid.content)
        tree.open(extensionElement, e, .none, label: "Extension (\(oidName ?? d))")
        tree.add(extensionID, oid.content, .string(d), display: "\(d) (\(oidName ?? d))")
        var r = oid.content.upperBound
        if let c = X509.tlv(bytes, at: r, end: e.upperBound), c.tag == 1 {
            tree.add(critical, c.content, .bool(c.content.first.map { bytes[$0] != 0 } ?? false))
            r = c.content.upperBound
        }
        guard let value = X509.tlv(bytes, at: r, end: e.upperBound), value.tag == 4,
              let inner = X509.tlv(bytes, at: value.content.lowerBound, end: value.content.upperBound) else {
            tree.close()
            return
        }
        switch d {
        case "2.5.29.17":
            var names: [(UInt8, Range<Int>)] = []
            var p = inner.content.lowerBound
            while p < inner.content.upperBound, let gn = X509.tlv(bytes, at: p, end: inner.content.upperBound) {
                names.append((gn.tag, gn.content))
                p = gn.content.upperBound
            }
            tree.open(generalNames, inner.content, .uint(UInt64(names.count)),
                      label: "GeneralNames: \(names.count) item\(names.count == 1 ? "" : "s")")
            for (tag, content) in names where tag == 0x82 {
                tree.open(generalName, content, .uint(2), label: "GeneralName: dNSName (2)")
                tree.add(dnsName, content, .string(text(bytes, content)))
                tree.close()
            }
            tree.close()
        case "2.5.29.14":
            tree.add(subjectKeyIdentifier, inner.content, .bytes(inner.content))
        case "2.5.29.35":
            tree.open(authorityKeyIdentifier, inner.content, .none, label: "AuthorityKeyIdentifier")
            if let k = X509.tlv(bytes, at: inner.content.lowerBound, end: inner.content.upperBound), k.tag == 0x80 {
                tree.add(keyIdentifier, k.content, .bytes(k.content))
            }
            tree.close()
        case "2.5.29.19":
            tree.open(basicConstraints, inner.content, .none, label: "BasicConstraintsSyntax")
            if let b = X509.tlv(bytes, at: inner.content.lowerBound, end: inner.content.upperBound), b.tag == 1 {
                tree.add(cA, b.content, .bool(b.content.first.map { bytes[$0] != 0 } ?? false))
            }
            tree.close()
        default:
            break
        }
        tree.close()
    }

    static func name(_ field: HeaderField, _ label: String, _ attributes: [X509.Attribute], _ bytes: ByteView,
                     _ tree: inout TreeBuilder) {
        tree.open(field, nil, .uint(0), label: "\(label): rdnSequence (0)")
        tree.open(field == subject ? subjectRDNSequence : rdnSequence, nil, .uint(UInt64(attributes.count)),
                  label: "rdnSequence: \(attributes.count) item\(attributes.count == 1 ? "" : "s") (\(summary(bytes, attributes)))")
        for a in attributes {
            let value = text(bytes, a.value)
            let (d, oidName) = oidLabel(bytes, a.oid)
            let pair = "\(oidName ?? d)=\(value)"
            tree.open(rdnItem, nil, .uint(1), label: "RDNSequence item: 1 item (\(pair))")
            tree.open(rdnAttribute, nil, .none, label: "RelativeDistinguishedName item (\(pair))")
            tree.add(attributeID, a.oid, .string(d), display: "\(d) (\(oidName ?? d))")
            if d == "2.5.4.6" {
                tree.add(countryName, a.value, .string(value))
            } else if a.tag == 0x0c {
                tree.open(directoryString, nil, .uint(4), label: "DirectoryString: uTF8String (4)")
                tree.add(utf8String, a.value, .string(value))
                tree.close()
            } else if a.tag == 0x13 {
                tree.open(directoryString, nil, .uint(1), label: "DirectoryString: printableString (1)")
                tree.add(printableString, a.value, .string(value))
                tree.close()
            }
            tree.close()
            tree.close()
        }
        tree.close()
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
