import ArgumentParser
import Dissect
import Follow
import Views

struct ScanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Find port scans and give each probed port's state with nmap's rules and reasons.",
        discussion: """
        A scan is one source probing at least --min-ports ports of one target: SYN (half-open \
        or connect), FIN, NULL, Xmas, ACK, FIN-ACK or UDP probes. Each port gets nmap's state \
        (open, closed, filtered, unfiltered, open|filtered) and reason (syn-ack, reset, \
        no-response, admin-prohibited, port-unreach, ...), with the frames, the retries and \
        the time waited. ICMP errors are matched to their probe through the quoted headers.

        Examples:
          tcpwatch scan Fixtures/pcaps/nmap-ss.pcap
          tcpwatch scan Fixtures/pcaps/nmap-su.pcap -T json
        """
    )

    @OptionGroup var input: CaptureInputOptions

    @Option(name: .customShort("T"), help: "json: one object per port.")
    var format: String?

    @Option(help: "Distinct ports a source must probe on one target to count as a scan.")
    var minPorts: Int = 3

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
        if format == "json" {
            ScanView().writeJSON(reports, to: out)
        } else {
            ScanView().writeTable(reports, to: out)
        }
        out.flush()
        if detector.dropped > 0 { printError("note: \(detector.dropped) probes were not kept (memory cap)") }
        if status != 0 { throw ExitCode(status) }
    }
}
