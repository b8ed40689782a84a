import Foundation
import Testing
import Dissect
import Follow
import Views

/// `flow` lanes: one per host, except where both ends of a packet share an address
/// (loopback), where each endpoint (address and port) gets its own lane.
@Suite struct FlowLaneTests {
    static func flow(_ name: String, lanesByHost: Bool = true) -> FlowView {
        let view = FlowView(lanesByHost: lanesByHost)
        _ = renderFile(Paths.fixtures.appendingPathComponent(name).path) { input, _ in view.add(input) }
        return view
    }

    /// The endpoints tshark saw, "address:port" in order of first appearance.
    static func tsharkEndpoints(_ name: String) throws -> [String] {
        let text = try String(contentsOf: Paths.fixtures.appendingPathComponent(name + ".fields.tsv"), encoding: .utf8)
        let lines = text.split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false) }
        let header = lines[0].map(String.init)
        let src = try #require(header.firstIndex(of: "ip.src")), dst = try #require(header.firstIndex(of: "ip.dst"))
        let sport = try #require(header.firstIndex(of: "tcp.srcport")), dport = try #require(header.firstIndex(of: "tcp.dstport"))
        var seen: [String] = []
        for row in lines.dropFirst() where !row[sport].isEmpty {
            for name in ["\(row[src]):\(row[sport])", "\(row[dst]):\(row[dport])"] where !seen.contains(name) { seen.append(name) }
        }
        return seen
    }

    @Test func loopbackGetsOneLanePerEndpoint() throws {
        let view = Self.flow("loopback-two.pcap")
        let expected = try Self.tsharkEndpoints("loopback-two.pcap")
        #expect(expected.count == 3, "two connections to one server port: three endpoints")
        #expect(view.lanes == expected)
        #expect(!view.arrows.isEmpty)
        #expect(view.arrows.allSatisfy { $0.from != $0.to }, "no arrow may start and end on one lane")
        // the ports are in the lane names, so the labels do not repeat them
        #expect(view.arrows.allSatisfy { !$0.label.contains("→") })
    }

    @Test func loopbackSVGHasNoZeroLengthArrows() throws {
        let svg = Self.flow("loopback-two.pcap").svg()
        let lines = svg.split(separator: "\n").filter { $0.hasPrefix("<line") && $0.contains("marker-end") }
        #expect(!lines.isEmpty)
        for line in lines {
            func attribute(_ name: String) -> Substring? {
                guard let r = line.range(of: " \(name)=\"") else { return nil }
                return line[r.upperBound...].prefix { $0 != "\"" }
            }
            #expect(attribute("x1") != attribute("x2"), "zero-length arrow: \(line)")
        }
        for endpoint in try Self.tsharkEndpoints("loopback-two.pcap") { #expect(svg.contains(">\(endpoint)</text>")) }
    }

    @Test func loopbackTextDrawsArrows() {
        let out = OutputBuffer(fileDescriptor: nil)
        Self.flow("loopback-two.pcap").writeText(to: out, width: 160, color: false)
        let rows = out.text.split(separator: "\n").dropFirst()
        #expect(!rows.isEmpty)
        #expect(rows.allSatisfy { $0.contains(">") || $0.contains("<") })
        #expect(!out.text.contains(" o "))
    }

    @Test func distinctHostsKeepOneLanePerHost() throws {
        let view = Self.flow("two-conns.pcap")
        let hosts = try Self.tsharkEndpoints("two-conns.pcap").map { String($0.prefix { $0 != ":" }) }
        var unique: [String] = []
        for h in hosts where !unique.contains(h) { unique.append(h) }
        #expect(view.lanes == unique)
        #expect(view.arrows.allSatisfy { $0.label.contains("→") }, "ports go into the labels")
    }

    @Test func loopbackV6AlsoSplits() {
        let view = Self.flow("loopback-v6.pcap")
        #expect(view.lanes.count == 2)
        #expect(view.lanes.allSatisfy { $0.hasPrefix("[::1]:") })
    }
}
