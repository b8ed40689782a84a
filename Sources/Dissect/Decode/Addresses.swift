/// A 48-bit Ethernet address, kept in the low bits of a `UInt64`.
public struct MACAddress: Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue & 0xFFFF_FFFF_FFFF }

    /// Reads six bytes at `offset`; the caller has checked the length.
    @inlinable public init(_ bytes: ByteView, at offset: Int) {
        rawValue = UInt64(bytes.u32be(offset)) << 16 | UInt64(bytes.u16be(offset + 4))
    }

    public func byte(_ i: Int) -> UInt8 { UInt8(truncatingIfNeeded: rawValue >> (40 - 8 * UInt64(i))) }

    /// `00:11:22:33:44:55`, as tshark prints `eth.src`.
    public var description: String {
        (0..<6).map { i in
            let b = byte(i)
            return String(hexDigit(b >> 4)) + String(hexDigit(b & 0xf))
        }.joined(separator: ":")
    }
}

/// An IPv4 address in host byte order.
public struct IPv4Address: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    @inlinable public init(_ bytes: ByteView, at offset: Int) { rawValue = bytes.u32be(offset) }

    public init?(_ text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var v: UInt32 = 0
        for p in parts {
            guard let b = UInt8(p) else { return nil }
            v = v << 8 | UInt32(b)
        }
        rawValue = v
    }

    public static func < (a: IPv4Address, b: IPv4Address) -> Bool { a.rawValue < b.rawValue }

    public var description: String {
        "\(rawValue >> 24).\(rawValue >> 16 & 0xff).\(rawValue >> 8 & 0xff).\(rawValue & 0xff)"
    }
}

/// An IPv6 address as two 64-bit halves in host byte order.
public struct IPv6Address: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var high: UInt64
    public var low: UInt64
    public init(high: UInt64, low: UInt64) { self.high = high; self.low = low }
    @inlinable public init(_ bytes: ByteView, at offset: Int) {
        high = bytes.u64be(offset)
        low = bytes.u64be(offset + 8)
    }

    public static func < (a: IPv6Address, b: IPv6Address) -> Bool { (a.high, a.low) < (b.high, b.low) }

    /// The eight 16-bit groups.
    public var groups: [UInt16] {
        (0..<8).map { i in
            let word = i < 4 ? high : low
            return UInt16(truncatingIfNeeded: word >> (48 - 16 * UInt64(i % 4)))
        }
    }

    /// RFC 5952 text, as Wireshark prints it (`fd77::4`, `::ffff:10.0.0.1` stays hex groups).
    public var description: String {
        let g = groups
        // Longest run of two or more zero groups becomes "::" (first one on ties).
        var bestStart = -1, bestLength = 0, i = 0
        while i < 8 {
            if g[i] == 0 {
                var j = i
                while j < 8 && g[j] == 0 { j += 1 }
                if j - i > bestLength && j - i >= 2 { bestStart = i; bestLength = j - i }
                i = j
            } else {
                i += 1
            }
        }
        func hex(_ range: Range<Int>) -> String { range.map { String(g[$0], radix: 16) }.joined(separator: ":") }
        if bestStart < 0 { return hex(0..<8) }
        return hex(0..<bestStart) + "::" + hex((bestStart + bestLength)..<8)
    }
}

@inlinable func hexDigit(_ nibble: UInt8) -> Character {
    Character(Unicode.Scalar(nibble < 10 ? 48 + nibble : 87 + nibble))
}
