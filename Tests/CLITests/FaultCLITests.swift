import Foundation
import Testing

/// The offline faults of issue 18, as a user meets them at the command line.
@Suite struct FaultCLITests {
    /// Runs `tcpwatch ARGS | head -c 1` in bash; returns tcpwatch's own exit status and
    /// its stderr. The outputs chosen are far larger than a pipe's 64 KiB buffer, so a
    /// write after `head` has gone is certain.
    func intoHead(_ arguments: [String], reader: String = "head -c 1 > /dev/null") throws -> (status: Int32?, stderr: String) {
        let binary = try #require(CLITests.binary, "the tcpwatch binary was not built next to the tests")
        let command = ([binary.path] + arguments).map { "'\($0)'" }.joined(separator: " ")
        let err = CLITests.temporary("head-\(UUID().uuidString).err")
        defer { try? FileManager.default.removeItem(atPath: err) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", "\(command) 2> '\(err)' | { \(reader); }; echo ${PIPESTATUS[0]}"]
        process.currentDirectoryURL = CLITests.repository
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let status = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let stderr = (try? String(contentsOfFile: err, encoding: .utf8)) ?? ""
        return (Int32(status.trimmingCharacters(in: .whitespacesAndNewlines)), stderr)
    }

    /// Every output of a closed pipe ends quietly with 0 (not SIGPIPE's 141, not an error).
    @Test(arguments: [
        ["read", "Fixtures/pcaps/lossy.pcap", "-x"],
        ["read", "Fixtures/pcaps/lossy.pcap", "-T", "json"],
        ["read", "Fixtures/pcaps/lossy.pcap", "-V"],
        ["read", "Fixtures/pcaps/lossy.pcap", "-w", "-"],
        ["follow", "Fixtures/pcaps/lossy.pcap", "--stream", "0", "--format", "hex"],
    ])
    func closedPipeEndsQuietly(arguments: [String]) throws {
        let (status, stderr) = try intoHead(arguments)
        #expect(status == 0, "\(arguments): status \(status.map(String.init) ?? "?"): \(stderr)")
        #expect(stderr.isEmpty, "\(arguments): not quiet: \(stderr)")
    }

    /// `http --export` writes its files even when the reader of the table has gone.
    @Test func exportSurvivesAClosedPipe() throws {
        let dir = CLITests.temporary("export-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // The reader closes its end at once, so the table's first write already fails.
        let (status, stderr) = try intoHead(["http", "Fixtures/pcaps/http-keepalive.pcap", "--export", dir],
                                            reader: "exec 0<&-; sleep 1")
        #expect(status == 0, "\(stderr)")
        let files = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        #expect(!files.isEmpty, "nothing exported: \(stderr)")
        #expect(stderr.contains("exported \(files.count) bodies"), "\(stderr)")
    }

    /// `follow` stops reading frames once its stream has closed, but a file damaged
    /// after that point still ends with the error and status 1, as the other views do.
    @Test func followOnADamagedPcapngExitsOne() throws {
        let original = try Data(contentsOf: CLITests.repository.appendingPathComponent("Fixtures/pcaps/two-interfaces.pcapng"))
        let damaged = CLITests.temporary("damaged.pcapng")
        defer { try? FileManager.default.removeItem(atPath: damaged) }
        try original.prefix(original.count - 30).write(to: URL(fileURLWithPath: damaged))
        let conversations = try CLITests.run(["conversations", damaged])
        #expect(conversations.status == 1)
        let follow = try CLITests.run(["follow", damaged, "--stream", "0"])
        #expect(follow.status == 1, "\(follow.err)")
        #expect(follow.err == conversations.err, "follow: \(follow.err) conversations: \(conversations.err)")
        #expect(follow.err.contains("truncated file"))
    }

    /// `read --check` on a copy of dns.pcap cut to a 96-byte snapshot length (as
    /// `capture -s 96` writes it): the cut UDP is not damage.
    @Test func snaplenCutUDPIsNotDamage() throws {
        let original = [UInt8](try Data(contentsOf: CLITests.repository.appendingPathComponent("Fixtures/pcaps/dns.pcap")))
        func u32(_ at: Int) -> Int { Int(original[at]) | Int(original[at + 1]) << 8 | Int(original[at + 2]) << 16 | Int(original[at + 3]) << 24 }
        func le(_ v: Int) -> [UInt8] { (0..<4).map { UInt8((v >> (8 * $0)) & 0xff) } }
        let snaplen = 96
        var cut = Array(original[0..<16]) + le(snaplen) + Array(original[20..<24])
        var offset = 24, shortened = 0
        while offset + 16 <= original.count {
            let captured = u32(offset + 8)
            let keep = min(captured, snaplen)
            if keep < captured { shortened += 1 }
            cut += Array(original[offset..<(offset + 8)]) + le(keep) + Array(original[(offset + 12)..<(offset + 16)])
            cut += Array(original[(offset + 16)..<(offset + 16 + keep)])
            offset += 16 + captured
        }
        try #require(shortened > 0, "no frame of dns.pcap is longer than \(snaplen) bytes")
        let file = CLITests.temporary("dns-96.pcap")
        defer { try? FileManager.default.removeItem(atPath: file) }
        try Data(cut).write(to: URL(fileURLWithPath: file))
        let check = try CLITests.run(["read", "--check", file])
        let text = String(decoding: check.out, as: UTF8.self)
        #expect(check.status == 0, "\(text)")
        #expect(text.contains("Damaged frames:      0"), "\(text)")
    }
}
