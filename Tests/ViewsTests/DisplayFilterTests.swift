import Foundation
import Testing
import Dissect
import Follow
@testable import Views

/// Display filters against tshark 4.0: each row's frame list is what
/// `tshark -r CAPTURE -Y FILTER -T fields -e frame.number` prints
/// (checked by scripts/check-display-filters.py).
@Suite struct DisplayFilterTests {
    struct Row: Sendable, CustomTestStringConvertible {
        let capture: String
        let filter: String
        let frames: [Int]
        init(_ capture: String, _ filter: String, _ frames: [Int]) {
            self.capture = capture
            self.filter = filter
            self.frames = frames
        }
        var testDescription: String { "\(capture): \(filter)" }
    }

    static let rows: [Row] = [
        // Existence, protocols, and, or, not, precedence.
        Row("echo.pcap", #"tcp"#, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]),
        Row("echo.pcap", #"udp"#, []),
        Row("echo.pcap", #"tcp.flags.syn == 1 && tcp.flags.ack == 0"#, [1]),
        Row("echo.pcap", #"tcp.flags.syn eq 1 and tcp.flags.ack eq 1"#, [2]),
        Row("echo.pcap", #"!(tcp.flags.ack == 1)"#, [1]),
        Row("echo.pcap", #"not tcp.flags.ack"#, []),
        Row("echo.pcap", #"tcp.flags.fin == True"#, [8, 9]),
        Row("echo.pcap", #"tcp.flags.fin == False && tcp.flags.push == 1"#, [4, 6]),
        Row("echo.pcap", #"tcp.flags.syn == 2"#, [1, 2]),
        Row("echo.pcap", #"tcp.len > 0"#, [4, 6]),
        Row("echo.pcap", #"tcp.len gt 0 && tcp.srcport == 6789"#, [6]),
        Row("echo.pcap", #"tcp.seq == 1 and tcp.ack == 1"#, [3, 4]),
        Row("echo.pcap", #"frame.len >= 70 || frame.number <= 2"#, [1, 2, 4, 6]),
        Row("echo.pcap", #"frame.number ge 9 or frame.number lt 2"#, [1, 9, 10]),
        // Numbers: hex, octal, binary, character constants.
        Row("echo.pcap", #"tcp.flags == 0x012"#, [2]),
        Row("echo.pcap", #"tcp.flags == 022"#, [2]),
        Row("echo.pcap", #"tcp.flags == 0b10010"#, [2]),
        Row("echo.pcap", #"tcp.flags == 18"#, [2]),
        Row("echo.pcap", #"tcp.flags ne 0x10"#, [1, 2, 4, 6, 8, 9]),
        // MACs and slices.
        Row("echo.pcap", #"eth.src == 02-77-00-00-00-04"#, [1, 3, 4, 7, 8, 10]),
        Row("echo.pcap", #"eth.src == 0277.0000.0015"#, [2, 5, 6, 9]),
        Row("echo.pcap", #"eth.dst == 02:77:00:00:00:04"#, [2, 5, 6, 9]),
        Row("echo.pcap", #"eth.src[0:3] == 02:77:00"#, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]),
        Row("echo.pcap", #"eth.src[5] == 04"#, [1, 3, 4, 7, 8, 10]),
        Row("echo.pcap", #"eth.src[-1] == 15"#, [2, 5, 6, 9]),
        Row("echo.pcap", #"eth.src[4-5] == 00:15"#, [2, 5, 6, 9]),
        Row("echo.pcap", #"eth.src[4:] == 00:04"#, [1, 3, 4, 7, 8, 10]),
        Row("echo.pcap", #"eth.src[:1] == 02"#, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]),
        Row("echo.pcap", #"eth.src[0:1,5] == 02:04"#, [1, 3, 4, 7, 8, 10]),
        Row("echo.pcap", #"eth.src[5:3] == 04"#, []),
        Row("echo.pcap", #"eth.src[0:2] contains 77"#, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]),
        Row("echo.pcap", #"ip.dst[3] == 15"#, []),
        // Times.
        Row("echo.pcap", #"frame.time_delta < 0.0001"#, [1, 2, 3, 5, 7, 10]),
        Row("dns.pcap", #"frame.time_relative > 0.5"#, [11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26]),
        Row("dns.pcap", #"frame.time_delta >= 0.01"#, [3, 5, 7, 9, 11, 13, 15, 17]),
        // Multi-occurrence fields: tshark 4.0's ==, !=, !==, ===, in, not in. (`&& !icmp`:
        // tcpwatch's tcp.port leaves out the TCP header quoted in ICMP errors; tshark's has it.)
        Row("nmap-ss.pcap", #"arp"#, [1, 2]),
        Row("nmap-ss.pcap", #"not arp"#, [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19]),
        Row("nmap-ss.pcap", #"!arp && tcp.port == 80"#, [4, 5, 6]),
        Row("nmap-ss.pcap", #"tcp.port != 80 && !icmp"#, [3, 7, 9, 11, 12, 13, 15, 16, 17, 19]),
        Row("nmap-ss.pcap", #"tcp.port !== 80 && !icmp"#, [3, 4, 5, 6, 7, 9, 11, 12, 13, 15, 16, 17, 19]),
        Row("nmap-ss.pcap", #"tcp.port ~= 80 && !icmp"#, [3, 4, 5, 6, 7, 9, 11, 12, 13, 15, 16, 17, 19]),
        Row("nmap-ss.pcap", #"tcp.port === 57100"#, []),
        Row("nmap-ss.pcap", #"ip.src === 10.77.0.4"#, [3, 4, 6, 7, 9, 11, 13, 15, 17, 19]),
        Row("nmap-ss.pcap", #"ip.src all_eq 10.77.0.15 || ip.src any_ne 10.77.0.15 && ip.src any_eq 10.77.0.15"#, [5, 8, 10, 12, 14, 16, 18]),
        Row("nmap-ss.pcap", #"ip.src == 10.77.0.4 && ip.src == 10.77.0.15"#, [8, 10, 14, 18]),
        Row("nmap-ss.pcap", #"!(tcp.port == 80)"#, [1, 2, 3, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19]),
        Row("nmap-ss.pcap", #"tcp.port in {25, 80, 8080}"#, [3, 4, 5, 6, 19]),
        Row("nmap-ss.pcap", #"tcp.port in {26..29} && !icmp"#, [7, 9, 13, 17]),
        Row("nmap-ss.pcap", #"tcp.dstport in {20 .. 25, 80}"#, [3, 4, 6, 19]),
        Row("nmap-ss.pcap", #"tcp.port not in {80, 81}"#, [1, 2, 3, 7, 8, 9, 10, 13, 14, 15, 16, 17, 18, 19]),
        Row("nmap-ss.pcap", #"ip.addr != 10.77.0.4"#, []),
        Row("nmap-ss.pcap", #"ip.src != 10.77.0.4"#, [5, 12, 16]),
        Row("nmap-ss.pcap", #"ip.src !== 10.77.0.4"#, [5, 8, 10, 12, 14, 16, 18]),
        Row("nmap-ss.pcap", #"ip.src == 10.77.0.15"#, [5, 8, 10, 12, 14, 16, 18]),
        Row("nmap-ss.pcap", #"ip.src == 10.77.0.0/24 and ip.dst != 10.77.0.4"#, [3, 4, 6, 7, 9, 11, 13, 15, 17, 19]),
        Row("nmap-ss.pcap", #"ip.addr == 10.77.0.15/32 && !icmp"#, [3, 4, 5, 6, 7, 9, 11, 12, 13, 15, 16, 17, 19]),
        Row("nmap-ss.pcap", #"ip.src < 10.77.0.10"#, [3, 4, 6, 7, 8, 9, 10, 11, 13, 14, 15, 17, 18, 19]),
        Row("nmap-ss.pcap", #"ip.dst ge 10.77.0.15"#, [3, 4, 6, 7, 8, 9, 10, 11, 13, 14, 15, 17, 18, 19]),
        Row("nmap-ss.pcap", #"ip.addr in {10.77.0.15, 192.168.0.0/16}"#, [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19]),
        Row("nmap-ss.pcap", #"icmp"#, [8, 10, 14, 18]),
        Row("nmap-ss.pcap", #"icmp && tcp"#, [8, 10, 14, 18]),
        Row("nmap-ss.pcap", #"ip.src == 10.77.0.4 && icmp"#, [8, 10, 14, 18]),
        Row("nmap-ss.pcap", #"tcp.flags.reset == 1 || tcp.flags.syn == 1 && tcp.flags.ack == 1"#, [5, 6, 12, 16]),
        Row("nmap-ss.pcap", #"(tcp.flags.reset == 1 || tcp.flags.syn == 1) && tcp.flags.ack == 1"#, [5, 12, 16]),
        Row("nmap-ss.pcap", #"arp or tcp.port == 80 and tcp.flags.syn == 0"#, [1, 2, 6]),
        Row("nmap-ss.pcap", #"tcp.srcport < tcp.dstport"#, [5, 12, 16]),
        Row("nmap-ss.pcap", #"tcp.srcport == tcp.dstport"#, []),
        Row("nmap-ss.pcap", #"tcp.srcport != tcp.dstport"#, [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19]),
        Row("nmap-ss.pcap", #"eth.src > 02:77:00:00:00:04"#, [2, 5, 8, 10, 12, 14, 16, 18]),
        Row("nmap-ss.pcap", #"tcp.options.mss_val == 1460"#, [3, 4, 5, 7, 8, 9, 10, 11, 13, 14, 15, 17, 18, 19]),
        Row("nmap-ss.pcap", #"tcp.flags.reset == 1 && tcp.srcport > 1024"#, [6]),
        Row("nmap-ss.pcap", #"arp.opcode == 2 && arp.src.proto_ipv4 == 10.77.0.15"#, [2]),
        // Strings, contains, matches, escapes, sets of strings.
        Row("dns.pcap", #"dns"#, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 20, 22]),
        Row("dns.pcap", #"udp && dns"#, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]),
        Row("dns.pcap", #"tcp && !dns"#, [17, 18, 19, 21, 23, 24, 25, 26]),
        Row("dns.pcap", #"dns.qry.name == "www.lab.test""#, [1, 2, 3, 4, 20, 22]),
        Row("dns.pcap", #"dns.qry.name == www.lab.test"#, [1, 2, 3, 4, 20, 22]),
        Row("dns.pcap", #"dns.qry.name == "w\x77\167.lab.test""#, [1, 2, 3, 4, 20, 22]),
        Row("dns.pcap", #"dns.qry.name contains "lab""#, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 15, 16, 20, 22]),
        Row("dns.pcap", #"dns.qry.name contains "LAB""#, []),
        Row("dns.pcap", #"dns.qry.name matches "LAB""#, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 15, 16, 20, 22]),
        Row("dns.pcap", #"dns.qry.name matches "(?-i)LAB""#, []),
        Row("dns.pcap", #"dns.qry.name ~ "^w.*test$""#, [1, 2, 3, 4, 5, 6, 20, 22]),
        Row("dns.pcap", #"dns.qry.name[0:3] == "www""#, [1, 2, 3, 4, 20, 22]),
        Row("dns.pcap", #"dns.qry.name[0:3] == 77:77:77"#, [1, 2, 3, 4, 20, 22]),
        Row("dns.pcap", #"dns.qry.name < "f""#, [11, 12, 13, 14]),
        Row("dns.pcap", #"dns.qry.name in {"lab.test", "web.lab.test"}"#, [5, 6, 7, 8, 9, 10]),
        Row("dns.pcap", #"dns.resp.name == "<Root>" && dns.flags.response == 1"#, [2, 4, 6, 8, 10, 12, 14, 16, 22]),
        Row("dns.pcap", #"dns.cname == "www.lab.test""#, [6]),
        Row("dns.pcap", #"dns.a"#, [2, 6, 8, 22]),
        Row("dns.pcap", #"dns.a == 10.77.0.80"#, [2, 6, 22]),
        Row("dns.pcap", #"dns.a == 10.77.0.0/25"#, [2, 6, 8, 22]),
        Row("dns.pcap", #"dns.aaaa == fd77::80"#, [4]),
        Row("dns.pcap", #"dns.aaaa == fd77::/16"#, [4]),
        Row("dns.pcap", #"dns.flags.response == 0"#, [1, 3, 5, 7, 9, 11, 13, 15, 20]),
        Row("dns.pcap", #"dns.qry.type == 28 || dns.qry.type eq 15"#, [3, 4, 7, 8]),
        Row("dns.pcap", #"dns.qry.type >= 15 and dns.qry.type le 16"#, [7, 8, 9, 10]),
        Row("dns.pcap", #"dns.id == 0xd091"#, [1, 2]),
        Row("dns.pcap", #"dns.count.answers > 1"#, [6]),
        Row("dns.pcap", #"udp.port == 53 && ip.dst == 10.77.0.4"#, [2, 4, 6, 8, 10, 12, 14, 16]),
        // The server's HTTP response: tshark marks the reassembled frame 10, tcpwatch frame 8.
        Row("http-get.pcap", #"http && tcp.dstport == 80"#, [6]),
        Row("http-get.pcap", #"tcp.port == 80 && tcp.len > 0"#, [6, 8, 10]),
        Row("http-get.pcap", #"frame.protocols == "eth:ethertype:arp""#, [1, 2]),
        Row("http-get.pcap", #"frame.protocols contains "http" && ip.src == 10.77.0.4"#, [6]),
        Row("http-get.pcap", #"tcp.stream == 0 && tcp.flags.str contains "F""#, [12, 13]),
        // IPv6.
        Row("icmp-ping.pcap", #"ipv6"#, [9, 10, 11, 12, 13, 14, 15, 16]),
        Row("icmp-ping.pcap", #"ip or ipv6"#, [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]),
        Row("icmp-ping.pcap", #"icmpv6 && ipv6.addr == fd77::4"#, [9, 10, 11, 12, 13, 14, 15, 16]),
        Row("icmp-ping.pcap", #"ipv6.src == fd77::/64 && icmpv6.type == 128"#, [11, 13, 15]),
        Row("icmp-ping.pcap", #"ipv6.dst == ff02::1:ff00:15"#, [9]),
        Row("icmp-ping.pcap", #"ipv6.dst > fd77::4"#, [9, 11, 13, 15]),
        Row("icmp-ping.pcap", #"icmp.type == 8"#, [3, 5, 7]),
        Row("loopback-v6.pcap", #"ipv6.addr == ::1"#, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]),
        Row("loopback-v6.pcap", #"ipv6.src == 0:0:0:0:0:0:0:1 && tcp.len > 0"#, [4, 6]),
        Row("loopback-v6.pcap", #"ipv6.src == ::1/128 && tcp.flags.fin == 1"#, [8, 9]),
        Row("loopback-v6.pcap", #"ipv6.src[15] == 01 && tcp.srcport == 6789"#, [2, 5, 6, 9]),
        // UDP and ICMP errors quoting UDP.
        Row("nmap-su.pcap", #"udp.port == 69"#, [3, 4, 10, 11]),
        Row("nmap-su.pcap", #"icmp && udp"#, [6, 9]),
        Row("nmap-su.pcap", #"udp.srcport == udp.dstport"#, []),
        Row("two-conns.pcap", #"tcp.stream == 1 && tcp.len > 0"#, [9, 17]),
        Row("two-conns.pcap", #"tcp.stream in {0} && tcp.flags.fin == 1"#, [11, 15]),
    ]

    /// Frame numbers of `capture` that pass `filter`, through the whole pipeline.
    static func matchingFrames(_ capture: String, _ filter: DisplayFilter) throws -> [Int] {
        let reader = try CaptureFileReader(path: Paths.fixtures.appendingPathComponent(capture).path)
        var loop = PacketLoop()
        var frames: [Int] = []
        while let raw = try reader.next() {
            loop.process(raw) { input in
                if filter.matches(input) { frames.append(input.frame.number) }
            }
        }
        return frames
    }

    @Test(arguments: rows)
    func matchesTshark(row: Row) throws {
        let filter = try DisplayFilter(row.filter)
        #expect(try Self.matchingFrames(row.capture, filter) == row.frames)
    }

    @Test func emptyFilterMatchesEverything() throws {
        let filter = try DisplayFilter("  ")
        #expect(try Self.matchingFrames("echo.pcap", filter) == Array(1...10))
    }

    // MARK: errors

    static func error(_ text: String) -> DisplayFilterError? {
        do {
            _ = try DisplayFilter(text)
            return nil
        } catch {
            return error
        }
    }

    /// tshark's message for an unknown name on the left of a comparison, with tcpwatch's
    /// suggestions on a line of their own under the caret.
    @Test func unknownFieldSuggestsNearestNames() throws {
        let error = try #require(Self.error("tcp.prot == 80"))
        guard case .leftSide(let op, let text, let suggestions, let at) = error else {
            Issue.record("expected leftSide, got \(error)")
            return
        }
        #expect(op == "==" && text == "tcp.prot")
        #expect(suggestions.first == "tcp.port")
        #expect(at.column == 0 && at.length == 8)
        #expect(error.description == """
            Left side of "==" expression must be a field or function, not tcp.prot.
                tcp.prot == 80
                ^~~~~~~~
            Did you mean "tcp.port"?
            """)
    }

    @Test func unknownFieldInsideAnExpression() throws {
        let error = try #require(Self.error("tcp.port == 80 && ip.scr == 10.77.0.4"))
        #expect(error.suggestions.contains("ip.src"))
        #expect(error.location.column == 18 && error.location.length == 6)
    }

    @Test func unknownBareName() throws {
        let error = try #require(Self.error("tcp && dnss"))
        guard case .unknownField(let name, _, let at) = error else {
            Issue.record("expected unknownField, got \(error)")
            return
        }
        #expect(name == "dnss")
        #expect(at.column == 7)
    }

    @Test func descriptionHasMessageFilterAndCaret() throws {
        let error = try #require(Self.error("tcp.port = 80"))
        #expect(error.description == """
            "=" was unexpected in this context.
                tcp.port = 80
                         ^
            """)
    }

    /// Filter, expected column and length of the caret, and a piece of the message.
    static let errorCases: [(String, Int, Int, String)] = [
        ("tcp.port = 80", 9, 1, "\"=\" was unexpected"),
        ("tcp.port == 80 80", 15, 2, "\"80\" was unexpected"),
        ("tcp.port == 80)", 14, 1, "\")\" was unexpected"),
        ("tcp.port == 80 && || arp", 18, 2, "\"||\" was unexpected"),
        ("tcp.port ==", 11, 1, "Unexpected end"),
        ("(tcp.port == 80", 15, 1, "Unexpected end"),
        ("!", 1, 1, "Unexpected end"),
        ("tcp.port in {80", 15, 1, "Unexpected end"),
        ("tcp.port in {80..}", 17, 1, "\"}\" was unexpected"),
        ("tcp.port == \"80", 15, 1, "final quote was missing"),
        ("tcp.port == \"80\"", 12, 4, "cannot be converted from a string"),
        ("tcp.port == 0x", 12, 2, "\"0x\" is not a valid number"),
        ("tcp.port == 08", 12, 2, "\"08\" is not a valid number"),
        ("ip.addr == 10.77.0.0/33", 11, 12, "should be <= 32, not 33"),
        ("ip.src == 10.77.0.256", 10, 11, "not a valid hostname or IPv4 address"),
        ("ipv6.src == fd77:::1", 12, 8, "not a valid hostname or IPv6 address"),
        ("eth.src == 02:77:00:00:00", 11, 14, "too few bytes"),
        ("eth.src[0:3] == 02:77:zz", 16, 8, "not a valid byte string"),
        ("tcp.port contains 80", 0, 8, "cannot participate in contains comparison"),
        ("tcp.port[0:1] == 00", 0, 8, "cannot be sliced"),
        ("80 == tcp.port", 0, 2, "Left side of \"==\" expression must be a field"),
        ("tcp.flags.syn == maybe", 17, 5, "cannot be found among the possible values for tcp.flags.syn"),
        ("dns.qry.name matches \"(\"", 21, 3, "Regex compilation error"),
        ("tcp.port == ip.src", 12, 6, "not of compatible types"),
        ("tcp.port # 80", 10, 1, "Expected digit or \"[\", not \" \""),
    ]

    @Test func errorsPointAtTheMistake() {
        for (text, column, length, message) in Self.errorCases {
            guard let error = Self.error(text) else {
                Issue.record("\(text): compiled, expected an error")
                continue
            }
            #expect(error.location.column == column, "\(text): \(error)")
            #expect(error.location.length == length, "\(text): \(error)")
            #expect(error.message.contains(message), "\(text): \(error)")
            #expect(error.location.filter == text)
        }
    }

    // MARK: values

    @Test func ipv6Literals() {
        func text(_ s: String) -> String? {
            FilterValues.ipv6(Array(s.utf8)).map { IPv6Address(high: $0.0, low: $0.1).description }
        }
        #expect(text("fd77::80") == "fd77::80")
        #expect(text("::ffff:10.0.0.1") == "::ffff:a00:1")
        #expect(text("1:2:3:4:5:6:7:8") == "1:2:3:4:5:6:7:8")
        #expect(text("1::") == "1::")
        #expect(text("::") == "::")
        #expect(text("1:2") == nil)
        #expect(text(":1::") == nil)
        #expect(text("1::2::3") == nil)
        #expect(text("1:2:3:4:5:6:7:8:9") == nil)
        #expect(text("12345::") == nil)
    }

    @Test func otherLiterals() {
        #expect(FilterValues.number(Array("0x1F".utf8)) == 31)
        #expect(FilterValues.number(Array("017".utf8)) == 15)
        #expect(FilterValues.number(Array("0b101".utf8)) == 5)
        #expect(FilterValues.number(Array("0".utf8)) == 0)
        #expect(FilterValues.number(Array("18446744073709551616".utf8)) == nil)
        #expect(FilterValues.mac(Array("02:77:00:00:00:04".utf8)) == 0x0277_0000_0004)
        #expect(FilterValues.mac(Array("2:77:0:0:0:4".utf8)) == 0x0277_0000_0004)
        #expect(FilterValues.mac(Array("02:77-00:00:00:04".utf8)) == nil)
        #expect(FilterValues.time(Array("1.5".utf8)) == FilterValues.biased(1_500_000_000))
        #expect(FilterValues.time(Array("-0.000000001".utf8)) == FilterValues.biased(-1))
        #expect(FilterValues.time(Array("1.2.3".utf8)) == nil)
        #expect(FilterValues.ipv4(Array("10.77.0.4".utf8)) == 0x0A4D_0004)
        #expect(FilterValues.ipv4(Array("10.77.0.".utf8)) == nil)
    }
}
