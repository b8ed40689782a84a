import Foundation
import Testing
import Dissect
import Follow
import Views

/// `follow --stream N` on a file numbers every frame from its raw bytes and follows only
/// stream N's frames (``StreamFollow/runSelected(_:betweenChunks:)``). Its output must be
/// the every-frame pass's, byte for byte: on every stream of every fixture, in every
/// format and direction, and the numbers themselves must be the follower's on every frame.
@Suite struct SelectedStreamTests {
    static let fixtures = Paths.files(in: Paths.fixtures, suffixes: [".pcap", ".pcapng"])
    static var corpus: [URL] {
        ["pcap", "pcapng", "malformed"].flatMap {
            Paths.files(in: Paths.corpus.appendingPathComponent($0), suffixes: [".pcap", ".pcapng"])
        }
    }

    // MARK: Numbering

    /// Each frame's `tcp.stream` as the follower gives it (nil: no TCP), and the count.
    static func followerStreams(_ path: String, options: FollowerOptions = FollowerOptions()) -> ([Int?], Int) {
        let follower = Follower(options: options)
        var streams: [Int?] = []
        var loop = PacketLoop(follower: follower)
        loop.depth = .transport
        if let reader = try? CaptureFileReader(path: path) {
            while let raw = try? reader.next() {
                loop.process(raw) { streams.append($0.analysis.tcpStream) }
            }
        }
        return (streams, follower.tcpStreamCount)
    }

    static func numberedStreams(_ path: String, options: FollowerOptions = FollowerOptions()) -> ([Int?], Int) {
        let numbering = TCPStreamNumbering(options: options)
        var streams: [Int?] = []
        if let reader = try? CaptureFileReader(path: path) {
            while let raw = try? reader.next() {
                streams.append(numbering.number(raw, frame: streams.count + 1))
            }
        }
        return (streams, numbering.streamCount)
    }

    static func expectSameNumbers(_ path: String, options: FollowerOptions = FollowerOptions(),
                                  sourceLocation: SourceLocation = #_sourceLocation) {
        let (expected, expectedCount) = followerStreams(path, options: options)
        let (actual, count) = numberedStreams(path, options: options)
        #expect(count == expectedCount, "\(path): stream count", sourceLocation: sourceLocation)
        #expect(actual.count == expected.count, "\(path): frame count", sourceLocation: sourceLocation)
        if let i = actual.indices.first(where: { $0 < expected.count && actual[$0] != expected[$0] }) {
            Issue.record("\(path): frame \(i + 1) numbered \(String(describing: actual[i])), the follower says \(String(describing: expected[i]))",
                         sourceLocation: sourceLocation)
        }
    }

    @Test(arguments: fixtures)
    func numbersAreTheFollowersOnEveryFixture(capture: URL) {
        Self.expectSameNumbers(capture.path)
    }

    @Test func numbersAreTheFollowersOnTheCorpus() {
        let files = Self.corpus
        guard !files.isEmpty else { return print("skipping: no corpus at \(Paths.corpus.path)") }
        for file in files { Self.expectSameNumbers(file.path) }
    }

    /// Eviction, linger and idle timeouts all start new streams: with small caps they happen
    /// all the time on a port scan.
    @Test func numbersFollowEvictionsAndTimeouts() throws {
        var options = FollowerOptions()
        options.maxLiveConversations = 8
        options.closedLinger = 0
        options.tcpIdleTimeout = 1
        options.udpIdleTimeout = 1
        for name in ["nmap-1-1024.pcap", "nmap-ss.pcap", "lossy.pcap", "two-conns.pcap"] {
            Self.expectSameNumbers(Paths.fixtures.appendingPathComponent(name).path, options: options)
        }
        let path = try Self.writeReuseCapture()
        defer { try? FileManager.default.removeItem(atPath: path) }
        Self.expectSameNumbers(path, options: options)
    }

    // MARK: Follow output

    struct Outcome: Equatable {
        var outputs: [[UInt8]]
        var found: Bool
        var streamCount: Int
        var failed: Bool
    }

    /// One view per format and direction, so that one pass renders them all.
    static func views() -> [(view: FollowView, out: OutputBuffer)] {
        FollowView.Format.allCases.flatMap { format in
            FollowView.Direction.allCases.map { direction in
                let out = OutputBuffer(fileDescriptor: nil)
                return (FollowView(format: format, direction: direction, color: false, out: out), out)
            }
        }
    }

    static func outcome(_ session: StreamFollow, _ views: [(view: FollowView, out: OutputBuffer)], failed: Bool) -> Outcome {
        session.follower.finish()
        if session.found { for view in views { view.view.writeFooter() } }
        return Outcome(outputs: views.map { $0.out.bytes }, found: session.found, streamCount: session.streamCount,
                       failed: failed)
    }

    /// As `follow` runs with a filter or on a pipe: every frame decoded and followed until
    /// the session may stop, the rest of the file read.
    static func everyFrame(_ path: String, stream: Int) -> Outcome {
        let views = views()
        let session = StreamFollow(stream: stream, views: views.map(\.view))
        var loop = PacketLoop(follower: session.follower)
        loop.depth = .transport
        var failed = false
        do {
            let reader = try CaptureFileReader(path: path)
            var stopped = false
            while let raw = try reader.next() {
                guard !stopped else { continue }
                loop.process(raw) { _ in }
                stopped = session.mayStop
            }
        } catch {
            failed = true
        }
        return outcome(session, views, failed: failed)
    }

    static func selected(_ path: String, stream: Int) -> Outcome {
        let views = views()
        let session = StreamFollow(stream: stream, views: views.map(\.view), selected: true)
        var failed = false
        do {
            try session.runSelected(try CaptureFileReader(path: path))
        } catch {
            failed = true
        }
        return outcome(session, views, failed: failed)
    }

    /// Every stream of the capture, and the first number past them (not in the file).
    static func expectSameFollow(_ path: String, sourceLocation: SourceLocation = #_sourceLocation) -> Int {
        let (_, count) = followerStreams(path)
        for stream in 0...count {
            let expected = everyFrame(path, stream: stream)
            let actual = selected(path, stream: stream)
            #expect(expected.found == (stream < count), "\(path) stream \(stream)", sourceLocation: sourceLocation)
            if actual != expected {
                let differing = zip(actual.outputs, expected.outputs).enumerated().first { $0.element.0 != $0.element.1 }
                Issue.record("""
                    \(path) stream \(stream): found \(actual.found)/\(expected.found), streams \(actual.streamCount)/\(expected.streamCount), \
                    failed \(actual.failed)/\(expected.failed), first differing view \(differing.map { String($0.offset) } ?? "none")
                    """, sourceLocation: sourceLocation)
                return count
            }
        }
        return count
    }

    @Test(arguments: fixtures)
    func selectedFollowIsTheEveryFramePassOnEveryFixtureStream(capture: URL) {
        _ = Self.expectSameFollow(capture.path)
    }

    @Test func selectedFollowIsTheEveryFramePassOnTheCorpus() {
        let files = Self.corpus
        guard !files.isEmpty else { return print("skipping: no corpus at \(Paths.corpus.path)") }
        var streams = 0
        for file in files { streams += Self.expectSameFollow(file.path) }
        #expect(streams > 100)
    }

    /// Port reuse: a new SYN on the tuple, a reuse after the linger time, after the idle
    /// timeout, a stream that closes while later streams begin (the pass stops there), its
    /// segments in IP fragments, behind a VLAN tag, and a second conversation in between.
    @Test func selectedFollowKeepsTheNumbersThroughPortReuse() throws {
        let path = try Self.writeReuseCapture()
        defer { try? FileManager.default.removeItem(atPath: path) }
        Self.expectSameNumbers(path)
        let (streams, count) = Self.followerStreams(path)
        // The tuple's five lives (0, 2, 3, 5, 6) and the other conversations (1, 4).
        #expect(count == 7)
        #expect(streams.compactMap { $0 }.filter { $0 == 0 }.count == 4)
        #expect(Self.expectSameFollow(path) == 7)
        // Stream 2's bytes, from the second SYN on, fragments and VLAN tag included.
        let text = String(decoding: Self.selected(path, stream: 2).outputs[0], as: UTF8.self)
        #expect(text.contains("second life"))
        #expect(text.contains("in two fragments"))
        #expect(text.contains("tagged"))
        #expect(!text.contains("first life"))
    }

    // MARK: A capture with port reuse

    /// Ethernet (optionally one VLAN tag) / IPv4 / TCP, split into IP fragments at
    /// `fragmentAt` bytes of the IP payload when given (a multiple of 8).
    static func frames(src: UInt32, dst: UInt32, sport: UInt16, dport: UInt16, seq: UInt32, ack: UInt32,
                       flags: UInt8, payload: String = "", vlan: UInt16? = nil, fragmentAt: Int? = nil,
                       id: UInt16 = 1) -> [[UInt8]] {
        var tcp = [UInt8](repeating: 0, count: 20)
        tcp[0] = UInt8(sport >> 8); tcp[1] = UInt8(sport & 0xff)
        tcp[2] = UInt8(dport >> 8); tcp[3] = UInt8(dport & 0xff)
        for i in 0..<4 {
            let shift = 24 - 8 * UInt32(i)
            tcp[4 + i] = UInt8(truncatingIfNeeded: seq >> shift)
            tcp[8 + i] = UInt8(truncatingIfNeeded: ack >> shift)
        }
        tcp[12] = 0x50; tcp[13] = flags
        tcp[14] = 0xff; tcp[15] = 0xff
        let ipPayload = tcp + Array(payload.utf8)
        let pieces: [(offset: Int, bytes: ArraySlice<UInt8>, more: Bool)]
        if let cut = fragmentAt {
            pieces = [(0, ipPayload[..<cut], true), (cut, ipPayload[cut...], false)]
        } else {
            pieces = [(0, ipPayload[...], false)]
        }
        return pieces.map { piece in
            var ip = [UInt8](repeating: 0, count: 20)
            ip[0] = 0x45
            let total = 20 + piece.bytes.count
            ip[2] = UInt8(total >> 8); ip[3] = UInt8(total & 0xff)
            ip[4] = UInt8(id >> 8); ip[5] = UInt8(id & 0xff)
            let fragment = UInt16(piece.offset / 8) | (piece.more ? 0x2000 : 0)
            ip[6] = UInt8(fragment >> 8); ip[7] = UInt8(fragment & 0xff)
            ip[8] = 64; ip[9] = 6
            for i in 0..<4 {
                let shift = 24 - 8 * UInt32(i)
                ip[12 + i] = UInt8(truncatingIfNeeded: src >> shift)
                ip[16 + i] = UInt8(truncatingIfNeeded: dst >> shift)
            }
            var eth: [UInt8] = [2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1]
            if let vlan { eth += [0x81, 0x00, UInt8(vlan >> 8), UInt8(vlan & 0xff)] }
            eth += [0x08, 0x00]
            return eth + ip + Array(piece.bytes)
        }
    }

    /// Writes the port-reuse capture to a temporary file and returns its path.
    static func writeReuseCapture() throws -> String {
        let client: UInt32 = 0x0A00_0001, server: UInt32 = 0x0A00_0002, other: UInt32 = 0x0A00_0003
        let (SYN, ACK, FIN, RST, PSH): (UInt8, UInt8, UInt8, UInt8, UInt8) = (0x02, 0x10, 0x01, 0x04, 0x08)
        var records: [(Double, [UInt8])] = []
        func add(_ time: Double, _ frames: [[UInt8]]) { for f in frames { records.append((time, f)) } }
        func up(_ seq: UInt32, _ ack: UInt32, _ flags: UInt8, _ payload: String = "", vlan: UInt16? = nil,
                fragmentAt: Int? = nil) -> [[UInt8]] {
            frames(src: client, dst: server, sport: 40000, dport: 80, seq: seq, ack: ack, flags: flags, payload: payload,
                   vlan: vlan, fragmentAt: fragmentAt, id: UInt16(truncatingIfNeeded: seq))
        }
        func down(_ seq: UInt32, _ ack: UInt32, _ flags: UInt8, _ payload: String = "") -> [[UInt8]] {
            frames(src: server, dst: client, sport: 80, dport: 40000, seq: seq, ack: ack, flags: flags, payload: payload)
        }
        func noise(_ sport: UInt16, _ seq: UInt32, _ flags: UInt8, _ payload: String = "") -> [[UInt8]] {
            frames(src: other, dst: server, sport: sport, dport: 22, seq: seq, ack: 1, flags: flags, payload: payload)
        }
        // Stream 0: the tuple's first life.
        add(0.0, up(1000, 0, SYN))
        add(0.1, down(5000, 1001, SYN | ACK))
        add(0.2, up(1001, 5001, ACK | PSH, "first life"))
        add(0.3, noise(5000, 1, SYN))  // stream 1
        add(0.4, up(1000, 0, SYN))     // the same SYN again: still stream 0
        // Stream 2: a SYN with a new ISN replaces stream 0 at once.
        add(1.0, up(9000, 0, SYN))
        add(1.1, down(7000, 9001, SYN | ACK))
        add(1.2, up(9001, 7001, ACK | PSH, "second life, "))
        add(1.3, up(9014, 7001, ACK | PSH, "in two fragments, ", fragmentAt: 24))
        add(1.4, noise(5000, 2, ACK, "x"))
        add(1.5, up(9032, 7001, ACK | PSH, "tagged. ", vlan: 10))
        add(1.6, down(7001, 9040, ACK | PSH, "reply"))
        add(1.7, up(9040, 7006, FIN | ACK))
        add(1.8, down(7006, 9041, FIN | ACK))
        add(5.0, down(7001, 9040, ACK | PSH, "reply"))  // a retransmission while it lingers
        // Stream 3: data after the linger time, without a SYN.
        add(70.0, up(9041, 7007, ACK | PSH, "third life"))
        add(70.5, up(9051, 7007, RST))
        add(71.0, noise(6000, 1, SYN))  // stream 4 begins while 3 is closed: a pass for 3 stops here
        add(72.0, up(9051, 7007, ACK | PSH, "after the stop"))
        // Stream 5: after the idle timeout (everything went silent for 400 s).
        add(500.0, up(20000, 0, SYN))
        add(500.1, down(30000, 20001, SYN | ACK))
        add(500.2, up(20001, 30001, ACK | PSH, "fourth life"))
        // Stream 6: a new SYN again, with fragments first.
        add(501.0, up(40000, 0, SYN, fragmentAt: 8))
        add(501.1, up(40001, 0, ACK | PSH, "fifth life"))

        var file: [UInt8] = []
        func le32(_ v: UInt32) { for i in 0..<4 { file.append(UInt8(truncatingIfNeeded: v >> (8 * UInt32(i)))) } }
        le32(0xA1B2_C3D4); file += [2, 0, 4, 0]; le32(0); le32(0); le32(65535); le32(1)
        for (time, bytes) in records {
            le32(1_700_000_000 + UInt32(time))
            le32(UInt32((time - time.rounded(.down)) * 1_000_000 + 0.5))
            le32(UInt32(bytes.count)); le32(UInt32(bytes.count))
            file += bytes
        }
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("tcpwatch-reuse-\(UInt32.random(in: 0...UInt32.max)).pcap").path
        try Data(file).write(to: URL(fileURLWithPath: path))
        return path
    }
}
