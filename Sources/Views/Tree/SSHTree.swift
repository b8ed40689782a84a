import Dissect
import Follow

/// SSH (RFC 4253): the version banner, the binary packets in the clear with the key
/// exchange messages and hassh, and the encrypted packets after NEWKEYS.
enum SSHTree {
    static let proto = HeaderField("ssh.protocol", "Protocol", .string)
    static let packetLength = HeaderField("ssh.packet_length", "Packet Length", .uint32)
    static let packetLengthEncrypted = HeaderField("ssh.packet_length_encrypted", "Packet Length (encrypted)", .bytes)
    static let paddingLength = HeaderField("ssh.padding_length", "Padding Length", .uint8)
    static let messageCode = HeaderField("ssh.message_code", "Message Code", .uint8)
    static let cookie = HeaderField("ssh.cookie", "Cookie", .bytes)
    static let listFields: [(length: HeaderField, string: HeaderField)] = SSHKexInit.listNames.map { name in
        (HeaderField("ssh.\(name)_length", "\(name) length", .uint32), HeaderField("ssh.\(name)", "\(name) string", .string))
    }
    static let firstKexFollows = HeaderField("ssh.first_kex_packet_follows", "First KEX Packet Follows", .uint8)
    static let reserved = HeaderField("ssh.kex.reserved", "Reserved", .bytes)
    static let hasshAlgorithms = HeaderField("ssh.kex.hassh_algorithms", "hasshAlgorithms", .string)
    static let hassh = HeaderField("ssh.kex.hassh", "hassh", .string)
    static let hasshServerAlgorithms = HeaderField("ssh.kex.hasshserver_algorithms", "hasshServerAlgorithms", .string)
    static let hasshServer = HeaderField("ssh.kex.hasshserver", "hasshServer", .string)
    static let hostKeyLength = HeaderField("ssh.host_key.length", "Host key length", .uint32)
    static let hostKeyTypeLength = HeaderField("ssh.host_key.type_length", "Host key type length", .uint32)
    static let hostKeyType = HeaderField("ssh.host_key.type", "Host key type", .string)
    static let ecdhQCLength = HeaderField("ssh.ecdh.q_c_length", "ECDH client's ephemeral public key length", .uint32)
    static let ecdhQC = HeaderField("ssh.ecdh.q_c", "ECDH client's ephemeral public key (Q_C)", .bytes)
    static let ecdhQSLength = HeaderField("ssh.ecdh.q_s_length", "ECDH server's ephemeral public key length", .uint32)
    static let ecdhQS = HeaderField("ssh.ecdh.q_s", "ECDH server's ephemeral public key (Q_S)", .bytes)
    static let mpintLength = HeaderField("ssh.mpint_length", "Multi Precision Integer Length", .uint32)
    static let dhE = HeaderField("ssh.dh.e", "DH client e", .bytes)
    static let dhF = HeaderField("ssh.dh.f", "DH server f", .bytes)
    static let eddsaKeyLength = HeaderField("ssh.host_key.eddsa.key_length", "EdDSA public key length", .uint32)
    static let rsaE = HeaderField("ssh.host_key.rsa.e", "RSA public exponent (e)", .bytes)
    static let rsaN = HeaderField("ssh.host_key.rsa.n", "RSA modulus (N)", .bytes)
    static let dsaP = HeaderField("ssh.host_key.dsa.p", "DSA prime modulus (p)", .bytes)
    static let dsaQ = HeaderField("ssh.host_key.dsa.q", "DSA prime divisor (q)", .bytes)
    static let dsaG = HeaderField("ssh.host_key.dsa.g", "DSA subgroup generator (g)", .bytes)
    static let dsaY = HeaderField("ssh.host_key.dsa.y", "DSA public key (y)", .bytes)
    static let ecdsaIDLength = HeaderField("ssh.host_key.ecdsa.id_length", "ECDSA elliptic curve identifier length", .uint32)
    static let ecdsaID = HeaderField("ssh.host_key.ecdsa.id", "ECDSA elliptic curve identifier", .string)
    static let ecdsaQLength = HeaderField("ssh.host_key.ecdsa.q_length", "ECDSA public key length", .uint32)
    static let ecdsaQ = HeaderField("ssh.host_key.ecdsa.q", "ECDSA public key (Q)", .bytes)
    static let rsaSignature = HeaderField("ssh.host_sig.rsa", "RSA signature", .bytes)
    static let dsaSignature = HeaderField("ssh.host_sig.dsa", "DSA signature", .bytes)
    static let gexMin = HeaderField("ssh.dh_gex.min", "DH GEX Min", .uint32)
    static let gexBits = HeaderField("ssh.dh_gex.nbits", "DH GEX Number of Bits", .uint32)
    static let gexMax = HeaderField("ssh.dh_gex.max", "DH GEX Max", .uint32)
    static let gexP = HeaderField("ssh.dh_gex.p", "DH GEX modulus (P)", .bytes)
    static let gexG = HeaderField("ssh.dh_gex.g", "DH GEX base (G)", .bytes)
    static let eddsaKey = HeaderField("ssh.host_key.eddsa.key", "EdDSA public key", .bytes)
    static let signatureLength = HeaderField("ssh.host_sig.length", "Host signature length", .uint32)
    static let signatureTypeLength = HeaderField("ssh.host_sig.type_length", "Host signature type length", .uint32)
    static let signatureType = HeaderField("ssh.host_sig.type", "Host signature type", .string)
    static let paddingString = HeaderField("ssh.padding_string", "Padding String", .bytes)
    static let sequenceNumber = HeaderField("ssh.seq_num", "Sequence number", .uint32)
    static let encryptedPacket = HeaderField("ssh.encrypted_packet", "Encrypted Packet", .bytes)
    static let direction = HeaderField("ssh.direction", "Direction", .boolean,
                                       names: .trueFalse("server-to-client", "client-to-server"))

    static let declaration = ProtocolDeclaration("ssh", "SSH Protocol", fields: [
        proto, packetLength, packetLengthEncrypted, paddingLength, messageCode, cookie,
    ] + listFields.flatMap { [$0.length, $0.string] } + [
        firstKexFollows, reserved, hasshAlgorithms, hassh, hasshServerAlgorithms, hasshServer, hostKeyLength,
        hostKeyTypeLength, hostKeyType, ecdhQCLength, ecdhQC, ecdhQSLength, ecdhQS, mpintLength, dhE, dhF, eddsaKeyLength, eddsaKey, signatureLength,
        signatureTypeLength, signatureType, rsaE, rsaN, dsaP, dsaQ, dsaG, dsaY, ecdsaIDLength, ecdsaID, ecdsaQLength,
        ecdsaQ, rsaSignature, dsaSignature, gexMin, gexBits, gexMax, gexP, gexG, paddingString, sequenceNumber, encryptedPacket, direction,
    ])

    static func dissect(_ source: RecordSource, _ input: FieldInput, _ tree: inout TreeBuilder) {
        if source.onlyStartsPDU {
            tree.open(declaration, nil, label: "SSH Protocol")
            tree.text("SSH Version 2")
            tree.close()
            return
        }
        var newKeys = source.fromClient ? source.before.clientNewKeys : source.before.serverNewKeys
        let state = source.before
        var sequence = source.fromClient ? state.clientPackets : state.serverPackets
        let encryption = source.fromClient ? state.encryptionClientToServer : state.encryptionServerToClient
        let mac = source.fromClient ? state.macClientToServer : state.macServerToClient
        let aead = encryption.map { $0.hasPrefix("chacha20-poly1305") || $0.hasSuffix("-gcm@openssh.com") } ?? true
        let decryptable = SSHTree.tsharkDecrypts(kex: state.kexMethod)
        let encryptedLabel = decryptable
            ? "SSH Version 2 (encryption:\(encryption ?? "")\(aead ? "" : " mac:\(mac ?? "")") compression:none)"
            : "SSH Version 2"
        var open = false
        for pdu in source.pdus {
            let reassembled = pdu.frames != nil
            var sub = TreeBuilder(bytes: pdu.bytes)
            if let frames = pdu.frames {
                sub = ReassemblyTree.builder(for: pdu.bytes, frames: frames, &tree)
                if open { tree.close(); open = false }
            }
            if reassembled || !open {
                if reassembled {
                    sub.open(declaration, nil, label: "SSH Protocol")
                } else {
                    tree.open(declaration, pdu.range, label: "SSH Protocol")
                    open = true
                }
            }
            var p = pdu.range.lowerBound
            let end = pdu.range.upperBound
            while p < end {
                if let banner = SSHBanner.decode(pdu.bytes, at: p, end: end).layer {
                    let text = HTTPTree.string(pdu.bytes, banner.line)
                    if reassembled { sub.add(proto, banner.line, .string(text)) } else { tree.add(proto, banner.line, .string(text)) }
                    p = banner.end
                    continue
                }
                guard !newKeys, let packet = SSHPacket.decode(pdu.bytes, at: p, end: end).layer else { break }
                let label = packet.messageCode == SSHPacket.Code.newKeys ? encryptedLabel : "SSH Version 2"
                // tshark 4.0 counts a Diffie-Hellman or group-exchange KEX message before
                // showing its number.
                let countedFirst: Bool
                switch TLSNames.kexKind(state.kexMethod) {
                case .dh: countedFirst = packet.messageCode == 30 || packet.messageCode == 31
                case .groupExchange: countedFirst = (30...34).contains(packet.messageCode)
                case .ecdh: countedFirst = false
                }
                let shown = countedFirst ? sequence + 1 : sequence
                sequence += 1
                if reassembled {
                    self.packet(packet, pdu.bytes, label: label, state: state, fromClient: source.fromClient, sequence: shown, &sub)
                } else {
                    self.packet(packet, pdu.bytes, label: label, state: state, fromClient: source.fromClient, sequence: shown, &tree)
                }
                if packet.messageCode == SSHPacket.Code.newKeys { newKeys = true }
                p = packet.end
            }
            if p < end && newKeys {
                if reassembled {
                    encrypted(p..<end, pdu.bytes, label: encryptedLabel, decryptable: decryptable, &sub)
                } else {
                    encrypted(p..<end, pdu.bytes, label: encryptedLabel, decryptable: decryptable, &tree)
                }
            }
            if reassembled {
                sub.add(direction, nil, .bool(!source.fromClient), label: "Direction: \(source.fromClient ? "client-to-server" : "server-to-client")", generated: true)
                sub.close()
                tree.graft(sub.details.roots)
            }
        }
        if let tail = source.encryptedTail {
            if !open {
                tree.open(declaration, tail, label: "SSH Protocol")
                open = true
            }
            encrypted(tail, tree.bytes, label: encryptedLabel, decryptable: decryptable, &tree)
        }
        if open {
            tree.add(direction, nil, .bool(!source.fromClient), label: "Direction: \(source.fromClient ? "client-to-server" : "server-to-client")", generated: true)
            tree.close()
        }
    }

    /// tshark 4.0 sets up its decryption (and then shows one line naming the algorithms)
    /// when it reads a Diffie-Hellman or ECDH reply, not a group-exchange reply. After a
    /// group exchange the packets go to its plain "encrypted packet" dissection: the
    /// (encrypted) length field and the bytes, and `Encrypted packet (len=N)` in the Info.
    static func tsharkDecrypts(kex method: String?) -> Bool {
        method == nil || TLSNames.kexKind(method) != .groupExchange
    }

    /// The encrypted rest of a segment after NEWKEYS.
    static func encrypted(_ range: Range<Int>, _ bytes: ByteView, label: String, decryptable: Bool, _ tree: inout TreeBuilder) {
        guard !decryptable, range.count > 4 else { return tree.text(label, range: range) }
        tree.openText(label, range: range)
        tree.add(packetLengthEncrypted, range.lowerBound..<range.lowerBound + 4, .bytes(range.lowerBound..<range.lowerBound + 4))
        let rest = range.lowerBound + 4..<range.upperBound
        tree.add(encryptedPacket, rest, .bytes(rest), display: TLSTree.ellipsized(bytes, rest))
        tree.close()
    }

    static func packet(_ packet: SSHPacket, _ bytes: ByteView, label: String, state: RecordSessionState, fromClient: Bool,
                       sequence: Int, _ tree: inout TreeBuilder) {
        let o = packet.offset
        tree.openText(label, range: o..<min(packet.end, bytes.count))
        tree.add(packetLength, o..<o + 4, .uint(UInt64(packet.packetLength)))
        tree.add(paddingLength, o + 4..<o + 5, .uint(UInt64(packet.paddingLength)))
        let code = packet.messageCode
        let name = TLSNames.sshMessage(code, kex: state.kexMethod)
        let isKex = code >= 20 && code <= 49
        if isKex {
            tree.openText(state.kexMethod.map { "Key Exchange (method:\($0))" } ?? "Key Exchange", range: packet.payload)
        }
        tree.add(messageCode, o + 5..<o + 6, .uint(UInt64(code)), display: "\(name) (\(code))")
        let payload = packet.payload.clamped(to: 0..<bytes.count)
        let kind = TLSNames.kexKind(state.kexMethod)
        switch code {
        case SSHPacket.Code.kexInit:
            if let kex = SSHKexInit.decode(bytes, payload: payload) { kexInit(kex, bytes, fromClient: fromClient, &tree) }
        case 34 where kind == .groupExchange, 30 where kind == .groupExchange:
            // A group-exchange request: min, preferred and max bits (the old request: bits only).
            let fields = code == 34 ? [gexMin, gexBits, gexMax] : [gexBits]
            for (i, field) in fields.enumerated() where payload.lowerBound + 1 + 4 * (i + 1) <= payload.upperBound {
                let at = payload.lowerBound + 1 + 4 * i
                tree.add(field, at..<at + 4, .uint(UInt64(bytes.u32be(at))))
            }
        case 31 where kind == .groupExchange:
            if let p = sshString(bytes, at: payload.lowerBound + 1, end: payload.upperBound) {
                mpint(gexP, p, bytes, &tree)
                if let g = sshString(bytes, at: p.upperBound, end: payload.upperBound) { mpint(gexG, g, bytes, &tree) }
            }
        case 32 where kind == .groupExchange:
            if let e = sshString(bytes, at: payload.lowerBound + 1, end: payload.upperBound) { mpint(dhE, e, bytes, &tree) }
        case 30:
            if let q = sshString(bytes, at: payload.lowerBound + 1, end: payload.upperBound) {
                if kind == .ecdh {
                    tree.add(ecdhQCLength, q.lowerBound - 4..<q.lowerBound, .uint(UInt64(q.count)))
                    tree.add(ecdhQC, q, .bytes(q), display: TLSTree.ellipsized(bytes, q))
                } else {
                    mpint(dhE, q, bytes, &tree)
                }
            }
        case 31 where kind != .groupExchange, 33 where kind == .groupExchange:
            if let key = sshString(bytes, at: payload.lowerBound + 1, end: payload.upperBound) {
                let type = sshString(bytes, at: key.lowerBound, end: key.upperBound)
                let typeName = type.map { HTTPTree.string(bytes, $0) } ?? ""
                tree.openText("KEX host key (type: \(typeName))", range: key.lowerBound - 4..<key.upperBound)
                tree.add(hostKeyLength, key.lowerBound - 4..<key.lowerBound, .uint(UInt64(key.count)))
                if let type {
                    tree.add(hostKeyTypeLength, type.lowerBound - 4..<type.lowerBound, .uint(UInt64(type.count)))
                    tree.add(hostKeyType, type, .string(typeName))
                    hostKey(typeName, type.upperBound..<key.upperBound, bytes, &tree)
                }
                tree.close()
                var next = key.upperBound
                if let q = sshString(bytes, at: key.upperBound, end: payload.upperBound) {
                    if TLSNames.kexKind(state.kexMethod) == .ecdh {
                        tree.add(ecdhQSLength, q.lowerBound - 4..<q.lowerBound, .uint(UInt64(q.count)))
                        tree.add(ecdhQS, q, .bytes(q), display: TLSTree.ellipsized(bytes, q))
                    } else {
                        mpint(dhF, q, bytes, &tree)
                    }
                    next = q.upperBound
                }
                if let sig = sshString(bytes, at: next, end: payload.upperBound) {
                    let type = sshString(bytes, at: sig.lowerBound, end: sig.upperBound)
                    let typeName = type.map { HTTPTree.string(bytes, $0) } ?? ""
                    tree.openText("KEX host signature (type: \(typeName))", range: sig.lowerBound - 4..<sig.upperBound)
                    tree.open(signatureLength, sig.lowerBound - 4..<sig.lowerBound, .uint(UInt64(sig.count)))
                    if let type, 8 + type.count != sig.count, !["ssh-rsa", "ssh-dss"].contains(typeName) {
                        // tshark 4.0 reads the type and one length, and says so (with its typo).
                        tree.expert("ssh.sig_decode", .warning, .protocolGroup,
                                    "Decoded \(8 + type.count) bytes, but packet legnth is \(sig.count) bytes")
                    }
                    tree.close()
                    if let type {
                        tree.add(signatureTypeLength, type.lowerBound - 4..<type.lowerBound, .uint(UInt64(type.count)))
                        tree.add(signatureType, type, .string(typeName))
                        // tshark 4.0 reads the signature of ssh-rsa and ssh-dss only.
                        if typeName == "ssh-rsa" || typeName == "ssh-dss",
                           let blob = sshString(bytes, at: type.upperBound, end: sig.upperBound) {
                            mpint(typeName == "ssh-rsa" ? rsaSignature : dsaSignature, blob, bytes, &tree)
                        }
                    }
                    tree.close()
                }
            }
        default:
            break
        }
        if isKex { tree.close() }
        let padding = packet.padding.clamped(to: 0..<bytes.count)
        if !padding.isEmpty { tree.add(paddingString, padding, .bytes(padding)) }
        tree.add(sequenceNumber, nil, .uint(UInt64(sequence)))
        tree.close()
    }

    /// The public key after the host key's type, as tshark 4.0 reads each type it knows.
    static func hostKey(_ type: String, _ rest: Range<Int>, _ bytes: ByteView, _ tree: inout TreeBuilder) {
        var at = rest.lowerBound
        func next() -> Range<Int>? {
            guard let r = sshString(bytes, at: at, end: rest.upperBound) else { return nil }
            at = r.upperBound
            return r
        }
        switch type {
        case "ssh-rsa":
            for field in [rsaE, rsaN] { guard let r = next() else { return }; mpint(field, r, bytes, &tree) }
        case "ssh-dss":
            for field in [dsaP, dsaQ, dsaG, dsaY] { guard let r = next() else { return }; mpint(field, r, bytes, &tree) }
        case _ where type.hasPrefix("ecdsa-sha2-"):
            guard let id = next() else { return }
            tree.add(ecdsaIDLength, id.lowerBound - 4..<id.lowerBound, .uint(UInt64(id.count)))
            tree.add(ecdsaID, id, .string(HTTPTree.string(bytes, id)))
            guard let q = next() else { return }
            tree.add(ecdsaQLength, q.lowerBound - 4..<q.lowerBound, .uint(UInt64(q.count)))
            tree.add(ecdsaQ, q, .bytes(q), display: TLSTree.ellipsized(bytes, q))
        case _ where type.hasPrefix("ssh-ed"):
            guard let k = next() else { return }
            tree.add(eddsaKeyLength, k.lowerBound - 4..<k.lowerBound, .uint(UInt64(k.count)))
            tree.add(eddsaKey, k, .bytes(k))
        default:
            break
        }
    }

    /// A DH value: its length and bytes; tshark 4.0 flags lengths past 1024 bytes (hybrid
    /// post-quantum methods it does not know) as invalid keys.
    static func mpint(_ field: HeaderField, _ q: Range<Int>, _ bytes: ByteView, _ tree: inout TreeBuilder) {
        if q.count > 1024 {
            tree.openText("Invalid key length: \(q.count)")
            tree.expert("ssh.invalid_keylen", .error, .protocolGroup, "Invalid key length: \(q.count)")
            tree.close()
        }
        tree.add(mpintLength, q.lowerBound - 4..<q.lowerBound, .uint(UInt64(q.count)))
        tree.add(field, q, .bytes(q), display: TLSTree.ellipsized(bytes, q))
    }

    static func kexInit(_ kex: SSHKexInit, _ bytes: ByteView, fromClient: Bool, _ tree: inout TreeBuilder) {
        tree.openText("Algorithms")
        tree.add(cookie, kex.cookie, .bytes(kex.cookie))
        var texts: [String] = []
        for (i, list) in kex.lists.enumerated() {
            let text = HTTPTree.string(bytes, list)
            texts.append(text)
            tree.add(listFields[i].length, list.lowerBound - 4..<list.lowerBound, .uint(UInt64(list.count)))
            tree.add(listFields[i].string, list, .string(text))
        }
        tree.add(firstKexFollows, kex.firstKexFollows..<kex.firstKexFollows + 1, .uint(UInt64(bytes[kex.firstKexFollows])))
        tree.add(reserved, kex.reserved, .bytes(kex.reserved))
        // hassh: MD5 of the client's kex;encryption;mac;compression lists (server: the s2c lists).
        let parts = fromClient ? [texts[0], texts[2], texts[4], texts[6]] : [texts[0], texts[3], texts[5], texts[7]]
        let algorithms = parts.joined(separator: ";")
        if fromClient {
            tree.add(hasshAlgorithms, nil, .string(algorithms), generated: true)
            tree.add(hassh, nil, .string(MD5.hex(algorithms)), generated: true)
        } else {
            tree.add(hasshServerAlgorithms, nil, .string(algorithms), generated: true)
            tree.add(hasshServer, nil, .string(MD5.hex(algorithms)), generated: true)
        }
        tree.close()
    }
}
