import Dissect

extension OutputBuffer {
    /// Seconds with nine decimals, as tshark prints `frame.time_epoch` and relative times.
    public func seconds(nanoseconds total: Int64, digits: Int = 9) {
        if total < 0 { byte(45) }
        let magnitude = total.magnitude
        decimal(magnitude / 1_000_000_000)
        byte(46)
        var fraction = magnitude % 1_000_000_000
        for _ in digits..<9 { fraction /= 10 }
        decimal(fraction, width: digits)
    }

    public func epoch(_ t: Timestamp, digits: Int = 9) {
        if t.seconds < 0 {
            seconds(nanoseconds: t.nanoseconds(since: .zero), digits: digits)
            return
        }
        decimal(t.seconds)
        byte(46)
        var fraction = UInt64(t.nanoseconds)
        for _ in digits..<9 { fraction /= 10 }
        decimal(fraction, width: digits)
    }
}
