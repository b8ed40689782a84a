import Foundation
import Testing
import Dissect
import Follow
import Views
import Sockets

/// The lab's nmap exercises (issue 16), against nmap's own `-oN` recorded with each
/// capture by scripts/record-lab-fixtures.sh: `nmap -p25` against an open, a closed
/// (also on loopback, as the handout does it) and a dropped port, and a 1-1024 scan.
@Suite struct LabScanTests {
    static let captures = ["nmap-p25-open", "nmap-p25-closed", "nmap-p25-closed-lo", "nmap-p25-dropped", "nmap-1-1024"]

    static func detector(_ name: String, _ make: () -> ScanDetector = { ScanDetector() }) -> ScanDetector {
        let detector = make()
        let follower = Follower()
        _ = renderFile(Paths.fixtures.appendingPathComponent("\(name).pcap").path, follower: follower) { input, _ in
            detector.observe(input)
        }
        follower.finish()
        return detector
    }

    static func nmap(_ name: String) throws -> String {
        try String(contentsOf: Paths.fixtures.appendingPathComponent("\(name).nmap.txt"), encoding: .utf8)
    }

    /// nmap's table rows "25/tcp filtered smtp" as [port: (state, service)].
    static func nmapRows(_ text: String) -> [String: (state: String, service: String)] {
        var rows: [String: (String, String)] = [:]
        for line in text.split(separator: "\n") {
            let words = line.split(separator: " ")
            guard words.count >= 3, words[0].hasSuffix("/tcp") || words[0].hasSuffix("/udp"),
                  Int(words[0].split(separator: "/")[0]) != nil else { continue }
            rows[String(words[0])] = (String(words[1]), String(words[2]))
        }
        return rows
    }

    @Test(arguments: captures)
    func tableMatchesNmap(name: String) throws {
        let nmapText = try Self.nmap(name)
        let expected = Self.nmapRows(nmapText)
        #expect(!expected.isEmpty)
        let reports = Self.detector(name).finish()
        try #require(reports.count == 1, "\(name): one target probed")
        let out = OutputBuffer(fileDescriptor: nil)
        ScanView().writeTable(reports, to: out)
        let ours = Self.nmapRows(out.text)
        // The same rows, states and service names (nmap's come from nmap-services, ours
        // from /etc/services; they agree on these ports).
        #expect(Set(ours.keys) == Set(expected.keys), "\(name): \(out.text)")
        for (port, row) in expected {
            #expect(ours[port]?.state == row.state, "\(name) \(port)")
            #expect(ours[port]?.service == row.service, "\(name) \(port)")
        }
        let notShown = nmapText.split(separator: "\n").first { $0.hasPrefix("Not shown:") }
        let ourNotShown = out.text.split(separator: "\n").first { $0.hasPrefix("Not shown:") }
        #expect(notShown == ourNotShown)
        #expect(out.text.contains("PORT    STATE"))
        #expect(reports[0].isScan == (reports[0].ports.count >= 3))
    }

    /// nmap retries a dropped SYN from a new source port: one port, two probes.
    @Test func retryFromNewSourcePortIsTheSameProbe() throws {
        let report = try #require(Self.detector("nmap-p25-dropped").finish().first)
        #expect(report.ports.count == 1)
        let port = report.ports[0]
        #expect(port.probes.count == 2 && port.retries == 1)
        #expect(port.retriedFromNewSourcePort)
        #expect(Set(port.probes.compactMap(\.stream)).count == 2, "two TCP streams, one probe")
    }

    static func explain(_ name: String) -> String {
        let explainer = Explainer()
        let follower = explainer.makeFollower()
        _ = renderFile(Paths.fixtures.appendingPathComponent("\(name).pcap").path, follower: follower) { input, _ in
            explainer.observe(input)
        }
        follower.finish()
        let out = OutputBuffer(fileDescriptor: nil)
        explainer.write(to: out)
        return out.text
    }

    /// The dropped port is one probe retried, not two unrelated connections, and the
    /// source-port lesson about separate connections does not apply.
    @Test func explainTellsTheRetry() {
        let text = Self.explain("nmap-p25-dropped")
        #expect(!text.contains("TCP stream 1"), "\(text)")
        #expect(text.contains("retried once"), "\(text)")
        #expect(text.contains("new source port"), "\(text)")
        #expect(!text.contains("process id"), "\(text)")
        #expect(!text.contains("no retry"), "\(text)")
    }

    /// One paragraph per verdict class: a 1024-port scan is a few lines, and the
    /// reset caveat is said once.
    @Test func explainSummarisesARangeScan() throws {
        let text = Self.explain("nmap-1-1024")
        let lines = text.split(separator: "\n")
        let report = try #require(Self.detector("nmap-1-1024").finish().first)
        let classes = Set(report.ports.map { "\($0.state) \($0.reason)" })
        #expect(lines.count == 1 + classes.count, "\(text)")
        #expect(text.components(separatedBy: "reject with tcp reset").count - 1 == 1)
        #expect(text.contains("\(report.ports.filter { $0.state == .closed }.count) ports"))
    }

    /// The caps bound memory and are reported: fewer ports than probed, all counted.
    @Test func capsEvictAndSaySo() throws {
        let capped = Self.detector("nmap-1-1024") { ScanDetector(maxRecords: 100, maxFlows: 50, maxProbesPerPort: 1) }
        let report = try #require(capped.finish().first)
        #expect(report.ports.count == 100)
        // port 25 is probed first and kept, so its retry joins it: every other port is one probe
        #expect(capped.dropped == 1024 - 100)
        #expect(capped.untrackedProbes > 0)
        #expect(ScanView.capNote(capped) != nil)
        #expect(ScanView.capNote(Self.detector("nmap-1-1024")) == nil)
    }

    /// explain's story cap: conversations beyond it are counted and the narrative says so.
    @Test func explainSaysWhenItStoppedTelling() {
        let explainer = Explainer(maxStories: 1)
        let follower = explainer.makeFollower()
        _ = renderFile(Paths.fixtures.appendingPathComponent("two-conns.pcap").path, follower: follower) { input, _ in
            explainer.observe(input)
        }
        follower.finish()
        let out = OutputBuffer(fileDescriptor: nil)
        explainer.write(to: out)
        #expect(explainer.untoldStreams == 1)
        #expect(out.text.contains("TCP stream 0:") && !out.text.contains("TCP stream 1:"))
        #expect(out.text.contains("Memory cap: 1 more conversations after the first 1 are not told one by one."), "\(out.text)")
    }

    @Test func portListsAreRanges() {
        #expect(ScanView.portList([1, 2, 3, 5, 7, 8]) == "1-3,5,7-8")
        #expect(ScanView.portList([80]) == "80")
    }

    @Test func builtInServicesCoverTheLabPorts() {
        #expect(ServiceNames.builtIn.name(port: 22, proto: .tcp) == "ssh")
        #expect(ServiceNames.builtIn.name(port: 25, proto: .tcp) == "smtp")
        #expect(ServiceNames.builtIn.name(port: 80, proto: .tcp) == "http")
        #expect(ServiceNames.builtIn.name(port: 4, proto: .tcp) == nil)
    }
}
