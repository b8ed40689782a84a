import Foundation
import Testing
import Dissect
import Follow
import Views

/// `conversations` on a file keeps its conversations with ``ConversationLedger`` from the
/// raw records. Every conversation must end as the follower's does: the same ones, in the
/// same order, with the same counters, state and history (compared as the JSON line and
/// the table row the view writes of each), on every fixture and corpus capture, with the
/// default caps and with tiny ones.
@Suite struct ConversationLedgerTests {
    static let fixtures = Paths.files(in: Paths.fixtures, suffixes: [".pcap", ".pcapng"])

    /// The options `conversations` gives the follower without -Y.
    static func options() -> FollowerOptions {
        var options = FollowerOptions()
        options.trackHTTP = false
        options.analyzeSequences = false
        return options
    }

    /// What the view writes of each conversation as it ends, in order.
    static func render(_ conversation: Conversation, into lines: inout [String]) {
        let summary = ConversationSummary(conversation)
        let out = OutputBuffer(fileDescriptor: nil)
        let json = ConversationsView(style: .json)
        json.writeJSON(summary, to: out)
        ConversationsView(style: .table, width: 200).writeTableRow(summary, reference: .zero, to: out)
        lines.append("ordinal \(summary.ordinal) frames \(summary.firstFrame) " + out.text)
    }

    static func followerRows(_ path: String, options: FollowerOptions) -> (rows: [String], failed: Bool) {
        let follower = Follower(options: options)
        var rows: [String] = []
        follower.conversationEnded = { render($0, into: &rows) }
        var loop = PacketLoop(follower: follower)
        loop.depth = .transport
        var failed = false
        do {
            let reader = try CaptureFileReader(path: path)
            while let raw = try reader.next() { loop.process(raw) { _ in } }
        } catch {
            failed = true
        }
        follower.finish()
        return (rows, failed)
    }

    static func ledgerRows(_ path: String, options: FollowerOptions) -> (rows: [String], failed: Bool) {
        let ledger = ConversationLedger(options: options)
        var rows: [String] = []
        ledger.conversationEnded = { render($0, into: &rows) }
        var failed = false
        do {
            let reader = try CaptureFileReader(path: path)
            var number = 0
            while let raw = try reader.next() {
                number += 1
                ledger.process(raw, number: number)
            }
        } catch {
            failed = true
        }
        ledger.finish()
        return (rows, failed)
    }

    static func expectSameRows(_ path: String, options: FollowerOptions = options(),
                               sourceLocation: SourceLocation = #_sourceLocation) {
        let expected = followerRows(path, options: options)
        let actual = ledgerRows(path, options: options)
        #expect(actual.failed == expected.failed, "\(path)", sourceLocation: sourceLocation)
        #expect(actual.rows.count == expected.rows.count, "\(path): conversations", sourceLocation: sourceLocation)
        if let i = actual.rows.indices.first(where: { $0 < expected.rows.count && actual.rows[$0] != expected.rows[$0] }) {
            Issue.record("\(path): conversation \(i) ended as\n\(actual.rows[i])\nthe follower's:\n\(expected.rows[i])",
                         sourceLocation: sourceLocation)
        }
    }

    @Test(arguments: fixtures)
    func everyFixtureEndsTheFollowersConversations(capture: URL) {
        Self.expectSameRows(capture.path)
    }

    @Test func theCorpusEndsTheFollowersConversations() {
        let files = SelectedStreamTests.corpus
        guard !files.isEmpty else { return print("skipping: no corpus at \(Paths.corpus.path)") }
        for file in files { Self.expectSameRows(file.path) }
    }

    /// Evictions, linger and idle timeouts end conversations all the time with tiny caps.
    @Test func evictionsAndTimeoutsEndTheSameConversations() throws {
        var options = Self.options()
        options.maxLiveConversations = 8
        options.closedLinger = 0
        options.tcpIdleTimeout = 1
        options.udpIdleTimeout = 1
        for capture in Self.fixtures { Self.expectSameRows(capture.path, options: options) }
        let path = try SelectedStreamTests.writeReuseCapture()
        defer { try? FileManager.default.removeItem(atPath: path) }
        Self.expectSameRows(path)
        Self.expectSameRows(path, options: options)
    }
}
