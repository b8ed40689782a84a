import Foundation
import Testing
import Views

/// Every bundled capture against the tshark output recorded next to it (made once by
/// scripts/make-references.sh): `-T fields` must match byte for byte.
@Suite struct FixtureReferenceTests {
    static let references = Paths.files(in: Paths.fixtures, suffixes: [".fields.tsv", ".analysis.tsv"])
    static let summaries = Paths.files(in: Paths.fixtures, suffixes: [".summary.txt"])

    @Test func fixturesHaveReferences() {
        #expect(Self.references.count >= 40, "expected the recorded lab captures in Fixtures/pcaps")
        #expect(Self.summaries.count >= 20)
    }

    /// The default one-line view against `tshark -n -r`, byte for byte.
    @Test(arguments: summaries)
    func summaryMatchesTshark(reference: URL) throws {
        let expected = try String(contentsOf: reference, encoding: .utf8)
        let capture = reference.deletingPathExtension().deletingPathExtension().path
        let line = SummaryLine()
        let (actual, error) = renderFile(capture) { input, out in line.write(input, to: out) }
        #expect(error == nil)
        let pairs = zip(expected.split(separator: "\n"), actual.split(separator: "\n"))
        for (n, (e, a)) in pairs.enumerated() where e != a {
            Issue.record("\(reference.lastPathComponent) line \(n + 1):\n tshark:   \(e)\n tcpwatch: \(a)")
            break
        }
        #expect(expected.split(separator: "\n").count == actual.split(separator: "\n").count)
    }

    @Test(arguments: references)
    func fieldsMatchTshark(reference: URL) throws {
        let expected = try String(contentsOf: reference, encoding: .utf8)
        let capture = reference.deletingPathExtension().deletingPathExtension().path
        let header = expected.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? ""
        let names = header.split(separator: "\t").map(String.init)
        let (actual, error) = try fieldsOutput(capture, names: names)
        #expect(error == nil)
        let expectedLines = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let actualLines = actual.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(expectedLines.count == actualLines.count)
        var reported = 0
        for (n, (e, a)) in zip(expectedLines, actualLines).enumerated() where e != a && reported < 5 {
            reported += 1
            let columns = zip(e.split(separator: "\t", omittingEmptySubsequences: false),
                              a.split(separator: "\t", omittingEmptySubsequences: false))
            let diffs = zip(names, columns).filter { $1.0 != $1.1 }.map { "\($0): tshark '\($1.0)' tcpwatch '\($1.1)'" }
            Issue.record("\(reference.lastPathComponent) line \(n + 1): \(diffs.joined(separator: "; "))")
        }
    }
}
