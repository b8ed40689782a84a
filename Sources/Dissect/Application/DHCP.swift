/// A BOOTP/DHCP message (RFC 951, RFC 2131), read in place from the UDP payload: the
/// fixed 236-byte header, the magic cookie, and the options that follow it.
public struct DHCPMessage: Sendable {
    public var offset: Int
    /// The end of the captured message.
    public var end: Int
    public var op: UInt8
    public var hardwareType: UInt8
    public var hardwareLength: UInt8
    public var hops: UInt8
    public var transactionID: UInt32
    public var seconds: UInt16
    public var flags: UInt16
    public var clientIP: IPv4Address
    public var yourIP: IPv4Address
    public var serverIP: IPv4Address
    public var relayIP: IPv4Address
    /// True when the DHCP magic cookie (99.130.83.99) follows the header.
    public var hasCookie: Bool
    /// Option 53's value, when the message has one: what makes it DHCP rather than BOOTP.
    public var messageType: UInt8?

    public static let fixedLength = 236
    public static let cookie: UInt32 = 0x6382_5363

    public var chaddr: Int { offset + 28 }
    public var serverName: Range<Int> { offset + 44..<offset + 108 }
    public var fileName: Range<Int> { offset + 108..<offset + 236 }
    public var optionsStart: Int { offset + 240 }

    /// Whether `count` bytes at `at` (from the message's start) were captured: a message the
    /// snaplen cut keeps the fields before the cut, as tshark shows them.
    public func has(_ at: Int, _ count: Int) -> Bool { offset + at + count <= end }

    /// Decodes what was captured of the header (at least the op, through the client's
    /// hardware address, 34 bytes); fields past the cut read as zero, and the issue says
    /// how much was missing.
    public static func decode(_ bytes: ByteView, at offset: Int, end: Int) -> Decoded<DHCPMessage> {
        let end = Swift.min(end, bytes.count)
        guard offset >= 0, offset < end else { return Decoded(nil) }
        let available = end - offset
        guard available >= 34 else { return .failed(.truncated(.dhcp, needed: fixedLength, available: available)) }
        func u32(_ at: Int) -> UInt32 { at + 4 <= available ? bytes.u32be(offset + at) : 0 }
        var m = DHCPMessage(
            offset: offset, end: end, op: bytes[offset], hardwareType: bytes[offset + 1],
            hardwareLength: bytes[offset + 2], hops: bytes[offset + 3], transactionID: u32(4),
            seconds: bytes.u16be(offset + 8), flags: bytes.u16be(offset + 10),
            clientIP: IPv4Address(rawValue: u32(12)), yourIP: IPv4Address(rawValue: u32(16)),
            serverIP: IPv4Address(rawValue: u32(20)), relayIP: IPv4Address(rawValue: u32(24)),
            hasCookie: available >= 240 && bytes.u32be(offset + 236) == cookie, messageType: nil)
        if m.hasCookie {
            for option in m.options(bytes) where option.code == 53 && option.value.count == 1 {
                m.messageType = bytes[option.value.lowerBound]
                break
            }
        }
        if available < fixedLength { return Decoded(m, issue: .truncated(.dhcp, needed: fixedLength, available: available)) }
        return Decoded(m)
    }

    /// The options after the cookie, as far as they were captured.
    public func options(_ bytes: ByteView) -> DHCPOptions {
        DHCPOptions(bytes: bytes, position: hasCookie ? optionsStart : end, end: end)
    }
}

/// One option: its code, and its value's bytes (empty for Pad and End).
public struct DHCPOption: Sendable {
    public var code: UInt8
    /// The whole option, code and length included.
    public var range: Range<Int>
    public var value: Range<Int>
}

/// Walks the options (RFC 2132 section 2): Pad is one byte, End stops the walk, every
/// other option has a length byte. An option that runs past the captured end stops it
/// too (``isCut``).
public struct DHCPOptions: Sequence, IteratorProtocol, Sendable {
    let bytes: ByteView
    var position: Int
    let end: Int
    public private(set) var isCut = false

    public mutating func next() -> DHCPOption? {
        guard position < end else { return nil }
        let start = position
        let code = bytes[start]
        if code == 0 || code == 255 {
            position = code == 255 ? end : start + 1
            return DHCPOption(code: code, range: start..<start + 1, value: start + 1..<start + 1)
        }
        guard start + 2 <= end, start + 2 + Int(bytes[start + 1]) <= end else {
            isCut = true
            position = end
            return nil
        }
        let length = Int(bytes[start + 1])
        position = start + 2 + length
        return DHCPOption(code: code, range: start..<position, value: start + 2..<position)
    }

    /// Where the walk stopped: after End, the rest of the message is padding.
    public var stoppedAt: Int { position }
}
