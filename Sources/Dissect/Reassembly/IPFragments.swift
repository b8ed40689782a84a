/// One fragment of a reassembled datagram: its frame and where its payload went.
public struct IPFragment: Sendable, Equatable {
    public var frame: Int
    public var offset: Int
    public var length: Int
    public init(frame: Int, offset: Int, length: Int) {
        self.frame = frame
        self.offset = offset
        self.length = length
    }
}

/// IPv4 and IPv6 fragment reassembly, in one pass, as tshark does it without `-2`: each
/// fragment is kept until the datagram is complete, and the frame with the last missing
/// piece gets the whole datagram, its upper layers decoded over it.
///
/// Memory is bounded: at most ``maxDatagrams`` datagrams in progress and ``maxBytes``
/// buffered in all (the oldest datagram in progress is evicted to make room), a datagram
/// is forgotten ``timeout`` of capture time after its first fragment (Linux's
/// `ipfrag_time`), and a fragment that would reach past 65,535 bytes of IP payload is
/// refused. Evictions, timeouts and refusals are counted.
///
/// The decoder that owns frames in order uses it (``FrameDecoder/decode(_:number:into:depth:fragments:)``);
/// the ``Follow/Follower`` owns one, and only the thread that decodes ever touches it.
/// Frames that are not fragments never reach it.
public final class IPFragments: @unchecked Sendable {
    public var maxDatagrams: Int
    public var maxBytes: Int
    /// Capture time after which an incomplete datagram is dropped, in nanoseconds.
    public var timeout: Int64

    public private(set) var evicted = 0
    public private(set) var timedOut = 0
    public private(set) var refused = 0
    public private(set) var completed = 0
    /// Bytes buffered now, over all datagrams in progress.
    public private(set) var bufferedBytes = 0
    public var inProgress: Int { table.count }

    public static let maxDatagramPayload = 65_535

    struct Key: Hashable {
        var source: IPv6Address
        var destination: IPv6Address
        var identification: UInt32
        var proto: UInt8
        var v6: Bool
    }

    struct Datagram {
        var bytes: [UInt8] = []
        /// Received ranges, sorted and merged.
        var have: [Range<Int>] = []
        /// The datagram's payload length, once the last fragment is seen.
        var total: Int?
        var fragments: [IPFragment] = []
        var firstTime: Timestamp
        var sequence: Int
    }

    private var table: [Key: Datagram] = [:]
    private var nextSequence = 0

    /// A completed datagram: valid until the next call.
    public struct Completed: Equatable {
        public var payload: [UInt8]
        /// The fragments, in the order they arrived.
        public var fragments: [IPFragment]
    }

    public init(maxDatagrams: Int = 4096, maxBytes: Int = 32 << 20, timeout: Int64 = 30_000_000_000) {
        self.maxDatagrams = maxDatagrams
        self.maxBytes = maxBytes
        self.timeout = timeout
    }

    /// Adds one fragment: `data` (the fragment's payload) at `offset` in the datagram.
    /// Returns the datagram when this fragment completes it.
    public func add(source: IPv6Address, destination: IPv6Address, identification: UInt32, proto: UInt8, v6: Bool,
                    offset: Int, more: Bool, data: ByteView, frame: Int, time: Timestamp) -> Completed? {
        expire(now: time)
        let end = offset + data.count
        guard offset >= 0, end <= Self.maxDatagramPayload, data.count <= maxBytes else {
            refused += 1
            return nil
        }
        let key = Key(source: source, destination: destination, identification: identification, proto: proto, v6: v6)
        if table[key] == nil {
            while table.count >= maxDatagrams, evictOldest() {}
            table[key] = Datagram(firstTime: time, sequence: nextSequence)
            nextSequence += 1
        }
        var grow = max(0, end - (table[key]?.bytes.count ?? 0))
        while bufferedBytes + grow > maxBytes, table.count > 1, evictOldest(except: key) {}
        guard var d = table.removeValue(forKey: key) else { return nil }
        grow = max(0, end - d.bytes.count)
        if bufferedBytes + grow > maxBytes {
            refused += 1
            bufferedBytes -= d.bytes.count
            return nil
        }
        if grow > 0 { d.bytes.append(contentsOf: repeatElement(0, count: grow)); bufferedBytes += grow }
        // The first copy of overlapping bytes wins, as in Wireshark's default.
        for i in 0..<data.count where !Self.covers(d.have, offset + i) { d.bytes[offset + i] = data[i] }
        d.have = Self.merge(d.have, offset..<end)
        d.fragments.append(IPFragment(frame: frame, offset: offset, length: data.count))
        if !more { d.total = end }
        if let total = d.total, d.have.first == 0..<total || (total == 0 && d.have.isEmpty) {
            bufferedBytes -= d.bytes.count
            completed += 1
            return Completed(payload: Array(d.bytes.prefix(total)), fragments: d.fragments)
        }
        table[key] = d
        return nil
    }

    private static func covers(_ ranges: [Range<Int>], _ i: Int) -> Bool {
        for r in ranges where r.contains(i) { return true }
        return false
    }

    private static func merge(_ ranges: [Range<Int>], _ new: Range<Int>) -> [Range<Int>] {
        guard !new.isEmpty else { return ranges }
        var out: [Range<Int>] = []
        var current = new
        for r in ranges {
            if r.upperBound < current.lowerBound || r.lowerBound > current.upperBound {
                out.append(r)
            } else {
                current = min(r.lowerBound, current.lowerBound)..<max(r.upperBound, current.upperBound)
            }
        }
        out.append(current)
        out.sort { $0.lowerBound < $1.lowerBound }
        return out
    }

    @discardableResult
    private func evictOldest(except keep: Key? = nil) -> Bool {
        var oldest: (Key, Int)?
        for (k, d) in table where k != keep && (oldest == nil || d.sequence < oldest!.1) { oldest = (k, d.sequence) }
        guard let (k, _) = oldest, let d = table.removeValue(forKey: k) else { return false }
        bufferedBytes -= d.bytes.count
        evicted += 1
        return true
    }

    private var lastSweep = Timestamp.zero

    /// Drops datagrams older than the timeout; sweeps at most once per second of capture time.
    private func expire(now: Timestamp) {
        guard !table.isEmpty, now.nanoseconds(since: lastSweep) >= 1_000_000_000 else { return }
        lastSweep = now
        for (k, d) in table where now.nanoseconds(since: d.firstTime) > timeout {
            table.removeValue(forKey: k)
            bufferedBytes -= d.bytes.count
            timedOut += 1
        }
    }
}
