import Dissect
import Follow

/// 802.1X (packet-eapol.c) and EAP (packet-eap.c) as tshark 4.0 shows them: the EAPOL
/// header, RC4 key descriptors, and EAP packets with their Identity, Notification, Nak,
/// MD5-Challenge, EAP-TLS flags and EAP-SIM/AKA attributes.
enum EAPOLTree {
    static let version = HeaderField("eapol.version", "Version", .uint8, names: .values([1: "802.1X-2001", 2: "802.1X-2004", 3: "802.1X-2010"]))
    static let type = HeaderField("eapol.type", "Type", .uint8, names: .values(typeNames))
    static let length = HeaderField("eapol.len", "Length", .uint16)
    static let keyDescriptorType = HeaderField("eapol.keydes.type", "Key Descriptor Type", .uint8,
                                               names: .values([1: "RC4 Descriptor", 2: "EAPOL RSN Key", 254: "EAPOL WPA Key"]))
    static let keyDescriptorBody = HeaderField("eapol.keydes.body", "Key Descriptor Body", .bytes)
    static let keyLength = HeaderField("eapol.keydes.key_len", "Key Length", .uint16)
    static let replayCounter = HeaderField("eapol.keydes.replay_counter", "Replay Counter", .uint64)
    static let keyIV = HeaderField("eapol.keydes.key_iv", "Key IV", .bytes)
    static let keyIndex = HeaderField("eapol.keydes.key_index", "Key Index", .uint8, .hex)
    static let keyIndexType = HeaderField("eapol.keydes.key_index.type", "Type", .boolean, width: 8, mask: 0x80,
                                          names: .trueFalse("Unicast", "Broadcast"))
    static let keyIndexNumber = HeaderField("eapol.keydes.key_index.number", "Number", .uint8, mask: 0x7F)
    static let keySignature = HeaderField("eapol.keydes.key_signature", "Key Signature", .bytes)
    static let key = HeaderField("eapol.keydes.key", "Key", .bytes)
    static let generatedLocally = HeaderField("eapol.keydes.key.generated_locally", "Key Generated Locally", .boolean, .none)

    static let declaration = ProtocolDeclaration("eapol", "802.1X Authentication", fields: [
        version, type, length, keyDescriptorType, keyDescriptorBody, keyLength, replayCounter, keyIV, keyIndex,
        keyIndexType, keyIndexNumber, keySignature, key, generatedLocally,
    ])

    static let typeNames: [UInt64: String] = [
        0: "EAP Packet", 1: "Start", 2: "Logoff", 3: "Key", 4: "Encapsulated ASF Alert", 5: "MKA",
        6: "Announcement (Generic)", 7: "Announcement (Specific)", 8: "Announcement Request",
    ]

    static func dissect(_ m: EAPOL, analysis: FrameAnalysis, _ tree: inout TreeBuilder) {
        let bytes = tree.bytes
        let o = m.offset
        tree.open(declaration, o..<m.end, label: "802.1X Authentication")
        tree.add(version, o..<o + 1, .uint(UInt64(m.version)))
        tree.add(type, o + 1..<o + 2, .uint(UInt64(m.type)))
        tree.add(length, o + 2..<o + 4, .uint(UInt64(m.length)))
        let body = m.body
        if m.type == 3, !body.isEmpty {
            let descriptor = bytes[body.lowerBound]
            tree.add(keyDescriptorType, body.lowerBound..<body.lowerBound + 1, .uint(UInt64(descriptor)))
            let rest = body.lowerBound + 1..<body.upperBound
            if descriptor == 1 {
                rc4Key(rest, eapolLength: m.length, &tree)
            } else if descriptor != 2 && descriptor != 254, !rest.isEmpty {
                tree.add(keyDescriptorBody, rest, .bytes(rest))
            }
        }
        tree.close()
        if m.type == 0 {
            EAPTree.dissect(body, declaredLength: m.length, retransmission: analysis.eapRetransmission, &tree)
        } else if m.type != 3 && m.type != 5 {
            DataTree.dissect(body, &tree)
        }
    }

    private static func rc4Key(_ r: Range<Int>, eapolLength: Int, _ tree: inout TreeBuilder) {
        let bytes = tree.bytes
        let o = r.lowerBound
        guard o + 43 <= r.upperBound else { return }
        let keyLen = Int(bytes.u16be(o))
        tree.add(keyLength, o..<o + 2, .uint(UInt64(keyLen)))
        tree.add(replayCounter, o + 2..<o + 10, .uint(bytes.u64be(o + 2)))
        tree.add(keyIV, o + 10..<o + 26, .bytes(o + 10..<o + 26))
        let index = UInt64(bytes[o + 26])
        tree.open(keyIndex, o + 26..<o + 27, .uint(index))
        tree.bits(keyIndexType, o + 26..<o + 27, container: index)
        tree.bits(keyIndexNumber, o + 26..<o + 27, container: index)
        tree.close()
        tree.add(keySignature, o + 27..<o + 43, .bytes(o + 27..<o + 43))
        guard keyLen != 0 else { return }
        // IEEE 802.1X-2004 7.6.3.6: a body of no more than the descriptor means the key
        // was generated locally.
        let local = eapolLength <= 44
        if !local {
            guard o + 43 + keyLen <= r.upperBound else { return }
            tree.add(key, o + 43..<o + 43 + keyLen, .bytes(o + 43..<o + 43 + keyLen))
        }
        tree.add(generatedLocally, nil, .bool(local))
    }

    /// "EAPOL" or, for an EAP packet, "EAP".
    static func protocolName(_ m: EAPOL) -> String { m.type == 0 && !m.body.isEmpty ? "EAP" : "EAPOL" }

    /// "Start", "Key"; for EAP "Request, Identity", "Success".
    static func writeInfo(_ m: EAPOL, bytes: ByteView, to out: OutputBuffer) {
        if m.type == 0, !m.body.isEmpty {
            out.string(EAPTree.info(bytes, m.body))
        } else {
            out.string(typeNames[UInt64(m.type)] ?? "Unknown Type (0x\(hex(UInt64(m.type), digits: 2).uppercased()))")
        }
    }
}

enum EAPTree {
    static let code = HeaderField("eap.code", "Code", .uint8, names: .values(codeNames))
    static let id = HeaderField("eap.id", "Id", .uint8)
    static let length = HeaderField("eap.len", "Length", .uint16)
    static let type = HeaderField("eap.type", "Type", .uint8, names: .values(typeNames))
    static let desiredType = HeaderField("eap.desired_type", "Desired Auth Type", .uint8, names: .values(typeNames))
    static let identity = HeaderField("eap.identity", "Identity", .string)
    static let identityActualLength = HeaderField("eap.identity.actual_len", "Identity Actual Length", .uint16)
    static let identityPadding = HeaderField("eap.identity.padding", "Padding", .bytes)
    static let notification = HeaderField("eap.notification", "Notification", .string)
    static let md5ValueSize = HeaderField("eap.md5.value_size", "EAP-MD5 Value-Size", .uint8)
    static let md5Value = HeaderField("eap.md5.value", "EAP-MD5 Value", .bytes)
    static let md5ExtraData = HeaderField("eap.md5.extra_data", "EAP-MD5 Extra Data", .bytes)
    static let tlsFlags = HeaderField("eap.tls.flags", "EAP-TLS Flags", .uint8, .hex)
    static let tlsLengthIncluded = HeaderField("eap.tls.flags.len_included", "Length Included", .boolean, width: 8, mask: 0x80)
    static let tlsMoreFragments = HeaderField("eap.tls.flags.more_fragments", "More Fragments", .boolean, width: 8, mask: 0x40)
    static let tlsStart = HeaderField("eap.tls.flags.start", "Start", .boolean, width: 8, mask: 0x20)
    static let tlsVersion = HeaderField("eap.tls.flags.version", "Version", .uint8, mask: 0x07)
    static let tlsLength = HeaderField("eap.tls.len", "EAP-TLS Length", .uint32)
    static let data = HeaderField("eap.data", "EAP Data", .bytes)

    /// EAP-SIM's and EAP-AKA's fields, which differ only in their names.
    struct SIMFields {
        let prefix: String
        let subtype, reserved, attribute, attributeType, attributeLength, notificationType, errorCode, value: HeaderField
        init(_ p: String, _ label: String, subtypes: [UInt64: String]) {
            prefix = label
            subtype = HeaderField("eap.\(p).subtype", "\(label) Subtype", .uint8, names: .values(subtypes))
            reserved = HeaderField("eap.\(p).reserved", "\(label) Reserved", .uint16, .hex)
            attribute = HeaderField("eap.\(p).subtype.attribute", "\(label) Attribute", .none)
            attributeType = HeaderField("eap.\(p).subtype.type", "\(label) Type", .uint8, names: .values(EAPTree.attributeNames))
            attributeLength = HeaderField("eap.\(p).subtype.len", "\(label) Length", .uint8)
            notificationType = HeaderField("eap.\(p).notification_type", "\(label) Notification Type", .uint16, names: .values([
                0: "General Failure after Authentication", 1026: "User has been temporarily denied access",
                1031: "User has not subscribed to the requested service", 8192: "Failure to Terminate the Authentication Exchange",
                16384: "General Failure", 32768: "Success",
            ]))
            errorCode = HeaderField("eap.\(p).error_code", "\(label) Error Code", .uint16, names: .values([
                0: "Unable to process packet", 1: "Unsupported version", 2: "Insufficient number of challenges",
                3: "RANDs are not fresh",
            ]))
            value = HeaderField("eap.\(p).subtype.value", "\(label) Value", .bytes)
        }
        var all: [HeaderField] { [subtype, reserved, attribute, attributeType, attributeLength, notificationType, errorCode, value] }
    }
    static let sim = SIMFields("sim", "EAP-SIM", subtypes: [
        10: "Start", 11: "Challenge", 12: "Notification", 13: "Re-authentication", 14: "Client-Error",
    ])
    static let aka = SIMFields("aka", "EAP-AKA", subtypes: [
        1: "AKA-Challenge", 2: "AKA-Authentication-Reject", 4: "AKA-Synchronization-Failure", 5: "AKA-Identity",
        12: "Notification", 13: "Re-authentication", 14: "Client-Error",
    ])

    static let declaration = ProtocolDeclaration("eap", "Extensible Authentication Protocol", fields: [
        code, id, length, type, desiredType, identity, identityActualLength, identityPadding, notification, md5ValueSize,
        md5Value, md5ExtraData, tlsFlags, tlsLengthIncluded, tlsMoreFragments, tlsStart, tlsVersion, tlsLength,
    ] + sim.all + aka.all + [data])

    static let codeNames: [UInt64: String] = [1: "Request", 2: "Response", 3: "Success", 4: "Failure", 5: "Initiate", 6: "Finish"]
    static let typeNames: [UInt64: String] = [
        1: "Identity", 2: "Notification", 3: "Legacy Nak (Response Only)", 4: "MD5-Challenge EAP (EAP-MD5-CHALLENGE)",
        5: "One-Time Password EAP (EAP-OTP)", 6: "Generic Token Card EAP (EAP-GTC)", 7: "Allocated", 8: "Allocated",
        9: "RSA Public Key Authentication EAP (EAP-RSA-PKA)", 10: "DSS Unilateral EAP (EAP-DSS)", 11: "KEA EAP (EAP-KEA)",
        12: "KEA Validate EAP (EAP-KEA-VALIDATE)", 13: "TLS EAP (EAP-TLS)", 14: "Defender Token EAP (EAP-AXENT)",
        15: "RSA Security SecurID EAP (EAP-RSA-SECURID)", 16: "Arcot Systems EAP (EAP-ARCOT-SYSTEMS)",
        17: "Cisco Wireless EAP / Lightweight EAP (EAP-LEAP)", 18: "GSM Subscriber Identity Modules EAP (EAP-SIM)",
        19: "Secure Remote Password SHA1 Part 1 EAP (EAP-SRP-SHA1-PART1)",
        20: "Secure Remote Password SHA1 Part 2 EAP (EAP-SRP-SHA1-PART2)", 21: "Tunneled TLS EAP (EAP-TTLS)",
        22: "Remote Access Service EAP (EAP-RAS)", 23: "UMTS Authentication and Key Agreement EAP (EAP-AKA)",
        24: "3Com Wireless EAP (EAP-3COM-WIRELESS)", 25: "Protected EAP (EAP-PEAP)", 26: "MS-Authentication EAP (EAP-MS-AUTH)",
        27: "Mutual Authentication w/Key Exchange EAP (EAP-MAKE)", 28: "CRYPTOCard EAP (EAP-CRYPTOCARD)",
        29: "MS-CHAP-v2 EAP (EAP-MS-CHAP-V2)", 30: "DynamID EAP (EAP-DYNAMID)", 31: "Rob EAP (EAP-ROB)",
        32: "Protected One-Time Password EAP (EAP-POTP)", 33: "MS-Authentication TLV EAP (EAP-MS-AUTH-TLV)",
        34: "SentriNET (EAP-SENTRINET)", 35: "Actiontec Wireless EAP (EAP-ACTIONTEC-WIRELESS)",
        36: "Cogent Systems Biometrics Authentication EAP (EAP-COGENT-BIOMETRIC)", 37: "AirFortress EAP (EAP-AIRFORTRESS)",
        38: "HTTP Digest EAP (EAP-HTTP-DIGEST)", 39: "SecureSuite EAP (EAP-SECURESUITE)",
        40: "DeviceConnect EAP (EAP-DEVICECONNECT)", 41: "Simple Password Exponential Key Exchange EAP (EAP-SPEKE)",
        42: "MOBAC EAP (EAP-MOBAC)", 43: "Flexible Authentication via Secure Tunneling EAP (EAP-FAST)",
        44: "ZoneLabs EAP (EAP-ZLXEAP)", 45: "Link EAP (EAP-LINK)", 46: "Password Authenticated eXchange EAP (EAP-PAX)",
        47: "Pre-Shared Key EAP (EAP-PSK)", 48: "Shared-secret Authentication and Key Establishment EAP (EAP-SAKE)",
        49: "Internet Key Exchange v2 EAP (EAP-IKEv2)", 50: "UMTS Authentication and Key Agreement' EAP (EAP-AKA')",
        51: "Generalized Pre-Shared Key EAP (EAP-GPSK)", 52: "Password EAP (EAP-pwd)", 53: "Encrypted Key Exchange v1 EAP (EAP-EKEv1)",
        55: "Tunneled EAP protocol", 254: "Expanded Type", 255: "Experimental",
    ]
    static let attributeNames: [UInt64: String] = [
        1: "AT_RAND", 2: "AT_AUTN", 3: "AT_RES", 4: "AT_AUTS", 6: "AT_PADDING", 7: "AT_NONCE_MT", 10: "AT_PERMANENT_ID_REQ",
        11: "AT_MAC", 12: "AT_NOTIFICATION", 13: "AT_ANY_ID_REQ", 14: "AT_IDENTITY", 15: "AT_VERSION_LIST",
        16: "AT_SELECTED_VERSION", 17: "AT_FULLAUTH_ID_REQ", 19: "AT_COUNTER", 20: "AT_COUNTER_TOO_SMALL", 21: "AT_NONCE_S",
        22: "AT_CLIENT_ERROR_CODE", 23: "AT_KDF_INPUT", 24: "AT_KDF", 128: "Unassigned", 129: "AT_IV", 130: "AT_ENCR_DATA",
        131: "Unassigned", 132: "AT_NEXT_PSEUDONYM", 133: "AT_NEXT_REAUTH_ID", 134: "AT_CHECKCODE", 135: "AT_RESULT_IND",
        136: "AT_BIDDING", 137: "AT_IPMS_IND", 138: "AT_IPMS_RES", 139: "AT_TRUST_IND", 140: "AT_SHORT_NAME_FOR_NETWORK",
        141: "AT_FULL_NAME_FOR_NETWORK", 142: "AT_RQSI_IND", 143: "AT_RQSI_RES", 144: "AT_TWAN_CONN_MODE",
        145: "AT_VIRTUAL_NETWORK_ID", 146: "AT_VIRTUAL_NETWORK_REQ", 147: "AT_CONNECTIVITY_TYPE", 148: "AT_HANDOVER_INDICATION",
        149: "AT_HANDOVER_SESSION_ID", 150: "AT_MN_SERIAL_ID", 151: "AT_DEVICE_IDENTITY",
    ]

    /// "Request, Identity", "Success", "Unknown code (0x07)".
    static func info(_ bytes: ByteView, _ body: Range<Int>) -> String {
        let c = UInt64(bytes[body.lowerBound])
        var text = codeNames[c] ?? "Unknown code (0x\(hex(c, digits: 2).uppercased()))"
        if c == 1 || c == 2, body.lowerBound + 4 < body.upperBound {
            let t = UInt64(bytes[body.lowerBound + 4])
            text += ", " + (typeNames[t] ?? "Unknown type (0x\(hex(t, digits: 2)))")
        }
        return text
    }

    /// The EAP packet in an EAPOL body of `declaredLength` bytes (`body` is what was captured of it).
    static func dissect(_ body: Range<Int>, declaredLength: Int, retransmission: Bool, _ tree: inout TreeBuilder) {
        let bytes = tree.bytes
        let o = body.lowerBound
        guard body.count >= 4 else { return }
        let c = bytes[o], len = Int(bytes.u16be(o + 2))
        tree.open(declaration, o..<o + min(max(len, 0), body.count), label: "Extensible Authentication Protocol")
        defer { tree.close() }
        tree.add(code, o..<o + 1, .uint(UInt64(c)))
        if retransmission {
            tree.open(id, o + 1..<o + 2, .uint(UInt64(bytes[o + 1])))
            tree.expert("eap.retransmission", .note, .sequence, "This packet is a retransmission")
            tree.close()
        } else {
            tree.add(id, o + 1..<o + 2, .uint(UInt64(bytes[o + 1])))
        }
        if len < 4 || len > declaredLength {
            tree.open(length, o + 2..<o + 4, .uint(UInt64(len)))
            tree.expert("eap.bad_length", .warning, .protocolGroup, "Bad length (too small or too large)")
            tree.close()
        } else {
            tree.add(length, o + 2..<o + 4, .uint(UInt64(len)))
        }
        guard c == 1 || c == 2, body.count >= 5 else { return }
        let t = bytes[o + 4]
        let typeRange = o + 4..<o + 5
        guard len > 5 || (len == 5 && t == 1) else {
            tree.add(type, typeRange, .uint(UInt64(t)))
            return
        }
        let start = o + 5, size = len - 5
        // What follows needs the declared bytes captured (tshark stops at an exception).
        let end = min(start + size, body.upperBound)
        switch t {
        case 1:
            tree.add(type, typeRange, .uint(UInt64(t)))
            if size > 0 { addIdentity(start..<end, &tree) }
        case 2:
            tree.add(type, typeRange, .uint(UInt64(t)))
            tree.add(notification, start..<end, .string(text(bytes, start..<end)))
        case 3:
            tree.add(type, typeRange, .uint(UInt64(t)))
            if start < end { tree.add(desiredType, start..<start + 1, .uint(UInt64(bytes[start]))) }
        case 4:
            tree.open(type, typeRange, .uint(UInt64(t)))
            tree.expert("eap.mitm_attacks", .warning, .security, "Vulnerable to MITM attacks. If possible, change EAP type.")
            tree.close()
            guard start < end else { return }
            var valueSize = Int(bytes[start])
            let extra = size - 1 - valueSize
            tree.add(md5ValueSize, start..<start + 1, .uint(UInt64(valueSize)))
            if valueSize > size - 1 { valueSize = size - 1 }
            guard start + 1 + valueSize <= end else { return }
            tree.add(md5Value, start + 1..<start + 1 + valueSize, .bytes(start + 1..<start + 1 + valueSize))
            let at = start + 1 + valueSize
            if extra > 0, at + extra <= end { tree.add(md5ExtraData, at..<at + extra, .bytes(at..<at + extra)) }
        case 13, 21, 25, 43, 55:
            tree.add(type, typeRange, .uint(UInt64(t)))
            guard start < end else { return }
            let flags = UInt64(bytes[start])
            tree.open(tlsFlags, start..<start + 1, .uint(flags))
            tree.bits(tlsLengthIncluded, start..<start + 1, container: flags)
            tree.bits(tlsMoreFragments, start..<start + 1, container: flags)
            tree.bits(tlsStart, start..<start + 1, container: flags)
            if t != 13 { tree.bits(tlsVersion, start..<start + 1, container: flags) }
            tree.close()
            if flags & 0x80 != 0, start + 5 <= end {
                tree.add(tlsLength, start + 1..<start + 5, .uint(UInt64(bytes.u32be(start + 1))))
            }
        case 18, 23, 50:
            tree.add(type, typeRange, .uint(UInt64(t)))
            attributes(t == 18 ? sim : aka, start..<end, size: size, &tree)
        default:
            tree.add(type, typeRange, .uint(UInt64(t)))
            if start < end { tree.add(data, start..<end, .bytes(start..<end)) }
        }
    }

    /// An identity as a string; one with bytes outside printable ASCII gets tshark's warning.
    static func addIdentity(_ r: Range<Int>, _ tree: inout TreeBuilder) {
        let bytes = tree.bytes
        let printable = r.allSatisfy { (0x20...0x7E).contains(bytes[$0]) }
        let value = text(bytes, r)
        if printable {
            tree.add(identity, r, .string(value))
        } else {
            tree.open(identity, r, .string(value))
            tree.expert("eap.identity.nonascii", .warning, .protocolGroup, "Non-ASCII characters within identity")
            tree.close()
        }
    }

    /// A string field's text: up to the first NUL.
    static func text(_ bytes: ByteView, _ r: Range<Int>) -> String {
        let cut = r.first { bytes[$0] == 0 } ?? r.upperBound
        return HTTPTree.string(bytes, r.lowerBound..<cut)
    }

    /// EAP-SIM and EAP-AKA: subtype, reserved, then type-length-value attributes whose
    /// length counts 4-byte words.
    private static func attributes(_ f: SIMFields, _ r: Range<Int>, size: Int, _ tree: inout TreeBuilder) {
        let bytes = tree.bytes
        var at = r.lowerBound
        guard at < r.upperBound else { return }
        tree.add(f.subtype, at..<at + 1, .uint(UInt64(bytes[at])))
        at += 1
        var left = size - 1
        guard left >= 2, at + 2 <= r.upperBound else { return }
        tree.add(f.reserved, at..<at + 2, .uint(UInt64(bytes.u16be(at))))
        at += 2
        left -= 2
        while left >= 2, at + 2 <= r.upperBound {
            let t = bytes[at], length = Int(bytes[at + 1])
            let span = 4 * length
            tree.open(f.attribute, at..<min(at + max(span, 1), r.upperBound), .none,
                      label: "\(f.prefix) Attribute: \(attributeNames[UInt64(t)] ?? "Unknown") (\(t))")
            tree.add(f.attributeType, at..<at + 1, .uint(UInt64(t)))
            if span - 1 <= 0 {
                tree.close()
                break
            }
            tree.add(f.attributeLength, at + 1..<at + 2, .uint(UInt64(length)))
            let v = at + 2, valueLength = span - 2
            switch t {
            case 14:
                guard v + 2 <= r.upperBound else { tree.close(); return }
                let actual = Int(bytes.u16be(v))
                tree.add(identityActualLength, v..<v + 2, .uint(UInt64(actual)))
                guard v + 2 + actual <= r.upperBound else { tree.close(); return }
                if actual > 0 { addIdentity(v + 2..<v + 2 + actual, &tree) }
                let padding = (length - 1) * 4 - actual
                if padding > 0, v + 2 + actual + padding <= r.upperBound {
                    tree.add(identityPadding, v + 2 + actual..<v + 2 + actual + padding, .bytes(v + 2 + actual..<v + 2 + actual + padding))
                }
            case 12, 22:
                if v + 2 <= r.upperBound {
                    tree.add(t == 12 ? f.notificationType : f.errorCode, v..<v + 2, .uint(UInt64(bytes.u16be(v))))
                }
            default:
                if valueLength > 0, v + valueLength <= r.upperBound { tree.add(f.value, v..<v + valueLength, .bytes(v..<v + valueLength)) }
            }
            tree.close()
            at += span
            left -= span
        }
    }
}

extension Frame {
    /// The 802.1X frame, read again after the Ethernet header and its VLAN tags.
    var eapolMessage: EAPOL? {
        guard let eth = ethernet, protocols.contains(.eapol) else { return nil }
        return EAPOL.decode(bytes, at: eth.offset + Ethernet.headerLength + 4 * vlans.count, end: bytes.count).layer
    }
}
