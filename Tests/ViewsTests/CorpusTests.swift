import Foundation
import Testing
import Dissect
import Views

/// The shared corpus of public captures (../shared/corpus): tcpwatch must read every frame
/// tshark reads, agree on the columns it decodes, and survive every malformed file.
@Suite struct CorpusTests {
    static var available: Bool { FileManager.default.fileExists(atPath: Paths.corpus.path) }
    static let compared = ["frame.number", "frame.len", "frame.cap_len", "frame.protocols", "ip.src", "ip.dst",
                           "tcp.srcport", "tcp.dstport", "tcp.flags", "tcp.len"]
    /// Columns of the corpus TSV compared with tcpwatch's (frame.protocols is not).
    static let checkedColumns = [0, 1, 2, 4, 5, 6, 7, 8, 9]

    @Test func wellFormedFilesAgreeWithTshark() throws {
        guard Self.available else {
            print("skipping corpus test: \(Paths.corpus.path) is not there")
            return
        }
        var filesAgreeing = 0, filesDiffering: [String] = [], cellsCompared = 0, cellsPrefix = 0
        let files = Paths.files(in: Paths.corpus.appendingPathComponent("pcap"), suffixes: [".tshark.tsv"])
            + Paths.files(in: Paths.corpus.appendingPathComponent("pcapng"), suffixes: [".tshark.tsv"])
        for tsv in files {
            let capture = String(tsv.path.dropLast(".tshark.tsv".count))
            let expected = try String(contentsOf: tsv, encoding: .utf8).split(separator: "\n")
                .map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
                .filter { $0.count >= 10 && Int($0[0]) != nil }
            let (text, _) = try fieldsOutput(capture, names: Self.compared)
            let actual = text.split(separator: "\n").dropFirst()
                .map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
            var problems: [String] = []
            // tshark also lists pcapng custom blocks as frames; compare by frame number.
            let byNumber = Dictionary(actual.map { ($0[0], $0) }, uniquingKeysWith: { a, _ in a })
            let customBlockFile = tsv.lastPathComponent.contains("test017") || tsv.lastPathComponent.contains("test018")
                || tsv.lastPathComponent.contains("test102") || tsv.lastPathComponent.contains("test202")
            if actual.count != expected.count && !customBlockFile {
                problems.append("\(actual.count) frames, tshark \(expected.count)")
            }
            for row in expected {
                guard let ours = byNumber[row[0]] else {
                    if !customBlockFile { problems.append("frame \(row[0]) missing") }
                    continue
                }
                for (column, theirs) in Self.checkedColumns.map({ ($0, row[$0]) }) {
                    let mine = ours[column]
                    if mine.isEmpty { continue }
                    cellsCompared += 1
                    if mine == theirs { continue }
                    // tcpwatch decodes outer headers only where tshark also lists tunnelled ones.
                    if theirs.hasPrefix(mine + ",") { cellsPrefix += 1; continue }
                    problems.append("frame \(row[0]) \(Self.compared[column]): tshark '\(theirs)' tcpwatch '\(mine)'")
                }
                if problems.count > 3 { break }
            }
            if problems.isEmpty { filesAgreeing += 1 } else {
                filesDiffering.append("\(tsv.lastPathComponent.dropLast(".tshark.tsv".count)): \(problems.prefix(3).joined(separator: "; "))")
            }
        }
        print("corpus: \(filesAgreeing)/\(files.count) files agree with tshark; \(cellsCompared) cells compared, \(cellsPrefix) outer-only")
        for line in filesDiffering { print("  differs: \(line)") }
        #expect(filesDiffering.isEmpty)
    }

    @Test func malformedFilesEndWithoutCrash() throws {
        guard Self.available else {
            print("skipping corpus test: \(Paths.corpus.path) is not there")
            return
        }
        let folder = Paths.corpus.appendingPathComponent("malformed")
        let files = Paths.files(in: folder, suffixes: [".pcap", ".pcapng", ".cap", ".dmp"])
        var errors = 0
        for file in files {
            let (_, error) = renderFile(file.path) { input, out in
                SummaryLine().write(input, to: out)
                JSONView().write(input, to: out)
                out.flush()
            }
            if error != nil { errors += 1 }
        }
        print("malformed: \(files.count) files read to the end or to a clear error (\(errors) errors)")
        #expect(files.count > 100)
    }
}
