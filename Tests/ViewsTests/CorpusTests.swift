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
            let name = "\(tsv.deletingLastPathComponent().lastPathComponent)/\(tsv.lastPathComponent.dropLast(".tshark.tsv".count))"
            let entry = manifest[name]
            if let packets = entry?.packets, actual.count != packets {
                problems.append("\(actual.count) frames, the manifest says \(packets)")
            }
            // tshark also lists pcapng custom blocks as frames, and so does tcpwatch: the
            // count is tshark's (tshark_frames), and every frame is compared.
            let byNumber = Dictionary(actual.map { ($0[0], $0) }, uniquingKeysWith: { a, _ in a })
            for row in expected {
                guard let ours = byNumber[row[0]] else {
                    problems.append("frame \(row[0]) missing")
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

    struct ManifestEntry {
        var packets: Int
        var customBlocks: Bool
    }

    /// MANIFEST.csv by path: the frames tshark lists (custom blocks included), and whether
    /// some of them are custom blocks.
    var manifest: [String: ManifestEntry] {
        guard let text = try? String(contentsOf: Paths.corpus.appendingPathComponent("MANIFEST.csv"), encoding: .utf8) else { return [:] }
        var result: [String: ManifestEntry] = [:]
        for line in text.split(whereSeparator: \.isNewline).dropFirst() {
            let columns = Self.csvFields(String(line))
            guard columns.count >= 12, let packets = Int(columns[10]) ?? Int(columns[5]) else { continue }
            let path = columns[0].hasSuffix(".pcap") || columns[0].hasSuffix(".pcapng") ? columns[0] : columns[0]
            result[path] = ManifestEntry(packets: packets, customBlocks: columns[6].contains("Custom Blocks"))
        }
        return result
    }

    static func csvFields(_ line: String) -> [String] {
        var fields: [String] = [], current = "", quoted = false
        var chars = line.makeIterator()
        while let c = chars.next() {
            if quoted {
                if c == "\"" {
                    if let next = chars.next() {
                        if next == "\"" { current.append("\"") } else {
                            quoted = false
                            if next == "," { fields.append(current); current = "" } else { current.append(next) }
                        }
                    } else { quoted = false }
                } else { current.append(c) }
            } else if c == "\"" {
                quoted = true
            } else if c == "," {
                fields.append(current)
                current = ""
            } else {
                current.append(c)
            }
        }
        fields.append(current)
        return fields
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

/// `-T json` must be valid JSON for any input, including invalid UTF-8 in names and URIs.
@Suite struct JSONValidityTests {
    @Test func everyJSONLineOfTheCorpusParses() throws {
        let folders = ["pcap", "pcapng", "malformed"].map { Paths.corpus.appendingPathComponent($0) }
        guard FileManager.default.fileExists(atPath: Paths.corpus.path) else {
            print("skipping the JSON corpus test: \(Paths.corpus.path) is not there")
            return
        }
        var lines = 0, bad: [String] = []
        for folder in folders {
            for file in Paths.files(in: folder, suffixes: [".pcap", ".pcapng"]) {
                let (text, _) = renderFile(file.path) { input, out in JSONView().write(input, to: out) }
                for line in text.split(separator: "\n") {
                    lines += 1
                    if (try? JSONSerialization.jsonObject(with: Data(line.utf8))) == nil && bad.count < 5 {
                        bad.append("\(file.lastPathComponent): \(line.prefix(200))")
                    }
                }
            }
        }
        print("json: \(lines) lines from the corpus parsed")
        #expect(bad.isEmpty, "\(bad)")
        #expect(lines > 5_000)
    }

    /// The details tree of every corpus frame, hostile ones included: it renders without
    /// trapping, and each `-T ek` document line is valid JSON.
    @Test func everyTreeOfTheCorpusRendersAndItsEkParses() throws {
        let folders = ["pcap", "pcapng", "malformed"].map { Paths.corpus.appendingPathComponent($0) }
        guard FileManager.default.fileExists(atPath: Paths.corpus.path) else {
            print("skipping the tree corpus test: \(Paths.corpus.path) is not there")
            return
        }
        var frames = 0, bad: [String] = []
        for folder in folders {
            for file in Paths.files(in: folder, suffixes: [".pcap", ".pcapng"]) {
                let ek = TSharkJSONView(style: .ek)
                let (text, _) = renderFile(file.path) { input, out in
                    frames += 1
                    let details = PacketTree.build(input)
                    let verbose = OutputBuffer(fileDescriptor: nil)
                    VerboseView.write(details, bytes: input.frame.bytes, to: verbose)
                    ek.write(details, timestamp: input.frame.raw.timestamp, to: out)
                }
                for line in text.split(separator: "\n")
                where (try? JSONSerialization.jsonObject(with: Data(line.utf8))) == nil && bad.count < 5 {
                    bad.append("\(file.lastPathComponent): \(line.prefix(200))")
                }
            }
        }
        print("tree: \(frames) corpus frames rendered")
        #expect(bad.isEmpty, "\(bad)")
        #expect(frames > 5_000)
    }

    @Test func fixturesJSONParses() throws {
        for file in Paths.files(in: Paths.fixtures, suffixes: [".pcap", ".pcapng"]) {
            let (text, _) = renderFile(file.path) { input, out in JSONView().write(input, to: out) }
            for line in text.split(separator: "\n") {
                #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) != nil, "\(file.lastPathComponent): \(line.prefix(120))")
            }
        }
    }
}
