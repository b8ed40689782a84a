import ArgumentParser
import Dissect
import Follow
import Views

struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Tell each conversation in plain sentences, one line per step, with frame numbers.",
        discussion: """
        The handshake and how long it took, the data each side sent (escaped and shortened), \
        who closed first and Zeek's verdict; refused and unanswered attempts with what they \
        mean for the port; port scans port by port with nmap's verdicts. Where several \
        connections go to one server port, it says what tells them apart: the client's \
        source port, part of the 4-tuple.

        Examples:
          tcpwatch explain Fixtures/pcaps/echo.pcap
          tcpwatch explain Fixtures/pcaps/two-conns.pcap --lang nl
          tcpwatch explain Fixtures/pcaps/nmap-ss.pcap
        """
    )

    @OptionGroup var input: CaptureInputOptions

    @Option(help: "Explain only this TCP stream (tcp.stream index).")
    var stream: Int?

    @Option(help: "Language: \(ExplainLanguage.all.map(\.code).joined(separator: ", ")).")
    var lang: String = "en"

    func validate() throws {
        if ExplainLanguage.named(lang) == nil {
            throw ValidationError("--lang takes \(ExplainLanguage.all.map(\.code).joined(separator: " or "))")
        }
        if let stream, stream < 0 { throw ValidationError("--stream needs a stream index (0 or more)") }
    }

    func run() throws {
        let explainer = Explainer(language: ExplainLanguage.named(lang) ?? .english, onlyStream: stream)
        // Live, a closed conversation is told after 1 s of quiet instead of 60 s.
        let follower = explainer.makeFollower(closedLinger: input.interface != nil ? 1 : nil)
        let out = OutputBuffer(fileDescriptor: 1)
        // Live, each conversation is told as it ends; Ctrl-C tells the rest and the scans.
        if input.interface != nil { explainer.live = out }
        let status = CapturePass(input: input, follower: follower).run(stopWhen: { false }) { explainer.observe($0) }
        explainer.write(to: out)
        out.flush()
        if status != 0 { throw ExitCode(status) }
    }
}
