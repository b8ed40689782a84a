#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One large output buffer in front of a file descriptor: writers append little-endian
/// fields and bytes, and it goes out in big `write(2)` calls.
final class FileWriteBuffer {
    static let capacity = 1 << 20

    private var bytes: [UInt8] = []
    let fileDescriptor: Int32
    private let closesDescriptor: Bool
    /// Bytes handed to the kernel so far.
    private(set) var bytesWritten: Int64 = 0
    /// The file's length up to the end of the last whole record the kernel took: where
    /// the file is cut back to when a write fails half-way (a full disk).
    private(set) var wholeBytes: Int64 = 0
    /// Frames whose every byte reached the kernel.
    private(set) var framesOnDisk = 0
    /// Where each record still in the buffer ends (as a file offset), and whether it is
    /// a frame (not a header block).
    private var recordEnds: [(end: Int64, isFrame: Bool)] = []
    /// The first write failure: once a record is lost, nothing after it is written, so
    /// the file never holds a hole.
    private(set) var failure: CaptureWriteError?

    init(fileDescriptor: Int32, closesDescriptor: Bool) {
        self.fileDescriptor = fileDescriptor
        self.closesDescriptor = closesDescriptor
        bytes.reserveCapacity(Self.capacity)
    }

    deinit {
        try? flush()
        if closesDescriptor { _ = close(fileDescriptor) }
    }

    @inline(__always) func append(_ value: UInt8) { bytes.append(value) }
    @inline(__always) func append(_ value: UInt16) { appendLittleEndian(value) }
    @inline(__always) func append(_ value: UInt32) { appendLittleEndian(value) }
    @inline(__always) func append(_ value: UInt64) { appendLittleEndian(value) }

    func append(_ view: ByteView) {
        view.withUnsafeBytes { bytes.append(contentsOf: $0) }
    }

    func append(_ values: [UInt8]) { bytes.append(contentsOf: values) }

    func appendZeros(_ count: Int) {
        for _ in 0..<max(count, 0) { bytes.append(0) }
    }

    private func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        var v = value.littleEndian
        for _ in 0..<MemoryLayout<T>.size {
            bytes.append(UInt8(truncatingIfNeeded: v))
            v >>= 8
        }
    }

    /// Marks the end of one record (a frame, or a header block when `isFrame` is false):
    /// a failed write cuts the file back to the last such mark that reached the disk.
    func endRecord(isFrame: Bool) {
        recordEnds.append((bytesWritten + Int64(bytes.count), isFrame))
    }

    /// Writes the buffer out once it holds at least ``capacity`` bytes.
    func flushIfFull() throws(CaptureWriteError) {
        if bytes.count >= Self.capacity { try flush() }
    }

    /// Writes everything buffered.
    func flush() throws(CaptureWriteError) {
        if let failure {
            bytes.removeAll(keepingCapacity: true)
            throw failure
        }
        while !bytes.isEmpty {
            let n = write(fileDescriptor, bytes, bytes.count)
            if n > 0 {
                bytesWritten &+= Int64(n)
                if n == bytes.count { bytes.removeAll(keepingCapacity: true) } else { bytes.removeFirst(n) }
                continue
            }
            let code = n < 0 ? errno : EIO
            if code == EINTR { continue }
            // Drop what could not be written so a later flush (or deinit) does not retry forever.
            bytes.removeAll(keepingCapacity: true)
            let error = CaptureWriteError(errno: code)
            failure = error
            settleRecords()
            cutBackToWholeRecords()
            throw error
        }
        settleRecords()
    }

    /// Counts the records that reached the kernel whole.
    private func settleRecords() {
        var settled = 0
        for record in recordEnds {
            guard record.end <= bytesWritten else { break }
            wholeBytes = record.end
            if record.isFrame { framesOnDisk += 1 }
            settled += 1
        }
        recordEnds.removeFirst(settled)
    }

    /// A write that stopped half-way (the disk filled during a 1 MiB write) leaves a
    /// record cut short at the end of the file, which every reader reports as damage:
    /// cut the file back to the last whole record. Only a regular file this writer
    /// created (a pipe or a device cannot be cut, and a file the shell opened for
    /// standard output may hold more than ours).
    private func cutBackToWholeRecords() {
        guard closesDescriptor, bytesWritten > wholeBytes else { return }
        var info = stat()
        guard fstat(fileDescriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return }
        if ftruncate(fileDescriptor, off_t(wholeBytes)) == 0 { bytesWritten = wholeBytes }
    }
}
