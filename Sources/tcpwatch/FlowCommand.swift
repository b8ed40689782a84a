import ArgumentParser
import CommandSupport
import Dissect
import Follow
import Views
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

struct FlowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flow",
        abstract: "Draw the packets as a ladder diagram, one lane per endpoint (like Wireshark's Flow Graph).",
        discussion: """
        Examples:
          tcpwatch flow Fixtures/pcaps/echo.pcap
          tcpwatch flow Fixtures/pcaps/two-conns.pcap --stream 1
          tcpwatch flow Fixtures/pcaps/refused.pcap --svg refused.svg
        """
    )

    @OptionGroup var input: CaptureInputOptions

    @Option(help: "Only this tcp.stream.")
    var stream: Int?

    @Option(help: "Also write the diagram as SVG to FILE.")
    var svg: String?

    @Option(help: "Colour: auto, always, never.")
    var color: ColorChoice = .auto

    func run() throws {
        // The SVG is written after the text: a closed pipe must not cut that short.
        if svg != nil { BrokenPipe.handleInCommand() }
        let follower = Follower()
        let view = FlowView(lanesByHost: stream == nil)
        let status = CapturePass(input: input, follower: follower).run(stopWhen: { false }) { frame in
            if let stream, frame.analysis.tcpStream != stream && frame.analysis.quotedTCPStream != stream { return }
            view.add(frame)
        }
        let out = OutputBuffer(fileDescriptor: 1)
        view.writeText(to: out, width: terminalWidth(), color: color.enabled)
        out.flush()
        if let svg {
            do {
                try view.svg().write(toFile: svg, atomically: true, encoding: .utf8)
            } catch {
                printError("cannot write \(svg): \(FileErrorText.describe(error))")
                throw ExitCode(2)
            }
        }
        if status != 0 { throw ExitCode(status) }
    }
}
