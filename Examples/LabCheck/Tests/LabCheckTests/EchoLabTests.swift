import Foundation
import Testing
import TcpwatchKit

/// A lab grader's checks on a student's capture of the echo exercise.
@Suite struct EchoLabTests {
    static let capturePath = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Captures/echo-lab.pcap").path

    @Test func clientCompletedTheHandshakeAndGotItsGreeting() throws {
        let capture = try Capture(contentsOf: Self.capturePath)
        let echo = try #require(capture.tcpConversation(toPort: 6789))
        #expect(echo.handshake.isComplete)
        #expect(echo.state == .SF)
        #expect(echo.clientText == "Hello server")
        #expect(echo.serverText == "Hello \(echo.client.address)")
    }

    @Test func nothingWasReset() throws {
        let capture = try Capture(contentsOf: Self.capturePath)
        #expect(try capture.frames(matching: "tcp.flags.reset == 1").isEmpty)
        #expect(try capture.frames(matching: "tcp.analysis.retransmission").isEmpty)
    }
}
