import Foundation
import Testing

/// issue 18: past the follower's reassembly cap, `follow` says so in words and `explain`
/// keeps the right byte total, on a generated capture: a handshake, then one-byte
/// segments in descending sequence order, more of them than the 32768-segment cap.
@Suite struct ReassemblyLimitCLITests {
    static let segments = 40_000

    /// A pcap of Ethernet/IPv4/TCP frames (checksums left 0: tcpwatch does not check them).
    static func descendingCapture() -> Data {
        func be16(_ v: Int) -> [UInt8] { [UInt8(v >> 8 & 0xff), UInt8(v & 0xff)] }
        func be32(_ v: Int) -> [UInt8] { be16(v >> 16) + be16(v & 0xffff) }
        func le32(_ v: Int) -> [UInt8] { be32(v).reversed() }
        let client: [UInt8] = [10, 0, 0, 1], server: [UInt8] = [10, 0, 0, 2]
        func frame(_ src: [UInt8], _ dst: [UInt8], _ sport: Int, _ dport: Int, seq: Int, ack: Int, flags: UInt8, payload: [UInt8] = []) -> [UInt8] {
            let tcp = be16(sport) + be16(dport) + be32(seq) + be32(ack) + [0x50, flags] + be16(65535) + [0, 0, 0, 0] + payload
            let ip: [UInt8] = [0x45, 0] + be16(20 + tcp.count) + [0, 0, 0x40, 0, 64, 6, 0, 0] + src + dst
            return [2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 8, 0] + ip + tcp
        }
        var frames = [frame(client, server, 40000, 80, seq: 1000, ack: 0, flags: 0x02),
                      frame(server, client, 80, 40000, seq: 5000, ack: 1001, flags: 0x12),
                      frame(client, server, 40000, 80, seq: 1001, ack: 5001, flags: 0x10)]
        for k in stride(from: segments - 1, through: 0, by: -1) {
            frames.append(frame(client, server, 40000, 80, seq: 1001 + k, ack: 5001, flags: 0x18, payload: [UInt8(65 + k % 26)]))
        }
        var bytes: [UInt8] = le32(0xA1B2C3D4) + [2, 0, 4, 0] + le32(0) + le32(0) + le32(262_144) + le32(1)
        for (i, f) in frames.enumerated() {
            bytes += le32(1_700_000_000) + le32(i) + le32(f.count) + le32(f.count) + f
        }
        return Data(bytes)
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
