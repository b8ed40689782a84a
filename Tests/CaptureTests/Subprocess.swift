import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The built `tcpwatch` next to this test bundle (`swift test` builds every product).
enum Tool {
    static let tcpwatch: String? = {
        var candidates: [String] = []
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            candidates.append(URL(fileURLWithPath: exe).deletingLastPathComponent().appendingPathComponent("tcpwatch").path)
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        candidates.append(root.appendingPathComponent(".build/debug/tcpwatch").path)
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    static var isRoot: Bool { geteuid() == 0 }

    /// Root, `ip netns` and the built binary: what every capture test needs.
    static let captureUnavailable: String? = {
        guard tcpwatch != nil else { return "the tcpwatch binary was not found next to the tests; run `swift build` first" }
        guard isRoot else { return "needs root (live capture and network namespaces); run the tests with sudo" }
        let probe = "twc-probe-\(getpid())"
        guard run(["ip", "netns", "add", probe]).status == 0 else {
            return "cannot create network namespaces (`ip netns add` failed; a container without CAP_SYS_ADMIN?)"
        }
        _ = run(["ip", "netns", "del", probe])
        return nil
    }()

    /// Checked once; the reason is printed once when the tests are skipped.
    static let canCapture: Bool = {
        if let reason = captureUnavailable {
            print("CaptureTests: skipped: \(reason)")
            return false
        }
        return true
    }()
}

/// A finished command's exit status and output.
struct Finished {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs a command to the end (at most `timeout` seconds, then SIGKILL).
@discardableResult
func run(_ arguments: [String], timeout: Double = 20) -> Finished {
    let process = Background(arguments)
    return process.wait(timeout: timeout)
}

/// A command running in the background; stdout and stderr go to temporary files, so
/// the test can poll them without pipe deadlocks.
final class Background: @unchecked Sendable {
    let process = Process()
    private let outPath: String
    private let errPath: String

    init(_ arguments: [String]) {
        let dir = FileManager.default.temporaryDirectory.path
        let id = UUID().uuidString
        outPath = "\(dir)/twc-out-\(id)"
        errPath = "\(dir)/twc-err-\(id)"
        FileManager.default.createFile(atPath: outPath, contents: nil)
        FileManager.default.createFile(atPath: errPath, contents: nil)
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.standardOutput = FileHandle(forWritingAtPath: outPath)
        process.standardError = FileHandle(forWritingAtPath: errPath)
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch { Issue.record("cannot start \(arguments): \(error)") }
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(atPath: outPath)
        try? FileManager.default.removeItem(atPath: errPath)
    }

    var stdout: String { (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "" }

    /// Waits until stderr contains `text`; false after `timeout` seconds or if the process ended.
    func waitForStderr(_ text: String, timeout: Double = 10) -> Bool {
        let end = Date().addingTimeInterval(timeout)
        while Date() < end {
            if stderr.contains(text) { return true }
            if !process.isRunning { return stderr.contains(text) }
            usleep(20_000)
        }
        return false
    }

    func signal(_ sig: Int32) { kill(process.processIdentifier, sig) }

    func wait(timeout: Double = 20) -> Finished {
        let end = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < end { usleep(10_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return Finished(status: -9, stdout: stdout, stderr: stderr + "\n(killed after \(timeout) s)")
        }
        process.waitUntilExit()
        return Finished(status: process.terminationStatus, stdout: stdout, stderr: stderr)
    }
}

/// Network namespaces (and a veth between two of them) that are deleted again by
/// `remove()`, which the tests call from `defer` so it runs even when a check fails.
final class Namespaces {
    private(set) var names: [String] = []
    private static let counter = Counter()

    func make(_ label: String) throws -> String {
        let name = "twc-\(label)-\(getpid())-\(Namespaces.counter.next())"
        let result = run(["ip", "netns", "add", name])
        try #require(result.status == 0, "ip netns add \(name): \(result.stderr)")
        names.append(name)
        run(["ip", "-n", name, "link", "set", "lo", "up"])
        return name
    }

    /// Two namespaces joined by a veth: (a, 10.78.0.1/24 on vethA) and (b, 10.78.0.2/24 on vethB).
    func vethPair() throws -> (a: String, vethA: String, b: String, vethB: String) {
        let a = try make("a"), b = try make("b")
        let vethA = "twc-va", vethB = "twc-vb"
        let link = run(["ip", "link", "add", vethA, "netns", a, "type", "veth", "peer", "name", vethB, "netns", b])
        try #require(link.status == 0, "ip link add veth: \(link.stderr)")
        run(["ip", "-n", a, "addr", "add", "10.78.0.1/24", "dev", vethA])
        run(["ip", "-n", b, "addr", "add", "10.78.0.2/24", "dev", vethB])
        run(["ip", "-n", a, "link", "set", vethA, "up"])
        run(["ip", "-n", b, "link", "set", vethB, "up"])
        return (a, vethA, b, vethB)
    }

    func remove() {
        for name in names {
            // Anything still running in the namespace goes first, then the namespace (and its veth).
            let pids = run(["ip", "netns", "pids", name]).stdout.split(whereSeparator: \.isNewline)
            for pid in pids { if let p = Int32(pid) { kill(p, SIGKILL) } }
            run(["ip", "netns", "del", name])
        }
        names.removeAll()
    }

    private final class Counter: @unchecked Sendable {
        private var value = 0
        private let lock = NSLock()
        func next() -> Int { lock.lock(); defer { lock.unlock() }; value += 1; return value }
    }
}

/// A fresh temporary file path, removed by the caller.
func temporaryPath(_ suffix: String) -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("twc-\(UUID().uuidString).\(suffix)").path
}

extension Finished {
    /// The value before `label` in tcpdump-style counter lines ("12 packets captured").
    func counter(_ label: String) -> Int? {
        for line in stderr.split(separator: "\n") where line.hasSuffix(label) {
            let words = line.split(separator: " ")
            if words.count >= 2, let n = Int(words[words.count - 1 - label.split(separator: " ").count]) { return n }
        }
        return nil
    }
}
