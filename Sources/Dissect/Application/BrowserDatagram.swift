/// A Windows browser announcement as it travels (RFC 1002 section 4.4, [MS-BRWS]): a
/// NetBIOS datagram (UDP 138) carrying an SMB Trans request to the mailslot
/// `\MAILSLOT\BROWSE`, whose data is the browser message. Offsets are into the frame.
public struct BrowserDatagram: Sendable, Equatable {
    /// The NetBIOS Datagram Service header.
    public var offset: Int
    public var messageType: UInt8
    public var flags: UInt8
    public var sourceName: Range<Int>
    public var destinationName: Range<Int>
    /// The SMB header (32 bytes), then the Trans request's words at `smb + 32`.
    public var smb: Int
    public var setupCount: Int
    /// The byte count and what follows it: the transaction name (NUL included).
    public var byteCount: Int
    public var transactionName: Range<Int>
    /// The browser message: the Trans data.
    public var data: Range<Int>
    public var end: Int

    public static let port: UInt16 = 138
    static let mailslot = Array("\\MAILSLOT\\BROWSE".utf8)

    public var words: Int { smb + 32 }
    public var byteCountOffset: Int { words + 1 + 2 * 14 + 2 * setupCount }

    public static func decode(_ bytes: ByteView, at offset: Int, end: Int) -> BrowserDatagram? {
        let end = Swift.min(end, bytes.count)
        // Direct unique, direct group and broadcast datagrams carry names and user data.
        guard offset >= 0, end - offset >= 14, (0x10...0x12).contains(bytes[offset]) else { return nil }
        guard let source = NetBIOSName.read(bytes, at: offset + 14, end: end),
              let destination = NetBIOSName.read(bytes, at: source.next, end: end) else { return nil }
        let smb = destination.next
        // An SMB1 Trans request (0x25) with its 14 parameter words and a setup.
        guard smb + 33 <= end, bytes[smb] == 0xFF, bytes[smb + 1] == 0x53, bytes[smb + 2] == 0x4D, bytes[smb + 3] == 0x42,
              bytes[smb + 4] == 0x25, bytes[smb + 9] & 0x80 == 0 else { return nil }
        let words = smb + 32
        let wordCount = Int(bytes[words])
        guard wordCount >= 14, words + 1 + 2 * wordCount + 2 <= end else { return nil }
        let setupCount = Int(bytes[words + 1 + 26])
        guard wordCount == 14 + setupCount else { return nil }
        let bccOffset = words + 1 + 2 * wordCount
        let byteCount = Int(u16le(bytes, bccOffset))
        let nameStart = bccOffset + 2
        guard nameStart + mailslot.count + 1 <= end else { return nil }
        for (i, c) in mailslot.enumerated() where bytes[nameStart + i] != c { return nil }
        guard bytes[nameStart + mailslot.count] == 0 else { return nil }
        let dataCount = Int(u16le(bytes, words + 1 + 22)), dataOffset = Int(u16le(bytes, words + 1 + 24))
        let dataStart = smb + dataOffset
        guard dataCount > 0, dataStart >= nameStart + mailslot.count + 1, dataStart + dataCount <= end else { return nil }
        return BrowserDatagram(offset: offset, messageType: bytes[offset], flags: bytes[offset + 1],
                               sourceName: offset + 14..<source.next, destinationName: source.next..<destination.next,
                               smb: smb, setupCount: setupCount, byteCount: byteCount,
                               transactionName: nameStart..<nameStart + mailslot.count + 1,
                               data: dataStart..<dataStart + dataCount, end: end)
    }

    static func u16le(_ bytes: ByteView, _ at: Int) -> UInt16 { UInt16(bytes[at]) | UInt16(bytes[at + 1]) << 8 }
}
