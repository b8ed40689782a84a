import Dissect

extension OutputBuffer {
    /// Seconds with nine decimals, as tshark prints `frame.time_epoch` and relative times.
    /// `digits` (0...9) are the decimal places; with 0 (a pcapng `if_tsresol` of whole
    /// seconds) no point is written.
    public func seconds(nanoseconds total: Int64, digits: Int = 9) {
        if total < 0 { byte(45) }
        let magnitude = total.magnitude
        decimal(magnitude / 1_000_000_000)
        fraction(magnitude % 1_000_000_000, digits: digits)
    }

    /// `.` and the first `digits` (clamped to 0...9) of nine-digit `nanoseconds`;
    /// nothing for 0 digits.
    func fraction(_ nanoseconds: UInt64, digits: Int) {
        let digits = Swift.min(Swift.max(digits, 0), 9)
        guard digits > 0 else { return }
        byte(46)
        var fraction = nanoseconds
        for _ in digits..<9 { fraction /= 10 }
        decimal(fraction, width: digits)
    }

    public func epoch(_ t: Timestamp, digits: Int = 9) {
        if t.seconds < 0 {
            seconds(nanoseconds: t.nanoseconds(since: .zero), digits: digits)
            return
        }
        decimal(t.seconds)
        fraction(UInt64(t.nanoseconds), digits: digits)
    }
}
