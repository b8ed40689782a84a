import Dissect
import Follow

/// DNS (RFC 1035), over UDP and TCP: header flags, queries and resource records.
enum DNSTree {
    static let length = HeaderField("dns.length", "Length", .uint16)
    static let id = HeaderField("dns.id", "Transaction ID", .uint16, .hex)
    static let flags = HeaderField("dns.flags", "Flags", .uint16, .hex)
    static let response = HeaderField("dns.flags.response", "Response", .boolean, width: 16, mask: 0x8000,
                                      names: .trueFalse("Message is a response", "Message is a query"))
    static let opcode = HeaderField("dns.flags.opcode", "Opcode", .uint16, mask: 0x7800, names: .values([
        0: "Standard query", 1: "Inverse query", 2: "Server status request", 4: "Zone change notification", 5: "Dynamic update",
    ]))
    static let authoritative = HeaderField("dns.flags.authoritative", "Authoritative", .boolean, width: 16, mask: 0x0400,
                                           names: .trueFalse("Server is an authority for domain", "Server is not an authority for domain"))
    static let truncated = HeaderField("dns.flags.truncated", "Truncated", .boolean, width: 16, mask: 0x0200,
                                       names: .trueFalse("Message is truncated", "Message is not truncated"))
    static let recdesired = HeaderField("dns.flags.recdesired", "Recursion desired", .boolean, width: 16, mask: 0x0100,
                                        names: .trueFalse("Do query recursively", "Don't do query recursively"))
    static let recavail = HeaderField("dns.flags.recavail", "Recursion available", .boolean, width: 16, mask: 0x0080,
                                      names: .trueFalse("Server can do recursive queries", "Server can't do recursive queries"))
    static let z = HeaderField("dns.flags.z", "Z", .boolean, width: 16, mask: 0x0040, names: .trueFalse("reserved (1)", "reserved (0)"))
    static let authenticated = HeaderField("dns.flags.authenticated", "Answer authenticated", .boolean, width: 16, mask: 0x0020,
                                           names: .trueFalse("Answer/authority portion was authenticated by the server",
                                                             "Answer/authority portion was not authenticated by the server"))
    static let ad = HeaderField("dns.flags.authenticated", "AD bit", .boolean, width: 16, mask: 0x0020, names: .setNotSet)
    static let checkdisable = HeaderField("dns.flags.checkdisable", "Non-authenticated data", .boolean, width: 16, mask: 0x0010,
                                          names: .trueFalse("Acceptable", "Unacceptable"))
    static let rcode = HeaderField("dns.flags.rcode", "Reply code", .uint16, mask: 0x000F, names: .values(
        Dictionary(uniqueKeysWithValues: (0...15).compactMap { c in DNS.responseCodeName(UInt8(c)).map { (UInt64(c), $0) } })))
    static let countQueries = HeaderField("dns.count.queries", "Questions", .uint16)
    static let countAnswers = HeaderField("dns.count.answers", "Answer RRs", .uint16)
    static let countAuth = HeaderField("dns.count.auth_rr", "Authority RRs", .uint16)
    static let countAdd = HeaderField("dns.count.add_rr", "Additional RRs", .uint16)
    static let qryName = HeaderField("dns.qry.name", "Name", .string)
    static let qryNameLen = HeaderField("dns.qry.name.len", "Name Length", .uint16)
    static let countLabels = HeaderField("dns.count.labels", "Label Count", .uint16)
    static let qryType = HeaderField("dns.qry.type", "Type", .uint16, names: .values(typeNames))
    static let qryClass = HeaderField("dns.qry.class", "Class", .uint16, .hex, names: .values(classNames))
    static let respName = HeaderField("dns.resp.name", "Name", .string)
    static let respType = HeaderField("dns.resp.type", "Type", .uint16, names: .values(typeNames))
    static let respClass = HeaderField("dns.resp.class", "Class", .uint16, .hex, names: .values(classNames))
    static let respTTL = HeaderField("dns.resp.ttl", "Time to live", .int32)
    static let respLen = HeaderField("dns.resp.len", "Data length", .uint32)
    static let a = HeaderField("dns.a", "Address", .ipv4)
    static let aaaa = HeaderField("dns.aaaa", "AAAA Address", .ipv6)
    static let cname = HeaderField("dns.cname", "CNAME", .string)
    static let soaMName = HeaderField("dns.soa.mname", "Primary name server", .string)
    static let soaRName = HeaderField("dns.soa.rname", "Responsible authority's mailbox", .string)
    static let soaSerial = HeaderField("dns.soa.serial_number", "Serial Number", .uint32)
    static let soaRefresh = HeaderField("dns.soa.refresh_interval", "Refresh Interval", .uint32)
    static let soaRetry = HeaderField("dns.soa.retry_interval", "Retry Interval", .uint32)
    static let soaExpire = HeaderField("dns.soa.expire_limit", "Expire limit", .uint32)
    static let soaMinimum = HeaderField("dns.soa.minimum_ttl", "Minimum TTL", .uint32)
    static let ns = HeaderField("dns.ns", "Name Server", .string)
    static let ptr = HeaderField("dns.ptr.domain_name", "Domain Name", .string)
    static let payloadSize = HeaderField("dns.rr.udp_payload_size", "UDP payload size", .uint16)
    static let extRcode = HeaderField("dns.resp.ext_rcode", "Higher bits in extended RCODE", .uint8, .hex)
    static let ednsVersion = HeaderField("dns.resp.edns0_version", "EDNS0 version", .uint8)
    static let ednsZ = HeaderField("dns.resp.z", "Z", .uint16, .hex)
    static let zDO = HeaderField("dns.resp.z.do", "DO bit", .boolean, width: 16, mask: 0x8000,
                                 names: .trueFalse("Accepts DNSSEC security RRs", "Cannot handle DNSSEC security RRs"))
    static let zReserved = HeaderField("dns.resp.z.reserved", "Reserved", .uint16, .hex, mask: 0x7FFF)
    static let opt = HeaderField("dns.opt", "Option", .none)
    static let optCode = HeaderField("dns.opt.code", "Option Code", .uint16, names: .values(optionNames))
    static let optLen = HeaderField("dns.opt.len", "Option Length", .uint16)
    static let optData = HeaderField("dns.opt.data", "Option Data", .bytes)
    static let cookieClient = HeaderField("dns.opt.cookie.client", "Client Cookie", .bytes)
    static let cookieServer = HeaderField("dns.opt.cookie.server", "Server Cookie", .bytes)
    static let mxPreference = HeaderField("dns.mx.preference", "Preference", .uint16)
    static let mxExchange = HeaderField("dns.mx.mail_exchange", "Mail Exchange", .string)
    static let txtLength = HeaderField("dns.txt.length", "TXT Length", .uint8)
    static let txt = HeaderField("dns.txt", "TXT", .string)
    static let time = HeaderField("dns.time", "Time", .relativeTime)
    // Multicast DNS (RFC 6762 section 18.12, 10.2): the class's top bit means something.
    static let classNames: [UInt64: String] = [1: "IN", 3: "CH", 4: "HS", 254: "NONE", 255: "ANY"]
    static let qryClassMDNS = HeaderField("dns.qry.class", "Class", .uint16, .hex, mask: 0x7FFF, names: .values(classNames))
    static let qryQU = HeaderField("dns.qry.qu", "\"QU\" question", .boolean, width: 16, mask: 0x8000, names: .trueFalse)
    static let respClassMDNS = HeaderField("dns.resp.class", "Class", .uint16, .hex, mask: 0x7FFF, names: .values(classNames))
    static let cacheFlush = HeaderField("dns.resp.cache_flush", "Cache flush", .boolean, width: 16, mask: 0x8000, names: .trueFalse)
    static let srvService = HeaderField("dns.srv.service", "Service", .string)
    static let srvProto = HeaderField("dns.srv.proto", "Protocol", .string)
    static let srvName = HeaderField("dns.srv.name", "Name", .string)
    static let srvPriority = HeaderField("dns.srv.priority", "Priority", .uint16)
    static let srvWeight = HeaderField("dns.srv.weight", "Weight", .uint16)
    static let srvPort = HeaderField("dns.srv.port", "Port", .uint16)
    static let srvTarget = HeaderField("dns.srv.target", "Target", .string)
    static let nsecNext = HeaderField("dns.nsec.next_domain_name", "Next Domain Name", .string)
    static let mdnsDeclaration = ProtocolDeclaration("mdns", "Multicast Domain Name System", fields: [])
    static let llmnrDeclaration = ProtocolDeclaration("llmnr", "Link-local Multicast Name Resolution", fields: [])
    static let conflictQuery = HeaderField("dns.flags.conflict", "Conflict", .boolean, width: 16, mask: 0x0400,
                                           names: .trueFalse("The sender received multiple responses", "None"))
    static let conflictResponse = HeaderField("dns.flags.conflict", "Conflict", .boolean, width: 16, mask: 0x0400,
                                              names: .trueFalse("The name is not considered unique", "The name is considered unique"))
    static let tentative = HeaderField("dns.flags.tentative", "Tentative", .boolean, width: 16, mask: 0x0100,
                                       names: .trueFalse("Tentative", "Not tentative"))

    static let optionNames: [UInt64: String] = [
        3: "NSID", 8: "CSUBNET - Client subnet", 10: "COOKIE", 11: "EDNS TCP Keepalive", 12: "PADDING",
    ]
    static let responseIn = HeaderField("dns.response_in", "Response In", .frameNumber)
    static let responseTo = HeaderField("dns.response_to", "Request In", .frameNumber)
    static let retransmitRequestIn = HeaderField("dns.retransmit_request_in", "Retransmitted request. Original request in", .frameNumber)
    static let retransmitResponseIn = HeaderField("dns.retransmit_response_in", "Retransmitted response. Original response in", .frameNumber)
    static let retransmission = HeaderField("dns.retransmission", "Retransmission", .boolean, names: .trueFalse)
    static let unsolicited = HeaderField("dns.unsolicited", "Unsolicited", .boolean, names: .trueFalse)

    static let declaration = ProtocolDeclaration("dns", "Domain Name System", fields: [
        length, id, flags, response, opcode, authoritative, truncated, recdesired, recavail, z, authenticated, ad,
        checkdisable, rcode, countQueries, countAnswers, countAuth, countAdd, qryName, qryNameLen, countLabels,
        qryType, qryClass, respName, respType, respClass, respTTL, respLen, a, aaaa, cname, soaMName, soaRName, soaSerial,
        soaRefresh, soaRetry, soaExpire, soaMinimum, ns, ptr, payloadSize,
        extRcode, ednsVersion, ednsZ, zDO, zReserved, opt, optCode, optLen, optData, cookieClient, cookieServer,
        qryQU, cacheFlush, srvService, srvProto, srvName, srvPriority, srvWeight, srvPort, srvTarget, nsecNext,
        mxPreference, mxExchange, txtLength, txt, responseIn, responseTo, time, conflictQuery, tentative,
        retransmitRequestIn, retransmitResponseIn, retransmission, unsolicited,
    ])

    static let typeNames: [UInt64: String] = [
        1: "A (Host Address)", 2: "NS (authoritative Name Server)", 5: "CNAME (Canonical NAME for an alias)",
        6: "SOA (Start Of a zone of Authority)", 12: "PTR (domain name PoinTeR)", 15: "MX (Mail eXchange)",
        16: "TXT (Text strings)", 28: "AAAA (IPv6 Address)", 33: "SRV (Server Selection)", 41: "OPT", 47: "NSEC (Next Secure)",
        64: "SVCB (General Purpose Service Endpoints)", 65: "HTTPS (HTTPS Specific Service Endpoints)", 255: "* (A request for all records the server/cache has available)",
    ]

    /// `cut`: the snaplen cut the message; tshark stops where the bytes end, after the
    /// heading of the section it stopped in, before the request/response links.
    /// DNS's format under another name: the same message, a node of its own, and for
    /// LLMNR other header flags.
    enum Flavor { case dns, mdns, llmnr }

    static func dissect(_ dns: DNS, _ analysis: FrameAnalysis, cut: Bool = false, flavor: Flavor = .dns, _ tree: inout TreeBuilder) {
        let bytes = tree.bytes
        let o = dns.offset
        let mdns = flavor == .mdns
        let (node, name): (ProtocolDeclaration, String) = switch flavor {
        case .dns: (declaration, "Domain Name System")
        case .mdns: (mdnsDeclaration, "Multicast Domain Name System")
        case .llmnr: (llmnrDeclaration, "Link-local Multicast Name Resolution")
        }
        tree.open(node, dns.layerStart..<min(bytes.count, dns.end), label: "\(name) (\(dns.isResponse ? "response" : "query"))")
        if let prefix = dns.lengthPrefix { tree.add(length, o - 2..<o, .uint(UInt64(prefix))) }
        if let original = analysis.dnsRetransmissionOf {
            // packet-dns.c puts the retransmission's expert info under the transaction id.
            tree.open(id, o..<o + 2, .uint(UInt64(dns.id)))
            let what = dns.isResponse ? "response retransmission. Original response" : "query retransmission. Original request"
            tree.expert(dns.isResponse ? "dns.retransmit_response" : "dns.retransmit_request", .warning, .protocolGroup,
                        "DNS \(what) in frame \(original)")
            tree.close()
        } else {
            tree.add(id, o..<o + 2, .uint(UInt64(dns.id)))
        }
        let f = UInt64(dns.flags)
        var summary = (opcode.names?.name(for: UInt64(dns.opcode)) ?? "Unknown operation") + (dns.isResponse ? " response" : "")
        if dns.isResponse { summary += ", " + (rcode.names?.name(for: UInt64(dns.responseCode)) ?? "Unknown error") }
        tree.open(flags, o + 2..<o + 4, .uint(f), display: "0x\(hex(f, digits: 4)) \(summary)")
        let r = o + 2..<o + 4
        tree.bits(response, r, container: f)
        tree.bits(opcode, r, container: f)
        if flavor == .llmnr {
            // RFC 4795 section 2.1.1: C, TC and T where DNS has AA, TC and RD.
            tree.bits(dns.isResponse ? conflictResponse : conflictQuery, r, container: f)
            tree.bits(truncated, r, container: f)
            tree.bits(tentative, r, container: f)
            if dns.isResponse { tree.bits(rcode, r, container: f) }
        } else {
            if dns.isResponse { tree.bits(authoritative, r, container: f) }
            tree.bits(truncated, r, container: f)
            tree.bits(recdesired, r, container: f)
            if dns.isResponse { tree.bits(recavail, r, container: f) }
            tree.bits(z, r, container: f)
            // A query's AD bit (RFC 6840 5.7) has a line only when set, as in tshark 4.0.
            if dns.isResponse { tree.bits(authenticated, r, container: f) } else if f & 0x0020 != 0 { tree.bits(ad, r, container: f) }
            tree.bits(checkdisable, r, container: f)
            if dns.isResponse { tree.bits(rcode, r, container: f) }
        }
        tree.close()
        tree.add(countQueries, o + 4..<o + 6, .uint(UInt64(dns.questionCount)))
        tree.add(countAnswers, o + 6..<o + 8, .uint(UInt64(dns.answerCount)))
        tree.add(countAuth, o + 8..<o + 10, .uint(UInt64(dns.authorityCount)))
        tree.add(countAdd, o + 10..<o + 12, .uint(UInt64(dns.additionalCount)))
        var questions = dns.questions(bytes)
        var opened = false
        while let q = questions.next() {
            if !opened { tree.openText("Queries"); opened = true }
            let name = text(q.name, bytes)
            let type = UInt64(q.type)
            let kind = mdns ? (q.questionClass & 0x8000 != 0 ? ", \"QU\" question" : ", \"QM\" question") : ""
            tree.openText("\(name): type \(DNS.typeName(q.type) ?? String(q.type)), class \(DNS.className(q.questionClass) ?? String(q.questionClass))\(kind)", range: q.range)
            let nameEnd = q.range.upperBound - 4
            tree.add(qryName, q.range.lowerBound..<nameEnd, .string(name))
            tree.add(qryNameLen, nil, .uint(UInt64(name.utf8.count)), generated: true)
            tree.add(countLabels, nil, .uint(UInt64(q.name.labelCount)), generated: true)
            tree.add(qryType, nameEnd..<nameEnd + 2, .uint(type))
            if mdns {
                tree.bits(qryClassMDNS, nameEnd + 2..<nameEnd + 4, container: UInt64(q.questionClass))
                tree.bits(qryQU, nameEnd + 2..<nameEnd + 4, container: UInt64(q.questionClass))
            } else {
                tree.add(qryClass, nameEnd + 2..<nameEnd + 4, .uint(UInt64(q.questionClass)))
            }
            tree.close()
        }
        if !opened && cut && questions.stopped {
            tree.openText("Queries")
            opened = true
        }
        if opened { tree.close() }
        var records = dns.records(bytes)
        var section: DNSSection?
        while let rec = records.next() {
            if rec.section != section {
                if section != nil { tree.close() }
                section = rec.section
                tree.openText(rec.section == .answer ? "Answers" : rec.section == .authority ? "Authoritative nameservers" : "Additional records")
            }
            record(rec, mdns: mdns, &tree)
        }
        if cut && !questions.stopped && records.stoppedEarly, let stoppedIn = records.sectionOfNext, stoppedIn != section {
            if section != nil { tree.close() }
            section = stoppedIn
            tree.openText(stoppedIn == .answer ? "Answers" : stoppedIn == .authority ? "Authoritative nameservers" : "Additional records")
        }
        if section != nil { tree.close() }
        if cut {
            tree.close()
            return
        }
        if let query = analysis.dnsQueryFrame {
            tree.add(responseTo, nil, .uint(UInt64(query)), label: "Request In: \(query)", generated: true)
            if let ns = analysis.dnsResponseTime { tree.add(time, nil, .relativeTime(ns), generated: true) }
        } else if let original = analysis.dnsRetransmissionOf {
            tree.add(dns.isResponse ? retransmitResponseIn : retransmitRequestIn, nil, .uint(UInt64(original)), generated: true)
            tree.add(retransmission, nil, .bool(true), generated: true)
        } else if analysis.dnsUnsolicited {
            tree.add(unsolicited, nil, .bool(true), generated: true)
        }
        tree.close()
    }

    private static func record(_ rec: DNSRecord, mdns: Bool, _ tree: inout TreeBuilder) {
        let bytes = tree.bytes
        let name = text(rec.name, bytes)
        let shownName = name.isEmpty ? "<Root>" : name
        let typeText = DNS.typeName(rec.type) ?? String(rec.type)
        let fixed = rec.rdata.lowerBound - 10
        if rec.type == 41 {
            optRecord(rec, shownName: shownName, fixed: fixed, &tree)
            return
        }
        var summary = "\(shownName): type \(typeText), class \(DNS.className(rec.recordClass) ?? String(rec.recordClass))"
        let flush = mdns && rec.recordClass & 0x8000 != 0
        if flush { summary += ", cache flush" }
        let srv = rec.srv(bytes)
        if let srv {
            summary += ", priority \(srv.priority), weight \(srv.weight), port \(srv.port), target \(text(srv.target, bytes))"
        }
        let nsec = rec.nsecNextName(bytes).map { text($0, bytes) }
        if let nsec { summary += ", next domain name \(nsec)" }
        let ipv4 = rec.ipv4Address(bytes), ipv6 = rec.ipv6Address(bytes)
        let domain = rec.domainName(bytes).map { text($0, bytes) }
        if let ipv4 { summary += ", addr \(ipv4)" }
        if let ipv6 { summary += ", addr \(ipv6)" }
        if let domain {
            switch rec.type {
            case 5: summary += ", cname \(domain)"
            case 2: summary += ", ns \(domain)"
            case 12: summary += ", \(domain)"
            default: break
            }
        }
        let mx = rec.type == 15 ? rec.mx(bytes) : nil
        if let mx { summary += ", preference \(mx.preference), mx \(text(mx.exchange, bytes))" }
        let soa = rec.soa(bytes)
        if let soa { summary += ", mname \(text(soa.mname, bytes))" }
        tree.openText(summary, range: rec.range)
        let labels = shownName.split(separator: ".", maxSplits: 2, omittingEmptySubsequences: false)
        if srv != nil, labels.count == 3 {
            // An SRV owner is _service._proto.name (RFC 2782): tshark shows the three parts.
            let nameRange = rec.range.lowerBound..<fixed
            tree.add(srvService, nameRange, .string(String(labels[0])))
            tree.add(srvProto, nameRange, .string(String(labels[1])))
            tree.add(srvName, nameRange, .string(String(labels[2])))
        } else {
            tree.add(respName, rec.range.lowerBound..<fixed, .string(shownName))
        }
        tree.add(respType, fixed..<fixed + 2, .uint(UInt64(rec.type)))
        if mdns {
            tree.bits(respClassMDNS, fixed + 2..<fixed + 4, container: UInt64(rec.recordClass))
            tree.bits(cacheFlush, fixed + 2..<fixed + 4, container: UInt64(rec.recordClass))
        } else {
            tree.add(respClass, fixed + 2..<fixed + 4, .uint(UInt64(rec.recordClass)))
        }
        tree.add(respTTL, fixed + 4..<fixed + 8, .uint(UInt64(rec.ttl)), display: "\(rec.ttl)" + durationSuffix(rec.ttl))
        tree.add(respLen, fixed + 8..<fixed + 10, .uint(UInt64(rec.rdata.count)))
        if let ipv4 { tree.add(a, rec.rdata, .ipv4(ipv4)) }
        if let ipv6 { tree.add(aaaa, rec.rdata, .ipv6(ipv6)) }
        if let domain {
            switch rec.type {
            case 5: tree.add(cname, rec.rdata, .string(domain))
            case 2: tree.add(ns, rec.rdata, .string(domain))
            case 12: tree.add(ptr, rec.rdata, .string(domain))
            default: break
            }
        }
        if let mx {
            tree.add(mxPreference, rec.rdata.lowerBound..<rec.rdata.lowerBound + 2, .uint(UInt64(mx.preference)))
            tree.add(mxExchange, rec.rdata.lowerBound + 2..<rec.rdata.upperBound, .string(text(mx.exchange, bytes)))
        }
        if let soa, let afterM = soa.mname.nextOffset, let afterR = soa.rname.nextOffset {
            let d = rec.rdata.lowerBound
            tree.add(soaMName, d..<afterM, .string(text(soa.mname, bytes)))
            tree.add(soaRName, afterM..<afterR, .string(text(soa.rname, bytes)))
            tree.add(soaSerial, afterR..<afterR + 4, .uint(UInt64(soa.serial)))
            for (i, (field, value)) in [(soaRefresh, soa.refresh), (soaRetry, soa.retry), (soaExpire, soa.expire),
                                        (soaMinimum, soa.minimum)].enumerated() {
                let at = afterR + 4 + 4 * i
                tree.add(field, at..<at + 4, .uint(UInt64(value)), display: "\(value)" + durationSuffix(value))
            }
        }
        if let srv {
            let d = rec.rdata.lowerBound
            tree.add(srvPriority, d..<d + 2, .uint(UInt64(srv.priority)))
            tree.add(srvWeight, d + 2..<d + 4, .uint(UInt64(srv.weight)))
            tree.add(srvPort, d + 4..<d + 6, .uint(UInt64(srv.port)))
            tree.add(srvTarget, d + 6..<rec.rdata.upperBound, .string(text(srv.target, bytes)))
        }
        if let nsec, let next = rec.nsecNextName(bytes), let afterName = next.nextOffset {
            tree.add(nsecNext, rec.rdata.lowerBound..<afterName, .string(nsec))
            nsecBitmaps(afterName..<min(rec.rdata.upperBound, bytes.count), bytes, &tree)
        }
        if rec.type == 16 {
            // Character strings: a length byte, then that many bytes, to the end of the data.
            var at = rec.rdata.lowerBound
            while at < rec.rdata.upperBound, at < bytes.count {
                let n = Int(bytes[at])
                guard at + 1 + n <= min(rec.rdata.upperBound, bytes.count) else { break }
                tree.add(txtLength, at..<at + 1, .uint(UInt64(n)))
                tree.add(txt, at + 1..<at + 1 + n, .string(HTTPTree.string(bytes, at + 1..<at + 1 + n)))
                at += 1 + n
            }
        }
        tree.close()
    }

    /// NSEC's type bit maps (RFC 4034 section 4.1.2): blocks of a window number, a length
    /// and up to 32 bytes whose set bits are the types present, one line per type.
    static func nsecBitmaps(_ range: Range<Int>, _ bytes: ByteView, _ tree: inout TreeBuilder) {
        var at = range.lowerBound
        while at + 2 <= range.upperBound {
            let window = Int(bytes[at]), length = Int(bytes[at + 1])
            guard length >= 1, length <= 32, at + 2 + length <= range.upperBound else { return }
            for i in 0..<length {
                let byte = bytes[at + 2 + i]
                for bit in 0..<8 where byte & (0x80 >> bit) != 0 {
                    let type = UInt64(window * 256 + i * 8 + bit)
                    tree.text("RR type in bit map: \(typeNames[type] ?? "Unknown (\(type))")", range: at + 2 + i..<at + 3 + i)
                }
            }
            at += 2 + length
        }
    }

    /// The EDNS0 pseudo-record (RFC 6891): the class is the UDP payload size and the TTL
    /// holds the extended RCODE, the version and the DO bit; the data holds options.
    private static func optRecord(_ rec: DNSRecord, shownName: String, fixed: Int, _ tree: inout TreeBuilder) {
        let bytes = tree.bytes
        tree.openText("\(shownName): type OPT", range: rec.range)
        tree.add(respName, rec.range.lowerBound..<fixed, .string(shownName))
        tree.add(respType, fixed..<fixed + 2, .uint(41))
        tree.add(payloadSize, fixed + 2..<fixed + 4, .uint(UInt64(rec.recordClass)))
        tree.add(extRcode, fixed + 4..<fixed + 5, .uint(UInt64(rec.ttl >> 24)))
        tree.add(ednsVersion, fixed + 5..<fixed + 6, .uint(UInt64(rec.ttl >> 16 & 0xFF)))
        let zValue = UInt64(rec.ttl & 0xFFFF)
        tree.open(ednsZ, fixed + 6..<fixed + 8, .uint(zValue))
        tree.bits(zDO, fixed + 6..<fixed + 8, container: zValue)
        tree.bits(zReserved, fixed + 6..<fixed + 8, container: zValue)
        tree.close()
        tree.add(respLen, fixed + 8..<fixed + 10, .uint(UInt64(rec.rdata.count)))
        var at = rec.rdata.lowerBound
        let end = min(rec.rdata.upperBound, bytes.count)
        while at + 4 <= end {
            let code = UInt64(bytes.u16be(at)), length = Int(bytes.u16be(at + 2))
            guard at + 4 + length <= end else { break }
            let data = at + 4..<at + 4 + length
            let name = optionNames[code] ?? "Unknown"
            tree.open(opt, at..<data.upperBound, .none, label: "Option: \(name)")
            tree.add(optCode, at..<at + 2, .uint(code))
            tree.add(optLen, at + 2..<at + 4, .uint(UInt64(length)))
            if length > 0 { tree.add(optData, data, .bytes(data)) }
            if code == 10 && length >= 8 {
                tree.add(cookieClient, data.lowerBound..<data.lowerBound + 8, .bytes(data.lowerBound..<data.lowerBound + 8))
                if length > 8 {
                    tree.add(cookieServer, data.lowerBound + 8..<data.upperBound, .bytes(data.lowerBound + 8..<data.upperBound))
                } else {
                    tree.add(cookieServer, nil, .string("<MISSING>"))
                }
            }
            tree.close()
            at = data.upperBound
        }
        tree.close()
    }

    static func text(_ name: DNSName, _ bytes: ByteView) -> String {
        var out: [UInt8] = []
        name.write(bytes) { out.append($0) }
        return String(decoding: out, as: UTF8.self)
    }

    /// ` (5 minutes)`, as Wireshark's `unsigned_time_secs_to_str` writes a TTL.
    static func durationSuffix(_ seconds: UInt32) -> String {
        guard seconds > 0 else { return "" }
        var parts: [String] = []
        var rest = seconds
        for (unit, size) in [("day", UInt32(86400)), ("hour", 3600), ("minute", 60), ("second", 1)] where rest >= size {
            let n = rest / size
            rest %= size
            parts.append("\(n) \(unit)\(n == 1 ? "" : "s")")
        }
        return " (" + parts.joined(separator: ", ") + ")"
    }
}
