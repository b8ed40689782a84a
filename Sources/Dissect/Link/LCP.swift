/// A PPP Link Control Protocol packet (RFC 1661 section 5): code, identifier, length,
/// then configuration options (codes 1-4) or a magic number (echo, discard).
public struct LCPPacket: Sendable {
    public static let pppProtocol: UInt16 = 0xC021

    public var offset: Int
    public var code: UInt8
    public var identifier: UInt8
    public var length: UInt16
    /// After the 4-byte header, up to the declared length within the captured bytes.
    public var data: Range<Int>

    public static let headerLength = 4

    public var carriesOptions: Bool { (1...4).contains(code) }
    public var carriesMagicNumber: Bool { (9...11).contains(code) }

    public static func decode(_ bytes: ByteView, at offset: Int, end: Int) -> Decoded<LCPPacket> {
        let end = Swift.min(end, bytes.count)
        guard offset >= 0, end - offset >= headerLength else {
            return .failed(.truncated(.lcp, needed: headerLength, available: Swift.max(end - offset, 0)))
        }
        let length = bytes.u16be(offset + 2)
        let declaredEnd = offset + Swift.max(Int(length), headerLength)
        let packet = LCPPacket(offset: offset, code: bytes[offset], identifier: bytes[offset + 1], length: length,
                               data: offset + headerLength..<Swift.min(end, declaredEnd))
        if declaredEnd > end {
            return Decoded(packet, issue: .truncated(.lcp, needed: Int(length), available: end - offset))
        }
        return Decoded(packet)
    }

    public func options(_ bytes: ByteView) -> LCPOptions { LCPOptions(bytes, data) }
}

/// One configuration option: type, length (of the whole option) and its value.
public struct LCPOption: Sendable {
    public var offset: Int
    public var type: UInt8
    public var length: Int
    public var value: Range<Int>
}

/// Walks the options; stops at a length under 2 or past the packet.
public struct LCPOptions: IteratorProtocol {
    private let bytes: ByteView
    private var at: Int
    private let end: Int

    init(_ bytes: ByteView, _ range: Range<Int>) {
        self.bytes = bytes
        at = range.lowerBound
        end = Swift.min(range.upperBound, bytes.count)
    }

    public mutating func next() -> LCPOption? {
        guard at + 2 <= end else { return nil }
        let length = Int(bytes[at + 1])
        guard length >= 2, at + length <= end else { return nil }
        defer { at += length }
        return LCPOption(offset: at, type: bytes[at], length: length, value: at + 2..<at + length)
    }
}
