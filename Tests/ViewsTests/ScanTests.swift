import Foundation
import Testing
import Dissect
import Follow
import Views

/// `scan` against nmap's own `-oN` reports, recorded with each capture.
@Suite struct ScanTests {
    static let captures = ["nmap-ss", "nmap-st", "nmap-sa", "nmap-sf", "nmap-sn", "nmap-sx", "nmap-su"]

    static func scan(_ name: String) -> [ScanReport] {
        let follower = Follower()
        let detector = ScanDetector()
        _ = renderFile(Paths.fixtures.appendingPathComponent(name).path, follower: follower) { input, _ in
            detector.observe(input)
        }
        follower.finish()
        return detector.finish()
    }

    /// nmap's `-oN` report: the PORT/STATE table, and the "Not shown: N STATE ports" line.
    struct NmapReport {
        var ports: [String: String] = [:]      // "25/tcp": "filtered"
        var notShown: (count: Int, state: String)?
        var command = ""
    }

    static func parseNmap(_ text: String) -> NmapReport {
        var report = NmapReport()
        var inTable = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("# Nmap") && line.contains(" as: ") { report.command = String(line) }
            if line.hasPrefix("Not shown: ") {
                // "Not shown: 997 closed ports" or "Not shown: 997 closed tcp ports (reset)"
                let words = line.dropFirst("Not shown: ".count).split(separator: " ")
                if words.count >= 2, let n = Int(words[0]) { report.notShown = (n, String(words[1])) }
                continue
            }
            if line.hasPrefix("PORT ") { inTable = true; continue }
            guard inTable else { continue }
            let columns = line.split(separator: " ", omittingEmptySubsequences: true)
            guard columns.count >= 2, columns[0].contains("/"), Int(columns[0].split(separator: "/")[0]) != nil else {
                inTable = false
                continue
            }
            report.ports[String(columns[0])] = String(columns[1])
        }
        return report
    }

    @Test func parsesNotShown() {
        let text = """
        PORT   STATE SERVICE
        22/tcp open  ssh
        Not shown: 2 closed tcp ports (reset)
        """
        let r = Self.parseNmap("Nmap scan report for x\nNot shown: 2 closed tcp ports (reset)\n" + text)
        #expect(r.ports == ["22/tcp": "open"])
        #expect(r.notShown?.count == 2 && r.notShown?.state == "closed")
    }

    @Test(arguments: captures)
    func verdictsEqualNmap(name: String) throws {
        let text = try String(contentsOf: Paths.fixtures.appendingPathComponent("\(name).nmap.txt"), encoding: .utf8)
        let nmap = Self.parseNmap(text)
        #expect(!nmap.ports.isEmpty)
        let reports = Self.scan("\(name).pcap").filter(\.isScan)
        try #require(reports.count == 1)
        let report = reports[0]
        #expect(report.target.description == "10.77.0.15")
        #expect(report.scanner.description == "10.77.0.4")
        let ours = Dictionary(uniqueKeysWithValues: report.ports.map { ("\($0.port)/\($0.transport.rawValue)", $0.state.rawValue) })
        for (port, state) in nmap.ports {
            #expect(ours[port] == state, "\(name) \(port)")
        }
        let unlisted = ours.filter { nmap.ports[$0.key] == nil }
        if let notShown = nmap.notShown {
            #expect(unlisted.count == notShown.count)
            #expect(unlisted.values.allSatisfy { $0 == notShown.state })
        } else {
            #expect(unlisted.isEmpty, "\(name): ports nmap did not report: \(unlisted.keys.sorted())")
        }
        // The scan type nmap ran, read from its command line.
        let option = nmap.command.split(separator: " ").first { $0.hasPrefix("-s") }.map(String.init)
        #expect(option == report.scanType.nmapOption)
    }

    /// Each nft rule gives its own reason, and the evidence names the frames.
    @Test func synScanReasonsAndEvidence() throws {
        let report = try #require(Self.scan("nmap-ss.pcap").first)
        let byPort = Dictionary(uniqueKeysWithValues: report.ports.map { ($0.port, $0) })
        let expected: [(UInt16, ScanReason, [Int])] = [
            (25, .noResponse, [3, 19]),     // drop: retried once from another source port
            (26, .adminProhibited, [13, 14]),
            (27, .portUnreach, [9, 10]),
            (28, .hostUnreach, [17, 18]),
            (29, .netUnreach, [7, 8]),     // icmpx no-route arrives as net unreachable
            (30, .reset, [15, 16]),        // reject with tcp reset: same as closed
            (80, .synAck, [4, 5, 6]),      // the scanner's RST in frame 6 (half-open)
            (81, .reset, [11, 12]),
        ]
        for (port, reason, frames) in expected {
            let v = try #require(byPort[port])
            #expect(v.reason == reason, "port \(port)")
            #expect(v.frames == frames, "port \(port)")
        }
        #expect(byPort[25]?.retries == 1)
        #expect((byPort[25]?.waited ?? 0) > 1_000_000_000)
        #expect(byPort[30]?.closedByReset == true && byPort[81]?.closedByReset == true)
    }

    @Test func connectScanUsesTheKernelsErrno() throws {
        let report = try #require(Self.scan("nmap-st.pcap").first)
        #expect(report.scanType == .connect)
        let byPort = Dictionary(uniqueKeysWithValues: report.ports.map { ($0.port, $0) })
        #expect(byPort[27]?.state == .closed && byPort[27]?.reason == .connRefused)
        #expect(byPort[80]?.reason == .synAck && byPort[80]?.frames == [1, 2, 3, 17])
    }

    @Test func udpScan() throws {
        let report = try #require(Self.scan("nmap-su.pcap").first)
        let byPort = Dictionary(uniqueKeysWithValues: report.ports.map { ($0.port, $0) })
        #expect(byPort[7]?.reason == .udpResponse)
        #expect(byPort[9]?.reason == .portUnreach)
        #expect(byPort[69]?.reason == .noResponse && byPort[69]?.probes.count == 4)
    }

    @Test func ordinaryTrafficIsNoScan() {
        for name in ["echo.pcap", "two-conns.pcap", "dns.pcap", "filtered.pcap", "http-keepalive.pcap", "udp-echo.pcap"] {
            let scans = Self.scan(name).filter(\.isScan)
            #expect(scans.isEmpty, "\(name)")
        }
    }

    /// --min-ports decides only what is called a scan: a single connect to a dropped port
    /// still gets its verdict.
    @Test func oneProbedPortGetsAVerdict() throws {
        let reports = Self.scan("filtered.pcap")
        let report = try #require(reports.first)
        #expect(!report.isScan)
        #expect(report.ports.count == 1)
        #expect(report.ports[0].port == 25 && report.ports[0].state == .filtered && report.ports[0].reason == .noResponse)
    }

    @Test func jsonHasTheFields() throws {
        let out = OutputBuffer(fileDescriptor: nil)
        ScanView().writeJSON(Self.scan("nmap-ss.pcap").filter(\.isScan), to: out)
        let lines = out.text.split(separator: "\n")
        #expect(lines.count == 8)
        for line in lines {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            for key in ["target", "port", "proto", "state", "reason", "probes", "frames", "scan_type"] {
                #expect(object[key] != nil, "\(key)")
            }
        }
        #expect(lines[0].hasPrefix(#"{"target":"10.77.0.15","port":25,"proto":"tcp","state":"filtered","reason":"no-response","probes":2,"frames":[3,19],"scan_type":"syn""#))
    }

    /// nmap's ICMPv6 rules, and the connect scan's errno mapping.
    @Test func icmpRules() {
        #expect(ScanDetector.interpret(.icmp(type: 1, code: 1, v6: true), scanType: .syn, fromTarget: true)! == (.filtered, .adminProhibited))
        #expect(ScanDetector.interpret(.icmp(type: 1, code: 4, v6: true), scanType: .udp, fromTarget: true)! == (.closed, .portUnreach))
        #expect(ScanDetector.interpret(.icmp(type: 1, code: 4, v6: true), scanType: .udp, fromTarget: false)! == (.filtered, .portUnreach))
        #expect(ScanDetector.interpret(.icmp(type: 1, code: 0, v6: true), scanType: .syn, fromTarget: true)! == (.filtered, .noRoute))
        #expect(ScanDetector.interpret(.icmp(type: 11, code: 0, v6: false), scanType: .udp, fromTarget: false)! == (.filtered, .timeExceeded))
        #expect(ScanDetector.interpret(.icmp(type: 3, code: 10, v6: false), scanType: .syn, fromTarget: true)! == (.filtered, .hostProhibited))
        #expect(ScanDetector.interpret(.icmp(type: 3, code: 13, v6: false), scanType: .connect, fromTarget: true)! == (.filtered, .hostUnreach))
        #expect(ScanDetector.interpret(.tcp([.syn]), scanType: .syn, fromTarget: true)! == (.open, .splitHandshakeSyn))
        #expect(ScanDetector.interpret(.icmp(type: 3, code: 4, v6: false), scanType: .syn, fromTarget: true) == nil)
    }
}
