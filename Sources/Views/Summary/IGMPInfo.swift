import Dissect

/// IGMP's protocol and Info columns, as packet-igmp.c writes them: `IGMPv2`,
/// "Membership Query, general", "Membership Report / Join group 239.1.2.3 for any sources".
enum IGMPInfo {
    /// packet-igmp.c's `commands`.
    static let commands: [UInt64: String] = [
        1: "Create Group Request", 2: "Create Group Reply", 3: "Join Group Request", 4: "Join Group Reply",
        5: "Leave Group Request", 6: "Leave Group Reply", 7: "Confirm Group Request", 8: "Confirm Group Reply",
        0x11: "Membership Query", 0x12: "Membership Report", 0x13: "DVMRP Protocol", 0x14: "PIM Routing Message",
        0x16: "Membership Report", 0x17: "Leave Group", 0x1E: "Traceroute Response",
        0x1F: "Traceroute Query or Request", 0x22: "Membership Report",
    ]

    static let recordTypes: [UInt64: String] = [
        1: "Mode Is Include", 2: "Mode Is Exclude", 3: "Change To Include Mode", 4: "Change To Exclude Mode",
        5: "Allow New Sources", 6: "Block Old Sources",
    ]

    static func protocolName(_ m: IGMPMessage) -> String {
        m.version.map { "IGMPv\($0)" } ?? "IGMP"
    }

    static func write(_ m: IGMPMessage, bytes: ByteView, to out: OutputBuffer) {
        if let name = commands[UInt64(m.type)] {
            out.string(name)
        } else {
            out.ascii("Unknown Type:0x")
            out.hex(m.type, width: 2, prefix: false)
        }
        switch m.kind {
        case .v2:
            guard let group = m.group(bytes) else { return }
            if group.rawValue == 0 { return out.ascii(", general") }
            out.ascii(m.type == 0x17 ? " " : m.type == 0x11 ? ", specific for group " : " group ")
            out.ipv4(group)
        case .v3Query:
            guard let group = m.group(bytes) else { return }
            if group.rawValue == 0 {
                out.ascii(", general")
            } else {
                out.ascii(", specific for group ")
                out.ipv4(group)
            }
            guard let count = m.querySourceCount(bytes), count > 0 else { return }
            out.ascii(count > 1 ? ", sources {" : ", source {")
            sources(bytes, from: m.offset + 12, count: count, end: m.end, to: out)
        case .v3Report:
            guard let count = m.recordCount(bytes) else { return }
            if count == 0 { out.ascii(" - General query") }
            for record in m.groupRecords(bytes) { write(record, bytes: bytes, end: m.end, to: out) }
        case .v0, .v1, .other:
            break
        }
    }

    private static func write(_ r: IGMPGroupRecord, bytes: ByteView, end: Int, to out: OutputBuffer) {
        let many = r.sourceCount > 1
        func group(_ before: StaticString, _ after: StaticString) {
            out.ascii(before)
            out.ipv4(r.group)
            out.ascii(after)
        }
        if r.sourceCount == 0 {
            switch r.recordType {
            case 1, 3: group(" / Leave group ", "")
            case 2, 4: group(" / Join group ", " for any sources")
            case 5: group(" / Group ", ", ALLOW_NEW_SOURCES but no source specified (?)")
            case 6: group(" / Group ", ", BLOCK_OLD_SOURCES but no source specified (?)")
            default: group(" / Group ", ", unknown record type (?)")
            }
            return
        }
        switch r.recordType {
        case 1, 3: group(" / Join group ", many ? " for sources in {" : " for source {")
        case 2, 4: group(" / Join group ", many ? ", for sources not in {" : ", for source not {")
        case 5: group(" / Group ", many ? ", new sources {" : ", new source {")
        case 6: group(" / Group ", many ? ", block sources {" : ", block source {")
        default: group(" / Group ", ", unknown record type (?), sources {")
        }
        sources(bytes, from: r.sources, count: r.sourceCount, end: end, to: out)
    }

    /// "10.1.1.1, 10.1.1.2}": as many addresses as were captured.
    private static func sources(_ bytes: ByteView, from start: Int, count: Int, end: Int, to out: OutputBuffer) {
        var at = start
        for i in 0..<count {
            guard at + 4 <= end else { return }
            out.ipv4(IPv4Address(bytes, at: at))
            out.ascii(i == count - 1 ? "}" : ", ")
            at += 4
        }
    }
}
