import Foundation
import Testing
import Dissect
import Views

/// The TLS and SSH captures (scripts/record-tls-ssh.sh) against tshark's references made
/// by scripts/make-references.sh: every TLS/SSH field with all occurrences, Decode As,
/// and the -V lines. (Summary lines and the common fields are in FixtureReferenceTests.)
@Suite struct TLSSSHReferenceTests {
    static let fieldReferences = Paths.files(in: Paths.fixtures, suffixes: [".pcap.tls.tsv", ".pcap.ssh.tsv"])

    static func capture(_ reference: URL, dropping suffix: String) -> String {
        String(reference.path.dropLast(suffix.count))
    }

    @Test func referencesArePresent() {
        #expect(Self.fieldReferences.count >= 5)
    }

    /// `-T fields -E occurrence=a` with the reference's header, byte for byte.
    static func compareFields(_ reference: URL, capture: String) throws {
        let expected = try String(contentsOf: reference, encoding: .utf8)
        let header = expected.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? ""
        let names = header.split(separator: "\t").map(String.init)
        let (actual, error) = try fieldsOutput(capture, names: names)
        #expect(error == nil)
        let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(e.count == a.count)
        var reported = 0
        for (n, (x, y)) in zip(e, a).enumerated() where x != y && reported < 5 {
            reported += 1
            let cells = zip(names, zip(x.split(separator: "\t", omittingEmptySubsequences: false),
                                       y.split(separator: "\t", omittingEmptySubsequences: false)))
                .filter { $1.0 != $1.1 }.map { "\($0): tshark '\($1.0)' tcpwatch '\($1.1)'" }
            Issue.record("\(reference.lastPathComponent) line \(n + 1): \(cells.joined(separator: "; "))")
        }
    }

    @Test(arguments: fieldReferences)
    func fieldsMatchTshark(reference: URL) throws {
        try Self.compareFields(reference, capture: Self.capture(reference, dropping: reference.path.hasSuffix(".tls.tsv") ? ".tls.tsv" : ".ssh.tsv"))
    }

    /// `-d tcp.port==2222,ssh`: the summary and the SSH fields as tshark's with the same option.
    @Test func decodeAsMatchesTshark() throws {
        let capture = Paths.fixtures.appendingPathComponent("ssh-2222.pcap").path
        DecodeAs.scopedInUse = true
        try DecodeAs.$scoped.withValue([2222: .ssh]) {
            let expected = try String(contentsOf: URL(fileURLWithPath: capture + ".decode-as.txt"), encoding: .utf8)
            let line = SummaryLine()
            let (actual, error) = renderFile(capture) { input, out in line.write(input, to: out) }
            #expect(error == nil)
            #expect(actual == expected)
            try Self.compareFields(URL(fileURLWithPath: capture + ".decode-as.ssh.tsv"), capture: capture)
        }
        // Without it, port 2222 is plain TCP, as in tshark.
        let (plain, _) = renderFile(capture) { input, out in SummaryLine().write(input, to: out) }
        #expect(!plain.contains("SSH"))
    }

    /// `--enable-heuristic ssh`: the banner makes port 2222 SSH, as Decode As does.
    @Test func sshBannerHeuristic() throws {
        let capture = Paths.fixtures.appendingPathComponent("ssh-2222.pcap").path
        DecodeAs.scopedInUse = true
        try DecodeAs.$scopedHeuristics.withValue([.ssh]) {
            let expected = try String(contentsOf: URL(fileURLWithPath: capture + ".decode-as.txt"), encoding: .utf8)
            let (actual, error) = renderFile(capture) { input, out in SummaryLine().write(input, to: out) }
            #expect(error == nil)
            #expect(actual == expected)
        }
    }

    /// -V against tshark's, as multisets of lines: at least 99% of tshark's lines identical
    /// (what differs: tshark 4.0's SSH sequence numbers, TCP D-SACK and RTO lines).
    @Test(arguments: ["tls12.pcap", "tls13.pcap", "ssh.pcap"])
    func verboseLines(name: String) throws {
        let capture = Paths.fixtures.appendingPathComponent(name).path
        let expected = try String(contentsOf: URL(fileURLWithPath: capture + ".verbose.txt"), encoding: .utf8)
        let (actual, error) = renderFile(capture) { input, out in
            VerboseView.write(PacketTree.build(input), bytes: input.frame.bytes, to: out)
        }
        #expect(error == nil)
        var ours: [Substring: Int] = [:]
        for line in actual.split(separator: "\n") { ours[line, default: 0] += 1 }
        var same = 0, total = 0
        for line in expected.split(separator: "\n") {
            total += 1
            if let n = ours[line], n > 0 {
                same += 1
                ours[line] = n - 1
            }
        }
        let share = Double(same) / Double(max(total, 1))
        #expect(share >= 0.99, "\(name): \(same) of \(total) tshark -V lines identical")
    }
}
