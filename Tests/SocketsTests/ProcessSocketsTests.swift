import Foundation
import Testing
@testable import Sockets

/// A made-up `/proc` in a temporary directory: tables, comm/cmdline and fd links.
struct FakeProc {
    let root: String

    init() throws {
        root = NSTemporaryDirectory() + "twk-fakeproc-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: root + "/net", withIntermediateDirectories: true)
    }

    func write(_ path: String, _ text: String) throws {
        let url = URL(fileURLWithPath: root + "/" + path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    func link(_ path: String, to target: String) throws {
        let full = root + "/" + path
        try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: full, withDestinationPath: target)
    }

    func remove() { try? FileManager.default.removeItem(atPath: root) }
}

@Suite struct ProcessSocketsTests {
    /// Host-order words: these literal tables are what a little-endian kernel writes.
    static let littleEndian = 1.littleEndian == 1

    @Test(.enabled(if: littleEndian, "the literal tables are little-endian"))
    func snapshotOfAFakeProc() throws {
        let proc = try FakeProc()
        defer { proc.remove() }
        try proc.write("net/tcp", """
          sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
           0: 3500007F:0035 00000000:0000 0A 00000000:00000000 00:00000000 00000000   991        0 21385 1 0000000000000000 100 0 0 10 5
           1: 0100007F:B3F6 0100007F:0035 06 00000000:00000000 03:000016A8 00000000     0        0 0 3 0000000000000000

        """)
        try proc.write("net/udp", """
           sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
          100: 3500007F:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000   991        0 21384 2 0000000000000000 0

        """)
        // No tcp6/udp6: a kernel without IPv6. pid 100 owns both sockets; pid 200 shares the
        // TCP listener and has a name longer than comm's 15 characters; pid 300 cannot be read.
        try proc.write("100/comm", "resolved\n")
        try proc.link("100/fd/0", to: "/dev/null")
        try proc.link("100/fd/12", to: "socket:[21385]")
        try proc.link("100/fd/11", to: "socket:[21384]")
        try proc.link("100/fd/13", to: "socket:[21385]")
        try proc.write("200/comm", "averyveryverylo\n")
        try proc.write("200/cmdline", "/usr/local/bin/averyveryverylongname\u{0}--flag\u{0}")
        try proc.link("200/fd/7", to: "socket:[21385]")
        try proc.link("200/fd/8", to: "socket:[99999]")
        try proc.link("200/fd/9", to: "pipe:[21385]")
        try proc.write("300/comm", "hidden\n")
        try proc.write("self", "not a pid")

        let entries = SocketTable.snapshot(procRoot: proc.root)
        #expect(entries.count == 3)
        let listener = try #require(entries.first { $0.proto == .tcp && $0.state == .listen })
        #expect(listener.processes == [SocketProcess(pid: 100, program: "resolved", fd: 12),
                                       SocketProcess(pid: 200, program: "averyveryverylongname", fd: 7)])
        let udp = try #require(entries.first { $0.proto == .udp })
        #expect(udp.owner?.pid == 100 && udp.state.ssName == "UNCONN")
        let timeWait = try #require(entries.first { $0.state == .timeWait })
        #expect(timeWait.processes.isEmpty)

        let table = SocketTable(entries: entries)
        let owner = try #require(table.owner(of: SocketTuple(proto: .udp, local: ep("127.0.0.53", 53), remote: ep("127.0.0.1", 40000))))
        #expect(owner.pid == 100 && owner.program == "resolved")

        // The same tables read through a namespace's net directory, without owners.
        var source = SocketTable.Source(procRoot: proc.root, netDirectory: proc.root + "/net")
        source.attributeProcesses = false
        source.protocols = [.tcp]
        let bare = SocketTable.load(source)
        #expect(bare.entries.count == 2 && bare.entries.allSatisfy { $0.processes.isEmpty })
    }

    @Test func missingProcIsEmpty() {
        #expect(SocketTable.snapshot(procRoot: "/nonexistent-twk").isEmpty)
        #expect(ProcessSockets.scan(procRoot: "/nonexistent-twk").owners.isEmpty)
    }

    /// The real /proc: a listener and a connection made by this test process itself.
    @Test func ownSocketsInTheRealProc() throws {
        let server = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(server >= 0)
        defer { close(server) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(server, $0, length) == 0 && listen(server, 4) == 0 && getsockname(server, $0, &length) == 0
            }
        }
        try #require(bound)
        let port = UInt16(bigEndian: address.sin_port)

        let client = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(client) }
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(client, $0, length) == 0 }
        }
        try #require(connected)
        var clientAddress = sockaddr_in()
        var clientLength = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &clientAddress) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(client, $0, &clientLength) }
        }
        let clientPort = UInt16(bigEndian: clientAddress.sin_port)

        let table = SocketTable.load()
        let listener = try #require(table.entries.first { $0.proto == .tcp && $0.state == .listen && $0.local.port == port })
        #expect(listener.local == ep("127.0.0.1", port))
        #expect(listener.owner?.pid == getpid())
        #expect(listener.owner?.program.hasPrefix(ProcessSockets.programName(pid: getpid()).prefix(8)) == true)

        let tuple = SocketTuple(proto: .tcp, local: ep("127.0.0.1", clientPort), remote: ep("127.0.0.1", port))
        #expect(table.entry(for: tuple)?.state == .established)
        #expect(table.owner(of: tuple)?.pid == getpid())
        // The server's half, not accepted yet, belongs to the listener's owner.
        let serverSide = SocketTuple(proto: .tcp, local: ep("127.0.0.1", port), remote: ep("127.0.0.1", clientPort))
        #expect(table.owner(of: serverSide)?.pid == getpid())
    }
}

/// A live capture names a wildcard listener's owner only for an address of this machine.
@Suite struct LocalAddressTests {
    @Test func loopbackIsLocalAndDocumentationAddressesAreNot() {
        var local = LocalAddresses()
        #expect(local.contains(SocketIP("127.0.0.1")!) && local.contains(SocketIP("127.8.9.10")!) && local.contains(SocketIP("::1")!))
        #expect(!local.contains(SocketIP("192.0.2.1")!) && !local.contains(SocketIP("2001:db8::1")!))
    }
}
