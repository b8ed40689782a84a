/// Copies of frames' bytes that outlive the reader's buffer, for a batch of frames handed
/// to another thread. Filled, read, then emptied as a whole: no per-frame allocation.
///
/// One thread at a time uses an arena (its owner hands it over with the batch), so its
/// state skips the dynamic exclusivity checks, which cost more than a short copy.
public final class ByteArena: @unchecked Sendable {
    @exclusivity(unchecked) private var storage: UnsafeMutableRawPointer
    /// Bytes the arena holds before it is full.
    @exclusivity(unchecked) public private(set) var capacity: Int
    private let normalCapacity: Int
    /// Bytes copied in since the last `removeAll()`.
    @exclusivity(unchecked) public private(set) var used = 0

    public init(capacity: Int) {
        self.capacity = max(capacity, 64)
        normalCapacity = self.capacity
        storage = UnsafeMutableRawPointer.allocate(byteCount: self.capacity, alignment: 16)
    }

    deinit { storage.deallocate() }

    /// A copy of `bytes` inside the arena, valid until `removeAll()`; nil when they do not
    /// fit beside what it already holds. An empty arena grows to fit a larger frame, whose
    /// size the reader has already bounded.
    public func copy(_ bytes: ByteView) -> ByteView? {
        if bytes.count > capacity &- used {
            guard used == 0 else { return nil }
            storage.deallocate()
            capacity = bytes.count
            storage = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
        }
        let destination = storage + used
        bytes.withUnsafeBytes { source in
            if let base = source.baseAddress { destination.copyMemory(from: base, byteCount: source.count) }
        }
        used &+= bytes.count
        return ByteView(start: destination, count: bytes.count)
    }

    /// Forgets every copy: views handed out before are no longer valid. An arena grown
    /// for one large frame shrinks back.
    public func removeAll() {
        used = 0
        if capacity > normalCapacity {
            storage.deallocate()
            capacity = normalCapacity
            storage = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
        }
    }
}
