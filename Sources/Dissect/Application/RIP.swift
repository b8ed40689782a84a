/// A RIP message (RFC 1058 version 1, RFC 2453 version 2) on UDP 520: command, version,
/// then 20-byte route entries; a version 2 message may start with an authentication
/// entry (family 0xFFFF, RFC 2453 section 4.1 and RFC 2082's keyed MD5).
public struct RIPMessage: Sendable {
    public static let port: UInt16 = 520
    public static let headerLength = 4
    public static let entryLength = 20

    public var offset: Int
    /// The end of the captured message.
    public var end: Int
    public var command: UInt8
    public var version: UInt8

    public static func decode(_ bytes: ByteView, at offset: Int, end: Int) -> Decoded<RIPMessage> {
        let end = Swift.min(end, bytes.count)
        guard offset >= 0, end - offset >= headerLength else {
            return .failed(.truncated(.rip, needed: headerLength, available: Swift.max(end - offset, 0)))
        }
        let message = RIPMessage(offset: offset, end: end, command: bytes[offset], version: bytes[offset + 1])
        let entries = end - offset - headerLength
        // The dissector reads each entry's metric first: a cut-short entry adds nothing.
        if entries % entryLength != 0 {
            let needed = headerLength + (entries / entryLength + 1) * entryLength
            return Decoded(message, issue: .truncated(.rip, needed: needed, available: end - offset))
        }
        return Decoded(message)
    }

    /// The whole entries, in order. A keyed-MD5 authentication entry's trailer (its
    /// declared length of bytes at the end) is not an entry.
    public func entries(_ bytes: ByteView) -> some Sequence<Range<Int>> {
        var stop = end
        let first = offset + Self.headerLength
        if first + Self.entryLength <= end, bytes.u16be(first) == 0xFFFF, bytes.u16be(first + 2) == 3 {
            stop = Swift.max(first, end - Int(bytes[first + 7]))
        }
        return stride(from: first, to: stop, by: Self.entryLength).lazy
            .filter { $0 + Self.entryLength <= stop }
            .map { $0..<$0 + Self.entryLength }
    }
}
