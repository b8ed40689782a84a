import Foundation
import Testing
import Dissect
@testable import Follow
#if canImport(Glibc)
import Glibc
#endif

/// The follower's caps hold under hostile traffic: a SYN flood of two million flows, and
/// a stream whose gap never fills. Peak memory is read from the kernel (ru_maxrss), so each
/// test runs in a process of its own: in the full run, suites run in parallel and the
/// process's peak would count what they hold too.
@Suite(.serialized) struct BoundedMemoryTests {
    static let childVariable = "TCPWATCH_MEMORY_TEST"

    /// In the test run: runs `name` again, alone, in a child process, and expects it to pass.
    /// In that child: returns false, and the caller measures.
    static func runsInChild(_ name: String) -> Bool {
        if ProcessInfo.processInfo.environment[childVariable] == name { return false }
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        child.arguments = ["--testing-library", "swift-testing", "--filter", "BoundedMemoryTests/\(name)"]
        child.environment = ProcessInfo.processInfo.environment.merging([childVariable: name]) { $1 }
        let output = Pipe()
        child.standardOutput = output
        child.standardError = output
        do { try child.run() } catch {
            Issue.record("cannot start the memory test's own process: \(error)")
            return true
        }
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        child.waitUntilExit()
        for line in text.split(separator: "\n") where line.contains("peak") || line.contains("✘") { print(line) }
        #expect(child.terminationStatus == 0, "\(name) in its own process:\n\(text.suffix(2000))")
        #expect(text.contains("passed"), "the child ran no test:\n\(text.suffix(2000))")
        return true
    }

    static func withSegment<R>(src: UInt32, dst: UInt32, sport: UInt16, dport: UInt16, seq: UInt32, flags: UInt8,
                               payload: Int = 0, time: Int64, number: Int, _ body: (Frame) -> R) -> R {
        withTCPSegment(src: src, dst: dst, sport: sport, dport: dport, seq: seq, flags: flags,
                       payload: [UInt8](repeating: 0, count: payload), time: time, number: number, body)
    }

    static func peakKiB() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_maxrss
    }

    @Test func twoMillionFlowSYNFloodStaysBounded() {
        guard !Self.runsInChild("twoMillionFlowSYNFloodStaysBounded") else { return }
        let follower = Follower()
        var ended = 0
        follower.conversationEnded = { _ in ended += 1 }
        let before = Self.peakKiB()
        for i in 0..<2_000_000 {
            let src = 0x0A00_0000 | UInt32(i >> 16), sport = UInt16(truncatingIfNeeded: i)
            _ = Self.withSegment(src: src, dst: 0x0A4D_000F, sport: sport, dport: 80, seq: UInt32(i),
                                 flags: 0x02, time: 1_700_000_000 + Int64(i / 10_000), number: i + 1) { follower.process($0) }
        }
        follower.finish()
        let grown = Self.peakKiB() - before
        print("SYN flood: 2,000,000 flows, \(follower.evictions) evicted, peak memory grew \(grown / 1024) MiB")
        #expect(ended == 2_000_000)
        #expect(follower.tcpStreamCount == 2_000_000)
        // The live table is capped at 100,000 conversations of about two KiB each.
        #expect(grown < 320 * 1024, "peak memory grew \(grown / 1024) MiB")
    }

    @Test func aGapThatNeverFillsStaysWithinTheReassemblyCap() {
        guard !Self.runsInChild("aGapThatNeverFillsStaysWithinTheReassemblyCap") else { return }
        var options = FollowerOptions()
        options.reassembleAll = true
        let follower = Follower(options: options)
        var delivered = 0
        follower.streamData = { _, _, _, chunk in if case .data(_, let bytes) = chunk { delivered += bytes.count } }
        let before = Self.peakKiB()
        _ = Self.withSegment(src: 1, dst: 2, sport: 1000, dport: 80, seq: 0, flags: 0x02, time: 0, number: 1) { follower.process($0) }
        // The byte at seq 1 never comes: everything after it can only be buffered.
        var seq: UInt32 = 1001
        for n in 0..<20_000 {
            _ = Self.withSegment(src: 1, dst: 2, sport: 1000, dport: 80, seq: seq, flags: 0x10, payload: 1000,
                                 time: 1, number: n + 2) { follower.process($0) }
            seq &+= 1000
        }
        let grown = Self.peakKiB() - before
        print("unfilled gap: 20 MB sent after a hole, \(delivered) bytes delivered (the hole was skipped once the 4 MiB cap filled), peak grew \(grown / 1024) MiB")
        // 20 MB arrived after the hole; the per-direction cap (4 MiB) bounds what is held.
        #expect(grown < 64 * 1024)
        follower.finish()
    }
}
