#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A streaming input buffer over a file descriptor: a regular file, a pipe or stdin.
///
/// It owns one heap buffer, fills it with large `read(2)` calls and hands out
/// ``ByteView``s into it. A view stays valid until the next call to `ensure`,
/// `skip` or `discardBuffered`; `advance` only moves the read position.
///
/// The buffer never grows beyond what the input proves it holds: for a regular file a
/// request is checked against the bytes left in the file first; for a pipe the buffer
/// grows only when it is full of data that has actually arrived. No single request may
/// exceed ``maximumRequest``.
///
/// Together with `ByteView.swift` this is the only file in Dissect with raw pointers.
final class ReadBuffer {
    /// The initial buffer size; also the size of each read once the buffer has room.
    /// 512 KiB: twice the reads of 1 MiB (a few thousand a gigabyte, nothing next to the
    /// decoding) for half a MiB less resident.
    static let initialCapacity = 1 << 19
    /// The most bytes a caller may ask to see at once (one record or block).
    static let maximumRequest = 256 << 20

    /// What went wrong with the descriptor itself.
    struct Failure: Error, Equatable {
        let errno: Int32
    }

    private var storage: UnsafeMutableRawPointer
    private var capacity: Int
    /// Index in `storage` of the current read position.
    private var start = 0
    /// Index in `storage` one past the last valid byte.
    private var end = 0

    let fileDescriptor: Int32
    private let closesDescriptor: Bool
    /// Absolute input offset of the current read position.
    private(set) var offset: Int64
    /// Size of the input when it is a regular file (refreshed if the file grows), else nil.
    private(set) var fileSize: Int64?
    /// True once `read(2)` has returned 0.
    private(set) var reachedEOF = false

    /// Wraps `fileDescriptor`. It is closed on deinit only when `closesDescriptor` is true.
    init(fileDescriptor: Int32, closesDescriptor: Bool, initialCapacity: Int = ReadBuffer.initialCapacity) {
        self.fileDescriptor = fileDescriptor
        self.closesDescriptor = closesDescriptor
        capacity = max(initialCapacity, 64)
        storage = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
        var info = stat()
        if fstat(fileDescriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG {
            let position = lseek(fileDescriptor, 0, SEEK_CUR)
            offset = position >= 0 ? Int64(position) : 0
            fileSize = Int64(info.st_size)
        } else {
            offset = 0
            fileSize = nil
        }
    }

    deinit {
        storage.deallocate()
        if closesDescriptor { _ = close(fileDescriptor) }
    }

    /// The size of the heap buffer, for tests that check memory stays flat.
    var bufferCapacity: Int { capacity }

    /// Bytes buffered from the current position.
    var available: Int { end &- start }

    /// Bytes known to remain in the input from the current position: exact for a regular
    /// file, only what is buffered for a pipe until EOF has been seen.
    var knownRemaining: Int64 {
        if let fileSize { return max(fileSize &- offset, Int64(available)) }
        return Int64(available)
    }

    /// Makes `count` bytes available from the current position. Returns false when the
    /// input ends first (then `available` holds everything that was left).
    func ensure(_ count: Int) throws(Failure) -> Bool {
        guard count >= 0 else { return false }
        if count <= available { return true }
        guard count <= ReadBuffer.maximumRequest else { return false }
        if let size = fileSize, Int64(count) > size &- offset {
            // A file being written while we read may have grown since the last fstat.
            refreshFileSize()
            if let size = fileSize, Int64(count) > size &- offset {
                try fillToEnd(limit: Int(clamping: max(size &- offset, 0)))
                return false
            }
        }
        try fill(atLeast: count)
        return available >= count
    }

    /// The `count` bytes at `position` from the current read position, which `ensure`
    /// must have made available.
    func view(at position: Int = 0, count: Int) -> ByteView {
        precondition(position >= 0 && count >= 0 && count <= available &- position, "ReadBuffer view out of range")
        return ByteView(start: storage + (start &+ position), count: count)
    }

    /// Moves the read position forward over `count` buffered bytes. Views stay valid.
    func advance(_ count: Int) {
        precondition(count >= 0 && count <= available, "ReadBuffer advance out of range")
        start &+= count
        offset &+= Int64(count)
    }

    /// Consumes `count` bytes, reading and discarding what is not buffered without
    /// growing the buffer. Returns false when the input ends first; everything that was
    /// left has then been consumed.
    func skip(_ count: Int64) throws(Failure) -> Bool {
        guard count >= 0 else { return false }
        var remaining = count
        while true {
            let step = Int(clamping: min(remaining, Int64(available)))
            advance(step)
            remaining &-= Int64(step)
            if remaining == 0 { return true }
            if reachedEOF { return false }
            start = 0
            end = 0
            let got = try readChunk()
            if got == 0 { return false }
        }
    }

    /// Moves the read position to `absolute` in a regular file, dropping what is buffered.
    /// Returns false for a pipe or when the descriptor cannot seek.
    func reposition(to absolute: Int64) -> Bool {
        guard fileSize != nil, absolute >= 0, lseek(fileDescriptor, off_t(absolute), SEEK_SET) >= 0 else { return false }
        start = 0
        end = 0
        offset = absolute
        reachedEOF = false
        return true
    }

    // MARK: - Filling

    private func refreshFileSize() {
        var info = stat()
        if fstat(fileDescriptor, &info) == 0 { fileSize = Int64(info.st_size) }
        reachedEOF = false
    }

    /// Reads until `count` bytes are buffered or the input ends.
    private func fill(atLeast count: Int) throws(Failure) {
        makeRoom(for: count)
        while available < count && !reachedEOF {
            if end == capacity {
                // Only reached for pipes: the buffer is full of real data, so doubling
                // it at most doubles what the input has already delivered.
                grow(to: min(max(capacity &* 2, available), roundedCapacity(for: count)))
            }
            _ = try readChunk()
        }
    }

    /// Reads what is left of a regular file, up to `limit` bytes past the position, so a
    /// truncation error can say how much there was.
    private func fillToEnd(limit: Int) throws(Failure) {
        let target = min(limit, capacity)
        if target <= available { return }
        makeRoom(for: target)
        while available < target && !reachedEOF {
            _ = try readChunk()
        }
    }

    /// Compacts, and for regular files grows, so that `count` bytes fit from index 0.
    private func makeRoom(for count: Int) {
        if capacity &- start < count && start > 0 {
            if available > 0 { storage.copyMemory(from: storage + start, byteCount: available) }
            end = available
            start = 0
        }
        if count > capacity && fileSize != nil {
            // The caller checked `count` against the bytes left in the file.
            grow(to: roundedCapacity(for: count))
        }
    }

    private func roundedCapacity(for count: Int) -> Int {
        let chunk = 64 << 10
        return min((count &+ chunk &- 1) / chunk &* chunk, ReadBuffer.maximumRequest)
    }

    private func grow(to newCapacity: Int) {
        guard newCapacity > capacity else { return }
        let bigger = UnsafeMutableRawPointer.allocate(byteCount: newCapacity, alignment: 16)
        if available > 0 { bigger.copyMemory(from: storage + start, byteCount: available) }
        storage.deallocate()
        storage = bigger
        capacity = newCapacity
        end = available
        start = 0
    }

    /// One `read(2)` into the free tail of the buffer; returns the byte count.
    @discardableResult
    private func readChunk() throws(Failure) -> Int {
        if start == end { start = 0; end = 0 }
        guard end < capacity else { return 0 }
        while true {
            let n = read(fileDescriptor, storage + end, capacity &- end)
            if n > 0 {
                end &+= n
                return n
            }
            if n == 0 {
                reachedEOF = true
                return 0
            }
            let code = errno
            if code == EINTR { continue }
            throw Failure(errno: code)
        }
    }
}
