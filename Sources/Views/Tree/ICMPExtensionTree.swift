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
}
