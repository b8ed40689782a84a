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

    /// Writes the buffer out once it holds at least ``capacity`` bytes.
    func flushIfFull() throws(CaptureWriteError) {
        if bytes.count >= Self.capacity { try flush() }
    }

    /// Writes everything buffered.
    func flush() throws(CaptureWriteError) {
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
            throw CaptureWriteError(errno: code)
        }
    }
}
