import Foundation
import Testing
@testable import Sockets

/// `tcpwatch sockets -T json`, run inside a private network namespace made by the test, must
/// show the listeners, the UDP sockets and the connections of python3 processes started in
/// it, each with the right pid and program name.
///
/// /proc/net shows the namespace of the process reading it, so the binary runs there through
/// `ip netns exec`; the library is checked from outside through `/proc/PID/net`. All traffic
/// stays on the namespace's own loopback. Skipped (with the reason printed) when not root,
/// without `ip netns`, without python3, or when the tcpwatch binary was not built.
@Suite(.serialized) struct NamespaceIntegrationTests {
    /// Server: TCP 127.0.0.1:80 (http), a dual-stack TCP [::]:631 (ipp) and UDP 0.0.0.0:53
    /// (domain). It echoes, and closes a connection when the client does.
    static let server = #"""
    import os, selectors, socket, sys
    tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    tcp.bind(("127.0.0.1", 80)); tcp.listen(8)
    dual = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    dual.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    dual.bind(("::", 631)); dual.listen(8)
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); udp.bind(("0.0.0.0", 53))
    sel = selectors.DefaultSelector()
    for s in (tcp, dual, udp, sys.stdin): sel.register(s, selectors.EVENT_READ)
    print("READY", os.getpid(), flush=True)
    while True:
        for key, _ in sel.select():
            s = key.fileobj
            if s is sys.stdin:
                if not sys.stdin.readline(): sys.exit(0)
            elif s is udp:
                data, peer = udp.recvfrom(2048); udp.sendto(data, peer)
            elif s is tcp or s is dual:
                c, _ = s.accept(); sel.register(c, selectors.EVENT_READ)
            else:
                data = s.recv(2048)
                if data: s.sendall(data)
                else: sel.unregister(s); s.close()
    """#

    /// Client: one connection to :80, one to :631 over IPv4 (IPv4-mapped on the server's
    /// side), a short one it closes first (TIME-WAIT on its side), and a connected UDP socket.
    static let client = #"""
    import os, socket, sys
    c = socket.create_connection(("127.0.0.1", 80)); c.sendall(b"hello"); c.recv(5)
    d = socket.create_connection(("127.0.0.1", 631)); d.sendall(b"hi"); d.recv(2)
    s = socket.create_connection(("127.0.0.1", 80)); s.sendall(b"bye"); s.recv(3); short = s.getsockname()[1]; s.close()
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.connect(("127.0.0.1", 53)); u.send(b"q"); u.recv(1)
    print("READY", os.getpid(), c.getsockname()[1], d.getsockname()[1], short, u.getsockname()[1], flush=True)
    sys.stdin.readline()
    """#

    @Test func socketsInAPrivateNamespace() throws {
        guard let environment = try Namespace.prepare() else { return }
        let ns = try Namespace(environment)
        defer { ns.tearDown() }

        let server = try ns.startPython(NamespaceIntegrationTests.server)
        let serverPid = try #require(Int32(server.ready[1]))
        let client = try ns.startPython(NamespaceIntegrationTests.client)
        let clientPid = try #require(Int32(client.ready[1]))
        let ports = client.ready[2...].compactMap { Int($0) }
        try #require(ports.count == 4)
        let (httpPort, ippPort, shortPort, udpPort) = (ports[0], ports[1], ports[2], ports[3])
        // The name the kernel gave the interpreter, read independently of tcpwatch.
        let program = try String(contentsOfFile: "/proc/\(serverPid)/comm", encoding: .utf8)
            .trimmingCharacters(in: .newlines)
        #expect(program.hasPrefix("python"))

        // All sockets; poll briefly for the server to close the short connection (TIME-WAIT).
        var rows: [[String: Any]] = []
        for _ in 0..<30 {
            rows = try ns.socketsJSON(["-a"])
            if rows.contains(where: { $0["state"] as? String == "TIME-WAIT" }) { break }
            usleep(100_000)
        }
        func find(_ netid: String, _ state: String, localPort: Int, peerPort: Int? = nil) throws -> [String: Any] {
            try #require(rows.first {
                $0["netid"] as? String == netid && $0["state"] as? String == state && $0["local_port"] as? Int == localPort
                    && (peerPort == nil || $0["peer_port"] as? Int == peerPort)
            }, "no \(netid) \(state) on \(localPort) in \(rows)")
        }
        func expectOwner(_ row: [String: Any], _ pid: Int32, sourceLocation: SourceLocation = #_sourceLocation) {
            #expect(row["pid"] as? Int == Int(pid), "\(row)", sourceLocation: sourceLocation)
            #expect(row["program"] as? String == program, "\(row)", sourceLocation: sourceLocation)
        }

        let http = try find("tcp", "LISTEN", localPort: 80)
        expectOwner(http, serverPid)
        #expect(http["local_address"] as? String == "127.0.0.1" && http["service"] as? String == "http")
        let ipp = try find("tcp", "LISTEN", localPort: 631)
        expectOwner(ipp, serverPid)
        #expect(ipp["family"] as? String == "ipv6" && ipp["local_address"] as? String == "::" && ipp["service"] as? String == "ipp")
        let dns = try find("udp", "UNCONN", localPort: 53)
        expectOwner(dns, serverPid)
        #expect(dns["local_address"] as? String == "0.0.0.0" && dns["service"] as? String == "domain")

        // Both halves of the connection to :80, each with its own process, told apart by the client's port.
        let clientSide = try find("tcp", "ESTAB", localPort: httpPort, peerPort: 80)
        expectOwner(clientSide, clientPid)
        #expect(clientSide["peer_address"] as? String == "127.0.0.1" && clientSide["service"] as? String == "http")
        let serverSide = try find("tcp", "ESTAB", localPort: 80, peerPort: httpPort)
        expectOwner(serverSide, serverPid)

        // The dual-stack server's half is IPv4-mapped in tcp6.
        let mapped = try find("tcp", "ESTAB", localPort: 631, peerPort: ippPort)
        expectOwner(mapped, serverPid)
        #expect(mapped["family"] as? String == "ipv6" && mapped["local_address"] as? String == "::ffff:127.0.0.1")
        expectOwner(try find("tcp", "ESTAB", localPort: ippPort, peerPort: 631), clientPid)

        let connectedUDP = try find("udp", "ESTAB", localPort: udpPort, peerPort: 53)
        expectOwner(connectedUDP, clientPid)

        // The client closed first: its half waits in TIME-WAIT, owned by nobody.
        let timeWait = try find("tcp", "TIME-WAIT", localPort: shortPort, peerPort: 80)
        #expect(timeWait["pid"] is NSNull)

        // Filters.
        let listening = try ns.socketsJSON(["--listening"])
        #expect(Set(listening.compactMap { $0["state"] as? String }) == ["LISTEN", "UNCONN"])
        #expect(Set(listening.compactMap { $0["local_port"] as? Int }) == [80, 631, 53])
        // ss's habit works too, and means the same.
        let ssStyle = try ns.socketsJSON(["-tulpn"])
        #expect(ssStyle.compactMap { $0["inode"] as? Int } == listening.compactMap { $0["inode"] as? Int })
        let port631 = try ns.socketsJSON(["-a", "--port", "631"])
        #expect(port631.count == 3)
        #expect(port631.allSatisfy { $0["local_port"] as? Int == 631 || $0["peer_port"] as? Int == 631 })
        let udpOnly = try ns.socketsJSON(["--udp", "-a"])
        #expect(udpOnly.count == 2 && udpOnly.allSatisfy { $0["netid"] as? String == "udp" })
        // Without -a or -l, as ss: connections only, and no TIME-WAIT.
        let connected = try ns.socketsJSON([])
        #expect(!connected.isEmpty && connected.allSatisfy { $0["state"] as? String == "ESTAB" }, "\(connected)")
        let tcpListeners = try ns.socketsJSON(["--tcp", "-l", "--port", "80"])
        #expect(tcpListeners.count == 1 && tcpListeners.first?["local_port"] as? Int == 80)

        // The text table fits 80 columns and names the programs.
        let text = try ns.run(["ip", "netns", "exec", ns.name, environment.binary, "sockets", "-a", "--color", "never"]).output
        let lines = text.split(separator: "\n")
        #expect(lines.first?.hasPrefix("Netid State") == true)
        #expect(lines.count == rows.count + 1)
        for line in lines { #expect(line.count <= 80, "\(line)") }
        #expect(text.contains("\(serverPid)/\(program)") && text.contains("\(clientPid)/\(program)"))

        // The library, from outside the namespace, through the server's /proc/PID/net.
        let table = SocketTable.load(SocketTable.Source(netDirectory: "/proc/\(serverPid)/net"))
        let c = UInt16(httpPort)
        #expect(table.owner(of: SocketTuple(proto: .tcp, local: ep("127.0.0.1", c), remote: ep("127.0.0.1", 80)))?.pid == clientPid)
        #expect(table.owner(of: SocketTuple(proto: .tcp, local: ep("127.0.0.1", 80), remote: ep("127.0.0.1", c)))?.pid == serverPid)
        #expect(table.owner(of: SocketTuple(proto: .tcp, local: ep("::ffff:127.0.0.1", 631), remote: ep("127.0.0.1", UInt16(ippPort))))?.program == program)
        #expect(table.owner(of: SocketTuple(proto: .udp, local: ep("127.0.0.1", 53), remote: ep("127.0.0.1", 9999)))?.pid == serverPid)
        // And this namespace's own table does not have them.
        #expect(!SocketTable.snapshot().contains { $0.processes.contains { $0.pid == serverPid } })
    }
}

/// A private network namespace with its loopback up, and the processes started in it.
final class Namespace {
    struct Environment {
        var binary: String
        var python: String
    }

    let name: String
    let environment: Environment
    private var processes: [(Process, Pipe)] = []

    /// What the test needs, or nil after printing why it is skipped.
    static func prepare() throws -> Environment? {
        func skip(_ reason: String) -> Environment? {
            print("skipping the sockets namespace test: \(reason)")
            return nil
        }
        guard geteuid() == 0 else { return skip("not root (ip netns add needs CAP_SYS_ADMIN)") }
        guard (try? run(["ip", "netns", "list"]).status) == 0 else { return skip("`ip netns` is not available") }
        guard let python = try? run(["python3", "-c", "import sys; print(sys.executable)"]),
              python.status == 0, !python.output.isEmpty
        else { return skip("python3 is not available") }
        // The tcpwatch binary sits next to the test bundle (swift test builds every product).
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var directory = URL(fileURLWithPath: exe).deletingLastPathComponent()
        if directory.lastPathComponent == "MacOS" || directory.pathExtension == "xctest" { directory.deleteLastPathComponent() }
        let binary = directory.appendingPathComponent("tcpwatch").path
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            return skip("no tcpwatch binary at \(binary); run swift build first")
        }
        return Environment(binary: binary, python: python.output.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    init(_ environment: Environment) throws {
        self.environment = environment
        name = "twk-sockets-\(getpid())-\(UInt16.random(in: 0...UInt16.max))"
        let add = try Namespace.run(["ip", "netns", "add", name])
        try #require(add.status == 0, "ip netns add \(name) failed: \(add.output)")
        let up = try Namespace.run(["ip", "netns", "exec", name, "ip", "link", "set", "lo", "up"])
        guard up.status == 0 else {
            tearDown()
            throw NamespaceError.setup("ip link set lo up failed: \(up.output)")
        }
    }

    enum NamespaceError: Error { case setup(String) }

    /// Starts `python3 -c script` in the namespace and waits for its `READY ...` line.
    func startPython(_ script: String) throws -> (process: Process, ready: [String]) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["ip", "netns", "exec", name, environment.python, "-c", script]
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        processes.append((process, input))
        // Read up to the first newline (EOF when python failed: then the fields are empty).
        var line: [UInt8] = []
        while !line.contains(10) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line += chunk
        }
        let fields = String(decoding: line, as: UTF8.self).split(whereSeparator: \.isWhitespace).map(String.init)
        if fields.first != "READY" {
            process.waitUntilExit()
            let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            try #require(fields.first == "READY", "python did not start in \(name): \(fields) \(stderr)")
        }
        return (process, fields)
    }

    /// `tcpwatch sockets -T json ARGS` in the namespace, one object per line.
    func socketsJSON(_ arguments: [String]) throws -> [[String: Any]] {
        let result = try run(["ip", "netns", "exec", name, environment.binary, "sockets", "-T", "json"] + arguments)
        try #require(result.status == 0, "tcpwatch sockets failed: \(result.output)")
        return try result.output.split(separator: "\n").map {
            try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any], "not JSON: \($0)")
        }
    }

    func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        try Namespace.run(arguments)
    }

    /// Runs a command to completion and returns its exit status and standard output.
    static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// Stops the processes it started (closing their stdin, then SIGTERM) and deletes the namespace.
    func tearDown() {
        for (process, input) in processes {
            try? input.fileHandleForWriting.close()
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
        }
        processes.removeAll()
        _ = try? Namespace.run(["ip", "netns", "del", name])
    }
}
