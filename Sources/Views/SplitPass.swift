import Dispatch
import Dissect
import Follow
#if canImport(Glibc)
import Glibc
#endif

/// A pass over raw records on two threads, for `conversations`: the caller's thread reads
/// each record and looks at it (`look`, ``Follow/ConversationLedger/look(_:number:)``), a
/// worker takes what it made, in order (`take`, ``Follow/ConversationLedger/take(_:)``).
/// Not generic: a generic class used from another module runs unspecialized, slower than
/// one thread. Batches go round a ring of four, as in ``PacketPipeline``; a batch holds
/// the items, and copies of the bytes of the few frames whose items still need them.
public final class SplitPass: @unchecked Sendable {
    public typealias Item = ConversationLedger.Item
    static var itemsPerBatch: Int { 1024 }
    static var batchCount: Int { 4 }
    /// Only frames the look could not settle are copied: a small arena is plenty.
    static var arenaBytes: Int { 256 << 10 }

    /// One thread at a time owns a batch (the semaphores hand it over).
    private final class Batch {
        let arena = ByteArena(capacity: SplitPass.arenaBytes)
        /// Written and read in place: an item is large, and every copy of it costs.
        let items = UnsafeMutablePointer<Item>.allocate(capacity: SplitPass.itemsPerBatch)
        @exclusivity(unchecked) var count = 0
        @exclusivity(unchecked) var isLast = false

        deinit {
            items.deinitialize(count: count)
            items.deallocate()
        }
    }

    private let batches = (0..<SplitPass.batchCount).map { _ in Batch() }
    private let free = DispatchSemaphore(value: SplitPass.batchCount)
    private let filled = DispatchSemaphore(value: 0)
    /// Set only while `run` waits for the worker.
    @exclusivity(unchecked) private var take: ((UnsafeMutablePointer<Item>) -> Void)?

    public init() {}

    /// Reads with `next` until the frames end, `look`s at each on this thread and hands the
    /// items to `take` on a worker, in order; returns after the worker took the last one.
    /// Throws the source's error after every item before it was taken.
    /// - Parameters:
    ///   - look: the frame, its number, the batch's arena for bytes that must outlive the
    ///     reader's buffer, and the place to initialize the item in; false (nothing
    ///     initialized) when the arena has no room: the frame then opens the next batch.
    ///   - betweenBatches: runs on this thread after each batch is read (a progress bar).
    public func run(next: () throws(CaptureFileError) -> RawFrame?,
                    look: (RawFrame, Int, ByteArena, UnsafeMutablePointer<Item>) -> Bool,
                    take: @escaping (UnsafeMutablePointer<Item>) -> Void,
                    betweenBatches: () -> Void = {}) throws(CaptureFileError) {
        self.take = take
        defer { self.take = nil }
        var thread = pthread_t()
        let context = Unmanaged.passRetained(self).toOpaque()
        guard pthread_create(&thread, nil, { raw in
            Unmanaged<SplitPass>.fromOpaque(raw!).takeRetainedValue().work()
            return nil
        }, context) == 0 else {
            Unmanaged<SplitPass>.fromOpaque(context).release()
            // No second thread: the same work on this one.
            let batch = batches[0]
            var number = 0
            while let raw = try next() {
                number &+= 1
                batch.arena.removeAll()
                if look(raw, number, batch.arena, batch.items) {
                    take(batch.items)
                    batch.items.deinitialize(count: 1)
                }
            }
            return
        }
        var index = 0
        var number = 0
        var carried: RawFrame?
        var failure: CaptureFileError?
        var done = false
        while !done {
            free.wait()
            let batch = batches[index]
            index = (index + 1) % Self.batchCount
            batch.items.deinitialize(count: batch.count)
            batch.count = 0
            batch.arena.removeAll()
            while batch.count < Self.itemsPerBatch {
                let raw: RawFrame
                if let frame = carried {
                    raw = frame
                    carried = nil
                } else {
                    do {
                        guard let frame = try next() else {
                            done = true
                            break
                        }
                        raw = frame
                        number &+= 1
                    } catch {
                        failure = error
                        done = true
                        break
                    }
                }
                guard look(raw, number, batch.arena, batch.items + batch.count) else {
                    // No room for its bytes: it opens the next batch, its bytes still valid
                    // because the reader is not asked for another frame before then.
                    carried = raw
                    break
                }
                batch.count += 1
            }
            batch.isLast = done
            betweenBatches()
            filled.signal()
        }
        pthread_join(thread, nil)
        if let failure { throw failure }
    }

    /// The worker: takes each batch's items in ring order.
    private func work() {
        var index = 0
        while true {
            filled.wait()
            let batch = batches[index]
            index = (index + 1) % Self.batchCount
            if let take {
                for i in 0..<batch.count { take(batch.items + i) }
            }
            let isLast = batch.isLast
            free.signal()
            if isLast { return }
        }
    }
}
