import Foundation
import Testing
import Dissect
import Follow
import Views

/// The conversation table against tshark's `-q -z conv,tcp` / `conv,udp`, and Zeek's states.
@Suite struct ConversationReferenceTests {
    static let references = Paths.files(in: Paths.fixtures, suffixes: [".conv.txt", ".convudp.txt"])

    static func summaries(_ capture: String) -> (conversations: [ConversationSummary], reference: Timestamp) {
        let follower = Follower()
        var collected: [ConversationSummary] = []
        follower.conversationEnded = { collected.append(ConversationSummary($0)) }
        var reference: Timestamp?
        _ = renderFile(capture, follower: follower) { input, _ in
            if reference == nil { reference = input.reference }
        }
        follower.finish()
        return (collected, reference ?? .zero)
    }

    @Test(arguments: references)
    func tsharkLayoutMatches(reference: URL) throws {
        let expected = try String(contentsOf: reference, encoding: .utf8)
        let udp = reference.lastPathComponent.hasSuffix(".convudp.txt")
        let capture = reference.deletingPathExtension().deletingPathExtension().path
        let (all, start) = Self.summaries(capture)
        let transport: ConversationSummary.Transport = udp ? .udp : .tcp
        let out = OutputBuffer(fileDescriptor: nil)
        ConversationsView(style: .tshark).writeTshark(all.filter { $0.transport == transport }.sorted { $0.stream < $1.stream },
                                                      transport: transport, reference: start, to: out)
        #expect(out.text == expected)
    }

    /// Zeek's conn_state for the lab's classic cases.
    @Test(arguments: [
        ("echo.pcap", 0, ConnState.SF, "ShADadFf"),
        ("refused.pcap", 0, .REJ, "Sr"),
        ("filtered.pcap", 0, .S0, "S"),
        ("http-get.pcap", 0, .SF, "ShADadFf"),
    ])
    func zeekStates(file: String, stream: Int, state: ConnState, history: String) throws {
        let (all, _) = Self.summaries(Paths.fixtures.appendingPathComponent(file).path)
        let c = try #require(all.first { $0.transport == .tcp && $0.stream == stream })
        #expect(c.state == state)
        #expect(c.history == history)
    }

    @Test func nmapSynScanStates() throws {
        let (all, _) = Self.summaries(Paths.fixtures.appendingPathComponent("nmap-ss.pcap").path)
        let byPort = Dictionary(all.filter { $0.transport == .tcp }.map { ($0.server.port, $0.state) }, uniquingKeysWith: { a, _ in a })
        #expect(byPort[80] == .RSTO)   // open: SYN, SYN-ACK, the scanner's RST
        #expect(byPort[81] == .REJ)    // closed: RST,ACK
        #expect(byPort[30] == .REJ)    // nft "reject with tcp reset" looks exactly like closed
        #expect(byPort[25] == .S0)     // dropped: no answer
        #expect(byPort[26] == .S0)     // ICMP admin-prohibited answers are not TCP
    }
}
