/// An L2TP version 2 header (RFC 2661 section 3.1) on UDP 1701: a control message with
/// its attribute-value pairs, or a data message that carries a PPP frame.
public struct L2TP: Sendable {
    public static let port: UInt16 = 1701

    public var offset: Int
    /// Type, length, sequence, offset and priority bits, and the version (low 4 bits).
    public var flags: UInt16
    public var length: UInt16?
    public var tunnelID: UInt16
    public var sessionID: UInt16
    public var ns: UInt16?
    public var nr: UInt16?
    public var offsetSize: UInt16?
    /// The AVPs of a control message, or the PPP frame of a data message.
    public var payload: Range<Int>

    public var isControl: Bool { flags & 0x8000 != 0 }
    public var hasLength: Bool { flags & 0x4000 != 0 }
    public var hasSequence: Bool { flags & 0x0800 != 0 }
    public var hasOffset: Bool { flags & 0x0200 != 0 }
    public var headerLength: Int { payload.lowerBound - offset }

    /// A version 2 header; nil for another version (tshark's L2TPv3 over UDP is not
    /// decoded here) or one cut short.
    public static func decode(_ bytes: ByteView, at offset: Int, end: Int) -> Decoded<L2TP>? {
        let end = Swift.min(end, bytes.count)
        guard offset >= 0, end - offset >= 2 else { return nil }
        let flags = bytes.u16be(offset)
        guard flags & 0x000F == 2 else { return nil }
        var l2tp = L2TP(offset: offset, flags: flags, tunnelID: 0, sessionID: 0, payload: end..<end)
        var at = offset + 2
        let needed = 4 + (l2tp.hasLength ? 2 : 0) + (l2tp.hasSequence ? 4 : 0) + (l2tp.hasOffset ? 2 : 0)
        guard end - offset >= 2 + needed else {
            return .failed(.truncated(.l2tp, needed: 2 + needed, available: end - offset))
        }
        if l2tp.hasLength { l2tp.length = bytes.u16be(at); at += 2 }
        l2tp.tunnelID = bytes.u16be(at)
        l2tp.sessionID = bytes.u16be(at + 2)
        at += 4
        if l2tp.hasSequence {
            l2tp.ns = bytes.u16be(at)
            l2tp.nr = bytes.u16be(at + 2)
            at += 4
        }
        if l2tp.hasOffset {
            let size = bytes.u16be(at)
            l2tp.offsetSize = size
            at += 2 + Int(size)
        }
        // A declared length shorter than the captured bytes ends the message there.
        var messageEnd = end
        if let length = l2tp.length, offset + Int(length) < end { messageEnd = Swift.max(offset + Int(length), at) }
        guard at <= messageEnd else {
            return .failed(.truncated(.l2tp, needed: at - offset, available: end - offset))
        }
        l2tp.payload = at..<messageEnd
        return Decoded(l2tp)
    }

    public func avps(_ bytes: ByteView) -> L2TPAVPs { L2TPAVPs(bytes, payload) }

    /// The message type a control message's first AVP names; nil for a Zero-Length Body
    /// acknowledgement or a first AVP of another type.
    public func messageType(_ bytes: ByteView) -> UInt16? {
        var avps = self.avps(bytes)
        guard let first = avps.next(), first.vendor == 0, first.type == 0, first.value.count >= 2 else { return nil }
        return bytes.u16be(first.value.lowerBound)
    }
}

/// One attribute-value pair of a control message.
public struct L2TPAVP: Sendable {
    public var offset: Int
    /// Mandatory and hidden bits, then the length (10 bits).
    public var flagsAndLength: UInt16
    public var vendor: UInt16
    public var type: UInt16
    public var value: Range<Int>
    public var isMandatory: Bool { flagsAndLength & 0x8000 != 0 }
    public var isHidden: Bool { flagsAndLength & 0x4000 != 0 }
    public var length: Int { Int(flagsAndLength & 0x03FF) }
}

/// Walks the AVPs; stops at one shorter than its 6-byte header or longer than the message.
public struct L2TPAVPs: IteratorProtocol {
    private let bytes: ByteView
    private var at: Int
    private let end: Int

    init(_ bytes: ByteView, _ range: Range<Int>) {
        self.bytes = bytes
        at = range.lowerBound
        end = Swift.min(range.upperBound, bytes.count)
    }

    public mutating func next() -> L2TPAVP? {
        guard at + 6 <= end else { return nil }
        let word = bytes.u16be(at)
        let length = Int(word & 0x03FF)
        guard length >= 6, at + length <= end else { return nil }
        defer { at += length }
        return L2TPAVP(offset: at, flagsAndLength: word, vendor: bytes.u16be(at + 2), type: bytes.u16be(at + 4),
                       value: at + 6..<at + length)
    }
}
