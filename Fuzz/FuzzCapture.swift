// Target 1: the capture-file reader (pcap and pcapng).
//
// The input is a whole capture file. It is read twice: once from a regular (unlinked
// temporary) file, where the reader knows the file size, and once from a pipe, where
// it does not. Every frame is read to the end or to the first error. The frames are
// decoded and followed too, and (on the file pass) the first frame is rendered by every view
// (so timestamps, lengths and interfaces from the file reach the views); with
// FUZZ_PIPELINE=1 every frame is rendered (scripts/fuzz.sh sets it when it replays
// ../shared/corpus/malformed, which then goes through the whole pipeline).
#if canImport(Glibc)
import Glibc
#endif
import Dissect
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
/// corpus. The decode target renders frames up to its own max_len (16 KB).
private let largestRendered = 16384
private let pipeCapacity = 1 << 20
/// F_SETPIPE_SZ from <linux/fcntl.h> (not exported to Swift).
private let F_SETPIPE_SZ_: Int32 = 1031

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

private func readAll(fd: Int32, name: String, render: Bool) {
    let reader: CaptureFileReader
    do {
        reader = try CaptureFileReader(fileDescriptor: fd, name: name)
    } catch {
        if fuzzVerbose { print("\(name): open: \(error)") }
        return
    }
    let follower = Follower()
    var views = ViewSet()
    var frames = 0
    var check: UInt8 = 0
    do {
        while let raw = try reader.next() {
            frames += 1
            check ^= touch(raw.bytes)
            _ = reader.interfaces.count
            let frame = FrameDecoder.decode(raw, number: frames)
            let analysis = follower.process(frame)
            if render && frames <= framesRendered && (raw.bytes.count <= largestRendered || fullPipeline) {
                views.render(frame, analysis)
            }
        }
    } catch {
        if fuzzVerbose { print("\(name): after \(frames) frames: \(error)") }
    }
    _ = reader.bytesConsumed
    if fuzzVerbose { print("\(name): \(frames) frames, \(reader.interfaces.count) interfaces, check \(check)") }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCapture(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeRawBufferPointer(start: data, count: size)

    // Regular file.
    guard ftruncate(scratch, 0) == 0, lseek(scratch, 0, SEEK_SET) == 0, writeAll(scratch, input),
          lseek(scratch, 0, SEEK_SET) == 0 else { fatalError("scratch file: \(errno)") }
    readAll(fd: scratch, name: "file", render: true)

    // Pipe: the whole input is written first, then the write end is closed.
    if size <= pipeCapacity {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { fatalError("pipe: \(errno)") }
        if size > 65536 { _ = fcntl(fds[1], F_SETPIPE_SZ_, Int32(pipeCapacity)) }
        let ok = writeAll(fds[1], input)
        close(fds[1])
        if ok { readAll(fd: fds[0], name: "pipe", render: false) }
        close(fds[0])
    }
    return 0
}
