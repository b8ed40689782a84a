#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The type a filter compares values as, from the field's `FieldKind` (or `.bytes` for a
/// slice).
enum FilterType: Equatable {
    case unsigned, boolean, ipv4, ipv6, mac, string, time, bytes
    /// A protocol used as a value: its bytes (FT_PROTOCOL).
    case `protocol`
    /// `frame.time`: biased nanoseconds since the epoch, like `.time`.
    case absoluteTime

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
        case .protocol: "Protocol"
        case .absoluteTime: "Date and time"
        }
    }

    /// As Wireshark names the type in arithmetic errors (`FT_IPv4 cannot +.`).
    func ftName(width: Int) -> String {
        switch self {
        case .unsigned: "FT_UINT\(width * 8)"
        case .boolean: "FT_BOOLEAN"
        case .ipv4: "FT_IPv4"
        case .ipv6: "FT_IPv6"
        case .mac: "FT_ETHER"
        case .string: "FT_STRING"
        case .time: "FT_RELATIVE_TIME"
        case .bytes: "FT_BYTES"
        case .protocol: "FT_PROTOCOL"
        case .absoluteTime: "FT_ABSOLUTE_TIME"
        }
    }

    /// Integer arithmetic applies (`+ - * / %` and unary minus).
    var isInteger: Bool { self == .unsigned || self == .boolean }

    /// Types whose values are byte sequences, so `contains`, `matches` and slices apply.
    var isByteLike: Bool { self == .string || self == .bytes || self == .protocol }
    var canSlice: Bool { isByteLike || self == .ipv4 || self == .ipv6 || self == .mac }
}

/// One value, from an occurrence or a literal. Numbers, booleans, MACs, IPv4 addresses
/// and times (as order-preserving biased nanoseconds) are all `.scalar`.
enum FilterValue {
    case scalar(UInt64)
    /// The result of arithmetic, which may be negative.
    case signed(Int64)
    case wide(UInt64, UInt64)
    case bytes(ArraySlice<UInt8>)
    /// A CIDR literal: `value & mask == network`.
    case masked(network: UInt64, mask: UInt64)
    case maskedWide(network: (UInt64, UInt64), mask: (UInt64, UInt64))

    /// Three-way comparison; nil when the two cannot be compared.
    static func compare(_ a: FilterValue, _ b: FilterValue) -> Int? {
        switch (a, b) {
        case (.scalar(let x), .scalar(let y)): return order(x, y)
        case (.signed(let x), .signed(let y)): return order(x, y)
        case (.scalar(let x), .signed(let y)): return y < 0 ? 1 : order(x, UInt64(y))
        case (.signed(let x), .scalar(let y)): return x < 0 ? -1 : order(UInt64(x), y)
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
        // memchr for the first byte, memcmp for the rest: a byte loop over ArraySlice
        // subscripts was most of the cost of `frame contains`.
        return h.withUnsafeBytes { hp in
            n.withUnsafeBytes { np in
                guard let hBase = hp.baseAddress, let nBase = np.baseAddress else { return false }
                let first = Int32(np[0])
                var offset = 0
                let last = hp.count - np.count
                while offset <= last {
                    guard let found = memchr(hBase + offset, first, last - offset + 1) else { return false }
                    let at = hBase.distance(to: UnsafeRawPointer(found))
                    if memcmp(hBase + at, nBase, np.count) == 0 { return true }
                    offset = at + 1
                }
                return false
            }
        }
    }
}

/// Reading values: occurrence text (as the registry writes it) and literals (as users
/// type them), by type.
enum FilterValues {
    /// An occurrence's text as a value of `type`; nil if the text does not parse.
    static func occurrence<C: Collection<UInt8>>(_ text: C, as type: FilterType) -> FilterValue? {
        switch type {
        case .unsigned, .boolean:
            return number(text).map { .scalar($0) }
        case .ipv4:
            return ipv4(text).map { .scalar(UInt64($0)) }
        case .ipv6:
            return ipv6(text).map { .wide($0.0, $0.1) }
        case .mac:
            return (occurrenceMAC(text) ?? mac(text)).map { .scalar($0) }
        case .time, .absoluteTime:
            return time(text).map { .scalar($0) }
        case .string, .bytes, .protocol:
            return .bytes(ArraySlice(text))
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
    static func occurrenceMAC<C: Collection<UInt8>>(_ text: C) -> UInt64? {
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

    /// Twelve hex digits without separators (`027700000004`), which tshark also reads as a MAC.
    static func plainMAC<C: Collection<UInt8>>(_ text: C) -> UInt64? {
        guard text.count == 12 else { return nil }
        var value: UInt64 = 0
        for b in text {
            guard let d = hexValue(Unicode.Scalar(b)) else { return nil }
            value = value << 4 | UInt64(d)
        }
        return value
    }

    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    /// An absolute time as tshark 4.0 reads it, as biased nanoseconds since the epoch:
    /// `2026-11-25 06:25:20[.frac]`, `2026-11-25T06:25:20Z`, `2026-11-25`, or
    /// `Nov 25, 2026 06:25:20[.frac]`, each in local time unless it ends in `Z` or `UTC`.
    static func absoluteTime(_ text: String) -> UInt64? {
        var s = Substring(text.trimmingSpaces)
        var utc = false
        if s.hasSuffix(" UTC") { s = s.dropLast(4); utc = true } else if s.hasSuffix("Z") { s = s.dropLast(); utc = true }
        var year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0
        var nanos: Int64 = 0
        func int(_ t: Substring) -> Int? { t.isEmpty || t.count > 4 || !t.allSatisfy(\.isASCII) ? nil : Int(t) }
        var clock: Substring?
        if let first = s.first, first.isLetter {
            // `Nov 25, 2026 06:25:20.123`
            let parts = s.split(separator: " ", omittingEmptySubsequences: true)
            guard parts.count == 3 || parts.count == 4,
                  let m = months.firstIndex(of: parts[0].lowercased()), parts[1].hasSuffix(","),
                  let d = int(parts[1].dropLast()), let y = int(parts[2]) else { return nil }
            (year, month, day) = (y, m + 1, d)
            clock = parts.count == 4 ? parts[3] : nil
        } else {
            let parts = s.split(omittingEmptySubsequences: true) { $0 == " " || $0 == "T" }
            guard parts.count == 1 || parts.count == 2 else { return nil }
            let date = parts[0].split(separator: "-", omittingEmptySubsequences: false)
            guard date.count == 3, let y = int(date[0]), let m = int(date[1]), let d = int(date[2]) else { return nil }
            (year, month, day) = (y, m, d)
            clock = parts.count == 2 ? parts[1] : nil
        }
        if let clock {
            let fields = clock.split(separator: ":", omittingEmptySubsequences: false)
            guard fields.count == 2 || fields.count == 3, let h = int(fields[0]), let mi = int(fields[1]) else { return nil }
            (hour, minute) = (h, mi)
            if fields.count == 3 {
                let secondParts = fields[2].split(separator: ".", omittingEmptySubsequences: false)
                guard secondParts.count <= 2, let sec = int(secondParts[0]) else { return nil }
                second = sec
                if secondParts.count == 2 {
                    let fraction = secondParts[1]
                    guard !fraction.isEmpty, fraction.count <= 9, fraction.allSatisfy(\.isASCII),
                          let f = Int64(fraction) else { return nil }
                    nanos = f
                    for _ in fraction.count..<9 { nanos *= 10 }
                }
            }
        }
        guard (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second <= 60 else { return nil }
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month - 1)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour)
        parts.tm_min = Int32(minute)
        parts.tm_sec = Int32(second)
        parts.tm_isdst = -1
        let seconds = utc ? timegm(&parts) : mktime(&parts)
        guard seconds != -1 || (year == 1969 && month == 12 && day == 31) else { return nil }
        // Nanoseconds since 1970 fit in 64 bits for about 292 years either side; a date
        // beyond saturates, which orders it correctly against every capture.
        let (scaled, overflow) = Int64(seconds).multipliedReportingOverflow(by: 1_000_000_000)
        let (total, overflow2) = scaled.addingReportingOverflow(nanos)
        if overflow || overflow2 { return biased(seconds < 0 ? .min : .max) }
        return biased(total)
    }
}
