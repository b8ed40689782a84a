import Foundation
import Testing
import Dissect
import Follow
@testable import Views

/// `-z io,stat` against tshark 4.0's tables, recorded by scripts/make-iostat-references.sh
/// for each line of Fixtures/iostat/cases.txt: synthetic captures that reach each branch
/// of tshark's layout (rounding, `Dur`, time going backwards, no frames), and lab captures
/// with filters and field functions. Byte for byte.
@Suite struct IOStatisticsTests {
    static let folder = Paths.repository.appendingPathComponent("Fixtures/iostat")

    struct Case: CustomTestStringConvertible, Sendable {
        let number: Int
        let capture: String
        let clock: IOStatistics.Clock
        let argument: String
        var testDescription: String { String(format: "%03d ", number) + capture.split(separator: "/").last! + " " + argument }
    }

    static let cases: [Case] = {
        let text = (try? String(contentsOf: folder.appendingPathComponent("cases.txt"), encoding: .utf8)) ?? ""
        var list: [Case] = []
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: "\t", maxSplits: 2).map(String.init)
            guard parts.count == 3 else { continue }
            let clock: IOStatistics.Clock = parts[1] == "a" ? .absolute : parts[1] == "ad" ? .absoluteWithDate : .relative
            list.append(Case(number: list.count + 1, capture: parts[0], clock: clock, argument: parts[2]))
        }
        return list
    }()

    static func table(_ c: Case) throws -> String {
        var stats = try IOStatistics(c.argument, clock: c.clock)
        let follower = Follower(options: FollowerOptions())
        let path = Paths.repository.appendingPathComponent(c.capture).path
        _ = renderFile(path, follower: follower) { input, _ in stats.add(input) }
        let out = OutputBuffer(fileDescriptor: nil)
        stats.write(to: out)
        return out.text
    }

    @Test func thereAreCases() {
        #expect(Self.cases.count >= 40)
    }

    @Test(arguments: cases) func tableEqualsTShark(_ c: Case) throws {
        let expected = try String(contentsOf: Self.folder.appendingPathComponent(String(format: "%03d.txt", c.number)), encoding: .utf8)
        let actual = try Self.table(c)
        #expect(actual == expected, "\(c.argument) on \(c.capture)\n--- tshark\n\(expected)--- tcpwatch\n\(actual)")
    }

    /// Without a filter or a field the frames need not be decoded: the raw path gives the
    /// same table as the decoded one.
    @Test func rawFramesGiveTheSameTable() throws {
        for c in Self.cases where c.argument.split(separator: ",").count == 3 {
            var stats = try IOStatistics(c.argument, clock: c.clock)
            #expect(!stats.needsDissection)
            let reader = try CaptureFileReader(path: Paths.repository.appendingPathComponent(c.capture).path)
            while let raw = try reader.next() { stats.add(raw) }
            let out = OutputBuffer(fileDescriptor: nil)
            stats.write(to: out)
            #expect(out.text == (try Self.table(c)), "\(c.argument) on \(c.capture)")
        }
    }

    @Test func refusalsUseTSharkWords() throws {
        let text = try String(contentsOf: Self.folder.appendingPathComponent("errors.expected"), encoding: .utf8)
        var checked = 0
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: "\t", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { continue }
            #expect(throws: (any Error).self) { try IOStatistics(parts[0]) }
            do {
                _ = try IOStatistics(parts[0])
            } catch {
                #expect(error.description == parts[1], "\(parts[0])")
            }
            checked += 1
        }
        #expect(checked >= 10)
    }

    /// A microsecond interval over hours must not allocate a row per interval: only rows
    /// that hold frames are kept (the empty ones are written as they are reached).
    @Test func tinyIntervalKeepsOnlyRowsWithFrames() throws {
        var stats = try IOStatistics("io,stat,0.000001")
        let reader = try CaptureFileReader(path: Paths.repository.appendingPathComponent("Fixtures/iostat/d9996.pcap").path)
        while let raw = try reader.next() { stats.add(raw) }
        #expect(stats.storedRows == 3)
    }

    /// Values as fields write them: decimal, negative, hex, and times.
    @Test func fieldTextReadsAsNumbers() {
        #expect(IOStatistics.integer(Array("1448".utf8)[...]) == 1448)
        #expect(IOStatistics.integer(Array("-7".utf8)[...]) == -7)
        #expect(IOStatistics.integer(Array("0x0018".utf8)[...]) == 24)
        #expect(IOStatistics.integer(Array("12a".utf8)[...]) == nil)
        #expect(IOStatistics.nanoseconds(Array("0.000537000".utf8)[...]) == 537_000)
        #expect(IOStatistics.nanoseconds(Array("2.5".utf8)[...]) == 2_500_000_000)
    }
}
