import Dissect

/// IPv4 options (RFC 791, RFC 2113's Router Alert) as packet-ip.c shows them: an
/// "Options: (N bytes)" line naming the options, and each option with its type split into
/// the copy bit, class and number.
enum IPv4OptionsTree {
    static let type = HeaderField("ip.opt.type", "Type", .uint8)
    static let copy = HeaderField("ip.opt.type.copy", "Copy on fragmentation", .boolean, width: 8, mask: 0x80, names: .yesNo)
    static let optionClass = HeaderField("ip.opt.type.class", "Class", .uint8, mask: 0x60, names: .values([
        0: "Control", 1: "Reserved for future use", 2: "Debugging and measurement", 3: "Reserved for future use",
    ]))
    static let number = HeaderField("ip.opt.type.number", "Number", .uint8, mask: 0x1F, names: .values(numberNames))
    static let length = HeaderField("ip.opt.len", "Length", .uint8)
    static let pointer = HeaderField("ip.opt.ptr", "Pointer", .uint8)
    static let routerAlert = HeaderField("ip.opt.ra", "Router Alert", .uint16, names: .values([0: "Router shall examine packet"]))
    static let recordedRoute = HeaderField("ip.rec_rt", "Recorded Route", .ipv4)
    static let recordedRouteHost = HeaderField("ip.rec_rt_host", "Recorded Route Host", .string)
    static let emptyRoute = HeaderField("ip.empty_rt", "Empty Route", .ipv4)
    static let emptyRouteHost = HeaderField("ip.empty_rt_host", "Empty Route Host", .string)
    static let overflow = HeaderField("ip.opt.overflow", "Overflow", .uint8, mask: 0xF0)
    static let flag = HeaderField("ip.opt.flag", "Flag", .uint8, .hex, mask: 0x0F, names: .values([
        0: "Time stamps only", 1: "Time stamp and address", 3: "Time stamps for prespecified addresses",
    ]))
    static let timeStamp = HeaderField("ip.opt.time_stamp", "Time stamp", .uint32)
    static let timeStampAddress = HeaderField("ip.opt.time_stamp_addr", "Address", .ipv4)
    static let lengthInvalid = "ip.opt.len.invalid"

    /// The options packet-ip.c knows, by type byte: the name, and the node's field.
    static let known: [UInt8: (name: String, field: HeaderField)] = {
        let list: [(UInt8, String, String)] = [
            (0x00, "End of Options List (EOL)", "eol"), (0x01, "No-Operation (NOP)", "nop"),
            (0x82, "Security", "security"), (0x83, "Loose Source Route", "route"), (0x44, "Time Stamp", "timestamp"),
            (0x85, "Extended Security", "ext_security"), (0x86, "Commercial Security", "cipso"),
            (0x07, "Record Route", "record_route"), (0x88, "Stream ID", "sid"), (0x89, "Strict Source Route", "source_route"),
            (0x0B, "MTU Probe", "mtu_probe"), (0x0C, "MTU Reply", "mtu_reply"), (0x52, "Traceroute", "traceroute"),
            (0x94, "Router Alert", "routeralert"), (0x95, "Selective Directed Broadcast", "sdb"), (0x19, "Quick-Start", "qs"),
        ]
        var table: [UInt8: (name: String, field: HeaderField)] = [:]
        for (code, name, key) in list { table[code] = (name, HeaderField("ip.options.\(key)", "IP Option - \(name)", .bytes)) }
        return table
    }()

    static let numberNames: [UInt64: String] = [
        0: "End of Option List (EOL)", 1: "No-Operation (NOP)", 2: "Security", 3: "Loose source route", 4: "Time stamp",
        5: "Extended security", 6: "Commercial IP security option", 7: "Record route", 8: "Stream identifier",
        9: "Strict source route", 10: "Experimental Measurement", 11: "MTU Probe", 12: "MTU Reply",
        13: "Experimental Flow Control", 14: "Experimental Access Control", 15: "ENCODE", 16: "IMI Traffic Descriptor",
        17: "Extended Internet Protocol", 18: "Traceroute", 19: "Address Extension", 20: "Router Alert",
        21: "Selective Directed Broadcast", 23: "Dynamic Packet State", 24: "Upstream Multicast Packet",
        25: "Quick-Start", 30: "RFC3692-style Experiment",
    ]

    static var fields: [HeaderField] {
        [type, copy, optionClass, number, length, pointer, routerAlert, recordedRoute, recordedRouteHost, emptyRoute,
         emptyRouteHost, overflow, flag, timeStamp, timeStampAddress] + known.values.map(\.field).sorted { $0.name < $1.name }
    }

    static func dissect(_ range: Range<Int>, _ tree: inout TreeBuilder) {
        let bytes = tree.bytes
        guard !range.isEmpty, range.upperBound <= bytes.count else { return }
        // The header line names the options that have a length, in order.
        var names: [String] = []
        var at = range.lowerBound
        while at < range.upperBound {
            let code = bytes[at]
            if code == 0 { break }
            if code == 1 { at += 1; continue }
            guard at + 1 < range.upperBound else { break }
            let length = Int(bytes[at + 1])
            guard length >= 2, at + length <= range.upperBound else { break }
            if let known = known[code] { names.append(known.name) }
            at += length
        }
        tree.openText((["Options: (\(range.count) bytes)"] + names).joined(separator: ", "), range: range)
        defer { tree.close() }
        at = range.lowerBound
        while at < range.upperBound {
            let code = bytes[at]
            if code <= 1 {
                let known = known[code]!
                tree.open(known.field, at..<at + 1, .bytes(at..<at + 1), label: known.field.label)
                typeLines(at, &tree)
                tree.close()
                if code == 0 { return }
                at += 1
                continue
            }
            let name = known[code]?.name
            guard at + 1 < range.upperBound else {
                return tree.text("\(name ?? "Unknown (0x\(hex(UInt64(code), digits: 2)))") (length byte past end of options)")
            }
            let length = Int(bytes[at + 1])
            guard length >= 2, at + length <= range.upperBound else {
                let what = name ?? "Unknown (0x\(hex(UInt64(code), digits: 2)))"
                let text = length < 2
                    ? "\(what) (with too-short option length = \(length) byte\(length == 1 ? "" : "s"))"
                    : "\(what) (option length = \(length) bytes says option goes past end of options)"
                tree.openText(text, range: at..<range.upperBound)
                tree.expert(lengthInvalid, .warning, .protocolGroup, text)
                tree.close()
                return
            }
            let option = at..<at + length
            if let known = known[code] {
                self.option(code, known, option, &tree)
            } else {
                tree.text("Unknown (0x\(hex(UInt64(code), digits: 2))) (\(length) bytes)", range: option)
            }
            at += length
        }
    }

    private static func typeLines(_ at: Int, _ tree: inout TreeBuilder) {
        let code = UInt64(tree.bytes[at])
        tree.open(type, at..<at + 1, .uint(code))
        tree.bits(copy, at..<at + 1, container: code)
        tree.bits(optionClass, at..<at + 1, container: code)
        tree.bits(number, at..<at + 1, container: code)
        tree.close()
    }

    private static func option(_ code: UInt8, _ known: (name: String, field: HeaderField), _ r: Range<Int>,
                               _ tree: inout TreeBuilder) {
        let bytes = tree.bytes
        let o = r.lowerBound
        var label = "\(known.field.label) (\(r.count) bytes)"
        if code == 0x94, r.count == 4 {
            let value = UInt64(bytes.u16be(o + 2))
            label += ": \(value == 0 ? "Router shall examine packet" : "Unknown") (\(value))"
        }
        tree.open(known.field, r, .bytes(r), label: label)
        defer { tree.close() }
        typeLines(o, &tree)
        tree.add(length, o + 1..<o + 2, .uint(UInt64(r.count)))
        switch code {
        case 0x94 where r.count == 4:
            tree.add(routerAlert, o + 2..<o + 4, .uint(UInt64(bytes.u16be(o + 2))))
        case 0x07:
            // Record Route: the pointer names the next slot to fill (1-based from the option's start).
            guard r.count >= 3 else { return }
            let next = Int(bytes[o + 2])
            tree.add(pointer, o + 2..<o + 3, .uint(UInt64(next)))
            var slot = 3
            while slot + 4 <= r.count {
                let address = IPv4Address(bytes, at: o + slot)
                let recorded = slot + 1 < next
                let (field, hostField, name) = recorded ? (recordedRoute, recordedRouteHost, "Recorded Route")
                                                        : (emptyRoute, emptyRouteHost, "Empty Route")
                let mark = slot + 1 == next ? " <- (next)" : ""
                tree.add(field, o + slot..<o + slot + 4, .ipv4(address), label: "\(name): \(address)\(mark)")
                tree.add(hostField, o + slot..<o + slot + 4, .string(address.description), hidden: true)
                slot += 4
            }
        case 0x44:
            guard r.count >= 4 else { return }
            tree.add(pointer, o + 2..<o + 3, .uint(UInt64(bytes[o + 2])))
            let flags = UInt64(bytes[o + 3])
            tree.bits(overflow, o + 3..<o + 4, container: flags)
            tree.bits(flag, o + 3..<o + 4, container: flags)
            var slot = 4
            let withAddress = flags & 0x0F != 0
            while slot + (withAddress ? 8 : 4) <= r.count {
                if withAddress {
                    tree.add(timeStampAddress, o + slot..<o + slot + 4, .ipv4(IPv4Address(bytes, at: o + slot)))
                    slot += 4
                }
                tree.add(timeStamp, o + slot..<o + slot + 4, .uint(UInt64(bytes.u32be(o + slot))))
                slot += 4
            }
        default:
            break
        }
    }
}
