/// A DNS message header (RFC 1035). Names and records are read lazily from the frame's
/// bytes when a view asks for them, so decoding a frame allocates nothing.
public struct DNS: Sendable {
    /// Where the message starts in the frame (after the 2-byte length prefix over TCP).
    public var offset: Int
    /// The end of the message's bytes in the frame.
    public var end: Int
    public var id: UInt16
    public var flags: UInt16
    public var questionCount: UInt16
    public var answerCount: UInt16
    public var authorityCount: UInt16
    public var additionalCount: UInt16
    /// Over TCP, the message length the 2-byte prefix declares (`dns.length`); nil over UDP.
    public var lengthPrefix: Int?

    public var isResponse: Bool { flags & 0x8000 != 0 }
    public var opcode: UInt8 { UInt8(flags >> 11 & 0xf) }
    public var responseCode: UInt8 { UInt8(flags & 0xf) }
    public var isTruncated: Bool { flags & 0x0200 != 0 }

    /// Where the layer starts in the frame: the length prefix over TCP, else the message.
    public var layerStart: Int { lengthPrefix == nil ? offset : offset - 2 }

    public static let headerLength = 12

    /// Field offsets from the start of the message.
    enum Field {
        static let id = 0
        static let flags = 2
        static let questionCount = 4
        static let answerCount = 6
        static let authorityCount = 8
        static let additionalCount = 10
        static let questions = 12
    }

    /// Decodes the 12-byte header. `overTCP` means a 2-byte length prefix comes first.
    ///
    /// Over TCP, `offset` points at the prefix, `DNS.offset` is the message after it and
    /// `DNS.end` is the smaller of the declared end and `end`; a prefix declaring more than
    /// was captured is reported as truncation (with the header still decoded).
    public static func decode(_ bytes: ByteView, at offset: Int, end: Int, overTCP: Bool) -> Decoded<DNS> {
        let end = Swift.min(end, bytes.count)
        let available = Swift.max(end - offset, 0)
        let prefix = overTCP ? 2 : 0
        guard offset >= 0, available >= prefix + headerLength else {
            return .failed(.truncated(.dns, needed: prefix + headerLength, available: available))
        }
        var messageEnd = end
        var declared: Int?
        var issue: DecodeIssue?
        if overTCP {
            let length = Int(bytes.u16be(offset))
            guard length >= headerLength else {
                return .failed(.malformed(.dns, .lengthFieldTooSmall(length)))
            }
            declared = length
            if prefix + length > available {
                issue = .truncated(.dns, needed: prefix + length, available: available)
            } else {
                messageEnd = offset + prefix + length
            }
        }
        let m = offset + prefix
        let dns = DNS(
            offset: m,
            end: messageEnd,
            id: bytes.u16be(m + Field.id),
            flags: bytes.u16be(m + Field.flags),
            questionCount: bytes.u16be(m + Field.questionCount),
            answerCount: bytes.u16be(m + Field.answerCount),
            authorityCount: bytes.u16be(m + Field.authorityCount),
            additionalCount: bytes.u16be(m + Field.additionalCount),
            lengthPrefix: declared
        )
        return Decoded(dns, issue: issue)
    }

    /// packet-dns.c's UDP heuristic (`dissect_dns_heur`): more than a header, a standard
    /// query's opcode, one question and no answers in a query, at most one question, 100
    /// answers and 10 authority records in a response, and at most 10 additional records.
    public static func looksLikeDNS(_ bytes: ByteView, _ payload: Range<Int>) -> Bool {
        let m = payload.lowerBound
        guard payload.count > headerLength, payload.upperBound <= bytes.count else { return false }
        let flags = bytes.u16be(m + Field.flags)
        guard flags & 0x7800 == 0 else { return false }
        let questions = bytes.u16be(m + Field.questionCount), answers = bytes.u16be(m + Field.answerCount)
        let authority = bytes.u16be(m + Field.authorityCount)
        if flags & 0x8000 == 0 {
            guard questions == 1, answers == 0, authority == 0 else { return false }
        } else {
            guard questions <= 1, answers <= 100, authority <= 10 else { return false }
        }
        return bytes.u16be(m + Field.additionalCount) <= 10
    }

    /// The questions, read lazily from `bytes` (the frame this header came from).
    public func questions(_ bytes: ByteView) -> DNSQuestionIterator {
        DNSQuestionIterator(bytes, message: self)
    }

    /// The answer, authority and additional records, in that order.
    public func records(_ bytes: ByteView) -> DNSRecordIterator {
        DNSRecordIterator(bytes, message: self)
    }

    /// Reads the name at `offset` inside this message.
    public func name(_ bytes: ByteView, at offset: Int) -> DNSName {
        DNSName.read(bytes, at: offset, message: self)
    }

    /// A truncation issue for this layer: `position` is the absolute offset needed.
    func truncation(neededThrough position: Int) -> DecodeIssue {
        .truncated(.dns, needed: position - layerStart, available: end - layerStart)
    }

    /// The short type name Wireshark prints in the summary (`A`, `AAAA`, `CNAME`, ...).
    public static func typeName(_ type: UInt16) -> String? {
        switch type {
        case 0: "Unused"
        case 1: "A"
        case 2: "NS"
        case 3: "MD"
        case 4: "MF"
        case 5: "CNAME"
        case 6: "SOA"
        case 7: "MB"
        case 8: "MG"
        case 9: "MR"
        case 10: "NULL"
        case 11: "WKS"
        case 12: "PTR"
        case 13: "HINFO"
        case 14: "MINFO"
        case 15: "MX"
        case 16: "TXT"
        case 17: "RP"
        case 18: "AFSDB"
        case 19: "X25"
        case 20: "ISDN"
        case 21: "RT"
        case 22: "NSAP"
        case 23: "NSAP-PTR"
        case 24: "SIG"
        case 25: "KEY"
        case 26: "PX"
        case 27: "GPOS"
        case 28: "AAAA"
        case 29: "LOC"
        case 30: "NXT"
        case 31: "EID"
        case 32: "NIMLOC"
        case 33: "SRV"
        case 34: "ATMA"
        case 35: "NAPTR"
        case 36: "KX"
        case 37: "CERT"
        case 38: "A6"
        case 39: "DNAME"
        case 40: "SINK"
        case 41: "OPT"
        case 42: "APL"
        case 43: "DS"
        case 44: "SSHFP"
        case 45: "IPSECKEY"
        case 46: "RRSIG"
        case 47: "NSEC"
        case 48: "DNSKEY"
        case 49: "DHCID"
        case 50: "NSEC3"
        case 51: "NSEC3PARAM"
        case 52: "TLSA"
        case 55: "HIP"
        case 57: "RKEY"
        case 58: "TALINK"
        case 59: "CDS"
        case 60: "CDNSKEY"
        case 61: "OPENPGPKEY"
        case 62: "CSYNC"
        case 63: "ZONEMD"
        case 64: "SVCB"
        case 65: "HTTPS"
        case 99: "SPF"
        case 100: "UINFO"
        case 101: "UID"
        case 102: "GID"
        case 103: "UNSPEC"
        case 104: "NID"
        case 105: "L32"
        case 106: "L64"
        case 107: "LP"
        case 108: "EUI48"
        case 109: "EUI64"
        case 249: "TKEY"
        case 250: "TSIG"
        case 251: "IXFR"
        case 252: "AXFR"
        case 253: "MAILB"
        case 254: "MAILA"
        case 255: "ANY"
        case 256: "URI"
        case 257: "CAA"
        case 32768: "TA"
        case 32769: "DLV"
        case 65281: "WINS"
        case 65282: "WINS-R"
        case 65422: "XPF"
        default: nil
        }
    }

    /// The reply code's name as packet-dns.c's `rcode_vals` gives it (RFC 1035, 2136, 6895),
    /// or nil for the codes it does not name ("Unknown error").
    public static func responseCodeName(_ code: UInt8) -> String? {
        switch code {
        case 0: "No error"
        case 1: "Format error"
        case 2: "Server failure"
        case 3: "No such name"
        case 4: "Not implemented"
        case 5: "Refused"
        case 6: "Name exists"
        case 7: "RRset exists"
        case 8: "RRset does not exist"
        case 9: "Not authoritative"
        case 10: "Name out of zone"
        case 11: "DSO-Type Not Implemented"
        default: nil
        }
    }

    /// The class name Wireshark prints (`IN`, `CH`, ...), ignoring the mDNS top bit.
    public static func className(_ rrClass: UInt16) -> String? {
        switch rrClass & 0x7FFF {
        case 1: "IN"
        case 2: "CS"
        case 3: "CH"
        case 4: "HS"
        case 0xFE: "NONE"
        case 0xFF: "ANY"
        default: nil
        }
    }
}

/// RR type numbers the typed accessors use.
public enum DNSType {
    public static let a: UInt16 = 1
    public static let ns: UInt16 = 2
    public static let cname: UInt16 = 5
    public static let soa: UInt16 = 6
    public static let mb: UInt16 = 7
    public static let mg: UInt16 = 8
    public static let mr: UInt16 = 9
    public static let ptr: UInt16 = 12
    public static let mx: UInt16 = 15
    public static let txt: UInt16 = 16
    public static let aaaa: UInt16 = 28
    public static let srv: UInt16 = 33
    public static let dname: UInt16 = 39
    public static let opt: UInt16 = 41
    public static let nsec: UInt16 = 47
    public static let spf: UInt16 = 99
}
