import Foundation
import Testing
@testable import Dissect

/// Reads every capture of the shared corpus and compares frame counts and lengths with
/// what tshark printed for it (`<file>.tshark.tsv`).
@Suite struct CaptureCorpusTests {
    static let corpus: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("../shared/corpus").standardizedFileURL

    struct Outcome {
        var lengths: [(Int, Int)] = []
        var error: CaptureFileError?
    }

    static func read(_ path: String) -> Outcome {
        var outcome = Outcome()
        do {
            let reader = try CaptureFileReader(path: path)
            while let frame = try reader.next() {
                outcome.lengths.append((frame.originalLength, frame.capturedLength))
            }
        } catch {
            outcome.error = error
        }
        return outcome
    }

    /// frame.len and frame.cap_len of each frame tshark listed.
    static func tsharkLengths(_ path: String) -> [(Int, Int)] {
        guard let text = try? String(contentsOfFile: path + ".tshark.tsv", encoding: .utf8) else { return [] }
        var result: [(Int, Int)] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            let columns = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard columns.count >= 3, Int(columns[0]) != nil,
                  let length = Int(columns[1]), let captured = Int(columns[2]) else { continue }
            result.append((length, captured))
        }
        return result
    }

    /// MANIFEST.csv rows by path.
    static func manifest() -> [String: [String: String]] {
        guard let text = try? String(contentsOf: corpus.appendingPathComponent("MANIFEST.csv"), encoding: .utf8) else { return [:] }
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var iterator = Array(text).makeIterator()
        var pending: Character? = nil
        while let c = pending ?? iterator.next() {
            pending = nil
            if quoted {
                if c == "\"" {
                    if let n = iterator.next() {
                        if n == "\"" { field.append("\"") } else { quoted = false; pending = n }
                    } else { quoted = false }
                } else { field.append(c) }
            } else if c == "\"" { quoted = true }
            else if c == "," { row.append(field); field = "" }
            else if c == "\n" || c == "\r\n" { row.append(field); field = ""; rows.append(row); row = [] }
            else { field.append(c) }
        }
        if !row.isEmpty || !field.isEmpty { row.append(field); rows.append(row) }
        guard let header = rows.first else { return [:] }
        var result: [String: [String: String]] = [:]
        for r in rows.dropFirst() where r.count == header.count {
            result[r[0]] = Dictionary(uniqueKeysWithValues: zip(header, r))
        }
        return result
    }

    static func files(in folder: String) -> [String] {
        let dir = corpus.appendingPathComponent(folder)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return names.filter { name in
            !name.hasSuffix(".tsv") && !name.hasSuffix(".txt") && !name.contains(".tcpdump.")
        }.sorted().map { "\(folder)/\($0)" }
    }

    @Test func wellFormedFilesMatchTshark() throws {
        guard FileManager.default.fileExists(atPath: Self.corpus.path) else {
            print("corpus test skipped: no corpus at \(Self.corpus.path)")
            return
        }
        let manifest = Self.manifest()
        var agreed = 0
        var disagreed: [String] = []
        for file in Self.files(in: "pcap") + Self.files(in: "pcapng") {
            let path = Self.corpus.appendingPathComponent(file).path
            let outcome = Self.read(path)
            let expected = Self.tsharkLengths(path)
            var problem: String?
            let row = manifest[file]
            // tshark lists pcapng Custom Blocks as frames, and so does tcpwatch: tshark's count.
            if outcome.lengths.count != (Int(row?["tshark_frames"] ?? "") ?? expected.count) {
                problem = "read \(outcome.lengths.count) frames, tshark \(row?["tshark_frames"] ?? "\(expected.count)")"
            } else if let i = expected.indices.first(where: { $0 >= outcome.lengths.count || outcome.lengths[$0] != expected[$0] }) {
                // The TSVs are cut at 200,000 bytes: compare the frames they list.
                problem = "frame \(i + 1): len/cap_len \(outcome.lengths[i]) vs tshark \(expected[i])"
            }
            if let error = outcome.error, (row?["tshark_exit"] ?? "0") == "0" {
                problem = (problem.map { $0 + "; " } ?? "") + "error: \(error)"
            }
            if let problem { disagreed.append("\(file): \(problem)") } else { agreed += 1 }
        }
        print("corpus pcap/ + pcapng/: \(agreed) files agreed, \(disagreed.count) disagreed")
        for line in disagreed { print("  DISAGREE \(line)") }
        #expect(disagreed.isEmpty)
    }

    @Test func malformedFilesEndInBoundedTime() throws {
        guard FileManager.default.fileExists(atPath: Self.corpus.path) else {
            print("corpus test skipped: no corpus at \(Self.corpus.path)")
            return
        }
        let manifest = Self.manifest()
        var errors = 0
        var clean = 0
        var sameFrameCount = 0
        let started = Date()
        for file in Self.files(in: "malformed") {
            let began = Date()
            let outcome = Self.read(Self.corpus.appendingPathComponent(file).path)
            #expect(Date().timeIntervalSince(began) < 5, "\(file) took too long")
            if outcome.error != nil { errors += 1 } else { clean += 1 }
            // Informational: tshark's frame count, where it read the file at all.
            let frames = Int(manifest[file]?["tshark_frames"] ?? "")
            if frames == outcome.lengths.count {
                sameFrameCount += 1
            } else {
                print("  malformed \(file): read \(outcome.lengths.count) frames, tshark \(frames.map(String.init) ?? "?")"
                      + (outcome.error.map { "; \($0)" } ?? ""))
            }
        }
        print("corpus malformed/: \(clean) read cleanly, \(errors) ended in an error, "
              + "\(sameFrameCount) with tshark's frame count, \(Int(Date().timeIntervalSince(started) * 1000)) ms")
    }
}
