import ArgumentParser
import Dissect
import Follow
import Views

/// `read -z STAT`: tshark's statistics, each answered by the view that already prints
/// tshark's layout (conversations --style tshark, follow), or by the expert summary.
enum StatisticsRequest {
    case conversations(proto: String)
    case follow(format: String, stream: Int)
    case expert

    init?(_ text: String) {
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

    func run(path: String, displayFilter: String?) throws {
        switch self {
        case .conversations(let proto):
            var command = try ConversationsCommand.parse([path, "--style", "tshark", "--proto", proto])
            try command.run()
        case .follow(let format, let stream):
            var command = try FollowCommand.parse([path, "--stream", String(stream), "--format", format])
            try command.run()
        case .expert:
            try runExpert(path: path, displayFilter: displayFilter)
        }
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
