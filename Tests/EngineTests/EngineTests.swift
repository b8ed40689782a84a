import Dissect
import Engine
import Follow
import Foundation
import Views
import XCTest

/// The engine against the fixtures: its rows are `tcpwatch read`'s lines, its trees are
/// `-V`'s, its filters select what `-Y` selects, and its answers are valid JSON.
final class EngineTests: XCTestCase {
    static let fixtures: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/pcaps")

    static var captures: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: fixtures.path)) ?? []
        return names.filter { $0.hasSuffix(".pcap") || $0.hasSuffix(".pcapng") }.sorted()
    }

    func engine(_ name: String) throws -> CaptureEngine {
        let engine = try CaptureEngine(path: Self.fixtures.appendingPathComponent(name).path)
        engine.index()
        XCTAssertTrue(engine.status.complete)
        return engine
    }

    /// What `tcpwatch read` does: one pass, one line per frame, and each frame's tree.
    func reference(_ name: String, trees: Set<Int> = [], filter: DisplayFilter? = nil) throws -> (lines: [String], trees: [Int: String], matches: [Int]) {
        let reader = try CaptureFileReader(path: Self.fixtures.appendingPathComponent(name).path)
        var loop = PacketLoop(follower: Follower(options: CaptureEngine.treeOptions))
        let out = OutputBuffer(fileDescriptor: nil)
        var lines: [String] = []
        var verbose: [Int: String] = [:]
        var matches: [Int] = []
        while let raw = try reader.next() {
            loop.process(raw) { input in
                SummaryLine().write(input, to: out)
                lines.append(String(out.text.dropLast()))
                _ = out.takeBytes()
                if trees.contains(input.frame.number) {
                    VerboseView.write(PacketTree.build(input), bytes: input.frame.bytes, to: out)
                    verbose[input.frame.number] = out.text
                    _ = out.takeBytes()
                }
                if filter?.matches(input) == true { matches.append(input.frame.number) }
            }
        }
        return (lines, verbose, matches)
    }

    func json(_ bytes: [UInt8]) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
    }

    func line(_ r: [String: Any]) -> String {
        func pad(_ s: String, _ w: Int, right: Bool) -> String {
            let n = s.utf8.count
            if n >= w { return s }
            let spaces = String(repeating: " ", count: w - n)
            return right ? spaces + s : s + spaces
        }
        let number = pad(String(r["number"] as! Int), 5, right: true)
        let time = pad(r["time"] as! String, 10, right: true)
        let source = pad(r["source"] as! String, 12, right: true)
        let destination = pad(r["destination"] as! String, 12, right: false)
        return "\(number) \(time) \(source) → \(destination) \(r["protocol"] as! String) \(r["length"] as! Int) \(r["info"] as! String)"
    }

    func testRowsAreReadLines() throws {
        XCTAssertGreaterThan(Self.captures.count, 10)
        for name in Self.captures {
            let engine = try engine(name)
            let expected = try reference(name).lines
            XCTAssertEqual(engine.frameCount, expected.count, name)
            // Pages of 7, to cross page boundaries.
            var shown: [String] = []
            var skip = 0
            while true {
                let page = try json(try engine.framesJSON(filter: nil, skip: skip, limit: 7))
                XCTAssertEqual(page["total"] as? Int, expected.count)
                let frames = try XCTUnwrap(page["frames"] as? [[String: Any]])
                if frames.isEmpty { break }
                shown += frames.map(line)
                skip += 7
            }
            XCTAssertEqual(shown, expected, name)
        }
    }

    func testFrameTreeIsVerboseTree() throws {
        for name in ["http-get.pcap", "dns.pcap", "echo.pcap", "nmap-ss.pcap", "lossy.pcap", "two-interfaces.pcapng"] {
            let engine = try engine(name)
            let frames = Set([1, 2, engine.frameCount / 2, engine.frameCount])
            let expected = try reference(name, trees: frames).trees
            // Out of order on purpose: the engine rewinds for an earlier frame.
            for n in frames.sorted().reversed() + frames.sorted() {
                let (details, bytes) = try XCTUnwrap(try engine.details(frame: n))
                let out = OutputBuffer(fileDescriptor: nil)
                bytes.withUnsafeBytes { VerboseView.write(details, bytes: ByteView($0), to: out) }
                XCTAssertEqual(out.text, expected[n], "\(name) frame \(n)")
                XCTAssertFalse(bytes.isEmpty)
                // The JSON tree: hidden nodes left out, ranges inside the bytes.
                let page = try json(try XCTUnwrap(try engine.frameJSON(n)))
                XCTAssertEqual((page["bytes"] as? String)?.count, bytes.count * 2)
                func check(_ nodes: [[String: Any]]) {
                    for node in nodes {
                        if let r = node["range"] as? [Int] { XCTAssertLessThanOrEqual(r[0] + r[1], bytes.count, "\(name) \(n) \(node["label"] ?? "")") }
                        check(node["children"] as? [[String: Any]] ?? [])
                    }
                }
                check(page["tree"] as? [[String: Any]] ?? [])
                XCTAssertNil(String(decoding: try XCTUnwrap(try engine.frameJSON(n)), as: UTF8.self).range(of: "\"field\":\"ip.addr\""))
            }
            XCTAssertNil(try engine.details(frame: engine.frameCount + 1))
        }
    }

    /// Details rebuilt from the frame's conversation alone equal the full replay's, for
    /// every frame of every fixture.
    func testConversationDetailsAreTheFullTree() throws {
        var checked = 0
        for name in Self.captures {
            let engine = try engine(name)
            engine.replayWindow = 0
            let all = Set(1...max(engine.frameCount, 1))
            let expected = try reference(name, trees: all).trees
            // Reading the conversation's frames at their offsets, and reading every frame.
            for seeking in [true, false] {
                engine.seeksForDetails = seeking
                for n in 1...engine.frameCount {
                    let (details, bytes) = try XCTUnwrap(try engine.details(frame: n))
                    let out = OutputBuffer(fileDescriptor: nil)
                    bytes.withUnsafeBytes { VerboseView.write(details, bytes: ByteView($0), to: out) }
                    XCTAssertEqual(out.text, expected[n], "\(name) frame \(n) seeking \(seeking)")
                    checked += 1
                }
            }
        }
        XCTAssertGreaterThan(checked, 300)
    }

    func testFiltersSelectWhatReadSelects() throws {
        let filters = ["tcp", "tcp.flags.reset == 1 || icmp", "http", "dns", "tcp.stream eq 0", "ip.addr == 10.77.0.4",
                       "tcp.analysis.retransmission", "frame.len > 60 && !arp", "tcp.port == 80 or tcp.port == 6789"]
        for name in ["http-get.pcap", "dns.pcap", "nmap-ss.pcap", "lossy.pcap", "two-conns.pcap"] {
            let engine = try engine(name)
            for text in filters {
                let filter = try DisplayFilter(text)
                let expected = try reference(name, filter: filter).matches
                XCTAssertEqual(try engine.matches(text).map { Int($0) }, expected, "\(name) -Y '\(text)'")
                let page = try json(try engine.framesJSON(filter: text, skip: 0, limit: 1000))
                XCTAssertEqual(page["matched"] as? Int, expected.count)
                XCTAssertEqual((page["frames"] as? [[String: Any]])?.map { $0["number"] as! Int }, expected)
                if let first = expected.first { XCTAssertEqual(try engine.position(ofFrame: first, filter: text), 0) }
            }
        }
    }

    func testCheckAndComplete() throws {
        XCTAssertEqual(try json(CaptureEngine.checkJSON("tcp.port == 80"))["ok"] as? Bool, true)
        let bad = try json(CaptureEngine.checkJSON("tcp.port == 80 &&& x"))
        XCTAssertEqual(bad["ok"] as? Bool, false)
        XCTAssertEqual(bad["column"] as? Int, 17)
        XCTAssertNotNil(bad["error"] as? String)
        let unknown = try json(CaptureEngine.checkJSON("tcp.prot == 80"))
        XCTAssertEqual(unknown["ok"] as? Bool, false)
        let names = try XCTUnwrap(try json(CaptureEngine.completeJSON(prefix: "tcp.analysis.re"))["fields"] as? [[String: Any]]).map { $0["name"] as! String }
        XCTAssertTrue(names.contains("tcp.analysis.retransmission"))
        let all = try XCTUnwrap(try json(CaptureEngine.completeJSON(prefix: "", limit: 100_000))["fields"] as? [[String: Any]])
        let allNames = Set(all.map { $0["name"] as! String })
        for f in FieldRegistry.all { XCTAssertTrue(allNames.contains(f.name), f.name) }
        for p in PacketTree.protocols { XCTAssertTrue(allNames.contains(p.node.name), p.node.name) }
    }

    func testViewsAnswerValidJSON() throws {
        for name in ["http-get.pcap", "nmap-ss.pcap", "lossy.pcap", "escapes.pcap", "dns.pcap"] {
            let engine = try engine(name)
            let conversations = try json(try engine.conversationsJSON())
            XCTAssertNotNil(conversations["conversations"] as? [Any], name)
            let follow = try json(try engine.followJSON(stream: 0))
            XCTAssertNotNil(follow["chunks"] as? [[String: Any]], name)
            XCTAssertNotNil(try json(try engine.flowJSON(stream: 0))["arrows"] as? [Any])
            XCTAssertNotNil(try json(try engine.flowJSON(stream: nil))["lanes"] as? [Any])
            XCTAssertNotNil(try json(try engine.httpJSON())["transactions"] as? [Any])
            XCTAssertNotNil(try json(try engine.scanJSON())["scans"] as? [Any])
            XCTAssertNotNil(try json(try engine.explainJSON(stream: 0, language: "nl"))["text"] as? String)
            XCTAssertNotNil(try json(try engine.expertJSON())["items"] as? [Any])
            let io = try json(try engine.ioGraphJSON(interval: 0.01, filter: "tcp"))
            XCTAssertEqual((io["packets"] as? [Int])?.reduce(0, +), engine.frameCount)
            XCTAssertNotNil(try json(try engine.tcpGraphJSON(stream: 0))["points"] as? [Any])
        }
    }

    func testFollowIsTheReassembledStream() throws {
        let engine = try engine("http-get.pcap")
        let follow = try json(try engine.followJSON(stream: 0))
        let chunks = try XCTUnwrap(follow["chunks"] as? [[String: Any]])
        let client = chunks.filter { $0["side"] as? String == "client" }
            .compactMap { Data(base64Encoded: $0["data"] as? String ?? "") }.reduce(Data(), +)
        XCTAssertTrue(String(decoding: client, as: UTF8.self).hasPrefix("GET / HTTP/1.1\r\n"))
        XCTAssertTrue((follow["text"] as? String ?? "").contains("GET / HTTP/1.1"))
    }

    /// The page's scan table has `tcpwatch scan`'s SERVICE column: the same names as the
    /// text the same request returns, which is the CLI's table.
    func testScanPortsHaveTheCLIServices() throws {
        let scan = try json(try engine("nmap-ss.pcap").scanJSON())
        var cli: [String: String] = [:]
        for line in (scan["text"] as? String ?? "").split(separator: "\n") {
            let words = line.split(separator: " ")
            if words.count >= 3, words[0].hasSuffix("/tcp") { cli[String(words[0].dropLast(4))] = String(words[2]) }
        }
        let ports = try XCTUnwrap((scan["scans"] as? [[String: Any]])?.first?["ports"] as? [[String: Any]])
        var compared = 0
        for port in ports {
            let service = try XCTUnwrap(port["service"] as? String, "\(port)")
            if let expected = cli["\(port["port"] ?? "")"] {
                XCTAssertEqual(service, expected, "\(port)")
                compared += 1
            }
        }
        XCTAssertEqual(compared, 8)
    }

    func testSaveWritesTheSelectedFrames() throws {
        let engine = try engine("nmap-ss.pcap")
        let saved = try engine.save(filter: "tcp.flags.reset == 1", frames: nil, pcapng: false)
        let path = NSTemporaryDirectory() + "engine-save-\(getpid()).pcap"
        try Data(saved).write(to: URL(fileURLWithPath: path))
        defer { unlink(path) }
        let again = try CaptureEngine(path: path)
        again.index()
        XCTAssertEqual(again.frameCount, try engine.matches("tcp.flags.reset == 1").count)
        let ng = try engine.save(filter: nil, frames: [1, 3], pcapng: true)
        XCTAssertEqual(Array(ng.prefix(4)), [0x0a, 0x0d, 0x0d, 0x0a])
    }

    func testJSONEscapesMarkupAndControls() {
        var j = JSONText()
        j.object { $0.field("s", "<script>\u{1b}[31m\"\\\u{2028}&") }
        XCTAssertEqual(j.text, #"{"s":"\u003cscript\u003e\u001b[31m\"\\\u2028\u0026"}"#)
        let parsed = try? JSONSerialization.jsonObject(with: Data(j.bytes)) as? [String: String]
        XCTAssertEqual(parsed?["s"], "<script>\u{1b}[31m\"\\\u{2028}&")
    }

    func testOffsetsIndexEveryFrame() throws {
        let engine = try engine("two-interfaces.pcapng")
        var previous: Int64 = -1
        for n in 1...engine.frameCount {
            let offset = try XCTUnwrap(engine.fileOffset(ofFrame: n))
            XCTAssertGreaterThan(offset, previous)
            previous = offset
        }
        XCTAssertNil(engine.fileOffset(ofFrame: 0))
    }
}
