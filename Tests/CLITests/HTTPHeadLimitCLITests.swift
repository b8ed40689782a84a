import Foundation
import Testing

/// issue 18: an HTTP head longer than the parser keeps (64 KiB) is reported in a note,
/// not dropped without a word.
@Suite struct HTTPHeadLimitCLITests {
    @Test func oversizedHeadGetsANote() throws {
        let head = Array("GET /big HTTP/1.1\r\nHost: lab\r\nX-Big: ".utf8) + [UInt8](repeating: 97, count: 100_000)
            + Array("\r\n\r\n".utf8)
        var capture = GeneratedCapture()
        capture.handshake()
        var offset = 0
        while offset < head.count {
            let piece = Array(head[offset..<min(offset + 1400, head.count)])
            capture.segment(seq: 1001 + offset, ack: 5001, flags: 0x18, payload: piece)
            offset += piece.count
        }
        let file = CLITests.temporary("big-head.pcap")
        defer { try? FileManager.default.removeItem(atPath: file) }
        try capture.data.write(to: URL(fileURLWithPath: file))

        let http = try CLITests.run(["http", file])
        #expect(http.status == 0, "\(http.err)")
        let notes = http.err.split(separator: "\n")
        #expect(notes.count == 1, "\(http.err)")
        #expect(http.err.contains("note: tcp.stream 0: the HTTP request head from frame 4 is longer than 64 KiB"), "\(http.err)")
    }
}
