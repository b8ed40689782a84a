import Dissect

/// One sent segment not yet acknowledged (Wireshark's `tcp_unacked_t`).
struct TCPUnackedSegment: Sendable {
    var frame: Int
    var seq: UInt32
    var nextSeq: UInt32
    var time: Timestamp
}

/// Wireshark's per-direction list of unacknowledged segments, kept inline with a fixed
/// capacity so that analysing a segment never allocates. Wireshark keeps up to 10 000;
/// when this buffer is full the oldest entry is dropped. The list only feeds
/// `tcp.analysis.acks_frame` / `ack_rtt`, never the flags.
struct TCPUnackedSegments: Sendable {
    static let capacity = 16
    private typealias Storage = (
        TCPUnackedSegment, TCPUnackedSegment, TCPUnackedSegment, TCPUnackedSegment,
        TCPUnackedSegment, TCPUnackedSegment, TCPUnackedSegment, TCPUnackedSegment,
        TCPUnackedSegment, TCPUnackedSegment, TCPUnackedSegment, TCPUnackedSegment,
        TCPUnackedSegment, TCPUnackedSegment, TCPUnackedSegment, TCPUnackedSegment
    )
    private static let empty = TCPUnackedSegment(frame: 0, seq: 0, nextSeq: 0, time: .zero)
    /// Oldest first; `count` entries are valid.
    private var storage: Storage = (
        empty, empty, empty, empty, empty, empty, empty, empty,
        empty, empty, empty, empty, empty, empty, empty, empty
    )
    private(set) var count = 0

    init() {}

    private mutating func withBuffer<R>(_ body: (UnsafeMutablePointer<TCPUnackedSegment>) -> R) -> R {
        withUnsafeMutablePointer(to: &storage) { tuple in
            tuple.withMemoryRebound(to: TCPUnackedSegment.self, capacity: Self.capacity) { body($0) }
        }
    }

    /// Adds the newest segment, dropping the oldest if the buffer is full.
    mutating func append(_ segment: TCPUnackedSegment) {
        let n = count
        withBuffer { buf in
            if n == Self.capacity {
                for i in 1..<n { buf[i - 1] = buf[i] }
                buf[n - 1] = segment
            } else {
                buf[n] = segment
            }
        }
        if n < Self.capacity { count += 1 }
    }

    /// Applies an acknowledgment number as Wireshark's loop at the end of
    /// `tcp_analyze_sequence_number` does, walking newest to oldest: a segment whose end
    /// equals `ack` is acknowledged (the oldest such one wins) and removed, one that `ack`
    /// falls inside is trimmed, later ones are kept and older ones are removed.
    /// Returns the acknowledged segment, if any.
    mutating func acknowledge(_ ack: UInt32) -> TCPUnackedSegment? {
        var acked: TCPUnackedSegment?
        var n = count
        withBuffer { buf in
            var i = n - 1
            while i >= 0 {
                var seg = buf[i]
                if ack == seg.nextSeq {
                    acked = seg
                } else if SeqNum.gt(ack, seg.seq) && SeqNum.le(ack, seg.nextSeq) {
                    seg.seq = ack
                    buf[i] = seg
                    i -= 1
                    continue
                } else if SeqNum.gt(seg.nextSeq, ack) {
                    i -= 1
                    continue
                }
                // Old or exactly acknowledged: remove it.
                for j in i..<(n - 1) { buf[j] = buf[j + 1] }
                n -= 1
                i -= 1
            }
        }
        count = n
        return acked
    }
}

/// Wireshark's `GT_SEQ` / `LT_SEQ` / `LE_SEQ`: comparisons modulo 2^32.
enum SeqNum {
    @inline(__always) static func lt(_ a: UInt32, _ b: UInt32) -> Bool { Int32(bitPattern: a &- b) < 0 }
    @inline(__always) static func le(_ a: UInt32, _ b: UInt32) -> Bool { Int32(bitPattern: a &- b) <= 0 }
    @inline(__always) static func gt(_ a: UInt32, _ b: UInt32) -> Bool { Int32(bitPattern: b &- a) < 0 }
}
