import Dissect

extension OutputBuffer {
    /// Seconds with nine decimals, as tshark prints `frame.time_epoch` and relative times.
    public func seconds(nanoseconds total: Int64) {
        if total < 0 { byte(45) }
        let magnitude = total.magnitude
        decimal(magnitude / 1_000_000_000)
        byte(46)
        decimal(UInt64(magnitude % 1_000_000_000), width: 9)
    }

    public func epoch(_ t: Timestamp) {
        if t.seconds < 0 {
            seconds(nanoseconds: t.nanoseconds(since: .zero))
            return
        }
        decimal(t.seconds)
        byte(46)
        decimal(UInt64(t.nanoseconds), width: 9)
    }
}
