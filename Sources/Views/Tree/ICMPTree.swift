import Dissect
import Follow

/// ICMP (RFC 792) and ICMPv6 (RFC 4443): type and code with names, the checksum checked
/// as Wireshark does, echo identifiers, and the packet an error quotes.
enum ICMPTree {
    static let type = HeaderField("icmp.type", "Type", .uint8, names: .values(typeNames))
    static let code = HeaderField("icmp.code", "Code", .uint8)
    static let checksum = HeaderField("icmp.checksum", "Checksum", .uint16, .hex)
    static let checksumStatus = HeaderField("icmp.checksum.status", "Checksum Status", .uint8, .none,
                                            names: .values([0: "Bad", 1: "Good", 2: "Unverified"]))
    static let ident = HeaderField("icmp.ident", "Identifier (BE)", .uint16, .decHex)
    static let identLE = HeaderField("icmp.ident_le", "Identifier (LE)", .uint16, .decHex)
    static let seq = HeaderField("icmp.seq", "Sequence Number (BE)", .uint16, .decHex)
    static let seqLE = HeaderField("icmp.seq_le", "Sequence Number (LE)", .uint16, .decHex)
    static let respIn = HeaderField("icmp.resp_in", "Response frame", .frameNumber)
    static let respTo = HeaderField("icmp.resp_to", "Request frame", .frameNumber)
    static let unused = HeaderField("icmp.unused", "Unused", .bytes)
    static let respTime = HeaderField("icmp.resptime", "Response time", .double)
    static let dataTime = HeaderField("icmp.data_time", "Timestamp from icmp data", .absoluteTime)
    static let dataTimeRelative = HeaderField("icmp.data_time_relative", "Timestamp from icmp data (relative)", .relativeTime)

    // Extended echo (RFC 8335, PROBE): an 8-bit sequence number and a flags byte.
    static let extEchoSeq = HeaderField("icmp.ext.echo.seq", "Sequence Number", .uint8, .decHex)
    static let extEchoReserved = HeaderField("icmp.ext.echo.req.res", "Reserved", .uint8, .hex, mask: 0xFE)
    static let extEchoLocal = HeaderField("icmp.ext.echo.req.local", "Local bit", .boolean, width: 8, mask: 0x01, names: .setNotSet)
    static let extEchoState = HeaderField("icmp.ext.echo.rsp.state", "State", .uint8, mask: 0xE0, names: .values([
        0: "Reserved", 1: "Incomplete", 2: "Reachable", 3: "Stale", 4: "Delay", 5: "Probe", 6: "Failed",
    ]))
    static let extEchoReplyReserved = HeaderField("icmp.ext.echo.rsp.res", "Reserved", .uint8, .hex, mask: 0x18)
    static let extEchoActive = HeaderField("icmp.ext.echo.rsp.active", "Active bit", .boolean, width: 8, mask: 0x04, names: .setNotSet)
    static let extEchoIPv4 = HeaderField("icmp.ext.echo.rsp.ipv4", "IPv4 bit", .boolean, width: 8, mask: 0x02, names: .setNotSet)
    static let extEchoIPv6 = HeaderField("icmp.ext.echo.rsp.ipv6", "IPv6 bit", .boolean, width: 8, mask: 0x01, names: .setNotSet)

    static let declaration = ProtocolDeclaration("icmp", "Internet Control Message Protocol", fields: [
        type, code, checksum, checksumStatus, ident, identLE, seq, seqLE, respIn, respTo, unused, respTime,
        dataTime, dataTimeRelative, extEchoSeq, extEchoReserved, extEchoLocal, extEchoState, extEchoReplyReserved,
        extEchoActive, extEchoIPv4, extEchoIPv6,
    ] + ICMPExtensionTree.fields)

    static let typeNames = Dictionary(uniqueKeysWithValues: ICMPNames.types.map { (UInt64($0.key), $0.value) })

    /// The send time that ping writes at the start of the echo data, as Wireshark finds
    /// it: seconds and microseconds, big-endian or else little-endian, taken only when the
    /// seconds are at most a day after the frame's own (compared as unsigned, as Wireshark does).
    static func dataTimestamp(_ bytes: ByteView, _ data: Range<Int>, frameTime: Timestamp) -> Timestamp? {
        guard data.count >= 8 else { return nil }
        for bigEndian in [true, false] {
            let secs = bytes.u32(data.lowerBound, bigEndian: bigEndian)
            let usecs = bytes.u32(data.lowerBound + 4, bigEndian: bigEndian)
            let difference = secs &- UInt32(truncatingIfNeeded: frameTime.seconds)
            if difference < 86_400 && usecs < 1_000_000 {
                return Timestamp(seconds: Int64(secs), nanoseconds: usecs * 1000)
            }
        }
        return nil
    }

    static func dissect(_ icmp: ICMPv4, _ input: FieldInput, _ tree: inout TreeBuilder) {
        let o = icmp.offset
        let bytes = tree.bytes
        let end = min(bytes.count, icmp.payload.upperBound)
        tree.open(declaration, o..<end, label: "Internet Control Message Protocol")
        tree.add(type, o..<o + 1, .uint(UInt64(icmp.type)),
                 display: "\(icmp.type) (\(ICMPNames.type(icmp.type, code: icmp.code)))")
        let codeText = ICMPNames.code(type: icmp.type, code: icmp.code)
        tree.add(code, o + 1..<o + 2, .uint(UInt64(icmp.code)), display: codeText.map { "\(icmp.code) (\($0))" })
        if ICMPChecksum.isCut(input.frame, end: end) {
            ICMPChecksum.addUnverified(icmp.checksum, checksum, checksumStatus, o, &tree)
        } else {
            let good = InternetChecksum.verifies(bytes, o..<end)
            tree.add(checksum, o + 2..<o + 4, .uint(UInt64(icmp.checksum)),
                     display: "0x\(hex(UInt64(icmp.checksum), digits: 4)) [\(good ? "correct" : "incorrect")]")
            tree.add(checksumStatus, nil, .uint(good ? 1 : 0), generated: true)
        }
        if icmp.type == 0 || icmp.type == 8 {
            let id = UInt64(icmp.identifier), sq = UInt64(icmp.sequenceNumber)
            tree.add(ident, o + 4..<o + 6, .uint(id))
            tree.add(identLE, o + 4..<o + 6, .uint(UInt64(UInt16(id).byteSwapped)))
            tree.add(seq, o + 6..<o + 8, .uint(sq))
            tree.add(seqLE, o + 6..<o + 8, .uint(UInt64(UInt16(sq).byteSwapped)))
            if let request = input.analysis.echoRequestFrame {
                tree.add(respTo, nil, .uint(UInt64(request)), generated: true)
                if let ns = input.analysis.echoResponseTime {
                    let ms = Double(ns) / 1_000_000
                    tree.add(respTime, nil, .double(ms, decimals: 3), display: TreeTime.fixed(ms, decimals: 3) + " ms", generated: true)
                }
            }
            var data = icmp.payload.lowerBound..<end
            if let time = dataTimestamp(bytes, data, frameTime: input.frame.raw.timestamp) {
                tree.add(dataTime, data.lowerBound..<data.lowerBound + 8, .absoluteTime(time))
                tree.add(dataTimeRelative, nil, .relativeTime(input.frame.raw.timestamp.nanoseconds(since: time)), generated: true)
                data = data.lowerBound + 8..<data.upperBound
            }
            DataTree.dissect(data, &tree)
        } else if icmp.type == 42 || icmp.type == 43 {
            let id = UInt64(icmp.identifier)
            tree.add(ident, o + 4..<o + 6, .uint(id))
            tree.add(identLE, o + 4..<o + 6, .uint(UInt64(UInt16(id).byteSwapped)))
            tree.add(extEchoSeq, o + 6..<o + 7, .uint(UInt64(bytes[o + 6])))
            let flags = UInt64(bytes[o + 7])
            let bits = icmp.type == 42 ? [extEchoReserved, extEchoLocal]
                                       : [extEchoState, extEchoReplyReserved, extEchoActive, extEchoIPv4, extEchoIPv6]
            for field in bits { tree.bits(field, o + 7..<o + 8, container: flags) }
            if icmp.type == 42, end > o + 8 { ICMPExtensionTree.dissectProbe(o + 8..<end, &tree) }
        } else if icmp.isError {
            // RFC 4884: a length in byte 5 says where the quoted datagram ends and
            // extension objects (RFC 5837 interface information, …) begin.
            let original = icmp.type == 5 ? 0 : ICMPExtensions.originalDatagramLength(bytes, icmpOffset: o, v6: false)
            if original > 0 {
                ICMPExtensionTree.lengthFields(icmpOffset: o, originalLength: original, unused: unused, &tree)
            } else {
                tree.add(unused, o + 4..<o + 8, .bytes(o + 4..<o + 8))
            }
            QuotedTree.dissect(input.frame.quoted, input, &tree)
            if let e = ICMPExtensions.decode(bytes, payload: icmp.payload.lowerBound..<end, originalLength: original) {
                ICMPExtensionTree.dissect(e, &tree)
            }
        }
        tree.close()
    }
}

enum ICMPv6Tree {
    static let type = HeaderField("icmpv6.type", "Type", .uint8, names: .values(typeNames))
    static let code = HeaderField("icmpv6.code", "Code", .uint8)
    static let checksum = HeaderField("icmpv6.checksum", "Checksum", .uint16, .hex)
    static let checksumStatus = HeaderField("icmpv6.checksum.status", "Checksum Status", .uint8, .none,
                                            names: .values([0: "Bad", 1: "Good", 2: "Unverified"]))
    static let reserved = HeaderField("icmpv6.reserved", "Reserved", .bytes)
    static let nsTarget = HeaderField("icmpv6.nd.ns.target_address", "Target Address", .ipv6)
    static let naTarget = HeaderField("icmpv6.nd.na.target_address", "Target Address", .ipv6)
    static let naFlags = HeaderField("icmpv6.nd.na.flag", "Flags", .uint32, .hex)
    static let naRouter = HeaderField("icmpv6.nd.na.flag.r", "Router", .boolean, width: 32, mask: 0x8000_0000, names: .setNotSet)
    static let naSolicited = HeaderField("icmpv6.nd.na.flag.s", "Solicited", .boolean, width: 32, mask: 0x4000_0000, names: .setNotSet)
    static let naOverride = HeaderField("icmpv6.nd.na.flag.o", "Override", .boolean, width: 32, mask: 0x2000_0000, names: .setNotSet)
    static let naReserved = HeaderField("icmpv6.nd.na.flag.rsv", "Reserved", .uint32, mask: 0x1FFF_FFFF)
    static let option = HeaderField("icmpv6.opt", "ICMPv6 Option", .none)
    static let optionType = HeaderField("icmpv6.opt.type", "Type", .uint8, names: .values([
        1: "Source link-layer address", 2: "Target link-layer address", 3: "Prefix information", 5: "MTU",
    ]))
    static let optionLength = HeaderField("icmpv6.opt.length", "Length", .uint8)
    static let linkAddress = HeaderField("icmpv6.opt.linkaddr", "Link-layer address", .ether)
    static let srcLinkAddress = HeaderField("icmpv6.opt.src_linkaddr", "Source Link-layer address", .ether)
    static let targetLinkAddress = HeaderField("icmpv6.opt.target_linkaddr", "Target Link-layer address", .ether)
    static let raHopLimit = HeaderField("icmpv6.nd.ra.cur_hop_limit", "Cur hop limit", .uint8)
    static let raFlags = HeaderField("icmpv6.nd.ra.flag", "Flags", .uint8, .hex)
    static let raManaged = HeaderField("icmpv6.nd.ra.flag.m", "Managed address configuration", .boolean, width: 8, mask: 0x80, names: .setNotSet)
    static let raOther = HeaderField("icmpv6.nd.ra.flag.o", "Other configuration", .boolean, width: 8, mask: 0x40, names: .setNotSet)
    static let raHomeAgent = HeaderField("icmpv6.nd.ra.flag.h", "Home Agent", .boolean, width: 8, mask: 0x20, names: .setNotSet)
    static let raPreference = HeaderField("icmpv6.nd.ra.flag.prf", "Prf (Default Router Preference)", .uint8, mask: 0x18,
                                          names: .values([0: "Medium", 1: "High", 2: "Reserved", 3: "Low"]))
    static let raProxy = HeaderField("icmpv6.nd.ra.flag.p", "Proxy", .boolean, width: 8, mask: 0x04, names: .setNotSet)
    static let raReserved = HeaderField("icmpv6.nd.ra.flag.rsv", "Reserved", .uint8, mask: 0x03)
    static let raLifetime = HeaderField("icmpv6.nd.ra.router_lifetime", "Router lifetime (s)", .uint16)
    static let raReachable = HeaderField("icmpv6.nd.ra.reachable_time", "Reachable time (ms)", .uint32)
    static let raRetrans = HeaderField("icmpv6.nd.ra.retrans_timer", "Retrans timer (ms)", .uint32)
    static let optionReserved = HeaderField("icmpv6.opt.reserved", "Reserved", .none)
    static let mtu = HeaderField("icmpv6.opt.mtu", "MTU", .uint32)
    static let prefixLength = HeaderField("icmpv6.opt.prefix.length", "Prefix Length", .uint8)
    static let prefixFlag = HeaderField("icmpv6.opt.prefix.flag", "Flag", .uint8, .hex)
    static let prefixOnLink = HeaderField("icmpv6.opt.prefix.flag.l", "On-link flag(L)", .boolean, width: 8, mask: 0x80, names: .setNotSet)
    static let prefixAuto = HeaderField("icmpv6.opt.prefix.flag.a", "Autonomous address-configuration flag(A)", .boolean, width: 8, mask: 0x40, names: .setNotSet)
    static let prefixRouter = HeaderField("icmpv6.opt.prefix.flag.r", "Router address flag(R)", .boolean, width: 8, mask: 0x20, names: .setNotSet)
    static let prefixReserved = HeaderField("icmpv6.opt.prefix.flag.reserved", "Reserved", .uint8, mask: 0x1F)
    static let validLifetime = HeaderField("icmpv6.opt.prefix.valid_lifetime", "Valid Lifetime", .uint32)
    static let preferredLifetime = HeaderField("icmpv6.opt.prefix.preferred_lifetime", "Preferred Lifetime", .uint32)
    static let prefix = HeaderField("icmpv6.opt.prefix", "Prefix", .ipv6)
    static let echoID = HeaderField("icmpv6.echo.identifier", "Identifier", .uint16, .hex)
    static let echoSeq = HeaderField("icmpv6.echo.sequence_number", "Sequence", .uint16)
    static let respTo = HeaderField("icmpv6.resp_to", "Response To", .frameNumber)
    static let respTime = HeaderField("icmpv6.resptime", "Response Time", .double)
    static let declaration = ProtocolDeclaration("icmpv6", "Internet Control Message Protocol v6", fields: [
        type, code, checksum, checksumStatus, reserved, nsTarget, naTarget, naFlags, naRouter, naSolicited, naOverride,
        naReserved, option, optionType, optionLength, linkAddress, srcLinkAddress, targetLinkAddress, echoID, echoSeq,
        respTo, respTime, raHopLimit, raFlags, raManaged, raOther, raHomeAgent, raPreference, raProxy, raReserved,
        raLifetime, raReachable, raRetrans, optionReserved, mtu, prefixLength, prefixFlag, prefixOnLink, prefixAuto,
        prefixRouter, prefixReserved, validLifetime, preferredLifetime, prefix,
    ] + MLDTree.fields)

    static let typeNames = Dictionary(uniqueKeysWithValues: ICMPv6Names.types.map { (UInt64($0.key), $0.value) })

    static func dissect(_ icmp: ICMPv6, _ input: FieldInput, _ tree: inout TreeBuilder) {
        let o = icmp.offset
        let bytes = tree.bytes
        let end = min(bytes.count, icmp.payload.upperBound)
        tree.open(declaration, o..<end, label: "Internet Control Message Protocol v6")
        tree.add(type, o..<o + 1, .uint(UInt64(icmp.type)))
        tree.add(code, o + 1..<o + 2, .uint(UInt64(icmp.code)),
                 display: ICMPv6Names.code(type: icmp.type, code: icmp.code).map { "\(icmp.code) (\($0))" })
        if ICMPChecksum.isCut(input.frame, end: end) {
            ICMPChecksum.addUnverified(icmp.checksum, checksum, checksumStatus, o, &tree)
        } else if let ip = input.frame.ipv6, end == icmp.payload.upperBound {
            let good = verifies(bytes, o..<end, ip)
            tree.add(checksum, o + 2..<o + 4, .uint(UInt64(icmp.checksum)),
                     display: "0x\(hex(UInt64(icmp.checksum), digits: 4)) [\(good ? "correct" : "incorrect")]")
            tree.add(checksumStatus, nil, .uint(good ? 1 : 0), generated: true)
        } else {
            tree.add(checksum, o + 2..<o + 4, .uint(UInt64(icmp.checksum)))
        }
        switch icmp.type {
        case 128, 129:
            tree.add(echoID, o + 4..<o + 6, .uint(UInt64(icmp.identifier)))
            tree.add(echoSeq, o + 6..<o + 8, .uint(UInt64(icmp.sequenceNumber)))
            if let request = input.analysis.echoRequestFrame {
                tree.add(respTo, nil, .uint(UInt64(request)), generated: true)
                if let ns = input.analysis.echoResponseTime {
                    let ms = Double(ns) / 1_000_000
                    tree.add(respTime, nil, .double(ms, decimals: 3), display: TreeTime.fixed(ms, decimals: 3) + " ms", generated: true)
                }
            }
            DataTree.dissect(o + 8..<end, &tree)
        case 133 where end >= o + 8:
            // Router Solicitation (RFC 4861 section 4.1): four reserved bytes, then options.
            tree.add(reserved, o + 4..<o + 8, .bytes(o + 4..<o + 8))
            options(o + 8..<end, &tree)
        case 134 where end >= o + 16:
            // Router Advertisement (RFC 4861 section 4.2, RFC 4191's preference, RFC 3775's H, RFC 4389's P).
            tree.add(raHopLimit, o + 4..<o + 5, .uint(UInt64(bytes[o + 4])))
            let flags = UInt64(bytes[o + 5])
            var text = "0x\(hex(flags, digits: 2))"
            for bit in [raManaged, raOther, raHomeAgent] where flags & bit.mask != 0 { text += ", " + bit.label }
            text += ", \(raPreference.label): " + (raPreference.names?.name(for: flags >> 3 & 3) ?? "")
            if flags & raProxy.mask != 0 { text += ", " + raProxy.label }
            tree.open(raFlags, o + 5..<o + 6, .uint(flags), display: text)
            for bit in [raManaged, raOther, raHomeAgent, raPreference, raProxy, raReserved] {
                tree.bits(bit, o + 5..<o + 6, container: flags)
            }
            tree.close()
            tree.add(raLifetime, o + 6..<o + 8, .uint(UInt64(bytes.u16be(o + 6))))
            tree.add(raReachable, o + 8..<o + 12, .uint(UInt64(bytes.u32be(o + 8))))
            tree.add(raRetrans, o + 12..<o + 16, .uint(UInt64(bytes.u32be(o + 12))))
            options(o + 16..<end, &tree)
        case 135 where end >= o + 24, 136 where end >= o + 24:
            if icmp.type == 135 {
                tree.add(reserved, o + 4..<o + 8, .bytes(o + 4..<o + 8))
            } else {
                let flags = UInt64(bytes.u32be(o + 4))
                var names: [String] = []
                if flags & 0x8000_0000 != 0 { names.append("Router") }
                if flags & 0x4000_0000 != 0 { names.append("Solicited") }
                if flags & 0x2000_0000 != 0 { names.append("Override") }
                tree.open(naFlags, o + 4..<o + 8, .uint(flags),
                          display: "0x\(hex(flags, digits: 8))" + names.map { ", " + $0 }.joined())
                tree.bits(naRouter, o + 4..<o + 8, container: flags)
                tree.bits(naSolicited, o + 4..<o + 8, container: flags)
                tree.bits(naOverride, o + 4..<o + 8, container: flags)
                tree.bits(naReserved, o + 4..<o + 8, container: flags)
                tree.close()
            }
            tree.add(icmp.type == 135 ? nsTarget : naTarget, o + 8..<o + 24, .ipv6(IPv6Address(bytes, at: o + 8)))
            options(o + 24..<end, &tree)
        case let kind where MLDTree.handles(kind):
            MLDTree.dissect(type: kind, o, end: end, &tree)
        default:
            if icmp.isError { QuotedTree.dissect(input.frame.quoted, input, &tree) }
        }
        tree.close()
    }

    /// Neighbor discovery options (RFC 4861 section 4.6): type, length in 8-byte units, data.
    static func options(_ range: Range<Int>, _ tree: inout TreeBuilder) {
        let bytes = tree.bytes
        var at = range.lowerBound
        while at + 2 <= range.upperBound {
            let kind = bytes[at], units = Int(bytes[at + 1])
            guard units > 0 else { break }
            let name = optionType.names?.name(for: UInt64(kind)) ?? "Unknown"
            guard at + units * 8 <= range.upperBound else {
                // Cut short (by the snaplen, or a length past the end): tshark has written
                // the type and length, and the line's text up to the name, when it stops.
                tree.open(option, at..<range.upperBound, .none, label: "ICMPv6 Option (\(name)")
                tree.add(optionType, at..<at + 1, .uint(UInt64(kind)))
                tree.add(optionLength, at + 1..<at + 2, .uint(UInt64(units)), display: "\(units) (\(units * 8) bytes)")
                tree.close()
                break
            }
            let r = at..<at + units * 8
            if (kind == 1 || kind == 2) && units == 1 {
                let mac = MACAddress(bytes, at: at + 2)
                tree.open(option, r, .none, label: "ICMPv6 Option (\(name) : \(mac))")
                tree.add(optionType, at..<at + 1, .uint(UInt64(kind)))
                tree.add(optionLength, at + 1..<at + 2, .uint(UInt64(units)), display: "\(units) (\(units * 8) bytes)")
                tree.add(linkAddress, at + 2..<at + 8, .ether(mac))
                tree.add(kind == 1 ? srcLinkAddress : targetLinkAddress, at + 2..<at + 8, .ether(mac), hidden: true)
            } else if kind == 5 && units == 1 {
                let value = UInt64(bytes.u32be(at + 4))
                tree.open(option, r, .none, label: "ICMPv6 Option (\(name) : \(value))")
                tree.add(optionType, at..<at + 1, .uint(UInt64(kind)))
                tree.add(optionLength, at + 1..<at + 2, .uint(UInt64(units)), display: "\(units) (\(units * 8) bytes)")
                tree.add(optionReserved, at + 2..<at + 4, .none, label: "Reserved")
                tree.add(mtu, at + 4..<at + 8, .uint(value))
            } else if kind == 3 && units == 4 {
                prefixInformation(at, r, name: name, &tree)
            } else {
                tree.open(option, r, .none, label: "ICMPv6 Option (\(name))")
                tree.add(optionType, at..<at + 1, .uint(UInt64(kind)))
                tree.add(optionLength, at + 1..<at + 2, .uint(UInt64(units)), display: "\(units) (\(units * 8) bytes)")
            }
            tree.close()
            at += units * 8
        }
    }

    /// Prefix information (RFC 4861 section 4.6.2): the prefix a router advertises for
    /// on-link determination and address autoconfiguration. The option is left open for
    /// `options`' close.
    private static func prefixInformation(_ at: Int, _ r: Range<Int>, name: String, _ tree: inout TreeBuilder) {
        let bytes = tree.bytes
        let length = UInt64(bytes[at + 2])
        let address = IPv6Address(bytes, at: at + 16)
        tree.open(option, r, .none, label: "ICMPv6 Option (\(name) : \(address)/\(length))")
        tree.add(optionType, at..<at + 1, .uint(3))
        tree.add(optionLength, at + 1..<at + 2, .uint(4), display: "4 (32 bytes)")
        tree.add(prefixLength, at + 2..<at + 3, .uint(length))
        let flags = UInt64(bytes[at + 3])
        var text = "0x\(hex(flags, digits: 2))"
        for bit in [prefixOnLink, prefixAuto, prefixRouter] where flags & bit.mask != 0 { text += ", " + bit.label }
        tree.open(prefixFlag, at + 3..<at + 4, .uint(flags), display: text)
        for bit in [prefixOnLink, prefixAuto, prefixRouter, prefixReserved] { tree.bits(bit, at + 3..<at + 4, container: flags) }
        tree.close()
        for (field, start) in [(validLifetime, at + 4), (preferredLifetime, at + 8)] {
            let value = UInt64(bytes.u32be(start))
            tree.add(field, start..<start + 4, .uint(value), display: value == 0xFFFF_FFFF ? "Infinity (4294967295)" : nil)
        }
        tree.add(optionReserved, at + 12..<at + 16, .none, label: "Reserved")
        tree.add(prefix, at + 16..<at + 32, .ipv6(address))
    }

    /// The checksum over the IPv6 pseudo-header (RFC 8200 section 8.1) and the message.
    static func verifies(_ bytes: ByteView, _ range: Range<Int>, _ ip: IPv6) -> Bool {
        var sum = InternetChecksum.partial(bytes, ip.offset + 8..<ip.offset + 40)
        sum &+= UInt32(range.count >> 16) &+ UInt32(range.count & 0xFFFF) &+ 58
        sum &+= InternetChecksum.partial(bytes, range)
        return InternetChecksum.fold(sum) == 0xFFFF
    }
}

/// The IP packet an ICMP error quotes: its IP header and transport header, nested.
enum QuotedTree {
    static func dissect(_ quoted: QuotedPacket?, _ input: FieldInput, _ tree: inout TreeBuilder) {
        guard let quoted else { return }
        if let ip = quoted.ipv4 { IPv4Tree.dissect(ip, &tree) }
        if let ip = quoted.ipv6 { IPv6Tree.dissect(ip, &tree) }
        if let tcp = quoted.tcp { TCPTree.dissect(tcp, input, quoted: true, &tree) }
        if let udp = quoted.udp {
            tree.open(UDPTree.declaration, udp.offset..<min(tree.bytes.count, udp.offset + 8),
                      label: "User Datagram Protocol, Src Port: \(udp.sourcePort), Dst Port: \(udp.destinationPort)")
            UDPTree.header(udp, zeroChecksumIllegal: false, &tree)
            if let s = input.analysis.quotedUDPStream { tree.add(UDPTree.stream, nil, .uint(UInt64(s)), generated: true) }
            let payload = udp.payload.clamped(to: 0..<tree.bytes.count)
            if !payload.isEmpty {
                tree.add(UDPTree.payload, payload, .bytes(payload), label: "UDP payload (\(payload.count) byte\(payload.count == 1 ? "" : "s"))")
            }
            tree.close()
        }
    }
}

/// The ones' complement sum of RFC 1071, to check a checksum as Wireshark does.
/// A checksum line as proto_tree_add_checksum writes it with PROTO_CHECKSUM_VERIFY and
/// PROTO_CHECKSUM_IN_CKSUM: "[correct]", or "incorrect, should be 0x…" with the protocol's
/// Bad checksum expert; "[unverified]" when the covered bytes were not all captured; then
/// the status line.
enum VerifiedChecksum {
    /// `sum`: the ones'-complement sum (not folded) over every covered byte, the checksum
    /// field included, or nil when it cannot be computed.
    static func add(_ field: HeaderField, status: HeaderField, _ range: Range<Int>, value: UInt16, sum: UInt32?,
                    expert: String, severity: ExpertSeverity = .error, _ tree: inout TreeBuilder) {
        let shown = "0x" + hex(UInt64(value), digits: 4)
        guard let sum else {
            tree.add(field, range, .uint(UInt64(value)), display: shown + " [unverified]")
            return tree.add(status, nil, .uint(2), generated: true)
        }
        let folded = InternetChecksum.fold(sum)
        if folded == 0xFFFF {
            tree.add(field, range, .uint(UInt64(value)), display: shown + " [correct]")
            return tree.add(status, nil, .uint(1), generated: true)
        }
        // The sum without the field is the sum plus the field's complement.
        let others = InternetChecksum.fold(folded &+ (~UInt32(value) & 0xFFFF))
        let expected = "0x" + hex(UInt64(~others & 0xFFFF), digits: 4)
        tree.open(field, range, .uint(UInt64(value)), display: "\(shown) incorrect, should be \(expected)")
        tree.expert(expert, severity, .checksum, "Bad checksum [should be \(expected)]")
        tree.close()
        tree.add(status, nil, .uint(0), generated: true)
    }
}

enum InternetChecksum {
    static func verifies(_ bytes: ByteView, _ range: Range<Int>) -> Bool {
        fold(partial(bytes, range)) == 0xFFFF
    }

    /// The 16-bit words of `range` summed, not yet folded (an odd byte padded with zero).
    static func partial(_ bytes: ByteView, _ range: Range<Int>) -> UInt32 {
        var sum: UInt32 = 0
        var i = range.lowerBound
        while i + 1 < range.upperBound {
            sum &+= UInt32(bytes.u16be(i))
            i += 2
            // Fold now and then so that a jumbo payload cannot overflow the sum.
            if sum > 0xFFFF_0000 { sum = fold(sum) }
        }
        if i < range.upperBound { sum &+= UInt32(bytes[i]) << 8 }
        return sum
    }

    static func fold(_ value: UInt32) -> UInt32 {
        var sum = value
        while sum > 0xFFFF { sum = (sum & 0xFFFF) + (sum >> 16) }
        return sum
    }
}

/// packet-icmpv6.c's names for ICMPv6 types and codes: the Info column is the type's name
/// and, for the types that name their codes, " (code)".
enum ICMPv6Names {
    static let types: [UInt8: String] = [
        1: "Destination Unreachable", 2: "Packet Too Big", 3: "Time Exceeded", 4: "Parameter Problem",
        100: "Private experimentation", 101: "Private experimentation",
        127: "Reserved for expansion of ICMPv6 error messages", 128: "Echo (ping) request", 129: "Echo (ping) reply",
        130: "Multicast Listener Query", 131: "Multicast Listener Report", 132: "Multicast Listener Done",
        133: "Router Solicitation", 134: "Router Advertisement", 135: "Neighbor Solicitation",
        136: "Neighbor Advertisement", 137: "Redirect", 138: "Router Renumbering", 139: "Node Information Query",
        140: "Node Information Reply", 141: "Inverse Neighbor Discovery Solicitation",
        142: "Inverse Neighbor Discovery Advertisement", 143: "Multicast Listener Report Message v2",
        144: "Home Agent Address Discovery Request", 145: "Home Agent Address Discovery Reply",
        146: "Mobile Prefix Solicitation", 147: "Mobile Prefix Advertisement", 148: "Certification Path Solicitation",
        149: "Certification Path Advertisement", 150: "Experimental Mobility", 151: "Multicast Router Advertisement",
        152: "Multicast Router Solicitation", 153: "Multicast Router Termination", 154: "FMIPv6", 155: "RPL Control",
        156: "Locator Update", 157: "Duplicate Address Request", 158: "Duplicate Address Confirmation",
        159: "MPL Control Message", 160: "Extended Echo request", 161: "Extended Echo reply",
        200: "Private experimentation", 201: "Private experimentation",
        255: "Reserved for expansion of ICMPv6 informational messages",
    ]

    static let unreachable: [UInt8: String] = [
        0: "no route to destination", 1: "Administratively prohibited", 2: "beyond scope of source address",
        3: "Address unreachable", 4: "Port unreachable", 5: "Source address failed ingress/egress policy",
        6: "Reject route to destination", 7: "Error in Source Routing Header",
    ]

    static func type(_ type: UInt8) -> String { types[type] ?? "Unknown (\(type))" }

    /// Code names of the types that name their codes, built once: this runs for every
    /// ICMPv6 packet's Info column.
    static let codes: [UInt8: [UInt8: String]] = [
        3: [0: "hop limit exceeded in transit", 1: "fragment reassembly time exceeded"],
        4: [0: "erroneous header field encountered", 1: "unrecognized Next Header type encountered",
            2: "unrecognized IPv6 option encountered", 3: "IPv6 First Fragment has incomplete IPv6 Header Chain"],
        138: [0: "Router Renumbering Command", 1: "Router Renumbering Result", 255: "Sequence Number Reset"],
        139: [0: "Query subject = IPv6 addresses", 1: "Query subject = DNS name or empty",
              2: "Query subject = IPv4 addresses"],
        140: [0: "Successful", 1: "Refused", 2: "Unknown query type"],
    ]

    static func code(type: UInt8, code: UInt8) -> String? {
        if type == 1 { return unreachable[code] ?? "Unknown" }
        guard let names = codes[type] else { return nil }
        return names[code] ?? "Unknown (\(code))"
    }
}

/// packet-icmp.c's names for ICMPv4 types and codes: the details tree and the Info column
/// ("%-20s (code)") both come from here.
enum ICMPNames {
    static let types: [UInt8: String] = [
        0: "Echo (ping) reply", 1: "Reserved", 2: "Reserved", 3: "Destination unreachable",
        4: "Source quench (flow control)", 5: "Redirect", 6: "Alternate host address", 8: "Echo (ping) request",
        9: "Router advertisement", 10: "Router solicitation", 11: "Time-to-live exceeded", 12: "Parameter problem",
        13: "Timestamp request", 14: "Timestamp reply", 15: "Information request", 16: "Information reply",
        17: "Address mask request", 18: "Address mask reply", 19: "Reserved (for security)", 30: "Traceroute",
        31: "Datagram Conversion Error", 32: "Mobile Host Redirect", 33: "IPv6 Where-Are-You", 34: "IPv6 I-Am-Here",
        35: "Mobile Registration Request", 36: "Mobile Registration Reply", 37: "Domain Name Request",
        38: "Domain Name Reply", 39: "SKIP", 40: "Photuris", 41: "Experimental mobility protocols",
        42: "Extended Echo request", 43: "Extended Echo reply",
    ]

    static let unreachable: [UInt8: String] = [
        0: "Network unreachable", 1: "Host unreachable", 2: "Protocol unreachable", 3: "Port unreachable",
        4: "Fragmentation needed", 5: "Source route failed", 6: "Destination network unknown",
        7: "Destination host unknown", 8: "Source host isolated", 9: "Network administratively prohibited",
        10: "Host administratively prohibited", 11: "Network unreachable for TOS", 12: "Host unreachable for TOS",
        13: "Communication administratively filtered", 14: "Host precedence violation", 15: "Precedence cutoff in effect",
    ]

    /// The type's name; a router advertisement of code 0 or 16 is Mobile IP's.
    static func type(_ type: UInt8, code: UInt8) -> String {
        if type == 9 && (code == 0 || code == 16) { return "Mobile IP Advertisement" }
        return types[type] ?? "Unknown ICMP (obsolete or malformed?)"
    }

    /// Code names of the types that name their codes, built once: this runs for every
    /// ICMP packet's Info column.
    static let codes: [UInt8: [UInt8: String]] = [
        3: unreachable,
        5: [0: "Redirect for network", 1: "Redirect for host", 2: "Redirect for TOS and network",
            3: "Redirect for TOS and host"],
        6: [0: "Alternate address for host"],
        9: [0: "Normal router advertisement", 16: "Does not route common traffic"],
        11: [0: "Time to live exceeded in transit", 1: "Fragment reassembly time exceeded"],
        12: [0: "Pointer indicates the error", 1: "Required option missing", 2: "Bad length"],
        40: [0: "Bad SPI", 1: "Authentication Failed", 2: "Decompression Failed", 3: "Decryption Failed",
             4: "Need Authentication", 5: "Need Authorization"],
        42: [0: "No error"],
        43: [0: "No error", 1: "Malformed Query", 2: "No Such Interface", 3: "No Such Table Entry",
             4: "Multiple Interfaces Satisfy Query"],
    ]

    /// The code's name for the types that name their codes, nil for the others.
    static func code(type: UInt8, code: UInt8) -> String? {
        guard let names = codes[type] else { return nil }
        return names[code] ?? "Unknown code: \(code)"
    }

    /// Types whose bytes 4-7 are an identifier and a sequence number.
    static func hasIdentifier(_ type: UInt8) -> Bool {
        switch type {
        case 0, 8, 13, 14, 15, 16, 17, 18: true
        default: false
        }
    }
}

/// The checksum of an ICMP message the snaplen cut: tshark cannot verify it and says so
/// as it does for a datagram it does not have whole.
enum ICMPChecksum {
    static func isCut(_ frame: Frame, end: Int) -> Bool {
        frame.raw.originalLength > frame.raw.bytes.count && end >= frame.bytes.count
    }

    static func addUnverified(_ value: UInt16, _ field: HeaderField, _ status: HeaderField, _ o: Int, _ tree: inout TreeBuilder) {
        tree.add(field, o + 2..<o + 4, .uint(UInt64(value)),
                 display: "0x\(hex(UInt64(value), digits: 4)) [unverified] [fragmented datagram]")
        tree.add(status, nil, .uint(2), generated: true)
    }
}
