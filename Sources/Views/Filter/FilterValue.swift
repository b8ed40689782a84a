/// The type a filter compares values as, from the field's `FieldKind` (or `.bytes` for a
/// slice).
enum FilterType: Equatable {
    case unsigned, boolean, ipv4, ipv6, mac, string, time, bytes

    init(_ kind: FieldKind) {
        switch kind {
        case .unsigned: self = .unsigned
        case .boolean: self = .boolean
        case .ipv4: self = .ipv4
        case .ipv6: self = .ipv6
        case .mac: self = .mac
        case .string: self = .string
        case .time: self = .time
        }
    }

    /// As tshark names the types in its messages.
    var name: String {
        switch self {
        case .unsigned: "Unsigned integer"
        case .boolean: "Boolean"
        case .ipv4: "IPv4 address"
        case .ipv6: "IPv6 address"
        case .mac: "Ethernet or other MAC address"
        case .string: "Character string"
        case .time: "Time offset"
        case .bytes: "Sequence of bytes"
        }
    }

    /// Types whose values are byte sequences, so `contains`, `matches` and slices apply.
    var isByteLike: Bool { self == .string || self == .bytes }
    var canSlice: Bool { self == .string || self == .bytes || self == .ipv4 || self == .ipv6 || self == .mac }
}

/// One value, from an occurrence or a literal. Numbers, booleans, MACs, IPv4 addresses
/// and times (as order-preserving biased nanoseconds) are all `.scalar`.
enum FilterValue {
    case scalar(UInt64)
    case wide(UInt64, UInt64)
    case bytes(ArraySlice<UInt8>)
    /// A CIDR literal: `value & mask == network`.
    case masked(network: UInt64, mask: UInt64)
    case maskedWide(network: (UInt64, UInt64), mask: (UInt64, UInt64))

    /// Three-way comparison; nil when the two cannot be compared.
    static func compare(_ a: FilterValue, _ b: FilterValue) -> Int? {
        switch (a, b) {
        case (.scalar(let x), .scalar(let y)): return order(x, y)
        case (.scalar(let x), .masked(let n, let m)): return order(x & m, n)
        case (.masked(let n, let m), .scalar(let y)): return order(n, y & m)
        case (.wide(let xh, let xl), .wide(let yh, let yl)):
            return xh != yh ? order(xh, yh) : order(xl, yl)
        case (.wide(let xh, let xl), .maskedWide(let n, let m)):
            return (xh & m.0) != n.0 ? order(xh & m.0, n.0) : order(xl & m.1, n.1)
        case (.maskedWide(let n, let m), .wide(let yh, let yl)):
            return (yh & m.0) != n.0 ? order(n.0, yh & m.0) : order(n.1, yl & m.1)
        case (.bytes(let x), .bytes(let y)):
            for (p, q) in zip(x, y) where p != q { return p < q ? -1 : 1 }
            return order(x.count, y.count)
        default:
            return nil
        }
    }

    private static func order<T: Comparable>(_ x: T, _ y: T) -> Int { x < y ? -1 : x == y ? 0 : 1 }

    /// Whether `needle` occurs in `haystack` (both byte values).
    static func contains(_ haystack: FilterValue, _ needle: FilterValue) -> Bool {
        guard case .bytes(let h) = haystack, case .bytes(let n) = needle else { return false }
        if n.isEmpty { return true }
        guard h.count >= n.count else { return false }
        let first = n[n.startIndex]
        var i = h.startIndex
        let last = h.endIndex - n.count
        while i <= last {
            if h[i] == first && h[i..<(i + n.count)].elementsEqual(n) { return true }
            i += 1
        }
        return false
    }
}

/// Reading values: occurrence text (as the registry writes it) and literals (as users
/// type them), by type.
enum FilterValues {
    /// An occurrence's text as a value of `type`; nil if the text does not parse.
    static func occurrence(_ text: ArraySlice<UInt8>, as type: FilterType) -> FilterValue? {
        switch type {
        case .unsigned, .boolean:
            return number(text).map { .scalar($0) }
        case .ipv4:
            return ipv4(text).map { .scalar(UInt64($0)) }
        case .ipv6:
            return ipv6(text).map { .wide($0.0, $0.1) }
        case .mac:
            return (occurrenceMAC(text) ?? mac(text)).map { .scalar($0) }
        case .time:
            return time(text).map { .scalar($0) }
        case .string, .bytes:
            return .bytes(text)
        }
    }

    /// The bytes of a value, for slices: MACs are 6 bytes, IPv4 4 and IPv6 16.
    static func bytes(_ value: FilterValue, as type: FilterType) -> ArraySlice<UInt8>? {
        switch (value, type) {
        case (.bytes(let b), _): return b
        case (.scalar(let v), .mac): return bigEndian(v, count: 6)
        case (.scalar(let v), .ipv4): return bigEndian(v, count: 4)
        case (.wide(let h, let l), .ipv6): return bigEndian(h, count: 8) + bigEndian(l, count: 8)
        default: return nil
        }
    }

    private static func bigEndian(_ v: UInt64, count: Int) -> ArraySlice<UInt8> {
        var out = ArraySlice<UInt8>()
        out.reserveCapacity(count)
        for i in (0..<count).reversed() { out.append(UInt8(truncatingIfNeeded: v >> (8 * UInt64(i)))) }
        return out
    }

    // MARK: numbers

    /// Decimal, `0x` hex, `0b` binary or leading-zero octal, as Wireshark reads integers.
    static func number<C: Collection<UInt8>>(_ text: C) -> UInt64? {
        var i = text.startIndex
        guard i != text.endIndex else { return nil }
        var radix: UInt64 = 10
        if text[i] == 48 {
            let second = text.index(after: i)
            if second != text.endIndex {
                let marker = text[second] | 0x20
                if marker == 120 || marker == 98 {
                    radix = marker == 120 ? 16 : 2
                    i = text.index(after: second)
                    guard i != text.endIndex else { return nil }
                } else {
                    radix = 8
                    i = second
                }
            }
        }
        var value: UInt64 = 0
        while i != text.endIndex {
            guard let d = hexValue(Unicode.Scalar(text[i])), UInt64(d) < radix else { return nil }
            let (m, o1) = value.multipliedReportingOverflow(by: radix)
            let (s, o2) = m.addingReportingOverflow(UInt64(d))
            if o1 || o2 { return nil }
            value = s
            i = text.index(after: i)
        }
        return value
    }

    /// `a.b.c.d`.
    static func ipv4<C: Collection<UInt8>>(_ text: C) -> UInt32? {
        var value: UInt32 = 0, part: UInt32 = 0, parts = 0, digits = 0
        for b in text {
            if b == 46 {
                guard digits > 0 else { return nil }
                value = value << 8 | part
                parts += 1
                part = 0
                digits = 0
            } else if b >= 48 && b <= 57 {
                part = part * 10 + UInt32(b - 48)
                digits += 1
                guard part <= 255, digits <= 3 else { return nil }
            } else {
                return nil
            }
        }
        guard parts == 3, digits > 0 else { return nil }
        return value << 8 | part
    }

    /// RFC 4291 text, with `::` and an optional dotted IPv4 tail.
    static func ipv6<C: Collection<UInt8>>(_ text: C) -> (UInt64, UInt64)? {
        let bytes = Array(text)
        var head: [UInt16] = [], tail: [UInt16] = []
        var sawGap = false
        var i = 0
        if bytes.starts(with: [58, 58]) {
            sawGap = true
            i = 2
        } else if bytes.first == 58 {
            return nil
        }
        while i < bytes.count {
            // A dotted IPv4 tail fills the last two groups.
            var j = i
            while j < bytes.count && bytes[j] != 58 { j += 1 }
            let group = bytes[i..<j]
            if group.contains(46) {
                guard j == bytes.count, let v4 = ipv4(group) else { return nil }
                let pair = [UInt16(v4 >> 16), UInt16(v4 & 0xffff)]
                if sawGap { tail += pair } else { head += pair }
                i = j
                break
            }
            guard !group.isEmpty, group.count <= 4 else { return nil }
            var v: UInt16 = 0
            for b in group {
                guard let d = hexValue(Unicode.Scalar(b)) else { return nil }
                v = v << 4 | UInt16(d)
            }
            if sawGap { tail.append(v) } else { head.append(v) }
            i = j
            if i < bytes.count {
                i += 1  // ':'
                if i < bytes.count && bytes[i] == 58 {
                    guard !sawGap else { return nil }
                    sawGap = true
                    i += 1
                } else if i == bytes.count {
                    return nil  // trailing single ':'
                }
            }
        }
        let total = head.count + tail.count
        if sawGap { guard total <= 7 else { return nil } } else { guard total == 8 else { return nil } }
        let groups = head + [UInt16](repeating: 0, count: 8 - total) + tail
        var high: UInt64 = 0, low: UInt64 = 0
        for (n, g) in groups.enumerated() {
            if n < 4 { high = high << 16 | UInt64(g) } else { low = low << 16 | UInt64(g) }
        }
        return (high, low)
    }

    /// Six bytes separated by `:` or `-` (`02:77:00:00:00:04`), or three groups of four
    /// hex digits separated by `.` (`0277.0000.0004`).
    static func mac<C: Collection<UInt8>>(_ text: C) -> UInt64? {
        guard let bytes = byteString(text), bytes.count == 6 else { return nil }
        return bytes.reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// `xx:xx:xx:xx:xx:xx` exactly, as the registry writes MACs, without allocating.
    static func occurrenceMAC(_ text: ArraySlice<UInt8>) -> UInt64? {
        guard text.count == 17 else { return nil }
        var value: UInt64 = 0
        for (n, b) in text.enumerated() {
            if n % 3 == 2 {
                guard b == 58 else { return nil }
                continue
            }
            guard let d = hexValue(Unicode.Scalar(b)) else { return nil }
            value = value << 4 | UInt64(d)
        }
        return value
    }

    /// A byte string: bytes of one or two hex digits separated by `:`, `-` or `.` (one
    /// kind throughout), or groups of four hex digits separated by `.`.
    static func byteString<C: Collection<UInt8>>(_ text: C) -> [UInt8]? {
        let bytes = Array(text)
        guard !bytes.isEmpty else { return nil }
        let separators = bytes.filter { $0 == 58 || $0 == 45 || $0 == 46 }
        guard Set(separators).count <= 1 else { return nil }
        let groups = bytes.split(separator: separators.first ?? 0, omittingEmptySubsequences: false)
        var out: [UInt8] = []
        for group in groups {
            guard !group.isEmpty else { return nil }
            var digits: [Int] = []
            for b in group {
                guard let d = hexValue(Unicode.Scalar(b)) else { return nil }
                digits.append(d)
            }
            if digits.count <= 2 {
                out.append(UInt8(digits.reduce(0) { $0 * 16 + $1 }))
            } else if digits.count == 4 && separators.first == 46 {
                out.append(UInt8(digits[0] * 16 + digits[1]))
                out.append(UInt8(digits[2] * 16 + digits[3]))
            } else {
                return nil
            }
        }
        return out
    }

    /// `[-]seconds[.fraction]` as biased nanoseconds: order-preserving as unsigned.
    static func time<C: Collection<UInt8>>(_ text: C) -> UInt64? {
        var negative = false
        var seconds: Int64 = 0, nanos: Int64 = 0, fractionDigits = 0
        var inFraction = false, digits = 0
        for (n, b) in text.enumerated() {
            if n == 0 && b == 45 { negative = true; continue }
            if b == 46 {
                guard !inFraction else { return nil }
                inFraction = true
                continue
            }
            guard b >= 48 && b <= 57 else { return nil }
            digits += 1
            if inFraction {
                if fractionDigits < 9 { nanos = nanos * 10 + Int64(b - 48); fractionDigits += 1 }
            } else {
                let (m, o1) = seconds.multipliedReportingOverflow(by: 10)
                seconds = m + Int64(b - 48)
                // Whole nanoseconds must fit: seconds * 10^9 + nanos below Int64.max.
                guard !o1, seconds < Int64.max / 1_000_000_000 else { return nil }
            }
        }
        guard digits > 0 else { return nil }
        while fractionDigits < 9 { nanos *= 10; fractionDigits += 1 }
        let total = seconds * 1_000_000_000 + nanos
        return biased(negative ? -total : total)
    }

    static func biased(_ v: Int64) -> UInt64 { UInt64(bitPattern: v) ^ (1 << 63) }
}
