import Dissect

/// IGMP (RFC 988, 1112, 2236, 3376) as tshark 4.0 shows it: the version it works out,
/// the type, the maximum response time, the checksum checked, the group, and a version 3
/// query's sources or a report's group records.
enum IGMPTree {
    static let version = HeaderField("igmp.version", "IGMP Version", .uint8)
    static let type = HeaderField("igmp.type", "Type", .uint8, .hex, names: .values(IGMPInfo.commands))
    static let reserved = HeaderField("igmp.reserved", "Reserved", .bytes)
    static let groupType = HeaderField("igmp.group_type", "Type Of Group", .uint8,
                                       names: .values([0: "Public Group", 1: "Private Group"]))
    static let reply = HeaderField("igmp.reply", "Reply", .uint8, names: .values([
        0: "Request Granted", 1: "Request Denied, No Resources", 2: "Request Denied, Invalid Code",
        3: "Request Denied, Invalid Group", 4: "Request Denied, Invalid Key",
    ]))
    static let replyPending = HeaderField("igmp.reply.pending", "Reply Pending", .uint8)
    static let checksum = HeaderField("igmp.checksum", "Checksum", .uint16, .hex)
    static let checksumStatus = HeaderField("igmp.checksum.status", "Checksum Status", .uint8, .none,
                                            names: .values([0: "Bad", 1: "Good", 2: "Unverified"]))
    static let identifier = HeaderField("igmp.identifier", "Identifier", .uint32)
    static let accessKey = HeaderField("igmp.access_key", "Access Key", .bytes)
    static let maxResp = HeaderField("igmp.max_resp", "Max Resp Time", .uint8)
    static let maxRespExp = HeaderField("igmp.max_resp.exp", "Exponent", .uint8, .hex, mask: 0x70)
    static let maxRespMant = HeaderField("igmp.max_resp.mant", "Mantissa", .uint8, .hex, mask: 0x0F)
    static let suppress = HeaderField("igmp.s", "S", .boolean, width: 8, mask: 0x08,
                                      names: .trueFalse("SUPPRESS router side processing", "Do not suppress router side processing"))
    static let qrv = HeaderField("igmp.qrv", "QRV", .uint8, mask: 0x07)
    static let qqic = HeaderField("igmp.qqic", "QQIC", .uint8)
    static let numSrc = HeaderField("igmp.num_src", "Num Src", .uint16)
    static let saddr = HeaderField("igmp.saddr", "Source Address", .ipv4)
    static let numGroupRecords = HeaderField("igmp.num_grp_recs", "Num Group Records", .uint16)
    static let recordType = HeaderField("igmp.record_type", "Record Type", .uint8, names: .values(IGMPInfo.recordTypes))
    static let auxDataLen = HeaderField("igmp.aux_data_len", "Aux Data Len", .uint8)
    static let maddr = HeaderField("igmp.maddr", "Multicast Address", .ipv4)
    static let auxData = HeaderField("igmp.aux_data", "Aux Data", .bytes)
    static let data = HeaderField("igmp.data", "Data", .bytes)

    static let declaration = ProtocolDeclaration("igmp", "Internet Group Management Protocol", fields: [
        version, type, reserved, groupType, reply, replyPending, checksum, checksumStatus, identifier, accessKey,
        maxResp, maxRespExp, maxRespMant, suppress, qrv, qqic, numSrc, saddr, numGroupRecords, recordType,
        auxDataLen, maddr, auxData, data,
    ])

    static func dissect(_ m: IGMPMessage, _ tree: inout TreeBuilder) {
        let bytes = tree.bytes
        let o = m.offset
        tree.open(declaration, o..<m.end, label: "Internet Group Management Protocol")
        defer { tree.close() }
        if let v = m.version { tree.add(version, o..<o, .uint(UInt64(v)), generated: true) }
        tree.add(type, o..<o + 1, .uint(UInt64(m.type)))
        // Each line only when its bytes were captured: tshark stops at the first it cannot read.
        func has(_ at: Int, _ n: Int) -> Bool { o + at + n <= m.end }
        switch m.kind {
        case .other:
            if o + 1 < m.end { tree.add(data, o + 1..<m.end, .bytes(o + 1..<m.end)) }
        case .v0:
            guard has(1, 1) else { return }
            let code = bytes[o + 1]
            if m.type == 1 {
                tree.add(groupType, o + 1..<o + 2, .uint(UInt64(code)))
            } else if m.type & 1 == 0 {
                tree.add(code < 5 ? reply : replyPending, o + 1..<o + 2, .uint(UInt64(code)))
            }
            guard addChecksum(m, coverage: 20, &tree) else { return }
            guard has(4, 4) else { return }
            tree.add(identifier, o + 4..<o + 8, .uint(UInt64(bytes.u32be(o + 4))))
            guard let group = m.address(bytes, 8) else { return }
            tree.add(maddr, o + 8..<o + 12, .ipv4(group))
            if has(12, 8) { tree.add(accessKey, o + 12..<o + 20, .bytes(o + 12..<o + 20)) }
        case .v1, .v2:
            guard has(1, 1) else { return }
            if m.kind == .v1 {
                tree.add(reserved, o + 1..<o + 2, .bytes(o + 1..<o + 2))
            } else {
                let code = bytes[o + 1]
                tree.add(maxResp, o + 1..<o + 2, .uint(UInt64(code)), display: maxRespText(code, tenths: UInt32(code)))
            }
            guard addChecksum(m, coverage: 8, &tree), let group = m.group(bytes) else { return }
            tree.add(maddr, o + 4..<o + 8, .ipv4(group))
        case .v3Query:
            guard has(1, 1) else { return }
            let code = bytes[o + 1]
            let tenths = IGMPMessage.maxResponseTenths(code: code, v3: true)
            if code & 0x80 != 0 {
                tree.open(maxResp, o + 1..<o + 2, .uint(UInt64(tenths)), display: maxRespText(code, tenths: tenths))
                tree.bits(maxRespExp, o + 1..<o + 2, container: UInt64(code))
                tree.bits(maxRespMant, o + 1..<o + 2, container: UInt64(code))
                tree.close()
            } else {
                tree.add(maxResp, o + 1..<o + 2, .uint(UInt64(tenths)), display: maxRespText(code, tenths: tenths))
            }
            guard addChecksum(m, coverage: m.declaredLength, &tree), let group = m.group(bytes) else { return }
            tree.add(maddr, o + 4..<o + 8, .ipv4(group))
            guard has(8, 2) else { return }
            tree.bits(suppress, o + 8..<o + 9, container: UInt64(bytes[o + 8]))
            tree.bits(qrv, o + 8..<o + 9, container: UInt64(bytes[o + 8]))
            tree.add(qqic, o + 9..<o + 10, .uint(UInt64(bytes[o + 9])))
            guard let count = m.querySourceCount(bytes) else { return }
            tree.add(numSrc, o + 10..<o + 12, .uint(UInt64(count)))
            var at = o + 12
            for _ in 0..<count {
                guard at + 4 <= m.end else { break }
                tree.add(saddr, at..<at + 4, .ipv4(IPv4Address(bytes, at: at)))
                at += 4
            }
        case .v3Report:
            guard has(1, 1) else { return }
            tree.add(reserved, o + 1..<o + 2, .bytes(o + 1..<o + 2))
            guard addChecksum(m, coverage: m.declaredLength, &tree), has(4, 2) else { return }
            tree.add(reserved, o + 4..<o + 6, .bytes(o + 4..<o + 6))
            guard let count = m.recordCount(bytes) else { return }
            tree.add(numGroupRecords, o + 6..<o + 8, .uint(UInt64(count)))
            for record in m.groupRecords(bytes) { groupRecord(record, end: m.end, &tree) }
        }
    }

    /// "10.0 sec (0x64)": the time in seconds, then the code as sent.
    static func maxRespText(_ code: UInt8, tenths: UInt32) -> String {
        "\(tenths / 10).\(tenths % 10) sec (0x\(hex(UInt64(code), digits: 2)))"
    }

    private static func groupRecord(_ r: IGMPGroupRecord, end: Int, _ tree: inout TreeBuilder) {
        let bytes = tree.bytes
        let o = r.offset
        let typeName = IGMPInfo.recordTypes[UInt64(r.recordType)] ?? ""
        tree.openText("Group Record : \(r.group)  \(typeName)", range: o..<min(end, o + r.length))
        tree.add(recordType, o..<o + 1, .uint(UInt64(r.recordType)))
        tree.add(auxDataLen, o + 1..<o + 2, .uint(UInt64(r.auxWords)))
        tree.add(numSrc, o + 2..<o + 4, .uint(UInt64(r.sourceCount)))
        tree.add(maddr, o + 4..<o + 8, .ipv4(r.group))
        var at = r.sources
        for _ in 0..<r.sourceCount {
            guard at + 4 <= end else { break }
            tree.add(saddr, at..<at + 4, .ipv4(IPv4Address(bytes, at: at)))
            at += 4
        }
        if r.auxWords > 0 {
            let aux = at..<min(end, at + r.auxWords * 4)
            if !aux.isEmpty { tree.add(auxData, aux, .bytes(aux)) }
        }
        tree.close()
    }

    /// The checksum, verified over `coverage` bytes when they were all captured, as
    /// proto_tree_add_checksum shows it; false when the field itself was not captured.
    private static func addChecksum(_ m: IGMPMessage, coverage: Int, _ tree: inout TreeBuilder) -> Bool {
        let o = m.offset
        guard o + 4 <= m.end else { return false }
        let covered = coverage > 0 && o + coverage <= m.end
        VerifiedChecksum.add(checksum, status: checksumStatus, o + 2..<o + 4, value: tree.bytes.u16be(o + 2),
                             sum: covered ? InternetChecksum.partial(tree.bytes, o..<o + coverage) : nil,
                             expert: "igmp.bad_checksum", &tree)
        return true
    }
}

extension Frame {
    /// The IGMP message of this frame, read again from the IP payload: the decoder lists
    /// it in `protocols` and records its issues, and it is rare enough to need no slot.
    var igmpMessage: IGMPMessage? {
        guard ipv4 != nil, protocols.contains(.igmp), let (payload, declared) = ipPayload else { return nil }
        return IGMPMessage.decode(bytes, at: payload.lowerBound, end: payload.upperBound, declaredLength: declared).layer
    }
}
