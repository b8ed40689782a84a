import Foundation
import Testing
import TcpwatchKit

/// The test API on the lab captures, used the way a lab grader or a CI check would.
@Suite struct CaptureTests {
    static func fixture(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fixtures/pcaps/\(name)").path
    }

    @Test func echoServerAnswersWithTheClientAddress() throws {
        let capture = try Capture(contentsOf: Self.fixture("echo.pcap"))
        let echo = try #require(capture.tcpConversations.first { $0.server.port == 6789 })
        #expect(echo.state == .SF)
        #expect(echo.handshake.isComplete)
        #expect(echo.handshake == Handshake(syn: 1, synAck: 2, ack: 3))
        #expect(echo.clientBytes == Array("Hello server".utf8))
        #expect(echo.serverText == "Hello 10.77.0.4")
        #expect(echo.firstFIN?.byClient == true)
        #expect(try capture.frames(matching: "tcp.flags.reset == 1").isEmpty)
    }

    @Test func refusedConnectionIsReset() throws {
        let capture = try Capture(contentsOf: Self.fixture("refused.pcap"))
        let c = try #require(capture.tcpConversation(toPort: 81))
        #expect(c.state == .REJ)
        #expect(!c.handshake.isComplete)
        #expect(c.reset?.byClient == false)
        #expect(try capture.frames(matching: "tcp.flags.reset == 1 && tcp.srcport == 81") == [2])
    }

    @Test func twoConnectionsDifferOnlyInTheSourcePort() throws {
        let capture = try Capture(contentsOf: Self.fixture("two-conns.pcap"))
        #expect(capture.tcpConversations.count == 2)
        let ports = Set(capture.tcpConversations.map(\.client.port))
        #expect(ports.count == 2)
        #expect(Set(capture.tcpConversations.map(\.server)).count == 1)
    }

    @Test func fieldValuesLikeTsharkFields() throws {
        let capture = try Capture(contentsOf: Self.fixture("dns.pcap"))
        let answers = try capture.values(matching: "dns.flags.response == 1 && dns.a", fields: ["dns.qry.name", "dns.a"])
        #expect(answers.first?["dns.qry.name"] == ["www.lab.test"])
        #expect(answers.first?["dns.a"] == ["10.77.0.80"])
    }

    @Test func badFilterIsAnError() throws {
        let capture = try Capture(contentsOf: Self.fixture("echo.pcap"))
        #expect(throws: CaptureError.self) { try capture.frames(matching: "tcp.flgs.syn == 1") }
    }

    @Test func missingFileIsAnError() {
        #expect(throws: CaptureError.self) { try Capture(contentsOf: "/nonexistent.pcap") }
    }
}
