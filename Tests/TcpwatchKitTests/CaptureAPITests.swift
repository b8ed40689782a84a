import Foundation
import Testing
import TcpwatchKit

/// The test API on the lab captures, used the way a lab grader or a CI check would.
@Suite struct CaptureAPITests {
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

@Suite struct ExpectationTests {
    @Test func reportsNearestCandidateWhenAConversationFails() throws {
        let capture = try Capture(contentsOf: CaptureAPITests.fixture("refused.pcap"))
        let result = capture.check(.conversation(where: "id.resp_p==81", state: .SF, clientSends: nil, serverSends: nil))
        #expect(!result.passed)
        #expect(result.found.contains("stream 0, state REJ (RST from server, frame 2)"))
    }

    @Test func echoAssertionsHold() throws {
        let capture = try Capture(contentsOf: CaptureAPITests.fixture("echo.pcap"))
        for expectation in [
            Expectation.handshake(host: "10.77.0.15", port: 6789),
            .conversation(where: "id.resp_p==6789 && id.orig_h==10.77.0.4", state: .SF, clientSends: "Hello server", serverSends: "Hello 10.77.0.4"),
            .packets(filter: "tcp.flags.syn == 1", count: 2, atLeast: nil),
        ] {
            let result = capture.check(expectation)
            #expect(result.passed, "\(expectation): \(result.found)")
        }
    }

    @Test func portStatesFromAScan() throws {
        let capture = try Capture(contentsOf: CaptureAPITests.fixture("nmap-ss.pcap"))
        #expect(capture.check(.port(host: "10.77.0.15", port: 80, state: "open")).passed)
        #expect(capture.check(.port(host: "10.77.0.15", port: 81, state: "closed")).passed)
        #expect(capture.check(.port(host: "10.77.0.15", port: 25, state: "filtered")).passed)
        #expect(!capture.check(.port(host: "10.77.0.15", port: 25, state: "open")).passed)
    }

    @Test func badConditionIsReported() throws {
        let capture = try Capture(contentsOf: CaptureAPITests.fixture("echo.pcap"))
        let result = capture.check(.conversation(where: "resp_port==6789", state: nil, clientSends: nil, serverSends: nil))
        #expect(!result.passed)
        #expect(result.found.contains("unknown conversation field"))
    }
}

/// A failed data expectation shows what the side did send, escaped as expectations are written.
@Suite struct ExpectationReportTests {
    @Test func failureShowsTheBytesSent() throws {
        let capture = try Capture(contentsOf: CaptureAPITests.fixture("escapes.pcap"))
        let result = capture.check(.conversation(where: "id.resp_p==2323", state: nil, clientSends: nil, serverSends: "not this"))
        #expect(!result.passed)
        let server = try #require(capture.tcpConversations.first { $0.server.port == 2323 }).serverBytes
        #expect(server.contains(0x1b))
        #expect(result.found.contains("the server sent 'Welcome to the escape lab\\r\\n\\x1b]0;pwned\\x07"))
        #expect(!result.found.utf8.contains(0x1b))
    }
}
