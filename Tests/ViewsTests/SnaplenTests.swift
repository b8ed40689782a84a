import Foundation
import Testing
@testable import Dissect
import Follow
@testable import Views

/// Captures cut by a snapshot length (`editcap -s`, made by scripts/make-references.sh):
/// a cut is shown as tshark shows it and is not damage. Their summary, -V, fields and
/// JSON references are checked with every other fixture's (FixtureReferenceTests,
/// TreeConformanceTests); these tests pin what those cannot say.
@Suite struct SnaplenTests {
    static let cuts = ["echo-s60.pcap", "dns-s60.pcap", "http-get-s60.pcap", "icmp-ping-s80.pcap"]

    static func frames(_ capture: String) throws -> [Frame] {
        let reader = try CaptureFileReader(path: Paths.fixtures.appendingPathComponent(capture).path)
        var frames: [Frame] = []
        var number = 0
        while let raw = try reader.next() {
            number += 1
            frames.append(FrameDecoder.decode(raw, number: number))
        }
        return frames
    }

    /// Issue 18 item 6: `read --check` reports no damaged frame on a cut capture, though
    /// every one of these has frames the cut stopped.
    @Test(arguments: cuts)
    func aCutIsNotDamage(capture: String) throws {
        var report = CheckReport()
        var cut = 0
        for frame in try Self.frames(capture) {
            report.add(frame)
            if frame.sizeLimitedIssue != nil { cut += 1 }
        }
        #expect(cut > 0, "\(capture) has no frame the snaplen cut")
        #expect(report.damagedCount == 0)
        #expect(report.isClean)
    }

    /// The same frame cut short of its own length fields is damage, not a snaplen cut:
    /// the bytes it needs were never on the wire.
    @Test func truncationPastTheWireIsDamage() {
        let issue = DecodeIssue.truncated(.tcp, needed: 40, available: 26)
        #expect(issue.isSnaplenCut(uncaptured: 14))
        #expect(!issue.isSnaplenCut(uncaptured: 13))
        #expect(!issue.isSnaplenCut(uncaptured: 0))
        #expect(!DecodeIssue.malformed(.tcp, .optionLength(1)).isSnaplenCut(uncaptured: 100))
    }

    /// Runs the pipeline over a capture as if it had been recorded with `-s snaplen`: each
    /// frame's bytes cut in memory, its length on the wire kept.
    static func cut(_ capture: String, to snaplen: Int, _ body: (FieldInput, OutputBuffer) -> Void) throws -> String {
        let reader = try CaptureFileReader(path: Paths.fixtures.appendingPathComponent(capture).path)
        let out = OutputBuffer(fileDescriptor: nil)
        var loop = PacketLoop(follower: Follower())
        while let raw = try reader.next() {
            let bytes = ByteView(start: raw.bytes.base, count: min(raw.bytes.count, snaplen))
            let cut = RawFrame(bytes: bytes, timestamp: raw.timestamp, originalLength: raw.originalLength,
                               linkType: raw.linkType)
            loop.process(cut) { body($0, out) }
        }
        return out.text
    }

    static func summaryCut(_ capture: String, to snaplen: Int) throws -> [Substring] {
        try cut(capture, to: snaplen) { SummaryLine().write($0, to: $1) }.split(separator: "\n")
    }

    /// Every cut from 1 to 140 bytes: the summary line and the tree of every frame are
    /// built without reading past the bytes (a neighbour solicitation cut inside its
    /// target address once did), and the cut frames say so in the tree.
    @Test(arguments: ["icmp-ping.pcap", "dns.pcap", "nmap-ss.pcap", "tls13.pcap", "http-get.pcap"])
    func everySnaplenIsSafe(capture: String) throws {
        let shortest = try Self.frames(capture).map(\.raw.originalLength).min() ?? 0
        var unnoted: [Int] = []
        for snaplen in 1...140 {
            var frames = 0, noted = 0
            _ = try Self.cut(capture, to: snaplen) { input, out in
                SummaryLine().write(input, to: out)
                let details = PacketTree.build(input)
                VerboseView.write(details, bytes: input.frame.bytes, to: out)
                frames += 1
                if details.roots.contains(where: { $0.field == "_ws.short" }) { noted += 1 }
            }
            // Below the shortest frame every frame is cut, and each one says so.
            if snaplen < shortest && noted != frames { unnoted.append(snaplen) }
        }
        #expect(shortest > 14)
        #expect(unnoted.isEmpty, "\(capture): cuts with a frame that does not say it was cut: \(unnoted)")
    }

    /// The Info suffix (no space before it), and no TCP analysis flags where the cut
    /// stopped the header: filtered.pcap's retried SYNs are `[TCP Retransmission]` whole,
    /// plain SYNs cut at 60 bytes, as tshark shows them.
    @Test func cutSYNsShowNoAnalysisFlags() throws {
        let whole = try Self.summaryCut("filtered.pcap", to: 1 << 16)
        #expect(whole.contains { $0.contains("[TCP Retransmission]") })
        let lines = try Self.summaryCut("filtered.pcap", to: 60)
        #expect(lines.count == whole.count)
        for line in lines {
            #expect(line.hasSuffix("MSS=1460 SACK_PERM[Packet size limited during capture]"), "\(line)")
            #expect(!line.contains("[TCP "), "\(line)")
        }
    }

    /// RFC 2883: a first SACK block below the ACK, or inside the second block, reports a
    /// duplicate; compared in sequence space, so it holds across the 2^32 wrap.
    @Test func duplicateSACK() {
        #expect(TCPTree.isDuplicateSACK((338, 432), second: nil, ack: 432))
        #expect(!TCPTree.isDuplicateSACK((500, 600), second: nil, ack: 432))
        #expect(TCPTree.isDuplicateSACK((510, 520), second: (500, 600), ack: 432))
        #expect(!TCPTree.isDuplicateSACK((700, 800), second: (500, 600), ack: 432))
        #expect(TCPTree.isDuplicateSACK((UInt32.max - 10, 5), second: nil, ack: 6))
    }
}
