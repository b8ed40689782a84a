import Foundation
import Testing
import Dissect
import Follow
import Views

/// Reassembled streams against tshark's `-z follow,tcp,raw,N`, and against the files the
/// lab actually sent (byte-exact, through loss and reordering).
@Suite struct FollowReferenceTests {
    static let references = Paths.files(in: Paths.fixtures, suffixes: [".txt"]).filter { $0.lastPathComponent.contains(".follow-") }

    /// Runs the follower over `capture` reassembling `stream`, and renders it with `view`.
    static func follow(_ capture: String, stream: Int, format: FollowView.Format,
                       direction: FollowView.Direction = .both) -> [UInt8] {
        var options = FollowerOptions()
        options.reassembleStreams = [stream]
        let follower = Follower(options: options)
        let out = OutputBuffer(fileDescriptor: nil)
        let view = FollowView(format: format, direction: direction, color: false, out: out)
        var header = false
        follower.streamData = { s, fromA, fromClient, chunk in
            if !header, let c = follower.tcpConversation(stream: s) {
                view.writeHeader(stream: s, a: c.sideA, b: c.sideB)
                header = true
            }
            view.write(chunk, fromA: fromA, fromClient: fromClient)
        }
        follower.conversationEnded = { conversation in
            guard case .tcp(let c) = conversation, c.stream == stream, !header else { return }
            view.writeHeader(stream: c.stream, a: c.sideA, b: c.sideB)
            header = true
        }
        _ = renderFile(capture, follower: follower) { _, _ in }
        follower.finish()
        view.writeFooter()
        return out.bytes
    }

    @Test func everyStreamHasAReference() {
        #expect(Self.references.count >= 25)
    }

    @Test(arguments: references)
    func rawFollowMatchesTshark(reference: URL) throws {
        let expected = try Data(contentsOf: reference)
        let name = reference.lastPathComponent
        guard let range = name.range(of: ".follow-"), let stream = Int(name[range.upperBound...].dropLast(4)) else {
            Issue.record("cannot read the stream number of \(name)")
            return
        }
        let capture = reference.deletingLastPathComponent().appendingPathComponent(String(name[..<range.lowerBound])).path
        let actual = Self.follow(capture, stream: stream, format: .raw)
        #expect(actual == Array(expected), "\(name) differs from tshark's follow output")
    }

    @Test func ncTransferIsByteExact() throws {
        let sent = try Data(contentsOf: Paths.repository.appendingPathComponent("Fixtures/data/services.txt"))
        let got = Self.follow(Paths.fixtures.appendingPathComponent("nc-file.pcap").path, stream: 0, format: .raw, direction: .client)
        #expect(got == Array(sent))
    }

    @Test func lossyTransferIsByteExactDespiteLossAndReordering() throws {
        let sent = try Data(contentsOf: Paths.repository.appendingPathComponent("Fixtures/data/lossy.bin"))
        let got = Self.follow(Paths.fixtures.appendingPathComponent("lossy.pcap").path, stream: 0, format: .raw, direction: .client)
        #expect(got.count == sent.count)
        #expect(got == Array(sent))
    }

    /// tshark's `-z follow,tcp,ascii,N`, byte for byte (references made by
    /// scripts/record-lab-fixtures.sh --ascii-references), with no control byte but \r, \n and the indenting tab.
    static let asciiReferences = Paths.files(in: Paths.fixtures, suffixes: [".txt"]).filter { $0.lastPathComponent.contains(".ascii-") }

    @Test func asciiReferencesExist() { #expect(Self.asciiReferences.count >= 5) }

    @Test(arguments: asciiReferences)
    func asciiFollowMatchesTshark(reference: URL) throws {
        let expected = try Data(contentsOf: reference)
        let name = reference.lastPathComponent
        let range = try #require(name.range(of: ".ascii-"))
        let stream = try #require(Int(name[range.upperBound...].dropLast(4)))
        let capture = reference.deletingLastPathComponent().appendingPathComponent(String(name[..<range.lowerBound])).path
        let actual = Self.follow(capture, stream: stream, format: .ascii)
        #expect(actual == Array(expected), "\(name) differs from tshark's ascii follow")
        #expect(!actual.contains { $0 < 0x20 && $0 != 10 && $0 != 13 && $0 != 9 }, "only the header tab and \\r\\n")
    }

    @Test func escapedEscapesTerminalControlSequences() throws {
        let text = Self.follow(Paths.fixtures.appendingPathComponent("escapes.pcap").path, stream: 0, format: .escaped)
        #expect(!text.contains(0x1b), "an ESC byte reached the output")
        #expect(!text.contains(0x07), "a BEL byte reached the output")
        let shown = String(decoding: text, as: UTF8.self)
        #expect(shown.contains("\\x1b]0;pwned\\x07"))
        #expect(shown.contains("\\x1b[2J\\x1b[H"))
    }
}
