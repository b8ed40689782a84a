// Target 1: the capture-file reader (pcap and pcapng).
//
// The input is a whole capture file. It is read twice: once from a regular (unlinked
// temporary) file, where the reader knows the file size, and once from a pipe, where
// it does not. Every frame is read to the end or to the first error, on both passes.
// On the file pass the frames are decoded and followed too, and the first frame (up to
// 16 KB) is rendered by every view (so timestamps, lengths and interfaces from the file
// reach the views); with FUZZ_PIPELINE=1 every frame is rendered (scripts/fuzz.sh sets it
// when it replays ../shared/corpus/malformed, which then goes through the whole pipeline).
// The pipe pass only reads: decoding the same frames again would check nothing new.
// Instead it is checked against the file pass: the same frames (bytes, timestamp,
// lengths, link type, interface) in the same order, and the same verdict at the end
// (the clean end, or the same error after the same number of frames).
#if canImport(Glibc)
import Glibc
#endif
@testable import Dissect
import Follow
import Views

private let scratch: Int32 = {
    var template = Array("/tmp/tcpwatch-fuzz-XXXXXX".utf8CString)
    let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
    precondition(fd >= 0, "mkstemp failed")
    template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
    return fd
}()

private let fullPipeline = getenv("FUZZ_PIPELINE") != nil
/// Frames of each file rendered by the views.
private let framesRendered = fullPipeline ? Int.max : 1
/// Larger frames are not rendered while fuzzing: one 63 KB DNS message of 64000 names
/// takes seconds to render under ASan (6 MB of JSON), and such inputs took over the
/// corpus. At 16 KB they still did: after half an hour nearly all the time went to
/// rendering first frames of many DNS names. The views are here for what the file says
/// about a frame (timestamps, lengths, interfaces), which any frame up to an Ethernet
/// MTU carries; the decode target renders frames up to its own max_len (16 KB).
private let largestRendered = 2048
private let pipeCapacity = 1 << 20
/// The file pass's read buffer for inputs up to this size (libFuzzer's -max_len here).
private let fileCapacity = 64 << 10
/// F_SETPIPE_SZ from <linux/fcntl.h> (not exported to Swift).
private let F_SETPIPE_SZ_: Int32 = 1031

/// One set of views for the whole process (building the every-field view is not free);
/// reset before each input.
nonisolated(unsafe) private var views = ViewSet()

private func writeAll(_ fd: Int32, _ data: UnsafeRawBufferPointer) -> Bool {
    var offset = 0
    while offset < data.count {
        let n = write(fd, data.baseAddress! + offset, data.count - offset)
        if n < 0 && errno == EINTR { continue }
        if n <= 0 { return false }
        offset += n
    }
    return true
}

/// What one pass read: a digest of each frame, and how it ended.
private struct PassResult {
    var frames: [UInt64] = []
    /// nil: the clean end of the input.
    var error: CaptureFileError?
    var opened = false

    mutating func reset() {
        frames.removeAll(keepingCapacity: true)
        error = nil
        opened = false
    }
}

nonisolated(unsafe) private var filePass = PassResult()
nonisolated(unsafe) private var pipePass = PassResult()

/// FNV-1a over what the reader says about a frame: its bytes and its metadata.
private func digest(_ raw: RawFrame) -> UInt64 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    @inline(__always) func mix(_ v: UInt64) {
        var v = v
        for _ in 0..<8 { h = (h ^ (v & 0xFF)) &* 0x100_0000_01b3; v >>= 8 }
    }
    raw.bytes.withUnsafeBytes { for b in $0 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 } }
    mix(UInt64(raw.bytes.count))
    mix(UInt64(bitPattern: raw.timestamp.seconds))
    mix(UInt64(raw.timestamp.nanoseconds))
    mix(UInt64(bitPattern: Int64(raw.originalLength)))
    mix(UInt64(raw.linkType.rawValue))
    mix(UInt64(bitPattern: Int64(raw.interfaceID)))
    mix(UInt64(bitPattern: raw.fileOffset))
    mix(UInt64(bitPattern: Int64(raw.timestampDigits)))
    mix(raw.hasTimestamp ? 1 : 0)
    return h
}

/// Reads every frame from `fd` into `result`, through a read buffer of `capacity` bytes
/// (the reader's own default is 1 MiB); with `follow`, each frame is also decoded and
/// followed, and the first rendered by every view.
private func readAll(fd: Int32, name: String, capacity: Int, follow: Bool, into result: inout PassResult) {
    let reader: CaptureFileReader
    do {
        reader = try CaptureFileReader(input: ReadBuffer(fileDescriptor: fd, closesDescriptor: false,
                                                         initialCapacity: capacity), name: name)
    } catch {
        if fuzzVerbose { print("\(name): open: \(error)") }
        result.error = error
        return
    }
    result.opened = true
    let follower = follow ? Follower() : nil
    var frames = 0
    var check: UInt8 = 0
    do {
        while let raw = try reader.next() {
            frames += 1
            check ^= touch(raw.bytes)
            result.frames.append(digest(raw))
            _ = reader.interfaces.count
            guard let follower else { continue }
            let frame = FrameDecoder.decode(raw, number: frames)
            let analysis = follower.process(frame)
            if frames <= framesRendered && (raw.bytes.count <= largestRendered || fullPipeline) {
                views.render(frame, analysis)
            }
        }
    } catch {
        if fuzzVerbose { print("\(name): after \(frames) frames: \(error)") }
        result.error = error
    }
    _ = reader.bytesConsumed
    if fuzzVerbose { print("\(name): \(frames) frames, \(reader.interfaces.count) interfaces, check \(check)") }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCapture(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeRawBufferPointer(start: data, count: size)
    views.reset()
    filePass.reset()
    pipePass.reset()

    // Regular file.
    guard ftruncate(scratch, 0) == 0, lseek(scratch, 0, SEEK_SET) == 0, writeAll(scratch, input),
          lseek(scratch, 0, SEEK_SET) == 0 else { fatalError("scratch file: \(errno)") }
    // A buffer at least as large as the file behaves as the reader's 1 MiB one does (one
    // read takes it all), without ASan's cost of mapping and poisoning 1 MiB per input.
    readAll(fd: scratch, name: "file", capacity: size <= fileCapacity ? fileCapacity : ReadBuffer.initialCapacity,
            follow: true, into: &filePass)

    // Pipe: the whole input is written first, then the write end is closed.
    guard size <= pipeCapacity else { return 0 }
    var fds: [Int32] = [0, 0]
    guard pipe(&fds) == 0 else { fatalError("pipe: \(errno)") }
    if size > 65536 { _ = fcntl(fds[1], F_SETPIPE_SZ_, Int32(pipeCapacity)) }
    let ok = writeAll(fds[1], input)
    close(fds[1])
    // The pipe's buffer starts small (64 bytes to 64 KiB, chosen by the input), so records
    // straddle refills and the buffer compacts and grows, which a buffer larger than the
    // input never does; the comparison with the file pass checks the result.
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for b in input { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
    let pipeBuffer = 64 << Int(h % 11)
    if fuzzVerbose { print("pipe buffer: \(pipeBuffer) bytes") }
    if ok { readAll(fd: fds[0], name: "pipe", capacity: pipeBuffer, follow: false, into: &pipePass) }
    close(fds[0])
    guard ok else { return 0 }

    // The same bytes read from a file and from a pipe give the same frames.
    let common = min(filePass.frames.count, pipePass.frames.count)
    if let i = (0..<common).first(where: { filePass.frames[$0] != pipePass.frames[$0] }) {
        fatalError("frame \(i + 1) differs between the file and the pipe")
    }
    if filePass.frames.count != pipePass.frames.count || filePass.error != pipePass.error {
        fatalError("the file gave \(filePass.frames.count) frames then \(filePass.error.map { "\($0)" } ?? "the end"); "
                   + "the pipe \(pipePass.frames.count) then \(pipePass.error.map { "\($0)" } ?? "the end")")
    }
    return 0
}
