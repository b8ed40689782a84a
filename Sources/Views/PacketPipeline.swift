import Dispatch
import Dissect
import Follow
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The packet loop split over two threads. The caller's thread reads raw frames into
/// batches; a worker decodes and follows them. The view runs either back on the caller's
/// thread (`.caller`, where formatting then runs beside the decoding and following of later
/// frames: `read` takes a third less wall time on two cores) or on the worker right after
/// the follower (`.worker`, for views that keep state of their own or read the follower's
/// as they go; the caller then decodes too). Frames reach the view in order, exactly as
/// ``PacketLoop`` gives them.
///
/// Batches go round a ring: read (caller) → decoded and followed (worker) → viewed (caller
/// or worker) → read again. Each batch owns a copy of its frames' bytes, so the reader may
/// reuse its buffer at once.
public final class PacketPipeline: @unchecked Sendable {
    // Measured on the 1M-packet benchmark file: 64- and 128-frame batches spend their
    // time handing batches over; 1024 and more fall out of the cache. 256 runs as fast as
    // 512 and holds half the decoded frames (a frame is about 3.5 KB: 7 MB for 2048).
    static let framesPerBatch = 256
    static let batchCount = 4
    static let arenaBytes = 1 << 19

    /// One thread at a time owns a batch (the semaphores hand it over), so its state skips
    /// the dynamic exclusivity checks: a view running inside the read of `inputs` would
    /// otherwise make every other check in the view slower.
    private final class Batch {
        let arena = ByteArena(capacity: PacketPipeline.arenaBytes)
        /// Made as the batch first fills up, so that a small file does not pay for them all.
        @exclusivity(unchecked) var frames: [Frame] = []
        /// The accepted frames, their bytes in `arena`, with how many rejected frames came
        /// before each (they keep their numbers).
        @exclusivity(unchecked) var raws: [(frame: RawFrame, skippedBefore: Int)] = []
        /// When the view runs on the worker, the caller decodes too: `frames[i]` is then
        /// `raws[i]` decoded, with its timestamps here.
        @exclusivity(unchecked) var times: [FrameTimes] = []
        @exclusivity(unchecked) var inputs: [FieldInput] = []
        /// Set on the batch after the last frame: the reader's error, if the file ended in one.
        @exclusivity(unchecked) var failure: CaptureFileError?
        @exclusivity(unchecked) var isLast = false

        init() {
            raws.reserveCapacity(PacketPipeline.framesPerBatch)
            times.reserveCapacity(PacketPipeline.framesPerBatch)
            inputs.reserveCapacity(PacketPipeline.framesPerBatch)
        }

        func removeAll() {
            arena.removeAll()
            raws.removeAll(keepingCapacity: true)
            times.removeAll(keepingCapacity: true)
            inputs.removeAll(keepingCapacity: true)
            failure = nil
            isLast = false
        }
    }

    // The caller's thread owns the reader side; the loop (numbering and decoding) belongs
    // to whichever thread decodes, and the follower to the worker. Nothing is touched by
    // both, so the dynamic exclusivity checks are skipped.
    private let next: () throws(CaptureFileError) -> RawFrame?
    private let accept: (RawFrame) -> Bool
    @exclusivity(unchecked) private var carried: RawFrame?
    @exclusivity(unchecked) private var skipped = 0
    @exclusivity(unchecked) private var loop: PacketLoop
    private let follower: Follower

    private let batches = (0..<PacketPipeline.batchCount).map { _ in Batch() }
    /// Each hand-over of a batch goes through a semaphore, which also orders the memory
    /// the batch holds between the threads.
    private let free = DispatchSemaphore(value: PacketPipeline.batchCount)
    private let read = DispatchSemaphore(value: 0)
    private let followed = DispatchSemaphore(value: 0)
    /// The view, when it runs on the worker; set only while `run` waits for the worker.
    @exclusivity(unchecked) private var workerView: ((FieldInput) -> Bool)?
    /// Set by the worker's view when it has seen enough; the caller then stops reading.
    private let stopping = Atomic<Bool>(false)

    /// Which thread runs the view.
    public enum ViewThread: Sendable {
        /// The caller's, between reading batches. The view must not touch the follower,
        /// which the worker is running meanwhile; it gets all it needs in each FieldInput.
        case caller
        /// The worker's, right after the follower. The caller's thread only reads.
        case worker
    }

    /// False for a source whose frames may trickle in (a pipe): a batch would hold the
    /// first frames back until 512 had come, so the caller's thread does it all, frame by frame.
    private let batching: Bool

    /// - Parameters:
    ///   - next: the source's next raw frame; called on the caller's thread only.
    ///   - accept: the capture filter; rejected frames keep their number but are not decoded.
    ///   - batching: false to run frame by frame on the caller's thread.
    public init(loop: PacketLoop, next: @escaping () throws(CaptureFileError) -> RawFrame?,
                accept: @escaping (RawFrame) -> Bool = { _ in true }, batching: Bool = true) {
        self.loop = loop
        follower = loop.follower
        self.next = next
        self.accept = accept
        self.batching = batching
    }

    /// Calls `body` with every accepted frame in order until it returns false or the
    /// frames end, then throws the source's error if the frames ended in one.
    /// - Parameters:
    ///   - betweenBatches: runs on the caller's thread after each batch is read (a progress
    ///     bar may look at the source then).
    public func run(viewOn viewThread: ViewThread = .caller, betweenBatches: () -> Void = {},
                    _ body: (FieldInput) -> Bool) throws(CaptureFileError) {
        guard batching else { return try runOnCallerThread(body) }
        // The follower needs nothing above TCP and UDP: with the view on this thread, the
        // worker stops there and this thread decodes the rest, which evens the load.
        let decodesAboveTransport = viewThread == .caller && loop.depth == .application
        if decodesAboveTransport { loop.depth = .transport }
        try withoutActuallyEscaping(body) { (body) throws(CaptureFileError) in
            if viewThread == .worker { workerView = body }
            defer { workerView = nil }
            var thread = pthread_t()
            let context = Unmanaged.passRetained(self).toOpaque()
            guard pthread_create(&thread, nil, { raw in
                Unmanaged<PacketPipeline>.fromOpaque(raw!).takeRetainedValue().follow()
                return nil
            }, context) == 0 else {
                Unmanaged<PacketPipeline>.fromOpaque(context).release()
                return try runOnCallerThread(body)
            }
            switch viewThread {
            case .caller:
                defer { pthread_join(thread, nil) }
                try readAndView(betweenBatches: betweenBatches) { (input: inout FieldInput) in
                    if decodesAboveTransport { FrameDecoder.decodeAboveTransport(input.frame) }
                    return body(input)
                }
            case .worker:
                let failure = readOnly(betweenBatches: betweenBatches)
                pthread_join(thread, nil)
                // An error after the frames the view wanted is none of its business.
                if let failure, !stopping.load(ordering: .relaxed) { throw failure }
            }
        }
    }

    /// `body` gets each input `inout`, in the batch's own storage: passed by value it was
    /// copied on its way (about 400 instructions with its five references counted and
    /// released), whether read through the array, a buffer pointer or a constant, as
    /// nothing proved the storage unchanged while `body` ran.
    private func readAndView(betweenBatches: () -> Void, _ body: (inout FieldInput) -> Bool) throws(CaptureFileError) {
        var readIndex = 0, viewIndex = 0
        var sentLast = false
        var wanted = true
        while true {
            // Keep the worker supplied: read into every free batch before viewing one.
            while !sentLast, free.wait(timeout: .now()) == .success {
                sentLast = handOverBatch(&readIndex, wanted: wanted, betweenBatches: betweenBatches).isLast
            }
            followed.wait()
            let batch = batches[viewIndex]
            viewIndex = (viewIndex + 1) % Self.batchCount
            if wanted {
                wanted = batch.inputs.withUnsafeMutableBufferPointer { inputs in
                    for i in inputs.indices where !body(&inputs[i]) { return false }
                    return true
                }
            }
            let isLast = batch.isLast, failure = batch.failure
            free.signal()
            if isLast {
                if wanted, let failure { throw failure }
                return
            }
        }
    }

    /// Reads batches for the worker until the frames end or its view has seen enough;
    /// returns the source's error, if the frames ended in one.
    private func readOnly(betweenBatches: () -> Void) -> CaptureFileError? {
        var readIndex = 0
        while true {
            free.wait()
            let handed = handOverBatch(&readIndex, wanted: !stopping.load(ordering: .relaxed),
                                       betweenBatches: betweenBatches)
            if handed.isLast { return handed.failure }
        }
    }

    /// Empties the free batch at `index`, reads into it (or marks it the last, when no
    /// more frames are wanted) and hands it to the worker; moves `index` on.
    private func handOverBatch(_ index: inout Int, wanted: Bool,
                               betweenBatches: () -> Void) -> (isLast: Bool, failure: CaptureFileError?) {
        let batch = batches[index]
        index = (index + 1) % Self.batchCount
        batch.removeAll()
        if wanted { fill(batch) } else { batch.isLast = true }
        let handed = (batch.isLast, batch.failure)
        betweenBatches()
        read.signal()
        return handed
    }

    /// Without batches or a second thread, the same loop on one.
    private func runOnCallerThread(_ body: (FieldInput) -> Bool) throws(CaptureFileError) {
        while let raw = try next() {
            if loop.process(raw, accept: accept, body) == false { return }
        }
    }

    /// The caller's side: reads frames into `batch` until it is full or the frames end.
    private func fill(_ batch: Batch) {
        while batch.raws.count < Self.framesPerBatch {
            let raw: RawFrame
            if let carried {
                raw = carried
                self.carried = nil
            } else {
                do {
                    guard let frame = try next() else {
                        batch.isLast = true
                        return
                    }
                    raw = frame
                } catch {
                    batch.failure = error
                    batch.isLast = true
                    return
                }
                guard accept(raw) else {
                    skipped += 1
                    continue
                }
            }
            guard let bytes = batch.arena.copy(raw.bytes) else {
                // The arena is full: the frame opens the next batch, its bytes still valid
                // because the source is not asked for another frame before then.
                carried = raw
                return
            }
            var copy = raw
            copy.bytes = bytes
            if batch.frames.count == batch.raws.count { batch.frames.append(Frame()) }
            if workerView != nil {
                // The worker has the follower and the view to run: decoding here evens the load.
                loop.skip(skipped)
                batch.times.append(loop.decode(copy, into: batch.frames[batch.raws.count]))
            }
            batch.raws.append((copy, skipped))
            skipped = 0
        }
    }

    /// The worker: decodes (unless the caller did) and follows each batch in ring order,
    /// and views it when the view runs here.
    private func follow() {
        var index = 0
        var wanted = true
        while true {
            read.wait()
            let batch = batches[index]
            index = (index + 1) % Self.batchCount
            if let view = workerView {
                for i in batch.times.indices where wanted {
                    let frame = batch.frames[i], times = batch.times[i]
                    let input = FieldInput(frame: frame, analysis: follower.process(frame),
                                           reference: times.reference, previous: times.previous)
                    if !view(input) {
                        wanted = false
                        stopping.store(true, ordering: .relaxed)
                    }
                }
            } else {
                for (i, entry) in batch.raws.enumerated() {
                    loop.skip(entry.skippedBefore)
                    let frame = batch.frames[i]
                    let times = loop.decode(entry.frame, into: frame)
                    // The follower writes into the batch's own input: a returned analysis
                    // (about 430 bytes) would be copied twice on the way in.
                    batch.inputs.append(FieldInput(frame: frame, analysis: FrameAnalysis(),
                                                   reference: times.reference, previous: times.previous))
                    follower.process(frame, into: &batch.inputs[batch.inputs.count - 1].analysis)
                }
            }
            let isLast = batch.isLast
            if workerView == nil { followed.signal() } else { free.signal() }
            if isLast { return }
        }
    }
}
