import Dissect

/// The IPv6 Mobility Header (RFC 6275) as tshark 4.0 shows it (packet-mip6.c): the
/// header, the binding refresh request, return routability tests, binding updates,
/// acknowledgements and errors, and the mobility options RFC 6275 defines. Under extension
/// header 135 it sits inside IPv6's tree; under its first number, 62, after it.
enum MIP6Tree {
    static let typeNames: [UInt64: String] = [
        0: "Binding Refresh Request", 1: "Home Test Init", 2: "Care-of Test Init", 3: "Home Test", 4: "Care-of Test",
        5: "Binding Update", 6: "Binding Acknowledgement", 7: "Binding Error", 8: "Fast Binding Update",
        9: "Fast Binding Acknowledgment", 10: "Fast Neighbor Advertisement", 11: "Experimental Mobility Header",
        12: "Home Agent Switch", 13: "Heartbeat", 14: "Handover Initiate", 15: "Handover Acknowledge",
        16: "Binding Revocation", 17: "Localized Routing Initiation", 18: "Localized Routing Acknowledgment",
    ]
    static let payloadProtocol = HeaderField("mip6.proto", "Payload protocol", .uint8, names: .values(IPProtocolNames.table))
    static let headerLength = HeaderField("mip6.hlen", "Header length", .uint8)
    static let type = HeaderField("mip6.mhtype", "Mobility Header Type", .uint8, names: .values(typeNames))
    static let reserved = HeaderField("mip6.reserved", "Reserved", .uint8, .hex)
    static let checksum = HeaderField("mip6.csum", "Checksum", .uint16, .hex, blurb: "Header Checksum")
    static let refreshRequest = HeaderField("mip6.binding_refresh_request", "Binding Refresh Request", .bytes)
    static let hotiCookie = HeaderField("mip6.hoti.cookie", "Home Init Cookie", .uint64, .hex)
    static let cotiCookie = HeaderField("mip6.coti.cookie", "Care-of Init Cookie", .uint64, .hex)
    static let hotIndex = HeaderField("mip6.hot.nindex", "Home Nonce Index", .uint16)
    static let hotCookie = HeaderField("mip6.hot.cookie", "Home Init Cookie", .uint64, .hex)
    static let hotToken = HeaderField("mip6.hot.token", "Home Keygen Token", .uint64, .hex)
    static let cotIndex = HeaderField("mip6.cot.nindex", "Care-of Nonce Index", .uint16)
    static let cotCookie = HeaderField("mip6.cot.cookie", "Care-of Init Cookie", .uint64, .hex)
    static let buSequence = HeaderField("mip6.bu.seqnr", "Sequence number", .uint16)
    static let buFlags: [HeaderField] = [
        flag("mip6.bu.a_flag", "Acknowledge (A) flag", 0x8000, "Binding Acknowledgement requested", "Binding Acknowledgement not requested"),
        flag("mip6.bu.h_flag", "Home Registration (H) flag", 0x4000, "Home Registration", "No Home Registration"),
        flag("mip6.bu.l_flag", "Link-Local Compatibility (L) flag", 0x2000, "Link-Local Address Compatibility", "No Link-Local Address Compatibility"),
        flag("mip6.bu.k_flag", "Key Management Compatibility (K) flag", 0x1000, "Key Management Mobility Compatibility", "No Key Management Mobility Compatibility"),
        flag("mip6.bu.m_flag", "MAP Registration Compatibility (M) flag", 0x0800, "MAP Registration Compatibility", "No MAP Registration Compatibility"),
        flag("mip6.nemo.bu.r_flag", "Mobile Router (R) flag", 0x0400, "Mobile Router Compatibility", "No Mobile Router Compatibility"),
        flag("mip6.bu.p_flag", "Proxy Registration (P) flag", 0x0200, "Proxy Registration", "No Proxy Registration"),
        flag("mip6.bu.f_flag", "Forcing UDP encapsulation (F) flag", 0x0100, "Forcing UDP encapsulation used", "No Forcing UDP encapsulation"),
        flag("mip6.bu.t_flag", "TLV-header format (T) flag", 0x0080, "TLV-header format used", "No TLV-header format"),
        flag("mip6.bu.b_flag", "Bulk-Binding-Update flag (B)", 0x0040, "Enable bulk binding update support", "Disable bulk binding update support"),
    ]
    static let buLifetime = HeaderField("mip6.bu.lifetime", "Lifetime", .uint16)
    static let baStatus = HeaderField("mip6.ba.status", "Status", .uint8, names: .values([
        0: "Binding Update accepted", 1: "Accepted but prefix discovery necessary", 2: "GRE_KEY_OPTION_NOT_REQUIRED",
        3: "GRE_TUNNELING_BUT_TLV_HEADER_NOT_SUPPORTED", 4: "MCOA NOTCOMPLETE", 5: "MCOA RETURNHOME WO/NDP",
        6: "PBU_ACCEPTED_TB_IGNORED_SETTINGSMISMATCH", 128: "Reason unspecified", 129: "Administratively prohibited",
        130: "Insufficient resources", 131: "Home registration not supported", 132: "Not home subnet",
        133: "Not home agent for this mobile node", 134: "Duplicate Address Detection failed",
        135: "Sequence number out of window", 136: "Expired home nonce index", 137: "Expired care-of nonce index",
        138: "Expired nonces", 139: "Registration type change disallowed", 140: "Mobile Router Operation not permitted",
        141: "Invalid Prefix", 142: "Not Authorized for Prefix", 143: "Mobile Network Prefix information unavailable",
        145: "Proxy Registration not supported by the LMA", 146: "Proxy Registrations from this MAG not allowed",
        147: "No home address for this NAI", 148: "Invalid Time Stamp Option", 149: "Permanent home keygen token exists",
        150: "Non-null home nonce index expected", 151: "SERVICE_AUTHORIZATION_FAILED", 152: "PROXY_REG_NOT_ENABLED",
        153: "NOT_LMA_FOR_THIS_MOBILE_NODE", 154: "MAG_NOT_AUTHORIZED_FOR_PROXY_REG",
        155: "NOT_AUTHORIZED_FOR_HOME_NETWORK_PREFIX", 156: "TIMESTAMP_MISMATCH", 157: "TIMESTAMP_LOWER_THAN_PREV_ACCEPTED",
        158: "MISSING_HOME_NETWORK_PREFIX_OPTION", 159: "BCE_PBU_PREFIX_SET_DO_NOT_MATCH", 160: "MISSING_MN_IDENTIFIER_OPTION",
        161: "MISSING_HANDOFF_INDICATOR_OPTION", 162: "MISSING_ACCESS_TECH_TYPE_OPTION", 163: "GRE_KEY_OPTION_REQUIRED",
        164: "MCOA MALFORMED", 165: "MCOA NON-MCOA BINDING EXISTS", 166: "MCOA PROHIBITED", 167: "MCOA UNKNOWN COA",
        168: "MCOA BULK REGISTRATION PROHIBITED", 169: "MCOA SIMULTANEOUS HOME AND FOREIGN PROHIBITED",
        170: "NOT_AUTHORIZED_FOR_IPV4_MOBILITY_SERVICE", 171: "NOT_AUTHORIZED_FOR_IPV4_HOME_ADDRESS",
        172: "NOT_AUTHORIZED_FOR_IPV6_MOBILITY_SERVICE", 173: "MULTIPLE_IPV4_HOME_ADDRESS_ASSIGNMENT_NOT_SUPPORTED",
        174: "Invalid Care-of Address", 175: "INVALID_MOBILE_NODE_GROUP_IDENTIFIER", 176: "REINIT_SA_WITH_HAC",
        177: "NOT_AUTHORIZED_FOR_DELEGATED_MNP", 178: "REQUESTED_DMNP_IN_USE",
    ]), blurb: "Binding Acknowledgement status")
    static let baFlags: [HeaderField] = [
        flag8("mip6.ba.k_flag", "Key Management Compatibility (K) flag", 0x80, "Key Management Mobility Compatibility", "No Key Management Mobility Compatibility"),
        flag8("mip6.nemo.ba.r_flag", "Mobile Router (R) flag", 0x40, "Mobile Router Compatibility", "No Mobile Router Compatibility"),
        flag8("mip6.ba.p_flag", "Proxy Registration (P) flag", 0x20, "Proxy Registration", "No Proxy Registration"),
        flag8("mip6.ba.t_flag", "TLV-header format (T) flag", 0x10, "TLV-header format used", "No TLV-header format"),
        flag8("mip6.ba.b_flag", "Bulk-Binding-Update flag (B)", 0x08, "Enabled bulk binding update support", "Disabled bulk binding update support"),
    ]
    static let baSequence = HeaderField("mip6.ba.seqnr", "Sequence number", .uint16)
    static let baLifetime = HeaderField("mip6.ba.lifetime", "Lifetime", .uint16)
    static let beStatus = HeaderField("mip6.be.status", "Status", .uint8, names: .values([
        1: "Unknown binding for Home Address destination option", 2: "Unrecognized MH type value",
    ]), blurb: "Binding Error status")
    static let beHomeAddress = HeaderField("mip6.be.haddr", "Home Address", .ipv6)

    static let optionLength = HeaderField("mip6.mobility_opt.len", "Length", .uint8)
    static let pad1 = HeaderField("mip6.options.pad1", "Pad1", .bytes)
    static let padN = HeaderField("mip6.options.padn", "PadN", .bytes)
    static let padNData = HeaderField("mip6.padn", "PadN", .bytes)
    static let refreshAdvice = HeaderField("mip6.options.bra", "Binding Refresh Advice", .bytes)
    static let refreshInterval = HeaderField("mip6.bra.interval", "Refresh interval", .uint16)
    static let careOf = HeaderField("mip6.options.acoa", "Alternate Care-of Address", .bytes)
    static let careOfAddress = HeaderField("mip6.acoa.acoa", "Alternate care-of address", .ipv6)
    static let nonces = HeaderField("mip6.options.ni", "Nonce Indices", .bytes)
    static let homeNonce = HeaderField("mip6.ni.hni", "Home nonce index", .uint16)
    static let careOfNonce = HeaderField("mip6.ni.cni", "Care-of nonce index", .uint16)
    static let authorization = HeaderField("mip6.options.bad_auth", "Authorization Data", .bytes)
    static let authenticator = HeaderField("mip6.bad.auth", "Authenticator", .bytes)

    private static func flag(_ name: String, _ label: String, _ mask: UInt64, _ yes: String, _ no: String) -> HeaderField {
        HeaderField(name, label, .boolean, width: 16, mask: mask, names: .trueFalse(yes, no))
    }

    private static func flag8(_ name: String, _ label: String, _ mask: UInt64, _ yes: String, _ no: String) -> HeaderField {
        HeaderField(name, label, .boolean, width: 8, mask: mask, names: .trueFalse(yes, no))
    }

    static let declaration = ProtocolDeclaration("mipv6", "Mobile IPv6", fields: [
        payloadProtocol, headerLength, type, reserved, checksum, refreshRequest, hotiCookie, cotiCookie, hotIndex,
        hotCookie, hotToken, cotIndex, cotCookie, buSequence, buLifetime, baStatus, baSequence, baLifetime,
        beStatus, beHomeAddress, optionLength, pad1, padN, padNData, refreshAdvice, refreshInterval, careOf,
        careOfAddress, nonces, homeNonce, careOfNonce, authorization, authenticator,
    ] + buFlags + baFlags)

    private struct Cut: Error {}

    /// The Mobility Header at `o`; a read past the captured bytes stops it, as a tvb
    /// exception stops packet-mip6.c.
    static func dissect(at o: Int, _ tree: inout TreeBuilder) {
        let depth = tree.depth
        let end = tree.bytes.count
        guard o + 6 <= end else { return }
        let length = (Int(tree.bytes[o + 1]) + 1) * 8
        tree.open(declaration, o..<Swift.min(o + length, end), label: "Mobile IPv6")
        do { try body(at: o, length: length, end: end, &tree) } catch {}
        tree.close(to: depth)
    }

    private static func body(at o: Int, length: Int, end: Int, _ tree: inout TreeBuilder) throws {
        let bytes = tree.bytes
        func need(_ at: Int, _ n: Int) throws { guard at >= 0, at <= end - n else { throw Cut() } }
        let hlen = bytes[o + 1]
        let kind = bytes[o + 2]
        tree.add(payloadProtocol, o..<o + 1, .uint(UInt64(bytes[o])))
        tree.add(headerLength, o + 1..<o + 2, .uint(UInt64(hlen)), display: "\(hlen) (\(length) bytes)")
        tree.add(type, o + 2..<o + 3, .uint(UInt64(kind)))
        tree.add(reserved, o + 3..<o + 4, .uint(UInt64(bytes[o + 3])))
        tree.add(checksum, o + 4..<o + 6, .uint(UInt64(bytes.u16be(o + 4))))
        let d = o + 6
        let name = typeNames[UInt64(kind)] ?? ""
        var options: Int
        switch kind {
        case 0:
            try need(d, 2)
            tree.add(refreshRequest, d..<d + 2, .bytes(d..<d + 2))
            options = o + 8
        case 1, 2:
            try need(d, 10)
            tree.openText(name, range: d..<d + 10)
            tree.add(kind == 1 ? hotiCookie : cotiCookie, d + 2..<d + 10, .uint(bytes.u64be(d + 2)))
            tree.close()
            options = o + 16
        case 3, 4:
            try need(d, 18)
            tree.openText(name, range: d..<d + 18)
            tree.add(kind == 3 ? hotIndex : cotIndex, d..<d + 2, .uint(UInt64(bytes.u16be(d))))
            tree.add(kind == 3 ? hotCookie : cotCookie, d + 2..<d + 10, .uint(bytes.u64be(d + 2)))
            // packet-mip6.c labels the care-of keygen token with the home one's field.
            tree.add(hotToken, d + 10..<d + 18, .uint(bytes.u64be(d + 10)))
            tree.close()
            options = o + 24
        case 5:
            try need(d, 6)
            tree.openText(name, range: d..<d + 6)
            tree.add(buSequence, d..<d + 2, .uint(UInt64(bytes.u16be(d))))
            let flags = UInt64(bytes.u16be(d + 2))
            for f in buFlags { tree.bits(f, d + 2..<d + 4, container: flags) }
            let lifetime = UInt64(bytes.u16be(d + 4))
            tree.add(buLifetime, d + 4..<d + 6, .uint(lifetime), display: "\(lifetime) (\(lifetime * 4) seconds)")
            tree.close()
            options = o + 12
        case 6:
            try need(d, 6)
            tree.openText(name, range: d..<d + 6)
            tree.add(baStatus, d..<d + 1, .uint(UInt64(bytes[d])))
            for f in baFlags { tree.bits(f, d + 1..<d + 2, container: UInt64(bytes[d + 1])) }
            tree.add(baSequence, d + 2..<d + 4, .uint(UInt64(bytes.u16be(d + 2))))
            let lifetime = UInt64(bytes.u16be(d + 4))
            tree.add(baLifetime, d + 4..<d + 6, .uint(lifetime), display: "\(lifetime) (\(lifetime * 4) seconds)")
            tree.close()
            options = o + 12
        case 7:
            try need(d, 18)
            tree.openText(name, range: d..<d + 18)
            tree.add(beStatus, d..<d + 1, .uint(UInt64(bytes[d])))
            tree.add(beHomeAddress, d + 2..<d + 18, .ipv6(IPv6Address(bytes, at: d + 2)))
            tree.close()
            options = o + 24
        default:
            return
        }
        guard options < o + length else { return }
        try need(options, o + length - options)
        tree.openText("Mobility Options", range: options..<o + length)
        defer { tree.close() }
        while options < o + length {
            let kind = bytes[options]
            if kind == 0 {
                tree.add(pad1, options..<options + 1, .bytes(options..<options + 1), label: "MIPv6 Option - Pad1")
                options += 1
                continue
            }
            try need(options, 2)
            let len = Int(bytes[options + 1])
            let v = options + 2
            try need(v, len)
            let field: HeaderField
            switch kind {
            case 1: field = padN
            case 2: field = refreshAdvice
            case 3: field = careOf
            case 4: field = nonces
            case 5: field = authorization
            default: return
            }
            tree.open(field, options..<v + len, .bytes(options..<v + len), label: "MIPv6 Option - \(field.label)")
            tree.add(optionLength, options + 1..<options + 2, .uint(UInt64(len)))
            switch kind {
            case 1 where len > 0: tree.add(padNData, v..<v + len, .bytes(v..<v + len))
            case 2 where len >= 2:
                let interval = UInt64(bytes.u16be(v))
                tree.add(refreshInterval, v..<v + 2, .uint(interval), display: "\(interval) (\(interval * 4) seconds)")
            case 3 where len >= 16: tree.add(careOfAddress, v..<v + 16, .ipv6(IPv6Address(bytes, at: v)))
            case 4 where len >= 4:
                tree.add(homeNonce, v..<v + 2, .uint(UInt64(bytes.u16be(v))))
                tree.add(careOfNonce, v + 2..<v + 4, .uint(UInt64(bytes.u16be(v + 2))))
            case 5 where len > 0: tree.add(authenticator, v..<v + len, .bytes(v..<v + len))
            default: break
            }
            tree.close()
            options = v + len
        }
    }

    /// The Info column: the message type's name.
    static func writeInfo(at o: Int, bytes: ByteView, to out: OutputBuffer) {
        guard o + 3 <= bytes.count else { return }
        out.string(typeNames[UInt64(bytes[o + 2])] ?? "Unknown MH Type (\(bytes[o + 2]))")
    }
}

extension Frame {
    /// Where this frame's Mobility Header starts: the extension header 135 in the IPv6
    /// chain, or the payload of next header 62.
    var mobilityHeader: Int? {
        guard protocols.contains(.mipv6), let ip = ipv6 else { return nil }
        if ip.upperLayerProtocol == 62 { return ip.payload.lowerBound < bytes.count ? ip.payload.lowerBound : nil }
        var at = ip.offset + 40
        for header in ip.extensionHeaders {
            guard at + 2 <= bytes.count else { return nil }
            if header == 135 { return at }
            switch header {
            case 44: at += 8
            case 51: at += (Int(bytes[at + 1]) + 2) * 4
            default: at += (Int(bytes[at + 1]) + 1) * 8
            }
        }
        return nil
    }
}
