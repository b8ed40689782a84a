import Dissect

/// BOOTP/DHCP (RFC 951, RFC 2131, RFC 2132) as packet-dhcp.c in tshark 4.0 shows it: the
/// fixed header, the cookie, and each option with its length and value, typed by a table
/// like Wireshark's `default_dhcp_opt`.
enum DHCPTree {
    static let type = HeaderField("dhcp.type", "Message type", .uint8, names: .values([1: "Boot Request", 2: "Boot Reply"]))
    static let hwType = HeaderField("dhcp.hw.type", "Hardware type", .uint8, .hex, names: .values(hardwareTypes))
    static let hwLength = HeaderField("dhcp.hw.len", "Hardware address length", .uint8)
    static let hops = HeaderField("dhcp.hops", "Hops", .uint8)
    static let id = HeaderField("dhcp.id", "Transaction ID", .uint32, .hex)
    static let secs = HeaderField("dhcp.secs", "Seconds elapsed", .uint16)
    static let flags = HeaderField("dhcp.flags", "Bootp flags", .uint16, .hex)
    static let broadcast = HeaderField("dhcp.flags.bc", "Broadcast flag", .boolean, width: 16, mask: 0x8000,
                                       names: .trueFalse("Broadcast", "Unicast"))
    static let reservedFlags = HeaderField("dhcp.flags.reserved", "Reserved flags", .uint16, .hex, mask: 0x7FFF)
    static let clientIP = HeaderField("dhcp.ip.client", "Client IP address", .ipv4)
    static let yourIP = HeaderField("dhcp.ip.your", "Your (client) IP address", .ipv4)
    static let serverIP = HeaderField("dhcp.ip.server", "Next server IP address", .ipv4)
    static let relayIP = HeaderField("dhcp.ip.relay", "Relay agent IP address", .ipv4)
    static let mac = HeaderField("dhcp.hw.mac_addr", "Client MAC address", .ether)
    static let hwAddress = HeaderField("dhcp.hw.addr", "Client hardware address", .bytes)
    static let padding = HeaderField("dhcp.hw.addr_padding", "Client hardware address padding", .bytes)
    static let server = HeaderField("dhcp.server", "Server host name", .string)
    static let file = HeaderField("dhcp.file", "Boot file name", .string)
    static let cookie = HeaderField("dhcp.cookie", "Magic cookie", .ipv4)
    static let option = HeaderField("dhcp.option.type", "Option", .uint8)
    static let length = HeaderField("dhcp.option.length", "Length", .uint8)
    static let value = HeaderField("dhcp.option.value", "Value", .bytes)
    static let optionPadding = HeaderField("dhcp.option.padding", "Padding", .bytes)
    static let end = HeaderField("dhcp.option.end", "Option End", .uint8)
    static let messageType = HeaderField("dhcp.option.dhcp", "DHCP", .uint8, names: .values(DHCPInfo.messageTypes))
    static let requestItem = HeaderField("dhcp.option.request_list_item", "Parameter Request List Item", .uint8)
    static let clientIDType = HeaderField("dhcp.client_id.type", "Type", .uint8)
    static let clientID = HeaderField("dhcp.client_id", "Identifier", .bytes)

    static let hardwareTypes: [UInt64: String] = [1: "Ethernet", 6: "IEEE 802 Networks", 32: "InfiniBand"]

    /// How an option's value is shown, as packet-dhcp.c's option table types it.
    enum Kind { case ipv4, ipv4List, string, u8, u16, u32, seconds, signedSeconds, boolean }

    /// The options with a field of their own: code, field and kind.
    static let typed: [UInt8: (HeaderField, Kind)] = {
        let list: [(UInt8, String, String, Kind)] = [
            (1, "subnet_mask", "Subnet Mask", .ipv4), (2, "time_offset", "Time Offset", .signedSeconds),
            (3, "router", "Router", .ipv4List), (4, "time_server", "Time Server", .ipv4List),
            (5, "name_server", "Name Server", .ipv4List), (6, "domain_name_server", "Domain Name Server", .ipv4List),
            (7, "log_server", "Log Server", .ipv4List), (12, "hostname", "Host Name", .string),
            (13, "boot_file_size", "Boot File Size", .u16), (15, "domain_name", "Domain Name", .string),
            (16, "swap_server", "Swap Server", .ipv4), (17, "root_path", "Root Path", .string),
            (23, "default_ip_ttl", "Default IP Time-to-Live", .u8), (26, "interface_mtu", "Interface MTU", .u16),
            (28, "broadcast_address", "Broadcast Address", .ipv4),
            (42, "ntp_server", "Network Time Protocol Server", .ipv4List),
            (44, "netbios_over_tcpip_name_server", "NetBIOS over TCP/IP Name Server", .ipv4List),
            (47, "netbios_over_tcpip_scope", "NetBIOS over TCP/IP Scope", .string),
            (50, "requested_ip_address", "Requested IP Address", .ipv4),
            (51, "ip_address_lease_time", "IP Address Lease Time", .seconds),
            (54, "dhcp_server_id", "DHCP Server Identifier", .ipv4), (56, "message", "Message", .string),
            (57, "dhcp_max_message_size", "Maximum DHCP Message Size", .u16),
            (58, "renewal_time_value", "Renewal Time Value", .seconds),
            (59, "rebinding_time_value", "Rebinding Time Value", .seconds),
            (60, "vendor_class_id", "Vendor class identifier", .string),
            (66, "tftp_server_name", "TFTP Server Name", .string), (67, "bootfile_name", "Bootfile name", .string),
            (252, "private_proxy_autodiscovery", "Private/Proxy autodiscovery", .string),
        ]
        var table: [UInt8: (HeaderField, Kind)] = [:]
        for (code, key, label, kind) in list {
            let type: FieldType = switch kind {
            case .ipv4, .ipv4List: .ipv4
            case .string: .string
            case .u8, .boolean: .uint8
            case .u16: .uint16
            case .u32, .seconds: .uint32
            case .signedSeconds: .int32
            }
            table[code] = (HeaderField("dhcp.option." + key, label, type), kind)
        }
        return table
    }()
    /// One-byte options with value names.
    static let named: [UInt8: (HeaderField, [UInt64: String])] = [
        46: (HeaderField("dhcp.option.netbios_over_tcpip_node_type", "NetBIOS over TCP/IP Node Type", .uint8),
             [1: "B-node", 2: "P-node", 4: "M-node", 8: "H-node"]),
        116: (HeaderField("dhcp.option.dhcp_auto_configuration", "DHCP Auto-Configuration", .uint8),
              [0: "DoNotAutoConfigure", 1: "AutoConfigure"]),
    ]

    static var declaration: ProtocolDeclaration {
        ProtocolDeclaration("dhcp", "Dynamic Host Configuration Protocol", fields: [
            type, hwType, hwLength, hops, id, secs, flags, broadcast, reservedFlags, clientIP, yourIP, serverIP, relayIP,
            mac, hwAddress, padding, server, file, cookie, option, length, value, optionPadding, end, messageType,
            requestItem, clientIDType, clientID,
        ] + typed.values.map(\.0).sorted { $0.name < $1.name } + named.values.map(\.0).sorted { $0.name < $1.name })
    }
    static let cachedDeclaration = declaration

    static func dissect(_ m: DHCPMessage, _ tree: inout TreeBuilder) {
        let bytes = tree.bytes
        let o = m.offset
        let label = m.messageType.map { "Dynamic Host Configuration Protocol (\(DHCPInfo.messageTypes[UInt64($0)] ?? "Unknown Message Type (0x\(hex(UInt64($0), digits: 2)))"))" }
            ?? "Dynamic Host Configuration Protocol"
        tree.open(cachedDeclaration, o..<m.end, label: label)
        defer { tree.close() }
        tree.add(type, o..<o + 1, .uint(UInt64(m.op)))
        tree.add(hwType, o + 1..<o + 2, .uint(UInt64(m.hardwareType)))
        tree.add(hwLength, o + 2..<o + 3, .uint(UInt64(m.hardwareLength)))
        tree.add(hops, o + 3..<o + 4, .uint(UInt64(m.hops)))
        tree.add(id, o + 4..<o + 8, .uint(UInt64(m.transactionID)))
        tree.add(secs, o + 8..<o + 10, .uint(UInt64(m.seconds)))
        let f = UInt64(m.flags)
        tree.open(flags, o + 10..<o + 12, .uint(f), display: "0x\(hex(f, digits: 4))" + (f & 0x8000 != 0 ? ", Broadcast flag (Broadcast)" : " (Unicast)"))
        tree.bits(broadcast, o + 10..<o + 12, container: f)
        tree.bits(reservedFlags, o + 10..<o + 12, container: f)
        tree.close()
        let addresses = [(clientIP, m.clientIP), (yourIP, m.yourIP), (serverIP, m.serverIP), (relayIP, m.relayIP)]
        for (i, (field, address)) in addresses.enumerated() where m.has(12 + 4 * i, 4) {
            tree.add(field, o + 12 + 4 * i..<o + 16 + 4 * i, .ipv4(address))
        }
        guard m.has(28, 16) else { return }
        if m.hardwareType == 1 && m.hardwareLength == 6 {
            tree.add(mac, o + 28..<o + 34, .ether(MACAddress(bytes, at: o + 28)))
            tree.add(padding, o + 34..<o + 44, .bytes(o + 34..<o + 44))
        } else {
            let n = min(Int(m.hardwareLength), 16)
            tree.add(hwAddress, o + 28..<o + 28 + n, .bytes(o + 28..<o + 28 + n))
        }
        guard m.has(44, 64) else { return }
        nameField(server, m.serverName, notGiven: "Server host name not given", &tree)
        guard m.has(108, 128) else { return }
        nameField(file, m.fileName, notGiven: "Boot file name not given", &tree)
        guard m.hasCookie else { return }
        tree.add(cookie, o + 236..<o + 240, .ipv4(IPv4Address(bytes, at: o + 236)), display: "DHCP")
        var options = m.options(bytes)
        while let opt = options.next() {
            if opt.code == 255 {
                tree.open(option, opt.range, .uint(0), label: "Option: (255) End")
                tree.add(end, opt.range, .uint(255))
                tree.close()
                if opt.range.upperBound < m.end {
                    tree.add(optionPadding, opt.range.upperBound..<m.end, .bytes(opt.range.upperBound..<m.end))
                }
                break
            }
            if opt.code == 0 {
                tree.open(option, opt.range, .uint(0), label: "Option: (0) Padding")
                tree.close()
                continue
            }
            optionNode(opt, &tree)
        }
    }

    /// "Server host name not given", or the NUL-terminated name.
    private static func nameField(_ field: HeaderField, _ r: Range<Int>, notGiven: String, _ tree: inout TreeBuilder) {
        let bytes = tree.bytes
        guard bytes[r.lowerBound] != 0 else { return tree.add(field, r, .string(""), label: notGiven) }
        let text = String(decoding: bytes.slice(r).prefix { $0 != 0 }, as: UTF8.self)
        tree.add(field, r, .string(text))
    }

    private static func optionNode(_ opt: DHCPOption, _ tree: inout TreeBuilder) {
        let bytes = tree.bytes
        let v = opt.value
        let name = DHCPInfo.optionNames[opt.code] ?? "Unknown"
        var header = "Option: (\(opt.code)) \(name)"
        if opt.code == 53, v.count == 1 { header += " (\(DHCPInfo.messageTypes[UInt64(bytes[v.lowerBound])] ?? "Unknown"))" }
        if let (_, kind) = typed[opt.code], kind == .ipv4, v.count == 4 { header += " (\(IPv4Address(bytes, at: v.lowerBound)))" }
        tree.open(option, opt.range, .uint(UInt64(opt.code)), label: header)
        defer { tree.close() }
        tree.add(length, opt.range.lowerBound + 1..<opt.range.lowerBound + 2, .uint(UInt64(v.count)))
        // The raw value, hidden, for every option tshark decodes (visible for the others).
        let decoded = opt.code == 53 || opt.code == 55 || opt.code == 61 || typed[opt.code] != nil || named[opt.code] != nil
        tree.add(value, v, .bytes(v), hidden: decoded)
        switch opt.code {
        case 53 where v.count == 1:
            tree.add(messageType, v, .uint(UInt64(bytes[v.lowerBound])))
        case 55:
            for i in v {
                let code = bytes[i]
                tree.add(requestItem, i..<i + 1, .uint(UInt64(code)),
                         display: "(\(code)) \(DHCPInfo.optionNames[code] ?? "Unknown")")
            }
        case 61 where v.count == 7 && bytes[v.lowerBound] == 1:
            tree.add(hwType, v.lowerBound..<v.lowerBound + 1, .uint(1))
            tree.add(mac, v.lowerBound + 1..<v.upperBound, .ether(MACAddress(bytes, at: v.lowerBound + 1)))
        case 61 where !v.isEmpty:
            tree.add(clientIDType, v.lowerBound..<v.lowerBound + 1, .uint(UInt64(bytes[v.lowerBound])))
            tree.add(clientID, v.lowerBound + 1..<v.upperBound, .bytes(v.lowerBound + 1..<v.upperBound))
        default:
            if let (field, names) = named[opt.code], v.count == 1 {
                let x = UInt64(bytes[v.lowerBound])
                tree.add(field, v, .uint(x), display: "\(names[x] ?? "Unknown") (\(x))")
            } else if let (field, kind) = typed[opt.code] {
                typedValue(field, kind, v, &tree)
            }
        }
    }

    private static func typedValue(_ field: HeaderField, _ kind: Kind, _ v: Range<Int>, _ tree: inout TreeBuilder) {
        let bytes = tree.bytes
        switch kind {
        case .ipv4, .ipv4List:
            var at = v.lowerBound
            while at + 4 <= v.upperBound {
                tree.add(field, at..<at + 4, .ipv4(IPv4Address(bytes, at: at)))
                at += 4
            }
        case .string:
            tree.add(field, v, .string(String(decoding: bytes.slice(v).prefix { $0 != 0 }, as: UTF8.self)))
        case .u8 where v.count == 1, .boolean where v.count == 1:
            tree.add(field, v, .uint(UInt64(bytes[v.lowerBound])))
        case .u16 where v.count == 2:
            tree.add(field, v, .uint(UInt64(bytes.u16be(v.lowerBound))))
        case .u32 where v.count == 4:
            tree.add(field, v, .uint(UInt64(bytes.u32be(v.lowerBound))))
        case .seconds where v.count == 4:
            let s = bytes.u32be(v.lowerBound)
            tree.add(field, v, .uint(UInt64(s)), display: s == 0xFFFF_FFFF ? "(\(s)s) infinity" : "(\(s)s) \(durationText(UInt64(s)))")
        case .signedSeconds where v.count == 4:
            let s = Int32(bitPattern: bytes.u32be(v.lowerBound))
            tree.add(field, v, .int(Int64(s)), display: "(\(s)s) \(s < 0 ? "-" : "")\(durationText(UInt64(s.magnitude)))")
        default:
            break
        }
    }

    /// Wireshark's `unsigned_time_secs_to_str`: "10 hours, 30 minutes", "1 day, 2 seconds".
    static func durationText(_ seconds: UInt64) -> String {
        if seconds == 0 { return "0 seconds" }
        let parts: [(UInt64, String)] = [(seconds / 86400, "day"), (seconds / 3600 % 24, "hour"),
                                         (seconds / 60 % 60, "minute"), (seconds % 60, "second")]
        return parts.filter { $0.0 > 0 }.map { "\($0.0) \($0.1)\($0.0 == 1 ? "" : "s")" }.joined(separator: ", ")
    }
}

extension Frame {
    /// The BOOTP/DHCP message of this frame, read again from the UDP payload.
    var dhcpMessage: DHCPMessage? {
        guard let udp, protocols.last == .dhcp else { return nil }
        return DHCPMessage.decode(bytes, at: udp.payload.lowerBound, end: udp.payload.upperBound).layer
    }
}
