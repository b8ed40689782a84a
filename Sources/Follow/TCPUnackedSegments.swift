import Dissect

/// One sent segment not yet acknowledged (Wireshark's `tcp_unacked_t`).
struct TCPUnackedSegment: Sendable {
    var frame: Int
    var seq: UInt32
    var nextSeq: UInt32
    var time: Timestamp
}

/// Wireshark's per-direction list of unacknowledged segments. It lives on the heap only
/// while segments are in flight (a conversation that never sends data keeps none), and
/// holds at most 128: like Wireshark at its own limit (`TCP_MAX_UNACKED_SEGMENTS`, 10 000)
/// a full list takes no new segments until ACKs make room. The list feeds
/// `tcp.analysis.acks_frame` / `ack_rtt` and `bytes_in_flight`, never the flags; 128
/// covers a window of 128 full segments (lossy.pcap has 80 in flight), and bounds the
/// walk each ACK makes over it.
struct TCPUnackedSegments: Sendable {
    static let capacity = 128
    /// Oldest first.
    private var segments: [TCPUnackedSegment] = []

    init() {}

    var count: Int { segments.count }
    /// The segment sent first of those still unacknowledged.
    var oldest: TCPUnackedSegment? { segments.first }

    /// Frees the list's storage once it is empty, for a conversation that closed: tens of
    /// thousands of closed conversations linger in a busy capture, and an empty list kept
    /// its room. A straggler makes a new one (the contents, and so the answers, are the same).
    mutating func giveBackRoomIfEmpty() {
        if segments.isEmpty && segments.capacity > 0 { segments = [] }
    }

    /// Adds the newest segment; ignored when the list is full.
    mutating func append(_ segment: TCPUnackedSegment) {
        guard segments.count < Self.capacity else { return }
        if segments.capacity == 0 { segments.reserveCapacity(2) }
        segments.append(segment)
    }

    /// The lowest sequence number and the highest next sequence number of the segments in
    /// the list (Wireshark's `first_seq`, `last_seq` for bytes in flight). When the list
    /// is full, newer segments were not kept: `highestSent` stands in for their ends.
    func span(highestSent: UInt32) -> (first: UInt32, last: UInt32) {
        guard var first = segments.first?.seq, var last = segments.first?.nextSeq else { return (highestSent, highestSent) }
        for segment in segments.dropFirst() {
            if SeqNum.lt(segment.seq, first) { first = segment.seq }
            if SeqNum.gt(segment.nextSeq, last) { last = segment.nextSeq }
        }
        if segments.count == Self.capacity, SeqNum.gt(highestSent, last) { last = highestSent }
        return (first, last)
    }

    /// Applies an acknowledgment number as Wireshark's loop at the end of
    /// `tcp_analyze_sequence_number` does, walking newest to oldest: a segment whose end
    /// equals `ack` is acknowledged (the oldest such one wins) and removed, one that `ack`
    /// falls inside is trimmed, later ones are kept and older ones are removed.
    /// Returns the acknowledged segment, if any.
    mutating func acknowledge(_ ack: UInt32) -> TCPUnackedSegment? {
        var acked: TCPUnackedSegment?
        var i = segments.count - 1
        while i >= 0 {
            let seg = segments[i]
            if ack == seg.nextSeq {
                acked = seg
            } else if SeqNum.gt(ack, seg.seq) && SeqNum.le(ack, seg.nextSeq) {
                segments[i].seq = ack
                i -= 1
                continue
            } else if SeqNum.gt(seg.nextSeq, ack) {
                i -= 1
                continue
            }
            // Old or exactly acknowledged: remove it.
            segments.remove(at: i)
            i -= 1
        }
        return acked
    }
}

/// Wireshark's `GT_SEQ` / `LT_SEQ` / `LE_SEQ`: comparisons modulo 2^32.
enum SeqNum {
    @inline(__always) static func lt(_ a: UInt32, _ b: UInt32) -> Bool { Int32(bitPattern: a &- b) < 0 }
    @inline(__always) static func le(_ a: UInt32, _ b: UInt32) -> Bool { Int32(bitPattern: a &- b) <= 0 }
    @inline(__always) static func gt(_ a: UInt32, _ b: UInt32) -> Bool { Int32(bitPattern: b &- a) < 0 }
}
