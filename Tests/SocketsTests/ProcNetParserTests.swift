import Testing
@testable import Sockets

/// Literal lines as a little-endian (x86-64, arm64) kernel writes them.
@Suite struct ProcNetParserTests {
    static let tcpHeader = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode"

    func tcp(_ line: String, _ family: SocketFamily = .ipv4) throws -> SocketEntry {
        try #require(ProcNetParser.parse(line: line, proto: .tcp, family: family, byteOrder: .little))
    }

    @Test func ipv4ListenerOfSystemdResolved() throws {
        // 127.0.0.53:53, what systemd-resolved listens on.
        let e = try tcp("   0: 3500007F:0035 00000000:0000 0A 00000000:00000000 00:00000000 00000000   991        0 21385 1 0000000000000000 100 0 0 10 5")
        #expect(e.state == .listen && e.state.ssName == "LISTEN")
        #expect(e.local == SocketEndpoint("127.0.0.53", 53))
        #expect(e.remote == SocketEndpoint("0.0.0.0", 0))
        #expect(e.uid == 991 && e.inode == 21385)
        #expect(e.isListening)
    }

    @Test func ipv4Established() throws {
        // 10.0.2.15:51514 -> 10.0.2.4:6789, 12 bytes not yet acknowledged, 3 waiting to be read.
        let e = try tcp("   4: 0F02000A:C93A 0402000A:1A85 01 0000000C:00000003 01:00000014 00000000  1000        0 77811 4 0000000000000000 20 4 30 10 -1")
        #expect(e.state.ssName == "ESTAB")
        #expect(e.local.description == "10.0.2.15:51514")
        #expect(e.remote.description == "10.0.2.4:6789")
        #expect(e.sendQ == 12 && e.recvQ == 3)
        #expect(!e.isListening)
    }

    @Test func timeWaitHasNoInode() throws {
        let e = try tcp("   7: 0100007F:B3F6 0100007F:1F90 06 00000000:00000000 03:000016A8 00000000     0        0 0 3 0000000000000000")
        #expect(e.state.ssName == "TIME-WAIT")
        #expect(e.inode == 0)
        #expect(e.local.port == 46070 && e.remote.port == 8080)
    }

    @Test func ipv6ListenerOnAnyAddress() throws {
        // [::]:631 (cupsd on every address).
        let e = try tcp("   0: 00000000000000000000000000000000:0277 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 23456 1 0000000000000000 100 0 0 10 0", .ipv6)
        #expect(e.family == .ipv6 && e.state == .listen)
        #expect(e.local.port == 631)
        #expect(e.local.address == .ipv6Any && e.local.address.isUnspecified)
        #expect(e.addressText(e.local) == "::")
        #expect(SocketsView.endpointText(e, e.local, peer: false) == "[::]:631")
        #expect(SocketsView.endpointText(e, e.remote, peer: true) == "[::]:*")
    }

    @Test func ipv6Loopback() throws {
        let e = try tcp("   1: 00000000000000000000000001000000:0277 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 23457 1 0000000000000000 100 0 0 10 0", .ipv6)
        #expect(e.addressText(e.local) == "::1")
        #expect(SocketsView.endpointText(e, e.local, peer: false) == "[::1]:631")
    }

    @Test func ipv4MappedConnection() throws {
        // A dual-stack server socket: [::ffff:127.0.0.1]:8080 <- [::ffff:127.0.0.1]:54000.
        let e = try tcp("   2: 0000000000000000FFFF00000100007F:1F90 0000000000000000FFFF00000100007F:D2F0 01 00000000:00000000 00:00000000 00000000  1000        0 88123 1 0000000000000000 20 4 28 10 -1", .ipv6)
        #expect(e.local.address.isIPv4)
        #expect(e.local.address == SocketIP("127.0.0.1"))
        #expect(e.addressText(e.local) == "::ffff:127.0.0.1")
        #expect(e.local.port == 8080 && e.remote.port == 54000)
        #expect(SocketsView.endpointText(e, e.local, peer: false) == "[::ffff:127.0.0.1]:8080")
        // Squeezed, it shows the IPv4 address it carries on the wire.
        #expect(SocketsView.endpointText(e, e.local, peer: false, width: 21) == "127.0.0.1:8080")
    }

    @Test func ipv6GlobalAndLinkLocal() throws {
        // 2001:db8::1:0:0:1 and fe80::a00:27ff:fe4e:66a1, each 32-bit word in host (little-endian) order.
        let global = try #require(ProcNetParser.address("B80D0120000000000000010001000000", family: .ipv6, byteOrder: .little))
        #expect(global.description == "2001:db8::1:0:0:1")
        let linkLocal = try #require(ProcNetParser.address("000080FE00000000FF27000AA1664EFE", family: .ipv6, byteOrder: .little))
        #expect(linkLocal.description == "fe80::a00:27ff:fe4e:66a1")
    }

    @Test func bigEndianHost() throws {
        let a = try #require(ProcNetParser.address("7F000001", family: .ipv4, byteOrder: .big))
        #expect(a.description == "127.0.0.1")
        let b = try #require(ProcNetParser.address("00000000000000000000000000000001", family: .ipv6, byteOrder: .big))
        #expect(b.description == "::1")
    }

    @Test func udpLines() throws {
        let unconn = try #require(ProcNetParser.parse(
            line: "  123: 00000000:0044 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 18839 2 0000000000000000 0",
            proto: .udp, family: .ipv4, byteOrder: .little))
        #expect(unconn.state.ssName == "UNCONN" && unconn.isListening && unconn.local.port == 68)
        let connected = try #require(ProcNetParser.parse(
            line: " 9001: 00000000000000000000000001000000:B9EB 00000000000000000000000001000000:0035 01 00000000:00000000 00:00000000 00000000     0        0 18840 2 0000000000000000 0",
            proto: .udp, family: .ipv6, byteOrder: .little))
        #expect(connected.state.ssName == "ESTAB" && !connected.isListening)
        #expect(connected.remote.description == "[::1]:53")
    }

    @Test func wholeTableSkipsHeaderAndJunk() {
        let text = """
        \(ProcNetParserTests.tcpHeader)
           0: 3500007F:0035 00000000:0000 0A 00000000:00000000 00:00000000 00000000   991        0 21385 1 0000000000000000 100 0 0 10 5
           1: 0100007F:ZZZZ 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1
           2: 0100007F:0050 00000000:0000 0A
           3: 0100007F:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 21386 1 0000000000000000 100 0 0 10 5

        """
        let entries = ProcNetParser.parse(table: text, proto: .tcp, family: .ipv4, byteOrder: .little)
        #expect(entries.map(\.local.port) == [53, 80])
    }

    @Test func stateNamesAsSSPrintsThem() {
        #expect(SocketState.allCases.map(\.ssName) == [
            "ESTAB", "SYN-SENT", "SYN-RECV", "FIN-WAIT-1", "FIN-WAIT-2", "TIME-WAIT", "UNCONN",
            "CLOSE-WAIT", "LAST-ACK", "LISTEN", "CLOSING", "NEW-SYN-RECV",
        ])
        #expect(SocketState(ssName: "time-wait") == .timeWait)
    }
}

@Suite struct SocketIPTests {
    @Test(arguments: [
        ("::", "::"), ("::1", "::1"), ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"),
        ("2001:0db8:0000:0000:0000:ff00:0042:8329", "2001:db8::ff00:42:8329"),
        ("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"), ("fe80::1", "fe80::1"),
        ("1::", "1::"), ("2001:db8::1:0:0:0:1", "2001:db8:0:1::1"),
    ])
    func rfc5952(_ input: String, _ expected: String) throws {
        #expect(try #require(SocketIP(input)).description == expected)
    }

    @Test func mappedEqualsIPv4() throws {
        let mapped = try #require(SocketIP("::ffff:10.0.2.15"))
        #expect(mapped == SocketIP("10.0.2.15"))
        #expect(mapped.isIPv4 && mapped.ipv6Text == "::ffff:10.0.2.15")
        #expect(SocketIP(bytes: [10, 0, 2, 15]) == mapped)
    }

    @Test func rejectsJunk() {
        for text in ["", "1.2.3", "256.1.1.1", "1:2:3:4:5:6:7:8:9", ":::", "1::2::3", "g::1", "::ffff:1.2.3"] {
            #expect(SocketIP(text) == nil, "\(text)")
        }
    }
}
