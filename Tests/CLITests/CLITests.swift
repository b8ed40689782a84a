import Foundation
import Testing

/// The command line as a user runs it: the built `tcpwatch` next to the test bundle.
@Suite struct CLITests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static var binary: URL? {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("tcpwatch")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        let built = repository.appendingPathComponent(".build/debug/tcpwatch")
        return FileManager.default.isExecutableFile(atPath: built.path) ? built : nil
    }

    /// Runs tcpwatch; returns the exit status, stdout and stderr.
    static func run(_ arguments: [String], directory: String? = nil) throws -> (status: Int32, out: Data, err: String) {
        let binary = try #require(binary, "the tcpwatch binary was not built next to the tests")
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = directory.map { URL(fileURLWithPath: $0) } ?? repository
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errors = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, data, errors)
    }

    static func temporary(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("tcpwatch-cli-\(getpid())-\(name)").path
    }

    /// Every command but `ui` runs without Foundation and its networking stack (the web
    /// view's library has them): one module of the binary importing Foundation maps about
    /// 6.5 MB more into every process, and `read` then misses issue 18's 64 MiB bound.
    @Test func binaryLinksFoundationEssentialsOnly() throws {
        let binary = try #require(Self.binary, "the tcpwatch binary was not built next to the tests")
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/ldd") else {
            print("skipped: /usr/bin/ldd is not installed, so the binary's libraries cannot be listed")
            return
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/ldd")
        process.arguments = [binary.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let libraries = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(libraries.contains("libpcap"), "ldd listed: \(libraries)")
        for library in ["libFoundation.so", "libFoundationNetworking.so", "libFoundationInternationalization.so"] {
            #expect(!libraries.contains(library), "tcpwatch links \(library)")
        }
    }

    @Test(arguments: ["pcap", "pcapng"])
    func writtenFramesReadBackIdentically(format: String) throws {
        let out = Self.temporary("stream1.\(format)")
        defer { try? FileManager.default.removeItem(atPath: out) }
        let written = try Self.run(["read", "Fixtures/pcaps/two-conns.pcap", "--stream", "1", "-w", out, "--format", format])
        #expect(written.status == 0, "\(written.err)")
        let fields = ["-T", "fields", "-e", "frame.len", "-e", "frame.time_epoch", "-e", "tcp.srcport", "-e", "tcp.len"]
        let original = try Self.run(["read", "Fixtures/pcaps/two-conns.pcap", "-Y", "tcp.stream == 1"] + fields)
        let reread = try Self.run(["read", out] + fields)
        #expect(reread.status == 0)
        #expect(reread.out == original.out)
        #expect(!reread.out.isEmpty)
        // tshark, when installed, must read the file back too.
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/tshark") {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/tshark")
            process.arguments = ["-n", "-r", out, "-T", "fields", "-e", "frame.len"]
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = Pipe()
            try process.run()
            let lines = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).split(separator: "\n")
            process.waitUntilExit()
            #expect(lines.count == 10)
        }
    }

    @Test func writeNeverOverwritesTheInput() throws {
        let copy = Self.temporary("input.pcap")
        try FileManager.default.copyItem(atPath: Self.repository.appendingPathComponent("Fixtures/pcaps/echo.pcap").path, toPath: copy)
        defer { try? FileManager.default.removeItem(atPath: copy) }
        let before = try Data(contentsOf: URL(fileURLWithPath: copy))
        let result = try Self.run(["read", copy, "-w", copy])
        #expect(result.status == 64)
        #expect(result.err.contains("refusing to write over the input"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: copy)) == before)
    }

    @Test func damagedFilePrintsGoodPacketsThenTheErrorAndExitsOne() throws {
        let good = try Data(contentsOf: Self.repository.appendingPathComponent("Fixtures/pcaps/echo.pcap"))
        let cut = Self.temporary("cut.pcap")
        try good.prefix(good.count - 20).write(to: URL(fileURLWithPath: cut))
        defer { try? FileManager.default.removeItem(atPath: cut) }
        let result = try Self.run(["read", cut])
        #expect(result.status == 1)
        #expect(String(decoding: result.out, as: UTF8.self).split(separator: "\n").count == 9)
        #expect(result.err.contains("packet 10"))
        #expect(result.err.contains("byte offset"))
        let check = try Self.run(["read", "--check", cut])
        #expect(check.status == 1)
        #expect(String(decoding: check.out, as: UTF8.self).contains("Packets:             9"))
    }

    @Test func notACaptureFileIsExitTwo() throws {
        let result = try Self.run(["read", "README.md"])
        #expect(result.status == 2)
        #expect(result.err.contains("unknown file format (magic"))
    }

    @Test func expectExitsOneWithAReport() throws {
        let pass = try Self.run(["expect", "Fixtures/pcaps/echo.pcap", "--handshake", "10.77.0.15", "6789"])
        #expect(pass.status == 0)
        let fail = try Self.run(["expect", "Fixtures/pcaps/refused.pcap", "--conversation", "id.resp_p==81", "--state", "SF"])
        #expect(fail.status == 1)
        #expect(String(decoding: fail.out, as: UTF8.self).contains("state REJ (RST from server, frame 2)"))
    }

    @Test func unknownFieldSuggestsNames() throws {
        let result = try Self.run(["read", "Fixtures/pcaps/echo.pcap", "-T", "fields", "-e", "tcp.srcprt"])
        #expect(result.status != 0)
        #expect(result.err.contains("tcp.srcport"))
    }

    @Test func versionNamesLibpcapAndSwift() throws {
        let result = try Self.run(["--version"])
        let text = String(decoding: result.out, as: UTF8.self)
        #expect(text.contains("tcpwatch"))
        #expect(text.contains("libpcap"))
        #expect(text.contains("Swift"))
    }

    /// With -Y, "previous displayed" is the last frame shown, not the previous frame
    /// (tshark 4.0: 0 on the first shown frame), in the field and in `-t dd`.
    @Test func timeDeltaDisplayedCountsFromTheLastShownFrame() throws {
        let args = ["read", "Fixtures/pcaps/two-conns.pcap", "-Y", "tcp.stream == 1"]
        let fields = try Self.run(args + ["-T", "fields", "-e", "frame.time_delta_displayed", "-e", "frame.time_relative", "-e", "frame.time_delta"])
        #expect(fields.status == 0, "\(fields.err)")
        func nanoseconds(_ text: Substring) -> Int64 {
            let parts = text.split(separator: ".")
            let fraction = parts[1].padding(toLength: 9, withPad: "0", startingAt: 0)
            return Int64(parts[0])! * 1_000_000_000 + Int64(fraction)!
        }
        let rows = String(decoding: fields.out, as: UTF8.self).split(separator: "\n").map { $0.split(separator: "\t") }
        #expect(rows.count > 2)
        var previousShown: Int64?
        var differsFromCaptured = false
        for row in rows {
            let relative = nanoseconds(row[1])
            #expect(nanoseconds(row[0]) == relative - (previousShown ?? relative))
            if row[0] != row[2] { differsFromCaptured = true }
            previousShown = relative
        }
        // The other stream's frames lie between: the two deltas must part somewhere.
        #expect(differsFromCaptured)
        let summary = try Self.run(args + ["-t", "dd"])
        let times = String(decoding: summary.out, as: UTF8.self).split(separator: "\n").map { $0.split(separator: " ")[1] }
        #expect(times.count == rows.count)
        #expect(times.map(nanoseconds) == rows.map { nanoseconds($0[0]) / 1000 * 1000 })
    }
}
