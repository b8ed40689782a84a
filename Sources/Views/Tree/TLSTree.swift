import Dissect
import Follow

/// TLS (RFC 5246, RFC 8446): the record layer of every version, the handshake messages
/// with the hello extensions Wireshark names, certificates, alerts, and JA3/JA3S.
enum TLSTree {
    static let record = HeaderField("tls.record", "Record Layer", .none)
    static let contentType = HeaderField("tls.record.content_type", "Content Type", .uint8, names: .values(TLSNames.contentTypes))
    static let opaqueType = HeaderField("tls.record.opaque_type", "Opaque Type", .uint8, names: .values(TLSNames.contentTypes))
    static let recordVersion = HeaderField("tls.record.version", "Version", .uint16, .hex, names: .values(TLSNames.versions))
    static let recordLength = HeaderField("tls.record.length", "Length", .uint16)
    static let handshake = HeaderField("tls.handshake", "Handshake Protocol", .none)
    static let handshakeType = HeaderField("tls.handshake.type", "Handshake Type", .uint8, names: .values(TLSNames.handshakeTypes))
    static let handshakeLength = HeaderField("tls.handshake.length", "Length", .uint24)
    static let version = HeaderField("tls.handshake.version", "Version", .uint16, .hex, names: .values(TLSNames.versions))
    static let random = HeaderField("tls.handshake.random", "Random", .bytes)
    static let randomTime = HeaderField("tls.handshake.random_time", "GMT Unix Time", .absoluteTime)
    static let randomBytes = HeaderField("tls.handshake.random_bytes", "Random Bytes", .bytes)
    static let sessionIDLength = HeaderField("tls.handshake.session_id_length", "Session ID Length", .uint8)
    static let sessionID = HeaderField("tls.handshake.session_id", "Session ID", .bytes)
    static let cipherSuitesLength = HeaderField("tls.handshake.cipher_suites_length", "Cipher Suites Length", .uint16)
    static let cipherSuites = HeaderField("tls.handshake.ciphersuites", "Cipher Suites", .none)
    static let cipherSuite = HeaderField("tls.handshake.ciphersuite", "Cipher Suite", .uint16, .hex, names: .values(TLSNames.cipherSuites))
    static let compMethodsLength = HeaderField("tls.handshake.comp_methods_length", "Compression Methods Length", .uint8)
    static let compMethods = HeaderField("tls.handshake.comp_methods", "Compression Methods", .none)
    static let compMethod = HeaderField("tls.handshake.comp_method", "Compression Method", .uint8, names: .values(TLSNames.compressionMethods))
    static let extensionsLength = HeaderField("tls.handshake.extensions_length", "Extensions Length", .uint16)
    static let extensionType = HeaderField("tls.handshake.extension.type", "Type", .uint16, names: .values(TLSNames.extensionTypes))
    static let extensionLength = HeaderField("tls.handshake.extension.len", "Length", .uint16)
    static let extensionData = HeaderField("tls.handshake.extension.data", "Data", .bytes)
    static let sniListLength = HeaderField("tls.handshake.extensions_server_name_list_len", "Server Name list length", .uint16)
    static let sniType = HeaderField("tls.handshake.extensions_server_name_type", "Server Name Type", .uint8, names: .values([0: "host_name"]))
    static let sniLength = HeaderField("tls.handshake.extensions_server_name_len", "Server Name length", .uint16)
    static let sni = HeaderField("tls.handshake.extensions_server_name", "Server Name", .string)
    static let alpnLength = HeaderField("tls.handshake.extensions_alpn_len", "ALPN Extension Length", .uint16)
    static let alpnStringLength = HeaderField("tls.handshake.extensions_alpn_str_len", "ALPN string length", .uint8)
    static let alpn = HeaderField("tls.handshake.extensions_alpn_str", "ALPN Next Protocol", .string)
    static let groupsLength = HeaderField("tls.handshake.extensions_supported_groups_length", "Supported Groups List Length", .uint16)
    static let group = HeaderField("tls.handshake.extensions_supported_group", "Supported Group", .uint16, .hex, names: .values(TLSNames.groups))
    static let pointFormatsLength = HeaderField("tls.handshake.extensions_ec_point_formats_length", "EC point formats Length", .uint8)
    static let pointFormat = HeaderField("tls.handshake.extensions_ec_point_format", "EC point format", .uint8, names: .values([
        0: "uncompressed", 1: "ansiX962_compressed_prime", 2: "ansiX962_compressed_char2",
    ]))
    static let versionsLength = HeaderField("tls.handshake.extensions.supported_versions_len", "Supported Versions length", .uint8)
    static let supportedVersion = HeaderField("tls.handshake.extensions.supported_version", "Supported Version", .uint16, .hex,
                                              names: .values(TLSNames.versions))
    static let keyShareLength = HeaderField("tls.handshake.extensions_key_share_client_length", "Client Key Share Length", .uint16)
    static let keyShareGroup = HeaderField("tls.handshake.extensions_key_share_group", "Group", .uint16, names: .values(TLSNames.groups))
    static let keyExchangeLength = HeaderField("tls.handshake.extensions_key_share_key_exchange_length", "Key Exchange Length", .uint16)
    static let keyExchange = HeaderField("tls.handshake.extensions_key_share_key_exchange", "Key Exchange", .bytes)
    static let renegotiationLength = HeaderField("tls.handshake.extensions_reneg_info_len", "Renegotiation info extension length", .uint8)
    static let pskModesLength = HeaderField("tls.extension.psk_ke_modes_length", "PSK Key Exchange Modes Length", .uint8)
    static let pskMode = HeaderField("tls.extension.psk_ke_mode", "PSK Key Exchange Mode", .uint8, names: .values([
        0: "PSK-only key establishment (psk_ke)", 1: "PSK with (EC)DHE key establishment (psk_dhe_ke)",
    ]))
    static let groupList = HeaderField("tls.handshake.extensions_supported_groups", "Supported Groups", .none)
    static let pointFormatList = HeaderField("tls.handshake.extensions_ec_point_formats", "Elliptic curves point formats", .none)
    static let sigAlgList = HeaderField("tls.handshake.sig_hash_algs", "Signature Hash Algorithms", .none)
    static let alpnList = HeaderField("tls.handshake.extensions_alpn_list", "ALPN Protocol", .none)
    static let sigAlgsLength = HeaderField("tls.handshake.sig_hash_alg_len", "Signature Hash Algorithms Length", .uint16)
    static let sigAlg = HeaderField("tls.handshake.sig_hash_alg", "Signature Algorithm", .uint16, .hex, names: .values(TLSNames.signatureSchemes))
    static let sigHash = HeaderField("tls.handshake.sig_hash_hash", "Signature Hash Algorithm Hash", .uint8, names: .values([
        1: "MD5", 2: "SHA1", 3: "SHA224", 4: "SHA256", 5: "SHA384", 6: "SHA512",
    ]))
    static let sigSig = HeaderField("tls.handshake.sig_hash_sig", "Signature Hash Algorithm Signature", .uint8, names: .values([
        1: "RSA", 2: "DSA", 3: "ECDSA", 4: "SM2",
    ]))
    static let ja3Full = HeaderField("tls.handshake.ja3_full", "JA3 Fullstring", .string)
    static let ja3 = HeaderField("tls.handshake.ja3", "JA3", .string)
    static let ja3sFull = HeaderField("tls.handshake.ja3s_full", "JA3S Fullstring", .string)
    static let ja3s = HeaderField("tls.handshake.ja3s", "JA3S", .string)
    static let curveType = HeaderField("tls.handshake.server_curve_type", "Curve Type", .uint8, .hex, names: .values([3: "named_curve"]))
    static let namedCurve = HeaderField("tls.handshake.server_named_curve", "Named Curve", .uint16, .hex, names: .values(TLSNames.groups))
    static let serverPointLength = HeaderField("tls.handshake.server_point_len", "Pubkey Length", .uint8)
    static let serverPoint = HeaderField("tls.handshake.server_point", "Pubkey", .bytes)
    static let clientPointLength = HeaderField("tls.handshake.client_point_len", "Pubkey Length", .uint8)
    static let clientPoint = HeaderField("tls.handshake.client_point", "Pubkey", .bytes)
    static let signatureLength = HeaderField("tls.handshake.sig_len", "Signature Length", .uint16)
    static let signature = HeaderField("tls.handshake.sig", "Signature", .bytes)
    static let certificatesLength = HeaderField("tls.handshake.certificates_length", "Certificates Length", .uint24)
    static let certificates = HeaderField("tls.handshake.certificates", "Certificates", .none)
    static let certificateLength = HeaderField("tls.handshake.certificate_length", "Certificate Length", .uint24)
    static let certificate = HeaderField("tls.handshake.certificate", "Certificate", .bytes)
    static let changeCipherSpec = HeaderField("tls.change_cipher_spec", "Change Cipher Spec Message", .none)
    static let alertMessage = HeaderField("tls.alert_message", "Alert Message", .none)
    static let alertLevel = HeaderField("tls.alert_message.level", "Level", .uint8, names: .values(TLSNames.alertLevels))
    static let alertDescription = HeaderField("tls.alert_message.desc", "Description", .uint8, names: .values(TLSNames.alertDescriptions))
    static let appData = HeaderField("tls.app_data", "Encrypted Application Data", .bytes)
    static let appDataProto = HeaderField("tls.app_data_proto", "Application Data Protocol", .string)

    static let declaration = ProtocolDeclaration("tls", "Transport Layer Security", fields: [
        record, contentType, opaqueType, recordVersion, recordLength, handshake, handshakeType, handshakeLength, version,
        random, randomTime, randomBytes, sessionIDLength, sessionID, cipherSuitesLength, cipherSuites, cipherSuite,
        compMethodsLength, compMethods, compMethod, extensionsLength, extensionType, extensionLength, extensionData,
        sniListLength, sniType, sniLength, sni, alpnLength, alpnStringLength, alpn, groupsLength, group,
        pointFormatsLength, pointFormat, versionsLength, supportedVersion, keyShareLength, keyShareGroup,
        keyExchangeLength, keyExchange, pskModesLength, pskMode, renegotiationLength, groupList, pointFormatList, sigAlgList, alpnList, sigAlgsLength, sigAlg, sigHash, sigSig, ja3Full, ja3, ja3sFull, ja3s,
        curveType, namedCurve, serverPointLength, serverPoint, clientPointLength, clientPoint, signatureLength, signature,
        certificatesLength, certificates, certificateLength, certificate, changeCipherSpec, alertMessage, alertLevel,
        alertDescription, appData, appDataProto,
    ])

    /// The running state while one frame's records are walked.
    struct Walk {
        var session: UInt16?
        var changed: Bool
        let appProtocol: String
    }

    static func dissect(_ source: RecordSource, _ input: FieldInput, _ tree: inout TreeBuilder) {
        let tcp = input.frame.tcp
        let https = tcp.map { $0.sourcePort == 443 || $0.destinationPort == 443 } ?? false
        var walk = Walk(session: source.before.tlsVersion,
                        changed: source.fromClient ? source.before.clientChangedCipher : source.before.serverChangedCipher,
                        appProtocol: https ? "Hypertext Transfer Protocol" : "Application Data")
        if source.onlyStartsPDU {
            // An empty protocol node: tshark's JSON gives it its label as the value.
            tree.add(declaration.node, nil, .string("Transport Layer Security"), label: "Transport Layer Security")
            return
        }
        var inFrameOpen = false
        for pdu in source.pdus {
            if let frames = pdu.frames {
                if inFrameOpen { tree.close(); inFrameOpen = false }
                var sub = ReassemblyTree.builder(for: pdu.bytes, frames: frames, &tree)
                sub.open(declaration, nil, label: "Transport Layer Security")
                records(pdu.bytes, pdu.range, &walk, &sub)
                sub.close()
                tree.graft(sub.details.roots)
            } else {
                if !inFrameOpen {
                    tree.open(declaration, pdu.range, label: "Transport Layer Security")
                    inFrameOpen = true
                }
                records(pdu.bytes, pdu.range, &walk, &tree)
            }
        }
        if !inFrameOpen && source.startsPDU {
            tree.open(declaration, nil, label: "Transport Layer Security")
            inFrameOpen = true
        }
        if inFrameOpen { tree.close() }
    }

    /// The records in `range`, each as Wireshark's `TLSv1.2 Record Layer: …` subtree.
    static func records(_ bytes: ByteView, _ range: Range<Int>, _ walk: inout Walk, _ tree: inout TreeBuilder) {
        var p = range.lowerBound
        while p < range.upperBound, let rec = TLSRecord.decode(bytes, at: p, end: range.upperBound).layer {
            let body = rec.body.clamped(to: p..<range.upperBound)
            let versionName = TLSRecord.shortName(walk.session ?? rec.version)
            let isTLS13 = walk.session == 0x0304
            var title: String
            switch rec.contentType {
            case TLSRecord.ContentType.changeCipherSpec: title = "Change Cipher Spec Protocol: Change Cipher Spec"
            case TLSRecord.ContentType.alert:
                if !walk.changed && body.count == 2 {
                    let d = TLSNames.alertDescriptions[UInt64(bytes[body.lowerBound + 1])] ?? "Unknown"
                    title = "Alert Protocol: \(d)"
                } else {
                    title = "Encrypted Alert"
                }
            case TLSRecord.ContentType.handshake:
                if walk.changed {
                    title = "Handshake Protocol: Encrypted Handshake Message"
                } else {
                    var it = TLSHandshake.Iterator(bytes, body: body)
                    var names: [String] = []
                    while let m = it.next() { names.append(TLSNames.handshakeTypes[UInt64(m.type)] ?? "Unknown") }
                    if it.encrypted && names.isEmpty { names.append("Encrypted Handshake Message") }
                    title = "Handshake Protocol: " + (names.count > 1 ? "Multiple Handshake Messages" : names.first ?? "")
                }
            case TLSRecord.ContentType.applicationData: title = "Application Data Protocol: \(walk.appProtocol)"
            default: title = "Unknown Protocol"
            }
            tree.open(record, p..<min(rec.end, range.upperBound), .none, label: "\(versionName) Record Layer: \(title)")
            let t = UInt64(rec.contentType)
            if isTLS13 && rec.contentType == TLSRecord.ContentType.applicationData {
                tree.add(opaqueType, p..<p + 1, .uint(t))
            } else {
                tree.add(contentType, p..<p + 1, .uint(t))
            }
            tree.add(recordVersion, p + 1..<p + 3, .uint(UInt64(rec.version)))
            tree.add(recordLength, p + 3..<p + 5, .uint(UInt64(rec.length)))
            switch rec.contentType {
            case TLSRecord.ContentType.changeCipherSpec:
                tree.add(changeCipherSpec, body, .none, label: "Change Cipher Spec Message")
                walk.changed = true
            case TLSRecord.ContentType.alert:
                if !walk.changed && body.count == 2 {
                    tree.open(alertMessage, body, .none, label: "Alert Message")
                    tree.add(alertLevel, body.lowerBound..<body.lowerBound + 1, .uint(UInt64(bytes[body.lowerBound])))
                    tree.add(alertDescription, body.lowerBound + 1..<body.upperBound, .uint(UInt64(bytes[body.lowerBound + 1])))
                    tree.close()
                } else {
                    tree.add(alertMessage, body, .none, label: "Alert Message: Encrypted Alert")
                }
            case TLSRecord.ContentType.handshake:
                handshakes(bytes, body, &walk, &tree)
            case TLSRecord.ContentType.applicationData:
                tree.add(appData, body, .bytes(body), display: ellipsized(bytes, body))
                if walk.appProtocol != "Application Data" {
                    tree.add(appDataProto, nil, .string(walk.appProtocol), generated: true)
                }
            default:
                break
            }
            tree.close()
            p = rec.end
        }
    }

    static func handshakes(_ bytes: ByteView, _ body: Range<Int>, _ walk: inout Walk, _ tree: inout TreeBuilder) {
        if walk.changed {
            tree.add(handshake, body, .none, label: "Handshake Protocol: Encrypted Handshake Message")
            return
        }
        var it = TLSHandshake.Iterator(bytes, body: body)
        var any = false
        while let m = it.next() {
            any = true
            let name = TLSNames.handshakeTypes[UInt64(m.type)] ?? "Unknown"
            tree.open(handshake, m.offset..<m.end, .none, label: "Handshake Protocol: \(name)")
            tree.add(handshakeType, m.offset..<m.offset + 1, .uint(UInt64(m.type)))
            tree.add(handshakeLength, m.offset + 1..<m.offset + 4, .uint(UInt64(m.length)))
            switch m.type {
            case TLSHandshake.Kind.clientHello, TLSHandshake.Kind.serverHello:
                if let hello = TLSHello.decode(bytes, body: m.body, isClient: m.type == TLSHandshake.Kind.clientHello) {
                    self.hello(hello, bytes, walk: walk, &tree)
                    if !hello.isClient { walk.session = hello.negotiatedVersion(bytes) }
                }
            case TLSHandshake.Kind.certificate:
                certificateList(bytes, m.body, tls13: walk.session == 0x0304, &tree)
            case TLSHandshake.Kind.serverKeyExchange:
                serverKeyExchange(bytes, m.body, &tree)
            case TLSHandshake.Kind.clientKeyExchange:
                let b = m.body.lowerBound
                if m.length >= 1, Int(bytes[b]) == m.length - 1 {
                    tree.openText("EC Diffie-Hellman Client Params", range: m.body)
                    tree.add(clientPointLength, b..<b + 1, .uint(UInt64(bytes[b])))
                    tree.add(clientPoint, b + 1..<m.body.upperBound, .bytes(b + 1..<m.body.upperBound))
                    tree.close()
                }
            default:
                break
            }
            tree.close()
        }
        if !any || it.encrypted {
            tree.add(handshake, body, .none, label: "Handshake Protocol: Encrypted Handshake Message")
        }
    }

    static func hello(_ h: TLSHello, _ bytes: ByteView, walk: Walk, _ tree: inout TreeBuilder) {
        let v = h.versionOffset
        tree.add(version, v..<v + 2, .uint(UInt64(h.version)))
        if walk.session == 0x0304 || !h.isClient && h.negotiatedVersion(bytes) == 0x0304 {
            tree.add(random, h.random, .bytes(h.random))
        } else {
            tree.open(random, h.random, .bytes(h.random))
            let seconds = Int64(bytes.u32be(h.random.lowerBound))
            tree.add(randomTime, h.random.lowerBound..<h.random.lowerBound + 4, .absoluteTime(Timestamp(seconds: seconds, nanoseconds: 0)))
            let rest = h.random.lowerBound + 4..<h.random.upperBound
            tree.add(randomBytes, rest, .bytes(rest))
            tree.close()
        }
        tree.add(sessionIDLength, h.sessionID.lowerBound - 1..<h.sessionID.lowerBound, .uint(UInt64(h.sessionID.count)))
        if !h.sessionID.isEmpty { tree.add(sessionID, h.sessionID, .bytes(h.sessionID)) }
        var suites: [UInt16] = []
        if h.isClient {
            let s = h.cipherSuites
            tree.add(cipherSuitesLength, s.lowerBound - 2..<s.lowerBound, .uint(UInt64(s.count)))
            tree.open(cipherSuites, s, .none, label: "Cipher Suites (\(s.count / 2) suite\(s.count / 2 == 1 ? "" : "s"))")
            for i in stride(from: s.lowerBound, to: s.upperBound - 1, by: 2) {
                let suite = bytes.u16be(i)
                suites.append(suite)
                tree.add(cipherSuite, i..<i + 2, .uint(UInt64(suite)))
            }
            tree.close()
            let c = h.compressionMethods
            tree.add(compMethodsLength, c.lowerBound - 1..<c.lowerBound, .uint(UInt64(c.count)))
            tree.open(compMethods, c, .none, label: "Compression Methods (\(c.count) method\(c.count == 1 ? "" : "s"))")
            for i in c { tree.add(compMethod, i..<i + 1, .uint(UInt64(bytes[i]))) }
            tree.close()
        } else {
            let suite = bytes.u16be(h.cipherSuites.lowerBound)
            suites.append(suite)
            tree.add(cipherSuite, h.cipherSuites, .uint(UInt64(suite)))
            tree.add(compMethod, h.compressionMethods, .uint(UInt64(bytes[h.compressionMethods.lowerBound])))
        }
        var extensionTypes: [UInt16] = []
        var groups: [UInt16] = []
        var formats: [UInt8] = []
        if let block = h.extensions {
            tree.add(extensionsLength, block.lowerBound - 2..<block.lowerBound, .uint(UInt64(block.count)))
            for (type, body) in h.extensionList(bytes) {
                if !isGREASE(type) { extensionTypes.append(type) }
                let name = TLSNames.extensionTypes[UInt64(type)] ?? (isGREASE(type) ? "Reserved (GREASE)" : "Unknown type \(type)")
                tree.openText("Extension: \(name) (len=\(body.count))", range: body.lowerBound - 4..<body.upperBound)
                tree.add(extensionType, body.lowerBound - 4..<body.lowerBound - 2, .uint(UInt64(type)))
                tree.add(extensionLength, body.lowerBound - 2..<body.lowerBound, .uint(UInt64(body.count)))
                extensionBody(type, body, bytes, isClient: h.isClient, groups: &groups, formats: &formats, &tree)
                tree.close()
            }
        }
        let join = { (values: [String]) in values.joined(separator: "-") }
        if h.isClient {
            let full = "\(h.version),\(join(suites.filter { !isGREASE($0) }.map(String.init))),"
                + "\(join(extensionTypes.map(String.init))),\(join(groups.filter { !isGREASE($0) }.map(String.init))),"
                + join(formats.map(String.init))
            tree.add(ja3Full, nil, .string(full), generated: true)
            tree.add(ja3, nil, .string(MD5.hex(full)), generated: true)
        } else {
            let full = "\(h.version),\(suites.first.map(String.init) ?? ""),\(join(extensionTypes.map(String.init)))"
            tree.add(ja3sFull, nil, .string(full), generated: true)
            tree.add(ja3s, nil, .string(MD5.hex(full)), generated: true)
        }
    }

    /// GREASE values (RFC 8701): 0x0a0a, 0x1a1a, … 0xfafa.
    static func isGREASE(_ v: UInt16) -> Bool { v & 0x0f0f == 0x0a0a && v >> 8 == v & 0xff }

    static func extensionBody(_ type: UInt16, _ body: Range<Int>, _ bytes: ByteView, isClient: Bool,
                              groups: inout [UInt16], formats: inout [UInt8], _ tree: inout TreeBuilder) {
        let b = body.lowerBound, e = body.upperBound
        switch type {
        case 0 where body.count >= 2:
            tree.openText("Server Name Indication extension", range: body)
            tree.add(sniListLength, b..<b + 2, .uint(UInt64(bytes.u16be(b))))
            var p = b + 2
            while p + 3 <= e {
                let n = Int(bytes.u16be(p + 1))
                guard p + 3 + n <= e else { break }
                tree.add(sniType, p..<p + 1, .uint(UInt64(bytes[p])))
                tree.add(sniLength, p + 1..<p + 3, .uint(UInt64(n)))
                tree.add(sni, p + 3..<p + 3 + n, .string(HTTPTree.string(bytes, p + 3..<p + 3 + n)))
                p += 3 + n
            }
            tree.close()
        case 10 where body.count >= 2:
            let n = Int(bytes.u16be(b))
            tree.add(groupsLength, b..<b + 2, .uint(UInt64(n)))
            let list = b + 2..<min(e, b + 2 + n)
            tree.open(groupList, list, .none, label: "Supported Groups (\(list.count / 2) group\(list.count / 2 == 1 ? "" : "s"))")
            for i in stride(from: list.lowerBound, to: list.upperBound - 1, by: 2) {
                let g = bytes.u16be(i)
                groups.append(g)
                tree.add(group, i..<i + 2, .uint(UInt64(g)))
            }
            tree.close()
        case 11 where body.count >= 1:
            let n = Int(bytes[b])
            tree.add(pointFormatsLength, b..<b + 1, .uint(UInt64(n)))
            let list = b + 1..<min(e, b + 1 + n)
            tree.open(pointFormatList, list, .none, label: "Elliptic curves point formats (\(list.count))")
            for i in list {
                formats.append(bytes[i])
                tree.add(pointFormat, i..<i + 1, .uint(UInt64(bytes[i])))
            }
            tree.close()
        case 13 where body.count >= 2:
            let n = Int(bytes.u16be(b))
            tree.add(sigAlgsLength, b..<b + 2, .uint(UInt64(n)))
            let list = b + 2..<min(e, b + 2 + n)
            tree.open(sigAlgList, list, .none, label: "Signature Hash Algorithms (\(list.count / 2) algorithm\(list.count / 2 == 1 ? "" : "s"))")
            for i in stride(from: list.lowerBound, to: list.upperBound - 1, by: 2) {
                tree.open(sigAlg, i..<i + 2, .uint(UInt64(bytes.u16be(i))))
                tree.add(sigHash, i..<i + 1, .uint(UInt64(bytes[i])))
                tree.add(sigSig, i + 1..<i + 2, .uint(UInt64(bytes[i + 1])))
                tree.close()
            }
            tree.close()
        case 16 where body.count >= 2:
            tree.add(alpnLength, b..<b + 2, .uint(UInt64(bytes.u16be(b))))
            tree.open(alpnList, b + 2..<e, .none, label: "ALPN Protocol")
            var p = b + 2
            while p < e {
                let n = Int(bytes[p])
                guard p + 1 + n <= e else { break }
                tree.add(alpnStringLength, p..<p + 1, .uint(UInt64(n)))
                tree.add(alpn, p + 1..<p + 1 + n, .string(HTTPTree.string(bytes, p + 1..<p + 1 + n)))
                p += 1 + n
            }
            tree.close()
        case 43:
            if isClient, body.count >= 1 {
                tree.add(versionsLength, b..<b + 1, .uint(UInt64(bytes[b])))
                for i in stride(from: b + 1, to: e - 1, by: 2) {
                    tree.add(supportedVersion, i..<i + 2, .uint(UInt64(bytes.u16be(i))))
                }
            } else if body.count == 2 {
                tree.add(supportedVersion, b..<e, .uint(UInt64(bytes.u16be(b))))
            }
        case 51:
            tree.openText("Key Share extension", range: body)
            var p = b
            if isClient, body.count >= 2 {
                tree.add(keyShareLength, b..<b + 2, .uint(UInt64(bytes.u16be(b))))
                p = b + 2
            }
            while p + 4 <= e {
                let g = bytes.u16be(p)
                let n = Int(bytes.u16be(p + 2))
                guard p + 4 + n <= e else { break }
                let gname = TLSNames.groups[UInt64(g)] ?? "Unknown (\(g))"
                tree.openText("Key Share Entry: Group: \(gname), Key Exchange length: \(n)", range: p..<p + 4 + n)
                tree.add(keyShareGroup, p..<p + 2, .uint(UInt64(g)))
                tree.add(keyExchangeLength, p + 2..<p + 4, .uint(UInt64(n)))
                tree.add(keyExchange, p + 4..<p + 4 + n, .bytes(p + 4..<p + 4 + n))
                tree.close()
                p += 4 + n
            }
            tree.close()
        case 65281 where body.count >= 1:
            tree.openText("Renegotiation Info extension", range: body)
            tree.add(renegotiationLength, b..<b + 1, .uint(UInt64(bytes[b])))
            tree.close()
        case 45 where body.count >= 1:
            tree.add(pskModesLength, b..<b + 1, .uint(UInt64(bytes[b])))
            for i in b + 1..<min(e, b + 1 + Int(bytes[b])) { tree.add(pskMode, i..<i + 1, .uint(UInt64(bytes[i]))) }
        default:
            if !body.isEmpty { tree.add(extensionData, body, .bytes(body)) }
        }
    }

    /// ECDHE parameters (RFC 8422 §5.4): named curve, public point, signature.
    static func serverKeyExchange(_ bytes: ByteView, _ body: Range<Int>, _ tree: inout TreeBuilder) {
        let b = body.lowerBound, e = body.upperBound
        guard body.count >= 4, bytes[b] == 3 else { return }
        let n = Int(bytes[b + 3])
        guard b + 4 + n <= e else { return }
        tree.openText("EC Diffie-Hellman Server Params", range: body)
        tree.add(curveType, b..<b + 1, .uint(3))
        tree.add(namedCurve, b + 1..<b + 3, .uint(UInt64(bytes.u16be(b + 1))))
        tree.add(serverPointLength, b + 3..<b + 4, .uint(UInt64(n)))
        tree.add(serverPoint, b + 4..<b + 4 + n, .bytes(b + 4..<b + 4 + n))
        var p = b + 4 + n
        if p + 4 <= e {
            tree.open(sigAlg, p..<p + 2, .uint(UInt64(bytes.u16be(p))))
            tree.add(sigHash, p..<p + 1, .uint(UInt64(bytes[p])))
            tree.add(sigSig, p + 1..<p + 2, .uint(UInt64(bytes[p + 1])))
            tree.close()
            p += 2
            let m = Int(bytes.u16be(p))
            tree.add(signatureLength, p..<p + 2, .uint(UInt64(m)))
            if p + 2 + m <= e {
                tree.add(signature, p + 2..<p + 2 + m, .bytes(p + 2..<p + 2 + m), display: ellipsized(bytes, p + 2..<p + 2 + m))
            }
        }
        tree.close()
    }

    static func certificateList(_ bytes: ByteView, _ body: Range<Int>, tls13: Bool, _ tree: inout TreeBuilder) {
        var p = body.lowerBound
        let e = min(body.upperBound, bytes.count)
        if tls13 {
            guard p < e else { return }
            p += 1 + Int(bytes[p])  // certificate_request_context
        }
        guard p + 3 <= e else { return }
        let total = Int(bytes[p]) << 16 | Int(bytes.u16be(p + 1))
        tree.add(certificatesLength, p..<p + 3, .uint(UInt64(total)))
        p += 3
        let end = min(e, p + total)
        tree.open(certificates, p..<end, .none, label: "Certificates (\(total) bytes)")
        while p + 3 <= end {
            let n = Int(bytes[p]) << 16 | Int(bytes.u16be(p + 1))
            guard p + 3 + n <= end else { break }
            tree.add(certificateLength, p..<p + 3, .uint(UInt64(n)))
            let cert = p + 3..<p + 3 + n
            let names = X509.subjectSummary(bytes, cert)
            tree.open(certificate, cert, .bytes(cert), display: ellipsized(bytes, cert) + (names.isEmpty ? "" : " (\(names))"))
            X509Tree.dissect(bytes, cert, &tree)
            tree.close()
            p = cert.upperBound
            if tls13, p + 2 <= end { p += 2 + Int(bytes.u16be(p)) }  // extensions
        }
        tree.close()
    }

    /// Bytes as hex, cut to 36 bytes with `…` as Wireshark's details lines cut them.
    static func ellipsized(_ bytes: ByteView, _ range: Range<Int>) -> String {
        let shown = range.count > 36 ? range.lowerBound..<range.lowerBound + 36 : range
        var s = ""
        for i in shown.clamped(to: 0..<bytes.count) { s += hex(UInt64(bytes[i]), digits: 2) }
        return range.count > 36 ? s + "…" : s
    }
}

