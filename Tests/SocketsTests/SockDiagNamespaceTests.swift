import Foundation
import Testing
@testable import Sockets

/// `tcpwatch sockets` over netlink sock_diag against `ss -tuan` on the same namespace, row
/// for row: dual-stack `*:80` against v6-only `[::]:8080`, a link-local listener with its
/// `%interface`, an SO_REUSEPORT pair, queues. Then `--conflicts` on the lab's port 80.
/// Skipped (with the reason printed) as the other namespace test is.
@Suite(.serialized) struct SockDiagNamespaceTests {
    static let listeners = #"""
    import socket, sys
    socks = []
    def tcp(fam, addr, port, v6only=None, reuseport=False, scope=0):
        s = socket.socket(fam, socket.SOCK_STREAM)
        if v6only is not None: s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, v6only)
        if reuseport: s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        s.bind((addr, port, 0, scope) if fam == socket.AF_INET6 else (addr, port)); s.listen(5); socks.append(s)
    tcp(socket.AF_INET6, "::", 80, v6only=0)          # apache's Listen 80
    tcp(socket.AF_INET6, "::", 8080, v6only=1)
    tcp(socket.AF_INET, "0.0.0.0", 8080)
    tcp(socket.AF_INET, "127.0.0.1", 9000, reuseport=True)
    tcp(socket.AF_INET, "127.0.0.1", 9000, reuseport=True)
    tcp(socket.AF_INET6, "fe80::1", 22, scope=socket.if_nametoindex("twk-ll0"))
    u = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); u.bind(("::", 53)); socks.append(u)
    c = socket.create_connection(("127.0.0.1", 80)); c.sendall(b"x" * 100)   # 100 bytes never read
    print("READY", flush=True)
    sys.stdin.readline()
    """#

    @Test func matchesSSRowForRow() throws {
        guard let environment = try Namespace.prepare() else { return }
        guard (try? Namespace.run(["ss", "-V"]).status) == 0 else {
            print("skipping the sock_diag comparison: ss is not installed")
            return
        }
        let ns = try Namespace(environment)
        defer { ns.tearDown() }
        for command in [["ip", "-n", ns.name, "link", "add", "twk-ll0", "type", "veth", "peer", "name", "twk-ll1"],
                        ["ip", "-n", ns.name, "link", "set", "twk-ll0", "up"], ["ip", "-n", ns.name, "link", "set", "twk-ll1", "up"],
                        ["ip", "-n", ns.name, "addr", "add", "fe80::1/64", "dev", "twk-ll0", "nodad"]] {
            let result = try ns.run(command)
            try #require(result.status == 0, "\(command) failed")
        }
        _ = try ns.startPython(Self.listeners)

        // ss: State Recv-Q Send-Q Local Peer, one row per socket (-H: no header).
        let ss = try ns.run(["ip", "netns", "exec", ns.name, "ss", "-tuanH"]).output
        let expected = ss.split(separator: "\n").map { line -> String in
            let w = line.split(separator: " ")
            return w[0...5].joined(separator: " ")
        }.sorted()
        let rows = try ns.socketsJSON(["-a"])
        let ours = rows.map { r in
            ["\(r["netid"]!)", "\(r["state"]!)", "\(r["recv_q"]!)", "\(r["send_q"]!)", "\(r["local"]!)", "\(r["peer"]!)"]
                .joined(separator: " ")
        }.sorted()
        #expect(ours == expected)
        #expect(expected.contains { $0.contains(" *:80 ") } && expected.contains { $0.contains(" [::]:8080 ") })
        #expect(expected.contains { $0.contains("[fe80::1]%twk-ll0:22") })
        let dual = try #require(rows.first { $0["local"] as? String == "*:80" })
        #expect(dual["v6only"] as? Bool == false)
        let v6only = try #require(rows.first { $0["local"] as? String == "[::]:8080" })
        #expect(v6only["v6only"] as? Bool == true)

        let text = try ns.run(["ip", "netns", "exec", ns.name, environment.binary, "sockets", "-a", "--color", "never"]).output
        #expect(text.contains("note: 2 sockets share tcp 127.0.0.1:9000 (SO_REUSEPORT group"))

        // The text table against ss's own, for ss's flags: the same header (Service is
        // tcpwatch's, after ss's columns), then the same rows, column for column, with the
        // process (pid/program against users:(("program",pid=N,...))). The connection that
        // nobody accepts holds 100 bytes in Recv-Q; its listener shows 1 waiting of 5.
        for flags in ["-tuanp", "-tulpn", "-tanp", "-tn", "-ltn", "-un", "-uan", "-tunp"] {
            let theirs = try ns.run(["ip", "netns", "exec", ns.name, "ss", flags]).output
            let ours = try ns.run(["ip", "netns", "exec", ns.name, environment.binary, "sockets", flags, "-W", "--color", "never"]).output
            let (ssHeader, ssRows) = Self.ssTable(theirs)
            var ourLines = ours.split(separator: "\n").filter { !$0.hasPrefix("note:") }
                .map { $0.split(separator: " ").map(String.init) }
            let ourHeader = Self.headerColumns(ourLines.removeFirst().joined(separator: " "))
            #expect(ourHeader == ssHeader + ["Service"], "\(flags): \(ours)")
            let width = ssHeader.count - 1   // the columns before Process
            // ss names the process with -p only; tcpwatch always does.
            let process = flags.contains("p")
            let ourRows = ourLines.map { Array($0.prefix(width)) + [process && $0.count > width ? $0[width] : "-"] }
            #expect(ourRows.map { $0.joined(separator: " ") }.sorted() == ssRows.map { $0.joined(separator: " ") }.sorted(),
                    "\(flags):\n\(ours)\nss:\n\(theirs)")
        }
        let queued = try ns.run(["ip", "netns", "exec", ns.name, environment.binary, "sockets", "-tn", "-W"]).output
        #expect(queued.split(separator: "\n").contains { $0.hasPrefix("ESTAB 100 ") }, "\(queued)")
        let backlog = try ns.run(["ip", "netns", "exec", ns.name, environment.binary, "sockets", "-tl", "-W", "--port", "80"]).output
        #expect(backlog.split(separator: "\n").contains { $0.hasPrefix("LISTEN 1      5 ") }, "\(backlog)")

        let conflicts = try ns.run(["ip", "netns", "exec", ns.name, environment.binary, "sockets", "--conflicts", "80"]).output
        #expect(conflicts.contains("A bind to 0.0.0.0:80 would fail with \"Address already in use\""), "\(conflicts)")
        #expect(conflicts.contains("python3 on *:80"))
        let free = try ns.run(["ip", "netns", "exec", ns.name, environment.binary, "sockets", "--conflicts", "8081"]).output
        #expect(free.contains("would succeed"))
        // The rule, checked by the kernel itself: try the binds in the namespace.
        let probe = #"""
        import socket
        for fam, addr, v6only in ((socket.AF_INET, "0.0.0.0", None), (socket.AF_INET6, "::", 1), (socket.AF_INET6, "::", 0)):
            s = socket.socket(fam, socket.SOCK_STREAM)
            if v6only is not None: s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, v6only)
            for port in (80, 8080):
                try: s.bind((addr, port)); print("ok", port, addr, v6only); s.close(); s = socket.socket(fam, socket.SOCK_STREAM)
                except OSError: print("fail", port, addr, v6only)
        """#
        let kernel = try ns.run(["ip", "netns", "exec", ns.name, environment.python, "-c", probe]).output
        #expect(!kernel.isEmpty && !kernel.contains("ok"), "every wildcard bind to 80 and 8080 fails: \(kernel)")
    }

    /// ss's header as column names ("Local Address:Port" is one), and its rows with the
    /// process column reduced to `pid/program` (`-` when ss shows none).
    static func ssTable(_ text: String) -> (header: [String], rows: [[String]]) {
        var lines = text.split(separator: "\n").map(String.init)
        let header = headerColumns(lines.removeFirst())
        let width = header.count - 1
        let rows = lines.map { line -> [String] in
            let words = line.split(separator: " ").map(String.init)
            var process = "-"
            if let users = words.dropFirst(width).first,
               let name = users.split(separator: "\"").dropFirst().first,
               let pid = users.split(separator: "pid=").dropFirst().first?.prefix(while: \.isNumber) {
                process = "\(pid)/\(name)"
            }
            return Array(words.prefix(width)) + [process]
        }
        return (header, rows)
    }

    /// Column names of a header line; ss glues "Peer Address:Port" to "Process" when the
    /// column is full.
    static func headerColumns(_ line: String) -> [String] {
        line.replacingOccurrences(of: "PortProcess", with: "Port Process")
            .replacingOccurrences(of: "Local Address", with: "Local_Address")
            .replacingOccurrences(of: "Peer Address", with: "Peer_Address")
            .split(separator: " ").map { $0.replacingOccurrences(of: "_", with: " ") }
    }

    /// A reply datagram built by hand: one AF_INET6 listener with INET_DIAG_SKV6ONLY = 0, then DONE.
    @Test func parsesAReply() {
        var b: [UInt8] = []
        func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { b += $0 } }
        func u16(_ v: UInt16) { withUnsafeBytes(of: v.littleEndian) { b += $0 } }
        u32(16 + 72 + 8); u16(20); u16(2); u32(1); u32(0)
        b += [10, 0x0A, 0, 0]                                  // AF_INET6, LISTEN
        b += [0, 80, 0, 0] + [UInt8](repeating: 0, count: 32)  // sport 80, dport 0, addresses ::
        u32(3); u32(0); u32(0)                                 // interface 3, cookie
        u32(0); u32(1); u32(511); u32(33); u32(4242)           // expires, rqueue, wqueue, uid, inode
        u16(5); u16(11); b += [0, 0, 0, 0]                     // INET_DIAG_SKV6ONLY = 0, padded
        u32(20); u16(3); u16(2); u32(1); u32(0); u32(0)        // NLMSG_DONE
        let reply = SockDiagParser.parse(b[...], proto: .tcp)
        #expect(reply.done && reply.error == nil)
        let e = reply.entries.first
        #expect(e?.state == .listen && e?.local.port == 80 && e?.recvQ == 1 && e?.sendQ == 511 && e?.uid == 33 && e?.inode == 4242)
        #expect(e?.v6Only == false && e?.interface == 3 && e?.isDualStackWildcard == true)
        #expect(SockDiagParser.request(proto: .udp, family: .ipv6, sequence: 7).count == 72)
    }

    /// The exact lookup a live capture sends for a SYN: no NLM_F_DUMP, the local end as
    /// the source, ports and addresses in network order, no cookie.
    @Test func exactRequest() {
        let tuple = SocketTuple(proto: .tcp, local: ep("127.0.0.1", 40000), remote: ep("127.0.0.2", 80))
        let b = SockDiagParser.request(exact: tuple, sequence: 9)
        #expect(b.count == 72)
        #expect(b[6] == 1 && b[7] == 0)                                   // NLM_F_REQUEST only
        #expect(b[16] == 2 && b[17] == 6)                                 // AF_INET, TCP
        #expect(Array(b[24..<28]) == [0x9C, 0x40, 0, 80])                 // sport 40000, dport 80
        #expect(Array(b[28..<32]) == [127, 0, 0, 1] && Array(b[44..<48]) == [127, 0, 0, 2])
        #expect(Array(b[64..<72]) == [UInt8](repeating: 0xFF, count: 8))  // INET_DIAG_NOCOOKIE
        let v6 = SockDiagParser.request(exact: SocketTuple(proto: .tcp, local: ep("::1", 1), remote: ep("::1", 2)), sequence: 1)
        #expect(v6[16] == 10 && v6[43] == 1 && v6[59] == 1)
    }
}
