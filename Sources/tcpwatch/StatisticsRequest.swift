import ArgumentParser
import CommandSupport
import Dissect
import Follow
import Views

/// `read -z STAT`: tshark's statistics, each answered by the view that already prints
/// tshark's layout (conversations --style tshark, follow), by the expert summary, or by
/// the I/O table.
enum StatisticsRequest {
    case conversations(proto: String)
    case follow(format: String, stream: Int)
    case expert
    case ioStatistics(String)

    init?(_ text: String) {
        if text.hasPrefix("io,stat,") {
            self = .ioStatistics(text)
            return
        }
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        switch parts.first {
        case "conv" where parts.count == 2 && ["tcp", "udp"].contains(parts[1]):
            self = .conversations(proto: parts[1])
        case "follow" where parts.count == 4 && parts[1] == "tcp" && ["ascii", "hex", "raw"].contains(parts[2]):
            guard let stream = Int(parts[3]), stream >= 0 else { return nil }
            self = .follow(format: parts[2], stream: stream)
        case "expert" where parts.count == 1:
            self = .expert
        default:
            return nil
        }
    }

    /// tshark's words for an argument that names a known statistic but cannot run.
    func problem(timeFormat: String) -> String? {
        guard case .ioStatistics(let text) = self else { return nil }
        do {
            _ = try IOStatistics(text, clock: try Self.clock(timeFormat))
            return nil
        } catch {
            return error.description
        }
    }

    /// io,stat's clock from `-t`: tshark refuses the delta and epoch formats there.
    static func clock(_ timeFormat: String) throws(IOStatisticsError) -> IOStatistics.Clock {
        switch timeFormat {
        case "r": .relative
        case "a": .absolute
        case "ad": .absoluteWithDate
        default: throw .unsupportedClock
        }
    }

    func run(path: String, displayFilter: String?, timeFormat: String) throws {
        switch self {
        case .conversations(let proto):
            let command = try ConversationsCommand.parse([path, "--style", "tshark", "--proto", proto])
            try command.run()
        case .follow(let format, let stream):
            let command = try FollowCommand.parse([path, "--stream", String(stream), "--format", format])
            try command.run()
        case .expert:
            try runExpert(path: path, displayFilter: displayFilter)
        case .ioStatistics(let text):
            try runIOStatistics(IOStatistics(text, clock: Self.clock(timeFormat)), path: path)
        }
    }

    /// Every frame counts, as in tshark, whatever `-Y` shows: the table is a tap of its own.
    private func runIOStatistics(_ statistics: IOStatistics, path: String) throws {
        var statistics = statistics
        let reader: CaptureFileReader
        do { reader = try CaptureFileReader(path: path) } catch {
            printError("\(path): \(error)")
            throw ExitCode(2)
        }
        var loop = PacketLoop()
        let dissect = statistics.needsDissection
        do {
            while let raw = try reader.next() {
                if dissect { loop.process(raw) { statistics.add($0) } } else { statistics.add(raw) }
            }
        } catch {
            printError("\(path): \(error)")
            throw ExitCode(1)
        }
        let out = OutputBuffer(fileDescriptor: 1)
        statistics.write(to: out)
        out.flush()
    }

    private func runExpert(path: String, displayFilter: String?) throws {
        let reader: CaptureFileReader
        do { reader = try CaptureFileReader(path: path) } catch {
            printError("\(path): \(error)")
            throw ExitCode(2)
        }
        let display: DisplayFilter?
        do { display = try displayFilter.map { text throws(DisplayFilterError) in try DisplayFilter(text) } } catch {
            printError("\(error)")
            throw ExitCode(64)
        }
        var options = FollowerOptions()
        options.pduBytesLimit = PacketPrinter.pduBytesLimit
        var loop = PacketLoop(follower: Follower(options: options))
        var summary = ExpertSummary()
        do {
            while let raw = try reader.next() {
                loop.process(raw) { input in
                    if display?.matches(input) ?? true { summary.add(PacketTree.build(input)) }
                }
            }
        } catch {
            printError("\(path): \(error)")
            throw ExitCode(1)
        }
        let out = OutputBuffer(fileDescriptor: 1)
        summary.write(to: out)
        out.flush()
    }
}
