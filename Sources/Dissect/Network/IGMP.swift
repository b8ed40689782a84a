/// An IGMP message (RFC 988, RFC 1112, RFC 2236, RFC 3376), read in place from the
/// IP payload.
///
/// IGMP has no length field: the message is the IP payload as the IP header declares
/// it. Its version is not in the message either. Wireshark tells it from the type and,
/// for a query, from the message's length (12 bytes or more: version 3) and its second
/// byte (a maximum response time: version 2; zero: version 1); tcpwatch does the same.
public struct IGMPMessage: Sendable {
    public enum Kind: Sendable, Equatable {
        /// RFC 988's types 0–15: create, join, leave and confirm group requests and replies.
        case v0
        case v1, v2, v3Query, v3Report
        /// Types tcpwatch does not dissect (DVMRP, PIMv1, multicast traceroute, …): IGMP with data.
        case other
    }

    /// Where the message starts in the frame.
    public var offset: Int
    /// The end of the captured message (the IP payload's captured end).
    public var end: Int
    /// The message's length as the IP header declares it (Wireshark's reported length).
    public var declaredLength: Int
    public var type: UInt8
    public var kind: Kind

    /// The version Wireshark shows (`igmp.version`), or nil for a type it only names.
    public var version: Int? {
        switch kind {
        case .v0: 0
        case .v1: 1
        case .v2: 2
        case .v3Query, .v3Report: 3
        case .other: nil
        }
    }

    /// How many bytes the fixed part of the message takes: a message shorter than this
    /// (as captured) is cut short.
    public var fixedLength: Int {
        switch kind {
        case .v0: 20
        case .v1, .v2: 8
        case .v3Query: 12
        case .v3Report: 8
        case .other: 1
        }
    }

    /// Reads the type and works out the kind; nil when the payload is empty.
    public static func decode(_ bytes: ByteView, at offset: Int, end: Int, declaredLength: Int) -> Decoded<IGMPMessage> {
        let end = Swift.min(end, bytes.count)
        guard offset >= 0, offset < end else { return Decoded(nil) }
        let type = bytes[offset]
        let kind: Kind
        switch type {
        case 0...15: kind = .v0
        case 0x11:
            if declaredLength >= 12 {
                kind = .v3Query
            } else if offset + 1 < end {
                kind = bytes[offset + 1] != 0 ? .v2 : .v1
            } else {
                kind = .v1
            }
        case 0x12: kind = .v1
        case 0x16, 0x17: kind = .v2
        case 0x22: kind = .v3Report
        default: kind = .other
        }
        let message = IGMPMessage(offset: offset, end: end, declaredLength: declaredLength, type: type, kind: kind)
        let available = end - offset
        if available < message.fixedLength {
            return Decoded(message, issue: .truncated(.igmp, needed: message.fixedLength, available: available))
        }
        return Decoded(message)
    }

    // MARK: Fields, each read only when captured

    public func byte(_ bytes: ByteView, _ at: Int) -> UInt8? {
        offset + at < end ? bytes[offset + at] : nil
    }

    public func u16(_ bytes: ByteView, _ at: Int) -> UInt16? {
        offset + at + 2 <= end ? bytes.u16be(offset + at) : nil
    }

    public func address(_ bytes: ByteView, _ at: Int) -> IPv4Address? {
        offset + at + 4 <= end ? IPv4Address(rawValue: bytes.u32be(offset + at)) : nil
    }

    /// The group address of a version 1, 2 or 3 query, report or leave.
    public func group(_ bytes: ByteView) -> IPv4Address? {
        address(bytes, kind == .v0 ? 8 : 4)
    }

    /// The number of sources of a version 3 query (bytes 10–11).
    public func querySourceCount(_ bytes: ByteView) -> Int? {
        kind == .v3Query ? u16(bytes, 10).map(Int.init) : nil
    }

    /// The number of group records of a version 3 report (bytes 6–7).
    public func recordCount(_ bytes: ByteView) -> Int? {
        kind == .v3Report ? u16(bytes, 6).map(Int.init) : nil
    }

    /// The group records of a version 3 report, as far as they were captured.
    public func groupRecords(_ bytes: ByteView) -> IGMPGroupRecords {
        IGMPGroupRecords(bytes: bytes, position: offset + 8, end: end, remaining: recordCount(bytes) ?? 0)
    }

    /// The maximum response time in tenths of a second: version 3 codes of 128 and more
    /// are a floating-point value (RFC 3376 section 4.1.1).
    public static func maxResponseTenths(code: UInt8, v3: Bool) -> UInt32 {
        guard v3, code & 0x80 != 0 else { return UInt32(code) }
        return (UInt32(code & 0x0F) | 0x10) << (UInt32((code & 0x70) >> 4) + 3)
    }
}

/// One group record of an IGMPv3 report (RFC 3376 section 4.2.4).
public struct IGMPGroupRecord: Sendable {
    public var offset: Int
    public var recordType: UInt8
    /// Auxiliary data length in 32-bit words.
    public var auxWords: Int
    public var sourceCount: Int
    public var group: IPv4Address
    /// The source addresses' start, and the end of the record as it declares itself.
    public var sources: Int { offset + 8 }
    public var length: Int { 8 + sourceCount * 4 + auxWords * 4 }
}

/// Walks the group records of an IGMPv3 report. A record whose fixed part is not all
/// captured ends the walk (``isCut`` then says so); a count larger than what follows
/// cannot make it read past `end`.
public struct IGMPGroupRecords: Sequence, IteratorProtocol, Sendable {
    let bytes: ByteView
    var position: Int
    let end: Int
    var remaining: Int
    public private(set) var isCut = false

    public mutating func next() -> IGMPGroupRecord? {
        guard remaining > 0 else { return nil }
        guard position + 8 <= end else {
            isCut = true
            return nil
        }
        remaining -= 1
        let record = IGMPGroupRecord(offset: position, recordType: bytes[position], auxWords: Int(bytes[position + 1]),
                                     sourceCount: Int(bytes.u16be(position + 2)),
                                     group: IPv4Address(rawValue: bytes.u32be(position + 4)))
        position += record.length
        return record
    }
}
