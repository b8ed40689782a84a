import Foundation
import Testing

/// `read -z`: tshark's statistics, byte for byte against the references recorded next to
/// each capture by scripts/make-references.sh.
@Suite struct StatisticsCLITests {
    static let pcaps = CLITests.repository.appendingPathComponent("Fixtures/pcaps")

    static func reference(_ name: String) throws -> String {
        try String(contentsOf: pcaps.appendingPathComponent(name), encoding: .utf8)
    }

    static func read(_ arguments: [String]) throws -> String {
        let (status, out, err) = try CLITests.run(["read"] + arguments)
        #expect(status == 0, "\(arguments): \(err)")
        return String(decoding: out, as: UTF8.self)
    }

    /// Every capture's expert items but tls13's, whose D-SACK tcpwatch does not flag yet.
    static let expertCaptures = ((try? FileManager.default.contentsOfDirectory(atPath: pcaps.path)) ?? [])
        .filter { $0.hasSuffix(".expert.txt") && !$0.hasPrefix("tls13") }.sorted()

    @Test(arguments: expertCaptures)
    func expertMatchesTshark(reference: String) throws {
        let capture = String(reference.dropLast(".expert.txt".count))
        let actual = try Self.read(["-q", "-z", "expert", Self.pcaps.appendingPathComponent(capture).path])
        #expect(actual == (try Self.reference(reference)))
    }

    @Test func conversationsMatchTshark() throws {
        // tshark names the file in its header: run where the reference was made.
        let (status, out, _) = try CLITests.run(["read", "-q", "-z", "conv,tcp", "two-conns.pcap"], directory: Self.pcaps.path)
        #expect(status == 0)
        #expect(String(decoding: out, as: UTF8.self) == (try Self.reference("two-conns.pcap.conv.txt")))
    }

    /// `-z io,stat` through the command line: tshark's table (case 24 of
    /// Fixtures/iostat/cases.txt), which `-Y` does not change, as in tshark (the table is
    /// a tap of its own that sees every frame).
    @Test func ioStatisticsMatchTshark() throws {
        let expected = try String(contentsOf: CLITests.repository.appendingPathComponent("Fixtures/iostat/024.txt"), encoding: .utf8)
        let echo = Self.pcaps.appendingPathComponent("echo.pcap").path
        #expect(try Self.read(["-q", "-z", "io,stat,0.01,tcp.port==6789", echo]) == expected)
        #expect(try Self.read(["-q", "-Y", "udp", "-z", "io,stat,0.01,tcp.port==6789", echo]) == expected)
    }

    @Test func ioStatisticsRefusalsSayWhy() throws {
        let echo = Self.pcaps.appendingPathComponent("echo.pcap").path
        let (status, _, err) = try CLITests.run(["read", "-q", "-t", "e", "-z", "io,stat,1", echo])
        #expect(status == 64)
        #expect(err.contains("io,stat only supports -t <r|a|ad|adoy|u|ud|udoy>"))
        let (status2, _, err2) = try CLITests.run(["read", "-q", "-z", "io,stat,1,SUM(ip.src)", echo])
        #expect(status2 == 64)
        #expect(err2.contains("ip.src doesn't have integral values, so SUM(*) calculations are not supported on it."))
    }

    @Test func followAsciiMatchesTshark() throws {
        let actual = try Self.read(["-q", "-z", "follow,tcp,ascii,0", Self.pcaps.appendingPathComponent("echo.pcap").path])
        #expect(actual == (try Self.reference("echo.pcap.ascii-0.txt")))
    }

    @Test func packetsComeBeforeTheStatisticsWithoutQ() throws {
        let actual = try Self.read(["-z", "expert", Self.pcaps.appendingPathComponent("refused.pcap").path])
        let summary = try Self.reference("refused.pcap.summary.txt")
        #expect(actual == summary + (try Self.reference("refused.pcap.expert.txt")))
    }

    @Test func unknownStatisticIsAUsageError() throws {
        let (status, _, err) = try CLITests.run(["read", "-z", "nonsense", "x.pcap"])
        #expect(status == 64)
        #expect(err.contains("conv,tcp"))
    }

    @Test func glossaryIsTheFieldList() throws {
        let fields = try Self.read(["-G", "fields"])
        let (_, direct, _) = try CLITests.run(["fields"])
        #expect(fields == String(decoding: direct, as: UTF8.self))
        #expect(fields.contains("F\tSource Port\ttcp.srcport\tFT_UINT16\ttcp"))
    }
}

/// A display filter may begin with a minus sign, as tshark takes it after -Y.
@Suite struct DisplayFilterArgumentTests {
    @Test func filterStartingWithMinusIsAccepted() throws {
        let path = StatisticsCLITests.pcaps.appendingPathComponent("echo.pcap").path
        let (status, out, err) = try CLITests.run(["read", path, "-Y", "-tcp.srcport == -6789", "-T", "fields", "-e", "frame.number"])
        #expect(status == 0, "\(err)")
        // -6789 == -tcp.srcport holds where the source port is 6789: the server's frames.
        #expect(String(decoding: out, as: UTF8.self) == "2\n5\n6\n9\n")
    }
}
