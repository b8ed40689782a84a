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
        let fields = try! FieldsView(names: FieldRegistry.allNames)
        return renderFile(path) { input, out in
            for summary in summaries { summary.write(input, to: out) }
            JSONView().write(input, to: out)
            fields.write(input, to: out)
            let details = PacketTree.build(input)
            VerboseView.write(details, bytes: input.frame.bytes, to: out)
            TSharkJSONView(style: .json).write(details, timestamp: input.frame.raw.timestamp, to: out)
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

/// Time columns for the pcapng timestamp extremes the capture target found.
@Suite struct FuzzTimestampRegressionTests {
    static func lines(_ name: String, _ format: SummaryLine.TimeFormat) -> [String] {
        let (text, error) = renderFile(FuzzRegressionTests.regression(name)) { input, out in
            SummaryLine(timeFormat: format).write(input, to: out)
        }
        #expect(error == nil)
        return text.split(separator: "\n").map(String.init)
    }

    /// `if_tsresol` 0 (whole seconds) gave 0 decimal places, and writing a 0-digit
    /// fraction trapped on the range `1..<0`. Now there is no point and no fraction.
    @Test(arguments: SummaryLine.TimeFormat.allCases)
    func wholeSecondResolutionHasNoFraction(format: SummaryLine.TimeFormat) {
        let lines = Self.lines("pcapng-tsresol-seconds.pcapng", format)
        #expect(lines.count == 2)
        for line in lines {
            let time = line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first.map(String.init)
            let expected = switch format {
            case .relative, .delta, .deltaDisplayed: "0"
            case .epoch: "5"
            case .absolute, .absoluteWithDate: "00:00:05"
            }
            #expect(time == (format == .absoluteWithDate ? "1970-01-01" : expected), "\(line)")
            #expect(!line.contains("00:00:05."))
        }
    }

    /// `if_tsoffset` = Int64.min saturates the seconds to Int64.min, and the civil-time
    /// conversion trapped on `seconds - 86399`.
    @Test(arguments: SummaryLine.TimeFormat.allCases)
    func mostNegativeOffsetRenders(format: SummaryLine.TimeFormat) {
        #expect(Self.lines("pcapng-tsoffset-min.pcapng", format).count == 2)
    }

    @Test func mostNegativeDecimal() {
        let out = OutputBuffer(fileDescriptor: nil)
        out.decimal(Int64.min)
        out.decimal(UInt64(7), width: 0)
        #expect(out.text == "-9223372036854775808")
    }
}
