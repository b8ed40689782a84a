/// The conversation table's index: which slot holds the conversation of a ``FlowKey``.
///
/// Open addressing with linear probing over one array of 8-byte buckets (a 32-bit hash tag
/// and the slot), at most half full; the keys themselves are read from the table's slots.
/// A `Dictionary<FlowKey, Int>` costs a SipHash of the key per lookup, most of a packet's
/// share of the follower, and about 75 bytes per conversation; this costs a few
/// multiplications and 8 to 16 bytes.
///
/// The hash is seeded at random per table and mixes the whole key (two 64-bit
/// multiplications folded to 64 bits, as foldhash and wyhash do), so a capture cannot be
/// crafted to make its flows collide without knowing the seed.
struct FlowIndex {
    /// `tag << 32 | (slot + 1)`; 0 is an empty bucket. The tag is the hash's low 32 bits,
    /// so a bucket's home is `tag & mask` and the table grows without touching the keys.
    private var buckets: [UInt64]
    private var mask: Int
    private(set) var count = 0
    private let seed: (UInt64, UInt64, UInt64, UInt64, UInt64)

    init() {
        buckets = Array(repeating: 0, count: 16)
        mask = 15
        var random = SystemRandomNumberGenerator()
        seed = (random.next(), random.next(), random.next(), random.next(), random.next())
    }

    @inline(__always)
    private static func fold(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let (high, low) = a.multipliedFullWidth(by: b)
        return high ^ low
    }

    @inline(__always)
    private func tag(_ key: FlowKey) -> UInt32 {
        let ports = UInt64(key.low.port) << 32 | UInt64(key.high.port) << 16 | UInt64(key.proto)
        let a = Self.fold(key.low.address.high ^ seed.0, key.low.address.low ^ seed.1)
        let b = Self.fold(key.high.address.high ^ seed.2, key.high.address.low ^ seed.3)
        let h = Self.fold(a ^ ports ^ seed.4, b ^ 0x9E37_79B9_7F4A_7C15)
        return UInt32(truncatingIfNeeded: h ^ h >> 32)
    }

    /// The slot of `key`; `holds(slot)` tells whether a slot's conversation has the key.
    @inline(__always)
    func find(_ key: FlowKey, holds: (Int) -> Bool) -> Int? {
        let tag = tag(key)
        var i = Int(tag) & mask
        while true {
            let bucket = buckets[i]
            if bucket == 0 { return nil }
            if UInt32(truncatingIfNeeded: bucket >> 32) == tag {
                let slot = Int(truncatingIfNeeded: bucket & 0xFFFF_FFFF) - 1
                if holds(slot) { return slot }
            }
            i = (i + 1) & mask
        }
    }

    /// Adds `key` (not in the index yet) at `slot`.
    mutating func insert(_ key: FlowKey, slot: Int) {
        if (count + 1) * 2 > buckets.count { grow() }
        let tag = tag(key)
        var i = Int(tag) & mask
        while buckets[i] != 0 { i = (i + 1) & mask }
        buckets[i] = UInt64(tag) << 32 | UInt64(slot + 1)
        count += 1
    }

    /// Removes `key`, which is at `slot`.
    mutating func remove(_ key: FlowKey, slot: Int) {
        let tag = tag(key)
        let entry = UInt64(tag) << 32 | UInt64(slot + 1)
        var i = Int(tag) & mask
        while buckets[i] != entry {
            if buckets[i] == 0 { return }
            i = (i + 1) & mask
        }
        // Backward-shift deletion: move later members of the cluster into the hole when
        // their home does not lie cyclically between the hole and where they sit.
        var hole = i
        var j = i
        while true {
            j = (j + 1) & mask
            let bucket = buckets[j]
            if bucket == 0 { break }
            let home = Int(truncatingIfNeeded: bucket >> 32) & mask
            let stays = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j)
            if !stays {
                buckets[hole] = bucket
                hole = j
            }
        }
        buckets[hole] = 0
        count -= 1
    }

    private mutating func grow() {
        let old = buckets
        buckets = Array(repeating: 0, count: old.count * 2)
        mask = buckets.count - 1
        for bucket in old where bucket != 0 {
            var i = Int(truncatingIfNeeded: bucket >> 32) & mask
            while buckets[i] != 0 { i = (i + 1) & mask }
            buckets[i] = bucket
        }
    }
}
