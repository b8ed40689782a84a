/// How many timestamp units make a second: pcapng's `if_tsresol`, or what a pcap magic implies.
public enum TimestampResolution: Hashable, Sendable, CustomStringConvertible {
    /// Units of 10^-exponent seconds.
    case decimal(exponent: UInt8)
    /// Units of 2^-exponent seconds.
    case binary(exponent: UInt8)

    public static let microseconds = TimestampResolution.decimal(exponent: 6)
    public static let nanoseconds = TimestampResolution.decimal(exponent: 9)

    /// Decodes an `if_tsresol` byte: the top bit picks base 2, the rest is the exponent.
    public init(optionByte: UInt8) {
        self = optionByte & 0x80 != 0 ? .binary(exponent: optionByte & 0x7F) : .decimal(exponent: optionByte)
    }

    /// The `if_tsresol` byte for this resolution.
    public var optionByte: UInt8 {
        switch self {
        case let .decimal(exponent): exponent & 0x7F
        case let .binary(exponent): 0x80 | (exponent & 0x7F)
        }
    }

    /// Decimal places that show this resolution's finest step (at most 9).
    public var decimalDigits: Int {
        switch self {
        case let .decimal(exponent): Int(min(exponent, 9))
        case let .binary(exponent): exponent <= 10 ? Int((Double(exponent) * 0.30103).rounded(.up)) : 9
        }
    }

    public var description: String {
        switch self {
        case let .decimal(exponent): "10^-\(exponent) s"
        case let .binary(exponent): "2^-\(exponent) s"
        }
    }

    /// Converts a count of units since the epoch, truncating anything finer than a nanosecond.
    public func timestamp(units: UInt64) -> Timestamp {
        let (seconds, nanoseconds) = split(units)
        return Timestamp(seconds: Int64(clamping: seconds), nanoseconds: nanoseconds)
    }

    private func split(_ units: UInt64) -> (UInt64, UInt32) {
        switch self {
        case let .decimal(exponent):
            let e = Int(exponent)
            guard e <= 19 else {
                // More units per second than a UInt64 counts: less than a second has passed.
                return (0, e - 9 <= 19 ? UInt32(units / Self.powersOfTen[e - 9]) : 0)
            }
            let perSecond = Self.powersOfTen[e]
            let fraction = units % perSecond
            let nanoseconds = e <= 9 ? fraction &* Self.powersOfTen[9 - e] : fraction / Self.powersOfTen[e - 9]
            return (units / perSecond, UInt32(nanoseconds))
        case let .binary(exponent):
            let e = Int(exponent)
            if e == 0 { return (units, 0) }
            if e >= 64 {
                let (high, _) = units.multipliedFullWidth(by: 1_000_000_000)
                return (0, e - 64 < 64 ? UInt32(high >> UInt64(e - 64)) : 0)
            }
            let fraction = units & ((1 << UInt64(e)) &- 1)
            let (high, low) = fraction.multipliedFullWidth(by: 1_000_000_000)
            // (high:low) >> e; the result is below 10^9 because fraction < 2^e.
            let nanoseconds = (high << UInt64(64 - e)) | (low >> UInt64(e))
            return (units >> UInt64(e), UInt32(truncatingIfNeeded: nanoseconds))
        }
    }

    private static let powersOfTen: [UInt64] = {
        var table: [UInt64] = [1]
        for _ in 1...19 { table.append(table[table.count - 1] &* 10) }
        return table
    }()
}
