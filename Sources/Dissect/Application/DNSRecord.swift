/// One entry of the question section.
public struct DNSQuestion: Sendable {
    public var name: DNSName
    public var type: UInt16
    /// The class as written (mDNS puts the unicast-response bit on top).
    public var questionClass: UInt16
    /// The bytes the question occupies in the frame.
    public var range: Range<Int>
}

public enum DNSSection: Sendable, Equatable { case answer, authority, additional }

/// One resource record (RFC 1035 §4.1.3), with typed readers for its data.
public struct DNSRecord: Sendable {
    public var section: DNSSection
    public var name: DNSName
    public var type: UInt16
    /// The class as written (mDNS puts the cache-flush bit on top; OPT puts the UDP size here).
    public var recordClass: UInt16
    public var ttl: UInt32
    /// The record data in the frame.
    public var rdata: Range<Int>
    /// The bytes the record occupies in the frame.
    public var range: Range<Int>
    /// The message the record belongs to, for names that point elsewhere in it.
    public var message: DNS

    /// The address of an A record.
    public func ipv4Address(_ bytes: ByteView) -> IPv4Address? {
        guard type == DNSType.a, rdata.count == 4 else { return nil }
        return IPv4Address(bytes, at: rdata.lowerBound)
    }

    /// The address of an AAAA record.
    public func ipv6Address(_ bytes: ByteView) -> IPv6Address? {
        guard type == DNSType.aaaa, rdata.count == 16 else { return nil }
        return IPv6Address(bytes, at: rdata.lowerBound)
    }

    /// The name a CNAME, NS, PTR, DNAME (or MB/MG/MR) record holds.
    public func domainName(_ bytes: ByteView) -> DNSName? {
        switch type {
        case DNSType.cname, DNSType.ns, DNSType.ptr, DNSType.dname, DNSType.mb, DNSType.mg, DNSType.mr:
            return DNSName.read(bytes, at: rdata.lowerBound, message: message, limit: rdata.upperBound)
        default:
            return nil
        }
    }

    /// An MX record's preference and mail exchange.
    public func mx(_ bytes: ByteView) -> (preference: UInt16, exchange: DNSName)? {
        guard type == DNSType.mx, rdata.count >= 3 else { return nil }
        let exchange = DNSName.read(bytes, at: rdata.lowerBound + 2, message: message, limit: rdata.upperBound)
        return (bytes.u16be(rdata.lowerBound), exchange)
    }

    /// An SRV record (RFC 2782): priority, weight, port and target.
    public func srv(_ bytes: ByteView) -> (priority: UInt16, weight: UInt16, port: UInt16, target: DNSName)? {
        guard type == DNSType.srv, rdata.count >= 7 else { return nil }
        let target = DNSName.read(bytes, at: rdata.lowerBound + 6, message: message, limit: rdata.upperBound)
        return (bytes.u16be(rdata.lowerBound), bytes.u16be(rdata.lowerBound + 2), bytes.u16be(rdata.lowerBound + 4), target)
    }

    /// An NSEC record's next domain name (RFC 4034 section 4.1.1); the type bitmaps follow it.
    public func nsecNextName(_ bytes: ByteView) -> DNSName? {
        guard type == DNSType.nsec, !rdata.isEmpty else { return nil }
        return DNSName.read(bytes, at: rdata.lowerBound, message: message, limit: rdata.upperBound)
    }

    /// The character strings of a TXT (or SPF) record.
    public func txtStrings(_ bytes: ByteView) -> DNSCharacterStrings? {
        guard type == DNSType.txt || type == DNSType.spf else { return nil }
        return DNSCharacterStrings(bytes, rdata)
    }

    /// An SOA record's fields; nil when the data is too short for them.
    public func soa(_ bytes: ByteView) -> DNSSOA? {
        guard type == DNSType.soa else { return nil }
        let mname = DNSName.read(bytes, at: rdata.lowerBound, message: message, limit: rdata.upperBound)
        guard let afterM = mname.nextOffset else { return nil }
        let rname = DNSName.read(bytes, at: afterM, message: message, limit: rdata.upperBound)
        guard let p = rname.nextOffset, rdata.upperBound - p >= 20 else { return nil }
        return DNSSOA(mname: mname, rname: rname,
                      serial: bytes.u32be(p), refresh: bytes.u32be(p + 4), retry: bytes.u32be(p + 8),
                      expire: bytes.u32be(p + 12), minimum: bytes.u32be(p + 16))
    }
}

public struct DNSSOA: Sendable {
    public var mname: DNSName
    public var rname: DNSName
    public var serial: UInt32
    public var refresh: UInt32
    public var retry: UInt32
    public var expire: UInt32
    public var minimum: UInt32
}

/// The `<character-string>`s of TXT data: each yielded range excludes the length byte.
/// A string running past the data ends the walk with `issue` set.
public struct DNSCharacterStrings: Sequence, IteratorProtocol, Sendable {
    private let bytes: ByteView
    private var position: Int
    private let end: Int
    public private(set) var issue: DecodeIssue?

    init(_ bytes: ByteView, _ range: Range<Int>) {
        self.bytes = bytes
        position = range.lowerBound
        end = Swift.min(range.upperBound, bytes.count)
    }

    public mutating func next() -> Range<Int>? {
        guard position < end else { return nil }
        let length = Int(bytes[position])
        guard length < end - position else {
            issue = .malformed(.dns, .lengthFieldTooSmall(end - position))
            position = end
            return nil
        }
        let start = position + 1
        position = start + length
        return start..<position
    }
}

/// Walks the question section. Stops at the question count or, with `issue` set, where
/// the bytes run out (the count may lie). A name that cannot be followed is reported on
/// the question (and in `issue`) but does not stop the walk when its own bytes are there.
public struct DNSQuestionIterator: Sequence, IteratorProtocol, Sendable {
    private let bytes: ByteView
    private let message: DNS
    private var remaining: Int
    /// Where the next question (or, once done, the answer section) starts.
    public private(set) var position: Int
    public private(set) var issue: DecodeIssue?
    /// True once the walk stopped early.
    public private(set) var stopped = false

    init(_ bytes: ByteView, message: DNS) {
        self.bytes = bytes
        self.message = message
        remaining = Int(message.questionCount)
        position = message.offset + DNS.Field.questions
    }

    public mutating func next() -> DNSQuestion? {
        guard remaining > 0, !stopped else { return nil }
        let end = Swift.min(message.end, bytes.count)
        let name = DNSName.read(bytes, at: position, message: message)
        if issue == nil { issue = name.issue }
        guard let after = name.nextOffset else { return stop(at: position + 1) }
        guard end - after >= 4 else { return stop(at: after + 4) }
        remaining -= 1
        let start = position
        position = after + 4
        return DNSQuestion(name: name, type: bytes.u16be(after), questionClass: bytes.u16be(after + 2),
                           range: start..<position)
    }

    private mutating func stop(at needed: Int) -> DNSQuestion? {
        if issue == nil { issue = message.truncation(neededThrough: needed) }
        stopped = true
        return nil
    }
}

/// Walks the answer, authority and additional sections (skipping the questions first).
/// Stops at the counts or, with `issue` set, where the bytes run out.
public struct DNSRecordIterator: Sequence, IteratorProtocol, Sendable {
    private let bytes: ByteView
    private let message: DNS
    private var index = 0
    private let total: Int
    private var position: Int?
    private var stopped = false
    public private(set) var issue: DecodeIssue?
    /// The section of the record the walk reads next, or stopped in (nil past the last).
    public var sectionOfNext: DNSSection? {
        let answers = Int(message.answerCount), authority = Int(message.authorityCount)
        if index < answers { return .answer }
        if index < answers + authority { return .authority }
        return index < total ? .additional : nil
    }
    /// True once the walk stopped where the bytes ran out, before the counts were read.
    public var stoppedEarly: Bool { stopped && index < total }

    /// Once the walk stopped early: the type of the record it stopped in, when the bytes
    /// held that record's name and fixed fields but not all of its data.
    public private(set) var cutRecordType: UInt16?

    init(_ bytes: ByteView, message: DNS) {
        self.bytes = bytes
        self.message = message
        total = Int(message.answerCount) + Int(message.authorityCount) + Int(message.additionalCount)
    }

    public mutating func next() -> DNSRecord? {
        guard !stopped, index < total else { return nil }
        let start: Int
        if let p = position {
            start = p
        } else {
            var questions = DNSQuestionIterator(bytes, message: message)
            while questions.next() != nil {}
            issue = questions.issue
            if questions.stopped {
                stopped = true
                return nil
            }
            start = questions.position
        }
        let end = Swift.min(message.end, bytes.count)
        let name = DNSName.read(bytes, at: start, message: message)
        if issue == nil { issue = name.issue }
        guard let after = name.nextOffset else { return stop(at: start + 1) }
        guard end - after >= 10 else { return stop(at: after + 10) }
        let length = Int(bytes.u16be(after + 8))
        let dataStart = after + 10
        guard end - dataStart >= length else {
            // tshark names the type once the fixed fields are read, before the data.
            cutRecordType = bytes.u16be(after)
            return stop(at: dataStart + length)
        }
        let section: DNSSection
        if index < Int(message.answerCount) {
            section = .answer
        } else if index < Int(message.answerCount) + Int(message.authorityCount) {
            section = .authority
        } else {
            section = .additional
        }
        index += 1
        position = dataStart + length
        return DNSRecord(section: section, name: name, type: bytes.u16be(after),
                         recordClass: bytes.u16be(after + 2), ttl: bytes.u32be(after + 4),
                         rdata: dataStart..<(dataStart + length), range: start..<(dataStart + length),
                         message: message)
    }

    private mutating func stop(at needed: Int) -> DNSRecord? {
        if issue == nil { issue = message.truncation(neededThrough: needed) }
        stopped = true
        return nil
    }
}
