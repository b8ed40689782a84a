/// A TCP header (RFC 9293) with its options, read in place.
public struct TCP: Sendable {
    public var offset: Int
    public var sourcePort: UInt16
    public var destinationPort: UInt16
    /// Raw (absolute) sequence and acknowledgment numbers; the follower makes them relative.
    public var sequenceNumber: UInt32
    public var acknowledgmentNumber: UInt32
    public var headerLength: Int
    /// The 12 flag bits (reserved, AE/NS, CWR, ECE, URG, ACK, PSH, RST, SYN, FIN), as `tcp.flags`.
    public var flags: TCPFlags
    public var window: UInt16
    public var checksum: UInt16
    public var urgentPointer: UInt16
    /// The options that were decoded (the options area may be cut short).
    public var options: TCPOptions
    /// The segment's payload in the frame (captured part only).
    public var payload: Range<Int>
    /// The payload length the IP header implies (`tcp.len`), which may exceed the captured part.
    public var segmentLength: Int

    /// The fixed header's length.
    public static let minimumHeaderLength = 20


    /// Field offsets from the start of the header.
    private enum Field {
        static let sourcePort = 0
        static let destinationPort = 2
        static let sequenceNumber = 4
        static let acknowledgmentNumber = 8
        static let dataOffsetAndFlags = 12
        static let window = 14
        static let checksum = 16
        static let urgentPointer = 18
        static let options = 20
    }

    /// The options area as declared by the data offset (may extend past the captured bytes).
    public var optionsRange: Range<Int> {
        (offset + Field.options)..<(offset + Swift.max(headerLength, Field.options))
    }

    /// Iterates the options in `bytes` (the same frame this header was decoded from),
    /// stopping at the captured end `end`.
    public func optionIterator(_ bytes: ByteView, end: Int) -> TCPOptionIterator {
        TCPOptionIterator(bytes, options: optionsRange, end: end)
    }

    /// Decodes the header at `offset`. `ipPayloadLength` is the segment length the IP
    /// header implies (header plus data); it only feeds `segmentLength`.
    /// - Parameter options: false to leave ``options`` empty (and unchecked), for a caller
    ///   that needs only the fixed header and the lengths.
    public static func decode(_ bytes: ByteView, at offset: Int, end: Int, ipPayloadLength: Int,
                              options: Bool = true) -> Decoded<TCP> {
        let end = Swift.min(end, bytes.count)
        let available = Swift.max(end - offset, 0)
        guard offset >= 0, available >= minimumHeaderLength else {
            return .failed(.truncated(.tcp, needed: minimumHeaderLength, available: available))
        }
        let word = bytes.u16be(offset + Field.dataOffsetAndFlags)
        let headerLength = Int(word >> 12) * 4
        var tcp = TCP(
            offset: offset,
            sourcePort: bytes.u16be(offset + Field.sourcePort),
            destinationPort: bytes.u16be(offset + Field.destinationPort),
            sequenceNumber: bytes.u32be(offset + Field.sequenceNumber),
            acknowledgmentNumber: bytes.u32be(offset + Field.acknowledgmentNumber),
            headerLength: headerLength,
            flags: TCPFlags(rawValue: word & 0x0FFF),
            window: bytes.u16be(offset + Field.window),
            checksum: bytes.u16be(offset + Field.checksum),
            urgentPointer: bytes.u16be(offset + Field.urgentPointer),
            options: TCPOptions(),
            payload: (offset + minimumHeaderLength)..<(offset + minimumHeaderLength),
            segmentLength: 0
        )
        guard headerLength >= minimumHeaderLength else {
            // Wireshark still shows ports, sequence numbers and flags; the rest is unusable.
            return Decoded(tcp, issue: .malformed(.tcp, .headerLengthTooSmall(headerLength)))
        }
        tcp.segmentLength = Swift.max(ipPayloadLength - headerLength, 0)

        var issue: DecodeIssue?
        if options {
            var iterator = TCPOptionIterator(bytes, options: tcp.optionsRange, end: end)
            while let option = iterator.next() {
                tcp.options.record(option, in: bytes, issue: &issue)
            }
            if issue == nil, let bad = iterator.issue { issue = bad }
        }

        if headerLength > available {
            tcp.payload = end..<end
            // Being cut short outranks an option complaint about the part that was there.
            return Decoded(tcp, issue: .truncated(.tcp, needed: headerLength, available: available))
        }
        tcp.payload = (offset + headerLength)..<end
        return Decoded(tcp, issue: issue)
    }
}

public struct TCPFlags: OptionSet, Sendable, Hashable {
    public var rawValue: UInt16
    @inlinable public init(rawValue: UInt16) { self.rawValue = rawValue & 0x0FFF }
    // Computed rather than `static let`: a stored global is read through a lazy-init
    // accessor on every use, in the hottest code there is.
    @inlinable public static var fin: TCPFlags { TCPFlags(rawValue: 0x001) }
    @inlinable public static var syn: TCPFlags { TCPFlags(rawValue: 0x002) }
    @inlinable public static var rst: TCPFlags { TCPFlags(rawValue: 0x004) }
    @inlinable public static var psh: TCPFlags { TCPFlags(rawValue: 0x008) }
    @inlinable public static var ack: TCPFlags { TCPFlags(rawValue: 0x010) }
    @inlinable public static var urg: TCPFlags { TCPFlags(rawValue: 0x020) }
    @inlinable public static var ece: TCPFlags { TCPFlags(rawValue: 0x040) }
    @inlinable public static var cwr: TCPFlags { TCPFlags(rawValue: 0x080) }
    @inlinable public static var ae: TCPFlags { TCPFlags(rawValue: 0x100) }
    /// The three reserved bits (`tcp.flags.res`).
    @inlinable public static var reserved: TCPFlags { TCPFlags(rawValue: 0xE00) }
}

/// TCP option kinds (IANA "TCP Option Kind Numbers").
public enum TCPOptionKind {
    public static let endOfList: UInt8 = 0
    public static let noOperation: UInt8 = 1
    public static let maximumSegmentSize: UInt8 = 2
    public static let windowScale: UInt8 = 3
    public static let sackPermitted: UInt8 = 4
    public static let sack: UInt8 = 5
    public static let timestamps: UInt8 = 8
    public static let md5: UInt8 = 19
    public static let userTimeout: UInt8 = 28
    public static let tcpAO: UInt8 = 29
    public static let mptcp: UInt8 = 30
    public static let fastOpen: UInt8 = 34
    public static let experimental1: UInt8 = 253
    public static let experimental2: UInt8 = 254
}

/// The TCP options tcpwatch interprets, stored inline.
public struct TCPOptions: Sendable, Equatable {
    public var mss: UInt16?
    public var windowScale: UInt8?
    public var sackPermitted = false
    public var timestampValue: UInt32?
    public var timestampEcho: UInt32?
    /// SACK blocks (left, right edges), at most four fit in the options area.
    public var sackBlocks = SACKBlocks()
    /// A Multipath TCP option (RFC 8684) is present: tshark then names the segment MPTCP.
    public var multipath = false
    public init() {}

    /// Interprets one option the iterator found. A known option with the wrong length is
    /// skipped and reported (the first complaint wins).
    mutating func record(_ option: (kind: UInt8, range: Range<Int>), in bytes: ByteView, issue: inout DecodeIssue?) {
        let start = option.range.lowerBound
        let length = option.range.count
        var valid = true
        switch option.kind {
        case TCPOptionKind.maximumSegmentSize:
            valid = length == 4
            if valid { mss = bytes.u16be(start + 2) }
        case TCPOptionKind.windowScale:
            valid = length == 3
            if valid { windowScale = bytes[start + 2] }
        case TCPOptionKind.sackPermitted:
            valid = length == 2
            if valid { sackPermitted = true }
        case TCPOptionKind.sack:
            valid = length >= 10 && (length - 2) % 8 == 0
            if valid {
                var p = start + 2
                while p + 8 <= option.range.upperBound {
                    sackBlocks.append(left: bytes.u32be(p), right: bytes.u32be(p + 4))
                    p += 8
                }
            }
        case TCPOptionKind.mptcp:
            multipath = true
        case TCPOptionKind.timestamps:
            valid = length == 10
            if valid {
                timestampValue = bytes.u32be(start + 2)
                timestampEcho = bytes.u32be(start + 6)
            }
        default:
            break
        }
        if !valid && issue == nil { issue = .malformed(.tcp, .optionLength(length)) }
    }
}

/// Walks a TCP options area without allocating, yielding each option's kind and the
/// bytes it occupies (kind byte included). EOL is yielded and ends the walk; the padding
/// after it is not an option.
///
/// Stops early, with `issue` set, at an option whose length byte is below 2 or that runs
/// past the declared header; stops quietly at the captured end (`end`), which the header
/// decoder reports as truncation.
public struct TCPOptionIterator: IteratorProtocol {
    private let bytes: ByteView
    private var position: Int
    private let headerEnd: Int
    private let capturedEnd: Int
    /// Why the walk stopped early, if it did.
    public private(set) var issue: DecodeIssue?

    /// `options` is the declared options area; `end` the end of the captured bytes.
    public init(_ bytes: ByteView, options: Range<Int>, end: Int) {
        self.bytes = bytes
        position = Swift.max(options.lowerBound, 0)
        headerEnd = options.upperBound
        capturedEnd = Swift.min(end, bytes.count)
    }

    public mutating func next() -> (kind: UInt8, range: Range<Int>)? {
        let limit = Swift.min(headerEnd, capturedEnd)
        guard position < limit else { return nil }
        let start = position
        let kind = bytes[start]
        if kind == TCPOptionKind.endOfList || kind == TCPOptionKind.noOperation {
            position = kind == TCPOptionKind.endOfList ? headerEnd : start + 1
            return (kind, start..<(start + 1))
        }
        guard start + 1 < limit else {
            // The length byte is missing: past the header is malformed, past the capture is truncation.
            if start + 1 >= headerEnd { issue = .malformed(.tcp, .optionLength(0)) }
            position = headerEnd
            return nil
        }
        let length = Int(bytes[start + 1])
        guard length >= 2, length <= headerEnd - start else {
            issue = .malformed(.tcp, .optionLength(length))
            position = headerEnd
            return nil
        }
        guard length <= capturedEnd - start else {
            position = headerEnd
            return nil
        }
        position = start + length
        return (kind, start..<(start + length))
    }
}

public struct SACKBlocks: Sendable, Equatable {
    public private(set) var count = 0
    private var storage: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    public init() {}

    /// The right edge furthest ahead (in sequence space), nil without blocks.
    public var highestRightEdge: UInt32? {
        guard count > 0 else { return nil }
        var best = self[0].right
        for i in 1..<count where Int32(bitPattern: self[i].right &- best) > 0 { best = self[i].right }
        return best
    }

    /// The bytes the blocks cover, as Wireshark 4.0 sums them for bytes in flight: only
    /// the first three blocks (it stores a block only while fewer than four are counted).
    public var sackedBytes: UInt32 {
        var total: UInt32 = 0
        for i in 0..<Swift.min(count, 3) { total &+= self[i].right &- self[i].left }
        return total
    }

    public mutating func append(left: UInt32, right: UInt32) {
        guard count < 4 else { return }
        let v = UInt64(left) << 32 | UInt64(right)
        switch count {
        case 0: storage.0 = v
        case 1: storage.1 = v
        case 2: storage.2 = v
        default: storage.3 = v
        }
        count += 1
    }

    public subscript(i: Int) -> (left: UInt32, right: UInt32) {
        precondition(i >= 0 && i < count)
        let v: UInt64
        switch i {
        case 0: v = storage.0
        case 1: v = storage.1
        case 2: v = storage.2
        default: v = storage.3
        }
        return (UInt32(truncatingIfNeeded: v >> 32), UInt32(truncatingIfNeeded: v))
    }

    public static func == (a: SACKBlocks, b: SACKBlocks) -> Bool {
        guard a.count == b.count else { return false }
        for i in 0..<a.count where a[i] != b[i] { return false }
        return true
    }
}

extension TCP {
    /// A segment known by its header fields only (no options), as a view that kept just
    /// those has it: `payload` is `0..<capturedPayload`, not a range of any frame.
    public init(sourcePort: UInt16, destinationPort: UInt16, sequenceNumber: UInt32, acknowledgmentNumber: UInt32,
                flags: TCPFlags, window: UInt16, segmentLength: Int, capturedPayload: Int) {
        self.init(offset: 0, sourcePort: sourcePort, destinationPort: destinationPort, sequenceNumber: sequenceNumber,
                  acknowledgmentNumber: acknowledgmentNumber, headerLength: TCP.minimumHeaderLength, flags: flags,
                  window: window, checksum: 0, urgentPointer: 0, options: TCPOptions(), payload: 0..<capturedPayload,
                  segmentLength: segmentLength)
    }
}
