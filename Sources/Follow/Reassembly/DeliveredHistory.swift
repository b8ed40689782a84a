import Dissect

/// A ring of the last bytes delivered, addressed by stream offset, used only to compare
/// retransmitted bytes with what was delivered. It covers `[endOffset - count, endOffset)`.
struct DeliveredHistory {
    private var storage: [UInt8] = []
    private(set) var count = 0
    private(set) var endOffset: Int64 = 0

    var capacity: Int { storage.count }

    /// Forgets the contents (after a gap the history must stay contiguous).
    mutating func reset(at offset: Int64) {
        count = 0
        endOffset = offset
    }

    /// Releases the storage.
    mutating func clear() {
        storage = []
        count = 0
    }

    /// Moves to a larger ring, keeping the contents. Rare: capacities double.
    mutating func grow(to newCapacity: Int) {
        precondition(newCapacity > capacity)
        var new = [UInt8](repeating: 0, count: newCapacity)
        let old = capacity
        // Copy the live bytes in runs that are contiguous in both rings.
        var o = endOffset - Int64(count)
        while o < endOffset {
            let from = Int(o % Int64(old)), to = Int(o % Int64(newCapacity))
            let run = min(Int(endOffset - o), old - from, newCapacity - to)
            new[to..<(to + run)] = storage[from..<(from + run)]
            o += Int64(run)
        }
        storage = new
    }

    /// Appends `bytes`, which start at `offset == endOffset`.
    mutating func append(_ bytes: ByteView, at offset: Int64) {
        precondition(offset == endOffset)
        let n = bytes.count
        endOffset += Int64(n)
        let cap = capacity
        guard cap > 0, n > 0 else {
            count = min(count, cap)
            return
        }
        let skip = max(0, n - cap)
        var remaining = n - skip
        var src = skip
        var index = Int((offset + Int64(skip)) % Int64(cap))
        storage.withUnsafeMutableBytes { dst in
            bytes.withUnsafeBytes { raw in
                while remaining > 0 {
                    let k = min(remaining, cap - index)
                    dst.baseAddress!.advanced(by: index)
                        .copyMemory(from: raw.baseAddress!.advanced(by: src), byteCount: k)
                    remaining -= k
                    src += k
                    index = 0
                }
            }
        }
        count = min(count + n, cap)
    }

    /// Compares `bytes` (starting at stream offset `offset`) with the part of the history
    /// they overlap. Returns the bytes compared and how many of them differ.
    func compare(_ bytes: ByteView, at offset: Int64) -> (checked: Int, mismatched: Int) {
        let lo = max(offset, endOffset - Int64(count))
        let hi = min(offset + Int64(bytes.count), endOffset)
        guard lo < hi else { return (0, 0) }
        let cap = Int64(capacity)
        var mismatched = 0
        var o = lo
        while o < hi {
            if storage[Int(o % cap)] != bytes[Int(o - offset)] { mismatched += 1 }
            o += 1
        }
        return (Int(hi - lo), mismatched)
    }
}
