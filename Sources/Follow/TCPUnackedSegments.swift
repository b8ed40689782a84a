import Dissect

/// One sent segment not yet acknowledged (Wireshark's `tcp_unacked_t`).
struct TCPUnackedSegment: Sendable {
    var frame: Int
    var seq: UInt32
    var nextSeq: UInt32
    var time: Timestamp
}

/// Wireshark's per-direction list of unacknowledged segments, kept inline with a fixed
/// capacity so that analysing a segment never allocates. Like Wireshark at its own limit
/// (`TCP_MAX_UNACKED_SEGMENTS`, 10 000) a full list takes no new segments until ACKs make
/// room; the limit here is 32. The list only feeds `tcp.analysis.acks_frame` / `ack_rtt`,
/// never the flags, so with more than 32 segments in flight some ACKs name no frame.
struct TCPUnackedSegments: Sendable {
    static let capacity = 32
    private typealias Eight = (
        TCPUnackedSegment, TCPUnackedSegment, TCPUnackedSegment, TCPUnackedSegment,
        TCPUnackedSegment, TCPUnackedSegment, TCPUnackedSegment, TCPUnackedSegment
    )
    private typealias Storage = (Eight, Eight, Eight, Eight)
    private static let empty = TCPUnackedSegment(frame: 0, seq: 0, nextSeq: 0, time: .zero)
    private static let emptyEight: Eight = (empty, empty, empty, empty, empty, empty, empty, empty)
    /// Oldest first; `count` entries are valid.
    private var storage: Storage = (emptyEight, emptyEight, emptyEight, emptyEight)
    private(set) var count = 0

    init() {}

    private mutating func withBuffer<R>(_ body: (UnsafeMutablePointer<TCPUnackedSegment>) -> R) -> R {
        assert(MemoryLayout<Storage>.stride == Self.capacity * MemoryLayout<TCPUnackedSegment>.stride)
        return withUnsafeMutablePointer(to: &storage) { tuple in
            tuple.withMemoryRebound(to: TCPUnackedSegment.self, capacity: Self.capacity) { body($0) }
        }
    }

    /// Adds the newest segment; ignored when the buffer is full.
    mutating func append(_ segment: TCPUnackedSegment) {
        let n = count
        guard n < Self.capacity else { return }
        withBuffer { buf in buf[n] = segment }
        count = n + 1
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
