import Foundation
import Testing
import Dissect
import Follow
import Views

/// The details tree against tshark 4.0's references recorded next to each capture by
/// scripts/make-references.sh: `-V` line for line, `-T json` leaf for leaf, and every field
/// name that tshark emits on the captures, cell for cell. The bars are issue 14's.
@Suite struct TreeConformanceTests {
    static let verbose = Paths.files(in: Paths.fixtures, suffixes: [".verbose.txt"])
    static let json = Paths.files(in: Paths.fixtures, suffixes: [".json"])
    static let allFields = Paths.files(in: Paths.fixtures, suffixes: [".allfields.tsv"])

    /// A follower that keeps reassembled messages, as `read -V` asks for them.
    static func follower() -> Follower {
        var options = FollowerOptions()
        options.pduBytesLimit = 1 << 20
        return Follower(options: options)
    }

    /// The capture a reference belongs to: its name without the reference's suffix.
    static func capture(of reference: URL) -> String {
        let path = reference.path
        for suffix in [".verbose.txt", ".allfields.tsv", ".json"] where path.hasSuffix(suffix) {
            return String(path.dropLast(suffix.count))
        }
        return path
    }

    @Test func everyCaptureHasTreeReferences() {
        #expect(Self.verbose.count >= 24)
        #expect(Self.json.count >= 22)
        #expect(Self.allFields.count >= Self.verbose.count)
    }

    /// Lines of tshark's -V that tcpwatch prints identically, counted as multisets (a line
    /// out of place still counts; a missing or different one does not).
    static func identicalLines(_ expected: String, _ actual: String) -> (same: Int, total: Int, missing: [Substring]) {
        var counts: [Substring: Int] = [:]
        for line in actual.split(separator: "\n", omittingEmptySubsequences: false) { counts[line, default: 0] += 1 }
        var same = 0, total = 0
        var missing: [Substring] = []
        for line in expected.split(separator: "\n", omittingEmptySubsequences: false) {
            total += 1
            if let n = counts[line], n > 0 {
                counts[line] = n - 1
                same += 1
            } else if missing.count < 5 {
                missing.append(line)
            }
        }
        return (same, total, missing)
    }

    @Test(arguments: verbose)
    func verboseMatchesTshark(reference: URL) throws {
        let expected = try String(contentsOf: reference, encoding: .utf8)
        let (actual, error) = renderFile(Self.capture(of: reference), follower: Self.follower()) { input, out in
            VerboseView.write(PacketTree.build(input), bytes: input.frame.bytes, to: out)
        }
        #expect(error == nil)
        let (same, total, missing) = Self.identicalLines(expected, actual)
        // Issue 14 asks for 95%; every lab capture is above 97% (scripts/compare-verbose.py).
        #expect(Double(same) >= 0.97 * Double(total),
                "\(reference.lastPathComponent): \(same) of \(total) lines identical; first missing: \(missing)")
    }

    /// Every capture's tree is tshark's exactly, line for line and in order: a change that
    /// moves or alters a line shows up here first.
    @Test(arguments: verbose.map { $0.lastPathComponent.replacingOccurrences(of: ".verbose.txt", with: "") })
    func verboseIsExact(capture: String) throws {
        let path = Paths.fixtures.appendingPathComponent(capture).path
        let expected = try String(contentsOfFile: path + ".verbose.txt", encoding: .utf8)
        let (actual, _) = renderFile(path, follower: Self.follower()) { input, out in
            VerboseView.write(PacketTree.build(input), bytes: input.frame.bytes, to: out)
        }
        let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
        if let n = (0..<min(e.count, a.count)).first(where: { e[$0] != a[$0] }) {
            Issue.record("\(capture) line \(n + 1):\n tshark:   \(e[n])\n tcpwatch: \(a[n])")
        }
        #expect(e.count == a.count)
    }

    /// Leaves of a JSON document as (path, value) pairs; repeated keys are kept, as tshark
    /// repeats them.
    static func leaves(_ text: String) throws -> [String: Int] {
        var parser = JSONLeaves(Array(text.utf8))
        return try parser.document()
    }

    @Test(arguments: json)
    func jsonMatchesTshark(reference: URL) throws {
        let expected = try String(contentsOf: reference, encoding: .utf8)
        let view = TSharkJSONView(style: .json)
        let out = OutputBuffer(fileDescriptor: nil)
        view.begin(to: out)
        _ = renderFile(Self.capture(of: reference), follower: Self.follower()) { input, _ in
            view.write(PacketTree.build(input), timestamp: input.frame.raw.timestamp, to: out)
        }
        view.end(to: out)
        // The same shape: an array of {_index, _type, _score, _source: {layers}}.
        let theirs = try #require(JSONSerialization.jsonObject(with: Data(expected.utf8)) as? [[String: Any]])
        let ours = try #require(JSONSerialization.jsonObject(with: Data(out.text.utf8)) as? [[String: Any]])
        #expect(theirs.count == ours.count)
        for (t, o) in zip(theirs, ours) {
            #expect(Set(t.keys) == Set(o.keys))
            #expect((o["_source"] as? [String: Any])?["layers"] is [String: Any])
            #expect(t["_index"] as? String == o["_index"] as? String)
        }
        let a = try Self.leaves(expected), b = try Self.leaves(out.text)
        let total = a.values.reduce(0, +)
        let same = a.reduce(0) { $0 + min($1.value, b[$1.key] ?? 0) }
        // Issue 14 asks for 95%. What is left is mostly eth.*.oui_resolved, the vendor
        // names of Wireshark's manuf file, which tcpwatch does not ship (95.7% on a short loopback capture).
        #expect(Double(same) >= 0.95 * Double(total), "\(reference.lastPathComponent): \(same) of \(total) leaves equal")
    }

    /// Every field name tshark emits on the captures: at least 95% of them are accepted,
    /// and at least 99.5% of their cells (`-E occurrence=a`) are equal.
    @Test func fieldsMatchTsharkCellForCell() throws {
        let emitted = try String(contentsOf: Paths.fixtures.appendingPathComponent("emitted-fields.txt"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
        let accepted = Set(emitted.filter { FieldRegistry.field(named: $0) != nil })
        #expect(Double(accepted.count) >= 0.95 * Double(emitted.count),
                "accepted \(accepted.count) of \(emitted.count); not: \(emitted.filter { !accepted.contains($0) })")
        var cells = 0, equal = 0
        var worst: [String: Int] = [:]
        for reference in Self.allFields {
            let expected = try String(contentsOf: reference, encoding: .utf8)
            var lines = expected.split(separator: "\n", omittingEmptySubsequences: false)
            let names = lines.removeFirst().split(separator: "\t").map(String.init)
            let columns = names.enumerated().filter { accepted.contains($0.element) }
            let view = try FieldsView(names: columns.map(\.element))
            let (actual, _) = renderFile(Self.capture(of: reference), follower: Self.follower()) { input, out in
                view.write(input, to: out)
            }
            for (e, a) in zip(lines, actual.split(separator: "\n", omittingEmptySubsequences: false)) {
                let theirs = e.split(separator: "\t", omittingEmptySubsequences: false)
                let ours = a.split(separator: "\t", omittingEmptySubsequences: false)
                for (j, column) in columns.enumerated() {
                    let t = column.offset < theirs.count ? theirs[column.offset] : ""
                    let o = j < ours.count ? ours[j] : ""
                    cells += 1
                    if t == o { equal += 1 } else { worst[column.element, default: 0] += 1 }
                }
            }
        }
        let top = worst.sorted { $0.value > $1.value }.prefix(5).map { "\($0.key): \($0.value)" }
        #expect(Double(equal) >= 0.995 * Double(cells), "\(equal) of \(cells) cells equal; most different: \(top)")
    }

    /// The fast field writers (summary line, `-T fields`, filters) and the tree are two
    /// readings of the same frame: wherever both know a field, they agree on every frame.
    @Test(arguments: verbose.map { capture(of: $0) })
    func fastWritersAgreeWithTheTree(capture: String) throws {
        let shared = FieldRegistry.all.filter { PacketTree.fieldsByName[$0.name] != nil && !FieldRegistry.isTreeOnly($0.name) }
        #expect(shared.count >= 60)
        var disagreements: [String] = []
        _ = renderFile(capture, follower: Self.follower()) { input, _ in
            let details = PacketTree.build(input)
            for field in shared {
                let out = OutputBuffer(fileDescriptor: nil)
                var occurrences = Occurrences.collecting(into: out)
                field.write(input, &occurrences)
                let fast = out.bytes.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
                // A label-only field is written as present ("1"), as tshark writes it.
                let isLabel = PacketTree.fieldsByName[field.name]?.type == FieldType.none
                let tree = details.values(of: field.name).map { isLabel && $0.isEmpty ? "1" : $0 }
                if (occurrences.count == 0 ? [] : fast) != tree, disagreements.count < 10 {
                    disagreements.append("frame \(input.frame.number) \(field.name): fast \(fast) tree \(tree)")
                }
            }
        }
        #expect(disagreements.isEmpty, "\(URL(fileURLWithPath: capture).lastPathComponent): \(disagreements)")
    }
}

/// A small JSON reader that keeps repeated keys, which tshark writes and Foundation's
/// parser collapses: it counts every (path, value) leaf.
struct JSONLeaves {
    let bytes: [UInt8]
    var i = 0
    var leaves: [String: Int] = [:]

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    struct Malformed: Error {}

    mutating func document() throws -> [String: Int] {
        try value(path: "")
        return leaves
    }

    mutating func skipSpace() {
        while i < bytes.count, [9, 10, 13, 32].contains(bytes[i]) { i += 1 }
    }

    mutating func value(path: String) throws {
        skipSpace()
        guard i < bytes.count else { throw Malformed() }
        switch bytes[i] {
        case UInt8(ascii: "{"):
            i += 1
            skipSpace()
            if bytes[i] == UInt8(ascii: "}") { i += 1; return }
            while true {
                skipSpace()
                let key = try string()
                skipSpace()
                guard bytes[i] == UInt8(ascii: ":") else { throw Malformed() }
                i += 1
                // The array index of a frame is not part of a leaf's path.
                try value(path: path + "/" + key)
                skipSpace()
                if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                guard bytes[i] == UInt8(ascii: "}") else { throw Malformed() }
                i += 1
                return
            }
        case UInt8(ascii: "["):
            i += 1
            skipSpace()
            if bytes[i] == UInt8(ascii: "]") { i += 1; return }
            while true {
                try value(path: path)
                skipSpace()
                if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                guard bytes[i] == UInt8(ascii: "]") else { throw Malformed() }
                i += 1
                return
            }
        case UInt8(ascii: "\""):
            leaves[path + "=" + (try string()), default: 0] += 1
        default:
            let start = i
            while i < bytes.count, ![UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 10, 13, 32].contains(bytes[i]) { i += 1 }
            leaves[path + "=" + String(decoding: bytes[start..<i], as: UTF8.self), default: 0] += 1
        }
    }

    /// A string's raw text between the quotes (escapes left as written: both sides use
    /// the same escaping, so they compare equal).
    mutating func string() throws -> String {
        guard bytes[i] == UInt8(ascii: "\"") else { throw Malformed() }
        i += 1
        let start = i
        while i < bytes.count, bytes[i] != UInt8(ascii: "\"") {
            i += bytes[i] == UInt8(ascii: "\\") ? 2 : 1
        }
        guard i < bytes.count else { throw Malformed() }
        i += 1
        return String(decoding: bytes[start..<i - 1], as: UTF8.self)
    }
}
