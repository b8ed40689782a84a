import Dissect

/// Linux Netfilter NFLOG (`tcpdump -i nflog:N`) as tshark 4.0 shows it: the header, then
/// each TLV with its length and type, and the value of the ones packet-nflog.c knows.
enum NFLOGTree {
    static let family = HeaderField("nflog.family", "Family", .uint8, names: .values([
        0: "Unspecified", 1: "IPv4/IPv6", 2: "IPv4", 3: "ARP", 5: "Netdev", 7: "Bridge", 10: "IPv6", 12: "DECNET",
    ]))
    static let version = HeaderField("nflog.version", "Version", .uint8)
    static let resourceID = HeaderField("nflog.res_id", "Resource id", .uint16)
    static let tlv = HeaderField("nflog.tlv", "TLV", .bytes)
    static let tlvLength = HeaderField("nflog.tlv_length", "Length", .uint16, blurb: "TLV Length")
    static let tlvType = HeaderField("nflog.tlv_type", "Type", .uint16, mask: 0x7FFF, names: .values(attributeNames), blurb: "TLV Type")
    static let hardwareProtocol = HeaderField("nflog.protocol", "HW protocol", .uint16, .hex, names: .values(EtherTypeNames.table))
    static let hook = HeaderField("nflog.hook", "Netfilter hook", .uint8, names: .values([
        0: "Pre-routing", 1: "Local in", 2: "Forward", 3: "Local out", 4: "Post-routing",
    ]))
    static let inDevice = HeaderField("nflog.ifindex_indev", "IFINDEX_INDEV", .uint32)
    static let outDevice = HeaderField("nflog.ifindex_outdev", "IFINDEX_OUTDEV", .uint32)
    static let physicalInDevice = HeaderField("nflog.ifindex_physindev", "IFINDEX_PHYSINDEV", .uint32)
    static let physicalOutDevice = HeaderField("nflog.ifindex_physoutdev", "IFINDEX_PHYSOUTDEV", .uint32)
    static let prefix = HeaderField("nflog.prefix", "Prefix", .string, blurb: "TLV Prefix Value")
    static let uid = HeaderField("nflog.uid", "UID", .int32, blurb: "TLV UID Value")
    static let gid = HeaderField("nflog.gid", "GID", .int32, blurb: "TLV GID Value")
    static let timestamp = HeaderField("nflog.timestamp", "Timestamp", .absoluteTime, blurb: "TLV Timestamp Value")
    static let value = HeaderField("nflog.tlv_value", "Value", .bytes, blurb: "TLV Value")

    static let attributeNames: [UInt64: String] = [
        0: "NFULA_UNSPEC", 1: "NFULA_PACKET_HDR", 2: "NFULA_MARK", 3: "NFULA_TIMESTAMP", 4: "NFULA_IFINDEX_INDEV",
        5: "NFULA_IFINDEX_OUTDEV", 6: "NFULA_IFINDEX_PHYSINDEV", 7: "NFULA_IFINDEX_PHYSOUTDEV", 8: "NFULA_HWADDR",
        9: "NFULA_PAYLOAD", 10: "NFULA_PREFIX", 11: "NFULA_UID", 12: "NFULA_SEQ", 13: "NFULA_SEQ_GLOBAL",
        14: "NFULA_GID", 15: "NFULA_HWTYPE", 16: "NFULA_HWHEADER", 17: "NFULA_HWLEN",
    ]

    static let declaration = ProtocolDeclaration("nflog", "Linux Netfilter NFLOG", fields: [
        family, version, resourceID, tlv, tlvLength, tlvType, hardwareProtocol, hook, inDevice, outDevice,
        physicalInDevice, physicalOutDevice, prefix, uid, gid, timestamp, value,
    ])

    static func dissect(_ nflog: NFLOG, _ tree: inout TreeBuilder) {
        let bytes = tree.bytes
        let end = bytes.count
        tree.open(declaration, 0..<end, label: "Linux Netfilter NFLOG")
        defer { tree.close() }
        tree.add(family, 0..<1, .uint(UInt64(nflog.family)))
        tree.add(version, 1..<2, .uint(UInt64(nflog.version)))
        tree.add(resourceID, 2..<4, .uint(UInt64(nflog.resourceID)))
        nflog.forEachTLV(bytes, end: end) { t in
            let range = t.offset..<min(t.offset + Int(t.length), end)
            let name = attributeNames[UInt64(t.type)] ?? "Unknown"
            tree.open(tlv, range, .bytes(range), label: "TLV Type: \(name) (\(t.type)), Length: \(t.length)")
            tree.add(tlvLength, t.offset..<t.offset + 2, .uint(UInt64(t.length)))
            tree.bits(tlvType, t.offset + 2..<t.offset + 4, container: UInt64(bytes.u16(t.offset + 2, bigEndian: !nflog.littleEndian)))
            if !addValue(t, &tree) {
                let v = t.value.clamped(to: 0..<end)
                tree.add(value, v, .bytes(v))
            }
            tree.close()
        }
    }

    /// The value of a TLV packet-nflog.c decodes, when its length is the one it expects.
    private static func addValue(_ t: NFLOG.TLV, _ tree: inout TreeBuilder) -> Bool {
        let bytes = tree.bytes
        let v = t.value
        guard v.upperBound <= bytes.count else { return false }
        func u32(_ field: HeaderField) -> Bool {
            guard v.count == 4 else { return false }
            tree.add(field, v, field.type == .int32 ? .int(Int64(Int32(bitPattern: bytes.u32be(v.lowerBound)))) : .uint(UInt64(bytes.u32be(v.lowerBound))))
            return true
        }
        switch NFLOG.AttributeType(rawValue: t.type) {
        case .packetHeader:
            guard v.count == 4 else { return false }
            tree.add(hardwareProtocol, v.lowerBound..<v.lowerBound + 2, .uint(UInt64(bytes.u16be(v.lowerBound))))
            tree.add(hook, v.lowerBound + 2..<v.lowerBound + 3, .uint(UInt64(bytes[v.lowerBound + 2])))
            return true
        case .inDevice: return u32(inDevice)
        case .outDevice: return u32(outDevice)
        case .physicalInDevice: return u32(physicalInDevice)
        case .physicalOutDevice: return u32(physicalOutDevice)
        case .uid: return u32(uid)
        case .gid: return u32(gid)
        case .payload: return true
        case .prefix:
            guard !v.isEmpty else { return false }
            tree.add(prefix, v, .string(String(decoding: bytes.slice(v).prefix { $0 != 0 }, as: UTF8.self)))
            return true
        case .timestamp:
            // 64-bit seconds and 64-bit microseconds, big-endian.
            guard v.count == 16 else { return false }
            let micros = bytes.u64be(v.lowerBound + 8)
            let nanos = micros < 1_000_000 ? UInt32(micros * 1000) : 0
            tree.add(timestamp, v, .absoluteTime(Timestamp(seconds: Int64(bitPattern: bytes.u64be(v.lowerBound)), nanoseconds: nanos)))
            return true
        default:
            return false
        }
    }
}
