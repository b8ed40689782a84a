import Dissect

/// DHCPv6 (RFC 8415) on UDP 546 and 547, as tshark 4.0 shows it (packet-dhcpv6.c): client
/// and relay messages, relayed messages nested in their Relay Message option, and the
/// options the lab and the corpus carry (identifiers and their DUIDs, identity
/// associations with their addresses and prefixes, requested options, elapsed time, server
/// unicast, status code, interface ID, reconfigure message, DNS servers). Other options
/// show their type and length.
enum DHCPv6Tree {
    static let messageTypes: [UInt64: String] = [
        1: "Solicit", 2: "Advertise", 3: "Request", 4: "Confirm", 5: "Renew", 6: "Rebind", 7: "Reply", 8: "Release",
        9: "Decline", 10: "Reconfigure", 11: "Information-request", 12: "Relay-forw", 13: "Relay-reply", 14: "Leasequery",
        15: "Leasequery-reply", 16: "Leasequery-done", 17: "Leasequery-data", 18: "Reconfigure-request", 19: "Reconfigure-reply",
    ]
    static let optionNames: [UInt64: String] = [
        1: "Client Identifier", 2: "Server Identifier", 3: "Identity Association for Non-temporary Address",
        4: "Identity Association for Temporary Address", 5: "IA Address", 6: "Option Request", 7: "Preference",
        8: "Elapsed time", 9: "Relay Message", 11: "Authentication", 12: "Server unicast", 13: "Status code",
        14: "Rapid Commit", 15: "User Class", 16: "Vendor Class", 17: "Vendor-specific Information",
        18: "Interface-Id", 19: "Reconfigure Message", 20: "Reconfigure Accept", 21: "SIP Server Domain Name List",
        22: "SIP Servers IPv6 Address List", 23: "DNS recursive name server", 24: "Domain Search List",
        25: "Identity Association for Prefix Delegation", 26: "IA Prefix", 27: "Network Information Server",
        28: "Network Information Server V2", 29: "Network Information Server Domain Name",
        30: "Network Information Server V2 Domain Name", 31: "Simple Network Time Protocol Server", 32: "Lifetime",
        33: "BCMCS Server Domain", 34: "BCMCS Servers IPv6 Address List", 36: "Geoconf Civic Address",
        37: "Remote Identifier", 38: "Subscriber Identifier", 39: "Client Fully Qualified Domain Name",
        40: "PANA Agents IPv6 Address List", 41: "Time Zone", 42: "Time Zone Database", 43: "Echo Request Option",
        44: "Leasequery Query", 45: "Leasequery Client Data", 46: "Client Last Transaction Time",
        47: "Leasequery Relay Data", 48: "Leasequery Client Link Address List", 49: "Home Network Identifier FQDN",
        50: "Visited Home Network Information", 51: "LoST Server", 52: "CAPWAP Access Controllers", 53: "Relay-ID",
        54: "MoS IPv6 Address", 55: "MoS Domain Name List", 56: "NTP Server", 57: "Access Network Domain Name",
        58: "SIP User Agent Configuration Service Domains", 59: "Boot File URL", 60: "Boot File Parameters",
        61: "Client System Architecture Type", 62: "Client Network Interface Identifier", 63: "Geolocation",
        64: "Dual-Stack Lite AFTR Name", 65: "ERP Local Domain Name", 66: "Relay-Supplied Options",
        67: "Prefix Exclude", 68: "Virtual Subnet Selection", 69: "Identified Home Network Information",
        70: "Unrestricted Home Network Information", 71: "Home Network Prefix", 72: "Home Agent Address",
        73: "Home Agent FQDN", 74: "RDNSS Selection", 75: "Kerberos Principal Name", 76: "Kerberos Realm Name",
        77: "Kerberos Default Realm Name", 78: "Kerberos KDC", 79: "Client Link-Layer Address", 80: "Link Address",
        81: "RADIUS", 82: "SOL_MAX_RT", 83: "INF_MAX_RT", 84: "Address Selection", 85: "Address Selection table",
        86: "PCP Server", 87: "DHCPv4 Message", 88: "DHCP 4o6 Servers Address", 89: "S46 Rule", 90: "S46 BR",
        91: "S46 DMR", 92: "S46 IPv4/IPv6 Address Binding", 93: "S46 Port Parameters", 94: "S46 MAP-E Container",
        95: "S46 MAP-T Container", 96: "S46 Lightweight 4over6 Container", 97: "4rd Options", 98: "4rd Mapping Rule",
        99: "4rd Non-Mapping Rule", 100: "LQ Server Base Time", 101: "LQ Server Query Start Time",
        102: "LQ Server Query End Time", 103: "Captive Portal", 104: "MPL Parameter Configuration",
        105: "Access Technology Type", 106: "Access Network Name", 107: "Access Point Name",
        108: "Access Point BSSID", 109: "Access Network Operator ID", 110: "Access Network Operator Realm",
        111: "S46 Priority", 112: "Manufacturer Usage Description", 113: "IPv4/IPv6 Multicast Prefixes",
        114: "Failover Binding Status", 115: "Failover Connect Flags", 116: "Failover DNS Removal Info",
        117: "Failover DNS Hostname", 118: "Failover DNS Zone Name", 119: "Failover DNS Flags",
        120: "Failover Expiration Time", 121: "Failover Maximum Number Unacked BNDUPD Messages",
        122: "Failover Maximum Client Lead Time (MCLT)", 123: "Failover Partner Lifetime",
        124: "Failover Partner Lifetime Sent", 125: "Failover Partner Down Time",
        126: "Failover Partner Raw Client Time", 127: "Failover Protocol Version", 128: "Failover Keepalive Time",
        129: "Failover Reconfigure Data", 130: "Failover Relationship Name", 131: "Failover Server Flags",
        132: "Failover Server State", 133: "Failover Start Time of State", 134: "Failover State Expiration Time",
        135: "Relay Source Port", 136: "SZTP Redirect", 137: "Softwire Source Binding Prefix Hint",
        143: "ANDSF IPv6 Address", 165: "Mobile IPv6 Home Agent", 166: "Mobile IPv6 Home Address",
        167: "Network Access Identifier",
    ]
    static let messageType = HeaderField("dhcpv6.msgtype", "Message type", .uint8, names: .values(messageTypes))
    static let hopCount = HeaderField("dhcpv6.hopcount", "Hopcount", .uint8)
    static let transactionID = HeaderField("dhcpv6.xid", "Transaction ID", .uint24, .hex)
    static let linkAddress = HeaderField("dhcpv6.linkaddr", "Link address", .ipv6)
    static let peerAddress = HeaderField("dhcpv6.peeraddr", "Peer address", .ipv6)
    static let option = HeaderField("dhcpv6.option.type_str", "Option", .string)
    static let optionType = HeaderField("dhcpv6.option.type", "Option", .uint16, names: .values(optionNames))
    static let optionLength = HeaderField("dhcpv6.option.length", "Length", .uint16)
    static let duid = HeaderField("dhcpv6.duid.bytes", "DUID", .bytes)
    static let duidType = HeaderField("dhcpv6.duid.type", "DUID Type", .uint16, names: .values([
        1: "link-layer address plus time", 2: "assigned by vendor based on Enterprise number", 3: "link-layer address",
        4: "Universally Unique IDentifier (UUID)",
    ]))
    static let hardwareNames: ValueNames = .values([1: "Ethernet"])
    static let lltHardware = HeaderField("dhcpv6.duidllt.hwtype", "Hardware type", .uint16, names: hardwareNames, blurb: "DUID LLT Hardware Type")
    static let lltTime = HeaderField("dhcpv6.duidllt.time", "DUID Time", .absoluteTime)
    static let lltAddress = HeaderField("dhcpv6.duidllt.link_layer_addr", "Link-layer address", .string)
    static let llHardware = HeaderField("dhcpv6.duidll.hwtype", "Hardware type", .uint16, names: hardwareNames, blurb: "DUID LL Hardware Type")
    static let llAddress = HeaderField("dhcpv6.duidll.link_layer_addr", "Link-layer address", .string)
    static let enterprise = HeaderField("dhcpv6.duiden.enterprise", "Enterprise ID", .uint32, blurb: "DUID EN Enterprise Number")
    static let enterpriseIdentifier = HeaderField("dhcpv6.duiden.identifier", "Identifier", .bytes)
    static let uuid = HeaderField("dhcpv6.duiduuid.bytes", "UUID", .bytes)
    static let iaid = HeaderField("dhcpv6.iaid", "IAID", .string)
    static let t1 = HeaderField("dhcpv6.iaid.t1", "T1", .uint32)
    static let t2 = HeaderField("dhcpv6.iaid.t2", "T2", .uint32)
    static let iata = HeaderField("dhcpv6.iata", "IATA", .string)
    static let address = HeaderField("dhcpv6.iaaddr.ip", "IPv6 address", .ipv6)
    static let preferredLifetime = HeaderField("dhcpv6.iaaddr.pref_lifetime", "Preferred lifetime", .uint32)
    static let validLifetime = HeaderField("dhcpv6.iaaddr.valid_lifetime", "Valid lifetime", .uint32)
    static let prefixPreferred = HeaderField("dhcpv6.iaprefix.pref_lifetime", "Preferred lifetime", .uint32)
    static let prefixValid = HeaderField("dhcpv6.iaprefix.valid_lifetime", "Valid lifetime", .uint32)
    static let prefixLength = HeaderField("dhcpv6.iaprefix.pref_len", "Prefix length", .uint8)
    static let prefixAddress = HeaderField("dhcpv6.iaprefix.pref_addr", "Prefix address", .ipv6)
    static let requestedOption = HeaderField("dhcpv6.requested_option_code", "Requested Option code", .uint16, names: .values(optionNames))
    static let elapsedTime = HeaderField("dhcpv6.elapsed_time", "Elapsed time", .uint16)
    static let unicast = HeaderField("dhcpv6.unicast", "IPv6 address", .ipv6)
    static let statusCode = HeaderField("dhcpv6.status_code", "Status Code", .uint16, names: .values([
        0: "Success", 1: "UnspecFail", 2: "NoAddrAvail", 3: "NoBinding", 4: "NotOnLink", 5: "UseMulticast",
        6: "NoPrefixAvail", 7: "UnknownQueryType", 8: "MalformedQuery", 9: "NotConfigured", 10: "NotAllowed",
        11: "QueryTerminated", 12: "DataMissing", 13: "CatchUpComplete", 14: "NotSupported", 15: "TLSConnectionRefused",
    ]))
    static let interfaceID = HeaderField("dhcpv6.interface_id", "Interface-ID", .bytes)
    static let reconfigure = HeaderField("dhcpv6.reconf_msg", "Reconfigure message type", .uint8, names: .values(messageTypes))
    static let dnsServer = HeaderField("dhcpv6.dns_server", "DNS server address", .ipv6)

    static let declaration = ProtocolDeclaration("dhcpv6", "DHCPv6", fields: [
        messageType, hopCount, transactionID, linkAddress, peerAddress, option, optionType, optionLength, duid, duidType,
        lltHardware, lltTime, lltAddress, llHardware, llAddress, enterprise, enterpriseIdentifier, uuid, iaid, t1, t2, iata,
        address, preferredLifetime, validLifetime, prefixPreferred, prefixValid, prefixLength, prefixAddress,
        requestedOption, elapsedTime, unicast, statusCode, interfaceID, reconfigure, dnsServer,
    ])

    private struct Cut: Error {}

    /// Reads stop at the captured end (a tvb exception); the message's own end is the
    /// length UDP declares, as packet-dhcpv6.c takes the reported length.
    private struct Walk {
        let bytes: ByteView
        let captured: Int
        var info = ""
        func need(_ at: Int, _ n: Int) throws { guard at >= 0, n >= 0, at <= captured - n else { throw Cut() } }
        func u8(_ at: Int) throws -> UInt8 { try need(at, 1); return bytes[at] }
        func u16(_ at: Int) throws -> UInt16 { try need(at, 2); return bytes.u16be(at) }
        func u32(_ at: Int) throws -> UInt32 { try need(at, 4); return bytes.u32be(at) }
        func ipv6(_ at: Int) throws -> IPv6Address { try need(at, 16); return IPv6Address(bytes, at: at) }
        /// tvb_bytes_to_str: hex, at most 36 bytes then an ellipsis.
        func hexText(_ at: Int, _ n: Int) throws -> String {
            try need(at, n)
            var s = ""
            for i in at..<at + Swift.min(n, 36) { s += hex(UInt64(bytes[i]), digits: 2) }
            return n > 36 ? s + "\u{2026}" : s
        }
        /// tvb_arphrdaddr_to_str: a MAC for a 6-byte Ethernet address, else hex.
        func hardwareAddress(_ at: Int, _ n: Int, type: UInt16) throws -> String {
            if n == 0 { return "<No address>" }
            if (type == 1 || type == 6) && n == 6 {
                try need(at, 6)
                return MACAddress(rawValue: UInt64(bytes.u16be(at)) << 32 | UInt64(bytes.u32be(at + 2))).description
            }
            return try hexText(at, n)
        }
    }

    static func dissect(payload: Range<Int>, declaredEnd: Int, _ tree: inout TreeBuilder) {
        var walk = Walk(bytes: tree.bytes, captured: Swift.min(payload.upperBound, tree.bytes.count))
        let depth = tree.depth
        do { try message(&walk, at: payload.lowerBound, end: declaredEnd, &tree) } catch {}
        tree.close(to: depth)
    }

    /// The Info column: each message's type, its transaction ID or link address, client
    /// IDs and leased addresses, as packet-dhcpv6.c appends them (each with a space after).
    static func info(payload: Range<Int>, declaredEnd: Int, bytes: ByteView) -> String {
        var walk = Walk(bytes: bytes, captured: Swift.min(payload.upperBound, bytes.count))
        var tree = TreeBuilder(bytes: bytes)
        do { try message(&walk, at: payload.lowerBound, end: declaredEnd, &tree) } catch {}
        return walk.info
    }

    private static func message(_ w: inout Walk, at start: Int, end: Int, _ tree: inout TreeBuilder) throws {
        let kind = try w.u8(start)
        w.info += (messageTypes[UInt64(kind)] ?? "Message Type \(kind)") + " "
        tree.open(declaration, start..<Swift.min(Swift.max(start, end), w.captured), label: "DHCPv6")
        defer { tree.close() }
        var off = start
        tree.add(messageType, off..<off + 1, .uint(UInt64(kind)))
        if kind == 12 || kind == 13 {
            tree.add(hopCount, off + 1..<off + 2, .uint(UInt64(try w.u8(off + 1))))
            let link = try w.ipv6(off + 2)
            tree.add(linkAddress, off + 2..<off + 18, .ipv6(link))
            tree.add(peerAddress, off + 18..<off + 34, .ipv6(try w.ipv6(off + 18)))
            w.info += "L: \(link) "
            off += 34
        } else {
            try w.need(off + 1, 3)
            let xid = UInt32(w.bytes[off + 1]) << 16 | UInt32(w.bytes.u16be(off + 2))
            tree.add(transactionID, off + 1..<off + 4, .uint(UInt64(xid)))
            w.info += "XID: 0x\(hex(UInt64(xid), digits: 6)) "
            off += 4
        }
        var atEnd = false
        while off < end && !atEnd { off += try option(&w, at: off, end: end, atEnd: &atEnd, &tree) }
    }

    /// One option; returns the bytes it took, or 0 with `atEnd` set when it does not fit.
    private static func option(_ w: inout Walk, at start: Int, end: Int, atEnd: inout Bool, _ tree: inout TreeBuilder) throws -> Int {
        if end - start < 4 {
            atEnd = true
            return 0
        }
        let type = try w.u16(start)
        let length = Int(try w.u16(start + 2))
        if end - start < 4 + length {
            atEnd = true
            return 0
        }
        let name = optionNames[UInt64(type)] ?? "DHCP option \(type)"
        tree.open(option, start..<Swift.min(start + 4 + length, w.captured), .string(name), label: name)
        defer { tree.close() }
        tree.add(optionType, start..<start + 2, .uint(UInt64(type)))
        tree.add(optionLength, start + 2..<start + 4, .uint(UInt64(length)))
        let v = start + 4
        func malformed(_ message: String) {
            tree.expert("dhcpv6.malformed_option", .error, .malformed, message)
            tree.add(MalformedTree.malformed, nil, .string("Malformed Packet"), hidden: true)
        }
        func nested(from first: Int) throws {
            var used = first
            while length - used > 0 {
                var inner = false
                used += try option(&w, at: v + used, end: v + length, atEnd: &inner, &tree)
                if inner { used = length }
            }
        }
        switch type {
        case 1, 2, 53:
            if type == 1 { w.info += "CID: \(try w.hexText(v, length)) " }
            guard length >= 2 else { malformed("DUID: malformed option"); break }
            try w.need(v, length)
            tree.add(duid, v..<v + length, .bytes(v..<v + length))
            let kind = try w.u16(v)
            tree.add(duidType, v..<v + 2, .uint(UInt64(kind)))
            switch kind {
            case 1:
                guard length >= 8 else { malformed("DUID: malformed option"); break }
                let hw = try w.u16(v + 2)
                tree.add(lltHardware, v + 2..<v + 4, .uint(UInt64(hw)))
                // Seconds since midnight UTC, January 1, 2000.
                let seconds = Int64(try w.u32(v + 4)) + 946_684_800
                tree.add(lltTime, v + 4..<v + 8, .absoluteTime(Timestamp(seconds: seconds, nanoseconds: 0)))
                if length > 8 {
                    tree.add(lltAddress, v + 8..<v + length, .string(try w.hardwareAddress(v + 8, length - 8, type: hw)))
                }
            case 2:
                guard length >= 6 else { malformed("DUID: malformed option"); break }
                tree.add(enterprise, v + 2..<v + 6, .uint(UInt64(try w.u32(v + 2))))
                if length > 6 { tree.add(enterpriseIdentifier, v + 6..<v + length, .bytes(v + 6..<v + length)) }
            case 3:
                guard length >= 4 else { malformed("DUID: malformed option"); break }
                let hw = try w.u16(v + 2)
                tree.add(llHardware, v + 2..<v + 4, .uint(UInt64(hw)))
                if length > 4 {
                    tree.add(llAddress, v + 4..<v + length, .string(try w.hardwareAddress(v + 4, length - 4, type: hw)))
                }
            case 4:
                guard length == 18 else { malformed("DUID: malformed option"); break }
                tree.add(uuid, v + 2..<v + 18, .bytes(v + 2..<v + 18))
            default: break
            }
        case 3, 25:
            guard length >= 12 else { malformed(type == 3 ? "IA_NA: malformed option" : "IA_PD: malformed option"); break }
            tree.add(iaid, v..<v + 4, .string(try w.hexText(v, 4)))
            try lifetime(t1, w, at: v + 4, &tree)
            try lifetime(t2, w, at: v + 8, &tree)
            try nested(from: 12)
        case 4:
            guard length >= 4 else { malformed("IA_TA: malformed option"); break }
            tree.add(iata, v..<v + 4, .string(try w.hexText(v, 4)))
            try nested(from: 4)
        case 5:
            guard length >= 24 else { malformed("IA_TA: malformed option"); break }
            let ip = try w.ipv6(v)
            tree.add(address, v..<v + 16, .ipv6(ip))
            w.info += "IAA: \(ip) "
            try lifetime(preferredLifetime, w, at: v + 16, &tree)
            if try w.u32(v + 20) == 0xFFFF_FFFF {
                tree.add(validLifetime, v + 20..<v + 24, .uint(0xFFFF_FFFF), label: "Preferred lifetime: infinity")
            } else {
                try lifetime(validLifetime, w, at: v + 20, &tree)
            }
            try nested(from: 24)
        case 26:
            guard length >= 25 else { malformed("IAPREFIX: malformed option"); break }
            try lifetime(prefixPreferred, w, at: v, &tree)
            try lifetime(prefixValid, w, at: v + 4, &tree)
            tree.add(prefixLength, v + 8..<v + 9, .uint(UInt64(try w.u8(v + 8))))
            tree.add(prefixAddress, v + 9..<v + 25, .ipv6(try w.ipv6(v + 9)))
            try nested(from: 25)
        case 6, 43:
            var i = 0
            while i < length {
                tree.add(requestedOption, v + i..<v + i + 2, .uint(UInt64(try w.u16(v + i))))
                i += 2
            }
        case 8:
            guard length == 2 else { malformed("ELAPSED-TIME: malformed option"); break }
            let value = UInt64(try w.u16(v)) * 10
            tree.add(elapsedTime, v..<v + 2, .uint(value & 0xFFFF), display: "\(value & 0xFFFF)ms")
        case 9:
            if length == 0 { malformed("RELAY-MSG: malformed option") } else { try message(&w, at: v, end: v + length, &tree) }
        case 12:
            guard length == 16 else { malformed("SERVER UNICAST: malformed option"); break }
            tree.add(unicast, v..<v + 16, .ipv6(try w.ipv6(v)))
        case 13:
            guard length >= 2 else { malformed("STATUS_CODE: malformed option"); break }
            tree.add(statusCode, v..<v + 2, .uint(UInt64(try w.u16(v))))
        case 18:
            guard length > 0 else { malformed("INTERFACE_ID: malformed option"); break }
            try w.need(v, length)
            tree.add(interfaceID, v..<v + length, .bytes(v..<v + length))
        case 19:
            guard length == 1 else { malformed("RECONF_MSG: malformed option"); break }
            tree.add(reconfigure, v..<v + 1, .uint(UInt64(try w.u8(v))))
        case 23:
            guard length % 16 == 0 else { malformed("DNS servers address: malformed option"); break }
            var i = 0
            while i < length {
                // "%2d %s: %s": numbered from 1.
                let n = i / 16 + 1
                let server = try w.ipv6(v + i)
                tree.add(dnsServer, v + i..<v + i + 16, .ipv6(server), label: "\(n < 10 ? " " : "")\(n) DNS server address: \(server)")
                i += 16
            }
        default:
            break
        }
        return 4 + length
    }

    /// A lease time: "infinity" for 0xffffffff.
    private static func lifetime(_ field: HeaderField, _ w: Walk, at: Int, _ tree: inout TreeBuilder) throws {
        let value = try w.u32(at)
        tree.add(field, at..<at + 4, .uint(UInt64(value)), display: value == 0xFFFF_FFFF ? "infinity" : nil)
    }
}

extension Frame {
    /// The DHCPv6 message of this frame: the UDP payload, and where UDP says it ends.
    var dhcpv6Message: (payload: Range<Int>, declaredEnd: Int)? {
        guard let udp, protocols.last == .dhcpv6 else { return nil }
        return (udp.payload, udp.payload.lowerBound + Swift.max(udp.length - UDP.headerLength, 0))
    }
}
