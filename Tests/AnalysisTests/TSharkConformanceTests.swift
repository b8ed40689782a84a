import Dissect
import Follow
import Testing

/// Replays every conversation in `tsharkVectors` (generated from tshark 4.0 by
/// Support/gen_tshark_vectors.py) through `TCPSequenceAnalyzer` and compares
/// each segment's answer with tshark's.
@Suite struct TSharkConformanceTests {
    struct Scenario {
        var name: String
        var completeness: UInt8?
        var segments: [(segment: Segment, expected: Expected)] = []
    }

    struct Expected: Equatable, CustomStringConvertible {
        var fields: Set<String>
        var dupAckNumber: Int?
        var dupAckFrame: Int?
        var ackedFrame: Int?
        var ackRTT: Int64?
        var completenessAfter: Int?
        var description: String {
            let f = fields.sorted().joined(separator: ",")
            return "[\(f.isEmpty ? "-" : f)] dup=\(dupAckNumber.map(String.init) ?? "-")/\(dupAckFrame.map(String.init) ?? "-") acks=\(ackedFrame.map(String.init) ?? "-") rtt=\(ackRTT.map(String.init) ?? "-") completeness=\(completenessAfter.map(String.init) ?? "-")"
        }
    }

    static func parse() -> [Scenario] {
        var scenarios: [Scenario] = []
        for line in tsharkVectors.split(separator: "\n") {
            if line.hasPrefix("# ") {
                let parts = line.dropFirst(2).split(separator: " | completeness ")
                scenarios.append(Scenario(name: String(parts[0]), completeness: UInt8(parts[1])))
                continue
            }
            let halves = line.split(separator: " | ")
            let f = halves[0].split(separator: " ").map(String.init)
            let e = halves[1].split(separator: " ").map(String.init)
            let optInt: (String) -> Int? = { $0 == "-" ? nil : Int($0)! }
            let segment = Segment(
                f[0] == "c", f[1], UInt32(f[2])!, UInt32(f[3])!, UInt16(f[4])!, Int(f[5])!,
                timeMicros: Int64(f[6])!, windowScale: f[7] == "-" ? nil : UInt8(f[7])!)
            let names = e[0] == "-" ? [] : e[0].split(separator: ",").map { "tcp.analysis.\($0)" }
            let expected = Expected(fields: Set(names), dupAckNumber: optInt(e[1]), dupAckFrame: optInt(e[2]),
                                    ackedFrame: optInt(e[3]), ackRTT: optInt(e[4]).map(Int64.init),
                                    completenessAfter: optInt(e[5]))
            scenarios[scenarios.count - 1].segments.append((segment, expected))
        }
        return scenarios
    }

    @Test func matchesTShark() {
        let scenarios = Self.parse()
        #expect(scenarios.count > 100)
        var failures = 0
        for scenario in scenarios {
            var analyzer = TCPSequenceAnalyzer()
            for (i, (segment, expected)) in scenario.segments.enumerated() {
                let a = segment.run(on: &analyzer, frame: i + 1)
                let got = Expected(fields: Set(a.flags.fieldNames), dupAckNumber: a.duplicateAckNumber,
                                   dupAckFrame: a.duplicateAckOf, ackedFrame: a.ackedFrame, ackRTT: a.ackRTT,
                                   completenessAfter: expected.completenessAfter == nil ? nil : Int(analyzer.completeness))
                if got != expected {
                    failures += 1
                    if failures <= 40 {
                        Issue.record("\(scenario.name) frame \(i + 1) \(segment): got \(got), tshark \(expected)")
                    }
                }
            }
            if let completeness = scenario.completeness, analyzer.completeness != completeness {
                failures += 1
                Issue.record("\(scenario.name): completeness \(analyzer.completeness), tshark \(completeness)")
            }
        }
        #expect(failures == 0)
    }
}
