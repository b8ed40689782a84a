import Dissect

/// Multicast Listener Discovery in ICMPv6: version 1 (RFC 2710: query, report, done) and
/// version 2 (RFC 3810: the longer query and the report of address records), as
/// packet-icmpv6.c shows them.
enum MLDTree {
    static let maxDelay = HeaderField("icmpv6.mld.maximum_response_delay", "Maximum Response Delay [ms]", .uint16)
    static let maxCode = HeaderField("icmpv6.mld.maximum_response_code", "Maximum Response Code", .uint16)
    static let address = HeaderField("icmpv6.mld.multicast_address", "Multicast Address", .ipv6)
    static let flags = HeaderField("icmpv6.mld.flag", "Flags", .uint8, .hex)
    static let suppress = HeaderField("icmpv6.mld.flag.s", "Suppress Router-Side Processing", .boolean, width: 8, mask: 0x08,
                                      names: .trueFalse)
    static let qrv = HeaderField("icmpv6.mld.flag.qrv", "QRV (Querier's Robustness Variable)", .uint8, mask: 0x07)
    static let flagReserved = HeaderField("icmpv6.mld.flag.reserved", "Reserved", .uint8, mask: 0xF0)
    static let qqic = HeaderField("icmpv6.mld.qqi", "QQIC (Querier's Query Interval Code)", .uint8)
    static let sourceCount = HeaderField("icmpv6.mld.nb_sources", "Number of Sources", .uint16)
    static let source = HeaderField("icmpv6.mld.source_address", "Source Address", .ipv6)
    static let recordCount = HeaderField("icmpv6.mldr.nb_mcast_records", "Number of Multicast Address Records", .uint16)
    static let record = HeaderField("icmpv6.mldr.mar", "Multicast Address Record", .none)
    static let recordType = HeaderField("icmpv6.mldr.mar.record_type", "Record Type", .uint8, names: .values([
        1: "Include", 2: "Exclude", 3: "Changed to include", 4: "Changed to exclude", 5: "Allow new sources",
        6: "Block old sources",
    ]))
    static let auxLength = HeaderField("icmpv6.mldr.mar.aux_data_len", "Aux Data Len", .uint8)
    static let recordSourceCount = HeaderField("icmpv6.mldr.mar.nb_sources", "Number of Sources", .uint16)
    static let recordAddress = HeaderField("icmpv6.mldr.mar.multicast_address", "Multicast Address", .ipv6)
    static let recordSource = HeaderField("icmpv6.mldr.mar.source_address", "Source Address", .ipv6)
    static let auxData = HeaderField("icmpv6.mldr.mar.auxiliary_data", "Auxiliary Data", .bytes)

    static let fields = [maxDelay, maxCode, address, flags, suppress, qrv, flagReserved, qqic, sourceCount, source,
                         recordCount, record, recordType, auxLength, recordSourceCount, recordAddress, recordSource, auxData]

    /// True for the ICMPv6 types this tree shows.
    static func handles(_ type: UInt8) -> Bool { (130...132).contains(type) || type == 143 }

    /// The message after type, code and checksum, for `o..<end` (the captured message).
    static func dissect(type: UInt8, _ o: Int, end: Int, _ tree: inout TreeBuilder) {
        let bytes = tree.bytes
        let reserved = ICMPv6Tree.reserved
        if type == 143 {
            guard o + 8 <= end else { return }
            tree.add(reserved, o + 4..<o + 6, .bytes(o + 4..<o + 6))
            let count = Int(bytes.u16be(o + 6))
            tree.add(recordCount, o + 6..<o + 8, .uint(UInt64(count)))
            var at = o + 8
            for _ in 0..<count {
                guard at + 20 <= end else { return }
                at = addressRecord(at, end: end, &tree)
            }
            return
        }
        guard o + 24 <= end else { return }
        // A query of 28 bytes or more is version 2 (RFC 3810 section 8.1).
        let v2 = type == 130 && end - o >= 28
        let raw = UInt64(bytes.u16be(o + 4))
        if v2 {
            let value = raw < 0x8000 ? raw : ((raw & 0x0FFF) | 0x1000) << (((raw >> 12) & 7) + 3)
            tree.add(maxCode, o + 4..<o + 6, .uint(value))
        } else {
            tree.add(maxDelay, o + 4..<o + 6, .uint(raw))
        }
        tree.add(reserved, o + 6..<o + 8, .bytes(o + 6..<o + 8))
        tree.add(address, o + 8..<o + 24, .ipv6(IPv6Address(bytes, at: o + 8)))
        guard v2 else { return }
        let flagByte = UInt64(bytes[o + 24])
        tree.open(flags, o + 24..<o + 25, .uint(flagByte),
                  display: "0x\(hex(flagByte, digits: 2))" + (flagByte & 0x08 != 0 ? ", Suppress Router-Side Processing" : ""))
        tree.bits(suppress, o + 24..<o + 25, container: flagByte)
        tree.bits(qrv, o + 24..<o + 25, container: flagByte)
        tree.bits(flagReserved, o + 24..<o + 25, container: flagByte)
        tree.close()
        // QQIC codes of 128 and more are floating point, as the maximum response code.
        let code = UInt64(bytes[o + 25])
        tree.add(qqic, o + 25..<o + 26, .uint(code < 0x80 ? code : ((code & 0x0F) | 0x10) << (((code >> 4) & 7) + 3)))
        let count = Int(bytes.u16be(o + 26))
        tree.add(sourceCount, o + 26..<o + 28, .uint(UInt64(count)))
        var at = o + 28
        for _ in 0..<count where at + 16 <= end {
            tree.add(source, at..<at + 16, .ipv6(IPv6Address(bytes, at: at)))
            at += 16
        }
    }

    /// One address record of a version 2 report; returns where the next one starts.
    private static func addressRecord(_ at: Int, end: Int, _ tree: inout TreeBuilder) -> Int {
        let bytes = tree.bytes
        let kind = UInt64(bytes[at]), auxWords = Int(bytes[at + 1]), sources = Int(bytes.u16be(at + 2))
        let group = IPv6Address(bytes, at: at + 4)
        let next = at + 20 + sources * 16 + auxWords * 4
        let name = recordType.names?.name(for: kind) ?? "Unknown"
        tree.open(record, at..<min(end, next), .none, label: "Multicast Address Record \(name): \(group)")
        tree.add(recordType, at..<at + 1, .uint(kind))
        tree.add(auxLength, at + 1..<at + 2, .uint(UInt64(auxWords)))
        tree.add(recordSourceCount, at + 2..<at + 4, .uint(UInt64(sources)))
        tree.add(recordAddress, at + 4..<at + 20, .ipv6(group))
        var position = at + 20
        for _ in 0..<sources where position + 16 <= end {
            tree.add(recordSource, position..<position + 16, .ipv6(IPv6Address(bytes, at: position)))
            position += 16
        }
        if auxWords > 0 {
            let aux = position..<min(end, position + auxWords * 4)
            if !aux.isEmpty { tree.add(auxData, aux, .bytes(aux)) }
        }
        tree.close()
        return next
    }
}
