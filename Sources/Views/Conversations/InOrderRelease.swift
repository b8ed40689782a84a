/// Releases items numbered 0, 1, 2, ... in that order, though they arrive in any order:
/// conversations end in any order but are listed in the order they began. Only the items
/// that ended while an older one is still open are held, so memory follows the live
/// conversations, not the length of the capture.
///
/// One conversation that stays open for the whole capture would hold back every later row,
/// so at most `limit` items wait: past that, the held items are released in order and the
/// ones still open are released when they arrive, out of order.
public struct InOrderRelease<Item> {
    // Inlinable so that callers in other modules get code specialized to their Item.
    @usableFromInline var waiting: [Int: Item?] = [:]
    @usableFromInline var next = 0
    @usableFromInline let limit: Int

    public init(limit: Int = 50_000) {
        self.limit = max(1, limit)
    }

    /// Items held back for an older one.
    public var waitingCount: Int { waiting.count }

    /// Hands over item `number` (nil: nothing to release under that number, but later
    /// numbers need not wait for it), then releases every item now in order.
    @inlinable
    public mutating func add(_ item: Item?, number: Int, release: (Item) -> Void) {
        guard number >= next else {
            if let item { release(item) }
            return
        }
        waiting[number] = .some(item)
        while let ready = waiting.removeValue(forKey: next) {
            next += 1
            if let ready { release(ready) }
        }
        if waiting.count > limit { flush(release: release) }
    }

    /// Releases everything held, in order, as if every missing number had arrived empty.
    @inlinable
    public mutating func flush(release: (Item) -> Void) {
        for (number, item) in waiting.sorted(by: { $0.key < $1.key }) {
            if let item { release(item) }
            next = number + 1
        }
        waiting.removeAll(keepingCapacity: false)
    }
}
