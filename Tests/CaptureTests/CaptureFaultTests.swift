import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The faults of issue 18, each end to end against the built binary in a network
/// namespace of its own, under a ping flood where a fault depends on load. For each: the
/// exit status, the one-line message, and that the file holds every packet the counters
/// report. Time bounds are generous (10 s for what must take under 1 s): they catch a
/// hang, not a slow machine.
@Suite(.serialized, .enabled(if: Tool.canCapture, "needs root, network namespaces and the built tcpwatch (reason printed above)"))
struct CaptureFaultTests {
    let tcpwatch = Tool.tcpwatch ?? "tcpwatch"

    /// Lines of stderr that are not the banner, the format note or the counters: what a
    /// quiet ending must not have.
    func complaints(_ stderr: String) -> [Substring] {
        stderr.split(separator: "\n").filter { line in
            !(line.contains("capturing on") || line.hasSuffix("packets captured") || line.hasSuffix("received by filter")
              || line.hasSuffix("dropped by kernel") || line.hasSuffix("dropped by interface") || line.hasPrefix("status="))
        }
    }

    /// Packets in a capture file, by reading it back; the read must be clean.
    func packets(in file: String) -> Int? {
        let read = run([tcpwatch, "read", file])
        #expect(read.status == 0, "the file is damaged: \(read.stderr)")
        let check = run([tcpwatch, "read", "--check", file])
        #expect(check.status == 0, "read --check: \(check.stdout)")
        return read.status == 0 ? read.stdout.split(separator: "\n").count : nil
    }

    // MARK: A closed output pipe

    /// `capture | head -1` in every output format, under steady traffic: it ends, quietly,
    /// with status 0.
    @Test(arguments: [["-T", "text"], ["-T", "fields", "-e", "frame.number"], ["-T", "json"], ["-w", "-"]])
    func headOneEndsTheCapture(format: [String]) throws {
        let ns = Namespaces()
        defer { ns.remove() }
        let n = try ns.make("head")
        let pings = Background(["ip", "netns", "exec", n, "ping", "-i", "0.05", "-c", "400", "127.0.0.1"])
        defer { pings.signal(SIGKILL) }
        let command = ([tcpwatch, "capture", "-i", "lo"] + format).map { "'\($0)'" }.joined(separator: " ")
        let pipeline = Background(["ip", "netns", "exec", n, "bash", "-c",
                                   "\(command) | head -c 1 > /dev/null; echo status=${PIPESTATUS[0]} >&2"])
        let done = pipeline.wait(timeout: 10)
        #expect(done.status == 0, "the pipeline did not end: \(done.stderr)")
        #expect(done.stderr.contains("status=0"), "capture's status: \(done.stderr)")
        #expect(complaints(done.stderr).isEmpty, "not quiet: \(done.stderr)")
    }

    /// The one packet is printed and `head` goes; no other packet ever arrives, so no
    /// write fails: the capture must notice the closed pipe by itself.
    @Test func headOneOnAQuietInterface() throws {
        let ns = Namespaces()
        defer { ns.remove() }
        let n = try ns.make("quiet")
        let command = "'\(tcpwatch)' capture -i lo 'icmp[icmptype] == icmp-echo' | head -1; echo status=${PIPESTATUS[0]} >&2"
        let pipeline = Background(["ip", "netns", "exec", n, "bash", "-c", command])
        #expect(pipeline.waitForStderr("capturing on"), "\(pipeline.stderr)")
        run(["ip", "netns", "exec", n, "ping", "-c", "1", "127.0.0.1"])
        let done = pipeline.wait(timeout: 10)
        #expect(done.status == 0, "the capture kept running after head left: \(done.stderr)")
        #expect(done.stdout.contains("Echo (ping) request"), "\(done.stdout)")
        #expect(done.stderr.contains("status=0"), "\(done.stderr)")
        #expect(complaints(done.stderr).isEmpty, "not quiet: \(done.stderr)")
    }

    // MARK: Signals

    /// SIGTERM, SIGHUP and SIGQUIT under a ping flood end like Ctrl-C: status 0, the
    /// counters, no crash report, and a file holding every packet counted.
    @Test(arguments: [SIGTERM, SIGHUP, SIGQUIT])
    func stopSignalUnderLoad(signal: Int32) throws {
        let ns = Namespaces()
        defer { ns.remove() }
        let n = try ns.make("sig")
        let file = temporaryPath(signal == SIGHUP ? "pcapng" : "pcap")
        defer { try? FileManager.default.removeItem(atPath: file) }
        let capture = Background(["ip", "netns", "exec", n, tcpwatch, "capture", "-i", "lo", "-w", file])
        #expect(capture.waitForStderr("capturing on"), "\(capture.stderr)")
        let flood = Background(["ip", "netns", "exec", n, "ping", "-f", "-c", "20000", "127.0.0.1"])
        defer { flood.signal(SIGKILL) }
        usleep(400_000)
        capture.signal(signal)
        let done = capture.wait(timeout: 10)
        #expect(done.status == 0, "signal \(signal): \(done.stderr)")
        #expect(!done.stderr.contains("crashed") && !done.stderr.contains("Backtrace"), "\(done.stderr)")
        #expect(complaints(done.stderr).filter { !$0.contains("writing pcapng") }.isEmpty, "\(done.stderr)")
        let captured = try #require(done.counter("packets captured"), "no counters: \(done.stderr)")
        #expect(captured > 0)
        #expect(packets(in: file) == captured, "the file does not hold the \(captured) packets counted")
    }

    /// SIGUSR1 prints the counters and the capture goes on (tcpdump); a SIGTERM later
    /// ends it with a file that holds every packet.
    @Test func sigusr1PrintsCountersAndGoesOn() throws {
        let ns = Namespaces()
        defer { ns.remove() }
        let n = try ns.make("usr1")
        let file = temporaryPath("pcap")
        defer { try? FileManager.default.removeItem(atPath: file) }
        let capture = Background(["ip", "netns", "exec", n, tcpwatch, "capture", "-i", "lo", "-w", file])
        #expect(capture.waitForStderr("capturing on"), "\(capture.stderr)")
        let pings = Background(["ip", "netns", "exec", n, "ping", "-i", "0.02", "-c", "100", "127.0.0.1"])
        usleep(300_000)
        capture.signal(SIGUSR1)
        #expect(capture.waitForStderr("packets captured"), "no counters after SIGUSR1: \(capture.stderr)")
        usleep(200_000)
        #expect(capture.process.isRunning, "SIGUSR1 ended the capture: \(capture.stderr)")
        _ = pings.wait(timeout: 10)
        capture.signal(SIGTERM)
        let done = capture.wait(timeout: 10)
        #expect(done.status == 0, "\(done.stderr)")
        let counted = done.stderr.split(separator: "\n").filter { $0.hasSuffix("packets captured") }
        #expect(counted.count == 2, "expected the counters twice: \(done.stderr)")
        let captured = try #require(done.counter("packets captured"))
        // counter() reads the first line; the last one is the final count.
        let final = Int(counted.last?.split(separator: " ")[1] ?? "") ?? -1
        #expect(captured <= final)
        #expect(packets(in: file) == final)
    }

    /// The live views stop on the same signals, with their report and counters, and
    /// SIGUSR1 prints their counters without stopping them.
    @Test(arguments: [SIGHUP, SIGQUIT, SIGTERM])
    func liveViewStopsOnSignal(signal: Int32) throws {
        let ns = Namespaces()
        defer { ns.remove() }
        let n = try ns.make("view")
        let view = Background(["ip", "netns", "exec", n, tcpwatch, "conversations", "-i", "lo", "--style", "tshark"])
        #expect(view.waitForStderr("capturing on"), "\(view.stderr)")
        let pings = Background(["ip", "netns", "exec", n, "ping", "-i", "0.02", "-c", "50", "127.0.0.1"])
        defer { pings.signal(SIGKILL) }
        usleep(300_000)
        view.signal(SIGUSR1)
        #expect(view.waitForStderr("packets captured"), "no counters after SIGUSR1: \(view.stderr)")
        #expect(view.process.isRunning, "SIGUSR1 ended the view: \(view.stderr)")
        view.signal(signal)
        let done = view.wait(timeout: 10)
        #expect(done.status == 0, "signal \(signal): \(done.stderr)")
        #expect(!done.stderr.contains("crashed") && !done.stderr.contains("Backtrace"), "\(done.stderr)")
        #expect(done.stderr.split(separator: "\n").filter { $0.contains("packets captured") }.count == 2, "\(done.stderr)")
        #expect(done.stdout.contains("TCP Conversations"), "no report: \(done.stdout)")
    }

    // MARK: Files and disks

    /// A 300 KiB tmpfs fills under a flood of 1 KB pings: status 1, one line saying how
    /// many packets the file holds, and the file holds exactly those, whole.
    @Test func fullDiskEndsAtTheLastWholeRecord() throws {
        let ns = Namespaces()
        defer { ns.remove() }
        let n = try ns.make("tmpfs")
        let dir = temporaryPath("dir")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let mount = run(["mount", "-t", "tmpfs", "-o", "size=300k", "tmpfs", dir])
        try #require(mount.status == 0, "cannot mount a tmpfs: \(mount.stderr)")
        defer { run(["umount", dir]) }
        let file = dir + "/full.pcap"
        let capture = Background(["ip", "netns", "exec", n, tcpwatch, "capture", "-i", "lo", "-w", file])
        #expect(capture.waitForStderr("capturing on"), "\(capture.stderr)")
        let flood = Background(["ip", "netns", "exec", n, "ping", "-f", "-s", "1000", "-c", "3000", "127.0.0.1"])
        defer { flood.signal(SIGKILL) }
        let done = capture.wait(timeout: 10)
        #expect(done.status == 1, "\(done.stderr)")
        let messages = complaints(done.stderr)
        try #require(messages.count == 1, "not one line: \(done.stderr)")
        let message = String(messages[0])
        #expect(message.contains("cannot write \(file): no space left on device"), "\(message)")
        // "… holds N of the M packets captured, up to the last whole packet"
        let words = message.split(separator: " ")
        let holds = try #require(words.firstIndex(of: "holds"), "\(message)")
        let written = try #require(Int(words[holds + 1]), "\(message)")
        let captured = try #require(done.counter("packets captured"))
        #expect(written > 0 && written <= captured, "\(message)")
        #expect(Int(words[holds + 4]) == captured, "\(message)")
        #expect(packets(in: file) == written)
    }

    /// A read-only directory: status 2 and one line, before any packet.
    @Test func unwritableOutputDirectory() throws {
        let dir = temporaryPath("ro")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let mount = run(["mount", "-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", dir])
        try #require(mount.status == 0, "cannot mount a tmpfs: \(mount.stderr)")
        defer { run(["umount", dir]) }
        let done = run([tcpwatch, "capture", "-i", "lo", "-c", "1", "-w", dir + "/x.pcap"], timeout: 10)
        #expect(done.status == 2, "\(done.stderr)")
        let lines = done.stderr.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].contains("cannot create \(dir)/x.pcap: Read-only file system"), "\(done.stderr)")
    }

    /// A filter nothing matches: the capture runs, stops on SIGINT with status 0 and
    /// writes a valid file of no packets.
    @Test func filterThatMatchesNothing() throws {
        let ns = Namespaces()
        defer { ns.remove() }
        let n = try ns.make("none")
        let file = temporaryPath("pcap")
        defer { try? FileManager.default.removeItem(atPath: file) }
        let capture = Background(["ip", "netns", "exec", n, tcpwatch, "capture", "-i", "lo", "-w", file, "udp port 9"])
        #expect(capture.waitForStderr("capturing on"), "\(capture.stderr)")
        run(["ip", "netns", "exec", n, "ping", "-c", "5", "-i", "0.05", "127.0.0.1"])
        capture.signal(SIGINT)
        let done = capture.wait(timeout: 10)
        #expect(done.status == 0, "\(done.stderr)")
        #expect(done.counter("packets captured") == 0, "\(done.stderr)")
        #expect(packets(in: file) == 0)
    }

    /// `-B 1`: the smallest ring still captures, and the file holds what was counted.
    @Test func smallestBuffer() throws {
        let ns = Namespaces()
        defer { ns.remove() }
        let n = try ns.make("b1")
        let file = temporaryPath("pcap")
        defer { try? FileManager.default.removeItem(atPath: file) }
        let capture = Background(["ip", "netns", "exec", n, tcpwatch, "capture", "-i", "lo", "-B", "1", "-c", "6", "-w", file])
        #expect(capture.waitForStderr("capturing on"), "\(capture.stderr)")
        run(["ip", "netns", "exec", n, "ping", "-c", "3", "-i", "0.05", "127.0.0.1"])
        let done = capture.wait(timeout: 10)
        #expect(done.status == 0, "\(done.stderr)")
        #expect(done.counter("packets captured") == 6, "\(done.stderr)")
        #expect(packets(in: file) == 6)
    }

    // MARK: tcpdump's flags

    /// `-c1 -nn -l -X` and a trailing filter: one line and tcpdump's hex dump of the IP
    /// packet under it.
    @Test func tcpdumpFlagsWithHexDump() throws {
        let ns = Namespaces()
        defer { ns.remove() }
        let n = try ns.make("x")
        let capture = Background(["ip", "netns", "exec", n, tcpwatch, "capture", "-i", "lo", "-c1", "-nn", "-l", "-X", "icmp"])
        #expect(capture.waitForStderr("capturing on"), "\(capture.stderr)")
        run(["ip", "netns", "exec", n, "ping", "-c", "1", "127.0.0.1"])
        let done = capture.wait(timeout: 10)
        #expect(done.status == 0, "\(done.stderr)")
        let lines = done.stdout.split(separator: "\n")
        #expect(lines.first?.contains("Echo (ping) request") == true, "\(done.stdout)")
        // 20 bytes of IPv4 header, 8 of ICMP, 56 of data: 84 bytes, 6 lines of 16.
        #expect(lines.count == 7, "\(done.stdout)")
        #expect(lines.count > 1 && lines[1].hasPrefix("\t0x0000:  4500 0054 "), "\(done.stdout)")
    }

    /// `-A` shows the payload in ASCII; `-q` leaves the banner out; `-Y` shows only
    /// the replies.
    @Test func asciiPayloadQuietAndDisplayFilter() throws {
        let ns = Namespaces()
        defer { ns.remove() }
        let n = try ns.make("a")
        let capture = Background(["ip", "netns", "exec", n, tcpwatch, "capture", "-i", "lo", "-c", "4", "-q", "-A", "-Y", "icmp.type == 0"])
        usleep(500_000)
        // "tcpw" repeated as the ping's payload.
        run(["ip", "netns", "exec", n, "ping", "-c", "2", "-i", "0.05", "-p", "74637077", "127.0.0.1"])
        let done = capture.wait(timeout: 10)
        #expect(done.status == 0, "\(done.stderr)")
        #expect(!done.stderr.contains("capturing on"), "-q printed the banner: \(done.stderr)")
        #expect(done.stdout.contains("tcpwtcpw"), "\(done.stdout)")
        #expect(!done.stdout.contains("Echo (ping) request") && done.stdout.contains("Echo (ping) reply"), "\(done.stdout)")
    }

    /// `-vv` shows the details tree under the summary line, as tcpdump -v adds detail.
    @Test func verboseShowsTheDetailsTree() throws {
        let ns = Namespaces()
        defer { ns.remove() }
        let n = try ns.make("v")
        let capture = Background(["ip", "netns", "exec", n, tcpwatch, "capture", "-i", "lo", "-c1", "-vv", "icmp"])
        #expect(capture.waitForStderr("capturing on"), "\(capture.stderr)")
        run(["ip", "netns", "exec", n, "ping", "-c", "1", "127.0.0.1"])
        let done = capture.wait(timeout: 10)
        #expect(done.status == 0, "\(done.stderr)")
        let lines = done.stdout.split(separator: "\n")
        #expect(lines.first?.contains("Echo (ping) request") == true, "\(done.stdout)")
        #expect(lines.contains { $0.hasPrefix("Frame 1:") }, "no details tree: \(done.stdout)")
    }

    /// `-w x.pcapng` writes pcapng and says so.
    @Test func pcapngFromTheFileName() throws {
        let ns = Namespaces()
        defer { ns.remove() }
        let n = try ns.make("ng")
        let file = temporaryPath("pcapng")
        defer { try? FileManager.default.removeItem(atPath: file) }
        let capture = Background(["ip", "netns", "exec", n, tcpwatch, "capture", "-i", "lo", "-c", "2", "-w", file])
        #expect(capture.waitForStderr("capturing on"), "\(capture.stderr)")
        run(["ip", "netns", "exec", n, "ping", "-c", "1", "127.0.0.1"])
        let done = capture.wait(timeout: 10)
        #expect(done.status == 0, "\(done.stderr)")
        #expect(done.stderr.contains("writing pcapng"), "\(done.stderr)")
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: file)))
        #expect(Array(bytes.prefix(4)) == [0x0A, 0x0D, 0x0D, 0x0A], "not pcapng")
        #expect(packets(in: file) == 2)
    }

    /// `-D` lists the interfaces, as `tcpwatch interfaces` does.
    @Test func dashDListsInterfaces() throws {
        let done = run([tcpwatch, "capture", "-D"])
        #expect(done.status == 0, "\(done.stderr)")
        #expect(done.stdout == run([tcpwatch, "interfaces"]).stdout)
        #expect(done.stdout.contains("lo"))
    }
}

/// Usage errors need neither root nor a namespace: one line, the valid range, exit 64.
@Suite(.enabled(if: Tool.tcpwatch != nil, "the tcpwatch binary was not found next to the tests"))
struct CaptureUsageTests {
    let tcpwatch = Tool.tcpwatch ?? "tcpwatch"

    @Test(arguments: [
        (["-s", "-1"], "give 1 to 262144 bytes"),
        (["-s", "4294967295"], "give 1 to 262144 bytes"),
        (["-s", "abc"], "give 1 to 262144 bytes"),
        (["-B", "100000"], "give 1 to 1024 MiB (tcpdump's -B counts KiB: 100000 KiB is -B 98)"),
        (["-B", "0"], "give 1 to 1024 MiB"),
        (["-c0"], "-c needs a positive count"),
        (["-f", "tcp", "udp"], "give the capture filter once"),
        (["-Y", "tcp", "-w", "/dev/null"], "display filters aren't supported when capturing and saving"),
    ])
    func oneLineError(arguments: [String], message: String) {
        let done = run([tcpwatch, "capture", "-i", "lo"] + arguments, timeout: 10)
        #expect(done.status == 64, "\(arguments): \(done.stderr)")
        let lines = done.stderr.split(separator: "\n")
        #expect(lines.count == 1, "not one line: \(done.stderr)")
        #expect(done.stderr.contains(message), "\(done.stderr)")
    }
}
