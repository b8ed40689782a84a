import Foundation
import Testing
@testable import Sockets

func ep(_ address: String, _ port: UInt16) -> SocketEndpoint { SocketEndpoint(address, port)! }

func entry(_ proto: SocketProtocol, _ family: SocketFamily, _ state: SocketState,
           _ local: SocketEndpoint, _ remote: SocketEndpoint, inode: UInt64,
           _ owners: [(Int32, String)] = []) -> SocketEntry {
    SocketEntry(proto: proto, family: family, state: state, local: local, remote: remote, inode: inode,
                processes: owners.enumerated().map { SocketProcess(pid: $1.0, program: $1.1, fd: Int32(3 + $0)) })
}

/// A small machine: named on 53, cupsd on [::]:631, a dual-stack web server with one
/// client, an unconnected UDP socket and a sockets in TIME-WAIT.
let sampleTable = SocketTable(entries: [
    entry(.tcp, .ipv4, .listen, ep("127.0.0.1", 53), ep("0.0.0.0", 0), inode: 10, [(700, "named")]),
    entry(.tcp, .ipv4, .listen, ep("127.0.0.1", 953), ep("0.0.0.0", 0), inode: 11, [(700, "named")]),
    entry(.tcp, .ipv6, .listen, ep("::", 631), ep("::", 0), inode: 12, [(801, "cupsd")]),
    entry(.tcp, .ipv6, .listen, ep("::", 80), ep("::", 0), inode: 13, [(900, "nginx"), (901, "nginx"), (902, "nginx")]),
    entry(.tcp, .ipv6, .established, ep("::ffff:10.0.2.15", 80), ep("::ffff:10.0.2.4", 51514), inode: 14, [(901, "nginx")]),
    entry(.tcp, .ipv4, .established, ep("10.0.2.15", 40000), ep("93.184.216.34", 80), inode: 15, [(1200, "curl")]),
    entry(.tcp, .ipv4, .timeWait, ep("10.0.2.15", 40002), ep("93.184.216.34", 80), inode: 0),
    entry(.udp, .ipv4, .close, ep("0.0.0.0", 53), ep("0.0.0.0", 0), inode: 20, [(700, "named")]),
    entry(.udp, .ipv4, .close, ep("127.0.0.1", 53), ep("0.0.0.0", 0), inode: 21, [(701, "named-lo")]),
    entry(.udp, .ipv6, .established, ep("2001:db8:85a3::8a2e:370:7334", 45000),
          ep("2001:db8:aaaa:bbbb:cccc:dddd:eeee:1", 53), inode: 22, [(1300, "dig")]),
].sorted(by: SocketTable.displayOrder))

@Suite struct OwnerLookupTests {
    @Test func exactConnectedSocket() throws {
        // The server side of a dual-stack connection, asked with plain IPv4 addresses.
        let owner = try #require(sampleTable.owner(of: SocketTuple(proto: .tcp, local: ep("10.0.2.15", 80), remote: ep("10.0.2.4", 51514))))
        #expect(owner.pid == 901 && owner.program == "nginx")
        let client = try #require(sampleTable.owner(of: SocketTuple(proto: .tcp, local: ep("10.0.2.15", 40000), remote: ep("93.184.216.34", 80))))
        #expect(client.pid == 1200 && client.program == "curl")
    }

    @Test func notYetAcceptedFallsBackToTheListener() throws {
        // Another client of the web server, not accepted yet: the `::` listener owns it.
        let owner = try #require(sampleTable.owner(of: SocketTuple(proto: .tcp, local: ep("10.0.2.15", 80), remote: ep("10.0.2.9", 33333))))
        #expect(owner.pid == 900)
        // 127.0.0.1:53/tcp is only on loopback.
        #expect(sampleTable.owner(of: SocketTuple(proto: .tcp, local: ep("10.0.2.15", 53), remote: ep("10.0.2.4", 1))) == nil)
    }

    @Test func udpPrefersTheExactAddress() throws {
        let lo = try #require(sampleTable.owner(of: SocketTuple(proto: .udp, local: ep("127.0.0.1", 53), remote: ep("127.0.0.1", 40000))))
        #expect(lo.pid == 701)
        let any = try #require(sampleTable.owner(of: SocketTuple(proto: .udp, local: ep("10.0.2.15", 53), remote: ep("10.0.2.4", 40000))))
        #expect(any.pid == 700)
        // An IPv4-only wildcard socket does not take IPv6.
        #expect(sampleTable.owner(of: SocketTuple(proto: .udp, local: ep("2001:db8::5", 53), remote: ep("2001:db8::6", 1))) == nil)
    }

    @Test func timeWaitAndUnknown() {
        // TIME-WAIT sockets belong to nobody any more.
        #expect(sampleTable.owner(of: SocketTuple(proto: .tcp, local: ep("10.0.2.15", 40002), remote: ep("93.184.216.34", 80))) == nil)
        #expect(sampleTable.entry(for: SocketTuple(proto: .tcp, local: ep("10.0.2.15", 40002), remote: ep("93.184.216.34", 80)))?.state == .timeWait)
        #expect(sampleTable.owner(of: SocketTuple(proto: .tcp, local: ep("10.0.2.15", 9), remote: ep("1.2.3.4", 9))) == nil)
    }
}

@Suite struct ServiceNameTests {
    static let services = ServiceNames(text: """
    # Network services, Internet style
    tcpmux\t\t1/tcp\t\t\t\t# TCP port service multiplexer
    domain\t\t53/tcp\t\t\t\t# Domain Name Server
    domain\t\t53/udp
    http\t\t80/tcp\t\twww\t\t# WorldWideWeb HTTP
    ipp\t\t631/tcp\t\t\t\t# Internet Printing Protocol
    mdns\t\t5353/udp\t\t\t# Multicast DNS
    broken\t\tx/tcp
    """)

    @Test func names() {
        let s = ServiceNameTests.services
        #expect(s.name(port: 53, proto: .tcp) == "domain")
        #expect(s.name(port: 53, proto: .udp) == "domain")
        #expect(s.name(port: 80, proto: .tcp) == "http")
        #expect(s.name(port: 631, proto: .tcp) == "ipp")
        #expect(s.name(port: 631, proto: .udp) == "ipp")  // only listed for tcp
        #expect(s.name(port: 953, proto: .tcp) == "rndc")  // the built-in fallback
        #expect(s.name(port: 4444, proto: .tcp) == nil)
        #expect(s.name(port: 0, proto: .tcp) == nil)
    }

    @Test func systemFileHasTheLabPorts() throws {
        let s = ServiceNames.load()
        try #require(!s.isEmpty, "no /etc/services")
        #expect(s.name(port: 53, proto: .udp) == "domain")
        #expect(s.name(port: 631, proto: .tcp) == "ipp")
        #expect(s.name(port: 80, proto: .tcp) == "http")
    }

    @Test func serviceIsAboutTheServerPort() {
        let services = sampleTable.services(names: ServiceNameTests.services)
        let byInode = Dictionary(uniqueKeysWithValues: zip(sampleTable.entries.map(\.inode), services))
        #expect(byInode[10] == "domain")
        #expect(byInode[12] == "ipp")
        #expect(byInode[14] == "http")   // server side: its own port
        #expect(byInode[15] == "http")   // client side: the peer's port
        #expect(byInode[22] == "domain")
    }
}

@Suite struct SocketsViewTests {
    @Test func tableFitsTheWidth() {
        let lines = SocketsView(width: 94).lines(sampleTable, services: ServiceNameTests.services)
        let text = lines.joined(separator: "\n")
        for line in lines { #expect(line.count <= 94, "\(line.count): \(line)") }
        #expect(lines[0].hasPrefix("Netid State     Recv-Q Send-Q Local"))
        #expect(text.contains("tcp   LISTEN    0      0      127.0.0.1:53 "))
        #expect(text.contains("700/named"))
        #expect(text.contains("900/nginx +2"))
        #expect(text.contains("[::]:631"))
        #expect(text.contains("TIME-WAIT"))
        // The long IPv6 addresses lost their middle, but kept their ends and ports.
        #expect(text.contains("udp   ESTAB     0      0      [2001…370:7334]:45000 [2001…dddd:eeee:1]:53 1300/dig     domain"))
        // A dual-stack connection too wide for its columns shows IPv4 on both ends.
        #expect(text.contains("tcp   ESTAB     0      0      10.0.2.15:80          10.0.2.4:51514        901/nginx    http"))
        // Narrower still, the Service column goes; ss's columns stay.
        let narrow = SocketsView(width: 86).lines(sampleTable, services: ServiceNameTests.services)
        #expect(narrow[0].hasSuffix("Process") && narrow.allSatisfy { $0.count <= 86 })
        // Wide keeps everything.
        let wide = SocketsView(width: 80, wide: true).lines(sampleTable, services: ServiceNameTests.services).joined(separator: "\n")
        #expect(wide.contains("[2001:db8:85a3::8a2e:370:7334]:45000"))
        #expect(wide.contains("[2001:db8:aaaa:bbbb:cccc:dddd:eeee:1]:53"))
        #expect(wide.contains("[::ffff:10.0.2.15]:80"))
    }

    @Test func printedExample() {
        // A table with ordinary addresses is not shortened at all.
        let table = SocketTable(entries: sampleTable.entries.filter { $0.family == .ipv4 || $0.local.address.isUnspecified })
        let lines = SocketsView(width: 90).lines(table, services: ServiceNameTests.services)
        #expect(lines == [
            "Netid State     Recv-Q Send-Q Local Address:Port Peer Address:Port Process      Service",
            "tcp   LISTEN    0      0      127.0.0.1:53       0.0.0.0:*         700/named    domain",
            "tcp   LISTEN    0      0      [::]:80            [::]:*            900/nginx +2 http",
            "tcp   LISTEN    0      0      [::]:631           [::]:*            801/cupsd    ipp",
            "tcp   LISTEN    0      0      127.0.0.1:953      0.0.0.0:*         700/named    rndc",
            "tcp   ESTAB     0      0      10.0.2.15:40000    93.184.216.34:80  1200/curl    http",
            "tcp   TIME-WAIT 0      0      10.0.2.15:40002    93.184.216.34:80  -            http",
            "udp   UNCONN    0      0      0.0.0.0:53         0.0.0.0:*         700/named    domain",
            "udp   UNCONN    0      0      127.0.0.1:53       0.0.0.0:*         701/named-lo domain",
        ])
    }

    /// ss's columns for ss's flags: Netid with two protocols, State unless `-u` alone
    /// without -a or -l; Service after ss's columns.
    @Test func columnsFollowSS() {
        typealias C = SocketsView.Column
        #expect(SocketsView.columns(protocols: [.tcp, .udp], states: .all) == C.allCases)
        #expect(SocketsView.columns(protocols: [.tcp], states: .connected) == [.state, .recvQ, .sendQ, .local, .peer, .process, .service])
        #expect(SocketsView.columns(protocols: [.udp], states: .connected) == [.recvQ, .sendQ, .local, .peer, .process, .service])
        #expect(SocketsView.columns(protocols: [.udp], states: .listening).first == .state)
        var view = SocketsView(width: 80)
        view.columns = SocketsView.columns(protocols: [.tcp], states: .listening)
        let listener = SocketTable(entries: [entry(.tcp, .ipv4, .listen, ep("0.0.0.0", 53), ep("0.0.0.0", 0), inode: 1)])
        var table = listener
        table.entries[0].recvQ = 2
        table.entries[0].sendQ = 128
        #expect(view.lines(table, services: ServiceNameTests.services) == [
            "State  Recv-Q Send-Q Local Address:Port Peer Address:Port Process Service",
            "LISTEN 2      128    0.0.0.0:53         0.0.0.0:*         -       domain",
        ])
    }

    /// ss shows only connections without -a or -l: no listener, no TIME-WAIT.
    @Test func selectionFollowsSS() {
        var filter = SocketFilter()
        filter.states = .connected
        let connected = sampleTable.filtered(filter)
        #expect(connected.entries.map(\.inode).sorted() == [14, 15, 22])
        // The server side keeps its service though its listener is not shown.
        let services = connected.services(names: ServiceNameTests.services)
        #expect(services[connected.entries.firstIndex { $0.inode == 14 }!] == "http")
        filter.states = .all
        #expect(sampleTable.filtered(filter).entries.count == sampleTable.entries.count)
    }

    @Test(arguments: [
        ("2001:db8:85a3::8a2e:370:7334", 17, "2001:db8…370:7334"),
        ("2001:db8:85a3::8a2e:370:7334", 12, "2001…7334"),
        ("fe80::a00:27ff:fe4e:66a1", 14, "fe80…fe4e:66a1"),
        ("2001:db8::1", 20, "2001:db8::1"),
        ("2001:db8:aaaa:bbbb:cccc:dddd:eeee:1", 3, "…1"),
    ])
    func shorten(_ host: String, _ room: Int, _ expected: String) {
        let short = SocketsView.shorten(host, to: room)
        #expect(short == expected)
        #expect(short.count <= room)
    }

    @Test func jsonLines() throws {
        let lines = SocketsView().jsonLines(sampleTable, services: ServiceNameTests.services)
        #expect(lines.count == sampleTable.entries.count)
        let objects = try lines.map { try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        let nginx = try #require(objects.first { $0["inode"] as? Int == 13 })
        #expect(nginx["netid"] as? String == "tcp")
        #expect(nginx["state"] as? String == "LISTEN")
        #expect(nginx["local_address"] as? String == "::")
        #expect(nginx["local_port"] as? Int == 80)
        #expect(nginx["service"] as? String == "http")
        #expect(nginx["pid"] as? Int == 900)
        #expect(nginx["program"] as? String == "nginx")
        #expect((nginx["processes"] as? [[String: Any]])?.count == 3)
        let timeWait = try #require(objects.first { $0["state"] as? String == "TIME-WAIT" })
        #expect(timeWait["pid"] is NSNull && timeWait["program"] is NSNull)
        let mapped = try #require(objects.first { $0["inode"] as? Int == 14 })
        #expect(mapped["local_address"] as? String == "::ffff:10.0.2.15" && mapped["family"] as? String == "ipv6")
    }

    @Test func filters() {
        var filter = SocketFilter()
        filter.states = .listening
        #expect(sampleTable.filtered(filter).entries.map(\.inode).sorted() == [10, 11, 12, 13, 20, 21])
        filter = SocketFilter()
        filter.ports = [53]
        #expect(sampleTable.filtered(filter).entries.map(\.inode).sorted() == [10, 20, 21, 22])
        filter.protocols = [.udp]
        filter.families = [.ipv6]
        #expect(sampleTable.filtered(filter).entries.map(\.inode) == [22])
    }
}
