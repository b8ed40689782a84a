import Dissect

/// VRRP (RFC 3768 version 2, RFC 5798 version 3) as tshark 4.0 shows it: the version and
/// type, the router's priority, the checksum checked (version 3 over the IP pseudo-header),
/// the virtual addresses and a version 2 authentication string.
enum VRRPTree {
    static let typeVersion = HeaderField("vrrp.typever", "VRRP message version and type", .uint8)
    static let version = HeaderField("vrrp.version", "VRRP protocol version", .uint8, mask: 0xF0)
    static let type = HeaderField("vrrp.type", "VRRP packet type", .uint8, mask: 0x0F, names: .values([1: "Advertisement"]))
    static let virtualRouterID = HeaderField("vrrp.virt_rtr_id", "Virtual Rtr ID", .uint8)
    static let priority = HeaderField("vrrp.prio", "Priority", .uint8, names: .ranges([
        (0...0, "Current Master has stopped participating in VRRP"), (1...99, "Non-default backup priority"),
        (100...100, "Default priority for a backup VRRP router"), (101...254, "Non-default backup priority"),
        (255...255, "This VRRP router owns the virtual router's IP address(es)"),
    ]))
    static let addressCount = HeaderField("vrrp.addr_count", "Addr Count", .uint8)
    static let checksum = HeaderField("vrrp.checksum", "Checksum", .uint16, .hex)
    static let checksumStatus = HeaderField("vrrp.checksum.status", "Checksum Status", .uint8, .none,
                                            names: .values([0: "Bad", 1: "Good", 2: "Unverified"]))
    static let authType = HeaderField("vrrp.auth_type", "Auth Type", .uint8, names: .values([
        0: "No Authentication", 1: "Simple Text Authentication [RFC 2338] / Reserved [RFC 3768]",
        2: "IP Authentication Header [RFC 2338] / Reserved [RFC 3768]",
    ]))
    static let adverInt = HeaderField("vrrp.adver_int", "Adver Int", .uint8)
    static let reserved = HeaderField("vrrp.reserved_mbz", "Reserved", .uint8, mask: 0xF0)
    static let shortAdverInt = HeaderField("vrrp.short_adver_int", "Adver Int", .uint16, mask: 0x0FFF)
    static let ipAddress = HeaderField("vrrp.ip_addr", "IP Address", .ipv4)
    static let ipv6Address = HeaderField("vrrp.ipv6_addr", "IPv6 Address", .ipv6)
    static let authString = HeaderField("vrrp.auth_string", "Authentication String", .string)
    static let md5AuthData = HeaderField("vrrp.md5_auth_data", "MD5 Authentication Data", .bytes)

    static let declaration = ProtocolDeclaration("vrrp", "Virtual Router Redundancy Protocol", fields: [
        typeVersion, version, type, virtualRouterID, priority, addressCount, checksum, checksumStatus, authType,
        adverInt, reserved, shortAdverInt, ipAddress, ipv6Address, authString, md5AuthData,
    ])

    static func dissect(_ v: VRRP, frame: Frame, _ tree: inout TreeBuilder) {
        let bytes = tree.bytes
        let o = v.offset
        tree.open(declaration, o..<v.end, label: "Virtual Router Redundancy Protocol")
        defer { tree.close() }
        let first = UInt64(bytes[o])
        let typeName = v.type == 1 ? "Advertisement" : "Unknown"
        tree.open(typeVersion, o..<o + 1, .uint(first), label: "Version \(v.version), Packet type \(v.type) (\(typeName))")
        tree.bits(version, o..<o + 1, container: first)
        tree.bits(type, o..<o + 1, container: first)
        tree.close()
        tree.add(virtualRouterID, o + 1..<o + 2, .uint(UInt64(v.virtualRouterID)))
        // packet-vrrp.c writes the value first: "191 (Non-default backup priority)".
        let prio = UInt64(v.priority)
        tree.add(priority, o + 2..<o + 3, .uint(prio), display: "\(prio) (\(priority.names?.name(for: prio) ?? ""))")
        tree.add(addressCount, o + 3..<o + 4, .uint(UInt64(v.addressCount)))
        if v.version == 3 {
            let word = UInt64(bytes.u16be(o + 4))
            tree.bits(reserved, o + 4..<o + 5, container: word >> 8)
            tree.bits(shortAdverInt, o + 4..<o + 6, container: word)
        } else {
            tree.add(authType, o + 4..<o + 5, .uint(UInt64(v.authType)))
            tree.add(adverInt, o + 5..<o + 6, .uint(UInt64(v.advertisementInterval)))
        }
        addChecksum(v, frame: frame, &tree)
        let overIPv6 = frame.ipv6 != nil
        let size = overIPv6 ? 16 : 4
        var at = v.addresses
        for _ in 0..<v.addressCount {
            guard at + size <= v.end else { return }
            if overIPv6 {
                tree.add(ipv6Address, at..<at + 16, .ipv6(IPv6Address(bytes, at: at)))
            } else {
                tree.add(ipAddress, at..<at + 4, .ipv4(IPv4Address(bytes, at: at)))
            }
            at += size
        }
        guard v.version == 2 else { return }
        if v.authType == 1, at + 8 <= v.end {
            // An 8-byte field, NUL-padded.
            let text = bytes.slice(at..<at + 8).prefix { $0 != 0 }
            tree.add(authString, at..<at + 8, .string(String(decoding: text, as: UTF8.self)))
        } else if v.authType == 2, at + 16 <= v.end {
            tree.add(md5AuthData, at..<at + 16, .bytes(at..<at + 16))
        }
    }

    /// Version 2 sums the message alone; version 3 adds the IP pseudo-header (RFC 5798
    /// section 5.2.8), over IPv4 as over IPv6.
    private static func addChecksum(_ v: VRRP, frame: Frame, _ tree: inout TreeBuilder) {
        let bytes = tree.bytes
        let message = v.offset..<v.offset + v.declaredLength
        var sum: UInt32?
        if v.declaredLength >= VRRP.headerLength, message.upperBound <= v.end {
            var total = InternetChecksum.partial(bytes, message)
            if v.version == 3 {
                let length = UInt32(message.count)
                if let ip = frame.ipv6 {
                    total &+= InternetChecksum.partial(bytes, ip.offset + 8..<ip.offset + 40) &+ (length >> 16) &+ (length & 0xFFFF) &+ 112
                } else if let ip = frame.ipv4 {
                    total &+= InternetChecksum.partial(bytes, ip.offset + 12..<ip.offset + 20) &+ length &+ 112
                }
            }
            sum = total
        }
        VerifiedChecksum.add(checksum, status: checksumStatus, v.offset + 6..<v.offset + 8, value: v.checksum, sum: sum,
                             expert: "vrrp.checksum_bad.expert", severity: .warning, &tree)
    }

    /// "Announcement (v2)".
    static func writeInfo(_ v: VRRP, to out: OutputBuffer) {
        out.ascii("Announcement (v")
        out.decimal(Int(v.version))
        out.byte(41)
    }
}

extension Frame {
    /// The VRRP message of this frame, read again from the IP payload.
    var vrrpMessage: VRRP? {
        guard protocols.last == .vrrp, let (payload, declared) = ipPayload else { return nil }
        return VRRP.decode(bytes, at: payload.lowerBound, end: payload.upperBound, declaredLength: declared).layer
    }
}
