import Foundation
import Testing
import Dissect
import Follow
import Views

/// Inputs the fuzz targets (Fuzz/, scripts/fuzz.sh) found, replayed through the same
/// pipeline as the `capture` target: read, decode, follow, and every view.
@Suite struct FuzzRegressionTests {
    static let folder = Paths.repository.appendingPathComponent("Fuzz/regressions/capture")

    static func regression(_ name: String) -> String { folder.appendingPathComponent(name).path }

    /// Every view of every frame, as the capture target renders them.
    static func renderAll(_ path: String) -> (text: String, error: CaptureFileError?) {
        let summaries = SummaryLine.TimeFormat.allCases.map { SummaryLine(timeFormat: $0) }
        let fields = try! FieldsView(names: FieldRegistry.all.map(\.name))
        return renderFile(path) { input, out in
            for summary in summaries { summary.write(input, to: out) }
            JSONView().write(input, to: out)
            fields.write(input, to: out)
            DetailTree.write(input, to: out)
        }
    }

    @Test func everyCaptureRegressionRendersWithoutTrapping() {
        for file in Paths.files(in: Self.folder, suffixes: [".pcap", ".pcapng"]) {
            _ = Self.renderAll(file.path)
        }
    }

    /// A 12 KB DNS message of 2000 questions, each a pointer to a 253-byte name, made a
    /// 500 KB summary line (a 63 KB one in the malformed corpus made 6 MB lines and timed
    /// the fuzzer out). The Info column now stops at tshark's COL_MAX_INFO_LEN.
    @Test func dnsInfoColumnIsCappedLikeTshark() throws {
        let (text, error) = renderFile(Self.regression("dns-info-thousands-of-questions.pcap")) { input, out in
            SummaryLine().write(input, to: out)
        }
        #expect(error == nil)
        let line = try #require(text.split(separator: "\n").first)
        let info = try #require(line.range(of: "Standard query response 0x1234"))
        #expect(line.utf8.count - line.utf8.distance(from: line.utf8.startIndex, to: info.lowerBound) == 4095)
        #expect(line.utf8.count < 4200)
    }
}
