/// ICMP multi-part extensions (RFC 4884) after the original datagram of an ICMP error,
/// and their objects, such as RFC 5837's interface information. Read in place.
///
/// RFC 4884 puts the original datagram's length (in 32-bit words for ICMPv4, 64-bit for
/// ICMPv6) in the error's header; the extension structure starts after that many bytes,
/// which must be at least 128, and begins with version 2.
public struct ICMPExtensions: Sendable {
    /// Where the extension header starts.
    public var offset: Int
    public var version: UInt8
    /// The 12 reserved bits.
    public var reserved: UInt16
    public var checksum: UInt16
    /// The extension header and its objects.
    public var range: Range<Int>

    public static let headerLength = 4

    /// The original datagram's length from an ICMP error's header: `words` from byte 5
    /// (ICMPv4, 4-byte units) or byte 4 (ICMPv6, 8-byte units). 0 when not given.
    public static func originalDatagramLength(_ bytes: ByteView, icmpOffset: Int, v6: Bool) -> Int {
        let at = icmpOffset + (v6 ? 4 : 5)
        guard at < bytes.count else { return 0 }
        return Int(bytes[at]) * (v6 ? 8 : 4)
    }

    /// The extensions of an ICMP error whose message body is `payload`, or nil when
    /// there are none (no length given, shorter than 128 bytes, or not version 2).
    public static func decode(_ bytes: ByteView, payload: Range<Int>, originalLength: Int) -> ICMPExtensions? {
        guard originalLength >= 128 else { return nil }
        let start = payload.lowerBound + originalLength
        let end = Swift.min(payload.upperBound, bytes.count)
        guard start + headerLength <= end, bytes[start] >> 4 == 2 else { return nil }
        return ICMPExtensions(offset: start, version: bytes[start] >> 4,
                              reserved: bytes.u16be(start) & 0x0FFF, checksum: bytes.u16be(start + 2),
                              range: start..<end)
    }

    /// One object: its length (header included), class and C-Type, and its data.
    public struct Object: Sendable, Equatable {
        public var offset: Int
        public var length: Int
        public var classNumber: UInt8
        public var cType: UInt8
        public var data: Range<Int>
    }

    /// The objects in order; stops at the first object whose length is impossible.
    public struct Objects: Sequence, IteratorProtocol {
        let bytes: ByteView
        var at: Int
        let end: Int
        public mutating func next() -> Object? {
            guard at + 4 <= end else { return nil }
            let length = Int(bytes.u16be(at))
            guard length >= 4, at + length <= end else { return nil }
            let object = Object(offset: at, length: length, classNumber: bytes[at + 2], cType: bytes[at + 3],
                                data: (at + 4)..<(at + length))
            at += length
            return object
        }
    }

    public func objects(_ bytes: ByteView) -> Objects {
        Objects(bytes: bytes, at: offset + Self.headerLength, end: range.upperBound)
    }

    /// RFC 5837: an Interface Information object's C-Type bits and sub-objects.
    public struct InterfaceInformation: Sendable, Equatable {
        public var role: UInt8
        public var ifIndex: UInt32?
        /// The IP address sub-object: AFI, and the address bytes' range.
        public var afi: UInt16?
        public var addressReserved: UInt16?
        public var address: Range<Int>?
        public var addressObject: Range<Int>?
        /// The interface name sub-object: its length byte and the name's bytes (NULs trimmed).
        public var nameLength: Int?
        public var name: Range<Int>?
        public var nameObject: Range<Int>?
        public var mtu: UInt32?

        public static let classNumber: UInt8 = 2

        /// Reads the sub-objects the C-Type announces; nil when one is cut short.
        public static func decode(_ bytes: ByteView, _ object: Object) -> InterfaceInformation? {
            var info = InterfaceInformation(role: object.cType >> 6)
            var at = object.data.lowerBound
            let end = object.data.upperBound
            if object.cType & 0x08 != 0 {
                guard at + 4 <= end else { return nil }
                info.ifIndex = bytes.u32be(at)
                at += 4
            }
            if object.cType & 0x04 != 0 {
                guard at + 4 <= end else { return nil }
                let afi = bytes.u16be(at)
                let size = afi == 1 ? 4 : afi == 2 ? 16 : 0
                guard size > 0, at + 4 + size <= end else { return nil }
                info.afi = afi
                info.addressReserved = bytes.u16be(at + 2)
                info.address = (at + 4)..<(at + 4 + size)
                info.addressObject = at..<(at + 4 + size)
                at += 4 + size
            }
            if object.cType & 0x02 != 0 {
                guard at < end else { return nil }
                let length = Int(bytes[at])
                guard length >= 1, at + length <= end else { return nil }
                info.nameLength = length
                var nameEnd = at + length
                while nameEnd > at + 1, bytes[nameEnd - 1] == 0 { nameEnd -= 1 }
                info.name = (at + 1)..<nameEnd
                info.nameObject = at..<(at + length)
                at += length
            }
            if object.cType & 0x01 != 0 {
                guard at + 4 <= end else { return nil }
                info.mtu = bytes.u32be(at)
            }
            return info
        }
    }
}
