import Dissect

/// ICMP multi-part extensions (RFC 4884) and RFC 5837's Interface Information object,
/// as Wireshark shows them after the quoted datagram of an ICMP error.
enum ICMPExtensionTree {
    static let length = HeaderField("icmp.length", "Length", .uint8)
    static let lengthOriginal = HeaderField("icmp.length.original_datagram", "Length of original datagram", .uint16)
    static let ext = HeaderField("icmp.ext", "ICMP Multi-Part Extensions", .none)
    static let version = HeaderField("icmp.ext.version", "Version", .uint8)
    static let reserved = HeaderField("icmp.ext.res", "Reserved", .uint16, .hex, mask: 0x0FFF)
    static let checksum = HeaderField("icmp.ext.checksum", "Checksum", .uint16, .hex)
    static let checksumStatus = HeaderField("icmp.ext.checksum.status", "Checksum Status", .uint8, .none,
                                            names: .values([0: "Bad", 1: "Good", 2: "Unverified"]))
    static let objectLength = HeaderField("icmp.ext.length", "Length", .uint16)
    static let objectClass = HeaderField("icmp.ext.class", "Class", .uint8, names: .values(classNames))
    static let cType = HeaderField("icmp.ext.ctype", "C-Type", .uint8)
    static let objectData = HeaderField("icmp.ext.data", "Data", .bytes)
    static let role = HeaderField("icmp.int_info.role", "Interface Role", .uint8, mask: 0xC0, names: .values(roleNames))
    static let infoReserved = HeaderField("icmp.int_info.reserved", "Reserved", .uint8, mask: 0x30)
    static let ifindexBit = HeaderField("icmp.int_info.ifindex", "ifIndex", .boolean, width: 8, mask: 0x08, names: .trueFalse)
    static let ipaddrBit = HeaderField("icmp.int_info.ipaddr", "IP Address", .boolean, width: 8, mask: 0x04,
                                       names: .trueFalse("Present", "Not Present"))
    static let nameBit = HeaderField("icmp.int_info.name_present", "Interface Name", .boolean, width: 8, mask: 0x02,
                                     names: .trueFalse("Present", "Not Present"))
    static let mtuBit = HeaderField("icmp.int_info.mtu_present", "MTU", .boolean, width: 8, mask: 0x01,
                                    names: .trueFalse("Present", "Not Present"))
    static let index = HeaderField("icmp.int_info.index", "Interface Index", .uint32)
    static let afi = HeaderField("icmp.int_info.afi", "Address Family Identifier", .uint16)
    static let ipv4 = HeaderField("icmp.int_info.ipv4", "Source", .ipv4)
    static let ipv6 = HeaderField("icmp.int_info.ipv6", "Source", .ipv6)
    static let nameLength = HeaderField("icmp.int_info.name_length", "Name Length", .uint8)
    static let name = HeaderField("icmp.int_info.name", "Name", .string)
    static let mtu = HeaderField("icmp.int_info.mtu", "Maximum Transmission Unit", .uint32)
    // RFC 8335's Interface Identification Object (class 3), in an extended echo request.
    static let identName = HeaderField("icmp.int_ident.name", "Name", .string)
    static let identIndex = HeaderField("icmp.int_ident.index", "Interface Index", .uint32)
    static let identAFI = HeaderField("icmp.int_ident.afi", "Address Family Identifier", .uint16, names: .values([1: "IPv4", 2: "IPv6"]))
    static let identAddressLength = HeaderField("icmp.int_ident.addr_length", "Address Length", .uint8)
    static let identReserved = HeaderField("icmp.int_ident.reserved", "Reserved", .bytes)
    static let identIPv4 = HeaderField("icmp.int_ident.ipv4", "Address", .ipv4)
    static let identIPv6 = HeaderField("icmp.int_ident.ipv6", "Address", .ipv6)
    static let identAddress = HeaderField("icmp.int_ident.address", "Address", .bytes)
    static let identCTypes: [UInt8: String] = [
        1: "Identifies Interface By Name", 2: "Identifies Interface By Index", 3: "Identifies Interface By Address",
    ]

    static let classNames: [UInt64: String] = [
        1: "MPLS Label Stack Class", 2: "Interface Information Object", 3: "Interface Identification Object",
    ]
    static let roleNames: [UInt64: String] = [
        0: "IP interface upon which datagram arrived", 1: "Sub-IP component of an IP interface upon which datagram arrived",
        2: "IP interface through which datagram would be forwarded", 3: "IP next-hop to which datagram would be forwarded",
    ]

    /// Extra fields of the `icmp` protocol.
    static let fields: [HeaderField] = [
        length, lengthOriginal, ext, version, reserved, checksum, checksumStatus, objectLength, objectClass, cType,
        objectData, role, infoReserved, ifindexBit, ipaddrBit, nameBit, mtuBit, index, afi, ipv4, ipv6, nameLength, name, mtu,
        identName, identIndex, identAFI, identAddressLength, identReserved, identIPv4, identIPv6, identAddress,
    ]

    /// Bytes 4–7 of an ICMPv4 error that gives the original datagram's length (RFC 4884).
    static func lengthFields(icmpOffset o: Int, originalLength: Int, unused: HeaderField, _ tree: inout TreeBuilder) {
        tree.add(unused, o + 4..<o + 5, .bytes(o + 4..<o + 5))
        tree.add(length, o + 5..<o + 6, .uint(UInt64(originalLength / 4)))
        tree.add(lengthOriginal, nil, .uint(UInt64(originalLength)), generated: true)
        tree.add(unused, o + 6..<o + 8, .bytes(o + 6..<o + 8))
    }

    static func dissect(_ e: ICMPExtensions, _ tree: inout TreeBuilder) {
        let bytes = tree.bytes
        let o = e.offset
        tree.open(ext, e.range, .none, label: "ICMP Multi-Part Extensions")
        tree.add(version, o..<o + 1, .uint(UInt64(e.version)))
        tree.bits(reserved, o..<o + 2, container: UInt64(bytes.u16be(o)))
        let good = InternetChecksum.verifies(bytes, e.range)
        tree.add(checksum, o + 2..<o + 4, .uint(UInt64(e.checksum)),
                 display: "0x\(hex(UInt64(e.checksum), digits: 4)) [\(good ? "correct" : "incorrect")]")
        tree.add(checksumStatus, nil, .uint(good ? 1 : 0), generated: true)
        for object in e.objects(bytes) {
            let r = object.offset..<object.offset + object.length
            let className = classNames[UInt64(object.classNumber)] ?? "Unknown"
            tree.openText(object.classNumber == 2 ? "Interface Information Object" : "Unknown object (\(object.classNumber)/\(object.cType))", range: r)
            tree.add(objectLength, r.lowerBound..<r.lowerBound + 2, .uint(UInt64(object.length)))
            tree.add(objectClass, r.lowerBound + 2..<r.lowerBound + 3, .uint(UInt64(object.classNumber)),
                     display: "\(className) (\(object.classNumber))")
            let ct = r.lowerBound + 3..<r.lowerBound + 4
            if object.classNumber == ICMPExtensions.InterfaceInformation.classNumber,
               let info = ICMPExtensions.InterfaceInformation.decode(bytes, object) {
                interfaceInformation(object, info, ctRange: ct, &tree)
            } else {
                tree.add(cType, ct, .uint(UInt64(object.cType)))
                if !object.data.isEmpty { tree.add(objectData, object.data, .bytes(object.data)) }
            }
            tree.close()
        }
        tree.close()
    }

    private static func interfaceInformation(_ object: ICMPExtensions.Object, _ info: ICMPExtensions.InterfaceInformation,
                                             ctRange: Range<Int>, _ tree: inout TreeBuilder) {
        let bytes = tree.bytes
        let c = UInt64(object.cType)
        var parts = ["Interface Role: " + (roleNames[c >> 6] ?? "Unknown")]
        if c & 0x08 != 0 { parts.append("ifIndex") }
        if c & 0x04 != 0 { parts.append("IP Address") }
        if c & 0x02 != 0 { parts.append("Interface Name") }
        if c & 0x01 != 0 { parts.append("MTU") }
        tree.open(cType, ctRange, .uint(c), display: "\(c), " + parts.joined(separator: ", "))
        tree.bits(role, ctRange, container: c)
        tree.bits(infoReserved, ctRange, container: c)
        tree.bits(ifindexBit, ctRange, container: c)
        tree.bits(ipaddrBit, ctRange, container: c)
        tree.bits(nameBit, ctRange, container: c)
        tree.bits(mtuBit, ctRange, container: c)
        tree.close()
        var at = object.data.lowerBound
        if let i = info.ifIndex { tree.add(index, at..<at + 4, .uint(UInt64(i))); at += 4 }
        if let sub = info.addressObject, let address = info.address, let family = info.afi {
            tree.openText("IP Address Sub-Object", range: sub)
            tree.add(afi, sub.lowerBound..<sub.lowerBound + 2, .uint(UInt64(family)))
            tree.text("Reserved: \(hex(UInt64(info.addressReserved ?? 0), digits: 4))", range: sub.lowerBound + 2..<sub.lowerBound + 4)
            if address.count == 4 {
                tree.add(ipv4, address, .ipv4(IPv4Address(bytes, at: address.lowerBound)))
            } else {
                tree.add(ipv6, address, .ipv6(IPv6Address(high: bytes.u64be(address.lowerBound), low: bytes.u64be(address.lowerBound + 8))))
            }
            tree.close()
            at = sub.upperBound
        }
        if let sub = info.nameObject, let n = info.name {
            tree.openText("Interface Name Sub-Object", range: sub)
            tree.add(nameLength, sub.lowerBound..<sub.lowerBound + 1, .uint(UInt64(info.nameLength ?? 0)))
            tree.add(name, n, .string(String(decoding: bytes.slice(n), as: UTF8.self)))
            tree.close()
            at = sub.upperBound
        }
        if let m = info.mtu { tree.add(mtu, at..<at + 4, .uint(UInt64(m))) }
    }

    /// An extended echo request's extensions (RFC 8335), from byte 8 to the message's end,
    /// walked as packet-icmp.c walks them: an object longer than what is left is shown as
    /// far as it goes, "(truncated)"; one shorter than its header ends the walk.
    static func dissectProbe(_ range: Range<Int>, _ tree: inout TreeBuilder) {
        let bytes = tree.bytes
        let o = range.lowerBound, end = range.upperBound
        tree.open(ext, range, .none, label: "ICMP Multi-Part Extensions")
        defer { tree.close() }
        guard range.count >= 4 else { return }
        let v = bytes[o] >> 4
        tree.add(version, o..<o + 1, .uint(UInt64(v)))
        tree.bits(reserved, o..<o + 2, container: UInt64(bytes.u16be(o)))
        let value = bytes.u16be(o + 2)
        if value == 0 {
            tree.add(checksum, o + 2..<o + 4, .uint(0), display: "0x0000 [not present]")
            tree.add(checksumStatus, nil, .uint(3), display: "Not present", generated: true)
        } else {
            VerifiedChecksum.add(checksum, status: checksumStatus, o + 2..<o + 4, value: value,
                                 sum: InternetChecksum.partial(bytes, range), expert: "icmp.ext.checksum_bad",
                                 severity: .warning, &tree)
        }
        guard v == 1 || v == 2 else { return }
        var at = o + 4
        while end - at >= 4 {
            let length = Int(bytes.u16be(at))
            let shownLength = min(length, end - at)
            let classNumber = bytes[at + 2], objectType = bytes[at + 3]
            let objectRange = at..<at + max(shownLength, 4)
            let header = (length: at..<at + 2, classByte: at + 2..<at + 3, cType: at + 3..<at + 4)
            let className = classNames[UInt64(classNumber)] ?? "Unknown"
            let cut = shownLength < length ? " (truncated)" : ""
            guard length >= 4 else {
                tree.openText("Object with bad length", range: objectRange)
                tree.add(objectLength, header.length, .uint(UInt64(length)))
                tree.add(objectClass, header.classByte, .uint(UInt64(classNumber)), display: "\(className) (\(classNumber))")
                tree.close()
                break
            }
            let data = at + 4..<at + shownLength
            if classNumber == 3, end - at >= 5 {
                tree.openText("Interface Identification Object" + cut, range: objectRange)
                tree.add(objectLength, header.length, .uint(UInt64(length)))
                tree.add(objectClass, header.classByte, .uint(UInt64(classNumber)), display: "\(className) (\(classNumber))")
                tree.add(cType, header.cType, .uint(UInt64(objectType)),
                         display: "\(objectType) (\(identCTypes[objectType] ?? "Unknown C-Type \(objectType)"))")
                interfaceIdentification(cType: objectType, data: at + 4..<min(at + length, end), end: end, &tree)
            } else {
                tree.openText("Unknown object (\(classNumber)/\(objectType))" + cut, range: objectRange)
                tree.add(objectLength, header.length, .uint(UInt64(length)))
                tree.add(objectClass, header.classByte, .uint(UInt64(classNumber)), display: "\(className) (\(classNumber))")
                tree.add(cType, header.cType, .uint(UInt64(objectType)))
                if !data.isEmpty { tree.add(objectData, data, .bytes(data)) }
            }
            tree.close()
            at += shownLength
        }
    }

    private static func interfaceIdentification(cType: UInt8, data: Range<Int>, end: Int, _ tree: inout TreeBuilder) {
        let bytes = tree.bytes
        var at = data.lowerBound
        switch cType {
        case 1:
            tree.add(identName, data, .string(String(decoding: bytes.slice(data).prefix { $0 != 0 }, as: UTF8.self)))
        case 2 where end - at >= 4:
            tree.add(identIndex, at..<at + 4, .uint(UInt64(bytes.u32be(at))))
        case 3 where end - at >= 4:
            let family = bytes.u16be(at)
            var length = Int(bytes[at + 2])
            tree.add(identAFI, at..<at + 2, .uint(UInt64(family)))
            tree.add(identAddressLength, at + 2..<at + 3, .uint(UInt64(length)))
            tree.add(identReserved, at + 3..<at + 4, .bytes(at + 3..<at + 4))
            at += 4
            switch family {
            case 1:
                while length >= 4 && end - at >= 4 {
                    tree.add(identIPv4, at..<at + 4, .ipv4(IPv4Address(bytes, at: at)))
                    at += 4
                    length -= 4
                }
            case 2:
                while length >= 16 && end - at >= 16 {
                    tree.add(identIPv6, at..<at + 16, .ipv6(IPv6Address(high: bytes.u64be(at), low: bytes.u64be(at + 8))))
                    at += 16
                    length -= 16
                }
            default:
                tree.add(identAddress, at..<end, .bytes(at..<end))
            }
        default:
            break
        }
    }
}
