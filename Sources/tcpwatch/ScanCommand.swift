import ArgumentParser
import CommandSupport
import Dissect
import Follow
import Views

struct ScanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Find port scans and give each probed port's state with nmap's rules and reasons.",
        discussion: """
        Every probed port gets a verdict: SYN (half-open or connect), FIN, NULL, Xmas, ACK, \
        FIN-ACK or UDP probes, retries grouped by port whatever their source port. A source \
        probing at least --min-ports ports of one target is also called a scan. Each port gets nmap's state \
        (open, closed, filtered, unfiltered, open|filtered) and reason (syn-ack, reset, \
        no-response, admin-prohibited, port-unreach, ...), with the frames, the retries and \
        the time waited. ICMP errors are matched to their probe through the quoted headers.

        Examples:
          tcpwatch scan Fixtures/pcaps/nmap-ss.pcap
          tcpwatch scan Fixtures/pcaps/nmap-su.pcap -T json
          tcpwatch scan Fixtures/pcaps/nmap-p25-dropped.pcap     # nmap -p25: one port
          tcpwatch scan Fixtures/pcaps/nmap-1-1024.pcap --all    # also the 1021 closed ports
        """
    )

    @OptionGroup var input: CaptureInputOptions

    @Option(name: .customShort("T"), help: "json: one object per port.")
    var format: String?

    @Option(help: "Distinct ports a source must probe on one target to be called a scan (fewer still get verdicts).")
    var minPorts: Int = 3

    @Flag(help: "List every port, also the common state that nmap leaves out (\"Not shown: ...\").")
    var all = false

    func validate() throws {
        if let format, format != "json" && format != "text" { throw ValidationError("-T takes json or text") }
        if minPorts < 1 { throw ValidationError("--min-ports needs a positive number") }
    }

    func run() throws {
        var options = FollowerOptions()
        options.trackHTTP = false
        let follower = Follower(options: options)
        let detector = ScanDetector(minimumPorts: minPorts)
        let status = CapturePass(input: input, follower: follower).run(stopWhen: { false }) { detector.observe($0) }
        let reports = detector.finish()
        let out = OutputBuffer(fileDescriptor: 1)
        var view = ScanView()
        view.showAll = all
        view.minimumPorts = minPorts
        if format == "json" {
            view.writeJSON(reports, to: out)
        } else {
            view.writeTable(reports, to: out)
        }
        out.flush()
        if let note = ScanView.capNote(detector) { printError(note) }
        if status != 0 { throw ExitCode(status) }
    }
}
