import ArgumentParser
import Dissect
import PcapLive

struct Tcpwatch: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tcpwatch",
        abstract: "Capture packets and analyse TCP conversations: a small Wireshark for the terminal.",
        discussion: """
        Exit status: 0 success, 1 a damaged file was read up to the damage (or an expectation \
        failed), 2 the input cannot be read or the capture cannot start, 64 usage error.
        """,
        version: BuildInfo.versionText,
        subcommands: [
            ReadCommand.self, CaptureCommand.self, InterfacesCommand.self, ConversationsCommand.self,
            FollowCommand.self, FlowCommand.self, HTTPCommand.self, SocketsCommand.self, ExpectCommand.self,
            ScanCommand.self, ExplainCommand.self, FieldsCommand.self, UICommand.self,
        ]
    )
}

BrokenPipe.endQuietly()
Tcpwatch.main(AttachedOptionValues.split(Array(CommandLine.arguments.dropFirst())))
