import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// End-to-end tests of `tcpwatch capture`: the built binary captures real traffic inside
/// network namespaces created (and always deleted) by each test. Root is required; the
/// tests are skipped, with the reason printed, where it or `ip netns` is missing.
@Suite(.serialized, .enabled(if: Tool.canCapture, "needs root, network namespaces and the built tcpwatch (reason printed above)"))
struct LiveCaptureTests {
    let tcpwatch = Tool.tcpwatch ?? "tcpwatch"

    /// An echo server in `a` on 10.78.0.1:7000 and a client in `b`, while `b` also pings
    /// `a`: the capture on `a`'s veth with `-f tcp -c 6 -w` must hold the handshake and
    /// the payload, and no ICMP.
    @Test func vethCaptureWithFilterCountAndFile() throws {
        let ns = Namespaces()
        defer { ns.remove() }
        let (a, vethA, b, _) = try ns.vethPair()
        let file = temporaryPath("pcap")
        defer { try? FileManager.default.removeItem(atPath: file) }

        let server = Background(["ip", "netns", "exec", a, "python3", "-c", """
            import socket
            s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("10.78.0.1", 7000)); s.listen(1)
            c, _ = s.accept(); data = c.recv(1000); c.sendall(data.upper()); c.close()
            """])
        let capture = Background(["ip", "netns", "exec", a, tcpwatch, "capture", "-i", vethA, "-f", "tcp", "-c", "6", "-w", file])
        #expect(capture.waitForStderr("capturing on"), "capture did not start: \(capture.stderr)")
        let ping = run(["ip", "netns", "exec", b, "ping", "-c", "4", "-i", "0.05", "10.78.0.1"])
        #expect(ping.status == 0, "the pings (which the filter must keep out) failed: \(ping.stdout)")
        let client = run(["ip", "netns", "exec", b, "python3", "-c", """
            import socket, time
            for _ in range(100):
                try:
                    c = socket.create_connection(("10.78.0.1", 7000), timeout=2); break
                except OSError: time.sleep(0.02)
            c.sendall(b"hello tcpwatch"); print(c.recv(1000).decode()); c.close()
            """])
        #expect(client.stdout.contains("HELLO TCPWATCH"), "client: \(client.stdout) \(client.stderr)")
        let done = capture.wait(timeout: 10)
        _ = server.wait(timeout: 5)
        #expect(done.status == 0, "capture: \(done.stderr)")
        #expect(done.counter("packets captured") == 6, "\(done.stderr)")

        let read = run([tcpwatch, "read", "-r", file, "-T", "fields", "-e", "frame.protocols", "-e", "tcp.flags", "-e", "tcp.len", "-e", "tcp.dstport"])
        #expect(read.status == 0, "read: \(read.stderr)")
        let rows = read.stdout.split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
        try #require(rows.count == 6, "\(read.stdout)")
        #expect(rows.allSatisfy { $0[0].contains("tcp") && !$0[0].contains("icmp") }, "the filter let non-TCP through: \(read.stdout)")
        #expect(rows[0][1] == "0x0002" && rows[0][3] == "7000", "first packet is not the SYN: \(rows[0])")
        #expect(rows[1][1] == "0x0012", "second packet is not the SYN-ACK: \(rows[1])")
        #expect(rows[2][1] == "0x0010", "third packet is not the ACK: \(rows[2])")
        #expect(rows.contains { $0[2] == "14" }, "no segment with the 14-byte payload: \(read.stdout)")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: file))
        #expect(bytes.range(of: Data("hello tcpwatch".utf8)) != nil, "the payload is not in the file")
        #expect(bytes.range(of: Data("HELLO TCPWATCH".utf8)) != nil, "the echoed payload is not in the file")
    }

    /// `lo` in a private namespace, written as pcap and as pcapng, both read back; the
    /// pcapng IDB names the interface and says nanoseconds.
    @Test(arguments: ["pcap", "pcapng"])
    func loopbackInBothFormats(format: String) throws {
        let ns = Namespaces()
        defer { ns.remove() }
        let n = try ns.make("lo")
        let file = temporaryPath(format)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let capture = Background(["ip", "netns", "exec", n, tcpwatch, "capture", "-i", "lo", "-c", "4", "-w", file, "--format", format])
        #expect(capture.waitForStderr("capturing on"), "capture did not start: \(capture.stderr)")
        run(["ip", "netns", "exec", n, "ping", "-c", "2", "-i", "0.05", "127.0.0.1"])
        let done = capture.wait(timeout: 10)
        #expect(done.status == 0, "\(done.stderr)")
        #expect(done.counter("packets captured") == 4, "\(done.stderr)")
        // lo shows each packet once (tcpwatch asks the kernel to skip the outgoing copies).
        #expect(done.counter("packets received by filter") == 4, "\(done.stderr)")

        let read = run([tcpwatch, "read", file])
        #expect(read.status == 0, "\(read.stderr)")
        let lines = read.stdout.split(separator: "\n")
        #expect(lines.count == 4 && lines.allSatisfy { $0.contains("ICMP") && $0.contains("127.0.0.1") }, "\(read.stdout)")

        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: file)))
        try #require(bytes.count >= 24, "the capture file is empty")
        if format == "pcap" {
            #expect(Array(bytes[0..<4]) == [0x4D, 0x3C, 0xB2, 0xA1], "not a nanosecond pcap")
        } else {
            let idb = try #require(interfaceBlock(bytes))
            #expect(idb.name == "lo")
            #expect(idb.tsresol == 9)
        }
    }

    /// The views work live too: `conversations -i lo` and `follow -i lo` in a namespace.
    @Test func viewsWorkLive() throws {
        let ns = Namespaces()
        defer { ns.remove() }
        let n = try ns.make("views")
        let conversations = Background(["ip", "netns", "exec", n, tcpwatch, "conversations", "-i", "lo", "-c", "4", "--style", "tshark"])
        #expect(conversations.waitForStderr("capturing on"), "\(conversations.stderr)")
        run(["ip", "netns", "exec", n, "ping", "-c", "2", "-i", "0.05", "127.0.0.1"])
        let done = conversations.wait(timeout: 10)
        #expect(done.status == 0, "\(done.stderr)")
        #expect(done.stderr.contains("4 packets captured"), "\(done.stderr)")
        #expect(done.stdout.contains("TCP Conversations"), "\(done.stdout)")
    }

    /// Live conversations name the local program that owns the socket (from /proc).
    @Test func liveConversationsNameTheOwningProgram() throws {
        let ns = Namespaces()
        defer { ns.remove() }
        let n = try ns.make("owner")
        let conversations = Background(["ip", "netns", "exec", n, tcpwatch, "conversations", "-i", "lo", "-c", "10", "-T", "json"])
        #expect(conversations.waitForStderr("capturing on"), "\(conversations.stderr)")
        let script = """
        import socket, threading, time
        s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(('127.0.0.1', 6789)); s.listen()
        def serve():
            c, _ = s.accept(); c.recv(100); time.sleep(0.3); c.sendall(b'Hello 127.0.0.1'); c.close()
        t = threading.Thread(target=serve); t.start()
        c = socket.create_connection(('127.0.0.1', 6789)); c.sendall(b'Hello server'); c.recv(100); c.close(); t.join()
        """
        run(["ip", "netns", "exec", n, "python3", "-c", script])
        let done = conversations.wait(timeout: 10)
        #expect(done.status == 0, "\(done.stderr)")
        #expect(done.stdout.contains("\"owner\":\"") && done.stdout.contains("/python3\""), "\(done.stdout)")
    }

    /// `-w -` into a pipe: `tcpwatch capture -i lo -w - | tcpwatch read -r -`.
    @Test func pipeToRead() throws {
        let ns = Namespaces()
        defer { ns.remove() }
        let n = try ns.make("pipe")
        let shell = "'\(tcpwatch)' capture -i lo -c 2 -w - | '\(tcpwatch)' read -r -"
        let pipeline = Background(["ip", "netns", "exec", n, "sh", "-c", shell])
        #expect(pipeline.waitForStderr("capturing on"), "\(pipeline.stderr)")
        run(["ip", "netns", "exec", n, "ping", "-c", "1", "127.0.0.1"])
        let done = pipeline.wait(timeout: 10)
        #expect(done.status == 0, "\(done.stderr)")
        #expect(done.stdout.contains("Echo (ping) request") && done.stdout.contains("Echo (ping) reply"), "\(done.stdout)")
    }

    @Test func unprivilegedUserGetsTheSetcapHint() throws {
        let done = run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", tcpwatch, "capture", "-i", "lo", "-c", "1"])
        #expect(done.status == 2, "exit status \(done.status): \(done.stderr)")
        let lines = done.stderr.split(separator: "\n")
        #expect(lines.count == 1, "not one line: \(done.stderr)")
        #expect(done.stderr.contains("permission denied"))
        #expect(done.stderr.contains("sudo"))
        #expect(done.stderr.contains("setcap cap_net_raw,cap_net_admin+eip"))
    }

    /// Ctrl-C in the middle: exit 0, the counters, and a file holding exactly the
    /// packets reported as captured.
    @Test func sigintMidCapture() throws {
        let ns = Namespaces()
        defer { ns.remove() }
        let n = try ns.make("int")
        let file = temporaryPath("pcap")
        defer { try? FileManager.default.removeItem(atPath: file) }
        let capture = Background(["ip", "netns", "exec", n, tcpwatch, "capture", "-i", "lo", "-w", file])
        #expect(capture.waitForStderr("capturing on"), "\(capture.stderr)")
        let ping = Background(["ip", "netns", "exec", n, "ping", "-i", "0.01", "-c", "100", "127.0.0.1"])
        usleep(500_000)
        capture.signal(SIGINT)
        let done = capture.wait(timeout: 10)
        _ = ping.wait(timeout: 10)
        #expect(done.status == 0, "\(done.stderr)")
        let captured = try #require(done.counter("packets captured"), "no counters: \(done.stderr)")
        #expect(captured > 10)
        #expect(done.counter("packets received by filter") != nil)
        #expect(done.counter("packets dropped by kernel") == 0)
        let read = run([tcpwatch, "read", file])
        #expect(read.status == 0, "the file is damaged: \(read.stderr)")
        #expect(read.stdout.split(separator: "\n").count == captured)
    }

    /// Two Ctrl-Cs at once under a ping flood: the second only cuts the final drain
    /// short; the file is still valid and holds what was counted.
    @Test func secondSigintDuringShutdown() throws {
        let ns = Namespaces()
        defer { ns.remove() }
        let n = try ns.make("int2")
        let file = temporaryPath("pcapng")
        defer { try? FileManager.default.removeItem(atPath: file) }
        let capture = Background(["ip", "netns", "exec", n, tcpwatch, "capture", "-i", "lo", "-w", file, "--format", "pcapng"])
        #expect(capture.waitForStderr("capturing on"), "\(capture.stderr)")
        let flood = Background(["ip", "netns", "exec", n, "ping", "-f", "-c", "20000", "127.0.0.1"])
        usleep(300_000)
        capture.signal(SIGINT)
        capture.signal(SIGINT)
        let done = capture.wait(timeout: 10)
        flood.signal(SIGINT)
        _ = flood.wait(timeout: 5)
        #expect(done.status == 0, "\(done.stderr)")
        let captured = try #require(done.counter("packets captured"), "\(done.stderr)")
        let read = run([tcpwatch, "read", file])
        #expect(read.status == 0, "the file is damaged: \(read.stderr)")
        #expect(read.stdout.split(separator: "\n").count == captured)
    }

    /// `-a duration:` stops by itself, and `-Z nobody` gives up root after opening.
    @Test func durationAndPrivilegeDrop() throws {
        let ns = Namespaces()
        defer { ns.remove() }
        let n = try ns.make("z")
        let file = temporaryPath("pcap")
        defer { try? FileManager.default.removeItem(atPath: file) }
        let capture = Background(["ip", "netns", "exec", n, tcpwatch, "capture", "-i", "lo", "-a", "duration:1", "-Z", "nobody", "-w", file])
        #expect(capture.waitForStderr("capturing on"), "\(capture.stderr)")
        let status = try String(contentsOfFile: "/proc/\(capture.process.processIdentifier)/status", encoding: .utf8)
        let uid = status.split(separator: "\n").first { $0.hasPrefix("Uid:") }
        #expect(uid?.split(whereSeparator: \.isWhitespace).dropFirst().allSatisfy { $0 == "65534" } == true, "still root: \(uid ?? "")")
        run(["ip", "netns", "exec", n, "ping", "-c", "2", "-i", "0.05", "127.0.0.1"])
        let done = capture.wait(timeout: 5)
        #expect(done.status == 0, "\(done.stderr)")
        #expect(done.counter("packets captured") == 4, "\(done.stderr)")
        #expect(run([tcpwatch, "read", file]).stdout.split(separator: "\n").count == 4)
    }

    /// The veth is deleted under a running capture: it stops, says so, exits 1, and the
    /// file is valid.
    @Test func interfaceDeletedMidCapture() throws {
        let ns = Namespaces()
        defer { ns.remove() }
        let (a, vethA, b, vethB) = try ns.vethPair()
        let file = temporaryPath("pcap")
        defer { try? FileManager.default.removeItem(atPath: file) }
        let capture = Background(["ip", "netns", "exec", a, tcpwatch, "capture", "-i", vethA, "-f", "icmp", "-w", file])
        #expect(capture.waitForStderr("capturing on"), "\(capture.stderr)")
        run(["ip", "netns", "exec", b, "ping", "-c", "3", "-i", "0.05", "10.78.0.1"])
        // Let the capture take the last reply off the ring before the link goes: packets
        // still queued when the interface disappears are lost with it (seen under load).
        Thread.sleep(forTimeInterval: 0.5)
        run(["ip", "-n", b, "link", "del", vethB])
        let done = capture.wait(timeout: 10)
        #expect(done.status == 1, "\(done.stderr)")
        #expect(done.stderr.contains("interface \(vethA) disappeared"), "\(done.stderr)")
        #expect(done.counter("packets captured") == 6, "\(done.stderr)")
        let read = run([tcpwatch, "read", file])
        #expect(read.status == 0, "\(read.stderr)")
        #expect(read.stdout.split(separator: "\n").count == 6, "\(read.stdout)")
    }

    @Test func fullDisk() throws {
        let ns = Namespaces()
        defer { ns.remove() }
        let n = try ns.make("full")
        let capture = Background(["ip", "netns", "exec", n, tcpwatch, "capture", "-i", "lo", "-w", "/dev/full"])
        #expect(capture.waitForStderr("capturing on"), "\(capture.stderr)")
        // The file is written at least once a second while packets arrive.
        run(["ip", "netns", "exec", n, "ping", "-c", "8", "-i", "0.2", "127.0.0.1"])
        let done = capture.wait(timeout: 10)
        #expect(done.status == 1, "\(done.stderr)")
        #expect(done.stderr.contains("cannot write /dev/full: no space left on device"), "\(done.stderr)")
        #expect(done.counter("packets captured") != nil, "\(done.stderr)")
    }

    @Test func unknownInterfaceListsTheOthers() throws {
        let done = run([tcpwatch, "capture", "-i", "twc-nosuch0", "-c", "1"])
        #expect(done.status == 2)
        #expect(done.stderr.contains("no such interface 'twc-nosuch0'"), "\(done.stderr)")
        #expect(done.stderr.contains("available:") && done.stderr.contains("lo"), "\(done.stderr)")
    }

    @Test func badFilterShowsLibpcapsMessage() throws {
        let done = run([tcpwatch, "capture", "-i", "lo", "-f", "tcp port", "-c", "1"])
        #expect(done.status == 64)
        #expect(done.stderr.contains("invalid capture filter 'tcp port'") && done.stderr.contains("syntax error"), "\(done.stderr)")
    }

    @Test func interfaceDown() throws {
        let ns = Namespaces()
        defer { ns.remove() }
        let n = try ns.make("down")
        let link = run(["ip", "-n", n, "link", "add", "twc-d0", "type", "veth", "peer", "name", "twc-d1"])
        try #require(link.status == 0, "\(link.stderr)")
        let done = run(["ip", "netns", "exec", n, tcpwatch, "capture", "-i", "twc-d0", "-c", "1"])
        #expect(done.status == 2)
        #expect(done.stderr.contains("interface twc-d0 is down"), "\(done.stderr)")
    }
}

/// if_name and if_tsresol of the first Interface Description Block of a pcapng file.
func interfaceBlock(_ bytes: [UInt8]) -> (name: String?, tsresol: UInt8?)? {
    func u32(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 | Int(bytes[at + 2]) << 16 | Int(bytes[at + 3]) << 24 }
    func u16(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 }
    var offset = 0
    while offset + 12 <= bytes.count {
        let type = u32(offset), length = u32(offset + 4)
        guard length >= 12, offset + length <= bytes.count else { return nil }
        if type == 1 {
            var name: String?, tsresol: UInt8?
            var option = offset + 16
            while option + 4 <= offset + length - 4 {
                let code = u16(option), size = u16(option + 2)
                if code == 0 { break }
                let value = Array(bytes[(option + 4)..<(option + 4 + size)])
                if code == 2 { name = String(decoding: value, as: UTF8.self) }
                if code == 9 { tsresol = value.first }
                option += 4 + ((size + 3) & ~3)
            }
            return (name, tsresol)
        }
        offset += length
    }
    return nil
}
