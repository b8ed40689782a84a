import Foundation
import Testing

/// issue 18: past the follower's reassembly cap, `follow` says so in words and `explain`
/// keeps the right byte total, on a generated capture: a handshake, then one-byte
/// segments in descending sequence order, more of them than the 32768-segment cap.
@Suite struct ReassemblyLimitCLITests {
    static let segments = 40_000

    static func descendingCapture() -> Data {
        var capture = GeneratedCapture()
        capture.handshake()
        for k in stride(from: segments - 1, through: 0, by: -1) {
            capture.segment(seq: 1001 + k, ack: 5001, flags: 0x18, payload: [UInt8(65 + k % 26)])
        }
        return capture.data
    }

    @Test func followAndExplainPastTheCap() throws {
        let file = CLITests.temporary("descending.pcap")
        defer { try? FileManager.default.removeItem(atPath: file) }
        try Self.descendingCapture().write(to: URL(fileURLWithPath: file))

        let follow = try CLITests.run(["follow", file, "--stream", "0"])
        let text = String(decoding: follow.out, as: UTF8.self)
        #expect(follow.status == 0, "\(follow.err)")
        #expect(text.contains("[reassembly limit reached after 32768 segments;"), "\(text.prefix(400))")
        #expect(!text.contains("missing in capture file"), "bytes that are in the file called missing: \(text.prefix(400))")

        let explain = try CLITests.run(["explain", file])
        let story = String(decoding: explain.out, as: UTF8.self)
        #expect(explain.status == 0, "\(explain.err)")
        #expect(story.contains("client sent \(Self.segments) bytes"), "\(story)")
    }
}
