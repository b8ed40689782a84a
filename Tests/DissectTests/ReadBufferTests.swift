import Foundation
import Testing
@testable import Dissect

@Suite struct ReadBufferTests {
    /// A pipe holding `bytes` (written by a background thread, so any size works).
    static func pipe(with bytes: [UInt8]) -> Int32 {
        var fds: [Int32] = [0, 0]
        #expect(Foundation.pipe(&fds) == 0)
        let writeEnd = fds[1]
        let thread = Thread {
            var offset = 0
            while offset < bytes.count {
                let n = bytes[offset...].withUnsafeBytes { write(writeEnd, $0.baseAddress, $0.count) }
                if n <= 0 { break }
                offset += n
            }
            close(writeEnd)
        }
        thread.start()
        return fds[0]
    }

    static func words(_ n: Int) -> [UInt8] {
        var b = ByteBuilder()
        for i in 0..<n { b.u32(UInt32(i)) }
        return b.bytes
    }

    @Test func regularFileCompactsAndNeverGrowsPastTheFile() throws {
        let path = Capture.temporaryFile(Self.words(2500))   // 10,000 bytes
        defer { try? FileManager.default.removeItem(atPath: path) }
        let fd = open(path, O_RDONLY)
        let buffer = ReadBuffer(fileDescriptor: fd, closesDescriptor: true, initialCapacity: 64)
        #expect(buffer.fileSize == 10_000)
        // Walk in odd steps so every read straddles a refill and a compaction.
        var expected: UInt32 = 0
        while try buffer.ensure(12) {
            let v = buffer.view(count: 12)
            #expect(v.u32le(0) == expected && v.u32le(8) == expected + 2)
            buffer.advance(4)
            expected += 1
        }
        #expect(expected == 2498)
        #expect(buffer.bufferCapacity == 64)
        // A request past the end of the file fails without growing the buffer.
        #expect(try !buffer.ensure(1_000_000))
        #expect(buffer.bufferCapacity == 64)
        #expect(buffer.available == 8)
        #expect(buffer.knownRemaining == 8)
        #expect(buffer.offset == 9992)
    }

    @Test func pipeGrowsOnlyAsDataArrives() throws {
        let buffer = ReadBuffer(fileDescriptor: Self.pipe(with: Self.words(1250)), closesDescriptor: true, initialCapacity: 64)
        #expect(buffer.fileSize == nil)
        #expect(try buffer.ensure(4000))
        #expect(buffer.view(count: 4000).u32le(3996) == 999)
        #expect(buffer.bufferCapacity <= 8192)
        // Asking for far more than the pipe delivers stops at its end.
        #expect(try !buffer.ensure(200 << 20))
        #expect(buffer.available == 5000)
        #expect(buffer.bufferCapacity <= 16384)
        #expect(buffer.reachedEOF)
    }

    @Test func skipStreamsWithoutBuffering() throws {
        let buffer = ReadBuffer(fileDescriptor: Self.pipe(with: Self.words(100_000)), closesDescriptor: true, initialCapacity: 4096)
        #expect(try buffer.ensure(8))
        #expect(try buffer.skip(300_000))
        #expect(try buffer.ensure(4))
        #expect(buffer.view(count: 4).u32le(0) == 75_000)
        #expect(buffer.bufferCapacity == 4096)
        #expect(try !buffer.skip(1_000_000))
        #expect(buffer.offset == 400_000)
    }

    @Test func requestsAboveTheHardCapFail() throws {
        let buffer = ReadBuffer(fileDescriptor: Self.pipe(with: [1, 2, 3]), closesDescriptor: true)
        #expect(try !buffer.ensure(ReadBuffer.maximumRequest + 1))
        #expect(try !buffer.ensure(-1))
        #expect(try buffer.ensure(3))
    }
}

@Suite struct StreamingReaderTests {
    @Test func readsFromAPipe() throws {
        // ~3 MB through a pipe: many small packets, a 2 MiB custom block (a frame, as
        // tshark lists it) and a 1.5 MiB D-Bus message, which need the buffer to grow.
        var bytes = Capture.shb() + Capture.idb(linkType: 1) + Capture.idb(linkType: 231)
        for i in 0..<2000 { bytes += Capture.epb(units: UInt64(i), data: Capture.payload(300, seed: UInt8(i & 0xFF))) }
        bytes += Capture.block(0x0BAD, body: Capture.payload(2 << 20))
        bytes += Capture.epb(interface: 1, units: 7, data: Capture.payload(1_500_000))
        bytes += Capture.epb(units: 8, data: [1, 2, 3])
        let fd = ReadBufferTests.pipe(with: bytes)
        defer { close(fd) }
        let reader = try CaptureFileReader(fileDescriptor: fd, name: "pipe")
        #expect(reader.fileSize == nil)
        var count = 0
        var last: [UInt8] = []
        var big = 0
        while let frame = try reader.next() {
            count += 1
            #expect(reader.framesRead == count)
            if count <= 2000 { #expect(frame.bytes.count == 300 && frame.bytes[1] == UInt8(truncatingIfNeeded: count)) }
            if frame.interfaceID == 1 { big = frame.bytes.count }
            last = Array(frame.bytes)
        }
        #expect(count == 2003)
        #expect(big == 1_500_000)
        #expect(last == [1, 2, 3])
        #expect(reader.bytesConsumed == Int64(bytes.count))
        #expect(reader.input.bufferCapacity <= 4 << 20)
    }

    @Test func dashMeansStandardInput() throws {
        let bytes = Capture.pcapHeader(magic: 0xA1B2_C3D4)
            + Capture.pcapRecord(seconds: 1, fraction: 0, data: Capture.payload(50))
        let pipeEnd = ReadBufferTests.pipe(with: bytes)
        let saved = dup(STDIN_FILENO)
        dup2(pipeEnd, STDIN_FILENO)
        close(pipeEnd)
        defer { dup2(saved, STDIN_FILENO); close(saved) }
        let r = Capture.read(path: "-")
        #expect(r.error == nil)
        #expect(r.frames.map(\.bytes) == [Capture.payload(50)])
    }

    @Test func memoryStaysFlatOnALargeFile() throws {
        // 24 MB of 1500-byte packets: the buffer must stay at its initial size.
        var record = Capture.pcapRecord(seconds: 1, fraction: 0, data: Capture.payload(1500))
        var bytes = Capture.pcapHeader(magic: 0xA1B2_C3D4)
        bytes.reserveCapacity(24 + 16_000 * record.count)
        for i in 0..<16_000 {
            record[0] = UInt8(truncatingIfNeeded: i)
            bytes += record
        }
        let path = Capture.temporaryFile(bytes)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let reader = try CaptureFileReader(path: path)
        #expect(reader.fileSize == Int64(bytes.count))
        var n = 0
        while let frame = try reader.next() {
            if frame.bytes.count != 1500 || frame.timestamp.seconds & 0xFF != Int64(n & 0xFF) {
                Issue.record("frame \(n + 1) is wrong")
            }
            n += 1
        }
        #expect(n == 16_000)
        #expect(reader.input.bufferCapacity == ReadBuffer.initialCapacity)
        #expect(reader.bytesConsumed == reader.fileSize)
    }
}
