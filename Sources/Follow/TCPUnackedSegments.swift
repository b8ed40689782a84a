import Dissect

/// One sent segment not yet acknowledged (Wireshark's `tcp_unacked_t`).
struct TCPUnackedSegment: Sendable {
    var frame: Int
    var seq: UInt32
    var nextSeq: UInt32
    var time: Timestamp
}

/// Wireshark's per-direction list of unacknowledged segments, which feeds
/// `tcp.analysis.acks_frame` and `ack_rtt` (never the flags). Like Wireshark's it holds at
/// most `TCP_MAX_UNACKED_SEGMENTS` (10 000): a full list takes no new segment until ACKs
/// make room. It lives on the heap only while segments are in flight.
///
/// Wireshark walks its whole list on every ACK; the outcome does not depend on the order
/// of the walk: every segment whose end is at or below the ACK goes, and the one
/// acknowledged is the oldest that ends exactly there. (Wireshark also trims a segment the
/// ACK falls inside, but a segment's start is never read again.) So the segments are kept
/// sorted by their end, and an ACK is a binary search and a prefix removal: a flood of
/// ACKs against a full list costs a logarithm each, not ten thousand steps.
struct TCPUnackedSegments: Sendable {
    static let capacity = 10_000

    /// A segment by its end, unwrapped against `base` so that ends compare as integers.
    private struct Entry: Sendable {
        var end: Int64
        var segment: TCPUnackedSegment
    }

    /// Sorted by end, and by sending order among equal ends; entries before `head` are
    /// already removed.
    private var entries: [Entry] = []
    private var head = 0
    /// The sequence number ends are counted from: Wireshark compares sequence numbers
    /// modulo 2^32, which is exact while they lie within 2^31 of each other.
    private var base: UInt32 = 0

    init() {}

    var count: Int { entries.count - head }

    private func unwrap(_ value: UInt32) -> Int64 { Int64(Int32(bitPattern: value &- base)) }

    /// Adds the newest segment; ignored when the list is full.
    mutating func append(_ segment: TCPUnackedSegment) {
        guard count < Self.capacity else { return }
        if count == 0 {
            entries.removeAll(keepingCapacity: true)
            head = 0
            base = segment.seq
            if entries.capacity == 0 { entries.reserveCapacity(2) }
        } else if abs(unwrap(segment.nextSeq)) > 1 << 30 {
            rebase(on: segment.seq)
        }
        let entry = Entry(end: unwrap(segment.nextSeq), segment: segment)
        // In order, a segment ends after every one before it: the common case appends.
        // Otherwise it goes after every equal end, which were sent before it.
        if let last = entries.last, last.end > entry.end {
            entries.insert(entry, at: firstIndex { $0.end > entry.end })
        } else {
            entries.append(entry)
        }
    }

    /// Applies an acknowledgment number: removes every segment that ends at or below it
    /// and returns the oldest one that ends exactly at it.
    mutating func acknowledge(_ ack: UInt32) -> TCPUnackedSegment? {
        guard count > 0 else { return nil }
        let key = unwrap(ack)
        let exact = firstIndex { $0.end >= key }
        let past = firstIndex { $0.end > key }
        let acked = exact < past ? entries[exact].segment : nil
        head = past
        // Drop the removed prefix once it is half the storage.
        if head > 64 && head * 2 > entries.count {
            entries.removeFirst(head)
            head = 0
        }
        return acked
    }

    /// The first live index whose entry satisfies `isAfter` (false, then true, along the
    /// sorted entries).
    private func firstIndex(_ isAfter: (Entry) -> Bool) -> Int {
        var low = head, high = entries.count
        while low < high {
            let mid = (low + high) / 2
            if isAfter(entries[mid]) { high = mid } else { low = mid + 1 }
        }
        return low
    }

    /// Counts ends from a new base once the sequence numbers have moved far from the old
    /// one (a long transfer that never empties its list).
    private mutating func rebase(on newBase: UInt32) {
        let shift = Int64(Int32(bitPattern: newBase &- base))
        for i in head..<entries.count { entries[i].end -= shift }
        base = newBase
    }
}

/// Wireshark's `GT_SEQ` / `LT_SEQ` / `LE_SEQ`: comparisons modulo 2^32.
enum SeqNum {
    @inline(__always) static func lt(_ a: UInt32, _ b: UInt32) -> Bool { Int32(bitPattern: a &- b) < 0 }
    @inline(__always) static func le(_ a: UInt32, _ b: UInt32) -> Bool { Int32(bitPattern: a &- b) <= 0 }
    @inline(__always) static func gt(_ a: UInt32, _ b: UInt32) -> Bool { Int32(bitPattern: b &- a) < 0 }
}
