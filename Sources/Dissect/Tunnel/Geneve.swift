/// A Geneve header (RFC 8926, UDP port 6081): version, options length, O and C flags,
/// the protocol of the payload as an EtherType, the VNI, then the options.
public struct Geneve: Sendable {
    public var offset: Int
    public var version: UInt8
    /// Length of the options in bytes (the field counts 4-byte words).
    public var optionsLength: Int
    /// The flag byte: O (0x80) control packet, C (0x40) critical options present.
    public var flags: UInt8
    public var protocolType: UInt16
    public var vni: UInt32
    public var reserved: UInt8
    public var options: Range<Int>
    public var payload: Range<Int>

    public static let fixedLength = 8
    public static let port: UInt16 = 6081

    public static func decode(_ bytes: ByteView, at offset: Int, end: Int) -> Decoded<Geneve> {
        let end = Swift.min(end, bytes.count)
        let available = Swift.max(0, end - offset)
        guard offset >= 0, available >= fixedLength else {
            return .failed(.truncated(.geneve, needed: fixedLength, available: available))
        }
        let first = bytes[offset]
        let optionsLength = Int(first & 0x3f) * 4
        let headerLength = fixedLength + optionsLength
        guard available >= headerLength else {
            return .failed(.truncated(.geneve, needed: headerLength, available: available))
        }
        let word = bytes.u32be(offset + 4)
        let optionsStart = offset + fixedLength
        return Decoded(Geneve(offset: offset, version: first >> 6, optionsLength: optionsLength, flags: bytes[offset + 1],
                              protocolType: bytes.u16be(offset + 2), vni: word >> 8, reserved: UInt8(truncatingIfNeeded: word),
                              options: optionsStart..<(optionsStart + optionsLength),
                              payload: (offset + headerLength)..<end))
    }

    /// One option's TLV: class (2 bytes), type (the high bit says critical), three
    /// reserved flag bits and a length in 4-byte words that does not count the 4-byte head.
    public struct Option: Sendable, Equatable {
        public var offset: Int
        public var optionClass: UInt16
        public var type: UInt8
        /// The three bits above the length (`geneve.option.flags`), shifted down.
        public var flags: UInt8
        /// The whole option's length in bytes, its 4-byte head included.
        public var length: Int
        public var data: Range<Int> { offset + 4..<offset + length }
        public var isCritical: Bool { type & 0x80 != 0 }
        /// Class and type as one number, as Wireshark keys the options it knows (`0x013201`).
        public var classAndType: UInt32 { UInt32(optionClass) << 8 | UInt32(type) }
    }

    /// The options in order. The walk stops at an option whose length runs past the
    /// options area: that one comes back as `overrun` (Wireshark's "past end of options").
    public func walkOptions(_ bytes: ByteView) -> (options: [Option], overrun: Option?) {
        var found: [Option] = []
        var at = options.lowerBound
        while at + 4 <= options.upperBound {
            let lengthByte = bytes[at + 3]
            let option = Option(offset: at, optionClass: bytes.u16be(at), type: bytes[at + 2], flags: lengthByte >> 5,
                                length: 4 + Int(lengthByte & 0x1f) * 4)
            if at + option.length > options.upperBound { return (found, option) }
            found.append(option)
            at += option.length
        }
        return (found, nil)
    }
}
