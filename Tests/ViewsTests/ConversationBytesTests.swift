import Foundation
import Testing
import Dissect
import Follow
import Views

/// The table's byte column counts whole frames by default, as Wireshark's Conversations
/// do; `--bytes payload` counts TCP/UDP data, as Zeek's orig_bytes/resp_bytes.
@Suite struct ConversationBytesTests {
    /// tshark's conv,tcp rows: "A <-> B  f bytes(B→A)  f bytes(A→B)  ..." for rows in plain bytes.
    static func tsharkBytes(_ name: String) throws -> [String: (aToB: Int, bToA: Int)] {
        let text = try String(contentsOf: Paths.fixtures.appendingPathComponent(name + ".conv.txt"), encoding: .utf8)
        var rows: [String: (Int, Int)] = [:]
        for line in text.split(separator: "\n") where line.contains("<->") {
            let w = line.split(separator: " ")
            // A <-> B f_ba n bytes f_ab n bytes ...
            guard w.count >= 10, w[5] == "bytes", w[8] == "bytes", let ba = Int(w[4]), let ab = Int(w[7]) else { continue }
            rows["\(w[0]) \(w[2])"] = (ab, ba)
        }
        return rows
    }

    @Test(arguments: ["two-conns.pcap", "loopback-two.pcap", "echo.pcap"])
    func frameBytesAreWiresharks(name: String) throws {
        let expected = try Self.tsharkBytes(name)
        #expect(!expected.isEmpty)
        let (all, start) = ConversationReferenceTests.summaries(Paths.fixtures.appendingPathComponent(name).path)
        for c in all where c.transport == .tcp {
            let key = "\(c.a) \(c.b)"
            let row = try #require(expected[key], "\(key)")
            #expect(c.aBytes == row.aToB && c.bBytes == row.bToA)
            #expect(c.clientFrameBytes + c.serverFrameBytes == row.aToB + row.bToA)
        }
        var view = ConversationsView(style: .table, width: 120)
        let frame = OutputBuffer(fileDescriptor: nil)
        view.writeTable(all, reference: start, to: frame)
        view.byteCount = .payload
        let payload = OutputBuffer(fileDescriptor: nil)
        view.writeTable(all, reference: start, to: payload)
        #expect(frame.text.contains("frame B"))
        #expect(payload.text.contains("payload B"))
        #expect(frame.text != payload.text)
        for c in all where c.transport == .tcp {
            #expect(frame.text.contains("\(c.clientFrameBytes)/\(c.serverFrameBytes)"))
            #expect(payload.text.contains("\(c.clientPayload)/\(c.serverPayload)"))
        }
    }
}
