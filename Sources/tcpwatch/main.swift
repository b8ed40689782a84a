import ArgumentParser
import Dissect

struct Tcpwatch: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tcpwatch",
        abstract: "Capture packets and analyse TCP conversations.",
        subcommands: [ReadCommand.self, CaptureCommand.self, InterfacesCommand.self, ConversationsCommand.self, FollowCommand.self, FlowCommand.self, HTTPCommand.self, ScanCommand.self, ExplainCommand.self]
    )
}

Tcpwatch.main()
